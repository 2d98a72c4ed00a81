import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, startProcess, type ManagedProcess } from '../test/doubles/processes';
import { messageFrom, postActivity, teamsUser } from '../test/doubles/teams-activity';

/**
 * Starts a bot entry point as its own process, the way test/doubles/bot-process.ts
 * does (same node, same environment rules), with the bench preload, and measures
 * the time from spawn to the first answered message.
 */

/** The repository, seen from dist/bench/ (the bench runs compiled). */
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const BOT_ENTRY = resolve(REPO_ROOT, 'dist', 'src', 'server.js');
export const ECHO_ENTRY = resolve(__dirname, 'echo-bot.js');
export const PRELOAD = resolve(__dirname, 'preload.js');

export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly v8UsedHeap: number;
  /** The event loop's delay (ms) since the previous sample: with resolution 5 ms, p50 ~5 means idle. */
  readonly loopDelay: { p50: number; p99: number; max: number };
  /** With BENCH_COUNT_PORT: requests sent to that port (Azurite) since start, by method and table. */
  readonly outgoing?: Record<string, number>;
}

export interface LaunchedBot {
  readonly label: string;
  readonly url: string;
  readonly pid: number;
  readonly proc: ManagedProcess;
  /** Spawn to the first message answered 200. */
  readonly startupMs: number;
  /** VmRSS and VmHWM (peak) from /proc/<pid>/status, in bytes. */
  rss(): { rss: number; peak: number };
  /** Asks the process itself (SIGUSR2, answered on stdout by the preload). */
  memory(): Promise<MemorySample>;
  /** The preload's card timings (the bot only). */
  cardStats(): Promise<Record<string, { durationsMs: number[]; bytes: number[] }>>;
  stop(): Promise<unknown>;
}

function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^MicrosoftApp/i.test(key) && key !== 'NODE_ENV' && key !== 'NODE_OPTIONS') env[key] = value;
  }
  return env;
}

function procStatus(pid: number): { rss: number; peak: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

async function lineAfter(proc: ManagedProcess, marker: string, from: number, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = proc.output().slice(from);
    const at = out.indexOf(`${marker} `);
    const end = at >= 0 ? out.indexOf('\n', at) : -1;
    if (end >= 0) return out.slice(at + marker.length + 1, end);
    if (Date.now() > deadline) throw new Error(`no ${marker} line from pid ${proc.pid}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function launchBot(label: string, entry: string, env: Record<string, string>, serviceUrl: string): Promise<LaunchedBot> {
  const port = await freePort();
  const t0 = performance.now();
  // BENCH_CPU_PROF=<dir> profiles every bot process (written when it stops): `node --cpu-prof`.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`, `--cpu-prof-name=${label}-${Date.now()}.cpuprofile`] : [];
  const proc = startProcess(process.execPath, [...profile, '-r', PRELOAD, entry], {
    label,
    cwd: REPO_ROOT,
    echo: process.env.BENCH_VERBOSE === '1',
    env: { ...inheritedEnv(), HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
  });
  const url = `http://127.0.0.1:${port}`;
  const probe = teamsUser(serviceUrl, { name: `Startup Probe ${label}` });
  let exited = false;
  void proc.exited.then(() => (exited = true));
  let startupMs = NaN;
  const deadline = Date.now() + 30_000;
  while (Number.isNaN(startupMs)) {
    if (exited || Date.now() > deadline) throw new Error(`${label} did not answer within 30 s. Output:\n${proc.output()}`);
    try {
      const res = await postActivity(url, messageFrom(probe, 'help'));
      if (res.status === 200) startupMs = performance.now() - t0;
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  const ask = async (marker: string) => {
    const from = proc.output().length;
    process.kill(proc.pid, 'SIGUSR2');
    return JSON.parse(await lineAfter(proc, marker, from));
  };
  return {
    label,
    url,
    pid: proc.pid,
    proc,
    startupMs,
    rss: () => procStatus(proc.pid),
    memory: () => ask('BENCH_MEMORY'),
    cardStats: async () => {
      const from = proc.output().length;
      process.kill(proc.pid, 'SIGUSR2');
      return JSON.parse(await lineAfter(proc, 'BENCH_CARDS', from));
    },
    stop: () => proc.stop(5000),
  };
}
