import type { Activity } from 'botbuilder';
import type { Person } from '../domain/records';

/**
 * Who is acting: the Entra object id Teams puts on every activity, falling back
 * to the channel account id (the Playground and other channels have no aadObjectId).
 * Never taken from card data.
 */
export function personOf(activity: Partial<Activity>): Person | undefined {
  const from = activity.from;
  const id = from?.aadObjectId || from?.id;
  if (!id || typeof id !== 'string') return undefined;
  const tenantId = activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return { id, name: typeof from?.name === 'string' && from.name ? from.name : 'Colleague', tenantId };
}
