import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharePointSettings } from '../../src/adapters/sharepoint';
import { ConfigError, loadConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import { startTelemetry } from '../../src/telemetry';
import { teamsUser } from '../doubles/teams-activity';
import { proposalAnswers } from '../fixtures/builders';
import { reachSummary } from './bot-under-test';
import { Chat, textOf } from './chat';
import { startSharedState, type SharedState } from './shared-state';

const AZURE = { STATE_STORE: 'azure', REGISTER_STORE: 'sharepoint', AZURE_STORAGE_ACCOUNT_URL: 'https://contoso.table.core.windows.net' };

describe('STATE_STORE chooses where the shared state lives', () => {
  it('is sqlite unless told otherwise', () => {
    expect(loadConfig({}).stateStore).toBe('sqlite');
    expect(loadConfig({}).azureStorage).toBeUndefined();
  });

  it('refuses STATE_STORE=azure with the register in SQLite, naming REGISTER_STORE', () => {
    expect(() => loadConfig({ STATE_STORE: 'azure', AZURE_STORAGE_ACCOUNT_URL: AZURE.AZURE_STORAGE_ACCOUNT_URL })).toThrow(ConfigError);
    expect(() => loadConfig({ STATE_STORE: 'azure', REGISTER_STORE: 'sqlite', AZURE_STORAGE_ACCOUNT_URL: AZURE.AZURE_STORAGE_ACCOUNT_URL })).toThrow(
      /REGISTER_STORE: .*cannot be shared by several instances/,
    );
  });

  it('the built server refuses to start with STATE_STORE=azure and the register in SQLite, saying why', () => {
    if (!existsSync('dist/src/server.js')) throw new Error('dist/ is missing: `npm test` builds it first (npm run build)');
    const env = { ...process.env, STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', REGISTER_STORE: '' };
    const run = spawnSync(process.execPath, ['dist/src/server.js'], { env, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/REGISTER_STORE: .*cannot be shared by several instances/);
  });

  it('needs the account url (managed identity) or a connection string (Azurite)', () => {
    expect(() => loadConfig({ STATE_STORE: 'azure', REGISTER_STORE: 'sharepoint' })).toThrow(/AZURE_STORAGE_ACCOUNT_URL: is required with STATE_STORE=azure/);
    expect(() => loadConfig({ ...AZURE, AZURE_STORAGE_ACCOUNT_URL: 'contoso' })).toThrow(/AZURE_STORAGE_ACCOUNT_URL: must be/);
    expect(() => loadConfig({ STATE_STORE: 'blob' })).toThrow(/STATE_STORE: must be sqlite or azure/);
    expect(() => loadConfig({ ...AZURE, AZURE_TABLES_PREFIX: 'no-dashes' })).toThrow(/AZURE_TABLES_PREFIX/);
  });

  it('reads the managed identity, or the connection string when no account url is given', () => {
    const managed = loadConfig({ ...AZURE, AZURE_CLIENT_ID: '00000000-0000-0000-0000-0000000000c1' });
    expect(managed.azureStorage).toEqual({ accountUrl: AZURE.AZURE_STORAGE_ACCOUNT_URL, connectionString: undefined, clientId: '00000000-0000-0000-0000-0000000000c1', tablePrefix: 'pr' });
    const azurite = loadConfig({ STATE_STORE: 'azure', REGISTER_STORE: 'sharepoint', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' });
    expect(azurite.azureStorage?.connectionString).toBe('UseDevelopmentStorage=true');
  });

  it('turns telemetry on only with APPLICATIONINSIGHTS_CONNECTION_STRING', () => {
    expect(loadConfig({}).appInsightsConnectionString).toBeUndefined();
    expect(loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x' }).appInsightsConnectionString).toBe('InstrumentationKey=x');
  });

  it('starts no telemetry without a connection string (nothing leaves the machine)', async () => {
    expect(await startTelemetry(undefined)).toBe(false);
  });
});

describe('two instances in one process on one Azurite and one SharePoint double', () => {
  let shared: SharedState;
  let dataDir: string;
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    shared = await startSharedState();
    dataDir = mkdtempSync(join(tmpdir(), 'prb-azure-'));
  }, 30_000);
  afterAll(async () => {
    for (const server of servers) await server.close();
    await shared?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function start(extra: Record<string, string> = {}): Promise<RunningServer> {
    const env = { ...shared.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', APPROVERS: 'aad-anne-approver', ...extra };
    return startServer(loadConfig(env), { sharePoint: sharePointSettings(env) }).then((s) => (servers.push(s), s));
  }

  it('both start on one DATA_DIR (no instance lock), and what one saves the other reads', async () => {
    const [a, b] = [await start(), await start()];
    const user = teamsUser(shared.connector.url, { name: 'Pat Proposer' });
    const viaA = new Chat(() => a.url, shared.connector, user);
    const viaB = new Chat(() => b.url, shared.connector, user);
    const first = await viaA.say('register');
    const next = await viaB.press(first, 'Next', {});
    // B found the draft A created (else: "Draft not found"); the empty answers are pointed out.
    expect(textOf(next.card)).toContain('This answer is required.');
    expect(textOf(next.card)).not.toContain('Draft not found');
    expect(textOf((await viaA.say('help')).card)).toContain('How I can help');
  });

  it('answer /healthz, /health and /readyz, naming each store', async () => {
    const a = servers[0];
    for (const path of ['/healthz', '/health']) expect((await fetch(`${a.url}${path}`)).status).toBe(200);
    const ready = await fetch(`${a.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', stores: { state: 'ok', register: 'ok' } });
  });

  it('/readyz answers 503 naming the store that cannot be reached, while /healthz stays 200', async () => {
    const a = servers[0];
    shared.sharePoint.injectFault({ status: 503, retryAfter: '0' });
    try {
      const ready = await fetch(`${a.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', stores: { state: 'ok', register: 'unreachable' } });
      expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
    } finally {
      shared.sharePoint.clearFaults();
    }
  });

  it('a proposal submitted through one instance while SharePoint is down is kept in the shared outbox: the other shows it, and it lands once', async () => {
    // Their own tables: the drain is one recurring job per store, and the instances above run it every 30 s.
    const own = { OUTBOX_DRAIN_SECONDS: '1', AZURE_TABLES_PREFIX: 'outage' };
    const [a, b] = [await start(own), await start(own)];
    const user = teamsUser(shared.connector.url, { name: 'Olive Outage' });
    const viaA = new Chat(() => a.url, shared.connector, user);
    const viaB = new Chat(() => b.url, shared.connector, user);
    const summary = await reachSummary(viaA, proposalAnswers({ name: 'Shared Outage Forum' }));
    const itemsNamed = () => [...shared.sharePoint.site.list('Partnership Register').items.values()].filter((i) => i.values.get('Title') === 'Shared Outage Forum');

    shared.sharePoint.injectFault({ status: 503, retryAfter: '0' });
    try {
      const submitted = await viaA.press(summary, 'Submit for approval');
      expect(textOf(submitted.card)).toContain('your proposal is saved and will appear in the register shortly');
      expect(textOf((await viaB.say('my partnerships')).card)).toContain('Shared Outage Forum');
      expect(itemsNamed()).toHaveLength(0);
    } finally {
      shared.sharePoint.clearFaults();
    }

    const deadline = Date.now() + 10_000;
    while (itemsNamed().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // Both instances drain every second: a few more rounds, still one item.
    await new Promise((r) => setTimeout(r, 2500));
    expect(itemsNamed()).toHaveLength(1);
  });
});
