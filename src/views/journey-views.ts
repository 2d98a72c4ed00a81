import type { ErrorCode } from '../domain/errors';
import { editableSteps, nextStep, progressOf, stepAt, type FlowDefinition } from '../domain/flow';
import type { Journey, JourneyStep } from '../domain/journey';
import { cellId, choicesOf, displayAnswer, hasRows, splitPeople, isShown, maxLengthOf, maxRowsOf, parseRows, rowsOf, TYPED_SUFFIX, type FieldErrors, type Question } from '../domain/questionnaire';
import { isPendingSync, type Draft, type Partnership } from '../domain/records';
import type { MyPartnerships } from '../use-cases/proposal-journey';
import { MESSAGE } from './messages';
import { AGREEMENT_LABEL, ARRANGEMENT_LABEL, problemText, say, screeningReasonText, significanceReasonTexts, STATUS_LABEL, stepText, viewText, type Locale } from './catalogue';
import { expandCard, type Card } from './templates';

/** Long answers are cut in summaries so a card stays well under Teams' 28 KB. */
const SUMMARY_VALUE_LIMIT = 300;
const LIST_LIMIT = 15;

/**
 * One formatter, made once: `toLocaleDateString` with options builds a new
 * Intl.DateTimeFormat on every call (about 80 µs against 2 µs here), and an
 * approval fan-out formats several dates per card per approver.
 */
const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

export function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  return DATE_FORMAT.format(date);
}

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

export function draftTitle(draft: Draft, locale: Locale = 'en'): string {
  const name = (draft.answers.name ?? '').trim();
  return name ? clip(name, 150) : viewText(locale).untitledDraft(formatDate(draft.createdAt));
}

interface StepOptions {
  readonly errors?: FieldErrors;
  readonly notice?: ErrorCode;
  readonly locale?: Locale;
}

