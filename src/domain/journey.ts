import type { Question, Questionnaire, RawAnswers, Section, SectionCondition } from './questionnaire';
import { exclusionsHit, waivableUnmet } from './screening';
import { assessSignificance } from './significance';

/**
 * The proposal journey (DOMAIN 1.1-1.3) as a list of steps: the screening
 * questions, its outcome, the significance questions, its outcome, the
 * registration sections, then the summary. Steps are addressed by a stable key
 * ("registration.people"), never by position, so a draft saved before a
 * questionnaire changed still resumes at the right place. A section with an
 * `askWhen` is skipped while its rule does not hold: an exclusion answered yes
 * goes straight to the outcome, and the "might be" question is asked only when
 * a waivable criterion is unmet.
 */
export type JourneyStep =
  | { readonly key: string; readonly kind: 'questions'; readonly questionnaire: Questionnaire; readonly section: Section }
  | { readonly key: 'screening-outcome' | 'significance-outcome' | 'summary'; readonly kind: 'checkpoint' };

export interface Journey {
  readonly screening: Questionnaire;
  readonly significance: Questionnaire;
  readonly registration: Questionnaire;
  readonly steps: readonly JourneyStep[];
  readonly fundingThreshold: number;
}

function questionSteps(questionnaire: Questionnaire): JourneyStep[] {
  return questionnaire.sections.map((section) => ({
    key: `${questionnaire.id}.${section.id}`,
    kind: 'questions' as const,
    questionnaire,
    section,
  }));
}

export function buildJourney(screening: Questionnaire, significance: Questionnaire, registration: Questionnaire, fundingThreshold = 50_000): Journey {
  const steps: JourneyStep[] = [
    ...questionSteps(screening),
    { key: 'screening-outcome', kind: 'checkpoint' },
    ...questionSteps(significance),
    { key: 'significance-outcome', kind: 'checkpoint' },
    ...questionSteps(registration),
    { key: 'summary', kind: 'checkpoint' },
  ];
  return { screening, significance, registration, steps, fundingThreshold };
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

/** Whether a person is asked this step, given the answers so far. */
export function isAsked(journey: Journey, step: JourneyStep, answers: RawAnswers): boolean {
  return step.kind === 'checkpoint' || step.section.askWhen === undefined || conditionHolds(journey, step.section.askWhen, answers);
}

export function firstStep(journey: Journey): JourneyStep {
  return journey.steps[0];
}

/** The step a key names; an unknown key (a section since removed) resumes at the summary. */
export function stepAt(journey: Journey, key: string): JourneyStep {
  return journey.steps.find((s) => s.key === key) ?? journey.steps[journey.steps.length - 1];
}

export function nextStep(journey: Journey, key: string, answers: RawAnswers = {}): JourneyStep {
  const i = journey.steps.findIndex((s) => s.key === key);
  const later = journey.steps.slice(i + 1).find((s) => isAsked(journey, s, answers));
  return later ?? journey.steps[journey.steps.length - 1];
}

export function previousStep(journey: Journey, key: string, answers: RawAnswers = {}): JourneyStep {
  const i = journey.steps.findIndex((s) => s.key === key);
  const earlier = journey.steps.slice(0, Math.max(i, 0)).reverse().find((s) => isAsked(journey, s, answers));
  return earlier ?? journey.steps[0];
}

/** "Step n of m", counting the steps this person is asked with the answers given so far. */
export function progressOf(journey: Journey, key: string, answers: RawAnswers = {}): { readonly number: number; readonly total: number } {
  const asked = journey.steps.filter((s) => s.key === key || isAsked(journey, s, answers));
  return { number: asked.findIndex((s) => s.key === key) + 1, total: asked.length };
}

export function allQuestions(journey: Journey): Question[] {
  return [journey.screening, journey.significance, journey.registration].flatMap((q) => q.sections.flatMap((s) => s.questions));
}

/** The registration sections, all of them, or only those asked given `answers`. */
export function registrationSteps(journey: Journey, answers?: RawAnswers): Extract<JourneyStep, { kind: 'questions' }>[] {
  return journey.steps.filter(
    (s): s is Extract<JourneyStep, { kind: 'questions' }> =>
      s.kind === 'questions' && s.questionnaire === journey.registration && (answers === undefined || isAsked(journey, s, answers)),
  );
}
