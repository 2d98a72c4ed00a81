import type { TurnContext } from 'botbuilder';
import type { Person } from '../domain/records';
import type { Logger } from '../logger';
import { listMine, startDraft, type JourneyDeps, type Move } from '../use-cases/proposal-journey';
import { renderMyPartnerships, renderRefusal, renderWelcome } from '../views/journey-views';
import type { Card } from '../views/templates';
import { decideProposal, pendingFor } from '../use-cases/decide-proposal';
import { startForm, startFormFor, type FormDeps } from '../use-cases/form-flow';
import { entriesOf, whatsDue } from '../use-cases/partnership-entries';
import { renderDue, renderResponse } from '../views/form-views';
import { editAny, moveAny, resumeAny } from '../use-cases/responses';
import { changeOn, decideChange } from '../use-cases/decide-change';
import { renderChangeApproval } from '../views/change-views';
import { roleOn } from '../domain/roles';
import { describeDecision, renderApproval, renderPendingApprovals } from '../views/approval-views';
import { mayDecide, mayView, samePerson, type Decision, type DecisionPolicy } from '../domain/approval';
import { MESSAGE } from '../views/messages';
import { cardRef, draftIdOf, proposalIdOf, stageOf, targetOf, textOf, type ActionData } from './card-data';
import { personOf } from './identity';
import { cleanData } from './sanitize';
import { commentProblemText, localeOf, say, type Locale } from '../views/catalogue';
import { approvalRequestsJob, decisionJob, refreshListFor, type NotifyDeps } from './notifications';
import { changeDecisionJob, formNoticesJob, tamperedJob } from './after-turn-jobs';
import type { Jobs, JobSpec } from '../ports/jobs';
import type { ReminderSettings } from '../domain/reminders';
import { snoozeReminder } from '../use-cases/reminders';
import { renderSnoozed } from '../views/reminder-views';

export interface HandlerDeps extends JourneyDeps, NotifyDeps, FormDeps {
  readonly logger: Logger;
  readonly reviewIntervalMonths: number;
  /** What the configuration in force allows (self-approval only in local mode). */
  readonly policy: DecisionPolicy;
  /** With a bot identity: people are known by their Entra object id only. */
  readonly strictIdentity: boolean;
  /** Work after the answer that must survive a crash (approval cards): enqueued, then run by the job worker. */
  readonly jobs: Jobs;
  readonly kickJobs: () => void;
  /** DOMAIN 3's timings (config): how long a snooze lasts. */
  readonly reminders: ReminderSettings;
}

/** Keeps work that must outlive this turn as durable jobs, then wakes the worker. */
async function enqueueWork(deps: HandlerDeps, ...jobs: readonly JobSpec[]): Promise<void> {
  for (const job of jobs) await deps.jobs.enqueue(job, deps.clock.now());
  deps.kickJobs();
}

/** Who is acting and on which message; everything else comes from the store. */
export interface Actor {
  readonly person: Person;
  /** The message the card is on, when the action came from a card. */
  readonly replyToId?: string;
  /** The language of the activity (its `locale`), for the words on the cards. */
  readonly locale: Locale;
}

export type ActionHandler = (deps: HandlerDeps, actor: Actor, data: ActionData) => Promise<Card | string>;

function move(kind: Move): ActionHandler {
  return async (deps, { person, locale }, data) => {
    const ref = cardRef(data);
    if (!ref) return renderRefusal('DRAFT_NOT_FOUND', locale);
    const result = await moveAny(deps, person, () => emailsOf(deps, person), ref, kind, data);
    if (result.kind === 'submitted') await enqueueWork(deps, approvalRequestsJob(result.partnership));
    if (result.kind === 'completed' && result.completed.notices.length > 0) await enqueueWork(deps, formNoticesJob(result.completed));
    return renderResponse(result, locale);
  };
}

async function emailsOf(deps: HandlerDeps, person: Person): Promise<string[]> {
  const email = (await deps.conversations.get(person.id))?.email;
  return email ? [email] : [];
}

