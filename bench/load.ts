import { Chat, actionsOf, type ShownCard } from '../test/bot/chat';
import { reachSummary } from '../test/bot/bot-under-test';
import type { BotConnectorDouble } from '../test/doubles/bot-connector';
import { invokeActionExecute, messageFrom, postActivity, teamsUser, type TeamsUser } from '../test/doubles/teams-activity';
import { proposalAnswers } from '../test/fixtures/builders';
import { Verb } from '../src/bot/verbs';
import type { TurnType } from './turns';

/**
 * The conversations the bench drives, through the test helpers, so they follow
 * the questionnaires as the tests do: `reachSummary` walks screening,
 * significance and registration with the fixture answers; nothing here knows a
 * question. Each person: `help`, the whole registration, submit, `my partnerships`.
 */

/** The approvers configured (APPROVERS), all deciding at once; BENCH_APPROVERS to try fewer (each gets every approval card). */
export const APPROVER_COUNT = Number(process.env.BENCH_APPROVERS ?? 20);

export function approverUsers(serviceUrl: string): TeamsUser[] {
  return Array.from({ length: APPROVER_COUNT }, (_, i) => teamsUser(serviceUrl, { name: `Bench Approver ${String(i + 1).padStart(2, '0')}` }));
}

export function proposerUsers(serviceUrl: string, count: number, prefix = 'Bench Proposer'): TeamsUser[] {
  return Array.from({ length: count }, (_, i) => teamsUser(serviceUrl, { name: `${prefix} ${String(i + 1).padStart(3, '0')}` }));
}

/** The Entra ids to configure as APPROVERS. */
export function approverIds(users: readonly TeamsUser[]): string {
  return users.map((u) => u.aadObjectId).join(',');
}

function actionFor(shown: ShownCard, verb: string) {
  const action = actionsOf(shown.card).find((a) => a.verb === verb);
  if (!action) throw new Error(`no ${verb} action on the card; verbs: ${actionsOf(shown.card).map((a) => a.verb).join(', ')}`);
  return action;
}

/** One person's whole registration, from `help` to `my partnerships` after submitting. */
export async function registerOnce(chat: Chat, index: number): Promise<void> {
  await chat.say('help');
  const summary = await reachSummary(chat, proposalAnswers({ name: `Bench Partnership ${String(index).padStart(3, '0')}` }));
  const submit = actionFor(summary, Verb.submit);
  const res = await chat.invoke(submit.verb, { ...submit.data }, summary.messageId);
  if (res.status !== 200) throw new Error(`submit got HTTP ${res.status}`);
  await chat.say('my partnerships');
}

/** Runs `work` for each item with at most `concurrency` at once. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
    }
  });
  await Promise.all(runners);
}

/** The approval cards `approver` has received, one per proposal (the latest copy). */
export function approvalCardsOf(chat: Chat): Map<string, ShownCard> {
  const byProposal = new Map<string, ShownCard>();
  for (const shown of chat.cardsReceived()) {
    const approve = actionsOf(shown.card).find((a) => a.verb === Verb.approve);
    if (approve) byProposal.set(String(approve.data?.proposalId), shown);
  }
  return byProposal;
}

/** Waits until every approver holds an approval card for each of `expected` proposals. */
export async function waitForApprovalCards(approvers: readonly Chat[], expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const short = approvers.filter((a) => approvalCardsOf(a).size < expected);
    if (short.length === 0) return;
    if (Date.now() > deadline) throw new Error(`approval cards missing: ${short.map((a) => `${a.user.name} has ${approvalCardsOf(a).size}/${expected}`).join('; ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every proposal id the approvers hold a card for, in a fixed order. */
export function proposalIds(approvers: readonly Chat[]): string[] {
  return [...approvalCardsOf(approvers[0]).keys()].sort();
}

/** 20 approvers at once, each approving its share of `proposals` (approver i takes every 20th). */
export async function decideAll(approvers: readonly Chat[], proposals: readonly string[] = proposalIds(approvers)): Promise<void> {
  await Promise.all(
    approvers.map(async (approver, i) => {
      const cards = approvalCardsOf(approver);
      for (let j = i; j < proposals.length; j += approvers.length) {
        const shown = cards.get(proposals[j])!;
        const approve = actionFor(shown, Verb.approve);
        const res = await approver.invoke(approve.verb, { ...approve.data, comment: 'Approved in the bench run' }, shown.messageId);
        if (res.status !== 200) throw new Error(`approve got HTTP ${res.status}`);
      }
    }),
  );
}

/** The echo bot gets the same turns: a message where ours had a message, an invoke where ours had one. */
export async function echoTurns(botUrl: string, user: TeamsUser, turns: readonly TurnType[]): Promise<void> {
  for (const type of turns) {
    const activity =
      type === 'message' ? messageFrom(user, 'help') : invokeActionExecute(user, type === 'approval_invoke' ? Verb.approve : Verb.next, { draftId: 'd-1', version: 3, name: 'Bench' }, 'm-1');
    const res = await postActivity(botUrl, activity);
    if (res.status !== 200) throw new Error(`echo ${type} got HTTP ${res.status}`);
  }
}

export function chatsFor(users: readonly TeamsUser[], url: () => string, connector: BotConnectorDouble): Chat[] {
  return users.map((u) => new Chat(url, connector, u));
}

/** Waits until the bots have sent nothing to the connector for `quietMs`: work after answering (approval cards, updates) is done. */
export async function quiescence(connector: BotConnectorDouble, quietMs = 500, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = connector.requests.length;
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`the bots were still sending after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
    if (connector.requests.length !== seen) {
      seen = connector.requests.length;
      since = Date.now();
    }
  }
}
