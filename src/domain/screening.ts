import type { Questionnaire, RawAnswers } from './questionnaire';

/**
 * 000 "The Partnership Criteria" and 002 "Definitions". Each screening question
 * carries a `rule.effect` in its definition:
 * - `criterion`: it is a partnership only if every criterion is met ("It is one if");
 *   a criterion tagged `waivable` may be unmet when the `might` question is answered
 *   yes ("It might be one if: something we have to do, with added value on top").
 * - `exclusion`: a yes means it is not a partnership ("It isn't one if"), and
 *   `rule.instead` names what it is instead.
 */
export type ScreeningOutcome = 'partnership' | 'possible' | 'not-a-partnership';

export type ArrangementKind = 'contract' | 'shared-service' | 'joint-working' | 'statutory-duty' | 'one-off' | 'consortium';

export interface ScreeningResult {
  readonly outcome: ScreeningOutcome;
  /** The answers that decided it, in the person's own terms. */
  readonly reasons: readonly string[];
  /** What the arrangement is instead, when it is not a partnership. */
  readonly instead?: ArrangementKind;
}

export function screenArrangement(questionnaire: Questionnaire, answers: RawAnswers): ScreeningResult {
  const questions = questionnaire.sections.flatMap((s) => s.questions);
  const said = (id: string) => (answers[id] ?? '').trim();
  const excluded = questions.filter((q) => q.rule?.effect === 'exclusion' && said(q.id) === 'yes');
  if (excluded.length > 0) {
    return {
      outcome: 'not-a-partnership',
      reasons: excluded.map((q) => q.rule?.reason ?? q.label),
      instead: (excluded[0].rule?.instead ?? 'joint-working') as ArrangementKind,
    };
  }
  const criteria = questions.filter((q) => q.rule?.effect === 'criterion');
  const unmet = criteria.filter((q) => said(q.id) !== 'yes');
  if (unmet.length === 0) {
    return { outcome: 'partnership', reasons: criteria.map((q) => q.rule?.met ?? q.label) };
  }
  const might = questions.find((q) => q.rule?.effect === 'might');
  const waived = might !== undefined && said(might.id) === 'yes' && unmet.every((q) => q.rule?.waivable === 'true');
  if (waived) {
    return {
      outcome: 'possible',
      reasons: [might.rule?.reason ?? might.label, ...unmet.map((q) => q.rule?.unmet ?? `Not met: ${q.label}`)],
    };
  }
  return {
    outcome: 'not-a-partnership',
    reasons: unmet.map((q) => q.rule?.unmet ?? `Not met: ${q.label}`),
    instead: 'joint-working',
  };
}
