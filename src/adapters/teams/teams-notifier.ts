import { CardFactory, MessageFactory, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import type { Logger } from '../../logger';
import type { ConversationDirectory, ConversationRecord } from '../../ports/conversation-directory';
import type { Delivery, Notifier, SentMessage } from '../../ports/notifier';
import type { SendPacer } from './send-pacer';

export interface TeamsNotifierOptions {
  /** Empty in local (anonymous) mode. */
  readonly botAppId: string;
  /** Where to create a 1:1 conversation for someone who never wrote to the bot. */
  readonly serviceUrl: string;
  readonly tenantId?: string;
  readonly now: () => Date;
  /** Paces sends under Teams' limits; none: sends go at once. */
  readonly pacer?: SendPacer;
}

/** 403 (blocked, not in roster, app not installed) and 404 mean the person cannot be reached: do not retry. */
function isUnreachable(err: unknown): boolean {
  const status = (err as { statusCode?: number })?.statusCode;
  return status === 403 || status === 404;
}

/** Retry-After of a 429 (or 503) as milliseconds: seconds or an HTTP date. */
function retryAfterOf(err: unknown): number | undefined {
  const headers = (err as { response?: { headers?: unknown } })?.response?.headers as { get?: (name: string) => string | undefined } | Record<string, string> | undefined;
  const raw = typeof headers?.get === 'function' ? headers.get('retry-after') : (headers as Record<string, string> | undefined)?.['retry-after'];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(String(raw));
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function referenceOf(record: ConversationRecord): Partial<ConversationReference> {
  return {
    channelId: record.channelId,
    serviceUrl: record.serviceUrl,
    conversation: { id: record.conversationId, isGroup: false, conversationType: 'personal', tenantId: record.tenantId, name: '' },
    bot: { id: record.botId, name: 'Partnership Register' },
    user: { id: record.userId, name: record.name },
  };
}

/** Proactive 1:1 messages through the Bot Connector, by the conversation reference kept for each person. */
export class TeamsNotifier implements Notifier {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly conversations: ConversationDirectory,
    private readonly options: TeamsNotifierOptions,
    private readonly logger: Logger,
  ) {}

  async send(userId: string, card: object): Promise<Delivery> {
    try {
      await this.options.pacer?.turn(userId.toLowerCase());
      const record = (await this.conversations.get(userId)) ?? (await this.createConversation(userId));
      let activityId = '';
      await this.continueWith(referenceOf(record), async (context) => {
        const sent = await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
        activityId = sent?.id ?? '';
      });
      return { ok: true, message: { userId, conversationId: record.conversationId, activityId } };
    } catch (err) {
      const reason = isUnreachable(err) ? 'unreachable' : 'failed';
      const retryAfterMs = reason === 'failed' ? retryAfterOf(err) : undefined;
      this.logger.warn({ err, userId, reason, retryAfterMs }, 'proactive message not delivered');
      return retryAfterMs === undefined ? { ok: false, reason } : { ok: false, reason, retryAfterMs };
    }
  }

  async update(message: SentMessage, card: object): Promise<boolean> {
    const record = await this.conversations.get(message.userId);
    if (!record) return false;
    try {
      await this.continueWith({ ...referenceOf(record), conversation: { ...referenceOf(record).conversation!, id: message.conversationId } }, async (context) => {
        const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
        activity.id = message.activityId;
        await context.updateActivity(activity);
      });
      return true;
    } catch (err) {
      this.logger.warn({ err, userId: message.userId }, 'card not updated');
      return false;
    }
  }

  /**
   * The adapter hands an error thrown inside a proactive turn to its onTurnError
   * handler and returns normally; we need it back to tell "sent" from "blocked".
   */
  private async continueWith(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    let failure: unknown;
    await this.adapter.continueConversationAsync(this.options.botAppId, reference, async (context) => {
      try {
        await logic(context);
      } catch (err) {
        failure = err;
      }
    });
    if (failure) throw failure;
  }

  /** Creates the 1:1 chat by Entra object id (works once the app is installed for the person). */
  private async createConversation(userId: string): Promise<ConversationRecord> {
    let record: ConversationRecord | undefined;
    await this.adapter.createConversationAsync(
      this.options.botAppId,
      'msteams',
      this.options.serviceUrl,
      '',
      {
        isGroup: false,
        bot: { id: this.options.botAppId ? `28:${this.options.botAppId}` : 'bot', name: 'Partnership Register' },
        members: [{ id: userId, name: '' }],
        tenantId: this.options.tenantId,
        channelData: { tenant: { id: this.options.tenantId } },
      } as never,
      async (context) => {
        record = {
          userId,
          name: '',
          tenantId: this.options.tenantId,
          serviceUrl: this.options.serviceUrl,
          conversationId: context.activity.conversation.id,
          channelId: 'msteams',
          botId: this.options.botAppId ? `28:${this.options.botAppId}` : 'bot',
          updatedAt: this.options.now().toISOString(),
        };
      },
    );
    if (!record) throw new Error('the conversation was not created');
    await this.conversations.save(record);
    return record;
  }
}
