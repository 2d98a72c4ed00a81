import type { Activity } from 'botbuilder';
import type { Person } from '../domain/records';
import { tenantOf } from './activity-guard';
import { cleanText } from './sanitize';

/**
 * Who is acting. With a bot identity (`strict`) only the Entra object id Teams
 * puts on the activity counts; in local mode (the Playground, tests) the channel
 * account id stands in when there is none. Never taken from card data.
 */
export function personOf(activity: Partial<Activity>, strict: boolean): Person | undefined {
  const from = activity.from;
  const id = strict ? from?.aadObjectId : from?.aadObjectId || from?.id;
  if (!id || typeof id !== 'string') return undefined;
  const name = typeof from?.name === 'string' ? cleanText(from.name).trim().slice(0, 200) : '';
  return { id, name: name || 'Colleague', tenantId: tenantOf(activity) };
}
