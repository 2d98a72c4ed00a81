import type { QuestionType } from './questionnaire';

/**
 * A mistake in a questionnaire definition, found at start-up: it names the file
 * and the JSON path (the schema itself is in questionnaires/questionnaire-schema.ts).
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

/** Names the cards use in every action's data; a question may not shadow them. */
export const RESERVED_IDS: readonly string[] = ['draftId', 'version', 'step', 'target', 'verb', 'proposalId', 'comment', 'removeRow'];

/** The types a cell of a `rows` question may have: one input each, no rows inside rows. */
export const CELL_TYPES: readonly QuestionType[] = ['text', 'longtext', 'choice', 'date', 'amount', 'yesno', 'email', 'url', 'person'];
