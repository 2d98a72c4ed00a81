import * as restify from 'restify';
// The settings alone: the SharePoint adapter (@pnp/sp, @azure/identity) is loaded only when the register is there.
import { sharePointSettings, type SharePointSettings } from './adapters/sharepoint/settings';
import { InstanceLockedError } from './adapters/sqlite';
import { shapeProblem } from './bot/activity-guard';
import { compose, type Composition } from './compose';
import { addReminderRoute, startReminderSchedule } from './reminder-triggers';
import { loadConfig, ConfigError, type Config } from './config';
import { createLogger, type Logger } from './logger';
import type { Clock } from './ports/clock';
import { startTelemetry } from './telemetry';

export interface RunningServer {
  readonly url: string;
  /** Resolves once work started after answering (notifications) has finished. */
  idle(): Promise<void>;
  /** Stops taking turns, finishes those in flight (up to SHUTDOWN_GRACE_SECONDS), releases leases, stops listening. */
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

function buildServer(config: Config, composition: Composition, logger: Logger): restify.Server {
  const built = composition.app;
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
      await built.handle(req, res);
    } catch (err) {
      logger.error({ err, activityId: req.body?.id }, 'request failed');
      if (!res.headersSent) res.send(500, { error: 'Internal error' });
    }
  });
  addReminderRoute(server, config, built, logger);
  // Liveness: the process is up and serving HTTP (also while shutting down, so it is not restarted mid-drain).
  const alive: restify.RequestHandler = (_req, res, next) => {
    res.send(200, { status: 'ok' });
    return next();
  };
  server.get('/healthz', alive);
  server.get('/health', alive);
  // Readiness: every store answers; 503 names the one that did not (and while shutting down).
  server.get('/readyz', async (_req, res) => {
    if (composition.app.stopping()) {
      res.send(503, { status: 'stopping' });
      return;
    }
    const { ready, stores } = await composition.ready();
    if (!ready) logger.warn({ stores }, 'not ready: a store is unreachable');
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', stores });
  });
  server.on('restifyError', (req: restify.Request, res: restify.Response, err: Error & { statusCode?: number }, callback: () => void) => {
    if ((err.statusCode ?? 500) >= 500) logger.error({ err, url: req.url }, 'request error');
    // Never a stack trace on the wire.
    (err as { toJSON?: () => unknown }).toJSON = () => ({ error: err.name });
    return callback();
  });
  return server;
}

export interface ServerOptions {
  readonly logger?: Logger;
  /** Tests stand on a chosen day. */
  readonly clock?: Clock;
  /** Keep the register in SharePoint (REGISTER_STORE=sharepoint). */
  readonly sharePoint?: SharePointSettings;
}

/** compose(config), then listen: the only place with start-up side effects. */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const composition = await compose(config, { logger, clock: options.clock, sharePoint: options.sharePoint });
  const built = composition.app;
  built.start();
  const server = buildServer(config, composition, logger);
  const stopSchedule = startReminderSchedule(config, built, logger);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (err) {
    stopSchedule?.();
    await built.stop(0);
    await composition.close();
    throw err;
  }
  const address = server.address();
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  logger.info(
    { url: `${url}/api/messages`, mode: config.bot ? 'authenticated' : 'local (anonymous)', state: config.stateStore, register: config.registerStore, dataDir: config.stateStore === 'sqlite' ? config.dataDir : undefined },
    'bot listening',
  );
  let closing: Promise<void> | undefined;
  return {
    url,
    idle: () => built.idle(),
    close: () =>
      (closing ??= (async () => {
        stopSchedule?.();
        // New turns get 503 at once; the socket stays open until those in flight have their answers.
        await built.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.server.closeIdleConnections?.();
        });
        await composition.close();
      })()),
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
  if (await startTelemetry(config.appInsightsConnectionString)) logger.info('telemetry sent to Application Insights');
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  const running = await startServer(config, { logger, sharePoint });
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down: no new turns; finishing those in flight');
    // Whatever happens, gone a little after the grace period (App Service kills at its own limit anyway).
    setTimeout(() => process.exit(1), (config.shutdownGraceSeconds + 5) * 1000).unref();
    running
      .close()
      .then(() => logger.info('stopped'))
      .catch((err) => logger.error({ err }, 'shutdown failed'))
      .finally(() => process.exit(0));
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
