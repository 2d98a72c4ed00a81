import type { Question, Questionnaire, Section } from './questionnaire';

/**
 * The proposal journey (DOMAIN 1.1-1.3) as a flat list of steps: the screening
 * questions, its outcome, the significance questions, its outcome, the
 * registration sections, then the summary. Steps are addressed by a stable key
 * ("registration.people"), never by position, so a draft saved before a
 * questionnaire changed still resumes at the right place.
 */
export type JourneyStep =
  | { readonly key: string; readonly kind: 'questions'; readonly questionnaire: Questionnaire; readonly section: Section }
  | { readonly key: 'screening-outcome' | 'significance-outcome' | 'summary'; readonly kind: 'checkpoint' };

export interface Journey {
  readonly screening: Questionnaire;
  readonly significance: Questionnaire;
  readonly registration: Questionnaire;
  readonly steps: readonly JourneyStep[];
}

function questionSteps(questionnaire: Questionnaire): JourneyStep[] {
  return questionnaire.sections.map((section) => ({
    key: `${questionnaire.id}.${section.id}`,
    kind: 'questions' as const,
    questionnaire,
    section,
  }));
}

export function buildJourney(screening: Questionnaire, significance: Questionnaire, registration: Questionnaire): Journey {
  const steps: JourneyStep[] = [
    ...questionSteps(screening),
    { key: 'screening-outcome', kind: 'checkpoint' },
    ...questionSteps(significance),
    { key: 'significance-outcome', kind: 'checkpoint' },
    ...questionSteps(registration),
    { key: 'summary', kind: 'checkpoint' },
  ];
  return { screening, significance, registration, steps };
}

export function firstStep(journey: Journey): JourneyStep {
  return journey.steps[0];
}

/** The step a key names; an unknown key (a section since removed) resumes at the summary. */
export function stepAt(journey: Journey, key: string): JourneyStep {
  return journey.steps.find((s) => s.key === key) ?? journey.steps[journey.steps.length - 1];
}

export function nextStep(journey: Journey, key: string): JourneyStep {
  const i = journey.steps.findIndex((s) => s.key === key);
  return journey.steps[Math.min(i + 1, journey.steps.length - 1)];
}

export function previousStep(journey: Journey, key: string): JourneyStep {
  const i = journey.steps.findIndex((s) => s.key === key);
  return journey.steps[Math.max(i - 1, 0)];
}

/** "Step n of m", counting every step a person sees. */
export function progressOf(journey: Journey, key: string): { readonly number: number; readonly total: number } {
  return { number: journey.steps.findIndex((s) => s.key === key) + 1, total: journey.steps.length };
}

export function allQuestions(journey: Journey): Question[] {
  return [journey.screening, journey.significance, journey.registration].flatMap((q) => q.sections.flatMap((s) => s.questions));
}

export function registrationSteps(journey: Journey): Extract<JourneyStep, { kind: 'questions' }>[] {
  return journey.steps.filter(
    (s): s is Extract<JourneyStep, { kind: 'questions' }> => s.kind === 'questions' && s.questionnaire === journey.registration,
  );
}
