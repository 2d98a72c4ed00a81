import { ActivityTypes, CardFactory, MessageFactory, TeamsInfo, type TurnContext } from 'botbuilder';
import { Application, TurnState, type TeamsAdapter } from '@microsoft/teams-ai';
import type { ConversationDirectory, ConversationRecord } from '../ports/conversation-directory';
import { renderWelcome } from '../views/journey-views';
import type { Card } from '../views/templates';
import { actionHandlers, commandOf, formCommandOf, runAction, runFormCommand, type HandlerDeps } from './handlers';
import { localeOf, say } from '../views/catalogue';
import { personOf } from './identity';
import { Verb } from './verbs';

export interface BotDeps extends HandlerDeps {
  readonly adapter: TeamsAdapter;
  readonly conversations: ConversationDirectory;
  readonly botAppId?: string;
}

/**
 * Answers an Action.Execute ourselves. teams-ai would switch a verb's route to
 * "update the message for everyone" for good the first time a returned card has
 * `refresh`; we decide per response instead: the invoke answer updates the card
 * of the person who clicked, and other copies are updated explicitly.
 */
async function answerInvoke(context: TurnContext, reply: Card | string): Promise<void> {
  const body = typeof reply === 'string'
    ? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: reply }
    : { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: reply };
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
}

function cardActivity(card: Card) {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

/** The member lookup happens inside a person's turn: it must not hold it. */
const MEMBER_LOOKUP_MS = 3000;

/** The person's email or UPN as Teams reports it; best effort (the Playground may not know it). */
async function emailOf(context: TurnContext): Promise<string | undefined> {
  if (context.activity.channelId !== 'msteams' || !context.activity.from?.id) return undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const member = await Promise.race([
      TeamsInfo.getMember(context, context.activity.from.id),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from the Bot Connector within ${MEMBER_LOOKUP_MS} ms`)), MEMBER_LOOKUP_MS);
      }),
    ]);
    const email = member.email ?? member.userPrincipalName;
    return email ? email.toLowerCase() : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Keeps the person's conversation reference fresh (Teams can move a person to
 * another serviceUrl), so approvals and reminders can reach them: written when
 * it changed, or when last seen is a day old, not on every activity.
 */
async function rememberConversation(deps: BotDeps, context: TurnContext): Promise<boolean> {
  const a = context.activity;
  const person = personOf(a, deps.strictIdentity);
  // A personal-only app: group chats and channels are never where a person is reached.
  const personal = a.conversation?.conversationType === 'personal' || (a.conversation?.conversationType === undefined && a.conversation?.isGroup !== true);
  if (!person || !a.serviceUrl || !a.conversation?.id || !personal) return false;
  const known = await deps.conversations.get(person.id);
  // Asked once, on first contact: not a Connector call on every activity for people Teams reports no email for.
  const email = known ? known.email : await emailOf(context);
  const now = deps.clock.now();
  const record: ConversationRecord = {
    ...known,
    userId: person.id,
    name: person.name,
    channelUserId: a.from?.id,
    email,
    tenantId: person.tenantId,
    serviceUrl: a.serviceUrl,
    conversationId: a.conversation.id,
    channelId: a.channelId,
    botId: a.recipient?.id ?? '',
    updatedAt: now.toISOString(),
  };
  if (!known || !sameReference(known, record) || now.getTime() - Date.parse(known.updatedAt) >= SEEN_REFRESH_MS) await deps.conversations.save(record);
  return known === undefined;
}

/**
 * How stale "last seen" may grow before an unchanged reference is written again:
 * a write per turn was one storage round trip on every activity (with Azure
 * Tables state, a read and a write per turn); last seen only orders people
 * who share an email.
 */
const SEEN_REFRESH_MS = 24 * 60 * 60 * 1000;

function sameReference(a: ConversationRecord, b: ConversationRecord): boolean {
  const { updatedAt: _a, ...left } = a;
  const { updatedAt: _b, ...right } = b;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]) as Set<keyof typeof left>;
  return [...keys].every((k) => left[k] === right[k]);
}

/** The teams-ai Application: routes only; each handler calls one use case and renders one view. */
export function createBot(deps: BotDeps): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter: deps.adapter,
    botAppId: deps.botAppId,
    startTypingTimer: false,
    removeRecipientMention: true,
  });
  const firstContact = new WeakMap<TurnContext, boolean>();

  app.turn('beforeTurn', async (context) => {
    try {
      firstContact.set(context, await rememberConversation(deps, context));
    } catch (err) {
      deps.logger.warn({ err, activityId: context.activity.id }, 'could not save the conversation reference');
    }
    return true;
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    const people = (context.activity.membersAdded ?? []).filter((m) => m.id !== botId);
    const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === botId);
    if (people.length > 0 || botAdded) await context.sendActivity(cardActivity(renderWelcome({ help: false, locale: localeOf(context.activity.locale) })));
  });

  app.activity(ActivityTypes.Message, async (context) => {
    const command = commandOf(context.activity.text);
    const form = command ? undefined : formCommandOf(deps.flows, context.activity.text);
    if (form) {
      const reply = await runFormCommand(deps, context, form);
      await context.sendActivity(typeof reply === 'string' ? MessageFactory.text(reply) : cardActivity(reply));
      return;
    }
    if (!command) {
      const locale = localeOf(context.activity.locale);
      const note = firstContact.get(context) ? '' : say(locale, 'notRecognised');
      await context.sendActivity(cardActivity(renderWelcome({ help: !firstContact.get(context), note, locale })));
      return;
    }
    const reply = await runAction(deps, context, actionHandlers[command], {});
    await context.sendActivity(typeof reply === 'string' ? MessageFactory.text(reply) : cardActivity(reply));
  });

  for (const [name, verb] of Object.entries(Verb) as [keyof typeof Verb, string][]) {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      await answerInvoke(context, await runAction(deps, context, actionHandlers[name], data));
      return '';
    });
  }
  // An unknown verb (an old card, a forged one) gets help, not silence or an error.
  app.adaptiveCards.actionExecute(/.*/, async (context) => {
    const locale = localeOf(context.activity.locale);
    await answerInvoke(context, renderWelcome({ help: true, note: say(locale, 'buttonRetired'), locale }));
    return '';
  });

  app.error(async (context, err) => {
    deps.logger.error({ err, activityId: context.activity.id, type: context.activity.type }, 'turn failed');
    if (context.activity.type === ActivityTypes.Message) await context.sendActivity(say(localeOf(context.activity.locale), 'tryAgain')).catch(() => undefined);
  });
  return app;
}
