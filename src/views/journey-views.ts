import type { ErrorCode } from '../domain/errors';
import { editableSteps, nextStep, progressOf, stepAt, type FlowDefinition } from '../domain/flow';
import type { Journey, JourneyStep } from '../domain/journey';
import { cellId, choicesOf, displayAnswer, hasRows, splitPeople, isShown, maxLengthOf, maxRowsOf, parseRows, rowsOf, TYPED_SUFFIX, type FieldErrors, type Question } from '../domain/questionnaire';
import { isPendingSync, type Draft, type Partnership } from '../domain/records';
import type { MyPartnerships } from '../use-cases/proposal-journey';
import { MESSAGE } from './messages';
import { AGREEMENT_LABEL, ARRANGEMENT_LABEL, problemText, say, screeningReasonText, significanceReasonTexts, STATUS_LABEL, stepText, type Locale } from './catalogue';
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

export function draftTitle(draft: Draft): string {
  const name = (draft.answers.name ?? '').trim();
  return name ? clip(name, 150) : `Untitled partnership (started ${formatDate(draft.createdAt)})`;
}

interface StepOptions {
  readonly errors?: FieldErrors;
  readonly notice?: ErrorCode;
  readonly locale?: Locale;
}

function common(journey: Journey, draft: Draft, step: JourneyStep, notice?: ErrorCode) {
  const progress = progressOf(journey, step.key, draft.answers);
  const title = draft.answers.name ? `${journey.registration.title}: ${clip(draft.answers.name, 80)}` : journey.registration.title;
  return {
    journeyTitle: title,
    stepNumber: progress.number,
    stepTotal: progress.total,
    stepText: stepText('en', progress.number, progress.total),
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
  const conditional = q.showIf ? ` (only if ${q.showIf.in ? `scored ${q.showIf.in.join(' or ')}` : q.showIf.equals})` : '';
  return {
    id: q.id,
    kind: q.type === 'list' ? 'longtext' : q.type === 'checklist' ? 'rows' : q.type,
    label: `${q.label}${q.required && !q.showIf ? ' (required)' : conditional}`,
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
  const base = common(journey, draft, step, options.notice);
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
      nextTitle: draft.returnToSummary || isLastRegistration ? 'Review answers' : 'Next',
    });
  }
  if (step.key === 'summary') return renderSummary(journey, draft, base);
  return renderOutcome(journey, draft, step.key, base);
}

function renderOutcome(journey: Journey, draft: Draft, key: string, base: ReturnType<typeof common>): Card {
  if (key === 'screening-outcome') {
    const result = draft.screening;
    const outcome = result?.outcome ?? 'not-a-partnership';
    const text = {
      partnership: result?.statutory
        ? { heading: 'Yes: this is a statutory partnership', tone: 'good', explanation: 'Register it in the statutory category. Continue to check whether it is significant, then register it.' }
        : { heading: 'Yes: this is a partnership', tone: 'good', explanation: 'It meets every partnership criterion. Continue to check whether it is significant, then register it.' },
      possible: { heading: 'It might be a partnership', tone: 'warning', explanation: 'You can register it; the approver will judge whether it should be on the register.' },
      'not-a-partnership': { heading: 'This is not a partnership', tone: 'attention', explanation: 'It will not be entered on the register. Your answers and this decision have been kept.' },
    }[outcome];
    const instead = result?.instead ? ARRANGEMENT_LABEL[result.instead] : undefined;
    return expandCard('outcome', {
      ...base,
      journeyTitle: journey.screening.title,
      ...text,
      reasons: (result?.reasons ?? []).map(screeningReasonText),
      instead: instead ? `It is ${instead.what}. ${instead.where}` : '',
      canContinue: outcome !== 'not-a-partnership',
    });
  }
  const result = draft.significance;
  return expandCard('outcome', {
    ...base,
    journeyTitle: journey.significance.title,
    heading: result?.significant ? 'This is a significant partnership' : 'This is not a significant partnership',
    tone: result?.significant ? 'warning' : 'good',
    explanation: result?.significant
      ? 'Significant partnerships need a risk assessment and may go through a second approval stage. Continue to register it.'
      : 'None of the significance triggers apply. Continue to register it.',
    reasons: significanceReasonTexts(journey, result),
    instead: '',
    canContinue: true,
  });
}

function renderSummary(journey: Journey, draft: Draft, base: ReturnType<typeof common>): Card {
  const sections = editableSteps(journey, draft.answers).map((step) => ({
    key: step.key,
    title: step.section.title,
    answers: step.section.questions
      .filter((q) => isShown(q, draft.answers))
      .map((q) => ({ label: q.label, value: clip(displayAnswer(q, draft.answers[q.id], draft.people) || 'Not answered', SUMMARY_VALUE_LIMIT) })),
  }));
  const screening = draft.screening;
  return expandCard('summary', {
    ...base,
    changesRequested: draft.changesRequested ?? '',
    facts: [
      { title: 'Screening', value: screening ? { partnership: 'A partnership', possible: 'Possibly a partnership (for the approver to judge)', 'not-a-partnership': 'Not a partnership' }[screening.outcome] : 'Not done' },
      { title: 'Significant', value: draft.significance ? (draft.significance.significant ? `Yes: ${significanceReasonTexts(journey, draft.significance).join('; ')}` : 'No') : 'Not done' },
    ],
    submitTitle: 'Submit for approval',
    sections,
  });
}

