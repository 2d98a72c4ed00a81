import type { ApprovalState, DecisionRecord } from './approval';
import type { Person } from './person';
import { parseAmount, type RawAnswers } from './questionnaire';

/**
 * DOMAIN 1.5, "Changes": a change of funding, purpose, partners or lead
 * officer is significant and goes back to the approvers, who see each old and
 * new value; any other change is applied at once and recorded with who and when.
 */
export const CHANGEABLE = [
  { field: 'financialContribution', from: 'newFinancialContribution', significant: true },
  { field: 'aims', from: 'newAims', significant: true },
  { field: 'partnerOrganisations', from: 'newPartnerOrganisations', significant: true },
  { field: 'leadOfficer', from: 'newLeadOfficer', significant: true },
  { field: 'meetingLocation', from: 'newMeetingLocation', significant: false },
  { field: 'proposedEndDate', from: 'newProposedEndDate', significant: false },
] as const;

export type ChangeableField = (typeof CHANGEABLE)[number]['field'];

export interface FieldChange {
  readonly field: ChangeableField;
  readonly before: string;
  readonly after: string;
}

export interface ChangeProposal {
  readonly id: string;
  readonly changes: readonly FieldChange[];
  readonly reason: string;
  readonly by: Person;
  readonly at: string;
  readonly approval: ApprovalState;
  /** Set once decided; the proposal then moves to the entry's change log. */
  readonly decided?: DecisionRecord;
}

function normal(field: ChangeableField, value: string): string {
  const v = value.trim();
  if (field === 'financialContribution') return String(parseAmount(v) ?? v);
  return field === 'leadOfficer' ? v.toLowerCase() : v;
}

/** What the form's answers would change on the entry: only fields given and different. */
export function changesOf(entryAnswers: RawAnswers, answers: RawAnswers): FieldChange[] {
  return CHANGEABLE.flatMap(({ field, from }) => {
    const after = normal(field, answers[from] ?? '');
    const before = (entryAnswers[field] ?? '').trim();
    return after !== '' && after !== normal(field, before) ? [{ field, before, after }] : [];
  });
}

export function isSignificantChange(changes: readonly FieldChange[]): boolean {
  return changes.some((c) => CHANGEABLE.find((k) => k.field === c.field)?.significant);
}

/** The entry's answers with the changes applied (the lead officer also sits on the entry itself). */
export function applyChanges(entryAnswers: RawAnswers, changes: readonly FieldChange[]): Record<string, string> {
  return { ...entryAnswers, ...Object.fromEntries(changes.map((c) => [c.field, c.after])) };
}
