import { ConfigError } from '../../config';

/**
 * How the bot reaches the SharePoint site that holds the register, parsed once
 * from the environment (tests pass literals). SharePoint Online refuses app-only
 * tokens got with a client secret, so the choices are a managed identity (in
 * Azure) or a certificate (anywhere else); `none` exists only for the local
 * double and is refused for any site that is not on this machine.
 */
export type SharePointAuth = 'managed-identity' | 'certificate' | 'none';

export interface RetrySettings {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number;
  /** Per attempt, until the whole answer has arrived. */
  readonly timeoutMs: number;
  /** Backoff without Retry-After: a random wait up to base x 2^(attempt-1). */
  readonly baseDelayMs: number;
  /** No wait is longer than this, whatever Retry-After says (tests set a few ms). */
  readonly maxDelayMs: number;
  /**
   * The whole request, every attempt and wait included: no attempt starts after
   * it, an attempt's timeout is cut to what is left, and a wait (Retry-After or
   * backoff) that would end past it is not waited: the request gives up at once.
   */
  readonly deadlineMs: number;
}

/** How to reach the site: all that provisioning needs. */
export interface SharePointSiteSettings {
  /** The site's absolute URL, without a trailing slash. */
  readonly siteUrl: string;
  readonly auth: SharePointAuth;
  /** A user-assigned managed identity, or the app registration that owns the certificate. */
  readonly clientId?: string;
  readonly tenantId?: string;
  /** A PEM file holding the private key and the certificate. */
  readonly certificatePath?: string;
  /** Named in the User-Agent SharePoint asks callers to send (NONISV|organisation|app/version). */
  readonly organisation: string;
  /** Background work (the outbox drain, provisioning): patient, SharePoint's throttling honoured in full. */
  readonly retry: RetrySettings;
  /** A person's turn: short enough to answer within Teams' 10-15 s limit (INTERACTIVE_RETRY when absent). */
  readonly interactiveRetry?: RetrySettings;
}

/** What the bot needs to keep the register: the site, and the key that seals each item's authorising fields. */
export interface SharePointSettings extends SharePointSiteSettings {
  /**
   * HMAC-SHA256 key for the seal over each item's authorising fields (proposer,
   * approval route and decisions) in the Bot record column, so that an edit made
   * in SharePoint cannot change who may decide. At least 32 characters.
   */
  readonly recordKey: string;
}

/** Background work: 5 attempts of up to 15 s, Retry-After honoured up to 2 minutes; about 10 minutes in all at most. */
export const DEFAULT_RETRY: RetrySettings = Object.freeze({ maxAttempts: 5, timeoutMs: 15_000, baseDelayMs: 500, maxDelayMs: 120_000, deadlineMs: 10 * 60_000 });

/**
 * A person's turn: at most about 6 s in SharePoint, so the turn can still answer
 * (or queue the write in the outbox) within Teams' 10-15 s limit.
 */
export const INTERACTIVE_RETRY: RetrySettings = Object.freeze({ maxAttempts: 3, timeoutMs: 4_000, baseDelayMs: 250, maxDelayMs: 2_000, deadlineMs: 6_000 });

export const MIN_RECORD_KEY_LENGTH = 32;

type Env = Readonly<Record<string, string | undefined>>;

const AUTH_CHOICES: readonly SharePointAuth[] = ['managed-identity', 'certificate', 'none'];

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]' || hostname === '::1';
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function required(env: Env, name: string, why: string): string {
  const value = text(env, name);
  if (!value) throw new ConfigError(name, `is required ${why}`);
  return value;
}

function whole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function siteUrlOf(env: Env): URL {
  const raw = required(env, 'SHAREPOINT_SITE_URL', 'with REGISTER_STORE=sharepoint (e.g. https://contoso.sharepoint.com/sites/partnerships)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('SHAREPOINT_SITE_URL', `must be an absolute URL, got "${raw}"`);
  }
  if (url.search || url.hash) throw new ConfigError('SHAREPOINT_SITE_URL', 'must be the site URL alone, without ?query or #fragment');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ConfigError('SHAREPOINT_SITE_URL', 'must use https (plain http is accepted only for a double on localhost)');
  }
  return url;
}

/**
 * Reads SHAREPOINT_* (and AZURE_CLIENT_ID, AZURE_TENANT_ID, ORGANISATION_NAME):
 * how to reach the site, without the record key (`npm run provision` needs no
 * key). Throws ConfigError naming the variable.
 */
export function sharePointSiteSettings(env: Env): SharePointSiteSettings {
  const url = siteUrlOf(env);
  const auth = (text(env, 'SHAREPOINT_AUTH') ?? 'managed-identity') as SharePointAuth;
  if (!AUTH_CHOICES.includes(auth)) {
    const hint = /secret/i.test(auth) ? ' (SharePoint Online rejects app-only tokens got with a client secret: use a certificate)' : '';
    throw new ConfigError('SHAREPOINT_AUTH', `must be managed-identity, certificate or none, got "${auth}"${hint}`);
  }
  if (auth === 'none' && !isLoopback(url.hostname)) {
    throw new ConfigError('SHAREPOINT_AUTH', `none is accepted only for a site on 127.0.0.1 or localhost (the local double), not ${url.hostname}`);
  }
  const clientId = text(env, 'AZURE_CLIENT_ID');
  const tenantId = text(env, 'AZURE_TENANT_ID');
  let certificatePath: string | undefined;
  if (auth === 'certificate') {
    required(env, 'AZURE_TENANT_ID', 'with SHAREPOINT_AUTH=certificate');
    required(env, 'AZURE_CLIENT_ID', 'with SHAREPOINT_AUTH=certificate (the app registration holding the certificate)');
    certificatePath = required(env, 'SHAREPOINT_CERTIFICATE_PATH', 'with SHAREPOINT_AUTH=certificate (a PEM file with the private key and certificate)');
  }
  return Object.freeze({
    siteUrl: url.toString().replace(/\/+$/, ''),
    auth,
    clientId,
    tenantId,
    certificatePath,
    organisation: text(env, 'ORGANISATION_NAME') ?? 'Organisation',
    retry: Object.freeze({
      ...DEFAULT_RETRY,
      maxAttempts: whole(env, 'SHAREPOINT_MAX_ATTEMPTS', DEFAULT_RETRY.maxAttempts, 1, 10),
      timeoutMs: whole(env, 'SHAREPOINT_TIMEOUT_MS', DEFAULT_RETRY.timeoutMs, 1000, 120_000),
    }),
    interactiveRetry: INTERACTIVE_RETRY,
  });
}

/** The record key: required with REGISTER_STORE=sharepoint, long enough to be a key and not a password. */
function recordKeyOf(env: Env): string {
  const hint = 'make one with `openssl rand -base64 48` and keep it secret, like a password; changing it makes every item read as tampered until re-saved';
  const key = text(env, 'REGISTER_RECORD_KEY');
  if (!key) throw new ConfigError('REGISTER_RECORD_KEY', `is required with REGISTER_STORE=sharepoint: it seals who may decide in each register item (${hint})`);
  if (key.length < MIN_RECORD_KEY_LENGTH) {
    throw new ConfigError('REGISTER_RECORD_KEY', `must be at least ${MIN_RECORD_KEY_LENGTH} characters of random text, got ${key.length} (${hint})`);
  }
  return key;
}

/** Everything the bot needs to keep the register in SharePoint: the site (see sharePointSiteSettings) and REGISTER_RECORD_KEY. */
export function sharePointSettings(env: Env): SharePointSettings {
  return Object.freeze({ ...sharePointSiteSettings(env), recordKey: recordKeyOf(env) });
}
