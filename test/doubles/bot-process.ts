import { resolve } from 'node:path';
import { freePort, startProcess, waitForPort } from './processes';

/**
 * The built bot as its own process (`node dist/src/server.js`), for tests
 * that restart it or that need the real entry point. Run `npm run build`
 * first: this starts what is in dist/, not src/.
 */

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const DEFAULT_BOT_ENTRY = resolve(REPO_ROOT, 'dist', 'src', 'server.js');

export interface BotProcessOptions {
  /** SQLite folder (DATA_DIR). Reuse it across a restart to keep the data. */
  readonly dataDir: string;
  /** Extra environment, applied last (e.g. LOG_LEVEL, approvers). */
  readonly env?: Readonly<Record<string, string>>;
  /** A fixed port, e.g. to restart on the same url; default a free one. */
  readonly port?: number;
  /** Another entry point; default dist/src/server.js. */
  readonly entry?: string;
  /** Copy the bot's output to stderr as it comes (also on with E2E_VERBOSE=1). */
  readonly echo?: boolean;
  readonly readyTimeoutMs?: number;
}

export interface BotProcess {
  /** http://127.0.0.1:PORT (no trailing slash). */
  readonly url: string;
  /** url + '/api/messages'. */
  readonly messagesUrl: string;
  readonly port: number;
  readonly pid: number;
  /** stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The inherited environment without a developer's own bot identity, so a
 * shell with MicrosoftAppId set does not turn tests into authenticated mode.
 */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^MicrosoftApp/i.test(key) && key !== 'NODE_ENV') env[key] = value;
  }
  return env;
}

export async function startBotProcess(options: BotProcessOptions): Promise<BotProcess> {
  const port = options.port ?? (await freePort());
  const entry = options.entry ?? DEFAULT_BOT_ENTRY;
  const proc = startProcess(process.execPath, [entry], {
    label: 'bot',
    cwd: REPO_ROOT,
    echo: options.echo ?? process.env.E2E_VERBOSE === '1',
    env: {
      ...inheritedEnv(),
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  try {
    await waitForPort(proc, port, `The bot (${entry})`, options.readyTimeoutMs);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    messagesUrl: `${url}/api/messages`,
    port,
    pid: proc.pid,
    output: proc.output,
    exited: proc.exited,
    stop: () => proc.stop(5000),
  };
}
