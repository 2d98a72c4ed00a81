import { ConfigRouting } from '../../src/adapters/approvals/config-routing';
import { openMemoryStores } from '../../src/adapters/memory/memory-stores';
import type { Draft, Person } from '../../src/domain/records';
import { loadFlows, loadProposalJourney } from '../../src/questionnaires';
import { listMine, startDraft, type CardRef, type Move } from '../../src/use-cases/proposal-journey';
import { editAny, moveAny, resumeAny, type ResponseDeps, type ResponseResult } from '../../src/use-cases/responses';
import { aStoredDraft, proposalAnswers, registrationAnswers,
  riskChecklistAnswers, screeningAnswers, storedAnswers, testPeople, LEAD, REPRESENTATIVE } from '../fixtures/builders';

const NOW = '2026-03-02T09:30:00.000Z';
const alice: Person = { id: 'user-alice', name: 'Alice Adams', tenantId: 'tenant-1' };
const bob: Person = { id: 'user-bob', name: 'Bob Brown', tenantId: 'tenant-1' };
const journey = loadProposalJourney();

function setUp() {
  const stores = openMemoryStores();
  let count = 0;
  // The proposal runs on the engine every flow does; the forms' part of the deps is there but unused here.
  const deps: ResponseDeps = {
    journey,
    flows: loadFlows(),
    records: stores.records,
    reviewIntervalMonths: 12,
    registerOwners: [],
    drafts: stores.drafts,
    register: stores.register,
    audit: stores.audit,
    clock: { now: () => new Date(NOW) },
    ids: { next: () => `id-${++count}` },
    fundingThreshold: 50_000,
    routing: new ConfigRouting({ approvers: ['user-approver'], secondStageApprovers: [], localMode: false }),
    people: testPeople(),
  };
  return { deps, stores };
}

/** The reference a card for this draft carries in every action's data. */
function refOf(draft: Draft): CardRef {
  return { draftId: draft.id, version: draft.version, step: draft.step };
}

function draftOf(result: ResponseResult): Draft {
  if (!('draft' in result) || !result.draft) throw new Error(`expected a draft, got ${JSON.stringify(result)}`);
  return result.draft;
}

/** Presses a button on the card last shown for `draft`, typing `inputs` first. */
async function press(deps: ResponseDeps, person: Person, draft: Draft, move: Move, inputs: Record<string, unknown> = {}) {
  return moveAny(deps, person, async () => [], refOf(draft), move, inputs);
}

/** Presses Next on every step until the draft reaches `key`, answering from `answers`. */
async function advanceTo(deps: ResponseDeps, person: Person, draft: Draft, key: string, answers = proposalAnswers()): Promise<Draft> {
  let current = draft;
  for (let guard = 0; current.step !== key; guard++) {
    if (guard > journey.steps.length) throw new Error(`never reached ${key}; stuck at ${current.step}`);
    const result = await press(deps, person, current, 'next', answers);
    if (result.kind !== 'step' || result.errors || result.notice) throw new Error(`stopped at ${current.step}: ${JSON.stringify(result)}`);
    current = result.draft;
  }
  return current;
}

async function startedDraft(deps: ResponseDeps, person = alice): Promise<Draft> {
  return draftOf(await startDraft(deps, person));
}

