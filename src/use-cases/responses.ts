import type { FlowDefinition } from '../domain/flow';
import type { Draft, Person } from '../domain/records';
import { formHooks, type FormDeps, type FormResult } from './form-flow';
import { editFromSummary, loadForAction, moveResponse, resumeResponse, type CardRef, type FlowHooks, type Move } from './flow-runner';
import { proposalHooks, type JourneyDeps, type JourneyResult } from './proposal-journey';

/**
 * A card action on any response, whatever its flow: the flow is the one the
 * response names (none: the proposal, as drafts saved before flows had ids),
 * and the hooks are those of the flow's completion (proposalHooks,
 * formHooks). Starting is per flow: startDraft, startForm.
 */
export type ResponseDeps = JourneyDeps & FormDeps;
export type ResponseResult = JourneyResult | FormResult;

function flowOf(deps: ResponseDeps): (draft: Draft) => FlowDefinition | undefined {
  return (draft) => (!draft.flowId || draft.flowId === deps.journey.id ? deps.journey : deps.flows.get(draft.flowId));
}

/** The hooks of a flow's completion; the people a form's role check needs are looked up only for a form. */
async function hooksOf(deps: ResponseDeps, flow: FlowDefinition, emails: () => Promise<readonly string[]>): Promise<FlowHooks<ResponseResult>> {
  return flow.completion === 'submit-for-approval' ? proposalHooks(deps) : formHooks(deps, await emails());
}

/** Next / Back / Save and close / a row added or removed; Next on the summary completes. */
export async function moveAny(deps: ResponseDeps, person: Person, emails: () => Promise<readonly string[]>, ref: CardRef, verb: Move, inputs: Readonly<Record<string, unknown>>): Promise<ResponseResult> {
  const loaded = await loadForAction(deps, flowOf(deps), person, ref);
  if (!loaded.ok) return loaded.result;
  return moveResponse(deps, await hooksOf(deps, loaded.flow, emails), person, loaded, verb, inputs);
}

/** Edit a section from the summary. */
export async function editAny(deps: ResponseDeps, person: Person, ref: CardRef, target: string): Promise<ResponseResult> {
  const loaded = await loadForAction(deps, flowOf(deps), person, ref);
  return loaded.ok ? editFromSummary(deps, loaded, target) : loaded.result;
}

/** A response where it stands (Continue from "my partnerships", on any device). */
export async function resumeAny(deps: ResponseDeps, person: Person, draftId: string): Promise<ResponseResult> {
  return resumeResponse(person, await deps.drafts.get(draftId), flowOf(deps));
}
