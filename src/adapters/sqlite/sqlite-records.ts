import type { PartnershipRecord } from '../../domain/records';
import type { Records } from '../../ports/records';
import { isUniqueViolation, type SqliteDatabase } from './database';

export class SqliteRecords implements Records {
  private readonly insert;
  private readonly byKey;
  private readonly bySubject;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare('INSERT INTO records (id, idempotency_key, subject_id, at, json) VALUES (?, ?, ?, ?, ?)');
    this.byKey = db.prepare<[string], { json: string }>('SELECT json FROM records WHERE idempotency_key = ?');
    this.bySubject = db.prepare<[string], { json: string }>('SELECT json FROM records WHERE subject_id = ? ORDER BY at, seq');
  }

  async add(record: PartnershipRecord, idempotencyKey: string): Promise<PartnershipRecord> {
    try {
      this.insert.run(record.id, idempotencyKey, record.subjectId, record.at, JSON.stringify(record));
      return structuredClone(record);
    } catch (err) {
      const earlier = isUniqueViolation(err) ? this.byKey.get(idempotencyKey) : undefined;
      if (earlier) return JSON.parse(earlier.json) as PartnershipRecord;
      throw err;
    }
  }

  async listFor(subjectId: string): Promise<PartnershipRecord[]> {
    return this.bySubject.all(subjectId).map((row) => JSON.parse(row.json) as PartnershipRecord);
  }
}
