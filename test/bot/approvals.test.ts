import { join } from 'node:path';
import { openSqliteStores } from '../../src/adapters/sqlite';
import { connectorErrors } from '../doubles/bot-connector';
import { aPartnership, proposalAnswers } from '../fixtures/builders';
import { reachSummary, startBotUnderTest, type BotUnderTest } from './bot-under-test';
import { actionsOf, textOf, type Chat, type ShownCard } from './chat';

const ANNE = 'aad-anne-approver';
const BEA = 'aad-bea-backup';
const SID = 'aad-sid-senior';
const OSCAR = 'aad-oscar-owner';

async function submit(chat: Chat, name: string, overrides: Record<string, string> = {}): Promise<void> {
  const summary = await reachSummary(chat, proposalAnswers({ name, ...overrides }));
  const done = await chat.press(summary, 'Submit for approval');
  expect(textOf(done.card)).toContain('Proposal submitted');
}

function approvalCardsFor(chat: Chat, name: string): ShownCard[] {
  return chat.cardsReceived().filter((c) => textOf(c.card).includes('Proposal for approval') && textOf(c.card).includes(name));
}

/** Cards sent to a person the bot had to open a 1:1 chat with (through POST /v3/conversations). */
function cardsInCreatedChat(bot: BotUnderTest, aadObjectId: string, name: string): ShownCard[] {
  const created = bot.connector.conversations.filter((c) => JSON.stringify(c.parameters).includes(aadObjectId)).map((c) => c.id);
  return bot.connector.activities
    .filter((a) => a.method === 'POST' && created.includes(a.conversationId))
    .map((a) => ({ card: a.activity.attachments?.[0]?.content, messageId: a.id }))
    .filter((c) => c.card && textOf(c.card).includes(name));
}

async function waitForApprovalCard(bot: BotUnderTest, chat: Chat, name: string): Promise<ShownCard> {
  await bot.idle();
  const cards = approvalCardsFor(chat, name);
  if (cards.length === 0) throw new Error(`${chat.user.name} got no approval card for ${name}`);
  return cards[cards.length - 1];
}

const buttons = (card: ShownCard['card']) => actionsOf(card).map((a) => a.title);

