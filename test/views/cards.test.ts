import { localeOf, problemText, untranslated } from '../../src/views/catalogue';
import { DEFAULT_MAX_LENGTH } from '../../src/domain/questionnaire';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cardRef } from '../../src/bot/card-data';
import { Verb } from '../../src/bot/verbs';
import type { ErrorCode } from '../../src/domain/errors';
import { editableSteps, flowQuestions } from '../../src/domain/flow';
import { allQuestions } from '../../src/domain/journey';
import { maxLengthOf, type Question } from '../../src/domain/questionnaire';
import type { Draft, Partnership } from '../../src/domain/records';
import { loadFlows, loadProposalJourney } from '../../src/questionnaires';
import { renderStep } from '../../src/views/step-views';
import {
  renderMessage,
  renderMyPartnerships,
  renderRefusal,
  renderSaved,
  renderSubmitted,
  renderWelcome,
} from '../../src/views/journey-views';
import { MESSAGE } from '../../src/views/messages';
import type { Card } from '../../src/views/templates';
import { aPartnership, aStoredDraft, proposalAnswers, storedAnswers } from '../fixtures/builders';

// The SDK's main entry needs a DOM; this build parses and validates without one (TOOLING.md).
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

const CARDS_DIR = join(__dirname, '..', '..', 'cards');
const TEAMS_MAX_BYTES = 28 * 1024;
const VERBS: readonly string[] = Object.values(Verb);
const journey = loadProposalJourney();

/** What a person might type: template syntax and markdown must reach the card as plain text. */
const TYPED = '${name} **markdown** _here_';

type Node = Record<string, unknown>;

function nodesOf(value: unknown, found: Node[] = []): Node[] {
  if (Array.isArray(value)) for (const item of value) nodesOf(item, found);
  else if (value && typeof value === 'object') {
    found.push(value as Node);
    for (const child of Object.values(value)) nodesOf(child, found);
  }
  return found;
}

const ofType = (card: Card, type: string) => nodesOf(card).filter((n) => n.type === type);
const inputsOf = (card: Card) => nodesOf(card).filter((n) => typeof n.type === 'string' && n.type.startsWith('Input.'));
const executeActions = (card: Card) => ofType(card, 'Action.Execute');
const textRuns = (card: Card) => ofType(card, 'TextRun').map((n) => String(n.text));

/** Text a Teams client renders as markdown: TextBlock text, and FactSet titles and values. */
function markdownTexts(card: Card): string[] {
  const blocks = ofType(card, 'TextBlock').map((n) => String(n.text));
  const facts = ofType(card, 'FactSet').flatMap((n) => (n.facts as Node[]).flatMap((f) => [String(f.title), String(f.value)]));
  return [...blocks, ...facts];
}

/** Everything the Adaptive Cards SDK objects to, parsing then validating. */
function sdkProblems(card: Card): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  // Teams' people picker fills its choices from the directory (choices.data, Data.Query), which this SDK does not know.
  let pickers = JSON.stringify(card).match(/"choices":\[\],"choices\.data":\{"type":"Data\.Query"/g)?.length ?? 0;
  for (const event of parsed.validateProperties().validationEvents) {
    if (pickers > 0 && event.message === 'An Input.ChoiceSet must have at least one choice defined.') {
      pickers -= 1;
      continue;
    }
    problems.push(`validate: ${event.message}`);
  }
  return problems;
}

/** Realistic English, cut to exactly `length` characters, starting with what the person typed. */
function prose(length: number, start = ''): string {
  const sentence = 'Tenants’ health visits cost £1,250 a quarter; the Trust & the Council share them. ';
  return (start + sentence.repeat(Math.ceil(length / sentence.length) + 1)).slice(0, length);
}

