/**
 * DOMAIN 2: draft -> (screened-out) | proposed -> changes-requested -> proposed ...
 * -> active | rejected; active -> exiting -> closed. Every transition is recorded
 * with who, when and a comment; anything else is refused.
 */
export type PartnershipStatus = 'proposed' | 'changes-requested' | 'active' | 'rejected' | 'exiting' | 'closed';
export type DraftStatus = 'draft' | 'screened-out' | 'submitted';

const ALLOWED: Readonly<Record<PartnershipStatus, readonly PartnershipStatus[]>> = {
  proposed: ['active', 'rejected', 'changes-requested'],
  'changes-requested': ['proposed'],
  active: ['exiting'],
  rejected: [],
  exiting: ['closed'],
  closed: [],
};

export function canTransition(from: PartnershipStatus, to: PartnershipStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** An entry in a new status, through the transition table (DOMAIN 2): unchanged when already there, refused when illegal. */
export function withStatus<T extends { readonly status: PartnershipStatus }>(entry: T, status: PartnershipStatus): T | 'ILLEGAL_TRANSITION' {
  if (status === entry.status) return entry;
  return canTransition(entry.status, status) ? { ...entry, status } : 'ILLEGAL_TRANSITION';
}
