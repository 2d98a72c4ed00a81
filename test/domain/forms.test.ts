import { agreementGaps, AGREEMENT_ELEMENTS, elementKey } from '../../src/domain/agreement';
import { FEATURES, featureKey, scoreAssessment } from '../../src/domain/assessment';
import { displayAnswer, validateSection } from '../../src/domain/questionnaire';
import { roleOn } from '../../src/domain/roles';
import { loadFlows, loadProposalJourney } from '../../src/questionnaires';
import { problemText } from '../../src/views/catalogue';
import { checkFlow, checkProposalFlow } from '../../src/questionnaires/flow-schema';
import proposal from '../../src/questionnaires/proposal.flow.json';
import { editableSteps } from '../../src/domain/flow';
import assessment from '../../src/questionnaires/assessment.flow.json';
import { tasksFor } from '../../src/domain/due';
import { applyHandover, handoverOf } from '../../src/domain/handover';
import { aPartnership } from '../fixtures/builders';

function scores(overrides: Record<string, string>): Record<string, string> {
  return Object.fromEntries([...FEATURES.map((f) => [featureKey(f, 'Score'), '4']), ...Object.entries(overrides)]);
}

describe('002 Appendix 3: scoring an annual assessment', () => {
  it.each([
    ['every feature met', {}, 4, []],
    ['one feature not in place', { trustScore: '1' }, 3.7, ['trust']],
    ['features partly in place become actions; 3 (being implemented) does not', { efficientScore: '2', inclusiveScore: '3' }, 3.7, ['efficient']],
    ['all at 1', Object.fromEntries(FEATURES.map((f) => [featureKey(f, 'Score'), '1'])), 1, [...FEATURES]],
  ])('%s', (_label, overrides, average, needing) => {
    const result = scoreAssessment(scores(overrides as Record<string, string>));
    expect(result.averageScore).toBe(average);
    expect(result.needingAction).toEqual(needing);
    expect(result.actions.map((a) => a.feature)).toEqual(needing);
  });

  it('reads the decision from the answers, continuing unless exit or changes is chosen', () => {
    expect(scoreAssessment(scores({ decision: 'exit' })).decision).toBe('exit');
    expect(scoreAssessment(scores({ decision: 'forged' })).decision).toBe('continue');
  });

  it('asks for the action, owner and due date only of a feature scored 1 or 2', () => {
    const flow = loadFlows().get('assessment')!;
    const first = flow.steps[0];
    if (first.kind !== 'questions') throw new Error('expected questions');
    const base = { actionOutcomeFocusedEvidence: 'e', wellGovernedScore: '4', wellGovernedEvidence: 'e' };
    expect(validateSection(first.section, { ...base, actionOutcomeFocusedScore: '3' })).toEqual({});
    expect(Object.keys(validateSection(first.section, { ...base, actionOutcomeFocusedScore: '2' }))).toEqual(['actionOutcomeFocusedAction', 'actionOutcomeFocusedActionOwner', 'actionOutcomeFocusedActionDue']);
    expect(validateSection(first.section, { ...base, actionOutcomeFocusedScore: '5' }).actionOutcomeFocusedScore).toEqual({ code: 'choose-option' });
  });
});

