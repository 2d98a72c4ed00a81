import type { CardRef } from '../use-cases/proposal-journey';

/**
 * Parses the `data` of an Action.Execute at the edge. The values only name what
 * the person claims to act on; the use cases check them against the store.
 */
export type ActionData = Readonly<Record<string, unknown>>;

const MAX_ID = 100;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID ? value : undefined;
}

export function cardRef(data: ActionData): CardRef | undefined {
  const draftId = text(data.draftId);
  const step = text(data.step);
  const version = typeof data.version === 'number' ? data.version : Number(data.version);
  if (!draftId || !step || !Number.isInteger(version)) return undefined;
  return { draftId, step, version };
}

export function draftIdOf(data: ActionData): string | undefined {
  return text(data.draftId);
}

export function targetOf(data: ActionData): string | undefined {
  return text(data.target);
}

export function proposalIdOf(data: ActionData): string | undefined {
  return text(data.proposalId);
}

/** The approval stage a card was shown for; undefined on a card that does not say (an old one). */
export function stageOf(data: ActionData): number | undefined {
  const stage = typeof data.stage === 'number' ? data.stage : typeof data.stage === 'string' && /^\d{1,2}$/.test(data.stage) ? Number(data.stage) : NaN;
  return Number.isInteger(stage) && stage >= 1 ? stage : undefined;
}

/** A free-text input; anything that is not a string counts as empty. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
