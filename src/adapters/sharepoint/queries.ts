import type { IItems } from '@pnp/sp/items';
import type { DueQuery } from '../../domain/reminders';
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

/**
 * The reminder sweep's questions (Register.listDue), one $filter each, every
 * one led by an indexed column that narrows it to what is due (never Status
 * alone, which grows with the register): exiting entries, reviews near,
 * agreements outstanding, representatives leaving, ends near. `statuses` are
 * quoted OData literals of the Status choices.
 */
export function dueFilters(query: DueQuery, statuses: { readonly active: string; readonly exiting: string }, endColumn: string | undefined): string[] {
  const day = (d: string) => `datetime'${d}T23:59:59Z'`;
  const active = `Status eq ${statuses.active}`;
  return [
    `Status eq ${statuses.exiting}`,
    `NextReviewDue le ${day(query.reviewBy)} and ${active}`,
    'AgreementOutstanding eq 1',
    `RepresentativeEnds le ${day(query.handoverBy)}`,
    ...(endColumn ? [`${endColumn} le ${day(query.endingBy)} and ${active}`] : []),
  ];
}
