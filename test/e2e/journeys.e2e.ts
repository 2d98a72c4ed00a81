import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStores } from '../../src/adapters/sqlite';
import { loadProposalJourney } from '../../src/questionnaires';
import { screenArrangement } from '../../src/domain/screening';
import { assessSignificance } from '../../src/domain/significance';
import { proposalAnswers } from '../fixtures/builders';
import { startStack, type Stack } from './harness';

const journey = loadProposalJourney();
const questions = journey.steps.flatMap((s) => (s.kind === 'questions' ? s.section.questions : []));
/** The label a person sees on an input: the question, marked when required. */
const labelOf = (id: string) => {
  const q = questions.find((x) => x.id === id)!;
  return `${q.label}${q.required && !q.showIf ? ' (required)' : ''}`;
};

describe('a person in the Agents Playground', () => {
  let dataDir: string;
  let stack: Stack | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'e2e-journeys-'));
    stack = await startStack({ dataDir });
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // First, while the seeded draft is the person's only one (so it has the only Continue button).
  it('in local mode submits a proposal and approves it from the card, which updates in place', async () => {
    const s = stack!;
    try {
      // The Playground's user is whoever the bot has seen; a ready-to-submit draft is seeded for them.
      expect(await s.sendMessage('help')).toBe(200);
      await s.waitForReply();
      const stores = openSqliteStores(join(dataDir, 'register.sqlite'));
      const answers = proposalAnswers({ name: 'Playground Riverside Forum' });
      const ownerId = await playgroundUserId(dataDir);
      const now = new Date().toISOString();
      await stores.drafts.create({
        id: 'e2e-draft-1',
        ownerId,
        ownerName: 'Playground user',
        status: 'draft',
        answers,
        step: 'summary',
        returnToSummary: false,
        screening: screenArrangement(journey.screening, answers),
        significance: assessSignificance(journey.significance, answers, 50_000),
        createdAt: now,
        updatedAt: now,
      });
      stores.close();

      expect(await s.sendMessage('my partnerships')).toBe(200);
      await s.waitForReply();
      expect(await s.cardText()).toContain('Playground Riverside Forum');
      expect(await s.clickButton('Continue')).toBe(200);
      expect(await s.cardText()).toContain('Check your answers');
      const before = await s.botMessages().count();
      expect(await s.clickButton('Submit for approval')).toBe(200);
      await s.waitForReply({ since: before });
      await expect(s.botMessages().filter({ hasText: 'Proposal submitted' }).count()).resolves.toBe(1);
      // Held by position: the card's text changes when it updates in place.
      const bubbles = s.botMessages();
      let index = (await bubbles.count()) - 1;
      while (index > 0 && !(await bubbles.nth(index).innerText()).includes('Proposal for approval')) index -= 1;
      const card = bubbles.nth(index).locator('.ac-adaptiveCard').first();
      expect(await s.cardText(card)).toContain('Local mode');
      expect(await s.clickButton('Approve', card)).toBe(200);
      const updated = await s.cardText(card);
      expect(updated).toMatch(/Approved by .* on \d+ \w+ \d{4}/);
      expect(updated).toMatch(/PR-\d{4}-001/);
      expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    } finally {
      await s.screenshot('approval-in-place');
    }
  });

  it('types register, completes the screening by clicking the card, and sees the outcome', async () => {
    const s = stack!;
    try {
      expect(await s.sendMessage('register')).toBe(200);
      await s.waitForReply();
      expect(await s.cardText()).toContain('About the arrangement');
      for (const id of ['mutuallyBeneficial', 'addsValue', 'voluntary', 'discretionary']) await s.chooseRadio(labelOf(id), 'Yes');
      await s.chooseRadio(labelOf('requiredWithAddedValue'), 'No');
      expect(await s.clickButton('Next')).toBe(200);
      expect(await s.cardText()).toContain('Is it any of these?');
      expect(await s.cardText()).toContain('Step 2 of');

      const exclusions = journey.screening.sections[1].questions.map((q) => q.id);
      for (const id of exclusions) await s.chooseRadio(labelOf(id), 'No');
      expect(await s.clickButton('Next')).toBe(200);
      const outcome = await s.cardText();
      expect(outcome).toContain('Yes: this is a partnership');
      expect(outcome).toContain('It is mutually beneficial');
    } finally {
      await s.screenshot('screening-outcome');
    }
  });

  it('says what is missing on the card itself, keeping the answers given', async () => {
    const s = stack!;
    try {
      expect(await s.sendMessage('check')).toBe(200);
      await s.waitForReply();
      await s.chooseRadio(labelOf('mutuallyBeneficial'), 'Yes');
      expect(await s.clickButton('Next')).toBe(200);
      const text = await s.cardText();
      expect(text).toContain('This answer is required.');
      expect(text).toContain('About the arrangement');
    } finally {
      await s.screenshot('screening-validation');
    }
  });

});

/** The id the bot keyed the Playground's user on, read from the conversation references it keeps. */
async function playgroundUserId(dataDir: string): Promise<string> {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(join(dataDir, 'register.sqlite'), { readonly: true });
  try {
    const row = db.prepare('SELECT user_id FROM conversations ORDER BY updated_at DESC LIMIT 1').get() as { user_id: string } | undefined;
    if (!row) throw new Error('the bot has no conversation reference for the Playground user yet');
    return row.user_id;
  } finally {
    db.close();
  }
}
