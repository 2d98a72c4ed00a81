import { samePerson } from './approval';
import type { Partnership, Person } from './records';

/**
 * DOMAIN 5: the forms after approval are for the people who carry the
 * partnership: its lead officer, its representatives, and the register owners.
 * Until people are stored as Entra ids (lead officer and representatives are
 * still answers typed at registration), a person is matched by id or by the
 * email Teams reported for them.
 */
const EMAIL = /[^@\s,;<>()]+@[^@\s,;<>()]+\.[^@\s,;<>()]+/g;

function namedIn(text: string | undefined, person: Person, emails: readonly string[]): boolean {
  const value = (text ?? '').trim();
  if (value === '') return false;
  if (samePerson(value, person.id)) return true;
  const found = [...value.matchAll(EMAIL)].map((m) => m[0].toLowerCase());
  return emails.some((e) => found.includes(e.toLowerCase()));
}

export type EntryRole = 'lead-officer' | 'representative' | 'register-owner';

/** The role in which this person may work on the entry, or undefined if they may not. */
export function roleOn(entry: Pick<Partnership, 'tampered' | 'leadOfficer' | 'lead' | 'answers' | 'representatives'>, person: Person, emails: readonly string[], registerOwners: readonly string[]): EntryRole | undefined {
  if (entry.tampered) return registerOwners.some((o) => samePerson(o, person.id) || emails.some((e) => samePerson(e, o))) ? 'register-owner' : undefined;
  if ((entry.lead && samePerson(entry.lead.id, person.id)) || namedIn(entry.leadOfficer, person, emails) || namedIn(entry.answers.leadOfficer, person, emails)) return 'lead-officer';
  if (entry.representatives?.some((r) => samePerson(r.id, person.id))) return 'representative';
  if (namedIn(entry.answers.representative, person, emails) || namedIn(entry.answers.otherRepresentatives, person, emails)) return 'representative';
  if (registerOwners.some((o) => samePerson(o, person.id) || emails.some((e) => samePerson(e, o)))) return 'register-owner';
  return undefined;
}
