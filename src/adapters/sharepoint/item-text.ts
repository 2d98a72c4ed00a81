import { REFERENCE_PATTERN, sequenceOf } from '../../domain/approval';
import { highestRiskScore } from '../../domain/risk';
import { displayAnswer, isShown, type Question, type RawAnswers, type NamedPeople } from '../../domain/questionnaire';
import type { NewPartnership } from '../../domain/records';

/**
 * How a record reads in a list item's text columns (both lists): answers
 * labelled as people saw the questions, decisions, risk, references, and the
 * people named by email.
 */

export interface AnswerGroup {
  readonly title: string;
  readonly questions: readonly Question[];
}

/**
 * Every answer given, group by group as the person saw the questions (hidden
 * ones left out), then any answer no group knows under `otherHeading` (no
 * heading when it is ''). Null when there is nothing.
 */
export function answersText(groups: readonly AnswerGroup[], answers: RawAnswers, otherHeading: string, people: NamedPeople = {}): string | null {
  const known = new Set<string>();
  const blocks = groups.map((group) => {
    const lines = group.questions
      .filter((q) => {
        known.add(q.id);
        return isShown(q, answers) && (answers[q.id] ?? '').trim() !== '';
      })
      .map((q) => `${q.label}: ${displayAnswer(q, answers[q.id], people)}`);
    return lines.length > 0 ? `${group.title}\n${lines.join('\n')}` : '';
  });
  const others = Object.entries(answers)
    .filter(([id, v]) => !known.has(id) && typeof v === 'string' && v.trim() !== '')
    .map(([id, v]) => `${id}: ${v}`);
  const text = [...blocks, others.length > 0 ? `${otherHeading ? `${otherHeading}\n` : ''}${others.join('\n')}` : ''].filter((b) => b !== '').join('\n\n');
  return text || null;
}

const EMAIL = /^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$/;

export function emailOf(text: string | undefined): string | undefined {
  const value = (text ?? '').trim();
  return EMAIL.test(value) ? value.toLowerCase() : undefined;
}

/** Email addresses named in a representative answer and the "other representatives" lines. */
export function representativeEmails(answers: RawAnswers): string[] {
  const text = `${answers.representative ?? ''}\n${answers.otherRepresentatives ?? ''}`;
  return [...new Set([...text.matchAll(/[^@\s,;<>()]+@[^@\s,;<>()]+\.[^@\s,;<>()]+/g)].map((m) => m[0].toLowerCase()))];
}

/** The representatives' emails: the people on the record, or what an older registration typed. */
export function representativesOf(record: NewPartnership): string[] {
  const people = (record.representatives ?? []).map((r) => emailOf(r.email)).filter((e): e is string => e !== undefined);
  return people.length > 0 || record.representatives ? [...new Set(people)] : representativeEmails(record.answers);
}

/** The people a record names, for ensureUser before a write. */
export function peopleOf(record: NewPartnership): string[] {
  const lead = emailOf(record.lead?.email ?? record.leadOfficer);
  return [...new Set([...(lead ? [lead] : []), ...representativesOf(record)])];
}

export function decisionsText(record: NewPartnership): string | null {
  const history = record.approval?.history ?? [];
  if (history.length === 0) return null;
  return history
    .map((d) => `${d.at.slice(0, 10)} stage ${d.stage}: ${d.decision} by ${d.by.name}${d.comment ? ` - ${d.comment}` : ''}`)
    .join('\n');
}

/** The highest likelihood x impact of the registration's risks (002 "Risk Management"). */
export function riskScore(answers: RawAnswers): number | null {
  return highestRiskScore(answers);
}

export function referenceYear(reference: string | undefined): number | null {
  const m = reference ? REFERENCE_PATTERN.exec(reference) : null;
  return m ? Number(m[1]) : null;
}

/** The highest of some references within a year, by number (PR-2026-1000 is above PR-2026-999). */
export function highestReference(references: readonly (string | undefined)[], year: number): string | undefined {
  let best: { reference: string; sequence: number } | undefined;
  for (const reference of references) {
    const sequence = sequenceOf(reference, year);
    if (reference && sequence > 0 && (!best || sequence > best.sequence)) best = { reference, sequence };
  }
  return best?.reference;
}