describe('manager approvals from card buttons', () => {
  let bot: BotUnderTest;
  let anne: Chat;
  let bea: Chat;
  let oscar: Chat;

  beforeAll(async () => {
    bot = await startBotUnderTest({ APPROVERS: `${ANNE},${BEA}`, SECOND_STAGE_APPROVERS: SID, REGISTER_OWNERS: OSCAR });
    anne = bot.chat('Anne Approver');
    bea = bot.chat('Bea Backup');
    oscar = bot.chat('Oscar Owner');
    // Anne and Oscar have talked to the bot before; Bea never has (her chat is created through the connector).
    await anne.say('help');
    await oscar.say('help');
  });
  afterAll(async () => {
    await bot.close();
  });

  it('sends each approver an approval card; approving updates it in place and tells the proposer', async () => {
    const pat = bot.chat('Pat Proposer');
    await submit(pat, 'Quayside Learning Network');
    const card = await waitForApprovalCard(bot, anne, 'Quayside Learning Network');
    expect(buttons(card.card)).toEqual(['Approve', 'Request changes', 'Reject']);
    expect(textOf(card.card)).toContain('Pat Proposer');
    expect(textOf(card.card)).toContain('Screening: a partnership');
    expect(card.card.version).toBe('1.5');
    expect(card.card.refresh.action.verb).toBe('proposal.refresh');
    expect(card.card.refresh.userIds).toEqual(expect.arrayContaining([anne.user.id]));
    expect(cardsInCreatedChat(bot, BEA, 'Quayside Learning Network')).toHaveLength(1);

    const decided = await anne.press(card, 'Approve', { comment: 'Good fit with our aims' });
    expect(textOf(decided.card)).toMatch(/Approved by Anne Approver on \d+ \w+ \d{4}/);
    expect(textOf(decided.card)).toMatch(/PR-\d{4}-\d{3}/);
    expect(buttons(decided.card)).toEqual([]);
    await bot.idle();

    const beaCopy = cardsInCreatedChat(bot, BEA, 'Quayside Learning Network')[0];
    const update = bot.connector.activities.find((a) => a.method === 'PUT' && a.activityId === beaCopy.messageId);
    expect(update).toBeDefined();
    expect(JSON.stringify(update!.activity)).toContain('Approved by Anne Approver');
    expect(JSON.stringify(update!.activity)).not.toContain('"Approve"');

    const outcome = pat.cardsReceived().find((c) => textOf(c.card).includes('Your proposal has been decided'));
    expect(outcome && textOf(outcome.card)).toContain('Approved by Anne Approver');
    const mine = textOf((await pat.say('my partnerships')).card);
    expect(mine).toMatch(/Active - submitted .* - PR-\d{4}-\d{3}/);
  });

  it('a second click, a second approver or an old copy is told who decided, and nothing changes', async () => {
    const pat = bot.chat('Pia Proposer');
    await submit(pat, 'Harbour Arts Forum');
    const anneCard = await waitForApprovalCard(bot, anne, 'Harbour Arts Forum');
    const beaCard = cardsInCreatedChat(bot, BEA, 'Harbour Arts Forum')[0];
    await anne.press(anneCard, 'Approve');
    const again = await anne.press(anneCard, 'Reject', { comment: 'changed my mind' });
    expect(textOf(again.card)).toMatch(/Already approved by Anne Approver on/);
    const late = await bea.press(beaCard, 'Reject', { comment: 'too late' });
    expect(textOf(late.card)).toMatch(/Already approved by Anne Approver on/);
    expect(buttons(late.card)).toEqual([]);
  });

  it('a comment is required to reject or request changes; the card says so and keeps the buttons', async () => {
    const pat = bot.chat('Rex Proposer');
    await submit(pat, 'Valley Transport Group');
    const card = await waitForApprovalCard(bot, anne, 'Valley Transport Group');
    const refused = await anne.press(card, 'Reject', { comment: '   ' });
    expect(textOf(refused.card)).toContain('Please say why it is rejected.');
    expect(buttons(refused.card)).toEqual(['Approve', 'Request changes', 'Reject']);
    const rejected = await anne.press(refused, 'Reject', { comment: 'Duplicates the county forum' });
    expect(textOf(rejected.card)).toContain('Rejected by Anne Approver');
    await bot.idle();
    expect(textOf((await pat.say('my partnerships')).card)).toContain('Rejected');
  });

  it('request changes reopens the draft with the comment; resubmitting goes back to the same approvers with history', async () => {
    const pat = bot.chat('Cal Changes');
    await submit(pat, 'Northfield Youth Partnership');
    const card = await waitForApprovalCard(bot, anne, 'Northfield Youth Partnership');
    await anne.press(card, 'Request changes', { comment: 'Please add the financial contribution' });
    await bot.idle();
    const list = await pat.say('my partnerships');
    expect(textOf(list.card)).toContain('Northfield Youth Partnership');
    const draft = await pat.press(list, 'Continue');
    expect(textOf(draft.card)).toContain('Check your answers');
    expect(JSON.stringify(draft.card)).toContain('Please add the financial contribution');
    const resubmitted = await pat.press(draft, 'Submit for approval');
    expect(textOf(resubmitted.card)).toContain('Proposal submitted');
    await bot.idle();
    const cards = approvalCardsFor(anne, 'Northfield Youth Partnership');
    expect(cards).toHaveLength(2);
    expect(textOf(cards[1].card)).toContain('Sent back for changes by Anne Approver');
    expect(buttons(cards[1].card)).toEqual(['Approve', 'Request changes', 'Reject']);
  });

  it('refuses a non-approver (forged card data) and the proposer approving their own proposal', async () => {
    const pat = bot.chat('Max Proposer');
    await submit(pat, 'Eastgate Heritage Trust');
    const card = await waitForApprovalCard(bot, anne, 'Eastgate Heritage Trust');
    const mallory = bot.chat('Mallory Forger');
    const approve = actionsOf(card.card).find((a) => a.title === 'Approve')!;
    const forged = await mallory.invoke('proposal.approve', { ...approve.data, approver: ANNE, canDecide: true }, card.messageId);
    // Not concerned by the proposal: refused, and shown none of its answers.
    expect(textOf(forged.body.value)).toContain('You do not have access to this proposal');
    expect(textOf(forged.body.value)).not.toContain('Eastgate');
    expect(buttons(forged.body.value)).not.toContain('Approve');
    const own = await pat.invoke('proposal.approve', approve.data, card.messageId);
    expect(textOf(own.body.value)).toContain('Only the approvers of this proposal can decide it');
    const refreshed = await anne.invoke('proposal.refresh', approve.data, card.messageId);
    expect(textOf(refreshed.body.value)).toContain('Waiting for a decision');
  });

  it('the refreshed card shows buttons only to approvers', async () => {
    const pat = bot.chat('Ned Refresh');
    await submit(pat, 'Southbank Carers Network');
    const card = await waitForApprovalCard(bot, anne, 'Southbank Carers Network');
    const data = actionsOf(card.card).find((a) => a.title === 'Approve')!.data;
    const asApprover = await bea.invoke('proposal.refresh', data, card.messageId);
    expect(buttons(asApprover.body.value)).toEqual(['Approve', 'Request changes', 'Reject']);
    const asOther = await oscar.invoke('proposal.refresh', data, card.messageId);
    expect(buttons(asOther.body.value)).toEqual([]);
    expect(textOf(asOther.body.value)).toContain('Waiting for a decision');
  });

  it('a significant partnership goes to the second stage after the first approval', async () => {
    const sid = bot.chat('Sid Senior');
    await sid.say('help');
    const pat = bot.chat('Gus Significant');
    await submit(pat, 'City Flood Resilience Board', { programmeFailure: 'yes' });
    const first = await waitForApprovalCard(bot, anne, 'City Flood Resilience Board');
    const afterFirst = await anne.press(first, 'Approve');
    expect(textOf(afterFirst.card)).toContain('waiting for the second stage');
    const second = await waitForApprovalCard(bot, sid, 'City Flood Resilience Board');
    expect(textOf(second.card)).toContain('2 of 2');
    const done = await sid.press(second, 'Approve');
    expect(textOf(done.card)).toMatch(/Approved by Sid Senior.*PR-\d{4}-\d{3}/s);
  });

  it('an approver who cannot be reached is reported to the proposer and register owner; the proposal keeps waiting', async () => {
    const pat = bot.chat('Una Unreachable');
    bot.connector.failNext(403, connectorErrors.conversationBlockedByUser, {}, {
      times: 1,
      match: (r) => r.method === 'POST' && decodeURIComponent(r.path).includes(anne.user.conversationId),
    });
    await submit(pat, 'Old Mill Partnership');
    await bot.idle();
    const told = (chat: Chat) => chat.cardsReceived().some((c) => textOf(c.card).includes('could not be delivered') && textOf(c.card).includes('Old Mill Partnership'));
    expect(told(pat)).toBe(true);
    expect(told(oscar)).toBe(true);
    expect(textOf((await pat.say('my partnerships')).card)).toMatch(/Old Mill Partnership[\s\S]*Awaiting approval/);
    // Bea has pressed buttons since, so the bot now reaches her in the chat her own activities came from.
    expect([...cardsInCreatedChat(bot, BEA, 'Old Mill Partnership'), ...approvalCardsFor(bea, 'Old Mill Partnership')]).toHaveLength(1);
  });

  it('an approver can list what waits for their decision', async () => {
    const pat = bot.chat('Lena Pending');
    await submit(pat, 'Greenway Volunteers Forum');
    await bot.idle();
    const list = await bea.say('pending approvals');
    expect(textOf(list.card)).toContain('Greenway Volunteers Forum');
    const opened = await bea.press(list, 'Open');
    expect(textOf(opened.card)).toContain('Proposal for approval');
    const none = await bot.chat('Nobody Waiting').say('pending approvals');
    expect(textOf(none.card)).toContain('Nothing is waiting for you.');
  });
});