describe('the proposal journey', () => {
  it('takes a partnership from the first question to a proposal awaiting approval', async () => {
    const { deps, stores } = setUp();
    const started = await startedDraft(deps);
    expect(started).toMatchObject({ ownerId: alice.id, ownerName: alice.name, status: 'draft', step: 'screening.exclusions', answers: {} });

    const atSummary = await advanceTo(deps, alice, started, 'summary');
    expect(atSummary.screening?.outcome).toBe('partnership');
    expect(atSummary.significance).toEqual({ significant: false, reasons: [] });

    const result = await press(deps, alice, atSummary, 'next');
    expect(result.kind).toBe('submitted');
    if (result.kind !== 'submitted') return;
    // People are stored as Entra ids, with who they are beside the answers.
    const answers = { ...storedAnswers(proposalAnswers()), leadOfficer: LEAD.id, representatives: JSON.stringify([{ who: REPRESENTATIVE.id, since: '2026-04-01' }]) };
    expect(result.partnership).toMatchObject({
      status: 'proposed',
      name: 'Riverside Health Partnership',
      category: 'community',
      leadOfficer: LEAD.email,
      lead: LEAD,
      representatives: [{ ...REPRESENTATIVE, since: '2026-04-01' }],
      people: { [LEAD.id]: LEAD, [REPRESENTATIVE.id]: REPRESENTATIVE },
      proposer: alice,
      significant: false,
      draftId: started.id,
      submittedAt: NOW,
      answers,
    });
    expect(result.draft).toMatchObject({ status: 'submitted', partnershipId: result.partnership.id });

    expect(await stores.register.listByProposer(alice.id)).toHaveLength(1);
    const draftAudit = await stores.audit.listFor(started.id);
    expect(draftAudit.map((e) => e.action)).toEqual(['draft.started', 'screening.partnership']);
    expect(draftAudit.every((e) => e.actor.id === alice.id && e.at === NOW)).toBe(true);
    const proposalAudit = await stores.audit.listFor(result.partnership.id);
    expect(proposalAudit).toEqual([
      expect.objectContaining({ action: 'proposal.submitted', actor: alice, at: NOW, data: { draftId: started.id, answers } }),
    ]);
  });

  it('DOMAIN 3: a representative\'s last day, when known, goes on the entry (the handover reminder\'s date)', async () => {
    const { deps } = setUp();
    const answers = proposalAnswers({ 'representatives.0.until': '2027-03-31' });
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary', answers);
    const result = await press(deps, alice, atSummary, 'next');
    expect(result.kind === 'submitted' && result.partnership.representatives).toEqual([{ ...REPRESENTATIVE, since: '2026-04-01', until: '2027-03-31' }]);
  });

  it('DOMAIN 1.3: says under the question when the lead is someone the directory does not know, keeping the answers', async () => {
    const { deps } = setUp();
    const atPeople = await advanceTo(deps, alice, await startedDraft(deps), 'registration.people');
    const result = await press(deps, alice, atPeople, 'next', registrationAnswers({ leadOfficer: 'nobody@example.org', 'representatives.0.who': 'ghost@example.org' }));
    expect(result).toMatchObject({
      kind: 'step',
      errors: { leadOfficer: { code: 'unknown-person', value: 'nobody@example.org' }, 'representatives.0.who': { code: 'unknown-person', value: 'ghost@example.org' } },
      draft: { step: 'registration.people', answers: { leadOfficer: 'nobody@example.org' } },
    });
  });

  it('flags an arrangement that might be a partnership and lets it continue for the approver to judge', async () => {
    const { deps } = setUp();
    const answers = proposalAnswers({ voluntary: 'no', discretionary: 'no', addedValueOnTop: 'yes' });
    const atOutcome = await advanceTo(deps, alice, await startedDraft(deps), 'screening-outcome', answers);
    expect(atOutcome).toMatchObject({ status: 'draft', screening: { outcome: 'possible' } });
    const atSummary = await advanceTo(deps, alice, atOutcome, 'summary', answers);
    const result = await press(deps, alice, atSummary, 'next');
    expect(result.kind === 'submitted' && result.partnership.screening.outcome).toBe('possible');
  });

  it('000: records a significant partnership as significant when funding over the threshold is at risk', async () => {
    const { deps } = setUp();
    const answers = { ...proposalAnswers({ fundingAtRisk: '75,000' }), ...riskChecklistAnswers() };
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary', answers);
    const result = await press(deps, alice, atSummary, 'next');
    expect(result.kind === 'submitted' && result.partnership.significant).toBe(true);
  });
});

