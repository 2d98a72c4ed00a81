import type { DecisionRecord } from '../domain/approval';
import { routeNoteText, say, screeningReasonText, significanceReasonTexts, STATUS_LABEL, type Locale } from './catalogue';
import type { Journey } from '../domain/journey';
import { displayAnswer, type Question } from '../domain/questionnaire';
import { isPendingSync, type Partnership } from '../domain/records';
import { formatDate } from './journey-views';
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

function clip(text: string): string {
  return text.length > VALUE_LIMIT ? `${text.slice(0, VALUE_LIMIT - 1)}…` : text;
}

export function describeDecision(record: DecisionRecord, locale: Locale = 'en'): string {
  const decided = say(locale, 'decided')(record.decision);
  return `${decided[0].toUpperCase()}${decided.slice(1)} by ${record.by.name} on ${formatDate(record.at)}`;
}

function statusOf(p: Partnership): { text: string; tone: string } {
  const last = p.approval?.last;
  switch (p.status) {
    case 'proposed':
      return { text: last ? `Stage 1 approved; waiting for the second stage (${describeDecision(last)})` : 'Waiting for a decision', tone: 'emphasis' };
    case 'active':
      return { text: last ? `${describeDecision(last)}. Reference ${p.reference ?? ''}` : 'Active', tone: 'good' };
    case 'rejected':
      return { text: last ? describeDecision(last) : 'Rejected', tone: 'attention' };
    case 'changes-requested':
      return { text: last ? describeDecision(last) : 'Sent back for changes', tone: 'warning' };
    default:
      return { text: STATUS_LABEL[p.status], tone: 'default' };
  }
}

/** User MRIs for the card's refresh list: the Teams id when known, else the Entra form. */
export function refreshIdsFor(approverIds: readonly string[], channelIds: ReadonlyMap<string, string>): string[] {
  return approverIds.map((id) => channelIds.get(id) ?? (/^[0-9a-f-]{36}$/i.test(id) ? `8:orgid:${id}` : id)).slice(0, MAX_REFRESH_USERS);
}

export function renderApproval(journey: Journey, p: Partnership, viewer: ApprovalViewer, refreshUserIds: readonly string[]): Card {
  const questions = new Map<string, Question>(journey.registration.sections.flatMap((s) => s.questions.map((q) => [q.id, q] as const)));
  const status = statusOf(p);
  const pending = p.status === 'proposed';
  const stages = p.approval?.route.stages.length ?? 1;
  return expandCard('approval', {
    heading: viewer.notice ?? (pending ? 'Proposal for approval' : 'Proposal decided'),
    name: p.name,
    proposalId: p.id,
    draftId: p.draftId,
    statusText: status.text,
    statusTone: status.tone,
    decisionComment: p.approval?.last?.comment ?? '',
    note: [routeNoteText(p.approval?.route), isPendingSync(p) ? say('en', 'pendingSyncOnCard') : ''].filter((n) => n !== '').join(' '),
    proposer: p.proposer.name,
    submitted: formatDate(p.submittedAt),
    category: displayAnswer(questions.get('category')!, p.category) || p.category,
    stage: `${Math.min(p.approval?.stage ?? 1, stages)} of ${stages}`,
    stageNumber: p.approval?.stage ?? 1,
    reference: p.reference ?? 'Given on approval',
    screening: { partnership: 'a partnership', possible: 'possibly a partnership (your judgement is needed)', 'not-a-partnership': 'not a partnership' }[p.screening.outcome],
    screeningReasons: p.screening.reasons.map(screeningReasonText),
    significance: p.significant ? 'yes' : 'no',
    significanceReasons: significanceReasonTexts(journey, p.significance),
    answers: KEY_QUESTIONS.filter((id) => questions.has(id) && (p.answers[id] ?? '') !== '').map((id) => ({
      label: questions.get(id)!.label,
      value: clip(displayAnswer(questions.get(id)!, p.answers[id], p.people)),
    })),
    history: (p.approval?.history ?? []).map((r) => clip(`${describeDecision(r)}${r.comment ? `: ${r.comment}` : ''}`)),
    canDecide: pending && viewer.canDecide,
    canContinueDraft: p.status === 'changes-requested' && viewer.isProposer === true,
    comment: viewer.comment ?? '',
    error: viewer.error ?? '',
    refreshUserIds: pending ? refreshUserIds : [],
  });
}

export function renderPendingApprovals(items: readonly Partnership[]): Card {
  const shown = items.slice(0, 20);
  return expandCard('pending-approvals', {
    items: shown.map((p) => ({
      id: p.id,
      name: p.name,
      detail: `From ${p.proposer.name}, submitted ${formatDate(p.submittedAt)}${p.significant ? ' - significant' : ''}`,
    })),
    more: items.length > shown.length ? `${items.length - shown.length} more are waiting.` : '',
  });
}
