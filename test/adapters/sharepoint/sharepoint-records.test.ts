import pino from 'pino';
import {
  DEFAULT_RETRY,
  INTERACTIVE_RETRY,
  openSharePointRecords,
  openSharePointRegisters,
  provisionSharePoint,
  RECORDS_LIST,
  RegisterNotProvisionedError,
  SharePointUnavailableError,
} from '../../../src/adapters/sharepoint';
import { WholeRecordSeal } from '../../../src/adapters/sharepoint/record-seal';
import { DuplicateError } from '../../../src/domain/errors';
import { provisionedDouble, settingsFor, TEST_RECORD_KEY } from '../../doubles/sharepoint/connect';
import { startSharePointDouble, type RecordedRequest } from '../../doubles/sharepoint';
import { aRecord } from '../../contract/records.contract';
import { aPartnership } from '../../fixtures/builders';

const sharePoint = provisionedDouble();
afterAll(() => sharePoint.close());

const isRecordCreate = (r: RecordedRequest) => r.method === 'POST' && new RegExp(`getByTitle\\('${RECORDS_LIST}'\\)/items$`, 'i').test(r.path);
const isRecordRead = (r: RecordedRequest) => r.method === 'GET' && new RegExp(`getByTitle\\('${RECORDS_LIST}'\\)/items$`, 'i').test(r.path);

type Double = Awaited<ReturnType<typeof sharePoint.open>>['double'];

/** What a person sees in the list: the item's columns, straight from the double. */
function storedItems(double: Double) {
  const list = double.site.list(RECORDS_LIST);
  return { list, items: [...list.items.values()], column: (itemIndex: number, name: string) => [...list.items.values()][itemIndex].values.get(name) };
}

function logLines(level = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { lines, logger };
}

