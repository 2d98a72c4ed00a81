import type { RawAnswers } from './questionnaire';

/**
 * 002 Appendix 3, "Review and Evaluation": ten features of a good partnership,
 * each scored 1-4 with evidence. A feature at 1 (not in place) or 2 (partly in
 * place) needs an action: what, who owns it, by when.
 */
export const FEATURES = [
  'actionOutcomeFocused',
  'wellGoverned',
  'goodLeadership',
  'efficient',
  'inclusive',
  'outwardFocused',
  'committedToLearning',
  'performanceManaged',
  'trust',
  'regularlyEvaluates',
] as const;

export type Feature = (typeof FEATURES)[number];

export type AssessmentDecision = 'continue' | 'continue-with-changes' | 'exit';

export interface AssessmentAction {
  readonly feature: Feature;
  readonly what: string;
  readonly owner: string;
  readonly due: string;
}

export interface AssessmentResult {
  /** Mean of the ten scores, to one decimal place. */
  readonly averageScore: number;
  /** Features scored 1 or 2. */
  readonly needingAction: readonly Feature[];
  readonly actions: readonly AssessmentAction[];
  readonly decision: AssessmentDecision;
}

/** The answer keys of a feature: `<feature>Score`, `<feature>Evidence`, `<feature>Action`, `<feature>ActionOwner`, `<feature>ActionDue`. */
export const featureKey = (feature: Feature, part: 'Score' | 'Evidence' | 'Action' | 'ActionOwner' | 'ActionDue') => `${feature}${part}`;

/** Scores are derived from the stored answers whenever they are used, never stored from an earlier step. */
export function scoreAssessment(answers: RawAnswers): AssessmentResult {
  const scores = FEATURES.map((f) => Number(answers[featureKey(f, 'Score')])).filter((n) => Number.isInteger(n) && n >= 1 && n <= 4);
  const averageScore = scores.length === 0 ? 0 : Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 10) / 10;
  const needingAction = FEATURES.filter((f) => ['1', '2'].includes((answers[featureKey(f, 'Score')] ?? '').trim()));
  const actions = needingAction.map((feature) => ({
    feature,
    what: (answers[featureKey(feature, 'Action')] ?? '').trim(),
    owner: (answers[featureKey(feature, 'ActionOwner')] ?? '').trim(),
    due: (answers[featureKey(feature, 'ActionDue')] ?? '').trim(),
  }));
  const given = (answers.decision ?? '').trim();
  const decision: AssessmentDecision = given === 'exit' || given === 'continue-with-changes' ? given : 'continue';
  return { averageScore, needingAction, actions, decision };
}
