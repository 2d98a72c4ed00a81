import { proposalAnswers } from '../fixtures/builders';
import { answersFor, startBotUnderTest, type BotUnderTest } from './bot-under-test';
import { actionsOf, textOf, type Chat, type ShownCard } from './chat';

/**
 * DOMAIN 1.1's table of cases, each from `register` to its outcome over HTTP,
 * answered as a member of staff would for that arrangement.
 */
const CASES: readonly (readonly [string, Record<string, string>, RegExp, RegExp])[] = [
  [
    "000's Quality of Life Partnership: older people's services with health and voluntary partners, voluntary, discretionary, formal terms of reference",
    {},
    /Yes: this is a partnership/,
    /It meets every partnership criterion/,
  ],
  ['a service level agreement with another council for payroll', { serviceLevelAgreement: 'yes' }, /This is not a partnership/, /It is a service agreement\./],
  ["a £5,000 community grant to a residents' association", { grantFunding: 'yes' }, /This is not a partnership/, /joint working through grant funding\. It is managed through the grants process/],
  ['sponsoring a local festival each year', { sponsorship: 'yes' }, /This is not a partnership/, /It is a sponsorship\./],
  [
    'the statutory Community Safety Partnership',
    { statutoryBody: 'yes', voluntary: 'no', discretionary: 'no' },
    /Yes: this is a statutory partnership/,
    /Register it in the statutory category/,
  ],
  [
    "a statutory duty we deliver with a voluntary group's added-value activity on top",
    { voluntary: 'no', discretionary: 'no', addedValueOnTop: 'yes' },
    /It might be a partnership/,
    /the approver will judge/,
  ],
  ['an officers\' forum with agreed outcomes but no terms of reference', { noFormalAgreement: 'yes' }, /This is not a partnership/, /It is joint working\./],
  ['a partnership with a formal partnership agreement that includes a funding schedule', { formalContract: 'yes', contractCovers: 'partners-terms' }, /Yes: this is a partnership/, /It meets every partnership criterion/],
];

/** Presses Next (or Continue) with the case's answers until the screening outcome shows; counts the turns. */
async function screen(chat: Chat, answers: Record<string, string>): Promise<{ shown: ShownCard; turns: number }> {
  let shown = await chat.say('register');
  let turns = 1;
  while (!/Is it a partnership\?/.test(textOf(shown.card)) || actionsOf(shown.card).some((a) => a.title === 'Next')) {
    shown = await chat.press(shown, 'Next', answersFor(shown, answers));
    turns += 1;
    if (turns > 5) throw new Error(`no outcome after ${turns} turns: ${textOf(shown.card).slice(0, 300)}`);
  }
  return { shown, turns };
}

describe('DOMAIN 1.1: the cases the bot must get right, from register to outcome', () => {
  let bot: BotUnderTest;
  beforeAll(async () => {
    bot = await startBotUnderTest();
  });
  afterAll(async () => {
    await bot.close();
  });

  it.each(CASES)('%s', async (_case, changes, heading, explanation) => {
    const chat = bot.chat(`Case ${_case.slice(0, 20)}`);
    const { shown, turns } = await screen(chat, proposalAnswers(changes));
    const text = textOf(shown.card);
    expect(text).toMatch(heading);
    expect(text).toMatch(explanation);
    const excluded = Object.values(changes).includes('yes') && /not a partnership/.test(text) && changes.voluntary === undefined;
    // An exclusion ends the screening on its first card: register, then one Next.
    if (excluded) expect(turns).toBe(2);
    const continues = actionsOf(shown.card).some((a) => a.title === 'Continue');
    expect(continues).toBe(!/not a partnership/.test(text));
  });

  it('asks the added-value question only of the arrangement that needs it', async () => {
    const plain = await screen(bot.chat('Plain Partner'), proposalAnswers());
    expect(plain.turns).toBe(3);
    const duty = await screen(bot.chat('Dutiful Partner'), proposalAnswers({ voluntary: 'no', discretionary: 'no', addedValueOnTop: 'yes' }));
    expect(duty.turns).toBe(4);
  });

  it("counts the turns of 000's Quality of Life Partnership from register to submitted", async () => {
    const chat = bot.chat('Quentin Quality');
    const answers = proposalAnswers({ name: 'Quality of Life Partnership' });
    let shown = await chat.say('register');
    let turns = 1;
    while (!/Proposal submitted/.test(textOf(shown.card))) {
      const titles = actionsOf(shown.card).map((a) => a.title);
      const button = ['Submit for approval', 'Next', 'Continue', 'Review answers'].find((t) => titles.includes(t));
      if (!button || turns > 20) throw new Error(`stuck after ${turns} turns`);
      shown = await chat.press(shown, button, answersFor(shown, answers));
      turns += 1;
    }
    // register, 2 screening cards, its outcome, significance and its outcome, 5 registration cards, submit (README "Screening").
    expect(turns).toBe(12);
  });
});
