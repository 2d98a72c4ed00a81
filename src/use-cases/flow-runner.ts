import { samePerson } from '../domain/approval';
import { VersionConflictError, type ErrorCode } from '../domain/errors';
import { askedSections, editableSteps, nextStep, previousStep, stepAt, SUMMARY, type FlowDefinition, type FlowStep, type QuestionStep } from '../domain/flow';
import { pickSectionAnswers, validateSection, type FieldErrors, type RawAnswers } from '../domain/questionnaire';
import type { Draft, Person } from '../domain/records';
import type { Clock } from '../ports/clock';
import type { Drafts } from '../ports/drafts';
import type { PeopleDirectory } from '../ports/people-directory';
import { resolvePeople } from './people-answers';

/**
 * The one engine every flow runs on, the proposal and the five forms after
 * approval alike: a card's claim (response, version, step) checked against
 * the store, the section's answers picked and validated, people resolved,
 * Next / Back / Save and close / a row added or removed, Edit from the
 * summary, resume. What differs between flows is named by the flow definition
 * and supplied as hooks by the use case that owns it: what leaving a section
 * works out (the proposal's outcomes at its checkpoints), what stops Next
 * (a screened-out proposal), and what Next on the summary completes.
 */
export interface RunnerDeps {
  readonly drafts: Drafts;
  readonly clock: Clock;
  /** Who the person questions name: Entra ids, emails typed. */
  readonly people: PeopleDirectory;
}

/** What the card claims: checked against the store, never trusted. */
export interface CardRef {
  readonly draftId: string;
  readonly version: number;
  readonly step: string;
}

/** `stay` saves the card's answers and shows the same step again (a row added or removed). */
export type Move = 'next' | 'back' | 'save' | 'stay';

/** Where a response stands, as the runner shows it; expected refusals are values, not exceptions. */
export type Shown =
  | { readonly kind: 'step'; readonly flow: FlowDefinition; readonly draft: Draft; readonly errors?: FieldErrors; readonly notice?: ErrorCode }
  | { readonly kind: 'saved'; readonly flow: FlowDefinition; readonly draft: Draft }
  | { readonly kind: 'refused'; readonly code: ErrorCode; readonly draft?: Draft };

export interface FlowHooks<Done> {
  /** Changes worked out on leaving a section for `next` with these answers (an outcome at a checkpoint). */
  readonly onLeave?: (flow: FlowDefinition, next: FlowStep, answers: RawAnswers) => Partial<Draft>;
  /** After leaving a section was saved, with what `onLeave` changed (the decision written to the audit log). */
  readonly afterLeave?: (person: Person, saved: Draft, changes: Partial<Draft>) => Promise<void>;
  /** Whether Next goes no further where the response stands. */
  readonly halted?: (draft: Draft) => boolean;
  /** What Back undoes, besides moving. */
  readonly onBack?: (draft: Draft) => Partial<Draft>;
  /** Next on the summary. */
  readonly complete: (person: Person, flow: FlowDefinition, draft: Draft) => Promise<Shown | Done>;
}

export type Loaded = { readonly ok: true; readonly flow: FlowDefinition; readonly draft: Draft } | { readonly ok: false; readonly result: Shown };

/** A response the person may act on: theirs, not yet submitted, its flow known; shown at a step the flow still has. */
function ownResponse(person: Person, draft: Draft | undefined, flowOf: (draft: Draft) => FlowDefinition | undefined): Loaded {
  if (!draft) return { ok: false, result: { kind: 'refused', code: 'DRAFT_NOT_FOUND' } };
  if (!samePerson(draft.ownerId, person.id)) return { ok: false, result: { kind: 'refused', code: 'NOT_YOUR_DRAFT' } };
  const flow = flowOf(draft);
  if (!flow) return { ok: false, result: { kind: 'refused', code: 'DRAFT_NOT_FOUND' } };
  if (draft.status === 'submitted') return { ok: false, result: { kind: 'refused', code: 'ALREADY_SUBMITTED', draft } };
  // A step since removed from a definition resumes at the summary, as the card showed it.
  return { ok: true, flow, draft: { ...draft, step: stepAt(flow, draft.step).key } };
}

/** The response a card names, checked against its owner, its version and its step: the card is never trusted. */
export async function loadForAction(deps: RunnerDeps, flowOf: (draft: Draft) => FlowDefinition | undefined, person: Person, ref: CardRef): Promise<Loaded> {
  const loaded = ownResponse(person, await deps.drafts.get(ref.draftId), flowOf);
  if (!loaded.ok) return loaded;
  const { flow, draft } = loaded;
  if (draft.version !== ref.version || draft.step !== ref.step) return { ok: false, result: { kind: 'step', flow, draft, notice: 'STALE_CARD' } };
  return loaded;
}

