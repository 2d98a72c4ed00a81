import { provisionSharePoint } from '../../src/adapters/sharepoint';
import { startAzurite, freshPrefix, type Azurite } from '../contract/azurite';
import { startBotConnector, type BotConnectorDouble } from '../doubles/bot-connector';
import { startSharePointDouble, type SharePointDouble } from '../doubles/sharepoint';
import { settingsFor, TEST_RECORD_KEY } from '../doubles/sharepoint/connect';

/**
 * What several instances of the bot share: one Azurite (Tables), one SharePoint
 * double (the register) and one Bot Connector double (Teams). `env` is the
 * environment every instance gets (STATE_STORE=azure, REGISTER_STORE=sharepoint).
 */
export interface SharedState {
  readonly azurite: Azurite;
  readonly sharePoint: SharePointDouble;
  readonly connector: BotConnectorDouble;
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export async function startSharedState(extraEnv: Record<string, string> = {}): Promise<SharedState> {
  const azurite = await startAzurite();
  const sharePoint = await startSharePointDouble();
  const connector = await startBotConnector();
  await provisionSharePoint(settingsFor(sharePoint));
  const env = {
    STATE_STORE: 'azure',
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    AZURE_TABLES_PREFIX: freshPrefix(),
    REGISTER_STORE: 'sharepoint',
    SHAREPOINT_SITE_URL: sharePoint.siteUrl,
    SHAREPOINT_AUTH: 'none',
    REGISTER_RECORD_KEY: TEST_RECORD_KEY,
    BOT_SERVICE_URL: connector.url,
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    ...extraEnv,
  };
  return {
    azurite,
    sharePoint,
    connector,
    env,
    close: async () => {
      await connector.close();
      await sharePoint.close();
      await azurite.close();
    },
  };
}
