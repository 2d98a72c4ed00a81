import type { ErrorCode } from '../domain/errors';
import { stepAt, type FlowDefinition } from '../domain/flow';
import type { Journey } from '../domain/journey';
import { isPendingSync, type Draft, type Partnership } from '../domain/records';
import type { MyPartnerships } from '../use-cases/proposal-journey';
import { MESSAGE } from './messages';
import { AGREEMENT_LABEL, STATUS_LABEL, viewText, type Locale } from './catalogue';
import { expandCard, type Card } from './templates';

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

/** Text cut to `limit` characters, an ellipsis marking the cut. */
export function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

export function draftTitle(draft: Draft, locale: Locale = 'en'): string {
  const name = (draft.answers.name ?? '').trim();
  return name ? clip(name, 150) : viewText(locale).untitledDraft(formatDate(draft.createdAt));
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
