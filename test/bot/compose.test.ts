import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request, Response } from 'restify';
import { compose } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startBotConnector, type BotConnectorDouble } from '../doubles/bot-connector';
import { messageFrom, teamsUser } from '../doubles/teams-activity';

/** A request and response as restify hands them to a route, without a socket. */
function exchange(body: unknown): { req: Request; res: Response; answer: () => { status: number; body: unknown } } {
  let status = 200;
  let sent: unknown;
  const res = {
    statusCode: 200,
    headersSent: false,
    header: () => undefined,
    status(code: number) {
      status = code;
      this.statusCode = code;
      return this;
    },
    send(codeOrBody: unknown, maybeBody?: unknown) {
      if (typeof codeOrBody === 'number') {
        this.status(codeOrBody);
        sent = maybeBody;
      } else sent = codeOrBody;
      this.headersSent = true;
    },
    end() {
      this.headersSent = true;
    },
  };
  const req = { body, headers: {}, method: 'POST' };
  return { req: req as unknown as Request, res: res as unknown as Response, answer: () => ({ status, body: sent }) };
}

describe('compose(config) builds the app without opening a socket', () => {
  let dir: string;
  let connector: BotConnectorDouble;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prb-compose-'));
    connector = await startBotConnector();
  });
  afterAll(async () => {
    await connector.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('handles a turn in-process, then, once stopping, answers 503 and releases the DATA_DIR', async () => {
    const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', BOT_SERVICE_URL: connector.url });
    const { app, ready, close } = await compose(config, { logger: createLogger('silent') });
    app.start();
    const user = teamsUser(connector.url, { name: 'In Process' });

    const first = exchange(messageFrom(user, 'help'));
    await app.handle(first.req, first.res);
    expect(first.answer().status).toBe(200);
    expect(connector.activities.some((a) => a.conversationId === user.conversationId && JSON.stringify(a.activity).includes('How I can help'))).toBe(true);
    expect(await ready()).toEqual({ ready: true, stores: { state: 'ok' } });

    await app.stop();
    expect(app.stopping()).toBe(true);
    const late = exchange(messageFrom(user, 'help'));
    await app.handle(late.req, late.res);
    expect(late.answer()).toEqual({ status: 503, body: { error: 'Shutting down' } });
    await close();

    // The DATA_DIR lock was released: the next composition on it starts.
    const again = await compose(config, { logger: createLogger('silent') });
    await again.app.stop(0);
    await again.close();
  });
});
