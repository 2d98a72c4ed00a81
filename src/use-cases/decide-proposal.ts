import {
  approversAt,
  formatReference,
  mayDecide,
  nextReviewDue,
  refusalToDecide,
  samePerson,
  type DecisionPolicy,
  sequenceOf,
  type ApprovalState,
  type Decision,
  type DecisionRecord,
} from '../domain/approval';
import { DuplicateError, VersionConflictError, type ErrorCode } from '../domain/errors';
import { canTransition } from '../domain/lifecycle';
import type { Partnership, Person } from '../domain/records';
import type { AuditLog } from '../ports/audit-log';
import type { Clock } from '../ports/clock';
import type { Drafts } from '../ports/drafts';
import type { Register } from '../ports/register';

export interface DecideDeps {
  readonly register: Register;
  readonly drafts: Drafts;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly reviewIntervalMonths: number;
  /** The configuration in force now (local mode or not), never only what the proposal stored. */
  readonly policy: DecisionPolicy;
}

export interface DecideRequest {
  readonly proposalId: string;
  readonly decision: Decision;
  readonly comment: string;
  /** The stage the card was shown for (its action data); a press for another stage changes nothing. */
  readonly stage: number | undefined;
}

export const MAX_COMMENT = 1000;

export type DecideResult =
  | { readonly kind: 'decided'; readonly partnership: Partnership; readonly record: DecisionRecord; readonly nextStage: boolean }
  | { readonly kind: 'already-decided'; readonly partnership: Partnership }
  /** The card was for a stage that has since been decided (a double click, an old copy). */
  | { readonly kind: 'stage-moved-on'; readonly partnership: Partnership }
  | { readonly kind: 'invalid'; readonly partnership: Partnership; readonly problem: CommentProblem }
  | { readonly kind: 'refused'; readonly code: ErrorCode; readonly partnership?: Partnership };

/** A decision round ends when the proposal leaves `proposed`: it is then never changed by a second click. */
export function isAwaitingDecision(p: Partnership): boolean {
  return p.status === 'proposed' && p.approval !== undefined;
}

/** A decision's comment: required to reject or send back, and bounded. */
export type CommentProblem =
  | { readonly code: 'comment-required'; readonly decision: Exclude<Decision, 'approve'> }
  | { readonly code: 'comment-too-long'; readonly limit: number; readonly length: number };

export function checkComment(decision: Decision, raw: string): CommentProblem | undefined {
  const comment = raw.trim();
  if (comment.length > MAX_COMMENT) return { code: 'comment-too-long', limit: MAX_COMMENT, length: comment.length };
  if (decision !== 'approve' && comment === '') return { code: 'comment-required', decision };
  return undefined;
}

function applyDecision(p: Partnership, approval: ApprovalState, record: DecisionRecord, months: number): Partnership {
  const history = [...approval.history, record];
  if (record.decision === 'reject') {
    return { ...p, status: 'rejected', updatedAt: record.at, approval: { ...approval, history, last: record } };
  }
  if (record.decision === 'request-changes') {
    return { ...p, status: 'changes-requested', updatedAt: record.at, approval: { ...approval, history, last: record } };
  }
  if (approval.stage < approval.route.stages.length) {
    return { ...p, updatedAt: record.at, approval: { ...approval, stage: approval.stage + 1, history, last: record } };
  }
  return {
    ...p,
    status: 'active',
    updatedAt: record.at,
    approvedAt: record.at,
    nextReviewDue: nextReviewDue(record.at, months),
    approval: { ...approval, history, last: record },
  };
}

/**
 * Writes the decided item; on approval it takes the next free reference of the
 * year. Another approval taking the same number at the same moment makes the
 * store refuse the duplicate, so we take the next one: references never repeat.
 */
