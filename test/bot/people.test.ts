import { teamsUser } from '../doubles/teams-activity';
import { LEAD, proposalAnswers, REPRESENTATIVE } from '../fixtures/builders';
import { answersFor, reachSummary, startBotUnderTest, type BotUnderTest } from './bot-under-test';
import { actionsOf, Chat, textOf, type ShownCard } from './chat';

const APPROVER = 'aad-anne-approver';

/** A chat as one of the Playground's mock users, so the directory and the register agree on who they are. */
function chatAs(bot: BotUnderTest, person: { id: string; name: string }): Chat {
  return new Chat(bot.url, bot.connector, teamsUser(bot.connector.url, { name: person.name, aadObjectId: person.id }));
}

describe('DOMAIN 1.3: the lead and the representatives are people (Entra ids), chosen or typed', () => {
  let bot: BotUnderTest;
  beforeAll(async () => {
    bot = await startBotUnderTest({ APPROVERS: APPROVER });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('an email nobody in the directory has is an error under the question, and nothing typed is lost', async () => {
    const chat = bot.chat('Uma Unknown');
    let shown = await chat.say('register');
    const answers = proposalAnswers({ leadOfficer: 'nobody@example.org' });
    for (let i = 0; i < 12 && !textOf(shown.card).includes('People'); i++) {
      shown = await chat.press(shown, actionsOf(shown.card).some((a) => a.title === 'Continue') ? 'Continue' : 'Next', answersFor(shown, answers));
    }
    shown = await chat.press(shown, 'Next', answersFor(shown, answers));
    const text = textOf(shown.card);
    expect(text).toContain('No one called nobody@example.org was found in the directory');
    expect(JSON.stringify(shown.card)).toContain(`"value":"${answers.meetingLocation}"`);
    expect(JSON.stringify(shown.card)).toContain('"value":"nobody@example.org"');
  });

  it('registers with the lead chosen in the picker (an Entra id) and a representative typed by email; the summary names them; the representative may start forms after approval, others may not', async () => {
    // The approver has the app (a conversation the bot can post the approval card to).
    const anne = new Chat(bot.url, bot.connector, teamsUser(bot.connector.url, { name: 'Anne Approver', aadObjectId: APPROVER }));
    await anne.say('help');
    const pat = bot.chat('Pat People');
    const answers = proposalAnswers({ name: 'People Partnership', leadOfficer: LEAD.id, 'representatives.0.whoTyped': REPRESENTATIVE.email, 'representatives.0.who': '' });
    const summary = await reachSummary(pat, answers);
    const text = textOf(summary.card);
    expect(text).toContain('Alex Wilber (alexw@example.com)');
    expect(text).toContain('1. Megan Bowen (meganb@example.com); 1 Apr 2026');
    const done = await pat.press(summary, 'Submit for approval');
    expect(textOf(done.card)).toContain('Proposal submitted');

    await bot.idle();
    const card = anne.cardsReceived().filter((c) => textOf(c.card).includes('People Partnership')).at(-1) as ShownCard;
    const approved = await anne.press(card, 'Approve');
    const reference = /PR-\d{4}-\d{3,}/.exec(textOf(approved.card))?.[0];
    expect(reference).toBeDefined();

    const megan = chatAs(bot, REPRESENTATIVE);
    expect(textOf((await megan.say(`review ${reference}`)).card)).toMatch(/Annual assessment/);
    const stranger = bot.chat('Sid Stranger');
    expect(textOf((await stranger.say(`review ${reference}`)).card)).toContain('lead officer, one of its representatives, or a register owner');
    const alex = chatAs(bot, LEAD);
    expect(textOf((await alex.say(`agreement ${reference}`)).card)).toMatch(/Agreement/);
  });
});
