import { openDatabase } from './database';
import { SqliteAuditLog } from './sqlite-audit-log';
import { SqliteConversationDirectory } from './sqlite-conversation-directory';
import { SqliteDrafts } from './sqlite-drafts';
import { SqliteOutbox } from './sqlite-outbox';
import { SqliteJobs } from './sqlite-jobs';
import { SqliteRecords } from './sqlite-records';
import { SqliteRegister } from './sqlite-register';
import { SqliteSentCards } from './sqlite-sent-cards';

export { openDatabase, type SqliteDatabase } from './database';
export { SqliteAuditLog } from './sqlite-audit-log';
export { SqliteConversationDirectory } from './sqlite-conversation-directory';
export { SqliteDrafts } from './sqlite-drafts';
export { SqliteOutbox, type OutboxEntry, type OutboxKind, type OutboxState } from './sqlite-outbox';
export { SqliteRegister } from './sqlite-register';
export { SqliteRecords } from './sqlite-records';
export { SqliteJobs } from './sqlite-jobs';
export { SqliteSentCards } from './sqlite-sent-cards';
export { lockDataDir, InstanceLockedError, type InstanceLock } from './instance-lock';

/** Every store on one database; `close` releases the file (and its WAL) for the next opener. */
export function openSqliteStores(file: string) {
  const db = openDatabase(file);
  return {
    drafts: new SqliteDrafts(db),
    register: new SqliteRegister(db),
    audit: new SqliteAuditLog(db),
    conversations: new SqliteConversationDirectory(db),
    sentCards: new SqliteSentCards(db),
    records: new SqliteRecords(db),
    jobs: new SqliteJobs(db),
    /** Register writes kept while SharePoint is unreachable (used only with REGISTER_STORE=sharepoint). */
    outbox: new SqliteOutbox(db),
    close(): void {
      db.close();
    },
  };
}
