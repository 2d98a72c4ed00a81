import { MemoryAuditLog, MemoryDrafts, MemoryRegister } from '../../../src/adapters/memory/memory-stores';
import type { DueQuery } from '../../../src/domain/reminders';
import { OutboxRegister, startOutboxDrain } from '../../../src/adapters/outbox';
import { AzureOutbox } from '../../../src/adapters/azure-tables';
import { ensureTables, tableClient } from '../../../src/adapters/azure-tables/tables';
import type { OutboxStore } from '../../../src/adapters/outbox/outbox-store';
import { openDatabase, SqliteOutbox } from '../../../src/adapters/sqlite';
import { DuplicateError, StoreUnavailableError, VersionConflictError } from '../../../src/domain/errors';
import type { PartnershipStatus } from '../../../src/domain/lifecycle';
import { isPendingSync, type NewPartnership, type Partnership } from '../../../src/domain/records';
import { createLogger } from '../../../src/logger';
import type { Register } from '../../../src/ports/register';
import { decideProposal, type DecideDeps, type DecideResult } from '../../../src/use-cases/decide-proposal';
import { aPartnership } from '../../fixtures/builders';
import { freshPrefix, startAzurite, type Azurite } from '../../contract/azurite';

/**
 * The register of record as the outbox sees it: a memory register that can be
 * switched off (every call then throws StoreUnavailableError, as SharePoint's
 * adapter does once its retries run out), or made to carry a write out and then
 * lose its answer.
 */
class SwitchableRegister implements Register {
  down = false;
  /** The next create or update is carried out, then reported as an outage. */
  loseNextAnswer = false;
  /** Awaited inside every update, before it is carried out. */
  beforeUpdate: (() => Promise<void>) | undefined;
  readonly writes: string[] = [];

  constructor(readonly stored = new MemoryRegister()) {}

  private reachable(): void {
    if (this.down) throw new StoreUnavailableError('the register is down');
  }

  private answered<T>(result: T): T {
    if (!this.loseNextAnswer) return result;
    this.loseNextAnswer = false;
    throw new StoreUnavailableError('no answer within 15000 ms');
  }

  async create(p: NewPartnership, key: string): Promise<Partnership> {
    this.reachable();
    this.writes.push(`create ${p.id}`);
    return this.answered(await this.stored.create(p, key));
  }
  async get(id: string) {
    this.reachable();
    return this.stored.get(id);
  }
  async update(p: Partnership): Promise<Partnership> {
    this.reachable();
    await this.beforeUpdate?.();
    this.writes.push(`update ${p.id}`);
    return this.answered(await this.stored.update(p));
  }
  async listByProposer(proposerId: string) {
    this.reachable();
    return this.stored.listByProposer(proposerId);
  }
  async listByStatus(status: PartnershipStatus) {
    this.reachable();
    return this.stored.listByStatus(status);
  }
  async listDue(query: DueQuery) {
    this.reachable();
    return this.stored.listDue(query);
  }
  async latestReference(year: number) {
    this.reachable();
    return this.stored.latestReference(year);
  }
}

const clock = { now: () => new Date('2026-03-03T10:00:00.000Z') };
const anne = { id: 'user-anne', name: 'Anne Approver' };
const bob = { id: 'user-bob', name: 'Bob Approver' };
const route = { stages: [[anne.id, bob.id]], selfApprovalAllowed: false };

function aProposal(overrides: Partial<NewPartnership> = {}): NewPartnership {
  return aPartnership({ approval: { route, stage: 1, history: [] }, ...overrides });
}

let azurite: Azurite | undefined;
afterAll(async () => {
  await azurite?.close();
});

/** The outbox on SQLite (one process) and on Azure Tables (every instance), on a real Azurite started once for this file. */
const outboxes: [string, () => Promise<{ outbox: OutboxStore; close(): unknown }>][] = [
  [
    'SQLite',
    async () => {
      const db = openDatabase(':memory:');
      return { outbox: new SqliteOutbox(db), close: () => db.close() };
    },
  ],
  [
    'Azure Tables',
    async () => {
      azurite ??= await startAzurite();
      const table = tableClient({ connection: { connectionString: azurite.connectionString }, prefix: freshPrefix() }, 'Outbox');
      await ensureTables([table]);
      return { outbox: new AzureOutbox(table), close: () => table.deleteTable() };
    },
  ],
];

