import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStores } from '../../src/adapters/sqlite';
import { loadFlows, loadProposalJourney } from '../../src/questionnaires';
import { featureKey, type Feature } from '../../src/domain/assessment';
import { flowQuestions } from '../../src/domain/flow';
import { SCORE_CHOICES, type Question } from '../../src/domain/questionnaire';
import type { ConversationRecord } from '../../src/ports/conversation-directory';
import { screenArrangement } from '../../src/domain/screening';
import { assessSignificance } from '../../src/domain/significance';
import { aPartnership, proposalAnswers, storedAnswers } from '../fixtures/builders';
import { startStack, type Stack } from './harness';

const journey = loadProposalJourney();
const assessment = loadFlows().get('assessment')!;

/** The label a person sees on an input: the question, marked when required, or when it applies only to some scores. */
const labelIn = (questions: readonly Question[]) => (id: string) => {
  const q = questions.find((x) => x.id === id);
  if (!q) throw new Error(`no question ${id}`);
  const when = q.showIf ? ` (only if ${q.showIf.in ? `scored ${q.showIf.in.join(' or ')}` : q.showIf.equals})` : '';
  return `${q.label}${q.required && !q.showIf ? ' (required)' : when}`;
};
const labelOf = labelIn(journey.steps.flatMap((s) => (s.kind === 'questions' ? s.section.questions : [])));
const assessmentLabel = labelIn(flowQuestions(assessment));
const scoreTitle = (score: number) => SCORE_CHOICES.find((c) => c.value === String(score))!.title;

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
      const answers = storedAnswers(proposalAnswers({ name: 'Playground Riverside Forum' }));
      const ownerId = (await playgroundUser(dataDir)).id;
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
      expect(await s.cardText()).toContain('Is it any of these?');
      const exclusions = journey.screening.sections[0].questions.map((q) => q.id);
      for (const id of exclusions) await s.chooseRadio(labelOf(id), 'No');
      expect(await s.clickButton('Next')).toBe(200);
      expect(await s.cardText()).toContain('The partnership criteria');
      expect(await s.cardText()).toContain('Step 2 of');

      for (const id of ['mutuallyBeneficial', 'addsValue', 'voluntary', 'discretionary']) await s.chooseRadio(labelOf(id), 'Yes');
      await s.chooseRadio(labelOf('statutoryBody'), 'No');
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
      await s.chooseRadio(labelOf('serviceLevelAgreement'), 'No');
      expect(await s.clickButton('Next')).toBe(200);
      const text = await s.cardText();
      expect(text).toContain('This answer is required.');
      expect(text).toContain('Is it any of these?');
    } finally {
      await s.screenshot('screening-validation');
    }
  });

  it('the lead officer walks an annual assessment by clicking: scores, evidence, an action, the overall card, then records it', async () => {
    const s = stack!;
    /** The last card's text once it shows `wanted` (the card is replaced a moment after the invoke is answered). */
    const cardShowing = async (wanted: string): Promise<string> => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const text = await s.cardText();
        if (text.includes(wanted) || Date.now() > deadline) return text;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      // The Playground's user leads an entry approved last year (a reference no approval this year can take),
      // named on it as registration writes people: by the work email Teams reported for them.
      const me = await playgroundUser(dataDir);
      if (!me.email) throw new Error(`Teams (the Playground) reported no email for ${me.id}: the lead officer cannot be recognised by email`);
      const year = new Date().getUTCFullYear();
      const reference = `PR-${year - 1}-014`;
      const name = 'Harbourside Youth Partnership';
      const leadOfficer = `${me.name} <${me.email}>`;
      const stores = openSqliteStores(join(dataDir, 'register.sqlite'));
      try {
        await stores.register.create(
          aPartnership({
            id: 'e2e-assess-1', reference, name, status: 'active', leadOfficer,
            answers: { name, leadOfficer, representative: 'Rob Rep <rob.rep@example.org>' },
            approvedAt: `${year - 1}-01-20T10:00:00.000Z`, nextReviewDue: `${year}-01-20`,
          }),
          'e2e-seed-assess-1',
        );
      } finally {
        stores.close();
      }

      expect(await s.sendMessage(`review ${reference}`)).toBe(200);
      await s.waitForReply();
      const first = await s.cardText();
      expect(first).toContain(`Annual assessment: ${reference} ${name}`);
      expect(first).toContain('Step 1 of 7');

      // Two features at 1 or 2 need an action; the average of these scores is 2.9.
      const scores: Record<Feature, number> = {
        actionOutcomeFocused: 2, wellGoverned: 4, goodLeadership: 3, efficient: 1, inclusive: 3,
        outwardFocused: 3, committedToLearning: 4, performanceManaged: 3, trust: 3, regularlyEvaluates: 3,
      };
      const today = new Date();
      const due = (months: number) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + months, 15)).toISOString().slice(0, 10);
      const actions: Partial<Record<Feature, { what: string; owner: string; due: string }>> = {
        actionOutcomeFocused: { what: 'Agree milestones for the youth outreach aims', owner: 'Alex Wilber', due: due(2) },
        efficient: { what: 'Appoint a secretariat for the board', owner: 'Rob Rep', due: due(3) },
      };
      const label = (f: Feature, part: Parameters<typeof featureKey>[1]) => assessmentLabel(featureKey(f, part));
      const evidence = (f: Feature) => `Board minutes, March: item on ${f}`;
      const answerFeature = async (f: Feature, skipAction = false) => {
        await s.chooseRadio(label(f, 'Score'), scoreTitle(scores[f]));
        await s.fillText(label(f, 'Evidence'), evidence(f));
        const action = actions[f];
        if (!action) return;
        if (!skipAction) await s.fillText(label(f, 'Action'), action.what);
        await s.fillText(label(f, 'ActionOwner'), action.owner);
        expect(await s.pickDate(label(f, 'ActionDue'), action.due)).not.toBe('');
      };

      const sections = assessment.questionnaires[0].sections.filter((x) => x.questions.some((q) => q.type === 'score'));
      const featuresOf = (i: number) => sections[i].questions.filter((q) => q.type === 'score').map((q) => q.id.replace(/Score$/, '') as Feature);
      expect(sections).toHaveLength(5);

      // The first card: the action of a feature scored 2 is left empty, and Next says so under that question.
      const [scoredTwo, other] = featuresOf(0);
      expect(scoredTwo).toBe('actionOutcomeFocused');
      await answerFeature(scoredTwo, true);
      await answerFeature(other);
      expect(await s.clickButton('Next')).toBe(200);
      const refused = await s.cardText();
      expect(refused).toContain(sections[0].title);
      expect(refused).toContain('Step 1 of 7');
      expect(await s.textUnder(label(scoredTwo, 'Action'))).toEqual(['This answer is required.']);
      expect(await s.textUnder(label(scoredTwo, 'ActionOwner'))).toEqual([]);
      expect(await s.textUnder(label(other, 'Evidence'))).toEqual([]);
      // Nothing typed or chosen is lost.
      const card = s.lastCard();
      expect(await card.getByRole('textbox', { name: label(scoredTwo, 'Evidence') }).inputValue()).toBe(evidence(scoredTwo));
      expect(await card.getByRole('textbox', { name: label(scoredTwo, 'ActionOwner') }).inputValue()).toBe(actions[scoredTwo]!.owner);
      expect(await card.getByRole('combobox', { name: label(scoredTwo, 'ActionDue') }).inputValue()).not.toBe('');
      expect(await card.getByRole('radiogroup', { name: label(scoredTwo, 'Score') }).getByRole('radio', { name: scoreTitle(2), exact: true }).isChecked()).toBe(true);
      await s.screenshot('assessment-action-required', card);
      await s.fillText(label(scoredTwo, 'Action'), actions[scoredTwo]!.what);
      expect(await s.clickButton('Next')).toBe(200);

      for (let i = 1; i < sections.length; i++) {
        // The card is replaced after the invoke's answer: under load the page can show the old one for a moment.
        const text = await cardShowing(sections[i].title);
        expect(text).toContain(sections[i].title);
        expect(text).toContain(`Step ${i + 1} of 7`);
        for (const f of featuresOf(i)) await answerFeature(f);
        expect(await s.clickButton('Next')).toBe(200);
      }

      expect(await cardShowing('Overall')).toContain('Overall');
      for (const id of ['stillRelevant', 'membershipRight', 'risksCurrent']) await s.chooseRadio(assessmentLabel(id), 'Yes');
      await s.chooseOption(assessmentLabel('decision'), 'Continue, with changes');
      await s.fillText(assessmentLabel('decisionComment'), 'Keep it, with a secretariat and clearer milestones');
      expect(await s.clickButton('Review answers')).toBe(200);

      const summary = await cardShowing('Check your answers');
      expect(summary).toContain(actions.efficient!.what);
      expect(summary).toContain('Continue, with changes');
      await s.screenshot('assessment-summary', s.lastCard());
      expect(await s.clickButton('Record the assessment')).toBe(200);
      const done = await cardShowing('Annual assessment recorded');
      expect(done).toMatch(/Average score:?\s*2\.9/);
      expect(done).toMatch(/Features needing action:?\s*2 of 10/);

      const after = openSqliteStores(join(dataDir, 'register.sqlite'));
      try {
        const entry = await after.register.get('e2e-assess-1');
        expect(entry?.lastReviewedAt).toBe(new Date().toISOString().slice(0, 10));
        expect(entry?.latestAssessment).toMatchObject({ averageScore: 2.9, needingAction: 2, decision: 'continue-with-changes' });
        expect(entry?.nextReviewDue?.slice(0, 4)).toBe(String(year + 1));
        const records = await after.records.listFor('e2e-assess-1');
        expect(records).toHaveLength(1);
        expect(records[0]).toMatchObject({ kind: 'assessment', reference, score: 2.9, by: { id: me.id } });
        expect((records[0].outcome as { actions: unknown[] }).actions).toEqual(
          (['actionOutcomeFocused', 'efficient'] as const).map((feature) => ({ feature, ...actions[feature]! })),
        );
      } finally {
        after.close();
      }
    } finally {
      await s.screenshot('assessment-recorded');
    }
  });
});

/**
 * The Playground's user as the bot knows them, read from the conversation
 * reference it keeps: the id it keys people on (from.aadObjectId in local
 * mode) and the email Teams (here the Playground's getMember) reported on first contact.
 */
async function playgroundUser(dataDir: string): Promise<{ id: string; name: string; email?: string }> {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(join(dataDir, 'register.sqlite'), { readonly: true });
  try {
    const row = db.prepare('SELECT json FROM conversations ORDER BY updated_at DESC LIMIT 1').get() as { json: string } | undefined;
    if (!row) throw new Error('the bot has no conversation reference for the Playground user yet');
    const known = JSON.parse(row.json) as ConversationRecord;
    return { id: known.userId, name: known.name, email: known.email };
  } finally {
    db.close();
  }
}