async function writeDecision(deps: DecideDeps, decided: Partnership): Promise<Partnership> {
  if (decided.status !== 'active') return deps.register.update(decided);
  const year = new Date(decided.approvedAt ?? decided.updatedAt).getUTCFullYear();
  let sequence = sequenceOf(await deps.register.latestReference(year), year);
  for (let attempt = 0; attempt < 50; attempt++) {
    sequence += 1;
    try {
      return await deps.register.update({ ...decided, reference: formatReference(year, sequence) });
    } catch (err) {
      if (!(err instanceof DuplicateError)) throw err;
      sequence = Math.max(sequence, sequenceOf(await deps.register.latestReference(year), year));
    }
  }
  throw new Error(`no free reference found for ${decided.id}`);
}

/** Approve, request changes or reject: exactly once per round, first writer wins. */
export async function decideProposal(deps: DecideDeps, person: Person, request: DecideRequest, knownEmails: readonly string[] = []): Promise<DecideResult> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await deps.register.get(request.proposalId);
    if (!current) return { kind: 'refused', code: 'PROPOSAL_NOT_FOUND' };
    if (!isAwaitingDecision(current) || !current.approval) return { kind: 'already-decided', partnership: current };
    if (request.stage !== current.approval.stage) return { kind: 'stage-moved-on', partnership: current };
    const refusal = refusalToDecide(current, person, knownEmails, deps.policy);
    if (refusal) return { kind: 'refused', code: refusal, partnership: current };
    const problem = checkComment(request.decision, request.comment);
    if (problem) return { kind: 'invalid', partnership: current, problem };

    const record: DecisionRecord = {
      stage: current.approval.stage,
      decision: request.decision,
      by: person,
      at: deps.clock.now().toISOString(),
      comment: request.comment.trim(),
    };
    const decided = applyDecision(current, current.approval, record, deps.reviewIntervalMonths);
    // Every status change goes through the lifecycle's table (DOMAIN 2).
    if (decided.status !== current.status && !canTransition(current.status, decided.status)) return { kind: 'refused', code: 'ILLEGAL_TRANSITION', partnership: current };
    let saved: Partnership;
    try {
      saved = await writeDecision(deps, decided);
    } catch (err) {
      // Someone else wrote first: read again; if they decided, this click is told so.
      if (err instanceof VersionConflictError) continue;
      throw err;
    }
    await deps.audit.append({
      subjectId: saved.id,
      at: record.at,
      actor: person,
      action: `proposal.${request.decision}`,
      comment: record.comment,
      data: { stage: record.stage, status: saved.status, reference: saved.reference },
    });
    if (request.decision === 'request-changes') await reopenDraft(deps, saved, record);
    const nextStage = saved.status === 'proposed' && saved.approval !== undefined && saved.approval.stage > record.stage;
    return { kind: 'decided', partnership: saved, record, nextStage };
  }
  return { kind: 'refused', code: 'VERSION_CONFLICT' };
}

/** "Request changes" puts the proposal back in the proposer's draft, at the summary, with the comment. */
async function reopenDraft(deps: DecideDeps, partnership: Partnership, record: DecisionRecord): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const draft = await deps.drafts.get(partnership.draftId);
    if (!draft) return;
    try {
      await deps.drafts.update({
        ...draft,
        status: 'draft',
        step: 'summary',
        returnToSummary: false,
        changesRequested: `${record.by.name}: ${record.comment}`,
        updatedAt: record.at,
      });
      return;
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
    }
  }
}

/** Proposals waiting for this person's decision, newest first. */
export async function pendingFor(deps: Pick<DecideDeps, 'register' | 'policy'>, person: Person, knownEmails: readonly string[] = []): Promise<Partnership[]> {
  const proposed = await deps.register.listByStatus('proposed');
  return proposed.filter((p) => mayDecide(p, person, knownEmails, deps.policy));
}

/** Everyone who may act at the proposal's current stage (the card's refresh list). */
export function currentApprovers(p: Partnership): readonly string[] {
  if (!p.approval) return [];
  const ids = approversAt(p.approval.route, p.approval.stage);
  const all = p.approval.route.selfApprovalAllowed ? [...ids, p.proposer.id] : ids;
  return all.filter((id, i) => all.findIndex((other) => samePerson(other, id)) === i);
}