export function renderMessage(heading: string, text: string, options: { facts?: { title: string; value: string }[]; resumeDraftId?: string } = {}): Card {
  return expandCard('message', { heading, text, facts: options.facts ?? [], resumeDraftId: options.resumeDraftId ?? '' });
}

export function renderRefusal(code: ErrorCode): Card {
  return renderMessage(MESSAGE[code].heading, MESSAGE[code].text);
}

export function renderSaved(draft: Draft): Card {
  return renderMessage(
    'Draft saved',
    `"${draftTitle(draft)}" is saved. Come back any time, from any device: choose Continue, or type "my partnerships".`,
    { resumeDraftId: draft.id },
  );
}

/** Said when a write is kept locally because SharePoint could not be reached (the outbox writes it later). */
export const PENDING_SYNC_NOTE = 'SharePoint is not reachable just now; your proposal is saved and will appear in the register shortly.';

export function renderSubmitted(partnership: Partnership): Card {
  const pending = isPendingSync(partnership) ? ` ${PENDING_SYNC_NOTE}` : '';
  return renderMessage('Proposal submitted', `"${clip(partnership.name, 150)}" is waiting for approval. I will tell you when it has been decided.${pending}`, {
    facts: [
      { title: 'Status', value: STATUS_LABEL[partnership.status] },
      { title: 'Submitted', value: formatDate(partnership.submittedAt) },
      { title: 'Significant', value: partnership.significant ? 'Yes' : 'No' },
    ],
  });
}

export const COMMANDS: readonly { readonly command: string; readonly description: string }[] = [
  { command: 'register', description: 'Register a partnership' },
  { command: 'check', description: 'Is it a partnership?' },
  { command: 'my partnerships', description: 'Your drafts and proposals' },
  { command: 'pending approvals', description: 'Proposals waiting for your decision' },
  { command: 'due', description: 'What is due on the partnerships you lead or represent' },
  { command: 'review PR-2026-001', description: 'Annual assessment of a partnership (its reference or name)' },
  { command: 'agreement PR-2026-001', description: 'Agreement checklist' },
  { command: 'handover PR-2026-001', description: 'Hand over as representative' },
  { command: 'exit PR-2026-001', description: 'Exit and evaluation' },
  { command: 'help', description: 'What I can do' },
];

export function renderWelcome(options: { readonly help: boolean; readonly note?: string }): Card {
  return expandCard('welcome', {
    heading: options.help ? 'How I can help' : 'Welcome to the Partnership Register',
    showCommands: options.help,
    commands: COMMANDS,
    note: options.note ?? '',
  });
}

/** The forms' drafts and the entries the person carries, beside their proposals. */
export interface MyForms {
  readonly flows: ReadonlyMap<string, FlowDefinition>;
  readonly entries: readonly Partnership[];
  /** The register could not be asked for them just now. */
  readonly unavailable?: boolean;
}


export function renderMyPartnerships(journey: Journey, mine: MyPartnerships, forms: MyForms = { flows: new Map(), entries: [] }): Card {
  const drafts = mine.drafts.slice(0, LIST_LIMIT).map((d) => {
    const flow = d.flowId ? forms.flows.get(d.flowId) : undefined;
    if (flow) {
      const at = stepAt(flow, d.step);
      return { id: d.id, title: clip(`${flow.title}: ${d.subjectTitle ?? ''}`, 150), status: STATUS_LABEL[d.status], where: at.kind === 'questions' ? at.section.title : 'Ready to complete', updated: formatDate(d.updatedAt) };
    }
    const step = stepAt(journey, d.step);
    const where = step.kind === 'questions' ? step.section.title : { 'screening-outcome': 'Screening outcome', 'significance-outcome': 'Significance outcome', summary: 'Ready to submit' }[step.key];
    return { id: d.id, title: draftTitle(d), status: STATUS_LABEL[d.status], where, updated: formatDate(d.updatedAt) };
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
    detail: [e.reference, STATUS_LABEL[e.status], e.nextReviewDue ? `review due ${formatDate(e.nextReviewDue)}` : '', `agreement ${e.agreement ? AGREEMENT_LABEL[e.agreement.state].toLowerCase() : 'not checked'}`].filter(Boolean).join(' - '),
  }));
  const hidden = Math.max(0, mine.drafts.length - LIST_LIMIT) + Math.max(0, mine.partnerships.length - LIST_LIMIT) + Math.max(0, forms.entries.length - LIST_LIMIT);
  const notes = [hidden > 0 ? `${hidden} older items are not shown.` : '', forms.unavailable ? 'The partnerships you lead or represent cannot be listed just now (the register is not reachable); try again in a few minutes.' : ''];
  return expandCard('my-partnerships', { drafts, proposals, entries, more: notes.filter((n) => n !== '').join(' ') });
}
