/**
 * The reminder sweep as the register grows (issue 16, item 3): registers of
 * 1,000, 10,000 and 50,000 entries with 2% due, on the SharePoint double
 * (counting requests) and on SQLite: the sweep's wall time (sends to the
 * connector double included), SharePoint requests made beyond the sends, and
 * the largest page read.
 *
 * NOT MEASURED YET: the sweep is being built in another branch. To add it,
 * replace the body of `benchSweep` (run.ts calls it after the store phase and
 * prints whatever it returns): seed the register through the adapter's own
 * writes (or the double's `site` for speed), start the sweep's use case with a
 * fixed Clock, time it, read `double.requests` for the count and the largest
 * `$top`, and fill `runs` and the `sweep_*` fields. The target the report
 * checks: with 200 due in 10,000 entries, at most 5 SharePoint requests beyond
 * the sends, none that would meet the 5,000-item threshold, and requests
 * growing with the number due, not with the register.
 */

export interface SweepRun {
  readonly store: 'sqlite' | 'sharepoint';
  readonly entries: number;
  readonly due: number;
  readonly wall_ms: number;
  readonly sharepoint_requests_beyond_sends?: number;
  readonly largest_page?: number;
}

export interface SweepSection {
  readonly available: boolean;
  readonly note: string;
  readonly runs: readonly SweepRun[];
}

export async function benchSweep(): Promise<SweepSection> {
  return { available: false, note: 'not available: the reminder sweep is being built in another branch; bench/sweep.ts says how to add it', runs: [] };
}
