import type { PartnershipStatus } from './lifecycle';
import type { Partnership } from './records';
import { addDays, endDateOf, type ReminderSettings } from './reminders';

/**
 * The register-wide annual review (DOMAIN 3, 1 May): the register's figures
 * for its owners. Counts by status, running partnerships by category, and what
 * needs attention on `today`: reviews overdue, agreements missing, handovers
 * and exits due (within their notice periods).
 */
export interface RegisterFigures {
  readonly byStatus: Readonly<Partial<Record<PartnershipStatus, number>>>;
  readonly byCategory: Readonly<Record<string, number>>;
  readonly reviewsOverdue: number;
  readonly agreementsMissing: number;
  readonly handoversDue: number;
  readonly exitsDue: number;
}

export function registerFigures(entries: readonly Partnership[], today: string, s: ReminderSettings): RegisterFigures {
  const byStatus: Partial<Record<PartnershipStatus, number>> = {};
  const byCategory: Record<string, number> = {};
  let reviewsOverdue = 0;
  let agreementsMissing = 0;
  let handoversDue = 0;
  let exitsDue = 0;
  for (const e of entries) {
    byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
    if (e.status !== 'active' && e.status !== 'exiting') continue;
    byCategory[e.category] = (byCategory[e.category] ?? 0) + 1;
    if (e.status === 'active' && e.nextReviewDue && e.nextReviewDue < today) reviewsOverdue += 1;
    if (e.agreement?.state !== 'yes') agreementsMissing += 1;
    if ((e.representatives ?? []).some((r) => r.until && r.until <= addDays(today, s.handover.noticeDays))) handoversDue += 1;
    const end = endDateOf(e);
    if (e.status === 'exiting' || (end && end <= addDays(today, s.exit.planDays))) exitsDue += 1;
  }
  return { byStatus, byCategory, reviewsOverdue, agreementsMissing, handoversDue, exitsDue };
}
