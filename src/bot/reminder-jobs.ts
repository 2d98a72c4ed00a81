import { StoreUnavailableError, VersionConflictError } from '../domain/errors';
import type { PeopleDirectory } from '../ports/people-directory';
import type { SentCards } from '../ports/sent-cards';
import type { UndeliveredReminder } from '../domain/records';
import { registerFigures } from '../domain/register-figures';
import { reminderKey, stillDue, type ReminderSettings } from '../domain/reminders';
import type { Logger } from '../logger';
import type { AuditLog } from '../ports/audit-log';
import type { Clock } from '../ports/clock';
import type { ConversationDirectory } from '../ports/conversation-directory';
import type { Jobs } from '../ports/jobs';
import type { Notifier } from '../ports/notifier';
import type { Register } from '../ports/register';
import { dayOf, REMINDER_JOB, type RegisterReviewPayload, type ReminderPayload, type SweepItem, type SweepOutcomes } from '../use-cases/reminders';
import { renderRegisterReview, renderReminder } from '../views/reminder-views';
import { REMINDER_WORDS } from '../views/catalogue';
import { renderMessage } from '../views/journey-views';
import { RetryLater } from './job-worker';
import { recipientId } from './notifications';

/**
 * The reminder jobs' work: one card to one person's 1:1 chat. The entry is read
 * again first, so a task done since the sweep sends nothing. A person who
 * cannot be reached (403/404, or never talked to the bot and named by email)
 * is recorded on the entry's audit trail and the reminder goes to the next in
 * its chain, as a job of its own; a 5xx, a timeout or a 429 is tried again
 * (after the Retry-After Teams asked for).
 */
export interface ReminderJobDeps {
  readonly register: Register;
  readonly notifier: Notifier;
  readonly conversations: ConversationDirectory;
  readonly audit: AuditLog;
  readonly jobs: Jobs;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: ReminderSettings;
  readonly outcomes: SweepOutcomes;
  readonly kickJobs: () => void;
  /** Finds the Entra id of someone the register names by email who has not talked to the bot yet. */
  readonly people: PeopleDirectory;
  /** Where each reminder went, by its key: a job run again after a crash between send and complete does not send twice. */
  readonly sentCards: SentCards;
}

/**
 * Whom to send to: a person known to the bot by id or email, else (an email)
 * the directory's Entra id, with which the bot opens the chat if the app is
 * installed for them (Teams says 403/404 otherwise: unreachable). A directory
 * that cannot be asked just now is a retry, not an unreachable person.
 */
async function reachableId(deps: ReminderJobDeps, recipient: string): Promise<string | undefined> {
  const known = await recipientId(deps, recipient);
  if (known || !recipient.includes('@')) return known;
  try {
    return (await deps.people.find(recipient))?.id || undefined;
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw new RetryLater('the directory could not be asked just now');
    throw err;
  }
}

const BOT = { id: 'partnership-register-bot', name: 'Partnership Register (reminders)' };

function asReminder(payload: Readonly<Record<string, unknown>>): ReminderPayload | undefined {
  const p = payload as Partial<ReminderPayload>;
  const ok = typeof p.entryId === 'string' && typeof p.kind === 'string' && typeof p.due === 'string' && typeof p.stage === 'string' && typeof p.recipient === 'string' && typeof p.root === 'string';
  return ok ? ({ fallback: [], escalation: false, ...p } as ReminderPayload) : undefined;
}