describe('an arrangement screened out', () => {
  async function screenedOut() {
    const { deps, stores } = setUp();
    const answers = proposalAnswers({ serviceLevelAgreement: 'yes' });
    const draft = await advanceTo(deps, alice, await startedDraft(deps), 'screening-outcome', answers);
    return { deps, stores, draft };
  }

  it('stops at the outcome as not a partnership, saying what it is instead', async () => {
    const { draft } = await screenedOut();
    expect(draft.status).toBe('screened-out');
    expect(draft.screening).toEqual({ outcome: 'not-a-partnership', reasons: ['excluded:service-level-agreement'], instead: 'service-agreement' });
  });

  it('keeps the decision for audit: who, when and the answers', async () => {
    const { stores, draft } = await screenedOut();
    const decision = (await stores.audit.listFor(draft.id)).find((e) => e.action === 'screening.not-a-partnership');
    expect(decision).toMatchObject({ actor: alice, at: NOW, data: { reasons: ['excluded:service-level-agreement'], instead: 'service-agreement' } });
    // Only what was asked: the exclusion ended the screening before the criteria.
    const { mutuallyBeneficial, addsValue, statutoryBody, voluntary, discretionary, ...exclusions } = screeningAnswers({ serviceLevelAgreement: 'yes' });
    expect(decision?.data?.answers).toEqual(exclusions);
    expect([mutuallyBeneficial, addsValue, statutoryBody, voluntary, discretionary]).toHaveLength(5);
  });

  it('is not registered', async () => {
    const { stores } = await screenedOut();
    expect(await stores.register.listByProposer(alice.id)).toEqual([]);
  });

  it('refuses Next and changes nothing', async () => {
    const { deps, stores, draft } = await screenedOut();
    const result = await press(deps, alice, draft, 'next');
    expect(result).toMatchObject({ kind: 'step', notice: 'ILLEGAL_TRANSITION', draft: { status: 'screened-out', step: 'screening-outcome' } });
    expect(await stores.drafts.get(draft.id)).toEqual(draft);
  });

  it('reopens the draft on Back, so a wrong answer can be changed', async () => {
    const { deps, draft } = await screenedOut();
    const back = draftOf(await press(deps, alice, draft, 'back'));
    expect(back).toMatchObject({ status: 'draft', step: 'screening.exclusions' });
    // The exclusion ended the screening at once, so the criteria come next now.
    const fixed = draftOf(await press(deps, alice, back, 'next', { serviceLevelAgreement: 'no' }));
    expect(fixed).toMatchObject({ status: 'draft', step: 'screening.criteria' });
    const criteria = draftOf(await press(deps, alice, fixed, 'next', screeningAnswers()));
    expect(criteria).toMatchObject({ status: 'draft', step: 'screening-outcome', screening: { outcome: 'partnership' } });
  });
});

describe('validation', () => {
  it('keeps every typed answer in the draft when a step has errors', async () => {
    const { deps, stores } = setUp();
    const atIdentity = await advanceTo(deps, alice, await startedDraft(deps), 'registration.identity');
    const typed = {
      name: 'Riverside Health Partnership',
      category: 'community',
      accountableBody: 'Riverside Borough Council',
      partnerOrganisations: 'Riverside NHS Trust',
      dateFormed: '2026-02-30',
      proposedEndDate: '2025-01-01',
      lifeSpan: '3 years',
    };
    const result = await press(deps, alice, atIdentity, 'next', typed);
    expect(result.kind).toBe('step');
    if (result.kind !== 'step') return;
    expect(result.errors).toEqual({ dateFormed: { code: 'date' }, statutory: { code: 'required' } });
    expect(result.draft.step).toBe('registration.identity');
    const stored = await stores.drafts.get(atIdentity.id);
    expect(stored?.answers).toMatchObject(typed);
    expect(stored?.version).toBe(result.draft.version);
  });

  it('clips an over-long answer, keeps the rest, and says so', async () => {
    const { deps } = setUp();
    const atIdentity = await advanceTo(deps, alice, await startedDraft(deps), 'registration.identity');
    const result = await press(deps, alice, atIdentity, 'next', registrationAnswers({ name: 'N'.repeat(400) }));
    expect(result.kind === 'step' && result.errors?.name).toEqual({ code: 'clipped', length: 400, limit: 150 });
    expect(draftOf(result)).toMatchObject({ step: 'registration.identity', answers: { name: 'N'.repeat(150), accountableBody: 'Riverside Borough Council' } });
  });

  it('ignores anything on a card that is not a question of the step', async () => {
    const { deps } = setUp();
    const started = await startedDraft(deps);
    const next = draftOf(await press(deps, alice, started, 'next', { ...screeningAnswers(), name: 'Sneaked in', ownerId: 'user-bob', status: 'submitted' }));
    // Only the exclusions, the first step's questions: not the criteria sent along, nor anything else.
    const exclusions = journey.screening.sections[0].questions.map((q) => q.id);
    expect(Object.keys(next.answers).sort()).toEqual([...exclusions].sort());
    expect(Object.values(next.answers).every((v) => v === 'no')).toBe(true);
    expect(next).toMatchObject({ ownerId: alice.id, status: 'draft' });
  });
});

