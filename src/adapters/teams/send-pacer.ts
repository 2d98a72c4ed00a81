/**
 * Keeps proactive sends under Teams' documented limits (TOOLING.md: per bot
 * per conversation 7 per 1 s, 8 per 2 s, 60 per 30 s, 1,800 per hour; about
 * 50 requests per second per app per tenant), so a sweep that sends many
 * reminders waits its turn instead of meeting 429s. Sliding windows of the
 * times of recent sends, one set per conversation and one for all.
 * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit
 */
export interface Window {
  readonly count: number;
  readonly ms: number;
}

export const TEAMS_PER_CONVERSATION: readonly Window[] = [
  { count: 7, ms: 1000 },
  { count: 8, ms: 2000 },
  { count: 60, ms: 30_000 },
  { count: 1800, ms: 3_600_000 },
];
export const TEAMS_PER_APP: readonly Window[] = [{ count: 50, ms: 1000 }];

export interface PacerOptions {
  readonly perConversation?: readonly Window[];
  readonly overall?: readonly Window[];
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const CONVERSATIONS_KEPT = 10_000;

export class SendPacer {
  private readonly byConversation = new Map<string, number[]>();
  private readonly all: number[] = [];
  private readonly perConversation: readonly Window[];
  private readonly overall: readonly Window[];
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private queue: Promise<void> = Promise.resolve();

  constructor(options: PacerOptions = {}) {
    this.perConversation = options.perConversation ?? TEAMS_PER_CONVERSATION;
    this.overall = options.overall ?? TEAMS_PER_APP;
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Resolves when one more send to this conversation stays within every window; the send is counted then. */
  turn(conversation: string): Promise<void> {
    const mine = this.queue.then(() => this.wait(conversation));
    this.queue = mine.catch(() => undefined);
    return mine;
  }

  private async wait(conversation: string): Promise<void> {
    for (;;) {
      const times = this.byConversation.get(conversation) ?? [];
      const delay = Math.max(delayFor(times, this.perConversation, this.now()), delayFor(this.all, this.overall, this.now()));
      if (delay <= 0) break;
      await this.sleep(delay);
    }
    const at = this.now();
    const times = this.byConversation.get(conversation) ?? [];
    this.byConversation.delete(conversation);
    if (this.byConversation.size >= CONVERSATIONS_KEPT) this.byConversation.delete(this.byConversation.keys().next().value!);
    this.byConversation.set(conversation, prune([...times, at], this.perConversation, at));
    this.all.push(at);
    this.all.splice(0, this.all.length - Math.max(...this.overall.map((w) => w.count)));
  }
}

function delayFor(times: readonly number[], windows: readonly Window[], now: number): number {
  let delay = 0;
  for (const w of windows) {
    const inWindow = times.filter((t) => t > now - w.ms);
    if (inWindow.length >= w.count) delay = Math.max(delay, inWindow[inWindow.length - w.count] + w.ms - now + 1);
  }
  return delay;
}

function prune(times: number[], windows: readonly Window[], now: number): number[] {
  const longest = Math.max(...windows.map((w) => w.ms));
  const most = Math.max(...windows.map((w) => w.count));
  return times.filter((t) => t > now - longest).slice(-most);
}
