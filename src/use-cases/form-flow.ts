import { samePerson, type ApprovalRoute } from '../domain/approval';
import { VersionConflictError, type ErrorCode } from '../domain/errors';
import { flowStepAt, flowSteps, nextFlowStep, previousFlowStep, type FlowDefinition } from '../domain/flow';
import { COMPLETIONS, EVALUATORS, noticesOf, type Evaluation, type Notice } from '../domain/form-outcomes';
import { withStatus } from '../domain/lifecycle';
import { pickSectionAnswers, validateSection, type FieldErrors, type RawAnswers } from '../domain/questionnaire';
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
import { resolvePeople } from './people-answers';
import type { CardRef, Move } from './proposal-journey';

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
  | { readonly kind: 'step'; readonly flow: FlowDefinition; readonly draft: Draft; readonly errors?: FieldErrors; readonly notice?: ErrorCode }
  | { readonly kind: 'saved'; readonly flow: FlowDefinition; readonly draft: Draft }
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
  if (open) return { kind: 'step', flow, draft: { ...open, step: flowStepAt(flow, open.step).key } };
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
    step: flowSteps(flow)[0].key,
    returnToSummary: false,
    createdAt: now,
    updatedAt: now,
  });
  await deps.audit.append({ subjectId: entryId, at: now, actor: person, action: `${flowId}.started`, data: { responseId: draft.id } });
  return { kind: 'step', flow, draft };
}

type Loaded = { readonly ok: true; readonly flow: FlowDefinition; readonly draft: Draft } | { readonly ok: false; readonly result: FormResult };

/** The response a card names, checked against its owner, its version and its step: the card is never trusted. */
async function loadForAction(deps: FormDeps, person: Person, ref: CardRef): Promise<Loaded> {
  const draft = await deps.drafts.get(ref.draftId);
  if (!draft) return { ok: false, result: { kind: 'refused', code: 'DRAFT_NOT_FOUND' } };
  if (!samePerson(draft.ownerId, person.id)) return { ok: false, result: { kind: 'refused', code: 'NOT_YOUR_DRAFT' } };
  const flow = draft.flowId ? deps.flows.get(draft.flowId) : undefined;
  if (!flow) return { ok: false, result: { kind: 'refused', code: 'DRAFT_NOT_FOUND' } };
  if (draft.status === 'submitted') return { ok: false, result: { kind: 'refused', code: 'ALREADY_SUBMITTED' } };
  const current = { ...draft, step: flowStepAt(flow, draft.step).key };
  if (current.version !== ref.version || current.step !== ref.step) return { ok: false, result: { kind: 'step', flow, draft: current, notice: 'STALE_CARD' } };
  return { ok: true, flow, draft: current };
}

async function save(deps: FormDeps, flow: FlowDefinition, draft: Draft, changes: Partial<Draft>): Promise<Loaded> {
  try {
    return { ok: true, flow, draft: await deps.drafts.update({ ...draft, ...changes, updatedAt: deps.clock.now().toISOString() }) };
  } catch (err) {
    if (!(err instanceof VersionConflictError)) throw err;
    const current = await deps.drafts.get(draft.id);
    if (!current) return { ok: false, result: { kind: 'refused', code: 'DRAFT_NOT_FOUND' } };
    return { ok: false, result: { kind: 'step', flow, draft: current, notice: 'STALE_CARD' } };
  }
}

