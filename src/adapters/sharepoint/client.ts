import { DefaultParse } from '@pnp/queryable';
import { DefaultHeaders, DefaultInit, spfi, type SPFI } from '@pnp/sp';
// PnPjs adds its fluent API by side-effect imports; they all live here, in one place.
import '@pnp/sp/webs';
import '@pnp/sp/lists';
import '@pnp/sp/items';
import '@pnp/sp/fields';
import '@pnp/sp/views';
import '@pnp/sp/site-users/web';
import packageJson from '../../../package.json';
import { cachedToken, credentialFor, scopeFor } from './auth';
import type { RetrySettings, SharePointSiteSettings } from './settings';
import { BearerAuth, Decorate, ResilientSend, type TransportDeps } from './transport';

export type { SPFI } from '@pnp/sp';

/**
 * The one SharePoint client: PnPjs with our behaviours at the root, so every
 * request (the register's and provisioning's) is authenticated, decorated,
 * timed out and retried the same way: by `retry` (settings.retry, the patient
 * background policy, unless told otherwise).
 */
export function createSharePointClient(settings: SharePointSiteSettings, deps: TransportDeps = {}, retry: RetrySettings = settings.retry): SPFI {
  const credential = credentialFor(settings);
  const sp = spfi(settings.siteUrl).using(
    DefaultHeaders(),
    DefaultInit(),
    DefaultParse(),
    ResilientSend(retry, deps),
    Decorate(settings.organisation, packageJson.version),
  );
  if (credential) sp.using(BearerAuth(cachedToken(credential, scopeFor(settings.siteUrl))));
  return sp;
}
