import type { NewPartnership } from '../../domain/records';
import { pendingEtagOf } from '../outbox/outbox-entries';
import type { NewOutboxEntry, OutboxChange, OutboxEntry, OutboxKind, OutboxState, OutboxStore } from '../outbox/outbox-store';

export type { NewOutboxEntry, OutboxEntry, OutboxKind, OutboxState } from '../outbox/outbox-store';
import type { SqliteDatabase } from './database';

interface OutboxRow {
  readonly seq: number;
  readonly kind: OutboxKind;
  readonly subject_id: string;
  readonly idempotency_key: string | null;
  readonly base_etag: string | null;
  readonly revision: number;
  readonly json: string;
  readonly attempts: number;
  readonly last_error: string | null;
  readonly state: OutboxState;
  readonly queued_at: string;
  readonly updated_at: string;
}

function toJson(partnership: NewPartnership): string {
  const { etag: _derived, ...rest } = partnership as NewPartnership & { etag?: string };
  return JSON.stringify(rest);
}

function fromRow(row: OutboxRow): OutboxEntry {
  return {
    seq: row.seq,
    kind: row.kind,
    subjectId: row.subject_id,
    idempotencyKey: row.idempotency_key ?? undefined,
    baseEtag: row.base_etag ?? undefined,
    revision: row.revision,
    partnership: JSON.parse(row.json) as NewPartnership,
    attempts: row.attempts,
    lastError: row.last_error ?? undefined,
    state: row.state,
    queuedAt: row.queued_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The outbox table (migration 4). Every method is synchronous, so a check and
 * the write that depends on it cannot be interleaved with another turn's;
 * `transaction` groups several into one atomic step.
 */
export class SqliteOutbox implements OutboxStore {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO outbox (kind, subject_id, idempotency_key, base_etag, json, queued_at, updated_at)
         VALUES (@kind, @subjectId, @key, @baseEtag, @json, @at, @at)`,
      ),
      bySeq: db.prepare<[number], OutboxRow>('SELECT * FROM outbox WHERE seq = ?'),
      inState: db.prepare<[OutboxState], OutboxRow>('SELECT * FROM outbox WHERE state = ? ORDER BY seq'),
      pendingOf: db.prepare<[string], OutboxRow>("SELECT * FROM outbox WHERE subject_id = ? AND state = 'pending' ORDER BY seq"),
      pendingByKey: db.prepare<[string], OutboxRow>("SELECT * FROM outbox WHERE idempotency_key = ? AND kind = 'create' AND state = 'pending'"),
      revise: db.prepare('UPDATE outbox SET json = @json, revision = revision + 1, updated_at = @at WHERE seq = @seq'),
      rebase: db.prepare("UPDATE outbox SET kind = 'update', base_etag = @baseEtag, json = coalesce(@json, json), updated_at = @at WHERE seq = @seq"),
      rebaseFollowers: db.prepare(
        "UPDATE outbox SET base_etag = @to, updated_at = @at WHERE subject_id = @subjectId AND state = 'pending' AND base_etag = @from",
      ),
      attempted: db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = @error, updated_at = @at WHERE seq = @seq'),
      conflict: db.prepare("UPDATE outbox SET state = 'conflict', attempts = attempts + 1, last_error = @error, updated_at = @at WHERE seq = @seq"),
      remove: db.prepare('DELETE FROM outbox WHERE seq = ?'),
    };
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  add(entry: NewOutboxEntry): OutboxEntry {
    const { lastInsertRowid } = this.statements.insert.run({
      kind: entry.kind,
      subjectId: entry.partnership.id,
      key: entry.idempotencyKey ?? null,
      baseEtag: entry.baseEtag ?? null,
      json: toJson(entry.partnership),
      at: entry.at,
    });
    return this.get(Number(lastInsertRowid))!;
  }

  get(seq: number): OutboxEntry | undefined {
    const row = this.statements.bySeq.get(seq);
    return row && fromRow(row);
  }

  /** Every entry waiting to be written, oldest first. */
  pending(): OutboxEntry[] {
    return this.statements.inState.all('pending').map(fromRow);
  }

  conflicts(): OutboxEntry[] {
    return this.statements.inState.all('conflict').map(fromRow);
  }

  /** The pending entries of one item, oldest first: at most a create, then an update. */
  pendingOf(subjectId: string): OutboxEntry[] {
    return this.statements.pendingOf.all(subjectId).map(fromRow);
  }

  pendingCreate(idempotencyKey: string): OutboxEntry | undefined {
    const row = this.statements.pendingByKey.get(idempotencyKey);
    return row && fromRow(row);
  }

  /** Replaces the state a pending entry will write. */
  revise(seq: number, partnership: NewPartnership, at: string): OutboxEntry {
    this.statements.revise.run({ seq, json: toJson(partnership), at });
    return this.get(seq)!;
  }

  /**
   * The entry's earlier state has been written: what is left is an update based
   * on `baseEtag` (with `partnership` when the state must change too). The
   * revision is kept, so the pending etag a person holds stays current.
   */
  rebase(seq: number, baseEtag: string, at: string, partnership?: NewPartnership): void {
    this.statements.rebase.run({ seq, baseEtag, at, json: partnership ? toJson(partnership) : null });
  }

  /** Entries that were based on a pending etag now build on the etag the register gave it. */
  rebaseFollowers(subjectId: string, from: string, to: string, at: string): void {
    this.statements.rebaseFollowers.run({ subjectId, from, to, at });
  }

  recordAttempt(seq: number, error: string, at: string): void {
    this.statements.attempted.run({ seq, error, at });
  }

  markConflict(seq: number, error: string, at: string): void {
    this.statements.conflict.run({ seq, error, at });
  }

  remove(seq: number): void {
    this.statements.remove.run(seq);
  }

  entryOf(_subjectId: string, seq: number): OutboxEntry | undefined {
    return this.get(seq);
  }

  change(subjectId: string, idempotencyKey: string | undefined, decide: (pending: readonly OutboxEntry[], earlierCreate: OutboxEntry | undefined) => OutboxChange): OutboxEntry {
    return this.transaction(() => {
      const chosen = decide(this.pendingOf(subjectId), idempotencyKey === undefined ? undefined : this.pendingCreate(idempotencyKey));
      if ('keep' in chosen) return chosen.keep;
      if ('add' in chosen) return this.add(chosen.add);
      return this.revise(chosen.revise.seq, chosen.revise.partnership, chosen.revise.at);
    });
  }

  settle(entry: OutboxEntry, landedEtag: string, ours: boolean, at: string, renamed?: { readonly from: string; readonly to: string }): void {
    this.transaction(() => {
      if (ours) this.rebaseFollowers(entry.subjectId, pendingEtagOf(entry), landedEtag, at);
      const now = this.get(entry.seq);
      if (!now || now.revision === entry.revision) {
        this.remove(entry.seq);
        return;
      }
      // Keeps the revision, so the pending etag the person holds stays current.
      const carried = renamed && now.partnership.reference === renamed.from ? { ...now.partnership, reference: renamed.to } : undefined;
      this.rebase(entry.seq, landedEtag, at, carried);
    });
  }

  attempted(entry: OutboxEntry, error: string, at: string): void {
    this.recordAttempt(entry.seq, error, at);
  }

  conflicted(entry: OutboxEntry, error: string, at: string): void {
    this.markConflict(entry.seq, error, at);
  }
}
