/**
 * What a questionnaire is made of, as data: question types, questions,
 * sections, answers and their problems, and the rows that `rows` and
 * `checklist` questions hold. The engine that runs them is questionnaire.ts.
 */
export type QuestionType =
  | 'text'
  | 'longtext'
  | 'yesno'
  | 'choice'
  | 'multichoice'
  | 'date'
  | 'amount'
  | 'url'
  | 'list'
  /** 002 Appendix 3's 1-4 scale, each score shown with its meaning. */
  | 'score'
  /** A work email address, stored lower-cased. */
  | 'email'
  /** Someone in the directory: Teams' people picker gives the Entra object id; an email or UPN typed is resolved too. */
  | 'person'
  /** Several people: the picker in multi-select (Entra ids, comma-joined), or emails typed with commas between them. */
  | 'people'
  /** Repeatable rows of sub-questions (`columns`), added and removed on the card: risks, actions. Stored as JSON. */
  | 'rows'
  /**
   * A fixed list of `elements`, each answered with the same sub-questions
   * (`columns`: covered / partly / not covered, and where): the rows of a
   * `rows` question that the definition names. Stored as JSON, one row per
   * element, keyed by the element's id.
   */
  | 'checklist';

export interface Choice {
  readonly value: string;
  /** Its name, as the summary and the register show it. */
  readonly title: string;
  /** What it means, in plain words: shown after the name on the card only. */
  readonly help?: string;
}

export interface ChecklistElement {
  readonly id: string;
  readonly title: string;
}

/** Shown (and validated) only when an earlier answer equals `equals`, or is one of `in`. */
export interface ShowIf {
  readonly question: string;
  readonly equals?: string;
  readonly in?: readonly string[];
}

export interface Question {
  readonly id: string;
  readonly label: string;
  readonly type: QuestionType;
  readonly required?: boolean;
  readonly help?: string;
  readonly placeholder?: string;
  readonly maxLength?: number;
  readonly choices?: readonly Choice[];
  readonly showIf?: ShowIf;
  /** For dates: must be on or after the date answered to this question. */
  readonly notBefore?: string;
  /**
   * Answers that cannot both be true: this answer being `when` while an earlier
   * question is `equals` is shown as a problem on the card. The other question may
   * be in an earlier section (a screening answer): `about` then says which answer.
   */
  readonly contradicts?: readonly { readonly when: string; readonly question: string; readonly equals: string; readonly about?: string }[];
  /** For `rows` and `checklist`: the sub-questions each row asks; for `rows`, what one row is called ("Risk"). */
  readonly columns?: readonly Question[];
  /** For `checklist`: the elements, one row each, in order. */
  readonly elements?: readonly ChecklistElement[];
  readonly rowName?: string;
  /** For `rows`: at most this many rows (default 10). */
  readonly maxRows?: number;
  /** Free-form tags the rules of a questionnaire read (e.g. screening effects). */
  readonly rule?: Readonly<Record<string, string>>;
}

/**
 * A section asked only when a rule over earlier answers holds (the journey
 * knows the rules): `not-excluded` (no screening exclusion answered yes),
 * `waivable-unmet` (only a waivable criterion is unmet: the "might be" question),
 * `significant` (the significance triggers say so).
 */
export type SectionCondition = 'not-excluded' | 'waivable-unmet' | 'significant';
export const SECTION_CONDITIONS: readonly SectionCondition[] = ['not-excluded', 'waivable-unmet', 'significant'];

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly intro?: string;
  readonly askWhen?: SectionCondition;
  readonly questions: readonly Question[];
}

export interface Questionnaire {
  readonly id: string;
  readonly title: string;
  readonly sections: readonly Section[];
}

export type RawAnswers = Readonly<Record<string, string>>;
/** One row of a `rows` question: its columns' raw answers by column id. */
export type RowAnswers = Readonly<Record<string, string>>;
export type AnswerValue = string | number | boolean | readonly string[] | readonly RowAnswers[];
/**
 * What is wrong with an answer, as a code and its values: the views put it
 * into words in the person's language (views/catalogue.ts).
 */
export type Problem =
  | { readonly code: 'required' | 'yes-or-no' | 'choose-option' | 'choose-listed' | 'date' | 'amount' | 'url' | 'email' | 'person' | 'people-unavailable' }
  | { readonly code: 'unknown-person'; readonly value: string }
  | { readonly code: 'too-long'; readonly limit: number; readonly length: number }
  | { readonly code: 'clipped'; readonly limit: number; readonly length: number }
  | { readonly code: 'date-before'; readonly other: string }
  | { readonly code: 'list-too-long'; readonly max: number }
  | { readonly code: 'contradicts'; readonly other: string; readonly answer: string };
export type FieldErrors = Readonly<Record<string, Problem>>;

export const DEFAULT_MAX_LENGTH: Readonly<Record<QuestionType, number>> = {
  text: 200,
  // Long answers are capped so a step with several of them, even in a 3-byte script, stays under Teams' 28 KB card limit.
  longtext: 1500,
  yesno: 10,
  choice: 100,
  multichoice: 1000,
  date: 40,
  amount: 30,
  url: 2000,
  list: 2000,
  score: 1,
  email: 254,
  person: 320,
  people: 2000,
  rows: 20_000,
  checklist: 20_000,
};

export const DEFAULT_MAX_ROWS = 10;
/** At most this many people in one `people` answer. */
export const MAX_PEOPLE = 20;

/** The people a `people` answer names: Entra ids or emails, split on commas, semicolons or line breaks. */
export function splitPeople(text: string | undefined): string[] {
  return [...new Set((text ?? '').split(/[,;\n]/).map((key) => key.trim()).filter((key) => key !== ''))];
}
/** A row's Remove button names the row in its data: `<question>.<row>`. */
export const REMOVE_ROW = 'removeRow';

export function maxRowsOf(question: Question): number {
  return question.type === 'checklist' ? (question.elements ?? []).length : question.maxRows ?? DEFAULT_MAX_ROWS;
}

/** Questions answered as rows of cells: `rows` (added and removed) and `checklist` (one row per element). */
export function hasRows(question: Question): boolean {
  return question.type === 'rows' || question.type === 'checklist';
}

/** The key a checklist row carries its element's id under. */
export const ELEMENT = 'element';

/** A checklist's rows, one per element in the definition's order (an element not answered yet: only its id). */
export function checklistRows(question: Question, raw: string | undefined): RowAnswers[] {
  const stored = parseRows(raw);
  return (question.elements ?? []).map((e) => stored.find((row) => row[ELEMENT] === e.id) ?? { [ELEMENT]: e.id });
}

/** The rows a question holds as the card shows them: a checklist's by element, a `rows` question's as stored. */
export function rowsOf(question: Question, raw: string | undefined): RowAnswers[] {
  return question.type === 'checklist' ? checklistRows(question, raw) : parseRows(raw);
}

/** The card input of one cell of a `rows` question: `<question>.<row>.<column>`. */
export function cellId(question: Question, row: number, column: Question): string {
  return `${question.id}.${row}.${column.id}`;
}

/** The rows stored for a `rows` question; anything malformed reads as no rows. */
export function parseRows(raw: string | undefined): RowAnswers[] {
  let value: unknown;
  try {
    value = JSON.parse(raw ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value
    .filter((row): row is Record<string, unknown> => row !== null && typeof row === 'object' && !Array.isArray(row))
    .map((row) => Object.fromEntries(Object.entries(row).filter((entry): entry is [string, string] => typeof entry[1] === 'string')));
}
