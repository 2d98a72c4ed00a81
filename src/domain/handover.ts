import type { RawAnswers } from './questionnaire';

/**
 * 002 "Changing representatives": the outgoing representative hands over to
 * the incoming one. On the entry, the incoming person takes the outgoing one's
 * place (the main representative, or their line among the others), so the
 * forms and reminders follow the new person and no longer the old.
 */
export interface Handover {
  readonly outgoingEmail: string;
  readonly incomingEmail: string;
  readonly incomingName: string;
  readonly incomingStart: string;
  readonly outgoingFinish: string;
}

export function handoverOf(answers: RawAnswers): Handover {
  const text = (id: string) => (answers[id] ?? '').trim();
  return {
    outgoingEmail: text('outgoingEmail').toLowerCase(),
    incomingEmail: text('incomingEmail').toLowerCase(),
    incomingName: text('incomingName'),
    incomingStart: text('incomingStart'),
    outgoingFinish: text('outgoingFinish'),
  };
}

function names(line: string, email: string): boolean {
  return line.toLowerCase().includes(email);
}

/** The entry's representative answers after the handover; undefined when the outgoing person is not one of them. */
export function applyHandover(answers: RawAnswers, handover: Handover): Record<string, string> | undefined {
  const incoming = `${handover.incomingName} <${handover.incomingEmail}>`;
  if (names(answers.representative ?? '', handover.outgoingEmail)) {
    return { ...answers, representative: incoming, representativeStart: handover.incomingStart };
  }
  const others = (answers.otherRepresentatives ?? '').split(/\r?\n/);
  const at = others.findIndex((line) => names(line, handover.outgoingEmail));
  if (at < 0) return undefined;
  others[at] = `${incoming} ${handover.incomingStart}`;
  return { ...answers, otherRepresentatives: others.join('\n') };
}
