import type { Activity } from 'botbuilder';

/**
 * Checks on every request before anything reads it.
 *
 * `shapeProblem`: the fields the adapter and our handlers read must have the
 * types the Bot Framework schema gives them; anything else is a 400, before
 * botbuilder can throw on it (a non-string serviceUrl made it answer 500).
 *
 * `foreignActivity`: with a bot identity configured, only Teams, only our
 * tenant, and only people Teams names by Entra id. A Web Chat or Direct Line
 * client can choose `from.id`, so it could otherwise act as an approver.
 */

const MAX_ID = 1024;

type Shape = Readonly<Record<string, unknown>>;

function optionalString(value: unknown, max = MAX_ID): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.length <= max);
}

function optionalObject(value: unknown): value is Shape | undefined | null {
  return value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value));
}

function account(value: unknown): boolean {
  if (!optionalObject(value)) return false;
  const a = value ?? {};
  return optionalString(a.id) && optionalString(a.name) && optionalString(a.aadObjectId) && optionalString(a.role);
}

/** Why the body is not an activity we can handle, or undefined when it is well formed. */
export function shapeProblem(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'not a JSON object';
  const a = body as Shape;
  if (typeof a.type !== 'string' || a.type.length > 64) return 'type must be a string';
  for (const key of ['id', 'channelId', 'name', 'replyToId', 'locale', 'timestamp', 'localTimestamp', 'action', 'textFormat']) {
    if (!optionalString(a[key])) return `${key} must be a string`;
  }
  if (!optionalString(a.serviceUrl, 2048)) return 'serviceUrl must be a string';
  if (typeof a.serviceUrl === 'string' && a.serviceUrl !== '' && !/^https?:\/\/[^\s]+$/i.test(a.serviceUrl)) return 'serviceUrl must be an http(s) URL';
  if (!optionalString(a.text, 1024 * 1024)) return 'text must be a string';
  if (!account(a.from) || !account(a.recipient)) return 'from and recipient must be channel accounts';
  if (!optionalObject(a.conversation)) return 'conversation must be an object';
  const conversation = (a.conversation ?? {}) as Shape;
  if (!optionalString(conversation.id) || !optionalString(conversation.tenantId) || !optionalString(conversation.conversationType)) {
    return 'conversation ids must be strings';
  }
  if (!optionalObject(a.channelData)) return 'channelData must be an object';
  for (const key of ['membersAdded', 'membersRemoved', 'attachments', 'entities']) {
    const list = a[key];
    if (list !== undefined && list !== null && !Array.isArray(list)) return `${key} must be a list`;
  }
  if (Array.isArray(a.membersAdded) && !a.membersAdded.every(account)) return 'membersAdded must be channel accounts';
  if (Array.isArray(a.membersRemoved) && !a.membersRemoved.every(account)) return 'membersRemoved must be channel accounts';
  if (a.type === 'invoke' && a.value !== undefined && !optionalObject(a.value)) return 'an invoke value must be an object';
  return undefined;
}

export interface TeamsIdentity {
  readonly appId: string;
  readonly tenantId?: string;
}

/** The tenant Teams says the conversation is in. */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const fromConversation = activity.conversation?.tenantId;
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const tenant = fromConversation ?? fromChannelData;
  return typeof tenant === 'string' && tenant !== '' ? tenant : undefined;
}

/** Why an authenticated activity is not from a person in our Teams tenant; undefined when it is (or in local mode). */
export function foreignActivity(activity: Partial<Activity>, identity: TeamsIdentity | undefined): string | undefined {
  if (!identity) return undefined;
  if (activity.channelId !== 'msteams') return `channel "${String(activity.channelId).slice(0, 40)}" is not Teams`;
  if (!activity.from?.aadObjectId) return 'the sender has no Entra object id';
  const tenant = tenantOf(activity);
  if (identity.tenantId && (!tenant || tenant.toLowerCase() !== identity.tenantId.toLowerCase())) return 'the conversation is in another tenant';
  return undefined;
}