/** Shows a response where it stands (Continue from "my partnerships", on any device). */
export function resumeResponse(person: Person, draft: Draft | undefined, flowOf: (draft: Draft) => FlowDefinition | undefined): Shown {
  const loaded = ownResponse(person, draft, flowOf);
  return loaded.ok ? { kind: 'step', flow: loaded.flow, draft: loaded.draft } : loaded.result;
}

/** Saves a change; a concurrent change (another device, a double click) shows the stored state instead. */
export async function save(deps: RunnerDeps, flow: FlowDefinition, draft: Draft, changes: Partial<Draft>): Promise<Loaded> {
  try {
    return { ok: true, flow, draft: await deps.drafts.update({ ...draft, ...changes, updatedAt: deps.clock.now().toISOString() }) };
  } catch (err) {
    if (!(err instanceof VersionConflictError)) throw err;
    const current = await deps.drafts.get(draft.id);
    if (!current) return { ok: false, result: { kind: 'refused', code: 'DRAFT_NOT_FOUND' } };
    return { ok: false, result: { kind: 'step', flow, draft: current, notice: 'STALE_CARD' } };
  }
}

function shown(saved: Loaded, errors?: FieldErrors): Shown {
  if (!saved.ok) return saved.result;
  return errors && Object.keys(errors).length > 0 ? { kind: 'step', flow: saved.flow, draft: saved.draft, errors } : { kind: 'step', flow: saved.flow, draft: saved.draft };
}

/** Next / Back / Save and close / a row added or removed, from any step card; Next on the summary completes. */
export async function moveResponse<Done>(deps: RunnerDeps, hooks: FlowHooks<Done>, person: Person, loaded: Extract<Loaded, { ok: true }>, verb: Move, inputs: Readonly<Record<string, unknown>>): Promise<Shown | Done> {
  const { flow, draft } = loaded;
  const step = stepAt(flow, draft.step);
  const picked = step.kind === 'questions' ? pickSectionAnswers(step.section, inputs, draft.answers) : { answers: {}, clipped: {} };
  const answers = { ...draft.answers, ...picked.answers };

  if (verb === 'stay') return shown(await save(deps, flow, draft, { answers }), picked.clipped);
  if (verb === 'save') {
    const saved = await save(deps, flow, draft, { answers });
    if (saved.ok && Object.keys(picked.clipped).length === 0) return { kind: 'saved', flow, draft: saved.draft };
    return shown(saved, picked.clipped);
  }
  if (verb === 'back') {
    const target = draft.returnToSummary ? stepAt(flow, SUMMARY) : previousStep(flow, draft.step, answers);
    return shown(await save(deps, flow, draft, { answers, step: target.key, returnToSummary: false, ...hooks.onBack?.(draft) }));
  }
  if (draft.step === SUMMARY) return hooks.complete(person, flow, draft);
  if (hooks.halted?.(draft)) return { kind: 'step', flow, draft, notice: 'ILLEGAL_TRANSITION' };

  let people = draft.people;
  if (step.kind === 'questions') {
    const errors = { ...validateSection(step.section, answers), ...picked.clipped };
    const found = Object.keys(errors).length === 0 ? await resolvePeople(deps, step.section.questions, answers, draft.people ?? {}) : undefined;
    if (!found || Object.keys(found.errors).length > 0) return shown(await save(deps, flow, draft, { answers }), found?.errors ?? errors);
    Object.assign(answers, found.answers);
    people = found.people;
  }
  const next = nextStep(flow, draft.step, answers);
  const changes = step.kind === 'questions' ? (hooks.onLeave?.(flow, next, answers) ?? {}) : {};
  const target = draft.returnToSummary && step.kind === 'questions' && step.editable ? stepAt(flow, SUMMARY) : next;
  const saved = await save(deps, flow, draft, { answers, people, step: target.key, returnToSummary: false, ...changes });
  if (saved.ok && Object.keys(changes).length > 0) await hooks.afterLeave?.(person, saved.draft, changes);
  return shown(saved);
}

/** Edit a section from the summary (one the summary offers); Next then returns to the summary. */
export async function editFromSummary(deps: RunnerDeps, loaded: Extract<Loaded, { ok: true }>, target: string): Promise<Shown> {
  const { flow, draft } = loaded;
  const step = editableSteps(flow, draft.answers).find((s) => s.key === target);
  if (!step || draft.step !== SUMMARY) return { kind: 'step', flow, draft, notice: 'ILLEGAL_TRANSITION' };
  return shown(await save(deps, flow, draft, { step: step.key, returnToSummary: true }));
}

/** The first section asked with an answer missing or wrong, with its errors; undefined when all are valid. */
export function firstInvalid(flow: FlowDefinition, answers: RawAnswers): { step: QuestionStep; errors: FieldErrors } | undefined {
  for (const step of askedSections(flow, answers)) {
    const errors = validateSection(step.section, answers);
    if (Object.keys(errors).length > 0) return { step, errors };
  }
  return undefined;
}
