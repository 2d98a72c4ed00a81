import { MemoryJobs } from '../../src/adapters/memory/memory-stores';
import { JobWorker } from '../../src/bot/job-worker';
import { createLogger } from '../../src/logger';

/** A recurring job (the outbox drain) runs every interval in one row, beside the other jobs, never holding them up. */
describe('recurring jobs on the job worker', () => {
  it('runs every interval, as one job, and a slow run does not hold up another job', async () => {
    const jobs = new MemoryJobs();
    const clock = { now: () => new Date() };
    const ran: string[] = [];
    let release: () => void = () => undefined;
    const slow = new Promise<void>((r) => (release = r));
    let ticks = 0;
    const worker = new JobWorker(
      jobs,
      clock,
      createLogger('silent'),
      {
        tick: async () => {
          ticks += 1;
          if (ticks === 1) await slow;
        },
        card: async () => void ran.push('card'),
      },
      { workerId: 'w', pollMs: 20, recurring: { tick: 50 } },
    );
    worker.start();
    try {
      await new Promise((r) => setTimeout(r, 60));
      await jobs.enqueue({ key: 'card-1', kind: 'card', payload: {} }, clock.now());
      worker.kick();
      await new Promise((r) => setTimeout(r, 60));
      // The first tick is still running; the card went anyway.
      expect(ran).toEqual(['card']);
      release();
      await new Promise((r) => setTimeout(r, 300));
      expect(ticks).toBeGreaterThanOrEqual(3);
      expect(await jobs.counts()).toEqual({ pending: 1, failed: 0 });
    } finally {
      release();
      await worker.stop();
    }
  });
});
