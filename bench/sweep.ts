import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { provisionSharePoint, REGISTER_LIST, buildRegisterSchema } from '../src/adapters/sharepoint';
import { ItemMapper } from '../src/adapters/sharepoint/columns';
import { RecordSeal } from '../src/adapters/sharepoint/record-seal';
import { openDatabase, SqliteConversationDirectory, SqliteRegister } from '../src/adapters/sqlite';
import { compose } from '../src/compose';
import { loadConfig } from '../src/config';
import type { NewPartnership } from '../src/domain/records';
import { createLogger } from '../src/logger';
import { loadProposalJourney } from '../src/questionnaires';
import { startBotConnector } from '../test/doubles/bot-connector';
import { startSharePointDouble, type RecordedRequest } from '../test/doubles/sharepoint';
import { settingsFor, TEST_RECORD_KEY } from '../test/doubles/sharepoint/connect';
import { aConversation, aPartnership, proposalAnswers } from '../test/fixtures/builders';
import { round } from './report';

/**
 * The reminder sweep as the register grows (issue 16, item 3): registers of
 * 1,000, 10,000 and 50,000 entries with 2% due, on the SharePoint double and on
 * SQLite. Each run composes the bot in this process (compose(config), as
 * server.ts does, with a clock stood on DAY), seeds the register straight into
 * the store (the double's list through our own ItemMapper and record seal, or
 * SQLite through the adapter in one transaction), then times
 * `app.runReminders(DAY)` to its answer, every reminder sent to the Bot
 * Connector double (the sends are paced to Teams' limits: 50 a second for the
 * app, so 1,000 sends take at least 20 s). SharePoint requests are counted by
 * kind: the sweep's question (Register.listDue) and the one read of the entry
 * each reminder job makes before sending (it checks the task is still due).
 *
 * Each due entry calls for exactly one reminder (one of five kinds in turn:
 * review due today, agreement outstanding since 14 days, proposed end in 60
 * days, a representative leaving in 14 days, an exiting entry ending today);
 * the rest are active, agreed, reviewed in 2030 and ending in 2035. 100 lead
 * officers, each with a 1:1 conversation the bot knows; the due entries go
 * round them (one reminder each per 100 due), so Teams' per-conversation limit
 * (60 a 30 s) is not what the sweep waits on.
 */

export interface SweepRun {
  readonly store: 'sqlite' | 'sharepoint';
  readonly entries: number;
  readonly due: number;
  readonly sent: number;
  readonly seed_ms: number;
  readonly wall_ms: number;
  /** Bot Connector sends (POSTs of activities) during the sweep. */
  readonly sends: number;
  readonly sharepoint_requests?: number;
  /** The sweep's question (listDue): its queries and their pages. */
  readonly sharepoint_question_requests?: number;
  /** One read of the entry per reminder job (by PartnershipId), before its send. */
  readonly sharepoint_per_reminder_requests?: number;
  /** Requests neither of the above (should be 0). */
  readonly sharepoint_other_requests?: number;
  /** The most items one answer carried. */
  readonly largest_page?: number;
  /** Answers refused for the list view threshold (SPQueryThrottledException); the double enforces it past 5,000 items. */
  readonly threshold_refusals?: number;
  readonly question_filters?: readonly string[];
}

export interface SweepSection {
  readonly available: boolean;
  readonly note: string;
  readonly day: string;
  readonly due_share: number;
  readonly runs: readonly SweepRun[];
}

export const SWEEP_DAY = '2026-03-02';
const DUE_EVERY = 50; // 2%
const LEADS = 100;
const SIZES = (process.env.BENCH_SWEEP_SIZES ?? '1000,10000,50000').split(',').map(Number).filter((n) => n > 0);
const AGREED = { at: '2024-02-01T00:00:00.000Z', state: 'yes' as const, link: 'https://example.org/agreement', documentType: 'terms-of-reference', gaps: [] };
const APPROVER = 'approver-1';
const OWNER = 'owner-1';

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const leadEmail = (k: number) => `lead${k}@example.org`;

