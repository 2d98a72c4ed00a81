import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT, startBotProcess, type BotProcess } from '../doubles/bot-process';
import { freePort, isPortFree, startProcess, waitForOutput, type ManagedProcess } from '../doubles/processes';
import { botMessages, cards, composer, invokedMessage, loggedActivities, textUnderInput, validationErrors, waitForLogged, waitForQuietLog, type LoggedActivity } from './playground-page';

/**
 * The whole local stack for browser tests: the built bot (`node
 * dist/src/server.js`), the Microsoft 365 Agents Playground pointed at it, and
 * Debian's Chromium on the Playground page, driven by playwright-core.
 *
 * Run through `npm run test:e2e` (scripts/run-e2e.sh): it builds, then runs
 * jest inside a network namespace that has only loopback, because the
 * Playground's telemetry and the page's CDN fonts try outside addresses.
 * startStack refuses to run anywhere else.
 *
 * Environment knobs: E2E_VERBOSE=1 copies the bot's and Playground's output
 * to stderr; E2E_BOT_ENTRY=/path/server.js drives another bot with the same
 * conventions (HOST, PORT, DATA_DIR), e.g. a throwaway echo bot.
 *
 *   const stack = await startStack({ dataDir });
 *   try {
 *     await stack.sendMessage('help');
 *     const reply = await stack.waitForReply();
 *     await stack.chooseRadio('Kind of partnership', 'Statutory');
 *     expect(await stack.clickButton('Submit')).toBe(200);
 *     expect(await stack.cardText()).toContain('Submitted');
 *   } finally {
 *     await stack.stop();
 *   }
 */

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const PLAYGROUND_CLI = require.resolve('@microsoft/m365agentsplayground/cli.js');
const LOOPBACK_PRELOAD = resolve(REPO_ROOT, 'scripts', 'listen-on-loopback.js');
const RESULTS_DIR = resolve(REPO_ROOT, 'test-results');

export interface StackOptions {
  /** The bot's SQLite folder (DATA_DIR); the Playground's log goes there too. */
  readonly dataDir: string;
  /** Extra environment for the bot. */
  readonly env?: Readonly<Record<string, string>>;
  /** A Playground config (.m365agentsplayground.yml: current user, other users, tenant). */
  readonly playgroundConfig?: string;
  /** Default 56150, or a free port if that one is taken. */
  readonly playgroundPort?: number;
  /** Default timeout of the waits below, in ms. */
  readonly timeoutMs?: number;
}

export interface Stack {
  readonly page: Page;
  readonly bot: BotProcess;
  readonly playgroundUrl: string;
  /** Types into the composer and sends; resolves with the status the bot answered the message with. */
  sendMessage(text: string): Promise<number>;
  /**
   * Waits for the bot's first message bubble newer than the last
   * sendMessage/clickButton (or than `since`, a count of bubbles) and returns it.
   */
  waitForReply(options?: { since?: number; timeoutMs?: number }): Promise<Locator>;
  /** All bot message bubbles, oldest first. */
  botMessages(): Locator;
  /** The newest Adaptive Card on the page. */
  lastCard(): Locator;
  /** The visible text of a card (default the newest). */
  cardText(card?: Locator): Promise<string>;
  /**
   * Clicks an Action.Execute button by its title and waits until the
   * Playground logged the invoke's answer; resolves with its status. If the
   * card fails its own validation no invoke is sent: this rejects at once with the errors.
   */
  clickButton(name: string, card?: Locator): Promise<number>;
  /** Picks an option of an expanded Input.ChoiceSet (radios) by the input's label and the option's title. */
  chooseRadio(label: string, optionTitle: string, card?: Locator): Promise<void>;
  /** Picks an option of a compact Input.ChoiceSet (a dropdown) by the input's label and the option's title. */
  chooseOption(label: string, optionTitle: string, card?: Locator): Promise<void>;
  /** Fills an Input.Text by its label. */
  fillText(label: string, value: string, card?: Locator): Promise<void>;
  /**
   * Picks a date (YYYY-MM-DD) on an Input.Date as a person does: opens its
   * calendar, moves month by month to the date's month and clicks the day.
   * Resolves with what the input then reads (e.g. "31 March 2027").
   */
  pickDate(label: string, isoDate: string, card?: Locator): Promise<string>;
  /** The text the card shows under the input labelled exactly `label` (help, the bot's error). */
  textUnder(label: string, card?: Locator): Promise<string[]>;
  /** The banner the Playground shows in a bubble after an invoke ("Your response was sent to the app", or a message). */
  invokedMessage(card?: Locator): Locator;
  /** The Playground's log panel as rows. */
  logged(): Promise<LoggedActivity[]>;
  /**
   * Saves test-results/<name>.png and returns the path: the full page, or
   * with `card` that whole card (the page is made tall enough to show it).
   */
  screenshot(name: string, card?: Locator): Promise<string>;
  /** Output of the bot and the Playground, for failure messages. */
  output(): string;
  /** Closes Chromium, stops the Playground and the bot. Safe to call twice. */
  stop(): Promise<void>;
}

