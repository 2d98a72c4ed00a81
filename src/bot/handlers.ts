import type { TurnContext } from 'botbuilder';
import type { Person } from '../domain/records';
import type { Logger } from '../logger';
import {
  editSection,
  listMine,
  moveDraft,
  resumeDraft,
  startDraft,
  type JourneyDeps,
  type JourneyResult,
  type Move,
} from '../use-cases/proposal-journey';
import {
  renderJourneyStep,
  renderMyPartnerships,
  renderRefusal,
  renderSaved,
  renderSubmitted,
  renderWelcome,
} from '../views/journey-views';
import type { Card } from '../views/templates';
import { cardRef, draftIdOf, targetOf, type ActionData } from './card-data';
import { personOf } from './identity';

export interface HandlerDeps extends JourneyDeps {
  readonly logger: Logger;
}

/** The words shown when something failed unexpectedly; the card is left as it was, answers and all. */
export const TRY_AGAIN =
  'Sorry, I could not do that just now. Nothing you entered is lost: your answers are still on the card, so please try again in a minute.';

export function viewOf(deps: HandlerDeps, result: JourneyResult): Card {
  switch (result.kind) {
    case 'step':
      return renderJourneyStep(deps.journey, result.draft, { errors: result.errors, notice: result.notice });
    case 'saved':
      return renderSaved(result.draft);
    case 'submitted':
      return renderSubmitted(result.partnership);
    case 'refused':
      return renderRefusal(result.code);
  }
}

export type ActionHandler = (deps: HandlerDeps, person: Person, data: ActionData) => Promise<Card | string>;

function move(kind: Move): ActionHandler {
  return async (deps, person, data) => {
    const ref = cardRef(data);
    if (!ref) return renderRefusal('DRAFT_NOT_FOUND');
    return viewOf(deps, await moveDraft(deps, person, ref, kind, data));
  };
}

export const actionHandlers = {
  register: async (deps, person) => viewOf(deps, await startDraft(deps, person)),
  check: async (deps, person) => viewOf(deps, await startDraft(deps, person)),
  mine: async (deps, person) => renderMyPartnerships(deps.journey, await listMine(deps, person)),
  help: async () => renderWelcome({ help: true }),
  next: move('next'),
  back: move('back'),
  save: move('save'),
  submit: move('next'),
  edit: async (deps, person, data) => {
    const ref = cardRef(data);
    const target = targetOf(data);
    if (!ref || !target) return renderRefusal('DRAFT_NOT_FOUND');
    return viewOf(deps, await editSection(deps, person, ref, target));
  },
  resume: async (deps, person, data) => {
    const draftId = draftIdOf(data);
    if (!draftId) return renderRefusal('DRAFT_NOT_FOUND');
    return viewOf(deps, await resumeDraft(deps, person, draftId));
  },
} satisfies Record<string, ActionHandler>;

/** Runs an action for the person on the activity; a failure is logged and answered with a message, never a stack trace. */
export async function runAction(deps: HandlerDeps, context: TurnContext, handler: ActionHandler, data: unknown): Promise<Card | string> {
  const person = personOf(context.activity);
  if (!person) return renderRefusal('DRAFT_NOT_FOUND');
  const safeData: ActionData = data && typeof data === 'object' && !Array.isArray(data) ? (data as ActionData) : {};
  try {
    return await handler(deps, person, safeData);
  } catch (err) {
    deps.logger.error({ err, activityId: context.activity.id, verb: (context.activity.value as { action?: { verb?: unknown } })?.action?.verb }, 'card action failed');
    return TRY_AGAIN;
  }
}

/** Typed commands; case and surrounding punctuation do not matter. */
const COMMANDS: Readonly<Record<string, keyof typeof actionHandlers>> = {
  register: 'register',
  'register a partnership': 'register',
  new: 'register',
  check: 'check',
  'is it a partnership': 'check',
  'my partnerships': 'mine',
  mine: 'mine',
  'my drafts': 'mine',
  help: 'help',
  '?': 'help',
  hi: 'help',
  hello: 'help',
};

export function commandOf(text: string | undefined): keyof typeof actionHandlers | undefined {
  const normal = (text ?? '')
    .replace(/<at>.*?<\/at>/gi, '')
    .trim()
    .toLowerCase()
    .replace(/^[\s/]+|[\s.!?]+$/g, '')
    .replace(/\s+/g, ' ');
  return COMMANDS[normal] ?? (normal === '' ? undefined : undefined);
}
