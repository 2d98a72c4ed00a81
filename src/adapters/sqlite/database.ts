import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/**
 * Ordered and append-only: entry i brings a database from user_version i to i + 1.
 * Never edit a migration that has shipped; add the next one.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE drafts (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    owner_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    json TEXT NOT NULL
  );
  CREATE INDEX drafts_by_owner ON drafts (owner_id, updated_at);

  CREATE TABLE partnerships (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    reference TEXT UNIQUE,
    proposer_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    json TEXT NOT NULL
  );
  CREATE INDEX partnerships_by_proposer ON partnerships (proposer_id, updated_at);

  CREATE TABLE audit_entries (
    seq INTEGER PRIMARY KEY,
    subject_id TEXT NOT NULL,
    at TEXT NOT NULL,
    json TEXT NOT NULL
  );
  CREATE INDEX audit_entries_by_subject ON audit_entries (subject_id, at);

  CREATE TABLE conversations (
    user_id TEXT PRIMARY KEY,
    updated_at TEXT NOT NULL,
    json TEXT NOT NULL
  );
  `,
  `
  ALTER TABLE partnerships ADD COLUMN status TEXT NOT NULL DEFAULT '';
  UPDATE partnerships SET status = json_extract(json, '$.status');
  CREATE INDEX partnerships_by_status ON partnerships (status, updated_at);
  `,
  `
  CREATE TABLE sent_cards (
    subject_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (subject_id, conversation_id, activity_id)
  );
  `,
  `
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('create', 'update')),
    subject_id TEXT NOT NULL,
    idempotency_key TEXT,
    base_etag TEXT,
    revision INTEGER NOT NULL DEFAULT 1,
    json TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'conflict')),
    queued_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX outbox_by_state ON outbox (state, seq);
  CREATE INDEX outbox_by_subject ON outbox (subject_id, state, seq);
  CREATE INDEX outbox_by_key ON outbox (idempotency_key, state);
  `,
  `
  CREATE INDEX conversations_by_email ON conversations (lower(json_extract(json, '$.email')));
  `,
  `
  CREATE TABLE records (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    subject_id TEXT NOT NULL,
    at TEXT NOT NULL,
    json TEXT NOT NULL
  );
  CREATE INDEX records_by_subject ON records (subject_id, at, seq);
  `,
  `
  CREATE TABLE jobs (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    run_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX jobs_due ON jobs (state, run_at);
  `,
  // What the reminder sweep asks for (Register.listDue), each an index of its own.
  `
  CREATE INDEX partnerships_review_due ON partnerships (json_extract(json, '$.nextReviewDue')) WHERE status = 'active';
  CREATE INDEX partnerships_end_date ON partnerships (json_extract(json, '$.answers.proposedEndDate')) WHERE status = 'active';
  CREATE INDEX partnerships_agreement_outstanding ON partnerships (status)
    WHERE status IN ('active', 'exiting') AND coalesce(json_extract(json, '$.agreement.state'), '') <> 'yes';
  ALTER TABLE partnerships ADD COLUMN representative_ends TEXT;
  CREATE INDEX partnerships_representative_ends ON partnerships (representative_ends) WHERE representative_ends IS NOT NULL;
  `,
];

/** Opens (creating if need be) and migrates a database; ':memory:' gives a private one. */
export function openDatabase(file: string, busyTimeoutMs = 5000): SqliteDatabase {
  const inMemory = file === ':memory:';
  if (!inMemory) mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: busyTimeoutMs });
  try {
    // WAL lets readers carry on while the bot writes; it cannot apply to ':memory:'.
    if (!inMemory) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: SqliteDatabase): void {
  // IMMEDIATE takes the write lock before reading user_version, so two processes
  // opening the same file cannot both run the same migration.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(`${db.name} is at schema version ${current}, newer than this build knows (${MIGRATIONS.length})`);
    }
    for (const sql of MIGRATIONS.slice(current)) db.exec(sql);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

/**
 * A UNIQUE or PRIMARY KEY constraint refused the write. Checked by code, not
 * `instanceof`: the native addon keeps the SqliteError class of whichever copy of
 * the module loaded it first (jest loads a fresh copy per test file).
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