/** A valid answer to `q` as long as the question allows. */
function longestAnswer(q: Question): string {
  const limit = maxLengthOf(q);
  switch (q.type) {
    case 'yesno':
      return 'yes';
    case 'choice':
      return q.choices?.[q.choices.length - 1].value ?? '';
    case 'multichoice':
      return (q.choices ?? []).map((c) => c.value).join(',');
    case 'date':
      return '2026-04-01';
    case 'amount':
      return '999,999,999,999.99';
    case 'url':
      return `https://example.sharepoint.com/sites/partnerships/${'a'.repeat(limit)}`.slice(0, limit);
    case 'list': {
      const lines = Array.from({ length: 30 }, (_, i) => `${TYPED} partner organisation ${i + 1}`.padEnd(64, '.'));
      return lines.join('\n').slice(0, limit);
    }
    case 'rows': {
      // As many rows as allowed, every cell at its longest.
      const row = Object.fromEntries((q.columns ?? []).map((c) => [c.id, longestAnswer(c)]));
      return JSON.stringify(Array.from({ length: q.maxRows ?? 10 }, () => row));
    }
    case 'checklist':
      // Every element, every cell at its longest.
      return JSON.stringify((q.elements ?? []).map((e) => ({ element: e.id, ...Object.fromEntries((q.columns ?? []).map((c) => [c.id, longestAnswer(c)])) })));
    default:
      return prose(limit, TYPED);
  }
}

const longestAnswers: Record<string, string> = Object.fromEntries(allQuestions(journey).map((q) => [q.id, longestAnswer(q)]));

function aJourneyDraft(overrides: Partial<Draft> = {}): Draft {
  return aStoredDraft({
    id: 'draft-42',
    version: 7,
    answers: storedAnswers(proposalAnswers()),
    screening: { outcome: 'partnership', reasons: ['It is mutually beneficial', 'It adds value'] },
    significance: { significant: false, reasons: [] },
    ...overrides,
  });
}

const stepCard = (step: string, overrides: Partial<Draft> = {}, options: Parameters<typeof renderStep>[2] = {}) =>
  renderStep(journey, aJourneyDraft({ step, ...overrides }), options);

function manyDrafts(count: number): Draft[] {
  const keys = journey.steps.map((s) => s.key);
  return Array.from({ length: count }, (_, i) =>
    aJourneyDraft({
      id: `draft-${i}`,
      step: keys[i % keys.length],
      status: i % 7 === 3 ? 'screened-out' : 'draft',
      answers: i % 5 === 0 ? {} : { name: prose(150, `${TYPED} ${i} `) },
    }),
  );
}

function manyProposals(count: number): Partnership[] {
  return Array.from({ length: count }, (_, i) => ({
    ...aPartnership({ id: `partnership-${i}`, name: prose(150, `${TYPED} ${i} `), reference: `PR-2026-${String(i + 1).padStart(3, '0')}` }),
    etag: '"1"',
  }));
}

interface Sample {
  readonly template: string;
  readonly name: string;
  readonly card: Card;
}

