import type { Person } from '../domain/records';
import {
  addDays,
  dueQueryFor,
  registerReviewDay,
  reminderKey,
  remindersFor,
  stillDue,
  type Reminder,
  type ReminderKind,
  type ReminderSettings,
} from '../domain/reminders';
import type { Jobs, JobSpec } from '../ports/jobs';
import type { Register } from '../ports/register';

/**
 * The reminder sweep (DOMAIN 3): what is due today, from the register's
 * indexed due query, each reminder enqueued as a job under its exactly-once
 * key, so a second sweep, a restart, or two processes sweeping at once send
 * nothing twice. Both triggers (the daily schedule, POST /api/reminders/run)
 * call `sweepReminders`. Delivery is the job's work (bot/reminder-jobs.ts).
 */
export const REMINDER_JOB = 'reminder';
export const REGISTER_REVIEW_JOB = 'register-review';
/** The register owners' daily note that some work failed for good (once a day, with the sweep). */
export const FAILED_JOBS_NOTE_JOB = 'failed-jobs-note';

/** A reminder as its job carries it: `root` is the key the sweep enqueued (kept across hand-overs). */
export interface ReminderPayload extends Reminder {
  readonly root: string;
  /** The person it could not reach, when it was handed on to the next in the chain. */
  readonly handedFrom?: string;
}

export interface RegisterReviewPayload {
  readonly root: string;
  readonly recipient: string;
  readonly year: string;
  readonly day: string;
}

export interface SweepItem {
  readonly entry: string;
  readonly kind: ReminderKind | 'register-review';
  readonly recipient: string;
  readonly due: string;
  readonly stage: string;
  readonly reason?: string;
  readonly from?: string;
}

export interface SweepAnswer {
  readonly day: string;
  readonly sent: SweepItem[];
  readonly skipped: SweepItem[];
  readonly escalated: SweepItem[];
  readonly failed: SweepItem[];
  /** Jobs of any kind kept as failed after their last attempt. */
  readonly failedJobs: number;
}

export type Outcome =
  | { readonly result: 'sent'; readonly item: SweepItem; readonly escalation: boolean }
  | { readonly result: 'unreachable' | 'done' | 'retrying'; readonly item: SweepItem };

/**
 * What happened to each reminder job run in this process, by the key its sweep
 * enqueued: how a sweep answers with what it sent. Bounded: the oldest are
 * forgotten (an answer is read right after its sweep).
 */
export class SweepOutcomes {
  private readonly byRoot = new Map<string, Outcome[]>();

  constructor(private readonly limit = 20_000) {}

  record(root: string, outcome: Outcome): void {
    if (this.byRoot.size >= this.limit) this.byRoot.delete(this.byRoot.keys().next().value!);
    this.byRoot.set(root, [...(this.byRoot.get(root) ?? []), outcome]);
  }

  of(root: string): readonly Outcome[] {
    return this.byRoot.get(root) ?? [];
  }
}

export interface SweepDeps {
  readonly register: Register;
  readonly jobs: Jobs;
  readonly settings: ReminderSettings;
  readonly registerOwners: readonly string[];
  readonly outcomes: SweepOutcomes;
  /** Runs the jobs due now, in this process, until none is left (the worker's kick and idle). */
  readonly runJobs: () => Promise<void>;
}

function itemOf(r: Reminder, entry: string): SweepItem {
  return { entry, kind: r.kind, recipient: r.recipient, due: r.due, stage: r.stage };
}

/** The day a time falls on, as the register's dates are written (YYYY-MM-DD, UTC). */
export function dayOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

interface Planned {
  readonly job: JobSpec;
  readonly item: SweepItem;
}

/** Every reminder due on the day, as jobs (not yet enqueued). */
export async function planReminders(deps: Pick<SweepDeps, 'register' | 'settings' | 'registerOwners'>, day: string): Promise<Planned[]> {
  const entries = await deps.register.listDue(dueQueryFor(day, deps.settings));
  const planned: Planned[] = [];
  for (const entry of entries) {
    for (const r of remindersFor(entry, day, deps.settings, deps.registerOwners)) {
      const key = reminderKey(r);
      const payload: ReminderPayload = { ...r, root: key };
      planned.push({ job: { key, kind: REMINDER_JOB, payload: { ...payload } }, item: itemOf(r, entry.reference ?? entry.id) });
    }
  }
  if (registerReviewDay(day, deps.settings)) {
    const year = day.slice(0, 4);
    for (const owner of deps.registerOwners) {
      const key = `register-review:${year}:${owner.toLowerCase()}`;
      const payload: RegisterReviewPayload = { root: key, recipient: owner, year, day };
      planned.push({ job: { key, kind: REGISTER_REVIEW_JOB, payload: { ...payload } }, item: { entry: 'register', kind: 'register-review', recipient: owner, due: day, stage: 'annual' } });
    }
  }
  return planned;
}

/**
 * Works out and enqueues the reminders of `day` (YYYY-MM-DD), runs them, and
 * says what became of each. `now` (the clock's) is when the jobs are due; the
 * day may differ from it only when a sweep is stood on another date (tests,
 * outside production).
 */
