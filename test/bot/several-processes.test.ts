import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { openSharePointRegister } from '../../src/adapters/sharepoint';
import { settingsFor } from '../doubles/sharepoint/connect';
import { DEFAULT_BOT_ENTRY, startBotProcess, type BotProcess } from '../doubles/bot-process';
import { postActivity, messageFrom, teamsUser } from '../doubles/teams-activity';
import { aPartnership, proposalAnswers } from '../fixtures/builders';
import { answersFor } from './bot-under-test';
import { Chat, textOf, type ShownCard } from './chat';
import { startSharedState, type SharedState } from './shared-state';

/**
 * The built bot (dist/src/server.js) as separate processes with STATE_STORE=azure,
 * sharing one Azurite and one SharePoint double: what several App Service
 * instances do. Run `npm run build` first (npm test does).
 */
const ANNE = 'aad-anne-approver';
const LEASE_SECONDS = 3;
const STEP_BUTTONS = ['Next', 'Continue', 'Review answers'];

let shared: SharedState;
let dataDir: string;
const running: BotProcess[] = [];

beforeAll(async () => {
  if (!existsSync(DEFAULT_BOT_ENTRY)) throw new Error('dist/ is missing: `npm test` builds it first (npm run build)');
  shared = await startSharedState();
  dataDir = mkdtempSync(join(tmpdir(), 'prb-procs-'));
}, 30_000);
afterAll(async () => {
  for (const proc of running) await proc.stop();
  await shared?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** One instance; every instance gets the same DATA_DIR, as App Service instances share /home. */
async function instance(): Promise<BotProcess> {
  const proc = await startBotProcess({ dataDir, env: { ...shared.env, APPROVERS: ANNE, JOB_LEASE_SECONDS: String(LEASE_SECONDS), PEOPLE_DIRECTORY: 'local' } });
  running.push(proc);
  return proc;
}

function chatVia(proc: BotProcess, name: string): Chat {
  return new Chat(() => proc.url, shared.connector, teamsUser(shared.connector.url, { name }));
}

function registerItems(): Record<string, unknown>[] {
  return [...shared.sharePoint.site.list('Partnership Register').items.values()].map((item) => Object.fromEntries(item.values));
}

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Walks a draft from `shown` to its summary, answering from proposalAnswers. */
async function walkToSummary(chat: Chat, shown: ShownCard, answers = proposalAnswers()): Promise<ShownCard> {
  for (let i = 0; i < 20; i++) {
    const json = JSON.stringify(shown.card);
    if (json.includes('"Submit for approval"')) return shown;
    const button = STEP_BUTTONS.find((t) => json.includes(`"title":"${t}"`));
    if (!button) throw new Error(`stuck on a card with no way forward: ${json.slice(0, 300)}`);
    shown = await chat.press(shown, button, answersFor(shown, answers));
  }
  throw new Error('the journey did not reach the summary in 20 steps');
}

const approvalCardsFor = (anne: Chat, name: string) => anne.cardsReceived().filter((c) => textOf(c.card).includes(name) && textOf(c.card).includes('Proposal for approval'));

describe('several processes on one Azurite and one SharePoint double', () => {
  let a: BotProcess;
  let b: BotProcess;

  beforeAll(async () => {
    [a, b] = await Promise.all([instance(), instance()]);
    await chatVia(a, 'Anne Approver').say('help');
  }, 30_000);

  it('the same person edits one draft through both: one of two presses of one card wins, the other is shown the draft as it stands, nothing is lost', async () => {
    const viaA = chatVia(a, 'Pat Proposer');
    const viaB = chatVia(b, 'Pat Proposer');
    const first = await viaA.say('register');
    const answers = answersFor(first, proposalAnswers());

    // The same card pressed on both instances at once: one write wins (ETag), the other is refused and refreshed.
    const [fromA, fromB] = await Promise.all([viaA.press(first, 'Next', answers), viaB.press(first, 'Next', answers)]);
    const stale = [fromA, fromB].filter((r) => textOf(r.card).includes('This card was out of date'));
    expect(stale).toHaveLength(1);
    const winner = [fromA, fromB].find((r) => !textOf(r.card).includes('This card was out of date'))!;
    expect(textOf(stale[0].card)).toContain('Step 2 of');
    expect(textOf(winner.card)).toContain('Step 2 of');

    // An older card pressed later, on the other instance: refused and refreshed to where the draft stands.
    const second = await viaB.press(winner, 'Next', answersFor(winner, proposalAnswers()));
    const late = await viaA.press(winner, 'Next', answersFor(winner, proposalAnswers()));
    expect(textOf(late.card)).toContain('This card was out of date');
    expect(textOf(late.card)).toContain(textOf(second.card).match(/Step \d+ of \d+/)![0]);

    // Carry on on either instance from the refreshed card; what was answered is kept.
    const summary = await walkToSummary(viaA, late);
    expect(textOf((await viaB.press(summary, 'Submit for approval')).card)).toContain('Proposal submitted');
    await until('the item in SharePoint', () => registerItems().some((i) => i.Title === proposalAnswers().name));
    const anne = chatVia(a, 'Anne Approver');
    await until('one approval card', () => approvalCardsFor(anne, proposalAnswers().name).length === 1);
  });

  it('100 approvals split across both get 100 distinct references', async () => {
    const register = await openSharePointRegister(settingsFor(shared.sharePoint));
    const ids = Array.from({ length: 100 }, (_, i) => `bulk-${i}`);
    const route = { stages: [[ANNE]], selfApprovalAllowed: false };
    const seeding = Date.now();
    await Promise.all(ids.map((id) => register.create(aPartnership({ id, name: `Bulk ${id}`, draftId: `draft-${id}`, approval: { route, stage: 1, history: [] } }), `seed:${id}`)));
    const approving = Date.now();
    const anneA = chatVia(a, 'Anne Approver');
    const anneB = chatVia(b, 'Anne Approver');
    const queue = [...ids];
    const answers: string[] = [];
    const approver = async (chat: Chat) => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        const res = await chat.invoke('proposal.approve', { proposalId: id, stage: '1' }, `approval-card-${id}`);
        answers.push(`${res.status} ${JSON.stringify(res.body).includes('Approved by Anne Approver')}`);
      }
    };
    // Ten at a time, alternating instances.
    await Promise.all(Array.from({ length: 10 }, (_, i) => approver(i % 2 === 0 ? anneA : anneB)));

    if (process.env.SHOW_OUTPUT) console.log(`seeded in ${approving - seeding} ms, approved in ${Date.now() - approving} ms`);
    expect(answers).toEqual(Array(100).fill('200 true'));
    const references = registerItems().filter((i) => String(i.Title).startsWith('Bulk ')).map((i) => String(i.Reference));
    expect(references).toHaveLength(100);
    expect(new Set(references).size).toBe(100);
    expect(references.every((r) => /^PR-\d{4}-\d{3,}$/.test(r))).toBe(true);
  }, 120_000);
});

