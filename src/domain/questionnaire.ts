import { parseAmount, parseIsoDate, readableDate, splitChoices, splitList } from './answer-values';

export { parseAmount, parseIsoDate, readableDate, splitList };
import {
  checklistRows,
  DEFAULT_MAX_LENGTH,
  ELEMENT,
  cellId,
  hasRows,
  maxRowsOf,
  parseRows,
  REMOVE_ROW,
  rowsOf,
  splitPeople,
  MAX_PEOPLE,
  type AnswerValue,
  type Choice,
  type FieldErrors,
  type Problem,
  type Question,
  type Questionnaire,
  type RawAnswers,
  type RowAnswers,
  type Section,
} from './question';

export * from './question';

/**
 * The questionnaire engine: every form the product asks (screening, significance,
 * registration, and later assessment, handover, exit) is data of this shape, run
 * by these pure functions. Answers travel as the strings an Adaptive Card submits;
 * `normaliseAnswers` turns them into typed values once a step is valid.
 */

/** 002 Appendix 3: how well a feature of a partnership is in place. */
export const SCORE_CHOICES: readonly Choice[] = [
  { value: '1', title: '1 - Not in place: priority for action' },
  { value: '2', title: '2 - Partly in place: action needed' },
  { value: '3', title: '3 - Action identified: being implemented' },
  { value: '4', title: '4 - Standard met: no action needed' },
];

/** The options a choice-like question offers (a score's are the engine's own). */
export function choicesOf(question: Question): readonly Choice[] {
  return question.type === 'score' ? SCORE_CHOICES : question.choices ?? [];
}

export const MAX_LIST_ITEMS = 30;

export function maxLengthOf(question: Question): number {
  return question.maxLength ?? DEFAULT_MAX_LENGTH[question.type];
}

export function isShown(question: Question, answers: RawAnswers): boolean {
  if (!question.showIf) return true;
  const given = (answers[question.showIf.question] ?? '').trim();
  return question.showIf.in ? question.showIf.in.includes(given) : given === question.showIf.equals;
}

export interface PickedAnswers {
  readonly answers: Record<string, string>;
  /** Answers cut to their limit, with the message saying so. */
  readonly clipped: FieldErrors;
}

/**
 * Keeps only this section's own inputs, as strings; anything else on the card is
 * ignored. Text over a question's limit is cut to the limit (so a huge paste can
 * neither bloat the store nor push a card past Teams' size limit) and reported.
 */
/** A person question's card has a picker and, beside it, a box to type an email: `<id>Typed`. */
export const TYPED_SUFFIX = 'Typed';

/** A text input's value, cut to the question's limit (and reported); undefined when the card did not send it. */
function pickOne(q: Question, id: string, input: Readonly<Record<string, unknown>>, clipped: Record<string, Problem>, reportAs = id): string | undefined {
  const typed = q.type === 'person' || q.type === 'people' ? input[`${id}${TYPED_SUFFIX}`] : undefined;
  const raw = typeof typed === 'string' && typed.trim() !== '' ? typed : input[id];
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return undefined;
  const value = String(raw);
  const limit = maxLengthOf(q);
  if (value.length <= limit) return value;
  clipped[reportAs] = { code: 'clipped', length: value.length, limit };
  return value.slice(0, limit);
}

/**
 * A `rows` question's cells, gathered into rows: a row the card sent replaces the
 * stored one (blank, it is dropped), a row it did not send is kept, and the row a
 * Remove button names is left out. Undefined when the card carried none of its
 * cells and removed nothing, so the stored rows stand.
 */
function pickRows(q: Question, input: Readonly<Record<string, unknown>>, stored: string | undefined, clipped: Record<string, Problem>): string | undefined {
  if (q.type === 'checklist') return pickChecklist(q, input, stored, clipped);
  const removed = typeof input[REMOVE_ROW] === 'string' ? input[REMOVE_ROW] : '';
  const sent = (i: number) => (q.columns ?? []).some((c) => cellId(q, i, c) in input || `${cellId(q, i, c)}${TYPED_SUFFIX}` in input);
  const before = parseRows(stored);
  if (!removed.startsWith(`${q.id}.`) && !Object.keys(input).some((key) => key.startsWith(`${q.id}.`))) return undefined;
  const rows: RowAnswers[] = [];
  // One more than the stored rows: the card's blank row for a new entry.
  for (let i = 0; i <= Math.min(before.length, maxRowsOf(q)) && rows.length < maxRowsOf(q); i++) {
    if (removed === `${q.id}.${i}`) continue;
    if (!sent(i)) {
      if (before[i]) rows.push(before[i]);
      continue;
    }
    const row: Record<string, string> = {};
    for (const column of q.columns ?? []) {
      const value = pickOne(column, cellId(q, i, column), input, clipped, cellId(q, rows.length, column));
      if (value !== undefined && value.trim() !== '') row[column.id] = value;
    }
    if (Object.keys(row).length > 0) rows.push(row);
  }
  return JSON.stringify(rows);
}

