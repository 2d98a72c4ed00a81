import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from './launch';
import { percentile } from './turns';
import { round } from './report';

/**
 * Cards: every expansion the bot made during the run, timed inside the bot by
 * the bench preload around src/views/templates.ts's expandCard (so with the
 * data the bot really had, as it really calls it), and the expanded card's size.
 */

export interface CardSamples {
  durationsMs: number[];
  bytes: number[];
}

export interface CardFigure {
  readonly card: string;
  readonly expansions: number;
  readonly median_ms: number | null;
  readonly p99_ms: number | null;
  readonly kb_median: number | null;
  readonly kb_max: number | null;
  /** Where the figure comes from when not from the bot during the run, or why there is none. */
  readonly note?: string;
}

export const CARD_LIMIT_KB = 28;

/**
 * `stats` from the bot during the run; `fallback` (expanded in the bench process with fixture
 * data) for the cards the run did not show.
 */
export function cardFigures(stats: Record<string, CardSamples>, fallback: (names: readonly string[]) => Record<string, CardSamples> = () => ({})): CardFigure[] {
  const names = readdirSync(resolve(REPO_ROOT, 'cards'))
    .filter((f) => f.endsWith('.card.json'))
    .map((f) => f.replace(/\.card\.json$/, ''))
    .sort();
  const extra = fallback(names.filter((n) => !stats[n]?.durationsMs.length));
  return names.map((card) => {
    const fromBot = stats[card]?.durationsMs.length ? stats[card] : undefined;
    const s = fromBot ?? extra[card];
    if (!s || s.durationsMs.length === 0) {
      return { card, expansions: 0, median_ms: null, p99_ms: null, kb_median: null, kb_max: null, note: 'not shown in the bench conversations' };
    }
    const ms = [...s.durationsMs].sort((a, b) => a - b);
    const kb = [...s.bytes].sort((a, b) => a - b).map((b) => b / 1024);
    return {
      card,
      expansions: ms.length,
      median_ms: round(percentile(ms, 50), 3),
      p99_ms: round(percentile(ms, 99), 3),
      kb_median: round(percentile(kb, 50), 1),
      kb_max: round(kb[kb.length - 1], 1),
      ...(fromBot ? {} : { note: 'expanded in the bench process with fixture data (not shown by the conversations)' }),
    };
  });
}
