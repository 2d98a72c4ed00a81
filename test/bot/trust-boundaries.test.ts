import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TurnContext } from 'botbuilder';
import { GraphManagerRouting } from '../../src/adapters/approvals/graph-manager-routing';
import { openMemoryStores } from '../../src/adapters/memory/memory-stores';
import { openSqliteStores } from '../../src/adapters/sqlite';
import { createApp } from '../../src/app';
import { foreignActivity, shapeProblem } from '../../src/bot/activity-guard';
import { personOf } from '../../src/bot/identity';
import { ConfigError, loadConfig } from '../../src/config';
import { mayDecide, mayView } from '../../src/domain/approval';
import { createLogger } from '../../src/logger';
import { loadFlows, loadProposalJourney } from '../../src/questionnaires';
import { startGraphDouble } from '../doubles/graph';
import { messageFrom, postActivity, teamsUser } from '../doubles/teams-activity';
import { aPartnership, proposalAnswers, riskChecklistAnswers } from '../fixtures/builders';
import { reachSummary, startBotUnderTest, type BotUnderTest } from './bot-under-test';
import { actionsOf, textOf, type Chat, type ShownCard } from './chat';

/**
 * One test (or a few) per hole the security review found, each
 * failing on the main branch before the fix. Over real HTTP where it concerns
 * the bot: the Bot Connector double, Teams-shaped activities.
 */

const APP = { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: '00000000-0000-0000-0000-0000000000aa', MicrosoftAppPassword: 'not-used' };
const ANNE = 'aad-anne-approver';
const SID = 'aad-sid-senior';
const TOM = 'aad-tom-senior';
const OSCAR = 'aad-oscar-owner';

const buttons = (card: ShownCard['card']) => actionsOf(card).map((a) => a.title);

function builtServer(): void {
  if (!existsSync('dist/src/server.js')) throw new Error('dist/ is missing: `npm test` builds it first (npm run build)');
}