/** A checklist's cells: a row the card sent replaces the element's stored answers; one it did not send stands. */
function pickChecklist(q: Question, input: Readonly<Record<string, unknown>>, stored: string | undefined, clipped: Record<string, Problem>): string | undefined {
  if (!Object.keys(input).some((key) => key.startsWith(`${q.id}.`))) return undefined;
  const rows = checklistRows(q, stored).map((before, i) => {
    if (!(q.columns ?? []).some((c) => cellId(q, i, c) in input)) return before;
    const row: Record<string, string> = { [ELEMENT]: before[ELEMENT] };
    for (const column of q.columns ?? []) {
      const value = pickOne(column, cellId(q, i, column), input, clipped);
      if (value !== undefined && value.trim() !== '') row[column.id] = value;
    }
    return row;
  });
  return JSON.stringify(rows);
}

export function pickSectionAnswers(section: Section, input: Readonly<Record<string, unknown>>, stored: RawAnswers = {}): PickedAnswers {
  const answers: Record<string, string> = {};
  const clipped: Record<string, Problem> = {};
  for (const q of section.questions) {
    if (hasRows(q)) {
      const rows = pickRows(q, input, stored[q.id], clipped);
      if (rows !== undefined) answers[q.id] = rows;
      continue;
    }
    // A person typed by email wins over the picker: it is what the person just did.
    const value = pickOne(q, q.id, input, clipped);
    if (value !== undefined) answers[q.id] = value;
  }
  return { answers, clipped };
}

function checkValue(q: Question, value: string, answers: RawAnswers): Problem | undefined {
  if (value.length > maxLengthOf(q)) {
    return { code: 'too-long', limit: maxLengthOf(q), length: value.length };
  }
  switch (q.type) {
    case 'yesno':
      return value === 'yes' || value === 'no' ? undefined : { code: 'yes-or-no' };
    case 'choice':
    case 'score':
      return choicesOf(q).some((c) => c.value === value) ? undefined : { code: 'choose-option' };
    case 'multichoice':
      return splitChoices(value).every((v) => q.choices?.some((c) => c.value === v))
        ? undefined
        : { code: 'choose-listed' };
    case 'date': {
      if (!parseIsoDate(value)) return { code: 'date' };
      if (q.notBefore) {
        const other = parseIsoDate(answers[q.notBefore] ?? '');
        if (other && value < other) return { code: 'date-before', other };
      }
      return undefined;
    }
    case 'amount': {
      if (parseAmount(value) === undefined) {
        return { code: 'amount' };
      }
      return undefined;
    }
    case 'url':
      return /^https?:\/\/[^\s]+$/i.test(value) ? undefined : { code: 'url' };
    case 'email':
      return /^[^@\s,;<>()]+@[^@\s,;<>()]+\.[^@\s,;<>()]+$/.test(value) ? undefined : { code: 'email' };
    case 'person':
      // Who it is, the directory decides (an Entra id, an email or UPN): here only the shape of one key.
      return /^[^\s,;<>()]{1,320}$/.test(value) ? undefined : { code: 'person' };
    case 'people': {
      const keys = splitPeople(value);
      if (keys.length > MAX_PEOPLE) return { code: 'list-too-long', max: MAX_PEOPLE };
      return keys.every((key) => /^[^\s,;<>()]{1,320}$/.test(key)) ? undefined : { code: 'person' };
    }
    case 'list':
      return splitList(value).length > MAX_LIST_ITEMS ? { code: 'list-too-long', max: MAX_LIST_ITEMS } : undefined;
    default:
      return undefined;
  }
}

function contradiction(section: Section, q: Question, value: string, answers: RawAnswers): Problem | undefined {
  const clash = q.contradicts?.find((c) => c.when === value && (answers[c.question] ?? '').trim() === c.equals);
  if (!clash) return undefined;
  const other = section.questions.find((o) => o.id === clash.question);
  if (!other) return { code: 'contradicts', other: clash.about ?? clash.question, answer: clash.equals === 'yes' ? 'Yes' : clash.equals === 'no' ? 'No' : clash.equals };
  return { code: 'contradicts', other: other.label, answer: displayAnswer(other, clash.equals) };
}

