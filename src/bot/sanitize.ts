/**
 * Everything a person types reaches the bot through here. Control characters
 * (other than tab and line breaks) have no place in an answer and would be
 * echoed onto cards, so they are dropped at the edge.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

export function cleanText(text: string): string {
  return text.replace(CONTROL, '');
}

/** A card action's data with every string cleaned, at any depth (bounded: card data is shallow). */
export function cleanData(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => cleanData(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanData(v, depth + 1)]));
}
