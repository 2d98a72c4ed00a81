import { sequenceOf } from '../../domain/approval';
import type { PartnershipStatus } from '../../domain/lifecycle';
import { matchesDueQuery, type DueQuery } from '../../domain/reminders';
import { DuplicateError, VersionConflictError } from '../../domain/errors';
import type { AuditEntry, Draft, NewDraft, NewPartnership, Partnership, PartnershipRecord } from '../../domain/records';
import type { AuditLog } from '../../ports/audit-log';
import type { ConversationDirectory, ConversationRecord } from '../../ports/conversation-directory';
import type { Drafts } from '../../ports/drafts';
import type { SentMessage } from '../../ports/notifier';
import type { Job, JobCounts, Jobs, JobSpec } from '../../ports/jobs';
import type { Records } from '../../ports/records';
import type { Register } from '../../ports/register';
import type { SentCards } from '../../ports/sent-cards';

/**
 * In-memory stores for tests and local runs. They enforce the same rules as the
 * SQLite and SharePoint stores (copies, versions, ETags, uniqueness) so that
 * concurrency bugs show up in unit tests; the contract suites in test/contract/
 * hold every implementation to the same behaviour.
 */

interface Entry<T> {
  /** Insertion order: breaks ties between equal timestamps, as SQLite's seq does. */
  readonly seq: number;
  readonly version: number;
  readonly value: T;
}

/** Newest first by updatedAt; of two written at the same instant, the later-created first. */
function newestFirst<T extends { readonly updatedAt: string }>(entries: Iterable<Entry<T>>): T[] {
  return [...entries]
    .sort((a, b) => compareDesc(a.value.updatedAt, b.value.updatedAt) || b.seq - a.seq)
    .map((e) => structuredClone(e.value));
}

function compareDesc(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? 1 : -1;
}

export class MemoryDrafts implements Drafts {
  private readonly entries = new Map<string, Entry<Draft>>();
  private seq = 0;

  async create(draft: NewDraft): Promise<Draft> {
    if (this.entries.has(draft.id)) throw new DuplicateError('draft', `id ${draft.id}`);
    const stored: Draft = { ...structuredClone(draft), version: 1 };
    this.entries.set(draft.id, { seq: ++this.seq, version: 1, value: stored });
    return structuredClone(stored);
  }

  async get(id: string): Promise<Draft | undefined> {
    const entry = this.entries.get(id);
    return entry && structuredClone(entry.value);
  }

  /** A draft never stored is refused like a stale one: nothing to base the write on. */
  async update(draft: Draft): Promise<Draft> {
    const entry = this.entries.get(draft.id);
    if (!entry || entry.version !== draft.version) throw new VersionConflictError('draft', draft.id);
    const version = entry.version + 1;
    const stored: Draft = { ...structuredClone(draft), version };
    this.entries.set(draft.id, { seq: entry.seq, version, value: stored });
    return structuredClone(stored);
  }

  async listByOwner(ownerId: string): Promise<Draft[]> {
    return newestFirst([...this.entries.values()].filter((e) => e.value.ownerId === ownerId));
  }
}

function etagOf(version: number): string {
  return `"${version}"`;
}

export class MemoryRegister implements Register {
  private readonly entries = new Map<string, Entry<Partnership>>();
  private readonly idsByKey = new Map<string, string>();
  private seq = 0;

  async create(partnership: NewPartnership, idempotencyKey: string): Promise<Partnership> {
    const earlierId = this.idsByKey.get(idempotencyKey);
    if (earlierId !== undefined) return structuredClone(this.entries.get(earlierId)!.value);
    if (this.entries.has(partnership.id)) throw new DuplicateError('partnership', `id ${partnership.id}`);
    this.refuseTakenReference(partnership);
    const stored: Partnership = { ...structuredClone(partnership), etag: etagOf(1) };
    this.entries.set(partnership.id, { seq: ++this.seq, version: 1, value: stored });
    this.idsByKey.set(idempotencyKey, partnership.id);
    return structuredClone(stored);
  }

