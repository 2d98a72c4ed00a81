import { QuestionnaireDefinitionError, RESERVED_IDS } from '../../src/domain/questionnaire-check';
import { checkQuestionnaire } from '../../src/questionnaires/questionnaire-schema';
import {
  displayAnswer,
  isShown,
  MAX_LIST_ITEMS,
  normaliseAnswers,
  parseIsoDate,
  pickSectionAnswers,
  validateSection,
  type Question,
  type Questionnaire,
  type Section,
  splitPeople,
} from '../../src/domain/questionnaire';
import { loadProposalJourney } from '../../src/questionnaires';
import { registrationAnswers, riskChecklistAnswers, screeningAnswers, storedAnswers } from '../fixtures/builders';

const journey = loadProposalJourney();
const registrationSection = (id: string): Section => {
  const section = journey.registration.sections.find((s) => s.id === id);
  if (!section) throw new Error(`no registration section ${id}`);
  return section;
};

/** A one-section questionnaire holding just the questions a test is about. */
function sectionOf(...questions: Question[]): Section {
  return { id: 'only', title: 'Only section', questions };
}

function questionnaireOf(...questions: Question[]): Questionnaire {
  return { id: 'tiny', title: 'Tiny questionnaire', sections: [sectionOf(...questions)] };
}

