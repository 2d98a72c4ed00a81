import { DuplicateError, VersionConflictError } from '../../domain/errors';
import { sequenceOf } from '../../domain/approval';
import type { PartnershipStatus } from '../../domain/lifecycle';
import { matchesDueQuery, nextRepresentativeEnd, type DueQuery } from '../../domain/reminders';
import type { NewPartnership, Partnership } from '../../domain/records';
import type { Register } from '../../ports/register';
import { isUniqueViolation, type SqliteDatabase } from './database';

interface PartnershipRow {
  readonly version: number;
  readonly json: string;
}

/** Quoted like SharePoint's odata.etag (`"3"`), so callers treat both as opaque strings. */
function etagOf(version: number): string {
  return `"${version}"`;
}

/** An etag we did not issue can match no version, so it reads as stale. */
function versionOf(etag: string): number | undefined {
  const match = /^"(\d+)"$/.exec(etag);
  return match ? Number(match[1]) : undefined;
}

function toRow(partnership: NewPartnership): string {
  const { etag: _derived, ...rest } = partnership as Partnership;
  return JSON.stringify(rest);
}

function fromRow(row: PartnershipRow): Partnership {
  return { ...(JSON.parse(row.json) as NewPartnership), etag: etagOf(row.version) };
}

function columns(partnership: NewPartnership) {
  return {
    id: partnership.id,
    reference: partnership.reference ?? null,
    proposerId: partnership.proposer.id,
    status: partnership.status,
    updatedAt: partnership.updatedAt,
    representativeEnds: nextRepresentativeEnd(partnership) ?? null,
    json: toRow(partnership),
  };
}

export class SqliteRegister implements Register {
  private readonly insert;
  private readonly replace;
  private readonly byId;
  private readonly byKey;
  private readonly byReference;
  private readonly byProposer;
  private readonly byStatus;
  private readonly referencesOfYear;
  private readonly due;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare(
      `INSERT INTO partnerships (id, idempotency_key, reference, proposer_id, status, version, updated_at, representative_ends, json)
       VALUES (@id, @key, @reference, @proposerId, @status, 1, @updatedAt, @representativeEnds, @json)`,
    );
    // One conditional statement (IF-MATCH), so two writers from the same etag cannot both win.
    this.replace = db.prepare(
      `UPDATE partnerships
       SET reference = @reference, proposer_id = @proposerId, status = @status, version = version + 1, updated_at = @updatedAt, representative_ends = @representativeEnds, json = @json
       WHERE id = @id AND version = @version`,
    );
    this.byId = db.prepare<[string], PartnershipRow>('SELECT version, json FROM partnerships WHERE id = ?');
    this.byKey = db.prepare<[string], PartnershipRow>('SELECT version, json FROM partnerships WHERE idempotency_key = ?');
    this.byReference = db.prepare<[string], { id: string }>('SELECT id FROM partnerships WHERE reference = ?');
    this.byProposer = db.prepare<[string], PartnershipRow>(
      'SELECT version, json FROM partnerships WHERE proposer_id = ? ORDER BY updated_at DESC, seq DESC',
    );
    this.byStatus = db.prepare<[string], PartnershipRow>(
      'SELECT version, json FROM partnerships WHERE status = ? ORDER BY updated_at DESC, seq DESC',
    );
    // One indexed SELECT per reason something is due (the partial indexes of migration 8), united.
    this.due = db.prepare<[string, string, string], PartnershipRow>(
      `SELECT version, json FROM partnerships WHERE status = 'exiting'
       UNION SELECT version, json FROM partnerships WHERE status = 'active' AND json_extract(json, '$.nextReviewDue') <= ?
       UNION SELECT version, json FROM partnerships WHERE status = 'active' AND json_extract(json, '$.answers.proposedEndDate') <= ?
       UNION SELECT version, json FROM partnerships WHERE status IN ('active', 'exiting') AND coalesce(json_extract(json, '$.agreement.state'), '') <> 'yes'
       UNION SELECT version, json FROM partnerships WHERE representative_ends IS NOT NULL AND representative_ends <= ? AND status IN ('active', 'exiting')`,
    );
    this.referencesOfYear = db.prepare<[string], { reference: string }>(
      'SELECT reference FROM partnerships WHERE reference LIKE ? ORDER BY length(reference) DESC, reference DESC LIMIT 1',
    );
  }

  async create(partnership: NewPartnership, idempotencyKey: string): Promise<Partnership> {
    const row = columns(partnership);
    try {
      this.insert.run({ ...row, key: idempotencyKey });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A retry collides with its own reference and id too, so the key is asked first.
      const earlier = this.byKey.get(idempotencyKey);
      if (earlier) return fromRow(earlier);
      throw this.duplicateOf(partnership);
    }
    return fromRow({ version: 1, json: row.json });
  }

  async get(id: string): Promise<Partnership | undefined> {
    const row = this.byId.get(id);
    return row && fromRow(row);
  }

  async update(partnership: Partnership): Promise<Partnership> {
    const version = versionOf(partnership.etag);
    if (version === undefined) throw new VersionConflictError('partnership', partnership.id);
    const row = columns(partnership);
    let changes: number;
    try {
      ({ changes } = this.replace.run({ ...row, version }));
    } catch (error) {
      if (isUniqueViolation(error)) throw this.duplicateOf(partnership);
      throw error;
    }
    if (changes === 0) throw new VersionConflictError('partnership', partnership.id);
    return fromRow({ version: version + 1, json: row.json });
  }

  async listByProposer(proposerId: string): Promise<Partnership[]> {
    return this.byProposer.all(proposerId).map(fromRow);
  }

  async listByStatus(status: PartnershipStatus): Promise<Partnership[]> {
    return this.byStatus.all(status).map(fromRow);
  }

  async listDue(query: DueQuery): Promise<Partnership[]> {
    return this.due
      .all(query.reviewBy, query.endingBy, query.handoverBy)
      .map(fromRow)
      .filter((p) => matchesDueQuery(p, query));
  }

  async latestReference(year: number): Promise<string | undefined> {
    const row = this.referencesOfYear.get(`PR-${year}-%`);
    return row && sequenceOf(row.reference, year) > 0 ? row.reference : undefined;
  }

  /** Names the value that was taken, without reading SQLite's message. */
  private duplicateOf(partnership: NewPartnership): DuplicateError {
    const { id, reference } = partnership;
    const holder = reference === undefined ? undefined : this.byReference.get(reference);
    if (holder && holder.id !== id) return new DuplicateError('partnership', `reference ${reference}`);
    return new DuplicateError('partnership', `id ${id}`);
  }
}