describe('the Partnership Records list in SharePoint', () => {
  it('writes every part of a record in a column a person can read, links it to its register item, and reads it back exactly', async () => {
    const { register, records, double } = await sharePoint.open();
    await register.create(aPartnership({ id: 'partnership-1', reference: 'PR-2026-001' }), 'key-entry');
    const record = aRecord({
      answers: { actionOutcomeFocusedScore: '2', actionOutcomeFocusedEvidence: 'Minutes of the board, March', decision: 'continue', leftOver: 'kept' },
      flowId: 'assessment',
    });

    const added = await records.add(record, 'complete:response-1');

    expect(added).toEqual(record);
    const { column, items } = storedItems(double);
    expect(items).toHaveLength(1);
    expect({
      title: column(0, 'Title'),
      entry: column(0, 'PartnershipBotId'),
      lookup: column(0, 'Partnership'),
      reference: column(0, 'Reference'),
      type: column(0, 'RecordType'),
      at: column(0, 'RecordedAt'),
      by: column(0, 'RecordedBy'),
      byId: column(0, 'RecordedById'),
      summary: column(0, 'Summary'),
      score: column(0, 'Score'),
      decision: column(0, 'Decision'),
      recordId: column(0, 'RecordId'),
      key: column(0, 'IdempotencyKey'),
    }).toEqual({
      title: 'Assessment PR-2026-001',
      entry: 'partnership-1',
      lookup: [...double.site.list('Partnership Register').items.keys()][0],
      reference: 'PR-2026-001',
      type: 'Assessment',
      at: '2026-05-01T10:00:00Z',
      by: 'Lena Lead',
      byId: 'user-lead',
      summary: 'Average score 3.2; 1 feature needs action',
      score: 3.2,
      decision: 'continue',
      recordId: 'record-1',
      key: 'complete:response-1',
    });
    const answers = String(column(0, 'Details'));
    expect(answers).toContain('Features 1 and 2 of 10\nAction and outcome focused: how well is this in place?: ');
    expect(answers).toContain('Action and outcome focused: evidence, and where it can be found: Minutes of the board, March');
    expect(answers).toContain('Other answers\nleftOver: kept');
    expect(await records.listFor('partnership-1')).toEqual([record]);
  });

  it('types a record of every form with the fixed labels, and one of a form it does not know as Other', async () => {
    const { records, double } = await sharePoint.open();
    const kinds = ['assessment', 'agreement', 'handover', 'exit', 'change', 'something-new'];
    for (const [i, kind] of kinds.entries()) await records.add(aRecord({ id: `r-${i}`, kind, flowId: kind, at: `2026-05-0${i + 1}T10:00:00.000Z` }), `k-${i}`);

    expect(storedItems(double).items.map((i) => i.values.get('RecordType'))).toEqual(['Assessment', 'Agreement checklist', 'Handover', 'Exit and evaluation', 'Change', 'Other']);
    expect((await records.listFor('partnership-1')).map((r) => r.kind)).toEqual(kinds);
  });

  it('adds a record of an entry not in the register (yet) without the lookup', async () => {
    const { records, double } = await sharePoint.open();

    await records.add(aRecord({ subjectId: 'waiting-in-the-outbox' }), 'k');

    expect(storedItems(double).column(0, 'Partnership')).toBeUndefined();
    expect(await records.listFor('waiting-in-the-outbox')).toHaveLength(1);
  });

  it('leaves the lookup empty on a list that still has the earlier version\'s PartnershipId column, and says so at start', async () => {
    const { lines, logger } = logLines();
    const { register, double, settings } = await sharePoint.open();
    await register.create(aPartnership({ id: 'partnership-1' }), 'key-entry');
    double.site.addFieldXml(double.site.list(RECORDS_LIST), '<Field Type="Text" Name="PartnershipId" DisplayName="Partnership bot id" Indexed="TRUE" />', 8);
    const records = await openSharePointRecords(settings, logger);
    double.requests.splice(0);

    await records.add(aRecord(), 'k');

    expect(storedItems(double).column(0, 'Partnership')).toBeUndefined();
    expect(double.requests.filter((r) => /Partnership Register/.test(r.path))).toEqual([]);
    expect(await records.listFor('partnership-1')).toEqual([aRecord()]);
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, column: 'PartnershipId', msg: expect.stringContaining('clashes with the Partnership lookup') }));
  });

  it('asks for the key before inserting, and filters only on indexed columns', async () => {
    const { records, double } = await sharePoint.open();

    await records.add(aRecord(), 'k-1');
    await records.listFor('partnership-1');

    const filters = double.requests.filter(isRecordRead).map((r) => r.query.get('$filter'));
    expect(filters).toEqual(["IdempotencyKey eq 'k-1'", "PartnershipBotId eq 'partnership-1'"]);
    expect(double.requests.filter(isRecordCreate)).toHaveLength(1);
  });

  it('finds its own item when an add timed out after SharePoint had stored it', async () => {
    const { records, double } = await sharePoint.open({ timeoutMs: 150 });
    double.injectFault({ match: isRecordCreate, afterApplying: true, delayMs: 400, times: 1 });

    const added = await records.add(aRecord(), 'complete:response-1');

    expect(double.requests.filter(isRecordCreate)).toHaveLength(2);
    expect(storedItems(double).items).toHaveLength(1);
    expect(await records.listFor('partnership-1')).toEqual([added]);
  });

  it('two adds with the same key at once: one item, both told the stored record (the loser met the unique write key)', async () => {
    const { records, double } = await sharePoint.open();

    const [a, b] = await Promise.all([records.add(aRecord({ id: 'r-a' }), 'same'), records.add(aRecord({ id: 'r-b' }), 'same')]);

    expect(a).toEqual(b);
    expect(double.requests.filter(isRecordCreate)).toHaveLength(2);
    expect(storedItems(double).items).toHaveLength(1);
  });

  it('refuses a record id already stored under another key (DuplicateError)', async () => {
    const { records } = await sharePoint.open();
    await records.add(aRecord({ id: 'r-1' }), 'k-1');

    await expect(records.add(aRecord({ id: 'r-1', summary: 'another' }), 'k-2')).rejects.toBeInstanceOf(DuplicateError);
    expect(await records.listFor('partnership-1')).toHaveLength(1);
  });

  it('keeps a key or an id longer than a Text column, by its digest', async () => {
    const { records, double } = await sharePoint.open();
    const longKey = `complete:${'x'.repeat(300)}`;

    const first = await records.add(aRecord({ id: 'y'.repeat(300) }), longKey);
    const again = await records.add(aRecord({ id: 'other' }), longKey);

    expect(again).toEqual(first);
    expect(String(storedItems(double).column(0, 'IdempotencyKey'))).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await records.listFor('partnership-1'))[0].id).toBe('y'.repeat(300));
  });

  it('says the records are unavailable when SharePoint stays throttled', async () => {
    const { records, double } = await sharePoint.open({ maxAttempts: 3 });
    double.injectFault({ status: 503, retryAfter: '0' });

    await expect(records.listFor('partnership-1')).rejects.toBeInstanceOf(SharePointUnavailableError);
    await expect(records.add(aRecord(), 'k')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    double.clearFaults();
    expect(storedItems(double).items).toHaveLength(0);
  });

  it('logs once, at error, a record whose Bot record someone edited, and returns it as it now stands', async () => {
    const { lines, logger } = logLines();
    const { double, settings } = await sharePoint.open();
    const records = await openSharePointRecords(settings, logger);
    await records.add(aRecord({ id: 'r-1' }), 'k-1');
    const { list, items } = storedItems(double);
    const stored = JSON.parse(String(items[0].values.get('BotRecord'))) as Record<string, unknown>;
    double.site.updateItem(list, items[0].id, { BotRecord: JSON.stringify({ ...stored, summary: 'rewritten' }) }, '*');

    expect((await records.listFor('partnership-1'))[0].summary).toBe('rewritten');
    await records.listFor('partnership-1');

    expect(lines.filter((l) => l.level === 50 && String(l.msg).includes('integrity check'))).toHaveLength(1);
  });

  it('the seal covers the whole record: the stored one verifies with the key', async () => {
    const { records, double } = await sharePoint.open();
    await records.add(aRecord(), 'k-1');
    const { seal, ...record } = JSON.parse(String(storedItems(double).column(0, 'BotRecord'))) as Record<string, unknown>;

    expect(new WholeRecordSeal(TEST_RECORD_KEY).verifies(record, seal)).toBe(true);
    expect(new WholeRecordSeal(TEST_RECORD_KEY).verifies({ ...record, score: 4 }, seal)).toBe(false);
  });

  it('reads a record someone made by hand in the list from its columns', async () => {
    const { records, double } = await sharePoint.open();
    const { list } = storedItems(double);
    double.site.addItem(list, { Title: 'Handover', PartnershipBotId: 'partnership-1', RecordType: 'Handover', RecordedAt: '2026-02-01T09:00:00Z', RecordedBy: 'Owen Owner', Summary: 'By hand' });
    await records.add(aRecord(), 'k-1');

    const listed = await records.listFor('partnership-1');

    expect(listed.map((r) => [r.kind, r.summary, r.at, r.by.name])).toEqual([
      ['handover', 'By hand', '2026-02-01T09:00:00.000Z', 'Owen Owner'],
      ['assessment', 'Average score 3.2; 1 feature needs action', '2026-05-01T10:00:00.000Z', 'Lena Lead'],
    ]);
  });
});

