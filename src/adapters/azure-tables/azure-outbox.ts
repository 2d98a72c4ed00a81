import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { NewPartnership } from '../../domain/records';
import { pendingEtagOf } from '../outbox/outbox-entries';
import type { NewOutboxEntry, OutboxChange, OutboxEntry, OutboxKind, OutboxState, OutboxStore } from '../outbox/outbox-store';
import { getOrUndefined, keyOf, listAll, packJson, statusOf, unavailable, unpackJson } from './tables';

/** The row each item's partition keeps so that a step on the item can tell whether another got in first. */
const HEAD = 'head';
/** How many times a step re-reads and tries again after another writer changed the item first. */
const STEP_ATTEMPTS = 20;

interface EntryEntity {
  readonly Seq: string;
  readonly Kind: OutboxKind;
  readonly SubjectId: string;
  readonly IdempotencyKey: string;
  readonly BaseEtag: string;
  readonly Revision: number;
  readonly Attempts: number;
  readonly LastError: string;
  readonly State: OutboxState;
  readonly QueuedAt: string;
  readonly UpdatedAt: string;
}

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };
type Read<T> = T & { etag: string; partitionKey?: string; rowKey?: string };

function rowKeyOf(seq: number): string {
  return String(seq).padStart(17, '0');
}

function withoutEtag(partnership: NewPartnership): NewPartnership {
  const { etag: _derived, ...rest } = partnership as NewPartnership & { etag?: string };
  return rest;
}

function fromEntity(e: Read<EntryEntity>): OutboxEntry {
  return {
    seq: Number(e.Seq),
    kind: e.Kind,
    subjectId: e.SubjectId,
    idempotencyKey: e.IdempotencyKey || undefined,
    baseEtag: e.BaseEtag || undefined,
    revision: e.Revision,
    partnership: unpackJson<NewPartnership>(e),
    attempts: e.Attempts,
    lastError: e.LastError || undefined,
    state: e.State,
    queuedAt: e.QueuedAt,
    updatedAt: e.UpdatedAt,
  };
}

function toRow(entry: OutboxEntry): Row {
  return {
    partitionKey: keyOf(entry.subjectId),
    rowKey: rowKeyOf(entry.seq),
    Seq: String(entry.seq),
    Kind: entry.kind,
    SubjectId: entry.subjectId,
    IdempotencyKey: entry.idempotencyKey ?? '',
    BaseEtag: entry.baseEtag ?? '',
    Revision: entry.revision,
    Attempts: entry.attempts,
    LastError: entry.lastError ?? '',
    State: entry.state,
    QueuedAt: entry.queuedAt,
    UpdatedAt: entry.updatedAt,
    ...packJson(withoutEtag(entry.partnership)),
  };
}

let lastSeq = 0;
/** Numbers that grow in time (microsecond-like: milliseconds then a counter), as SQLite's seq grows. */
function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000 + Math.floor(Math.random() * 100));
  return lastSeq;
}

/**
 * The outbox in Azure Tables, shared by every instance: one partition per item,
 * its entries keyed by seq, and a head row whose ETag every step on the item is
 * conditional on (an entity group transaction: all or nothing). Two instances
 * queueing writes to one item are thus serialised; the loser reads again.
 */
export class AzureOutbox implements OutboxStore {
  constructor(private readonly table: TableClient) {}

  async pending(): Promise<OutboxEntry[]> {
    return this.inState('pending');
  }

  async conflicts(): Promise<OutboxEntry[]> {
    return this.inState('conflict');
  }

  async pendingOf(subjectId: string): Promise<OutboxEntry[]> {
    return (await this.partition(subjectId)).entries.filter((e) => e.state === 'pending').map((e) => e);
  }

  async pendingCreate(idempotencyKey: string): Promise<OutboxEntry | undefined> {
    return (await this.pending()).find((e) => e.kind === 'create' && e.idempotencyKey === idempotencyKey);
  }

  async entryOf(subjectId: string, seq: number): Promise<OutboxEntry | undefined> {
    const entity = await getOrUndefined<EntryEntity>(this.table, keyOf(subjectId), rowKeyOf(seq));
    return entity && fromEntity(entity);
  }

  async change(
    subjectId: string,
    idempotencyKey: string | undefined,
    decide: (pending: readonly OutboxEntry[], earlierCreate: OutboxEntry | undefined) => OutboxChange,
  ): Promise<OutboxEntry> {
    return this.step(subjectId, async ({ entries }) => {
      const pending = entries.filter((e) => e.state === 'pending');
      // The outbox holds only writes made during an outage: a scan for the key is small.
      const earlier = idempotencyKey === undefined ? undefined : await this.pendingCreate(idempotencyKey);
      const chosen = decide(pending, earlier);
      if ('keep' in chosen) return { result: chosen.keep, writes: [] };
      if ('add' in chosen) {
        const entry = this.newEntry(chosen.add);
        return { result: entry, writes: [['create', toRow(entry)]] };
      }
      const current = entries.find((e) => e.seq === chosen.revise.seq);
      if (!current) throw new Error(`outbox entry ${chosen.revise.seq} is gone`);
      const revised: OutboxEntry = { ...current, partnership: withoutEtag(chosen.revise.partnership), revision: current.revision + 1, updatedAt: chosen.revise.at };
      return { result: revised, writes: [['update', toRow(revised), 'Replace']] };
    });
  }

