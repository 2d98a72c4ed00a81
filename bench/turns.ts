import { performance } from 'node:perf_hooks';
import { Verb } from '../src/bot/verbs';

/**
 * Times every turn the test helpers post (test/doubles/teams-activity.ts's
 * postActivity uses the global fetch): from the request being sent to the whole
 * answer having arrived, measured by the client, plus the server's own figure
 * from the bench preload's Server-Timing header. The turn type comes from the
 * activity posted: a message, an approval decision, or any other card action.
 */

export type TurnType = 'message' | 'card_action' | 'approval_invoke';
export const TURN_TYPES: readonly TurnType[] = ['message', 'card_action', 'approval_invoke'];

export interface TurnSample {
  readonly type: TurnType;
  /** The message's text or the card action's verb. */
  readonly label: string;
  /** Client: request sent to the full answer received. */
  readonly clientMs: number;
  /** Server-Timing app;dur: the server's 'request' event to its answer's headers. */
  readonly serverMs: number;
  readonly status: number;
  readonly at: number;
}

const DECISIONS: readonly string[] = [Verb.approve, Verb.reject, Verb.requestChanges];

/** Turns timed over one or more stretches of load; samples and active time add up across stretches. */
export class TurnRecorder {
  readonly samples: TurnSample[] = [];
  private activeMs = 0;
  private startedAt: number | undefined;
  start(): void {
    this.startedAt = performance.now();
  }
  stop(): void {
    if (this.startedAt !== undefined) this.activeMs += performance.now() - this.startedAt;
    this.startedAt = undefined;
  }
  /** Seconds under load, over every stretch. */
  get seconds(): number {
    return (this.activeMs + (this.startedAt === undefined ? 0 : performance.now() - this.startedAt)) / 1000;
  }
}

let current: TurnRecorder | undefined;

/** Sends the samples of the turns posted from now on to `recorder` (undefined: none recorded). */
export function recordTurnsInto(recorder: TurnRecorder | undefined): void {
  current = recorder;
}

/** Runs `work` with the turns it posts recorded into `recorder`. */
export async function timed<T>(recorder: TurnRecorder, work: () => Promise<T>): Promise<T> {
  recordTurnsInto(recorder);
  recorder.start();
  try {
    return await work();
  } finally {
    recorder.stop();
    recordTurnsInto(undefined);
  }
}

function typeOf(body: unknown): { type: TurnType; label: string } | undefined {
  if (typeof body !== 'string') return undefined;
  const activity = JSON.parse(body) as { type?: string; text?: string; value?: { action?: { verb?: string } } };
  if (activity.type === 'message') return { type: 'message', label: `"${activity.text ?? ''}"` };
  const verb = activity.value?.action?.verb ?? '';
  if (activity.type === 'invoke') return { type: DECISIONS.includes(verb) ? 'approval_invoke' : 'card_action', label: verb };
  return undefined;
}

let installed = false;

/** Wraps the global fetch once; only POSTs to /api/messages are timed. */
export function installTurnTiming(): void {
  if (installed) return;
  installed = true;
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const sink = current;
    const kind = sink && /\/api\/messages$/.test(url) ? typeOf(init?.body) : undefined;
    if (!sink || !kind) return realFetch(input, init);
    const t0 = performance.now();
    const res = await realFetch(input, init);
    const body = await res.arrayBuffer();
    const clientMs = performance.now() - t0;
    const serverMs = Number(/dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? NaN);
    sink.samples.push({ ...kind, clientMs, serverMs, status: res.status, at: t0 });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export interface TurnStats {
  readonly count: number;
  readonly errors: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly server_p50: number;
  readonly server_p95: number;
  readonly server_p99: number;
  readonly turns_per_s: number;
}

export function statsOf(recorder: TurnRecorder, type: TurnType): TurnStats | undefined {
  const of = recorder.samples.filter((s) => s.type === type);
  if (of.length === 0) return undefined;
  const client = of.map((s) => s.clientMs).sort((a, b) => a - b);
  const server = of.map((s) => s.serverMs).filter((n) => !Number.isNaN(n)).sort((a, b) => a - b);
  return {
    count: of.length,
    errors: of.filter((s) => s.status !== 200).length,
    p50: percentile(client, 50),
    p95: percentile(client, 95),
    p99: percentile(client, 99),
    max: client[client.length - 1],
    server_p50: percentile(server, 50),
    server_p95: percentile(server, 95),
    server_p99: percentile(server, 99),
    turns_per_s: of.length / recorder.seconds,
  };
}

/** Server-time p50/p99 per message text or verb: where a turn type's time goes. */
export function byLabel(recorder: TurnRecorder): Record<string, { count: number; server_p50: number; server_p99: number; client_p50: number; client_p99: number }> {
  const groups = new Map<string, TurnSample[]>();
  for (const s of recorder.samples) groups.set(s.label, [...(groups.get(s.label) ?? []), s]);
  const out: Record<string, { count: number; server_p50: number; server_p99: number; client_p50: number; client_p99: number }> = {};
  for (const [label, samples] of [...groups].sort()) {
    const server = samples.map((s) => s.serverMs).sort((a, b) => a - b);
    const client = samples.map((s) => s.clientMs).sort((a, b) => a - b);
    out[label] = { count: samples.length, server_p50: percentile(server, 50), server_p99: percentile(server, 99), client_p50: percentile(client, 50), client_p99: percentile(client, 99) };
  }
  return out;
}
