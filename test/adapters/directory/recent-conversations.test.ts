import { RecentConversations } from '../../../src/adapters/directory/recent-conversations';
import { MemoryConversationDirectory } from '../../../src/adapters/memory/memory-stores';
import type { ConversationDirectory } from '../../../src/ports/conversation-directory';
import { aConversation } from '../../fixtures/builders';

/** The store underneath, counting what reaches it. */
function counted(inner: ConversationDirectory) {
  const reads: string[] = [];
  const store: ConversationDirectory = {
    get: (userId) => (reads.push(userId), inner.get(userId)),
    save: (record) => inner.save(record),
    findByEmail: (email) => inner.findByEmail(email),
  };
  return { store, reads };
}

describe('RecentConversations: a fan-out reads each reference once', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 0;
  });

  it('answers a second read within the time from memory, and reads the store again after it', async () => {
    const memory = new MemoryConversationDirectory();
    await memory.save(aConversation({ userId: 'anne', conversationId: 'a:anne-1' }));
    const { store, reads } = counted(memory);
    const recent = new RecentConversations(store, 5000, now);
    for (let i = 0; i < 3; i++) expect((await recent.get('anne'))?.conversationId).toBe('a:anne-1');
    expect(reads).toEqual(['anne']);

    // Moved meanwhile (written by another instance): seen once the time is up.
    await memory.save(aConversation({ userId: 'anne', conversationId: 'a:anne-2' }));
    clock = 4999;
    expect((await recent.get('anne'))?.conversationId).toBe('a:anne-1');
    clock = 5000;
    expect((await recent.get('anne'))?.conversationId).toBe('a:anne-2');
    expect(reads).toEqual(['anne', 'anne']);
  });

  it('writes through and remembers what it wrote; remembers nobody too, until someone is saved', async () => {
    const { store, reads } = counted(new MemoryConversationDirectory());
    const recent = new RecentConversations(store, 5000, now);
    expect(await recent.get('sid')).toBeUndefined();
    expect(await recent.get('sid')).toBeUndefined();
    await recent.save(aConversation({ userId: 'sid', conversationId: 'a:sid' }));
    expect((await recent.get('sid'))?.conversationId).toBe('a:sid');
    expect(reads).toEqual(['sid']);
  });

  it('keeps at most its limit, forgetting the oldest', async () => {
    const memory = new MemoryConversationDirectory();
    for (const id of ['a', 'b', 'c']) await memory.save(aConversation({ userId: id, conversationId: `a:${id}` }));
    const { store, reads } = counted(memory);
    const recent = new RecentConversations(store, 5000, now, 2);
    for (const id of ['a', 'b', 'c', 'c', 'b', 'a']) await recent.get(id);
    expect(reads).toEqual(['a', 'b', 'c', 'a']);
  });
});
