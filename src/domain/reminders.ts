import { samePerson } from './approval';
import type { Partnership } from './records';

/**
 * DOMAIN 3: which reminder each register entry calls for on a given day, and
 * to whom. Pure: the day comes from the clock port, the timings from config.
 *
 * A task (an assessment, a missing agreement, a handover, an exit) has a due
 * date and a series of stages (a notice before, the day itself, repeats,
 * an escalation). On any day the reminder a task calls for is its latest stage
 * that has begun, so a sweep that missed days still sends the stage in force,
 * and a daily sweep sends each stage exactly on its day. Each (entry, kind,
 * due date, recipient, stage) is one reminder: the job key that makes it
 * exactly once. A task done (review recorded, agreement in place, handover
 * made, entry closed) calls for nothing more.
 */
export type ReminderKind = 'assessment' | 'agreement' | 'handover' | 'exit';

export interface ReminderSettings {
  readonly assessment: { readonly noticeDays: number; readonly repeatDays: number; readonly escalateAfterDays: number };
  readonly agreement: { readonly afterDays: number; readonly repeatDays: number; readonly escalateAfterDays: number };
  readonly handover: { readonly noticeDays: number };
  readonly exit: { readonly planDays: number; readonly evaluationAfterDays: number; readonly escalateAfterDays: number };
  /** How long "Snooze" puts a reminder off. */
  readonly snoozeDays: number;
  /** The register-wide review, `MM-DD` each year; undefined: off. */
  readonly registerReview?: string;
}

export const DEFAULT_REMINDERS: ReminderSettings = {
  assessment: { noticeDays: 30, repeatDays: 7, escalateAfterDays: 30 },
  agreement: { afterDays: 14, repeatDays: 30, escalateAfterDays: 90 },
  handover: { noticeDays: 14 },
  exit: { planDays: 60, evaluationAfterDays: 30, escalateAfterDays: 30 },
  snoozeDays: 7,
  registerReview: '05-01',
};

