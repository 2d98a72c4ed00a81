import type { ApprovalRoute } from '../domain/approval';
import type { Person } from '../domain/records';

/** Who decides a proposal: from configuration, or the proposer's line manager. */
export interface ApprovalRouting {
  routeFor(proposer: Person, significant: boolean): Promise<ApprovalRoute>;
}