describe('saving and resuming', () => {
  it('saves a half-finished step and resumes it later, from any device, with every answer', async () => {
    const { deps } = setUp();
    const atPurpose = await advanceTo(deps, alice, await startedDraft(deps), 'registration.purpose');
    const saved = await press(deps, alice, atPurpose, 'save', { aims: 'Health outreach', strategicObjectives: 'homes' });
    expect(saved.kind).toBe('saved');

    const resumed = draftOf(await resumeAny(deps, alice, atPurpose.id));
    expect(resumed).toMatchObject({ step: 'registration.purpose', status: 'draft' });
    expect(resumed.answers).toEqual({ ...atPurpose.answers, aims: 'Health outreach', strategicObjectives: 'homes' });
    expect(resumed.answers.name).toBe('Riverside Health Partnership');

    const onward = draftOf(await press(deps, alice, resumed, 'next', { anticipatedOutcomes: 'More GP registrations', addedValue: 'Shared visits', effectivenessMeasures: 'Quarterly figures', objectiveContribution: 'Homes: fewer evictions' }));
    expect(onward.step).toBe('registration.people');
  });

  it('saves without validating, but reports an answer it had to clip', async () => {
    const { deps } = setUp();
    const atIdentity = await advanceTo(deps, alice, await startedDraft(deps), 'registration.identity');
    const result = await press(deps, alice, atIdentity, 'save', { name: 'x'.repeat(151), dateFormed: 'soon' });
    expect(result.kind).toBe('step');
    expect(result.kind === 'step' && Object.keys(result.errors ?? {})).toEqual(['name']);
    expect(draftOf(result).answers).toMatchObject({ dateFormed: 'soon' });
  });

  it('does not resume a draft that does not exist', async () => {
    const { deps } = setUp();
    expect(await resumeAny(deps, alice, 'no-such-draft')).toEqual({ kind: 'refused', code: 'DRAFT_NOT_FOUND' });
  });

  it('does not resume a submitted draft for more editing', async () => {
    const { deps } = setUp();
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary');
    await press(deps, alice, atSummary, 'next');
    expect(await resumeAny(deps, alice, atSummary.id)).toMatchObject({ kind: 'refused', code: 'ALREADY_SUBMITTED' });
  });

  // Bug: resumeDraft shows the summary for a step key since removed (stepAt falls back), and the
  // card carries step "summary", but loadForAction compares the card's step with the stored,
  // removed key, so every action on that card is refused as STALE_CARD and the draft is stuck.
  test('a draft saved at a step since removed resumes at the summary and can be submitted from there', async () => {
    const { deps, stores } = setUp();
    const draft = await stores.drafts.create({
      ...aStoredDraft({ id: 'draft-old', ownerId: alice.id, answers: storedAnswers(proposalAnswers()), step: 'registration.removedSection' }),
      screening: { outcome: 'partnership', reasons: [] },
      significance: { significant: false, reasons: [] },
    });
    const resumed = draftOf(await resumeAny(deps, alice, draft.id));
    const cardRef = { draftId: resumed.id, version: resumed.version, step: 'summary' };
    const result = await moveAny(deps, alice, async () => [], cardRef, 'next', {});
    expect(result.kind).toBe('submitted');
  });
});

