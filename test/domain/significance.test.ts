import type { Questionnaire } from '../../src/domain/questionnaire';
import { assessSignificance } from '../../src/domain/significance';
import { loadProposalJourney } from '../../src/questionnaires';
import { significanceReasonTexts } from '../../src/views/catalogue';
import { significanceAnswers } from '../fixtures/builders';

const journey = loadProposalJourney();
const { significance } = journey;
const DEFAULT_THRESHOLD = 50_000;
const assess = (changes: Record<string, string> = {}, threshold = DEFAULT_THRESHOLD) =>
  assessSignificance(significance, significanceAnswers(changes), threshold);

describe('000 "Significant partnerships"', () => {
  it('000: a partnership whose absence or failure would trigger nothing is not significant', () => {
    expect(assess()).toEqual({ significant: false, reasons: [] });
  });

  it.each([
    ['strategicDelay', '000: unrecoverable delay to strategic aims makes it significant', 'Unrecoverable delay to our strategic aims'],
    ['programmeFailure', '000: failure of a major programme or project makes it significant', 'Failure of a major programme or project'],
    ['adverseMedia', '000: adverse media attention or community criticism makes it significant', 'Adverse media attention or community criticism'],
    ['adverseRating', '000: an adverse rating or lost accreditation makes it significant', 'An adverse rating or lost accreditation'],
    ['statutoryFailure', '000: failure of a statutory duty or deadline makes it significant', 'Failure of a statutory duty or deadline'],
    ['physicalRisk', '000: increased physical risk to people or communities makes it significant', 'Increased physical risk to people or communities'],
  ])('%s: %s', (trigger, _rule, reason) => {
    const result = assess({ [trigger]: 'yes' });
    expect(result).toEqual({ significant: true, reasons: [`trigger:${trigger}`] });
    expect(significanceReasonTexts(journey, result)).toEqual([reason]);
  });

  it('000: lists every trigger that applies', () => {
    const result = assess({ adverseMedia: 'yes', physicalRisk: 'yes', fundingAtRisk: '75000' });
    expect(result.significant).toBe(true);
    expect(result.reasons).toEqual(['trigger:adverseMedia', 'trigger:physicalRisk', 'funding-over-threshold']);
    expect(significanceReasonTexts(journey, result)).toEqual([
      'Adverse media attention or community criticism',
      'Increased physical risk to people or communities',
      'Funding at risk of £75,000 is over the £50,000 threshold',
    ]);
  });
});

describe('000: loss of funding over £50K makes it significant (the threshold is configurable)', () => {
  it('000: loss of funding over £50K makes it significant', () => {
    const result = assess({ fundingAtRisk: '50000.01' });
    expect(result).toEqual({ significant: true, reasons: ['funding-over-threshold'], fundingAtRisk: 50000.01, threshold: 50_000 });
    expect(significanceReasonTexts(journey, result)).toEqual(['Funding at risk of £50,000.01 is over the £50,000 threshold']);
  });

  it('000: loss of exactly £50K is not over the threshold', () => {
    expect(assess({ fundingAtRisk: '50000' })).toEqual({ significant: false, reasons: [] });
  });

  it('reads amounts typed with thousands separators', () => {
    expect(assess({ fundingAtRisk: '60,000' })).toMatchObject({ significant: true, fundingAtRisk: 60_000 });
  });

  it('DOMAIN 1.3: reads an amount typed with a pound sign, as the card accepts it', () => {
    expect(assess({ fundingAtRisk: '£75,000' })).toMatchObject({ significant: true, reasons: ['funding-over-threshold'], fundingAtRisk: 75_000 });
    expect(assess({ fundingAtRisk: '£50,000.00' }).significant).toBe(false);
  });

  it('shows a reason stored as a sentence (before reasons were codes) as it is', () => {
    expect(significanceReasonTexts(journey, { significant: true, reasons: ['Failure of a major programme or project'] })).toEqual(['Failure of a major programme or project']);
  });

  it('uses the threshold an organisation configures instead of £50K', () => {
    expect(assess({ fundingAtRisk: '60000' }, 100_000).significant).toBe(false);
    expect(significanceReasonTexts(journey, assess({ fundingAtRisk: '100001' }, 100_000))).toEqual(['Funding at risk of £100,001 is over the £100,000 threshold']);
    expect(assess({ fundingAtRisk: '20000' }, 10_000).significant).toBe(true);
  });

  it('does not count funding that is missing or not a number', () => {
    expect(assess({ fundingAtRisk: '' }).significant).toBe(false);
    expect(assess({ fundingAtRisk: 'lots' }).significant).toBe(false);
  });
});

describe('rules read from the questionnaire definition', () => {
  const tiny: Questionnaire = {
    id: 'tiny',
    title: 'Tiny significance',
    sections: [
      {
        id: 'only',
        title: 'Only',
        questions: [
          { id: 'floods', label: 'Would homes flood?', type: 'yesno', rule: { effect: 'trigger' } },
          { id: 'grant', label: 'Grant lost', type: 'amount', rule: { effect: 'funding-at-risk' } },
          { id: 'note', label: 'Anything else?', type: 'yesno' },
        ],
      },
    ],
  };

  it('uses the question label when a trigger gives no wording', () => {
    const result = assessSignificance(tiny, { floods: 'yes' }, 50_000);
    expect(result).toEqual({ significant: true, reasons: ['trigger:floods'] });
    const tinyJourney = { ...journey, significance: tiny };
    expect(significanceReasonTexts(tinyJourney, result)).toEqual(['Would homes flood?']);
  });

  it('ignores yes answers to questions that are not triggers', () => {
    expect(assessSignificance(tiny, { note: 'yes', grant: '10' }, 50_000)).toEqual({ significant: false, reasons: [] });
  });
});
