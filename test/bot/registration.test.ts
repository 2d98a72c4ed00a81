import { proposalAnswers } from '../fixtures/builders';
import { reachSummary, startBotUnderTest, answersFor, type BotUnderTest } from './bot-under-test';
import { actionsOf, Chat, inputIdsOf, textOf } from './chat';
import { startBotProcess } from '../doubles/bot-process';

describe('registering a partnership, in whole conversations over HTTP', () => {
  let bot: BotUnderTest;
  beforeAll(async () => {
    bot = await startBotUnderTest();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('welcomes a person when the app is installed, with its buttons', async () => {
    const chat = bot.chat('Wendy Welcome');
    const { conversationUpdateMembersAdded, postActivity } = await import('../doubles/teams-activity');
    expect((await postActivity(bot.url(), conversationUpdateMembersAdded(chat.user))).status).toBe(200);
    const [welcome] = await chat.waitForCards(1);
    expect(textOf(welcome.card)).toContain('Welcome to the Partnership Register');
    expect(actionsOf(welcome.card).map((a) => a.title)).toEqual(['Register a partnership', 'Is it a partnership?', 'My partnerships', "What's due", 'Help']);
  });

  it('answers commands whatever their case, and anything else with short help', async () => {
    const chat = bot.chat('Casey Case');
    expect(textOf((await chat.say('  HELP ')).card)).toContain('You can also type');
    expect(textOf((await chat.say('My Partnerships')).card)).toContain('My partnerships');
    expect(textOf((await chat.say('what is this?')).card)).toMatch(/Welcome|did not recognise/);
    expect(textOf((await chat.say('gibberish')).card)).toContain('I did not recognise that');
  });

  it('speaks to a person whose Teams is in Welsh in English until the Welsh is written (cy falls back word by word)', async () => {
    const english = bot.chat('Gwen Cymraeg');
    const chat = new Chat(bot.url, bot.connector, { ...english.user, locale: 'cy-GB' });
    const help = await chat.say('help');
    expect(textOf(help.card)).toContain('How I can help');
    expect(textOf(help.card)).toContain('Your drafts and proposals');
    const step = await chat.say('register');
    // The one phrase already in Welsh is used; every other word falls back to English.
    expect(textOf(step.card)).toMatch(/Cam 1 o \d+/);
    expect(actionsOf(step.card).map((a) => a.title)).toEqual(expect.arrayContaining(['Next', 'Save and close']));
    const saved = await chat.press(step, 'Save and close');
    expect(textOf(saved.card)).toContain('Draft saved');
    expect(textOf(saved.card)).toContain('Come back any time');
  });

  it('screens out a service level agreement, explains why and what it is instead, and keeps the decision', async () => {
    const chat = bot.chat('Sam Screen');
    let shown = await chat.say('check');
    // Exclusions come first: a yes ends the screening at once, without the criteria.
    shown = await chat.press(shown, 'Next', answersFor(shown, proposalAnswers({ serviceLevelAgreement: 'yes' })));
    const text = textOf(shown.card);
    expect(text).toContain('This is not a partnership');
    expect(text).toContain('It is a service level agreement');
    expect(text).toMatch(/It is a service agreement\. Agree it as a service level agreement/);
    expect(actionsOf(shown.card).map((a) => a.title)).not.toContain('Continue');
    const mine = textOf((await chat.say('my partnerships')).card);
    expect(mine).toContain('Not a partnership');
  });

  it('registers a partnership end to end: summary with Edit per section, then submitted as proposed', async () => {
    const chat = bot.chat('Pat Proposer');
    const summary = await reachSummary(chat, proposalAnswers({ name: 'Riverside Health Forum' }));
    const titles = actionsOf(summary.card).map((a) => a.title);
    expect(titles).toEqual(expect.arrayContaining(['Edit Identity', 'Edit Purpose', 'Edit People', 'Edit Resources', 'Edit Governance and risk', 'Submit for approval']));
    expect(textOf(summary.card)).toContain('Riverside Health Forum');
    const done = await chat.press(summary, 'Submit for approval');
    expect(textOf(done.card)).toContain('Proposal submitted');
    expect(textOf(done.card)).toContain('Awaiting approval');
    const mine = textOf((await chat.say('my partnerships')).card);
    expect(mine).toContain('Riverside Health Forum');
    expect(mine).toContain('Awaiting approval');
  });

  it('says what is wrong next to each question and keeps every answer typed', async () => {
    const chat = bot.chat('Val Validate');
    let shown = await reachSummary(chat);
    shown = await chat.press(shown, 'Edit Identity');
    shown = await chat.press(shown, 'Review answers', { name: '', dateFormed: '2026-02-30', proposedEndDate: '2020-01-01', accountableBody: 'Kept body' });
    const text = textOf(shown.card);
    expect(text).toContain('This answer is required.');
    expect(text).toContain('Please enter a real date (YYYY-MM-DD).');
    expect(JSON.stringify(shown.card)).toContain('"value":"Kept body"');
    expect(JSON.stringify(shown.card)).toContain('"value":"2026-02-30"');
    shown = await chat.press(shown, 'Review answers', { name: 'Fixed name', dateFormed: '2026-01-10', proposedEndDate: '2025-01-01' });
    expect(textOf(shown.card)).toContain('This date must not be before 2026-01-10.');
    shown = await chat.press(shown, 'Review answers', { proposedEndDate: '2027-01-01' });
    expect(textOf(shown.card)).toContain('Check your answers');
    expect(textOf(shown.card)).toContain('Fixed name');
  });

  it('refuses text over the limit with a message, keeping the first part', async () => {
    const chat = bot.chat('Lou Long');
    let shown = await reachSummary(chat);
    shown = await chat.press(shown, 'Edit Purpose');
    shown = await chat.press(shown, 'Review answers', { aims: 'a'.repeat(5000) });
    expect(textOf(shown.card)).toMatch(/That was 5000 characters; the limit is \d+/);
    expect(Buffer.byteLength(JSON.stringify(shown.card))).toBeLessThan(28 * 1024);
  });

  it('shows typed ${...} and markdown literally', async () => {
    const chat = bot.chat('Tess Template');
    const summary = await reachSummary(chat, proposalAnswers({ name: '${proposalId} **bold** [x](http://evil)' }));
    expect(JSON.stringify(summary.card)).toContain('${proposalId} **bold** [x](http://evil)');
    const runs = JSON.stringify(summary.card).match(/"type":"TextBlock","text":"[^"]*\*\*bold/g);
    expect(runs).toBeNull();
  });

  it('refreshes a stale card to the current state instead of applying it', async () => {
    const chat = bot.chat('Stan Stale');
    const first = await chat.say('register');
    const moved = await chat.press(first, 'Next', answersFor(first, proposalAnswers()));
    expect(textOf(moved.card)).toContain('The partnership criteria');
    const again = await chat.press(first, 'Next', answersFor(first, proposalAnswers({ mutuallyBeneficial: 'no' })));
    expect(textOf(again.card)).toContain('This card was out of date');
    expect(textOf(again.card)).toContain('The partnership criteria');
  });

  it('a double click on Next moves one step, not two', async () => {
    const chat = bot.chat('Dot Double');
    const first = await chat.say('register');
    const inputs = answersFor(first, proposalAnswers());
    const [a, b] = await Promise.all([chat.press(first, 'Next', inputs), chat.press(first, 'Next', inputs)]);
    const texts = [textOf(a.card), textOf(b.card)];
    expect(texts.every((t) => t.includes('The partnership criteria'))).toBe(true);
    expect(texts.filter((t) => t.includes('This card was out of date'))).toHaveLength(1);
  });

  it('another person cannot see or act on my draft, even with its id', async () => {
    const owner = bot.chat('Olive Owner');
    const first = await owner.say('register');
    const intruder = bot.chat('Ivan Intruder');
    const action = actionsOf(first.card).find((a) => a.title === 'Next')!;
    for (const verb of ['draft.next', 'draft.save', 'draft.back', 'draft.resume', 'draft.submit']) {
      const res = await intruder.invoke(verb, { ...action.data, mutuallyBeneficial: 'no' }, first.messageId);
      expect(res.status).toBe(200);
      expect(textOf(res.body.value)).toContain("someone else's draft");
    }
    const resumed = await owner.press(first, 'Save and close');
    expect(textOf(resumed.card)).toContain('Draft saved');
  });

  it('answers a forged or unknown button with help, not an error', async () => {
    const chat = bot.chat('Fred Forger');
    const res = await chat.invoke('draft.next', { draftId: 42, version: 'x' }, 'm1');
    expect(res.status).toBe(200);
    expect(textOf(res.body.value)).toContain('Draft not found');
    const unknown = await chat.invoke('admin.deleteEverything', {}, 'm1');
    expect(unknown.status).toBe(200);
    expect(textOf(unknown.body.value)).toContain('That button is no longer in use.');
  });

  it('several drafts are listed and each resumes where it was left', async () => {
    const chat = bot.chat('Mia Many');
    const one = await chat.say('register');
    await chat.press(one, 'Save and close', answersFor(one, proposalAnswers()));
    const two = await chat.say('register');
    const moved = await chat.press(two, 'Next', answersFor(two, proposalAnswers()));
    await chat.press(moved, 'Save and close');
    const list = await chat.say('my partnerships');
    const continues = actionsOf(list.card).filter((a) => a.title === 'Continue');
    expect(continues).toHaveLength(2);
    const resumed = await chat.press(list, 'Continue');
    expect(textOf(resumed.card)).toMatch(/The partnership criteria|Is it any of these\?/);
  });
});

describe('coming back later', () => {
  it('a saved draft survives a restart of the bot process and resumes exactly where it was', async () => {
    const { startBotConnector } = await import('../doubles/bot-connector');
    const { teamsUser } = await import('../doubles/teams-activity');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Chat } = await import('./chat');
    const connector = await startBotConnector();
    const dataDir = mkdtempSync(join(tmpdir(), 'prb-restart-'));
    let proc = await startBotProcess({ dataDir, env: { LOG_LEVEL: 'warn', BOT_SERVICE_URL: connector.url } });
    try {
      const chat = new Chat(() => proc.url, connector, teamsUser(connector.url, { name: 'Rita Restart' }));
      const first = await chat.say('register');
      const second = await chat.press(first, 'Next', answersFor(first, proposalAnswers()));
      await chat.press(second, 'Save and close', { mutuallyBeneficial: 'yes', addsValue: 'no' });
      await proc.stop();

      proc = await startBotProcess({ dataDir, env: { LOG_LEVEL: 'warn', BOT_SERVICE_URL: connector.url } });
      const list = await chat.say('my partnerships');
      const resumed = await chat.press(list, 'Continue');
      expect(textOf(resumed.card)).toContain('The partnership criteria');
      expect(JSON.stringify(resumed.card)).toMatch(/"id":"addsValue","label":"[^"]*","value":"no"/);
      expect(inputIdsOf(resumed.card)).toContain('statutoryBody');
    } finally {
      await proc.stop();
      await connector.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
