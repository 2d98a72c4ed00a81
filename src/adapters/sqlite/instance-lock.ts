import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * One process per DATA_DIR. Two bots on one SQLite file would split drafts
 * between their caches of conversation state and hand out the same reference
 * twice, so the second refuses to start. The lock is an exclusive SQLite lock
 * (an OS file lock) on `instance.lock`, held for the life of the process: the
 * operating system drops it when the process ends, even on kill -9, so a crash
 * never leaves a stale lock behind.
 */
export class InstanceLockedError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `Another bot process is already using DATA_DIR=${dataDir}. One process per SQLite store: stop the other one, or give this one its own DATA_DIR. ` +
        'Several instances need the shared store of an Azure deployment (see README, "Security").',
    );
    this.name = 'InstanceLockedError';
  }
}

export interface InstanceLock {
  release(): void;
}

export function lockDataDir(dataDir: string): InstanceLock {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'instance.lock'), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER); BEGIN EXCLUSIVE;');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new InstanceLockedError(dataDir);
    throw err;
  }
  return {
    release: () => {
      if (db.open) db.close();
    },
  };
}
