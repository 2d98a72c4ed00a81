import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server';
import { startBotConnector, type BotConnectorDouble } from '../doubles/bot-connector';
import { teamsUser } from '../doubles/teams-activity';
import { proposalAnswers, riskChecklistAnswers } from '../fixtures/builders';
import { Chat, inputIdsOf, type ShownCard } from './chat';

export interface BotUnderTest {
  readonly connector: BotConnectorDouble;
  readonly dataDir: string;
  url(): string;
  chat(name: string): Chat;
  /** Waits for work the bot does after answering (approval cards, updates). */
  idle(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** The real server on a free port, on SQLite in a temp folder, replying to a Bot Connector double. */
export async function startBotUnderTest(env: Record<string, string> = {}, options: ServerOptions = {}): Promise<BotUnderTest> {
  const connector = await startBotConnector();
  const dataDir = mkdtempSync(join(tmpdir(), 'prb-bot-'));
  const config = () => loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', BOT_SERVICE_URL: connector.url, ...env });
  let server: RunningServer = await startServer(config(), options);
  return {
    connector,
    dataDir,
    url: () => server.url,
    chat: (name) => new Chat(() => server.url, connector, teamsUser(connector.url, { name })),
    idle: () => server.idle(),
    restart: async () => {
      await server.close();
      server = await startServer(config(), options);
    },
    close: async () => {
      await server.close();
      await connector.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Answers every input on a step card from `answers`, pressing `button`. */
export function answersFor(card: ShownCard, answers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(inputIdsOf(card.card).filter((id) => id in answers).map((id) => [id, answers[id]]));
}

const STEP_BUTTONS = ['Next', 'Continue', 'Review answers'];

/** Walks a fresh registration from "register" to the summary, answering from `answers`. */
export async function reachSummary(chat: Chat, answers: Record<string, string> = proposalAnswers()): Promise<ShownCard> {
  let shown: ShownCard = await chat.say('register');
  for (let i = 0; i < 20; i++) {
    if (JSON.stringify(shown.card).includes('"Submit for approval"')) return shown;
    const titles = JSON.stringify(shown.card);
    const button = STEP_BUTTONS.find((t) => titles.includes(`"title":"${t}"`));
    if (!button) throw new Error(`stuck on a card with no way forward: ${titles.slice(0, 500)}`);
    // A significant partnership is also asked the risk checklist (002 "Risk Management").
    shown = await chat.press(shown, button, answersFor(shown, { ...riskChecklistAnswers(), ...answers }));
  }
  throw new Error('the journey did not reach the summary in 20 steps');
}
