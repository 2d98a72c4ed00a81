import type { FlowDefinition } from '../domain/flow';
import { buildJourney, type Journey } from '../domain/journey';
import agreement from './agreement.flow.json';
import assessment from './assessment.flow.json';
import change from './change.flow.json';
import exit from './exit.flow.json';
import handover from './handover.flow.json';
import { checkFlow, checkProposalFlow } from './flow-schema';
import proposal from './proposal.flow.json';
import type { Questionnaire } from '../domain/questionnaire';
import { checkQuestionnaire } from './questionnaire-schema';
import registration from './registration.json';
import screening from './screening.json';
import significance from './significance.json';

/**
 * Loads the questionnaires shipped with the product and checks them, so a bad
 * edit fails at start-up naming the file and the path. Question ids are unique
 * across the whole journey: they key the answers of a draft.
 */
export function loadProposalJourney(options: { readonly fundingThreshold?: number } = {}): Journey {
  const ids = new Set<string>();
  const threshold = options.fundingThreshold ?? 50_000;
  return buildJourney(
    checkProposalFlow('src/questionnaires/proposal.flow.json', proposal),
    {
      screening: checkQuestionnaire('src/questionnaires/screening.json', screening, ids),
      significance: withThreshold(checkQuestionnaire('src/questionnaires/significance.json', significance, ids), threshold),
      registration: checkQuestionnaire('src/questionnaires/registration.json', registration, ids),
    },
    threshold,
  );
}

/** The significance threshold is configuration (SIGNIFICANT_FUNDING_THRESHOLD): the question shows the one in force. */
function withThreshold(questionnaire: Questionnaire, threshold: number): Questionnaire {
  const pounds = `£${threshold.toLocaleString('en-GB')}`;
  return {
    ...questionnaire,
    sections: questionnaire.sections.map((s) => ({ ...s, questions: s.questions.map((q) => (q.help?.includes('{threshold}') ? { ...q, help: q.help.replace('{threshold}', pounds) } : q)) })),
  };
}

/**
 * The forms after approval (DOMAIN 1.7), one `*.flow.json` each, beside the
 * proposal (loadProposalJourney). Adding a form whose question types,
 * evaluator and completion exist is a JSON file and a line here.
 */
export function loadFlows(): ReadonlyMap<string, FlowDefinition> {
  const flows = [
    checkFlow('src/questionnaires/assessment.flow.json', assessment),
    checkFlow('src/questionnaires/agreement.flow.json', agreement),
    checkFlow('src/questionnaires/handover.flow.json', handover),
    checkFlow('src/questionnaires/exit.flow.json', exit),
    checkFlow('src/questionnaires/change.flow.json', change),
  ];
  return new Map(flows.map((f) => [f.id, f]));
}