  async get(id: string): Promise<Partnership | undefined> {
    const entry = this.entries.get(id);
    return entry && structuredClone(entry.value);
  }

  async update(partnership: Partnership): Promise<Partnership> {
    const entry = this.entries.get(partnership.id);
    if (!entry || entry.value.etag !== partnership.etag) throw new VersionConflictError('partnership', partnership.id);
    this.refuseTakenReference(partnership);
    const version = entry.version + 1;
    const stored: Partnership = { ...structuredClone(partnership), etag: etagOf(version) };
    this.entries.set(partnership.id, { seq: entry.seq, version, value: stored });
    return structuredClone(stored);
  }

  async listByProposer(proposerId: string): Promise<Partnership[]> {
    return newestFirst([...this.entries.values()].filter((e) => e.value.proposer.id === proposerId));
  }

  async listByStatus(status: PartnershipStatus): Promise<Partnership[]> {
    return newestFirst([...this.entries.values()].filter((e) => e.value.status === status));
  }

  async listDue(query: DueQuery): Promise<Partnership[]> {
    return newestFirst([...this.entries.values()].filter((e) => matchesDueQuery(e.value, query)));
  }

  async latestReference(year: number): Promise<string | undefined> {
    let best: string | undefined;
    for (const { value } of this.entries.values()) {
      if (sequenceOf(value.reference, year) > sequenceOf(best, year)) best = value.reference;
    }
    return best;
  }

  private refuseTakenReference(partnership: NewPartnership): void {
    const { id, reference } = partnership;
    if (reference === undefined) return;
    for (const { value } of this.entries.values()) {
      if (value.id !== id && value.reference === reference) throw new DuplicateError('partnership', `reference ${reference}`);
    }
  }
}

export class MemoryAuditLog implements AuditLog {
  private readonly entries: { readonly seq: number; readonly entry: AuditEntry }[] = [];

  async append(entry: AuditEntry): Promise<void> {
    this.entries.push({ seq: this.entries.length, entry: structuredClone(entry) });
  }

  /** Oldest first by `at`; entries stamped at the same instant keep the order they were appended. */
  async listFor(subjectId: string): Promise<AuditEntry[]> {
    return this.entries
      .filter((e) => e.entry.subjectId === subjectId)
      .sort((a, b) => -compareDesc(a.entry.at, b.entry.at) || a.seq - b.seq)
      .map((e) => structuredClone(e.entry));
  }
}

export class MemoryConversationDirectory implements ConversationDirectory {
  private readonly records = new Map<string, ConversationRecord>();

  async save(record: ConversationRecord): Promise<void> {
    this.records.set(record.userId, structuredClone(record));
  }

  async get(userId: string): Promise<ConversationRecord | undefined> {
    const record = this.records.get(userId);
    return record && structuredClone(record);
  }

  async findByEmail(email: string): Promise<ConversationRecord | undefined> {
    const wanted = email.toLowerCase();
    const found = [...this.records.values()]
      .filter((r) => r.email?.toLowerCase() === wanted)
      .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0))[0];
    return found && structuredClone(found);
  }
}

/** The same shape as openSqliteStores, so the composition root and tests can swap them. */
export class MemorySentCards implements SentCards {
  private readonly bySubject = new Map<string, SentMessage[]>();

  async record(subjectId: string, message: SentMessage): Promise<void> {
    const list = this.bySubject.get(subjectId) ?? [];
    const known = list.some((m) => m.conversationId === message.conversationId && m.activityId === message.activityId);
    if (!known) this.bySubject.set(subjectId, [...list, { ...message }]);
  }

  async list(subjectId: string): Promise<SentMessage[]> {
    return (this.bySubject.get(subjectId) ?? []).map((m) => ({ ...m }));
  }
}

