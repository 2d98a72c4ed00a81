import type { Journey } from '../../domain/journey';
import type { Logger } from '../../logger';
import { loadProposalJourney } from '../../questionnaires';
import { createSharePointClient } from './client';
import { provisionLists, type ProvisionReport } from './provision';
import { buildRegisterSchema } from './schema';
import type { SharePointSettings } from './settings';
import { SharePointRegister } from './sharepoint-register';
import type { TransportDeps } from './transport';

export { createSharePointClient } from './client';
export { provisionLists, type ProvisionChange, type ProvisionReport } from './provision';
export { buildRegisterSchema, REGISTER_LIST, RECORDS_LIST, type RegisterSchema } from './schema';
export { sharePointSettings, DEFAULT_RETRY, type SharePointAuth, type SharePointSettings, type RetrySettings } from './settings';
export { SharePointRegister, RegisterNotProvisionedError } from './sharepoint-register';
export { SharePointUnavailableError } from './transport';

export interface SharePointOptions {
  /** The questionnaires whose answers get columns; the shipped ones by default. */
  readonly journey?: Journey;
  /** Tests replace fetch, sleep or randomness here. */
  readonly transport?: TransportDeps;
}

function transportWithLogging(logger: Logger | undefined, transport: TransportDeps = {}): TransportDeps {
  return {
    onRetry: (event) => logger?.warn(event, 'SharePoint request retried'),
    ...transport,
  };
}

/**
 * The register on SharePoint, checked at start: fails fast (naming what to do)
 * when the site is unreachable, refuses us, or has not been provisioned.
 */
export async function openSharePointRegister(settings: SharePointSettings, logger?: Logger, options: SharePointOptions = {}): Promise<SharePointRegister> {
  const sp = createSharePointClient(settings, transportWithLogging(logger, options.transport));
  const register = new SharePointRegister(sp, buildRegisterSchema(options.journey ?? loadProposalJourney()), logger);
  await register.checkProvisioned();
  logger?.info({ site: settings.siteUrl, auth: settings.auth }, 'register kept in SharePoint');
  return register;
}

/** Creates or updates the register's lists, columns, indexes and views (npm run provision). */
export async function provisionSharePoint(settings: SharePointSettings, logger?: Logger, options: SharePointOptions = {}): Promise<ProvisionReport> {
  const sp = createSharePointClient(settings, transportWithLogging(logger, options.transport));
  return provisionLists(sp, buildRegisterSchema(options.journey ?? loadProposalJourney()));
}