export async function sweepReminders(deps: SweepDeps, day: string, now: Date): Promise<SweepAnswer> {
  const { planned, fresh } = await enqueueDay(deps, day, now);
  await deps.runJobs();
  const failedJobs = await noteFailedJobs(deps, day, now);
  if (failedJobs > 0) await deps.runJobs();
  const answer: SweepAnswer = { day, sent: [], skipped: [], escalated: [], failed: [], failedJobs };
  for (const p of planned) {
    if (!fresh.has(p.job.key)) {
      answer.skipped.push({ ...p.item, reason: 'already-sent' });
      continue;
    }
    const outcomes = deps.outcomes.of(p.job.key);
    if (outcomes.length === 0) answer.failed.push({ ...p.item, reason: 'pending' });
    for (const o of outcomes) {
      if (o.result === 'sent') {
        answer.sent.push(o.item);
        if (o.escalation || o.item.from) answer.escalated.push(o.item);
      } else if (o.result === 'retrying') answer.failed.push({ ...o.item, reason: 'retrying' });
      else answer.skipped.push({ ...o.item, reason: o.result });
    }
  }
  return answer;
}

/** Once a day, each register owner is told how many jobs failed for good (none: nothing sent). Returns the count. */
async function noteFailedJobs(deps: Pick<SweepDeps, 'jobs' | 'registerOwners'>, day: string, now: Date): Promise<number> {
  const failedJobs = (await deps.jobs.counts()).failed;
  if (failedJobs === 0) return 0;
  for (const owner of deps.registerOwners) {
    const key = `${FAILED_JOBS_NOTE_JOB}:${day}:${owner.toLowerCase()}`;
    await deps.jobs.enqueue({ key, kind: FAILED_JOBS_NOTE_JOB, payload: { root: key, recipient: owner, failed: failedJobs } }, now);
  }
  return failedJobs;
}

export interface SweepStarted {
  readonly day: string;
  /** Reminders enqueued by this call: the job worker sends them. */
  readonly enqueued: number;
  /** Reminders of the day an earlier sweep had already enqueued (sent, or on their way). */
  readonly alreadyEnqueued: number;
  readonly failedJobs: number;
}

/**
 * The sweep without waiting for delivery: what is due is enqueued (durable,
 * each under its exactly-once key) and left to the job workers of every
 * instance, so the caller has its answer in the time the register's due query
 * takes, however many reminders there are. For an external scheduler whose
 * HTTP call times out (a Logic App waits about two minutes).
 */
export async function startSweep(deps: Pick<SweepDeps, 'register' | 'jobs' | 'settings' | 'registerOwners'>, day: string, now: Date): Promise<SweepStarted> {
  const { planned, fresh } = await enqueueDay(deps, day, now);
  const failedJobs = await noteFailedJobs(deps, day, now);
  return { day, enqueued: fresh.size, alreadyEnqueued: planned.length - fresh.size, failedJobs };
}

/** The day's reminders, each enqueued under its exactly-once key; `fresh` holds the keys this call enqueued. */
async function enqueueDay(deps: Pick<SweepDeps, 'register' | 'jobs' | 'settings' | 'registerOwners'>, day: string, now: Date): Promise<{ planned: Planned[]; fresh: Set<string> }> {
  const planned = await planReminders(deps, day);
  const fresh = new Set<string>();
  for (const p of planned) if (await deps.jobs.enqueue(p.job, now)) fresh.add(p.job.key);
  return { planned, fresh };
}

export type SnoozeResult = { readonly kind: 'snoozed'; readonly until: string } | { readonly kind: 'not-due' };

/**
 * "Snooze 7 days": the same reminder again, to the person who pressed it, on
 * the day the snooze ends (a job that starts then), unless the task is done by
 * then. Pressing it twice the same day snoozes once.
 */
export async function snoozeReminder(
  deps: Pick<SweepDeps, 'register' | 'jobs' | 'settings'>,
  person: Person,
  request: { readonly entryId: string; readonly kind: string; readonly due: string },
  now: Date,
): Promise<SnoozeResult> {
  const kind = request.kind as ReminderKind;
  if (!['assessment', 'agreement', 'handover', 'exit'].includes(kind) || !/^\d{4}-\d{2}-\d{2}$/.test(request.due)) return { kind: 'not-due' };
  const entry = await deps.register.get(request.entryId);
  if (!stillDue(entry, kind, request.due)) return { kind: 'not-due' };
  const until = addDays(dayOf(now), deps.settings.snoozeDays);
  const reminder: Reminder = { entryId: request.entryId, kind, due: request.due, stage: `snoozed-${until}`, on: until, recipient: person.id, fallback: [], escalation: false };
  const key = reminderKey(reminder);
  const payload: ReminderPayload = { ...reminder, root: key };
  // Not before 08:00 UTC on the day, as a daily sweep would have sent it.
  await deps.jobs.enqueue({ key, kind: REMINDER_JOB, payload: { ...payload }, runAt: `${until}T08:00:00.000Z` }, now);
  return { kind: 'snoozed', until };
}