/** The built bot started as a separate process with only these variables (no developer identity leaks in). */
function runBuiltServer(env: Record<string, string>) {
  builtServer();
  return spawnSync(process.execPath, ['dist/src/server.js'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('self-approval only on a developer\'s machine', () => {
  it('refuses an app id without APPROVERS, whatever NODE_ENV says, naming the variable', () => {
    expect(() => loadConfig({ ...APP })).toThrow(ConfigError);
    expect(() => loadConfig({ ...APP })).toThrow(/APPROVERS/);
    expect(() => loadConfig({ ...APP, NODE_ENV: 'development' })).toThrow(/APPROVERS/);
  });

  it('is local mode only with no app id and a loopback host', () => {
    expect(loadConfig({}).approvals.localMode).toBe(true);
    expect(loadConfig({ HOST: '::1' }).approvals.localMode).toBe(true);
    expect(loadConfig({ ...APP, APPROVERS: ANNE }).approvals.localMode).toBe(false);
    expect(loadConfig({ APPROVERS: ANNE }).approvals.localMode).toBe(false);
  });

  it('checks the configuration in force, not only the flag stored on the proposal', () => {
    const stored = aPartnership({ approval: { route: { stages: [['user-alice']], selfApprovalAllowed: true }, stage: 1, history: [] } });
    const alice = stored.proposer;
    expect(mayDecide(stored, alice, [], { selfApprovalAllowed: true })).toBe(true);
    expect(mayDecide(stored, alice, [], { selfApprovalAllowed: false })).toBe(false);
  });

  it('over HTTP: a proposal stored as self-approvable in local mode cannot be approved by its proposer once approvers are configured', async () => {
    const bot = await startBotUnderTest({ APPROVERS: ANNE });
    try {
      const pat = bot.chat('Pat Proposer');
      await pat.say('help');
      const seeded = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
      await seeded.register.create(
        aPartnership({ id: 'local-1', name: 'Made In Local Mode', proposer: { id: pat.user.aadObjectId, name: 'Pat Proposer' }, approval: { route: { stages: [[pat.user.aadObjectId]], selfApprovalAllowed: true }, stage: 1, history: [] } }),
        'seed-local-1',
      );
      seeded.close();
      const res = await pat.invoke('proposal.approve', { proposalId: 'local-1', stage: 1 }, 'm-local-1');
      expect(textOf(res.body.value)).toContain('Only the approvers of this proposal can decide it');
      expect(buttons(res.body.value)).not.toContain('Approve');
      const after = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
      expect((await after.register.get('local-1'))?.status).toBe('proposed');
      after.close();
    } finally {
      await bot.close();
    }
  });
});

describe('no anonymous endpoint off loopback', () => {
  it('refuses HOST=0.0.0.0 without an app id, naming HOST and what to set', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST.*MicrosoftAppId/);
    expect(() => loadConfig({ HOST: '127.0.0.1' })).not.toThrow();
    expect(() => loadConfig({ HOST: 'localhost' })).not.toThrow();
  });

  it('the built server exits with code 2 and says why', () => {
    const run = runBuiltServer({ HOST: '0.0.0.0' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/HOST/);
    expect(run.stderr).toMatch(/loopback/);
  });
});

describe('over HTTP, with the Bot Connector double', () => {
  let bot: BotUnderTest;
  let anne: Chat;
  let oscar: Chat;

  beforeAll(async () => {
    bot = await startBotUnderTest({ APPROVERS: ANNE, SECOND_STAGE_APPROVERS: `${SID},${TOM}`, REGISTER_OWNERS: OSCAR });
    anne = bot.chat('Anne Approver');
    oscar = bot.chat('Oscar Owner');
    await anne.say('help');
    await oscar.say('help');
  });
  afterAll(async () => {
    await bot.close();
  });

  async function storedItem(name: string) {
    const stores = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
    try {
      const proposed = await stores.register.listByStatus('proposed');
      return proposed.find((p) => p.name === name);
    } finally {
      stores.close();
    }
  }

  it('a forged edit of a significance step from the summary is refused', async () => {
    const pat = bot.chat('Pat Forger');
    const summary = await reachSummary(pat, proposalAnswers({ name: 'Forged Edit Partnership' }));
    const edit = actionsOf(summary.card).find((a) => a.verb === 'draft.edit')!;
    const forged = await pat.invoke('draft.edit', { ...edit.data, target: 'significance.impact' }, summary.messageId);
    expect(textOf(forged.body.value)).toContain('That is not possible at this stage');
    expect(textOf(forged.body.value)).toContain('Check your answers');
  });

  it('submit recomputes significance from the stored answers: a changed amount gives a significant proposal with two stages', async () => {
    const pat = bot.chat('Pat Changer');
    const summary = await reachSummary(pat, proposalAnswers({ name: 'Changed Funding Partnership' }));
    // However the answer changed after its outcome card was shown, the stored outcome says "not significant".
    const stores = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
    const [draft] = await stores.drafts.listByOwner(pat.user.aadObjectId);
    expect(draft.significance?.significant).toBe(false);
    // (With its risk checklist answered: a significant partnership is asked it before submitting.)
    const changed = await stores.drafts.update({ ...draft, answers: { ...draft.answers, ...riskChecklistAnswers(), fundingAtRisk: '5000000' } });
    stores.close();
    const submit = actionsOf(summary.card).find((a) => a.title === 'Submit for approval')!;
    const done = await pat.invoke('draft.submit', { ...submit.data, version: changed.version }, summary.messageId);
    expect(textOf(done.body.value)).toContain('Proposal submitted');
    const item = await storedItem('Changed Funding Partnership');
    expect(item?.significant).toBe(true);
    expect(item?.approval?.route.stages).toEqual([[ANNE], [SID, TOM]]);
  });

  it('submit recomputes screening: answers that now exclude the arrangement show the outcome and are not submitted', async () => {
    const pat = bot.chat('Pat Excluded');
    const summary = await reachSummary(pat, proposalAnswers({ name: 'Now Excluded Arrangement' }));
    const stores = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
    const [draft] = await stores.drafts.listByOwner(pat.user.aadObjectId);
    const changed = await stores.drafts.update({ ...draft, answers: { ...draft.answers, sharedService: 'yes' } });
    stores.close();
    const submit = actionsOf(summary.card).find((a) => a.title === 'Submit for approval')!;
    const shown = await pat.invoke('draft.submit', { ...submit.data, version: changed.version }, summary.messageId);
    expect(textOf(shown.body.value)).toContain('This is not a partnership');
    expect(textOf(shown.body.value)).toContain('was not submitted');
    expect(await storedItem('Now Excluded Arrangement')).toBeUndefined();
  });

  it('one person decides one stage per round: a double click by an approver listed at both stages decides one', async () => {
    const pat = bot.chat('Pat Twostage');
    await pat.say('help');
    const sid = bot.chat('Sid Senior');
    await sid.say('help');
    // Stored before start-up refused overlapping lists: Sid at both stages.
    const seeded = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
    await seeded.register.create(
      aPartnership({ id: 'overlap-1', name: 'Overlap Partnership', proposer: { id: pat.user.aadObjectId, name: 'Pat Twostage' }, significant: true, approval: { route: { stages: [[SID], [SID, TOM]], selfApprovalAllowed: false }, stage: 1, history: [] } }),
      'seed-overlap-1',
    );
    seeded.close();
    const card = await sid.invoke('proposal.open', { proposalId: 'overlap-1' }, 'm-overlap');
    const approve = actionsOf(card.body.value).find((a) => a.title === 'Approve')!;
    expect(approve.data.stage).toBe(1);
    const [first, second] = await Promise.all([sid.invoke('proposal.approve', approve.data, 'm-overlap'), sid.invoke('proposal.approve', approve.data, 'm-overlap')]);
    expect([first.status, second.status]).toEqual([200, 200]);
    // Even data forged to name the second stage is refused.
    const forged = await sid.invoke('proposal.approve', { ...approve.data, stage: 2 }, 'm-overlap');
    expect(textOf(forged.body.value)).toContain('You approved an earlier stage');
    await bot.idle();
    const stores = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
    const stored = await stores.register.get('overlap-1');
    stores.close();
    expect(stored?.status).toBe('proposed');
    expect(stored?.approval?.stage).toBe(2);
    expect(stored?.approval?.history.map((r) => [r.stage, r.by.id])).toEqual([[1, sid.user.aadObjectId.toLowerCase() === SID ? SID : sid.user.aadObjectId]]);
  });

  it('a press for a stage already decided is told where the proposal stands', async () => {
    const pat = bot.chat('Pat Stale');
    await pat.say('help');
    const seeded = openSqliteStores(join(bot.dataDir, 'register.sqlite'));
    await seeded.register.create(
      aPartnership({ id: 'stale-stage-1', name: 'Stale Stage Partnership', proposer: { id: pat.user.aadObjectId, name: 'Pat Stale' }, approval: { route: { stages: [[ANNE], [SID]], selfApprovalAllowed: false }, stage: 2, history: [{ stage: 1, decision: 'approve', by: { id: ANNE, name: 'Anne Approver' }, at: '2026-11-01T10:00:00.000Z', comment: '' }] } }),
      'seed-stale-stage-1',
    );
    seeded.close();
    const res = await anne.invoke('proposal.approve', { proposalId: 'stale-stage-1', stage: 1 }, 'm-stale');
    expect(textOf(res.body.value)).toContain('The stage this card was sent for has already been decided');
    expect(textOf(res.body.value)).toMatch(/Stage\s+2 of 2/);
    expect(buttons(res.body.value)).not.toContain('Approve');
  });

  it('an outsider opening or refreshing a proposal sees no answers; the proposer, its approver and a register owner do', async () => {
    const pat = bot.chat('Pat Private');
    const summary = await reachSummary(pat, proposalAnswers({ name: 'Private Answers Partnership', aims: 'Secret aims of the private partnership' }));
    await pat.press(summary, 'Submit for approval');
    await bot.idle();
    const item = await storedItem('Private Answers Partnership');
    const outsider = bot.chat('Olive Outsider');
    for (const verb of ['proposal.open', 'proposal.refresh']) {
      const seen = await outsider.invoke(verb, { proposalId: item!.id }, 'm-private');
      expect(textOf(seen.body.value)).toContain('You do not have access to this proposal');
      expect(JSON.stringify(seen.body.value)).not.toContain('Secret aims');
      expect(JSON.stringify(seen.body.value)).not.toContain('Private Answers Partnership');
    }
    for (const who of [pat, anne, oscar]) {
      const seen = await who.invoke('proposal.open', { proposalId: item!.id }, 'm-private');
      expect(`${who.user.name}: ${textOf(seen.body.value)}`).toContain(`${who.user.name}: Proposal`);
      expect(JSON.stringify(seen.body.value)).toContain('Secret aims');
    }
    // A second-stage approver is not concerned by a proposal that is not significant.
    expect(textOf((await bot.chat('Sid Senior').invoke('proposal.open', { proposalId: item!.id }, 'm-private')).body.value)).toContain('You do not have access');
  });

  it('a 200 KB typed message is answered, and another person\'s turn still answers at once', async () => {
    const heavy = bot.chat('Hugh Heavy');
    const other = bot.chat('Quinn Quick');
    const text = `${' '.repeat(200_000)}x`;
    const heavyTurn = heavy.say(text);
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    const reply = await other.say('help');
    const took = Date.now() - started;
    expect(textOf(reply.card)).toContain('How I can help');
    // On the main branch before the fix, the command regexes held the event loop for about 20 s here.
    expect(took).toBeLessThan(3000);
    expect(textOf((await heavyTurn).card)).toContain('Welcome to the Partnership Register');
  });

  it('an activity whose serviceUrl is not a string gets 400 and no JavaScript error', async () => {
    const user = teamsUser(bot.connector.url, { name: 'Fuzz Tester' });
    for (const broken of [{ serviceUrl: 42 }, { serviceUrl: { a: 1 } }, { from: 'me' }, { conversation: [] }, { channelData: 'x' }, { membersAdded: {} }, { text: 7 }]) {
      const res = await postActivity(bot.url(), { ...messageFrom(user, 'help'), ...broken });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).not.toMatch(/is not a function|TypeError|\bat .*\.js/);
    }
    expect((await postActivity(bot.url(), messageFrom(user, 'help'))).status).toBe(200);
  });

  it('control characters typed into an answer are not echoed onto the card', async () => {
    const pat = bot.chat('Nell Nul');
    const summary = await reachSummary(pat, proposalAnswers({ name: 'Null\u0000Byte\u0007 Partnership', aims: 'Tabs\tand\nnew lines stay\u001b[31m' }));
    const json = JSON.stringify(summary.card);
    expect(json).not.toMatch(/\\u000[0-8]|\\u001[0-9a-f]|\\u007f/i);
    expect(textOf(summary.card)).toContain('NullByte Partnership');
    expect(textOf(summary.card)).toContain('Tabs\tand\nnew lines stay[31m');
  });
});

describe('Teams only, our tenant only (with an app id)', () => {
  const identity = { appId: APP.MicrosoftAppId, tenantId: APP.MicrosoftAppTenantId };
  const approver = teamsUser('https://smba.example/', { name: 'Anne Approver', aadObjectId: ANNE, tenantId: APP.MicrosoftAppTenantId });

  it('refuses a Web Chat or Direct Line activity carrying an approver\'s id in from.id', () => {
    const webChat = { ...messageFrom(approver, 'pending approvals'), channelId: 'webchat', from: { id: ANNE, name: 'Anne Approver' } };
    expect(foreignActivity(webChat, identity)).toMatch(/not Teams/);
    expect(foreignActivity({ ...webChat, channelId: 'directline' }, identity)).toMatch(/not Teams/);
  });

  it('refuses a Teams activity with no Entra id, or from another tenant', () => {
    const noAad = { ...messageFrom(approver, 'help'), from: { id: '29:x', name: 'X' } };
    expect(foreignActivity(noAad, identity)).toMatch(/Entra/);
    const other = teamsUser('https://smba.example/', { name: 'Eve Elsewhere', tenantId: '00000000-0000-0000-0000-0000000000ee' });
    expect(foreignActivity(messageFrom(other, 'help'), identity)).toMatch(/tenant/);
    expect(foreignActivity(messageFrom(approver, 'help'), identity)).toBeUndefined();
    expect(foreignActivity({ ...messageFrom(approver, 'help'), channelId: 'webchat' }, undefined)).toBeUndefined();
  });

  it('takes identity from aadObjectId only when an app id is configured', () => {
    const spoofed = { ...messageFrom(approver, 'help'), from: { id: ANNE, name: 'Anne Approver' } };
    expect(personOf(spoofed, true)).toBeUndefined();
    expect(personOf(spoofed, false)?.id).toBe(ANNE);
    expect(personOf(messageFrom(approver, 'help'), true)?.id).toBe(ANNE);
  });

  it('the app answers a refused activity without doing anything: nothing is remembered or started', async () => {
    const stores = openMemoryStores();
    const config = loadConfig({ ...APP, APPROVERS: ANNE, LOG_LEVEL: 'silent' });
    const built = createApp({ config, journey: loadProposalJourney(), flows: loadFlows(), people: { find: async () => undefined }, ...stores, clock: { now: () => new Date('2026-11-30T10:00:00Z') }, ids: { next: () => 'id-1' }, logger: createLogger('silent') });
    const webChat = { ...messageFrom(approver, 'register'), channelId: 'webchat', from: { id: ANNE, name: 'Anne Approver' } };
    const context = new TurnContext(built.adapter as never, webChat as never);
    await built.runTurn(context);
    expect(context.responded).toBe(false);
    expect(await stores.conversations.get(ANNE)).toBeUndefined();
    expect(await stores.drafts.listByOwner(ANNE)).toEqual([]);
  });
});

describe('who may see a proposal (domain rule)', () => {
  const p = aPartnership({
    proposer: { id: 'user-pat', name: 'Pat' },
    approval: { route: { stages: [['user-anne'], ['sid@example.org']], selfApprovalAllowed: false }, stage: 1, history: [{ stage: 1, decision: 'request-changes', by: { id: 'user-old', name: 'Old' }, at: '2026-01-01T00:00:00Z', comment: 'x' }] },
  });
  it.each([
    ['the proposer, whatever the case of the id', { id: 'USER-PAT', name: 'Pat' }, [], true],
    ['a first-stage approver', { id: 'user-anne', name: 'Anne' }, [], true],
    ['a second-stage approver known by email', { id: 'user-sid', name: 'Sid' }, ['Sid@Example.org'], true],
    ['someone who decided an earlier round', { id: 'user-old', name: 'Old' }, [], true],
    ['a register owner', { id: 'user-oscar', name: 'Oscar' }, [], true],
    ['anyone else', { id: 'user-mallory', name: 'Mallory' }, [], false],
  ])('%s: %s', (_label, person, emails, expected) => {
    expect(mayView(p, person, emails as string[], ['user-oscar'])).toBe(expected);
  });
  it('a tampered record is shown to the register owners only, and nobody may decide it', () => {
    const tampered = { ...p, tampered: true };
    expect(mayView(tampered, { id: 'user-pat', name: 'Pat' }, [], ['user-oscar'])).toBe(false);
    expect(mayView(tampered, { id: 'user-oscar', name: 'Oscar' }, [], ['user-oscar'])).toBe(true);
    expect(mayDecide(tampered, { id: 'user-anne', name: 'Anne' }, [], { selfApprovalAllowed: false })).toBe(false);
  });
});

describe('start-up refuses overlapping stage lists', () => {
  it('names SECOND_STAGE_APPROVERS and the person in both', () => {
    expect(() => loadConfig({ APPROVERS: `${ANNE},${SID}`, SECOND_STAGE_APPROVERS: `${SID.toUpperCase()},${TOM}` })).toThrow(/SECOND_STAGE_APPROVERS.*aad-sid-senior/);
  });
});

describe('one instance per SQLite file', () => {
  it('a second process on the same DATA_DIR exits with its message; the first keeps serving', async () => {
    const bot = await startBotUnderTest();
    try {
      const run = runBuiltServer({ DATA_DIR: bot.dataDir, HOST: '127.0.0.1' });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/Another bot process is already using DATA_DIR/);
      expect(textOf((await bot.chat('Still Here').say('help')).card)).toContain('How I can help');
      // A restart in the same process releases and takes the lock again.
      await bot.restart();
      expect(textOf((await bot.chat('Still Here').say('help')).card)).toContain('How I can help');
    } finally {
      await bot.close();
    }
  });
});

describe('a line manager who is also a second-stage approver decides one stage', () => {
  it('routes the second stage to the others, or the first stage to APPROVERS when there are no others', async () => {
    const graph = await startGraphDouble();
    try {
      graph.setManager('user-pat', SID);
      const routing = (second: string[]) =>
        new GraphManagerRouting({ approvers: [ANNE], secondStageApprovers: second, localMode: false }, { baseUrl: graph.url, token: async () => 'local-double' }, createLogger('silent'));
      const pat = { id: 'user-pat', name: 'Pat' };
      expect((await routing([SID, TOM]).routeFor(pat, true)).stages).toEqual([[SID], [TOM]]);
      const fallback = await routing([SID]).routeFor(pat, true);
      expect(fallback.stages).toEqual([[ANNE], [SID]]);
      expect(fallback.routeNote).toBe('manager-is-second-stage');
      expect((await routing([SID]).routeFor(pat, false)).stages).toEqual([[SID]]);
    } finally {
      await graph.close();
    }
  });
});
