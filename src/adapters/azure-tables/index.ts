import { AzureAuditLog } from './azure-audit-log';
import { AzureConversationDirectory } from './azure-conversations';
import { AzureDrafts } from './azure-drafts';
import { AzureJobs } from './azure-jobs';
import { AzureOutbox } from './azure-outbox';
import { AzureSentCards } from './azure-sent-cards';
import { ensureTables, tableClient, unavailable, type TablesOptions } from './tables';

export { AzureAuditLog } from './azure-audit-log';
export { AzureConversationDirectory } from './azure-conversations';
export { AzureDrafts } from './azure-drafts';
export { AzureJobs } from './azure-jobs';
export { AzureOutbox } from './azure-outbox';
export { AzureSentCards } from './azure-sent-cards';
export type { TablesConnection, TablesOptions } from './tables';
export { tablesOptionsFor } from './connect';

/**
 * The state every instance shares, in Azure Storage Tables: drafts, conversation
 * references, sent cards, the audit log, the durable jobs and the register
 * outbox. The tables are
 * created if missing (the identity needs the Storage Table Data Contributor role).
 */
export async function openAzureStores(options: TablesOptions) {
  const tables = {
    drafts: tableClient(options, 'Drafts'),
    conversations: tableClient(options, 'Conversations'),
    sentCards: tableClient(options, 'SentCards'),
    audit: tableClient(options, 'Audit'),
    jobs: tableClient(options, 'Jobs'),
    outbox: tableClient(options, 'Outbox'),
  };
  await ensureTables(Object.values(tables));
  return {
    drafts: new AzureDrafts(tables.drafts),
    conversations: new AzureConversationDirectory(tables.conversations),
    sentCards: new AzureSentCards(tables.sentCards),
    audit: new AzureAuditLog(tables.audit),
    jobs: new AzureJobs(tables.jobs),
    /** Register writes kept while SharePoint is unreachable, drained by whichever instance gets there first. */
    outbox: new AzureOutbox(tables.outbox),
    /** Readiness: the account answers (throws StoreUnavailableError if not). */
    async check(): Promise<void> {
      // One small data-plane read, which the table data role allows (service properties may need more).
      try {
        await tables.jobs.listEntities({ queryOptions: { filter: "PartitionKey eq 'readyz'" } }).byPage({ maxPageSize: 1 }).next();
      } catch (err) {
        throw unavailable(err, 'jobs');
      }
    },
    /** Tests: drops the tables (with a per-run prefix). */
    async drop(): Promise<void> {
      await Promise.all(Object.values(tables).map((t) => t.deleteTable()));
    },
    close(): void {
      // The SDK keeps no connection to close: each call is one HTTP request.
    },
  };
}

export type AzureStores = Awaited<ReturnType<typeof openAzureStores>>;
