import type { PartnershipStatus } from './lifecycle';
import type { Question, Questionnaire, Section } from './questionnaire';

/**
 * A form after approval (DOMAIN 1.5-1.7) as data: its questionnaire, the
 * register entries it may be started for, the evaluator that reads its answers
 * and the completion that applies them. The engine walks the questionnaire's
 * sections, one card each, then a summary with Edit per section; steps are
 * keyed `<section id>` and `summary`, never by position, so a response saved
 * before a definition changed resumes at the right place.
 */
export type EvaluatorName = 'assessment-scoring' | 'agreement-gaps' | 'exit-evaluation' | 'handover' | 'change-diff';
export type CompletionName = 'record-assessment' | 'record-agreement' | 'finish-exit' | 'apply-handover' | 'propose-change';
/** What starting the form does to the entry: starting an exit marks it exiting (DOMAIN 1.6). */
export type StartName = 'start-exit';

export interface FlowDefinition {
  readonly id: string;
  /** Bumped on any edit; every response records the version it was written against. */
  readonly version: number;
  readonly title: string;
  /** The command that starts it, e.g. "review" in `review PR-2026-001`. */
  readonly command: string;
  /** The entry statuses it may be started in (DOMAIN 2): anything else is an illegal transition. */
  readonly startableIn: readonly PartnershipStatus[];
  readonly onStart?: StartName;
  readonly evaluator: EvaluatorName;
  readonly completion: CompletionName;
  readonly questionnaire: Questionnaire;
}

export type FlowStep =
  | { readonly key: string; readonly kind: 'questions'; readonly section: Section }
  | { readonly key: 'summary'; readonly kind: 'summary' };

export function flowSteps(flow: FlowDefinition): FlowStep[] {
  return [...flow.questionnaire.sections.map((section) => ({ key: section.id, kind: 'questions' as const, section })), { key: 'summary', kind: 'summary' }];
}

/** The step a key names; an unknown key (a section since removed) resumes at the summary. */
export function flowStepAt(flow: FlowDefinition, key: string): FlowStep {
  const steps = flowSteps(flow);
  return steps.find((s) => s.key === key) ?? steps[steps.length - 1];
}

export function nextFlowStep(flow: FlowDefinition, key: string): FlowStep {
  const steps = flowSteps(flow);
  const i = steps.findIndex((s) => s.key === key);
  return steps[Math.min(i + 1, steps.length - 1)];
}

export function previousFlowStep(flow: FlowDefinition, key: string): FlowStep {
  const steps = flowSteps(flow);
  const i = steps.findIndex((s) => s.key === key);
  return steps[Math.max(i - 1, 0)];
}

export function flowProgress(flow: FlowDefinition, key: string): { readonly number: number; readonly total: number } {
  const steps = flowSteps(flow);
  return { number: steps.findIndex((s) => s.key === key) + 1, total: steps.length };
}

export function flowQuestions(flow: FlowDefinition): Question[] {
  return flow.questionnaire.sections.flatMap((s) => s.questions);
}
