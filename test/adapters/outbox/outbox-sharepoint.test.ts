import { MemoryRegister } from '../../../src/adapters/memory/memory-stores';
import { OutboxRegister } from '../../../src/adapters/outbox';
import {
  DEFAULT_RETRY,
  INTERACTIVE_RETRY,
  openSharePointRegisters,
  provisionSharePoint,
  REGISTER_LIST,
  SharePointUnavailableError,
  type SharePointSettings,
} from '../../../src/adapters/sharepoint';
import { openDatabase, SqliteOutbox, type SqliteDatabase } from '../../../src/adapters/sqlite';
import { StoreUnavailableError } from '../../../src/domain/errors';
import { isPendingSync, type NewPartnership, type Partnership } from '../../../src/domain/records';
import { createLogger } from '../../../src/logger';
import type { Register } from '../../../src/ports/register';
import { settingsFor } from '../../doubles/sharepoint/connect';
import { startSharePointDouble, type SharePointDouble } from '../../doubles/sharepoint';
import type { SiteSnapshot } from '../../doubles/sharepoint/site';
import { aPartnership } from '../../fixtures/builders';

/**
 * A person's turn must answer within Teams' 10-15 s: their calls go through the
 * interactive client (about 6 s in all), the outbox drain through the patient
 * background one. Waits run on a fake clock, so SharePoint's 2-minute
 * Retry-After costs the test nothing.
 */

const approval = { route: { stages: [['user-anne']], selfApprovalAllowed: false }, stage: 1, history: [] };
const aProposal = (overrides: Partial<NewPartnership> = {}) => aPartnership({ approval, ...overrides });
const clock = { now: () => new Date('2026-03-03T10:00:00.000Z') };

let double: SharePointDouble;
let provisioned: SiteSnapshot;
beforeAll(async () => {
  double = await startSharePointDouble();
  await provisionSharePoint(settingsFor(double));
  provisioned = double.site.snapshot();
});
afterAll(() => double.close());
beforeEach(() => {
  double.clearFaults();
  double.site.restore(provisioned);
});

/** Both registers with the shipped policies, on a fake clock. */
async function openBoth() {
  let now = 1_000_000;
  const waits: number[] = [];
  const settings: SharePointSettings = { ...settingsFor(double), retry: DEFAULT_RETRY, interactiveRetry: INTERACTIVE_RETRY };
  const registers = await openSharePointRegisters(settings, undefined, {
    transport: {
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
      now: () => now,
      random: () => 0,
    },
  });
  double.requests.splice(0);
  return { ...registers, waits, at: () => now };
}

const itemsOf = () => [...double.site.list(REGISTER_LIST).items.values()].map((i) => i.values.get('PartnershipId'));

