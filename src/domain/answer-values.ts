/**
 * Values as people type them, read strictly: dates, amounts, lists and the
 * comma-joined values of a multiple choice. Pure helpers the questionnaire
 * engine and the rules share.
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIsoDate(text: string): string | undefined {
  const m = ISO_DATE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  return real && y >= 1900 && y <= 2200 ? text.trim() : undefined;
}

/** An amount in pounds as people type it: `£50,000`, `50,000.00` or `50000`; at most 2 decimals. */
export function parseAmount(text: string): number | undefined {
  const plain = text.trim().replace(/^£\s*/, '').replace(/,(?=\d{3}(\D|$))/g, '');
  return /^\d{1,12}(\.\d{1,2})?$/.test(plain) ? Number(plain) : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-04-01` as people read it: `1 Apr 2026` (anything else is shown as typed). */
export function readableDate(text: string): string {
  const iso = parseIsoDate(text);
  if (!iso) return text;
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

export function splitList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export function splitChoices(text: string): string[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

