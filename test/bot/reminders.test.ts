import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectorErrors } from '../doubles/bot-connector';
import { teamsUser } from '../doubles/teams-activity';
import { startGraphDouble } from '../doubles/graph';
import { Chat, textOf } from './chat';
import { AGREED, APPROVER, approvedBy, KEY, OWNER, startReminderBot, type ReminderBot } from './reminder-harness';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/adapters/sqlite';
import { startServer } from '../../src/server';

/**
 * The sweep's trigger, and what it does when Teams does not simply say yes:
 * a 429 is retried after its Retry-After, a 5xx is retried, a 403 (blocked)
 * skips to the next person in the chain and is recorded on the entry; a job
 * claimed by a process that died is sent later, once.
 */
const DAY = '2026-03-01';

async function eventually(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('not in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('POST /api/reminders/run', () => {
  let bot: ReminderBot;
  beforeEach(async () => {
    bot = await startReminderBot();
    await bot.addPerson('lead-1', 'lead1@example.org');
    await bot.addPerson(APPROVER);
    await bot.addPerson(OWNER);
    await bot.seed({ id: 'review', reference: 'PR-2025-001', leadOfficer: 'lead1@example.org', agreement: AGREED, nextReviewDue: DAY, ...approvedBy('2025-03-01T10:00:00.000Z') });
    bot.setDay(DAY);
  });
  afterEach(() => bot.close());

  it('wants the shared key in x-reminders-key: none or a wrong one is 401, and nothing is sent', async () => {
    expect((await bot.run('', {})).status).toBe(401);
    expect((await bot.run('', { 'x-reminders-key': `${KEY}x` })).status).toBe(401);
    await bot.idle();
    expect(bot.received()).toEqual([]);

    const { status, body } = await bot.run();
    expect(status).toBe(200);
    expect(body).toEqual({
      day: DAY,
      sent: [{ entry: 'PR-2025-001', kind: 'assessment', recipient: 'lead1@example.org', due: DAY, stage: 'due' }],
      skipped: [],
      escalated: [],
      failed: [],
      failedJobs: 0,
    });
  });

  it('a second run of the same day sends nothing again, and says so', async () => {
    await bot.run();
    const { body } = await bot.run();
    await bot.idle();
    expect(body.sent).toEqual([]);
    expect(body.skipped).toEqual([expect.objectContaining({ entry: 'PR-2025-001', kind: 'assessment', reason: 'already-sent' })]);
    expect(bot.received()).toHaveLength(1);
  });

  it('with Prefer: respond-async answers 202 once the reminders are enqueued, before any is sent; the worker sends each once', async () => {
    bot.connector.delayNext(3_000);
    const started = await bot.run('', { 'x-reminders-key': KEY, prefer: 'respond-async' });
    expect(started).toEqual({ status: 202, body: { day: DAY, enqueued: 1, alreadyEnqueued: 0, failedJobs: 0 } });
    expect(bot.received()).toEqual([]);
    await eventually(() => bot.connector.delayed() === 1);

    const again = await bot.run('', { 'x-reminders-key': KEY, prefer: 'wait=5, respond-async' });
    expect(again.body).toMatchObject({ enqueued: 0, alreadyEnqueued: 1 });
    await bot.idle();
    expect(bot.received()).toEqual([expect.objectContaining({ entryId: 'review', kind: 'assessment', person: 'lead-1' })]);
    expect((await bot.run('', { 'x-reminders-key': KEY, prefer: 'respond-async' })).status).toBe(202);
    expect((await bot.run('', { prefer: 'respond-async' })).status).toBe(401);
    await bot.idle();
    expect(bot.received()).toHaveLength(1);
  });

  it('stands on another day with ?now= (a date or an ISO timestamp) outside production', async () => {
    const early = await bot.run('?now=2026-01-30');
    expect(early.body).toMatchObject({ day: '2026-01-30', sent: [expect.objectContaining({ stage: 'notice' })] });
    const late = await bot.run(`?now=${encodeURIComponent('2026-03-31T07:30:00Z')}`);
    expect(late.body.escalated.map((e: { recipient: string }) => e.recipient).sort()).toEqual([APPROVER, OWNER]);
    expect((await bot.run('?now=yesterday')).status).toBe(400);
  });

  it('a 429 is tried again after its Retry-After, and delivered once', async () => {
    let refusedAt = 0;
    const toLead = (r: { method: string; path: string }) => r.method === 'POST' && r.path.includes('conversation-lead-1');
    bot.connector.failNext(429, connectorErrors.throttled, { 'Retry-After': '2' }, { match: (r) => toLead(r) && (refusedAt ||= Date.now()) > 0 });
    await bot.run();
    await eventually(() => bot.received().length > 0);
    // Not before Teams said: the send waits out the Retry-After (the connector client's own retry, or the job's).
    expect(refusedAt).toBeGreaterThan(0);
    expect(bot.connector.activities[0].at.getTime() - refusedAt).toBeGreaterThanOrEqual(1900);
    await new Promise((r) => setTimeout(r, 1500));
    expect(bot.received()).toHaveLength(1);
  }, 30_000);

  it('a 5xx is retried and delivered once; a 403 skips to the next in the chain and is recorded on the entry', async () => {
    bot.connector.failNext(503, undefined, {}, { match: (r) => r.method === 'POST' && r.path.includes('conversation-lead-1') });
    await bot.run();
    await eventually(() => bot.received().length > 0);

    // Thirty days overdue: the escalation goes to the approver and the register owner; the approver has blocked the bot.
    bot.setDay('2026-03-31');
    bot.connector.failNext(403, connectorErrors.conversationBlockedByUser, {}, { match: (r) => r.method === 'POST' && r.path.includes(`conversation-${APPROVER}`) });
    const { body } = await bot.run();
    await bot.idle();
    expect(body.skipped).toEqual([expect.objectContaining({ recipient: APPROVER, reason: 'unreachable' })]);
    const received = bot.received().map((r) => `${r.person} ${r.kind}${r.escalation ? ' escalation' : ''}`);
    // The lead's weekly repeat on the 29th, then the owner's escalation; the approver's copy went to the owner too, once (same key).
    expect(received.filter((r) => r === `${OWNER} assessment escalation`)).toHaveLength(1);
    expect(received.filter((r) => r.startsWith(APPROVER))).toEqual([]);
    const audit = await bot.stores.audit.listFor('review');
    expect(audit).toEqual([expect.objectContaining({ action: 'reminder-undelivered', data: expect.objectContaining({ recipient: APPROVER, kind: 'assessment', handedTo: OWNER }) })]);
    // The register entry itself shows it.
    expect((await bot.stores.register.get('review'))?.undeliveredReminders).toEqual([
      { at: expect.any(String), kind: 'assessment', stage: 'escalation', due: DAY, recipient: APPROVER, handedTo: OWNER },
    ]);
  }, 30_000);

  it('someone the bot cannot reach at all (a lead named by an email nobody has used with the bot) goes to the next in the chain', async () => {
    await bot.seed({ id: 'unknown-lead', leadOfficer: 'nobody@example.org', agreement: AGREED, nextReviewDue: DAY, ...approvedBy('2025-03-01T10:00:00.000Z') });
    await bot.run();
    await bot.idle();
    const toApprover = bot.received().filter((r) => r.entryId === 'unknown-lead');
    expect(toApprover).toEqual([expect.objectContaining({ person: APPROVER, kind: 'assessment' })]);
    expect(toApprover[0].text).toContain('could not be delivered to nobody@example.org');
  });

  it('a job claimed by a process that died before sending is sent on a later run, once', async () => {
    // Another process enqueued today's reminder and claimed it (a 2 s lease), then died.
    const { planReminders } = await import('../../src/use-cases/reminders');
    const { DEFAULT_REMINDERS } = await import('../../src/domain/reminders');
    const [planned] = await planReminders({ register: bot.stores.register, settings: DEFAULT_REMINDERS, registerOwners: [OWNER] }, DAY);
    const now = new Date(Date.parse(`${DAY}T08:00:00Z`));
    await bot.stores.jobs.enqueue(planned.job, now);
    expect(await bot.stores.jobs.claim('dead-process', now, 2000, 10)).toHaveLength(1);

    const first = await bot.run();
    await bot.idle();
    expect(first.body.skipped).toEqual([expect.objectContaining({ reason: 'already-sent' })]);
    expect(bot.received()).toEqual([]);

    await new Promise((r) => setTimeout(r, 2100));
    await bot.run();
    await eventually(() => bot.received().length > 0);
    await bot.run();
    await bot.idle();
    expect(bot.received()).toHaveLength(1);
  }, 30_000);

  it('a process that died after sending but before marking the job done: the job runs again and sends nothing twice', async () => {
    await bot.run();
    await bot.idle();
    expect(bot.received()).toHaveLength(1);
    // As the store would be had the process died between the send and the job's completion (its lease since ended).
    const db = openDatabase(join(bot.dataDir, 'register.sqlite'));
    try {
      expect(db.prepare("UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_until = NULL WHERE kind = 'reminder'").run().changes).toBe(1);
    } finally {
      db.close();
    }
    await bot.run();
    await bot.idle();
    expect(bot.received()).toHaveLength(1);
  });

  it('the register owners are told once a day that work failed for good, with the count in the answer', async () => {
    await bot.stores.jobs.enqueue({ key: 'broken', kind: 'announce-decision', payload: {} }, new Date(`${DAY}T07:00:00Z`));
    await bot.stores.jobs.claim('gone', new Date(`${DAY}T07:00:00Z`), 1000, 10);
    await bot.stores.jobs.fail('broken', 'gone', 'HTTP 500 eight times');
    const first = await bot.run();
    await bot.run();
    await bot.idle();
    expect(first.body.failedJobs).toBe(1);
    const notes = () => bot.received().filter((r) => r.person === OWNER && r.text.includes('Some work could not be done'));
    expect(notes()).toHaveLength(1);
    expect(notes()[0].text).toContain('1 piece of work');
    bot.setDay('2026-03-02');
    await bot.run();
    await bot.idle();
    expect(notes()).toHaveLength(2);
  });

  it("the card's buttons: start the form; Snooze 7 days brings it back on the 8th, once", async () => {
    const LEAD = '3f2b8c1e-0000-4000-8000-00000000000a';
    await bot.seed({ id: 'buttons', name: 'Buttons Partnership', leadOfficer: LEAD, agreement: AGREED, nextReviewDue: DAY, ...approvedBy('2025-03-01T10:00:00.000Z') });
    const lee = new Chat(() => bot.url(), bot.connector, teamsUser(bot.connector.url, { name: 'Lee Lead', aadObjectId: LEAD }));
    await lee.say('help');
    await bot.run();
    await bot.idle();
    const reminder = lee.cardsReceived().find((c) => textOf(c.card).includes('Buttons Partnership'))!;
    expect(textOf(reminder.card)).toContain('Reminder: annual assessment');

    expect(textOf((await lee.press(reminder, 'Start the assessment')).card)).toContain('Annual assessment');
    expect(textOf((await lee.press(reminder, 'Snooze 7 days')).card)).toContain('I will remind you again on 8 Mar 2026');
    expect(textOf((await lee.press(reminder, 'Snooze 7 days')).card)).toContain('8 Mar 2026');

    const snoozed = () => lee.cardsReceived().filter((c) => textOf(c.card).includes('Reminder (snoozed)'));
    bot.setDay('2026-03-07');
    await bot.run();
    await bot.idle();
    expect(snoozed()).toHaveLength(0);
    bot.setDay('2026-03-08');
    await bot.run();
    await bot.idle();
    await bot.run();
    await bot.idle();
    expect(snoozed()).toHaveLength(1);
  });
});

