import type { ConversationDirectory, ConversationRecord } from '../../ports/conversation-directory';

/**
 * A conversation directory that remembers what it read for a few seconds. An
 * approval fan-out reads each approver's reference to build the card's refresh
 * list and again to send or update their copy: with 20 approvers, 40 reads per
 * fan-out, each a storage request with Azure Tables state. Writes go through
 * and are remembered; anything older than `ttlMs` is read again, so a person
 * who moved (another serviceUrl) is reached at the new place within seconds.
 * For the work after a turn (notifications, reminders), not for the turn's own
 * read of the reference it may update.
 */
export class RecentConversations implements ConversationDirectory {
  private readonly byId = new Map<string, { readonly at: number; readonly record: ConversationRecord | undefined }>();

  constructor(
    private readonly inner: ConversationDirectory,
    private readonly ttlMs = 5000,
    private readonly now: () => number = () => performance.now(),
    private readonly limit = 1000,
  ) {}

  async get(userId: string): Promise<ConversationRecord | undefined> {
    const hit = this.byId.get(userId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.record;
    const record = await this.inner.get(userId);
    this.remember(userId, record);
    return record;
  }

  async save(record: ConversationRecord): Promise<void> {
    await this.inner.save(record);
    this.remember(record.userId, record);
  }

  /** Not remembered: an email names whoever Teams last reported with it. */
  findByEmail(email: string): Promise<ConversationRecord | undefined> {
    return this.inner.findByEmail(email);
  }

  private remember(userId: string, record: ConversationRecord | undefined): void {
    this.byId.delete(userId);
    // The oldest entry goes first (a Map iterates in insertion order).
    if (this.byId.size >= this.limit) this.byId.delete(this.byId.keys().next().value!);
    this.byId.set(userId, { at: this.now(), record });
  }
}
