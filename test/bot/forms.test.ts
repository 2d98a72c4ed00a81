import { join } from 'node:path';
import { openDatabase, openSqliteStores } from '../../src/adapters/sqlite';
import { FEATURES, featureKey } from '../../src/domain/assessment';
import type { AgreementElement } from '../../src/domain/agreement';
import { flowQuestions } from '../../src/domain/flow';
import { loadFlows } from '../../src/questionnaires';
import type { Partnership } from '../../src/domain/records';
import { aPartnership } from '../fixtures/builders';
import { answersFor, startBotUnderTest, type BotUnderTest } from './bot-under-test';
import { actionsOf, inputIdsOf, textOf, type Chat, type ShownCard } from './chat';

/**
 * The forms after approval, over real HTTP with the Bot Connector double: typed
 * command to Partnership Record, who may start them, validation, save and
 * resume across a restart, and what they change on the register entry.
 */

const OSCAR = 'aad-oscar-owner';
const TODAY = new Date().toISOString().slice(0, 10);

function assessmentAnswers(overrides: Record<string, string> = {}): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const f of FEATURES) {
    answers[featureKey(f, 'Score')] = '3';
    answers[featureKey(f, 'Evidence')] = `Minutes of the March board meeting, item ${f}`;
  }
  return { ...answers, stillRelevant: 'yes', membershipRight: 'yes', risksCurrent: 'yes', decision: 'continue', ...overrides };
}

/** The agreement's card inputs: each element's state (covered unless `states` says otherwise) and where, in the checklist cells. */
function agreementAnswers(states: Partial<Record<AgreementElement, string>> = {}): Record<string, string> {
  const answers: Record<string, string> = { agreementType: 'terms-of-reference', agreementDocument: 'https://example.sharepoint.com/tor.docx', signedByAll: 'yes', gapAction: 'amend' };
  const agreement = loadFlows().get('agreement')!;
  for (const q of flowQuestions(agreement).filter((x) => x.type === 'checklist')) {
    (q.elements ?? []).forEach((element, i) => {
      answers[`${q.id}.${i}.state`] = states[element.id as AgreementElement] ?? 'covered';
      answers[`${q.id}.${i}.where`] = `Section ${i + 1}`;
    });
  }
  return answers;
}

const buttons = (card: ShownCard['card']) => actionsOf(card).map((a) => a.title);

/** Presses Next (or Review answers) through the sections, answering from `answers`, until the summary. */
async function walkToSummary(chat: Chat, first: ShownCard, answers: Record<string, string>): Promise<ShownCard> {
  let shown = first;
  for (let i = 0; i < 12; i++) {
    if (textOf(shown.card).includes('Check your answers')) return shown;
    const next = buttons(shown.card).find((t) => t === 'Next' || t === 'Review answers');
    if (!next) throw new Error(`stuck: ${textOf(shown.card).slice(0, 300)}`);
    shown = await chat.press(shown, next, answersFor(shown, answers));
  }
  throw new Error('the form did not reach its summary');
}

