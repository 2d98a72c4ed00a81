import { VersionConflictError, type ErrorCode } from '../domain/errors';
import { firstStep, isAsked, nextStep, previousStep, registrationSteps, stepAt, type Journey, type JourneyStep } from '../domain/journey';
import { needsSeniorStage, samePerson } from '../domain/approval';
import { parseRows, pickSectionAnswers, validateSection, type FieldErrors, type RawAnswers } from '../domain/questionnaire';
import type { Draft, Partnership, Person } from '../domain/records';
import { screenArrangement } from '../domain/screening';
import { assessSignificance } from '../domain/significance';
import type { ApprovalRouting } from '../ports/approval-routing';
import type { AuditLog } from '../ports/audit-log';
import type { Clock } from '../ports/clock';
import type { Drafts } from '../ports/drafts';
import type { IdGenerator } from '../ports/ids';
import type { PeopleDirectory } from '../ports/people-directory';
import type { Register } from '../ports/register';
import { resolvePeople } from './people-answers';

export interface JourneyDeps {
  readonly journey: Journey;
  readonly drafts: Drafts;
  readonly register: Register;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly fundingThreshold: number;
  readonly routing: ApprovalRouting;
  /** Who the person questions name (the lead, the representatives): Entra ids, emails typed. */
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

/** What the person should see next; expected refusals are values, not exceptions. */
export type JourneyResult =
  | { readonly kind: 'step'; readonly draft: Draft; readonly errors?: FieldErrors; readonly notice?: ErrorCode }
  | { readonly kind: 'saved'; readonly draft: Draft }
  | { readonly kind: 'submitted'; readonly draft: Draft; readonly partnership: Partnership }
  | { readonly kind: 'refused'; readonly code: ErrorCode; readonly draft?: Draft };

export async function startDraft(deps: JourneyDeps, person: Person): Promise<JourneyResult> {
  const now = deps.clock.now().toISOString();
  const draft = await deps.drafts.create({
    id: deps.ids.next(),
    ownerId: person.id,
    ownerName: person.name,
    status: 'draft',
    answers: {},
    step: firstStep(deps.journey).key,
    returnToSummary: false,
    createdAt: now,
    updatedAt: now,
  });
  await deps.audit.append({ subjectId: draft.id, at: now, actor: person, action: 'draft.started' });
  return { kind: 'step', draft };
}

type Loaded = { readonly ok: true; readonly draft: Draft } | { readonly ok: false; readonly result: JourneyResult };

/** Loads the draft a card names and checks it belongs to the person and the card is current. */
async function loadForAction(deps: JourneyDeps, person: Person, ref: CardRef): Promise<Loaded> {
  const draft = await deps.drafts.get(ref.draftId);
  if (!draft) return { ok: false, result: { kind: 'refused', code: 'DRAFT_NOT_FOUND' } };
  if (!samePerson(draft.ownerId, person.id)) return { ok: false, result: { kind: 'refused', code: 'NOT_YOUR_DRAFT' } };
  if (draft.status === 'submitted') return { ok: false, result: { kind: 'refused', code: 'ALREADY_SUBMITTED', draft } };
  // A step since removed from a questionnaire resumes at the summary, as the card showed it.
  const current = { ...draft, step: stepAt(deps.journey, draft.step).key };
  if (current.version !== ref.version || current.step !== ref.step) {
    return { ok: false, result: { kind: 'step', draft: current, notice: 'STALE_CARD' } };
  }
  return { ok: true, draft: current };
}

/** Saves a change; a concurrent change (another device, a double click) shows the stored state instead. */
async function save(deps: JourneyDeps, draft: Draft, changes: Partial<Draft>): Promise<Loaded> {
  try {
    const saved = await deps.drafts.update({ ...draft, ...changes, updatedAt: deps.clock.now().toISOString() });
    return { ok: true, draft: saved };
  } catch (err) {
    if (!(err instanceof VersionConflictError)) throw err;
    const current = await deps.drafts.get(draft.id);
    if (!current) return { ok: false, result: { kind: 'refused', code: 'DRAFT_NOT_FOUND' } };
    return { ok: false, result: { kind: 'step', draft: current, notice: 'STALE_CARD' } };
  }
}

/** The outcome a step leads to: worked out when the person leaves the last section of screening or significance they are asked. */
function outcomeChanges(deps: JourneyDeps, step: JourneyStep, answers: RawAnswers): Partial<Draft> {
  if (step.kind !== 'questions') return {};
  const next = nextStep(deps.journey, step.key, answers);
  if (next.key === 'screening-outcome') {
    const screening = screenArrangement(deps.journey.screening, answers);
    return { screening, status: screening.outcome === 'not-a-partnership' ? 'screened-out' : 'draft' };
  }
  if (next.key === 'significance-outcome') {
    return { significance: assessSignificance(deps.journey.significance, answers, deps.fundingThreshold) };
  }
  return {};
}

async function recordScreeningDecision(deps: JourneyDeps, person: Person, draft: Draft): Promise<void> {
  if (!draft.screening) return;
  await deps.audit.append({
    subjectId: draft.id,
    at: draft.updatedAt,
    actor: person,
    action: `screening.${draft.screening.outcome}`,
    data: { answers: screeningAnswers(deps.journey, draft.answers), reasons: draft.screening.reasons, instead: draft.screening.instead },
  });
}

/** The screening answers the person was asked (an exclusion ends it before the criteria). */
function screeningAnswers(journey: Journey, answers: RawAnswers): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const step of journey.steps) {
    if (step.kind !== 'questions' || step.questionnaire !== journey.screening || !isAsked(journey, step, answers)) continue;
    for (const q of step.section.questions) picked[q.id] = answers[q.id] ?? '';
  }
  return picked;
}