/** The i-th entry of the register; every 50th is due today (one reminder). */
export function benchEntry(i: number): NewPartnership {
  // Each run of 50 entries has one lead officer, so the due ones (one in 50) go round the 100 leads, not to a few.
  const k = Math.floor(i / DUE_EVERY) % LEADS;
  const lead = leadEmail(k);
  const approvedAt = '2024-01-15T10:00:00.000Z';
  const name = `Bench Partnership ${i}`;
  const base: NewPartnership = aPartnership({
    id: `bench-${i}`,
    name,
    reference: `PR-2024-${i + 1}`,
    status: 'active',
    leadOfficer: lead,
    agreement: AGREED,
    nextReviewDue: '2030-01-01',
    answers: proposalAnswers({ name, leadOfficer: lead, proposedEndDate: '2035-01-01' }),
    draftId: `draft-${i}`,
    approvedAt,
    approval: {
      route: { stages: [[APPROVER]], selfApprovalAllowed: false },
      stage: 1,
      history: [{ stage: 1, decision: 'approve', by: { id: APPROVER, name: 'Anne Approver' }, at: approvedAt, comment: '' }],
    },
  });
  if (i % DUE_EVERY !== 0) return base;
  switch ((i / DUE_EVERY) % 5) {
    case 0:
      return { ...base, nextReviewDue: SWEEP_DAY };
    case 1:
      return { ...base, agreement: undefined, approvedAt: `${addDays(SWEEP_DAY, -14)}T10:00:00.000Z` };
    case 2:
      return { ...base, answers: { ...base.answers, proposedEndDate: addDays(SWEEP_DAY, 60) } };
    case 3:
      return { ...base, representatives: [{ id: `rep-${i}`, name: 'Rep', email: leadEmail((k + 1) % LEADS), until: addDays(SWEEP_DAY, 14) }] };
    default:
      return { ...base, status: 'exiting', answers: { ...base.answers, proposedEndDate: SWEEP_DAY } };
  }
}

async function seedPeople(file: string, serviceUrl: string): Promise<void> {
  const db = openDatabase(file);
  try {
    const conversations = new SqliteConversationDirectory(db);
    for (let k = 0; k < LEADS; k++) {
      await conversations.save(aConversation({ userId: `lead-${k}`, name: `Lead ${k}`, email: leadEmail(k), conversationId: `a:conversation-lead-${k}`, serviceUrl, botId: 'bot' }));
    }
  } finally {
    db.close();
  }
}

