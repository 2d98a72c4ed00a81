import { conditionHolds } from '../../src/domain/journey';
import type { Questionnaire } from '../../src/domain/questionnaire';
import { screenArrangement, waivableUnmet, type ArrangementKind } from '../../src/domain/screening';
import { ARRANGEMENT_LABEL, SCREENING_REASON, screeningReasonText } from '../../src/views/catalogue';
import { loadProposalJourney } from '../../src/questionnaires';
import { screeningAnswers } from '../fixtures/builders';

const journey = loadProposalJourney();
const { screening } = journey;
const screen = (changes: Record<string, string> = {}) => screenArrangement(screening, screeningAnswers(changes));

describe('000 "The Partnership Criteria": it is one if', () => {
  it('000: it is a partnership only when mutually beneficial, adding value, voluntary and discretionary', () => {
    expect(screen()).toEqual({
      outcome: 'partnership',
      reasons: ['met:mutually-beneficial', 'met:adds-value', 'met:voluntary', 'met:discretionary'],
    });
  });

  it.each<[string, string, ArrangementKind]>([
    ['mutuallyBeneficial', 'unmet:mutually-beneficial', 'one-sided'],
    ['addsValue', 'unmet:adds-value', 'joint-working'],
    ['voluntary', 'unmet:voluntary', 'statutory-duty'],
    ['discretionary', 'unmet:discretionary', 'core-service'],
  ])('000: without %s it is not a partnership, with its own explanation of what it is instead', (criterion, reason, instead) => {
    const result = screen({ [criterion]: 'no' });
    expect(result).toEqual({ outcome: 'not-a-partnership', reasons: [reason], instead });
  });

  it('DOMAIN 1.1: each unmet criterion has its own explanation, not always "joint working"', () => {
    const insteads = ['mutuallyBeneficial', 'addsValue', 'voluntary', 'discretionary'].map((c) => screen({ [c]: 'no' }).instead);
    expect(new Set(insteads).size).toBe(4);
  });

  it('000: an unanswered criterion is not met', () => {
    const answers = { ...screeningAnswers() } as Record<string, string>;
    delete answers.addsValue;
    expect(screenArrangement(screening, answers)).toMatchObject({ outcome: 'not-a-partnership', reasons: ['unmet:adds-value'] });
  });

  it('000: lists every criterion that is not met, and says what it is by the first', () => {
    expect(screen({ mutuallyBeneficial: 'no', addsValue: 'no' })).toEqual({
      outcome: 'not-a-partnership',
      reasons: ['unmet:mutually-beneficial', 'unmet:adds-value'],
      instead: 'one-sided',
    });
  });
});

describe('000 "The Partnership Criteria": it might be one if', () => {
  it('000: something we must do but with added value might be a partnership', () => {
    expect(screen({ voluntary: 'no', discretionary: 'no', addedValueOnTop: 'yes' })).toEqual({
      outcome: 'possible',
      reasons: ['added-value-on-top', 'unmet:voluntary', 'unmet:discretionary'],
    });
  });

  it('000: something we must do with nothing added is a statutory duty, not a partnership', () => {
    expect(screen({ voluntary: 'no', discretionary: 'no', addedValueOnTop: 'no' })).toMatchObject({ outcome: 'not-a-partnership', instead: 'statutory-duty' });
  });

  it('000: added value on a required activity does not make up for it not being mutually beneficial', () => {
    expect(screen({ voluntary: 'no', mutuallyBeneficial: 'no', addedValueOnTop: 'yes' })).toMatchObject({
      outcome: 'not-a-partnership',
      reasons: ['unmet:mutually-beneficial', 'unmet:voluntary'],
    });
  });

  it('000: added value on a required activity does not make up for it adding no value', () => {
    expect(screen({ discretionary: 'no', addsValue: 'no', addedValueOnTop: 'yes' }).outcome).toBe('not-a-partnership');
  });

  it('000: an arrangement meeting every criterion stays a partnership whatever an old might-answer says', () => {
    expect(screen({ addedValueOnTop: 'yes' }).outcome).toBe('partnership');
  });

  it('DOMAIN 1.1: the might question is asked only when a waivable criterion (voluntary, discretionary) is unmet', () => {
    expect(waivableUnmet(screening, screeningAnswers())).toBe(false);
    expect(waivableUnmet(screening, screeningAnswers({ voluntary: 'no' }))).toBe(true);
    expect(waivableUnmet(screening, screeningAnswers({ discretionary: 'no' }))).toBe(true);
    // An unmet criterion that cannot be waived decides it: nothing to ask.
    expect(waivableUnmet(screening, screeningAnswers({ voluntary: 'no', addsValue: 'no' }))).toBe(false);
    // An exclusion has decided it already.
    expect(waivableUnmet(screening, screeningAnswers({ voluntary: 'no', consortium: 'yes' }))).toBe(false);
    // A statutory partnership body is not asked to be voluntary.
    expect(waivableUnmet(screening, screeningAnswers({ voluntary: 'no', discretionary: 'no', statutoryBody: 'yes' }))).toBe(false);
  });
});

