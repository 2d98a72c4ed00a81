import { editableSteps, firstStep, nextStep, previousStep, progressOf, stepAt } from '../../src/domain/flow';
import { allQuestions, buildJourney } from '../../src/domain/journey';
import { checkProposalFlow } from '../../src/questionnaires/flow-schema';
import proposal from '../../src/questionnaires/proposal.flow.json';
import type { Questionnaire } from '../../src/domain/questionnaire';
import { checkQuestionnaire } from '../../src/questionnaires/questionnaire-schema';
import { loadProposalJourney } from '../../src/questionnaires';
import registration from '../../src/questionnaires/registration.json';
import screening from '../../src/questionnaires/screening.json';
import { proposalAnswers } from '../fixtures/builders';

const journey = loadProposalJourney();
const keys = journey.steps.map((s) => s.key);

describe('the proposal journey (DOMAIN 1.1-1.3)', () => {
  it('asks screening, then significance, then registration, then shows the summary', () => {
    expect(keys).toEqual([
      'screening.exclusions',
      'screening.criteria',
      'screening.addedValue',
      'screening-outcome',
      'significance.impact',
      'significance-outcome',
      'registration.identity',
      'registration.purpose',
      'registration.people',
      'registration.resources',
      'registration.governance',
      'registration.riskChecklist',
      'summary',
    ]);
  });

  it('DOMAIN 1.1: starts with the exclusions', () => {
    expect(firstStep(journey).key).toBe('screening.exclusions');
  });

  it('walks forwards and backwards one asked step at a time', () => {
    const answers = proposalAnswers();
    expect(nextStep(journey, 'screening.exclusions', answers).key).toBe('screening.criteria');
    expect(nextStep(journey, 'screening.criteria', answers).key).toBe('screening-outcome');
    expect(nextStep(journey, 'significance-outcome', answers).key).toBe('registration.identity');
    expect(previousStep(journey, 'registration.identity', answers).key).toBe('significance-outcome');
    expect(previousStep(journey, 'summary', answers).key).toBe('registration.governance');
    expect(previousStep(journey, 'screening-outcome', answers).key).toBe('screening.criteria');
  });

  it('DOMAIN 1.1: an exclusion answered yes ends the screening at once', () => {
    expect(nextStep(journey, 'screening.exclusions', proposalAnswers({ sponsorship: 'yes' })).key).toBe('screening-outcome');
    expect(previousStep(journey, 'screening-outcome', proposalAnswers({ sponsorship: 'yes' })).key).toBe('screening.exclusions');
  });

  it('DOMAIN 1.1: asks whether there is added value on top only when a waivable criterion is unmet', () => {
    expect(nextStep(journey, 'screening.criteria', proposalAnswers({ voluntary: 'no' })).key).toBe('screening.addedValue');
    expect(nextStep(journey, 'screening.criteria', proposalAnswers({ voluntary: 'no', addsValue: 'no' })).key).toBe('screening-outcome');
  });

  it('002 "Risk Management": asks the risk checklist of a significant partnership only', () => {
    expect(nextStep(journey, 'registration.governance', proposalAnswers()).key).toBe('summary');
    expect(nextStep(journey, 'registration.governance', proposalAnswers({ adverseMedia: 'yes' })).key).toBe('registration.riskChecklist');
    expect(editableSteps(journey, proposalAnswers()).map((s) => s.key)).not.toContain('registration.riskChecklist');
  });

  it('stays put at either end', () => {
    expect(nextStep(journey, 'summary').key).toBe('summary');
    expect(previousStep(journey, 'screening.exclusions').key).toBe('screening.exclusions');
  });

  it('finds a step by its stable key', () => {
    const people = stepAt(journey, 'registration.people');
    expect(people.kind).toBe('questions');
    expect(people.kind === 'questions' && people.section.title).toBe('People');
  });

  it('resumes a draft saved at a step since removed at the summary', () => {
    expect(stepAt(journey, 'registration.removedSection').key).toBe('summary');
  });

  it('counts the steps this person is asked', () => {
    expect(progressOf(journey, 'screening.exclusions', proposalAnswers())).toEqual({ number: 1, total: 11 });
    expect(progressOf(journey, 'summary', proposalAnswers())).toEqual({ number: 11, total: 11 });
    expect(progressOf(journey, 'summary', proposalAnswers({ adverseMedia: 'yes', voluntary: 'no', addedValueOnTop: 'yes' }))).toEqual({ number: 13, total: 13 });
    expect(progressOf(journey, 'screening-outcome', proposalAnswers({ grantFunding: 'yes' }))).toEqual({ number: 2, total: 10 });
  });

  it('names the registration sections of 000 and 002 Appendix 1, in order', () => {
    expect(editableSteps(journey).map((s) => s.section.title)).toEqual(['Identity', 'Purpose', 'People', 'Resources', 'Governance and risk', 'Risk checklist']);
  });

  it('keys every answer of a draft by a question id used once in the whole journey', () => {
    const ids = allQuestions(journey).map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a registration question that reuses a screening question\'s id, naming the file', () => {
    const taken = new Set<string>();
    checkQuestionnaire('src/questionnaires/screening.json', screening, taken);
    const clash = { ...registration, sections: [{ id: 'identity', title: 'Identity', questions: [{ id: 'voluntary', label: 'Voluntary?', type: 'yesno' }] }] };
    expect(() => checkQuestionnaire('src/questionnaires/registration.json', clash, taken)).toThrow(
      'src/questionnaires/registration.json: $.sections[0].questions[0].id: duplicate question id "voluntary"',
    );
  });

  it('builds a journey from tiny questionnaires, one step per section', () => {
    const tiny = (id: string, sections: string[]): Questionnaire => ({
      id,
      title: id,
      sections: sections.map((s) => ({ id: s, title: s, questions: [{ id: `${id}${s}`, label: 'Q', type: 'yesno' }] })),
    });
    const small = buildJourney(
      checkProposalFlow('proposal.flow.json', proposal),
      { screening: tiny('s', ['a']), significance: tiny('g', ['b']), registration: tiny('r', ['c', 'd']) },
    );
    expect(small.steps.map((s) => s.key)).toEqual(['s.a', 'screening-outcome', 'g.b', 'significance-outcome', 'r.c', 'r.d', 'summary']);
    expect(editableSteps(small).map((s) => s.key)).toEqual(['r.c', 'r.d']);
  });
});

describe('the registration questions (DOMAIN 1.3)', () => {
  const byId = new Map(allQuestions(journey).map((q) => [q.id, q]));
  const choicesOf = (id: string) => byId.get(id)?.choices?.map((c) => c.value);

  it('002: categories are statutory, then community-based, then network groups or forums', () => {
    expect(choicesOf('category')).toEqual(['statutory', 'community', 'network']);
  });

  it('000: lists four strategic objectives', () => {
    expect(choicesOf('strategicObjectives')).toHaveLength(4);
    expect(byId.get('strategicObjectives')?.type).toBe('multichoice');
  });

  it('003: offers the four structure models and six relationship levels', () => {
    expect(choicesOf('structureModel')).toEqual(['separate-organisation', 'virtual-organisation', 'co-located', 'steering-group']);
    expect(choicesOf('relationshipLevel')).toEqual(['supporter', 'agent', 'adviser', 'junior-member', 'joint-ownership', 'community-ownership']);
  });

  it('004: asks who leads: we lead, a partner leads, or jointly led', () => {
    expect(choicesOf('whoLeads')).toEqual(['we-lead', 'partner-leads', 'joint']);
  });

  it('002 "Risk Management": takes several risks as rows, each scored 1-5 for likelihood and impact, with its mitigation', () => {
    const risks = byId.get('riskRows');
    expect(risks?.type).toBe('rows');
    expect(risks?.columns?.map((c) => c.id)).toEqual(['description', 'likelihood', 'impact', 'mitigation']);
    for (const id of ['likelihood', 'impact']) expect(risks?.columns?.find((c) => c.id === id)?.choices?.map((c) => c.value)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('asks for the contract and agreement links only when they exist', () => {
    expect(byId.get('contractLink')?.showIf).toEqual({ question: 'formalContract', equals: 'yes' });
    expect(byId.get('agreementLink')?.showIf).toEqual({ question: 'agreementInPlace', equals: 'yes' });
  });

  it('refuses a proposed end date before the date formed', () => {
    expect(byId.get('proposedEndDate')?.notBefore).toBe('dateFormed');
  });
});
