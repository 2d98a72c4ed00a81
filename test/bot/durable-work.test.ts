import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBotConnector, type BotConnectorDouble } from '../doubles/bot-connector';
import { startBotProcess, type BotProcess } from '../doubles/bot-process';
import { teamsUser } from '../doubles/teams-activity';
import { proposalAnswers } from '../fixtures/builders';
import { reachSummary, startBotUnderTest } from './bot-under-test';
import { Chat, textOf } from './chat';

/**
 * Work after a person has been answered survives a crash: the approval cards
 * of a submit are a durable job, so a bot killed with SIGKILL right after the
 * submit delivers them once it is started again, and only once.
 */
const ANNE = 'aad-anne-approver';

describe('approval cards survive a crash', () => {
  let connector: BotConnectorDouble;
  let dataDir: string;
  let bot: BotProcess | undefined;

  beforeEach(async () => {
    connector = await startBotConnector();
    dataDir = mkdtempSync(join(tmpdir(), 'prb-durable-'));
  });
  afterEach(async () => {
    await bot?.stop();
    await connector.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // A short lease, so the job the killed process held is taken again within the test.
  const start = () => startBotProcess({ dataDir, env: { APPROVERS: ANNE, BOT_SERVICE_URL: connector.url, LOG_LEVEL: 'silent', JOB_LEASE_SECONDS: '2' } });
  const approvalCards = (anne: Chat, name: string) => anne.cardsReceived().filter((c) => textOf(c.card).includes('Proposal for approval') && textOf(c.card).includes(name));

  async function eventually(check: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('not delivered in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('kill -9 right after a submit, start again: the approval card is delivered, once', async () => {
    bot = await start();
    const url = () => bot!.url;
    const anne = new Chat(url, connector, teamsUser(connector.url, { name: 'Anne Approver', aadObjectId: ANNE }));
    const pat = new Chat(url, connector, teamsUser(connector.url, { name: 'Pat Proposer' }));
    await anne.say('help');
    const summary = await reachSummary(pat, proposalAnswers({ name: 'Crash Test Partnership' }));
    // Teams is briefly unavailable for Anne's chat: the job is left waiting for its retry when the process dies.
    connector.failNext(503, undefined, {}, { match: (r) => r.method === 'POST' && r.path.includes(anne.user.conversationId) });
    expect(textOf((await pat.press(summary, 'Submit for approval')).card)).toContain('Proposal submitted');
    process.kill(bot.pid, 'SIGKILL');
    await bot.exited;
    expect(approvalCards(anne, 'Crash Test Partnership')).toHaveLength(0);

    bot = await start();
    await eventually(() => approvalCards(anne, 'Crash Test Partnership').length > 0);
    // A little longer: nothing is sent twice.
    await new Promise((r) => setTimeout(r, 2500));
    expect(approvalCards(anne, 'Crash Test Partnership')).toHaveLength(1);
  }, 60_000);

  it('a 5xx from Teams is retried, and an approver already sent the card is not sent it again', async () => {
    bot = await start();
    const url = () => bot!.url;
    const anne = new Chat(url, connector, teamsUser(connector.url, { name: 'Anne Approver', aadObjectId: ANNE }));
    const pat = new Chat(url, connector, teamsUser(connector.url, { name: 'Pat Again' }));
    await anne.say('help');
    const summary = await reachSummary(pat, proposalAnswers({ name: 'Retry Partnership' }));
    connector.failNext(502, undefined, {}, { match: (r) => r.method === 'POST' && r.path.includes(anne.user.conversationId), times: 2 });
    await pat.press(summary, 'Submit for approval');
    await eventually(() => approvalCards(anne, 'Retry Partnership').length > 0, 20_000);
    await new Promise((r) => setTimeout(r, 2500));
    expect(approvalCards(anne, 'Retry Partnership')).toHaveLength(1);
    // Nobody was told Anne could not be reached: a 5xx is a retry, not an unreachable person.
    expect(pat.cardsReceived().some((c) => textOf(c.card).includes('could not be reached'))).toBe(false);
  }, 60_000);

  it('the proposer is told of the decision once, even when Teams first answers 503', async () => {
    const inProcess = await startBotUnderTest({ APPROVERS: ANNE });
    try {
      const anne = inProcess.chat('Anne Approver');
      await anne.say('help');
      const pat = inProcess.chat('Pat Outcome');
      const summary = await reachSummary(pat, proposalAnswers({ name: 'Outcome Retry Partnership' }));
      await pat.press(summary, 'Submit for approval');
      await inProcess.idle();
      const card = approvalCards(anne, 'Outcome Retry Partnership')[0];
      inProcess.connector.failNext(503, undefined, {}, { match: (r) => r.method === 'POST' && r.path.includes(pat.user.conversationId) });
      await anne.press(card, 'Approve');
      const told = () => pat.cardsReceived().filter((c) => textOf(c.card).includes('Your proposal has been decided'));
      await eventually(() => told().length > 0);
      await new Promise((r) => setTimeout(r, 2000));
      expect(told()).toHaveLength(1);
    } finally {
      await inProcess.close();
    }
  }, 60_000);
});
