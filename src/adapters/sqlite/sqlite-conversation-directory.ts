import type { ConversationDirectory, ConversationRecord } from '../../ports/conversation-directory';
import type { SqliteDatabase } from './database';

export class SqliteConversationDirectory implements ConversationDirectory {
  private readonly upsert;
  private readonly byUser;
  private readonly byEmail;

  constructor(db: SqliteDatabase) {
    // Last save wins: Teams may have moved the person to another serviceUrl.
    this.upsert = db.prepare(
      `INSERT INTO conversations (user_id, updated_at, json) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET updated_at = excluded.updated_at, json = excluded.json`,
    );
    this.byUser = db.prepare<[string], { json: string }>('SELECT json FROM conversations WHERE user_id = ?');
    this.byEmail = db.prepare<[string], { json: string }>(
      "SELECT json FROM conversations WHERE lower(json_extract(json, '$.email')) = ? ORDER BY updated_at DESC LIMIT 1",
    );
  }

  async save(record: ConversationRecord): Promise<void> {
    this.upsert.run(record.userId, record.updatedAt, JSON.stringify(record));
  }

  async get(userId: string): Promise<ConversationRecord | undefined> {
    const row = this.byUser.get(userId);
    return row && (JSON.parse(row.json) as ConversationRecord);
  }

  async findByEmail(email: string): Promise<ConversationRecord | undefined> {
    const row = this.byEmail.get(email.toLowerCase());
    return row && (JSON.parse(row.json) as ConversationRecord);
  }
}