describe('stale cards', () => {
  it('answers an old card with the current step and notice STALE_CARD, changing nothing', async () => {
    const { deps, stores } = setUp();
    const started = await startedDraft(deps);
    const moved = draftOf(await press(deps, alice, started, 'next', screeningAnswers()));
    const before = await stores.drafts.get(started.id);

    const result = await press(deps, alice, started, 'next', screeningAnswers({ mutuallyBeneficial: 'no' }));
    expect(result).toEqual({ kind: 'step', flow: deps.journey, draft: moved, notice: 'STALE_CARD' });
    expect(await stores.drafts.get(started.id)).toEqual(before);
  });

  it('refuses a card whose step is not where the draft is, even at the current version', async () => {
    const { deps, stores } = setUp();
    const started = await startedDraft(deps);
    const result = await moveAny(deps, alice, async () => [], { ...refOf(started), step: 'registration.identity' }, 'next', registrationAnswers());
    expect(result).toMatchObject({ kind: 'step', notice: 'STALE_CARD' });
    expect(await stores.drafts.get(started.id)).toEqual(started);
  });

  it('refuses an old card\'s Save as well, keeping what the newer card saved', async () => {
    const { deps, stores } = setUp();
    const atIdentity = await advanceTo(deps, alice, await startedDraft(deps), 'registration.identity');
    await press(deps, alice, atIdentity, 'save', { name: 'From the laptop' });
    const result = await press(deps, alice, atIdentity, 'save', { name: 'From the phone' });
    expect(result).toMatchObject({ kind: 'step', notice: 'STALE_CARD' });
    expect((await stores.drafts.get(atIdentity.id))?.answers.name).toBe('From the laptop');
  });

  it('lets only one of two presses of the same card through', async () => {
    const { deps, stores } = setUp();
    const started = await startedDraft(deps);
    const results = await Promise.all([
      press(deps, alice, started, 'next', screeningAnswers()),
      press(deps, alice, started, 'next', screeningAnswers({ addsValue: 'no' })),
    ]);
    expect(results.filter((r) => r.kind === 'step' && r.notice === 'STALE_CARD')).toHaveLength(1);
    expect((await stores.drafts.get(started.id))?.version).toBe(2);
  });
});

describe('someone else\'s draft', () => {
  async function alicesDraft() {
    const { deps, stores } = setUp();
    const draft = await advanceTo(deps, alice, await startedDraft(deps), 'registration.identity');
    return { deps, stores, draft };
  }

  it('refuses Next, Back and Save with NOT_YOUR_DRAFT, leaking nothing and changing nothing', async () => {
    const { deps, stores, draft } = await alicesDraft();
    for (const move of ['next', 'back', 'save'] as const) {
      const result = await press(deps, bob, draft, move, registrationAnswers({ name: 'Bob was here' }));
      expect(result).toEqual({ kind: 'refused', code: 'NOT_YOUR_DRAFT' });
    }
    expect(await stores.drafts.get(draft.id)).toEqual(draft);
  });

  it('refuses to resume or edit it', async () => {
    const { deps, stores, draft } = await alicesDraft();
    expect(await resumeAny(deps, bob, draft.id)).toEqual({ kind: 'refused', code: 'NOT_YOUR_DRAFT' });
    expect(await editAny(deps, bob, refOf(draft), 'registration.people')).toEqual({ kind: 'refused', code: 'NOT_YOUR_DRAFT' });
    expect(await stores.drafts.get(draft.id)).toEqual(draft);
  });

  it('refuses to submit it', async () => {
    const { deps, stores } = setUp();
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary');
    expect(await press(deps, bob, atSummary, 'next')).toEqual({ kind: 'refused', code: 'NOT_YOUR_DRAFT' });
    expect(await stores.register.listByProposer(alice.id)).toEqual([]);
    expect(await stores.register.listByProposer(bob.id)).toEqual([]);
  });

  it('refuses a card naming a draft that does not exist', async () => {
    const { deps } = setUp();
    expect(await moveAny(deps, alice, async () => [], { draftId: 'nope', version: 1, step: 'summary' }, 'next', {})).toEqual({ kind: 'refused', code: 'DRAFT_NOT_FOUND' });
  });
});

