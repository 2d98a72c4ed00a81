import {
  DEFAULT_RETRY,
  INTERACTIVE_RETRY,
  openSharePointRecords,
  openSharePointRegister,
  provisionSharePoint,
  type RetrySettings,
  type SharePointRecords,
  type SharePointRegister,
  type SharePointSettings,
} from '../../../src/adapters/sharepoint';
import type { Logger } from '../../../src/logger';
import { startSharePointDouble, type SharePointDouble, type SharePointDoubleOptions } from './sharepoint-double';
import type { SiteSnapshot } from './site';

/** Retries fast enough for tests: Retry-After and backoff waits capped at a few milliseconds. */
export const TEST_RETRY: RetrySettings = { ...DEFAULT_RETRY, maxAttempts: 4, timeoutMs: 5_000, baseDelayMs: 1, maxDelayMs: 5 };

/** The interactive policy's shape (a few attempts within a deadline), with waits of a few milliseconds. */
export const TEST_INTERACTIVE_RETRY: RetrySettings = { ...INTERACTIVE_RETRY, baseDelayMs: 1, maxDelayMs: 5 };

/** The Bot record seal's key in tests (REGISTER_RECORD_KEY): 48 characters. */
export const TEST_RECORD_KEY = 'test-record-key-0123456789-abcdefghijklmnopqrstu';

export function settingsFor(double: SharePointDouble, retry: Partial<RetrySettings> = {}, recordKey: string = TEST_RECORD_KEY): SharePointSettings {
  return {
    siteUrl: double.siteUrl,
    auth: 'none',
    organisation: 'Riverside Borough Council',
    retry: { ...TEST_RETRY, ...retry },
    interactiveRetry: TEST_INTERACTIVE_RETRY,
    recordKey,
  };
}

export interface RegisterOnDouble {
  readonly double: SharePointDouble;
  readonly register: SharePointRegister;
  /** The Partnership Records list on the same site, with the same retry policy. */
  readonly records: SharePointRecords;
  readonly settings: SharePointSettings;
}

/** Provisions a double over HTTP with our own provisioning, then connects the adapter to it. */
export async function provisionAndOpen(double: SharePointDouble, retry: Partial<RetrySettings> = {}): Promise<SharePointRegister> {
  await provisionSharePoint(settingsFor(double, retry));
  return openSharePointRegister(settingsFor(double, retry));
}

/**
 * One double per test file, provisioned once by our own provisioning over HTTP;
 * `open` puts the provisioned, empty site back and connects a fresh adapter, so
 * each test starts clean without paying for provisioning again.
 */
export function provisionedDouble(options: SharePointDoubleOptions = {}) {
  let started: Promise<{ double: SharePointDouble; provisioned: SiteSnapshot }> | undefined;
  const start = async () => {
    const double = await startSharePointDouble(options);
    await provisionSharePoint(settingsFor(double));
    return { double, provisioned: double.site.snapshot() };
  };
  return {
    async open(retry: Partial<RetrySettings> = {}, logger?: Logger): Promise<RegisterOnDouble> {
      started ??= start();
      const { double, provisioned } = await started;
      double.clearFaults();
      double.site.restore(provisioned);
      const settings = settingsFor(double, retry);
      const register = await openSharePointRegister(settings, logger);
      const records = await openSharePointRecords(settings, logger);
      double.requests.splice(0);
      return { double, settings, register, records };
    },
    async close(): Promise<void> {
      if (started) await (await started).double.close();
      started = undefined;
    },
  };
}