export interface Reminder {
  readonly entryId: string;
  readonly kind: ReminderKind;
  /** The task's date (YYYY-MM-DD): the review, the agreement's, the representative's last day, the end date. */
  readonly due: string;
  /** `notice`, `due`, `repeat-N`, `plan`, `end`, `evaluation`, `escalation`. */
  readonly stage: string;
  /** The day this stage began. */
  readonly on: string;
  /** An Entra object id or an email, as the register or the configuration names the person. */
  readonly recipient: string;
  /** Who is tried next, in order, if the recipient cannot be reached (DOMAIN 3). */
  readonly fallback: readonly string[];
  readonly escalation: boolean;
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL = /[^@\s,;<>()]+@[^@\s,;<>()]+\.[^@\s,;<>()]+/;
const ENTRA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The lead officer as someone the bot can reach: their email (or Entra id) as the register names them. */
export function leadOfficerOf(entry: Pick<Partnership, 'leadOfficer' | 'answers'> & Partial<Pick<Partnership, 'lead'>>): string | undefined {
  // Registered as a person: their Entra id. Older entries: the email (or id) that was typed.
  if (entry.lead?.id) return entry.lead.id.toLowerCase();
  for (const text of [entry.leadOfficer, entry.answers.leadOfficer]) {
    const value = (text ?? '').trim();
    const email = EMAIL.exec(value)?.[0];
    if (email) return email.toLowerCase();
    if (ENTRA_ID.test(value)) return value.toLowerCase();
  }
  return undefined;
}

/** Who approved the entry (the last round's approvals), else the first stage's approvers. */
export function approversOf(entry: Pick<Partnership, 'approval'>): string[] {
  const approval = entry.approval;
  if (!approval) return [];
  const approved = approval.history.filter((d) => d.decision === 'approve').map((d) => d.by.id);
  const ids = approved.length > 0 ? approved : [...(approval.route.stages[0] ?? [])];
  return unique(ids);
}

function unique(ids: readonly string[]): string[] {
  const out: string[] = [];
  for (const id of ids) if (id && !out.some((o) => samePerson(o, id))) out.push(id.toLowerCase());
  return out;
}

/** The proposed end date, if the registration gave one. */
export function endDateOf(entry: Pick<Partnership, 'answers'>): string | undefined {
  const end = entry.answers.proposedEndDate ?? '';
  return DAY.test(end) ? end : undefined;
}

interface Stage {
  readonly stage: string;
  readonly on: string;
}

/** The latest stage begun by `today`, or undefined before the first. */
function current(stages: readonly Stage[], today: string): Stage | undefined {
  let found: Stage | undefined;
  for (const s of stages) if (s.on <= today && (!found || s.on >= found.on)) found = s;
  return found;
}

/** A notice, the day, then every `repeatDays` (0: no repeats) up to `today`. */
function repeating(first: Stage[], from: string, repeatDays: number, today: string): Stage[] {
  const stages = [...first];
  if (repeatDays > 0 && from < today) {
    const n = Math.floor(daysBetween(from, today) / repeatDays);
    if (n >= 1) stages.push({ stage: `repeat-${n}`, on: addDays(from, n * repeatDays) });
  }
  return stages;
}

interface Track {
  readonly kind: ReminderKind;
  readonly due: string;
  readonly stages: readonly Stage[];
  readonly recipients: readonly string[];
  readonly fallback: readonly string[];
  readonly escalation: boolean;
}

function tracksFor(entry: Partnership, today: string, s: ReminderSettings, registerOwners: readonly string[]): Track[] {
  if (entry.status !== 'active' && entry.status !== 'exiting') return [];
  const lead = leadOfficerOf(entry);
  const owners = unique(registerOwners);
  const approvers = approversOf(entry);
  const leadTrack = (kind: ReminderKind, due: string, stages: Stage[], fallback: readonly string[]): Track => ({ kind, due, stages, recipients: lead ? [lead] : [], fallback, escalation: false });
  const tracks: Track[] = [];

  if (entry.status === 'active' && entry.nextReviewDue && DAY.test(entry.nextReviewDue)) {
    const due = entry.nextReviewDue;
    const a = s.assessment;
    const escalateOn = addDays(due, a.escalateAfterDays);
    tracks.push(leadTrack('assessment', due, repeating([{ stage: 'notice', on: addDays(due, -a.noticeDays) }, { stage: 'due', on: due }], due, a.repeatDays, today), unique([...approvers, ...owners])));
    tracks.push({ kind: 'assessment', due, stages: [{ stage: 'escalation', on: escalateOn }], recipients: unique([...approvers, ...owners]), fallback: owners, escalation: true });
  }

  if (entry.agreement?.state !== 'yes') {
    const approved = (entry.approvedAt ?? entry.updatedAt).slice(0, 10);
    const ag = s.agreement;
    const due = addDays(approved, ag.afterDays);
    tracks.push(leadTrack('agreement', due, repeating([{ stage: 'due', on: due }], due, ag.repeatDays, today), owners));
    tracks.push({ kind: 'agreement', due, stages: [{ stage: 'escalation', on: addDays(approved, ag.escalateAfterDays) }], recipients: owners, fallback: [], escalation: true });
  }

  for (const rep of entry.representatives ?? []) {
    if (!rep.until || !DAY.test(rep.until)) continue;
    const due = rep.until;
    const chain = unique([...(lead ? [lead] : []), ...owners]);
    tracks.push({ kind: 'handover', due, stages: [{ stage: 'notice', on: addDays(due, -s.handover.noticeDays) }], recipients: [rep.email || rep.id], fallback: chain, escalation: false });
    tracks.push({ kind: 'handover', due, stages: [{ stage: 'escalation', on: addDays(due, 1) }], recipients: chain, fallback: owners, escalation: true });
  }

  const end = endDateOf(entry);
  if (end && !entry.endedAt) {
    const x = s.exit;
    const evaluationDue = addDays(end, x.evaluationAfterDays);
    const stages = [
      { stage: 'plan', on: addDays(end, -x.planDays) },
      { stage: 'end', on: end },
      { stage: 'evaluation', on: evaluationDue },
    ];
    tracks.push(leadTrack('exit', end, stages, owners));
    tracks.push({ kind: 'exit', due: end, stages: [{ stage: 'escalation', on: addDays(evaluationDue, x.escalateAfterDays) }], recipients: owners, fallback: [], escalation: true });
  }
  return tracks;
}

/** Every reminder the entry calls for on `today` (YYYY-MM-DD): one per recipient of each track's stage in force. */
export function remindersFor(entry: Partnership, today: string, settings: ReminderSettings, registerOwners: readonly string[]): Reminder[] {
  const out: Reminder[] = [];
  for (const track of tracksFor(entry, today, settings, registerOwners)) {
    const stage = current(track.stages, today);
    if (!stage) continue;
    const recipients = track.recipients.length > 0 ? track.recipients : track.fallback.slice(0, 1);
    const fallback = track.recipients.length > 0 ? track.fallback : track.fallback.slice(1);
    for (const recipient of recipients) {
      out.push({
        entryId: entry.id,
        kind: track.kind,
        due: track.due,
        stage: stage.stage,
        on: stage.on,
        recipient,
        fallback: fallback.filter((f) => !samePerson(f, recipient)),
        escalation: track.escalation,
      });
    }
  }
  return out;
}

/** Whether the task a reminder is about is still to be done on the entry as it is now. */
export function stillDue(entry: Partnership | undefined, kind: ReminderKind, due: string): boolean {
  if (!entry || (entry.status !== 'active' && entry.status !== 'exiting')) return false;
  switch (kind) {
    case 'assessment':
      return entry.status === 'active' && entry.nextReviewDue === due;
    case 'agreement':
      return entry.agreement?.state !== 'yes';
    case 'handover':
      return (entry.representatives ?? []).some((r) => r.until === due);
    case 'exit':
      return !entry.endedAt && endDateOf(entry) === due;
  }
}

/** The key that makes a reminder exactly once: (entry, kind, due date, recipient, stage). */
export function reminderKey(r: Pick<Reminder, 'entryId' | 'kind' | 'due' | 'recipient' | 'stage'>): string {
  return `reminder:${r.entryId}:${r.kind}:${r.due}:${r.recipient.toLowerCase()}:${r.stage}`;
}

/**
 * What the sweep asks the register for (indexed queries only): active entries
 * whose review is near, whose proposed end is near, running entries still
 * without an agreement or with a representative leaving, and exiting ones.
 */
export interface DueQuery {
  readonly reviewBy: string;
  readonly endingBy: string;
  readonly handoverBy: string;
}

export function dueQueryFor(today: string, s: ReminderSettings): DueQuery {
  return { reviewBy: addDays(today, s.assessment.noticeDays), endingBy: addDays(today, s.exit.planDays), handoverBy: addDays(today, s.handover.noticeDays) };
}

/** Whether an entry answers the due query: the one rule every Register implementation follows. */
export function matchesDueQuery(entry: Partnership, q: DueQuery): boolean {
  const running = entry.status === 'active' || entry.status === 'exiting';
  if (!running) return false;
  if (entry.status === 'exiting') return true;
  if (entry.nextReviewDue && entry.nextReviewDue <= q.reviewBy) return true;
  if (entry.agreement?.state !== 'yes') return true;
  const end = endDateOf(entry);
  if (end && end <= q.endingBy) return true;
  return nextRepresentativeEnd(entry) !== undefined && nextRepresentativeEnd(entry)! <= q.handoverBy;
}

/** The earliest last day among the representatives, for an index. */
export function nextRepresentativeEnd(entry: Pick<Partnership, 'representatives'>): string | undefined {
  const ends = (entry.representatives ?? []).map((r) => r.until).filter((u): u is string => !!u && DAY.test(u));
  return ends.length > 0 ? ends.sort()[0] : undefined;
}

/** Whether the register-wide review falls on `today` (its `MM-DD`). */
export function registerReviewDay(today: string, s: ReminderSettings): boolean {
  return s.registerReview !== undefined && today.slice(5) === s.registerReview;
}
