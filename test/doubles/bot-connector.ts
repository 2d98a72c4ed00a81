import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local double of the Bot Connector service (the `serviceUrl` a Teams
 * activity carries). Bots reply, update and create conversations through it;
 * tests read what was sent and inject the faults Teams answers with.
 *
 * Routes (Bot Connector REST API v3,
 * https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference):
 *   POST /v3/conversations                                  create conversation -> {id, activityId?}
 *   POST /v3/conversations/{id}/activities                  send               -> {id}
 *   POST /v3/conversations/{id}/activities/{replyToId}      reply              -> {id}
 *   PUT  /v3/conversations/{id}/activities/{activityId}     update             -> {id}
 *   GET  /v3/conversations/{id}/members/{userId}            Teams member       -> TeamsMember
 * Anything else answers 404 and lands in `unmatched`, so a test can assert
 * the bot used no route the double does not know.
 */

export type Activity = Record<string, any>;

export interface RecordedActivity {
  readonly method: 'POST' | 'PUT';
  readonly path: string;
  readonly conversationId: string;
  /** From the URL of a reply (`.../activities/{replyToId}`); absent for a plain send. */
  readonly replyToId?: string;
  /** The activity a PUT replaced. */
  readonly activityId?: string;
  /** The id the double answered with (for a PUT, the updated activity's id). */
  readonly id: string;
  readonly activity: Activity;
  readonly at: Date;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  /** The status the double answered with. */
  readonly status: number;
  /** True when the answer came from `failNext`. */
  readonly injected: boolean;
}

export interface CreatedConversation {
  readonly id: string;
  /** The ConversationParameters the bot sent (members, tenantId, channelData, ...). */
  readonly parameters: Activity;
}

export interface TeamsMember {
  id: string;
  name: string;
  aadObjectId: string;
  givenName?: string;
  surname?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
  userRole?: string;
}

export interface FaultOptions {
  /** How many consecutive matching requests fail (default 1). */
  readonly times?: number;
  /** Which requests the fault applies to (default: any). */
  readonly match?: (request: { method: string; path: string; body: unknown }) => boolean;
}

export interface BotConnectorDouble {
  /** The serviceUrl to put in activities, ending in '/'. */
  readonly url: string;
  /** Every activity the bot sent or updated, in arrival order (faulted requests excluded). */
  readonly activities: readonly RecordedActivity[];
  /** Every request, faulted or not. */
  readonly requests: readonly RecordedRequest[];
  readonly conversations: readonly CreatedConversation[];
  /** Requests to routes the double does not serve. */
  readonly unmatched: readonly RecordedRequest[];
  /** Resolves with the first recorded activity (past or future) matching, or rejects after timeoutMs listing what arrived. */
  waitFor(predicate: (a: RecordedActivity) => boolean, timeoutMs?: number): Promise<RecordedActivity>;
  /**
   * Makes the next matching request(s) fail with this status, body (default an
   * `{error:{code,message}}` like the service's) and headers. Faults queue in order.
   */
  failNext(status: number, body?: unknown, headers?: Record<string, string>, options?: FaultOptions): void;
  /**
   * Makes the next matching request(s) wait `ms` before the double handles them, as a
   * slow service would. A request whose sender went away meanwhile (a killed bot) is
   * dropped: nothing is recorded for it.
   */
  delayNext(ms: number, options?: FaultOptions): void;
  /** How many requests are waiting in a `delayNext` delay now. */
  delayed(): number;
  /** What GET .../members/{userId} answers for this user (otherwise a member is made up from the id). */
  setMember(member: TeamsMember): void;
  /** Forgets recorded traffic and pending faults. */
  clear(): void;
  close(): Promise<void>;
}

/** Error bodies as the real service sends them: `{ error: { code, message } }`. */
export const connectorErrors = {
  conversationBlockedByUser: { error: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' } },
  botNotInConversationRoster: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } },
  throttled: { error: { code: 'Throttled', message: 'Too many requests.' } },
  messageSizeTooBig: { error: { code: 'MessageSizeTooBig', message: 'Activity body too large for processing.' } },
} as const;

interface PendingFault {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  remaining: number;
  match?: FaultOptions['match'];
}

interface Waiter {
  predicate: (a: RecordedActivity) => boolean;
  resolve: (a: RecordedActivity) => void;
}

const MAX_BODY_BYTES = 1_000_000;

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(text);
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function memberFromId(userId: string): TeamsMember {
  const suffix = userId.replace(/^29:/, '');
  return {
    id: userId,
    name: `User ${suffix.slice(0, 8)}`,
    aadObjectId: suffix,
    userPrincipalName: `${suffix.slice(0, 8)}@example.com`,
    email: `${suffix.slice(0, 8)}@example.com`,
    userRole: 'user',
  };
}

