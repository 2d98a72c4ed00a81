import { z } from 'zod';
import { stepsOf, type FlowDefinition } from '../domain/flow';
import type { ProposalDefinition } from '../domain/journey';
import { QuestionnaireDefinitionError } from '../domain/questionnaire-check';
import { checkQuestionnaire } from './questionnaire-schema';

/**
 * The envelope of a flow definition (`*.flow.json`), checked at start-up with
 * zod: unknown properties are refused, evaluators and completions must be ones
 * the registry knows. A form after approval holds its questionnaire inline,
 * checked by the questionnaire schema (ids, references between questions,
 * choices); the proposal lists its parts, naming its three questionnaires and
 * its checkpoints. A mistake names the file and the JSON path.
 */
const STATUSES = ['proposed', 'changes-requested', 'active', 'rejected', 'exiting', 'closed'] as const;

const Envelope = {
  id: z.string().regex(/^[a-z][a-zA-Z0-9-]*$/),
  version: z.number().int().min(1),
  title: z.string().min(1).max(80),
  command: z.string().regex(/^[a-z]+$/),
};

const ProposalEnvelope = z
  .object({
    ...Envelope,
    subject: z.literal('new'),
    steps: z
      .array(
        // One object rather than a union, so a mistake is reported at its own path.
        z
          .object({
            questionnaire: z.enum(['screening', 'significance', 'registration']).optional(),
            editable: z.boolean().optional(),
            checkpoint: z.string().regex(/^[a-z][a-z-]*$/).refine((k) => k !== 'summary', '"summary" is the step after the last part').optional(),
            evaluator: z.enum(['screening', 'significance']).optional(),
          })
          .strict()
          .refine((p) => (p.questionnaire === undefined) !== (p.checkpoint === undefined), 'a part is either a questionnaire or a checkpoint')
          .refine((p) => p.questionnaire === undefined || p.evaluator === undefined, 'an evaluator belongs to a checkpoint')
          .refine((p) => p.checkpoint === undefined || p.editable === undefined, 'only a questionnaire is editable'),
      )
      .min(1)
      .refine((parts) => ['screening', 'significance', 'registration'].every((role) => parts.filter((p) => 'questionnaire' in p && p.questionnaire === role).length === 1), 'each of screening, significance and registration appears once'),
    completion: z.literal('submit-for-approval'),
  })
  .strict();

const FlowEnvelope = z
  .object({
    ...Envelope,
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

function refused(source: string, error: z.ZodError): QuestionnaireDefinitionError {
  const issue = error.issues[0];
  return new QuestionnaireDefinitionError(source, pathOf(issue.path), issue.message);
}

/** proposal.flow.json: the proposal's parts, in order, before the summary. */
export function checkProposalFlow(source: string, value: unknown): ProposalDefinition {
  const parsed = ProposalEnvelope.safeParse(value);
  if (!parsed.success) throw refused(source, parsed.error);
  const { subject: _new, steps, ...envelope } = parsed.data;
  return {
    ...envelope,
    steps: steps.map((p) => (p.questionnaire ? { questionnaire: p.questionnaire, ...(p.editable ? { editable: true } : {}) } : { checkpoint: p.checkpoint!, ...(p.evaluator ? { evaluator: p.evaluator } : {}) })),
  };
}

export function checkFlow(source: string, value: unknown): FlowDefinition {
  const parsed = FlowEnvelope.safeParse(value);
  if (!parsed.success) throw refused(source, parsed.error);
  const sections = parsed.data.questionnaire.sections as { id?: unknown }[];
  const reserved = sections.findIndex((section) => section?.id === 'summary');
  if (reserved >= 0) throw new QuestionnaireDefinitionError(source, `$.questionnaire.sections[${reserved}].id`, '"summary" is the step after the last section: choose another id');
  try {
    const questionnaire = checkQuestionnaire(source, parsed.data.questionnaire);
    const { questionnaire: _inline, ...envelope } = parsed.data;
    return { ...envelope, subject: 'entry', questionnaires: [questionnaire], steps: stepsOf([{ questionnaire, editable: true }]) };
  } catch (err) {
    // The questionnaire's own paths start at its root: put them under $.questionnaire.
    if (err instanceof QuestionnaireDefinitionError) throw new QuestionnaireDefinitionError(source, err.path.replace(/^\$/, '$.questionnaire'), err.message.split(': ').slice(2).join(': '));
    throw err;
  }
}
