import type { Partnership } from '../domain/records';
import type { Logger } from '../logger';
import type { ConversationDirectory } from '../ports/conversation-directory';
import type { Notifier, SentMessage } from '../ports/notifier';
import type { Register } from '../ports/register';
import type { SentCards } from '../ports/sent-cards';
import { currentApprovers } from '../use-cases/decide-proposal';
import { approversAt, decidedThisRound, samePerson } from '../domain/approval';
import type { ChangeProposal } from '../domain/change';
import { renderChangeApproval } from '../views/change-views';
import { say } from '../views/catalogue';
import { RetryLater } from './job-worker';
import { renderApproval, refreshIdsFor } from '../views/approval-views';
import { renderMessage } from '../views/journey-views';
import { renderNowRepresentative, renderPartnershipClosed } from '../views/form-views';
import type { Notice } from '../domain/form-outcomes';
import type { Journey } from '../domain/journey';

export interface NotifyDeps {
  readonly journey: Journey;
  readonly notifier: Notifier;
  readonly sentCards: SentCards;
  readonly conversations: ConversationDirectory;
  readonly registerOwners: readonly string[];
  readonly register: Register;
  readonly logger: Logger;
}

/** Approvers may be configured by email: the person Teams reported with it, if they have talked to the bot. */
async function recordOf(deps: Pick<NotifyDeps, 'conversations'>, approver: string) {
  return approver.includes('@') ? deps.conversations.findByEmail(approver) : deps.conversations.get(approver);
}

/** The card's refresh list: the approvers of the current stage, by their Teams ids where known. */
export async function refreshListFor(deps: Pick<NotifyDeps, 'conversations'>, p: Partnership): Promise<string[]> {
  const ids = currentApprovers(p);
  const known = new Map<string, string>();
  for (const id of ids) {
    const record = await recordOf(deps, id);
    if (record?.channelUserId) known.set(id, record.channelUserId);
  }
  return refreshIdsFor(ids.filter((id) => !id.includes('@') || known.has(id)), known);
}

/**
 * Whom to send to: an Entra id as it is (the bot can open a chat with it); an
 * email only once that person has talked to the bot (Teams gave us their id).
 */
export async function recipientId(deps: Pick<NotifyDeps, 'conversations'>, approver: string): Promise<string | undefined> {
  if (!approver.includes('@')) return approver;
  return (await deps.conversations.findByEmail(approver))?.userId;
}

async function tellOwnersAndProposer(deps: NotifyDeps, p: Partnership, unreachable: readonly string[]): Promise<void> {
  const card = renderMessage(say('en', 'approverUnreachableHeading'), say('en', 'approverUnreachable')(p.name, unreachable.length, unreachable.join(', ')));
  for (const person of new Set([p.proposer.id, ...deps.registerOwners])) {
    const userId = await recipientId(deps, person);
    if (userId) await deps.notifier.send(userId, card);
  }
}

/** After a completed form: the incoming representative learns what they now represent; the register owners, that an entry closed. */
export async function sendFormNotices(deps: NotifyDeps, entry: Partnership, notices: readonly Notice[], byName: string): Promise<void> {
  for (const notice of notices) {
    if (notice.kind === 'now-representative') {
      const userId = notice.person.id;
      if (!userId) {
        deps.logger.info({ entryId: entry.id }, 'the incoming representative has not talked to the bot yet: not told of the handover');
        continue;
      }
      await deps.notifier.send(userId, renderNowRepresentative(entry));
    } else if (notice.kind === 'change-proposed') {
      await sendChangeRequests(deps, entry);
    } else {
      const card = renderPartnershipClosed(entry, byName);
      for (const owner of deps.registerOwners) {
        const userId = await recipientId(deps, owner);
        if (userId) await deps.notifier.send(userId, card);
      }
    }
  }
}

/** The approvers of a change's current stage, less anyone who decided an earlier stage of it. */
function changeRecipients(change: ChangeProposal): string[] {
  return approversAt(change.approval.route, change.approval.stage).filter((id) => !decidedThisRound(change.approval, { id, name: '' }));
}

