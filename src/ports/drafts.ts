import type { Draft, NewDraft } from '../domain/records';

/**
 * Proposals being written, one person's each.
 * - `create` stores version 1; `update` stores `draft.version + 1` only if the stored
 *   version still equals `draft.version`, else throws VersionConflictError.
 * - Values are copied in and out: a caller mutating what it got changes nothing stored.
 */
export interface Drafts {
  create(draft: NewDraft): Promise<Draft>;
  get(id: string): Promise<Draft | undefined>;
  update(draft: Draft): Promise<Draft>;
  /** Newest first. */
  listByOwner(ownerId: string): Promise<Draft[]>;
}