/** Next / Back / Save and close, from any step card. */
export async function moveDraft(deps: JourneyDeps, person: Person, ref: CardRef, move: Move, inputs: Readonly<Record<string, unknown>>): Promise<JourneyResult> {
  const loaded = await loadForAction(deps, person, ref);
  if (!loaded.ok) return loaded.result;
  const { draft } = loaded;
  const step = stepAt(deps.journey, draft.step);
  const picked = step.kind === 'questions' ? pickSectionAnswers(step.section, inputs, draft.answers) : { answers: {}, clipped: {} };
  const answers = { ...draft.answers, ...picked.answers };

  if (move === 'stay') {
    const saved = await save(deps, draft, { answers });
    return saved.ok ? { kind: 'step', draft: saved.draft, errors: picked.clipped } : saved.result;
  }
  if (move === 'save' && Object.keys(picked.clipped).length === 0) {
    const saved = await save(deps, draft, { answers });
    return saved.ok ? { kind: 'saved', draft: saved.draft } : saved.result;
  }
  if (move === 'save') {
    const saved = await save(deps, draft, { answers });
    return saved.ok ? { kind: 'step', draft: saved.draft, errors: picked.clipped } : saved.result;
  }
  if (move === 'back') {
    const target = draft.returnToSummary ? stepAt(deps.journey, 'summary') : previousStep(deps.journey, draft.step, answers);
    const reopened = draft.status === 'screened-out' ? { status: 'draft' as const } : {};
    const saved = await save(deps, draft, { answers, step: target.key, returnToSummary: false, ...reopened });
    return saved.ok ? { kind: 'step', draft: saved.draft } : saved.result;
  }
  if (draft.step === 'summary') return submitDraft(deps, person, draft);
  if (draft.status === 'screened-out') return { kind: 'step', draft, notice: 'ILLEGAL_TRANSITION' };

  let people = draft.people;
  if (step.kind === 'questions') {
    const errors = { ...validateSection(step.section, answers), ...picked.clipped };
    const found = Object.keys(errors).length === 0 ? await resolvePeople(deps, step.section.questions, answers, draft.people ?? {}) : undefined;
    if (!found || Object.keys(found.errors).length > 0) {
      const saved = await save(deps, draft, { answers });
      return saved.ok ? { kind: 'step', draft: saved.draft, errors: found?.errors ?? errors } : saved.result;
    }
    Object.assign(answers, found.answers);
    people = found.people;
  }
  const outcome = outcomeChanges(deps, step, answers);
  const target = draft.returnToSummary && step.kind === 'questions' && step.questionnaire === deps.journey.registration
    ? stepAt(deps.journey, 'summary')
    : nextStep(deps.journey, draft.step, answers);
  const saved = await save(deps, draft, { answers, people, step: target.key, returnToSummary: false, ...outcome });
  if (!saved.ok) return saved.result;
  if (outcome.screening) await recordScreeningDecision(deps, person, saved.draft);
  return { kind: 'step', draft: saved.draft };
}

