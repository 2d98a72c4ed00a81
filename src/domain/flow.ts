import type { PartnershipStatus } from './lifecycle';
import type { Question, Questionnaire, RawAnswers, Section, SectionCondition } from './questionnaire';

/**
 * A flow as data (DOMAIN 1.1-1.7): the proposal and every form after approval.
 * A flow is a list of parts, questionnaires and checkpoints (an outcome card),
 * always ending with the summary; each questionnaire section is one card. The
 * flow names the evaluators and the completion it uses, from a registry.
 *
 * Steps are keyed, never addressed by position, so a response saved before a
 * definition changed resumes at the right place: `<section id>` when the flow
 * has one questionnaire, `<questionnaire id>.<section id>` when it has
 * several, and the checkpoints by their own keys.
 */
/** Read at a checkpoint: the proposal's outcome cards. */
export type CheckpointEvaluatorName = 'screening' | 'significance';
/** Read by a form's completion. */
export type FormEvaluatorName = 'assessment-scoring' | 'agreement-gaps' | 'exit-evaluation' | 'handover' | 'change-diff';
export type FormCompletionName = 'record-assessment' | 'record-agreement' | 'finish-exit' | 'apply-handover' | 'propose-change';
export type CompletionName = 'submit-for-approval' | FormCompletionName;
/** What starting the form does to the entry: starting an exit marks it exiting (DOMAIN 1.6). */
export type StartName = 'start-exit';

export const SUMMARY = 'summary';

export type FlowPart =
  | { readonly questionnaire: Questionnaire; readonly editable: boolean }
  | { readonly checkpoint: string; readonly evaluator?: CheckpointEvaluatorName };

export type FlowStep =
  /** `editable`: the summary offers Edit for it (the proposal's screening and significance are changed by going Back through them). */
  | { readonly key: string; readonly kind: 'questions'; readonly questionnaire: Questionnaire; readonly section: Section; readonly editable: boolean }
  | { readonly key: string; readonly kind: 'checkpoint'; readonly evaluator?: CheckpointEvaluatorName };

/** What the engine walks: the steps, and how a section's `askWhen` rule is read for some answers. */
export interface StepPlan {
  readonly steps: readonly FlowStep[];
  /** Undefined: the flow has no conditional sections, every step is asked. */
  readonly holds?: (condition: SectionCondition, answers: RawAnswers) => boolean;
}

export interface FlowDefinition extends StepPlan {
  readonly id: string;
  /** Bumped on any edit; every response records the version it was written against. */
  readonly version: number;
  readonly title: string;
  /** The command that starts it, e.g. "review" in `review PR-2026-001`. */
  readonly command: string;
  /** `entry`: started for a register entry (the forms); `new`: its completion makes the entry (the proposal). */
  readonly subject: 'entry' | 'new';
  /** The entry statuses it may be started in (DOMAIN 2): anything else is an illegal transition. */
  readonly startableIn: readonly PartnershipStatus[];
  readonly onStart?: StartName;
  /** The evaluator the completion reads (the forms); the proposal's run at its checkpoints. */
  readonly evaluator?: FormEvaluatorName;
  readonly completion: CompletionName;
  readonly questionnaires: readonly Questionnaire[];
}

/** The steps of a flow's parts, the summary last. */
export function stepsOf(parts: readonly FlowPart[]): FlowStep[] {
  const questionnaires = parts.filter((p) => 'questionnaire' in p).length;
  const steps = parts.flatMap((part): FlowStep[] =>
    'questionnaire' in part
      ? part.questionnaire.sections.map((section) => ({
          key: questionnaires > 1 ? `${part.questionnaire.id}.${section.id}` : section.id,
          kind: 'questions' as const,
          questionnaire: part.questionnaire,
          section,
          editable: part.editable,
        }))
      : [{ key: part.checkpoint, kind: 'checkpoint' as const, ...(part.evaluator ? { evaluator: part.evaluator } : {}) }],
  );
  return [...steps, { key: SUMMARY, kind: 'checkpoint' }];
}

/** Whether a person is asked this step, given the answers so far. */
export function isAsked(plan: StepPlan, step: FlowStep, answers: RawAnswers): boolean {
  return step.kind === 'checkpoint' || step.section.askWhen === undefined || plan.holds === undefined || plan.holds(step.section.askWhen, answers);
}

export function firstStep(plan: StepPlan): FlowStep {
  return plan.steps[0];
}

/** The step a key names; an unknown key (a section since removed) resumes at the summary. */
export function stepAt(plan: StepPlan, key: string): FlowStep {
  return plan.steps.find((s) => s.key === key) ?? plan.steps[plan.steps.length - 1];
}

export function nextStep(plan: StepPlan, key: string, answers: RawAnswers = {}): FlowStep {
  const i = plan.steps.findIndex((s) => s.key === key);
  const later = plan.steps.slice(i + 1).find((s) => isAsked(plan, s, answers));
  return later ?? plan.steps[plan.steps.length - 1];
}

export function previousStep(plan: StepPlan, key: string, answers: RawAnswers = {}): FlowStep {
  const i = plan.steps.findIndex((s) => s.key === key);
  const earlier = plan.steps.slice(0, Math.max(i, 0)).reverse().find((s) => isAsked(plan, s, answers));
  return earlier ?? plan.steps[0];
}

/** "Step n of m", counting the steps this person is asked with the answers given so far. */
export function progressOf(plan: StepPlan, key: string, answers: RawAnswers = {}): { readonly number: number; readonly total: number } {
  const asked = plan.steps.filter((s) => s.key === key || isAsked(plan, s, answers));
  return { number: asked.findIndex((s) => s.key === key) + 1, total: asked.length };
}

export type QuestionStep = Extract<FlowStep, { kind: 'questions' }>;

/** The sections the summary offers Edit for: all of them, or only those asked given `answers`. */
export function editableSteps(plan: StepPlan, answers?: RawAnswers): QuestionStep[] {
  return plan.steps.filter((s): s is QuestionStep => s.kind === 'questions' && s.editable && (answers === undefined || isAsked(plan, s, answers)));
}

/** The question sections asked given `answers`, in order. */
export function askedSections(plan: StepPlan, answers: RawAnswers): QuestionStep[] {
  return plan.steps.filter((s): s is QuestionStep => s.kind === 'questions' && isAsked(plan, s, answers));
}

export function flowQuestions(flow: FlowDefinition): Question[] {
  return flow.questionnaires.flatMap((q) => q.sections.flatMap((s) => s.questions));
}