/** Straight into SQLite through the adapter's own insert, in one transaction. */
async function seedSqlite(file: string, size: number): Promise<void> {
  const db = openDatabase(file);
  try {
    const register = new SqliteRegister(db);
    db.exec('BEGIN');
    for (let i = 0; i < size; i++) await register.create(benchEntry(i), `seed-${i}`);
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

/** Straight into the double's list: each item as our adapter writes it (ItemMapper, sealed Bot record). */
function seedSharePoint(site: Awaited<ReturnType<typeof startSharePointDouble>>['site'], size: number): void {
  const list = site.list(REGISTER_LIST);
  const mapper = new ItemMapper(buildRegisterSchema(loadProposalJourney()), new RecordSeal(TEST_RECORD_KEY));
  mapper.usePresentColumns(new Set(list.fields.map((f) => f.InternalName)));
  const none = new Map<string, number>();
  for (let from = 0; from < size; from += 5000) {
    const rows: Record<string, unknown>[] = [];
    for (let i = from; i < Math.min(size, from + 5000); i++) rows.push({ ...mapper.toItem(benchEntry(i), none), IdempotencyKey: `seed-${i}` });
    site.seed(list, rows);
  }
}

function kindOf(r: RecordedRequest): 'question' | 'per-reminder' | 'other' {
  const filter = r.query.get('$filter') ?? '';
  if (r.method === 'GET' && /\/items$/i.test(r.path) && filter.startsWith('PartnershipId eq')) return 'per-reminder';
  if (r.method === 'GET' && /\/items$/i.test(r.path) && filter !== '') return 'question';
  return 'other';
}

async function sweepOnce(store: 'sqlite' | 'sharepoint', size: number, log: (text: string) => void): Promise<SweepRun> {
  const connector = await startBotConnector();
  const double = store === 'sharepoint' ? await startSharePointDouble() : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'prb-bench-sweep-'));
  const file = join(dataDir, 'register.sqlite');
  try {
    const t0 = performance.now();
    await seedPeople(file, connector.url);
    if (double) {
      await provisionSharePoint(settingsFor(double));
      seedSharePoint(double.site, size);
    } else {
      await seedSqlite(file, size);
    }
    const seedMs = performance.now() - t0;
    const offset = Date.parse(`${SWEEP_DAY}T08:00:00Z`) - Date.now();
    const clock = { now: () => new Date(Date.now() + offset) };
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', BOT_SERVICE_URL: connector.url, APPROVERS: APPROVER, REGISTER_OWNERS: OWNER, REMINDERS_KEY: 'bench-reminders-key-0123456789', REMINDER_SCHEDULE: 'off' });
    const composition = await compose(config, { logger: createLogger('silent'), clock, sharePoint: double ? settingsFor(double) : undefined });
    const { app } = composition;
    try {
      app.start();
      double?.requests.splice(0);
      connector.clear();
      const started = performance.now();
      const answer = await app.runReminders(SWEEP_DAY);
      const wallMs = performance.now() - started;
      await app.idle();
      const sends = connector.activities.filter((a) => a.method === 'POST').length;
      const due = Math.ceil(size / DUE_EVERY);
      if (answer.sent.length !== due) log(`sweep ${store} ${size}: sent ${answer.sent.length}, expected ${due} (failed ${answer.failed.length}, skipped ${answer.skipped.length})`);
      const run: SweepRun = { store, entries: size, due, sent: answer.sent.length, seed_ms: round(seedMs, 0), wall_ms: round(wallMs, 0), sends };
      if (!double) return run;
      const requests = double.requests.slice();
      const byKind = (k: ReturnType<typeof kindOf>) => requests.filter((r) => kindOf(r) === k);
      const question = byKind('question');
      return {
        ...run,
        sharepoint_requests: requests.length,
        sharepoint_question_requests: question.length,
        sharepoint_per_reminder_requests: byKind('per-reminder').length,
        sharepoint_other_requests: byKind('other').length,
        largest_page: Math.max(0, ...requests.map((r) => r.rows ?? 0)),
        threshold_refusals: requests.filter((r) => r.status === 500).length,
        question_filters: [...new Set(question.map((r) => (r.query.get('$filter') ?? '').replace(/'[^']*'/g, "'…'").replace(/datetime'…'/g, "datetime'…'")))],
      };
    } finally {
      await app.stop(0);
      await composition.close();
    }
  } finally {
    await double?.close();
    await connector.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The target: 200 due in 10,000 entries, at most 5 SharePoint requests beyond the sends, none meeting the threshold. */
export function sweepTargetValue(section: SweepSection): { value: number | undefined; refusals: number | undefined } {
  const run = section.runs.find((r) => r.store === 'sharepoint' && r.entries === 10_000);
  return { value: run?.sharepoint_question_requests !== undefined ? run.sharepoint_question_requests + (run.sharepoint_other_requests ?? 0) : undefined, refusals: run?.threshold_refusals };
}

export async function benchSweep(log: (text: string) => void = () => undefined): Promise<SweepSection> {
  const runs: SweepRun[] = [];
  for (const size of SIZES) {
    for (const store of ['sqlite', 'sharepoint'] as const) {
      log(`sweep: ${store}, ${size} entries`);
      const run = await sweepOnce(store, size, log);
      log(`sweep: ${store}, ${size} entries: seeded in ${run.seed_ms} ms, swept in ${run.wall_ms} ms, ${run.sent} sent${run.sharepoint_requests !== undefined ? `, ${run.sharepoint_requests} SharePoint requests (question ${run.sharepoint_question_requests}, per reminder ${run.sharepoint_per_reminder_requests}, largest page ${run.largest_page})` : ''}`);
      runs.push(run);
    }
  }
  return {
    available: true,
    note: 'in the bench process: compose(config) with a clock on the day, the register seeded straight into the store, app.runReminders(day) timed to its answer with every send to the Bot Connector double done (sends paced to 50/s)',
    day: SWEEP_DAY,
    due_share: 1 / DUE_EVERY,
    runs,
  };
}
