import { StoreUnavailableError } from '../domain/errors';
import { cellId, isShown, parseRows, splitPeople, type FieldErrors, type Problem, type Question, type RawAnswers } from '../domain/questionnaire';
import type { PersonRef } from '../domain/records';
import type { PeopleDirectory } from '../ports/people-directory';

export interface ResolvedPeople {
  readonly answers: RawAnswers;
  readonly people: Record<string, PersonRef>;
  readonly errors: FieldErrors;
}

/**
 * The person questions of a section (and the person cells of its rows), looked
 * up in the directory: each answer becomes the person's Entra id (an email typed
 * is resolved to it), and who they are is kept beside the answers. Someone the
 * directory does not know is an error under the question or cell; a directory
 * that cannot be asked keeps the answers and says to try again.
 */
export async function resolvePeople(
  deps: { readonly people: PeopleDirectory },
  questions: readonly Question[],
  answers: RawAnswers,
  known: Readonly<Record<string, PersonRef>>,
): Promise<ResolvedPeople> {
  const resolved: Record<string, string> = { ...answers };
  const people: Record<string, PersonRef> = { ...known };
  const errors: Record<string, Problem> = {};
  /** The Entra id for a value, or undefined with the problem recorded under `errorId`. */
  const find = async (value: string, errorId: string): Promise<string | undefined> => {
    let person: PersonRef | undefined;
    try {
      person = people[value.toLowerCase()] ?? people[value] ?? (await deps.people.find(value));
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      errors[errorId] = { code: 'people-unavailable' };
      return undefined;
    }
    if (!person) {
      errors[errorId] = { code: 'unknown-person', value: value.slice(0, 100) };
      return undefined;
    }
    people[person.id] = person;
    return person.id;
  };
  for (const q of questions) {
    if (!isShown(q, answers)) continue;
    if (q.type === 'person') {
      const value = (answers[q.id] ?? '').trim();
      if (value === '') continue;
      const id = await find(value, q.id);
      if (id) resolved[q.id] = id;
    }
    if (q.type === 'people') {
      const ids: string[] = [];
      for (const key of splitPeople(answers[q.id])) {
        const id = await find(key, q.id);
        if (id) ids.push(id);
      }
      if (!errors[q.id]) resolved[q.id] = [...new Set(ids)].join(',');
    }
    const personColumns = q.type === 'rows' ? (q.columns ?? []).filter((c) => c.type === 'person') : [];
    if (personColumns.length === 0) continue;
    const rows = parseRows(answers[q.id]).map((row) => ({ ...row }));
    for (const [i, row] of rows.entries()) {
      for (const column of personColumns) {
        const value = (row[column.id] ?? '').trim();
        if (value === '') continue;
        const id = await find(value, cellId(q, i, column));
        if (id) row[column.id] = id;
      }
    }
    resolved[q.id] = JSON.stringify(rows);
  }
  return { answers: resolved, people, errors };
}
