import { ELEMENT, parseRows, type RawAnswers } from './questionnaire';

/**
 * 002 "Partnership Agreements" (with 000 Appendix 2 and 004 Appendix 2): the
 * elements a partnership's agreement should cover. Each is answered covered /
 * partly / not covered; anything short of covered is a gap on the register entry.
 */
export const AGREEMENT_ELEMENTS = [
  'aims',
  'legalStatus',
  'structures',
  'membership',
  'votingRights',
  'resourcing',
  'reporting',
  'partnerAssets',
  'partnerLiabilities',
  'governance',
  'exitStrategy',
  'financialControl',
  'meetings',
  'lifeSpan',
  'diversity',
  'declarations',
  'complaints',
  'expectationsOfUs',
  'monitoring',
  'vision',
  'disputes',
  'decisionMaking',
  'informationSharing',
] as const;

export type AgreementElement = (typeof AGREEMENT_ELEMENTS)[number];
export type AgreementState = 'yes' | 'partly' | 'no';

export interface AgreementResult {
  /** yes: every element covered; partly: some gaps; no: no agreement, or nothing covered. */
  readonly state: AgreementState;
  readonly gaps: readonly AgreementElement[];
  readonly link: string;
  readonly documentType: string;
}

/** Where a response written against version 1 of the checklist kept an element's answer: a choice question of its own. */
export const elementKey = (element: AgreementElement) => `element${element[0].toUpperCase()}${element.slice(1)}`;

/** Each element's answer (covered, partly, not-covered), from the checklist questions' rows, whichever question holds it. */
function elementStates(answers: RawAnswers): Map<string, string> {
  const states = new Map<string, string>();
  for (const raw of Object.values(answers)) {
    if (!raw.startsWith('[')) continue;
    for (const row of parseRows(raw)) if (row[ELEMENT] && row.state) states.set(row[ELEMENT], row.state.trim());
  }
  return states;
}

export function agreementGaps(answers: RawAnswers): AgreementResult {
  const states = elementStates(answers);
  const gaps = AGREEMENT_ELEMENTS.filter((e) => (states.get(e) ?? answers[elementKey(e)] ?? '').trim() !== 'covered');
  const noneCovered = gaps.length === AGREEMENT_ELEMENTS.length;
  const documentType = (answers.agreementType ?? '').trim();
  const state: AgreementState = documentType === 'none' || noneCovered ? 'no' : gaps.length === 0 ? 'yes' : 'partly';
  return { state, gaps, link: (answers.agreementDocument ?? '').trim(), documentType };
}
