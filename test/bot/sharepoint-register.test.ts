import { provisionSharePoint } from '../../src/adapters/sharepoint';
import { say } from '../../src/views/catalogue';
import { settingsFor } from '../doubles/sharepoint/connect';
import { messageFrom, postActivity } from '../doubles/teams-activity';
import { startSharePointDouble, type SharePointDouble } from '../doubles/sharepoint';
import { proposalAnswers } from '../fixtures/builders';
import { reachSummary, startBotUnderTest, type BotUnderTest } from './bot-under-test';
import { textOf } from './chat';

const TRY_AGAIN = say('en', 'tryAgain');

describe('the same conversations with the register in SharePoint (REGISTER_STORE=sharepoint, via the local double)', () => {
  let sharePoint: SharePointDouble;
  let bot: BotUnderTest;

  beforeAll(async () => {
    sharePoint = await startSharePointDouble();
    await provisionSharePoint(settingsFor(sharePoint));
    bot = await startBotUnderTest({ APPROVERS: 'aad-anne-approver', REGISTER_STORE: 'sharepoint', REGISTER_BREAK_SECONDS: '0' }, { sharePoint: settingsFor(sharePoint) });
  });
  afterAll(async () => {
    await bot.close();
    await sharePoint.close();
  });

  it('a proposal submitted in Teams becomes a readable item, and its approval gives it a reference there', async () => {
    const anne = bot.chat('Anne Approver');
    await anne.say('help');
    const pat = bot.chat('Pat Proposer');
    const summary = await reachSummary(pat, proposalAnswers({ name: 'Riverside Health Forum' }));
    expect(textOf((await pat.press(summary, 'Submit for approval')).card)).toContain('Proposal submitted');
    await bot.idle();

    const items = () =>
      [...sharePoint.site.snapshot().lists.find((l) => l.Title === 'Partnership Register')!.items.values()].map((item) => Object.fromEntries(item.values));
    expect(items()).toHaveLength(1);
    const stored = JSON.stringify(items()[0]);
    expect(stored).toContain('Riverside Health Forum');
    expect(stored).toContain('Riverside NHS Trust');

    const card = anne.cardsReceived().find((c) => textOf(c.card).includes('Riverside Health Forum'))!;
    const decided = await anne.press(card, 'Approve');
    expect(textOf(decided.card)).toMatch(/Approved by Anne Approver.*PR-\d{4}-001/s);
    expect(JSON.stringify(items()[0])).toMatch(/PR-\d{4}-001/);
    expect(textOf((await pat.say('my partnerships')).card)).toMatch(/Active - submitted .* - PR-\d{4}-001/);
  });

  it('an approval route edited in the list is not trusted: the decision is refused and the item is left as it was', async () => {
    const anne = bot.chat('Anne Approver');
    await anne.say('help');
    const pat = bot.chat('Pat Proposer');
    await pat.press(await reachSummary(pat, proposalAnswers({ name: 'Tampered Forum' })), 'Submit for approval');
    await bot.idle();
    const list = sharePoint.site.list('Partnership Register');
    const item = [...list.items.values()].find((i) => i.values.get('Title') === 'Tampered Forum')!;
    const record = JSON.parse(String(item.values.get('BotRecord')));
    record.approval.route.stages[0].push('aad-mallory');
    sharePoint.site.updateItem(list, item.id, { BotRecord: JSON.stringify(record) }, '*');

    const card = anne.cardsReceived().find((c) => textOf(c.card).includes('Tampered Forum'))!;
    const refused = await anne.press(card, 'Approve');

    expect(textOf(refused.card)).toContain('On hold for the register owners');
    expect(item.values.get('Status')).toBe('Awaiting approval');
    expect(item.values.get('Reference') ?? null).toBeNull();
  });

  it('when SharePoint is unavailable and nothing is kept locally to show, the person is told to try again', async () => {
    // Writes made during an outage are kept in the outbox: see sharepoint-outbox.test.ts.
    const olga = bot.chat('Olga Outage');
    await olga.say('help');
    sharePoint.injectFault({ status: 503, retryAfter: '0' });
    try {
      const before = bot.connector.activities.length;
      expect((await postActivity(bot.url(), messageFrom(olga.user, 'my partnerships'))).status).toBe(200);
      const replies = bot.connector.activities.slice(before).filter((a) => a.conversationId === olga.user.conversationId);
      expect(replies.map((a) => a.activity.text)).toContain(TRY_AGAIN);
    } finally {
      sharePoint.clearFaults();
    }
    expect(textOf((await olga.say('my partnerships')).card)).not.toContain(TRY_AGAIN);
  });
});
