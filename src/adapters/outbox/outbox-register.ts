import { REFERENCE_PATTERN } from '../../domain/approval';
import { matchesDueQuery, type DueQuery } from '../../domain/reminders';
import { DuplicateError, StoreUnavailableError, VersionConflictError } from '../../domain/errors';
import type { PartnershipStatus } from '../../domain/lifecycle';
import { isPendingSync, type NewPartnership, type Partnership } from '../../domain/records';
import type { Logger } from '../../logger';
import type { Clock } from '../../ports/clock';
import type { Register } from '../../ports/register';
import type { OutboxEntry, OutboxStore } from './outbox-store';
import { OutboxReplay } from './outbox-replay';
import {
  higherReference,
  isUnavailable,
  newestFirst,
  pendingEtagOf,
  reasonOf,
  stateOf,
  type DrainReport,
  type OutboxConflict,
  type Renumbered,
} from './outbox-entries';

export type { DrainReport, OutboxConflict, Renumbered } from './outbox-entries';

/**
 * A Register that keeps writes it cannot make. It wraps the register of record
 * (SharePoint): while that answers, every call passes through unchanged, so the
 * Register contract holds. When it throws StoreUnavailableError (down after its
 * own retries), a create or update is kept in a SQLite outbox and returned as
 * the person expects it, with a `pending-sync:` etag; `drain()` writes the
 * outbox in order once the register is back.
 *
 * Exactly once:
 * - A create is replayed with its idempotency key, so a create that landed
 *   before its answer was lost is found, not added twice.
 * - An update is replayed with IF-MATCH on the etag it was based on. A 412 is
 *   never overwritten: unless the item already holds exactly our state (our
 *   write landed, its answer was lost), the entry is kept as a `conflict`,
 *   logged, and listed by `conflicts()`.
 * - While an item has a pending write, reads of it return the pending state and
 *   a write must carry its pending etag: two approvers deciding during an
 *   outage still get one winner and one VersionConflictError.
 *
 * Two registers of record, the same list behind both: people's calls go to
 * `inner` (for SharePoint, the interactive client that gives up within about
 * 6 s, behind a circuit breaker), the drain to `background` (the patient client
 * that waits out throttling); without a background register the drain uses
 * `inner` too.
 *
 * Trade-offs, chosen for simplicity:
 * - Once the breaker closes again, a person's call tries the register first,
 *   so a write during a new outage waits out the interactive retries (about
 *   6 s) before it is kept.
 * - Reads while the register is down: an item with a pending write is served
 *   from the outbox; any other item from the last copy this process read (in
 *   memory, the most recent LAST_SEEN_LIMIT items); a list from its pending
 *   items alone, which may be incomplete; with none of these, the outage is
 *   thrown as before ("try again"). A decision based on a stale copy meets a 412
 *   when drained and becomes a conflict: never a silent overwrite.
 * - A reference taken while the register is down comes from the pending writes
 *   and the highest reference this process has seen. If another item took it
 *   meanwhile, the drain takes the next free number and keeps the change in
 *   `renumbered()` and the log; the audit entry and the cards already sent keep
 *   the first number (the decorator has no audit log).
 * - A conflict is not told to the person who made the write; it waits in the
 *   outbox for a report. The renumbered list lives in memory (the log keeps it).
 */

/** How many items the last-copy cache keeps, least recently read dropped first. */
const LAST_SEEN_LIMIT = 5000;

/** How long a person's turns skip an unreachable register before trying it again. */
export const BREAK_MS = 30_000;

export class OutboxRegister implements Register {
  private readonly lastSeen = new Map<string, Partnership>();
  private readonly highestSeen = new Map<number, string>();
  private readonly renumberings: Renumbered[] = [];
  private draining: Promise<DrainReport> | undefined;
  /** Until then, calls from a person's turn skip SharePoint and go straight to the outbox (see guarded()). */
  private downUntil = 0;

  constructor(
    private readonly inner: Register,
    private readonly outbox: OutboxStore,
    private readonly clock: Clock,
    private readonly logger?: Logger,
    /** How long a person's turns skip an unreachable register (0 turns the breaker off). */
    private readonly breakMs = BREAK_MS,
    /** The register the drain writes through (patient retries); `inner` when absent. */
    background?: Register,
  ) {
    const target = background ?? inner;
    this.replay = new OutboxReplay(outbox, target, clock, logger, {
      latestReference: (year) => this.latestReferenceVia((call) => call(target), year),
      written: (landed) => void this.seen(landed),
      renumbered: (change) => void this.renumberings.push(change),
    });
  }

  /** The drain's writer: it writes through the background register (never behind the breaker, patient retries), else `inner`. */
  private readonly replay: OutboxReplay;

