import type { Job, JobCounts, Jobs, JobSpec } from '../../ports/jobs';
import type { SqliteDatabase } from './database';

interface Row {
  key: string;
  kind: string;
  payload: string;
  attempts: number;
}

/** The Jobs port on SQLite: a claim is one IMMEDIATE transaction, so two processes never lease one job. */
export class SqliteJobs implements Jobs {
  private readonly insert;
  private readonly due;
  private readonly lease;
  private readonly end;
  private readonly again;
  private readonly later;
  private readonly countAll;
  private readonly next;

  constructor(private readonly db: SqliteDatabase) {
    this.insert = db.prepare(
      `INSERT INTO jobs (key, kind, payload, run_at, created_at, updated_at) VALUES (@key, @kind, @payload, @runAt, @now, @now) ON CONFLICT (key) DO NOTHING`,
    );
    this.due = db.prepare<[string, string, number], Row>(
      `SELECT key, kind, payload, attempts FROM jobs WHERE state = 'pending' AND run_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY run_at LIMIT ?`,
    );
    this.lease = db.prepare(`UPDATE jobs SET lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ? WHERE key = ?`);
    this.end = db.prepare(`UPDATE jobs SET state = ?, lease_owner = NULL, lease_until = NULL, last_error = ?, updated_at = ? WHERE key = ? AND lease_owner = ?`);
    this.again = db.prepare(`UPDATE jobs SET run_at = ?, lease_owner = NULL, lease_until = NULL, last_error = ?, updated_at = ? WHERE key = ? AND lease_owner = ?`);
    this.later = db.prepare(`UPDATE jobs SET run_at = ?, attempts = 0, lease_owner = NULL, lease_until = NULL, last_error = NULL, updated_at = ? WHERE key = ? AND lease_owner = ?`);
    this.countAll = db.prepare<[], { pending: number; failed: number }>(
      `SELECT COALESCE(SUM(state = 'pending'), 0) AS pending, COALESCE(SUM(state = 'failed'), 0) AS failed FROM jobs`,
    );
    this.next = db.prepare<[], { at: string | null }>(`SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > run_at THEN lease_until ELSE run_at END) AS at FROM jobs WHERE state = 'pending'`);
  }

  async enqueue(spec: JobSpec, now: Date): Promise<boolean> {
    return this.insert.run({ key: spec.key, kind: spec.kind, payload: JSON.stringify(spec.payload), runAt: spec.runAt ?? now.toISOString(), now: now.toISOString() }).changes === 1;
  }

  async claim(worker: string, now: Date, leaseMs: number, limit: number): Promise<Job[]> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    return this.db
      .transaction(() =>
        this.due.all(at, at, limit).map((row) => {
          this.lease.run(worker, until, at, row.key);
          return { key: row.key, kind: row.kind, payload: JSON.parse(row.payload) as Record<string, unknown>, attempts: row.attempts + 1 };
        }),
      )
      .immediate();
  }

  async complete(key: string, worker: string): Promise<void> {
    this.end.run('done', null, new Date().toISOString(), key, worker);
  }

  async retry(key: string, worker: string, runAt: Date, error: string): Promise<void> {
    this.again.run(runAt.toISOString(), error.slice(0, 1000), new Date().toISOString(), key, worker);
  }

  async fail(key: string, worker: string, error: string): Promise<void> {
    this.end.run('failed', error.slice(0, 1000), new Date().toISOString(), key, worker);
  }

  async reschedule(key: string, worker: string, runAt: Date): Promise<void> {
    this.later.run(runAt.toISOString(), new Date().toISOString(), key, worker);
  }

  async counts(): Promise<JobCounts> {
    const row = this.countAll.get();
    return { pending: row?.pending ?? 0, failed: row?.failed ?? 0 };
  }

  async nextDue(): Promise<string | undefined> {
    return this.next.get()?.at ?? undefined;
  }
}
