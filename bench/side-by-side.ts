import { loadavg } from 'node:os';
import type { BotConnectorDouble } from '../test/doubles/bot-connector';
import type { LaunchedBot, MemorySample } from './launch';
import { approverUsers, chatsFor, decideAll, echoTurns, pool, proposalIds, proposerUsers, quiescence, registerOnce, waitForApprovalCards } from './load';
import { turnTable } from './report';
import { byLabel, timed, TurnRecorder, type TurnType } from './turns';
import type { LoadRun } from './run';

/**
 * The bot and the echo bot under the same load, in alternating stretches
 * (echo, bot, bot, echo, echo, bot, ...: ABBA, so drift in the machine's other
 * load falls on both alike), each stretch 50 conversations at once. Percentiles
 * are over every stretch's turns pooled. Then the decisions, alternating the
 * same way: 20 approvers at once on the bot, the same number of approve
 * invokes from 20 at once on the echo bot.
 */

export interface SideBySide {
  readonly ours: LoadRun;
  readonly echo: LoadRun;
  readonly oursEnd: { rss: number; heap: MemorySample };
  readonly echoEnd: { rss: number; heap: MemorySample };
}

type Delay = MemorySample['loopDelay'];
const worse = (a: Delay | undefined, b: Delay): Delay => (a && a.p99 >= b.p99 ? a : b);

function chunks<T>(items: readonly T[], count: number): T[][] {
  const size = Math.ceil(items.length / count);
  return Array.from({ length: count }, (_, i) => items.slice(i * size, (i + 1) * size)).filter((c) => c.length > 0);
}

export async function sideBySide(
  ours: LaunchedBot,
  echo: LaunchedBot,
  connector: BotConnectorDouble,
  mix: readonly TurnType[],
  options: { rounds: number; conversations: number; alreadySubmitted: number; log: (text: string) => void },
): Promise<SideBySide> {
  const { rounds, conversations: n, log } = options;
  const approvers = chatsFor(approverUsers(connector.url), () => ours.url, connector);
  const echoApprovers = approverUsers(connector.url);
  const turns = { ours: new TurnRecorder(), echo: new TurnRecorder() };
  const decisions = { ours: new TurnRecorder(), echo: new TurnRecorder() };
  const loop: { ours?: Delay; echo?: Delay } = {};
  const order = (r: number) => (r % 2 === 0 ? (['echo', 'ours'] as const) : (['ours', 'echo'] as const));
  const echoMix = mix.filter((t) => t !== 'approval_invoke');
  let submitted = options.alreadySubmitted;
  let oursEnd = { rss: ours.rss().rss, heap: await ours.memory() };
  let echoEnd = { rss: echo.rss().rss, heap: await echo.memory() };
  const firstRoundChats = chatsFor(proposerUsers(connector.url, n, 'SQLite Proposer r1'), () => ours.url, connector);

  for (let r = 0; r < rounds; r++) {
    for (const side of order(r)) {
      if (side === 'echo') {
        await echo.memory();
        const people = proposerUsers(connector.url, n, `Echo Proposer r${r + 1}`);
        await timed(turns.echo, () => pool(people, n, (user) => echoTurns(echo.url, user, echoMix)));
        echoEnd = { rss: echo.rss().rss, heap: await echo.memory() };
        loop.echo = worse(loop.echo, echoEnd.heap.loopDelay);
      } else {
        log(`round ${r + 1}/${rounds}: ${n} registrations at once (load ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
        await ours.memory();
        const chats = r === 0 ? firstRoundChats : chatsFor(proposerUsers(connector.url, n, `SQLite Proposer r${r + 1}`), () => ours.url, connector);
        await timed(turns.ours, () => pool(chats, n, (chat, i) => registerOnce(chat, r * n + i + 1)));
        oursEnd = { rss: ours.rss().rss, heap: await ours.memory() };
        loop.ours = worse(loop.ours, oursEnd.heap.loopDelay);
        submitted += n;
        // The approval cards this stretch caused are the bot's own work: let it finish before the echo bot's stretch.
        await waitForApprovalCards(approvers, submitted, 180_000);
        await quiescence(connector);
      }
    }
  }

  // Each approver first lists what waits for them (the pending-approvals card; untimed).
  await Promise.all(approvers.map((a) => a.say('pending approvals')));
  const parts = chunks(proposalIds(approvers), rounds);
  for (let r = 0; r < parts.length; r++) {
    for (const side of order(r)) {
      if (side === 'ours') {
        log(`round ${r + 1}/${parts.length}: ${approvers.length} approvers deciding ${parts[r].length} proposals`);
        await timed(decisions.ours, () => decideAll(approvers, parts[r]));
        await quiescence(connector);
      } else {
        const count = parts[r].length;
        await timed(decisions.echo, () =>
          Promise.all(echoApprovers.map((user, i) => echoTurns(echo.url, user, Array.from({ length: Math.max(0, Math.ceil((count - i) / echoApprovers.length)) }, () => 'approval_invoke' as const)))),
        );
      }
    }
  }
  // What's due after approval (the due card; untimed).
  await pool(firstRoundChats, n, (chat) => chat.say("what's due").then(() => undefined));
  await quiescence(connector);

  const run = (side: 'ours' | 'echo'): LoadRun => ({
    turns: turnTable(turns[side]),
    approvals: turnTable(decisions[side]),
    seconds: Math.round(turns[side].seconds * 100) / 100,
    total_turns: turns[side].samples.length + decisions[side].samples.length,
    by_label: byLabel(turns[side]),
    loop_delay_ms: loop[side],
  });
  return { ours: run('ours'), echo: run('echo'), oursEnd, echoEnd };
}
