import type { Locator, Page } from 'playwright-core';

/**
 * What the Microsoft 365 Agents Playground (0.2.28) page looks like, learned
 * by driving it from Chromium. Its CSS class names are hashed (Fluent UI
 * makeStyles) and change between releases, so these selectors lean on roles,
 * accessible names and the few stable class names:
 *
 * - Composer: the contenteditable `role=textbox` (a Lexical editor with no
 *   accessible name; its placeholder "Type a message..." is a sibling). Click
 *   it, type with the keyboard, press Enter. `fill()` is not used: Lexical
 *   keeps its own state and ignores DOM writes.
 * - A bot message bubble: `.fai-OutputCard` (the user's own messages are not
 *   OutputCards). Plain text shows as a `<p>` inside it.
 * - An Adaptive Card: `.ac-adaptiveCard` inside a bubble (the adaptivecards
 *   renderer's class). Buttons are `role=button` named by their title;
 *   an expanded Input.ChoiceSet is a `role=radiogroup` named by its label
 *   with `role=radio` options named by their titles; Input.Text is a
 *   `role=textbox` named by its label. Client-side validation (isRequired,
 *   errorMessage) runs in the page: an invalid card sends no invoke and shows
 *   the errorMessage in the card.
 * - Input.Date is a Fluent DatePicker: a `role=combobox` text input named
 *   by its label (placeholder "Select a date..."). Clicking it opens
 *   `role=dialog` "Calendar" (outside the card, in a portal): a header
 *   button "November 2026", buttons "Previous month October" / "Next month
 *   December", and day buttons named "30, November, 2026". After a pick the
 *   input reads "31 March 2027" (en-GB) and the card submits 2027-03-31.
 * - A compact Input.ChoiceSet is a Fluent Combobox: `role=combobox` named by
 *   its label (placeholder "Choose..."); clicking it lists `role=option`s
 *   named by their titles; after a choice the input reads the title.
 * - Each input sits in a wrapper with its `<label>`; the TextBlocks that come
 *   after it in the same container (a help line, an error the bot put there)
 *   are what a person reads under the question (see textUnderInput).
 * - After an Action.Execute: a card returned by the bot replaces the card in
 *   place; a message returned instead shows in a banner in the same bubble
 *   (`[aria-label="Display Invoked Message"]`, e.g. "Your response was sent
 *   to the app" after a card update, or the message text).
 * - The log panel (open by default) has one row per activity: a span
 *   "Microsoft 365 Agents Playground -> User Application " (sent to the bot)
 *   or "User Application -> Microsoft 365 Agents Playground " (from the bot),
 *   followed by a span "<type> <status>", e.g. "invoke 200", "message 201".
 *   That row is the only reliable sign that an invoke round trip finished.
 * - Ready: the page opens the chat and sends installationUpdate and
 *   conversationUpdate when the page loads (not when the server starts).
 */

export const TO_BOT = 'Microsoft 365 Agents Playground -> User Application';
export const FROM_BOT = 'User Application -> Microsoft 365 Agents Playground';

export interface LoggedActivity {
  readonly direction: 'toBot' | 'fromBot';
  readonly type: string;
  /** HTTP status of the exchange, as the Playground logged it. */
  readonly status: number;
  /** Text after the status, e.g. the message text. */
  readonly detail: string;
}

export function composer(page: Page): Locator {
  // Cards above it may hold text inputs of their own: the composer is the contenteditable one.
  return page.locator('[contenteditable="true"][role="textbox"]').last();
}

export function botMessages(page: Page): Locator {
  return page.locator('.fai-OutputCard');
}

export function cards(page: Page): Locator {
  return page.locator('.ac-adaptiveCard');
}

export function invokedMessage(bubbleOrCard: Locator): Locator {
  return bubbleOrCard.locator('[aria-label="Display Invoked Message"]');
}

