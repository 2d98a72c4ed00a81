import { z } from 'zod';
import { CELL_TYPES, QuestionnaireDefinitionError, RESERVED_IDS } from '../domain/questionnaire-check';
import { DEFAULT_MAX_LENGTH, SECTION_CONDITIONS, type Question, type Questionnaire, type QuestionType } from '../domain/questionnaire';

/**
 * A questionnaire definition (the proposal's, and the one inside each
 * `*.flow.json`) as a zod schema: its shape, with unknown properties refused,
 * then the rules between questions (ids used once in the whole journey, names
 * of earlier questions, choices where a type needs them). A mistake fails at
 * start-up naming the file and the JSON path, never in a person's chat.
 */
const ID = /^[a-zA-Z][a-zA-Z0-9]*$/;
const TYPES = Object.keys(DEFAULT_MAX_LENGTH) as [QuestionType, ...QuestionType[]];

const identifier = z.string({ required_error: 'must be an identifier' }).regex(ID, 'must be an identifier');
const words = z.string({ required_error: 'must be a non-empty string' }).refine((v) => v.trim() !== '', 'must be a non-empty string');
const oneOf = <T extends string>(values: readonly [T, ...T[]]) => z.enum(values, { errorMap: () => ({ message: `must be one of ${values.join(', ')}` }) });

const ChoiceSchema = z
  .object({
    value: z.string().refine((v) => v !== '' && !v.includes(','), 'must be a non-empty string without commas'),
    title: z.string({ required_error: 'must be a non-empty string' }).min(1, 'must be a non-empty string'),
    help: z.string().optional(),
  })
  .strict();

const common = {
  id: identifier,
  label: words,
  required: z.boolean().optional(),
  help: z.string().optional(),
  placeholder: z.string().optional(),
  maxLength: z.number({ invalid_type_error: 'must be a positive integer' }).int('must be a positive integer').positive('must be a positive integer').optional(),
  choices: z.array(ChoiceSchema).optional(),
};

/** A cell of a `rows` question: one input, depending on nothing else. */
const CellSchema = z.object({ ...common, type: oneOf(CELL_TYPES as unknown as [QuestionType, ...QuestionType[]]) }).strict();

const QuestionSchema = z
  .object({
    ...common,
    type: oneOf(TYPES),
    showIf: z.object({ question: z.string(), equals: z.string().optional(), in: z.array(z.string()).optional() }).strict().optional(),
    notBefore: z.string().optional(),
    contradicts: z.array(z.object({ when: z.string(), question: z.string(), equals: z.string(), about: z.string().optional() }).strict()).optional(),
    rule: z.record(z.string()).optional(),
    columns: z.array(CellSchema).optional(),
    elements: z.array(z.object({ id: identifier, title: words }).strict()).max(12, 'must list at most 12 elements: a card holds one section').optional(),
    rowName: z.string().optional(),
    maxRows: z.number().int('must be an integer from 1 to 20').min(1, 'must be an integer from 1 to 20').max(20, 'must be an integer from 1 to 20').optional(),
  })
  .strict();

const QuestionnaireSchema = z
  .object({
    id: identifier,
    title: words,
    sections: z
      .array(
        z
          .object({
            id: identifier,
            title: words,
            intro: z.string().optional(),
            askWhen: oneOf(SECTION_CONDITIONS as [string, ...string[]]).optional(),
            questions: z.array(QuestionSchema, { required_error: 'must be a non-empty array' }).min(1, 'must be a non-empty array'),
          })
          .strict(),
        { required_error: 'must be a non-empty array' },
      )
      .min(1, 'must be a non-empty array'),
  }, { invalid_type_error: 'must be an object', required_error: 'must be an object' })
  .strict();

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), '$');
}

