import type { Questionnaire, RawAnswers } from './questionnaire';

/**
 * 000 "Significant partnerships": significant if, were it absent or to fail, any
 * trigger would follow. Loss of funding counts only over the threshold (£50,000 by
 * default, configurable per organisation).
 */
export interface SignificanceResult {
  readonly significant: boolean;
  readonly reasons: readonly string[];
}

export function assessSignificance(questionnaire: Questionnaire, answers: RawAnswers, fundingThreshold: number): SignificanceResult {
  const reasons: string[] = [];
  for (const q of questionnaire.sections.flatMap((s) => s.questions)) {
    const value = (answers[q.id] ?? '').trim();
    if (q.rule?.effect === 'trigger' && value === 'yes') reasons.push(q.rule.reason ?? q.label);
    if (q.rule?.effect === 'funding-at-risk' && value !== '') {
      const amount = Number(value.replace(/,/g, ''));
      if (Number.isFinite(amount) && amount > fundingThreshold) {
        reasons.push(`Funding at risk of £${amount.toLocaleString('en-GB')} is over the £${fundingThreshold.toLocaleString('en-GB')} threshold`);
      }
    }
  }
  return { significant: reasons.length > 0, reasons };
}
