import { resolve } from 'node:path';
import { DEFAULT_REMINDERS, type ReminderSettings } from './domain/reminders';

/**
 * Every setting the product reads, parsed once from the environment. Nothing
 * else reads process.env: tests pass literals to `loadConfig`.
 */
export type AppType = 'SingleTenant' | 'UserAssignedMSI' | 'MultiTenant';

export interface BotIdentity {
  readonly appId: string;
  readonly appType: AppType;
  readonly tenantId?: string;
  readonly password?: string;
}

export interface Config {
  readonly production: boolean;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly logLevel: string;
  /** Absent only in local mode: anonymous requests are then accepted. */
  readonly bot?: BotIdentity;
  readonly maxBodyBytes: number;
  readonly fundingThreshold: number;
  readonly organisation: string;
  /** Where proactive 1:1 chats are created for people who never wrote to the bot. */
  readonly botServiceUrl: string;
  readonly approvals: ApprovalSettings;
  /** Where the register lives; SharePoint's own settings are read by adapters/sharepoint. */
  readonly registerStore: 'sqlite' | 'sharepoint';
  /** How often writes kept while SharePoint was unreachable are retried (REGISTER_STORE=sharepoint). */
  readonly outboxDrainSeconds: number;
  /** After SharePoint is found unreachable, how long people's turns skip it and queue writes at once. */
  readonly registerBreakSeconds: number;
  /**
   * Where people named in answers are looked up: `graph` (Microsoft Graph, GRAPH_BASE_URL) or `local`
   * (people who talked to the bot, and the Agents Playground's mock users). Default: graph with a bot identity.
   */
  readonly peopleDirectory: 'graph' | 'local';
  /** How long a claimed job is one process's: a job whose process died is run again after this. */
  readonly jobLeaseSeconds: number;
  /**
   * Where the state every instance must share lives (drafts, conversation references, sent cards,
   * the audit log, the jobs): `sqlite` (embedded, one process per DATA_DIR) or `azure` (Storage Tables).
   */
  readonly stateStore: 'sqlite' | 'azure';
  /** STATE_STORE=azure only. */
  readonly azureStorage?: AzureStorageSettings;
  /** Application Insights through OpenTelemetry; telemetry is off when absent. */
  readonly appInsightsConnectionString?: string;
  /** On SIGTERM, how long turns and jobs in flight may take to finish before the process exits. */
  readonly shutdownGraceSeconds: number;
  readonly reminders: ReminderConfig;
}

/** Either the account's table endpoint with a managed identity, or a connection string (Azurite). */
export interface AzureStorageSettings {
  /** https://<account>.table.core.windows.net (AZURE_STORAGE_ACCOUNT_URL). */
  readonly accountUrl?: string;
  /** AZURE_STORAGE_CONNECTION_STRING: for Azurite; never needed in Azure. */
  readonly connectionString?: string;
  /** AZURE_CLIENT_ID: the user-assigned managed identity that holds the table data role. */
  readonly clientId?: string;
  /** AZURE_TABLES_PREFIX: table names start with it (letters and digits), so deployments can share an account. */
  readonly tablePrefix: string;
}

export interface ReminderConfig {
  /** The timings of DOMAIN 3's table (REMINDER_*). */
  readonly settings: ReminderSettings;
  /** When the in-process sweep runs (cron, REMINDER_SCHEDULE, default `0 8 * * *`); undefined: off. */
  readonly schedule?: string;
  readonly timezone: string;
  /** The shared key of POST /api/reminders/run (REMINDERS_KEY); undefined: the endpoint is off. */
  readonly key?: string;
}

