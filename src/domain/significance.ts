import { parseAmount, type Questionnaire, type RawAnswers } from './questionnaire';

/**
 * 000 "Significant partnerships": significant if, were it absent or to fail, any
 * trigger would follow. Loss of funding counts only over the threshold (£50,000 by
 * default, configurable per organisation). Reasons are codes: `trigger:<question
 * id>` and `funding-over-threshold` (with the amount and the threshold kept
 * beside them); the views put them into words.
 */
export interface SignificanceResult {
  readonly significant: boolean;
  /** Records written before reasons were codes hold sentences; the views show those as they are. */
  readonly reasons: readonly string[];
  readonly fundingAtRisk?: number;
  readonly threshold?: number;
}

export const FUNDING_OVER_THRESHOLD = 'funding-over-threshold';

export function assessSignificance(questionnaire: Questionnaire, answers: RawAnswers, fundingThreshold: number): SignificanceResult {
  const reasons: string[] = [];
  let funding: { fundingAtRisk: number; threshold: number } | undefined;
  for (const q of questionnaire.sections.flatMap((s) => s.questions)) {
    const value = (answers[q.id] ?? '').trim();
    if (q.rule?.effect === 'trigger' && value === 'yes') reasons.push(`trigger:${q.id}`);
    if (q.rule?.effect === 'funding-at-risk' && value !== '') {
      const amount = parseAmount(value);
      if (amount !== undefined && amount > fundingThreshold) {
        reasons.push(FUNDING_OVER_THRESHOLD);
        funding = { fundingAtRisk: amount, threshold: fundingThreshold };
      }
    }
  }
  return { significant: reasons.length > 0, reasons, ...funding };
}
