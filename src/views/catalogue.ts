import type { Problem } from '../domain/questionnaire';

/**
 * The engine's own words, one dictionary per language; a definition's words
 * (questions, choices) live in its JSON. Welsh (`cy`) falls back to English
 * word by word, never to a blank: the catalogue is the groundwork, the
 * translation a later piece of work.
 */
export type Locale = 'en' | 'cy';

type ProblemWords = { readonly [C in Problem['code']]: (p: Extract<Problem, { code: C }>) => string };

interface Words {
  readonly problem: ProblemWords;
}

const EN: Words = {
  problem: {
    required: () => 'This answer is required.',
    'yes-or-no': () => 'Please choose Yes or No.',
    'choose-option': () => 'Please choose one of the options.',
    'choose-listed': () => 'Please choose from the options listed.',
    date: () => 'Please enter a real date (YYYY-MM-DD).',
    'date-before': (p) => `This date must not be before ${p.other}.`,
    amount: () => 'Please enter an amount of 0 or more, in pounds (for example 1500, 1,500.50 or £1,500).',
    url: () => 'Please enter a web link starting with https://',
    email: () => 'Please enter an email address, for example sam.smith@example.org.',
    'too-long': (p) => `Please keep this under ${p.limit} characters (you entered ${p.length}).`,
    clipped: (p) => `That was ${p.length} characters; the limit is ${p.limit}, so only the first ${p.limit} were kept. Please shorten it.`,
    'list-too-long': (p) => `Please list at most ${p.max} entries.`,
  },
};

const CY: { readonly problem: Partial<ProblemWords> } = { problem: {} };

/** `en-GB`, `cy-GB`, `cy`: the language of an activity's locale that we have words for. */
export function localeOf(tag: string | undefined): Locale {
  return typeof tag === 'string' && /^cy\b/i.test(tag) ? 'cy' : 'en';
}

/** A problem with an answer, in words. */
export function problemText(locale: Locale, problem: Problem | undefined): string {
  if (!problem) return '';
  const say = ((locale === 'cy' ? CY.problem[problem.code] : undefined) ?? EN.problem[problem.code]) as (p: Problem) => string;
  return say(problem);
}

/** Which problem codes have no Welsh yet (listed by a test, so the gap is visible). */
export function untranslated(): string[] {
  return (Object.keys(EN.problem) as Problem['code'][]).filter((code) => CY.problem[code] === undefined);
}
