import { REFERENCE_PATTERN } from '../domain/approval';
import { soonestFirst, tasksFor, type Task } from '../domain/due';
import type { PartnershipStatus } from '../domain/lifecycle';
import type { Partnership, Person } from '../domain/records';
import { roleOn } from '../domain/roles';
import type { Clock } from '../ports/clock';
import type { Register } from '../ports/register';

/**
 * The register entries a form is for: found by reference or name, the ones a
 * person carries ("My partnerships"), and what is due on them ("What's due").
 * Only running entries (active, exiting) are searched.
 */
const SEARCHED: readonly PartnershipStatus[] = ['active', 'exiting'];
const MAX_QUERY = 150;

/** Entries named by a reference (`PR-2026-001`) or by part of their name, among those still running. */
export async function findEntries(register: Register, query: string): Promise<Partnership[]> {
  const wanted = query.trim().slice(0, MAX_QUERY).toLowerCase();
  if (wanted === '') return [];
  const entries = (await Promise.all(SEARCHED.map((s) => register.listByStatus(s)))).flat();
  if (REFERENCE_PATTERN.test(wanted.toUpperCase())) return entries.filter((e) => e.reference?.toUpperCase() === wanted.toUpperCase());
  const exact = entries.filter((e) => e.name.trim().toLowerCase() === wanted);
  return exact.length > 0 ? exact : entries.filter((e) => e.name.toLowerCase().includes(wanted));
}

/** The entries this person leads or represents, still running, newest first. */
export async function entriesOf(deps: { readonly register: Register }, person: Person, emails: readonly string[]): Promise<Partnership[]> {
  const entries = (await Promise.all(SEARCHED.map((s) => deps.register.listByStatus(s)))).flat();
  return entries.filter((e) => {
    const role = roleOn(e, person, emails, []);
    return role === 'lead-officer' || role === 'representative';
  });
}

export interface DueItem {
  readonly task: Task;
  readonly entry: Partnership;
}

/** "What's due": the person's tasks across every entry they lead or represent, soonest first. */
export async function whatsDue(deps: { readonly register: Register; readonly clock: Clock }, person: Person, emails: readonly string[]): Promise<DueItem[]> {
  const today = deps.clock.now().toISOString().slice(0, 10);
  const entries = await entriesOf(deps, person, emails);
  const byId = new Map(entries.map((e) => [e.id, e]));
  return soonestFirst(entries.flatMap((e) => tasksFor(e, today))).map((task) => ({ task, entry: byId.get(task.entryId)! }));
}
