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

/**
 * The Category Choice column's values, by category code, in 002's priority
 * order (statutory first). Fixed here, not taken from the registration card's
 * words, so rewording a choice on the card never breaks reading an item or a
 * view. A category added to the questionnaire later gets a column value from
 * its card title and rank (see schema.ts rankedChoices).
 */
export const CATEGORY_CHOICE: Readonly<Record<string, string>> = {
  statutory: '1. Statutory',
  community: '2. Non-statutory: community-based',
  network: '3. Non-statutory: network group or forum',
};
