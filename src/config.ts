import { resolve } from 'node:path';

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

export function loadConfig(env: Env): Config {
  const production = env.NODE_ENV === 'production';
  const threshold = Number(env.SIGNIFICANT_FUNDING_THRESHOLD ?? '50000');
  if (!Number.isFinite(threshold) || threshold < 0) {
    throw new ConfigError('SIGNIFICANT_FUNDING_THRESHOLD', `must be an amount of 0 or more, got "${env.SIGNIFICANT_FUNDING_THRESHOLD}"`);
  }
  return Object.freeze({
    production,
    host: env.HOST?.trim() || (production ? '0.0.0.0' : '127.0.0.1'),
    port: integer(env, 'PORT', 3978, 0, 65535),
    dataDir: resolve(env.DATA_DIR?.trim() || 'data'),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    bot: botIdentity(env, production),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 256 * 1024, 1024, 10 * 1024 * 1024),
    fundingThreshold: threshold,
    organisation: env.ORGANISATION_NAME?.trim() || 'Organisation',
  });
}
