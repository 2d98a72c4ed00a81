import { join } from 'node:path';
import { openSqliteStores } from '../../src/adapters/sqlite';
import { highestRiskScore } from '../../src/domain/risk';
import { proposalAnswers } from '../fixtures/builders';
import { answersFor, startBotUnderTest, type BotUnderTest } from './bot-under-test';
import { actionsOf, inputIdsOf, textOf, type Chat, type ShownCard } from './chat';

/** Walks a registration to its governance card, where the risks are rows. */
async function toGovernance(chat: Chat): Promise<ShownCard> {
  const answers = proposalAnswers();
  let shown = await chat.say('register');
  for (let i = 0; i < 15 && !textOf(shown.card).includes('Governance and risk'); i++) {
    const button = actionsOf(shown.card).some((a) => a.title === 'Continue') ? 'Continue' : 'Next';
    shown = await chat.press(shown, button, answersFor(shown, answers));
  }
  return shown;
}

/** The governance answers other than the risks, so only the rows are in question. */
function governanceWithout(shown: ShownCard): Record<string, string> {
  return Object.fromEntries(Object.entries(answersFor(shown, proposalAnswers())).filter(([id]) => !id.startsWith('riskRows.')));
}

describe('002 "Risk Management": several risks as rows on the card, added and removed', () => {
  let bot: BotUnderTest;
  beforeAll(async () => {
    bot = await startBotUnderTest();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('adds a risk, then another, removes the first, and submits the rest with the highest likelihood x impact', async () => {
    const chat = bot.chat('Rhoda Rows');
    let shown = await toGovernance(chat);
    expect(inputIdsOf(shown.card)).toEqual(expect.arrayContaining(['riskRows.0.description', 'riskRows.0.likelihood', 'riskRows.0.impact', 'riskRows.0.mitigation']));
    expect(inputIdsOf(shown.card)).not.toContain('riskRows.1.description');

    shown = await chat.press(shown, 'Save and add another', { ...governanceWithout(shown), 'riskRows.0.description': 'Funding is withdrawn', 'riskRows.0.likelihood': '2', 'riskRows.0.impact': '5' });
    expect(textOf(shown.card)).toContain('Risk 1');
    expect(inputIdsOf(shown.card)).toContain('riskRows.1.description');
    expect(JSON.stringify(shown.card)).toContain('"id":"riskRows.0.description","label":"What could go wrong (required)","value":"Funding is withdrawn"');

    shown = await chat.press(shown, 'Save and add another', { 'riskRows.1.description': 'A partner leaves', 'riskRows.1.likelihood': '4', 'riskRows.1.impact': '4' });
    expect(textOf(shown.card)).toContain('Risk 2');
    expect(actionsOf(shown.card).filter((a) => a.title === 'Remove')).toHaveLength(2);

    // Remove the first: the second becomes Risk 1.
    shown = await chat.press(shown, 'Remove');
    expect(textOf(shown.card)).not.toContain('Funding is withdrawn');
    expect(JSON.stringify(shown.card)).toContain('"id":"riskRows.0.description","label":"What could go wrong (required)","value":"A partner leaves"');

    shown = await chat.press(shown, 'Review answers');
    expect(textOf(shown.card)).toContain('1. A partner leaves; 4 - Likely; 4 - Major');
    const done = await chat.press(shown, 'Submit for approval');
    expect(textOf(done.card)).toContain('Proposal submitted');
    const stores = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
    try {
      const [item] = await stores.register.listByProposer(chat.user.aadObjectId);
      expect(JSON.parse(item.answers.riskRows)).toEqual([{ description: 'A partner leaves', likelihood: '4', impact: '4' }]);
      expect(highestRiskScore(item.answers)).toBe(16);
    } finally {
      stores.close();
    }
  });

  it('says what is missing in a row, under its cell, and keeps every cell typed', async () => {
    const chat = bot.chat('Rory Rows');
    let shown = await toGovernance(chat);
    shown = await chat.press(shown, 'Review answers', { ...governanceWithout(shown), 'riskRows.0.description': 'Premises lost', 'riskRows.0.impact': '3' });
    const text = textOf(shown.card);
    expect(text).toContain('Governance and risk');
    expect(text).toContain('This answer is required.');
    expect(JSON.stringify(shown.card)).toContain('"value":"Premises lost"');
    expect(JSON.stringify(shown.card)).toMatch(/"id":"riskRows\.0\.impact"[^}]*"value":"3"/);
  });

  it('requires at least one risk', async () => {
    const chat = bot.chat('Rita Riskless');
    let shown = await toGovernance(chat);
    shown = await chat.press(shown, 'Review answers', governanceWithout(shown));
    expect(textOf(shown.card)).toContain('Governance and risk');
    expect(textOf(shown.card)).toContain('This answer is required.');
  });
});
