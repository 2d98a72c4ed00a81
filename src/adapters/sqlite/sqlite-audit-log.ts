import type { AuditEntry } from '../../domain/records';
import type { AuditLog } from '../../ports/audit-log';
import type { SqliteDatabase } from './database';

export class SqliteAuditLog implements AuditLog {
  private readonly insert;
  private readonly bySubject;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare('INSERT INTO audit_entries (subject_id, at, json) VALUES (?, ?, ?)');
    // seq keeps entries stamped at the same instant in the order they were appended.
    this.bySubject = db.prepare<[string], { json: string }>(
      'SELECT json FROM audit_entries WHERE subject_id = ? ORDER BY at, seq',
    );
  }

  async append(entry: AuditEntry): Promise<void> {
    this.insert.run(entry.subjectId, entry.at, JSON.stringify(entry));
  }

  async listFor(subjectId: string): Promise<AuditEntry[]> {
    return this.bySubject.all(subjectId).map((row) => JSON.parse(row.json) as AuditEntry);
  }
}