/**
 * Edit a registration section from the summary; Next then returns to the
 * summary. Only the sections the summary offers: screening and significance
 * are changed by going Back through them, so their outcomes are shown again.
 */
export async function editSection(deps: JourneyDeps, person: Person, ref: CardRef, target: string): Promise<JourneyResult> {
  const loaded = await loadForAction(deps, person, ref);
  if (!loaded.ok) return loaded.result;
  const step = registrationSteps(deps.journey, loaded.draft.answers).find((s) => s.key === target);
  if (!step || loaded.draft.step !== 'summary') return { kind: 'step', draft: loaded.draft, notice: 'ILLEGAL_TRANSITION' };
  const saved = await save(deps, loaded.draft, { step: step.key, returnToSummary: loaded.draft.step === 'summary' });
  return saved.ok ? { kind: 'step', draft: saved.draft } : saved.result;
}

/** Shows a draft where it stands (resume from "my partnerships", on any device). */
export async function resumeDraft(deps: JourneyDeps, person: Person, draftId: string): Promise<JourneyResult> {
  const draft = await deps.drafts.get(draftId);
  if (!draft) return { kind: 'refused', code: 'DRAFT_NOT_FOUND' };
  if (!samePerson(draft.ownerId, person.id)) return { kind: 'refused', code: 'NOT_YOUR_DRAFT' };
  if (draft.status === 'submitted') return { kind: 'refused', code: 'ALREADY_SUBMITTED', draft };
  return { kind: 'step', draft };
}

/** The first step whose answers are incomplete, with its errors; undefined when all are valid. */
function firstInvalidStep(journey: Journey, answers: RawAnswers): { step: JourneyStep; errors: FieldErrors } | undefined {
  for (const step of journey.steps) {
    if (step.kind !== 'questions' || !isAsked(journey, step, answers)) continue;
    const errors = validateSection(step.section, answers);
    if (Object.keys(errors).length > 0) return { step, errors };
  }
  return undefined;
}

