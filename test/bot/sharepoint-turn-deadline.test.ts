import { provisionSharePoint } from '../../src/adapters/sharepoint';
import { settingsFor, TEST_RETRY } from '../doubles/sharepoint/connect';
import { startSharePointDouble, type SharePointDouble } from '../doubles/sharepoint';
import { proposalAnswers } from '../fixtures/builders';
import { reachSummary, startBotUnderTest, type BotUnderTest } from './bot-under-test';
import { textOf } from './chat';

describe('a turn has a deadline even when SharePoint asks to wait two minutes', () => {
  let sharePoint: SharePointDouble;
  let bot: BotUnderTest;

  beforeAll(async () => {
    sharePoint = await startSharePointDouble();
    await provisionSharePoint(settingsFor(sharePoint));
    // The background policy honours Retry-After in full; the drain is not run during the test.
    const settings = { ...settingsFor(sharePoint), retry: { ...TEST_RETRY, maxDelayMs: 120_000 } };
    bot = await startBotUnderTest({ APPROVERS: 'aad-anne-approver', REGISTER_STORE: 'sharepoint', OUTBOX_DRAIN_SECONDS: '3600' }, { sharePoint: settings });
  });
  afterAll(async () => {
    await bot.close();
    await sharePoint.close();
  });

  it('a submission during a 503 with Retry-After: 120 is kept in the outbox and answered within seconds', async () => {
    const pat = bot.chat('Pat Proposer');
    const summary = await reachSummary(pat, proposalAnswers({ name: 'Deadline Forum' }));
    sharePoint.injectFault({ status: 503, retryAfter: '120' });
    try {
      const started = Date.now();
      const submitted = await pat.press(summary, 'Submit for approval');
      expect(Date.now() - started).toBeLessThan(7_000);
      expect(textOf(submitted.card)).toContain('will appear in the register shortly');
    } finally {
      sharePoint.clearFaults();
    }
  });
});
