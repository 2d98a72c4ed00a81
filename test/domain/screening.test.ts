import type { Questionnaire } from '../../src/domain/questionnaire';
import { screenArrangement, type ArrangementKind } from '../../src/domain/screening';
import { ARRANGEMENT_LABEL } from '../../src/views/catalogue';
import { loadProposalJourney } from '../../src/questionnaires';
import { screeningAnswers } from '../fixtures/builders';

const { screening } = loadProposalJourney();
const screen = (changes: Record<string, string> = {}) => screenArrangement(screening, screeningAnswers(changes));

describe('000 "The Partnership Criteria": it is one if', () => {
  it('000: it is a partnership only when mutually beneficial, adding value, voluntary and discretionary', () => {
    expect(screen()).toEqual({
      outcome: 'partnership',
      reasons: ['It is mutually beneficial', 'It adds value', 'We enter into it voluntarily', 'It is a discretionary activity'],
    });
  });

  it.each([
    ['mutuallyBeneficial', 'It is not mutually beneficial'],
    ['addsValue', 'It does not add value'],
    ['voluntary', 'We are required to take part'],
    ['discretionary', 'It is not a discretionary activity'],
  ])('000: without %s it is not a partnership, and the unmet criterion is the reason', (criterion, reason) => {
    const result = screen({ [criterion]: 'no' });
    expect(result.outcome).toBe('not-a-partnership');
    expect(result.reasons).toEqual([reason]);
    expect(result.instead).toBe('joint-working');
  });

  it('000: an unanswered criterion is not met', () => {
    const answers = { ...screeningAnswers() } as Record<string, string>;
    delete answers.addsValue;
    expect(screenArrangement(screening, answers)).toMatchObject({ outcome: 'not-a-partnership', reasons: ['It does not add value'] });
  });

  it('000: lists every criterion that is not met', () => {
    expect(screen({ mutuallyBeneficial: 'no', addsValue: 'no' }).reasons).toEqual(['It is not mutually beneficial', 'It does not add value']);
  });
});

describe('000 "The Partnership Criteria": it might be one if', () => {
  it('000: something we must do but with added value might be a partnership', () => {
    expect(screen({ voluntary: 'no', discretionary: 'no', requiredWithAddedValue: 'yes' })).toEqual({
      outcome: 'possible',
      reasons: [
        'It is something we have to do, but done with added-value activity on top',
        'We are required to take part',
        'It is not a discretionary activity',
      ],
    });
  });

  it('000: something we must do with nothing added is not a partnership', () => {
    expect(screen({ voluntary: 'no', discretionary: 'no', requiredWithAddedValue: 'no' }).outcome).toBe('not-a-partnership');
  });

  it('000: added value on a required activity does not make up for it not being mutually beneficial', () => {
    expect(screen({ voluntary: 'no', mutuallyBeneficial: 'no', requiredWithAddedValue: 'yes' })).toMatchObject({
      outcome: 'not-a-partnership',
      reasons: ['It is not mutually beneficial', 'We are required to take part'],
    });
  });

  it('000: added value on a required activity does not make up for it adding no value', () => {
    expect(screen({ discretionary: 'no', addsValue: 'no', requiredWithAddedValue: 'yes' }).outcome).toBe('not-a-partnership');
  });

  it('000: an arrangement meeting every criterion stays a partnership whatever the might-question says', () => {
    expect(screen({ requiredWithAddedValue: 'yes' }).outcome).toBe('partnership');
  });
});

