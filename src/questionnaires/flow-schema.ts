import { z } from 'zod';
import type { FlowDefinition } from '../domain/flow';
import { QuestionnaireDefinitionError } from '../domain/questionnaire-check';
import { checkQuestionnaire } from './questionnaire-schema';

/**
 * The envelope of a flow definition (`*.flow.json`), checked at start-up with
 * zod: unknown properties are refused, evaluators and completions must be ones
 * the registry knows. The questionnaire inside is checked by the engine's own
 * checker (ids, references between questions, choices). A mistake names the
 * file and the JSON path.
 */
const STATUSES = ['proposed', 'changes-requested', 'active', 'rejected', 'exiting', 'closed'] as const;

const FlowEnvelope = z
  .object({
    id: z.string().regex(/^[a-z][a-zA-Z0-9-]*$/),
    version: z.number().int().min(1),
    title: z.string().min(1).max(80),
    command: z.string().regex(/^[a-z]+$/),
    startableIn: z.array(z.enum(STATUSES)).min(1),
    onStart: z.enum(['start-exit']).optional(),
    evaluator: z.enum(['assessment-scoring', 'agreement-gaps', 'exit-evaluation', 'handover', 'change-diff']),
    completion: z.enum(['record-assessment', 'record-agreement', 'finish-exit', 'apply-handover', 'propose-change']),
    questionnaire: z.object({ id: z.string(), sections: z.array(z.unknown()).min(1) }).passthrough(),
  })
  .strict();

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), '$');
}

export function checkFlow(source: string, value: unknown): FlowDefinition {
  const parsed = FlowEnvelope.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QuestionnaireDefinitionError(source, pathOf(issue.path), issue.message);
  }
  const sections = parsed.data.questionnaire.sections as { id?: unknown }[];
  const reserved = sections.findIndex((section) => section?.id === 'summary');
  if (reserved >= 0) throw new QuestionnaireDefinitionError(source, `$.questionnaire.sections[${reserved}].id`, '"summary" is the step after the last section: choose another id');
  try {
    const questionnaire = checkQuestionnaire(source, parsed.data.questionnaire);
    return { ...parsed.data, questionnaire };
  } catch (err) {
    // The questionnaire's own paths start at its root: put them under $.questionnaire.
    if (err instanceof QuestionnaireDefinitionError) throw new QuestionnaireDefinitionError(source, err.path.replace(/^\$/, '$.questionnaire'), err.message.split(': ').slice(2).join(': '));
    throw err;
  }
}