/**
 * The approval card as this person should see it now: answers only for the
 * people concerned (proposer, approvers, register owners), buttons only for
 * someone who may decide.
 */
async function approvalFor(deps: HandlerDeps, person: Person, locale: Locale, proposalId: string, extra: { notice?: string; comment?: string; error?: string } = {}): Promise<Card> {
  const p = await deps.register.get(proposalId);
  if (!p) return renderRefusal('PROPOSAL_NOT_FOUND', locale);
  const emails = await emailsOf(deps, person);
  if (!mayView(p, person, emails, deps.registerOwners)) {
    deps.logger.warn({ personId: person.id, proposalId }, 'proposal view refused: not its proposer, an approver or a register owner');
    return renderRefusal('NO_ACCESS', locale);
  }
  const canDecide = mayDecide(p, person, emails, deps.policy);
  return renderApproval(deps.journey, p, { canDecide, isProposer: samePerson(p.proposer.id, person.id), ...extra }, await refreshListFor(deps, p), locale);
}

function decide(decision: Decision): ActionHandler {
  return async (deps, { person, replyToId, locale }, data) => {
    const proposalId = proposalIdOf(data);
    if (!proposalId) return renderRefusal('PROPOSAL_NOT_FOUND', locale);
    const comment = textOf(data.comment);
    const result = await decideProposal(deps, person, { proposalId, decision, comment, stage: stageOf(data) }, await emailsOf(deps, person));
    switch (result.kind) {
      case 'decided':
        await enqueueWork(deps, ...(result.nextStage ? [approvalRequestsJob(result.partnership)] : []), decisionJob(result.partnership, result.nextStage, replyToId));
        return approvalFor(deps, person, locale, proposalId);
      case 'already-decided': {
        const last = result.partnership.approval?.last;
        return approvalFor(deps, person, locale, proposalId, { notice: last ? say(locale, 'alreadyDecided')(describeDecision(last, locale).replace(/^./, (c) => c.toLowerCase())) : MESSAGE.ALREADY_SUBMITTED.text });
      }
      case 'stage-moved-on':
        return approvalFor(deps, person, locale, proposalId, { notice: MESSAGE.STAGE_MOVED_ON.text });
      case 'invalid':
        return approvalFor(deps, person, locale, proposalId, { comment, error: commentProblemText(locale, result.problem) });
      case 'refused':
        if (result.code === 'RECORD_TAMPERED' && result.partnership) {
          deps.logger.error({ proposalId, personId: person.id }, 'decision refused: the register item failed its integrity check');
          await enqueueWork(deps, tamperedJob(result.partnership));
          return renderRefusal('RECORD_TAMPERED', locale);
        }
        return result.partnership ? approvalFor(deps, person, locale, proposalId, { notice: MESSAGE[result.code].text }) : renderRefusal(result.code, locale);
    }
  };
}

/** The change card as this person should see it now: for the people concerned only, buttons only for someone who may decide. */
async function changeFor(deps: HandlerDeps, person: Person, locale: Locale, entryId: string, changeId: string, extra: { notice?: string; comment?: string; error?: string } = {}): Promise<Card> {
  const entry = await deps.register.get(entryId);
  const change = entry ? changeOn(entry, changeId) : undefined;
  if (!entry || !change) return renderRefusal('ENTRY_NOT_FOUND', locale);
  const emails = await emailsOf(deps, person);
  const concerned = mayView({ proposer: change.by, approval: change.approval, tampered: entry.tampered }, person, emails, deps.registerOwners) || roleOn(entry, person, emails, deps.registerOwners) !== undefined;
  if (!concerned) {
    deps.logger.warn({ personId: person.id, entryId }, 'change view refused: not concerned by it');
    return renderRefusal('NO_ACCESS', locale);
  }
  const canDecide = entry.pendingChange?.id === changeId && mayDecide({ proposer: change.by, approval: change.approval, tampered: entry.tampered }, person, emails, deps.policy);
  return renderChangeApproval(entry, change, { canDecide, ...extra }, [], locale);
}

