import { VersionConflictError } from '../domain/errors';
import { askedSections, firstStep, type FlowStep } from '../domain/flow';
import { CHECKPOINT_EVALUATORS, type Journey } from '../domain/journey';
import { needsSeniorStage } from '../domain/approval';
import { parseRows, type RawAnswers } from '../domain/questionnaire';
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
import { firstInvalid, save, type FlowHooks, type Shown } from './flow-runner';

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

export type { CardRef, Move } from './flow-runner';

/** What the person should see next; expected refusals are values, not exceptions. */
export type JourneyResult = Shown | { readonly kind: 'submitted'; readonly draft: Draft; readonly partnership: Partnership };

/**
 * The proposal is the flow of proposal.flow.json, run by the one engine
 * (flow-runner.ts). What is its own: the screening and significance outcomes
 * worked out at their checkpoints (and the screening decision audited), a
 * screened-out proposal going no further until Back reopens it, and Submit.
 */
export function proposalHooks(deps: JourneyDeps): FlowHooks<JourneyResult> {
  return {
    onLeave: (_flow, next, answers) => outcomeAt(deps, next, answers),
    afterLeave: async (person, saved, changes) => {
      if (changes.screening) await recordScreeningDecision(deps, person, saved);
    },
    halted: (draft) => draft.status === 'screened-out',
    onBack: (draft) => (draft.status === 'screened-out' ? { status: 'draft' } : {}),
    complete: (person, _flow, draft) => submitDraft(deps, person, draft),
  };
}

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
  return { kind: 'step', flow: deps.journey, draft };
}

/** The outcome the next step shows, worked out by the evaluator its checkpoint names when the person leaves the last section before it. */
function outcomeAt(deps: JourneyDeps, next: FlowStep, answers: RawAnswers): Partial<Draft> {
  return next.kind === 'checkpoint' && next.evaluator ? CHECKPOINT_EVALUATORS[next.evaluator](deps.journey, answers, deps.fundingThreshold) : {};
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
  for (const step of askedSections(journey, answers)) {
    if (step.questionnaire !== journey.screening) continue;
    for (const q of step.section.questions) picked[q.id] = answers[q.id] ?? '';
  }
  return picked;
}

async function submitDraft(deps: JourneyDeps, person: Person, draft: Draft): Promise<JourneyResult> {
  const flow = deps.journey;
  const invalid = firstInvalid(flow, draft.answers);
  if (invalid || !draft.screening || !draft.significance) {
    const target = invalid?.step ?? firstStep(flow);
    const saved = await save(deps, flow, draft, { step: target.key, returnToSummary: true });
    if (!saved.ok) return saved.result;
    return invalid ? { kind: 'step', flow, draft: saved.draft, errors: invalid.errors } : { kind: 'step', flow, draft: saved.draft };
  }
  // Outcomes are recomputed from the stored answers, never taken from an earlier step.
  const screening = screenArrangement(deps.journey.screening, draft.answers);
  const significance = assessSignificance(deps.journey.significance, draft.answers, deps.fundingThreshold);
  if (screening.outcome === 'not-a-partnership') {
    const saved = await save(deps, flow, draft, { screening, significance, status: 'screened-out', step: 'screening-outcome', returnToSummary: false });
    if (!saved.ok) return saved.result;
    await recordScreeningDecision(deps, person, saved.draft);
    return { kind: 'step', flow, draft: saved.draft, notice: 'OUTCOME_CHANGED' };
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
      return { kind: 'step', flow, draft: current ?? draft, notice: 'STALE_CARD' };
    }
  } else {
    // Idempotent on the draft: a double click or a retry after an outage finds the item already made.
    partnership = await deps.register.create(
      { id: deps.ids.next(), proposer: person, draftId: draft.id, ...fields, approval: { route, stage: 1, history: [] } },
      `submit:${draft.id}`,
    );
  }
  const saved = await save(deps, flow, draft, { status: 'submitted', partnershipId: partnership.id, changesRequested: undefined, screening, significance });
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
