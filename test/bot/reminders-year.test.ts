import { join } from 'node:path';
import { addDays } from '../../src/domain/reminders';
import { startProcess } from '../doubles/processes';
import { AGREED, APPROVER, approvedBy, OWNER, startReminderBot, type ReminderBot } from './reminder-harness';

/**
 * A simulated year of DOMAIN 3's reminders: a register with known dates, the
 * clock stepped day by day, the sweep run each day over real HTTP, and the
 * exact list of reminders and escalations (day, kind, person) compared with
 * what the Bot Connector double received: none missing, none twice.
 */
describe('a year of reminders', () => {
  let bot: ReminderBot;

  beforeAll(async () => {
    bot = await startReminderBot();
    for (const [id, email] of [
      ['lead-1', 'lead1@example.org'],
      ['lead-2', 'lead2@example.org'],
      ['lead-3', 'lead3@example.org'],
      ['lead-4', 'lead4@example.org'],
      ['rep-4', undefined],
      [APPROVER, undefined],
      [OWNER, undefined],
    ] as const) {
      await bot.addPerson(id, email);
    }
    // The assessment: review due 1 March; done on 5 April.
    await bot.seed({ id: 'review', leadOfficer: 'Lee One <lead1@example.org>', agreement: AGREED, nextReviewDue: '2026-03-01', ...approvedBy('2025-03-01T10:00:00.000Z') });
    // The agreement: approved 1 February with none in place; recorded on 1 June.
    await bot.seed({ id: 'agreement', leadOfficer: 'lead2@example.org', nextReviewDue: '2027-02-01', ...approvedBy('2026-02-01T10:00:00.000Z') });
    // The exit: proposed end 30 September; never evaluated.
    await bot.seed({ id: 'exit', leadOfficer: 'lead3@example.org', agreement: AGREED, nextReviewDue: '2027-06-01', answers: { name: 'Exit', proposedEndDate: '2026-09-30' }, ...approvedBy('2025-06-01T10:00:00.000Z') });
    // The handover: the representative's last day is 30 June; nobody takes over.
    await bot.seed({ id: 'handover', leadOfficer: 'lead4@example.org', agreement: AGREED, nextReviewDue: '2027-06-01', representatives: [{ id: 'rep-4', name: 'Rae Four', until: '2026-06-30' }], ...approvedBy('2025-06-01T10:00:00.000Z') });
    // Nothing is due on these.
    await bot.seed({ id: 'closed', status: 'closed', leadOfficer: 'lead1@example.org', nextReviewDue: '2026-02-01' });
    await bot.seed({ id: 'proposed', status: 'proposed', leadOfficer: 'lead1@example.org' });
  }, 30_000);
  afterAll(() => bot?.close());

  it('sends each reminder and escalation of the table on its day, to its person, once', async () => {
    const got: string[] = [];
    const answered: string[] = [];
    let day = '2026-01-01';
    while (day <= '2026-12-31') {
      if (day === '2026-04-05') {
        const entry = (await bot.stores.register.get('review'))!;
        await bot.stores.register.update({ ...entry, lastReviewedAt: '2026-04-05', nextReviewDue: '2027-04-05' });
      }
      if (day === '2026-06-01') {
        const entry = (await bot.stores.register.get('agreement'))!;
        await bot.stores.register.update({ ...entry, agreement: { ...AGREED, at: '2026-06-01T09:00:00.000Z' } });
      }
      bot.setDay(day);
      const before = bot.connector.activities.length;
      const { status, body } = await bot.run();
      expect(status).toBe(200);
      await bot.idle();
      for (const r of bot.received(bot.connector.activities.slice(before))) got.push(`${day} ${r.kind} ${r.entryId} ${r.person}${r.escalation ? ' escalation' : ''}`);
      for (const s of body.sent) answered.push(`${day} ${s.kind} ${s.recipient}`);
      expect(body.failed).toEqual([]);
      day = addDays(day, 1);
    }

    const expected = [
      '2026-01-30 assessment review lead-1',
      '2026-02-15 agreement agreement lead-2',
      '2026-03-01 assessment review lead-1',
      '2026-03-08 assessment review lead-1',
      '2026-03-15 assessment review lead-1',
      '2026-03-17 agreement agreement lead-2',
      '2026-03-22 assessment review lead-1',
      '2026-03-29 assessment review lead-1',
      `2026-03-31 assessment review ${APPROVER} escalation`,
      `2026-03-31 assessment review ${OWNER} escalation`,
      '2026-04-16 agreement agreement lead-2',
      `2026-05-01 register-review register ${OWNER}`,
      `2026-05-02 agreement agreement ${OWNER} escalation`,
      '2026-05-16 agreement agreement lead-2',
      '2026-06-16 handover handover rep-4',
      '2026-07-01 handover handover lead-4 escalation',
      `2026-07-01 handover handover ${OWNER} escalation`,
      '2026-08-01 exit exit lead-3',
      '2026-09-30 exit exit lead-3',
      '2026-10-30 exit exit lead-3',
      `2026-11-29 exit exit ${OWNER} escalation`,
    ];
    expect([...got].sort()).toEqual([...expected].sort());
    // The sweep's answer says the same: each sent once, on its day.
    expect(answered).toHaveLength(expected.length);
    expect(new Set(answered).size).toBe(answered.length);
  }, 180_000);
});

describe('two processes sweeping one store at the same moment', () => {
  let bot: ReminderBot;
  afterEach(() => bot?.close());

  it('send every reminder once between them: zero duplicates', async () => {
    bot = await startReminderBot();
    const ids = Array.from({ length: 20 }, (_, i) => `lead-${i}`);
    for (const id of ids) await bot.addPerson(id, `${id}@example.org`);
    await bot.addPerson(OWNER);
    await bot.addPerson(APPROVER);
    for (const [i, id] of ids.entries()) {
      // Each lead: the assessment due today, and the agreement 30 days late (two reminders each).
      await bot.seed({ id: `entry-${i}`, leadOfficer: `${id}@example.org`, nextReviewDue: '2026-03-01', ...approvedBy('2026-01-15T10:00:00.000Z') });
    }
    // The bot's own process shares the store too, on the same clock (leases are compared across processes).
    bot.setDay('2026-03-01');
    const file = join(bot.dataDir, 'register.sqlite');
    const sweep = () =>
      startProcess(process.execPath, [join(__dirname, 'sweep-process.js'), file, '2026-03-01', bot.connector.url, OWNER], { label: 'sweep' });
    const [a, b] = [sweep(), sweep()];
    const [ea, eb] = await Promise.all([a.exited, b.exited]);
    expect([ea.code, eb.code, a.output().includes('"day"'), b.output().includes('"day"')]).toEqual([0, 0, true, true]);
    await bot.idle();

    const got = bot.received().map((r) => `${r.person} ${r.kind} ${r.entryId}`);
    const expected = ids.flatMap((id, i) => [`${id} assessment entry-${i}`, `${id} agreement entry-${i}`]);
    expect([...got].sort()).toEqual([...expected].sort());
    // And the answers between them name each one sent once.
    const sent = [a, b].flatMap((p) => JSON.parse(p.output().trim().split('\n').pop()!).sent.map((s: { entry: string; kind: string }) => `${s.entry} ${s.kind}`));
    expect(new Set(sent).size).toBe(sent.length);
  }, 60_000);
});
