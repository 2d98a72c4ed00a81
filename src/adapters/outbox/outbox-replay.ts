import { formatReference, REFERENCE_PATTERN, sequenceOf } from '../../domain/approval';
import { DuplicateError, VersionConflictError } from '../../domain/errors';
import { isPendingSync, type Partnership } from '../../domain/records';
import type { Logger } from '../../logger';
import type { Clock } from '../../ports/clock';
import type { Register } from '../../ports/register';
import type { OutboxEntry, OutboxStore } from './outbox-store';
import { isUnavailable, reasonOf, sameContent, type DrainReport, type Renumbered, type Replayed } from './outbox-entries';

const MAX_RENUMBER_ATTEMPTS = 50;

/** What the replay tells the register it drains for. */
export interface ReplayHooks {
  /** The highest reference of a year, the pending writes included, as the register of record has it. */
  readonly latestReference: (year: number) => Promise<string | undefined>;
  /** An entry landed: the register keeps the item as its last copy. */
  readonly written: (landed: Partnership) => void;
  /** A reference was taken meanwhile and the entry got the next free one. */
  readonly renumbered: (change: Renumbered) => void;
}

/**
 * The drain of OutboxRegister: each pending write replayed against the
 * register of record, exactly once. A create with its idempotency key; an
 * update with IF-MATCH on the etag it was based on, a 412 kept as a conflict
 * unless the item already holds our state; a reference taken meanwhile
 * renumbered to the next free one.
 */
export class OutboxReplay {
  constructor(
    private readonly outbox: OutboxStore,
    private readonly target: Register,
    private readonly clock: Clock,
    private readonly logger: Logger | undefined,
    private readonly hooks: ReplayHooks,
  ) {}

  /** Writes every pending entry, oldest first, keeping each item's order. */
  async all(): Promise<DrainReport> {
    let written = 0;
    let conflicts = 0;
    let renumbered = 0;
    // Items whose earlier entry failed this round: their later entries wait, to keep each item's order.
    const held = new Set<string>();
    const report = async (unavailable: boolean): Promise<DrainReport> => ({ written, conflicts, renumbered, left: (await this.outbox.pending()).length, unavailable });
    for (const { seq, subjectId } of await this.outbox.pending()) {
      // Read again: an earlier entry's landing may have rebased it, a turn may have revised it.
      const entry = await this.outbox.entryOf(subjectId, seq);
      if (!entry || entry.state !== 'pending' || held.has(entry.subjectId)) continue;
      let outcome: Replayed;
      try {
        outcome = await this.one(entry);
      } catch (err) {
        await this.outbox.attempted(entry, reasonOf(err), this.clock.now().toISOString());
        if (isUnavailable(err)) return report(true);
        this.logger?.error({ err, seq, subjectId: entry.subjectId }, 'outbox write failed; kept and tried again on the next drain');
        held.add(entry.subjectId);
        continue;
      }
      if (outcome.kind === 'conflict') {
        await this.outbox.conflicted(entry, outcome.reason, this.clock.now().toISOString());
        this.logger?.error({ seq, subjectId: entry.subjectId, kind: entry.kind, reason: outcome.reason }, 'outbox write refused and kept as a conflict');
        conflicts += 1;
        continue;
      }
      await this.settle(entry, outcome);
      written += 1;
      if (outcome.renamed) renumbered += 1;
    }
    return report(false);
  }

  private async one(entry: OutboxEntry): Promise<Replayed> {
    if (entry.kind === 'create') {
      try {
        const landed = await this.target.create(entry.partnership, entry.idempotencyKey ?? `outbox:${entry.seq}`);
        // Not equal: the key found an item that landed before the outage and was edited since.
        return { kind: 'written', landed, ours: sameContent(landed, entry.partnership) };
      } catch (err) {
        if (err instanceof DuplicateError) return { kind: 'conflict', reason: reasonOf(err) };
        throw err;
      }
    }
    const base = entry.baseEtag;
    if (!base || isPendingSync({ etag: base })) return { kind: 'conflict', reason: 'it followed a write that was not made' };
    return this.update({ ...entry.partnership, etag: base });
  }

  private async update(wanted: Partnership): Promise<Replayed> {
    try {
      return { kind: 'written', landed: await this.target.update(wanted), ours: true };
    } catch (err) {
      if (err instanceof VersionConflictError) return this.afterRefusal(wanted);
      if (err instanceof DuplicateError && wanted.reference) return this.renumber(wanted, wanted.reference);
      if (err instanceof DuplicateError) return { kind: 'conflict', reason: reasonOf(err) };
      throw err;
    }
  }

  /** A 412: ours if the item already holds exactly our state (the answer to our write was lost), else someone else's edit. */
  private async afterRefusal(wanted: Partnership): Promise<Replayed> {
    const current = await this.target.get(wanted.id);
    if (current && sameContent(current, wanted)) return { kind: 'written', landed: current, ours: true };
    return { kind: 'conflict', reason: current ? 'the item was changed in the register meanwhile (412)' : 'the item is no longer in the register' };
  }

  /** The reference given while the register was down was taken meanwhile: take the next free one. */
  private async renumber(wanted: Partnership, from: string): Promise<Replayed> {
    const match = REFERENCE_PATTERN.exec(from);
    const year = match ? Number(match[1]) : new Date(wanted.approvedAt ?? wanted.updatedAt).getUTCFullYear();
    let sequence = sequenceOf(await this.hooks.latestReference(year), year);
    for (let attempt = 0; attempt < MAX_RENUMBER_ATTEMPTS; attempt++) {
      sequence += 1;
      const to = formatReference(year, sequence);
      try {
        const landed = await this.target.update({ ...wanted, reference: to });
        const change: Renumbered = { subjectId: wanted.id, from, to, at: this.clock.now().toISOString() };
        this.hooks.renumbered(change);
        this.logger?.warn(change, 'reference was taken while the register was unreachable: renumbered (the audit log and cards keep the first number)');
        return { kind: 'written', landed, ours: true, renamed: { from, to } };
      } catch (err) {
        if (err instanceof VersionConflictError) return this.afterRefusal({ ...wanted, reference: to });
        if (!(err instanceof DuplicateError)) throw err;
        sequence = Math.max(sequence, sequenceOf(await this.hooks.latestReference(year), year));
      }
    }
    return { kind: 'conflict', reason: `no free reference found after ${from} was taken` };
  }

  /** The entry is written: drop it, or, if a turn replaced its state meanwhile, keep the newer state as an update on top. */
  private async settle(entry: OutboxEntry, outcome: Extract<Replayed, { kind: 'written' }>): Promise<void> {
    const { landed, ours, renamed } = outcome;
    if (!ours) this.logger?.error({ subjectId: entry.subjectId, seq: entry.seq }, 'the item was made before the outage and edited since; later pending writes to it will be kept as conflicts');
    await this.outbox.settle(entry, landed.etag, ours, this.clock.now().toISOString(), renamed);
    this.hooks.written(landed);
  }
}
