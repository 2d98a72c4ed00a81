import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryRegister, openMemoryStores } from '../../src/adapters/memory/memory-stores';
import { OutboxRegister } from '../../src/adapters/outbox';
import { openDatabase, openSqliteStores, SqliteOutbox } from '../../src/adapters/sqlite';
import { systemClock } from '../../src/adapters/system';
import type { AuditLog } from '../../src/ports/audit-log';
import type { ConversationDirectory } from '../../src/ports/conversation-directory';
import type { Drafts } from '../../src/ports/drafts';
import type { Jobs } from '../../src/ports/jobs';
import type { Records } from '../../src/ports/records';
import type { Register } from '../../src/ports/register';
import type { SentCards } from '../../src/ports/sent-cards';
import { aConversation, aDraft, anAuditEntry, aPartnership } from '../fixtures/builders';
import { describeAuditLogContract } from './audit-log.contract';
import { describeConversationDirectoryContract } from './conversation-directory.contract';
import { describeDraftsContract } from './drafts.contract';
import type { OpenStore } from './open-store';
import { describeJobsContract } from './jobs.contract';
import { describeRecordsContract } from './records.contract';
import { describeRegisterContract } from './register.contract';
import { describeSentCardsContract } from './sent-cards.contract';

interface Stores {
  readonly drafts: Drafts;
  readonly register: Register;
  readonly audit: AuditLog;
  readonly conversations: ConversationDirectory;
  readonly records: Records;
  readonly jobs: Jobs;
  readonly sentCards: SentCards;
  close(): void;
}

const tempDir = mkdtempSync(join(tmpdir(), 'partnership-register-stores-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

let fileCount = 0;
/** A fresh file per test, in a folder that does not exist yet, so openDatabase must create it. */
function nextDatabaseFile(): string {
  fileCount += 1;
  return join(tempDir, `run-${fileCount}`, 'register.db');
}

const implementations: readonly { name: string; open: () => Stores }[] = [
  { name: 'memory', open: openMemoryStores },
  { name: 'SQLite in memory', open: () => openSqliteStores(':memory:') },
  { name: 'SQLite file', open: () => openSqliteStores(nextDatabaseFile()) },
];

function one<K extends keyof Omit<Stores, 'close'>>(open: () => Stores, key: K): OpenStore<Stores[K]> {
  return async () => {
    const stores = open();
    return { store: stores[key], close: () => stores.close() };
  };
}

for (const { name, open } of implementations) {
  describeDraftsContract(name, one(open, 'drafts'));
  describeRegisterContract(name, one(open, 'register'));
  describeAuditLogContract(name, one(open, 'audit'));
  describeConversationDirectoryContract(name, one(open, 'conversations'));
  describeRecordsContract(name, one(open, 'records'));
  describeJobsContract(name, one(open, 'jobs'));
  describeSentCardsContract(name, one(open, 'sentCards'));
}

// The outbox decorator passes every call through while the register it wraps answers.
describeRegisterContract('outbox over memory', async () => {
  const db = openDatabase(':memory:');
  const store = new OutboxRegister(new MemoryRegister(), new SqliteOutbox(db), systemClock);
  return { store, close: () => void db.close() };
});

describe('SQLite file database', () => {
  it('keeps everything across closing and reopening', async () => {
    const file = nextDatabaseFile();
    const before = openSqliteStores(file);
    const draft = await before.drafts.create(aDraft());
    const item = await before.register.update({ ...(await before.register.create(aPartnership(), 'key-1')), status: 'active' });
    await before.audit.append(anAuditEntry());
    await before.conversations.save(aConversation());
    before.close();

    const after = openSqliteStores(file);
    try {
      expect(await after.drafts.get(draft.id)).toEqual(draft);
      expect(await after.register.get(item.id)).toEqual(item);
      expect(await after.register.create(aPartnership({ id: 'retry' }), 'key-1')).toEqual(item);
      expect(await after.audit.listFor('partnership-1')).toEqual([anAuditEntry()]);
      expect(await after.conversations.get('user-alice')).toEqual(aConversation());
    } finally {
      after.close();
    }
  });

  it('opens a file written before forms existed: its drafts read back as proposal drafts and the records table is added', async () => {
    const file = nextDatabaseFile();
    const old = openDatabase(file);
    // As the build before Partnership Records left it: schema version 5, a proposal draft with no flowId.
    old.exec(
      'DROP TABLE records; DROP TABLE jobs; DROP INDEX partnerships_review_due; DROP INDEX partnerships_end_date; DROP INDEX partnerships_agreement_outstanding; ' +
        'DROP INDEX partnerships_representative_ends; ALTER TABLE partnerships DROP COLUMN representative_ends;',
    );
    old.pragma('user_version = 5');
    const saved = { ...aDraft({ id: 'old-draft', step: 'registration.people' }), version: 3 };
    old.prepare('INSERT INTO drafts (id, owner_id, version, updated_at, json) VALUES (?, ?, ?, ?, ?)').run(saved.id, saved.ownerId, saved.version, saved.updatedAt, JSON.stringify(saved));
    old.close();

    const upgraded = openSqliteStores(file);
    try {
      const draft = await upgraded.drafts.get('old-draft');
      expect(draft).toMatchObject({ id: 'old-draft', step: 'registration.people', version: 3 });
      expect(draft?.flowId).toBeUndefined();
      expect(await upgraded.records.listFor('partnership-1')).toEqual([]);
    } finally {
      upgraded.close();
    }
  });

  it('runs in WAL mode, waits on a busy file, enforces foreign keys and migrates only once', () => {
    const file = nextDatabaseFile();
    openDatabase(file).close();
    const db = openDatabase(file);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('user_version', { simple: true })).toBe(8);
    } finally {
      db.close();
    }
  });

  it('refuses a database written by a newer build', () => {
    const file = nextDatabaseFile();
    const db = openDatabase(file);
    db.pragma('user_version = 99');
    db.close();

    expect(() => openDatabase(file)).toThrow(/schema version 99/);
  });

  it('issues etags as quoted versions, as SharePoint does', async () => {
    const stores = openSqliteStores(':memory:');
    try {
      const created = await stores.register.create(aPartnership(), 'key-1');
      const updated = await stores.register.update({ ...created, status: 'active' });
      expect([created.etag, updated.etag]).toEqual(['"1"', '"2"']);
    } finally {
      stores.close();
    }
  });
});