describe('002 "Definitions": statutory partnerships', () => {
  it('002: a partnership body the law requires us to take part in is a partnership in the statutory category', () => {
    expect(screen({ statutoryBody: 'yes', voluntary: 'no', discretionary: 'no' })).toEqual({
      outcome: 'partnership',
      reasons: ['statutory-body', 'met:mutually-beneficial', 'met:adds-value'],
      statutory: true,
    });
  });

  it('002: a statutory partnership must still be mutually beneficial and add value', () => {
    expect(screen({ statutoryBody: 'yes', addsValue: 'no' })).toMatchObject({ outcome: 'not-a-partnership', reasons: ['unmet:adds-value'] });
  });

  it('000: a duty we carry out ourselves, with no partnership body, stays excluded even when the law requires it', () => {
    expect(screen({ dutyOnly: 'yes', statutoryBody: 'yes' })).toMatchObject({ outcome: 'not-a-partnership', instead: 'statutory-duty', reasons: ['excluded:duty-only'] });
  });
});

describe('000 and 002: it is not one if', () => {
  it.each<[string, string, ArrangementKind]>([
    ['serviceLevelAgreement', '000: a service level agreement is a service agreement, not a partnership', 'service-agreement'],
    ['serviceForPayment', '002 "Contractual Arrangements": a service delivered for payment with no shared objectives is a contract', 'contract'],
    ['grantFunding', '002 "Joint Working Arrangements": a grant or community funding agreement is joint working, not a partnership', 'grant'],
    ['sponsorship', '000: a sponsorship is not a partnership', 'sponsorship'],
    ['oneOff', '000: a one-off activity or service for someone is not a partnership', 'one-off'],
    ['dutyOnly', '000: a duty required by law, statute or a management agreement is not a partnership', 'statutory-duty'],
    ['consortium', '000: being part of a consortium is not a partnership', 'consortium'],
    ['sharedService', '002 "Shared Services": another authority carrying out our functions is excluded from the register', 'shared-service'],
    ['noFormalAgreement', '002 "Joint Working Arrangements": a forum with no formal agreement is joint working, even with agreed outcomes', 'joint-working'],
  ])('%s: %s', (question, _rule, instead) => {
    const result = screen({ [question]: 'yes' });
    expect(result.outcome).toBe('not-a-partnership');
    expect(result.instead).toBe(instead);
    expect(result.reasons).toHaveLength(1);
    expect(SCREENING_REASON[result.reasons[0]]).toBeDefined();
  });

  it('002 "Contractual Arrangements": a formal agreement or contract between partners does not by itself exclude a partnership', () => {
    const exclusionIds = screening.sections.flatMap((s) => s.questions).filter((q) => q.rule?.effect === 'exclusion').map((q) => q.id);
    expect(exclusionIds).not.toContain('contractual');
    expect(screen()).toMatchObject({ outcome: 'partnership' });
  });

  it('002: an exclusion rules it out even when every partnership criterion is met', () => {
    expect(screen({ sharedService: 'yes', addedValueOnTop: 'yes' }).outcome).toBe('not-a-partnership');
  });

  it('lists every exclusion that applies, and says what it is by the first', () => {
    expect(screen({ serviceForPayment: 'yes', sharedService: 'yes', mutuallyBeneficial: 'no' })).toEqual({
      outcome: 'not-a-partnership',
      reasons: ['excluded:service-for-payment', 'excluded:shared-service'],
      instead: 'contract',
    });
  });

  it('DOMAIN 1.1: exclusions are asked first, and the criteria only when none applies', () => {
    expect(screening.sections.map((s) => s.id)).toEqual(['exclusions', 'criteria', 'addedValue']);
    expect(conditionHolds(journey, 'not-excluded', screeningAnswers({ grantFunding: 'yes' }))).toBe(false);
    expect(conditionHolds(journey, 'not-excluded', screeningAnswers())).toBe(true);
  });

  it('explains every kind of arrangement and where it is managed, in words a person reads', () => {
    for (const [kind, words] of Object.entries(ARRANGEMENT_LABEL)) {
      expect(words.what.length).toBeGreaterThan(5);
      expect(words.where).toMatch(/\.$/);
      expect(kind).toBeTruthy();
    }
    expect(ARRANGEMENT_LABEL.contract.where).toMatch(/procurement/);
    expect(ARRANGEMENT_LABEL.grant.where).toMatch(/grants/);
  });

  it('every rule in the definition has words, and says instead only what the product can explain', () => {
    const questions = screening.sections.flatMap((s) => s.questions).filter((q) => q.rule);
    for (const q of questions) {
      if (q.rule?.instead) expect(Object.keys(ARRANGEMENT_LABEL)).toContain(q.rule.instead);
      const codes = q.rule?.effect === 'exclusion' ? [`excluded:${q.rule.code}`] : q.rule?.effect === 'criterion' ? [`met:${q.rule.code}`, `unmet:${q.rule.code}`] : [q.rule?.code ?? ''];
      for (const code of codes) expect(SCREENING_REASON[code]).toBeDefined();
    }
  });

  it('shows a reason stored as a sentence (before reasons were codes) as it is', () => {
    expect(screeningReasonText('It is a shared service')).toBe('It is a shared service');
    expect(screeningReasonText('excluded:grant')).toMatch(/grant/);
  });
});

