import { agreementGaps } from './agreement';
import { nextReviewDue, type ApprovalRoute } from './approval';
import { scoreAssessment } from './assessment';
import { applyChanges, changesOf, isSignificantChange, type FieldChange } from './change';
import type { ErrorCode } from './errors';
import type { FlowDefinition, FormCompletionName, FormEvaluatorName } from './flow';
import { applyHandover, handoverOf } from './handover';
import { withStatus } from './lifecycle';
import type { RawAnswers } from './questionnaire';
import type { Partnership, Person, PersonRef } from './records';

/**
 * What the forms after approval compute and change, by the names their flow
 * definitions give (`evaluator`, `completion`): pure rules, so each is tested
 * from a table of cases and the use case only loads, applies and stores.
 */

/** Who is to be told of a completed form, after the person has been answered. */
export type Notice =
  | { readonly kind: 'now-representative'; readonly person: PersonRef }
  | { readonly kind: 'partnership-closed' }
  | { readonly kind: 'change-proposed' };

/** What an evaluator reads from the stored answers: recomputed whenever used, never kept from an earlier step. */
export type Evaluation = { readonly summary: string; readonly score?: number; readonly decision?: string; readonly outcome: Readonly<Record<string, unknown>> };

export const EVALUATORS: Readonly<Record<FormEvaluatorName, (answers: RawAnswers, entry: Partnership, people: Readonly<Record<string, PersonRef>>) => Evaluation>> = {
  'assessment-scoring': (answers) => {
    const result = scoreAssessment(answers);
    return {
      summary: `average ${result.averageScore}; ${result.needingAction.length} of 10 features need action; decision ${result.decision}`,
      score: result.averageScore,
      decision: result.decision,
      outcome: { ...result },
    };
  },
  'agreement-gaps': (answers) => {
    const result = agreementGaps(answers);
    return { summary: `agreement ${result.state}; ${result.gaps.length} gaps`, decision: result.state, outcome: { ...result } };
  },
  'exit-evaluation': (answers) => {
    const endDate = (answers.exitEndDate ?? '').trim();
    return {
      summary: `ended ${endDate}; aims met: ${answers.aimsMet ?? ''}; effective: ${answers.effective ?? ''}`,
      decision: (answers.evaluationReason ?? '').trim(),
      outcome: { endDate, aimsMet: answers.aimsMet ?? '', effective: answers.effective ?? '' },
    };
  },
  handover: (answers, _entry, people) => {
    const h = handoverOf(answers, people);
    return { summary: `${h.outgoing.name} handed over to ${h.incoming.name} from ${h.incomingStart}`, outcome: { ...h } };
  },
  'change-diff': (answers, entry) => {
    const changes = changesOf(entry.answers, answers);
    const significant = isSignificantChange(changes);
    return {
      summary: `${changes.map((c) => c.field).join(', ') || 'nothing'} ${significant ? 'proposed to the approvers' : 'applied'}`,
      decision: significant ? 'proposed' : 'applied',
      outcome: { changes, significant, reason: (answers.changeReason ?? '').trim() },
    };
  },
};

export interface CompletionContext {
  readonly at: string;
  readonly months: number;
  readonly answers: RawAnswers;
  readonly person: Person;
  readonly responseId: string;
  /** Who the response's person questions named. */
  readonly people: Readonly<Record<string, PersonRef>>;
  /** For a significant change: who decides it. */
  readonly route?: ApprovalRoute;
}

export type Completion = (entry: Partnership, evaluation: Evaluation, ctx: CompletionContext) => Partnership | ErrorCode;

/** How each completion changes the register entry; a status change goes through the lifecycle's table. */
export const COMPLETIONS: Readonly<Record<FormCompletionName, Completion>> = {
  'record-assessment': (entry, evaluation, { at, months }) => {
    const outcome = evaluation.outcome as unknown as ReturnType<typeof scoreAssessment>;
    const moved = withStatus(entry, outcome.decision === 'exit' ? 'exiting' : entry.status);
    if (typeof moved === 'string') return moved;
    const day = at.slice(0, 10);
    return {
      ...moved,
      updatedAt: at,
      lastReviewedAt: day,
      nextReviewDue: nextReviewDue(at, months),
      latestAssessment: { at: day, averageScore: outcome.averageScore, needingAction: outcome.needingAction.length, decision: outcome.decision },
    };
  },
  'record-agreement': (entry, evaluation, { at }) => {
    const outcome = evaluation.outcome as unknown as ReturnType<typeof agreementGaps>;
    return { ...entry, updatedAt: at, agreement: { at: at.slice(0, 10), state: outcome.state, link: outcome.link, documentType: outcome.documentType, gaps: [...outcome.gaps] } };
  },
  'finish-exit': (entry, evaluation, { at }) => {
    const closed = withStatus(entry, 'closed');
    if (typeof closed === 'string') return closed;
    return { ...closed, updatedAt: at, endedAt: String(evaluation.outcome.endDate ?? at.slice(0, 10)) };
  },
  'apply-handover': (entry, _evaluation, { at, answers, people }) => {
    const changed = applyHandover(entry, handoverOf(answers, people));
    return changed ? { ...changed, updatedAt: at } : 'OUTGOING_NOT_A_REPRESENTATIVE';
  },
  'propose-change': (entry, evaluation, { at, person, responseId, route }) => {
    const { changes, significant, reason } = evaluation.outcome as { changes: FieldChange[]; significant: boolean; reason: string };
    if (changes.length === 0) return 'NOTHING_CHANGED';
    if (entry.pendingChange) return 'CHANGE_PENDING';
    if (!significant) {
      const answers = applyChanges(entry.answers, changes);
      return { ...entry, updatedAt: at, answers };
    }
    if (!route) return 'FORM_NOT_AVAILABLE';
    return { ...entry, updatedAt: at, pendingChange: { id: responseId, changes, reason, by: person, at, approval: { route, stage: 1, history: [] } } };
  },
};

/** Who is told what once a form is completed. */
export function noticesOf(flow: FlowDefinition, evaluation: Evaluation): Notice[] {
  if (flow.completion === 'propose-change') return evaluation.outcome.significant ? [{ kind: 'change-proposed' }] : [];
  if (flow.completion === 'apply-handover') return [{ kind: 'now-representative', person: evaluation.outcome.incoming as PersonRef }];
  if (flow.completion === 'finish-exit') return [{ kind: 'partnership-closed' }];
  return [];
}
