import { DuplicateError, VersionConflictError } from '../../domain/errors';
import type { Draft, NewDraft } from '../../domain/records';
import type { Drafts } from '../../ports/drafts';
import { isUniqueViolation, type SqliteDatabase } from './database';

interface DraftRow {
  readonly version: number;
  readonly json: string;
}

/** The version column is the truth; the JSON holds the rest of the draft. */
function toRow(draft: NewDraft): string {
  const { version: _ignored, ...rest } = draft as Draft;
  return JSON.stringify(rest);
}

function fromRow(row: DraftRow): Draft {
  return { ...(JSON.parse(row.json) as NewDraft), version: row.version };
}

export class SqliteDrafts implements Drafts {
  private readonly insert;
  private readonly replace;
  private readonly byId;
  private readonly byOwner;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare(
      'INSERT INTO drafts (id, owner_id, version, updated_at, json) VALUES (@id, @ownerId, 1, @updatedAt, @json)',
    );
    // One conditional statement, so two writers from the same version cannot both win.
    this.replace = db.prepare(
      `UPDATE drafts SET owner_id = @ownerId, version = version + 1, updated_at = @updatedAt, json = @json
       WHERE id = @id AND version = @version`,
    );
    this.byId = db.prepare<[string], DraftRow>('SELECT version, json FROM drafts WHERE id = ?');
    this.byOwner = db.prepare<[string], DraftRow>(
      'SELECT version, json FROM drafts WHERE owner_id = ? ORDER BY updated_at DESC, seq DESC',
    );
  }

  async create(draft: NewDraft): Promise<Draft> {
    try {
      this.insert.run({ id: draft.id, ownerId: draft.ownerId, updatedAt: draft.updatedAt, json: toRow(draft) });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateError('draft', `id ${draft.id}`);
      throw error;
    }
    return fromRow({ version: 1, json: toRow(draft) });
  }

  async get(id: string): Promise<Draft | undefined> {
    const row = this.byId.get(id);
    return row && fromRow(row);
  }

  /** A draft never stored is refused like a stale one: nothing to base the write on. */
  async update(draft: Draft): Promise<Draft> {
    const json = toRow(draft);
    const { changes } = this.replace.run({
      id: draft.id,
      ownerId: draft.ownerId,
      updatedAt: draft.updatedAt,
      version: draft.version,
      json,
    });
    if (changes === 0) throw new VersionConflictError('draft', draft.id);
    return fromRow({ version: draft.version + 1, json });
  }

  async listByOwner(ownerId: string): Promise<Draft[]> {
    return this.byOwner.all(ownerId).map(fromRow);
  }
}
