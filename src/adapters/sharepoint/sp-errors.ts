import type { Logger } from '../../logger';
import { AFTER_UNKNOWN_OUTCOME, SharePointUnavailableError } from './transport';

/**
 * What SharePoint said when a request failed: the HTTP status and the code of
 * its `odata.error` (e.g. "-2130575169, Microsoft.SharePoint.SPDuplicateValuesFoundException").
 * We branch on the status and the exception type in that code, never on the message text.
 */
export interface SharePointFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** The answer followed an attempt that timed out or lost its connection: a write may already have landed. */
  readonly afterUnknownOutcome: boolean;
}

interface HttpRequestErrorLike {
  readonly isHttpRequestError: true;
  readonly status: number;
  readonly response: Response;
}

function isHttpRequestError(err: unknown): err is HttpRequestErrorLike {
  return typeof err === 'object' && err !== null && (err as { isHttpRequestError?: unknown }).isHttpRequestError === true;
}

export async function failureOf(err: unknown): Promise<SharePointFailure | undefined> {
  if (!isHttpRequestError(err)) return undefined;
  let code = '';
  let message = '';
  try {
    const body = (await err.response.clone().json()) as Record<string, { code?: string; message?: { value?: string } } | undefined>;
    const inner = body['odata.error'] ?? body.error;
    code = inner?.code ?? '';
    message = inner?.message?.value ?? '';
  } catch {
    // Not JSON (a proxy's page, an empty 429): the status is all there is.
  }
  return { status: err.status, code, message, afterUnknownOutcome: err.response.headers.get(AFTER_UNKNOWN_OUTCOME) === 'true' };
}

/** A unique column refused the value (SharePoint answers 500, SPDuplicateValuesFoundException). */
export function isDuplicateValue(failure: SharePointFailure | undefined): boolean {
  return failure !== undefined && failure.code.includes('SPDuplicateValuesFoundException');
}

export function isQueryThrottled(failure: SharePointFailure | undefined): boolean {
  return failure !== undefined && failure.code.includes('SPQueryThrottledException');
}

/**
 * What a failed request means to the bot: SharePoint unreachable, throttling
 * past our retries, or refusing us (429, 401, 403, 5xx) becomes a
 * SharePointUnavailableError (STORE_UNAVAILABLE: kept for later, or "try
 * again"); anything else (a 412, a duplicate value) passes through as it is.
 */
export function unavailableOr(err: unknown, failure: SharePointFailure | undefined, list: string, logger?: Logger): unknown {
  if (!failure) return err;
  if (failure.status === 429 || failure.status === 401 || failure.status === 403 || failure.status >= 500) {
    logger?.error({ status: failure.status, code: failure.code, message: failure.message, list }, 'SharePoint refused a request');
    return new SharePointUnavailableError(`SharePoint answered ${failure.status} ${failure.code}: ${failure.message}`, { cause: err });
  }
  return err;
}

/** Runs a call against one list, its failures translated by unavailableOr. */
export async function guardedCall<T>(work: () => Promise<T>, list: string, logger?: Logger): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw unavailableOr(err, await failureOf(err), list, logger);
  }
}

/**
 * A list's start-up check, run once and shared by every client of the list
 * (the interactive and background registers); a failed check is asked again
 * next time rather than remembered.
 */
export function checkedOnce(holder: { ready?: Promise<void> }, check: () => Promise<void>): Promise<void> {
  holder.ready ??= check().catch((err: unknown) => {
    holder.ready = undefined;
    throw err;
  });
  return holder.ready;
}