describe('validating answers', () => {
  describe('required answers', () => {
    const section = sectionOf(
      { id: 'partnershipName', label: 'Name', type: 'text', required: true },
      { id: 'nickname', label: 'Nickname', type: 'text' },
    );

    it('refuses a required answer left empty or only spaces', () => {
      expect(validateSection(section, {})).toEqual({ partnershipName: { code: 'required' } });
      expect(validateSection(section, { partnershipName: '   \n ' })).toEqual({ partnershipName: { code: 'required' } });
    });

    it('accepts an optional answer left empty', () => {
      expect(validateSection(section, { partnershipName: 'Riverside', nickname: '' })).toEqual({});
    });

    it('reports every missing answer of the real identity section at once', () => {
      const errors = validateSection(registrationSection('identity'), {});
      expect(Object.keys(errors).sort()).toEqual(['accountableBody', 'category', 'dateFormed', 'name', 'partnerOrganisations', 'statutory']);
    });

    it('accepts every section of a complete registration', () => {
      for (const section of journey.registration.sections) {
        expect(validateSection(section, storedAnswers({ ...registrationAnswers(), ...riskChecklistAnswers() }))).toEqual({});
      }
    });
  });

  describe('dates', () => {
    const identity = registrationSection('identity');
    const identityWith = (changes: Record<string, string>) => validateSection(identity, registrationAnswers(changes));

    it.each(['2026-02-30', '2025-02-29', '2026-13-01', '2026-04-31', '2026-00-10'])('refuses %s, which is not a real date', (date) => {
      expect(identityWith({ dateFormed: date })).toEqual({ dateFormed: { code: 'date' } });
    });

    it.each(['01/04/2026', '2026-4-1', '1 Apr 2026', '20260401', '1899-12-31', '2201-01-01'])('refuses %s, which is not a plausible YYYY-MM-DD date', (date) => {
      expect(identityWith({ dateFormed: date })).toEqual({ dateFormed: { code: 'date' } });
    });

    it('accepts 29 February in a leap year', () => {
      expect(identityWith({ dateFormed: '2028-02-29', proposedEndDate: '2028-03-01' })).toEqual({});
      expect(parseIsoDate('2028-02-29')).toBe('2028-02-29');
    });

    it('refuses an end date before the start date', () => {
      expect(identityWith({ dateFormed: '2026-04-01', proposedEndDate: '2026-03-31' })).toEqual({
        proposedEndDate: { code: 'date-before', other: '2026-04-01' },
      });
    });

    it('accepts an end date on or after the start date', () => {
      expect(identityWith({ dateFormed: '2026-04-01', proposedEndDate: '2026-04-01' })).toEqual({});
      expect(identityWith({ dateFormed: '2026-04-01', proposedEndDate: '2030-01-01' })).toEqual({});
    });

    it('reports only the start date when the start date itself is not real', () => {
      expect(identityWith({ dateFormed: '2026-02-30', proposedEndDate: '2026-01-01' })).toEqual({
        dateFormed: { code: 'date' },
      });
    });
  });

  describe('amounts', () => {
    const section = sectionOf({ id: 'contribution', label: 'Contribution', type: 'amount', required: true });

    it.each(['0', '1500', '1500.5', '1500.50', '1,500.50', '999999999999.99', ' 250 ', '£50,000', '£ 1500', '50,000.00'])('accepts %j pounds', (amount) => {
      expect(validateSection(section, { contribution: amount })).toEqual({});
    });

    it.each(['-1', '-0.01', '1500.505', '1.5.0', 'abc', '1e5', '.5', '££1500', '1,50,0', '1 500', '1000000000000'])('refuses %j', (amount) => {
      expect(validateSection(section, { contribution: amount })).toEqual({
        contribution: { code: 'amount' },
      });
    });
  });

  describe('over-length text', () => {
    const section = sectionOf(
      { id: 'title', label: 'Title', type: 'text', maxLength: 10 },
      { id: 'story', label: 'Story', type: 'longtext' },
    );

    it('clips text over its limit to the limit and reports it', () => {
      const picked = pickSectionAnswers(section, { title: 'x'.repeat(25), story: 'fine' });
      expect(picked.answers).toEqual({ title: 'x'.repeat(10), story: 'fine' });
      expect(picked.clipped).toEqual({
        title: { code: 'clipped', length: 25, limit: 10 },
      });
    });

    it('uses the default limit of the type when a question sets none (1500 for long text)', () => {
      const picked = pickSectionAnswers(section, { story: 'y'.repeat(1501) });
      expect(picked.answers.story).toHaveLength(1500);
      expect(picked.clipped.story).toEqual({ code: 'clipped', length: 1501, limit: 1500 });
    });

    it('keeps text exactly at its limit without comment', () => {
      expect(pickSectionAnswers(section, { title: 'x'.repeat(10) })).toEqual({ answers: { title: 'x'.repeat(10) }, clipped: {} });
    });

    it('refuses text over its limit that reaches validation unclipped', () => {
      expect(validateSection(section, { title: 'x'.repeat(11) })).toEqual({ title: { code: 'too-long', limit: 10, length: 11 } });
    });

    it('clips the real registration name at 150 characters', () => {
      const picked = pickSectionAnswers(registrationSection('identity'), { name: 'N'.repeat(151) });
      expect(picked.answers.name).toHaveLength(150);
      expect(Object.keys(picked.clipped)).toEqual(['name']);
    });
  });

  describe('picking a section\'s answers from a card', () => {
    const section = sectionOf(
      { id: 'title', label: 'Title', type: 'text' },
      { id: 'count', label: 'Count', type: 'amount' },
      { id: 'agreed', label: 'Agreed', type: 'text' },
    );

    it('keeps only the section\'s own inputs, as strings', () => {
      const picked = pickSectionAnswers(section, { title: 'Riverside', count: 3, agreed: true, draftId: 'draft-9', verb: 'draft.next', other: 'x' });
      expect(picked.answers).toEqual({ title: 'Riverside', count: '3', agreed: 'true' });
    });

    it('ignores values that are not text, numbers or booleans', () => {
      const picked = pickSectionAnswers(section, { title: { injected: true }, count: ['1'], agreed: null });
      expect(picked.answers).toEqual({});
    });
  });

  describe('conditional (showIf) questions', () => {
    const section = sectionOf(
      { id: 'hasContract', label: 'Is there a contract?', type: 'yesno', required: true },
      { id: 'contractUrl', label: 'Link', type: 'url', required: true, showIf: { question: 'hasContract', equals: 'yes' } },
    );

    it('does not require a hidden question', () => {
      expect(validateSection(section, { hasContract: 'no' })).toEqual({});
    });

    it('does not check what a hidden question holds', () => {
      expect(validateSection(section, { hasContract: 'no', contractUrl: 'not a link' })).toEqual({});
    });

    it('requires the question once it is shown', () => {
      expect(validateSection(section, { hasContract: 'yes' })).toEqual({ contractUrl: { code: 'required' } });
    });

    it('shows a question only when the earlier answer equals the condition', () => {
      const [, conditional] = section.questions;
      expect(isShown(conditional, { hasContract: 'yes' })).toBe(true);
      expect(isShown(conditional, { hasContract: ' yes ' })).toBe(true);
      expect(isShown(conditional, { hasContract: 'no' })).toBe(false);
      expect(isShown(conditional, {})).toBe(false);
    });

    it('checks the real contract link only when there is a formal contract', () => {
      const governance = registrationSection('governance');
      expect(validateSection(governance, storedAnswers(registrationAnswers({ formalContract: 'no', contractLink: 'nonsense' })))).toEqual({});
      expect(validateSection(governance, storedAnswers(registrationAnswers({ formalContract: 'yes', contractLink: 'nonsense', contractCovers: 'partners-terms' })))).toEqual({
        contractLink: { code: 'url' },
      });
    });

    it('DOMAIN 1.1: a contract described as a service one side buys contradicts the screening answer that none is', () => {
      const governance = registrationSection('governance');
      const answers = storedAnswers({ ...screeningAnswers(), ...registrationAnswers({ formalContract: 'yes', contractCovers: 'service-bought' }) });
      expect(validateSection(governance, answers)).toEqual({
        contractCovers: { code: 'contradicts', other: 'Screening: no service delivered for payment', answer: 'No' },
      });
      expect(validateSection(governance, { ...answers, contractCovers: 'partners-terms' })).toEqual({});
    });

    it('002 "Definitions": a statutory partnership from screening cannot be registered in a non-statutory category', () => {
      const identity = registrationSection('identity');
      const answers = { ...screeningAnswers({ statutoryBody: 'yes' }), ...registrationAnswers({ category: 'community', statutory: 'no' }) };
      const errors = validateSection(identity, answers);
      expect(errors.category).toMatchObject({ code: 'contradicts' });
      expect(errors.statutory).toMatchObject({ code: 'contradicts' });
      expect(validateSection(identity, { ...answers, category: 'statutory', statutory: 'yes' })).toEqual({});
    });
  });

  describe('choices', () => {
    const section = sectionOf(
      { id: 'objectives', label: 'Objectives', type: 'multichoice', required: true, choices: [{ value: 'homes', title: 'Homes' }, { value: 'services', title: 'Services' }] },
      { id: 'level', label: 'Level', type: 'choice', choices: [{ value: 'adviser', title: 'Adviser' }] },
      { id: 'statutory', label: 'Statutory?', type: 'yesno' },
    );

    it('accepts several known values of a multichoice, as the card joins them', () => {
      expect(validateSection(section, { objectives: 'homes,services' })).toEqual({});
      expect(validateSection(section, { objectives: 'homes, services' })).toEqual({});
    });

    it('refuses a multichoice value that is not one of the options', () => {
      expect(validateSection(section, { objectives: 'homes,castles' })).toEqual({ objectives: { code: 'choose-listed' } });
    });

    it('refuses a single choice that is not one of the options', () => {
      expect(validateSection(section, { objectives: 'homes', level: 'overlord' })).toEqual({ level: { code: 'choose-option' } });
    });

    it('accepts only yes or no for a yes/no question', () => {
      expect(validateSection(section, { objectives: 'homes', statutory: 'yes' })).toEqual({});
      expect(validateSection(section, { objectives: 'homes', statutory: 'yep' })).toEqual({ statutory: { code: 'yes-or-no' } });
      expect(validateSection(section, { objectives: 'homes', statutory: 'Yes' })).toEqual({ statutory: { code: 'yes-or-no' } });
    });

    it('refuses an unknown strategic objective on the real purpose section', () => {
      const errors = validateSection(registrationSection('purpose'), registrationAnswers({ strategicObjectives: 'communities,world-peace' }));
      expect(errors).toEqual({ strategicObjectives: { code: 'choose-listed' } });
    });
  });

  describe('links', () => {
    const section = sectionOf({ id: 'agreement', label: 'Agreement', type: 'url' });

    it.each(['https://example.org/agreement.docx', 'http://intranet/tor', 'HTTPS://EXAMPLE.ORG'])('accepts %s', (url) => {
      expect(validateSection(section, { agreement: url })).toEqual({});
    });

    it.each(['www.example.org', 'ftp://example.org/file', 'javascript:alert(1)', 'https://exa mple.org', 'https://', 'example'])('refuses %s', (url) => {
      expect(validateSection(section, { agreement: url })).toEqual({ agreement: { code: 'url' } });
    });
  });

  describe('lists', () => {
    const section = sectionOf({ id: 'partners', label: 'Partners', type: 'list' });

    it(`accepts up to ${MAX_LIST_ITEMS} entries, not counting blank lines`, () => {
      const lines = Array.from({ length: MAX_LIST_ITEMS }, (_, i) => `Partner ${i}`).join('\n\n');
      expect(validateSection(section, { partners: lines })).toEqual({});
    });

    it(`refuses more than ${MAX_LIST_ITEMS} entries`, () => {
      const lines = Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, i) => `P${i}`).join('\r\n');
      expect(validateSection(section, { partners: lines })).toEqual({ partners: { code: 'list-too-long', max: MAX_LIST_ITEMS } });
    });
  });
});