const changeCardsKey = (change: ChangeProposal) => `change:${change.id}`;

/** Sends the change card to each approver of its current stage, keeping where each copy went. */
export async function sendChangeRequests(deps: NotifyDeps, entry: Partnership): Promise<void> {
  const change = entry.pendingChange;
  if (!change) return;
  const unreachable: string[] = [];
  for (const approver of changeRecipients(change)) {
    const userId = await recipientId(deps, approver);
    const delivery = userId ? await deps.notifier.send(userId, renderChangeApproval(entry, change, { canDecide: true })) : undefined;
    if (delivery?.ok) await deps.sentCards.record(changeCardsKey(change), delivery.message);
    else unreachable.push(approver);
  }
  if (unreachable.length > 0) deps.logger.warn({ entryId: entry.id, unreachable: unreachable.length }, 'change approval not delivered to every approver');
}

/** After a change decision: every copy shows it, the next stage is asked, or the proposer is told. */
export async function announceChangeDecision(deps: NotifyDeps, entry: Partnership, change: ChangeProposal, exceptActivityId?: string): Promise<void> {
  for (const copy of await deps.sentCards.list(changeCardsKey(change))) {
    if (copy.activityId !== exceptActivityId) await deps.notifier.update(copy, renderChangeApproval(entry, change, { canDecide: false }));
  }
  if (!change.decided) {
    await sendChangeRequests(deps, entry);
    return;
  }
  const proposer = await recipientId(deps, change.by.id);
  if (proposer) await deps.notifier.send(proposer, renderChangeApproval(entry, change, { canDecide: false, notice: say('en', 'changeDecided') }));
}

/** The register owners are told once per refused decision that an item's approval details were altered outside the bot. */
export async function tellOwnersOfTampering(deps: NotifyDeps, p: Partnership): Promise<void> {
  const card = renderMessage(say('en', 'tamperedHeading'), say('en', 'tampered')(p.name));
  for (const owner of deps.registerOwners) {
    const userId = await recipientId(deps, owner);
    if (userId) await deps.notifier.send(userId, card);
  }
}

/**
 * Copies recorded after the proposal moved on (decided while the cards were on
 * their way) would keep their buttons: announceDecision listed the copies
 * before these were recorded. Read the proposal once, after the last copy was
 * recorded, and bring every copy sent up to date (one register read per
 * fan-out, not one per approver).
 */
async function catchUp(deps: NotifyDeps, sentFor: Partnership, copies: readonly SentMessage[]): Promise<void> {
  if (copies.length === 0) return;
  const now = await deps.register.get(sentFor.id);
  if (!now || (now.status === sentFor.status && now.approval?.stage === sentFor.approval?.stage)) return;
  const card = renderApproval(deps.journey, now, { canDecide: false }, now.status === 'proposed' ? await refreshListFor(deps, now) : []);
  for (const copy of copies) await deps.notifier.update(copy, card);
}

/** Sends the approval card to each approver of the current stage, keeping where each copy went. */
export async function sendApprovalRequests(deps: NotifyDeps, p: Partnership): Promise<void> {
  if (!p.approval) return;
  const refresh = await refreshListFor(deps, p);
  // A retry of the same round and stage sends only to the approvers who have no copy yet.
  const round = `${p.id}@${p.submittedAt}#${p.approval.stage}`;
  const delivered = new Set((await deps.sentCards.list(round)).map((m) => m.userId.toLowerCase()));
  // Someone who decided an earlier stage of this round takes no decision at this one.
  const recipients = currentApprovers(p).filter((id) => !p.approval?.history.some((r) => samePerson(r.by.id, id) && decidedThisRound(p.approval!, r.by)));
  const unreachable: string[] = [];
  const failed: string[] = [];
  const sent: SentMessage[] = [];
  // Every approver gets the same card: expanded once, not once per approver (20 approvers, 20 expansions).
  const card = renderApproval(deps.journey, p, { canDecide: true }, refresh);
  for (const approver of recipients) {
    const userId = await recipientId(deps, approver);
    if (!userId) {
      unreachable.push(approver);
      continue;
    }
    if (delivered.has(userId.toLowerCase())) continue;
    const delivery = await deps.notifier.send(userId, card);
    if (delivery.ok) {
      await deps.sentCards.record(p.id, delivery.message);
      await deps.sentCards.record(round, delivery.message);
      sent.push(delivery.message);
    } else if (delivery.reason === 'failed') failed.push(approver);
    else unreachable.push(approver);
  }
  await catchUp(deps, p, sent);
  if (unreachable.length > 0) await tellOwnersAndProposer(deps, p, unreachable);
  // A 5xx or a timeout is worth another try: the job is retried, and sends only what is missing.
  if (failed.length > 0) throw new RetryLater(`the approval card could not be delivered to ${failed.length} approver(s) just now`);
}

