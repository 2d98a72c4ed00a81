import type { ChangeProposal, ChangeableField } from '../domain/change';
import type { Partnership } from '../domain/records';
import { describeDecision } from './approval-views';
import { viewText, type Locale } from './catalogue';
import { formatDate } from './journey-views';
import { expandCard, type Card } from './templates';

const VALUE_LIMIT = 600;
const MAX_REFRESH_USERS = 60;

function shown(field: ChangeableField, value: string, locale: Locale): string {
  if (value.trim() === '') return viewText(locale).notGiven;
  if (field === 'financialContribution' && Number.isFinite(Number(value.replace(/,/g, '')))) return `£${Number(value.replace(/,/g, '')).toLocaleString('en-GB', { maximumFractionDigits: 2 })}`;
  if (field === 'proposedEndDate') return formatDate(value);
  const text = value.replace(/\r?\n/g, '; ');
  return text.length > VALUE_LIMIT ? `${text.slice(0, VALUE_LIMIT - 1)}…` : text;
}

export interface ChangeViewer {
  readonly canDecide: boolean;
  readonly notice?: string;
  readonly comment?: string;
  readonly error?: string;
}

/** The change card: each old and new value, the reason, and the buttons for someone who may decide now. */
export function renderChangeApproval(entry: Partnership, change: ChangeProposal, viewer: ChangeViewer, refreshUserIds: readonly string[] = [], locale: Locale = 'en'): Card {
  const w = viewText(locale);
  const pending = change.decided === undefined && entry.pendingChange?.id === change.id;
  const last = change.decided ?? change.approval.last;
  const stages = change.approval.route.stages.length;
  return expandCard('change-approval', {
    heading: viewer.notice ?? (pending ? w.changeForApproval : w.changeDecided),
    name: entry.name,
    entryId: entry.id,
    changeId: change.id,
    reference: entry.reference ?? '',
    proposer: change.by.name,
    proposedOn: formatDate(change.at),
    stage: w.stageOf(Math.min(change.approval.stage, stages), stages),
    stageNumber: change.approval.stage,
    reason: change.reason,
    statusText: pending ? (last ? w.waitingForNextStage(describeDecision(last, locale)) : w.waitingForDecision) : last ? describeDecision(last, locale) : w.decided,
    statusTone: pending ? 'emphasis' : change.decided?.decision === 'approve' ? 'good' : 'attention',
    decisionComment: change.decided?.comment ?? '',
    changes: change.changes.map((c) => ({ label: w.changeField[c.field], before: shown(c.field, c.before, locale), after: shown(c.field, c.after, locale) })),
    canDecide: pending && viewer.canDecide,
    comment: viewer.comment ?? '',
    error: viewer.error ?? '',
    refreshUserIds: pending ? refreshUserIds.slice(0, MAX_REFRESH_USERS) : [],
  }, locale);
}