export async function startBotConnector(): Promise<BotConnectorDouble> {
  const activities: RecordedActivity[] = [];
  const requests: RecordedRequest[] = [];
  const conversations: CreatedConversation[] = [];
  const unmatched: RecordedRequest[] = [];
  const members = new Map<string, TeamsMember>();
  let faults: PendingFault[] = [];
  let delays: { ms: number; remaining: number; match?: FaultOptions['match'] }[] = [];
  let delayedNow = 0;
  let waiters: Waiter[] = [];

  const record = (activity: RecordedActivity): void => {
    activities.push(activity);
    const still: Waiter[] = [];
    for (const w of waiters) {
      if (w.predicate(activity)) w.resolve(activity);
      else still.push(w);
    }
    waiters = still;
  };

  const takeFault = (method: string, path: string, body: unknown): PendingFault | undefined => {
    const fault = faults.find((f) => !f.match || f.match({ method, path, body }));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
    return fault;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://double').pathname;
    const body = await readBody(req);
    const log = (status: number, injected = false): RecordedRequest => {
      const entry = { method, path, headers: req.headers, body, status, injected };
      requests.push(entry);
      return entry;
    };

    const delay = delays.find((d) => !d.match || d.match({ method, path, body }));
    if (delay) {
      delay.remaining -= 1;
      if (delay.remaining <= 0) delays = delays.filter((d) => d !== delay);
      delayedNow += 1;
      await new Promise((r) => setTimeout(r, delay.ms).unref());
      delayedNow -= 1;
      if (res.destroyed || req.socket.destroyed) return;
    }

    const fault = takeFault(method, path, body);
    if (fault) {
      log(fault.status, true);
      return send(res, fault.status, fault.body, fault.headers);
    }

    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const activity = (body && typeof body === 'object' ? body : {}) as Activity;

    if (parts[0] === 'v3' && parts[1] === 'conversations') {
      if (method === 'POST' && parts.length === 2) {
        const id = `a:${randomUUID()}`;
        conversations.push({ id, parameters: activity });
        log(200);
        if (activity.activity && typeof activity.activity === 'object') {
          const activityId = randomUUID();
          record({ method: 'POST', path, conversationId: id, id: activityId, activity: activity.activity, at: new Date() });
          return send(res, 200, { id, activityId });
        }
        return send(res, 200, { id });
      }
      const conversationId = parts[2];
      if (parts[3] === 'activities' && parts.length <= 5 && conversationId) {
        if (method === 'POST') {
          const id = randomUUID();
          record({ method, path, conversationId, replyToId: parts[4], id, activity, at: new Date() });
          log(200);
          return send(res, 200, { id });
        }
        if (method === 'PUT' && parts[4]) {
          record({ method, path, conversationId, activityId: parts[4], id: parts[4], activity, at: new Date() });
          log(200);
          return send(res, 200, { id: parts[4] });
        }
      }
      if (method === 'GET' && parts[3] === 'members' && parts.length === 5) {
        log(200);
        return send(res, 200, members.get(parts[4]) ?? memberFromId(parts[4]));
      }
    }
    unmatched.push(log(404));
    return send(res, 404, { error: { code: 'NotFound', message: `The Bot Connector double does not serve ${method} ${path}` } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { code: 'DoubleFailed', message: String(err) } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    activities,
    requests,
    conversations,
    unmatched,
    waitFor(predicate, timeoutMs = 5000) {
      const already = activities.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (a) => {
            clearTimeout(timer);
            resolve(a);
          },
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          const seen = activities.map((a) => `${a.method} ${a.activity.type ?? '?'} ${JSON.stringify(a.activity.text ?? '')}`);
          reject(new Error(`No matching activity within ${timeoutMs} ms. Received ${activities.length}: ${seen.join('; ') || '(none)'}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    failNext(status, body, headers = {}, options = {}) {
      const fallback = { error: { code: `InjectedHttp${status}`, message: 'Fault injected by the Bot Connector double.' } };
      faults.push({ status, body: body ?? fallback, headers, remaining: options.times ?? 1, match: options.match });
    },
    delayNext(ms, options = {}) {
      delays.push({ ms, remaining: options.times ?? 1, match: options.match });
    },
    delayed: () => delayedNow,
    setMember(member) {
      members.set(member.id, member);
    },
    clear() {
      activities.length = 0;
      requests.length = 0;
      conversations.length = 0;
      unmatched.length = 0;
      faults = [];
      delays = [];
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