describe('typed and readable answers', () => {
  const q = questionnaireOf(
    { id: 'agreed', label: 'Agreed', type: 'yesno' },
    { id: 'contribution', label: 'Contribution', type: 'amount' },
    { id: 'objectives', label: 'Objectives', type: 'multichoice', choices: [{ value: 'homes', title: 'Refurbishing homes' }, { value: 'services', title: 'Excellent services' }] },
    { id: 'partners', label: 'Partners', type: 'list' },
    { id: 'level', label: 'Level', type: 'choice', choices: [{ value: 'junior-member', title: 'Junior member' }] },
    { id: 'note', label: 'Note', type: 'text', showIf: { question: 'agreed', equals: 'yes' } },
    { id: 'blank', label: 'Blank', type: 'text' },
  );
  const [agreed, contribution, objectives, partners, level] = q.sections[0].questions;

  it('turns answers into typed values, leaving out unanswered and hidden ones', () => {
    const typed = normaliseAnswers(q, {
      agreed: 'no',
      contribution: '1,500.50',
      objectives: 'homes,services',
      partners: 'Riverside Trust\n\n  Housing Association  \n',
      level: 'junior-member',
      note: 'hidden because agreed is no',
      blank: '  ',
    });
    expect(typed).toEqual({
      agreed: false,
      contribution: 1500.5,
      objectives: ['homes', 'services'],
      partners: ['Riverside Trust', 'Housing Association'],
      level: 'junior-member',
    });
  });

  it('reads answers back in a person\'s words', () => {
    expect(displayAnswer(agreed, 'yes')).toBe('Yes');
    expect(displayAnswer(agreed, 'no')).toBe('No');
    expect(displayAnswer(objectives, 'homes,services')).toBe('Refurbishing homes; Excellent services');
    expect(displayAnswer(partners, 'A\nB')).toBe('A; B');
    expect(displayAnswer(level, 'junior-member')).toBe('Junior member');
    expect(displayAnswer(contribution, '12500')).toBe('£12,500');
    expect(displayAnswer(contribution, undefined)).toBe('');
  });

  // Bug: displayAnswer formats amounts with maximumFractionDigits only, so pence lose their trailing zero.
  test('reads an amount with pence back as pounds and pence (£1,500.50, not £1,500.5)', () => {
    expect(displayAnswer(contribution, '1500.50')).toBe('£1,500.50');
  });
});

