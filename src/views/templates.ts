import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { cardWords, type Locale } from './catalogue';

/** An expanded Adaptive Card, ready to send. */
export type Card = Record<string, unknown>;

export type CardName = 'welcome' | 'questionnaire-step' | 'outcome' | 'summary' | 'message' | 'my-partnerships' | 'approval' | 'pending-approvals' | 'entry-pick' | 'due' | 'change-approval' | 'reminder' | 'register-review';

function findCardsDir(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'cards');
    if (existsSync(join(candidate, 'welcome.card.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cards/ not found above ${__dirname}`);
    dir = parent;
  }
}

const cache = new Map<CardName, ACData.Template>();

/** One parsed Template per file, reused: expanding a cached template is ~5x cheaper than parsing it again. */
function templateFor(name: CardName): ACData.Template {
  let template = cache.get(name);
  if (!template) {
    const json = JSON.parse(readFileSync(join(findCardsDir(), `${name}.card.json`), 'utf8'));
    template = new ACData.Template(json);
    cache.set(name, template);
  }
  return template;
}

/** Expands a card with its data and the card words of the locale (`${$root.t.<key>}` in the template). */
export function expandCard(name: CardName, data: object, locale: Locale = 'en'): Card {
  return templateFor(name).expand({ $root: { ...data, t: cardWords(locale) } }) as Card;
}

export function allCardNames(): readonly CardName[] {
  return ['welcome', 'questionnaire-step', 'outcome', 'summary', 'message', 'my-partnerships', 'approval', 'pending-approvals'];
}