describe('the records openSharePointRegisters gives: on the interactive client, for people\'s turns', () => {
  it('gives up within the turn\'s deadline when SharePoint answers 503 with Retry-After: 120', async () => {
    const { double, settings } = await sharePoint.open();
    let now = 1_000_000;
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
      now += ms;
    };
    const { records } = await openSharePointRegisters({ ...settings, retry: DEFAULT_RETRY, interactiveRetry: INTERACTIVE_RETRY }, undefined, {
      transport: { sleep, now: () => now, random: () => 0 },
    });
    const started = now;
    double.requests.splice(0);
    double.injectFault({ status: 503, retryAfter: '120' });

    await expect(records.add(aRecord(), 'k')).rejects.toBeInstanceOf(SharePointUnavailableError);
    expect(double.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(now - started).toBeLessThanOrEqual(INTERACTIVE_RETRY.deadlineMs);
  });
});

describe('start-up check of the records list', () => {
  it('refuses to start on a site that was never provisioned, saying what to run', async () => {
    const double = await startSharePointDouble();
    try {
      await expect(openSharePointRecords(settingsFor(double))).rejects.toBeInstanceOf(RegisterNotProvisionedError);
      await expect(openSharePointRecords(settingsFor(double))).rejects.toThrow('The site has no list called "Partnership Records". Run `npm run provision` against the site first.');
    } finally {
      await double.close();
    }
  });

  it('openSharePointRegisters refuses to start when the records list is missing, or lacks a core column', async () => {
    const double = await startSharePointDouble();
    try {
      await provisionSharePoint(settingsFor(double));
      const records = double.site.list(RECORDS_LIST);
      const score = records.fields.findIndex((f) => f.InternalName === 'Score');
      records.fields.splice(score, 1);
      await expect(openSharePointRegisters(settingsFor(double))).rejects.toThrow(
        'The "Partnership Records" list lacks the columns Score. Run `npm run provision` against the site first.',
      );

      await provisionSharePoint(settingsFor(double));
      const opened = await openSharePointRegisters(settingsFor(double));
      expect(await opened.records.listFor('anything')).toEqual([]);

      double.site.lists.splice(double.site.lists.indexOf(records), 1);
      await expect(openSharePointRegisters(settingsFor(double))).rejects.toThrow(/no list called "Partnership Records".*npm run provision/);
    } finally {
      await double.close();
    }
  });

  it('refuses to start when the write key or the record id no longer enforce unique values', async () => {
    const { double, settings } = await sharePoint.open();
    const list = double.site.list(RECORDS_LIST);
    const field = (name: string) => list.fields.find((f) => f.InternalName === name)!;
    double.site.updateField(list, field('RecordId'), { EnforceUniqueValues: false });

    await expect(openSharePointRecords(settings)).rejects.toThrow(
      'The "Record id" (RecordId) column of "Partnership Records" no longer enforces unique values (someone changed the list settings). Run `npm run provision` to put it back.',
    );
    expect((await provisionSharePoint(settings)).changes).toEqual([{ list: RECORDS_LIST, change: 'updated column "Record id": unique values' }]);
    await expect(openSharePointRecords(settings)).resolves.toBeDefined();
  });
});

