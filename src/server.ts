import { join } from 'node:path';
import * as restify from 'restify';
import { OutboxRegister, startOutboxDrain } from './adapters/outbox';
import { randomIds, systemClock } from './adapters/system';
import { sharePointSettings, type SharePointSettings } from './adapters/sharepoint/settings';
import { InstanceLockedError, lockDataDir, openSqliteStores } from './adapters/sqlite';
import { shapeProblem } from './bot/activity-guard';
import { DirectoryPeople, playgroundUsers } from './adapters/directory/directory-people';
import { graphToken } from './adapters/approvals/graph-token';

/** The Agents Playground's config at the project's root: its mock users are the people of a local run. */
const PLAYGROUND_CONFIG = '.m365agentsplayground.yml';
import { createApp, type AppDeps, type BuiltApp } from './app';
import { loadConfig, ConfigError, type Config } from './config';
import { createLogger, type Logger } from './logger';
import type { Clock } from './ports/clock';
import type { Records } from './ports/records';
import type { Register } from './ports/register';
import { loadFlows, loadProposalJourney } from './questionnaires';

export interface RunningServer {
  readonly url: string;
  /** Resolves once work started after answering (notifications) has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * restify 11 crashes the process on a body that claims a content encoding it
 * cannot decode (node-restify issue 1975), and body parsing runs before the bot
 * checks the caller's token: refuse every encoding but identity up front.
 */
function refuseEncodings(req: restify.Request, res: restify.Response, next: restify.Next): void {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    res.send(415, { error: 'Unsupported Content-Encoding' });
    return next(false);
  }
  return next();
}

function buildServer(config: Config, built: BuiltApp, logger: Logger): restify.Server {
  const server = restify.createServer({ name: 'partnership-register', handleUncaughtExceptions: false });
  server.server.requestTimeout = 30_000;
  server.server.headersTimeout = 15_000;
  server.pre(refuseEncodings);
  server.use(restify.plugins.bodyParser({ maxBodySize: config.maxBodyBytes, mapParams: false, mapFiles: false, rejectUnknown: true }));

  server.post('/api/messages', async (req, res) => {
    const problem = shapeProblem(req.body);
    if (problem) {
      res.send(400, { error: `Expected a Bot Framework activity: ${problem}` });
      return;
    }
    try {
      await built.process(req, res);
    } catch (err) {
      logger.error({ err, activityId: req.body?.id }, 'request failed');
      if (!res.headersSent) res.send(500, { error: 'Internal error' });
    }
  });
  server.get('/health', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    return next();
  });
  server.on('restifyError', (req: restify.Request, res: restify.Response, err: Error & { statusCode?: number }, callback: () => void) => {
    if ((err.statusCode ?? 500) >= 500) logger.error({ err, url: req.url }, 'request error');
    // Never a stack trace on the wire.
    (err as { toJSON?: () => unknown }).toJSON = () => ({ error: err.name });
    return callback();
  });
  return server;
}

/** Builds the app on the embedded SQLite store and listens: the only place with start-up side effects. */
export interface ServerOptions {
  readonly logger?: Logger;
  /** Tests stand on a chosen day. */
  readonly clock?: Clock;
  /** Keep the register in SharePoint (REGISTER_STORE=sharepoint); drafts and the rest stay in SQLite. */
  readonly sharePoint?: SharePointSettings;
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const lock = lockDataDir(config.dataDir);
  let stores: ReturnType<typeof openSqliteStores>;
  try {
    stores = openSqliteStores(join(config.dataDir, 'register.sqlite'));
  } catch (err) {
    lock.release();
    throw err;
  }
  const clock = options.clock ?? systemClock;
  let register: Register = stores.register;
  let records: Records = stores.records;
  let stopDrain: (() => Promise<void>) | undefined;
  try {
    if (options.sharePoint) {
      // Writes made while SharePoint is unreachable wait in the SQLite outbox and are drained when it is back.
      // People's turns use the interactive client (gives up within about 6 s); the drain uses the patient background one.
      // Loaded only here: @pnp/sp and @azure/identity cost about 200 ms of start-up and some memory a SQLite register never uses.
      const { openSharePointRegisters } = await import('./adapters/sharepoint');
      const { interactive, background, records: sharePointRecords } = await openSharePointRegisters(options.sharePoint, logger);
      records = sharePointRecords;
      const outbox = new OutboxRegister(interactive, stores.outbox, clock, logger, config.registerBreakSeconds * 1000, background);
      register = outbox;
      stopDrain = startOutboxDrain(outbox, config.outboxDrainSeconds * 1000, logger);
    }
  } catch (err) {
    stores.close();
    lock.release();
    throw err;
  }
  const people = new DirectoryPeople(stores.conversations, {
    graph: config.peopleDirectory === 'graph' ? { baseUrl: config.approvals.graphBaseUrl, token: graphToken(config.approvals.graphBaseUrl) } : undefined,
    // Locally, the people the Playground's picker offers (its committed mock users).
    mockUsers: config.peopleDirectory === 'local' ? playgroundUsers(PLAYGROUND_CONFIG, logger) : [],
    logger,
  });
  const deps: AppDeps = { config, journey: loadProposalJourney({ fundingThreshold: config.fundingThreshold }), flows: loadFlows(), ...stores, register, records, people, clock, ids: randomIds, logger };
  const built = createApp(deps);
  built.startWork();
  const server = buildServer(config, built, logger);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (err) {
    await built.stopWork();
    await stopDrain?.();
    stores.close();
    lock.release();
    throw err;
  }
  const address = server.address();
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  logger.info({ url: `${url}/api/messages`, mode: config.bot ? 'authenticated' : 'local (anonymous)', dataDir: config.dataDir }, 'bot listening');
  return {
    url,
    idle: () => built.idle(),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.idle();
      await built.stopWork();
      await stopDrain?.();
      stores.close();
      lock.release();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  let sharePoint: SharePointSettings | undefined;
  try {
    config = loadConfig(process.env);
    sharePoint = config.registerStore === 'sharepoint' ? sharePointSettings(process.env) : undefined;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  const running = await startServer(config, { logger, sharePoint });
  const stop = () => {
    running.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err) => {
    if (err instanceof InstanceLockedError) {
      console.error(err.message);
      process.exit(2);
    }
    console.error('The bot could not start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
