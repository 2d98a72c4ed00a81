import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionSharePoint } from '../src/adapters/sharepoint';
import { startBotConnector, type BotConnectorDouble } from '../test/doubles/bot-connector';
import { startSharePointDouble } from '../test/doubles/sharepoint';
import { settingsFor, TEST_RECORD_KEY } from '../test/doubles/sharepoint/connect';
import { startAzurite, type Azurite } from '../test/contract/azurite';
import { BOT_ENTRY, launchBot, type LaunchedBot } from './launch';
import { approverIds, approverUsers } from './load';
import type { LoadRun } from './run';
import { mb, round } from './report';

/**
 * Each store under the same load. The register in SharePoint: the bot process
 * started with REGISTER_STORE=sharepoint against the SharePoint double (as
 * test/bot/sharepoint-register.test.ts configures it in process, here through
 * the environment), provisioned first by our own provisioning.
 */

export interface StoreFigures extends Partial<LoadRun> {
  readonly available: boolean;
  readonly note?: string;
  /** Where drafts, conversations, jobs and the outbox were kept (STATE_STORE). */
  readonly state_store?: 'sqlite' | 'azure';
  readonly startup_ms?: number;
  readonly sharepoint_requests?: number;
  readonly sharepoint_requests_per_turn?: number;
  /** Requests during the 50 registrations (and the approval cards sent after them). */
  readonly sharepoint_requests_registrations?: number;
  readonly sharepoint_requests_per_decision?: number;
  /** The decisions' requests by method and path shape, most frequent first. */
  readonly sharepoint_decision_requests?: Record<string, number>;
  readonly end_rss_mb?: number;
  /** STATE_STORE=azure: the bot's requests to Azurite (Tables) during the load, by method and table. */
  readonly table_requests?: number;
  readonly table_requests_per_turn?: number;
  readonly table_requests_by_kind?: Record<string, number>;
}

function tableRequests(before: Record<string, number>, after: Record<string, number>): { total: number; byKind: Record<string, number> } {
  const byKind = Object.fromEntries(
    Object.entries(after)
      .map(([k, n]) => [k, n - (before[k] ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]),
  );
  return { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind };
}

/**
 * Runs on a Bot Connector double of its own: the approvers' chats then hold this bot's cards only.
 * `state: 'azure'`: drafts, conversations, sent cards, the audit log, the jobs and the outbox in
 * Azure Storage Tables on Azurite (STATE_STORE=azure, started as test/contract/azurite.ts does:
 * in memory, 127.0.0.1, a free port, stopped after), the register on the SharePoint double as
 * STATE_STORE=azure requires; otherwise that state in SQLite in DATA_DIR.
 */
export async function benchSharePoint(
  warmUp: (bot: LaunchedBot, connector: BotConnectorDouble) => Promise<unknown>,
  runLoad: (bot: LaunchedBot, connector: BotConnectorDouble, mark: (phase: 'registrations' | 'decisions') => void) => Promise<LoadRun & { endRss: number }>,
  state: 'sqlite' | 'azure' = 'sqlite',
): Promise<StoreFigures> {
  const connector = await startBotConnector();
  const double = await startSharePointDouble();
  const dataDir = mkdtempSync(join(tmpdir(), 'prb-bench-sp-'));
  let azurite: Azurite | undefined;
  let bot: LaunchedBot | undefined;
  try {
    const settings = settingsFor(double);
    await provisionSharePoint(settings);
    if (state === 'azure') azurite = await startAzurite();
    const azureEnv: Record<string, string> = azurite
      ? { STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_TABLES_PREFIX: 'bench', BENCH_COUNT_PORT: String(azurite.port) }
      : {};
    bot = await launchBot(
      state === 'azure' ? 'ours-azure-state' : 'ours-sharepoint',
      BOT_ENTRY,
      {
        ...azureEnv,
        DATA_DIR: dataDir,
        BOT_SERVICE_URL: connector.url,
        APPROVERS: approverIds(approverUsers(connector.url)),
        REGISTER_STORE: 'sharepoint',
        SHAREPOINT_SITE_URL: settings.siteUrl,
        SHAREPOINT_AUTH: 'none',
        REGISTER_RECORD_KEY: TEST_RECORD_KEY,
        ORGANISATION_NAME: settings.organisation,
      },
      connector.url,
    );
    await warmUp(bot, connector);
    double.requests.splice(0);
    const tablesBefore = azurite ? (await bot.memory()).outgoing : undefined;
    const marks: Record<string, number> = {};
    const run = await runLoad(bot, connector, (phase) => (marks[phase] = double.requests.length));
    const tables = azurite ? tableRequests(tablesBefore ?? {}, (await bot.memory()).outgoing ?? {}) : undefined;
    const requests = double.requests.length;
    const decisions = run.approvals.approval_invoke?.count ?? 0;
    // What each decision asked of SharePoint (its own turn and the work after it), by method and path shape.
    const shapes = new Map<string, number>();
    for (const r of double.requests.slice(marks.registrations, marks.decisions)) {
      const key = `${r.method} ${r.path.replace(/\(\d+\)/g, '(n)').replace(/'[^']*'/g, "'…'").replace(/^.*\/_api\//, '')}${r.query.get('$filter') ? ` $filter=${r.query.get('$filter')!.replace(/'[^']*'/g, "'…'").replace(/\d+/g, 'n')}` : ''}`;
      shapes.set(key, (shapes.get(key) ?? 0) + 1);
    }
    return {
      available: true,
      state_store: state,
      ...run,
      startup_ms: round(bot.startupMs),
      sharepoint_requests: requests,
      sharepoint_requests_per_turn: round(requests / run.total_turns),
      sharepoint_requests_registrations: marks.registrations,
      sharepoint_requests_per_decision: decisions ? round((marks.decisions - marks.registrations) / decisions) : undefined,
      sharepoint_decision_requests: Object.fromEntries([...shapes].sort((a, b) => b[1] - a[1])),
      end_rss_mb: mb(run.endRss),
      ...(tables ? { table_requests: tables.total, table_requests_per_turn: round(tables.total / run.total_turns), table_requests_by_kind: tables.byKind } : {}),
    };
  } finally {
    await bot?.stop();
    await azurite?.close();
    await double.close();
    await connector.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