describe('002 "Partnership Agreements": the gaps of an agreement', () => {
  const all = (value: string) => Object.fromEntries(AGREEMENT_ELEMENTS.map((e) => [elementKey(e), value]));
  it.each([
    ['every element covered', { ...all('covered'), agreementType: 'constitution' }, 'yes', 0],
    ['two elements short', { ...all('covered'), agreementType: 'terms-of-reference', elementComplaints: 'partly', elementDisputes: 'not-covered' }, 'partly', 2],
    ['nothing covered', { ...all('not-covered'), agreementType: 'memorandum' }, 'no', AGREEMENT_ELEMENTS.length],
    ['no agreement at all', { ...all('covered'), agreementType: 'none' }, 'no', 0],
  ])('%s (a response written against version 1: a choice question per element)', (_label, answers, state, gaps) => {
    const result = agreementGaps(answers);
    expect(result.state).toBe(state);
    expect(result.gaps).toHaveLength(gaps);
  });

  it('reads the elements from the checklist rows of version 2, whichever question holds them', () => {
    const half = Math.ceil(AGREEMENT_ELEMENTS.length / 2);
    const rows = (elements: readonly string[]) => JSON.stringify(elements.map((element) => ({ element, state: element === 'complaints' ? 'partly' : 'covered', where: 's.1' })));
    const answers = { agreementType: 'constitution', coverage1: rows(AGREEMENT_ELEMENTS.slice(0, half)), coverage2: rows(AGREEMENT_ELEMENTS.slice(half)) };
    expect(agreementGaps(answers)).toMatchObject({ state: 'partly', gaps: ['complaints'] });
    expect(agreementGaps({ ...answers, coverage2: '[]' }).gaps).toHaveLength(AGREEMENT_ELEMENTS.length - half);
  });

  it('the shipped checklist names every element once, under its own id', () => {
    const agreement = loadFlows().get('agreement')!;
    const named = agreement.questionnaires.flatMap((q) => q.sections.flatMap((s) => s.questions.flatMap((x) => (x.elements ?? []).map((e) => e.id))));
    expect(named).toEqual([...AGREEMENT_ELEMENTS]);
  });
});

describe('DOMAIN 5: who may complete a form for an entry', () => {
  const entry = aPartnership({ leadOfficer: 'lena@example.org', answers: { name: 'x', representative: 'Rob <rob@example.org>', otherRepresentatives: 'Sue sue@example.org 2026-01-01' } });
  it.each([
    ['the lead officer, by the email Teams reports', { id: 'u1', name: 'L' }, ['LENA@example.org'], [], 'lead-officer'],
    ['a representative', { id: 'u2', name: 'R' }, ['rob@example.org'], [], 'representative'],
    ['another representative', { id: 'u3', name: 'S' }, ['sue@example.org'], [], 'representative'],
    ['a register owner', { id: 'owner-1', name: 'O' }, [], ['OWNER-1'], 'register-owner'],
    ['anyone else', { id: 'u4', name: 'M' }, ['mallory@example.org'], [], undefined],
  ])('%s', (_label, person, emails, owners, role) => {
    expect(roleOn(entry, person, emails, owners)).toBe(role);
  });
});

describe('flow definitions are checked at start-up', () => {
  it('loads the shipped flows', () => {
    expect([...loadFlows().keys()]).toEqual(['assessment', 'agreement', 'handover', 'exit', 'change']);
  });

  it.each([
    ['an unknown property', { ...assessment, colour: 'red' }, /\$: Unrecognized key: "colour"|\$.*colour/],
    ['an evaluator the registry does not know', { ...assessment, evaluator: 'magic' }, /\$\.evaluator/],
    ['a status that does not exist', { ...assessment, startableIn: ['archived'] }, /\$\.startableIn\[0\]/],
    ['a question of an unknown type', { ...assessment, questionnaire: { ...assessment.questionnaire, sections: [{ ...assessment.questionnaire.sections[0], questions: [{ id: 'x', label: 'X', type: 'slider' }] }] } }, /\$\.questionnaire\.sections\[0\]\.questions\[0\]\.type/],
    ['a section named like the summary step', { ...assessment, questionnaire: { ...assessment.questionnaire, sections: [{ ...assessment.questionnaire.sections[0], id: 'summary' }] } }, /\$\.questionnaire\.sections\[0\]\.id/],
  ])('names the file and the JSON path of %s', (_label, definition, path) => {
    expect(() => checkFlow('src/questionnaires/bad.flow.json', definition)).toThrow(/^src\/questionnaires\/bad\.flow\.json: /);
    expect(() => checkFlow('src/questionnaires/bad.flow.json', definition)).toThrow(path);
  });
});

