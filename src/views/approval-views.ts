import type { DecisionRecord } from '../domain/approval';
import { routeNoteText, say, screeningReasonText, significanceReasonTexts, STATUS_LABEL, viewText, type Locale } from './catalogue';
import type { Journey } from '../domain/journey';
import { displayAnswer, type Question } from '../domain/questionnaire';
import { isPendingSync, type Partnership } from '../domain/records';
import { clip, formatDate } from './journey-views';
import { expandCard, type Card } from './templates';

/** The answers an approver needs at a glance; the full record is on the register. */
const KEY_QUESTIONS = ['accountableBody', 'partnerOrganisations', 'aims', 'anticipatedOutcomes', 'leadOfficer', 'financialContribution', 'funding', 'agreementInPlace', 'risks'];
const VALUE_LIMIT = 400;
/** Teams refreshes a card automatically for at most 60 listed users. */
const MAX_REFRESH_USERS = 60;

export interface ApprovalViewer {
  readonly canDecide: boolean;
  readonly comment?: string;
  readonly error?: string;
  /** Shown above everything else, e.g. "Already approved by ...". */
  readonly notice?: string;
  /** The proposer may reopen their draft after "request changes". */
  readonly isProposer?: boolean;
}

export function describeDecision(record: DecisionRecord, locale: Locale = 'en'): string {
  const decided = say(locale, 'decided')(record.decision);
  return viewText(locale).decidedBy(`${decided[0].toUpperCase()}${decided.slice(1)}`, record.by.name, formatDate(record.at));
}

function statusOf(p: Partnership, locale: Locale): { text: string; tone: string } {
  const w = viewText(locale);
  const last = p.approval?.last;
  const described = last ? describeDecision(last, locale) : undefined;
  switch (p.status) {
    case 'proposed':
      return { text: described ? w.firstStageApproved(described) : w.waitingForDecision, tone: 'emphasis' };
    case 'active':
      return { text: described ? w.approvedWithReference(described, p.reference ?? '') : w.active, tone: 'good' };
    case 'rejected':
      return { text: described ?? w.rejected, tone: 'attention' };
    case 'changes-requested':
      return { text: described ?? w.sentBack, tone: 'warning' };
    default:
      return { text: STATUS_LABEL[p.status], tone: 'default' };
  }
}

/** User MRIs for the card's refresh list: the Teams id when known, else the Entra form. */
export function refreshIdsFor(approverIds: readonly string[], channelIds: ReadonlyMap<string, string>): string[] {
  return approverIds.map((id) => channelIds.get(id) ?? (/^[0-9a-f-]{36}$/i.test(id) ? `8:orgid:${id}` : id)).slice(0, MAX_REFRESH_USERS);
}

export function renderApproval(journey: Journey, p: Partnership, viewer: ApprovalViewer, refreshUserIds: readonly string[], locale: Locale = 'en'): Card {
  const w = viewText(locale);
  const questions = new Map<string, Question>(journey.registration.sections.flatMap((s) => s.questions.map((q) => [q.id, q] as const)));
  const status = statusOf(p, locale);
  const pending = p.status === 'proposed';
  const stages = p.approval?.route.stages.length ?? 1;
  return expandCard('approval', {
    heading: viewer.notice ?? (pending ? w.proposalForApproval : w.proposalDecided),
    name: p.name,
    proposalId: p.id,
    draftId: p.draftId,
    statusText: status.text,
    statusTone: status.tone,
    decisionComment: p.approval?.last?.comment ?? '',
    note: [routeNoteText(p.approval?.route, locale), isPendingSync(p) ? say(locale, 'pendingSyncOnCard') : ''].filter((n) => n !== '').join(' '),
    proposer: p.proposer.name,
    submitted: formatDate(p.submittedAt),
    category: displayAnswer(questions.get('category')!, p.category) || p.category,
    stage: w.stageOf(Math.min(p.approval?.stage ?? 1, stages), stages),
    stageNumber: p.approval?.stage ?? 1,
    reference: p.reference ?? w.givenOnApproval,
    screening: w.screeningForApprover[p.screening.outcome],
    screeningReasons: p.screening.reasons.map(screeningReasonText),
    significance: p.significant ? w.yesLower : w.noLower,
    significanceReasons: significanceReasonTexts(journey, p.significance),
    answers: KEY_QUESTIONS.filter((id) => questions.has(id) && (p.answers[id] ?? '') !== '').map((id) => ({
      label: questions.get(id)!.label,
      value: clip(displayAnswer(questions.get(id)!, p.answers[id], p.people), VALUE_LIMIT),
    })),
    history: (p.approval?.history ?? []).map((r) => clip(`${describeDecision(r, locale)}${r.comment ? `: ${r.comment}` : ''}`, VALUE_LIMIT)),
    canDecide: pending && viewer.canDecide,
    canContinueDraft: p.status === 'changes-requested' && viewer.isProposer === true,
    comment: viewer.comment ?? '',
    error: viewer.error ?? '',
    refreshUserIds: pending ? refreshUserIds : [],
  }, locale);
}

export function renderPendingApprovals(items: readonly Partnership[], locale: Locale = 'en'): Card {
  const w = viewText(locale);
  const shown = items.slice(0, 20);
  return expandCard('pending-approvals', {
    items: shown.map((p) => ({
      id: p.id,
      name: p.name,
      detail: w.pendingDetail(p.proposer.name, formatDate(p.submittedAt), p.significant),
    })),
    more: items.length > shown.length ? w.moreWaiting(items.length - shown.length) : '',
  }, locale);
}
