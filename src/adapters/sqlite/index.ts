import { openDatabase } from './database';
import { SqliteAuditLog } from './sqlite-audit-log';
import { SqliteConversationDirectory } from './sqlite-conversation-directory';
import { SqliteDrafts } from './sqlite-drafts';
import { SqliteRegister } from './sqlite-register';
import { SqliteSentCards } from './sqlite-sent-cards';

export { openDatabase, type SqliteDatabase } from './database';
export { SqliteAuditLog } from './sqlite-audit-log';
export { SqliteConversationDirectory } from './sqlite-conversation-directory';
export { SqliteDrafts } from './sqlite-drafts';
export { SqliteRegister } from './sqlite-register';
export { SqliteSentCards } from './sqlite-sent-cards';

/** Every store on one database; `close` releases the file (and its WAL) for the next opener. */
export function openSqliteStores(file: string) {
  const db = openDatabase(file);
  return {
    drafts: new SqliteDrafts(db),
    register: new SqliteRegister(db),
    audit: new SqliteAuditLog(db),
    conversations: new SqliteConversationDirectory(db),
    sentCards: new SqliteSentCards(db),
    close(): void {
      db.close();
    },
  };
}
