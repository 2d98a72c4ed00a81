import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBotConnector, type BotConnectorDouble } from '../test/doubles/bot-connector';
import { BOT_ENTRY, ECHO_ENTRY, REPO_ROOT, launchBot, type LaunchedBot, type MemorySample } from './launch';
import { approverIds, approverUsers, chatsFor, decideAll, echoTurns, pool, proposerUsers, quiescence, registerOnce, waitForApprovalCards } from './load';
import { byLabel, installTurnTiming, timed, TurnRecorder, TURN_TYPES, type TurnType } from './turns';
import { mb, ratio, round, table, target, turnTable, type Target, type TurnTable } from './report';
import { CARD_LIMIT_KB, cardFigures } from './cards';
import { expandInProcess } from './cards-in-process';
import { benchSharePoint, type StoreFigures } from './stores';
import { benchSweep, sweepTargetValue } from './sweep';
import { sideBySide } from './side-by-side';

/**
 * `npm run bench`: what a turn costs against the stack's own floor (an echo bot
 * on the same stack, in the same run), the approval decisions under 20
 * approvers, the cards, the memory, the start-up, and the same load with the
 * register in SharePoint (the double). Prints tables; writes
 * bench-results/latest.json. Figures, not a test: it never fails on a MISS.
 */

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 50);
/** Stretches of load per bot, alternating (ABBA) with the echo bot's. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);
const load = () => loadavg().map((n) => round(n));

/** The commit measured; dirty when tracked files other than bench-results/ differ from it. */
function gitCommit(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench-results'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

interface MemoryFigures {
  idle_rss: number;
  idle_heap_used: number;
  end_rss: number;
  end_heap_used: number;
  peak_rss: number;
}

async function idleMemory(bot: LaunchedBot): Promise<{ rss: number; heap: MemorySample }> {
  await new Promise((r) => setTimeout(r, 1500));
  return { rss: bot.rss().rss, heap: await bot.memory() };
}

export interface LoadRun {
  readonly turns: TurnTable;
  readonly approvals: TurnTable;
  readonly seconds: number;
  readonly total_turns: number;
  /** Server and client p50/p99 per message text and verb. */
  readonly by_label?: ReturnType<typeof byLabel>;
  /** The bot's event-loop delay over the registrations (ms; resolution 5 ms): queueing Server-Timing cannot see. */
  readonly loop_delay_ms?: MemorySample['loopDelay'];
}

/** One person's registration on `bot`, untimed: warms the process and gives the turn mix the echo bot replays. */
export async function warmUp(bot: LaunchedBot, connector: BotConnectorDouble, label: string): Promise<TurnType[]> {
  // Approvers have talked to the bot before, as in Teams where they have the app.
  for (const a of chatsFor(approverUsers(connector.url), () => bot.url, connector)) await a.say('help');
  const warm = new TurnRecorder();
  await timed(warm, () => registerOnce(chatsFor(proposerUsers(connector.url, 1, `${label} Warmup`), () => bot.url, connector)[0], 0));
  await quiescence(connector);
  return warm.samples.map((s) => s.type);
}

/**
 * The bot's load, after one warm-up registration: 50 people register at once;
 * then 20 approvers, each having listed their pending approvals, decide the 51
 * proposals at once (approver i takes every 20th).
 */
export async function oursLoad(bot: LaunchedBot, connector: BotConnectorDouble, label: string, mark: (phase: 'registrations' | 'decisions') => void = () => undefined): Promise<LoadRun & { endRss: number; endHeap: MemorySample }> {
  const approvers = chatsFor(approverUsers(connector.url), () => bot.url, connector);
  log(`${label}: ${CONVERSATIONS} conversations (load ${load().join(' ')})`);
  await bot.memory();
  const recorder = new TurnRecorder();
  const people = chatsFor(proposerUsers(connector.url, CONVERSATIONS, `${label} Proposer`), () => bot.url, connector);
  await timed(recorder, () => pool(people, CONVERSATIONS, (chat, i) => registerOnce(chat, i + 1)));
  const endRss = bot.rss().rss;
  const endHeap = await bot.memory();
  await waitForApprovalCards(approvers, CONVERSATIONS + 1, 120_000);
  await quiescence(connector);
  await Promise.all(approvers.map((a) => a.say('pending approvals')));
  log(`${label}: ${approvers.length} approvers deciding (load ${load().join(' ')})`);
  mark('registrations');
  const decisions = new TurnRecorder();
  await timed(decisions, () => decideAll(approvers));
  await quiescence(connector);
  mark('decisions');
  return { turns: turnTable(recorder), approvals: turnTable(decisions), seconds: round(recorder.seconds), total_turns: recorder.samples.length + decisions.samples.length, by_label: byLabel(recorder), loop_delay_ms: endHeap.loopDelay, endRss, endHeap };
}

async function main(): Promise<void> {
  installTurnTiming();
  const started = Date.now();
  const git = gitCommit();
  const machine = { cores: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform}-${process.arch}`, load_avg_start: load(), git_commit: git.commit, git_dirty: git.dirty, date: new Date().toISOString() };
  log(`machine: ${machine.cores} cores, Node ${machine.node}, load ${machine.load_avg_start.join(' ')}, commit ${git.commit.slice(0, 10)}${git.dirty ? ' (dirty)' : ''}`);

  const connector = await startBotConnector();
  const dataDir = mkdtempSync(join(tmpdir(), 'prb-bench-'));
  const approvers = approverUsers(connector.url);
  const templates = resolve(REPO_ROOT, 'dist', 'src', 'views', 'templates.js');
  let ours: LaunchedBot | undefined;
  let echo: LaunchedBot | undefined;
  try {
    ours = await launchBot('ours', BOT_ENTRY, { DATA_DIR: dataDir, BOT_SERVICE_URL: connector.url, APPROVERS: approverIds(approvers), BENCH_TEMPLATES_MODULE: templates }, connector.url);
    const oursIdle = await idleMemory(ours);
    echo = await launchBot('echo', ECHO_ENTRY, {}, connector.url);
    const echoIdle = await idleMemory(echo);
    // Start-up, three times each, alternating (the first pair is the one measured above): the median is reported.
    const starts = { ours: [ours.startupMs], echo: [echo.startupMs] };
    for (let i = 0; i < 2; i++) {
      const oursDir = mkdtempSync(join(tmpdir(), 'prb-bench-start-'));
      try {
        const again = await launchBot('ours-start', BOT_ENTRY, { DATA_DIR: oursDir, BOT_SERVICE_URL: connector.url, APPROVERS: approverIds(approvers) }, connector.url);
        starts.ours.push(again.startupMs);
        await again.stop();
      } finally {
        rmSync(oursDir, { recursive: true, force: true });
      }
      const echoAgain = await launchBot('echo-start', ECHO_ENTRY, {}, connector.url);
      starts.echo.push(echoAgain.startupMs);
      await echoAgain.stop();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const startupMs = { ours: median(starts.ours), echo: median(starts.echo) };
    log(`started: ours ${starts.ours.map(Math.round).join(', ')} ms, echo ${starts.echo.map(Math.round).join(', ')} ms (medians ${Math.round(startupMs.ours)}, ${Math.round(startupMs.echo)})`);

    const mix = await warmUp(ours, connector, 'SQLite');
    await echoTurns(echo.url, proposerUsers(connector.url, 1, 'Echo Warmup')[0], mix);
    await quiescence(connector);

    log(`${ROUNDS} rounds of ${CONVERSATIONS} conversations of ${mix.length} turns, alternating with the echo bot`);
    const side = await sideBySide(ours, echo, connector, mix, { rounds: ROUNDS, conversations: CONVERSATIONS, alreadySubmitted: 1, log });
    const oursRun = { ...side.ours, endRss: side.oursEnd.rss, endHeap: side.oursEnd.heap };
    const echoRun = side.echo;
    const echoEnd = { rss: { rss: side.echoEnd.rss, peak: echo.rss().peak }, heap: side.echoEnd.heap };
    const oursPeak = ours.rss().peak;
    const cards = cardFigures(await ours.cardStats(), expandInProcess);
    const loadAfterSqlite = load();
    await ours.stop();
    await echo.stop();
    ours = undefined;
    echo = undefined;

    log(`SharePoint register (load ${load().join(' ')})`);
    const sharePoint: StoreFigures = await benchSharePoint(
      (bot, c) => warmUp(bot, c, 'SharePoint'),
      (bot, c, mark) => oursLoad(bot, c, 'SharePoint', mark),
    );
    log(`STATE_STORE=azure on Azurite, register on the SharePoint double (load ${load().join(' ')})`);
    const azureState: StoreFigures = await benchSharePoint(
      (bot, c) => warmUp(bot, c, 'Azure'),
      (bot, c, mark) => oursLoad(bot, c, 'Azure', mark),
      'azure',
    );
    log(`reminder sweep (load ${load().join(' ')})`);
    const sweep = await benchSweep(log);
    const sweepTarget = sweepTargetValue(sweep);

    const memory: Record<'ours' | 'echo', MemoryFigures> = {
      ours: { idle_rss: oursIdle.rss, idle_heap_used: oursIdle.heap.heapUsed, end_rss: oursRun.endRss, end_heap_used: oursRun.endHeap.heapUsed, peak_rss: oursPeak },
      echo: { idle_rss: echoIdle.rss, idle_heap_used: echoIdle.heap.heapUsed, end_rss: echoEnd.rss.rss, end_heap_used: echoEnd.heap.heapUsed, peak_rss: echoEnd.rss.peak },
    };
    const server = (run: LoadRun, t: TurnType, k: 'server_p50' | 'server_p95' | 'server_p99' | 'p50' | 'p95' | 'p99') => (t === 'approval_invoke' ? run.approvals[t]?.[k] : run.turns[t]?.[k]);
    const echoFloor = (t: TurnType): TurnType => t;
    const ratios: Record<string, number | undefined> = {};
    for (const t of TURN_TYPES) {
      for (const p of ['p50', 'p95', 'p99'] as const) {
        const name = t === 'approval_invoke' ? 'invoke' : t;
        ratios[`${p}_ratio_${name}`] = ratio(server(oursRun, t, `server_${p}`), server(echoRun, echoFloor(t), `server_${p}`));
        ratios[`client_${p}_ratio_${name}`] = ratio(server(oursRun, t, p), server(echoRun, echoFloor(t), p));
      }
    }
    const largestCard = Math.max(...cards.map((c) => c.kb_max ?? 0));
    const targets: Target[] = [
      target('card action p99 / echo p99 (server time)', ratios.p99_ratio_card_action, 1.3, 'x', (v) => v <= 1.3, '<= 1.3'),
      target('message p99 / echo p99 (server time)', ratios.p99_ratio_message, 1.3, 'x', (v) => v <= 1.3, '<= 1.3'),
      target('approval invoke p99 / echo p99 (server time)', ratios.p99_ratio_invoke, 1.5, 'x', (v) => v <= 1.5, '<= 1.5'),
      target('card action p50 server time', oursRun.turns.card_action?.server_p50, 20, 'ms', (v) => v < 20, '< 20'),
      target('idle RSS / echo idle RSS', memory.ours.idle_rss / memory.echo.idle_rss, 1.1, 'x', (v) => v <= 1.1, '<= 1.1'),
      target('RSS after the load / echo after the same load', memory.ours.end_rss / memory.echo.end_rss, 1.5, 'x', (v) => v <= 1.5, '<= 1.5'),
      target('start-up to first answered request (median of 3)', startupMs.ours, 2000, 'ms', (v) => v <= 2000, '<= 2000'),
      target('largest card', largestCard, CARD_LIMIT_KB, 'KB', (v) => v < CARD_LIMIT_KB, `< ${CARD_LIMIT_KB}`),
      target('sweep: 200 due in 10,000 entries, SharePoint requests beyond the sends', sweepTarget.value, 5, 'requests', (v) => v <= 5 && sweepTarget.refusals === 0, '<= 5, none refused for the threshold'),
    ];

    const result = {
      machine: { ...machine, load_avg_after_sqlite_run: loadAfterSqlite, load_avg_end: load(), bench_seconds: round((Date.now() - started) / 1000, 1) },
      measured: 'server time = the Server-Timing header the bench preload adds (request event to answer headers, inside the process); client time = request sent to the whole answer received, in the bench process',
      conversations: CONVERSATIONS,
      approvers: approvers.length,
      turn_mix_per_conversation: Object.fromEntries(TURN_TYPES.map((t) => [t, mix.filter((m) => m === t).length])),
      ...ratios,
      startup_ms: { ours: round(startupMs.ours), echo: round(startupMs.echo), ours_runs: starts.ours.map((x) => round(x)), echo_runs: starts.echo.map((x) => round(x)) },
      memory,
      rounds: ROUNDS,
      turns: { ours: side.ours, echo: echoRun },
      cards,
      stores: { sqlite: { total_turns: oursRun.total_turns, seconds: oursRun.seconds, turns: oursRun.turns, approvals: oursRun.approvals }, sharepoint: sharePoint, azure_state: azureState },
      sweep,
      targets,
    };
    printReport(result as never);
    mkdirSync(resolve(REPO_ROOT, 'bench-results'), { recursive: true });
    writeFileSync(resolve(REPO_ROOT, 'bench-results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote bench-results/latest.json (${result.machine.bench_seconds} s)`);
  } finally {
    await ours?.stop();
    await echo?.stop();
    await connector.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

type Result = Record<string, any>;

function printReport(r: Result): void {
  const m = r.machine;
  const out: string[] = [];
  out.push(`Partnership Register bench: ${m.cores} cores (${m.cpu_model}), Node ${m.node}, commit ${String(m.git_commit).slice(0, 10)}${m.git_dirty ? ' (dirty)' : ''}`);
  out.push(`load average at start ${m.load_avg_start.join(' ')}, after the SQLite run ${m.load_avg_after_sqlite_run.join(' ')}, at the end ${m.load_avg_end.join(' ')} (shared machine: read the ratios, measured side by side)`);
  out.push(`${r.rounds} stretches per bot (alternating ABBA with the echo bot) of ${r.conversations} conversations at once, each ${Object.entries(r.turn_mix_per_conversation).map(([k, v]) => `${v} ${k}`).join(' + ')}; ${r.approvers} approvers; times in ms; server = Server-Timing inside the process, client = from the bench process`);
  const rows: (string | number | undefined)[][] = [];
  for (const t of TURN_TYPES) {
    const pick = (run: LoadRun) => (t === 'approval_invoke' ? run.approvals[t] : run.turns[t]);
    const o = pick(r.turns.ours);
    const e = pick(r.turns.echo);
    const name = t === 'approval_invoke' ? 'invoke' : t;
    rows.push([`${t} (ours)`, o?.count, o?.server_p50, o?.server_p95, o?.server_p99, o?.p50, o?.p95, o?.p99, o?.turns_per_s]);
    rows.push([`${t} (echo)`, e?.count, e?.server_p50, e?.server_p95, e?.server_p99, e?.p50, e?.p95, e?.p99, e?.turns_per_s]);
    rows.push([`${t} ratio`, undefined, r[`p50_ratio_${name}`], r[`p95_ratio_${name}`], r[`p99_ratio_${name}`], r[`client_p50_ratio_${name}`], r[`client_p95_ratio_${name}`], r[`client_p99_ratio_${name}`], undefined]);
  }
  out.push(table('Turns: ours against the echo bot (SQLite register)', ['turn', 'n', 'srv p50', 'srv p95', 'srv p99', 'cli p50', 'cli p95', 'cli p99', 'turns/s'], rows));
  const labels = r.turns.ours.by_label ?? {};
  out.push(table('Where the bot\'s turns go (server time by message text and verb, SQLite run)', ['message or verb', 'n', 'srv p50', 'srv p99', 'cli p50', 'cli p99'], Object.entries(labels).map(([k, v]: [string, any]) => [k, v.count, v.server_p50, v.server_p99, v.client_p50, v.client_p99])));
  const ld = (x?: { p50: number; p99: number; max: number }) => (x ? `${x.p50} / ${x.p99} / ${x.max}` : '-');
  out.push(`\nEvent-loop delay during the registrations (ms, p50 / p99 / max; 5 ms resolution): ours ${ld(r.turns.ours.loop_delay_ms)}, echo ${ld(r.turns.echo.loop_delay_ms)}`);
  const mem = r.memory;
  out.push(table('Memory (MB) and start-up (ms)', ['bot', 'idle RSS', 'idle heap', 'RSS after load', 'heap after load', 'peak RSS', 'start-up'], [
    ['ours', mb(mem.ours.idle_rss), mb(mem.ours.idle_heap_used), mb(mem.ours.end_rss), mb(mem.ours.end_heap_used), mb(mem.ours.peak_rss), r.startup_ms.ours],
    ['echo', mb(mem.echo.idle_rss), mb(mem.echo.idle_heap_used), mb(mem.echo.end_rss), mb(mem.echo.end_heap_used), mb(mem.echo.peak_rss), r.startup_ms.echo],
  ]));
  out.push(table('Cards (expanded inside the bot during the run, through src/views/templates.ts)', ['card', 'expansions', 'median ms', 'p99 ms', 'KB median', 'KB max', 'note'], r.cards.map((c: Result) => [c.card, c.expansions, c.median_ms, c.p99_ms, c.kb_median, c.kb_max, c.note ?? ''])));
  const storeRow = (name: string, s: Result) =>
    s.available === false
      ? [name, s.note]
      : [name, `${s.total_turns} turns in ${s.seconds} s; card action p50/p99 ${round(s.turns.card_action?.server_p50)}/${round(s.turns.card_action?.server_p99)} ms, message ${round(s.turns.message?.server_p50)}/${round(s.turns.message?.server_p99)} ms, decisions ${round(s.approvals.approval_invoke?.server_p50)}/${round(s.approvals.approval_invoke?.server_p99)} ms${s.sharepoint_requests !== undefined ? `; ${s.sharepoint_requests} SharePoint requests (${s.sharepoint_requests_per_turn}/turn)` : ''}${s.table_requests !== undefined ? `; ${s.table_requests} Azurite table requests (${s.table_requests_per_turn}/turn)` : ''}`];
  out.push(table('Stores (the same load; server time)', ['store', 'figures'], [storeRow('SQLite register', r.stores.sqlite), storeRow('SharePoint register (double)', r.stores.sharepoint), storeRow('STATE_STORE=azure (Azurite) + SharePoint register (double)', r.stores.azure_state)]));
  const sp = r.stores.sharepoint;
  if (sp.sharepoint_decision_requests) {
    out.push(table(`SharePoint requests of the ${sp.approvals.approval_invoke?.count} decisions (${sp.sharepoint_requests_per_decision} per decision)`, ['request', 'n'], Object.entries(sp.sharepoint_decision_requests)));
  }
  const az = r.stores.azure_state;
  if (az.table_requests_by_kind) out.push(table(`Azurite table requests during the STATE_STORE=azure load (${az.table_requests_per_turn} per turn)`, ['request', 'n'], Object.entries(az.table_requests_by_kind)));
  out.push(
    table(
      `Reminder sweep on ${r.sweep.day}, ${round(r.sweep.due_share * 100)}% due (wall = app.runReminders to its answer, every send to the connector double done; sends paced to Teams' 50/s)`,
      ['store', 'entries', 'due', 'sent', 'seed ms', 'wall ms', 'SP requests', 'question', 'per reminder', 'other', 'largest page', 'threshold refusals'],
      r.sweep.runs.map((x: Result) => [x.store, x.entries, x.due, x.sent, x.seed_ms, x.wall_ms, x.sharepoint_requests, x.sharepoint_question_requests, x.sharepoint_per_reminder_requests, x.sharepoint_other_requests, x.largest_page, x.threshold_refusals]),
    ),
  );
  out.push(table('Targets', ['target', 'value', 'limit', 'result'], r.targets.map((t: Target) => [t.name, t.value === null ? 'not measured' : `${t.value} ${t.unit}`, t.limit, t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'MISS'])));
  console.log(out.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
