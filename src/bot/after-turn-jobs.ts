import { changeOn } from '../use-cases/decide-change';
import type { Notice } from '../domain/form-outcomes';
import type { Partnership } from '../domain/records';
import type { ChangeProposal } from '../domain/change';
import type { JobSpec } from '../ports/jobs';
import type { Completed } from '../use-cases/form-flow';
import { announceChangeDecision, sendFormNotices, tellOwnersOfTampering, type NotifyDeps } from './notifications';

/**
 * The rest of the work after a turn, as durable jobs (like the approval
 * cards): a completed form's notices, a change decision's announcements, and
 * the register owners' note on a tampered item. Each job carries ids only and
 * reads the register again when it runs, so a crash after the answer loses
 * none of it and a restart runs it once.
 */
export const FORM_NOTICES_JOB = 'form-notices';
export const CHANGE_DECISION_JOB = 'announce-change-decision';
export const TAMPERED_JOB = 'tell-owners-tampered';

export function formNoticesJob(completed: Completed): JobSpec {
  return {
    key: `${FORM_NOTICES_JOB}:${completed.record.id}`,
    kind: FORM_NOTICES_JOB,
    payload: { entryId: completed.entry.id, byName: completed.record.by.name, notices: completed.notices.map((n) => ({ ...n })) },
  };
}

export async function deliverFormNotices(deps: NotifyDeps, payload: Readonly<Record<string, unknown>>): Promise<void> {
  const entry = typeof payload.entryId === 'string' ? await deps.register.get(payload.entryId) : undefined;
  if (!entry || !Array.isArray(payload.notices)) return;
  await sendFormNotices(deps, entry, payload.notices as Notice[], typeof payload.byName === 'string' ? payload.byName : '');
}

/** One job per decision taken on a change (each decision adds to its history). */
export function changeDecisionJob(entry: Partnership, change: ChangeProposal, exceptActivityId: string | undefined): JobSpec {
  return {
    key: `${CHANGE_DECISION_JOB}:${entry.id}:${change.id}:${change.approval.history.length}`,
    kind: CHANGE_DECISION_JOB,
    payload: { entryId: entry.id, changeId: change.id, ...(exceptActivityId ? { exceptActivityId } : {}) },
  };
}

export async function deliverChangeDecision(deps: NotifyDeps, payload: Readonly<Record<string, unknown>>): Promise<void> {
  const entry = typeof payload.entryId === 'string' ? await deps.register.get(payload.entryId) : undefined;
  const change = entry && typeof payload.changeId === 'string' ? changeOn(entry, payload.changeId) : undefined;
  if (!entry || !change) return;
  await announceChangeDecision(deps, entry, change, typeof payload.exceptActivityId === 'string' ? payload.exceptActivityId : undefined);
}

/** The owners are told once per altered version of an item (its etag), however many decisions it refuses. */
export function tamperedJob(p: Partnership): JobSpec {
  return { key: `${TAMPERED_JOB}:${p.id}:${p.etag}`, kind: TAMPERED_JOB, payload: { partnershipId: p.id } };
}

export async function deliverTamperedNote(deps: NotifyDeps, payload: Readonly<Record<string, unknown>>): Promise<void> {
  const p = typeof payload.partnershipId === 'string' ? await deps.register.get(payload.partnershipId) : undefined;
  if (p?.tampered) await tellOwnersOfTampering(deps, p);
}
