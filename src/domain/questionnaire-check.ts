import { DEFAULT_MAX_LENGTH, SECTION_CONDITIONS, type Question, type Questionnaire, type QuestionType } from './questionnaire';

/**
 * Checks a questionnaire loaded from data, so a mistake fails at start-up
 * naming the file and the JSON path rather than surfacing in a person's chat.
 */
export class QuestionnaireDefinitionError extends Error {
  constructor(
    readonly source: string,
    readonly path: string,
    problem: string,
  ) {
    super(`${source}: ${path}: ${problem}`);
    this.name = 'QuestionnaireDefinitionError';
  }
}

const ID = /^[a-zA-Z][a-zA-Z0-9]*$/;
/** Names the cards use in every action's data; a question may not shadow them. */
export const RESERVED_IDS: readonly string[] = ['draftId', 'version', 'step', 'target', 'verb', 'proposalId', 'comment', 'removeRow'];
const TYPES: readonly QuestionType[] = Object.keys(DEFAULT_MAX_LENGTH) as QuestionType[];

/** The types a cell of a `rows` question may have: one input each, no rows inside rows. */
const CELL_TYPES: readonly QuestionType[] = ['text', 'longtext', 'choice', 'date', 'amount', 'yesno', 'email', 'url', 'person'];

function checkColumns(question: Question, qp: string, fail: (path: string, problem: string) => never): void {
  if (!Array.isArray(question.columns) || question.columns.length === 0) fail(`${qp}.columns`, 'a rows question needs columns');
  if (question.maxRows !== undefined && !(Number.isInteger(question.maxRows) && question.maxRows > 0 && question.maxRows <= 20)) fail(`${qp}.maxRows`, 'must be an integer from 1 to 20');
  const seen = new Set<string>();
  question.columns!.forEach((column, ci) => {
    const cp = `${qp}.columns[${ci}]`;
    if (typeof column.id !== 'string' || !ID.test(column.id)) fail(`${cp}.id`, 'must be an identifier');
    if (seen.has(column.id)) fail(`${cp}.id`, `duplicate column id "${column.id}"`);
    seen.add(column.id);
    if (typeof column.label !== 'string' || column.label.trim() === '') fail(`${cp}.label`, 'must be a non-empty string');
    if (!CELL_TYPES.includes(column.type)) fail(`${cp}.type`, `must be one of ${CELL_TYPES.join(', ')}`);
    if (column.type === 'choice' && (!Array.isArray(column.choices) || column.choices.length === 0)) fail(`${cp}.choices`, 'a choice question needs choices');
    if (column.showIf || column.contradicts || column.notBefore) fail(cp, 'a column cannot depend on other answers');
  });
}

/**
 * Checks a definition loaded from data, so a mistake fails at start-up naming the
 * file and the path rather than surfacing in a person's chat.
 */
export function checkQuestionnaire(source: string, value: unknown, takenIds: Set<string> = new Set()): Questionnaire {
  const fail = (path: string, problem: string): never => {
    throw new QuestionnaireDefinitionError(source, path, problem);
  };
  const q = value as Questionnaire;
  if (!q || typeof q !== 'object') fail('$', 'must be an object');
  if (typeof q.id !== 'string' || !ID.test(q.id)) fail('$.id', 'must be an identifier');
  if (typeof q.title !== 'string' || q.title.trim() === '') fail('$.title', 'must be a non-empty string');
  if (!Array.isArray(q.sections) || q.sections.length === 0) fail('$.sections', 'must be a non-empty array');
  const sectionIds = new Set<string>();
  q.sections.forEach((s, si) => {
    const sp = `$.sections[${si}]`;
    if (typeof s.id !== 'string' || !ID.test(s.id)) fail(`${sp}.id`, 'must be an identifier');
    if (sectionIds.has(s.id)) fail(`${sp}.id`, `duplicate section id "${s.id}"`);
    sectionIds.add(s.id);
    if (typeof s.title !== 'string' || s.title.trim() === '') fail(`${sp}.title`, 'must be a non-empty string');
    if (s.askWhen !== undefined && !SECTION_CONDITIONS.includes(s.askWhen)) fail(`${sp}.askWhen`, `must be one of ${SECTION_CONDITIONS.join(', ')}`);
    if (!Array.isArray(s.questions) || s.questions.length === 0) fail(`${sp}.questions`, 'must be a non-empty array');
    const local = new Set<string>();
    s.questions.forEach((question, qi) => {
      const qp = `${sp}.questions[${qi}]`;
      if (typeof question.id !== 'string' || !ID.test(question.id)) fail(`${qp}.id`, 'must be an identifier');
      if (RESERVED_IDS.includes(question.id)) fail(`${qp}.id`, `"${question.id}" is reserved for card data`);
      if (takenIds.has(question.id)) fail(`${qp}.id`, `duplicate question id "${question.id}"`);
      if (question.showIf && !local.has(question.showIf.question)) {
        fail(`${qp}.showIf.question`, `must name an earlier question of the same section, not "${question.showIf.question}"`);
      }
      if (question.showIf && question.showIf.in !== undefined) {
        if (!Array.isArray(question.showIf.in) || question.showIf.in.length === 0 || !question.showIf.in.every((v) => typeof v === 'string' && v !== '')) {
          fail(`${qp}.showIf.in`, 'must be a non-empty list of non-empty strings');
        }
      } else if (question.showIf && (typeof question.showIf.equals !== 'string' || question.showIf.equals === '')) {
        fail(`${qp}.showIf.equals`, 'must be a non-empty string');
      }
      for (const [ci, c] of (question.contradicts ?? []).entries()) {
        if (!local.has(c.question) && !takenIds.has(c.question)) fail(`${qp}.contradicts[${ci}].question`, `must name an earlier question, not "${c.question}"`);
        if (!local.has(c.question) && (typeof c.about !== 'string' || c.about === '')) fail(`${qp}.contradicts[${ci}].about`, 'must say which answer, for a question of another section');
      }
      if (question.notBefore && !takenIds.has(question.notBefore)) {
        fail(`${qp}.notBefore`, `must name an earlier question, not "${question.notBefore}"`);
      }
      takenIds.add(question.id);
      local.add(question.id);
      if (typeof question.label !== 'string' || question.label.trim() === '') fail(`${qp}.label`, 'must be a non-empty string');
      if (!TYPES.includes(question.type)) fail(`${qp}.type`, `must be one of ${TYPES.join(', ')}`);
      const needsChoices = question.type === 'choice' || question.type === 'multichoice';
      if (needsChoices && (!Array.isArray(question.choices) || question.choices.length === 0)) {
        fail(`${qp}.choices`, 'a choice question needs choices');
      }
      if (question.choices) {
        question.choices.forEach((c, ci) => {
          if (typeof c.value !== 'string' || c.value === '' || c.value.includes(',')) {
            fail(`${qp}.choices[${ci}].value`, 'must be a non-empty string without commas');
          }
          if (typeof c.title !== 'string' || c.title === '') fail(`${qp}.choices[${ci}].title`, 'must be a non-empty string');
        });
      }
      if (question.maxLength !== undefined && !(Number.isInteger(question.maxLength) && question.maxLength > 0)) {
        fail(`${qp}.maxLength`, 'must be a positive integer');
      }
      if (question.type === 'rows') checkColumns(question, qp, fail);
      else if (question.columns !== undefined) fail(`${qp}.columns`, 'only a rows question has columns');
    });
  });
  return q;
}
