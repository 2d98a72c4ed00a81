import { createServer, type Server } from 'node:http';

/**
 * A Microsoft Graph double for `GET /users/{id}/manager`: 200 with the manager's
 * directoryObject, 404 `Request_ResourceNotFound` when the user has none, as Graph does.
 */
export interface GraphDouble {
  readonly url: string;
  readonly requests: { path: string; authorization?: string }[];
  setManager(userId: string, managerId: string): void;
  /** A user `GET /users/{id | userPrincipalName}` finds. */
  setUser(user: { id: string; displayName: string; mail?: string; userPrincipalName: string }): void;
  failWith(status: number): void;
  close(): Promise<void>;
}

export async function startGraphDouble(): Promise<GraphDouble> {
  const managers = new Map<string, string>();
  const users: { id: string; displayName: string; mail?: string; userPrincipalName: string }[] = [];
  const requests: { path: string; authorization?: string }[] = [];
  let failure: number | undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname, authorization: req.headers.authorization });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (failure) return send(failure, { error: { code: 'serviceNotAvailable', message: 'Service unavailable' } });
    const user = /^\/v1\.0\/users\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && user) {
      const key = decodeURIComponent(user[1]).toLowerCase();
      const found = users.find((u) => u.id.toLowerCase() === key || u.userPrincipalName.toLowerCase() === key || u.mail?.toLowerCase() === key);
      if (!found) return send(404, { error: { code: 'Request_ResourceNotFound', message: `Resource '${key}' does not exist` } });
      return send(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity', ...found });
    }
    const match = /^\/v1\.0\/users\/([^/]+)\/manager$/.exec(url.pathname);
    if (req.method !== 'GET' || !match) return send(400, { error: { code: 'BadRequest', message: 'Unsupported request' } });
    const manager = managers.get(decodeURIComponent(match[1]));
    if (!manager) return send(404, { error: { code: 'Request_ResourceNotFound', message: 'Resource \'manager\' does not exist' } });
    return send(200, { '@odata.type': '#microsoft.graph.user', id: manager });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1.0`,
    requests,
    setManager: (userId, managerId) => managers.set(userId, managerId),
    setUser: (u) => users.push(u),
    failWith: (status) => {
      failure = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
