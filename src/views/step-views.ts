import type { ErrorCode } from '../domain/errors';
import { editableSteps, nextStep, progressOf, stepAt, SUMMARY, type FlowDefinition, type FlowStep } from '../domain/flow';
import type { Journey } from '../domain/journey';
import { cellId, choicesOf, displayAnswer, hasRows, isShown, maxLengthOf, maxRowsOf, parseRows, rowsOf, splitPeople, TYPED_SUFFIX, type FieldErrors, type Question } from '../domain/questionnaire';
import type { Draft } from '../domain/records';
import { ARRANGEMENT_LABEL, COMPLETE_TITLE, problemText, say, screeningReasonText, significanceReasonTexts, stepText, viewText, type Locale } from './catalogue';
import { clip } from './journey-views';
import { MESSAGE } from './messages';
import { expandCard, type Card } from './templates';

/**
 * The cards of every flow's steps, from its definition: a section of
 * questions (every question type), an outcome at a checkpoint, and the summary
 * with Edit for each section the summary offers. The proposal and the forms
 * after approval share them; what differs is read from the flow (its subject,
 * its completion, its checkpoints), not from which use case asked.
 */

/** Long answers are cut in summaries so a card stays well under Teams' 28 KB. */
const SUMMARY_VALUE_LIMIT = 300;

export interface StepOptions {
  readonly errors?: FieldErrors;
  readonly notice?: ErrorCode;
  readonly locale?: Locale;
}

/** The proposal's definition carries the questionnaires its outcome cards and summary facts read. */
function isProposal(flow: FlowDefinition): flow is Journey {
  return flow.subject === 'new' && 'screening' in flow;
}

/** The card's heading: the entry a form is for; the proposal's name once given; a screening or significance card, its questionnaire's. */
function titleOf(flow: FlowDefinition, draft: Draft, step: FlowStep): string {
  if (flow.subject === 'entry') return `${flow.title}: ${clip(draft.subjectTitle ?? '', 100)}`;
  if (step.kind === 'questions' && !step.editable) return step.questionnaire.title;
  const name = draft.answers.name;
  return name ? `${flow.title}: ${clip(name, 80)}` : flow.title;
}

function common(flow: FlowDefinition, draft: Draft, step: FlowStep, notice: ErrorCode | undefined, locale: Locale) {
  const progress = progressOf(flow, step.key, draft.answers);
  return {
    journeyTitle: titleOf(flow, draft, step),
    stepNumber: progress.number,
    stepTotal: progress.total,
    stepText: stepText(locale, progress.number, progress.total),
    notice: notice ? MESSAGE[notice].text : '',
    draftId: draft.id,
    version: draft.version,
    step: step.key,
    changesRequested: draft.changesRequested ?? '',
  };
}

/** The person already chosen, so the picker shows them by name. */
function personChoices(draft: Draft, value: string | undefined): { title: string; value: string }[] {
  return splitPeople(value).map((id) => {
    const known = draft.people?.[id.toLowerCase()] ?? draft.people?.[id];
    return { title: known ? (known.email ? `${known.name} (${known.email})` : known.name) : id, value: id };
  });
}

/** A `rows` question's rows as the card shows them: the stored ones, then a blank one to add another (under the limit). */
function rowViews(q: Question, draft: Draft, errors: FieldErrors, locale: Locale) {
  const checklist = q.type === 'checklist';
  const stored = rowsOf(q, draft.answers[q.id]);
  // A checklist's rows are its elements, fixed; a rows question offers a blank row to add another (under the limit).
  const shown = !checklist && stored.length < maxRowsOf(q) ? [...stored, {}] : stored;
  const name = q.rowName ?? say(locale, 'row');
  return shown.map((row, i) => {
    const cells = Object.fromEntries((q.columns ?? []).map((c) => [cellId(q, i, c), row[c.id] ?? '']));
    const withCells = { ...draft, answers: { ...draft.answers, ...cells } };
    return {
      title: checklist ? q.elements?.[i]?.title ?? '' : i < stored.length ? `${name} ${i + 1}` : say(locale, 'newRow')(name, stored.length === 0),
      removable: !checklist && i < stored.length,
      removeRow: `${q.id}.${i}`,
      removeTitle: say(locale, 'removeRow'),
      cells: (q.columns ?? []).map((c) => questionView({ ...c, id: cellId(q, i, c) }, withCells, errors, locale)),
    };
  });
}

export function questionView(q: Question, draft: Draft, errors: FieldErrors, locale: Locale = 'en'): QuestionView {
  const w = viewText(locale);
  const conditional = q.showIf ? w.onlyIf(q.showIf.in ? w.scored(q.showIf.in) : String(q.showIf.equals)) : '';
  return {
    id: q.id,
    kind: q.type === 'list' ? 'longtext' : q.type === 'checklist' ? 'rows' : q.type,
    label: `${q.label}${q.required && !q.showIf ? w.requiredMark : conditional}`,
    value: draft.answers[q.id] ?? '',
    maxLength: maxLengthOf(q),
    placeholder: q.placeholder ?? '',
    help: q.help ?? '',
    error: problemText(locale, errors[q.id]),
    choices: q.type === 'person' || q.type === 'people' ? personChoices(draft, draft.answers[q.id]) : choicesOf(q).map((c) => ({ value: c.value, title: c.help ? `${c.title}: ${c.help}` : c.title })),
    typedId: `${q.id}${TYPED_SUFFIX}`,
    rows: hasRows(q) ? rowViews(q, draft, errors, locale) : [],
    addTitle: q.type === 'rows' && parseRows(draft.answers[q.id]).length < maxRowsOf(q) ? say(locale, 'addRow') : '',
  };
}

