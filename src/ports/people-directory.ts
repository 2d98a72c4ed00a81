import type { PersonRef } from '../domain/records';

/**
 * Who someone is, from an Entra object id or an email / UPN: the name and
 * email to show and to match on. Undefined when the directory has no such
 * person; throws StoreUnavailableError when it cannot be asked.
 */
export interface PeopleDirectory {
  find(key: string): Promise<PersonRef | undefined>;
}