function common(journey: Journey, draft: Draft, step: JourneyStep, notice: ErrorCode | undefined, locale: Locale) {
  const progress = progressOf(journey, step.key, draft.answers);
  const title = draft.answers.name ? `${journey.registration.title}: ${clip(draft.answers.name, 80)}` : journey.registration.title;
  return {
    journeyTitle: title,
    stepNumber: progress.number,
    stepTotal: progress.total,
    stepText: stepText(locale, progress.number, progress.total),
    notice: notice ? MESSAGE[notice].text : '',
    draftId: draft.id,
    version: draft.version,
    step: step.key,
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

export function renderJourneyStep(journey: Journey, draft: Draft, options: StepOptions = {}): Card {
  const step = stepAt(journey, draft.step);
  const locale = options.locale ?? 'en';
  const w = viewText(locale);
  const base = common(journey, draft, step, options.notice, locale);
  if (step.kind === 'questions') {
    const errors = options.errors ?? {};
    const isLastRegistration = step.questionnaire === journey.registration && nextStep(journey, step.key, draft.answers).key === 'summary';
    return expandCard('questionnaire-step', {
      ...base,
      journeyTitle: step.questionnaire === journey.registration ? base.journeyTitle : step.questionnaire.title,
      sectionTitle: step.section.title,
      intro: step.section.intro ?? '',
      changesRequested: draft.changesRequested ?? '',
      questions: step.section.questions.map((q) => questionView(q, draft, errors, options.locale)),
      canGoBack: base.stepNumber > 1,
      nextTitle: draft.returnToSummary || isLastRegistration ? w.reviewAnswers : w.next,
    }, locale);
  }
  if (step.key === 'summary') return renderSummary(journey, draft, base, locale);
  return renderOutcome(journey, draft, step.key, base, locale);
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

function renderSummary(journey: Journey, draft: Draft, base: ReturnType<typeof common>, locale: Locale): Card {
  const w = viewText(locale);
  const sections = editableSteps(journey, draft.answers).map((step) => ({
    key: step.key,
    title: step.section.title,
    answers: step.section.questions
      .filter((q) => isShown(q, draft.answers))
      .map((q) => ({ label: q.label, value: clip(displayAnswer(q, draft.answers[q.id], draft.people) || w.notAnswered, SUMMARY_VALUE_LIMIT) })),
  }));
  const screening = draft.screening;
  return expandCard('summary', {
    ...base,
    changesRequested: draft.changesRequested ?? '',
    facts: [
      { title: w.screening, value: screening ? w.screeningSummary[screening.outcome] : w.notDone },
      { title: w.significant, value: draft.significance ? (draft.significance.significant ? w.significantBecause(significanceReasonTexts(journey, draft.significance)) : w.no) : w.notDone },
    ],
    submitTitle: w.submitForApproval,
    sections,
  }, locale);
}

export function renderMessage(heading: string, text: string, options: { facts?: { title: string; value: string }[]; resumeDraftId?: string; locale?: Locale } = {}): Card {
  return expandCard('message', { heading, text, facts: options.facts ?? [], resumeDraftId: options.resumeDraftId ?? '' }, options.locale);
}

export function renderRefusal(code: ErrorCode, locale: Locale = 'en'): Card {
  return renderMessage(MESSAGE[code].heading, MESSAGE[code].text, { locale });
}

export function renderSaved(draft: Draft, locale: Locale = 'en'): Card {
  const w = viewText(locale);
  return renderMessage(w.draftSaved, w.draftSavedText(draftTitle(draft, locale)), { resumeDraftId: draft.id, locale });
}

export function renderSubmitted(partnership: Partnership, locale: Locale = 'en'): Card {
  const w = viewText(locale);
  // Said when a write is kept locally because SharePoint could not be reached (the outbox writes it later).
  const pending = isPendingSync(partnership) ? ` ${w.pendingSyncNote}` : '';
  return renderMessage(w.proposalSubmitted, `${w.proposalSubmittedText(clip(partnership.name, 150))}${pending}`, {
    facts: [
      { title: w.status, value: STATUS_LABEL[partnership.status] },
      { title: w.submitted, value: formatDate(partnership.submittedAt) },
      { title: w.significant, value: partnership.significant ? w.yes : w.no },
    ],
    locale,
  });
}

export function renderWelcome(options: { readonly help: boolean; readonly note?: string; readonly locale?: Locale }): Card {
  const w = viewText(options.locale ?? 'en');
  return expandCard('welcome', {
    heading: options.help ? w.helpHeading : w.welcomeHeading,
    showCommands: options.help,
    commands: w.commands,
    note: options.note ?? '',
  }, options.locale);
}

/** The forms' drafts and the entries the person carries, beside their proposals. */
export interface MyForms {
  readonly flows: ReadonlyMap<string, FlowDefinition>;
  readonly entries: readonly Partnership[];
  /** The register could not be asked for them just now. */
  readonly unavailable?: boolean;
}


export function renderMyPartnerships(journey: Journey, mine: MyPartnerships, forms: MyForms = { flows: new Map(), entries: [] }, locale: Locale = 'en'): Card {
  const w = viewText(locale);
  const drafts = mine.drafts.slice(0, LIST_LIMIT).map((d) => {
    const flow = d.flowId ? forms.flows.get(d.flowId) : undefined;
    if (flow) {
      const at = stepAt(flow, d.step);
      return { id: d.id, title: clip(`${flow.title}: ${d.subjectTitle ?? ''}`, 150), status: STATUS_LABEL[d.status], where: at.kind === 'questions' ? at.section.title : w.readyToComplete, updated: formatDate(d.updatedAt) };
    }
    const step = stepAt(journey, d.step);
    const where = step.kind === 'questions' ? step.section.title : w.journeyWhere[step.key];
    return { id: d.id, title: draftTitle(d, locale), status: STATUS_LABEL[d.status], where, updated: formatDate(d.updatedAt) };
  });
  const proposals = mine.partnerships.slice(0, LIST_LIMIT).map((p) => ({
    name: clip(p.name, 150),
    status: STATUS_LABEL[p.status],
    submitted: formatDate(p.submittedAt),
    reference: p.reference ? ` - ${p.reference}` : '',
  }));
  const entries = forms.entries.slice(0, LIST_LIMIT).map((e) => ({
    id: e.id,
    name: clip(e.name, 150),
    detail: [e.reference, STATUS_LABEL[e.status], e.nextReviewDue ? w.reviewDue(formatDate(e.nextReviewDue)) : '', w.agreementState(e.agreement ? AGREEMENT_LABEL[e.agreement.state].toLowerCase() : w.notChecked)].filter(Boolean).join(' - '),
  }));
  const hidden = Math.max(0, mine.drafts.length - LIST_LIMIT) + Math.max(0, mine.partnerships.length - LIST_LIMIT) + Math.max(0, forms.entries.length - LIST_LIMIT);
  const notes = [hidden > 0 ? w.olderHidden(hidden) : '', forms.unavailable ? w.entriesUnavailable : ''];
  return expandCard('my-partnerships', { drafts, proposals, entries, more: notes.filter((n) => n !== '').join(' ') }, locale);
}
