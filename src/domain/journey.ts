import { stepsOf, type CheckpointEvaluatorName, type FlowDefinition, type FlowPart, type FlowStep } from './flow';
import type { Question, Questionnaire, RawAnswers, SectionCondition } from './questionnaire';
import type { Draft } from './records';
import { exclusionsHit, screenArrangement, waivableUnmet } from './screening';
import { assessSignificance } from './significance';

/**
 * The proposal (DOMAIN 1.1-1.3) as a flow: the screening questions, its
 * outcome, the significance questions, its outcome, the registration sections,
 * then the summary (src/questionnaires/proposal.flow.json says so). It is run
 * by the same engine as the forms after approval; what is its own is the three
 * questionnaires its evaluators read, and the `askWhen` rules they answer: an
 * exclusion answered yes goes straight to the outcome, the "might be" question
 * is asked only when a waivable criterion is unmet, the risk checklist only
 * for a significant partnership.
 */
export type JourneyStep = FlowStep;

export interface Journey extends FlowDefinition {
  readonly screening: Questionnaire;
  readonly significance: Questionnaire;
  readonly registration: Questionnaire;
  readonly fundingThreshold: number;
}

export type ProposalRole = 'screening' | 'significance' | 'registration';

/** proposal.flow.json: its parts name the questionnaires by role. */
export interface ProposalDefinition {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  readonly command: string;
  readonly completion: 'submit-for-approval';
  readonly steps: readonly ({ readonly questionnaire: ProposalRole; readonly editable?: boolean } | { readonly checkpoint: string; readonly evaluator?: CheckpointEvaluatorName })[];
}

export function buildJourney(
  definition: ProposalDefinition,
  questionnaires: Readonly<Record<ProposalRole, Questionnaire>>,
  fundingThreshold = 50_000,
): Journey {
  const parts = definition.steps.map((p): FlowPart => ('questionnaire' in p ? { questionnaire: questionnaires[p.questionnaire], editable: p.editable ?? false } : p));
  const journey: Journey = {
    ...definition,
    subject: 'new',
    startableIn: [],
    questionnaires: [questionnaires.screening, questionnaires.significance, questionnaires.registration],
    steps: stepsOf(parts),
    holds: (condition, answers) => conditionHolds(journey, condition, answers),
    ...questionnaires,
    fundingThreshold,
  };
  return journey;
}

export function conditionHolds(journey: Journey, condition: SectionCondition, answers: RawAnswers): boolean {
  switch (condition) {
    case 'not-excluded':
      return exclusionsHit(journey.screening, answers).length === 0;
    case 'waivable-unmet':
      return waivableUnmet(journey.screening, answers);
    case 'significant':
      return assessSignificance(journey.significance, answers, journey.fundingThreshold).significant;
  }
}

/** What an outcome checkpoint works out from the answers so far, to keep on the response (and show on its card). */
export type CheckpointOutcome = Partial<Pick<Draft, 'screening' | 'significance' | 'status'>>;

/**
 * The evaluators a checkpoint names in proposal.flow.json, by name. Run when
 * the person leaves the last section before the checkpoint, and again at
 * submit: an outcome is recomputed from the stored answers, never trusted.
 */
export const CHECKPOINT_EVALUATORS: Readonly<Record<CheckpointEvaluatorName, (journey: Journey, answers: RawAnswers, fundingThreshold: number) => CheckpointOutcome>> = {
  screening: (journey, answers) => {
    const screening = screenArrangement(journey.screening, answers);
    return { screening, status: screening.outcome === 'not-a-partnership' ? 'screened-out' : 'draft' };
  },
  significance: (journey, answers, fundingThreshold) => ({ significance: assessSignificance(journey.significance, answers, fundingThreshold) }),
};

export function allQuestions(journey: Journey): Question[] {
  return journey.questionnaires.flatMap((q) => q.sections.flatMap((s) => s.questions));
}

