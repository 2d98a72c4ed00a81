import { odata, type TableClient } from '@azure/data-tables';
import type { SentMessage } from '../../ports/notifier';
import type { SentCards } from '../../ports/sent-cards';
import { keyOf, listAll, stamp, statusOf, unavailable } from './tables';

interface SentCardEntity {
  readonly UserId: string;
  readonly ConversationId: string;
  readonly ActivityId: string;
  readonly Recorded: string;
}

/** One partition per subject; one row per message, so recording a message twice keeps one. */
export class AzureSentCards implements SentCards {
  constructor(private readonly table: TableClient) {}

  async record(subjectId: string, message: SentMessage): Promise<void> {
    try {
      await this.table.createEntity({
        partitionKey: keyOf(subjectId),
        rowKey: `${keyOf(message.conversationId)}|${keyOf(message.activityId)}`,
        UserId: message.userId,
        ConversationId: message.conversationId,
        ActivityId: message.activityId,
        Recorded: stamp(),
      });
    } catch (err) {
      if (statusOf(err) === 409) return;
      throw unavailable(err, 'sent cards');
    }
  }

  async list(subjectId: string): Promise<SentMessage[]> {
    const found = await listAll<SentCardEntity>(this.table, odata`PartitionKey eq ${keyOf(subjectId)}`);
    return found
      .sort((a, b) => (a.Recorded < b.Recorded ? -1 : a.Recorded > b.Recorded ? 1 : 0))
      .map((e) => ({ userId: e.UserId, conversationId: e.ConversationId, activityId: e.ActivityId }));
  }
}
