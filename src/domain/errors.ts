/**
 * Stable codes for expected outcomes a person is told about. One place (views)
 * maps a code to the words shown; nothing branches on an error's message.
 */
export type ErrorCode =
  | 'DRAFT_NOT_FOUND'
  | 'NOT_YOUR_DRAFT'
  | 'STALE_CARD'
  | 'INVALID_ANSWERS'
  | 'ILLEGAL_TRANSITION'
  | 'ALREADY_SUBMITTED'
  | 'VERSION_CONFLICT'
  | 'DUPLICATE'
  | 'STORE_UNAVAILABLE'
  | 'PROPOSAL_NOT_FOUND'
  | 'NOT_AN_APPROVER'
  | 'DECIDED_EARLIER_STAGE'
  | 'RECORD_TAMPERED'
  | 'STAGE_MOVED_ON'
  | 'NO_ACCESS'
  | 'OUTCOME_CHANGED'
  | 'ENTRY_NOT_FOUND'
  | 'NOT_ON_THIS_ENTRY'
  | 'FORM_NOT_AVAILABLE'
  | 'OUTGOING_NOT_A_REPRESENTATIVE'
  | 'NOTHING_CHANGED'
  | 'CHANGE_PENDING';

/** Thrown by stores when the version/ETag a write was based on is no longer current. */
export class VersionConflictError extends Error {
  readonly code = 'VERSION_CONFLICT' as const;
  constructor(readonly entity: string, readonly id: string) {
    super(`${entity} ${id} was changed by someone else`);
    this.name = 'VersionConflictError';
  }
}

/** Thrown by stores when a unique value (reference, idempotency key) is already taken. */
export class DuplicateError extends Error {
  readonly code = 'DUPLICATE' as const;
  constructor(readonly entity: string, readonly key: string) {
    super(`${entity} with ${key} already exists`);
    this.name = 'DuplicateError';
  }
}

/**
 * Thrown by a store that cannot be reached (after its own retries): an outage,
 * not an answer. Adapters subclass it; callers that keep work for later (the
 * outbox) look for this class, never for an adapter's own error.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
