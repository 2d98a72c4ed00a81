import type { NewPartnership } from '../../domain/records';

export type OutboxKind = 'create' | 'update';
/** `pending` waits to be written; `conflict` was refused by the register and is kept for a person to resolve. */
export type OutboxState = 'pending' | 'conflict';

/**
 * One register write kept while the register could not be reached.
 * - A create carries its idempotency key, so replaying it cannot add a second item.
 * - An update carries the etag of the state it was based on (`baseEtag`) and is
 *   replayed with IF-MATCH on it. `revision` counts the times a later update
 *   replaced the pending state before it was written.
 */
export interface OutboxEntry {
  readonly seq: number;
  readonly kind: OutboxKind;
  readonly subjectId: string;
  readonly idempotencyKey?: string;
  readonly baseEtag?: string;
  readonly revision: number;
  readonly partnership: NewPartnership;
  readonly attempts: number;
  readonly lastError?: string;
  readonly state: OutboxState;
  readonly queuedAt: string;
  readonly updatedAt: string;
}

export interface NewOutboxEntry {
  readonly kind: OutboxKind;
  readonly partnership: NewPartnership;
  readonly idempotencyKey?: string;
  readonly baseEtag?: string;
  readonly at: string;
}

/** A value now (SQLite) or later (Azure Tables). */
export type Maybe<T> = T | Promise<T>;

/** What `OutboxStore.change` applies: nothing new, a new entry, or a new state for a pending entry. */
export type OutboxChange =
  | { readonly keep: OutboxEntry }
  | { readonly add: NewOutboxEntry }
  | { readonly revise: { readonly seq: number; readonly partnership: NewPartnership; readonly at: string } };

/**
 * Where the outbox keeps register writes while the register is unreachable:
 * SQLite for one process (SqliteOutbox), Azure Tables when several instances
 * share it (AzureOutbox). Each write that depends on what is pending is one
 * atomic step per item (`change`, `settle`), so two turns, or two instances,
 * cannot both base a write on the same state.
 */
export interface OutboxStore {
  /** Every entry waiting to be written, oldest first. */
  pending(): Maybe<OutboxEntry[]>;
  conflicts(): Maybe<OutboxEntry[]>;
  /** The pending entries of one item, oldest first: at most a create, then an update. */
  pendingOf(subjectId: string): Maybe<OutboxEntry[]>;
  pendingCreate(idempotencyKey: string): Maybe<OutboxEntry | undefined>;
  entryOf(subjectId: string, seq: number): Maybe<OutboxEntry | undefined>;
  /**
   * Atomically for one item: `decide` sees its pending entries (oldest first) and the
   * pending create with `idempotencyKey` (if one is given), and says what to write; it may
   * throw to refuse, and may be called again if another writer got in first.
   */
  change(
    subjectId: string,
    idempotencyKey: string | undefined,
    decide: (pending: readonly OutboxEntry[], earlierCreate: OutboxEntry | undefined) => OutboxChange,
  ): Maybe<OutboxEntry>;
  /**
   * Atomically for one item: `entry` has been written and the register gave it `landedEtag`.
   * When `ours`, entries based on its pending etag now build on `landedEtag`. The entry is
   * removed, or, if a turn revised it meanwhile, kept as an update on top of `landedEtag`
   * (its reference renamed when the write was renumbered).
   */
  settle(entry: OutboxEntry, landedEtag: string, ours: boolean, at: string, renamed?: { readonly from: string; readonly to: string }): Maybe<void>;
  attempted(entry: OutboxEntry, error: string, at: string): Maybe<void>;
  conflicted(entry: OutboxEntry, error: string, at: string): Maybe<void>;
}