describe('000 and 002: it is not one if', () => {
  it('000: a service level agreement is not a partnership, and is a contract instead', () => {
    expect(screen({ serviceLevelAgreement: 'yes' })).toEqual({
      outcome: 'not-a-partnership',
      reasons: ['It is a service level agreement'],
      instead: 'contract',
    });
  });

  it.each<[string, string, ArrangementKind]>([
    ['contractual', '000: a contractual relationship is a contract, not a partnership', 'contract'],
    ['paidToProvide', '000: a service we are paid to provide is a contract, not a partnership', 'contract'],
    ['purchasing', '000: a service we purchase is a contract, not a partnership', 'contract'],
    ['oneOff', '000: a one-off activity or service for someone is not a partnership', 'one-off'],
    ['dutyOnly', '000: a duty required by law, statute or a management agreement is not a partnership', 'statutory-duty'],
    ['consortium', '000: being part of a consortium is not a partnership', 'consortium'],
    ['sharedService', '002: a shared service is excluded from the register', 'shared-service'],
    ['informalForum', '002: an informal working group or forum with no formal agreement is joint working, not a partnership', 'joint-working'],
  ])('%s: %s', (question, _rule, instead) => {
    const result = screen({ [question]: 'yes' });
    expect(result.outcome).toBe('not-a-partnership');
    expect(result.instead).toBe(instead);
    expect(result.reasons).toHaveLength(1);
  });

  it('002: an exclusion rules it out even when every partnership criterion is met', () => {
    expect(screen({ sharedService: 'yes', requiredWithAddedValue: 'yes' }).outcome).toBe('not-a-partnership');
  });

  it('lists every exclusion that applies, and says what it is by the first', () => {
    expect(screen({ purchasing: 'yes', sharedService: 'yes', mutuallyBeneficial: 'no' })).toEqual({
      outcome: 'not-a-partnership',
      reasons: ['We are purchasing a service', 'It is a shared service'],
      instead: 'contract',
    });
  });

  it('explains every kind of arrangement the register excludes, in words a person reads', () => {
    const kinds: ArrangementKind[] = ['contract', 'shared-service', 'joint-working', 'statutory-duty', 'one-off', 'consortium'];
    for (const kind of kinds) expect(ARRANGEMENT_LABEL[kind].length).toBeGreaterThan(10);
    expect(ARRANGEMENT_LABEL['shared-service']).toMatch(/shared service/);
    expect(ARRANGEMENT_LABEL.contract).toMatch(/contract/);
  });

  it('only ever says an arrangement is instead something the product can explain', () => {
    const exclusions = screening.sections.flatMap((s) => s.questions).filter((q) => q.rule?.effect === 'exclusion');
    expect(exclusions.length).toBeGreaterThan(0);
    for (const q of exclusions) expect(Object.keys(ARRANGEMENT_LABEL)).toContain(q.rule?.instead);
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
          { id: 'shared', label: 'Do both sides gain?', type: 'yesno', rule: { effect: 'criterion' } },
          { id: 'mustDo', label: 'Must we do it?', type: 'yesno', rule: { effect: 'criterion', waivable: 'true' } },
          { id: 'extra', label: 'Is there extra activity?', type: 'yesno', rule: { effect: 'might' } },
          { id: 'lease', label: 'Is it a lease?', type: 'yesno', rule: { effect: 'exclusion', instead: 'contract' } },
          { id: 'notes', label: 'Notes', type: 'text' },
        ],
      },
    ],
  };

  it('uses the question labels when the rules give no wording', () => {
    expect(screenArrangement(tiny, { shared: 'yes', mustDo: 'yes' })).toEqual({ outcome: 'partnership', reasons: ['Do both sides gain?', 'Must we do it?'] });
    expect(screenArrangement(tiny, { shared: 'yes', lease: 'yes' })).toEqual({ outcome: 'not-a-partnership', reasons: ['Is it a lease?'], instead: 'contract' });
    expect(screenArrangement(tiny, { shared: 'no', mustDo: 'yes' })).toMatchObject({ reasons: ['Not met: Do both sides gain?'] });
  });

  it('lets only a waivable criterion be made up for by the might-question', () => {
    expect(screenArrangement(tiny, { shared: 'yes', mustDo: 'no', extra: 'yes' }).outcome).toBe('possible');
    expect(screenArrangement(tiny, { shared: 'no', mustDo: 'yes', extra: 'yes' }).outcome).toBe('not-a-partnership');
  });

  it('ignores answers that carry no rule, and tolerates stray spaces', () => {
    expect(screenArrangement(tiny, { shared: ' yes ', mustDo: 'yes\n', notes: 'no' }).outcome).toBe('partnership');
  });
});
