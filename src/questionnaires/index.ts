import { buildJourney, type Journey } from '../domain/journey';
import { checkQuestionnaire } from '../domain/questionnaire';
import registration from './registration.json';
import screening from './screening.json';
import significance from './significance.json';

/**
 * Loads the questionnaires shipped with the product and checks them, so a bad
 * edit fails at start-up naming the file and the path. Question ids are unique
 * across the whole journey: they key the answers of a draft.
 */
export function loadProposalJourney(): Journey {
  const ids = new Set<string>();
  return buildJourney(
    checkQuestionnaire('src/questionnaires/screening.json', screening, ids),
    checkQuestionnaire('src/questionnaires/significance.json', significance, ids),
    checkQuestionnaire('src/questionnaires/registration.json', registration, ids),
  );
}
