import type { RegisterFigures } from '../domain/register-figures';
import type { Partnership } from '../domain/records';
import type { ReminderKind } from '../domain/reminders';
import { REMINDER_WORDS, STATUS_LABEL, viewText, type Locale } from './catalogue';
import { formatDate, renderMessage } from './journey-views';
import { expandCard, type Card } from './templates';

/** The form each reminder starts (the flow engine's ids). */
const REMINDER_FLOW: Readonly<Record<ReminderKind, string>> = { assessment: 'assessment', agreement: 'agreement', handover: 'handover', exit: 'exit' };

/** 002's order of categories; others after, as stored. */
const CATEGORY_ORDER: readonly string[] = ['statutory', 'community', 'network'];

export interface ReminderView {
  readonly kind: ReminderKind;
  readonly due: string;
  readonly stage: string;
  readonly escalation: boolean;
  readonly handedFrom?: string;
}

function titleOf(entry: Partnership): string {
  const name = entry.name.length > 150 ? `${entry.name.slice(0, 149)}…` : entry.name;
  return entry.reference ? `${name} (${entry.reference})` : name;
}

/** A reminder in a person's 1:1 chat: what is due, for which partnership, when; start the form, snooze, or hand over. */
export function renderReminder(entry: Partnership, r: ReminderView, snoozeDays: number, locale: Locale = 'en'): Card {
  const due = formatDate(r.due);
  return expandCard('reminder', {
    heading: REMINDER_WORDS.heading(r.kind, r.stage, r.escalation),
    tone: r.escalation || r.stage.startsWith('repeat') ? 'Attention' : 'Default',
    partnership: titleOf(entry),
    text: REMINDER_WORDS.text(r.kind, r.stage, due, entry.name, r.escalation, r.handedFrom),
    facts: [
      { title: REMINDER_WORDS.dueLabel[r.kind], value: due },
      ...(entry.reference ? [{ title: viewText(locale).reference, value: entry.reference }] : []),
    ],
    startTitle: REMINDER_WORDS.button[r.kind],
    flowId: REMINDER_FLOW[r.kind],
    entryId: entry.id,
    kind: r.kind,
    due: r.due,
    snoozeTitle: REMINDER_WORDS.snooze(snoozeDays),
    notMeTitle: REMINDER_WORDS.notMe,
  }, locale);
}

/** The register owners' register-wide review card. */
export function renderRegisterReview(figures: RegisterFigures, year: string, locale: Locale = 'en'): Card {
  const w = viewText(locale);
  const facts = (pairs: [string, number][]) => pairs.map(([title, value]) => ({ title, value: String(value) }));
  const categories = Object.entries(figures.byCategory).sort(([a], [b]) => order(a) - order(b));
  return expandCard('register-review', {
    heading: REMINDER_WORDS.reviewHeading(year),
    text: REMINDER_WORDS.reviewText,
    byStatus: facts((Object.keys(STATUS_LABEL) as (keyof typeof STATUS_LABEL)[]).filter((s) => s in figures.byStatus).map((s) => [STATUS_LABEL[s], (figures.byStatus as Record<string, number>)[s]])),
    byCategory: facts(categories.map(([c, n]) => [w.categoryWords[c] ?? c, n])),
    attention: facts([
      [w.reviewsOverdue, figures.reviewsOverdue],
      [w.agreementsMissing, figures.agreementsMissing],
      [w.handoversDue, figures.handoversDue],
      [w.exitsDue, figures.exitsDue],
    ]),
  }, locale);
}

function order(category: string): number {
  const i = CATEGORY_ORDER.indexOf(category);
  return i < 0 ? 99 : i;
}

/** The answer to "Snooze": when the reminder comes again, or that nothing is due any more. */
export function renderSnoozed(result: { readonly kind: 'snoozed'; readonly until: string } | { readonly kind: 'not-due' }, locale: Locale = 'en'): Card {
  if (result.kind === 'not-due') return renderMessage(REMINDER_WORDS.snoozedHeading, REMINDER_WORDS.notDue, { locale });
  return renderMessage(REMINDER_WORDS.snoozedHeading, REMINDER_WORDS.snoozed(formatDate(result.until)), { locale });
}