describe('checking a questionnaire definition', () => {
  const question = (overrides: Record<string, unknown> = {}) => ({ id: 'name', label: 'Name', type: 'text', ...overrides });
  const definition = (...questions: unknown[]) => ({ id: 'tiny', title: 'Tiny', sections: [{ id: 'only', title: 'Only', questions }] });

  function problemWith(value: unknown, takenIds?: Set<string>): QuestionnaireDefinitionError {
    try {
      checkQuestionnaire('questionnaires/tiny.json', value, takenIds);
    } catch (err) {
      if (err instanceof QuestionnaireDefinitionError) return err;
      throw err;
    }
    throw new Error('the definition was accepted');
  }

  it('accepts the questionnaires shipped with the product', () => {
    expect(() => loadProposalJourney()).not.toThrow();
  });

  it('accepts a tiny valid questionnaire and returns it', () => {
    const value = definition(question());
    expect(checkQuestionnaire('questionnaires/tiny.json', value)).toBe(value);
  });

  it('refuses a question id used twice in one section, naming the file and path', () => {
    const err = problemWith(definition(question(), question({ label: 'Again' })));
    expect(err.message).toBe('questionnaires/tiny.json: $.sections[0].questions[1].id: duplicate question id "name"');
    expect(err.source).toBe('questionnaires/tiny.json');
    expect(err.path).toBe('$.sections[0].questions[1].id');
  });

  it('refuses a question id used in another section', () => {
    const value = {
      id: 'tiny',
      title: 'Tiny',
      sections: [
        { id: 'first', title: 'First', questions: [question()] },
        { id: 'second', title: 'Second', questions: [question()] },
      ],
    };
    expect(problemWith(value).message).toBe('questionnaires/tiny.json: $.sections[1].questions[0].id: duplicate question id "name"');
  });

  it('refuses a question id another questionnaire of the journey already uses', () => {
    const taken = new Set(['mutuallyBeneficial']);
    expect(problemWith(definition(question({ id: 'mutuallyBeneficial' })), taken).message).toBe(
      'questionnaires/tiny.json: $.sections[0].questions[0].id: duplicate question id "mutuallyBeneficial"',
    );
  });

  it('refuses a section id used twice', () => {
    const value = {
      id: 'tiny',
      title: 'Tiny',
      sections: [
        { id: 'same', title: 'First', questions: [question({ id: 'a' })] },
        { id: 'same', title: 'Second', questions: [question({ id: 'b' })] },
      ],
    };
    expect(problemWith(value).message).toBe('questionnaires/tiny.json: $.sections[1].id: duplicate section id "same"');
  });

  it.each(RESERVED_IDS)('refuses the reserved id %s, which card actions carry in their data', (id) => {
    expect(problemWith(definition(question({ id }))).message).toBe(
      `questionnaires/tiny.json: $.sections[0].questions[0].id: "${id}" is reserved for card data`,
    );
  });

  it('refuses an id that is not an identifier', () => {
    expect(problemWith(definition(question({ id: 'partner name' }))).message).toBe(
      'questionnaires/tiny.json: $.sections[0].questions[0].id: must be an identifier',
    );
  });

  it('refuses an unknown question type', () => {
    const err = problemWith(definition(question({ type: 'slider' })));
    expect(err.path).toBe('$.sections[0].questions[0].type');
    expect(err.message).toMatch(/^questionnaires\/tiny\.json: \$\.sections\[0\]\.questions\[0\]\.type: must be one of text, longtext, /);
  });

  it.each(['choice', 'multichoice'])('refuses a %s question without choices', (type) => {
    expect(problemWith(definition(question({ type }))).message).toBe('questionnaires/tiny.json: $.sections[0].questions[0].choices: a choice question needs choices');
    expect(problemWith(definition(question({ type, choices: [] }))).path).toBe('$.sections[0].questions[0].choices');
  });

  it('refuses a choice value with a comma, which a multichoice answer could not carry', () => {
    const err = problemWith(definition(question({ type: 'multichoice', choices: [{ value: 'a', title: 'A' }, { value: 'b,c', title: 'B' }] })));
    expect(err.message).toBe('questionnaires/tiny.json: $.sections[0].questions[0].choices[1].value: must be a non-empty string without commas');
  });

  it('refuses a choice without a title', () => {
    expect(problemWith(definition(question({ type: 'choice', choices: [{ value: 'a' }] }))).path).toBe('$.sections[0].questions[0].choices[0].title');
  });

  it('refuses a showIf naming a question that does not exist', () => {
    expect(problemWith(definition(question({ showIf: { question: 'nowhere', equals: 'yes' } }))).message).toBe(
      'questionnaires/tiny.json: $.sections[0].questions[0].showIf.question: must name an earlier question of the same section, not "nowhere"',
    );
  });

  it('refuses a showIf naming a later question', () => {
    const err = problemWith(definition(question({ id: 'link', type: 'url', showIf: { question: 'hasLink', equals: 'yes' } }), question({ id: 'hasLink', type: 'yesno' })));
    expect(err.path).toBe('$.sections[0].questions[0].showIf.question');
  });

  it('refuses a showIf naming a question of another section', () => {
    const value = {
      id: 'tiny',
      title: 'Tiny',
      sections: [
        { id: 'first', title: 'First', questions: [question({ id: 'hasLink', type: 'yesno' })] },
        { id: 'second', title: 'Second', questions: [question({ id: 'link', type: 'url', showIf: { question: 'hasLink', equals: 'yes' } })] },
      ],
    };
    expect(problemWith(value).message).toBe(
      'questionnaires/tiny.json: $.sections[1].questions[0].showIf.question: must name an earlier question of the same section, not "hasLink"',
    );
  });

  // Bug: checkQuestionnaire adds the question's own id to `local` before checking showIf, so a
  // question may depend on itself, and is then never shown until it is answered.
  test('refuses a showIf naming the question itself', () => {
    expect(problemWith(definition(question({ showIf: { question: 'name', equals: 'yes' } }))).path).toBe('$.sections[0].questions[0].showIf.question');
  });

  // Bug: showIf.equals is never checked, so a missing value hides the question for ever
  // (isShown compares the answer with undefined), silently dropping even a required question.
  test('refuses a showIf without the value it must equal', () => {
    expect(problemWith(definition(question({ id: 'hasLink', type: 'yesno' }), question({ id: 'link', showIf: { question: 'hasLink' } }))).path).toBe(
      '$.sections[0].questions[1].showIf.equals',
    );
  });

  it('refuses a notBefore naming a question not asked before it', () => {
    expect(problemWith(definition(question({ id: 'endDate', type: 'date', notBefore: 'startDate' }))).message).toBe(
      'questionnaires/tiny.json: $.sections[0].questions[0].notBefore: must name an earlier question, not "startDate"',
    );
  });

  it.each([0, -5, 1.5, '100'])('refuses a maxLength of %j', (maxLength) => {
    expect(problemWith(definition(question({ maxLength }))).path).toBe('$.sections[0].questions[0].maxLength');
  });

  it('refuses a question without a label', () => {
    expect(problemWith(definition(question({ label: '  ' }))).path).toBe('$.sections[0].questions[0].label');
  });

  it('refuses a questionnaire without sections, or a section without questions', () => {
    expect(problemWith({ id: 'tiny', title: 'Tiny', sections: [] }).path).toBe('$.sections');
    expect(problemWith({ id: 'tiny', title: 'Tiny', sections: [{ id: 'only', title: 'Only', questions: [] }] }).path).toBe('$.sections[0].questions');
  });

  it('refuses a property the engine does not know (a typo would otherwise be ignored silently)', () => {
    const err = problemWith(definition(question({ requried: true })));
    expect(err.path).toBe('$.sections[0].questions[0]');
    expect(err.message).toMatch(/requried/);
    expect(problemWith({ ...definition(question()), sectoins: [] }).message).toMatch(/sectoins/);
  });

  it('refuses a section asked on a condition the journey does not know', () => {
    const value = { id: 'tiny', title: 'Tiny', sections: [{ id: 'only', title: 'Only', askWhen: 'sometimes', questions: [question()] }] };
    expect(problemWith(value).message).toBe('questionnaires/tiny.json: $.sections[0].askWhen: must be one of not-excluded, waivable-unmet, significant');
  });

  it('refuses something that is not a questionnaire at all', () => {
    expect(problemWith(null).path).toBe('$');
    expect(problemWith({ title: 'No id', sections: [] }).path).toBe('$.id');
    expect(problemWith({ id: 'tiny', title: '', sections: [] }).path).toBe('$.title');
  });
});

