import type { Partnership } from './records';

/**
 * What is due on a register entry for the people who carry it (DOMAIN 3's
 * table, as tasks rather than reminders): the annual assessment from 30 days
 * before its date, the agreement while none is recorded in full, the exit and
 * evaluation while the entry is exiting or within 60 days of its proposed end.
 * Dates are YYYY-MM-DD; `today` comes from the clock port.
 */
export type TaskKind = 'assessment' | 'agreement' | 'exit';

export interface Task {
  readonly kind: TaskKind;
  readonly entryId: string;
  /** YYYY-MM-DD */
  readonly due: string;
  readonly overdue: boolean;
}

export interface DueSettings {
  readonly assessmentNoticeDays: number;
  readonly agreementAfterDays: number;
  readonly exitNoticeDays: number;
}

export const DEFAULT_DUE: DueSettings = { assessmentNoticeDays: 30, agreementAfterDays: 14, exitNoticeDays: 60 };

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function tasksFor(entry: Partnership, today: string, settings: DueSettings = DEFAULT_DUE): Task[] {
  if (entry.status !== 'active' && entry.status !== 'exiting') return [];
  const tasks: Task[] = [];
  const add = (kind: TaskKind, due: string) => tasks.push({ kind, entryId: entry.id, due, overdue: due < today });
  if (entry.status === 'active' && entry.nextReviewDue && addDays(entry.nextReviewDue, -settings.assessmentNoticeDays) <= today) add('assessment', entry.nextReviewDue);
  if (entry.agreement?.state !== 'yes') add('agreement', addDays((entry.approvedAt ?? entry.updatedAt).slice(0, 10), settings.agreementAfterDays));
  const end = /^\d{4}-\d{2}-\d{2}$/.test(entry.answers.proposedEndDate ?? '') ? entry.answers.proposedEndDate : undefined;
  if (entry.status === 'exiting') add('exit', end ?? today);
  else if (end && addDays(end, -settings.exitNoticeDays) <= today) add('exit', end);
  return tasks;
}

/** Soonest first; ties by kind so the order is stable. */
export function soonestFirst(tasks: readonly Task[]): Task[] {
  return [...tasks].sort((a, b) => (a.due === b.due ? a.kind.localeCompare(b.kind) : a.due < b.due ? -1 : 1));
}