function decideChangeHandler(decision: 'approve' | 'reject'): ActionHandler {
  return async (deps, { person, replyToId, locale }, data) => {
    const entryId = textOf(data.entryId).slice(0, 100);
    const changeId = textOf(data.changeId).slice(0, 100);
    if (!entryId || !changeId) return renderRefusal('ENTRY_NOT_FOUND', locale);
    const comment = textOf(data.comment);
    const result = await decideChange(deps, person, { entryId, changeId, decision, comment, stage: stageOf(data) }, await emailsOf(deps, person));
    switch (result.kind) {
      case 'decided':
        await enqueueWork(deps, changeDecisionJob(result.entry, result.change, replyToId));
        return changeFor(deps, person, locale, entryId, changeId);
      case 'already-decided': {
        const last = result.change?.decided;
        return changeFor(deps, person, locale, entryId, changeId, { notice: last ? say(locale, 'alreadyDecided')(describeDecision(last, locale).replace(/^./, (c) => c.toLowerCase())) : MESSAGE.ALREADY_SUBMITTED.text });
      }
      case 'invalid':
        return changeFor(deps, person, locale, entryId, changeId, { comment, error: commentProblemText(locale, result.problem) });
      case 'refused':
        return result.entry ? changeFor(deps, person, locale, entryId, changeId, { notice: MESSAGE[result.code].text }) : renderRefusal(result.code, locale);
    }
  };
}

const startJourney: ActionHandler = async (deps, { person, locale }) => renderResponse(await startDraft(deps, person), locale);

const showApproval: ActionHandler = async (deps, { person, locale }, data) => {
  const proposalId = proposalIdOf(data);
  return proposalId ? approvalFor(deps, person, locale, proposalId) : renderRefusal('PROPOSAL_NOT_FOUND', locale);
};

export const actionHandlers = {
  register: startJourney,
  // "Is it a partnership?" is the same journey: it starts with the screening.
  check: startJourney,
  mine: async (deps, { person, locale }) => {
    const mine = await listMine(deps, person);
    // The entries a person carries come from a register-wide query: during an outage the rest is still shown.
    const entries = await entriesOf(deps, person, await emailsOf(deps, person)).catch((err: unknown) => {
      deps.logger.warn({ err }, 'the entries this person carries could not be listed');
      return undefined;
    });
    return renderMyPartnerships(deps.journey, mine, { flows: deps.flows, entries: entries ?? [], unavailable: entries === undefined }, locale);
  },
  due: async (deps, { person, locale }) => renderDue(await whatsDue(deps, person, await emailsOf(deps, person)), locale),
  pending: async (deps, { person, locale }) => renderPendingApprovals(await pendingFor(deps, person, await emailsOf(deps, person)), locale),
  help: async (_deps, { locale }) => renderWelcome({ help: true, locale }),
  next: move('next'),
  back: move('back'),
  save: move('save'),
  stay: move('stay'),
  submit: move('next'),
  approve: decide('approve'),
  requestChanges: decide('request-changes'),
  reject: decide('reject'),
  refresh: showApproval,
  open: showApproval,
  edit: async (deps, { person, locale }, data) => {
    const ref = cardRef(data);
    const target = targetOf(data);
    if (!ref || !target) return renderRefusal('DRAFT_NOT_FOUND', locale);
    return renderResponse(await editAny(deps, person, ref, target), locale);
  },
  resume: async (deps, { person, locale }, data) => {
    const draftId = draftIdOf(data);
    if (!draftId) return renderRefusal('DRAFT_NOT_FOUND', locale);
    return renderResponse(await resumeAny(deps, person, draftId), locale);
  },
  approveChange: decideChangeHandler('approve'),
  rejectChange: decideChangeHandler('reject'),
  openChange: async (deps, { person, locale }, data) => changeFor(deps, person, locale, textOf(data.entryId).slice(0, 100), textOf(data.changeId).slice(0, 100)),
  startForm: async (deps, { person, locale }, data) => {
    const flowId = textOf(data.flowId).slice(0, 40);
    const entryId = textOf(data.entryId).slice(0, 100);
    if (!flowId || !entryId) return renderRefusal('ENTRY_NOT_FOUND', locale);
    return renderResponse(await startForm(deps, person, await emailsOf(deps, person), flowId, entryId), locale);
  },
  snooze: async (deps, { person, locale }, data) => {
    const request = { entryId: textOf(data.entryId).slice(0, 100), kind: textOf(data.kind).slice(0, 20), due: textOf(data.due).slice(0, 10) };
    return renderSnoozed(await snoozeReminder({ register: deps.register, jobs: deps.jobs, settings: deps.reminders }, person, request, deps.clock.now()), locale);
  },
} satisfies Record<string, ActionHandler>;

