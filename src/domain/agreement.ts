import type { RawAnswers } from './questionnaire';

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

export const elementKey = (element: AgreementElement) => `element${element[0].toUpperCase()}${element.slice(1)}`;

export function agreementGaps(answers: RawAnswers): AgreementResult {
  const gaps = AGREEMENT_ELEMENTS.filter((e) => (answers[elementKey(e)] ?? '').trim() !== 'covered');
  const noneCovered = gaps.length === AGREEMENT_ELEMENTS.length;
  const documentType = (answers.agreementType ?? '').trim();
  const state: AgreementState = documentType === 'none' || noneCovered ? 'no' : gaps.length === 0 ? 'yes' : 'partly';
  return { state, gaps, link: (answers.agreementDocument ?? '').trim(), documentType };
}