describe('rows: repeatable rows of sub-questions', () => {
  const risks = {
    id: 'risks',
    label: 'Risks',
    type: 'rows' as const,
    required: true,
    maxRows: 3,
    columns: [
      { id: 'what', label: 'What', type: 'text' as const, required: true, maxLength: 20 },
      { id: 'score', label: 'Score', type: 'choice' as const, required: true, choices: [{ value: '1', title: 'Low' }, { value: '2', title: 'High' }] },
    ],
  };
  const section = { id: 'only', title: 'Only', questions: [risks] };
  const stored = (rows: object[]) => ({ risks: JSON.stringify(rows) });

  it('gathers the cells into rows and drops a blank row', () => {
    const picked = pickSectionAnswers(section, { 'risks.0.what': 'Flood', 'risks.0.score': '2', 'risks.1.what': ' ', 'risks.1.score': '' });
    expect(JSON.parse(picked.answers.risks)).toEqual([{ what: 'Flood', score: '2' }]);
  });

  it('keeps a stored row the card did not send, and leaves out the row Remove names', () => {
    const before = stored([{ what: 'Flood', score: '2' }, { what: 'Fire', score: '1' }]);
    expect(JSON.parse(pickSectionAnswers(section, { 'risks.2.what': 'Theft', 'risks.2.score': '1' }, before).answers.risks)).toEqual([
      { what: 'Flood', score: '2' },
      { what: 'Fire', score: '1' },
      { what: 'Theft', score: '1' },
    ]);
    expect(JSON.parse(pickSectionAnswers(section, { removeRow: 'risks.0' }, before).answers.risks)).toEqual([{ what: 'Fire', score: '1' }]);
  });

  it('keeps the stored rows when the card carried none of its cells', () => {
    expect(pickSectionAnswers(section, { other: 'x' }, stored([{ what: 'Flood' }])).answers).toEqual({});
  });

  it('never keeps more rows than the definition allows', () => {
    const input = Object.fromEntries([0, 1, 2, 3, 4].flatMap((i) => [[`risks.${i}.what`, `Risk ${i}`], [`risks.${i}.score`, '1']]));
    const before = stored([0, 1, 2, 3].map((i) => ({ what: `Old ${i}` })));
    expect(JSON.parse(pickSectionAnswers(section, input, before).answers.risks)).toHaveLength(3);
  });

  it('cuts a cell over its limit and reports it under that cell', () => {
    const picked = pickSectionAnswers(section, { 'risks.0.what': 'x'.repeat(50), 'risks.0.score': '1' });
    expect(JSON.parse(picked.answers.risks)[0].what).toHaveLength(20);
    expect(picked.clipped).toEqual({ 'risks.0.what': { code: 'clipped', length: 50, limit: 20 } });
  });

  it('requires a row when the question is required, and checks each cell under its own input', () => {
    expect(validateSection(section, stored([]))).toEqual({ risks: { code: 'required' } });
    expect(validateSection(section, stored([{ what: 'Flood', score: '9' }, { score: '1' }]))).toEqual({
      'risks.0.score': { code: 'choose-option' },
      'risks.1.what': { code: 'required' },
    });
    expect(validateSection(section, { risks: 'not json' })).toEqual({ risks: { code: 'required' } });
  });

  it('reads back one line per row', () => {
    expect(displayAnswer(risks, JSON.stringify([{ what: 'Flood', score: '2' }, { what: 'Fire', score: '1' }]))).toBe('1. Flood; High\n2. Fire; Low');
  });

  it('refuses a rows question without columns, or with a column that is itself rows', () => {
    const check = (q: unknown) => () => checkQuestionnaire('tiny.json', { id: 'tiny', title: 'Tiny', sections: [{ id: 'only', title: 'Only', questions: [q] }] });
    expect(check({ ...risks, columns: [] })).toThrow('tiny.json: $.sections[0].questions[0].columns: a rows question needs columns');
    expect(check({ ...risks, columns: [{ ...risks, id: 'inner' }] })).toThrow('$.sections[0].questions[0].columns[0].type: must be one of');
  });
});

