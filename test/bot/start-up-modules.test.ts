import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BOT_ENTRY } from '../doubles/bot-process';

/**
 * The embedded default (SQLite, local people, no Graph) loads none of the cloud
 * adapters' libraries: each costs start-up time and resident memory a bot that
 * never reaches Azure or SharePoint would hold for nothing (issue 16: modules
 * loaded but unused). They load when configuration chooses them.
 */
// Not @azure/identity: botframework-connector loads it for the bot's own authentication, whatever the configuration.
const CLOUD_PACKAGES = ['@azure/data-tables', '@pnp/sp', '@azure/monitor-opentelemetry'];

function loadedPackages(env: Record<string, string>): string[] {
  const script = `
    const { startServer } = require(${JSON.stringify(join(DEFAULT_BOT_ENTRY, '..', 'server.js'))});
    const { loadConfig } = require(${JSON.stringify(join(DEFAULT_BOT_ENTRY, '..', 'config.js'))});
    (async () => {
      const server = await startServer(loadConfig(process.env));
      const packages = new Set(Object.keys(require.cache).map((f) => (f.match(/node_modules\\/((@[^/]+\\/)?[^/]+)/) ?? [])[1]).filter(Boolean));
      await server.close();
      process.stdout.write(JSON.stringify([...packages]));
    })().catch((err) => { console.error(err); process.exit(1); });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30_000 }));
}

describe('what the bot loads at start-up', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'prb-modules-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('in the embedded default: the bot stack, and no cloud adapter library', () => {
    const loaded = loadedPackages({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    expect(loaded).toEqual(expect.arrayContaining(['@microsoft/teams-ai', 'better-sqlite3', 'adaptivecards-templating']));
    expect(loaded.filter((p) => CLOUD_PACKAGES.includes(p))).toEqual([]);
  });
});