describe('submitting', () => {
  it('makes exactly one register item when Submit is pressed twice', async () => {
    const { deps, stores } = setUp();
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary');
    const first = await press(deps, alice, atSummary, 'next');
    const second = await press(deps, alice, atSummary, 'next');
    expect(first.kind).toBe('submitted');
    expect(second).toMatchObject({ kind: 'refused', code: 'ALREADY_SUBMITTED' });
    expect(await stores.register.listByProposer(alice.id)).toHaveLength(1);
  });

  it('makes exactly one register item when two presses of Submit arrive together', async () => {
    const { deps, stores } = setUp();
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary');
    const results = await Promise.all([press(deps, alice, atSummary, 'next'), press(deps, alice, atSummary, 'next')]);
    expect(results.filter((r) => r.kind === 'submitted')).toHaveLength(1);
    const items = await stores.register.listByProposer(alice.id);
    expect(items).toHaveLength(1);
    const submittedEntries = (await stores.audit.listFor(items[0].id)).filter((e) => e.action === 'proposal.submitted');
    expect(submittedEntries).toHaveLength(1);
  });

  it('sends a summary with a missing answer back to the step that needs it, then returns to the summary', async () => {
    const { deps, stores } = setUp();
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary');
    const tampered = await stores.drafts.update({ ...atSummary, answers: { ...atSummary.answers, riskRows: '[]' } });
    const result = await press(deps, alice, tampered, 'next');
    expect(result).toMatchObject({ kind: 'step', errors: { riskRows: { code: 'required' } }, draft: { step: 'registration.governance', returnToSummary: true } });
    const back = draftOf(await press(deps, alice, draftOf(result), 'next', { 'riskRows.0.description': 'Partners withdraw', 'riskRows.0.likelihood': '3', 'riskRows.0.impact': '2' }));
    expect(back.step).toBe('summary');
    expect(await stores.register.listByProposer(alice.id)).toEqual([]);
  });

  it('never registers a draft whose stored answers screen it out, whatever outcome was stored earlier', async () => {
    const { deps, stores } = setUp();
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary');
    const forged = await stores.drafts.update({ ...atSummary, answers: { ...atSummary.answers, sharedService: 'yes' } });
    const result = await press(deps, alice, forged, 'next');
    expect(result).toMatchObject({ kind: 'step', notice: 'OUTCOME_CHANGED', draft: { step: 'screening-outcome', status: 'screened-out', screening: { outcome: 'not-a-partnership' } } });
    expect(await stores.register.listByProposer(alice.id)).toEqual([]);
  });

  it('submits the significance computed from the stored answers, not the outcome stored at its step', async () => {
    const { deps, stores } = setUp();
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary');
    expect(atSummary.significance?.significant).toBe(false);
    const forged = await stores.drafts.update({ ...atSummary, answers: { ...atSummary.answers, fundingAtRisk: '5000000' } });
    // Significant now: the risk checklist it never saw is asked before anything is submitted.
    const asked = await press(deps, alice, forged, 'next');
    expect(asked).toMatchObject({ kind: 'step', draft: { step: 'registration.riskChecklist', returnToSummary: true }, errors: { torAgreedByAll: { code: 'required' } } });
    const back = draftOf(await press(deps, alice, draftOf(asked), 'next', riskChecklistAnswers()));
    expect(back.step).toBe('summary');
    const result = await press(deps, alice, back, 'next');
    expect(result.kind).toBe('submitted');
    const [item] = await stores.register.listByProposer(alice.id);
    expect(item.significant).toBe(true);
  });

  it('002 "Resource Implications": additional funds send a proposal that is not significant to the senior management stage, saying why', async () => {
    const { deps, stores } = setUp();
    const senior = { ...deps, routing: new ConfigRouting({ approvers: ['user-approver'], secondStageApprovers: ['user-senior'], localMode: false }) };
    const atSummary = await advanceTo(senior, alice, await startedDraft(senior), 'summary', proposalAnswers({ funding: 'additional' }));
    expect(atSummary.significance?.significant).toBe(false);
    expect((await press(senior, alice, atSummary, 'next')).kind).toBe('submitted');
    const [item] = await stores.register.listByProposer(alice.id);
    expect(item.approval?.route.stages).toEqual([['user-approver'], ['user-senior']]);
    expect(item.approval?.route.routeNote).toBe('additional-funds');
  });

  it('keeps a proposal within existing budget and not significant to one stage', async () => {
    const { deps, stores } = setUp();
    const senior = { ...deps, routing: new ConfigRouting({ approvers: ['user-approver'], secondStageApprovers: ['user-senior'], localMode: false }) };
    const atSummary = await advanceTo(senior, alice, await startedDraft(senior), 'summary', proposalAnswers({ funding: 'existing' }));
    await press(senior, alice, atSummary, 'next');
    const [item] = await stores.register.listByProposer(alice.id);
    expect(item.approval?.route.stages).toEqual([['user-approver']]);
  });

  it('offers Edit only for the sections the summary shows: a screening section is refused', async () => {
    const { deps, stores } = setUp();
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary');
    const result = await editAny(deps, alice, refOf(atSummary), 'screening.exclusions');
    expect(result).toMatchObject({ kind: 'step', notice: 'ILLEGAL_TRANSITION', draft: { step: 'summary' } });
    expect((await stores.drafts.get(atSummary.id))?.step).toBe('summary');
  });
});