/** A `rows` question's problems: none given when required, and each cell's, keyed by its card input. */
function rowProblems(q: Question, answers: RawAnswers): FieldErrors {
  const rows = rowsOf(q, answers[q.id]);
  if (rows.length === 0) return q.required ? { [q.id]: { code: 'required' } } : {};
  const errors: Record<string, Problem> = {};
  if (rows.length > maxRowsOf(q)) errors[q.id] = { code: 'list-too-long', max: maxRowsOf(q) };
  rows.forEach((row, i) => {
    for (const column of q.columns ?? []) {
      const value = (row[column.id] ?? '').trim();
      const problem = value === '' ? (column.required ? ({ code: 'required' } as const) : undefined) : checkValue(column, value, answers);
      if (problem) errors[cellId(q, i, column)] = problem;
    }
  });
  return errors;
}

/** Validates one section's raw answers: the message per question id, empty when valid. */
export function validateSection(section: Section, answers: RawAnswers): FieldErrors {
  const errors: Record<string, Problem> = {};
  for (const q of section.questions) {
    if (!isShown(q, answers)) continue;
    if (hasRows(q)) {
      Object.assign(errors, rowProblems(q, answers));
      continue;
    }
    const value = (answers[q.id] ?? '').trim();
    const empty = value === '' || (q.type === 'multichoice' && splitChoices(value).length === 0);
    if (empty) {
      if (q.required) errors[q.id] = { code: 'required' };
      continue;
    }
    const problem = checkValue(q, value, answers) ?? contradiction(section, q, value, answers);
    if (problem) errors[q.id] = problem;
  }
  return errors;
}

export function normaliseValue(q: Question, raw: string): AnswerValue | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  switch (q.type) {
    case 'yesno':
      return value === 'yes';
    case 'amount':
      return parseAmount(value);
    case 'multichoice':
      return splitChoices(value);
    case 'list':
      return splitList(value);
    case 'rows':
      return parseRows(value);
    case 'checklist':
      return checklistRows(q, value);
    default:
      return value;
  }
}

/** Typed answers of a questionnaire, leaving out unanswered and hidden questions. */
export function normaliseAnswers(questionnaire: Questionnaire, answers: RawAnswers): Record<string, AnswerValue> {
  const typed: Record<string, AnswerValue> = {};
  for (const section of questionnaire.sections) {
    for (const q of section.questions) {
      if (!isShown(q, answers)) continue;
      const value = normaliseValue(q, answers[q.id] ?? '');
      if (value !== undefined) typed[q.id] = value;
    }
  }
  return typed;
}

/** Who a person answer names, by Entra id: name and email, as the directory gave them. */
export type NamedPeople = Readonly<Record<string, { readonly name: string; readonly email?: string }>>;

/** How an answer reads back to a person (summaries, audit, the register's text columns); a person by name when `people` knows them. */
export function displayAnswer(q: Question, raw: string | undefined, people: NamedPeople = {}): string {
  const value = (raw ?? '').trim();
  if (value === '') return '';
  switch (q.type) {
    case 'person': {
      const known = people[value] ?? people[value.toLowerCase()];
      return known ? (known.email ? `${known.name} (${known.email})` : known.name) : value;
    }
    case 'people':
      return splitPeople(value)
        .map((key) => displayAnswer({ ...q, type: 'person' }, key, people))
        .join('; ');
    case 'yesno':
      return value === 'yes' ? 'Yes' : value === 'no' ? 'No' : value;
    case 'choice':
    case 'score':
      return choicesOf(q).find((c) => c.value === value)?.title ?? value;
    case 'multichoice':
      return splitChoices(value)
        .map((v) => q.choices?.find((c) => c.value === v)?.title ?? v)
        .join('; ');
    case 'list':
      return splitList(value).join('; ');
    case 'rows':
      return parseRows(value)
        .map((row, i) => `${i + 1}. ${(q.columns ?? []).map((c) => displayAnswer(c, row[c.id], people)).filter((text) => text !== '').join('; ')}`)
        .join('\n');
    case 'checklist':
      return checklistRows(q, value)
        .map((row, i) => `${q.elements?.[i]?.title ?? row[ELEMENT]}: ${(q.columns ?? []).map((c) => displayAnswer(c, row[c.id], people)).filter((text) => text !== '').join('; ') || '-'}`)
        .join('\n');
    case 'date':
      return readableDate(value);
    case 'amount': {
      const n = parseAmount(value) ?? Number.NaN;
      const pence = Number.isInteger(n) ? 0 : 2;
      return Number.isFinite(n) ? `£${n.toLocaleString('en-GB', { minimumFractionDigits: pence, maximumFractionDigits: 2 })}` : value;
    }
    default:
      return value;
  }
}