/** Fails unless the only network interface is loopback (see scripts/run-e2e.sh). */
export function assertLoopbackOnly(): void {
  const names = Object.keys(networkInterfaces());
  const outside = names.filter((n) => n !== 'lo');
  if (outside.length > 0 || !names.includes('lo')) {
    throw new Error(
      `Browser tests must run in a network namespace with loopback only, but this one has: ${names.join(', ') || 'no interfaces'}. ` +
        'Run them with `npm run test:e2e` (scripts/run-e2e.sh), which creates one (as root).',
    );
  }
}

async function startPlayground(botMessagesUrl: string, options: StackOptions): Promise<{ proc: ManagedProcess; url: string }> {
  const wanted = options.playgroundPort ?? 56150;
  const port = (await isPortFree(wanted)) ? wanted : await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    TEAMSAPPTESTER_BROWSER: 'none',
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    M365_AGENTS_PLAYGROUND_LOGFILE: join(options.dataDir, 'playground.log'),
  };
  if (options.playgroundConfig) env.M365_AGENTS_PLAYGROUND_CONFIG_PATH = resolve(options.playgroundConfig);
  // node -r the loopback preload, not node_modules/.bin: the Playground has no host option.
  const args = [
    '-r', LOOPBACK_PRELOAD, PLAYGROUND_CLI,
    '-e', botMessagesUrl, '-c', 'msteams', '-p', String(port),
    '--service-url', `http://127.0.0.1:${port}/_connector`,
    '--disable-telemetry',
  ];
  const proc = startProcess(process.execPath, args, { label: 'playground', cwd: REPO_ROOT, env, echo: process.env.E2E_VERBOSE === '1' });
  try {
    const [, actual] = await waitForOutput(proc, /Listening on (\d+)/, 'The Agents Playground', 30_000);
    return { proc, url: `http://127.0.0.1:${actual}` };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

async function openPage(playgroundUrl: string, userDataDir: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // The page asks a CDN for fonts and animations: refuse them at once rather than wait for a timeout.
    await context.route((url) => !/^(127\.0\.0\.1|localhost)$/.test(url.hostname), (route) => route.abort('blockedbyclient'));
    await page.goto(playgroundUrl);
    return { context, page };
  } catch (err) {
    await context.close().catch(() => undefined);
    throw err;
  }
}

