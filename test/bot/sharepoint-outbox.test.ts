import { provisionSharePoint } from '../../src/adapters/sharepoint';
import { settingsFor } from '../doubles/sharepoint/connect';
import { startSharePointDouble, type SharePointDouble } from '../doubles/sharepoint';
import { proposalAnswers } from '../fixtures/builders';
import { reachSummary, startBotUnderTest, type BotUnderTest } from './bot-under-test';
import { textOf } from './chat';

const DRAIN_SECONDS = 1;

describe('writes made while SharePoint is unavailable are kept in the outbox and land when it is back', () => {
  let sharePoint: SharePointDouble;
  let bot: BotUnderTest;

  beforeAll(async () => {
    sharePoint = await startSharePointDouble();
    await provisionSharePoint(settingsFor(sharePoint));
    bot = await startBotUnderTest(
      { APPROVERS: 'aad-anne-approver', REGISTER_STORE: 'sharepoint', OUTBOX_DRAIN_SECONDS: String(DRAIN_SECONDS) },
      { sharePoint: settingsFor(sharePoint) },
    );
  });
  afterAll(async () => {
    await bot.close();
    await sharePoint.close();
  });

  const itemsNamed = (name: string) =>
    [...sharePoint.site.snapshot().lists.find((l) => l.Title === 'Partnership Register')!.items.values()]
      .map((item) => JSON.stringify(Object.fromEntries(item.values)))
      .filter((item) => item.includes(name));

  async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('the outbox was not drained in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Every request to SharePoint gets 503 (Retry-After 0) until `recover()`. */
  function outage() {
    sharePoint.injectFault({ status: 503, retryAfter: '0' });
    return { recover: () => sharePoint.clearFaults() };
  }

  it('a proposal submitted during an outage is saved, the person is told it will appear shortly, and it lands exactly once', async () => {
    const anne = bot.chat('Anne Approver');
    await anne.say('help');
    const pat = bot.chat('Pat Proposer');
    const summary = await reachSummary(pat, proposalAnswers({ name: 'Outage Forum' }));

    const sharePointDown = outage();
    try {
      const submitted = await pat.press(summary, 'Submit for approval');
      expect(textOf(submitted.card)).toContain('Proposal submitted');
      expect(textOf(submitted.card)).toContain('SharePoint is not reachable just now; your proposal is saved and will appear in the register shortly.');
      expect(textOf((await pat.press(summary, 'Submit for approval')).card)).toContain('Already submitted');
      expect(textOf((await pat.say('my partnerships')).card)).toContain('Outage Forum');
      await bot.idle();
      const request = anne.cardsReceived().find((c) => textOf(c.card).includes('Outage Forum'));
      expect(textOf(request!.card)).toContain('the register will be updated shortly');
      expect(itemsNamed('Outage Forum')).toHaveLength(0);
    } finally {
      sharePointDown.recover();
    }

    await eventually(() => itemsNamed('Outage Forum').length > 0);
    // Another drain or two: still one item.
    await new Promise((resolve) => setTimeout(resolve, DRAIN_SECONDS * 1000 * 2 + 200));
    expect(itemsNamed('Outage Forum')).toHaveLength(1);
    expect(itemsNamed('Outage Forum')[0]).toContain('Riverside NHS Trust');
    expect(textOf((await pat.say('my partnerships')).card)).toMatch(/Outage Forum/);
  });

  it('an approval made during an outage lands after recovery, with its reference', async () => {
    const anne = bot.chat('Anne Approver');
    await anne.say('help');
    const pam = bot.chat('Pam Proposer');
    const summary = await reachSummary(pam, proposalAnswers({ name: 'Riverside Outage Partnership' }));
    await pam.press(summary, 'Submit for approval');
    await bot.idle();
    expect(itemsNamed('Riverside Outage Partnership')).toHaveLength(1);
    const card = anne.cardsReceived().find((c) => textOf(c.card).includes('Riverside Outage Partnership'))!;

    const sharePointDown = outage();
    let reference: string;
    try {
      const decided = await anne.press(card, 'Approve');
      expect(textOf(decided.card)).toMatch(/Approved by Anne Approver/);
      expect(textOf(decided.card)).toContain('the register will be updated shortly');
      reference = /PR-\d{4}-\d{3}/.exec(textOf(decided.card))![0];
      expect(textOf((await anne.press(card, 'Approve')).card)).toMatch(/Already approved/);
      await bot.idle();
      expect(itemsNamed('Riverside Outage Partnership')[0]).not.toContain(reference);
    } finally {
      sharePointDown.recover();
    }

    await eventually(() => itemsNamed('Riverside Outage Partnership')[0].includes(reference));
    expect(itemsNamed('Riverside Outage Partnership')).toHaveLength(1);
    expect(itemsNamed('Riverside Outage Partnership')[0]).toContain('"Status":"Active"');
  });
});
