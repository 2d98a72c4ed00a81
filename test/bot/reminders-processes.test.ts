import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { openAzureStores, type AzureStores } from '../../src/adapters/azure-tables';
import { openSharePointRegister } from '../../src/adapters/sharepoint';
import type { Register } from '../../src/ports/register';
import type { NewPartnership } from '../../src/domain/records';
import type { RecordedActivity } from '../doubles/bot-connector';
import { DEFAULT_BOT_ENTRY, startBotProcess, type BotProcess } from '../doubles/bot-process';
import { settingsFor } from '../doubles/sharepoint/connect';
import { aConversation, aPartnership } from '../fixtures/builders';
import { AGREED, APPROVER, approvedBy, OWNER } from './reminder-harness';
import { startSharedState, type SharedState } from './shared-state';

/**
 * The reminder sweep on several instances: two built bot processes
 * (`node dist/src/server.js`, STATE_STORE=azure) on one Azurite, one
 * SharePoint double and one Bot Connector double, both swept at the same
 * moment through POST /api/reminders/run (`?now=`, accepted outside
 * production). What Teams received is the proof: each reminder once, also
 * when one instance is killed mid-sweep and the other takes over its leases.
 * Run `npm run build` first (npm test does).
 */
const KEY = 'reminders-key-for-process-tests-0123';
const LEASE_SECONDS = 3;
const DAY = '2026-03-01';

let shared: SharedState;
let stores: AzureStores;
let register: Register;
let dataDir: string;
const running: BotProcess[] = [];
const byConversation = new Map<string, string>();

