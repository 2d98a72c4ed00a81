/** An error the double answers with, in SharePoint's shape: an HTTP status and an `odata.error` code and message. */
export class SpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'SpError';
  }
}

/** The codes the double uses where SharePoint documents or returns them. */
export const SP_CODE = {
  argument: '-2147024809, System.ArgumentException',
  listMissing: '-1, System.ArgumentException',
  badQuery: '-1, Microsoft.SharePoint.Client.InvalidClientQueryException',
  etag: '-2130575305, Microsoft.SharePoint.SPException',
  duplicate: '-2130575169, Microsoft.SharePoint.SPDuplicateValuesFoundException',
  throttled: '-2147024860, Microsoft.SharePoint.SPQueryThrottledException',
  general: '-2146232832, Microsoft.SharePoint.SPException',
  userMissing: '-2146232832, Microsoft.SharePoint.SPException',
} as const;
