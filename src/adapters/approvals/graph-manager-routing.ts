import type { ApprovalRoute } from '../../domain/approval';
import type { Person } from '../../domain/records';
import type { ApprovalRouting } from '../../ports/approval-routing';
import type { Logger } from '../../logger';
import type { RoutingSettings } from './config-routing';

/** Gives a bearer token for Microsoft Graph (an @azure/identity credential in production). */
export type GraphToken = () => Promise<string>;

export interface GraphManagerOptions {
  /** https://graph.microsoft.com/v1.0 in production; a local double in tests. */
  readonly baseUrl: string;
  readonly token: GraphToken;
  readonly timeoutMs?: number;
}

/**
 * APPROVAL_ROUTE=manager: the proposer's line manager (Graph `GET /users/{id}/manager`)
 * approves the first stage. When Graph has no manager, or cannot be reached, the
 * configured APPROVERS decide instead and the card says so.
 */
export class GraphManagerRouting implements ApprovalRouting {
  constructor(
    private readonly settings: RoutingSettings,
    private readonly graph: GraphManagerOptions,
    private readonly logger: Logger,
  ) {}

  async routeFor(proposer: Person, significant: boolean): Promise<ApprovalRoute> {
    const secondStage = significant ? this.settings.secondStageApprovers : [];
    const manager = await this.managerOf(proposer.id);
    if (manager && manager !== proposer.id.toLowerCase()) {
      // One person, one decision: a manager who is also a second-stage approver decides the first stage only.
      const others = secondStage.filter((id) => id !== manager);
      if (secondStage.length === 0 || others.length > 0) {
        return { stages: [[manager], ...(others.length > 0 ? [others] : [])], selfApprovalAllowed: false };
      }
      return {
        stages: [this.settings.approvers, secondStage],
        selfApprovalAllowed: false,
        routeNote: 'manager-is-second-stage',
      };
    }
    return {
      stages: [this.settings.approvers, ...(secondStage.length > 0 ? [secondStage] : [])],
      selfApprovalAllowed: false,
      routeNote: 'no-manager',
    };
  }

  private async managerOf(userId: string): Promise<string | undefined> {
    try {
      const res = await fetch(`${this.graph.baseUrl.replace(/\/$/, '')}/users/${encodeURIComponent(userId)}/manager?$select=id`, {
        headers: { authorization: `Bearer ${await this.graph.token()}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.graph.timeoutMs ?? 5000),
      });
      if (res.status === 404) return undefined;
      if (!res.ok) {
        this.logger.warn({ status: res.status, userId }, 'Graph manager lookup failed');
        return undefined;
      }
      const body = (await res.json()) as { id?: unknown };
      return typeof body.id === 'string' && body.id ? body.id.toLowerCase() : undefined;
    } catch (err) {
      this.logger.warn({ err, userId }, 'Graph manager lookup failed');
      return undefined;
    }
  }
}
