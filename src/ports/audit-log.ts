import type { AuditEntry } from '../domain/records';

/** Who did what, when, to which draft or partnership. Append-only. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Oldest first. */
  listFor(subjectId: string): Promise<AuditEntry[]>;
}
