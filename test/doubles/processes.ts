import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';

/**
 * Child processes for tests: started on loopback, their output kept, and
 * always stopped (SIGTERM, then SIGKILL after a grace period) so no test
 * leaves a process behind.
 */

export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Resolves when the process has exited (at once if it already has). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, SIGKILL after graceMs; resolves once the process is gone. Safe to call twice. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A port free on 127.0.0.1 right now (bound to port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function canConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const MAX_OUTPUT_CHARS = 2_000_000;

export function startProcess(command: string, args: readonly string[], options: SpawnOptions & { label: string; echo?: boolean }): ManagedProcess {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    if (output.length < MAX_OUTPUT_CHARS) output += text;
    if (options.echo) process.stderr.write(`[${options.label}] ${text}`);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (err) => {
      output += `\n[${options.label}] failed to start: ${err.message}\n`;
      resolve({ code: null, signal: null });
    });
  });
  const isRunning = (): boolean => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  return {
    child,
    pid: child.pid ?? -1,
    output: () => output,
    exited,
    async stop(graceMs = 5000) {
      if (!isRunning()) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (isRunning()) child.kill('SIGKILL');
      }, graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Waits until host:port accepts a connection; fails early, with the output, if the process exits first. */
export async function waitForPort(proc: ManagedProcess, port: number, label: string, timeoutMs = 20_000, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${label} exited before accepting connections on ${host}:${port}. Output:\n${proc.output()}`);
    if (await canConnect(port, host)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${label} did not accept connections on ${host}:${port} within ${timeoutMs} ms. Output:\n${proc.output()}`);
}

/** Waits until the process prints a line matching `pattern`; returns the match. */
export async function waitForOutput(proc: ManagedProcess, pattern: RegExp, label: string, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    const match = proc.output().match(pattern);
    if (match) return match;
    if (exited) throw new Error(`${label} exited before printing ${pattern}. Output:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${label} did not print ${pattern} within ${timeoutMs} ms. Output:\n${proc.output()}`);
}