  async create(partnership: NewPartnership, idempotencyKey: string): Promise<Partnership> {
    const queued = await this.outbox.pendingCreate(idempotencyKey);
    if (queued) return stateOf(queued);
    if (await this.latestPending(partnership.id)) {
      // A double press running beside this one may have queued the same submission since we looked (a shared, async outbox).
      const meanwhile = await this.outbox.pendingCreate(idempotencyKey);
      if (meanwhile) return stateOf(meanwhile);
      throw new DuplicateError('partnership', `id ${partnership.id}`);
    }
    try {
      return this.seen(await this.guarded((r) => r.create(partnership, idempotencyKey)));
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      return this.queueCreate(partnership, idempotencyKey, err);
    }
  }

  async get(id: string): Promise<Partnership | undefined> {
    const latest = await this.latestPending(id);
    if (latest) return stateOf(latest);
    try {
      const found = await this.guarded((r) => r.get(id));
      if (!found) this.lastSeen.delete(id);
      return found && this.seen(found);
    } catch (err) {
      const known = isUnavailable(err) ? this.lastSeen.get(id) : undefined;
      if (!known) throw err;
      this.logger?.warn({ subjectId: id, err: reasonOf(err) }, 'register unreachable: serving the last copy read');
      return structuredClone(known);
    }
  }

  async update(partnership: Partnership): Promise<Partnership> {
    if (await this.latestPending(partnership.id)) return this.queueUpdate(partnership);
    // A pending etag whose write has since been made is stale, like any etag the register never issued.
    if (isPendingSync(partnership)) throw new VersionConflictError('partnership', partnership.id);
    try {
      return this.seen(await this.guarded((r) => r.update(partnership)));
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      return this.queueUpdate(partnership, err);
    }
  }

  listByProposer(proposerId: string): Promise<Partnership[]> {
    return this.listed(() => this.guarded((r) => r.listByProposer(proposerId)), (p) => p.proposer.id === proposerId);
  }

  listByStatus(status: PartnershipStatus): Promise<Partnership[]> {
    return this.listed(() => this.guarded((r) => r.listByStatus(status)), (p) => p.status === status);
  }

  listDue(query: DueQuery): Promise<Partnership[]> {
    return this.listed(() => this.guarded((r) => r.listDue(query)), (p) => matchesDueQuery(p, query));
  }

  latestReference(year: number): Promise<string | undefined> {
    return this.latestReferenceVia((call) => this.guarded(call), year);
  }

  /** The highest reference of the year among the pending writes and the register read through `via`. */
  private async latestReferenceVia(via: (call: (r: Register) => Promise<string | undefined>) => Promise<string | undefined>, year: number): Promise<string | undefined> {
    let best: string | undefined;
    for (const p of (await this.pendingStates()).values()) best = higherReference(best, p.reference, year);
    try {
      const stored = await via((r) => r.latestReference(year));
      this.noteReference(stored);
      return higherReference(best, stored, year);
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      this.logger?.warn({ year, err: reasonOf(err) }, 'register unreachable: the next reference follows the highest seen; a clash is renumbered when the outbox drains');
      return higherReference(best, this.highestSeen.get(year), year);
    }
  }

  /**
   * Calls the inner register for a person's turn, behind a circuit breaker: once it has
   * been found unavailable, turns for the next BREAK_MS fail at once (and writes
   * are queued) instead of each waiting out SharePoint's retries past Teams' 10-15 s
   * turn limit. The drain always tries the real register and closes the breaker.
   */
  private async guarded<T>(call: (inner: Register) => Promise<T>): Promise<T> {
    if (this.clock.now().getTime() < this.downUntil) throw new StoreUnavailableError('the register was unreachable moments ago; not retrying yet');
    try {
      return await call(this.inner);
    } catch (err) {
      if (isUnavailable(err)) this.downUntil = this.clock.now().getTime() + this.breakMs;
      throw err;
    }
  }