describe('many decisions at once', () => {
  it('100 concurrent approve / reject / double-click races leave exactly one decision each and 100 distinct references', async () => {
    const bot = await startBotUnderTest({ APPROVERS: `${ANNE},${BEA}`, REGISTER_OWNERS: OSCAR });
    try {
      const anne = bot.chat('Anne Approver');
      const bea = bot.chat('Bea Backup');
      await anne.say('help');
      await bea.say('help');
      // Seeded straight into the bot's own database (WAL allows a second connection): the races are the point here.
      const seeded = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
      const ids = Array.from({ length: 100 }, (_, i) => `race-${i}`);
      for (const id of ids) {
        await seeded.register.create(
          aPartnership({ id, name: `Race ${id}`, approval: { route: { stages: [[ANNE, BEA]], selfApprovalAllowed: false }, stage: 1, history: [] } }),
          `seed-${id}`,
        );
      }
      const presses = ids.flatMap((id) => [
        anne.invoke('proposal.approve', { proposalId: id, stage: 1 }, `m-${id}`),
        anne.invoke('proposal.approve', { proposalId: id, stage: 1 }, `m-${id}`),
        bea.invoke(id.endsWith('7') ? 'proposal.reject' : 'proposal.approve', { proposalId: id, stage: 1, comment: 'no' }, `m-${id}`),
      ]);
      const results = await Promise.all(presses);
      expect(results.every((r) => r.status === 200)).toBe(true);
      await bot.idle();

      const stored = await Promise.all(ids.map((id) => seeded.register.get(id)));
      expect(stored.every((p) => p!.approval!.history.length === 1)).toBe(true);
      const references = stored.filter((p) => p!.status === 'active').map((p) => p!.reference);
      expect(new Set(references).size).toBe(references.length);
      expect(references.every((r) => /^PR-\d{4}-\d{3}$/.test(r!))).toBe(true);
      expect(stored.filter((p) => p!.status === 'active').length + stored.filter((p) => p!.status === 'rejected').length).toBe(100);
      const told = results.filter((r) => /Already (approved|rejected) by/.test(textOf(r.body.value))).length;
      expect(told).toBe(200);
      seeded.close();
    } finally {
      await bot.close();
    }
  });

  it('every approval of 100 gets a distinct sequential reference', async () => {
    const bot = await startBotUnderTest({ APPROVERS: ANNE });
    try {
      const anne = bot.chat('Anne Approver');
      const seeded = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
      const ids = Array.from({ length: 100 }, (_, i) => `seq-${i}`);
      for (const id of ids) {
        await seeded.register.create(aPartnership({ id, approval: { route: { stages: [[ANNE]], selfApprovalAllowed: false }, stage: 1, history: [] } }), `seed-${id}`);
      }
      await Promise.all(ids.map((id) => anne.invoke('proposal.approve', { proposalId: id, stage: 1 }, `m-${id}`)));
      const refs = (await Promise.all(ids.map((id) => seeded.register.get(id)))).map((p) => p!.reference!);
      const numbers = refs.map((r) => Number(r.split('-')[2])).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      seeded.close();
    } finally {
      await bot.close();
    }
  });
});

