import { VersionConflictError, type ErrorCode } from '../domain/errors';
import { firstStep, stepAt, type FlowDefinition } from '../domain/flow';
import { COMPLETIONS, EVALUATORS, noticesOf, type Evaluation, type Notice } from '../domain/form-outcomes';
import { withStatus } from '../domain/lifecycle';
import type { Draft, Partnership, PartnershipRecord, Person } from '../domain/records';
import { roleOn } from '../domain/roles';
import type { ApprovalRouting } from '../ports/approval-routing';
import type { AuditLog } from '../ports/audit-log';
import type { Clock } from '../ports/clock';
import type { Drafts } from '../ports/drafts';
import type { IdGenerator } from '../ports/ids';
import type { PeopleDirectory } from '../ports/people-directory';
import type { Records } from '../ports/records';
import type { Register } from '../ports/register';
import { findEntries } from './partnership-entries';
import { firstInvalid, save, type FlowHooks, type Shown } from './flow-runner';

export type { Notice } from '../domain/form-outcomes';

/**
 * The forms after approval (DOMAIN 1.5-1.7), run by one engine: start for a
 * register entry (checking who may and whether its status allows it), walk the
 * sections with validation, save and resume, a summary with Edit, and on
 * completion the flow's evaluator and completion, a Partnership Record and an
 * audit entry. Responses are Drafts with a `flowId`, so they share the store,
 * its versions and every card verb with the proposal journey.
 */
export interface FormDeps {
  readonly flows: ReadonlyMap<string, FlowDefinition>;
  readonly drafts: Drafts;
  readonly register: Register;
  readonly records: Records;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly reviewIntervalMonths: number;
  readonly registerOwners: readonly string[];
  /** Who decides a significant change: the same routing as proposals. */
  readonly routing: ApprovalRouting;
  /** Who the person questions name (Entra ids, emails typed). */
  readonly people: PeopleDirectory;
}


/** What a completed form changed, for the person's confirmation card. */
export interface Completed {
  readonly entry: Partnership;
  readonly record: PartnershipRecord;
  readonly notices: readonly Notice[];
}

export type FormResult =
  | Shown
  | { readonly kind: 'completed'; readonly flow: FlowDefinition; readonly draft: Draft; readonly completed: Completed }
  | { readonly kind: 'pick'; readonly flow: FlowDefinition; readonly entries: readonly Partnership[] }
  | { readonly kind: 'refused'; readonly code: ErrorCode; readonly entry?: Partnership };



function refusalToStart(flow: FlowDefinition, entry: Partnership, person: Person, emails: readonly string[], owners: readonly string[]): ErrorCode | undefined {
  if (!roleOn(entry, person, emails, owners)) return 'NOT_ON_THIS_ENTRY';
  if (!flow.startableIn.includes(entry.status)) return 'FORM_NOT_AVAILABLE';
  return undefined;
}

/** `review PR-2026-001`: one entry starts (or resumes) the form; several offer a pick list. */
export async function startFormFor(deps: FormDeps, person: Person, emails: readonly string[], flowId: string, query: string): Promise<FormResult> {
  const flow = deps.flows.get(flowId);
  if (!flow) return { kind: 'refused', code: 'FORM_NOT_AVAILABLE' };
  const entries = await findEntries(deps.register, query);
  if (entries.length === 0) return { kind: 'refused', code: 'ENTRY_NOT_FOUND' };
  if (entries.length > 1) return { kind: 'pick', flow, entries };
  return startForm(deps, person, emails, flowId, entries[0].id);
}

/** Starts the form for one entry, or resumes this person's unfinished response to it. */
export async function startForm(deps: FormDeps, person: Person, emails: readonly string[], flowId: string, entryId: string): Promise<FormResult> {
  const flow = deps.flows.get(flowId);
  if (!flow) return { kind: 'refused', code: 'FORM_NOT_AVAILABLE' };
  const entry = await deps.register.get(entryId);
  if (!entry) return { kind: 'refused', code: 'ENTRY_NOT_FOUND' };
  const refusal = refusalToStart(flow, entry, person, emails, deps.registerOwners);
  if (refusal) return { kind: 'refused', code: refusal, entry };
  const open = (await deps.drafts.listByOwner(person.id)).find((d) => d.flowId === flowId && d.subjectId === entryId && d.status === 'draft');
  if (open) return { kind: 'step', flow, draft: { ...open, step: stepAt(flow, open.step).key } };
  const started = await applyStart(deps, flow, entry, person);
  if (typeof started === 'string') return { kind: 'refused', code: started, entry };
  const now = deps.clock.now().toISOString();
  const draft = await deps.drafts.create({
    id: deps.ids.next(),
    flowId,
    flowVersion: flow.version,
    subjectId: entryId,
    subjectTitle: [entry.reference, entry.name].filter(Boolean).join(' '),
    ownerId: person.id,
    ownerName: person.name,
    status: 'draft',
    answers: {},
    step: firstStep(flow).key,
    returnToSummary: false,
    createdAt: now,
    updatedAt: now,
  });
  await deps.audit.append({ subjectId: entryId, at: now, actor: person, action: `${flowId}.started`, data: { responseId: draft.id } });
  return { kind: 'step', flow, draft };
}