describe('the proposal is a flow too (proposal.flow.json)', () => {
  it('walks its parts in the order the file gives, the summary last', () => {
    const journey = loadProposalJourney();
    expect(journey).toMatchObject({ id: 'proposal', subject: 'new', completion: 'submit-for-approval' });
    expect(journey.steps.filter((s) => s.kind === 'checkpoint')).toEqual([
      { key: 'screening-outcome', kind: 'checkpoint', evaluator: 'screening' },
      { key: 'significance-outcome', kind: 'checkpoint', evaluator: 'significance' },
      { key: 'summary', kind: 'checkpoint' },
    ]);
    // Edit from the summary is offered for the registration sections only: the outcomes are changed by going Back.
    expect(editableSteps(journey).every((s) => s.questionnaire === journey.registration)).toBe(true);
  });

  it.each([
    ['a questionnaire it does not have', { ...proposal, steps: [...proposal.steps, { questionnaire: 'appendix' }] }, /\$\.steps\[5\]/],
    ['a questionnaire twice', { ...proposal, steps: [...proposal.steps, { questionnaire: 'registration' }] }, /\$\.steps: each of screening, significance and registration appears once/],
    ['a checkpoint named like the summary', { ...proposal, steps: [...proposal.steps, { checkpoint: 'summary' }] }, /\$\.steps\[5\]\.checkpoint/],
    ['an evaluator a checkpoint cannot run', { ...proposal, steps: [{ checkpoint: 'x', evaluator: 'assessment-scoring' }, ...proposal.steps] }, /\$\.steps\[0\]\.evaluator/],
    ['another completion', { ...proposal, completion: 'record-assessment' }, /\$\.completion/],
  ])('names the file and the JSON path of %s', (_label, definition, path) => {
    expect(() => checkProposalFlow('src/questionnaires/proposal.flow.json', definition)).toThrow(/^src\/questionnaires\/proposal\.flow\.json: /);
    expect(() => checkProposalFlow('src/questionnaires/proposal.flow.json', definition)).toThrow(path);
  });
});

describe('002 "Changing representatives": a handover on the entry', () => {
  const rob = { id: 'id-rob', name: 'Rob', email: 'rob@example.org' };
  const nia = { id: 'id-nia', name: 'Nia', email: 'nia@example.org' };
  const handover = handoverOf({ outgoingRepresentative: 'id-rob', incomingRepresentative: 'id-nia', incomingStart: '2027-01-01', outgoingFinish: '2026-12-31' }, { 'id-rob': rob, 'id-nia': nia });
  const entryWith = (answers: Record<string, string>, representatives?: { id: string; name: string }[]) => ({ ...aPartnership({ answers, representatives }), etag: '"1"' });
  it('replaces the main representative, in words and as a person', () => {
    const after = applyHandover(entryWith({ representative: 'Rob <rob@example.org>' }), handover);
    expect(after?.answers).toMatchObject({ representative: 'Nia <nia@example.org>', representativeStart: '2027-01-01' });
    expect(after?.representatives).toEqual([{ ...nia, since: '2027-01-01' }]);
  });
  it('replaces the line of another representative, keeping the rest', () => {
    const after = applyHandover(entryWith({ representative: 'Sam <sam@example.org>', otherRepresentatives: 'Ann ann@example.org\nRob rob@example.org 2025-01-01' }), handover);
    expect(after?.answers.otherRepresentatives).toBe('Ann ann@example.org\nNia <nia@example.org> 2027-01-01');
  });
  it('replaces a representative named as a person by an earlier handover', () => {
    const after = applyHandover(entryWith({ representative: 'Someone else' }, [{ id: 'id-rob', name: 'Rob' }]), handover);
    expect(after?.representatives).toEqual([{ ...nia, since: '2027-01-01' }]);
  });
  it('changes nothing when the outgoing person is not a representative', () => {
    expect(applyHandover(entryWith({ representative: 'Sam <sam@example.org>' }), handover)).toBeUndefined();
  });
});

