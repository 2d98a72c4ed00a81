import { join } from 'node:path';
import { ConfigRouting } from './adapters/approvals/config-routing';
import { GraphManagerRouting } from './adapters/approvals/graph-manager-routing';
import { graphToken } from './adapters/approvals/graph-token';
import { DirectoryPeople, playgroundUsers } from './adapters/directory/directory-people';
import { OutboxRegister } from './adapters/outbox';
import type { OutboxStore } from './adapters/outbox/outbox-store';
import type { SharePointSettings } from './adapters/sharepoint/settings';
import { lockDataDir, openSqliteStores, type InstanceLock } from './adapters/sqlite';
import { randomIds, systemClock } from './adapters/system';
import { createApp, type AppDeps, type BuiltApp } from './app';
import type { Config } from './config';
import type { Logger } from './logger';
import type { AuditLog } from './ports/audit-log';
import type { ApprovalRouting } from './ports/approval-routing';
import type { Clock } from './ports/clock';
import type { ConversationDirectory } from './ports/conversation-directory';
import type { Drafts } from './ports/drafts';
import type { IdGenerator } from './ports/ids';
import type { Jobs } from './ports/jobs';
import type { Records } from './ports/records';
import type { Register } from './ports/register';
import type { SentCards } from './ports/sent-cards';
import { loadFlows, loadProposalJourney } from './questionnaires';

/** The Agents Playground's config at the project's root: its mock users are the people of a local run. */
const PLAYGROUND_CONFIG = '.m365agentsplayground.yml';

export interface ComposeOptions {
  readonly logger: Logger;
  /** Tests stand on a chosen day. */
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** REGISTER_STORE=sharepoint: the site and how to reach it (adapters/sharepoint sharePointSettings). */
  readonly sharePoint?: SharePointSettings;
}

/** A store /readyz asks; `check` throws when it cannot be reached. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface Readiness {
  readonly ready: boolean;
  readonly stores: Readonly<Record<string, 'ok' | 'unreachable'>>;
}

export interface Composition {
  readonly app: BuiltApp;
  readonly deps: AppDeps;
  /** Asks every store once (in parallel, each within `timeoutMs`). */
  ready(timeoutMs?: number): Promise<Readiness>;
  /** Releases what compose opened (files, the DATA_DIR lock); call after app.stop(). */
  close(): Promise<void>;
}

interface StateStores {
  readonly drafts: Drafts;
  readonly audit: AuditLog;
  readonly conversations: ConversationDirectory;
  readonly sentCards: SentCards;
  readonly jobs: Jobs;
}

/**
 * The one composition root: reads the configuration and chooses every adapter
 * (state in SQLite or Azure Tables; the register in SQLite or SharePoint, behind
 * the outbox; people from Graph or the local directory; approval routing), then
 * builds the app. Listens on nothing: server.ts does that.
 */
export async function compose(config: Config, options: ComposeOptions): Promise<Composition> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const cleanups: (() => Promise<void> | void)[] = [];
  const checks: ReadinessCheck[] = [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    let state: StateStores;
    let register: Register | undefined;
    let records: Records | undefined;
    let sqlite: ReturnType<typeof openSqliteStores> | undefined;
    let azureOutbox: OutboxStore | undefined;
    let outboxDrain: OutboxRegister | undefined;
    if (config.stateStore === 'azure') {
      // Several instances share these tables: no DATA_DIR lock, no SQLite file. Loaded only here, like SharePoint below.
      const { openAzureStores, tablesOptionsFor } = await import('./adapters/azure-tables');
      const azure = await openAzureStores(tablesOptionsFor(config.azureStorage!));
      state = azure;
      azureOutbox = azure.outbox;
      checks.push({ name: 'state', check: () => azure.check() });
      logger.info({ tablePrefix: config.azureStorage!.tablePrefix, via: config.azureStorage!.connectionString ? 'connection string' : 'managed identity' }, 'shared state kept in Azure Storage Tables');
    } else {
      const lock: InstanceLock = lockDataDir(config.dataDir);
      cleanups.push(() => lock.release());
      const stores = openSqliteStores(join(config.dataDir, 'register.sqlite'));
      cleanups.push(() => stores.close());
      sqlite = stores;
      state = stores;
      register = stores.register;
      records = stores.records;
      checks.push({ name: 'state', check: async () => void (await stores.drafts.get('readyz-probe')) });
    }
    if (options.sharePoint) {
      // People's turns use the interactive client (gives up within about 6 s); the drain uses the patient background one.
      // Loaded only here: @pnp/sp and @azure/identity cost start-up time and memory a SQLite register never uses.
      const { openSharePointRegisters } = await import('./adapters/sharepoint');
      const { interactive, background, records: sharePointRecords } = await openSharePointRegisters(options.sharePoint, logger);
      records = sharePointRecords;
      // Writes made while SharePoint is unreachable wait in the outbox (SQLite, or Tables shared by every instance) and are drained when it is back.
      const outbox = new OutboxRegister(interactive, sqlite ? sqlite.outbox : azureOutbox!, clock, logger, config.registerBreakSeconds * 1000, background);
      register = outbox;
      // Drained by the job worker: a recurring job, so one instance drains at a time (app.ts).
      outboxDrain = outbox;
      checks.push({ name: 'register', check: async () => void (await interactive.get('readyz-probe')) });
    }
    if (!register || !records) throw new Error('no register: STATE_STORE=azure needs REGISTER_STORE=sharepoint and its settings');
    const people = new DirectoryPeople(state.conversations, {
      graph: config.peopleDirectory === 'graph' ? { baseUrl: config.approvals.graphBaseUrl, token: graphToken(config.approvals.graphBaseUrl) } : undefined,
      // Locally, the people the Playground's picker offers (its committed mock users).
      mockUsers: config.peopleDirectory === 'local' ? playgroundUsers(PLAYGROUND_CONFIG, logger) : [],
      logger,
    });
    const routing: ApprovalRouting =
      config.approvals.route === 'manager'
        ? new GraphManagerRouting(config.approvals, { baseUrl: config.approvals.graphBaseUrl, token: graphToken(config.approvals.graphBaseUrl) }, logger)
        : new ConfigRouting(config.approvals);
    const deps: AppDeps = {
      config,
      journey: loadProposalJourney({ fundingThreshold: config.fundingThreshold }),
      flows: loadFlows(),
      drafts: state.drafts,
      audit: state.audit,
      conversations: state.conversations,
      sentCards: state.sentCards,
      jobs: state.jobs,
      register,
      records,
      people,
      routing,
      clock,
      ids: options.ids ?? randomIds,
      logger,
      outboxDrain,
    };
    const app = createApp(deps);
    return { app, deps, ready: (timeoutMs = 3000) => readiness(checks, timeoutMs), close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function readiness(checks: readonly ReadinessCheck[], timeoutMs: number): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
      });
      try {
        await Promise.race([check(), late]);
        return [name, 'ok'] as const;
      } catch {
        return [name, 'unreachable'] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: results.every(([, s]) => s === 'ok'), stores: Object.fromEntries(results) };
}