export async function startStack(options: StackOptions): Promise<Stack> {
  assertLoopbackOnly();
  const timeoutMs = options.timeoutMs ?? 20_000;
  mkdirSync(options.dataDir, { recursive: true });
  const userDataDir = mkdtempSync(join(tmpdir(), 'e2e-chromium-'));
  let bot: BotProcess | undefined;
  let playground: ManagedProcess | undefined;
  let context: BrowserContext | undefined;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await context?.close().catch(() => undefined);
    await Promise.all([playground?.stop(5000), bot?.stop()]);
    rmSync(userDataDir, { recursive: true, force: true });
  };
  const output = (): string => `--- bot ---\n${bot?.output() ?? ''}\n--- playground ---\n${playground?.output() ?? ''}`;

  try {
    bot = await startBotProcess({ dataDir: options.dataDir, env: options.env, entry: process.env.E2E_BOT_ENTRY || undefined });
    const started = await startPlayground(bot.messagesUrl, options);
    playground = started.proc;
    const opened = await openPage(started.url, userDataDir);
    context = opened.context;
    const page = opened.page;
    page.setDefaultTimeout(timeoutMs);

    await composer(page).waitFor({ state: 'visible' });
    // Ready once the bot has answered the conversationUpdate the page sends on load.
    await waitForLogged(page, (r) => r.direction === 'toBot' && r.type === 'conversationUpdate', 0, timeoutMs, 'answered conversationUpdate');
    // ...and has sent whatever it sends on its own (a welcome), so the first reply a test waits for is its own.
    await waitForQuietLog(page, 500, timeoutMs);

    let mark = await botMessages(page).count();
    const lastCard = (): Locator => cards(page).last();

    const stack: Stack = {
      page,
      bot,
      playgroundUrl: started.url,
      async sendMessage(text) {
        mark = await botMessages(page).count();
        const before = (await loggedActivities(page)).length;
        await composer(page).click();
        await page.keyboard.type(text);
        await page.keyboard.press('Enter');
        const row = await waitForLogged(page, (r) => r.direction === 'toBot' && r.type === 'message', before, timeoutMs, `message "${text}" sent to the bot`);
        return row.status;
      },
      async waitForReply({ since, timeoutMs: wait } = {}) {
        const index = since ?? mark;
        const reply = botMessages(page).nth(index);
        try {
          await reply.waitFor({ state: 'visible', timeout: wait ?? timeoutMs });
        } catch (err) {
          throw new Error(`No bot message #${index + 1} appeared. ${(err as Error).message}\n${output()}`);
        }
        return reply;
      },
      botMessages: () => botMessages(page),
      lastCard,
      async cardText(card = lastCard()) {
        return card.innerText();
      },
      async clickButton(name, card = lastCard()) {
        mark = await botMessages(page).count();
        const before = (await loggedActivities(page)).length;
        await card.getByRole('button', { name, exact: true }).click();
        // The renderer validates inputs on click, synchronously: failed validation sends nothing.
        const errors = await validationErrors(card);
        if (errors.length > 0) {
          throw new Error(`Clicking "${name}" sent no invoke: the card failed its own validation: ${errors.join('; ')}`);
        }
        try {
          const row = await waitForLogged(page, (r) => r.direction === 'toBot' && r.type === 'invoke', before, timeoutMs, `invoke after clicking "${name}"`);
          return row.status;
        } catch (err) {
          const text = await card.innerText().catch(() => '(card gone)');
          throw new Error(`${(err as Error).message}\nThe card now reads:\n${text}\n${output()}`);
        }
      },
      async chooseRadio(label, optionTitle, card = lastCard()) {
        await card.getByRole('radiogroup', { name: label }).getByRole('radio', { name: optionTitle, exact: true }).check();
      },
      async chooseOption(label, optionTitle, card = lastCard()) {
        const input = card.getByRole('combobox', { name: label });
        await input.click();
        await page.getByRole('option', { name: optionTitle, exact: true }).click();
        const shown = await input.inputValue();
        if (shown !== optionTitle) throw new Error(`"${label}" reads "${shown}" after choosing "${optionTitle}"`);
      },
      async fillText(label, value, card = lastCard()) {
        await card.getByRole('textbox', { name: label }).fill(value);
      },
      async pickDate(label, isoDate, card = lastCard()) {
        const [year, month, day] = isoDate.split('-').map(Number);
        const nameOf = (m: number) => new Date(Date.UTC(2000, m - 1, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
        const input = card.getByRole('combobox', { name: label });
        await input.click();
        const calendar = page.getByRole('dialog', { name: 'Calendar' });
        // The header button names the month shown: "November 2026".
        const header = calendar.getByRole('button', { name: /^[A-Z][a-z]+ \d{4}$/ }).first();
        for (let moves = 0; ; moves++) {
          const [shownMonth, shownYear] = (await header.innerText()).trim().split(/\s+/);
          const shown = Number(shownYear) * 12 + [...Array(12).keys()].findIndex((m) => nameOf(m + 1) === shownMonth);
          const wanted = year * 12 + (month - 1);
          if (shown === wanted) break;
          if (moves > 36) throw new Error(`the calendar of "${label}" did not reach ${nameOf(month)} ${year}: it shows ${shownMonth} ${shownYear}`);
          await calendar.getByRole('button', { name: shown < wanted ? /^Next month/ : /^Previous month/ }).click();
          await header.filter({ hasNotText: `${shownMonth} ${shownYear}` }).waitFor();
        }
        await calendar.getByRole('button', { name: `${day}, ${nameOf(month)}, ${year}`, exact: true }).click();
        await calendar.waitFor({ state: 'hidden' });
        return input.inputValue();
      },
      textUnder: (label, card = lastCard()) => textUnderInput(card, label),
      invokedMessage: (card = lastCard()) => invokedMessage(card.locator('xpath=ancestor::*[contains(@class,"fai-OutputCard")][1]')),
      logged: () => loggedActivities(page),
      async screenshot(name, card) {
        mkdirSync(RESULTS_DIR, { recursive: true });
        const path = join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
        if (!card) {
          await page.screenshot({ path, fullPage: true });
          return path;
        }
        // The chat scrolls inside the page, so a full-page shot shows only its visible part: make the page taller.
        const viewport = page.viewportSize() ?? { width: 1280, height: 900 };
        const box = await card.boundingBox();
        try {
          if (box && box.height + 300 > viewport.height) await page.setViewportSize({ width: viewport.width, height: Math.ceil(box.height + 300) });
          await card.scrollIntoViewIfNeeded();
          await card.screenshot({ path });
        } finally {
          await page.setViewportSize(viewport);
        }
        return path;
      },
      output,
      stop,
    };
    return stack;
  } catch (err) {
    const detail = output();
    await stop();
    if (err instanceof Error) err.message += `\n${detail}`;
    throw err;
  }
}