/** The rules between questions that a shape cannot say; the first broken one, as [path, problem]. */
function crossCheck(q: Questionnaire, takenIds: Set<string>): [string, string] | undefined {
  const sectionIds = new Set<string>();
  for (const [si, s] of q.sections.entries()) {
    const sp = `$.sections[${si}]`;
    if (sectionIds.has(s.id)) return [`${sp}.id`, `duplicate section id "${s.id}"`];
    sectionIds.add(s.id);
    const local = new Set<string>();
    for (const [qi, question] of s.questions.entries()) {
      const problem = questionProblem(question, local, takenIds);
      if (problem) return [`${sp}.questions[${qi}]${problem[0]}`, problem[1]];
      takenIds.add(question.id);
      local.add(question.id);
    }
  }
  return undefined;
}

function questionProblem(question: Question, local: Set<string>, takenIds: Set<string>): [string, string] | undefined {
  if (RESERVED_IDS.includes(question.id)) return ['.id', `"${question.id}" is reserved for card data`];
  if (takenIds.has(question.id)) return ['.id', `duplicate question id "${question.id}"`];
  if (question.showIf && !local.has(question.showIf.question)) return ['.showIf.question', `must name an earlier question of the same section, not "${question.showIf.question}"`];
  if (question.showIf && question.showIf.in !== undefined && (question.showIf.in.length === 0 || question.showIf.in.some((v) => v === ''))) return ['.showIf.in', 'must be a non-empty list of non-empty strings'];
  if (question.showIf && question.showIf.in === undefined && !question.showIf.equals) return ['.showIf.equals', 'must be a non-empty string'];
  for (const [ci, c] of (question.contradicts ?? []).entries()) {
    if (!local.has(c.question) && !takenIds.has(c.question)) return [`.contradicts[${ci}].question`, `must name an earlier question, not "${c.question}"`];
    if (!local.has(c.question) && !c.about) return [`.contradicts[${ci}].about`, 'must say which answer, for a question of another section'];
  }
  if (question.notBefore && !takenIds.has(question.notBefore)) return ['.notBefore', `must name an earlier question, not "${question.notBefore}"`];
  const needsChoices = (t: QuestionType) => t === 'choice' || t === 'multichoice';
  if (needsChoices(question.type) && (question.choices ?? []).length === 0) return ['.choices', 'a choice question needs choices'];
  if (question.type !== 'checklist' && question.elements !== undefined) return ['.elements', 'only a checklist question has elements'];
  if (question.type !== 'rows' && question.type !== 'checklist') return question.columns !== undefined ? ['.columns', 'only a rows or checklist question has columns'] : undefined;
  if ((question.columns ?? []).length === 0) return ['.columns', `a ${question.type} question needs columns`];
  if (question.type === 'checklist') {
    if ((question.elements ?? []).length === 0) return ['.elements', 'a checklist question needs elements'];
    const ids = new Set<string>();
    for (const [ei, element] of question.elements!.entries()) {
      if (ids.has(element.id)) return [`.elements[${ei}].id`, `duplicate element id "${element.id}"`];
      ids.add(element.id);
    }
    if (question.columns!.some((c) => c.id === 'element')) return ['.columns', '"element" is the key of a checklist row: name the column otherwise'];
  }
  const seen = new Set<string>();
  for (const [ci, column] of question.columns!.entries()) {
    if (seen.has(column.id)) return [`.columns[${ci}].id`, `duplicate column id "${column.id}"`];
    seen.add(column.id);
    if (needsChoices(column.type) && (column.choices ?? []).length === 0) return [`.columns[${ci}].choices`, 'a choice question needs choices'];
  }
  return undefined;
}

/**
 * Checks a questionnaire loaded from data and returns it. `takenIds` carries the
 * question ids of the questionnaires checked before it in the same journey.
 */
export function checkQuestionnaire(source: string, value: unknown, takenIds: Set<string> = new Set()): Questionnaire {
  const parsed = QuestionnaireSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QuestionnaireDefinitionError(source, pathOf(issue.path), issue.message);
  }
  const questionnaire = value as Questionnaire;
  const problem = crossCheck(questionnaire, takenIds);
  if (problem) throw new QuestionnaireDefinitionError(source, problem[0], problem[1]);
  return questionnaire;
}