async function submitDraft(deps: JourneyDeps, person: Person, draft: Draft): Promise<JourneyResult> {
  const invalid = firstInvalidStep(deps.journey, draft.answers);
  if (invalid || !draft.screening || !draft.significance) {
    const target = invalid?.step ?? firstStep(deps.journey);
    const saved = await save(deps, draft, { step: target.key, returnToSummary: true });
    return saved.ok ? { kind: 'step', draft: saved.draft, errors: invalid?.errors } : saved.result;
  }
  // Outcomes are recomputed from the stored answers, never taken from an earlier step.
  const screening = screenArrangement(deps.journey.screening, draft.answers);
  const significance = assessSignificance(deps.journey.significance, draft.answers, deps.fundingThreshold);
  if (screening.outcome === 'not-a-partnership') {
    const saved = await save(deps, draft, { screening, significance, status: 'screened-out', step: 'screening-outcome', returnToSummary: false });
    if (!saved.ok) return saved.result;
    await recordScreeningDecision(deps, person, saved.draft);
    return { kind: 'step', draft: saved.draft, notice: 'OUTCOME_CHANGED' };
  }
  const now = deps.clock.now().toISOString();
  const senior = needsSeniorStage(significance.significant, draft.answers);
  const routed = await deps.routing.routeFor(person, senior);
  // Said on the card when only the resources send it to senior management.
  const route = senior && !significance.significant && routed.stages.length > 1 && !routed.routeNote ? { ...routed, routeNote: 'additional-funds' as const } : routed;
  const named = namedPeople(draft);
  const fields = {
    name: draft.answers.name ?? '',
    status: 'proposed' as const,
    category: draft.answers.category ?? '',
    ...named,
    significant: significance.significant,
    screening,
    significance,
    answers: draft.answers,
    submittedAt: now,
    updatedAt: now,
  };
  const earlier = draft.partnershipId ? await deps.register.get(draft.partnershipId) : undefined;
  let partnership: Partnership;
  if (earlier) {
    if (earlier.status !== 'changes-requested') return { kind: 'refused', code: 'ALREADY_SUBMITTED', draft };
    // A resubmission goes back to the first stage, keeping the decisions taken so far.
    try {
      partnership = await deps.register.update({
        ...earlier,
        ...fields,
        approval: { route, stage: 1, history: earlier.approval?.history ?? [] },
      });
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
      const current = await deps.drafts.get(draft.id);
      return { kind: 'step', draft: current ?? draft, notice: 'STALE_CARD' };
    }
  } else {
    // Idempotent on the draft: a double click or a retry after an outage finds the item already made.
    partnership = await deps.register.create(
      { id: deps.ids.next(), proposer: person, draftId: draft.id, ...fields, approval: { route, stage: 1, history: [] } },
      `submit:${draft.id}`,
    );
  }
  const saved = await save(deps, draft, { status: 'submitted', partnershipId: partnership.id, changesRequested: undefined, screening, significance });
  if (!saved.ok) return saved.result;
  await deps.audit.append({
    subjectId: partnership.id,
    at: now,
    actor: person,
    action: earlier ? 'proposal.resubmitted' : 'proposal.submitted',
    data: { draftId: draft.id, answers: draft.answers },
  });
  return { kind: 'submitted', draft: saved.draft, partnership };
}

/**
 * The lead and the representatives a registration names, as people: the lead's
 * email stays in `leadOfficer` (the register's person column); a draft from
 * before people were ids keeps what was typed.
 */
function namedPeople(draft: Draft): Pick<Partnership, 'leadOfficer' | 'lead' | 'representatives' | 'people'> {
  const people = draft.people ?? {};
  const leadAnswer = (draft.answers.leadOfficer ?? '').trim();
  const lead = people[leadAnswer];
  const rows = parseRows(draft.answers.representatives);
  const representatives = rows.flatMap((row) => (people[row.who] ? [{ ...people[row.who], since: row.since, ...(row.until ? { until: row.until } : {}) }] : []));
  return {
    leadOfficer: lead?.email ?? lead?.id ?? leadAnswer,
    ...(lead ? { lead } : {}),
    ...(rows.length > 0 ? { representatives } : {}),
    ...(Object.keys(people).length > 0 ? { people } : {}),
  };
}

export interface MyPartnerships {
  readonly drafts: readonly Draft[];
  readonly partnerships: readonly Partnership[];
}

/** A person's own drafts and proposals: never anyone else's. */
export async function listMine(deps: Pick<JourneyDeps, 'drafts' | 'register'>, person: Person): Promise<MyPartnerships> {
  const [drafts, partnerships] = await Promise.all([deps.drafts.listByOwner(person.id), deps.register.listByProposer(person.id)]);
  // A record whose authorising fields were altered outside the bot is for the register owners only.
  return { drafts: drafts.filter((d) => d.status !== 'submitted'), partnerships: partnerships.filter((p) => !p.tampered) };
}