/** The durable job behind approval cards: sends the cards of a stage once, whatever restarts in between. */
export async function deliverApprovalRequests(deps: NotifyDeps, payload: Readonly<Record<string, unknown>>): Promise<void> {
  const p = typeof payload.partnershipId === 'string' ? await deps.register.get(payload.partnershipId) : undefined;
  // Decided or moved on meanwhile: nothing to ask any more.
  if (!p || p.status !== 'proposed' || !p.approval || p.approval.stage !== payload.stage || p.submittedAt !== payload.submittedAt) return;
  await sendApprovalRequests(deps, p);
}

/** The key of a stage's approval requests: one job per proposal, round and stage. */
export function approvalRequestsJob(p: Partnership) {
  const stage = p.approval?.stage ?? 1;
  return { key: `approval-requests:${p.id}:${p.submittedAt}:${stage}`, kind: 'approval-requests', payload: { partnershipId: p.id, submittedAt: p.submittedAt, stage } };
}

/** After a decision: every copy of the card shows it, and once the round is over the proposer is told (once). */
export async function announceDecision(deps: NotifyDeps, p: Partnership, nextStage: boolean, exceptActivityId?: string): Promise<void> {
  const copies = await deps.sentCards.list(p.id);
  const refresh = nextStage ? [] : await refreshListFor(deps, p);
  // Every copy shows the same card: expanded once.
  const card = renderApproval(deps.journey, p, { canDecide: false }, refresh);
  for (const copy of copies) {
    if (copy.activityId === exceptActivityId) continue;
    // Updating a copy is idempotent; one that fails is left as it was (its refresh shows the decision when opened).
    await deps.notifier.update(copy, card);
  }
  // The next stage's cards are a durable job, enqueued when the decision was taken.
  if (nextStage) return;
  const told = `${p.id}@outcome#${p.approval?.last?.at ?? p.updatedAt}`;
  if ((await deps.sentCards.list(told)).length > 0) return;
  const delivery = await deps.notifier.send(p.proposer.id, renderApproval(deps.journey, p, { canDecide: false, isProposer: true, notice: say('en', 'proposalDecided') }, []));
  if (delivery.ok) await deps.sentCards.record(told, delivery.message);
  else if (delivery.reason === 'failed') throw new RetryLater('the proposer could not be told of the decision just now');
}

/** The durable job behind a decision's announcements. */
export async function deliverDecision(deps: NotifyDeps, payload: Readonly<Record<string, unknown>>): Promise<void> {
  const p = typeof payload.partnershipId === 'string' ? await deps.register.get(payload.partnershipId) : undefined;
  if (!p) return;
  await announceDecision(deps, p, payload.nextStage === true, typeof payload.exceptActivityId === 'string' ? payload.exceptActivityId : undefined);
}

/** One job per decision taken (its time is part of the key). */
export function decisionJob(p: Partnership, nextStage: boolean, exceptActivityId: string | undefined) {
  return {
    key: `announce-decision:${p.id}:${p.approval?.last?.at ?? p.updatedAt}`,
    kind: 'announce-decision',
    payload: { partnershipId: p.id, nextStage, ...(exceptActivityId ? { exceptActivityId } : {}) },
  };
}