/** Runs an action for the person on the activity; a failure is logged and answered with a message, never a stack trace. */
export async function runAction(deps: HandlerDeps, context: TurnContext, handler: ActionHandler, data: unknown): Promise<Card | string> {
  const person = personOf(context.activity, deps.strictIdentity);
  const locale = localeOf(context.activity.locale);
  if (!person) return renderRefusal('DRAFT_NOT_FOUND', locale);
  const safeData: ActionData = data && typeof data === 'object' && !Array.isArray(data) ? (cleanData(data) as ActionData) : {};
  try {
    return await handler(deps, { person, replyToId: context.activity.replyToId, locale }, safeData);
  } catch (err) {
    deps.logger.error({ err, activityId: context.activity.id, verb: (context.activity.value as { action?: { verb?: unknown } })?.action?.verb }, 'card action failed');
    return say(locale, 'tryAgain');
  }
}

/** Typed commands; case and surrounding punctuation do not matter. */
const COMMANDS: Readonly<Record<string, keyof typeof actionHandlers>> = {
  register: 'register',
  'register a partnership': 'register',
  new: 'register',
  check: 'check',
  'is it a partnership': 'check',
  'my partnerships': 'mine',
  mine: 'mine',
  'my drafts': 'mine',
  'pending approvals': 'pending',
  due: 'due',
  "what's due": 'due',
  'whats due': 'due',
  pending: 'pending',
  approvals: 'pending',
  help: 'help',
  '?': 'help',
  hi: 'help',
  hello: 'help',
};

/** `review PR-2026-001`, `agreement Riverside`: a form's command and the partnership it names. */
export function formCommandOf(flows: FormDeps['flows'], text: string | undefined): { flowId: string; query: string } | undefined {
  const normal = (typeof text === 'string' ? text : '').slice(0, MAX_COMMAND_TEXT).replace(/<at>.*?<\/at>/gi, '').trim();
  const m = /^\/?([a-z]+)\s+(.+)$/i.exec(normal);
  if (!m) return undefined;
  const word = m[1].toLowerCase();
  const flow = [...flows.values()].find((f) => f.command === word || f.id === word);
  return flow ? { flowId: flow.id, query: m[2].replace(/[.!?]+$/, '').trim() } : undefined;
}

/** Runs a typed form command for the person on the activity. */
export async function runFormCommand(deps: HandlerDeps, context: TurnContext, command: { flowId: string; query: string }): Promise<Card | string> {
  return runAction(deps, context, async (d, { person, locale }) => renderResponse(await startFormFor(d, person, await emailsOf(d, person), command.flowId, command.query), locale), {});
}

/** No command is longer than this; a longer text is cut first, so the work per message is bounded. */
const MAX_COMMAND_TEXT = 200;

export function commandOf(text: string | undefined): keyof typeof actionHandlers | undefined {
  const normal = (typeof text === 'string' ? text : '')
    .slice(0, MAX_COMMAND_TEXT)
    .replace(/<at>.*?<\/at>/gi, '')
    .trim()
    .toLowerCase()
    .replace(/^[\s/]+|[\s.!?]+$/g, '')
    .replace(/\s+/g, ' ');
  return COMMANDS[normal];
}
