import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ConfigError, loadConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';

/** Accepts whatever the bot sends; this suite looks only at how the bot answers requests. */
let sink: Server;
let sinkUrl = '';
beforeAll(async () => {
  sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"1"}');
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  sinkUrl = `http://127.0.0.1:${(sink.address() as { port: number }).port}/`;
});
afterAll(() => new Promise<void>((resolve) => sink.close(() => resolve())));

const activity = (extra: object = {}) => ({
  type: 'message',
  id: 'a1',
  text: 'help',
  channelId: 'msteams',
  serviceUrl: sinkUrl,
  from: { id: '29:u', aadObjectId: 'u', name: 'U' },
  recipient: { id: '28:bot', name: 'bot' },
  conversation: { id: 'c1', conversationType: 'personal', tenantId: 't' },
  ...extra,
});

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body as unknown as BodyInit });
  await res.text();
  return res.status;
}

describe('/api/messages faces the internet', () => {
  let dir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prb-security-'));
    server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', MAX_BODY_BYTES: '65536' }));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a body that claims gzip but is not (restify issue 1975), and keeps serving', async () => {
    expect(await post(server.url, Buffer.from('this is not gzip'), { 'content-encoding': 'gzip' })).toBe(415);
    expect(await post(server.url, gzipSync(JSON.stringify(activity())), { 'content-encoding': 'gzip' })).toBe(415);
    expect(await post(server.url, 'x', { 'content-encoding': 'deflate, br' })).toBe(415);
    expect(await post(server.url, JSON.stringify(activity()))).toBe(200);
  });

  it('refuses bodies over the size limit', async () => {
    expect(await post(server.url, JSON.stringify(activity({ text: 'x'.repeat(100_000) })))).toBe(413);
  });

  it.each([
    ['malformed JSON', '{"type": '],
    ['a JSON array', '[]'],
    ['a JSON string', '"hello"'],
    ['an object with no type', '{"text":"hi"}'],
    ['null', 'null'],
  ])('answers %s with 400 and keeps serving', async (_name, body) => {
    expect(await post(server.url, body)).toBe(400);
    expect(await post(server.url, JSON.stringify(activity()))).toBe(200);
  });

  it('never answers with a stack trace', async () => {
    const res = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": ' });
    const text = await res.text();
    expect(text).not.toMatch(/\bat .*\.(js|ts):\d+/);
    expect(text).not.toMatch(/node_modules/);
  });
});

describe('a bot identity is required in production', () => {
  it('refuses to load a production configuration without MicrosoftAppId, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', APPROVERS: 'a@example.org' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', APPROVERS: 'a@example.org' })).toThrow(/MicrosoftAppId/);
  });

  it('refuses a single-tenant identity without its tenant', () => {
    expect(() => loadConfig({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppType: 'SingleTenant' })).toThrow(/MicrosoftAppTenantId/);
  });

  it('refuses self-approval in production: APPROVERS is required', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppTenantId: 't', MicrosoftAppType: 'UserAssignedMSI' }),
    ).toThrow(/APPROVERS/);
  });

  it('the built server exits with the reason when started in production without an identity', () => {
    if (!existsSync('dist/src/server.js')) throw new Error('dist/ is missing: `npm test` builds it first (npm run build)');
    const run = spawnSync(process.execPath, ['dist/src/server.js'], { env: { ...process.env, NODE_ENV: 'production', MicrosoftAppId: '' }, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/MicrosoftAppId/);
  });

  describe('with an identity configured', () => {
    let dir: string;
    let server: RunningServer;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'prb-auth-'));
      server = await startServer(
        loadConfig({
          PORT: '0',
          DATA_DIR: dir,
          LOG_LEVEL: 'silent',
          MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
          MicrosoftAppType: 'SingleTenant',
          MicrosoftAppTenantId: '00000000-0000-0000-0000-000000000002',
          MicrosoftAppPassword: 'not-used',
          APPROVERS: '00000000-0000-0000-0000-0000000000a1',
        }),
      );
    });
    afterAll(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers an unsigned request with 401', async () => {
      expect(await post(server.url, JSON.stringify(activity()))).toBe(401);
    });

    it('answers a request with a forged token with 401', async () => {
      expect(await post(server.url, JSON.stringify(activity()), { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.' })).toBe(401);
    });
  });
});
