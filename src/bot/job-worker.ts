import type { Logger } from '../logger';
import type { Clock } from '../ports/clock';
import type { Job, Jobs } from '../ports/jobs';

/** Thrown by a job's handler for a failure worth trying again (a 5xx, a timeout, a 429 with its wait). */
export class RetryLater extends Error {
  constructor(message: string, readonly afterMs?: number) {
    super(message);
    this.name = 'RetryLater';
  }
}

export type JobHandler = (payload: Readonly<Record<string, unknown>>) => Promise<void>;

export interface JobWorkerOptions {
  /** How long a claimed job is this worker's; another takes it after, if this one died. */
  readonly leaseMs?: number;
  /** How often the queue is looked at when nothing woke the worker. */
  readonly pollMs?: number;
  readonly maxAttempts?: number;
  readonly workerId: string;
  /**
   * Recurring kinds and their interval (ms): one job each (key `recurring:<kind>`),
   * run by whichever process claims it, then due again after the interval.
   */
  readonly recurring?: Readonly<Record<string, number>>;
}

const MAX_BACKOFF_MS = 5 * 60_000;
/** A job of a kind this process does not run waits this long for one that does. */
const UNKNOWN_KIND_RETRY_MS = 30_000;

/**
 * Runs the durable jobs: claims what is due under a lease, runs each by its
 * kind, and completes it, schedules it again with backoff (or the wait a
 * RetryLater asks for), or keeps it as failed after the last attempt. A turn
 * enqueues and `kick`s; a poll picks up what another process (or a restart)
 * left behind.
 */
export class JobWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Recurring jobs in flight: run beside the others, so a slow drain never holds up an approval card. */
  private readonly beside = new Set<Promise<void>>();
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly jobs: Jobs,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly handlers: Readonly<Record<string, JobHandler>>,
    private readonly options: JobWorkerOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 8;
  }

  start(): void {
    this.stopped = false;
    // The id this instance's leases carry (LeaseOwner in the jobs store), so a stuck lease can be traced to its instance.
    this.logger.info({ workerId: this.options.workerId }, 'job worker started');
    void this.ensureRecurring().finally(() => this.schedule(0));
  }

  /** Each recurring job exists once across every process sharing the store (enqueue is idempotent on its key). */
  private async ensureRecurring(): Promise<void> {
    for (const kind of Object.keys(this.options.recurring ?? {})) {
      try {
        await this.jobs.enqueue({ key: `recurring:${kind}`, kind, payload: {} }, this.clock.now());
      } catch (err) {
        this.logger.error({ err, kind }, 'recurring job could not be set up');
      }
    }
  }

  /** Something was enqueued: look now rather than at the next poll. */
  kick(): void {
    if (!this.stopped) this.schedule(0);
  }

  /** Resolves when no job is due now and none is running (tests; shutdown). Jobs waiting for a retry later are not waited for. */
  async idle(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      if (this.running) {
        await this.running;
        continue;
      }
      const next = await this.jobs.nextDue();
      if (!next || next > this.clock.now().toISOString() || this.stopped) return;
      await this.tick();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await Promise.allSettled([...this.beside]);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick().finally(() => {
        if (!this.stopped && !this.timer) this.schedule(this.pollMs);
      });
    }, ms);
    this.timer.unref();
  }

  private tick(): Promise<void> {
    this.running ??= this.runDue().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runDue(): Promise<void> {
    for (;;) {
      let claimed: Job[];
      try {
        claimed = await this.jobs.claim(this.options.workerId, this.clock.now(), this.leaseMs, 10);
      } catch (err) {
        this.logger.error({ err }, 'jobs could not be claimed');
        return;
      }
      if (claimed.length === 0) return;
      for (const [i, job] of claimed.entries()) {
        if (this.stopped) return this.release(claimed.slice(i));
        if (this.options.recurring?.[job.kind] === undefined) {
          await this.runOne(job);
          continue;
        }
        // A recurring job (the outbox drain) runs beside the others, so a slow drain never holds up a card.
        const run: Promise<void> = this.runOne(job)
          .catch((err) => this.logger.error({ err, job: job.key }, 'recurring job could not be run'))
          .finally(() => this.beside.delete(run));
        this.beside.add(run);
      }
      if (this.stopped) return;
    }
  }

  /** Shutting down: jobs claimed but not begun are handed back at once, not left leased until the lease runs out. */
  private async release(jobs: readonly Job[]): Promise<void> {
    const now = this.clock.now();
    for (const job of jobs) {
      try {
        await this.jobs.retry(job.key, this.options.workerId, now, 'lease released at shutdown');
      } catch (err) {
        this.logger.warn({ err, job: job.key }, 'lease not released: the job runs again when it ends');
      }
    }
    if (jobs.length > 0) this.logger.info({ released: jobs.length }, 'shutdown: leases of jobs not begun released');
  }

  private async runOne(job: Job): Promise<void> {
    const handler = this.handlers[job.kind];
    if (!handler) {
      // Another instance may know it (a rolling upgrade, a drain only some instances run): hand it back for them.
      if (job.attempts >= this.maxAttempts) {
        await this.jobs.fail(job.key, this.options.workerId, `no handler for ${job.kind}`);
        return;
      }
      this.logger.warn({ job: job.key, kind: job.kind }, 'no handler here for this kind of job: handed back');
      await this.jobs.retry(job.key, this.options.workerId, new Date(this.clock.now().getTime() + UNKNOWN_KIND_RETRY_MS), `no handler for ${job.kind} on this instance`);
      return;
    }
    const every = this.options.recurring?.[job.kind];
    const again = () => this.jobs.reschedule(job.key, this.options.workerId, new Date(this.clock.now().getTime() + every!));
    try {
      await handler(job.payload);
      if (every !== undefined) await again();
      else await this.jobs.complete(job.key, this.options.workerId);
    } catch (err) {
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      if (every !== undefined && job.attempts >= this.maxAttempts) {
        this.logger.error({ err, job: job.key, attempts: job.attempts }, 'recurring job failed again: it runs at its next interval');
        await again();
        return;
      }
      if (job.attempts >= this.maxAttempts) {
        this.logger.error({ err, job: job.key, attempts: job.attempts }, 'job failed for good: kept as failed');
        await this.jobs.fail(job.key, this.options.workerId, reason);
        return;
      }
      const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (job.attempts - 1));
      const waitMs = err instanceof RetryLater && err.afterMs !== undefined ? Math.min(MAX_BACKOFF_MS, err.afterMs) : backoff;
      this.logger.warn({ job: job.key, attempts: job.attempts, waitMs, reason }, 'job will be retried');
      await this.jobs.retry(job.key, this.options.workerId, new Date(this.clock.now().getTime() + waitMs), reason);
      this.schedule(waitMs);
    }
  }
}
