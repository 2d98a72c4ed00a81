import { existsSync } from 'node:fs';
import { ClientCertificateCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { ConfigError } from '../../config';
import type { SharePointSiteSettings } from './settings';
import type { TokenProvider } from './transport';

/**
 * App-only tokens for SharePoint Online, from @azure/identity: a managed identity
 * in Azure, a certificate elsewhere (SharePoint rejects tokens got with a client
 * secret). The audience is the tenant's SharePoint origin:
 * `https://<tenant>.sharepoint.com/.default`. The app needs Sites.Selected, with
 * `write` (or `fullcontrol` to provision) granted on the register's site only.
 */

export function scopeFor(siteUrl: string): string {
  return `${new URL(siteUrl).origin}/.default`;
}

export function credentialFor(settings: SharePointSiteSettings): TokenCredential | undefined {
  switch (settings.auth) {
    case 'none':
      return undefined;
    case 'managed-identity':
      return settings.clientId ? new ManagedIdentityCredential({ clientId: settings.clientId }) : new ManagedIdentityCredential();
    case 'certificate': {
      const path = settings.certificatePath ?? '';
      if (!existsSync(path)) throw new ConfigError('SHAREPOINT_CERTIFICATE_PATH', `no file at ${path}`);
      return new ClientCertificateCredential(settings.tenantId ?? '', settings.clientId ?? '', { certificatePath: path });
    }
  }
}

const TOKEN_TIMEOUT_MS = 5000;

/** Keeps a token until five minutes before it expires; concurrent callers share one refresh. */
export function cachedToken(credential: TokenCredential, scope: string, now: () => number = Date.now): TokenProvider {
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    if (cached && cached.expiresAt - 5 * 60_000 > now()) return cached.token;
    // @azure/identity has no timeout of its own: a hung token endpoint must not hold a person's turn.
    pending ??= credential
      .getToken(scope, { abortSignal: AbortSignal.timeout(TOKEN_TIMEOUT_MS) })
      .then((got) => {
        if (!got) throw new Error(`no token for ${scope}`);
        cached = { token: got.token, expiresAt: got.expiresOnTimestamp };
        return got.token;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
