import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { untranslated, viewText } from '../../src/views/catalogue';
import { renderSaved, renderSubmitted, renderWelcome } from '../../src/views/journey-views';
import { renderChangeApproval } from '../../src/views/change-views';
import { aPartnership, aStoredDraft } from '../fixtures/builders';

/**
 * Issue 12, "codes, not words": the views under src/views/ turn codes into words, and
 * every word a person reads comes from the catalogue, so Welsh is a translation only.
 */
const VIEWS_DIR = join(__dirname, '../../src/views');
/** The catalogue itself: the only view files that may hold words. */
const CATALOGUE_FILES = new Set(['catalogue.ts', 'messages.ts', 'words-en.ts']);
/** Literals a person never reads: Adaptive Card colours (the card's `color`/`style`). */
const NOT_WORDS = new Set(['Attention', 'Default']);

/** A capitalised word (`Next`, `Status`), or two words side by side (`overdue since`, `not checked`). */
function looksLikeWords(text: string): boolean {
  return /\b[A-Z][a-z]+\b/.test(text) || /\b[A-Za-z]{2,} [A-Za-z]{2,}\b/.test(text);
}

/** Strings thrown at developers (`new Error(...)`) are not for the person chatting. */
function inError(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && /Error$/.test(n.expression.text)) return true;
    if (ts.isThrowStatement(n)) return true;
  }
  return false;
}

/** Every string or template text in a file that reads as English meant for a person, as `file:line "text"`. */
function englishLiterals(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const report = (node: ts.Node, text: string) => {
    if (NOT_WORDS.has(text) || !looksLikeWords(text) || inError(node)) return;
    found.push(`${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1} "${text}"`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isLiteralTypeNode(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) report(node, node.text);
    else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) report(node, node.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('the views hold no words of their own', () => {
  it('finds English in a view file (the check itself works)', () => {
    const sample = [
      "const a = { title: 'Status', value: x };",
      'const b = `Your ${form} is saved. Come back any time`;',
      "const c = done ? 'overdue since' : 'due';",
      "const tone = 'Attention';",
      "import { x } from './catalogue';",
      "throw new Error(`cards/ not found above ${dir}`);",
      "const id = 'screening-outcome';",
    ].join('\n');
    expect(englishLiterals('sample.ts', sample)).toEqual(['sample.ts:1 "Status"', 'sample.ts:2 "Your "', 'sample.ts:2 " is saved. Come back any time"', 'sample.ts:3 "overdue since"']);
  });

  it('leaves every English literal to the catalogue: none in src/views/ outside catalogue.ts, messages.ts and words-en.ts', () => {
    const files = readdirSync(VIEWS_DIR).filter((f) => f.endsWith('.ts') && !CATALOGUE_FILES.has(f));
    expect(files.length).toBeGreaterThanOrEqual(6);
    const literals = files.flatMap((f) => englishLiterals(f, readFileSync(join(VIEWS_DIR, f), 'utf8')));
    expect(literals).toEqual([]);
  });
});

describe('Welsh falls back to English until it is translated', () => {
  it('lists the view words with no Welsh yet', () => {
    expect(untranslated()).toContain('view:draftSaved');
    expect(untranslated()).toContain('view:submitForApproval');
    expect(untranslated()).toContain('card:saveAndClose');
  });

  it('gives every view word in cy as in en, never blank', () => {
    const en = viewText('en');
    const cy = viewText('cy');
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(cy[key]).toBeDefined();
      if (typeof en[key] === 'string') {
        expect(en[key]).not.toBe('');
        expect(cy[key]).toBe(en[key]);
      }
    }
  });

  it('renders cards in cy with the English words', () => {
    const draft = aStoredDraft({ answers: { name: 'Youth Forum' } });
    expect(JSON.stringify(renderSaved(draft, 'cy'))).toBe(JSON.stringify(renderSaved(draft, 'en')));
    const saved = JSON.stringify(renderSaved(draft, 'cy'));
    expect(saved).toContain('Draft saved');
    expect(saved).toContain('Come back any time');
    const submitted = JSON.stringify(renderSubmitted({ ...aPartnership({ name: 'Youth Forum' }), etag: '"1"' }, 'cy'));
    expect(submitted).toContain('Proposal submitted');
    expect(submitted).toContain('is waiting for approval');
    const help = JSON.stringify(renderWelcome({ help: true, locale: 'cy' }));
    expect(help).toContain('How I can help');
    expect(help).toContain('Register a partnership');
  });

  it('words the change card from the catalogue', () => {
    const entry = aPartnership({ name: 'Youth Forum', reference: 'PR-2026-001' });
    const change = {
      id: 'c1',
      entryId: entry.id,
      by: { id: 'u1', name: 'Sam' },
      at: '2026-04-01T10:00:00Z',
      reason: 'More money',
      changes: [{ field: 'financialContribution' as const, before: '1000', after: '' }],
      significant: true,
      approval: { stage: 1, route: { stages: [{ approverIds: ['a1'] }] }, history: [] },
    };
    const card = JSON.stringify(renderChangeApproval({ ...entry, pendingChange: { id: 'c1' } } as never, change as never, { canDecide: false }, [], 'cy'));
    expect(card).toContain('A change for approval');
    expect(card).toContain('Our financial contribution, per year');
    expect(card).toContain('Not given');
    expect(card).toContain('Waiting for a decision');
  });
});