describe('rules read from the questionnaire definition', () => {
  const tiny: Questionnaire = {
    id: 'tiny',
    title: 'Tiny screening',
    sections: [
      {
        id: 'only',
        title: 'Only',
        questions: [
          { id: 'shared', label: 'Do both sides gain?', type: 'yesno', rule: { effect: 'criterion', code: 'shared', instead: 'one-sided' } },
          { id: 'mustDo', label: 'Must we do it?', type: 'yesno', rule: { effect: 'criterion', code: 'must', waivable: 'true', instead: 'core-service' } },
          { id: 'extra', label: 'Is there extra activity?', type: 'yesno', rule: { effect: 'might', code: 'extra' } },
          { id: 'lease', label: 'Is it a lease?', type: 'yesno', rule: { effect: 'exclusion', code: 'lease', instead: 'contract' } },
          { id: 'notes', label: 'Notes', type: 'text' },
        ],
      },
    ],
  };

  it('reads the codes the definition gives', () => {
    expect(screenArrangement(tiny, { shared: 'yes', mustDo: 'yes' })).toEqual({ outcome: 'partnership', reasons: ['met:shared', 'met:must'] });
    expect(screenArrangement(tiny, { shared: 'yes', lease: 'yes' })).toEqual({ outcome: 'not-a-partnership', reasons: ['excluded:lease'], instead: 'contract' });
    expect(screenArrangement(tiny, { shared: 'no', mustDo: 'yes' })).toMatchObject({ reasons: ['unmet:shared'], instead: 'one-sided' });
  });

  it('lets only a waivable criterion be made up for by the might-question', () => {
    expect(screenArrangement(tiny, { shared: 'yes', mustDo: 'no', extra: 'yes' }).outcome).toBe('possible');
    expect(screenArrangement(tiny, { shared: 'no', mustDo: 'yes', extra: 'yes' }).outcome).toBe('not-a-partnership');
  });

  it('ignores answers that carry no rule, and tolerates stray spaces', () => {
    expect(screenArrangement(tiny, { shared: ' yes ', mustDo: 'yes\n', notes: 'no' }).outcome).toBe('partnership');
  });
});
