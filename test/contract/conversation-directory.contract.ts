import type { ConversationDirectory } from '../../src/ports/conversation-directory';
import { aConversation } from '../fixtures/builders';
import { scribbleOn, useFreshStore, type OpenStore } from './open-store';

export function describeConversationDirectoryContract(name: string, open: OpenStore<ConversationDirectory>): void {
  describe(`ConversationDirectory contract: ${name}`, () => {
    const directory = useFreshStore(open);

    it('gives back the conversation saved for a person', async () => {
      await directory().save(aConversation());

      expect(await directory().get('user-alice')).toEqual(aConversation());
    });

    it('finds a person by the email Teams reported, whatever its case', async () => {
      await directory().save(aConversation({ email: 'alice.adams@example.org' }));
      await directory().save(aConversation({ userId: 'user-bob', email: 'bob@example.org', conversationId: 'a:bob' }));

      expect((await directory().findByEmail('Alice.Adams@Example.org'))?.userId).toBe('user-alice');
      expect(await directory().findByEmail('carol@example.org')).toBeUndefined();
    });

    it('knows nothing of a person who never talked to the bot', async () => {
      expect(await directory().get('user-nobody')).toBeUndefined();
    });

    it('keeps the latest save, so a moved serviceUrl is followed', async () => {
      await directory().save(aConversation());
      const moved = aConversation({ serviceUrl: 'https://smba.trafficmanager.net/emea/', updatedAt: '2025-03-04T09:00:00.000Z' });

      await directory().save(moved);

      expect(await directory().get('user-alice')).toEqual(moved);
    });

    it('keeps each person to their own conversation', async () => {
      await directory().save(aConversation());
      await directory().save(aConversation({ userId: 'user-bob', name: 'Bob Brown', conversationId: 'a:conversation-bob' }));

      expect((await directory().get('user-alice'))?.conversationId).toBe('a:conversation-alice');
      expect((await directory().get('user-bob'))?.conversationId).toBe('a:conversation-bob');
    });

    it('keeps its own copy, whatever callers do to theirs', async () => {
      const record = aConversation();
      await directory().save(record);
      scribbleOn(record);
      scribbleOn((await directory().get('user-alice'))!);

      expect((await directory().get('user-alice'))?.name).toBe('Alice Adams');
    });
  });
}
