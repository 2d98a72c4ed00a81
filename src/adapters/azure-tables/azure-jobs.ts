import { odata, type TableClient } from '@azure/data-tables';
import type { Job, JobCounts, Jobs, JobSpec } from '../../ports/jobs';
import { getOrUndefined, keyOf, listAll, statusOf, unavailable } from './tables';

const PARTITION = 'job';
/** A job's key, kept for ever so enqueue stays idempotent; its queue row goes once the job is done. */
const KEY = 'k|';
const QUEUE = 'q|';
/** Every queue row and nothing else: RowKeys from 'q|' up to (not including) 'q}' ('}' follows '|'). */
const OPEN_JOBS = odata`PartitionKey eq ${PARTITION} and RowKey ge 'q|' and RowKey lt 'q}'`;
/** How many times an end (complete, retry, fail) re-reads after losing an ETag race before giving up. */
const END_ATTEMPTS = 5;

type State = 'pending' | 'done' | 'failed';

interface JobEntity {
  readonly Key: string;
  readonly Kind: string;
  readonly Payload: string;
  readonly State: State;
  readonly RunAt: string;
  readonly Attempts: number;
  readonly LeaseOwner: string;
  readonly LeaseUntil: string;
  readonly LastError: string;
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
}

/**
 * The Jobs port on Azure Tables, shared by every instance. A claim is a
 * conditional replace on the ETag read with the job: of two instances claiming
 * the same job, one gets 412 and moves on, so a job is never leased twice.
 * Ending a job is conditional the same way, and only the lease holder may.
 *
 * One partition, two kinds of row: `k|<key>` marks a key as used (written with
 * the job in one transaction, never removed: enqueue is idempotent for ever),
 * `q|<key>` is the job while it is pending or failed; a done job's queue row is
 * deleted, so claims and counts read a range of open jobs only, however many
 * jobs have run before.
 */
export class AzureJobs implements Jobs {
  constructor(private readonly table: TableClient) {}

  async enqueue(spec: JobSpec, now: Date): Promise<boolean> {
    const at = now.toISOString();
    const job = {
      partitionKey: PARTITION,
      rowKey: QUEUE + keyOf(spec.key),
      Key: spec.key,
      Kind: spec.kind,
      Payload: JSON.stringify(spec.payload),
      State: 'pending',
      RunAt: spec.runAt ?? at,
      Attempts: 0,
      LeaseOwner: '',
      LeaseUntil: '',
      LastError: '',
      CreatedAt: at,
      UpdatedAt: at,
    };
    try {
      await this.table.submitTransaction([
        ['create', { partitionKey: PARTITION, rowKey: KEY + keyOf(spec.key), Key: spec.key, CreatedAt: at }],
        ['create', job],
      ]);
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw unavailable(err, 'jobs');
    }
  }

  async claim(worker: string, now: Date, leaseMs: number, limit: number): Promise<Job[]> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const due = (await this.open())
      .filter((e) => e.State === 'pending' && e.RunAt <= at && (e.LeaseUntil === '' || e.LeaseUntil <= at))
      .sort((a, b) => (a.RunAt < b.RunAt ? -1 : a.RunAt > b.RunAt ? 1 : 0));
    const claimed: Job[] = [];
    for (const entity of due) {
      if (claimed.length >= limit) break;
      const attempts = entity.Attempts + 1;
      const won = await this.replaceIfUnchanged(entity, { LeaseOwner: worker, LeaseUntil: until, Attempts: attempts, UpdatedAt: at });
      if (won) claimed.push({ key: entity.Key, kind: entity.Kind, payload: JSON.parse(entity.Payload) as Record<string, unknown>, attempts });
    }
    return claimed;
  }

  complete(key: string, worker: string): Promise<void> {
    return this.end(key, worker, { State: 'done', LastError: '' });
  }

  retry(key: string, worker: string, runAt: Date, error: string): Promise<void> {
    return this.end(key, worker, { RunAt: runAt.toISOString(), LastError: error.slice(0, 1000) });
  }

  fail(key: string, worker: string, error: string): Promise<void> {
    return this.end(key, worker, { State: 'failed', LastError: error.slice(0, 1000) });
  }

  /** A recurring job done for now: due again at `runAt`, attempts counted afresh, the same queue row. */
  reschedule(key: string, worker: string, runAt: Date): Promise<void> {
    return this.end(key, worker, { RunAt: runAt.toISOString(), Attempts: 0, LastError: '' });
  }

  async counts(): Promise<JobCounts> {
    const open = await this.open();
    return { pending: open.filter((e) => e.State === 'pending').length, failed: open.filter((e) => e.State === 'failed').length };
  }

  async nextDue(): Promise<string | undefined> {
    const open = (await this.open()).filter((e) => e.State === 'pending');
    const times = open.map((e) => (e.LeaseUntil !== '' && e.LeaseUntil > e.RunAt ? e.LeaseUntil : e.RunAt)).sort();
    return times[0];
  }

  /** Only the worker holding the lease ends a job; a late end from a worker whose lease was taken over changes nothing. */
  private async end(key: string, worker: string, change: Partial<JobEntity>): Promise<void> {
    for (let i = 0; i < END_ATTEMPTS; i++) {
      const entity = await getOrUndefined<JobEntity>(this.table, PARTITION, QUEUE + keyOf(key));
      if (!entity || entity.LeaseOwner !== worker || entity.State !== 'pending') return;
      const won =
        change.State === 'done'
          ? await this.deleteIfUnchanged(entity)
          : await this.replaceIfUnchanged(entity, { ...change, LeaseOwner: '', LeaseUntil: '', UpdatedAt: new Date().toISOString() });
      if (won) return;
    }
  }

  private async deleteIfUnchanged(entity: JobEntity & { etag: string; rowKey?: string }): Promise<boolean> {
    try {
      await this.table.deleteEntity(PARTITION, entity.rowKey!, { etag: entity.etag });
      return true;
    } catch (err) {
      if (statusOf(err) === 412) return false;
      if (statusOf(err) === 404) return true;
      throw unavailable(err, 'jobs');
    }
  }

  /** Replaces the job with `change` applied, if nobody wrote it since it was read; false when someone did. */
  private async replaceIfUnchanged(entity: JobEntity & { etag: string; partitionKey?: string; rowKey?: string }, change: Partial<JobEntity>): Promise<boolean> {
    const { etag, timestamp: _t, ...rest } = entity as typeof entity & { timestamp?: string };
    try {
      await this.table.updateEntity({ ...rest, ...change, partitionKey: PARTITION, rowKey: entity.rowKey! }, 'Replace', { etag });
      return true;
    } catch (err) {
      if (statusOf(err) === 412 || statusOf(err) === 404) return false;
      throw unavailable(err, 'jobs');
    }
  }

  /** The queue rows: pending and failed jobs. */
  private open() {
    return listAll<JobEntity>(this.table, OPEN_JOBS);
  }
}
