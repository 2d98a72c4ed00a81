import { progressOf, stepAt, type FlowDefinition } from '../domain/flow';
import { displayAnswer, isShown, type Question } from '../domain/questionnaire';
import type { Draft, Partnership } from '../domain/records';
import type { TaskKind } from '../domain/due';
import type { Completed, FormResult } from '../use-cases/form-flow';
import type { DueItem } from '../use-cases/partnership-entries';
import { formatDate, questionView, renderMessage, renderRefusal } from './journey-views';
import { AGREEMENT_LABEL, ASSESSMENT_DECISION_LABEL, COMPLETE_TITLE, STATUS_LABEL, stepText, TASK_LABEL, type Locale } from './catalogue';
import { MESSAGE } from './messages';
import { expandCard, type Card } from './templates';

/** The forms after approval, on the same step and summary cards as the proposal journey. */
const SUMMARY_VALUE_LIMIT = 300;
const PICK_LIMIT = 15;

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

function common(flow: FlowDefinition, draft: Draft, notice?: FormResult & { kind: 'step' }) {
  const progress = progressOf(flow, draft.step, draft.answers);
  return {
    journeyTitle: `${flow.title}: ${clip(draft.subjectTitle ?? '', 100)}`,
    stepNumber: progress.number,
    stepTotal: progress.total,
    stepText: stepText('en', progress.number, progress.total),
    notice: notice?.notice ? MESSAGE[notice.notice].text : '',
    draftId: draft.id,
    version: draft.version,
    step: draft.step,
    changesRequested: '',
  };
}

export function renderFormStep(result: FormResult & { kind: 'step' }, locale: Locale = 'en'): Card {
  const { flow, draft } = result;
  const step = stepAt(flow, draft.step);
  const base = common(flow, draft, result);
  if (step.kind === 'questions') {
    return expandCard('questionnaire-step', {
      ...base,
      sectionTitle: step.section.title,
      intro: step.section.intro ?? '',
      questions: step.section.questions.map((q) => questionView(q, draft, result.errors ?? {}, locale)),
      canGoBack: base.stepNumber > 1,
      nextTitle: draft.returnToSummary || base.stepNumber === base.stepTotal - 1 ? 'Review answers' : 'Next',
    });
  }
  return expandCard('summary', {
    ...base,
    facts: [],
    submitTitle: COMPLETE_TITLE[flow.id] ?? 'Complete',
    sections: flow.steps.flatMap((s) =>
      s.kind === 'questions'
        ? [{
            key: s.key,
            title: s.section.title,
            answers: s.section.questions
              .filter((q) => isShown(q, draft.answers))
              .map((q) => ({ label: q.label, value: clip(shownAnswer(q, draft) || 'Not answered', SUMMARY_VALUE_LIMIT) })),
          }]
        : [],
    ),
  });
}

/** An answer as the summary shows it: a person by name (and email), anything else as the engine reads it back. */
function shownAnswer(q: Question, draft: Draft): string {
  return displayAnswer(q, draft.answers[q.id], draft.people);
}

function completedFacts(flow: FlowDefinition, completed: Completed): { title: string; value: string }[] {
  const { entry, record } = completed;
  const facts = [{ title: 'Partnership', value: clip(`${entry.reference ?? ''} ${entry.name}`.trim(), 150) }, { title: 'Status', value: STATUS_LABEL[entry.status] }];
  if (flow.id === 'assessment' && entry.latestAssessment) {
    facts.push(
      { title: 'Average score', value: String(entry.latestAssessment.averageScore) },
      { title: 'Features needing action', value: `${entry.latestAssessment.needingAction} of 10` },
      { title: 'Decision', value: ASSESSMENT_DECISION_LABEL[entry.latestAssessment.decision] ?? entry.latestAssessment.decision },
      { title: 'Next review due', value: formatDate(entry.nextReviewDue) },
    );
  }
  if (flow.id === 'agreement' && entry.agreement) {
    facts.push({ title: 'Agreement', value: AGREEMENT_LABEL[entry.agreement.state] }, { title: 'Gaps', value: String(entry.agreement.gaps.length) });
  }
  facts.push({ title: 'Recorded', value: formatDate(record.at) });
  return facts;
}