describe('a lead officer named by email who has never talked to the bot', () => {
  it('is found in the directory and reached in a new 1:1 chat; without the app installed (403) the reminder goes on down the chain', async () => {
    const graph = await startGraphDouble();
    const bot = await startReminderBot({ PEOPLE_DIRECTORY: 'graph', GRAPH_BASE_URL: graph.url });
    try {
      const NEW = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
      const NOAPP = '9b2e1f30-1111-4abc-8def-222233334444';
      graph.setUser({ id: NEW, displayName: 'Nell New', mail: 'nell.new@example.org', userPrincipalName: 'nell.new@example.org' });
      graph.setUser({ id: NOAPP, displayName: 'Ned Noapp', mail: 'ned.noapp@example.org', userPrincipalName: 'ned.noapp@example.org' });
      await bot.addPerson(APPROVER);
      await bot.addPerson(OWNER);
      await bot.seed({ id: 'nell', leadOfficer: 'nell.new@example.org', agreement: AGREED, nextReviewDue: DAY, ...approvedBy('2025-03-01T10:00:00.000Z') });
      await bot.seed({ id: 'ned', leadOfficer: 'ned.noapp@example.org', agreement: AGREED, nextReviewDue: DAY, ...approvedBy('2025-03-01T10:00:00.000Z') });
      bot.setDay(DAY);
      // Creating Ned's chat is refused: the app is not installed for him.
      bot.connector.failNext(403, connectorErrors.botNotInConversationRoster, {}, { match: (r) => r.method === 'POST' && r.path === '/v3/conversations' && JSON.stringify(r.body).includes(NOAPP) });
      const { body } = await bot.run();
      await bot.idle();

      const created = bot.connector.conversations.find((c) => JSON.stringify(c.parameters.members).includes(NEW));
      expect(created).toBeDefined();
      const toNell = bot.connector.activities.filter((a) => a.conversationId === created!.id);
      expect(toNell).toHaveLength(1);
      expect(body.sent.map((x: { recipient: string }) => x.recipient).sort()).toEqual([APPROVER, 'nell.new@example.org'].sort());
      expect(bot.received().filter((r) => r.entryId === 'ned')).toEqual([expect.objectContaining({ person: APPROVER })]);
      expect((await bot.stores.register.get('ned'))?.undeliveredReminders).toEqual([expect.objectContaining({ recipient: 'ned.noapp@example.org', handedTo: APPROVER })]);
    } finally {
      await bot.close();
      await graph.close();
    }
  });
});