  async settle(entry: OutboxEntry, landedEtag: string, ours: boolean, at: string, renamed?: { readonly from: string; readonly to: string }): Promise<void> {
    await this.step(entry.subjectId, async ({ entries }) => {
      const writes: TransactionAction[] = [];
      const from = pendingEtagOf(entry);
      for (const follower of entries) {
        if (ours && follower.seq !== entry.seq && follower.state === 'pending' && follower.baseEtag === from) {
          writes.push(['update', toRow({ ...follower, baseEtag: landedEtag, updatedAt: at }), 'Replace']);
        }
      }
      const now = entries.find((e) => e.seq === entry.seq);
      if (now && now.revision === entry.revision) {
        writes.push(['delete', { partitionKey: keyOf(entry.subjectId), rowKey: rowKeyOf(entry.seq) }]);
      } else if (now) {
        // Keeps the revision, so the pending etag the person holds stays current.
        const partnership = renamed && now.partnership.reference === renamed.from ? { ...now.partnership, reference: renamed.to } : now.partnership;
        writes.push(['update', toRow({ ...now, kind: 'update', baseEtag: landedEtag, partnership, updatedAt: at }), 'Replace']);
      }
      return { result: undefined, writes };
    });
  }

  async attempted(entry: OutboxEntry, error: string, at: string): Promise<void> {
    await this.touch(entry, (e) => ({ Attempts: e.Attempts + 1, LastError: error, UpdatedAt: at }));
  }

  async conflicted(entry: OutboxEntry, error: string, at: string): Promise<void> {
    await this.touch(entry, (e) => ({ State: 'conflict', Attempts: e.Attempts + 1, LastError: error, UpdatedAt: at }));
  }

  private newEntry(add: NewOutboxEntry): OutboxEntry {
    return {
      seq: nextSeq(),
      kind: add.kind,
      subjectId: add.partnership.id,
      idempotencyKey: add.idempotencyKey,
      baseEtag: add.baseEtag,
      revision: 1,
      partnership: withoutEtag(add.partnership),
      attempts: 0,
      state: 'pending',
      queuedAt: add.at,
      updatedAt: add.at,
    };
  }

  /** Reads the item's partition, lets `plan` say what to write, and writes it with the head row in one transaction conditional on the head's ETag. */
  private async step<T>(subjectId: string, plan: (read: { entries: OutboxEntry[] }) => Promise<{ result: T; writes: TransactionAction[] }>): Promise<T> {
    const partitionKey = keyOf(subjectId);
    for (let attempt = 0; attempt < STEP_ATTEMPTS; attempt++) {
      const { head, entries } = await this.partition(subjectId);
      const { result, writes } = await plan({ entries });
      if (writes.length === 0) return result;
      const headRow = { partitionKey, rowKey: HEAD, Version: (head?.Version ?? 0) + 1 };
      const headWrite: TransactionAction = head ? ['update', headRow, 'Replace', { etag: head.etag }] : ['create', headRow];
      try {
        await this.table.submitTransaction([headWrite, ...writes]);
        return result;
      } catch (err) {
        const status = statusOf(err);
        if (status === 412 || status === 409 || status === 404) continue;
        throw unavailable(err, 'outbox');
      }
    }
    throw unavailable(new Error(`outbox item ${subjectId} kept changing under ${STEP_ATTEMPTS} attempts`), 'outbox');
  }

  private async touch(entry: OutboxEntry, change: (e: EntryEntity) => Partial<EntryEntity>): Promise<void> {
    for (let attempt = 0; attempt < STEP_ATTEMPTS; attempt++) {
      const current = await getOrUndefined<EntryEntity>(this.table, keyOf(entry.subjectId), rowKeyOf(entry.seq));
      if (!current) return;
      try {
        await this.table.updateEntity({ partitionKey: keyOf(entry.subjectId), rowKey: rowKeyOf(entry.seq), ...change(current) }, 'Merge', { etag: current.etag });
        return;
      } catch (err) {
        if (statusOf(err) === 412) continue;
        if (statusOf(err) === 404) return;
        throw unavailable(err, 'outbox');
      }
    }
  }

  private async partition(subjectId: string): Promise<{ head?: Read<{ Version: number }>; entries: OutboxEntry[] }> {
    const rows = await listAll<Record<string, unknown>>(this.table, odata`PartitionKey eq ${keyOf(subjectId)}`);
    const head = rows.find((r) => r.rowKey === HEAD) as Read<{ Version: number }> | undefined;
    const entries = rows.filter((r) => r.rowKey !== HEAD).map((r) => fromEntity(r as unknown as Read<EntryEntity>));
    return { head, entries: entries.sort((a, b) => a.seq - b.seq) };
  }

  private async inState(state: OutboxState): Promise<OutboxEntry[]> {
    const rows = await listAll<EntryEntity>(this.table, odata`State eq ${state}`);
    return rows.map(fromEntity).sort((a, b) => a.seq - b.seq);
  }
}