interface QuestionView {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly value: string;
  readonly maxLength: number;
  readonly placeholder: string;
  readonly help: string;
  readonly error: string;
  readonly choices: readonly { readonly title: string; readonly value: string }[];
  readonly typedId: string;
  readonly rows: readonly { readonly title: string; readonly removable: boolean; readonly removeRow: string; readonly removeTitle: string; readonly cells: readonly QuestionView[] }[];
  readonly addTitle: string;
}

/** The card for where a response stands, whatever its flow. */
export function renderStep(flow: FlowDefinition, draft: Draft, options: StepOptions = {}): Card {
  const step = stepAt(flow, draft.step);
  const locale = options.locale ?? 'en';
  const w = viewText(locale);
  const base = common(flow, draft, step, options.notice, locale);
  if (step.kind === 'questions') {
    const errors = options.errors ?? {};
    const beforeSummary = draft.returnToSummary || nextStep(flow, step.key, draft.answers).key === SUMMARY;
    return expandCard('questionnaire-step', {
      ...base,
      sectionTitle: step.section.title,
      intro: step.section.intro ?? '',
      questions: step.section.questions.map((q) => questionView(q, draft, errors, locale)),
      canGoBack: base.stepNumber > 1,
      nextTitle: beforeSummary ? w.reviewAnswers : w.next,
    }, locale);
  }
  if (step.key === SUMMARY) return renderSummary(flow, draft, base, locale);
  if (isProposal(flow)) return renderOutcome(flow, draft, step.key, base, locale);
  // A checkpoint a definition names with no outcome card of its own shows the summary.
  return renderSummary(flow, draft, base, locale);
}

const OUTCOME_TONE = { statutory: 'good', partnership: 'good', possible: 'warning', 'not-a-partnership': 'attention' } as const;

function renderOutcome(journey: Journey, draft: Draft, key: string, base: ReturnType<typeof common>, locale: Locale): Card {
  const w = viewText(locale);
  if (key === 'screening-outcome') {
    const result = draft.screening;
    const outcome = result?.outcome ?? 'not-a-partnership';
    const shown = outcome === 'partnership' && result?.statutory ? 'statutory' : outcome;
    const instead = result?.instead ? ARRANGEMENT_LABEL[result.instead] : undefined;
    return expandCard('outcome', {
      ...base,
      journeyTitle: journey.screening.title,
      ...w.screeningOutcome[shown],
      tone: OUTCOME_TONE[shown],
      reasons: (result?.reasons ?? []).map(screeningReasonText),
      instead: instead ? w.instead(instead.what, instead.where) : '',
      canContinue: outcome !== 'not-a-partnership',
    }, locale);
  }
  const result = draft.significance;
  return expandCard('outcome', {
    ...base,
    journeyTitle: journey.significance.title,
    heading: result?.significant ? w.significantHeading : w.notSignificantHeading,
    tone: result?.significant ? 'warning' : 'good',
    explanation: result?.significant ? w.significantExplanation : w.notSignificantExplanation,
    reasons: significanceReasonTexts(journey, result),
    instead: '',
    canContinue: true,
  }, locale);
}

/** The proposal's outcomes, said on its summary: the forms have none. */
function summaryFacts(flow: FlowDefinition, draft: Draft, locale: Locale): { title: string; value: string }[] {
  if (!isProposal(flow)) return [];
  const w = viewText(locale);
  const screening = draft.screening;
  return [
    { title: w.screening, value: screening ? w.screeningSummary[screening.outcome] : w.notDone },
    { title: w.significant, value: draft.significance ? (draft.significance.significant ? w.significantBecause(significanceReasonTexts(flow, draft.significance)) : w.no) : w.notDone },
  ];
}

function renderSummary(flow: FlowDefinition, draft: Draft, base: ReturnType<typeof common>, locale: Locale): Card {
  const w = viewText(locale);
  const sections = editableSteps(flow, draft.answers).map((step) => ({
    key: step.key,
    title: step.section.title,
    answers: step.section.questions
      .filter((q) => isShown(q, draft.answers))
      .map((q) => ({ label: q.label, value: clip(displayAnswer(q, draft.answers[q.id], draft.people) || w.notAnswered, SUMMARY_VALUE_LIMIT) })),
  }));
  return expandCard('summary', {
    ...base,
    facts: summaryFacts(flow, draft, locale),
    submitTitle: flow.completion === 'submit-for-approval' ? w.submitForApproval : COMPLETE_TITLE[flow.id] ?? w.complete,
    sections,
  }, locale);
}
