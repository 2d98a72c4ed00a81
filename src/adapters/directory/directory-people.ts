import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { StoreUnavailableError } from '../../domain/errors';
import type { PersonRef } from '../../domain/records';
import type { Logger } from '../../logger';
import type { ConversationDirectory } from '../../ports/conversation-directory';
import type { PeopleDirectory } from '../../ports/people-directory';

/**
 * People named in answers, found by Entra object id or email / UPN:
 * 1. the conversation directory (everyone who has talked to the bot);
 * 2. Microsoft Graph `GET /users/{id | upn}` (User.Read.All), in production;
 * 3. locally, the Agents Playground's mock users (`.m365agentsplayground.yml`),
 *    whose picker offers them, so `npm start` works with people.
 * Found people are cached for a while; a person Graph does not know is an
 * answer (undefined), an outage is a StoreUnavailableError.
 */
export interface GraphUsers {
  readonly baseUrl: string;
  readonly token: () => Promise<string>;
  readonly timeoutMs?: number;
}

const CACHE_MS = 10 * 60_000;
const CACHE_LIMIT = 2000;

export class DirectoryPeople implements PeopleDirectory {
  private readonly cache = new Map<string, { at: number; person: PersonRef | undefined }>();

  constructor(
    private readonly conversations: ConversationDirectory,
    private readonly options: { readonly graph?: GraphUsers; readonly mockUsers?: readonly PersonRef[]; readonly now?: () => number; readonly logger?: Logger },
  ) {}

  async find(key: string): Promise<PersonRef | undefined> {
    const wanted = key.trim().toLowerCase();
    if (wanted === '') return undefined;
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(wanted);
    if (cached && now - cached.at < CACHE_MS) return cached.person;
    const person = (await this.fromConversations(wanted)) ?? this.fromMocks(wanted) ?? (await this.fromGraph(wanted));
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(wanted, { at: now, person });
    return person;
  }

  private async fromConversations(key: string): Promise<PersonRef | undefined> {
    const record = key.includes('@') ? await this.conversations.findByEmail(key) : await this.conversations.get(key);
    return record ? { id: record.userId, name: record.name || record.email || record.userId, email: record.email } : undefined;
  }

  private fromMocks(key: string): PersonRef | undefined {
    return this.options.mockUsers?.find((u) => u.id.toLowerCase() === key || u.email?.toLowerCase() === key);
  }

  private async fromGraph(key: string): Promise<PersonRef | undefined> {
    const graph = this.options.graph;
    if (!graph) return undefined;
    let res: Response;
    try {
      res = await fetch(`${graph.baseUrl.replace(/\/$/, '')}/users/${encodeURIComponent(key)}?$select=id,displayName,mail,userPrincipalName`, {
        headers: { authorization: `Bearer ${await graph.token()}`, accept: 'application/json' },
        signal: AbortSignal.timeout(graph.timeoutMs ?? 5000),
      });
    } catch (err) {
      throw new StoreUnavailableError('the directory (Microsoft Graph) did not answer', { cause: err });
    }
    if (res.status === 404 || res.status === 400) return undefined;
    if (!res.ok) throw new StoreUnavailableError(`the directory (Microsoft Graph) answered ${res.status}`);
    const body = (await res.json()) as { id?: unknown; displayName?: unknown; mail?: unknown; userPrincipalName?: unknown };
    if (typeof body.id !== 'string') return undefined;
    const email = typeof body.mail === 'string' && body.mail ? body.mail : typeof body.userPrincipalName === 'string' ? body.userPrincipalName : undefined;
    return { id: body.id.toLowerCase(), name: typeof body.displayName === 'string' && body.displayName ? body.displayName : email ?? body.id, email: email?.toLowerCase() };
  }
}

/** The Playground's mock users (its `users` and `currentUser`), when its config file is there; none otherwise. */
export function playgroundUsers(file: string, logger?: Logger): PersonRef[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  try {
    const config = parse(text) as { currentUser?: unknown; users?: unknown };
    const all = [config.currentUser, ...(Array.isArray(config.users) ? config.users : [])] as { id?: unknown; aadObjectId?: unknown; name?: unknown; email?: unknown }[];
    return all
      .filter((u) => u && typeof u.aadObjectId === 'string' && typeof u.name === 'string')
      .map((u) => ({ id: String(u.aadObjectId).toLowerCase(), name: String(u.name), email: typeof u.email === 'string' ? u.email.toLowerCase() : undefined }))
      .concat(all.filter((u) => u && typeof u.id === 'string' && typeof u.name === 'string' && u.id !== u.aadObjectId).map((u) => ({ id: String(u.id).toLowerCase(), name: String(u.name), email: typeof u.email === 'string' ? u.email.toLowerCase() : undefined })));
  } catch (err) {
    logger?.warn({ err, file }, 'the Playground config could not be read: its mock users are not known as people');
    return [];
  }
}
