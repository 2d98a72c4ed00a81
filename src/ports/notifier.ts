/**
 * Proactive messages to a person's 1:1 chat with the bot. `card` is an Adaptive
 * Card already rendered by views/. A person who cannot be reached (left, blocked
 * the bot, app not installed) gives `unreachable`: never retried, escalated instead.
 */
export interface SentMessage {
  readonly userId: string;
  readonly conversationId: string;
  readonly activityId: string;
}

export type Delivery =
  | { readonly ok: true; readonly message: SentMessage }
  | { readonly ok: false; readonly reason: 'unreachable' | 'failed'; /** How long Teams asked us to wait (429 Retry-After), when it said. */ readonly retryAfterMs?: number };

export interface Notifier {
  send(userId: string, card: object): Promise<Delivery>;
  /** Replaces a message sent earlier (the card "updates in place"). */
  update(message: SentMessage, card: object): Promise<boolean>;
}
