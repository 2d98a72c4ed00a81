import { provisionSharePoint } from '../../src/adapters/sharepoint';
import { settingsFor } from '../doubles/sharepoint/connect';
import { startSharePointDouble, type SharePointDouble } from '../doubles/sharepoint';
import { proposalAnswers } from '../fixtures/builders';
import { reachSummary, startBotUnderTest, type BotUnderTest } from './bot-under-test';
import { textOf } from './chat';

describe('the same conversations with the register in SharePoint (REGISTER_STORE=sharepoint, via the local double)', () => {
  let sharePoint: SharePointDouble;
  let bot: BotUnderTest;

  beforeAll(async () => {
    sharePoint = await startSharePointDouble();
    await provisionSharePoint(settingsFor(sharePoint));
    bot = await startBotUnderTest({ APPROVERS: 'aad-anne-approver', REGISTER_STORE: 'sharepoint' }, { sharePoint: settingsFor(sharePoint) });
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

  it('when SharePoint is unavailable the person is told to try again and the card keeps its answers', async () => {
    const pat = bot.chat('Olga Outage');
    const summary = await reachSummary(pat, proposalAnswers({ name: 'Outage Forum' }));
    sharePoint.injectFault({ status: 503, retryAfter: '0' });
    try {
      const res = await pat.press(summary, 'Submit for approval');
      expect(res.message).toMatch(/Nothing you entered is lost/);
    } finally {
      sharePoint.clearFaults();
    }
    const again = await pat.press(summary, 'Submit for approval');
    expect(textOf(again.card)).toContain('Proposal submitted');
  });
});
