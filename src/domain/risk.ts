import { parseRows, type RawAnswers } from './questionnaire';

/**
 * 002 "Risk Management": each risk scored likelihood x impact, 1-5 each. The
 * register shows a partnership's highest score. Registrations before risks were
 * rows held one main risk (`riskLikelihood`, `riskImpact`).
 */
export function highestRiskScore(answers: RawAnswers): number | null {
  const score = (likelihood: unknown, impact: unknown): number => {
    const l = Number(likelihood);
    const i = Number(impact);
    return Number.isInteger(l) && Number.isInteger(i) && l >= 1 && l <= 5 && i >= 1 && i <= 5 ? l * i : 0;
  };
  const rows = parseRows(answers.riskRows);
  const highest = rows.length > 0 ? Math.max(...rows.map((r) => score(r.likelihood, r.impact))) : score(answers.riskLikelihood, answers.riskImpact);
  return highest > 0 ? highest : null;
}