describe('local mode', () => {
  it('with no approvers configured the proposer approves their own proposal, and the card says local mode', async () => {
    const bot = await startBotUnderTest();
    try {
      const pat = bot.chat('Lola Local');
      await submit(pat, 'Playground Partnership');
      const card = await waitForApprovalCard(bot, pat, 'Playground Partnership');
      expect(textOf(card.card)).toContain('Local mode');
      const decided = await pat.press(card, 'Approve');
      expect(textOf(decided.card)).toMatch(/Approved by Lola Local/);
    } finally {
      await bot.close();
    }
  });
});

describe('routing to the line manager (APPROVAL_ROUTE=manager)', () => {
  it("sends the approval card to the proposer's manager from Graph, and falls back to APPROVERS, saying so, when there is none", async () => {
    const { startGraphDouble } = await import('../doubles/graph');
    const graph = await startGraphDouble();
    const bot = await startBotUnderTest({ APPROVAL_ROUTE: 'manager', APPROVERS: ANNE, GRAPH_BASE_URL: graph.url });
    try {
      const anne = bot.chat('Anne Approver');
      const mo = bot.chat('Mo Manager');
      await anne.say('help');
      await mo.say('help');
      const pat = bot.chat('Pat Managed');
      graph.setManager(pat.user.aadObjectId, mo.user.aadObjectId);
      await submit(pat, 'Managed Partnership');
      const card = await waitForApprovalCard(bot, mo, 'Managed Partnership');
      expect(buttons(card.card)).toEqual(['Approve', 'Request changes', 'Reject']);
      expect(approvalCardsFor(anne, 'Managed Partnership')).toHaveLength(0);
      expect(graph.requests[0].path).toBe(`/v1.0/users/${pat.user.aadObjectId}/manager`);

      const orphan = bot.chat('Ola Orphan');
      await submit(orphan, 'Unmanaged Partnership');
      const fallback = await waitForApprovalCard(bot, anne, 'Unmanaged Partnership');
      expect(textOf(fallback.card)).toContain('line manager could not be found');

      graph.failWith(503);
      const outage = bot.chat('Otto Outage');
      await submit(outage, 'Outage Partnership');
      expect(textOf((await waitForApprovalCard(bot, anne, 'Outage Partnership')).card)).toContain('line manager could not be found');
    } finally {
      await bot.close();
      await graph.close();
    }
  });
});

describe('approvers configured by email', () => {
  it('reaches an approver by the email Teams reports for them, lets them decide, and reports one who never talked to the bot', async () => {
    const bot = await startBotUnderTest({ APPROVERS: 'Erin.Email@Example.org,nobody.yet@example.org', REGISTER_OWNERS: OSCAR });
    try {
      const erin = bot.chat('Erin Email');
      bot.connector.setMember({ id: erin.user.id, name: 'Erin Email', aadObjectId: erin.user.aadObjectId, email: 'erin.email@example.org', userPrincipalName: 'erin.email@example.org' });
      await erin.say('help');
      const pat = bot.chat('Pat Emailed');
      await submit(pat, 'Email Routed Partnership');
      const card = await waitForApprovalCard(bot, erin, 'Email Routed Partnership');
      expect(card.card.refresh.userIds).toEqual([erin.user.id]);
      const decided = await erin.press(card, 'Approve');
      expect(textOf(decided.card)).toMatch(/Approved by Erin Email/);
      const told = pat.cardsReceived().some((c) => textOf(c.card).includes('could not be delivered') && textOf(c.card).includes('nobody.yet@example.org'));
      expect(told).toBe(true);
    } finally {
      await bot.close();
    }
  });
});