export interface ApprovalSettings {
  /** Entra object ids or emails; lower-cased. */
  readonly approvers: readonly string[];
  readonly secondStageApprovers: readonly string[];
  readonly registerOwners: readonly string[];
  readonly route: 'config' | 'manager';
  readonly reviewIntervalMonths: number;
  /** Microsoft Graph, for APPROVAL_ROUTE=manager. */
  readonly graphBaseUrl: string;
  /**
   * A developer's machine: no bot identity and listening on loopback only. The
   * proposer then approves their own proposals; nowhere else, ever.
   */
  readonly localMode: boolean;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function botIdentity(env: Env, production: boolean): BotIdentity | undefined {
  const appId = env.MicrosoftAppId?.trim();
  if (!appId) {
    if (production) throw new ConfigError('MicrosoftAppId', 'is required when NODE_ENV=production (anonymous mode is for local runs only)');
    return undefined;
  }
  const appType = (env.MicrosoftAppType?.trim() || 'SingleTenant') as AppType;
  if (!['SingleTenant', 'UserAssignedMSI', 'MultiTenant'].includes(appType)) {
    throw new ConfigError('MicrosoftAppType', `must be SingleTenant or UserAssignedMSI, got "${appType}"`);
  }
  if (production && appType === 'MultiTenant') {
    throw new ConfigError('MicrosoftAppType', 'MultiTenant bot registrations are deprecated: use SingleTenant or UserAssignedMSI');
  }
  const tenantId = env.MicrosoftAppTenantId?.trim() || undefined;
  if (appType !== 'MultiTenant' && !tenantId) {
    throw new ConfigError('MicrosoftAppTenantId', `is required with MicrosoftAppType=${appType}`);
  }
  return { appId, appType, tenantId, password: env.MicrosoftAppPassword || undefined };
}

function people(env: Env, name: string): string[] {
  const list = (env[name] ?? '')
    .split(/[,;\s]+/)
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v.length > 0);
  const bad = list.find((v) => !/^[0-9a-f-]{36}$/.test(v) && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v) && !/^[\w:.-]{1,100}$/.test(v));
  if (bad) throw new ConfigError(name, `"${bad}" is neither an Entra object id nor an email address`);
  return [...new Set(list)];
}

