import type { SentCards } from '../../src/ports/sent-cards';
import { useFreshStore, type OpenStore } from './open-store';

const message = (n: number, userId = 'user-anne') => ({ userId, conversationId: `a:conversation-${userId}`, activityId: `activity-${n}` });

/** Every SentCards implementation (memory, SQLite, Azure Tables) behaves the same. */
export function describeSentCardsContract(name: string, open: OpenStore<SentCards>): void {
  describe(`SentCards contract: ${name}`, () => {
    const sentCards = useFreshStore(open);

    it('lists the messages recorded for a subject in the order they were recorded', async () => {
      await sentCards().record('partnership-1', message(2));
      await sentCards().record('partnership-1', message(1, 'user-bob'));
      await sentCards().record('partnership-2', message(3));

      expect(await sentCards().list('partnership-1')).toEqual([message(2), message(1, 'user-bob')]);
      expect(await sentCards().list('nothing-sent')).toEqual([]);
    });

    it('keeps one copy of a message recorded twice', async () => {
      await sentCards().record('partnership-1', message(1));
      await sentCards().record('partnership-1', message(1));

      expect(await sentCards().list('partnership-1')).toEqual([message(1)]);
    });
  });
}