function samples(): Sample[] {
  const list: Sample[] = [];
  const add = (template: string, name: string, card: Card) => list.push({ template, name, card });
  for (const step of journey.steps) {
    const template = step.kind === 'questions' ? 'questionnaire-step' : step.key === 'summary' ? 'summary' : 'outcome';
    add(template, `${step.key}, answered`, stepCard(step.key));
    add(template, `${step.key}, every answer at its limit`, stepCard(step.key, { answers: longestAnswers, changesRequested: prose(2000, TYPED) }));
    add(template, `${step.key}, new and out of date`, stepCard(step.key, { answers: {} }, { notice: 'STALE_CARD' }));
    if (step.kind === 'questions') {
      const errors = Object.fromEntries(step.section.questions.map((q) => [q.id, { code: 'clipped' as const, length: 4000, limit: 2000 }]));
      add(template, `${step.key}, every answer in error`, stepCard(step.key, { answers: longestAnswers, returnToSummary: true }, { errors }));
    }
  }
  // Every form after approval runs on the same step renderer: each of its steps at its longest and in error.
  for (const flow of loadFlows().values()) {
    const longest = Object.fromEntries(flowQuestions(flow).map((q) => [q.id, longestAnswer(q)]));
    const formDraft = (step: string, answers: Record<string, string>) => aStoredDraft({ id: 'response-7', version: 3, flowId: flow.id, subjectId: 'e-1', subjectTitle: prose(150, TYPED), step, answers });
    for (const step of flow.steps) {
      const template = step.kind === 'questions' ? 'questionnaire-step' : 'summary';
      add(template, `${flow.id} ${step.key}, every answer at its limit`, renderStep(flow, formDraft(step.key, longest)));
      if (step.kind === 'questions') {
        const errors = Object.fromEntries(step.section.questions.map((q) => [q.id, { code: 'clipped' as const, length: 4000, limit: 2000 }]));
        add(template, `${flow.id} ${step.key}, every answer in error`, renderStep(flow, formDraft(step.key, longest), { errors }));
      }
    }
  }
  add('outcome', 'screening-outcome, possible', stepCard('screening-outcome', { screening: { outcome: 'possible', reasons: ['added-value-on-top', 'unmet:voluntary'] } }));
  add('outcome', 'screening-outcome, screened out', stepCard('screening-outcome', { status: 'screened-out', screening: { outcome: 'not-a-partnership', reasons: ['excluded:shared-service', 'excluded:consortium'], instead: 'shared-service' } }));
  add('outcome', 'significance-outcome, significant', stepCard('significance-outcome', { significance: { significant: true, reasons: ['Failure of a major programme or project', 'Funding at risk of £75,000 is over the £50,000 threshold'] } }));
  add('summary', 'summary, before screening', stepCard('summary', { screening: undefined, significance: undefined, answers: {} }));
  add('my-partnerships', 'my partnerships, empty', renderMyPartnerships(journey, { drafts: [], partnerships: [] }));
  add('my-partnerships', 'my partnerships, many drafts and proposals', renderMyPartnerships(journey, { drafts: manyDrafts(60), partnerships: manyProposals(60) }));
  add('my-partnerships', 'my partnerships, a few drafts', renderMyPartnerships(journey, { drafts: manyDrafts(3), partnerships: [] }));
  add('welcome', 'welcome', renderWelcome({ help: false }));
  add('welcome', 'help with a note', renderWelcome({ help: true, note: 'That button is no longer in use.' }));
  for (const code of Object.keys(MESSAGE) as ErrorCode[]) add('message', `refusal ${code}`, renderRefusal(code));
  add('message', 'saved', renderSaved(aJourneyDraft({ answers: { name: prose(150, TYPED) } })));
  add('message', 'saved, untitled', renderSaved(aJourneyDraft({ answers: {} })));
  add('message', 'submitted', renderSubmitted({ ...aPartnership({ name: prose(150, TYPED), significant: true }), etag: '"1"' }));
  add('message', 'message with facts', renderMessage('Heading', 'Text', { facts: [{ title: 'Reference', value: 'PR-2026-014' }], resumeDraftId: 'draft-42' }));
  return list;
}

const SAMPLES = samples();
const cases = SAMPLES.map((s) => [`${s.template}: ${s.name}`, s.card] as const);

/** The cards journey-views renders; approval cards are rendered and tested elsewhere. */
const JOURNEY_TEMPLATES = ['welcome', 'questionnaire-step', 'outcome', 'summary', 'message', 'my-partnerships'];