describe('checklist: a fixed list of elements, each with the same sub-questions', () => {
  const coverage: Question = {
    id: 'coverage',
    label: 'What the agreement covers',
    type: 'checklist',
    required: true,
    elements: [
      { id: 'aims', title: 'Aims and objectives' },
      { id: 'membership', title: 'Membership' },
    ],
    columns: [
      { id: 'state', label: 'Covered?', type: 'choice', required: true, choices: [{ value: 'covered', title: 'Covered' }, { value: 'partly', title: 'Partly covered' }] },
      { id: 'where', label: 'Where', type: 'text', maxLength: 20 },
    ],
  };
  const section: Section = { id: 's', title: 'S', questions: [coverage] };

  it('keeps one row per element, by the element id, from the cells the card sent; a row not sent keeps what was stored', () => {
    const first = pickSectionAnswers(section, { 'coverage.0.state': 'covered', 'coverage.0.where': 'Part 2' });
    expect(JSON.parse(first.answers.coverage)).toEqual([{ element: 'aims', state: 'covered', where: 'Part 2' }, { element: 'membership' }]);
    const second = pickSectionAnswers(section, { 'coverage.1.state': 'partly' }, first.answers);
    expect(JSON.parse(second.answers.coverage)).toEqual([{ element: 'aims', state: 'covered', where: 'Part 2' }, { element: 'membership', state: 'partly' }]);
    expect(pickSectionAnswers(section, { 'coverage.1.where': 'x'.repeat(30) }).clipped).toEqual({ 'coverage.1.where': { code: 'clipped', length: 30, limit: 20 } });
  });

  it('asks every element, each cell under its own input', () => {
    const stored = (rows: object[]) => ({ coverage: JSON.stringify(rows) });
    expect(validateSection(section, {})).toEqual({ 'coverage.0.state': { code: 'required' }, 'coverage.1.state': { code: 'required' } });
    expect(validateSection(section, stored([{ element: 'membership', state: 'nope' }, { element: 'aims', state: 'covered' }]))).toEqual({ 'coverage.1.state': { code: 'choose-option' } });
  });

  it('reads back one line per element, by its title', () => {
    expect(displayAnswer(coverage, JSON.stringify([{ element: 'aims', state: 'covered', where: 'Part 2' }, { element: 'membership', state: 'partly' }]))).toBe('Aims and objectives: Covered; Part 2\nMembership: Partly covered');
  });

  it('refuses a checklist without elements, with an element twice, or elements on another type', () => {
    const check = (q: unknown) => () => checkQuestionnaire('tiny.json', { id: 'tiny', title: 'Tiny', sections: [{ id: 'only', title: 'Only', questions: [q] }] });
    expect(check({ ...coverage, elements: [] })).toThrow('$.sections[0].questions[0].elements: a checklist question needs elements');
    expect(check({ ...coverage, elements: [coverage.elements![0], coverage.elements![0]] })).toThrow('$.sections[0].questions[0].elements[1].id: duplicate element id "aims"');
    expect(check({ ...coverage, type: 'choice', choices: [{ value: 'a', title: 'A' }], columns: undefined })).toThrow('$.sections[0].questions[0].elements: only a checklist question has elements');
    expect(check({ ...coverage, columns: [] })).toThrow('a checklist question needs columns');
  });
});

