import type { IItems } from '@pnp/sp/items';
import type { ItemValues } from './columns';

/**
 * Reading items of a filtered query: the first one, or all of them page by
 * page, so a query is never cut short by the list's size (the caller filters
 * on an indexed column, which keeps it under the 5,000-item threshold).
 */
export async function firstItem(query: IItems): Promise<ItemValues | undefined> {
  const items = await query.top(1)<ItemValues[]>();
  return items[0];
}

export async function allItems(query: IItems, pageSize: number): Promise<ItemValues[]> {
  const found: ItemValues[] = [];
  for await (const page of query.top(pageSize)) found.push(...(page as ItemValues[]));
  return found;
}