describe('every journey card', () => {
  it('is rendered here from realistic data, for every template journey-views uses', () => {
    const files = readdirSync(CARDS_DIR).filter((f) => f.endsWith('.card.json')).map((f) => f.replace('.card.json', ''));
    for (const template of JOURNEY_TEMPLATES) expect(files).toContain(template);
    expect([...new Set(SAMPLES.map((s) => s.template))].sort()).toEqual([...JOURNEY_TEMPLATES].sort());
  });

  it.each(cases)('%s: parses and validates with the Adaptive Cards SDK', (_name, card) => {
    expect(sdkProblems(card)).toEqual([]);
  });

  it.each(cases)('%s: is an Adaptive Card version 1.5', (_name, card) => {
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.5');
  });

  it.each(cases)('%s: is under Teams\' 28 KB', (_name, card) => {
    expect(Buffer.byteLength(JSON.stringify(card), 'utf8')).toBeLessThan(TEAMS_MAX_BYTES);
  });

  it.each(cases)('%s: labels every input', (_name, card) => {
    for (const input of inputsOf(card)) expect([input.id, typeof input.label === 'string' && input.label.trim() !== '']).toEqual([input.id, true]);
  });

  it.each(cases)('%s: uses only verbs the bot routes', (_name, card) => {
    for (const action of executeActions(card)) expect(VERBS).toContain(action.verb);
  });

  it.each(cases)('%s: leaves no template expression unexpanded', (_name, card) => {
    const leftover = JSON.stringify(card).replaceAll(TYPED.replace(/"/g, '\\"'), '');
    expect(leftover).not.toMatch(/\$\{|"\$data"|"\$when"/);
  });
});

describe('verbs', () => {
  const templates = readdirSync(CARDS_DIR).filter((f) => f.endsWith('.card.json'));
  const templateVerbs = templates.flatMap((f) => [...readFileSync(join(CARDS_DIR, f), 'utf8').matchAll(/"verb"\s*:\s*"([^"]+)"/g)].map((m) => m[1]));

  it('every verb a card template uses is routed by the bot', () => {
    for (const verb of templateVerbs) expect(VERBS).toContain(verb);
  });

  it.each(VERBS)('%s is used by some card template', (verb) => {
    expect(templateVerbs).toContain(verb);
  });
});

describe('user-typed text', () => {
  it('appears literally in the inputs it was typed into', () => {
    const card = stepCard('registration.purpose', { answers: longestAnswers });
    const aims = inputsOf(card).find((i) => i.id === 'aims');
    expect(aims?.value).toBe(longestAnswers.aims);
    expect(String(aims?.value).startsWith(TYPED)).toBe(true);
  });

  it('appears on the summary as plain TextRuns, never rendered as markdown or a template', () => {
    const card = stepCard('summary', { answers: { ...longestAnswers, aims: TYPED } });
    expect(textRuns(card)).toContain(TYPED);
    for (const text of markdownTexts(card)) {
      if (text.includes('Register a partnership')) continue; // the title, reported separately below
      expect(text).not.toContain('**markdown**');
    }
  });

  it('shows an approver\'s comment on a step card as a plain TextRun', () => {
    const card = stepCard('screening.criteria', { changesRequested: TYPED });
    expect(textRuns(card)).toContain(TYPED);
    expect(markdownTexts(card).join('\n')).not.toContain('**markdown**');
  });

  it('keeps names on my partnerships in TextRuns, never in a TextBlock', () => {
    const card = renderMyPartnerships(journey, { drafts: manyDrafts(3), partnerships: manyProposals(2) });
    expect(textRuns(card).filter((t) => t.startsWith(TYPED))).toHaveLength(4);
    expect(markdownTexts(card).join('\n')).not.toContain(TYPED);
  });

  it('is never shown in a TextBlock on the screening and significance cards', () => {
    for (const step of ['screening.criteria', 'screening.exclusions', 'screening-outcome', 'significance.impact', 'significance-outcome']) {
      expect(markdownTexts(stepCard(step, { answers: longestAnswers })).join('\n')).not.toContain(TYPED);
    }
  });

  // Bug: journey-views.ts common() puts the typed partnership name into `journeyTitle`, which
  // questionnaire-step.card.json shows in a TextBlock, so Teams renders its markdown.
  test('the partnership name on a registration step is never shown in a TextBlock', () => {
    const card = stepCard('registration.people', { answers: { ...proposalAnswers(), name: TYPED } });
    expect(markdownTexts(card).join('\n')).not.toContain(TYPED);
  });

  // Bug: the same journeyTitle is a TextBlock on summary.card.json.
  test('the partnership name on the summary is never shown in a TextBlock', () => {
    const card = stepCard('summary', { answers: { ...proposalAnswers(), name: TYPED } });
    expect(markdownTexts(card).join('\n')).not.toContain(TYPED);
  });

  // Bug: renderSaved puts draftTitle(draft) into the message text, a TextBlock on message.card.json.
  test('the partnership name on the "Draft saved" message is never shown in a TextBlock', () => {
    const card = renderSaved(aJourneyDraft({ answers: { name: TYPED } }));
    expect(markdownTexts(card).join('\n')).not.toContain(TYPED);
  });

  // Bug: renderSubmitted puts the partnership name into a FactSet value, which Teams renders as markdown.
  test('the partnership name on the "Proposal submitted" message is never shown as a fact', () => {
    const card = renderSubmitted({ ...aPartnership({ name: TYPED }), etag: '"1"' });
    expect(markdownTexts(card).join('\n')).not.toContain(TYPED);
  });
});

describe('step cards', () => {
  it('asks every question of the first screening step as a Yes/No radio', () => {
    const card = stepCard('screening.exclusions', { answers: {} });
    const section = journey.screening.sections[0];
    const radios = ofType(card, 'Input.ChoiceSet').filter((c) => c.style === 'expanded' && !c.isMultiSelect);
    expect(radios.map((r) => r.id)).toEqual(section.questions.map((q) => q.id));
    for (const radio of radios) expect(radio.choices).toEqual([{ title: 'Yes', value: 'yes' }, { title: 'No', value: 'no' }]);
  });

  it('has one input per question of the section, keyed by the question id', () => {
    for (const step of editableSteps(journey)) {
      const ids = inputsOf(stepCard(step.key)).map((i) => i.id);
      // A rows question has an input per cell: its stored row, then a blank one to add another.
      // A person has the picker and a box to type an email beside it.
      const inputs = (id: string, q: Question) => (q.type === 'person' ? [id, `${id}Typed`] : [id]);
      const expected = step.section.questions.flatMap((q) => (q.type === 'rows' ? [0, 1].flatMap((row) => (q.columns ?? []).flatMap((c) => inputs(`${q.id}.${row}.${c.id}`, c))) : inputs(q.id, q)));
      expect(ids).toEqual(expected);
    }
  });

  it('prefills every answer already given, so nothing is asked twice', () => {
    const card = stepCard('registration.identity');
    const values = Object.fromEntries(inputsOf(card).map((i) => [i.id, i.value]));
    expect(values).toMatchObject({ name: 'Riverside Health Partnership', category: 'community', dateFormed: '2026-04-01', statutory: 'no' });
  });

  it('carries the draft, version and step in every action, as the use case checks them', () => {
    for (const step of journey.steps) {
      for (const action of executeActions(stepCard(step.key))) {
        expect(cardRef(action.data as Node)).toEqual({ draftId: 'draft-42', version: 7, step: step.key });
      }
    }
  });

  it('offers Back on every step but the first', () => {
    const titles = (step: string) => executeActions(stepCard(step)).map((a) => a.title);
    expect(titles('screening.exclusions')).toEqual(['Next', 'Save and close']);
    expect(titles('screening.criteria')).toEqual(['Back', 'Next', 'Save and close']);
  });

  it('says "Review answers" on the last registration step and when editing from the summary', () => {
    const nextTitle = (card: Card) => executeActions(card).find((a) => a.verb === Verb.next)?.title;
    expect(nextTitle(stepCard('registration.governance'))).toBe('Review answers');
    expect(nextTitle(stepCard('registration.people', { returnToSummary: true }))).toBe('Review answers');
    expect(nextTitle(stepCard('registration.people'))).toBe('Next');
  });

  it('shows each error under its question, and the notice at the top', () => {
    const card = stepCard('registration.identity', {}, { errors: { dateFormed: { code: 'date' } }, notice: 'STALE_CARD' });
    const texts = ofType(card, 'TextBlock');
    expect(texts.find((t) => t.text === 'Please enter a real date (YYYY-MM-DD).')?.color).toBe('Attention');
    expect(texts.map((t) => t.text)).toContain(MESSAGE.STALE_CARD.text);
  });

  it('marks required questions, and conditional ones with their condition', () => {
    const labels = Object.fromEntries(inputsOf(stepCard('registration.governance')).map((i) => [i.id, i.label]));
    expect(labels.formalContract).toBe('Is there a formal contract between the partners? (required)');
    expect(labels.contractLink).toBe('If yes, link to the contract (only if yes)');
    expect(labels.comments).toBe('Anything else the approver should know?');
  });
});

describe('outcome cards', () => {
  it('offers only "Change my answers" to an arrangement screened out, and says what it is instead', () => {
    const card = SAMPLES.find((s) => s.name === 'screening-outcome, screened out')?.card as Card;
    expect(executeActions(card).map((a) => a.verb)).toEqual([Verb.back]);
    expect(ofType(card, 'TextBlock').map((t) => t.text)).toEqual(
      expect.arrayContaining([
        'This is not a partnership',
        '- Another authority carries out our functions (a shared service).',
        '- We take part as a member of a consortium.',
        'It is a shared service. It is managed through the shared service agreement between the authorities.',
      ]),
    );
  });

  it('lets a partnership continue', () => {
    expect(executeActions(stepCard('screening-outcome')).map((a) => a.verb)).toEqual([Verb.back, Verb.next, Verb.save]);
  });
});

describe('the summary', () => {
  it('has an Edit button for every registration section', () => {
    const edits = executeActions(stepCard('summary')).filter((a) => a.verb === Verb.edit);
    expect(edits.map((a) => (a.data as Node).target)).toEqual(editableSteps(journey, proposalAnswers()).map((s) => s.key));
    // The risk checklist is a section of a significant partnership only.
    expect(edits.map((a) => (a.data as Node).target)).not.toContain('registration.riskChecklist');
    for (const edit of edits) expect(cardRef(edit.data as Node)).toEqual({ draftId: 'draft-42', version: 7, step: 'summary' });
  });

  it('leaves out questions hidden by their condition', () => {
    const card = stepCard('summary', { answers: proposalAnswers({ formalContract: 'no', contractLink: 'https://old.example.org' }) });
    expect(ofType(card, 'TextBlock').map((t) => t.text)).not.toContain('If yes, link to the contract');
    expect(textRuns(card)).not.toContain('https://old.example.org');
  });

  it('shows every answer in a person\'s words', () => {
    const runs = textRuns(stepCard('summary'));
    expect(runs).toEqual(expect.arrayContaining(['Non-statutory: community-based', 'Support and care to communities; Refurbishing and building homes', '£12,500', 'Quarterly']));
  });
});

describe('my partnerships', () => {
  it('shows the newest 15 drafts and 15 proposals, and says how many more there are', () => {
    const card = renderMyPartnerships(journey, { drafts: manyDrafts(60), partnerships: manyProposals(60) });
    expect(executeActions(card).filter((a) => a.verb === Verb.resume)).toHaveLength(15);
    expect(ofType(card, 'TextBlock').map((t) => t.text)).toContain('90 older items are not shown.');
  });

  it('offers to continue each draft by its id', () => {
    const card = renderMyPartnerships(journey, { drafts: manyDrafts(2), partnerships: [] });
    expect(executeActions(card).filter((a) => a.verb === Verb.resume).map((a) => a.data)).toEqual([{ draftId: 'draft-0' }, { draftId: 'draft-1' }]);
  });
});

describe('card size', () => {
  const long = ['aims', 'anticipatedOutcomes', 'addedValue', 'effectivenessMeasures'];
  const clipped = Object.fromEntries(long.map((id) => [id, { code: 'clipped' as const, length: 2400, limit: 2000 }]));
  const inScript = (letter: string) => ({ ...proposalAnswers(), ...Object.fromEntries(long.map((id) => [id, letter.repeat(DEFAULT_MAX_LENGTH.longtext)])) });

  it('keeps a step card under 28 KB when its long answers are clipped at their limit in a non-Latin script', () => {
    const card = stepCard('registration.purpose', { answers: inScript('ক') }, { errors: clipped });
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(TEAMS_MAX_BYTES);
  });

  // Limits count characters, not UTF-8 bytes: the long-text limit leaves room for a 3-byte script
  // (Bengali, Chinese...) in every long answer plus an approver's longest comment.
  test('keeps a step card sent back for changes under 28 KB with the longest answers and comment in a non-Latin script', () => {
    const card = stepCard('registration.purpose', { answers: inScript('ক'), changesRequested: `Approver: ${'ক'.repeat(1000)}` }, { errors: clipped });
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(TEAMS_MAX_BYTES);
  });
});

describe('the engine speaks through one catalogue', () => {
  it('puts every problem code into words, in Welsh falling back to English, never blank', () => {
    const codes = ['required', 'yes-or-no', 'choose-option', 'choose-listed', 'date', 'amount', 'url', 'email'] as const;
    for (const code of codes) {
      expect(problemText('en', { code })).not.toBe('');
      expect(problemText('cy', { code })).toBe(problemText('en', { code }));
    }
    expect(problemText('en', { code: 'date-before', other: '2026-04-01' })).toBe('This date must not be before 2026-04-01.');
    expect(localeOf('cy-GB')).toBe('cy');
    expect(localeOf('en-GB')).toBe('en');
    expect(localeOf(undefined)).toBe('en');
  });

  it('lists what has no Welsh yet', () => {
    // The translation is its own piece of work; until then every engine word falls back to English.
    expect(untranslated()).toContain('required');
    expect(untranslated()).toContain('card:saveAndClose');
  });

  it('keeps no words in the card templates: every title, text, label and placeholder is a binding to the catalogue or the data', () => {
    const dir = join(__dirname, '../../cards');
    const literals: string[] = [];
    const walk = (node: unknown, file: string): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, file));
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (['title', 'text', 'label', 'placeholder'].includes(key) && typeof value === 'string' && /[A-Za-z]/.test(value.replace(/\$\{[^}]*\}/g, ''))) literals.push(`${file}: ${key} "${value}"`);
        else walk(value, file);
      }
    };
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.card.json'))) walk(JSON.parse(readFileSync(join(dir, file), 'utf8')), file);
    expect(literals).toEqual([]);
  });
});
