import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startAppInsightsDouble, type AppInsightsDouble } from '../doubles/app-insights';
import { startBotConnector, type BotConnectorDouble } from '../doubles/bot-connector';
import { DEFAULT_BOT_ENTRY, startBotProcess, type BotProcess } from '../doubles/bot-process';
import { messageFrom, postActivity, teamsUser } from '../doubles/teams-activity';

/**
 * Application Insights through @azure/monitor-opentelemetry, against a local
 * double of the ingestion endpoint: the built bot (dist/src/server.js) with
 * APPLICATIONINSIGHTS_CONNECTION_STRING pointing there sends its requests'
 * telemetry there, and every TCP connection the process opens (recorded by a
 * preload, test/doubles/record-connections.js) goes to 127.0.0.1: to the
 * Teams double or the ingestion double, nowhere else but one probe of the
 * Azure instance metadata service the distro always makes. Without the variable,
 * nothing reaches the double. Run `npm run build` first (npm test does).
 */
const RECORDER = resolve(__dirname, '..', 'doubles', 'record-connections.js');

let insights: AppInsightsDouble;
let connector: BotConnectorDouble;
let dir: string;
let caFile: string;
const running: BotProcess[] = [];

beforeAll(async () => {
  if (!existsSync(DEFAULT_BOT_ENTRY)) throw new Error('dist/ is missing: `npm test` builds it first (npm run build)');
  insights = await startAppInsightsDouble();
  connector = await startBotConnector();
  dir = mkdtempSync(join(tmpdir(), 'prb-telemetry-'));
  caFile = join(dir, 'ingestion-ca.pem');
  writeFileSync(caFile, insights.tls.cert);
});
afterAll(async () => {
  for (const proc of running) await proc.stop();
  await insights?.close();
  await connector?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function bot(name: string, env: Record<string, string>): Promise<{ proc: BotProcess; connections: () => { host: string; port: number }[] }> {
  const record = join(dir, `${name}-connections.jsonl`);
  writeFileSync(record, '');
  const proc = await startBotProcess({
    dataDir: mkdtempSync(join(dir, `${name}-data-`)),
    env: {
      BOT_SERVICE_URL: connector.url,
      NODE_OPTIONS: `--require ${RECORDER}`,
      RECORD_CONNECTIONS_TO: record,
      // Export spans every 200 ms rather than every 5 s, so the test is quick.
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      ...env,
    },
  });
  running.push(proc);
  const connections = () =>
    readFileSync(record, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { host: string; port: number });
  return { proc, connections };
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const portOf = (url: string) => Number(new URL(url).port);

describe('Application Insights', () => {
  it('with the connection string: the turn is sent to the ingestion endpoint as a request, and nothing goes anywhere else', async () => {
    // Every trace kept (the distro's default rate-limited sampler may drop a lone first request); statsbeat is left to the bot.
    const { proc, connections } = await bot('on', { APPLICATIONINSIGHTS_CONNECTION_STRING: insights.connectionString(), NODE_EXTRA_CA_CERTS: caFile, OTEL_TRACES_SAMPLER: 'always_on' });
    expect(proc.output()).toContain('telemetry sent to Application Insights');

    const res = await postActivity(proc.url, messageFrom(teamsUser(connector.url, { name: 'Tess Telemetry' }), 'help'));
    expect(res.status).toBe(200);
    const requestFor = (path: string) => insights.envelopes.some((e) => e.data?.baseType === 'RequestData' && String(e.data.baseData?.url ?? e.data.baseData?.name).includes(path));
    await until('the turn as a RequestData envelope', () => requestFor('/api/messages'));

    const request = insights.envelopes.find((e) => e.data?.baseType === 'RequestData' && String(e.data.baseData?.url ?? '').includes('/api/messages'))!;
    expect(request.iKey).toBe('00000000-0000-0000-0000-00000000a1a1');
    expect(request.data?.baseData).toMatchObject({ responseCode: '200', success: true });
    // The reply to Teams is a dependency of that request.
    await until('the reply to Teams as a dependency', () => insights.envelopes.some((e) => e.data?.baseType === 'RemoteDependencyData' && String(e.data.baseData?.target ?? '').includes(`127.0.0.1:${portOf(connector.url)}`)));
    expect(insights.requests.some((r) => /\/v2(\.1)?\/track/.test(r.path))).toBe(true);
    if (process.env.SHOW_OUTPUT) console.log(insights.requests.map((r) => `${r.method} ${r.path} ${r.envelopes.map((e) => e.data?.baseType).join(',')}`).join('\n'));

    await proc.stop();
    const where = new Set(connections().map((c) => `${c.host}:${c.port}`));
    expect(where.size).toBeGreaterThan(0);
    // The one exception, which no setting of @azure/monitor-opentelemetry 1.18 turns off: at start it asks the
    // Azure instance metadata service (link-local 169.254.169.254, on the host; OpenTelemetry's Azure VM
    // resource detector) once. Statsbeat's own probe of it (and its sends to Microsoft) is off: one probe only.
    const IMDS = '169.254.169.254:80';
    const allowed = [`127.0.0.1:${portOf(connector.url)}`, `127.0.0.1:${portOf(insights.url)}`, IMDS];
    expect([...where].filter((w) => !allowed.includes(w))).toEqual([]);
    expect(connections().filter((c) => `${c.host}:${c.port}` === IMDS).length).toBeLessThanOrEqual(1);
    expect(insights.envelopes.filter((e) => String(e.data?.baseData?.target ?? '').startsWith('169.254.169.254'))).toEqual([]);
    expect(where).toContain(`127.0.0.1:${portOf(insights.url)}`);
  }, 60_000);

  it('without it: nothing is started and nothing reaches the ingestion endpoint', async () => {
    const before = insights.requests.length;
    const { proc, connections } = await bot('off', {});
    expect((await postActivity(proc.url, messageFrom(teamsUser(connector.url, { name: 'Quinn Quiet' }), 'help'))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    await proc.stop();
    expect(proc.output()).not.toContain('telemetry sent to Application Insights');
    expect(insights.requests.length).toBe(before);
    expect(connections().map((c) => `${c.host}:${c.port}`).filter((w) => w !== `127.0.0.1:${portOf(connector.url)}`)).toEqual([]);
  }, 30_000);
});
