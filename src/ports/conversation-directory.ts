/**
 * The conversation reference kept for every person who has talked to the bot, so
 * later work (approvals, reminders) can reach them proactively. Saved when an
 * activity shows it changed (Teams may move a person to another serviceUrl),
 * and at least daily while the person is active (`updatedAt`: last seen).
 */
export interface ConversationRecord {
  readonly userId: string;
  readonly name: string;
  /** The person's Teams user id (`29:...`), used in a card's refresh list. */
  readonly channelUserId?: string;
  /** Email / UPN as Teams reports it, so approvers may be configured by email. */
  readonly email?: string;
  readonly tenantId?: string;
  readonly serviceUrl: string;
  readonly conversationId: string;
  readonly channelId: string;
  readonly botId: string;
  readonly updatedAt: string;
}

export interface ConversationDirectory {
  save(record: ConversationRecord): Promise<void>;
  get(userId: string): Promise<ConversationRecord | undefined>;
  /** The person Teams reported with this email or UPN (case-insensitive), most recently seen first. */
  findByEmail(email: string): Promise<ConversationRecord | undefined>;
}
