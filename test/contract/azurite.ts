import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, startProcess, waitForOutput, waitForPort, type ManagedProcess } from '../doubles/processes';

/**
 * Azurite's Table service (npm `azurite`, the real emulator, not a double),
 * started on a free loopback port with in-memory storage and no telemetry,
 * and stopped by `close`. TOOLING.md: the SDK sends a newer API version than
 * Azurite 3.35 knows, hence --skipApiVersionCheck.
 */
export interface Azurite {
  readonly port: number;
  /** The well-known devstoreaccount1 connection string, pointed at this instance. */
  readonly connectionString: string;
  close(): Promise<void>;
}

/** node_modules/.bin/azurite-table above this file: test/contract/ under jest, dist/test/contract/ in the bench. */
function azuriteBin(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', '.bin', 'azurite-table');
    if (existsSync(bin)) return bin;
    if (dirname(dir) === dir) throw new Error('node_modules/.bin/azurite-table not found: run npm install');
  }
}
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function devConnectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
}

export async function startAzurite(): Promise<Azurite> {
  const port = await freePort();
  const location = mkdtempSync(join(tmpdir(), 'prb-azurite-'));
  const proc: ManagedProcess = startProcess(
    azuriteBin(),
    ['--tableHost', '127.0.0.1', '--tablePort', String(port), '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry', '--loose'],
    { label: 'azurite', cwd: location, env: { ...process.env, AZURITE_ACCEPT_EULA: 'true' } },
  );
  try {
    await waitForOutput(proc, /successfully/i, 'Azurite', 20_000);
    await waitForPort(proc, port, 'Azurite');
  } catch (err) {
    await proc.stop(2000);
    rmSync(location, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    connectionString: devConnectionString(port),
    close: async () => {
      await proc.stop(3000);
      rmSync(location, { recursive: true, force: true });
    },
  };
}

let tableRun = 0;
/** A fresh table-name prefix (alphanumeric, starts with a letter), so each test gets empty tables on one Azurite. */
export function freshPrefix(): string {
  tableRun += 1;
  return `t${process.pid}x${tableRun}x`;
}
