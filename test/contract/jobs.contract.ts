import type { Jobs } from '../../src/ports/jobs';
import { useFreshStore, type OpenStore } from './open-store';

const T0 = new Date('2026-11-30T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const job = (key: string) => ({ key, kind: 'approval-requests', payload: { partnershipId: key } });

/** Every Jobs implementation (memory, SQLite, and later the shared store) behaves the same. */
export function describeJobsContract(name: string, open: OpenStore<Jobs>): void {
  describe(`Jobs contract: ${name}`, () => {
    const jobs = useFreshStore(open);

    it('enqueues once per key: a second enqueue of the same key adds nothing', async () => {
      expect(await jobs().enqueue(job('a'), T0)).toBe(true);
      expect(await jobs().enqueue({ ...job('a'), payload: { other: 1 } }, T0)).toBe(false);
      expect(await jobs().counts()).toEqual({ pending: 1, failed: 0 });
      expect(await jobs().claim('w1', T0, 1000, 10)).toEqual([{ ...job('a'), attempts: 1 }]);
    });

    it('keeps a key used once the job is done or failed: enqueueing it again adds nothing', async () => {
      await jobs().enqueue(job('a'), T0);
      await jobs().enqueue(job('b'), T0);
      await jobs().claim('w1', T0, 30_000, 10);
      await jobs().complete('a', 'w1');
      await jobs().fail('b', 'w1', 'gave up');
      expect(await jobs().enqueue(job('a'), at(1000))).toBe(false);
      expect(await jobs().enqueue(job('b'), at(1000))).toBe(false);
      expect(await jobs().counts()).toEqual({ pending: 0, failed: 1 });
      expect(await jobs().claim('w2', at(60_000), 30_000, 10)).toEqual([]);
      expect(await jobs().nextDue()).toBeUndefined();
    });

    it('hands a due job to one worker under a lease; another worker gets it only when the lease has ended', async () => {
      await jobs().enqueue(job('a'), T0);
      expect(await jobs().claim('w1', T0, 30_000, 10)).toHaveLength(1);
      expect(await jobs().claim('w2', at(1000), 30_000, 10)).toEqual([]);
      // w1 died: after its lease the job is due again, once more counted as an attempt.
      expect(await jobs().claim('w2', at(30_000), 30_000, 10)).toEqual([{ ...job('a'), attempts: 2 }]);
      // The dead worker's late completion changes nothing; the live one's does.
      await jobs().complete('a', 'w1');
      expect(await jobs().counts()).toEqual({ pending: 1, failed: 0 });
      await jobs().complete('a', 'w2');
      expect(await jobs().counts()).toEqual({ pending: 0, failed: 0 });
      expect(await jobs().claim('w3', at(120_000), 30_000, 10)).toEqual([]);
    });

    it('reschedules a recurring job: the same row, due again later, its attempts counted afresh; only by the worker holding it', async () => {
      await jobs().enqueue(job('tick'), T0);
      await jobs().claim('w1', T0, 30_000, 10);
      await jobs().reschedule('tick', 'w2', at(60_000));
      expect(await jobs().nextDue()).toBe(at(30_000).toISOString());
      await jobs().reschedule('tick', 'w1', at(60_000));
      expect(await jobs().claim('w1', at(59_000), 30_000, 10)).toEqual([]);
      expect(await jobs().claim('w1', at(60_000), 30_000, 10)).toEqual([{ ...job('tick'), attempts: 1 }]);
      expect(await jobs().counts()).toEqual({ pending: 1, failed: 0 });
    });

    it('retries a job at the time given, and keeps one that failed for good as failed', async () => {
      await jobs().enqueue(job('a'), T0);
      await jobs().enqueue(job('b'), T0);
      await jobs().claim('w1', T0, 30_000, 10);
      await jobs().retry('a', 'w1', at(5000), 'HTTP 503');
      await jobs().fail('b', 'w1', 'gave up');
      expect(await jobs().nextDue()).toBe(at(5000).toISOString());
      expect(await jobs().claim('w1', at(4000), 30_000, 10)).toEqual([]);
      expect(await jobs().claim('w1', at(5000), 30_000, 10)).toEqual([{ ...job('a'), attempts: 2 }]);
      expect(await jobs().counts()).toEqual({ pending: 1, failed: 1 });
    });

    it('claims at most the limit, oldest due first, and never one job twice at once', async () => {
      for (const key of ['a', 'b', 'c']) await jobs().enqueue(job(key), T0);
      const [first, second] = await Promise.all([jobs().claim('w1', T0, 30_000, 2), jobs().claim('w2', T0, 30_000, 2)]);
      const keys = [...first, ...second].map((j) => j.key).sort();
      expect(keys).toEqual(['a', 'b', 'c']);
    });
  });
}