describe('stopping and losing instances', () => {
  it('SIGTERM during a turn: the turn finishes and is answered, new turns get 503, the process exits cleanly, and nothing is lost', async () => {
    const a = await instance();
    await chatVia(a, 'Anne Approver').say('help');
    const pat = chatVia(a, 'Sam Signal');
    const name = 'Signal Street Partnership';
    const summary = await walkToSummary(pat, await pat.say('register'), proposalAnswers({ name }));
    // SharePoint answers the submit's write slowly, so the turn is in flight when SIGTERM arrives.
    const isCreate = (r: { method: string; path: string }) => r.method === 'POST' && /\/items$/i.test(r.path);
    shared.sharePoint.injectFault({ match: isCreate, delayMs: 2000, times: 1 });
    const before = shared.sharePoint.requests.length;
    const submitting = pat.press(summary, 'Submit for approval');
    await until('the submit to reach SharePoint', () => shared.sharePoint.requests.slice(before).some(isCreate));
    process.kill(a.pid, 'SIGTERM');
    await until('shutdown to begin', () => a.output().includes('shutting down'));

    const refused = await postActivity(a.url, messageFrom(teamsUser(shared.connector.url, { name: 'Late Larry' }), 'help'));
    expect(refused.status).toBe(503);
    expect(textOf((await submitting).card)).toContain('Proposal submitted');
    expect(await a.exited).toEqual({ code: 0, signal: null });
    if (process.env.SHOW_OUTPUT) console.log(a.output());

    // Nothing lost: the item is in SharePoint, the approver gets exactly one card (sent by this instance before it stopped, or by the next).
    expect(registerItems().filter((i) => i.Title === name)).toHaveLength(1);
    const next = await instance();
    const anne = chatVia(next, 'Anne Approver');
    await until('the approval card', () => approvalCardsFor(anne, name).length >= 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(approvalCardsFor(anne, name)).toHaveLength(1);
    expect(textOf((await chatVia(next, 'Sam Signal').say('my partnerships')).card)).toContain(name);

    // Logs: JSON lines on stdout, each turn with its activity id, and the shutdown steps.
    const lines = a.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.msg === 'turn handled').every((l) => typeof l.activityId === 'string')).toBe(true);
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: no new turns; finishing those in flight', 'stopped']));
  }, 60_000);

  it('an instance killed mid-job: another finishes its job once the lease has run out', async () => {
    const doomed = await instance();
    await chatVia(doomed, 'Anne Approver').say('help');
    const kim = chatVia(doomed, 'Kim Killed');
    const name = 'Lease Lane Partnership';
    const summary = await walkToSummary(kim, await kim.say('register'), proposalAnswers({ name }));
    // Teams holds the approval card's send, so the job is mid-way when the process dies.
    const toAnne = ({ method, path }: { method: string; path: string }) => method === 'POST' && decodeURIComponent(path).includes('a:personal-anne-approver');
    shared.connector.delayNext(8000, { match: toAnne });
    expect(textOf((await kim.press(summary, 'Submit for approval')).card)).toContain('Proposal submitted');
    await until('the job to be mid-send', () => shared.connector.delayed() === 1);
    const killedAt = Date.now();
    process.kill(doomed.pid, 'SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');

    const survivor = await instance();
    const anne = chatVia(survivor, 'Anne Approver');
    await until('the approval card from the survivor', () => approvalCardsFor(anne, name).length === 1, 20_000);
    // Not before the dead instance's lease ran out.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(LEASE_SECONDS * 1000 - 500);
    await new Promise((r) => setTimeout(r, 1500));
    expect(approvalCardsFor(anne, name)).toHaveLength(1);
  }, 60_000);
});
