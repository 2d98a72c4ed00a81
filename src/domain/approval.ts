import type { Person } from './person';

/**
 * DOMAIN 1.4: approvers decide from a card, exactly once per stage. Significant
 * partnerships go to a second stage when second-stage approvers are configured.
 */
export type Decision = 'approve' | 'request-changes' | 'reject';

export interface ApprovalRoute {
  /** Entra object ids (or emails) who may decide at each stage; stage 1 first. */
  readonly stages: readonly (readonly string[])[];
  /** Local mode: the proposer may approve their own proposal (never in production). */
  readonly selfApprovalAllowed: boolean;
  /** Said on the card when the route fell back (e.g. no line manager found). */
  readonly note?: string;
}

export interface DecisionRecord {
  readonly stage: number;
  readonly decision: Decision;
  readonly by: Person;
  readonly at: string;
  readonly comment: string;
}

export interface ApprovalState {
  readonly route: ApprovalRoute;
  /** 1-based stage now waiting for a decision. */
  readonly stage: number;
  /** Every decision taken, oldest first, across resubmissions. */
  readonly history: readonly DecisionRecord[];
  /** The decision that ended the current round, if any. */
  readonly last?: DecisionRecord;
}

export function approversAt(route: ApprovalRoute, stage: number): readonly string[] {
  return route.stages[stage - 1] ?? [];
}

/** Whether `person` may decide this proposal now. Checked on the server from stored data only. */
export function mayDecide(partnership: { readonly proposer: Person; readonly approval?: ApprovalState }, person: Person, knownEmails: readonly string[] = []): boolean {
  const approval = partnership.approval;
  if (!approval) return false;
  const isProposer = partnership.proposer.id === person.id;
  if (isProposer && approval.route.selfApprovalAllowed) return true;
  if (isProposer) return false;
  const allowed = approversAt(approval.route, approval.stage).map((a) => a.toLowerCase());
  return allowed.includes(person.id.toLowerCase()) || knownEmails.some((e) => allowed.includes(e.toLowerCase()));
}

export const REFERENCE_PATTERN = /^PR-(\d{4})-(\d{3,})$/;

/** `PR-2026-014`: sequential within the year, at least three digits. */
export function formatReference(year: number, sequence: number): string {
  return `PR-${year}-${String(sequence).padStart(3, '0')}`;
}

export function sequenceOf(reference: string | undefined, year: number): number {
  const m = reference ? REFERENCE_PATTERN.exec(reference) : null;
  return m && Number(m[1]) === year ? Number(m[2]) : 0;
}

/** The date of the next annual review: the approval date plus the review interval, clamped to month end. */
export function nextReviewDue(approvedAtIso: string, months: number): string {
  const at = new Date(approvedAtIso);
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const due = new Date(Date.UTC(year, month, Math.min(at.getUTCDate(), lastDay)));
  return due.toISOString().slice(0, 10);
}

export const DECISION_LABEL: Readonly<Record<Decision, string>> = {
  approve: 'approved',
  'request-changes': 'sent back for changes',
  reject: 'rejected',
};
