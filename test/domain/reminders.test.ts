import { loadConfig, ConfigError } from '../../src/config';
import { registerFigures } from '../../src/domain/register-figures';
import { DEFAULT_REMINDERS, leadOfficerOf, reminderKey, remindersFor } from '../../src/domain/reminders';
import { renderRegisterReview } from '../../src/views/reminder-views';
import { aPartnership } from '../fixtures/builders';
import { textOf } from '../bot/chat';

const AGREED = { at: '2025-01-01T00:00:00.000Z', state: 'yes' as const, link: 'https://example.org/a', documentType: 'terms-of-reference', gaps: [] };
const entry = (over: Parameters<typeof aPartnership>[0] = {}) => ({ ...aPartnership({ status: 'active', leadOfficer: 'lee@example.org', agreement: AGREED, nextReviewDue: '2026-03-01', ...over }), etag: '"1"' });

describe('reminder rules (DOMAIN 3)', () => {
  it('takes its timings from configuration, not constants', () => {
    const config = loadConfig({ REMINDER_ASSESSMENT_NOTICE_DAYS: '14', REMINDER_ASSESSMENT_REPEAT_DAYS: '3', REMINDER_ASSESSMENT_ESCALATE_DAYS: '10', REGISTER_REVIEW_DATE: '04-06' });
    const s = config.reminders.settings;
    expect(remindersFor(entry(), '2026-02-14', DEFAULT_REMINDERS, [])).toEqual([expect.objectContaining({ stage: 'notice', on: '2026-01-30' })]);
    expect(remindersFor(entry(), '2026-02-14', s, [])).toEqual([]);
    expect(remindersFor(entry(), '2026-02-15', s, [])).toEqual([expect.objectContaining({ stage: 'notice', recipient: 'lee@example.org' })]);
    expect(remindersFor(entry(), '2026-03-04', s, [])).toEqual([expect.objectContaining({ stage: 'repeat-1', on: '2026-03-04' })]);
    expect(remindersFor(entry(), '2026-03-11', s, ['owner-1']).map((r) => `${r.recipient} ${r.stage}`)).toEqual(['lee@example.org repeat-3', 'owner-1 escalation']);
    expect(s.registerReview).toBe('04-06');
  });

  it('refuses timings that are not whole days, and a review date that is not MM-DD', () => {
    expect(() => loadConfig({ REMINDER_AGREEMENT_AFTER_DAYS: 'two weeks' })).toThrow(ConfigError);
    expect(() => loadConfig({ REGISTER_REVIEW_DATE: '1 May' })).toThrow(/REGISTER_REVIEW_DATE/);
    expect(loadConfig({ REGISTER_REVIEW_DATE: 'off', REMINDER_SCHEDULE: 'off' }).reminders).toMatchObject({ schedule: undefined, settings: { registerReview: undefined } });
    expect(loadConfig({}).reminders).toMatchObject({ schedule: '0 8 * * *', timezone: 'Europe/London', key: undefined });
  });

  it('a lead officer the register names only by name cannot be reached: the reminder goes to the next in the chain', () => {
    const noEmail = entry({ leadOfficer: 'Lee Lead', answers: { name: 'x', leadOfficer: 'Lee Lead' } });
    expect(leadOfficerOf(noEmail)).toBeUndefined();
    expect(remindersFor(noEmail, '2026-03-01', DEFAULT_REMINDERS, ['owner-1'])).toEqual([expect.objectContaining({ recipient: 'owner-1', stage: 'due', fallback: [] })]);
  });

  it('keys a reminder by entry, kind, due date, recipient and stage', () => {
    const [r] = remindersFor(entry(), '2026-03-01', DEFAULT_REMINDERS, []);
    expect(reminderKey(r)).toBe('reminder:partnership-1:assessment:2026-03-01:lee@example.org:due');
  });

  it('nothing for entries not running, or tasks done', () => {
    expect(remindersFor(entry({ status: 'closed' }), '2026-03-01', DEFAULT_REMINDERS, ['o'])).toEqual([]);
    expect(remindersFor(entry({ nextReviewDue: '2027-03-01' }), '2026-03-01', DEFAULT_REMINDERS, ['o'])).toEqual([]);
  });
});

describe("the register owners' register-wide review", () => {
  it('counts by status and category, and what needs attention', () => {
    const entries = [
      entry({ id: 'a', category: 'statutory', nextReviewDue: '2026-04-01' }),
      entry({ id: 'b', category: 'community', agreement: undefined }),
      entry({ id: 'c', category: 'community', status: 'exiting' }),
      entry({ id: 'd', category: 'network', status: 'closed' }),
      entry({ id: 'e', category: 'network', representatives: [{ id: 'r', name: 'R', until: '2026-05-10' }], nextReviewDue: '2027-01-01' }),
    ];
    const figures = registerFigures(entries, '2026-05-01', DEFAULT_REMINDERS);
    expect(figures).toEqual({
      byStatus: { active: 3, exiting: 1, closed: 1 },
      byCategory: { statutory: 1, community: 2, network: 1 },
      reviewsOverdue: 2,
      agreementsMissing: 1,
      handoversDue: 1,
      exitsDue: 1,
    });
    const text = textOf(renderRegisterReview(figures, '2026')).replace(/\s+/g, ' ');
    expect(text).toContain('Register-wide review 2026');
    expect(text).toMatch(/Statutory 1 .*Non-statutory: community-based 2/);
    expect(text).toContain('Reviews overdue 2');
  });
});
