import { AFTER_UNKNOWN_OUTCOME } from './transport';

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