beforeAll(async () => {
  if (!existsSync(DEFAULT_BOT_ENTRY)) throw new Error('dist/ is missing: `npm test` builds it first (npm run build)');
  shared = await startSharedState({
    APPROVERS: APPROVER,
    REGISTER_OWNERS: OWNER,
    REMINDERS_KEY: KEY,
    REMINDER_SCHEDULE: 'off',
    JOB_LEASE_SECONDS: String(LEASE_SECONDS),
    PEOPLE_DIRECTORY: 'local',
  });
  stores = await openAzureStores({ connection: { connectionString: shared.azurite.connectionString }, prefix: shared.env.AZURE_TABLES_PREFIX });
  register = await openSharePointRegister(settingsFor(shared.sharePoint));
  dataDir = mkdtempSync(join(tmpdir(), 'prb-sweeps-'));
}, 30_000);
afterAll(async () => {
  for (const proc of running) await proc.stop();
  await shared?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function instance(): Promise<BotProcess> {
  const proc = await startBotProcess({ dataDir, env: { ...shared.env } });
  running.push(proc);
  return proc;
}

/** Someone the bot can reach: their 1:1 conversation in the shared Tables, known by email. */
async function addPerson(userId: string, email?: string): Promise<void> {
  const conversationId = `a:conversation-${userId}`;
  byConversation.set(conversationId, userId);
  await stores.conversations.save(aConversation({ userId, name: userId, email, conversationId, serviceUrl: shared.connector.url, botId: 'bot' }));
}

/** A due entry written straight into the SharePoint double (as someone editing the list would). */
async function seed(p: Partial<NewPartnership> & { id: string }): Promise<void> {
  await register.create(aPartnership({ status: 'active', ...p }), `seed-${p.id}`);
}

/** The reminders Teams received, as `person kind entry`. */
function reminders(activities: readonly RecordedActivity[] = shared.connector.activities): string[] {
  return activities
    .filter((a) => a.method === 'POST')
    .map((a) => {
      const card = a.activity.attachments?.[0]?.content as { actions?: { verb?: string; data?: { kind: string; entryId: string } }[] } | undefined;
      const snooze = (card?.actions ?? []).find((x) => x.verb === 'reminder.snooze');
      const person = byConversation.get(a.conversationId) ?? a.conversationId;
      return snooze?.data ? `${person} ${snooze.data.kind} ${snooze.data.entryId}` : `${person} other`;
    });
}

interface Answer {
  status: number;
  body?: { day: string; sent: { entry: string; kind: string; recipient: string }[]; skipped: { reason: string }[]; failed: { reason: string }[] };
  error?: string;
}

async function sweep(proc: BotProcess, day = DAY): Promise<Answer> {
  try {
    const res = await fetch(`${proc.url}/api/reminders/run?now=${day}`, { method: 'POST', headers: { 'x-reminders-key': KEY } });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  } catch (err) {
    return { status: 0, error: String(err) };
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sorted = (xs: readonly string[]) => [...xs].sort();

/** The open job rows (queue rows `q|<key>`) in the shared Jobs table, with their lease holder. */
async function openJobs(): Promise<{ key: string; owner: string; until: string }[]> {
  const table = TableClient.fromConnectionString(shared.azurite.connectionString, `${shared.env.AZURE_TABLES_PREFIX}Jobs`, { allowInsecureConnection: true });
  const rows: { key: string; owner: string; until: string }[] = [];
  for await (const e of table.listEntities<{ LeaseOwner?: string; LeaseUntil?: string }>()) {
    if (e.rowKey?.startsWith('q|')) rows.push({ key: e.rowKey.slice(2), owner: e.LeaseOwner ?? '', until: e.LeaseUntil ?? '' });
  }
  return rows;
}

describe('two instances sweeping reminders on one Azurite and one SharePoint double', () => {
  let a: BotProcess;
  let b: BotProcess;
  const leads = Array.from({ length: 20 }, (_, i) => `lead-${i}`);
  const firstSweep = leads.flatMap((id, i) => [`${id} assessment entry-${i}`, `${id} agreement entry-${i}`]);

  beforeAll(async () => {
    await addPerson(OWNER);
    await addPerson(APPROVER);
    for (const id of leads) await addPerson(id, `${id}@example.org`);
    // Each lead: the assessment due on DAY, and the agreement still missing 45 days after approval (two reminders each).
    for (const [i, id] of leads.entries()) await seed({ id: `entry-${i}`, name: `Entry ${i}`, leadOfficer: `${id}@example.org`, nextReviewDue: DAY, ...approvedBy('2026-01-15T10:00:00.000Z') });
    [a, b] = await Promise.all([instance(), instance()]);
  }, 60_000);

  it('both sweep at the same moment: each reminder reaches Teams once', async () => {
    const answers = await Promise.all([sweep(a), sweep(b)]);
    expect(answers.map((x) => [x.status, x.body?.day])).toEqual([
      [200, DAY],
      [200, DAY],
    ]);
    await until('40 reminders', () => reminders().length >= firstSweep.length);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sorted(reminders())).toEqual(sorted(firstSweep));
    // Between them the answers name each reminder sent once, by whichever instance ran its job.
    const sent = answers.flatMap((x) => x.body!.sent.map((s) => `${s.entry} ${s.kind} ${s.recipient}`));
    expect(new Set(sent).size).toBe(sent.length);
    // The same sweep again on either instance sends nothing: every key is used.
    const again = await sweep(a);
    expect(again.body!.sent).toEqual([]);
    expect(again.body!.skipped.every((s) => s.reason === 'already-sent')).toBe(true);
    expect(again.body!.skipped).toHaveLength(firstSweep.length);
    expect(reminders()).toHaveLength(firstSweep.length);
  }, 60_000);

  it('one instance killed mid-sweep: the other sends what it held once its leases ran out, and nothing twice', async () => {
    const before = shared.connector.activities.length;
    const late = Array.from({ length: 12 }, (_, i) => `late-${i}`);
    for (const id of late) await addPerson(id, `${id}@example.org`);
    // Twelve more due on the same day, agreement in place: one reminder each. Teams holds the send to late-0.
    for (const [i, id] of late.entries()) await seed({ id: `late-entry-${i}`, name: `Late ${i}`, leadOfficer: `${id}@example.org`, agreement: AGREED, nextReviewDue: DAY, ...approvedBy('2025-03-01T10:00:00.000Z') });
    const toLate0 = ({ method, path }: { method: string; path: string }) => method === 'POST' && decodeURIComponent(path).includes('/a:conversation-late-0/');
    shared.connector.delayNext(30_000, { match: toLate0 });

    const sweeping = [sweep(a), sweep(b)];
    await until('a reminder to be mid-send', () => shared.connector.delayed() === 1);
    // Whoever holds the lease of that job is the instance to kill (each logs its worker id at start).
    let held: { key: string; owner: string; until: string } | undefined;
    await until('the held job in the Jobs table', async () => {
      held = (await openJobs()).find((j) => j.owner !== '' && j.key.includes(':late-entry-0:'));
      return held !== undefined;
    });
    const doomed = [a, b].find((p) => p.output().includes(`"workerId":"${held!.owner}"`))!;
    const survivor = doomed === a ? b : a;
    expect(doomed).toBeDefined();
    process.kill(doomed.pid, 'SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');
    const answers = await Promise.all(sweeping);
    expect(answers[doomed === a ? 0 : 1].status).toBe(0);
    expect(answers[doomed === a ? 1 : 0].status).toBe(200);

    // The held one, and any others the dead instance had claimed, are sent by the survivor after the lease.
    const expected = late.map((id, i) => `${id} assessment late-entry-${i}`);
    const heldReminder = 'late-0 assessment late-entry-0';
    let arrivedAt = 0;
    await until('the held reminder from the survivor', () => {
      if (!reminders(shared.connector.activities.slice(before)).includes(heldReminder)) return false;
      arrivedAt = Date.now();
      return true;
    });
    expect(arrivedAt).toBeGreaterThanOrEqual(Date.parse(held!.until));
    await until('every late reminder', () => reminders(shared.connector.activities.slice(before)).length >= expected.length);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sorted(reminders(shared.connector.activities.slice(before)))).toEqual(sorted(expected));
    expect((await openJobs()).filter((j) => !j.key.startsWith('recurring:'))).toEqual([]);
    // The survivor still answers, and a sweep on it now sends nothing more.
    const after = await sweep(survivor);
    expect(after.body!.sent).toEqual([]);
    expect(sorted(reminders())).toEqual(sorted([...firstSweep, ...expected]));
  }, 90_000);
});
