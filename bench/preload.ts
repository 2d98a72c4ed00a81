import { ClientRequest, Server, ServerResponse, type IncomingMessage } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

/**
 * Bench-only preload (`node -r dist/bench/preload.js <entry>`), loaded into
 * both the bot and the echo bot; nothing here is in production code.
 *
 * - Every HTTP answer carries `Server-Timing: app;dur=<ms>`: from Node's
 *   'request' event (headers parsed) to the answer's headers being written.
 * - On SIGUSR2 the process prints one line `BENCH_MEMORY {...}` to stdout
 *   (process.memoryUsage(), V8's used heap, and the event loop's delay since
 *   the previous line: time a request waits before the 'request' event, which
 *   Server-Timing cannot see), and, with
 *   BENCH_TEMPLATES_MODULE set, `BENCH_CARDS {...}`: the time and size of
 *   every expansion made through src/views/templates.ts's expandCard.
 * - With BENCH_COUNT_PORT set, the memory line also carries `outgoing`: the
 *   HTTP requests this process has sent to 127.0.0.1:<that port> (Azurite), by
 *   method and table, counted since start.
 */

const START = Symbol('benchStart');
type Stamped = { [START]?: bigint };

const emit = Server.prototype.emit;
Server.prototype.emit = function patchedEmit(this: Server, event: string | symbol, ...args: unknown[]): boolean {
  if (event === 'request') (args[1] as Stamped)[START] = process.hrtime.bigint();
  return (emit as (...a: unknown[]) => boolean).call(this, event, ...args);
} as typeof Server.prototype.emit;

const writeHead = ServerResponse.prototype.writeHead;
ServerResponse.prototype.writeHead = function patchedWriteHead(this: ServerResponse<IncomingMessage> & Stamped, ...args: unknown[]) {
  const start = this[START];
  if (start !== undefined && !this.headersSent) this.setHeader('server-timing', `app;dur=${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(3)}`);
  return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
} as typeof ServerResponse.prototype.writeHead;

const countPort = process.env.BENCH_COUNT_PORT;
const outgoing: Record<string, number> = {};
if (countPort) {
  const end = ClientRequest.prototype.end;
  ClientRequest.prototype.end = function countedEnd(this: ClientRequest, ...args: unknown[]) {
    if (String(this.getHeader('host') ?? '').endsWith(`:${countPort}`)) {
      // /devstoreaccount1/<Table>(PartitionKey=...,RowKey=...)?... -> "GET <Table>"
      const table = (this.path.split('/')[2] ?? '').replace(/[(?].*$/, '');
      const key = `${this.method} ${table}`;
      outgoing[key] = (outgoing[key] ?? 0) + 1;
    }
    return (end as (...a: unknown[]) => ClientRequest).apply(this, args);
  } as typeof ClientRequest.prototype.end;
}

interface CardStats {
  durationsMs: number[];
  bytes: number[];
}
const cards = new Map<string, CardStats>();
const MAX_SAMPLES = 20_000;

const templatesModule = process.env.BENCH_TEMPLATES_MODULE;
if (templatesModule) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const templates = require(templatesModule) as { expandCard: (name: string, data: object) => unknown };
  const expand = templates.expandCard;
  templates.expandCard = (name: string, data: object) => {
    const t0 = process.hrtime.bigint();
    const card = expand(name, data);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    let stats = cards.get(name);
    if (!stats) cards.set(name, (stats = { durationsMs: [], bytes: [] }));
    if (stats.durationsMs.length < MAX_SAMPLES) {
      stats.durationsMs.push(ms);
      // Sized outside the timing; every 10th after the first 50, to keep the cost off the turns.
      if (stats.bytes.length < 50 || stats.durationsMs.length % 10 === 0) stats.bytes.push(Buffer.byteLength(JSON.stringify(card)));
    }
    return card;
  };
}

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();

process.on('SIGUSR2', () => {
  const m = process.memoryUsage();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const loopDelay = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) };
  loop.reset();
  const memory = { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, v8UsedHeap: getHeapStatistics().used_heap_size, loopDelay, ...(countPort ? { outgoing } : {}) };
  process.stdout.write(`BENCH_MEMORY ${JSON.stringify(memory)}\n`);
  if (templatesModule) process.stdout.write(`BENCH_CARDS ${JSON.stringify(Object.fromEntries(cards))}\n`);
});
