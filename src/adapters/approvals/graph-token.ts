import { DefaultAzureCredential } from '@azure/identity';
import type { GraphToken } from './graph-manager-routing';

/**
 * A Graph token from the environment's identity: the managed identity in Azure
 * (AZURE_CLIENT_ID), or a certificate locally (AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_CERTIFICATE_PATH), as @azure/identity reads them. A local Graph
 * double (loopback URL) needs no token.
 */
const TOKEN_TIMEOUT_MS = 5000;

export function graphToken(baseUrl: string): GraphToken {
  const host = new URL(baseUrl).hostname;
  if (host === '127.0.0.1' || host === 'localhost') return async () => 'local-double';
  const credential = new DefaultAzureCredential();
  return async () => {
    // A token request that hangs would hold the turn: @azure/identity has no timeout of its own.
    const token = await credential.getToken('https://graph.microsoft.com/.default', { abortSignal: AbortSignal.timeout(TOKEN_TIMEOUT_MS) });
    return token.token;
  };
}