describe.each(outboxes)('OutboxRegister with the outbox in %s', (_name, openOutbox) => {
  let opened: { outbox: OutboxStore; close(): unknown };
  let inner: SwitchableRegister;
  let register: OutboxRegister;

  beforeEach(async () => {
    opened = await openOutbox();
    inner = new SwitchableRegister();
    // The breaker is off here (these tests switch the register back on at a fixed instant); it has its own test below.
    register = new OutboxRegister(inner, opened.outbox, clock, createLogger('silent'), 0);
  }, 30_000);
  afterEach(async () => {
    await opened.close();
  });

  it('after an outage, turns skip the register for a while instead of each waiting out its retries', async () => {
    let now = new Date('2026-03-03T10:00:00.000Z');
    const calls: string[] = [];
    const counting = new Proxy(inner, {
      get: (target, name, receiver) => {
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? (...args: unknown[]) => (calls.push(String(name)), value.apply(target, args)) : value;
      },
    });
    const guarded = new OutboxRegister(counting, opened.outbox, { now: () => now }, createLogger('silent'), 30_000);
    inner.down = true;
    await guarded.create(aProposal({ id: 'a' }), 'k-a');
    inner.down = false;
    const queued = await guarded.create(aProposal({ id: 'b' }), 'k-b');

    expect(calls).toEqual(['create']);
    expect(isPendingSync(queued)).toBe(true);
    await guarded.drain();
    expect(await inner.stored.get('b')).toBeDefined();
    now = new Date('2026-03-03T10:00:31.000Z');
    const live = await guarded.create(aProposal({ id: 'c' }), 'k-c');
    expect(isPendingSync(live)).toBe(false);
  });

  describe('while the register is down', () => {
    it('keeps a new item and gives it back with a pending etag', async () => {
      inner.down = true;

      const created = await register.create(aProposal(), 'submit:draft-1');

      expect(created).toEqual({ ...aProposal(), etag: expect.stringMatching(/^pending-sync:/) });
      expect(isPendingSync(created)).toBe(true);
      expect(await register.get('partnership-1')).toEqual(created);
      expect(await register.pendingWrites()).toBe(1);
      expect(await inner.stored.get('partnership-1')).toBeUndefined();
    });

    it('keeps one entry when the same submission is pressed twice', async () => {
      inner.down = true;

      const [a, b] = await Promise.all([register.create(aProposal(), 'submit:draft-1'), register.create(aProposal(), 'submit:draft-1')]);
      const c = await register.create(aProposal({ id: 'partnership-2' }), 'submit:draft-1');

      expect([b, c]).toEqual([a, a]);
      expect(await register.pendingWrites()).toBe(1);
    });

    it('lists pending items over what the register holds, and alone when it is down', async () => {
      const older = await register.create(aProposal({ id: 'older', updatedAt: '2026-03-01T10:00:00.000Z' }), 'k1');
      await register.create(aProposal({ id: 'other', updatedAt: '2026-03-02T10:00:00.000Z' }), 'k2');
      inner.down = true;
      await register.create(aProposal({ id: 'newer', updatedAt: '2026-03-03T10:00:00.000Z' }), 'k3');
      const rejected = await register.update({ ...older, status: 'rejected', updatedAt: '2026-03-04T10:00:00.000Z' });

      expect((await register.listByProposer('user-alice')).map((p) => p.id)).toEqual(['older', 'newer']);
      await expect(register.listByStatus('active')).rejects.toBeInstanceOf(StoreUnavailableError);

      inner.down = false;
      expect((await register.listByProposer('user-alice')).map((p) => [p.id, p.status])).toEqual([
        ['older', 'rejected'],
        ['newer', 'proposed'],
        ['other', 'proposed'],
      ]);
      expect((await register.listByStatus('proposed')).map((p) => p.id)).toEqual(['newer', 'other']);
      expect((await register.listByStatus('rejected'))[0]).toEqual(rejected);
    });

    it('serves the last copy read of an item with nothing pending, and says so when it never read one', async () => {
      const created = await register.create(aProposal(), 'k1');
      inner.down = true;

      expect(await register.get('partnership-1')).toEqual(created);
      await expect(register.get('never-read')).rejects.toBeInstanceOf(StoreUnavailableError);
    });

    it('replaces a pending update with the next one, which must carry the pending etag', async () => {
      const created = await register.create(aProposal(), 'k1');
      inner.down = true;
      const first = await register.update({ ...created, name: 'First rename' });

      await expect(register.update({ ...created, name: 'From an old card' })).rejects.toBeInstanceOf(VersionConflictError);
      const second = await register.update({ ...first, name: 'Second rename' });

      expect(second.etag).not.toBe(first.etag);
      await expect(register.update({ ...first, name: 'Stale pending etag' })).rejects.toBeInstanceOf(VersionConflictError);
      expect(await register.pendingWrites()).toBe(1);
      inner.down = false;
      await register.drain();
      expect(inner.writes).toEqual(['create partnership-1', 'update partnership-1']);
      expect((await register.get('partnership-1'))?.name).toBe('Second rename');
    });

    it('lets exactly one of two approvers deciding at once win', async () => {
      await register.create(aProposal(), 'k1');
      inner.down = true;
      const deps: DecideDeps = { register, drafts: new MemoryDrafts(), audit: new MemoryAuditLog(), clock, reviewIntervalMonths: 12, policy: { selfApprovalAllowed: false } };

      const results = await Promise.all([
        decideProposal(deps, anne, { proposalId: 'partnership-1', decision: 'approve', comment: '', stage: 1 }),
        decideProposal(deps, bob, { proposalId: 'partnership-1', decision: 'reject', comment: 'Not for us', stage: 1 }),
      ]);

      expect(results.map((r) => r.kind).sort()).toEqual(['already-decided', 'decided']);
      inner.down = false;
      expect(await register.drain()).toMatchObject({ written: 1, conflicts: 0, left: 0 });
      const winner = results.find((r) => r.kind === 'decided') as Extract<DecideResult, { kind: 'decided' }>;
      expect(await inner.stored.get('partnership-1')).toMatchObject({ status: winner.partnership.status, approval: { last: { by: winner.record.by } } });
    });
  });

  describe('drain', () => {
    it('writes a submission and its approval made during an outage, in order, once', async () => {
      inner.down = true;
      const created = await register.create(aProposal(), 'submit:draft-1');
      const approved = await register.update({ ...created, status: 'active', reference: 'PR-2026-001' });

      expect(await register.drain()).toMatchObject({ written: 0, left: 2, unavailable: true });
      inner.down = false;
      expect(await register.drain()).toEqual({ written: 2, conflicts: 0, renumbered: 0, left: 0, unavailable: false });

      expect(inner.writes).toEqual(['create partnership-1', 'update partnership-1']);
      const stored = await inner.stored.listByProposer('user-alice');
      expect(stored).toEqual([{ ...approved, etag: expect.not.stringMatching(/^pending-sync:/) }]);
      expect(await register.get('partnership-1')).toEqual(stored[0]);
      expect(await register.drain()).toMatchObject({ written: 0, left: 0 });
    });

    it('does not add a second item when the create had landed before its answer was lost', async () => {
      inner.loseNextAnswer = true;
      const kept = await register.create(aProposal(), 'submit:draft-1');
      expect(isPendingSync(kept)).toBe(true);

      expect(await register.drain()).toMatchObject({ written: 1, left: 0 });
      expect(await inner.stored.listByProposer('user-alice')).toHaveLength(1);
    });

    it('takes an update that had landed before its answer was lost as written', async () => {
      const created = await register.create(aProposal(), 'k1');
      inner.loseNextAnswer = true;
      await register.update({ ...created, status: 'rejected' });

      expect(await register.drain()).toMatchObject({ written: 1, conflicts: 0 });
      expect((await inner.stored.get('partnership-1'))?.status).toBe('rejected');
    });

    it('keeps an update as a conflict when the item was edited in the register meanwhile, never overwriting it', async () => {
      const created = await register.create(aProposal(), 'k1');
      inner.down = true;
      await register.update({ ...created, status: 'active', reference: 'PR-2026-001' });
      const edited = await inner.stored.update({ ...created, name: 'Renamed in SharePoint' });
      inner.down = false;

      expect(await register.drain()).toMatchObject({ written: 0, conflicts: 1, left: 0 });

      expect(await inner.stored.get('partnership-1')).toEqual(edited);
      expect(await register.get('partnership-1')).toEqual(edited);
      expect(await register.conflicts()).toEqual([
        expect.objectContaining({ subjectId: 'partnership-1', kind: 'update', baseEtag: created.etag, wanted: expect.objectContaining({ status: 'active' }), reason: expect.stringMatching(/changed/) }),
      ]);
      expect(await register.drain()).toMatchObject({ written: 0, conflicts: 0 });
      expect(await register.conflicts()).toHaveLength(1);
    });

    it('renumbers a reference given during the outage that another item took meanwhile', async () => {
      await register.create(aProposal({ id: 'earlier', reference: 'PR-2026-004', status: 'active' }), 'k0');
      const proposal = await register.create(aProposal(), 'k1');
      inner.down = true;
      const deps: DecideDeps = { register, drafts: new MemoryDrafts(), audit: new MemoryAuditLog(), clock, reviewIntervalMonths: 12, policy: { selfApprovalAllowed: false } };

      const decided = await decideProposal(deps, anne, { proposalId: proposal.id, decision: 'approve', comment: '', stage: 1 });
      expect(decided).toMatchObject({ kind: 'decided', partnership: { reference: 'PR-2026-005' } });
      await inner.stored.create(aProposal({ id: 'elsewhere', reference: 'PR-2026-005', status: 'active' }), 'k2');
      inner.down = false;

      expect(await register.drain()).toMatchObject({ written: 1, renumbered: 1 });
      expect((await inner.stored.get(proposal.id))?.reference).toBe('PR-2026-006');
      expect(register.renumbered()).toEqual([{ subjectId: proposal.id, from: 'PR-2026-005', to: 'PR-2026-006', at: clock.now().toISOString() }]);
    });

    it('gives two approvals during an outage different references', async () => {
      await register.create(aProposal({ id: 'a' }), 'k1');
      await register.create(aProposal({ id: 'b' }), 'k2');
      inner.down = true;
      const deps: DecideDeps = { register, drafts: new MemoryDrafts(), audit: new MemoryAuditLog(), clock, reviewIntervalMonths: 12, policy: { selfApprovalAllowed: false } };

      await decideProposal(deps, anne, { proposalId: 'a', decision: 'approve', comment: '', stage: 1 });
      await decideProposal(deps, anne, { proposalId: 'b', decision: 'approve', comment: '', stage: 1 });
      inner.down = false;
      await register.drain();

      expect([(await inner.stored.get('a'))?.reference, (await inner.stored.get('b'))?.reference]).toEqual(['PR-2026-001', 'PR-2026-002']);
      expect(await register.latestReference(2026)).toBe('PR-2026-002');
    });

    it('keeps a state given while its entry was being written, and writes it next', async () => {
      const created = await register.create(aProposal(), 'k1');
      inner.down = true;
      const pending = await register.update({ ...created, name: 'First' });
      inner.down = false;
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const writing = new Promise<void>((resolve) => (entered = resolve));
      inner.beforeUpdate = () => {
        entered();
        return released;
      };

      const draining = register.drain();
      await writing;
      const later = await register.update({ ...pending, name: 'Second' });
      inner.beforeUpdate = undefined;
      release();

      expect(await draining).toMatchObject({ written: 1, left: 1 });
      expect(await register.get('partnership-1')).toEqual(later);
      expect(await register.drain()).toMatchObject({ written: 1, left: 0 });
      expect((await inner.stored.get('partnership-1'))?.name).toBe('Second');
    });

    it('runs on an interval until stopped', async () => {
      inner.down = true;
      await register.create(aProposal(), 'k1');
      inner.down = false;

      const stop = startOutboxDrain(register, 5, createLogger('silent'));
      for (let i = 0; i < 200 && (await register.pendingWrites()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      await stop();

      expect(await register.pendingWrites()).toBe(0);
      expect(await inner.stored.get('partnership-1')).toBeDefined();
    });
  });

  it('refuses a pending item a second id, as the register would', async () => {
    inner.down = true;
    await register.create(aProposal(), 'k1');

    await expect(register.create(aProposal({ name: 'Other' }), 'k2')).rejects.toBeInstanceOf(DuplicateError);
  });
});

describe('two instances sharing the outbox in Azure Tables', () => {
  let opened: { outbox: OutboxStore; close(): unknown };
  beforeEach(async () => {
    opened = await outboxes[1][1]();
  }, 30_000);
  afterEach(async () => {
    await opened.close();
  });

  it('a write one instance kept is seen by the other, a stale write from either is refused, and both draining at once writes it once', async () => {
    const inner = new SwitchableRegister();
    const a = new OutboxRegister(inner, opened.outbox, clock, createLogger('silent'), 0);
    const b = new OutboxRegister(inner, opened.outbox, clock, createLogger('silent'), 0);
    inner.down = true;
    const created = await a.create(aProposal(), 'submit:draft-1');
    expect(await b.create(aProposal({ id: 'again' }), 'submit:draft-1')).toEqual(created);
    expect(await b.get('partnership-1')).toEqual(created);

    const [first, second] = await Promise.allSettled([a.update({ ...created, status: 'active' }), b.update({ ...created, status: 'rejected' })]);
    const won = [first, second].filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect([first, second].find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.any(VersionConflictError) });
    const decided = (won[0] as PromiseFulfilledResult<Partnership>).value;

    inner.down = false;
    await Promise.all([a.drain(), b.drain()]);
    expect(await a.pendingWrites()).toBe(0);
    expect(await b.conflicts()).toEqual([]);
    // Both may replay the create; its idempotency key makes the second find the first.
    expect((await inner.stored.listByProposer('user-alice')).map((p) => p.id)).toEqual(['partnership-1']);
    expect((await inner.stored.get('partnership-1'))?.status).toBe(decided.status);
    expect(await inner.stored.get('again')).toBeUndefined();
  });
});
