import type { ApprovalRoute } from '../domain/approval';
import type { Person } from '../domain/records';

/** Who decides a proposal: from configuration, or the proposer's line manager. */
export interface ApprovalRouting {
  /** `seniorStage`: whether the second (senior management) stage applies, when one is configured (domain/approval needsSeniorStage). */
  routeFor(proposer: Person, seniorStage: boolean): Promise<ApprovalRoute>;
}
