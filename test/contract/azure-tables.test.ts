import { openAzureStores, type AzureStores } from '../../src/adapters/azure-tables';
import { MemoryRegister } from '../../src/adapters/memory/memory-stores';
import { OutboxRegister } from '../../src/adapters/outbox';
import { systemClock } from '../../src/adapters/system';
import type { SentCards } from '../../src/ports/sent-cards';
import { startAzurite, freshPrefix, type Azurite } from './azurite';
import { describeAuditLogContract } from './audit-log.contract';
import { describeConversationDirectoryContract } from './conversation-directory.contract';
import { describeDraftsContract } from './drafts.contract';
import { describeJobsContract } from './jobs.contract';
import type { OpenStore } from './open-store';
import { describeRegisterContract } from './register.contract';
import { describeSentCardsContract } from './sent-cards.contract';

/**
 * The contract suites against Azure Storage Tables on a real Azurite, started
 * here on a free loopback port and stopped after. The register and the records
 * have no Tables adapter: with STATE_STORE=azure they live in SharePoint
 * (REGISTER_STORE=sharepoint); the outbox in front of the register is here.
 * The OutboxRegister's own suite runs on Tables in test/adapters/outbox.
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

// The outbox decorator, with its outbox in Tables, passes every call through while the register it wraps answers.
describeRegisterContract('outbox in Azure Tables over memory', async () => {
  const stores = await openAzureStores({ connection: { connectionString: azurite.connectionString }, prefix: freshPrefix() });
  return { store: new OutboxRegister(new MemoryRegister(), stores.outbox, systemClock), close: () => stores.drop() };
});

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
