import type { Logger } from '../../logger';
import type { DrainReport } from './outbox-register';

export interface Drainable {
  drain(): Promise<DrainReport>;
}

/**
 * Drains the outbox every `intervalMs`, one run at a time (the next is
 * scheduled when the last has finished, so a slow register never stacks runs).
 * An empty outbox costs no request to the register. `stop()` cancels the next
 * run and waits for one in progress, so the database can then be closed.
 */
/** One drain, its outcome logged; never throws (the next run tries again). */
export async function drainOnce(outbox: Drainable, logger: Logger): Promise<void> {
  try {
    const report = await outbox.drain();
    if (report.written > 0 || report.conflicts > 0) logger.info(report, 'outbox drained into the register');
    if (report.unavailable) logger.warn(report, 'register still unreachable: outbox entries wait for the next drain');
  } catch (err) {
    logger.error({ err }, 'outbox drain failed');
  }
}

export function startOutboxDrain(outbox: Drainable, intervalMs: number, logger: Logger): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const run = (): Promise<void> => drainOnce(outbox, logger);
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = undefined;
        schedule();
      });
    }, intervalMs);
    timer.unref();
  };
  schedule();

  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
