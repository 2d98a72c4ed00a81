import type { RawAnswers } from './questionnaire';
import type { Partnership, PersonRef } from './records';

/**
 * 002 "Changing representatives": the outgoing representative hands over to
 * the incoming one, both chosen as people (Entra ids). On the entry, the
 * incoming person takes the outgoing one's place among the representatives
 * (and in the registration's words), so the forms and reminders follow the new
 * person and no longer the old.
 */
export interface Handover {
  readonly outgoing: PersonRef;
  readonly incoming: PersonRef;
  readonly incomingStart: string;
  readonly outgoingFinish: string;
}

export function handoverOf(answers: RawAnswers, people: Readonly<Record<string, PersonRef>>): Handover {
  const text = (id: string) => (answers[id] ?? '').trim();
  const who = (id: string): PersonRef => people[text(id).toLowerCase()] ?? people[text(id)] ?? { id: text(id).toLowerCase(), name: text(id) };
  return { outgoing: who('outgoingRepresentative'), incoming: who('incomingRepresentative'), incomingStart: text('incomingStart'), outgoingFinish: text('outgoingFinish') };
}

function names(line: string, person: PersonRef): boolean {
  const text = line.toLowerCase();
  return text.includes(person.id.toLowerCase()) || (person.email !== undefined && person.email !== '' && text.includes(person.email.toLowerCase()));
}

function written(person: PersonRef): string {
  return person.email ? `${person.name} <${person.email}>` : person.name;
}

/** The entry after the handover; undefined when the outgoing person is not one of its representatives. */
export function applyHandover(entry: Partnership, handover: Handover): Partnership | undefined {
  const { outgoing, incoming } = handover;
  const listed = entry.representatives ?? [];
  const inList = listed.findIndex((r) => r.id.toLowerCase() === outgoing.id.toLowerCase());
  const answers = { ...entry.answers };
  const others = (answers.otherRepresentatives ?? '').split(/\r?\n/);
  const otherLine = others.findIndex((line) => names(line, outgoing));
  const isMain = names(answers.representative ?? '', outgoing);
  if (inList < 0 && otherLine < 0 && !isMain) {
    // Applied already (a retry after the entry changed): the incoming person is in place.
    const inPlace = listed.some((r) => r.id.toLowerCase() === incoming.id.toLowerCase());
    return inPlace ? entry : undefined;
  }
  if (isMain) {
    answers.representative = written(incoming);
    answers.representativeStart = handover.incomingStart;
  } else if (otherLine >= 0) {
    others[otherLine] = `${written(incoming)} ${handover.incomingStart}`;
    answers.otherRepresentatives = others.join('\n');
  }
  const incomingRef = { id: incoming.id, name: incoming.name, ...(incoming.email ? { email: incoming.email } : {}), since: handover.incomingStart };
  const representatives = inList >= 0 ? listed.map((r, i) => (i === inList ? incomingRef : r)) : [...listed, incomingRef];
  return { ...entry, answers, representatives };
}