describe('editing from the summary', () => {
  it('returns to the summary after the edited section, with the change kept', async () => {
    const { deps } = setUp();
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary');
    const editing = draftOf(await editAny(deps, alice, refOf(atSummary), 'registration.people'));
    expect(editing).toMatchObject({ step: 'registration.people', returnToSummary: true });

    const back = draftOf(await press(deps, alice, editing, 'next', { meetingFrequency: 'monthly' }));
    expect(back).toMatchObject({ step: 'summary', returnToSummary: false, answers: { meetingFrequency: 'monthly', name: 'Riverside Health Partnership' } });
  });

  it('returns to the summary on Back from the edited section too', async () => {
    const { deps } = setUp();
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary');
    const editing = draftOf(await editAny(deps, alice, refOf(atSummary), 'registration.identity'));
    expect(draftOf(await press(deps, alice, editing, 'back'))).toMatchObject({ step: 'summary', returnToSummary: false });
  });

  it('keeps the person on the section while the edit has errors', async () => {
    const { deps } = setUp();
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary');
    const editing = draftOf(await editAny(deps, alice, refOf(atSummary), 'registration.identity'));
    const result = await press(deps, alice, editing, 'next', { proposedEndDate: '2020-01-01' });
    expect(result).toMatchObject({ kind: 'step', errors: { proposedEndDate: { code: 'date-before', other: '2026-04-01' } }, draft: { step: 'registration.identity', returnToSummary: true } });
  });

  it('refuses to edit a step that is not a section of questions', async () => {
    const { deps, stores } = setUp();
    const atSummary = await advanceTo(deps, alice, await startedDraft(deps), 'summary');
    expect(await editAny(deps, alice, refOf(atSummary), 'screening-outcome')).toMatchObject({ kind: 'step', notice: 'ILLEGAL_TRANSITION' });
    expect(await editAny(deps, alice, refOf(atSummary), 'registration.nowhere')).toMatchObject({ kind: 'step', notice: 'ILLEGAL_TRANSITION' });
    expect(await stores.drafts.get(atSummary.id)).toEqual(atSummary);
  });
});

describe('my partnerships', () => {
  it('lists only the person\'s own drafts, and their proposals separately', async () => {
    const { deps } = setUp();
    const first = await startedDraft(deps, alice);
    const second = await startedDraft(deps, alice);
    await startedDraft(deps, bob);
    const submitted = await advanceTo(deps, alice, await startedDraft(deps, alice), 'summary');
    const result = await press(deps, alice, submitted, 'next');

    const mine = await listMine(deps, alice);
    expect(mine.drafts.map((d) => d.id).sort()).toEqual([first.id, second.id].sort());
    expect(mine.drafts.every((d) => d.ownerId === alice.id)).toBe(true);
    expect(mine.partnerships.map((p) => p.id)).toEqual([result.kind === 'submitted' ? result.partnership.id : 'none']);

    const bobs = await listMine(deps, bob);
    expect(bobs.drafts).toHaveLength(1);
    expect(bobs.drafts[0].ownerId).toBe(bob.id);
    expect(bobs.partnerships).toEqual([]);
  });

  it('lists a screened-out draft, so its decision can be seen again', async () => {
    const { deps } = setUp();
    const screenedOut = await advanceTo(deps, alice, await startedDraft(deps), 'screening-outcome', proposalAnswers({ sharedService: 'yes' }));
    expect((await listMine(deps, alice)).drafts).toEqual([screenedOut]);
  });
});
