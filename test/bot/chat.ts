import type { BotConnectorDouble, RecordedActivity } from '../doubles/bot-connector';
import { invokeActionExecute, messageFrom, postActivity, type TeamsUser } from '../doubles/teams-activity';

export type Card = Record<string, any>;

export interface ShownCard {
  readonly card: Card;
  /** The message the card is on: the id Action.Execute invokes carry as replyToId. */
  readonly messageId: string;
}

/** Visits every object inside a card's body and actions, depth first. */
function visit(card: Card, pick: (node: Card) => void): void {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    pick(node as Card);
    for (const value of Object.values(node)) if (value && typeof value === 'object') walk(value);
  };
  walk(card.actions ?? []);
  walk(card.body ?? []);
}

/** Every Action.Execute on a card, top-level or inside ActionSets. */
export function actionsOf(card: Card): Card[] {
  const found: Card[] = [];
  visit(card, (n) => {
    if (n.type === 'Action.Execute') found.push(n);
  });
  return found;
}

/** All the text a person would read on a card. */
export function textOf(card: Card): string {
  const parts: string[] = [];
  visit({ body: card.body ?? [] }, (n) => {
    for (const key of ['text', 'title', 'value', 'label']) if (typeof n[key] === 'string') parts.push(n[key]);
  });
  return parts.join('\n');
}

export function inputIdsOf(card: Card): string[] {
  const ids: string[] = [];
  visit({ body: card.body ?? [] }, (n) => {
    if (typeof n.type === 'string' && n.type.startsWith('Input.') && typeof n.id === 'string') ids.push(n.id);
  });
  return ids;
}

function cardOf(activity: RecordedActivity): Card | undefined {
  return activity.activity.attachments?.find((a: Card) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/**
 * One person's 1:1 chat with the bot, over real HTTP: messages and card presses
 * go to /api/messages as Teams sends them; replies are read from the Bot
 * Connector double.
 */
export class Chat {
  constructor(
    private readonly botUrl: () => string,
    readonly connector: BotConnectorDouble,
    readonly user: TeamsUser,
  ) {}

  /** Cards the bot sent to this person's chat (proactive or replies), oldest first. */
  cardsReceived(): ShownCard[] {
    return this.connector.activities
      .filter((a) => a.conversationId === this.user.conversationId && a.method === 'POST' && cardOf(a))
      .map((a) => ({ card: cardOf(a)!, messageId: a.id }));
  }

  /** Waits for the nth card (1-based count) to arrive in this chat. */
  async waitForCards(count: number, timeoutMs = 10_000): Promise<ShownCard[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.cardsReceived().length < count) {
      if (Date.now() > deadline) throw new Error(`${this.user.name} received ${this.cardsReceived().length} cards, expected ${count}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.cardsReceived();
  }

  /** Types a message and returns the card the bot answers with. */
  async say(text: string): Promise<ShownCard> {
    const before = this.cardsReceived().length;
    const res = await postActivity(this.botUrl(), messageFrom(this.user, text));
    if (res.status !== 200) throw new Error(`message "${text}" got HTTP ${res.status}`);
    const cards = await this.waitForCards(before + 1);
    return cards[cards.length - 1];
  }

  /** Sends an invoke exactly as given (for forged or stale data) and returns the HTTP result. */
  async invoke(verb: string, data: Record<string, unknown>, messageId: string) {
    return postActivity(this.botUrl(), invokeActionExecute(this.user, verb, data, messageId));
  }

  /**
   * Presses the button titled `title` on a shown card, with these input values,
   * and returns the card that replaces it (or the message text when the bot
   * answered with a message).
   */
  async press(shown: ShownCard, title: string, inputs: Record<string, string> = {}): Promise<ShownCard & { message?: string }> {
    const action = actionsOf(shown.card).find((a) => a.title === title);
    if (!action) throw new Error(`no button "${title}" on the card; buttons: ${actionsOf(shown.card).map((a) => a.title).join(', ')}`);
    const res = await this.invoke(action.verb, { ...action.data, ...inputs }, shown.messageId);
    if (res.status !== 200) throw new Error(`pressing "${title}" got HTTP ${res.status}: ${JSON.stringify(res.body)}`);
    const body = res.body as { type: string; value: unknown };
    if (body.type === 'application/vnd.microsoft.activity.message') return { ...shown, message: String(body.value) };
    return { card: body.value as Card, messageId: shown.messageId };
  }
}