/**
 * The validation messages a card shows (an input's errorMessage): text blocks
 * that an input names in its aria-labelledby. The renderer adds them when a
 * click fails validation and removes them when a later click passes.
 */
export async function validationErrors(card: Locator): Promise<string[]> {
  const read = card.evaluate((root) => {
    const referenced = new Set<string>();
    for (const el of Array.from(root.querySelectorAll('[aria-labelledby]'))) {
      for (const id of (el.getAttribute('aria-labelledby') ?? '').split(/\s+/)) referenced.add(id);
    }
    return Array.from(root.querySelectorAll('.ac-textBlock[id]'))
      .filter((el) => referenced.has(el.id))
      .map((el) => (el.textContent ?? '').trim())
      .filter((text) => text !== '');
  }, undefined, { timeout: 1000 });
  // A card replaced or removed by the answer has no errors to show.
  return read.catch(() => []);
}

/**
 * The text a card shows under the input labelled `label` (exactly, as the
 * person reads it): the TextBlocks after the input, before the next input,
 * e.g. a help line and the error the bot put under the question.
 */
export async function textUnderInput(card: Locator, label: string): Promise<string[]> {
  return card.evaluate((root, wanted) => {
    const labels = Array.from(root.querySelectorAll('label')).filter((l) => (l.textContent ?? '').trim() === wanted);
    if (labels.length !== 1) throw new Error(`expected one input labelled "${wanted}" on the card, found ${labels.length}`);
    const texts: string[] = [];
    for (let next = labels[0].parentElement?.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.querySelector('label, input, textarea, select')) break;
      if (!next.classList.contains('ac-textBlock')) continue;
      const text = (next.textContent ?? '').trim();
      if (text !== '') texts.push(text);
    }
    return texts;
  }, label);
}

/** The Playground's log panel, parsed into rows. */
export async function loggedActivities(page: Page): Promise<LoggedActivity[]> {
  return page.evaluate(
    ({ toBot, fromBot }) => {
      const rows: { direction: 'toBot' | 'fromBot'; type: string; status: number; detail: string }[] = [];
      for (const span of Array.from(document.querySelectorAll('span'))) {
        const text = (span.textContent ?? '').trim();
        if (text !== toBot && text !== fromBot) continue;
        const typeAndStatus = (span.nextElementSibling?.textContent ?? '').trim().match(/^(\S+) (\d{3})$/);
        if (!typeAndStatus) continue;
        let detail = '';
        for (let next = span.nextElementSibling?.nextElementSibling; next; next = next.nextElementSibling) detail += next.textContent ?? '';
        rows.push({ direction: text === toBot ? 'toBot' : 'fromBot', type: typeAndStatus[1], status: Number(typeAndStatus[2]), detail: detail.trim() });
      }
      return rows;
    },
    { toBot: TO_BOT, fromBot: FROM_BOT },
  );
}

/** Polls the log panel until a row matching `predicate` appears after the first `skip` rows. */
export async function waitForLogged(page: Page, predicate: (row: LoggedActivity) => boolean, skip: number, timeoutMs: number, what: string): Promise<LoggedActivity> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await loggedActivities(page);
    const found = rows.slice(skip).find(predicate);
    if (found) return found;
    if (Date.now() > deadline) {
      const recent = rows.slice(-8).map((r) => `${r.direction} ${r.type} ${r.status} ${r.detail}`.trim());
      throw new Error(`The Playground logged no ${what} within ${timeoutMs} ms. Last log rows:\n  ${recent.join('\n  ') || '(none)'}`);
    }
    await page.waitForTimeout(100);
  }
}

/** Waits until the log panel has gained no row for `quietMs` (e.g. a welcome message after conversationUpdate). */
export async function waitForQuietLog(page: Page, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let count = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const now = (await loggedActivities(page)).length;
    if (now !== count) {
      count = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return;
    }
    await page.waitForTimeout(100);
  }
}
