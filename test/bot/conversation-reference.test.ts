import { join } from 'node:path';
import { openSqliteStores } from '../../src/adapters/sqlite';
import { teamsUser } from '../doubles/teams-activity';
import { Chat } from './chat';
import { startBotUnderTest, type BotUnderTest } from './bot-under-test';

/**
 * The conversation reference is what approvals and reminders reach a person
 * by. It is written when an activity shows it changed, and when last seen is a
 * day old; not on every activity (a storage round trip per turn, a read and a
 * write with Azure Tables state).
 */
describe('remembering where a person is reached', () => {
  let bot: BotUnderTest;
  let offset = 0;
  const clock = { now: () => new Date(Date.now() + offset) };
  beforeEach(async () => {
    offset = 0;
    bot = await startBotUnderTest({}, { clock });
  });
  afterEach(() => bot.close());

  async function stored(userId: string) {
    const stores = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
    try {
      return await stores.conversations.get(userId);
    } finally {
      stores.close();
    }
  }

  it('is written on first contact, kept as it is while nothing changes, and refreshed daily or when it moves', async () => {
    const lee = teamsUser(bot.connector.url, { name: 'Lee Park' });
    const chat = new Chat(() => bot.url(), bot.connector, lee);
    await chat.say('help');
    const first = await stored(lee.aadObjectId);
    expect(first).toMatchObject({ userId: lee.aadObjectId, conversationId: lee.conversationId, serviceUrl: bot.connector.url });

    offset = 60 * 60 * 1000;
    await chat.say('help');
    expect(await stored(lee.aadObjectId)).toEqual(first);

    offset = 25 * 60 * 60 * 1000;
    await chat.say('help');
    const daily = await stored(lee.aadObjectId);
    expect(Date.parse(daily!.updatedAt) - Date.parse(first!.updatedAt)).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);

    const moved = new Chat(() => bot.url(), bot.connector, { ...lee, conversationId: 'a:personal-lee-reinstalled' });
    await moved.say('help');
    const after = await stored(lee.aadObjectId);
    expect(after).toMatchObject({ conversationId: 'a:personal-lee-reinstalled' });
    expect(after!.updatedAt > daily!.updatedAt).toBe(true);
  });
});
