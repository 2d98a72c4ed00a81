import type { FlowDefinition } from '../../domain/flow';
import type { Journey } from '../../domain/journey';
import type { Logger } from '../../logger';
import { loadFlows, loadProposalJourney } from '../../questionnaires';
import { createSharePointClient } from './client';
import { provisionLists, type ProvisionReport } from './provision';
import { buildRegisterSchema } from './schema';
import { INTERACTIVE_RETRY, type RetrySettings, type SharePointSettings, type SharePointSiteSettings } from './settings';
import { SharePointRecords } from './sharepoint-records';
import { SharePointRegister } from './sharepoint-register';
import type { TransportDeps } from './transport';

export { createSharePointClient } from './client';
export { provisionLists, type ProvisionChange, type ProvisionReport } from './provision';
export { buildRegisterSchema, REGISTER_LIST, RECORDS_LIST, type RegisterSchema } from './schema';
export {
  sharePointSettings,
  sharePointSiteSettings,
  DEFAULT_RETRY,
  INTERACTIVE_RETRY,
  type SharePointAuth,
  type SharePointSettings,
  type SharePointSiteSettings,
  type RetrySettings,
} from './settings';
export { SharePointRegister, RegisterNotProvisionedError, MAX_PEOPLE_PER_WRITE } from './sharepoint-register';
export { SharePointRecords } from './sharepoint-records';
export { SharePointUnavailableError } from './transport';

export interface SharePointOptions {
  /** The questionnaires whose answers get columns; the shipped ones by default. */
  readonly journey?: Journey;
  /** The forms whose questions label a record's answers; the shipped ones by default. */
  readonly flows?: ReadonlyMap<string, FlowDefinition>;
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
 * when the site is unreachable, refuses us, or has not been provisioned. Every
 * request follows settings.retry (the patient background policy).
 */
export async function openSharePointRegister(settings: SharePointSettings, logger?: Logger, options: SharePointOptions = {}): Promise<SharePointRegister> {
  const sp = createSharePointClient(settings, transportWithLogging(logger, options.transport));
  const register = new SharePointRegister(sp, buildRegisterSchema(options.journey ?? loadProposalJourney()), { recordKey: settings.recordKey, logger });
  await register.checkProvisioned();
  logger?.info({ site: settings.siteUrl, auth: settings.auth }, 'register kept in SharePoint');
  return register;
}

export interface SharePointRegisters {
  /** For people's turns: gives up within about 6 s (settings.interactiveRetry, INTERACTIVE_RETRY by default). */
  readonly interactive: SharePointRegister;
  /** For background work (the outbox drain): patient, SharePoint's Retry-After honoured (settings.retry). */
  readonly background: SharePointRegister;
  /** The Partnership Records list, on the interactive client: records are added in people's turns. */
  readonly records: SharePointRecords;
}

/**
 * The register twice over the same list, on two clients with two retry
 * policies, and the records list on the interactive one; both lists checked
 * once at start (with the patient client).
 */
export async function openSharePointRegisters(settings: SharePointSettings, logger?: Logger, options: SharePointOptions = {}): Promise<SharePointRegisters> {
  const transport = transportWithLogging(logger, options.transport);
  const schema = buildRegisterSchema(options.journey ?? loadProposalJourney());
  const patient = createSharePointClient(settings, transport, settings.retry);
  const quick = createSharePointClient(settings, transport, settings.interactiveRetry ?? INTERACTIVE_RETRY);
  const background = new SharePointRegister(patient, schema, { recordKey: settings.recordKey, logger });
  const interactive = background.withClient(quick);
  const checkedRecords = new SharePointRecords(patient, schema, { recordKey: settings.recordKey, logger, flows: options.flows ?? loadFlows() });
  await background.checkProvisioned();
  await checkedRecords.checkProvisioned();
  logger?.info({ site: settings.siteUrl, auth: settings.auth }, 'register and records kept in SharePoint');
  return { interactive, background, records: checkedRecords.withClient(quick) };
}

/**
 * The Partnership Records list on SharePoint, checked at start like the
 * register: fails fast, naming `npm run provision`, when the list or its
 * columns are missing. Requests follow `retry` (settings.retry, the patient
 * policy, unless told otherwise: pass settings.interactiveRetry for people's turns).
 */
export async function openSharePointRecords(
  settings: SharePointSettings,
  logger?: Logger,
  options: SharePointOptions & { readonly retry?: RetrySettings } = {},
): Promise<SharePointRecords> {
  const sp = createSharePointClient(settings, transportWithLogging(logger, options.transport), options.retry ?? settings.retry);
  const schema = buildRegisterSchema(options.journey ?? loadProposalJourney());
  const records = new SharePointRecords(sp, schema, { recordKey: settings.recordKey, logger, flows: options.flows ?? loadFlows() });
  await records.checkProvisioned();
  logger?.info({ site: settings.siteUrl, auth: settings.auth }, 'records kept in SharePoint');
  return records;
}

/** Creates or updates the register's lists, columns, indexes and views (npm run provision). */
export async function provisionSharePoint(settings: SharePointSiteSettings, logger?: Logger, options: SharePointOptions = {}): Promise<ProvisionReport> {
  const sp = createSharePointClient(settings, transportWithLogging(logger, options.transport));
  return provisionLists(sp, buildRegisterSchema(options.journey ?? loadProposalJourney()));
}