describe('DOMAIN 3: what is due on an entry', () => {
  const agreed = { at: '2026-01-01', state: 'yes' as const, link: '', documentType: 'constitution', gaps: [] };
  const entry = (overrides: Record<string, unknown>) => ({ ...aPartnership({ status: 'active', approvedAt: '2026-01-01T10:00:00Z', agreement: agreed, nextReviewDue: '2027-01-01' }), etag: '"1"', ...overrides });
  it.each([
    ['nothing, far from every date', {}, []],
    ['the assessment from 30 days before its date', { nextReviewDue: '2026-12-30' }, [['assessment', '2026-12-30', false]]],
    ['the assessment overdue', { nextReviewDue: '2026-11-01' }, [['assessment', '2026-11-01', true]]],
    ['the agreement 14 days after approval while none is recorded', { agreement: undefined }, [['agreement', '2026-01-15', true]]],
    ['the agreement while only partly in place', { agreement: { ...agreed, state: 'partly' } }, [['agreement', '2026-01-15', true]]],
    ['the exit 60 days before the proposed end', { answers: { proposedEndDate: '2027-01-20' } }, [['exit', '2027-01-20', false]]],
    ['the exit while exiting, and no assessment then', { status: 'exiting', nextReviewDue: '2026-11-01' }, [['exit', '2026-12-01', false]]],
    ['nothing once closed', { status: 'closed', agreement: undefined }, []],
  ])('%s', (_label, overrides, expected) => {
    expect(tasksFor(entry(overrides) as never, '2026-12-01').map((t) => [t.kind, t.due, t.overdue])).toEqual(expected);
  });
});

describe('answers read back as people write them', () => {
  it('shows dates as 1 Apr 2026 and amounts as £12,000 in every summary', () => {
    expect(displayAnswer({ id: 'd', label: 'D', type: 'date' }, '2026-04-01')).toBe('1 Apr 2026');
    expect(displayAnswer({ id: 'a', label: 'A', type: 'amount' }, '£12,000')).toBe('£12,000');
    expect(displayAnswer({ id: 'a', label: 'A', type: 'amount' }, '12000.5')).toBe('£12,000.50');
  });
});

describe('contradictions are caught on the card', () => {
  const identity = loadProposalJourney().registration.sections.find((s) => s.id === 'identity')!;
  const base = { name: 'x', accountableBody: 'x', partnerOrganisations: 'x', dateFormed: '2026-04-01', lifeSpan: '3 years' };
  it.each([
    ['category statutory but "statutory: no"', { category: 'statutory', statutory: 'no' }, '"Category" (Statutory)'],
    ['"statutory: yes" but a community-based category', { category: 'community', statutory: 'yes' }, 'community-based'],
  ])('%s', (_label, answers, shown) => {
    const problem = validateSection(identity, { ...base, ...answers }).statutory;
    expect(problem).toMatchObject({ code: 'contradicts' });
    expect(problemText('en', problem)).toContain(shown);
  });
  it('accepts answers that agree', () => {
    expect(validateSection(identity, { ...base, category: 'statutory', statutory: 'yes' }).statutory).toBeUndefined();
    expect(validateSection(identity, { ...base, category: 'network', statutory: 'no' }).statutory).toBeUndefined();
  });
});

describe('000 "Significant partnerships": the funding question says what it means', () => {
  it('asks for the total and shows the threshold in force', () => {
    const q = loadProposalJourney({ fundingThreshold: 75_000 }).significance.sections.flatMap((s) => s.questions).find((x) => x.id === 'fundingAtRisk')!;
    expect(q.label).toMatch(/^In total/);
    expect(q.help).toContain('Over £75,000 in total makes the partnership significant');
    expect(loadProposalJourney().significance.sections.flatMap((s) => s.questions).find((x) => x.id === 'fundingAtRisk')!.help).toContain('£50,000');
  });
});