describe('forms after approval', () => {
  let bot: BotUnderTest;
  let lena: Chat;
  let rob: Chat;

  async function seed(entry: Partial<Partnership> & { id: string }): Promise<void> {
    const stores = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
    try {
      await stores.register.create(aPartnership({ status: 'active', approvedAt: '2025-11-20T10:00:00.000Z', nextReviewDue: '2026-11-20', ...entry }), `seed-${entry.id}`);
    } finally {
      stores.close();
    }
  }

  async function stored(id: string) {
    const stores = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
    try {
      return { entry: await stores.register.get(id), records: await stores.records.listFor(id), audit: await stores.audit.listFor(id) };
    } finally {
      stores.close();
    }
  }

  /** A person Teams reports with this email (the double answers getMember with it). */
  function person(name: string, email: string): Chat {
    const chat = bot.chat(name);
    bot.connector.setMember({ id: chat.user.id, name, aadObjectId: chat.user.aadObjectId, email, userPrincipalName: email });
    return chat;
  }

  beforeAll(async () => {
    bot = await startBotUnderTest({ APPROVERS: 'aad-anne-approver', REGISTER_OWNERS: OSCAR });
    lena = person('Lena Lead', 'lena.lead@example.org');
    rob = person('Rob Rep', 'rob.rep@example.org');
    await lena.say('help');
    await rob.say('help');
    const people = { leadOfficer: 'lena.lead@example.org', answers: { name: 'x', leadOfficer: 'lena.lead@example.org', representative: 'Rob Rep <rob.rep@example.org>' } };
    await seed({ id: 'e-assess', reference: 'PR-2026-101', name: 'Riverside Health Partnership', ...people });
    await seed({ id: 'e-exit', reference: 'PR-2026-102', name: 'Quayside Arts Forum', ...people });
    await seed({ id: 'e-agree', reference: 'PR-2026-103', name: 'Northfield Youth Partnership', ...people });
    await seed({ id: 'e-dup-1', reference: 'PR-2026-104', name: 'Canal Trust North', ...people });
    await seed({ id: 'e-dup-2', reference: 'PR-2026-105', name: 'Canal Trust South', ...people });
    await seed({ id: 'e-closed', reference: 'PR-2026-106', name: 'Old Closed Board', status: 'closed', ...people });
    await seed({ id: 'e-hand', reference: 'PR-2026-108', name: 'Harbour Regeneration Board', ...people, answers: { ...people.answers, aims: 'Regenerate the harbour' } });
    await seed({ id: 'e-end', reference: 'PR-2026-109', name: 'Winter Shelter Partnership', ...people });
    await seed({ id: 'e-retry', reference: 'PR-2026-111', name: 'Riverbank Retry Partnership', ...people });
    await seed({ id: 'e-change', reference: 'PR-2026-110', name: 'Library Friends Network', ...people, answers: { ...people.answers, financialContribution: '12500', meetingLocation: 'Old Town Hall' } });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('the lead officer records an annual assessment from "review PR-…": score, actions, record, next review date', async () => {
    const first = await lena.say('review PR-2026-101');
    expect(textOf(first.card)).toContain('Annual assessment: PR-2026-101 Riverside Health Partnership');
    expect(textOf(first.card)).toContain('Step 1 of 7');
    expect(textOf(first.card)).toContain('2 - Partly in place: action needed');
    const answers = assessmentAnswers({ trustScore: '2', trustAction: 'Agree a risk-sharing protocol', trustActionOwner: 'Lena Lead', trustActionDue: '2027-03-31', efficientScore: '1', efficientAction: 'Appoint a secretariat', efficientActionOwner: 'Rob Rep', efficientActionDue: '2027-01-31' });
    const summary = await walkToSummary(lena, first, answers);
    expect(textOf(summary.card)).toContain('Agree a risk-sharing protocol');
    const done = await lena.press(summary, 'Record the assessment');
    expect(textOf(done.card)).toContain('Annual assessment recorded');
    expect(textOf(done.card)).toContain('2 of 10');

    const { entry, records, audit } = await stored('e-assess');
    expect(entry?.lastReviewedAt).toBe(TODAY);
    expect(entry?.latestAssessment).toMatchObject({ averageScore: 2.7, needingAction: 2, decision: 'continue' });
    const nextYear = `${Number(TODAY.slice(0, 4)) + 1}${TODAY.slice(4, 7)}`;
    expect(entry?.nextReviewDue?.slice(0, 7)).toBe(nextYear);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'assessment', reference: 'PR-2026-101', score: 2.7, decision: 'continue', by: { id: lena.user.aadObjectId } });
    expect((records[0].outcome as { actions: { feature: string; owner: string }[] }).actions.map((a) => a.feature)).toEqual(['efficient', 'trust']);
    expect(audit.map((a) => a.action)).toEqual(['assessment.started', 'assessment.completed']);
    // The completed card is not completed twice.
    const again = await lena.press(summary, 'Record the assessment');
    expect(textOf(again.card)).toContain('Already submitted');
    expect((await stored('e-assess')).records).toHaveLength(1);
  });

  it('a feature scored 1 or 2 needs its action: the card says so under the question and keeps the answers', async () => {
    const first = await rob.say('review Riverside Health Partnership');
    const shown = await rob.press(first, 'Next', answersFor(first, assessmentAnswers({ actionOutcomeFocusedScore: '1' })));
    expect(textOf(shown.card)).toContain('Features 1 and 2 of 10');
    expect(JSON.stringify(shown.card)).toContain('This answer is required.');
    expect(JSON.stringify(shown.card)).toContain('Minutes of the March board meeting, item actionOutcomeFocused');
    await rob.press(shown, 'Save and close');
  });

  it('only the lead officer, a representative or a register owner may start a form; anyone else is told who can', async () => {
    const mallory = person('Mallory Other', 'mallory@example.org');
    const refused = await mallory.say('review PR-2026-101');
    expect(textOf(refused.card)).toContain("lead officer, one of its representatives, or a register owner");
    const oscar = bot.chat('Oscar Owner', );
    const owner = await oscar.say('agreement PR-2026-101');
    expect(textOf(owner.card)).toContain('Agreement checklist: PR-2026-101');
    expect(textOf((await lena.say('review PR-2099-999')).card)).toContain('Partnership not found');
  });

  it('a closed entry is offered to no form', async () => {
    const refused = await lena.say('review PR-2026-106');
    // Closed entries are not offered at all; an entry that is exiting is found but refused.
    expect(textOf(refused.card)).toContain('Partnership not found');
  });

  it('deciding to exit inside an assessment sets the entry exiting; a second assessment is then refused', async () => {
    const first = await lena.say('review PR-2026-102');
    const summary = await walkToSummary(lena, first, assessmentAnswers({ decision: 'exit', decisionComment: 'It has done its job' }));
    const done = await lena.press(summary, 'Record the assessment');
    expect(textOf(done.card)).toContain('marked as exiting');
    expect((await stored('e-exit')).entry?.status).toBe('exiting');
    const again = await lena.say('review PR-2026-102');
    expect(textOf(again.card)).toContain('cannot be started for this partnership in its current status');
  });

  it('an agreement checklist is saved, resumed after a restart, and records the gaps on the entry', async () => {
    const first = await rob.say('agreement PR-2026-103');
    const answers = agreementAnswers({ votingRights: 'partly', complaints: 'not-covered' });
    const second = await rob.press(first, 'Next', answersFor(first, answers));
    const saved = await rob.press(second, 'Save and close', answersFor(second, answers));
    expect(textOf(saved.card)).toContain('is saved');
    await bot.restart();
    const resumed = await rob.press(saved, 'Continue');
    expect(textOf(resumed.card)).toContain('What the agreement covers (1 of 4)');
    expect(inputIdsOf(resumed.card)).toEqual(expect.arrayContaining(['coverage1.0.state', 'coverage1.0.where']));
    // Typing the command again resumes the same response rather than starting another.
    const typed = await rob.say('agreement PR-2026-103');
    expect(textOf(typed.card)).toContain('What the agreement covers (1 of 4)');
    const summary = await walkToSummary(rob, typed, answers);
    expect(textOf(summary.card)).toContain('Voting rights: Partly covered; Section 5');
    const done = await rob.press(summary, 'Record the checklist');
    expect(textOf(done.card)).toContain('Partly in place');
    const { entry, records } = await stored('e-agree');
    expect(entry?.agreement).toMatchObject({ state: 'partly', link: 'https://example.sharepoint.com/tor.docx', gaps: ['votingRights', 'complaints'] });
    expect(records.map((r) => r.kind)).toEqual(['agreement']);
  });

  it('a name matching several entries offers a pick list; Start begins the form for the one chosen', async () => {
    const pick = await lena.say('agreement canal trust');
    expect(textOf(pick.card)).toContain('which partnership?');
    expect(textOf(pick.card)).toContain('Canal Trust North');
    expect(textOf(pick.card)).toContain('Canal Trust South');
    const south = actionsOf(pick.card).find((a) => a.data?.entryId === 'e-dup-2')!;
    const res = await lena.invoke(south.verb, south.data, pick.messageId);
    expect(textOf(res.body.value)).toContain('Agreement checklist: PR-2026-105 Canal Trust South');
    // A forged start for an entry she has no role on is refused.
    await seed({ id: 'e-other', reference: 'PR-2026-107', name: 'Someone Else Partnership', leadOfficer: 'x@example.org', answers: { name: 'x' } });
    const forged = await lena.invoke(south.verb, { ...south.data, entryId: 'e-other' }, pick.messageId);
    expect(textOf(forged.body.value)).toContain('Not yours to complete');
  });

  it('a handover names the incoming representative on the entry, tells them, and moves the forms from the outgoing to the incoming', async () => {
    const nia = person('Nia New', 'nia.new@example.org');
    await nia.say('help');
    expect(textOf((await nia.say('review PR-2026-108')).card)).toContain('Not yours to complete');
    const first = await rob.say('handover PR-2026-108');
    expect(textOf(first.card)).toContain('Representative handover: PR-2026-108');
    const answers = {
      outgoingRepresentativeTyped: 'rob.rep@example.org', outgoingFinish: '2026-12-31', incomingRepresentativeTyped: 'Nia.New@example.org', incomingStart: '2027-01-01',
      fullBrief: 'yes', jointMeeting: 'not-possible', valueConsidered: 'yes', authority: 'To vote on the board for us', expectationsClear: 'yes', interestsDeclared: 'yes',
    };
    const wrongDates = await rob.press(first, 'Next', answersFor(first, { ...answers, incomingStart: '2026-12-01' }));
    expect(JSON.stringify(wrongDates.card)).toContain('must not be before 2026-12-31');
    const summary = await walkToSummary(rob, wrongDates, answers);
    const done = await rob.press(summary, 'Record the handover');
    expect(textOf(done.card)).toContain('Representative handover recorded');
    await bot.idle();
    const told = nia.cardsReceived().map((c) => textOf(c.card)).find((t) => t.includes('You now represent us on Harbour Regeneration Board'));
    expect(told).toContain('Regenerate the harbour');
    const { entry, records } = await stored('e-hand');
    expect(entry?.answers.representative).toBe('Nia New <nia.new@example.org>');
    expect(entry?.representatives).toEqual([{ id: nia.user.aadObjectId, name: 'Nia New', email: 'nia.new@example.org', since: '2027-01-01' }]);
    expect(entry?.answers.representativeStart).toBe('2027-01-01');
    expect(records.map((r) => r.kind)).toEqual(['handover']);
    expect(textOf((await nia.say('review PR-2026-108')).card)).toContain('Annual assessment: PR-2026-108');
    expect(textOf((await rob.say('review PR-2026-108')).card)).toContain('Not yours to complete');
  });

  it('a handover from someone who is not a representative of the entry changes nothing and says why', async () => {
    const first = await lena.say('handover PR-2026-101');
    const unknown = await lena.press(first, 'Next', answersFor(first, { outgoingRepresentativeTyped: 'nobody@example.org', outgoingFinish: '2026-12-31', incomingRepresentativeTyped: 'rob.rep@example.org', incomingStart: '2027-01-01' }));
    expect(JSON.stringify(unknown.card)).toContain('No one called nobody@example.org was found in the directory');
    expect(textOf(unknown.card)).toContain('Who hands over to whom');
    // Lena is a person the directory knows, but not a representative of this entry.
    const answers = { outgoingRepresentativeTyped: 'lena.lead@example.org', outgoingFinish: '2026-12-31', incomingRepresentativeTyped: 'rob.rep@example.org', incomingStart: '2027-01-01', fullBrief: 'yes', jointMeeting: 'yes', valueConsidered: 'yes', authority: 'a', expectationsClear: 'yes', interestsDeclared: 'yes' };
    const summary = await walkToSummary(lena, unknown, answers);
    expect(textOf(summary.card)).toContain('Lena Lead (lena.lead@example.org)');
    const refused = await lena.press(summary, 'Record the handover');
    expect(textOf(refused.card)).toContain('is not one of this partnership');
    expect((await stored('e-assess')).entry?.answers.representative).toBe('Rob Rep <rob.rep@example.org>');
  });

  it('starting an exit marks the entry exiting; completing the evaluation closes it and tells the register owners', async () => {
    const oscar = bot.chat('Oscar Owner');
    await oscar.say('help');
    const first = await lena.say('exit PR-2026-109');
    expect(textOf(first.card)).toContain('Exit and evaluation: PR-2026-109');
    expect((await stored('e-end')).entry?.status).toBe('exiting');
    const answers = {
      exitReason: 'Its funding has ended', exitEndDate: '2027-03-31', exitTermsAgreed: 'yes', exitTermsFollowed: 'yes', exitAssets: 'None held', exitLiability: 'None', exitSustained: 'Absorbed by the housing team',
      evaluationReason: 'concluded', workedWell: 'Joint outreach', couldImprove: 'Earlier data sharing', members: 'Council, Trust, Shelter charity', rightMembers: 'yes', workedTogether: 'Well',
      keyAims: 'No one sleeps rough in winter', aimsMet: 'partly', outcomesDelivered: '120 people housed', outcomesInLine: 'yes', effective: 'yes', ourResources: 'One officer, £20,000', lessonsLearned: 'Start planning in summer',
    };
    const summary = await walkToSummary(lena, first, answers);
    const done = await lena.press(summary, 'Close the partnership');
    expect(textOf(done.card)).toContain('The partnership is closed on the register');
    await bot.idle();
    const { entry, records, audit } = await stored('e-end');
    expect(entry).toMatchObject({ status: 'closed', endedAt: '2027-03-31' });
    expect(records[0]).toMatchObject({ kind: 'exit', decision: 'concluded' });
    expect(audit.map((a) => a.action)).toEqual(['partnership.exiting', 'exit.started', 'exit.completed']);
    expect(oscar.cardsReceived().map((c) => textOf(c.card)).some((t) => t.includes('Winter Shelter Partnership has closed'))).toBe(true);
    // The owners' notice was durable work (a job in the store), not a task in memory a crash would lose.
    const db = openDatabase(join(bot.dataDir, 'register.sqlite'));
    try {
      expect(db.prepare("SELECT state FROM jobs WHERE kind = 'form-notices' AND payload LIKE '%e-end%'").all()).toEqual([{ state: 'done' }]);
    } finally {
      db.close();
    }
    expect(textOf((await lena.say('review PR-2026-109')).card)).toContain('Partnership not found');
  });

  it('"due" lists the person\'s tasks across their entries, soonest first, each with a button that starts the form', async () => {
    const dee = person('Dee Due', 'dee.due@example.org');
    await dee.say('help');
    const deePeople = { leadOfficer: 'dee.due@example.org', answers: { name: 'x', leadOfficer: 'dee.due@example.org' } };
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const agreed = { at: '2026-01-01', state: 'yes' as const, link: '', documentType: 'constitution', gaps: [] };
    await seed({ id: 'd-overdue', reference: 'PR-2026-201', name: 'Overdue Review Board', nextReviewDue: '2026-01-15', agreement: agreed, ...deePeople });
    await seed({ id: 'd-soon', reference: 'PR-2026-202', name: 'Soon Review Forum', nextReviewDue: soon, agreement: agreed, ...deePeople });
    await seed({ id: 'd-later', reference: 'PR-2026-203', name: 'Later Review Trust', nextReviewDue: '2099-01-01', agreement: agreed, ...deePeople });
    const due = await dee.say('due');
    const text = textOf(due.card);
    expect(text).toContain("What's due");
    expect(text.indexOf('Overdue Review Board')).toBeLessThan(text.indexOf('Soon Review Forum'));
    expect(text).toContain('overdue since 15 Jan 2026');
    expect(text).not.toContain('Later Review Trust');
    const start = actionsOf(due.card).find((a) => a.data?.entryId === 'd-overdue')!;
    const first = await dee.invoke(start.verb, start.data, due.messageId);
    expect(textOf(first.body.value)).toContain('Annual assessment: PR-2026-201');
    expect(textOf((await bot.chat('Nobody Due').say('due')).card)).toContain('Nothing is due');

    const mine = await dee.say('my partnerships');
    const mineText = textOf(mine.card);
    expect(mineText).toContain('Partnerships you lead or represent');
    expect(mineText).toContain('Later Review Trust');
    expect(mineText).toContain('PR-2026-203 - Active - review due 1 Jan 2099 - agreement in place');
    expect(mineText).toContain('Annual assessment: PR-2026-201 Overdue Review Board');
    expect(actionsOf(mine.card).filter((a) => a.data?.entryId === 'd-later').map((a) => a.title)).toEqual(['Review', 'Agreement', 'Handover', 'Exit']);
  });

  it('a small change is applied at once and recorded with who and when', async () => {
    const first = await lena.say('change PR-2026-110');
    expect(textOf(first.card)).toContain('Change: PR-2026-110 Library Friends Network');
    const summary = await walkToSummary(lena, first, { newMeetingLocation: 'Central Library, room 2', changeReason: 'The hall is closing' });
    const done = await lena.press(summary, 'Record the change');
    expect(textOf(done.card)).toContain('applied to the register');
    const { entry, records } = await stored('e-change');
    expect(entry?.answers.meetingLocation).toBe('Central Library, room 2');
    expect(entry?.pendingChange).toBeUndefined();
    expect(records.at(-1)).toMatchObject({ kind: 'change', decision: 'applied', by: { id: lena.user.aadObjectId } });
  });

  it('a significant change goes to the approver with each old and new value, is decided once, then applied; the proposer is told', async () => {
    const anne = bot.chat('Anne Approver');
    await anne.say('help');
    const first = await lena.say('change PR-2026-110');
    const summary = await walkToSummary(lena, first, { newFinancialContribution: '£40,000', changeReason: 'The council doubles its support' });
    const done = await lena.press(summary, 'Record the change');
    expect(textOf(done.card)).toContain('gone to the approvers');
    await bot.idle();
    expect((await stored('e-change')).entry?.answers.financialContribution).toBe('12500');
    const card = anne.cardsReceived().map((c) => c).reverse().find((c) => textOf(c.card).includes('A change for approval'))!;
    expect(textOf(card.card)).toContain('£12,500');
    expect(textOf(card.card)).toMatch(/Proposed: ?\n?£40,000/);
    // Nothing to change is refused: a second change is not accepted while this one waits.
    const again = await walkToSummary(lena, await lena.say('change PR-2026-110'), { newMeetingLocation: 'Elsewhere', changeReason: 'x' });
    expect(textOf((await lena.press(again, 'Record the change')).card)).toContain('already waiting for the approvers');
    const outsider = bot.chat('Olive Outsider');
    const approve = actionsOf(card.card).find((a) => a.title === 'Approve the change')!;
    expect(textOf((await outsider.invoke('change.open', approve.data, card.messageId)).body.value)).toContain('You do not have access');
    const [one, two] = await Promise.all([anne.press(card, 'Approve the change'), anne.press(card, 'Approve the change')]);
    const texts = [textOf(one.card), textOf(two.card)];
    expect(texts.filter((t) => t.includes('Already approved')).length + texts.filter((t) => t.includes('out of date')).length).toBe(1);
    await bot.idle();
    const { entry, records } = await stored('e-change');
    expect(entry?.answers.financialContribution).toBe('40000');
    expect(entry?.pendingChange).toBeUndefined();
    expect(entry?.changeLog).toHaveLength(1);
    expect(records.filter((r) => r.kind === 'change' && r.decision === 'approve')).toHaveLength(1);
    expect(lena.cardsReceived().some((c) => textOf(c.card).includes('Your change has been decided'))).toBe(true);
  });

  it('a completion whose answer was lost (the response left unfinished) finishes on the next press without a second record', async () => {
    const first = await lena.say('agreement PR-2026-111');
    const summary = await walkToSummary(lena, first, agreementAnswers());
    expect(textOf((await lena.press(summary, 'Record the checklist')).card)).toContain('Agreement checklist recorded');
    // As if the process stopped after the entry and the record were written, before the response was marked done.
    const stores = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
    const response = (await stores.drafts.listByOwner(lena.user.aadObjectId)).find((d) => d.subjectId === 'e-retry')!;
    const reopened = await stores.drafts.update({ ...response, status: 'draft' });
    stores.close();
    const complete = actionsOf(summary.card).find((a) => a.title === 'Record the checklist')!;
    const again = await lena.invoke(complete.verb, { ...complete.data, version: reopened.version }, summary.messageId);
    expect(textOf(again.body.value)).toContain('Agreement checklist recorded');
    const { records, audit } = await stored('e-retry');
    expect(records).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'agreement.completed')).toHaveLength(1);
  });
});
