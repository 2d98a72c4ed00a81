import type { PartnershipRecord } from '../domain/records';

/**
 * The Partnership Records list: completed forms about register entries.
 * - `add` is idempotent on `idempotencyKey`: a retry of the same completion
 *   returns the record already stored instead of adding a second one.
 * - Records are never changed or removed once added.
 */
export interface Records {
  add(record: PartnershipRecord, idempotencyKey: string): Promise<PartnershipRecord>;
  /** Oldest first. */
  listFor(subjectId: string): Promise<PartnershipRecord[]>;
}