describe('people: several people in one answer', () => {
  const panel = { id: 'panel', label: 'Panel', type: 'people' as const, required: true };
  const section = { id: 'only', title: 'Only', questions: [panel] };

  it('takes the picker\'s comma-joined ids, or emails typed with commas or semicolons, and keeps each once', () => {
    expect(splitPeople('id-1,id-2, id-1')).toEqual(['id-1', 'id-2']);
    expect(pickSectionAnswers(section, { panel: 'id-1', panelTyped: 'a@example.org; b@example.org' }).answers).toEqual({ panel: 'a@example.org; b@example.org' });
    expect(validateSection(section, { panel: 'a@example.org; b@example.org' })).toEqual({});
  });

  it('refuses what cannot name a person, and more than twenty people', () => {
    expect(validateSection(section, { panel: 'a@example.org, not a person' })).toEqual({ panel: { code: 'person' } });
    expect(validateSection(section, { panel: Array.from({ length: 21 }, (_, i) => `p${i}@example.org`).join(',') })).toEqual({ panel: { code: 'list-too-long', max: 20 } });
  });

  it('reads back each person by name when known', () => {
    expect(displayAnswer(panel, 'id-1,id-2', { 'id-1': { name: 'Alex Wilber', email: 'alexw@example.com' } })).toBe('Alex Wilber (alexw@example.com); id-2');
  });
});
