import type { Logger } from '../logger';

/**
 * Work done after a card action is answered (Teams gives a turn 10-15 s): sending
 * approval cards, updating copies, telling the proposer. Failures are logged, never
 * surfaced; `idle()` lets shutdown and tests wait for what is in flight.
 */
export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(name: string, task: () => Promise<void>): void {
    const promise = new Promise<void>((resolve) => setImmediate(resolve))
      .then(task)
      .catch((err) => this.logger.error({ err, task: name }, 'background task failed'))
      .finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