export async function deliverReminder(deps: ReminderJobDeps, payload: Readonly<Record<string, unknown>>): Promise<void> {
  const r = asReminder(payload);
  if (!r) {
    deps.logger.error({ payload }, 'reminder job with a payload it cannot read: dropped');
    return;
  }
  const entry = await deps.register.get(r.entryId);
  const item: SweepItem = { entry: entry?.reference ?? r.entryId, kind: r.kind, recipient: r.recipient, due: r.due, stage: r.stage, ...(r.handedFrom ? { from: r.handedFrom } : {}) };
  if (!entry || !stillDue(entry, r.kind, r.due)) {
    deps.outcomes.record(r.root, { result: 'done', item });
    return;
  }
  const key = reminderKey(r);
  if ((await deps.sentCards.list(key)).length > 0) {
    deps.outcomes.record(r.root, { result: 'sent', item, escalation: r.escalation });
    return;
  }
  let userId: string | undefined;
  try {
    userId = await reachableId(deps, r.recipient);
  } catch (err) {
    if (err instanceof RetryLater) deps.outcomes.record(r.root, { result: 'retrying', item });
    throw err;
  }
  const delivery = userId ? await deps.notifier.send(userId, renderReminder(entry, r, deps.settings.snoozeDays)) : ({ ok: false, reason: 'unreachable' } as const);
  if (delivery.ok) {
    await deps.sentCards.record(key, delivery.message);
    deps.outcomes.record(r.root, { result: 'sent', item, escalation: r.escalation });
    return;
  }
  if (delivery.reason === 'failed') {
    deps.outcomes.record(r.root, { result: 'retrying', item });
    throw new RetryLater(`the ${r.kind} reminder could not be delivered just now`, delivery.retryAfterMs);
  }
  const next = r.fallback[0];
  await deps.audit.append({
    subjectId: entry.id,
    at: deps.clock.now().toISOString(),
    actor: BOT,
    action: 'reminder-undelivered',
    // Codes only: whoever reads the audit trail words them (store codes, render words at the edge).
    data: { kind: r.kind, due: r.due, stage: r.stage, recipient: r.recipient, ...(next ? { handedTo: next } : {}) },
  });
  await noteOnEntry(deps, entry.id, { at: deps.clock.now().toISOString(), kind: r.kind, stage: r.stage, due: r.due, recipient: r.recipient, ...(next ? { handedTo: next } : {}) });
  deps.outcomes.record(r.root, { result: 'unreachable', item });
  if (!next) {
    deps.logger.warn({ entryId: entry.id, kind: r.kind, stage: r.stage }, 'reminder reached nobody: no one left in its chain');
    return;
  }
  const handed: ReminderPayload = { ...r, recipient: next, fallback: r.fallback.slice(1), handedFrom: r.recipient };
  await deps.jobs.enqueue({ key: reminderKey(handed), kind: REMINDER_JOB, payload: { ...handed } }, deps.clock.now());
  deps.kickJobs();
}

const NOTES_KEPT = 10;

/**
 * The register shows that a reminder could not be delivered: a note on the
 * entry itself (its etag respected: read again and retried on a conflict, never
 * a blind overwrite). A note already there for the same reminder is not added twice.
 */
async function noteOnEntry(deps: ReminderJobDeps, entryId: string, note: UndeliveredReminder): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const entry = await deps.register.get(entryId);
    if (!entry) return;
    const notes = entry.undeliveredReminders ?? [];
    const same = (n: UndeliveredReminder) => n.kind === note.kind && n.stage === note.stage && n.due === note.due && n.recipient === note.recipient;
    if (notes.some(same)) return;
    try {
      await deps.register.update({ ...entry, undeliveredReminders: [...notes, note].slice(-NOTES_KEPT) });
      return;
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
    }
  }
  deps.logger.warn({ entryId }, 'the undelivered reminder could not be noted on the entry (it kept changing); it is in the audit trail');
}

/** The register-wide review card to one register owner, with the register's figures as they are when it runs. */
export async function deliverRegisterReview(deps: ReminderJobDeps, payload: Readonly<Record<string, unknown>>): Promise<void> {
  const p = payload as Partial<RegisterReviewPayload>;
  if (typeof p.recipient !== 'string' || typeof p.root !== 'string' || typeof p.year !== 'string') return;
  const item: SweepItem = { entry: 'register', kind: 'register-review', recipient: p.recipient, due: p.day ?? '', stage: 'annual' };
  const statuses = ['proposed', 'changes-requested', 'active', 'rejected', 'exiting', 'closed'] as const;
  const entries = (await Promise.all(statuses.map((s) => deps.register.listByStatus(s)))).flat();
  const userId = await recipientId(deps, p.recipient);
  const card = renderRegisterReview(registerFigures(entries, p.day ?? dayOf(deps.clock.now()), deps.settings), p.year);
  const delivery = userId ? await deps.notifier.send(userId, card) : ({ ok: false, reason: 'unreachable' } as const);
  if (delivery.ok) deps.outcomes.record(p.root, { result: 'sent', item, escalation: false });
  else if (delivery.reason === 'failed') {
    deps.outcomes.record(p.root, { result: 'retrying', item });
    throw new RetryLater('the register-wide review could not be delivered just now', delivery.retryAfterMs);
  } else deps.outcomes.record(p.root, { result: 'unreachable', item });
}

/** The daily note to a register owner that some jobs failed for good (their count when the sweep ran). */
export async function deliverFailedJobsNote(deps: ReminderJobDeps, payload: Readonly<Record<string, unknown>>): Promise<void> {
  if (typeof payload.recipient !== 'string' || typeof payload.failed !== 'number') return;
  const userId = await recipientId(deps, payload.recipient);
  if (!userId) return;
  const delivery = await deps.notifier.send(userId, renderMessage(REMINDER_WORDS.failedJobsHeading, REMINDER_WORDS.failedJobs(payload.failed)));
  if (!delivery.ok && delivery.reason === 'failed') throw new RetryLater('the failed-jobs note could not be delivered just now', delivery.retryAfterMs);
}
