import { openAzureStores, type AzureStores } from '../../src/adapters/azure-tables';
import type { SentCards } from '../../src/ports/sent-cards';
import { startAzurite, freshPrefix, type Azurite } from './azurite';
import { describeAuditLogContract } from './audit-log.contract';
import { describeConversationDirectoryContract } from './conversation-directory.contract';
import { describeDraftsContract } from './drafts.contract';
import { describeJobsContract } from './jobs.contract';
import type { OpenStore } from './open-store';
import { describeSentCardsContract } from './sent-cards.contract';

/**
 * The contract suites against Azure Storage Tables on a real Azurite, started
 * here on a free loopback port and stopped after. The register and the records
 * are not here: with STATE_STORE=azure they live in SharePoint (REGISTER_STORE=sharepoint).
 */
let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
}, 30_000);
afterAll(async () => {
  await azurite?.close();
});

function one<K extends 'drafts' | 'audit' | 'conversations' | 'jobs' | 'sentCards'>(key: K): OpenStore<AzureStores[K]> {
  return async () => {
    const stores = await openAzureStores({ connection: { connectionString: azurite.connectionString }, prefix: freshPrefix() });
    return { store: stores[key], close: () => stores.drop() };
  };
}

describeDraftsContract('Azure Tables', one('drafts'));
describeAuditLogContract('Azure Tables', one('audit'));
describeConversationDirectoryContract('Azure Tables', one('conversations'));
describeJobsContract('Azure Tables', one('jobs'));
describeSentCardsContract('Azure Tables', one('sentCards') as OpenStore<SentCards>);

describe('Azure Tables stores', () => {
  it('keep a draft whose answers are larger than one table property holds', async () => {
    const stores = await openAzureStores({ connection: { connectionString: azurite.connectionString }, prefix: freshPrefix() });
    try {
      const long = 'x'.repeat(100_000);
      const created = await stores.drafts.create({ ...(await import('../fixtures/builders')).aDraft({ answers: { notes: long } }) });
      expect((await stores.drafts.get(created.id))?.answers.notes).toBe(long);
    } finally {
      await stores.drop();
    }
  });

  it('keep ids with characters a table key may not hold apart', async () => {
    const stores = await openAzureStores({ connection: { connectionString: azurite.connectionString }, prefix: freshPrefix() });
    try {
      const { aConversation } = await import('../fixtures/builders');
      await stores.conversations.save(aConversation({ userId: 'a/b#c?d\\e' }));
      await stores.conversations.save(aConversation({ userId: 'a!002fb#c?d\\e', name: 'Other' }));
      expect((await stores.conversations.get('a/b#c?d\\e'))?.name).toBe('Alice Adams');
      expect((await stores.conversations.get('a!002fb#c?d\\e'))?.name).toBe('Other');
    } finally {
      await stores.drop();
    }
  });

  it('report an unreachable account as unavailable when checked', async () => {
    const stores = await openAzureStores({ connection: { connectionString: azurite.connectionString }, prefix: freshPrefix() });
    await stores.drop();
    const { devConnectionString } = await import('./azurite');
    const { freePort } = await import('../doubles/processes');
    const gone = await openAzureStores({ connection: { connectionString: devConnectionString(await freePort()) }, prefix: freshPrefix() }).catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
