import { randomUUID } from 'node:crypto';
import type { Activity } from './bot-connector';

/**
 * Builders for activities shaped as Teams sends them to a bot in a personal
 * (1:1) chat. A `TeamsUser` carries the personal conversation and the
 * serviceUrl (a Bot Connector double's `url`), so every builder needs only
 * the person: `messageFrom(alex, 'help')`.
 */

export const TEST_TENANT_ID = '00000000-0000-0000-0000-0000000000aa';
export const TEST_BOT = { id: '28:00000000-0000-0000-0000-000000000b07', name: 'Partnership Register' } as const;

export interface TeamsUser {
  /** The Teams user id ('29:...'), different per bot. */
  readonly id: string;
  /** The Entra object id: stable, what the product keys people on. */
  readonly aadObjectId: string;
  readonly name: string;
  readonly tenantId: string;
  /** The personal conversation between this person and the bot. */
  readonly conversationId: string;
  /** Where the bot answers: a Bot Connector double's url (ends in '/'). */
  readonly serviceUrl: string;
  readonly locale: string;
}

/** A person with fixed defaults derived from the name, so tests read well and ids never collide by accident. */
export function teamsUser(serviceUrl: string, overrides: Partial<Omit<TeamsUser, 'serviceUrl'>> = {}): TeamsUser {
  const name = overrides.name ?? 'Alex Wilber';
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const aadObjectId = overrides.aadObjectId ?? `aad-${slug}`;
  return {
    id: overrides.id ?? `29:teams-${slug}`,
    aadObjectId,
    name,
    tenantId: overrides.tenantId ?? TEST_TENANT_ID,
    conversationId: overrides.conversationId ?? `a:personal-${slug}`,
    serviceUrl,
    locale: overrides.locale ?? 'en-GB',
  };
}

function base(user: TeamsUser, type: string): Activity {
  return {
    type,
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: user.serviceUrl,
    from: { id: user.id, aadObjectId: user.aadObjectId, name: user.name },
    recipient: { ...TEST_BOT },
    conversation: { id: user.conversationId, conversationType: 'personal', tenantId: user.tenantId },
    channelData: { tenant: { id: user.tenantId } },
    locale: user.locale,
    entities: [{ type: 'clientInfo', locale: user.locale, country: 'GB', platform: 'Web', timezone: 'Europe/London' }],
  };
}

export function messageFrom(user: TeamsUser, text: string): Activity {
  return { ...base(user, 'message'), text, textFormat: 'plain' };
}

/** An Adaptive Card Universal Action (Action.Execute) press on the card sent as activity `replyToId`. */
export function invokeActionExecute(user: TeamsUser, verb: string, data: Record<string, unknown>, replyToId: string): Activity {
  return {
    ...base(user, 'invoke'),
    name: 'adaptiveCard/action',
    replyToId,
    value: { action: { type: 'Action.Execute', id: randomUUID(), verb, data }, trigger: 'manual' },
  };
}

/** Sent when the app is installed in the personal scope. */
export function conversationUpdateMembersAdded(user: TeamsUser): Activity {
  return {
    ...base(user, 'conversationUpdate'),
    membersAdded: [{ id: user.id, aadObjectId: user.aadObjectId }],
    channelData: { tenant: { id: user.tenantId }, eventType: 'teamMemberAdded' },
  };
}

export function installationUpdateAdd(user: TeamsUser): Activity {
  return {
    ...base(user, 'installationUpdate'),
    action: 'add',
    channelData: { tenant: { id: user.tenantId }, source: { name: 'message' } },
  };
}

export interface PostResult {
  readonly status: number;
  /** Parsed JSON when the bot answered JSON, the text otherwise, undefined when empty. */
  readonly body: any;
}

/** POSTs an activity to the bot. `botUrl` is the bot's base url or its /api/messages url. */
export async function postActivity(botUrl: string, activity: Activity, headers: Record<string, string> = {}): Promise<PostResult> {
  const url = /\/api\/messages\/?$/.test(botUrl) ? botUrl : `${botUrl.replace(/\/$/, '')}/api/messages`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  let body: unknown = text === '' ? undefined : text;
  if (text !== '' && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, body };
}
