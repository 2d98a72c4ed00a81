import type { Question, Questionnaire, RawAnswers } from './questionnaire';

/**
 * Is it a partnership? (DOMAIN 1.1; 000 "The Partnership Criteria", 002
 * "Definitions", "Joint Working Arrangements", "Contractual Arrangements").
 * Each screening question carries a `rule` in its definition:
 * - `exclusion`: a yes means it is not a partnership; `instead` says what it is.
 *   Exclusions are asked first, and any yes decides at once.
 * - `criterion`: it is one only if every criterion is met; each unmet criterion
 *   has its own `instead`. A `waivable` criterion (voluntary, discretionary) may
 *   be unmet when the `might` question is answered yes (000 "It might be one if").
 * - `statutory-body`: a partnership body the law requires us to take part in is a
 *   partnership in the statutory category; the waivable criteria do not apply (002
 *   puts statutory partnerships first on the register).
 * Outcomes and reasons are codes; the views put them into words.
 */
export type ScreeningOutcome = 'partnership' | 'possible' | 'not-a-partnership';

/** What an arrangement is instead of a partnership, and so where it is managed. */
export type ArrangementKind =
  | 'service-agreement'
  | 'contract'
  | 'grant'
  | 'sponsorship'
  | 'one-off'
  | 'statutory-duty'
  | 'consortium'
  | 'shared-service'
  | 'joint-working'
  | 'one-sided'
  | 'core-service';

/**
 * Why: `excluded:<rule code>`, `met:<criterion code>`, `unmet:<criterion code>`,
 * `statutory-body` or `added-value-on-top`. Records written before codes hold
 * sentences; the views show those as they are.
 */
export type ScreeningReason = string;

export interface ScreeningResult {
  readonly outcome: ScreeningOutcome;
  readonly reasons: readonly ScreeningReason[];
  /** What the arrangement is instead, when it is not a partnership. */
  readonly instead?: ArrangementKind;
  /** A statutory partnership: registered in the statutory category. */
  readonly statutory?: boolean;
}

const yes = (answers: RawAnswers, q: Question) => (answers[q.id] ?? '').trim() === 'yes';
const codeOf = (q: Question) => q.rule?.code ?? q.id;
const withEffect = (questionnaire: Questionnaire, effect: string) => questionnaire.sections.flatMap((s) => s.questions).filter((q) => q.rule?.effect === effect);

/** The exclusions answered yes, in the order asked. */
export function exclusionsHit(questionnaire: Questionnaire, answers: RawAnswers): Question[] {
  return withEffect(questionnaire, 'exclusion').filter((q) => yes(answers, q));
}

function isStatutoryBody(questionnaire: Questionnaire, answers: RawAnswers): boolean {
  return withEffect(questionnaire, 'statutory-body').some((q) => yes(answers, q));
}

/** The criteria that apply: a statutory partnership body is not asked to be voluntary or discretionary. */
function applicableCriteria(questionnaire: Questionnaire, answers: RawAnswers): Question[] {
  const statutory = isStatutoryBody(questionnaire, answers);
  return withEffect(questionnaire, 'criterion').filter((q) => !(statutory && q.rule?.waivable === 'true'));
}

/**
 * Whether the "might be one" question is worth asking: nothing excluded it,
 * every criterion that cannot be waived is met, and a waivable one is not.
 */
export function waivableUnmet(questionnaire: Questionnaire, answers: RawAnswers): boolean {
  if (exclusionsHit(questionnaire, answers).length > 0) return false;
  const unmet = applicableCriteria(questionnaire, answers).filter((q) => !yes(answers, q));
  return unmet.length > 0 && unmet.every((q) => q.rule?.waivable === 'true');
}

export function screenArrangement(questionnaire: Questionnaire, answers: RawAnswers): ScreeningResult {
  const excluded = exclusionsHit(questionnaire, answers);
  if (excluded.length > 0) {
    return { outcome: 'not-a-partnership', reasons: excluded.map((q) => `excluded:${codeOf(q)}`), instead: excluded[0].rule?.instead as ArrangementKind };
  }
  const statutory = isStatutoryBody(questionnaire, answers);
  const criteria = applicableCriteria(questionnaire, answers);
  const unmet = criteria.filter((q) => !yes(answers, q));
  if (unmet.length === 0) {
    const met = criteria.map((q) => `met:${codeOf(q)}`);
    return statutory ? { outcome: 'partnership', reasons: ['statutory-body', ...met], statutory: true } : { outcome: 'partnership', reasons: met };
  }
  const unmetReasons = unmet.map((q) => `unmet:${codeOf(q)}`);
  const might = withEffect(questionnaire, 'might')[0];
  if (might && yes(answers, might) && unmet.every((q) => q.rule?.waivable === 'true')) {
    return { outcome: 'possible', reasons: [codeOf(might), ...unmetReasons] };
  }
  return { outcome: 'not-a-partnership', reasons: unmetReasons, instead: unmet[0].rule?.instead as ArrangementKind };
}
