import { isDeepStrictEqual } from 'node:util';
import { sequenceOf } from '../../domain/approval';
import { StoreUnavailableError } from '../../domain/errors';
import { PENDING_SYNC_ETAG_PREFIX, type NewPartnership, type Partnership } from '../../domain/records';
import type { OutboxEntry, OutboxKind } from './outbox-store';

/** What the outbox reports (conflicts, renumberings, a drain's result) and the small rules its register applies to entries. */

export interface OutboxConflict {
  readonly seq: number;
  readonly kind: OutboxKind;
  readonly subjectId: string;
  /** The state the write would have made. */
  readonly wanted: NewPartnership;
  readonly baseEtag?: string;
  readonly reason: string;
  readonly queuedAt: string;
  readonly at: string;
}

export interface Renumbered {
  readonly subjectId: string;
  readonly from: string;
  readonly to: string;
  readonly at: string;
}

export interface DrainReport {
  readonly written: number;
  readonly conflicts: number;
  readonly renumbered: number;
  /** Entries still waiting. */
  readonly left: number;
  /** The register was still unreachable: the drain stopped at the first entry it could not write. */
  readonly unavailable: boolean;
}

export type Replayed =
  | { readonly kind: 'written'; readonly landed: Partnership; readonly ours: boolean; readonly renamed?: { from: string; to: string } }
  | { readonly kind: 'conflict'; readonly reason: string };

export function pendingEtagOf(entry: Pick<OutboxEntry, 'seq' | 'revision'>): string {
  return `${PENDING_SYNC_ETAG_PREFIX}${entry.seq}.${entry.revision}`;
}

/** The entry's partnership is parsed afresh on every read, so this is the caller's own copy. */
export function stateOf(entry: OutboxEntry): Partnership {
  return { ...entry.partnership, etag: pendingEtagOf(entry) };
}

export function isUnavailable(err: unknown): err is StoreUnavailableError {
  return err instanceof StoreUnavailableError;
}

export function reasonOf(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export function contentOf(p: NewPartnership): unknown {
  const { etag: _etag, ...rest } = p as Partnership;
  return JSON.parse(JSON.stringify(rest));
}

export function sameContent(a: NewPartnership, b: NewPartnership): boolean {
  return isDeepStrictEqual(contentOf(a), contentOf(b));
}

export function newestFirst(items: Partnership[]): Partnership[] {
  return items.sort((x, y) => (x.updatedAt === y.updatedAt ? 0 : x.updatedAt < y.updatedAt ? 1 : -1));
}

export function higherReference(a: string | undefined, b: string | undefined, year: number): string | undefined {
  return sequenceOf(b, year) > sequenceOf(a, year) ? b : a;
}