describe('a records list of 6,000 items (past the 5,000-item list view threshold)', () => {
  it('still lists a partnership’s records, oldest first, and still adds exactly once', async () => {
    const { records, double } = await sharePoint.open();
    await records.add(aRecord({ id: 'template' }), 'key-template');
    const list = double.site.list(RECORDS_LIST);
    const row = double.site.writable(list, list.items.get(1)!);
    const seal = new WholeRecordSeal(TEST_RECORD_KEY);
    const { seal: _seal, ...base } = JSON.parse(row.BotRecord as string) as Record<string, unknown>;
    const subjectOf = (i: number) => (i % 10 === 0 ? 'partnership-busy' : `partnership-${i}`);
    // Newest first in the list, so the order listFor returns is its own sorting, not the items'.
    const atOf = (i: number) => new Date(Date.UTC(2026, 0, 1) - i * 60_000).toISOString();
    double.site.seed(
      list,
      Array.from({ length: 6000 }, (_, i) => {
        const record = { ...base, id: `seeded-${i}`, subjectId: subjectOf(i), at: atOf(i) };
        return { ...row, RecordId: `seeded-${i}`, IdempotencyKey: `seed-${i}`, PartnershipBotId: subjectOf(i), RecordedAt: atOf(i), BotRecord: JSON.stringify({ seal: seal.seal(record), ...record }) };
      }),
    );
    expect(list.items.size).toBe(6001);

    const busy = await records.listFor('partnership-busy');
    // More than a page (500): listFor follows the next links.
    expect(busy).toHaveLength(600);
    expect(busy[0].id).toBe('seeded-5990');
    expect(busy[599].id).toBe('seeded-0');
    expect(busy.map((r) => r.at)).toEqual([...busy.map((r) => r.at)].sort());
    expect((await records.listFor('partnership-5999')).map((r) => r.id)).toEqual(['seeded-5999']);
    expect(await records.add(aRecord({ id: 'other' }), 'seed-17')).toMatchObject({ id: 'seeded-17' });
    expect(await records.add(aRecord({ id: 'new', subjectId: 'partnership-busy', at: '2026-06-01T00:00:00.000Z' }), 'key-new')).toMatchObject({ id: 'new' });
    expect((await records.listFor('partnership-busy')).at(-1)?.id).toBe('new');

    const itemsUrl = `${double.siteUrl}/_api/web/lists/getByTitle('${RECORDS_LIST}')/items`;
    const unindexed = await fetch(`${itemsUrl}?$filter=${encodeURIComponent("RecordedBy eq 'Lena Lead'")}`, { headers: { Accept: 'application/json' } });
    expect(unindexed.status).toBe(500);
    expect(JSON.stringify(await unindexed.json())).toContain('SPQueryThrottledException');
  });
});