describe('two registers over one list: interactive for people, background for the drain', () => {
  it('an interactive call fails within the turn’s deadline when SharePoint answers 503 with Retry-After: 120', async () => {
    const { interactive, waits, at } = await openBoth();
    const started = at();
    double.injectFault({ status: 503, retryAfter: '120' });

    await expect(interactive.get('partnership-1')).rejects.toBeInstanceOf(SharePointUnavailableError);
    expect(double.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(at() - started).toBeLessThanOrEqual(INTERACTIVE_RETRY.deadlineMs);
  });

  it('an interactive call makes at most its few attempts within about 6 s when SharePoint is throttling briefly', async () => {
    const { interactive, waits, at } = await openBoth();
    const started = at();
    double.injectFault({ status: 503, retryAfter: '2' });

    await expect(interactive.listByStatus('proposed')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(double.requests.length).toBeLessThanOrEqual(INTERACTIVE_RETRY.maxAttempts);
    expect(at() - started).toBeLessThanOrEqual(INTERACTIVE_RETRY.deadlineMs);
    expect(waits.every((w) => w <= INTERACTIVE_RETRY.maxDelayMs)).toBe(true);
  });

  it('the background register still waits out Retry-After and gets through', async () => {
    const { background, interactive, waits } = await openBoth();
    await interactive.create(aProposal(), 'key-1');
    double.requests.splice(0);
    double.injectFault({ status: 503, retryAfter: '120', times: 2 });

    expect((await background.get('partnership-1'))?.id).toBe('partnership-1');
    expect(waits).toEqual([120_000, 120_000]);
    expect(double.requests).toHaveLength(3);
  });

  it('checks the list once at start for both', async () => {
    const { interactive, background } = await openBoth();

    await interactive.get('partnership-1');
    await background.get('partnership-1');

    expect(double.requests.filter((r) => /\/fields$/i.test(r.path))).toEqual([]);
  });

  it('a write during a long throttle is kept in the outbox at once, and the drain writes it through the background register', async () => {
    const { interactive, background, waits } = await openBoth();
    const db = openDatabase(':memory:');
    try {
      const outbox = new OutboxRegister(interactive, new SqliteOutbox(db), clock, createLogger('silent'), 30_000, background);
      double.injectFault({ status: 503, retryAfter: '120' });

      const kept = await outbox.create(aProposal(), 'key-1');
      expect(isPendingSync(kept)).toBe(true);
      expect(waits).toEqual([]);

      double.clearFaults();
      double.injectFault({ status: 503, retryAfter: '120', times: 2 });
      const report = await outbox.drain();

      expect(report).toMatchObject({ written: 1, left: 0, unavailable: false });
      expect(waits).toEqual([120_000, 120_000]);
      expect(itemsOf()).toEqual(['partnership-1']);
      expect(await outbox.get('partnership-1')).toMatchObject({ id: 'partnership-1', approval });
    } finally {
      db.close();
    }
  });
});

describe('OutboxRegister with a background register', () => {
  /** A register that counts its calls and can be switched off. */
  class Counted implements Register {
    down = false;
    readonly calls: string[] = [];
    constructor(private readonly stored: Register) {}
    private call<T>(name: string, work: () => Promise<T>): Promise<T> {
      this.calls.push(name);
      if (this.down) return Promise.reject(new StoreUnavailableError('down'));
      return work();
    }
    create(p: NewPartnership, key: string) {
      return this.call('create', () => this.stored.create(p, key));
    }
    get(id: string) {
      return this.call('get', () => this.stored.get(id));
    }
    update(p: Partnership) {
      return this.call('update', () => this.stored.update(p));
    }
    listByProposer(id: string) {
      return this.call('listByProposer', () => this.stored.listByProposer(id));
    }
    listByStatus(status: Partnership['status']) {
      return this.call('listByStatus', () => this.stored.listByStatus(status));
    }
    listDue(query: Parameters<Register['listDue']>[0]) {
      return this.call('listDue', () => this.stored.listDue(query));
    }
    latestReference(year: number) {
      return this.call('latestReference', () => this.stored.latestReference(year));
    }
  }

  it('replays creates, updates and renumbering through the background register, and people’s calls through the interactive one', async () => {
    const stored = new MemoryRegister();
    const interactive = new Counted(stored);
    const background = new Counted(stored);
    const db = openDatabase(':memory:');
    try {
      const outbox = new OutboxRegister(interactive, new SqliteOutbox(db), clock, createLogger('silent'), 0, background);
      const proposal = await outbox.create(aProposal(), 'k1');
      interactive.down = true;
      await outbox.create(aProposal({ id: 'queued' }), 'k2');
      await outbox.update({ ...proposal, status: 'active', reference: 'PR-2026-001' });
      // Meanwhile someone else's approval took that reference.
      await stored.create(aProposal({ id: 'elsewhere', status: 'active', reference: 'PR-2026-001' }), 'k3');
      interactive.calls.splice(0);

      const report = await outbox.drain();

      expect(report).toMatchObject({ written: 2, renumbered: 1, left: 0 });
      expect(interactive.calls).toEqual([]);
      expect(background.calls).toEqual(expect.arrayContaining(['create', 'update', 'latestReference']));
      expect((await stored.get('partnership-1'))?.reference).toBe('PR-2026-002');
      expect(await stored.get('queued')).toBeDefined();
    } finally {
      db.close();
    }
  });
});
