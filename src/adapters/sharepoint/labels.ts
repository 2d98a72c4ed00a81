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
