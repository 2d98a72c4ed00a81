import { odata, type TableClient } from '@azure/data-tables';
import { DuplicateError, VersionConflictError } from '../../domain/errors';
import type { Draft, NewDraft } from '../../domain/records';
import type { Drafts } from '../../ports/drafts';
import { getOrUndefined, keyOf, listAll, packJson, stamp, statusOf, unavailable, unpackJson } from './tables';

/** One partition: a draft is found by id, and a person's drafts by a filter on OwnerId. */
const PARTITION = 'draft';

interface DraftEntity {
  readonly OwnerId: string;
  readonly Version: number;
  readonly UpdatedAt: string;
  readonly Created: string;
  readonly JsonChunks: number;
}

function fromEntity(entity: DraftEntity): Draft {
  return { ...unpackJson<NewDraft>(entity), version: entity.Version };
}

function body(draft: NewDraft): NewDraft {
  const { version: _ignored, ...rest } = draft as Draft;
  return rest;
}

/**
 * Drafts in Azure Tables. The Version property is the truth the port speaks;
 * the entity's ETag makes the write conditional, so two instances updating
 * from the same version cannot both win (the second gets 412 and a VersionConflictError).
 */
export class AzureDrafts implements Drafts {
  constructor(private readonly table: TableClient) {}

  async create(draft: NewDraft): Promise<Draft> {
    try {
      await this.table.createEntity({
        partitionKey: PARTITION,
        rowKey: keyOf(draft.id),
        OwnerId: draft.ownerId,
        Version: 1,
        UpdatedAt: draft.updatedAt,
        Created: stamp(),
        ...packJson(body(draft)),
      });
    } catch (err) {
      if (statusOf(err) === 409) throw new DuplicateError('draft', `id ${draft.id}`);
      throw unavailable(err, 'drafts');
    }
    return { ...structuredClone(body(draft)), version: 1 };
  }

  async get(id: string): Promise<Draft | undefined> {
    const entity = await getOrUndefined<DraftEntity>(this.table, PARTITION, keyOf(id));
    return entity && fromEntity(entity);
  }

  /** A draft never stored is refused like a stale one: nothing to base the write on. */
  async update(draft: Draft): Promise<Draft> {
    const stored = await getOrUndefined<DraftEntity>(this.table, PARTITION, keyOf(draft.id));
    if (!stored || stored.Version !== draft.version) throw new VersionConflictError('draft', draft.id);
    const version = draft.version + 1;
    try {
      await this.table.updateEntity(
        { partitionKey: PARTITION, rowKey: keyOf(draft.id), OwnerId: draft.ownerId, Version: version, UpdatedAt: draft.updatedAt, Created: stored.Created, ...packJson(body(draft)) },
        'Replace',
        { etag: stored.etag },
      );
    } catch (err) {
      if (statusOf(err) === 412 || statusOf(err) === 404) throw new VersionConflictError('draft', draft.id);
      throw unavailable(err, 'drafts');
    }
    return { ...structuredClone(body(draft)), version };
  }

  async listByOwner(ownerId: string): Promise<Draft[]> {
    const found = await listAll<DraftEntity>(this.table, odata`PartitionKey eq ${PARTITION} and OwnerId eq ${ownerId}`);
    return found
      .sort((a, b) => compareDesc(a.UpdatedAt, b.UpdatedAt) || compareDesc(a.Created, b.Created))
      .map(fromEntity);
  }
}

export function compareDesc(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? 1 : -1;
}