/** Next / Back / Save and close on a form's card; Next on the summary completes it. */
export async function moveForm(deps: FormDeps, person: Person, emails: readonly string[], ref: CardRef, move: Move, inputs: Readonly<Record<string, unknown>>): Promise<FormResult> {
  const loaded = await loadForAction(deps, person, ref);
  if (!loaded.ok) return loaded.result;
  const { flow, draft } = loaded;
  const step = flowStepAt(flow, draft.step);
  const picked = step.kind === 'questions' ? pickSectionAnswers(step.section, inputs, draft.answers) : { answers: {}, clipped: {} };
  const answers = { ...draft.answers, ...picked.answers };
  if (move === 'stay') {
    const saved = await save(deps, flow, draft, { answers });
    return saved.ok ? { kind: 'step', flow, draft: saved.draft, errors: picked.clipped } : saved.result;
  }
  if (move === 'save') {
    const saved = await save(deps, flow, draft, { answers });
    if (!saved.ok) return saved.result;
    return Object.keys(picked.clipped).length > 0 ? { kind: 'step', flow, draft: saved.draft, errors: picked.clipped } : { kind: 'saved', flow, draft: saved.draft };
  }
  if (move === 'back') {
    const target = draft.returnToSummary ? flowStepAt(flow, 'summary') : previousFlowStep(flow, draft.step);
    const saved = await save(deps, flow, draft, { answers, step: target.key, returnToSummary: false });
    return saved.ok ? { kind: 'step', flow, draft: saved.draft } : saved.result;
  }
  if (step.kind === 'summary') return completeForm(deps, person, emails, flow, draft);
  const errors = { ...validateSection(step.section, answers), ...picked.clipped };
  const found = Object.keys(errors).length === 0 ? await resolvePeople(deps, step.section.questions, answers, draft.people ?? {}) : undefined;
  if (!found || Object.keys(found.errors).length > 0) {
    const saved = await save(deps, flow, draft, { answers });
    return saved.ok ? { kind: 'step', flow, draft: saved.draft, errors: found?.errors ?? errors } : saved.result;
  }
  const target = draft.returnToSummary ? flowStepAt(flow, 'summary') : nextFlowStep(flow, draft.step);
  const saved = await save(deps, flow, draft, { answers: found.answers, people: found.people, step: target.key, returnToSummary: false });
  return saved.ok ? { kind: 'step', flow, draft: saved.draft } : saved.result;
}

/** Edit a section from the summary; Next then returns to the summary. */
export async function editFormSection(deps: FormDeps, person: Person, ref: CardRef, target: string): Promise<FormResult> {
  const loaded = await loadForAction(deps, person, ref);
  if (!loaded.ok) return loaded.result;
  const step = flowSteps(loaded.flow).find((s) => s.key === target && s.kind === 'questions');
  if (!step || loaded.draft.step !== 'summary') return { kind: 'step', flow: loaded.flow, draft: loaded.draft, notice: 'ILLEGAL_TRANSITION' };
  const saved = await save(deps, loaded.flow, loaded.draft, { step: step.key, returnToSummary: true });
  return saved.ok ? { kind: 'step', flow: loaded.flow, draft: saved.draft } : saved.result;
}

/** Shows a response where it stands (Continue from "my partnerships"). */
export async function resumeForm(deps: FormDeps, person: Person, draft: Draft): Promise<FormResult> {
  const flow = draft.flowId ? deps.flows.get(draft.flowId) : undefined;
  if (!flow) return { kind: 'refused', code: 'DRAFT_NOT_FOUND' };
  if (!samePerson(draft.ownerId, person.id)) return { kind: 'refused', code: 'NOT_YOUR_DRAFT' };
  if (draft.status === 'submitted') return { kind: 'refused', code: 'ALREADY_SUBMITTED' };
  return { kind: 'step', flow, draft: { ...draft, step: flowStepAt(flow, draft.step).key } };
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


/** The first section with an answer missing or wrong, with its errors; undefined when all are valid. */
function firstInvalid(flow: FlowDefinition, answers: RawAnswers): { key: string; errors: FieldErrors } | undefined {
  for (const step of flowSteps(flow)) {
    if (step.kind !== 'questions') continue;
    const errors = validateSection(step.section, answers);
    if (Object.keys(errors).length > 0) return { key: step.key, errors };
  }
  return undefined;
}

async function completeForm(deps: FormDeps, person: Person, emails: readonly string[], flow: FlowDefinition, draft: Draft): Promise<FormResult> {
  const invalid = firstInvalid(flow, draft.answers);
  if (invalid) {
    const saved = await save(deps, flow, draft, { step: invalid.key, returnToSummary: true });
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
    evaluation = EVALUATORS[flow.evaluator](draft.answers, current, draft.people ?? {});
    // Checked again at completion: the person may have handed over, the entry may have closed meanwhile.
    const refusal = refusalToStart(flow, current, person, emails, deps.registerOwners);
    if (refusal) return { kind: 'refused', code: refusal, entry: current };
    const changed = COMPLETIONS[flow.completion](current, evaluation, { at, months: deps.reviewIntervalMonths, answers: draft.answers, person, responseId: draft.id, route, people: draft.people ?? {} });
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