export class MemoryRecords implements Records {
  private readonly byKey = new Map<string, PartnershipRecord>();
  private readonly ids = new Set<string>();

  async add(record: PartnershipRecord, idempotencyKey: string): Promise<PartnershipRecord> {
    const earlier = this.byKey.get(idempotencyKey);
    if (earlier) return structuredClone(earlier);
    if (this.ids.has(record.id)) throw new DuplicateError('record', record.id);
    this.ids.add(record.id);
    this.byKey.set(idempotencyKey, structuredClone(record));
    return structuredClone(record);
  }

  async listFor(subjectId: string): Promise<PartnershipRecord[]> {
    return [...this.byKey.values()].filter((r) => r.subjectId === subjectId).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).map((r) => structuredClone(r));
  }
}

interface StoredJob {
  spec: JobSpec;
  state: 'pending' | 'done' | 'failed';
  runAt: number;
  attempts: number;
  leaseOwner?: string;
  leaseUntil?: number;
}

export class MemoryJobs implements Jobs {
  private readonly jobs = new Map<string, StoredJob>();

  async enqueue(spec: JobSpec, now: Date): Promise<boolean> {
    if (this.jobs.has(spec.key)) return false;
    this.jobs.set(spec.key, { spec: structuredClone(spec), state: 'pending', runAt: spec.runAt ? Date.parse(spec.runAt) : now.getTime(), attempts: 0 });
    return true;
  }

  async claim(worker: string, now: Date, leaseMs: number, limit: number): Promise<Job[]> {
    const at = now.getTime();
    const due = [...this.jobs.values()].filter((j) => j.state === 'pending' && j.runAt <= at && (j.leaseUntil === undefined || j.leaseUntil <= at)).sort((a, b) => a.runAt - b.runAt).slice(0, limit);
    return due.map((j) => {
      j.leaseOwner = worker;
      j.leaseUntil = at + leaseMs;
      j.attempts += 1;
      return { ...structuredClone(j.spec), attempts: j.attempts };
    });
  }

  private held(key: string, worker: string): StoredJob | undefined {
    const job = this.jobs.get(key);
    return job && job.leaseOwner === worker ? job : undefined;
  }

  async complete(key: string, worker: string): Promise<void> {
    const job = this.held(key, worker);
    if (job) Object.assign(job, { state: 'done', leaseOwner: undefined, leaseUntil: undefined });
  }

  async retry(key: string, worker: string, runAt: Date): Promise<void> {
    const job = this.held(key, worker);
    if (job) Object.assign(job, { runAt: runAt.getTime(), leaseOwner: undefined, leaseUntil: undefined });
  }

  async fail(key: string, worker: string): Promise<void> {
    const job = this.held(key, worker);
    if (job) Object.assign(job, { state: 'failed', leaseOwner: undefined, leaseUntil: undefined });
  }

  async reschedule(key: string, worker: string, runAt: Date): Promise<void> {
    const job = this.held(key, worker);
    if (job) Object.assign(job, { runAt: runAt.getTime(), attempts: 0, leaseOwner: undefined, leaseUntil: undefined });
  }

  async counts(): Promise<JobCounts> {
    const all = [...this.jobs.values()];
    return { pending: all.filter((j) => j.state === 'pending').length, failed: all.filter((j) => j.state === 'failed').length };
  }

  async nextDue(): Promise<string | undefined> {
    const times = [...this.jobs.values()].filter((j) => j.state === 'pending').map((j) => Math.max(j.runAt, j.leaseUntil ?? 0));
    return times.length > 0 ? new Date(Math.min(...times)).toISOString() : undefined;
  }
}

export function openMemoryStores() {
  return {
    drafts: new MemoryDrafts(),
    register: new MemoryRegister(),
    audit: new MemoryAuditLog(),
    conversations: new MemoryConversationDirectory(),
    sentCards: new MemorySentCards(),
    records: new MemoryRecords(),
    jobs: new MemoryJobs(),
    close(): void {},
  };
}
