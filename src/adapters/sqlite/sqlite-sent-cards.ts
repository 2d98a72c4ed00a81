import type { SentMessage } from '../../ports/notifier';
import type { SentCards } from '../../ports/sent-cards';
import type { SqliteDatabase } from './database';

export class SqliteSentCards implements SentCards {
  private readonly insert;
  private readonly bySubject;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO sent_cards (subject_id, conversation_id, activity_id, user_id) VALUES (?, ?, ?, ?)`,
    );
    this.bySubject = db.prepare<[string], { conversation_id: string; activity_id: string; user_id: string }>(
      'SELECT conversation_id, activity_id, user_id FROM sent_cards WHERE subject_id = ? ORDER BY rowid',
    );
  }

  async record(subjectId: string, message: SentMessage): Promise<void> {
    this.insert.run(subjectId, message.conversationId, message.activityId, message.userId);
  }

  async list(subjectId: string): Promise<SentMessage[]> {
    return this.bySubject.all(subjectId).map((r) => ({ userId: r.user_id, conversationId: r.conversation_id, activityId: r.activity_id }));
  }
}
