import { odata, type TableClient } from '@azure/data-tables';
import type { ConversationDirectory, ConversationRecord } from '../../ports/conversation-directory';
import { compareDesc } from './azure-drafts';
import { getOrUndefined, keyOf, listAll, packJson, unavailable, unpackJson } from './tables';

const PARTITION = 'conversation';

interface ConversationEntity {
  readonly EmailLower: string;
  readonly UpdatedAt: string;
}

/** Conversation references in Azure Tables: last save wins (Teams may move a person to another serviceUrl). */
export class AzureConversationDirectory implements ConversationDirectory {
  constructor(private readonly table: TableClient) {}

  async save(record: ConversationRecord): Promise<void> {
    try {
      await this.table.upsertEntity(
        { partitionKey: PARTITION, rowKey: keyOf(record.userId), EmailLower: record.email?.toLowerCase() ?? '', UpdatedAt: record.updatedAt, ...packJson(record) },
        'Replace',
      );
    } catch (err) {
      throw unavailable(err, 'conversations');
    }
  }

  async get(userId: string): Promise<ConversationRecord | undefined> {
    const entity = await getOrUndefined<ConversationEntity>(this.table, PARTITION, keyOf(userId));
    return entity && unpackJson<ConversationRecord>(entity);
  }

  async findByEmail(email: string): Promise<ConversationRecord | undefined> {
    const lower = email.toLowerCase();
    if (lower === '') return undefined;
    const found = await listAll<ConversationEntity>(this.table, odata`PartitionKey eq ${PARTITION} and EmailLower eq ${lower}`);
    const latest = found.sort((a, b) => compareDesc(a.UpdatedAt, b.UpdatedAt))[0];
    return latest && unpackJson<ConversationRecord>(latest);
  }
}
