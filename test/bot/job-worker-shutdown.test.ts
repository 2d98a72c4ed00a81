import { MemoryJobs } from '../../src/adapters/memory/memory-stores';
import { JobWorker } from '../../src/bot/job-worker';
import { createLogger } from '../../src/logger';

describe('a job worker stopping (SIGTERM)', () => {
  it('finishes the job it is running and hands back the leases of claimed jobs it has not begun', async () => {
    const now = new Date('2026-11-30T10:00:00.000Z');
    const clock = { now: () => now };
    const jobs = new MemoryJobs();
    for (const key of ['first', 'second', 'third']) await jobs.enqueue({ key, kind: 'slow', payload: {} }, now);
    let release!: () => void;
    const started: string[] = [];
    const running = new Promise<void>((resolve) => (release = resolve));
    const worker = new JobWorker(
      jobs,
      clock,
      createLogger('silent'),
      {
        slow: async () => {
          started.push('a job');
          await running;
        },
      },
      { workerId: 'stopping', leaseMs: 60_000, pollMs: 60_000 },
    );
    worker.start();
    while (started.length === 0) await new Promise((r) => setTimeout(r, 5));

    const stopped = worker.stop();
    release();
    await stopped;

    expect(started).toHaveLength(1);
    // The one it ran is done; the two it had claimed are due again now, not when the 60 s lease ends.
    expect(await jobs.counts()).toEqual({ pending: 2, failed: 0 });
    expect((await jobs.claim('other', now, 60_000, 10)).map((j) => j.key).sort()).toEqual(['second', 'third']);
  });
});
