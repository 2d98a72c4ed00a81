import { refusalToDecide, type Decision, type DecisionPolicy, type DecisionRecord } from '../domain/approval';
import { applyChanges, type ChangeProposal } from '../domain/change';
import { VersionConflictError, type ErrorCode } from '../domain/errors';
import type { Partnership, Person } from '../domain/records';
import type { AuditLog } from '../ports/audit-log';
import type { Clock } from '../ports/clock';
import type { Records } from '../ports/records';
import type { Register } from '../ports/register';
import { checkComment, type CommentProblem } from './decide-proposal';

/**
 * A significant change to a register entry, decided by the approvers from a
 * card exactly as a proposal is: once, by the first writer (the entry's ETag),
 * by someone on the current stage who took no earlier decision in the round.
 * Approved, the new values are applied; rejected, the entry stays as it was.
 * Either way the change moves to the entry's change log and a record is kept.
 */
export interface DecideChangeDeps {
  readonly register: Register;
  readonly records: Records;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly policy: DecisionPolicy;
}

export interface DecideChangeRequest {
  readonly entryId: string;
  readonly changeId: string;
  readonly decision: Extract<Decision, 'approve' | 'reject'>;
  readonly comment: string;
  readonly stage: number | undefined;
}

export type DecideChangeResult =
  | { readonly kind: 'decided'; readonly entry: Partnership; readonly change: ChangeProposal }
  | { readonly kind: 'already-decided'; readonly entry: Partnership; readonly change?: ChangeProposal }
  | { readonly kind: 'invalid'; readonly entry: Partnership; readonly change: ChangeProposal; readonly problem: CommentProblem }
  | { readonly kind: 'refused'; readonly code: ErrorCode; readonly entry?: Partnership; readonly change?: ChangeProposal };

/** The change a card names: waiting, or already in the entry's log. */
export function changeOn(entry: Partnership, changeId: string): ChangeProposal | undefined {
  if (entry.pendingChange?.id === changeId) return entry.pendingChange;
  return entry.changeLog?.find((c) => c.id === changeId);
}

export async function decideChange(deps: DecideChangeDeps, person: Person, request: DecideChangeRequest, knownEmails: readonly string[] = []): Promise<DecideChangeResult> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const entry = await deps.register.get(request.entryId);
    if (!entry) return { kind: 'refused', code: 'ENTRY_NOT_FOUND' };
    const pending = entry.pendingChange?.id === request.changeId ? entry.pendingChange : undefined;
    if (!pending) return { kind: 'already-decided', entry, change: changeOn(entry, request.changeId) };
    if (request.stage !== pending.approval.stage) return { kind: 'refused', code: 'STAGE_MOVED_ON', entry, change: pending };
    const refusal = refusalToDecide({ proposer: pending.by, approval: pending.approval, tampered: entry.tampered }, person, knownEmails, deps.policy);
    if (refusal) return { kind: 'refused', code: refusal, entry, change: pending };
    const comment = request.comment.trim();
    const problem = checkComment(request.decision, comment);
    if (problem) return { kind: 'invalid', entry, change: pending, problem };

    const at = deps.clock.now().toISOString();
    const record: DecisionRecord = { stage: pending.approval.stage, decision: request.decision, by: person, at, comment };
    const approval = { ...pending.approval, history: [...pending.approval.history, record], last: record };
    const moreStages = request.decision === 'approve' && pending.approval.stage < pending.approval.route.stages.length;
    const decided: ChangeProposal = moreStages ? { ...pending, approval: { ...approval, stage: pending.approval.stage + 1 } } : { ...pending, approval, decided: record };
    let changed: Partnership;
    if (moreStages) changed = { ...entry, updatedAt: at, pendingChange: decided };
    else {
      const lead = pending.changes.find((c) => c.field === 'leadOfficer');
      const applied = request.decision === 'approve' ? { answers: applyChanges(entry.answers, pending.changes), ...(lead ? { leadOfficer: lead.after } : {}) } : {};
      changed = { ...entry, ...applied, updatedAt: at, pendingChange: undefined, changeLog: [...(entry.changeLog ?? []), decided] };
    }
    let saved: Partnership;
    try {
      saved = await deps.register.update(changed);
    } catch (err) {
      if (err instanceof VersionConflictError) continue;
      throw err;
    }
    await deps.audit.append({ subjectId: entry.id, at, actor: person, action: `change.${request.decision}`, comment, data: { changeId: pending.id, fields: pending.changes.map((c) => c.field) } });
    if (!moreStages) {
      await deps.records.add(
        {
          id: `${pending.id}:decision`,
          kind: 'change',
          subjectId: entry.id,
          reference: entry.reference,
          at,
          by: person,
          flowId: 'change',
          flowVersion: 1,
          summary: `${pending.changes.map((c) => c.field).join(', ')} ${request.decision === 'approve' ? 'approved and applied' : 'rejected'}`,
          decision: request.decision,
          outcome: { changes: pending.changes, reason: pending.reason, proposedBy: pending.by, comment },
          answers: {},
        },
        `change-decision:${pending.id}`,
      );
    }
    return { kind: 'decided', entry: saved, change: decided };
  }
  return { kind: 'refused', code: 'VERSION_CONFLICT' };
}