export function renderFormCompleted(flow: FlowDefinition, completed: Completed): Card {
  const { entry } = completed;
  const text =
    flow.id === 'assessment' && entry.status === 'exiting'
      ? `Recorded in the register. The partnership is now marked as exiting: complete its exit and evaluation next ("exit ${entry.reference ?? entry.name}").`
      : flow.id === 'exit'
        ? 'The partnership is closed on the register. The evaluation is kept in Partnership Records and the register owners have been told.'
        : flow.id === 'handover'
          ? 'The register now names the incoming representative, and they have been told in Teams.'
          : flow.id === 'change' && entry.pendingChange
            ? 'This is a significant change, so it has gone to the approvers; they see each old and new value. The register changes once they approve it, and I will tell you.'
            : flow.id === 'change'
              ? 'The change is applied to the register and recorded with your name and today\'s date.'
          : 'Recorded in the register, with your answers kept in Partnership Records.';
  return renderMessage(`${flow.title} recorded`, text, { facts: completedFacts(flow, completed) });
}

function entryFacts(entry: Partnership): { title: string; value: string }[] {
  return [
    { title: 'Reference', value: entry.reference ?? '' },
    { title: 'Status', value: STATUS_LABEL[entry.status] },
    { title: 'Lead officer', value: clip(entry.leadOfficer, 150) },
    { title: 'Next review due', value: formatDate(entry.nextReviewDue) || 'Not set' },
    { title: 'Agreement', value: entry.agreement ? AGREEMENT_LABEL[entry.agreement.state] : 'Not checked yet' },
    { title: 'Reminders not delivered', value: String(entry.undeliveredReminders?.length ?? '') },
  ].filter((f) => f.value !== '');
}

/** Told to the incoming representative after a handover. */
export function renderNowRepresentative(entry: Partnership): Card {
  const aims = clip((entry.answers.aims ?? '').trim(), 400);
  return renderMessage(
    `You now represent us on ${clip(entry.name, 120)}`,
    `A handover has made you our representative on this partnership.${aims ? ` Its aims: ${aims}` : ''} You can now complete its forms, for example "review ${entry.reference ?? entry.name}".`,
    { facts: entryFacts(entry) },
  );
}

/** Told to the register owners when an exit and evaluation closes an entry. */
export function renderPartnershipClosed(entry: Partnership, by: string): Card {
  return renderMessage(
    `${clip(entry.name, 120)} has closed`,
    `${by} completed its exit and evaluation; the evaluation is kept in Partnership Records.`,
    { facts: [...entryFacts(entry), { title: 'Ended', value: formatDate(entry.endedAt) }] },
  );
}

export function renderEntryPick(flow: FlowDefinition, entries: readonly Partnership[]): Card {
  const shown = entries.slice(0, PICK_LIMIT);
  return expandCard('entry-pick', {
    heading: `${flow.title}: which partnership?`,
    text: 'More than one partnership matches. Choose one:',
    flowId: flow.id,
    entries: shown.map((e) => ({ id: e.id, name: clip(e.name, 150), detail: [e.reference, STATUS_LABEL[e.status], e.nextReviewDue ? `review due ${formatDate(e.nextReviewDue)}` : ''].filter(Boolean).join(' - ') })),
    more: entries.length > shown.length ? `${entries.length - shown.length} more match: type the reference to choose one.` : '',
  });
}

/** The form that does each kind of task. */
const TASK_FLOW: Readonly<Record<TaskKind, string>> = { assessment: 'assessment', agreement: 'agreement', exit: 'exit' };

export function renderDue(items: readonly DueItem[]): Card {
  const shown = items.slice(0, PICK_LIMIT);
  return expandCard('due', {
    items: shown.map(({ task, entry }) => ({
      what: `${TASK_LABEL[task.kind]}: ${clip(entry.name, 120)}`,
      detail: `${entry.reference ?? ''} - ${task.overdue ? 'overdue since' : 'due'} ${formatDate(task.due)}`,
      tone: task.overdue ? 'Attention' : 'Default',
      flowId: TASK_FLOW[task.kind],
      entryId: entry.id,
    })),
    more: items.length > shown.length ? `${items.length - shown.length} more are due.` : '',
  });
}

export function renderFormResult(result: FormResult, locale: Locale = 'en'): Card {
  switch (result.kind) {
    case 'step':
      return renderFormStep(result, locale);
    case 'saved':
      return renderMessage('Saved', `Your ${result.flow.title.toLowerCase()} for ${clip(result.draft.subjectTitle ?? 'the partnership', 150)} is saved. Come back any time: choose Continue, or type "my partnerships".`, { resumeDraftId: result.draft.id });
    case 'completed':
      return renderFormCompleted(result.flow, result.completed);
    case 'pick':
      return renderEntryPick(result.flow, result.entries);
    case 'refused':
      return renderRefusal(result.code);
  }
}
