import type { Person } from './person';

/**
 * DOMAIN 1.4: approvers decide from a card, exactly once per stage. Significant
 * partnerships go to a second stage when second-stage approvers are configured.
 */
export type Decision = 'approve' | 'request-changes' | 'reject';

/** Why the route is not the usual one, said on the card (views put it into words). */
export type RouteNote = 'local-mode' | 'no-manager' | 'manager-is-second-stage' | 'additional-funds';

/**
 * Whether a proposal goes to the senior management stage: when it is
 * significant (000 "Significant partnerships"), and when it needs additional
 * funds, whether or not it is significant (002 "Resource Implications": the
 * senior management team must agree).
 */
export function needsSeniorStage(significant: boolean, answers: Readonly<Record<string, string>>): boolean {
  return significant || (answers.funding ?? '').trim() === 'additional';
}

export interface ApprovalRoute {
  /** Entra object ids (or emails) who may decide at each stage; stage 1 first. */
  readonly stages: readonly (readonly string[])[];
  /** Local mode: the proposer may approve their own proposal (never in production). */
  readonly selfApprovalAllowed: boolean;
  /** Said on the card when the route fell back (e.g. no line manager found). */
  readonly routeNote?: RouteNote;
  /** Words stored by builds before route notes were codes; shown as they are. */
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

/** Entra object ids are GUIDs and emails are case-insensitive: people are compared without case. */
export function samePerson(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function listed(list: readonly string[], person: Person, knownEmails: readonly string[]): boolean {
  const ids = list.map((a) => a.toLowerCase());
  return ids.includes(person.id.toLowerCase()) || knownEmails.some((e) => ids.includes(e.toLowerCase()));
}

/**
 * The decision this person took at an earlier stage of the current round, if
 * any. A round is the run of approvals since the proposal was (re)submitted: it
 * holds only approvals of earlier stages, so it is the tail of the history.
 */
export function decidedThisRound(approval: ApprovalState, person: Person): DecisionRecord | undefined {
  for (let i = approval.history.length - 1; i >= 0; i--) {
    const record = approval.history[i];
    if (record.decision !== 'approve' || record.stage >= approval.stage) return undefined;
    if (samePerson(record.by.id, person.id)) return record;
  }
  return undefined;
}

/** What the configuration in force allows now, whatever a stored proposal says. */
export interface DecisionPolicy {
  /** Local mode (no bot identity, loopback only): a proposer may approve their own proposal. */
  readonly selfApprovalAllowed: boolean;
}

export type DecisionRefusal = 'NOT_AN_APPROVER' | 'DECIDED_EARLIER_STAGE' | 'RECORD_TAMPERED';

/** Why `person` may not decide this proposal now; undefined when they may. Checked on the server from stored data and configuration only. */
export function refusalToDecide(
  partnership: { readonly proposer: Person; readonly approval?: ApprovalState; readonly tampered?: boolean },
  person: Person,
  knownEmails: readonly string[],
  policy: DecisionPolicy,
): DecisionRefusal | undefined {
  const approval = partnership.approval;
  if (!approval) return 'NOT_AN_APPROVER';
  if (partnership.tampered) return 'RECORD_TAMPERED';
  if (decidedThisRound(approval, person)) return 'DECIDED_EARLIER_STAGE';
  if (samePerson(partnership.proposer.id, person.id)) {
    return approval.route.selfApprovalAllowed && policy.selfApprovalAllowed ? undefined : 'NOT_AN_APPROVER';
  }
  return listed(approversAt(approval.route, approval.stage), person, knownEmails) ? undefined : 'NOT_AN_APPROVER';
}

export function mayDecide(
  partnership: { readonly proposer: Person; readonly approval?: ApprovalState; readonly tampered?: boolean },
  person: Person,
  knownEmails: readonly string[],
  policy: DecisionPolicy,
): boolean {
  return refusalToDecide(partnership, person, knownEmails, policy) === undefined;
}

/**
 * Who may see a proposal's answers: its proposer, its approvers (every stage,
 * and whoever decided an earlier round), and the register owners. A record
 * whose authorising fields were altered outside the bot is shown to the
 * register owners only.
 */
export function mayView(
  partnership: { readonly proposer: Person; readonly approval?: ApprovalState; readonly tampered?: boolean },
  person: Person,
  knownEmails: readonly string[],
  registerOwners: readonly string[],
): boolean {
  if (listed(registerOwners, person, knownEmails)) return true;
  if (partnership.tampered) return false;
  if (samePerson(partnership.proposer.id, person.id)) return true;
  const approval = partnership.approval;
  if (!approval) return false;
  if (approval.route.stages.some((stage) => listed(stage, person, knownEmails))) return true;
  return approval.history.some((r) => samePerson(r.by.id, person.id));
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
