import type { FlowDefinition } from '../domain/flow';
import type { Partnership } from '../domain/records';
import type { TaskKind } from '../domain/due';
import type { Completed } from '../use-cases/form-flow';
import type { ResponseResult } from '../use-cases/responses';
import type { DueItem } from '../use-cases/partnership-entries';
import { clip, formatDate, renderMessage, renderRefusal, renderSaved, renderSubmitted } from './journey-views';
import { renderStep } from './step-views';
import { AGREEMENT_LABEL, ASSESSMENT_DECISION_LABEL, STATUS_LABEL, TASK_LABEL, viewText, type Locale } from './catalogue';
import { expandCard, type Card } from './templates';

/** The forms after approval, on the same step and summary cards as the proposal journey. */
const PICK_LIMIT = 15;

function completedFacts(flow: FlowDefinition, completed: Completed, locale: Locale): { title: string; value: string }[] {
  const w = viewText(locale);
  const { entry, record } = completed;
  const facts = [{ title: w.partnership, value: clip(`${entry.reference ?? ''} ${entry.name}`.trim(), 150) }, { title: w.status, value: STATUS_LABEL[entry.status] }];
  if (flow.id === 'assessment' && entry.latestAssessment) {
    facts.push(
      { title: w.averageScore, value: String(entry.latestAssessment.averageScore) },
      { title: w.featuresNeedingAction, value: w.featuresOf(entry.latestAssessment.needingAction) },
      { title: w.decision, value: ASSESSMENT_DECISION_LABEL[entry.latestAssessment.decision] ?? entry.latestAssessment.decision },
      { title: w.nextReviewDue, value: formatDate(entry.nextReviewDue) },
    );
  }
  if (flow.id === 'agreement' && entry.agreement) {
    facts.push({ title: w.agreement, value: AGREEMENT_LABEL[entry.agreement.state] }, { title: w.gaps, value: String(entry.agreement.gaps.length) });
  }
  facts.push({ title: w.recorded, value: formatDate(record.at) });
  return facts;
}

export function renderFormCompleted(flow: FlowDefinition, completed: Completed, locale: Locale = 'en'): Card {
  const { entry } = completed;
  const said = viewText(locale).completedText;
  const text =
    flow.id === 'assessment' && entry.status === 'exiting'
      ? said.exiting(entry.reference ?? entry.name)
      : flow.id === 'exit'
        ? said.exit
        : flow.id === 'handover'
          ? said.handover
          : flow.id === 'change' && entry.pendingChange
            ? said.changeToApprove
            : flow.id === 'change'
              ? said.changeApplied
              : said.recorded;
  return renderMessage(viewText(locale).formRecorded(flow.title), text, { facts: completedFacts(flow, completed, locale), locale });
}

function entryFacts(entry: Partnership, locale: Locale): { title: string; value: string }[] {
  const w = viewText(locale);
  return [
    { title: w.reference, value: entry.reference ?? '' },
    { title: w.status, value: STATUS_LABEL[entry.status] },
    { title: w.leadOfficer, value: clip(entry.leadOfficer, 150) },
    { title: w.nextReviewDue, value: formatDate(entry.nextReviewDue) || w.notSet },
    { title: w.agreement, value: entry.agreement ? AGREEMENT_LABEL[entry.agreement.state] : w.notCheckedYet },
    { title: w.remindersNotDelivered, value: String(entry.undeliveredReminders?.length ?? '') },
  ].filter((f) => f.value !== '');
}

/** Told to the incoming representative after a handover. */
export function renderNowRepresentative(entry: Partnership, locale: Locale = 'en'): Card {
  const w = viewText(locale);
  const aims = clip((entry.answers.aims ?? '').trim(), 400);
  return renderMessage(w.nowRepresentativeHeading(clip(entry.name, 120)), w.nowRepresentativeText(aims, entry.reference ?? entry.name), { facts: entryFacts(entry, locale), locale });
}

/** Told to the register owners when an exit and evaluation closes an entry. */
export function renderPartnershipClosed(entry: Partnership, by: string, locale: Locale = 'en'): Card {
  const w = viewText(locale);
  return renderMessage(w.closedHeading(clip(entry.name, 120)), w.closedText(by), { facts: [...entryFacts(entry, locale), { title: w.ended, value: formatDate(entry.endedAt) }], locale });
}

export function renderEntryPick(flow: FlowDefinition, entries: readonly Partnership[], locale: Locale = 'en'): Card {
  const w = viewText(locale);
  const shown = entries.slice(0, PICK_LIMIT);
  return expandCard('entry-pick', {
    heading: w.whichPartnership(flow.title),
    text: w.moreThanOneMatches,
    flowId: flow.id,
    entries: shown.map((e) => ({ id: e.id, name: clip(e.name, 150), detail: [e.reference, STATUS_LABEL[e.status], e.nextReviewDue ? w.reviewDue(formatDate(e.nextReviewDue)) : ''].filter(Boolean).join(' - ') })),
    more: entries.length > shown.length ? w.moreMatch(entries.length - shown.length) : '',
  }, locale);
}

/** The form that does each kind of task. */
const TASK_FLOW: Readonly<Record<TaskKind, string>> = { assessment: 'assessment', agreement: 'agreement', exit: 'exit' };

export function renderDue(items: readonly DueItem[], locale: Locale = 'en'): Card {
  const w = viewText(locale);
  const shown = items.slice(0, PICK_LIMIT);
  return expandCard('due', {
    items: shown.map(({ task, entry }) => ({
      what: `${TASK_LABEL[task.kind]}: ${clip(entry.name, 120)}`,
      detail: w.dueDetail(entry.reference ?? '', task.overdue, formatDate(task.due)),
      tone: task.overdue ? 'Attention' : 'Default',
      flowId: TASK_FLOW[task.kind],
      entryId: entry.id,
    })),
    more: items.length > shown.length ? w.moreDue(items.length - shown.length) : '',
  }, locale);
}

/** What the person sees after acting on a response of any flow: its step, that it was saved, submitted or completed, a pick list, or why not. */
export function renderResponse(result: ResponseResult, locale: Locale = 'en'): Card {
  switch (result.kind) {
    case 'step':
      return renderStep(result.flow, result.draft, { errors: result.errors, notice: result.notice, locale });
    case 'saved': {
      if (result.flow.subject === 'new') return renderSaved(result.draft, locale);
      const w = viewText(locale);
      return renderMessage(w.saved, w.formSavedText(result.flow.title.toLowerCase(), clip(result.draft.subjectTitle ?? w.theSubject, 150)), { resumeDraftId: result.draft.id, locale });
    }
    case 'submitted':
      return renderSubmitted(result.partnership, locale);
    case 'completed':
      return renderFormCompleted(result.flow, result.completed, locale);
    case 'pick':
      return renderEntryPick(result.flow, result.entries, locale);
    case 'refused':
      return renderRefusal(result.code, locale);
  }
}