describe('POST /api/reminders/run, configured otherwise', () => {
  it('runs the sweep on its in-process schedule, with no request (croner; every second here)', async () => {
    const bot = await startReminderBot({ REMINDER_SCHEDULE: '* * * * * *', REMINDER_TIMEZONE: 'Europe/London' });
    try {
      bot.setDay(DAY);
      await bot.addPerson('lead-1', 'lead1@example.org');
      await bot.seed({ id: 'scheduled', leadOfficer: 'lead1@example.org', agreement: AGREED, nextReviewDue: DAY, ...approvedBy('2025-03-01T10:00:00.000Z') });
      await eventually(() => bot.received().length > 0, 10_000);
      await new Promise((r) => setTimeout(r, 2200));
      expect(bot.received()).toEqual([expect.objectContaining({ entryId: 'scheduled', kind: 'assessment', person: 'lead-1' })]);
    } finally {
      await bot.close();
    }
  }, 30_000);

  it('is off (404) when no REMINDERS_KEY is configured', async () => {
    const bot = await startReminderBot({ REMINDERS_KEY: '' });
    try {
      expect((await bot.run()).status).toBe(404);
    } finally {
      await bot.close();
    }
  });

  it('refuses ?now= in production, and runs on the day it is without it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prb-reminders-prod-'));
    const config = loadConfig({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppTenantId: '00000000-0000-0000-0000-000000000002',
      MicrosoftAppPassword: 'not-a-real-secret',
      APPROVERS: APPROVER,
      PEOPLE_DIRECTORY: 'local',
      REMINDERS_KEY: KEY,
      REMINDER_SCHEDULE: 'off',
    });
    const server = await startServer(config);
    try {
      const refused = await fetch(`${server.url}/api/reminders/run?now=2026-05-01`, { method: 'POST', headers: { 'x-reminders-key': KEY } });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({ error: expect.stringContaining('production') });
      const ran = await fetch(`${server.url}/api/reminders/run`, { method: 'POST', headers: { 'x-reminders-key': KEY } });
      expect(ran.status).toBe(200);
      expect(await ran.json()).toMatchObject({ sent: [], skipped: [], escalated: [], failed: [], failedJobs: 0 });
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
