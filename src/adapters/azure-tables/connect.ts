import { DefaultAzureCredential } from '@azure/identity';
import type { AzureStorageSettings } from '../../config';
import type { TablesOptions } from './tables';

/**
 * How the bot reaches its tables: with a connection string when one is given
 * (Azurite), else the account endpoint with the managed identity
 * (DefaultAzureCredential; AZURE_CLIENT_ID picks the user-assigned identity).
 */
export function tablesOptionsFor(settings: AzureStorageSettings): TablesOptions {
  if (settings.connectionString) return { connection: { connectionString: settings.connectionString }, prefix: settings.tablePrefix };
  const credential = new DefaultAzureCredential(settings.clientId ? { managedIdentityClientId: settings.clientId } : {});
  return { connection: { accountUrl: settings.accountUrl!, credential }, prefix: settings.tablePrefix };
}
