import type { ApprovalRoute } from '../../domain/approval';
import type { Person } from '../../domain/records';
import type { ApprovalRouting } from '../../ports/approval-routing';

export interface RoutingSettings {
  readonly approvers: readonly string[];
  readonly secondStageApprovers: readonly string[];
  readonly localMode: boolean;
}

/**
 * Routes every proposal to the configured approvers; significant ones also to the
 * second stage when it is configured (DOMAIN 1.2). In local mode (no approvers,
 * not production) the proposer decides their own proposal.
 */
export class ConfigRouting implements ApprovalRouting {
  constructor(private readonly settings: RoutingSettings) {}

  async routeFor(proposer: Person, significant: boolean): Promise<ApprovalRoute> {
    const { approvers, secondStageApprovers, localMode } = this.settings;
    if (localMode) return { stages: [[proposer.id.toLowerCase()]], selfApprovalAllowed: true, routeNote: 'local-mode' };
    const stages = significant && secondStageApprovers.length > 0 ? [approvers, secondStageApprovers] : [approvers];
    return { stages, selfApprovalAllowed: false };
  }
}
