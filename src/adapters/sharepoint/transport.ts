import type { Queryable } from '@pnp/queryable';
import { StoreUnavailableError } from '../../domain/errors';
import type { RetrySettings } from './settings';

/**
 * The cross-cutting HTTP behaviours of the SharePoint client, composed once at
 * its root (`spfi(url).using(...)`), never sprinkled over call sites:
 * - `ResilientSend` replaces PnPjs's `send`: one attempt at a time, each with a
 *   timeout that covers the whole answer; 429 and 503 wait for Retry-After,
 *   other transient failures (502, 504, network errors, timeouts) back off
 *   exponentially with full jitter. Nothing else is retried: a 412 or a
 *   duplicate-value 500 is an answer, not a fault. The policy's deadline bounds
 *   the whole request: no attempt starts after it, each attempt's timeout is cut
 *   to what is left, and a wait that would end past it gives up at once (the
 *   last answer is returned, or SharePointUnavailableError thrown), so a
 *   person's turn never waits out a 2-minute Retry-After.
 *   https://learn.microsoft.com/sharepoint/dev/general-development/how-to-avoid-getting-throttled-or-blocked-in-sharepoint-online
 * - `Decorate` sends `User-Agent: NONISV|<organisation>|PartnershipRegister/<version>`,
 *   which SharePoint uses to tell callers apart when it throttles.
 * - `BearerAuth` adds a token from a provider that caches it until shortly before it expires.
 */

/** Set on an answer that followed an attempt whose outcome is unknown (a timeout or a dropped connection). */
export const AFTER_UNKNOWN_OUTCOME = 'x-partnership-register-after-unknown-outcome';

export class SharePointUnavailableError extends StoreUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SharePointUnavailableError';
  }
}

export interface TransportDeps {
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch, for the deadline (tests pair it with `sleep` to run on a fake clock). */
  readonly now?: () => number;
  readonly random?: () => number;
  readonly onRetry?: (event: { url: string; method: string; attempt: number; reason: string; waitMs: number }) => void;
}

const THROTTLED = new Set([429, 503]);
const TRANSIENT = new Set([502, 504]);

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retry-After is seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

interface Attempt {
  readonly response?: Response;
  readonly error?: unknown;
  readonly timedOut: boolean;
}

async function attemptOnce(doFetch: typeof fetch, url: string, init: RequestInit, timeoutMs: number): Promise<Attempt> {
  const controller = new AbortController();
  const callerSignal = init.signal ?? undefined;
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no answer within ${timeoutMs} ms`));
  }, timeoutMs);
  try {
    const answer = await doFetch(url, { ...init, signal: controller.signal });
    // Read the whole body inside the timeout, so a stalled body counts as a timeout too.
    const body = answer.status === 204 || answer.status === 304 ? null : await answer.arrayBuffer();
    const response = new Response(body, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
    return { response, timedOut: false };
  } catch (error) {
    return { error, timedOut };
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener('abort', onCallerAbort);
  }
}

function markUnknownOutcome(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set(AFTER_UNKNOWN_OUTCOME, 'true');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

export function ResilientSend(policy: RetrySettings, deps: TransportDeps = {}) {
  const doFetch = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? defaultSleep;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const backoff = (attempt: number) => random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return (instance: Queryable) => {
    instance.on.send.replace(async (url: URL, init: RequestInit): Promise<Response> => {
      const target = url.toString();
      const method = String((init.headers as Record<string, string> | undefined)?.['X-HTTP-Method'] ?? init.method ?? 'GET');
      const deadline = now() + policy.deadlineMs;
      /** Whether a wait of `ms` from now would leave time for another attempt. */
      const fitsBeforeDeadline = (ms: number) => now() + ms < deadline;
      let unknownOutcome = false;
      for (let attempt = 1; ; attempt += 1) {
        // The first attempt always runs; later ones only start before the deadline (checked before each wait).
        const timeoutMs = Math.max(1, Math.min(policy.timeoutMs, deadline - now()));
        const result = await attemptOnce(doFetch, target, init, timeoutMs);
        const last = attempt >= policy.maxAttempts;
        if (result.response) {
          const { status } = result.response;
          const retryable = THROTTLED.has(status) || TRANSIENT.has(status);
          const answer = () => (unknownOutcome ? markUnknownOutcome(result.response!) : result.response!);
          if (!retryable || last) return answer();
          const hinted = THROTTLED.has(status) ? retryAfterMs(result.response.headers.get('Retry-After')) : undefined;
          const waitMs = Math.min(policy.maxDelayMs, hinted === undefined ? backoff(attempt) : hinted + random() * Math.min(policy.baseDelayMs, 1000));
          // SharePoint asked for longer than we have (or the wait would use it up): its answer stands.
          if (!fitsBeforeDeadline(hinted ?? 0) || !fitsBeforeDeadline(waitMs)) return answer();
          deps.onRetry?.({ url: target, method, attempt, reason: `HTTP ${status}`, waitMs });
          await sleep(waitMs);
          continue;
        }
        if (init.signal?.aborted) throw result.error;
        // A write that timed out or lost its connection may or may not have been carried out.
        unknownOutcome = true;
        const reason = result.timedOut ? `no answer within ${timeoutMs} ms` : `network error: ${String((result.error as Error)?.message ?? result.error)}`;
        if (last) throw new SharePointUnavailableError(`SharePoint did not answer ${method} ${target} after ${attempt} attempts (${reason})`, { cause: result.error });
        const waitMs = backoff(attempt);
        if (!fitsBeforeDeadline(waitMs)) {
          throw new SharePointUnavailableError(`SharePoint did not answer ${method} ${target} within its ${policy.deadlineMs} ms deadline, after ${attempt} attempts (${reason})`, { cause: result.error });
        }
        deps.onRetry?.({ url: target, method, attempt, reason, waitMs });
        await sleep(waitMs);
      }
    });
    return instance;
  };
}

export function Decorate(organisation: string, version: string) {
  const clean = organisation.replace(/[|\r\n]/g, ' ').trim() || 'Organisation';
  const userAgent = `NONISV|${clean}|PartnershipRegister/${version}`;
  return (instance: Queryable) => {
    instance.on.pre(async (url: string, init: RequestInit, result: unknown) => {
      init.headers = { ...(init.headers as Record<string, string>), 'User-Agent': userAgent };
      return [url, init, result];
    });
    return instance;
  };
}

export type TokenProvider = () => Promise<string>;

export function BearerAuth(token: TokenProvider) {
  return (instance: Queryable) => {
    instance.on.auth.replace(async (url: URL, init: RequestInit) => {
      init.headers = { ...(init.headers as Record<string, string>), Authorization: `Bearer ${await token()}` };
      return [url, init];
    });
    return instance;
  };
}
