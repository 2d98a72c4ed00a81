import type { PartnershipStatus } from '../../domain/lifecycle';

/**
 * The Status Choice column's values: a fixed table inside the adapter, so that
 * rewording a card never breaks a read or a filter of the list (DOMAIN 4).
 * Changing a value here means migrating the list's items and views.
 */
export const STATUS_CHOICE: Readonly<Record<PartnershipStatus, string>> = {
  proposed: 'Awaiting approval',
  'changes-requested': 'Changes requested',
  active: 'Active',
  rejected: 'Rejected',
  exiting: 'Exiting',
  closed: 'Closed',
};

/**
 * The Partnership Records list's Type column: a fixed table of labels by the
 * record's kind (the form's id), for the same reason. A kind not in the table
 * (a form added since) is written as RECORD_TYPE_OTHER; its kind is kept
 * exactly in the Bot record.
 */
export const RECORD_TYPE_CHOICE: Readonly<Record<string, string>> = {
  assessment: 'Assessment',
  agreement: 'Agreement checklist',
  handover: 'Handover',
  exit: 'Exit and evaluation',
  change: 'Change',
};

export const RECORD_TYPE_OTHER = 'Other';

export function recordTypeLabel(kind: string): string {
  return Object.prototype.hasOwnProperty.call(RECORD_TYPE_CHOICE, kind) ? RECORD_TYPE_CHOICE[kind] : RECORD_TYPE_OTHER;
}