export function formHooks(deps: FormDeps, emails: readonly string[]): FlowHooks<FormResult> {
  return { complete: (person, flow, draft) => completeForm(deps, person, emails, flow, draft) };
}

/** What starting a form does to its entry before the first card (an exit marks the entry exiting). */
async function applyStart(deps: FormDeps, flow: FlowDefinition, entry: Partnership, person: Person): Promise<Partnership | ErrorCode> {
  if (flow.onStart !== 'start-exit' || entry.status === 'exiting') return entry;
  for (let attempt = 0, current = entry; attempt < 5; attempt++) {
    const exiting = withStatus(current, 'exiting');
    if (typeof exiting === 'string') return exiting;
    try {
      const at = deps.clock.now().toISOString();
      const saved = await deps.register.update({ ...exiting, updatedAt: at });
      await deps.audit.append({ subjectId: entry.id, at, actor: person, action: 'partnership.exiting', data: { from: current.status } });
      return saved;
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
      const again = await deps.register.get(entry.id);
      if (!again) return 'ENTRY_NOT_FOUND';
      if (again.status === 'exiting') return again;
      current = again;
    }
  }
  return 'VERSION_CONFLICT';
}

async function completeForm(deps: FormDeps, person: Person, emails: readonly string[], flow: FlowDefinition, draft: Draft): Promise<FormResult> {
  const { evaluator, completion } = flow;
  // Only a form after approval reaches here (loadFlows holds no other); the proposal completes by submitting.
  if (!evaluator || completion === 'submit-for-approval') return { kind: 'refused', code: 'FORM_NOT_AVAILABLE' };
  const invalid = firstInvalid(flow, draft.answers);
  if (invalid) {
    const saved = await save(deps, flow, draft, { step: invalid.step.key, returnToSummary: true });
    return saved.ok ? { kind: 'step', flow, draft: saved.draft, errors: invalid.errors } : saved.result;
  }
  // The record is written after the entry changed, under an id of the response's own: if it is there, a
  // completion that lost its answer (or crashed before marking the response done) is finished, not repeated.
  const recordId = `${flow.id}:${draft.id}`;
  const done = (await deps.records.listFor(draft.subjectId ?? '')).find((r) => r.id === recordId);
  if (done) {
    const current = await deps.register.get(done.subjectId);
    const saved = await save(deps, flow, draft, { status: 'submitted' });
    if (!saved.ok) return saved.result;
    if (!current) return { kind: 'refused', code: 'ENTRY_NOT_FOUND' };
    return { kind: 'completed', flow, draft: saved.draft, completed: { entry: current, record: done, notices: [] } };
  }
  const at = deps.clock.now().toISOString();
  const route = flow.completion === 'propose-change' ? await deps.routing.routeFor(person, false) : undefined;
  let entry: Partnership | undefined;
  let evaluation: Evaluation | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await deps.register.get(draft.subjectId ?? '');
    if (!current) return { kind: 'refused', code: 'ENTRY_NOT_FOUND' };
    evaluation = EVALUATORS[evaluator](draft.answers, current, draft.people ?? {});
    // Checked again at completion: the person may have handed over, the entry may have closed meanwhile.
    const refusal = refusalToStart(flow, current, person, emails, deps.registerOwners);
    if (refusal) return { kind: 'refused', code: refusal, entry: current };
    const changed = COMPLETIONS[completion](current, evaluation, { at, months: deps.reviewIntervalMonths, answers: draft.answers, person, responseId: draft.id, route, people: draft.people ?? {} });
    if (typeof changed === 'string') return { kind: 'step', flow, draft, notice: changed };
    try {
      entry = await deps.register.update(changed);
      break;
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
    }
  }
  if (!entry || !evaluation) return { kind: 'refused', code: 'VERSION_CONFLICT' };
  const record = await deps.records.add(
    {
      id: recordId,
      kind: flow.id,
      subjectId: entry.id,
      reference: entry.reference,
      at,
      by: person,
      flowId: flow.id,
      flowVersion: draft.flowVersion ?? flow.version,
      summary: evaluation.summary,
      score: evaluation.score,
      decision: evaluation.decision,
      outcome: evaluation.outcome,
      answers: draft.answers,
    },
    `complete:${draft.id}`,
  );
  const saved = await save(deps, flow, draft, { status: 'submitted' });
  if (!saved.ok) return saved.result;
  await deps.audit.append({ subjectId: entry.id, at, actor: person, action: `${flow.id}.completed`, data: { responseId: draft.id, recordId: record.id, status: entry.status } });
  return { kind: 'completed', flow, draft: saved.draft, completed: { entry, record, notices: noticesOf(flow, evaluation) } };
}

