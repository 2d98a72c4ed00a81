/**
 * Work done after a person has been answered (approval cards, notices), kept
 * durably so a crash loses none of it (the transactional-outbox pattern).
 * - `enqueue` is idempotent on `key`: a second enqueue of the same key adds nothing.
 * - `claim` hands due jobs to one worker under a lease: while the lease runs no
 *   other worker gets them; a job whose worker died is due again when it ends.
 * - A claimed job ends `complete`, is retried later (`retry`), or is kept as
 *   `failed` for someone to see; only the worker holding the lease may end it.
 */
export interface JobSpec {
  readonly key: string;
  readonly kind: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Not before this time (ISO); default: at once. */
  readonly runAt?: string;
}

export interface Job extends JobSpec {
  /** How many times it was claimed before, this claim included. */
  readonly attempts: number;
}

export interface JobCounts {
  readonly pending: number;
  readonly failed: number;
}

export interface Jobs {
  enqueue(spec: JobSpec, now: Date): Promise<boolean>;
  claim(worker: string, now: Date, leaseMs: number, limit: number): Promise<Job[]>;
  complete(key: string, worker: string): Promise<void>;
  retry(key: string, worker: string, runAt: Date, error: string): Promise<void>;
  fail(key: string, worker: string, error: string): Promise<void>;
  /** A recurring job done for now: due again at `runAt`, its attempts counted afresh (one row however often it runs). */
  reschedule(key: string, worker: string, runAt: Date): Promise<void>;
  counts(): Promise<JobCounts>;
  /** When the next pending job is due (ISO), if any: a worker sleeps until then. */
  nextDue(): Promise<string | undefined>;
}