  /** Writes every pending entry, oldest first; one drain at a time. */
  drain(): Promise<DrainReport> {
    this.draining ??= this.replay.all().then((report) => {
      if (!report.unavailable) this.downUntil = 0;
      return report;
    }).finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  /** Writes the register refused because the item changed meanwhile: kept for a person to resolve. */
  async conflicts(): Promise<OutboxConflict[]> {
    return (await this.outbox.conflicts()).map((e) => ({
      seq: e.seq,
      kind: e.kind,
      subjectId: e.subjectId,
      wanted: e.partnership,
      baseEtag: e.baseEtag,
      reason: e.lastError ?? '',
      queuedAt: e.queuedAt,
      at: e.updatedAt,
    }));
  }

  /** References changed at drain because another item had taken them meanwhile. */
  renumbered(): Renumbered[] {
    return this.renumberings.map((r) => ({ ...r }));
  }

  async pendingWrites(): Promise<number> {
    return (await this.outbox.pending()).length;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private async latestPending(id: string): Promise<OutboxEntry | undefined> {
    return (await this.outbox.pendingOf(id)).at(-1);
  }

  /** The state each item with pending writes will have, by id. */
  private async pendingStates(): Promise<Map<string, Partnership>> {
    const states = new Map<string, Partnership>();
    for (const entry of await this.outbox.pending()) states.set(entry.subjectId, stateOf(entry));
    return states;
  }

  private async queueCreate(partnership: NewPartnership, idempotencyKey: string, cause: unknown): Promise<Partnership> {
    const entry = await this.outbox.change(partnership.id, idempotencyKey, (pending, earlier) => {
      if (earlier) return { keep: earlier };
      if (pending.length > 0) throw new DuplicateError('partnership', `id ${partnership.id}`);
      return { add: { kind: 'create', partnership, idempotencyKey, at: this.now() } };
    });
    this.logger?.warn({ subjectId: partnership.id, seq: entry.seq, err: reasonOf(cause) }, 'register unreachable: the new item is kept in the outbox');
    return stateOf(entry);
  }

  /** One atomic step of the outbox from check to write, so two turns (or instances) cannot both base a write on the same state. */
  private async queueUpdate(partnership: Partnership, cause?: unknown): Promise<Partnership> {
    const others = await this.pendingStates();
    const entry = await this.outbox.change(partnership.id, undefined, (pending) => {
      this.refuseTakenReference(partnership, others);
      const latest = pending.at(-1);
      const at = this.now();
      if (!latest) {
        const known = this.lastSeen.get(partnership.id);
        if (isPendingSync(partnership) || (known && known.etag !== partnership.etag)) throw new VersionConflictError('partnership', partnership.id);
        return { add: { kind: 'update', partnership, baseEtag: partnership.etag, at } };
      }
      if (partnership.etag !== pendingEtagOf(latest)) throw new VersionConflictError('partnership', partnership.id);
      // A pending create stays as it was sent, so its replay can tell an earlier landing of it from someone's edit.
      if (latest.kind === 'create') return { add: { kind: 'update', partnership, baseEtag: pendingEtagOf(latest), at } };
      return { revise: { seq: latest.seq, partnership, at } };
    });
    this.logger?.warn({ subjectId: partnership.id, seq: entry.seq, revision: entry.revision, err: cause && reasonOf(cause) }, 'register write kept in the outbox');
    return stateOf(entry);
  }

  /** The unique Reference column, checked locally against the pending states and the copies last read. */
  private refuseTakenReference(partnership: NewPartnership, pendingStates: ReadonlyMap<string, Partnership>): void {
    const { id, reference } = partnership;
    if (reference === undefined) return;
    const known = new Map([...this.lastSeen, ...pendingStates]);
    if ([...known.values()].some((p) => p.id !== id && p.reference === reference)) throw new DuplicateError('partnership', `reference ${reference}`);
  }

  private async listed(read: () => Promise<Partnership[]>, belongs: (p: Partnership) => boolean): Promise<Partnership[]> {
    // The outbox is read first: an entry written to the register while the list is read is still shown, by its pending state.
    const pending = await this.pendingStates();
    let stored: Partnership[];
    try {
      stored = await read();
    } catch (err) {
      const own = isUnavailable(err) ? [...pending.values()].filter(belongs) : [];
      if (own.length === 0) throw err;
      this.logger?.warn({ err: reasonOf(err), shown: own.length }, 'register unreachable: listing only the items kept in the outbox');
      return newestFirst(own);
    }
    for (const p of stored) this.seen(p);
    if (pending.size === 0) return stored;
    return newestFirst([...[...pending.values()].filter(belongs), ...stored.filter((p) => !pending.has(p.id))]);
  }

  private seen(p: Partnership): Partnership {
    this.noteReference(p.reference);
    this.lastSeen.delete(p.id);
    this.lastSeen.set(p.id, structuredClone(p));
    if (this.lastSeen.size > LAST_SEEN_LIMIT) this.lastSeen.delete(this.lastSeen.keys().next().value as string);
    return p;
  }

  private noteReference(reference: string | undefined): void {
    const match = reference ? REFERENCE_PATTERN.exec(reference) : null;
    if (!match) return;
    const year = Number(match[1]);
    this.highestSeen.set(year, higherReference(this.highestSeen.get(year), reference, year)!);
  }
}