/** 127.0.0.1, ::1 and localhost: the only addresses an anonymous bot may listen on. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function approvalSettings(env: Env, production: boolean, anonymousLocal: boolean): ApprovalSettings {
  const approvers = people(env, 'APPROVERS');
  const route = (env.APPROVAL_ROUTE?.trim() || 'config') as ApprovalSettings['route'];
  if (route !== 'config' && route !== 'manager') throw new ConfigError('APPROVAL_ROUTE', `must be config or manager, got "${route}"`);
  if (route === 'manager' && approvers.length === 0) {
    throw new ConfigError('APPROVERS', 'is required with APPROVAL_ROUTE=manager: it is the fallback when no manager is found');
  }
  if (!anonymousLocal && approvers.length === 0) {
    throw new ConfigError(
      'APPROVERS',
      `is required ${production ? 'when NODE_ENV=production' : 'when the bot has an identity (MicrosoftAppId)'}: self-approval exists only on a developer's machine (no MicrosoftAppId, HOST on loopback)`,
    );
  }
  const secondStageApprovers = people(env, 'SECOND_STAGE_APPROVERS');
  const both = secondStageApprovers.filter((p) => approvers.includes(p));
  if (both.length > 0) {
    throw new ConfigError('SECOND_STAGE_APPROVERS', `must not name anyone who is also in APPROVERS (${both.join(', ')}): one person takes one decision per proposal`);
  }
  return {
    approvers,
    secondStageApprovers,
    registerOwners: people(env, 'REGISTER_OWNERS'),
    route,
    reviewIntervalMonths: integer(env, 'REVIEW_INTERVAL_MONTHS', 12, 1, 60),
    graphBaseUrl: env.GRAPH_BASE_URL?.trim() || 'https://graph.microsoft.com/v1.0',
    localMode: anonymousLocal && approvers.length === 0,
  };
}

function registerStore(env: Env): Config['registerStore'] {
  const value = env.REGISTER_STORE?.trim() || 'sqlite';
  if (value !== 'sqlite' && value !== 'sharepoint') throw new ConfigError('REGISTER_STORE', `must be sqlite or sharepoint, got "${value}"`);
  return value;
}

function peopleDirectory(env: Env, hasIdentity: boolean): Config['peopleDirectory'] {
  const value = env.PEOPLE_DIRECTORY?.trim() || (hasIdentity ? 'graph' : 'local');
  if (value !== 'graph' && value !== 'local') throw new ConfigError('PEOPLE_DIRECTORY', `must be graph or local, got "${value}"`);
  return value;
}

function stateStore(env: Env, register: Config['registerStore']): Pick<Config, 'stateStore' | 'azureStorage'> {
  const value = env.STATE_STORE?.trim() || 'sqlite';
  if (value !== 'sqlite' && value !== 'azure') throw new ConfigError('STATE_STORE', `must be sqlite or azure, got "${value}"`);
  if (value === 'sqlite') return { stateStore: 'sqlite' };
  if (register === 'sqlite') {
    throw new ConfigError(
      'REGISTER_STORE',
      'is sqlite (the default) but STATE_STORE=azure: a register in one instance\'s SQLite file cannot be shared by several instances. Set REGISTER_STORE=sharepoint with the SharePoint settings, or STATE_STORE=sqlite for a single process',
    );
  }
  const accountUrl = env.AZURE_STORAGE_ACCOUNT_URL?.trim() || undefined;
  const connectionString = env.AZURE_STORAGE_CONNECTION_STRING?.trim() || undefined;
  if (!accountUrl && !connectionString) {
    throw new ConfigError('AZURE_STORAGE_ACCOUNT_URL', 'is required with STATE_STORE=azure (https://<account>.table.core.windows.net, reached with the managed identity), or AZURE_STORAGE_CONNECTION_STRING for Azurite');
  }
  if (accountUrl && !/^https:\/\/[^/\s]+\/?$/i.test(accountUrl) && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/[^\s]*$/i.test(accountUrl)) {
    throw new ConfigError('AZURE_STORAGE_ACCOUNT_URL', `must be the account's table endpoint, https://<account>.table.core.windows.net, got "${accountUrl}"`);
  }
  const tablePrefix = env.AZURE_TABLES_PREFIX?.trim() || 'pr';
  if (!/^[A-Za-z][A-Za-z0-9]{0,19}$/.test(tablePrefix)) throw new ConfigError('AZURE_TABLES_PREFIX', `must be 1-20 letters or digits, starting with a letter, got "${tablePrefix}"`);
  return {
    stateStore: 'azure',
    azureStorage: Object.freeze({ accountUrl, connectionString: accountUrl ? undefined : connectionString, clientId: env.AZURE_CLIENT_ID?.trim() || undefined, tablePrefix }),
  };
}

function reminderConfig(env: Env): ReminderConfig {
  const d = DEFAULT_REMINDERS;
  const days = (name: string, fallback: number) => integer(env, name, fallback, 0, 3650);
  const review = env.REGISTER_REVIEW_DATE?.trim() || d.registerReview!;
  if (review !== 'off' && !/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(review)) throw new ConfigError('REGISTER_REVIEW_DATE', `must be MM-DD (e.g. 05-01) or off, got "${review}"`);
  const schedule = env.REMINDER_SCHEDULE?.trim() || '0 8 * * *';
  if (schedule !== 'off' && schedule.split(/\s+/).length < 5) throw new ConfigError('REMINDER_SCHEDULE', `must be a cron expression (e.g. "0 8 * * *") or off, got "${schedule}"`);
  const timezone = env.REMINDER_TIMEZONE?.trim() || 'Europe/London';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone });
  } catch {
    throw new ConfigError('REMINDER_TIMEZONE', `is not a time zone this runtime knows: "${timezone}"`);
  }
  const key = env.REMINDERS_KEY?.trim() || undefined;
  if (key !== undefined && key.length < 16) throw new ConfigError('REMINDERS_KEY', 'must be at least 16 characters');
  const settings: ReminderSettings = {
    assessment: {
      noticeDays: days('REMINDER_ASSESSMENT_NOTICE_DAYS', d.assessment.noticeDays),
      repeatDays: days('REMINDER_ASSESSMENT_REPEAT_DAYS', d.assessment.repeatDays),
      escalateAfterDays: days('REMINDER_ASSESSMENT_ESCALATE_DAYS', d.assessment.escalateAfterDays),
    },
    agreement: {
      afterDays: days('REMINDER_AGREEMENT_AFTER_DAYS', d.agreement.afterDays),
      repeatDays: days('REMINDER_AGREEMENT_REPEAT_DAYS', d.agreement.repeatDays),
      escalateAfterDays: days('REMINDER_AGREEMENT_ESCALATE_DAYS', d.agreement.escalateAfterDays),
    },
    handover: { noticeDays: days('REMINDER_HANDOVER_NOTICE_DAYS', d.handover.noticeDays) },
    exit: {
      planDays: days('REMINDER_EXIT_PLAN_DAYS', d.exit.planDays),
      evaluationAfterDays: days('REMINDER_EVALUATION_AFTER_DAYS', d.exit.evaluationAfterDays),
      escalateAfterDays: days('REMINDER_EVALUATION_ESCALATE_DAYS', d.exit.escalateAfterDays),
    },
    snoozeDays: integer(env, 'REMINDER_SNOOZE_DAYS', d.snoozeDays, 1, 365),
    registerReview: review === 'off' ? undefined : review,
  };
  return Object.freeze({ settings: Object.freeze(settings), schedule: schedule === 'off' ? undefined : schedule, timezone, key });
}

export function loadConfig(env: Env): Config {
  const production = env.NODE_ENV === 'production';
  const threshold = Number(env.SIGNIFICANT_FUNDING_THRESHOLD ?? '50000');
  if (!Number.isFinite(threshold) || threshold < 0) {
    throw new ConfigError('SIGNIFICANT_FUNDING_THRESHOLD', `must be an amount of 0 or more, got "${env.SIGNIFICANT_FUNDING_THRESHOLD}"`);
  }
  const host = env.HOST?.trim() || (production ? '0.0.0.0' : '127.0.0.1');
  const bot = botIdentity(env, production);
  if (!bot && !isLoopbackHost(host)) {
    throw new ConfigError(
      'HOST',
      `is "${host}", but without MicrosoftAppId the bot accepts unsigned requests, so it listens on loopback only. For a local run leave HOST unset (127.0.0.1); to serve other machines set MicrosoftAppId, MicrosoftAppTenantId and APPROVERS`,
    );
  }
  const register = registerStore(env);
  return Object.freeze({
    ...stateStore(env, register),
    appInsightsConnectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim() || undefined,
    shutdownGraceSeconds: integer(env, 'SHUTDOWN_GRACE_SECONDS', 10, 0, 120),
    production,
    host,
    port: integer(env, 'PORT', 3978, 0, 65535),
    dataDir: resolve(env.DATA_DIR?.trim() || 'data'),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    bot,
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 256 * 1024, 1024, 10 * 1024 * 1024),
    fundingThreshold: threshold,
    organisation: env.ORGANISATION_NAME?.trim() || 'Organisation',
    botServiceUrl: env.BOT_SERVICE_URL?.trim() || 'https://smba.trafficmanager.net/teams/',
    approvals: Object.freeze(approvalSettings(env, production, !bot && isLoopbackHost(host))),
    registerStore: register,
    outboxDrainSeconds: integer(env, 'OUTBOX_DRAIN_SECONDS', 30, 1, 3600),
    registerBreakSeconds: integer(env, 'REGISTER_BREAK_SECONDS', 30, 0, 600),
    peopleDirectory: peopleDirectory(env, bot !== undefined),
    jobLeaseSeconds: integer(env, 'JOB_LEASE_SECONDS', 60, 1, 3600),
    reminders: reminderConfig(env),
  });
}
