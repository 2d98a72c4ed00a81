import type { SentMessage } from './notifier';

/** Which messages carry a card about a subject, so a decision can update every copy. */
export interface SentCards {
  record(subjectId: string, message: SentMessage): Promise<void>;
  list(subjectId: string): Promise<SentMessage[]>;
}
