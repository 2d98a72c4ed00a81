import type { PartnershipStatus } from '../domain/lifecycle';
import type { NewPartnership, Partnership } from '../domain/records';
import type { DueQuery } from '../domain/reminders';

/**
 * The Partnership Register: the source of truth, in SQLite locally or SharePoint.
 * - `create` is idempotent on `idempotencyKey`: a retry of the same write returns
 *   the item already stored instead of adding a second one.
 * - `update` succeeds only if `partnership.etag` is still the stored etag (IF-MATCH),
 *   else throws VersionConflictError; it returns the item with its new etag.
 * - A reference already used by another item throws DuplicateError.
 */
export interface Register {
  create(partnership: NewPartnership, idempotencyKey: string): Promise<Partnership>;
  get(id: string): Promise<Partnership | undefined>;
  update(partnership: Partnership): Promise<Partnership>;
  /** Newest first. */
  listByProposer(proposerId: string): Promise<Partnership[]>;
  /** Every item in a status, newest first; paged underneath, so never cut short by list size. */
  listByStatus(status: PartnershipStatus): Promise<Partnership[]>;
  /**
   * The entries with something possibly due (domain/reminders matchesDueQuery):
   * from indexed queries only, so the work grows with what is due, never with
   * the register's size. Any order; each entry once.
   */
  listDue(query: DueQuery): Promise<Partnership[]>;
  /** The highest reference issued in a year (`PR-2026-014`), or undefined if none yet. */
  latestReference(year: number): Promise<string | undefined>;
}
