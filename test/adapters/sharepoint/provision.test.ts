import { openSharePointRecords, openSharePointRegister, provisionSharePoint, RECORDS_LIST, REGISTER_LIST, RegisterNotProvisionedError, buildRegisterSchema } from '../../../src/adapters/sharepoint';
import type { Journey } from '../../../src/domain/journey';
import { loadProposalJourney } from '../../../src/questionnaires';
import { settingsFor } from '../../doubles/sharepoint/connect';
import { startSharePointDouble, type SharePointDouble } from '../../doubles/sharepoint';

let double: SharePointDouble;
beforeEach(async () => {
  double = await startSharePointDouble();
});
afterEach(() => double.close());

const provision = (journey?: Journey) => provisionSharePoint(settingsFor(double), undefined, { journey });

function column(list: string, name: string) {
  const found = double.site.list(list).fields.find((f) => f.InternalName === name);
  if (!found) throw new Error(`${list} has no column ${name}`);
  return found;
}

/** The registration questionnaire as it was before a question was added. */
function withoutQuestion(journey: Journey, id: string): Journey {
  const registration = {
    ...journey.registration,
    sections: journey.registration.sections.map((s) => ({ ...s, questions: s.questions.filter((q) => q.id !== id) })),
  };
  return { ...journey, registration };
}

describe('npm run provision', () => {
  it('creates both lists from nothing: typed columns, indexes, a unique Reference, and the views', async () => {
    const report = await provision();

    expect(report.warnings).toEqual([]);
    expect(report.changes).toEqual(expect.arrayContaining([{ list: REGISTER_LIST, change: 'created the list' }, { list: RECORDS_LIST, change: 'created the list' }]));
    expect(column(REGISTER_LIST, 'Reference')).toMatchObject({ TypeAsString: 'Text', Indexed: true, EnforceUniqueValues: true });
    expect(column(REGISTER_LIST, 'Category').Choices).toEqual(['1. Statutory', '2. Non-statutory: community-based', '3. Non-statutory: network group or forum']);
    expect(column(REGISTER_LIST, 'Status').Choices).toEqual(['Awaiting approval', 'Changes requested', 'Active', 'Exiting', 'Closed', 'Rejected']);
    expect(column(REGISTER_LIST, 'StructureModel').Choices).toEqual(['Separate organisation', 'Virtual organisation', 'Co-located staff', 'Steering group']);
    expect(column(REGISTER_LIST, 'RelationshipLevel').TypeAsString).toBe('Choice');
    expect(column(REGISTER_LIST, 'LeadOfficer')).toMatchObject({ TypeAsString: 'User', Indexed: true });
    expect(column(REGISTER_LIST, 'RepresentativePeople').TypeAsString).toBe('UserMulti');
    expect(column(REGISTER_LIST, 'NextReviewDue')).toMatchObject({ TypeAsString: 'DateTime', DisplayFormat: 0, Indexed: true });
    expect(column(REGISTER_LIST, 'FinancialContribution').TypeAsString).toBe('Currency');
    expect(column(REGISTER_LIST, 'AgreementInPlace').TypeAsString).toBe('Boolean');
    expect(column(REGISTER_LIST, 'AgreementLink').TypeAsString).toBe('URL');
    expect(column(REGISTER_LIST, 'Aims').TypeAsString).toBe('Note');
    expect(column(REGISTER_LIST, 'Title').Title).toBe('Partnership');
    for (const name of ['Status', 'ProposerId', 'PartnershipId', 'IdempotencyKey', 'ReferenceYear', 'Category', 'Significant']) {
      expect(column(REGISTER_LIST, name).Indexed).toBe(true);
    }
    expect(double.site.list(REGISTER_LIST).fields.filter((f) => f.Indexed).length).toBeLessThanOrEqual(20);
    expect(column(RECORDS_LIST, 'Partnership')).toMatchObject({ TypeAsString: 'Lookup', LookupList: `{${double.site.list(REGISTER_LIST).Id}}`, Indexed: true });

    const views = double.site.list(REGISTER_LIST).views;
    expect(views.map((v) => v.Title)).toEqual(['All Items', 'Active by category', 'Reviews due', 'Significant', 'Ended']);
    const active = views.find((v) => v.Title === 'Active by category')!;
    expect(active.ViewQuery).toContain('<GroupBy Collapse="FALSE" GroupLimit="100"><FieldRef Name="Category" /></GroupBy>');
    expect(active.ViewQuery).toContain('<Value Type="Choice">Active</Value>');
    expect(active.fields.slice(0, 3)).toEqual(['LinkTitle', 'Reference', 'Category']);
    expect(views.find((v) => v.Title === 'Reviews due')!.ViewQuery).toContain('<Today OffsetDays="30" />');
  });

  it('changes nothing when run a second time', async () => {
    await provision();
    const requestsBefore = double.requests.length;

    const again = await provision();

    expect(again).toEqual({ changes: [], warnings: [] });
    expect(double.requests.slice(requestsBefore).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('adds the column of a question added since, and only that', async () => {
    const journey = loadProposalJourney();
    await provision(withoutQuestion(journey, 'lifeSpan'));

    const report = await provision(journey);

    expect(report.changes).toEqual([{ list: REGISTER_LIST, change: 'added column "Expected life span" (LifeSpan, Text)' }]);
  });

  it('never deletes: keeps items, a column and a choice someone added, and reports a column of another type instead of replacing it', async () => {
    await provision();
    const register = double.site.list(REGISTER_LIST);
    double.site.addItem(register, { Title: 'Made by hand', Reference: 'PR-2020-001' });
    double.site.addFieldXml(register, '<Field Type="Text" Name="LocalNotes" DisplayName="Local notes" />', 8);
    double.site.updateField(register, column(REGISTER_LIST, 'MeetingFrequency'), { Choices: [...column(REGISTER_LIST, 'MeetingFrequency').Choices!, 'Fortnightly'] });
    const lifeSpan = column(REGISTER_LIST, 'LifeSpan');
    register.fields.splice(register.fields.indexOf(lifeSpan), 1);
    double.site.addFieldXml(register, '<Field Type="Number" Name="LifeSpan" DisplayName="Life span (years)" />', 8);

    const report = await provision();

    expect(report.changes).toEqual([]);
    expect(report.warnings).toEqual([{ list: REGISTER_LIST, change: 'column LifeSpan is Number, expected Text: left as it is (changing it could lose data)' }]);
    expect(register.items.size).toBe(1);
    expect(column(REGISTER_LIST, 'LocalNotes').Title).toBe('Local notes');
    expect(column(REGISTER_LIST, 'MeetingFrequency').Choices).toContain('Fortnightly');
  });

  it('puts back a view someone changed, and a column title someone renamed', async () => {
    await provision();
    const register = double.site.list(REGISTER_LIST);
    const ended = register.views.find((v) => v.Title === 'Ended')!;
    double.site.updateView(register, ended, { ViewQuery: '' });
    ended.fields = ['LinkTitle'];
    double.site.updateField(register, column(REGISTER_LIST, 'Reference'), { Title: 'Ref' });

    const report = await provision();

    expect(report.changes).toEqual([
      { list: REGISTER_LIST, change: 'updated column "Reference": title' },
      { list: REGISTER_LIST, change: 'updated view "Ended": filter and order, columns' },
    ]);
    expect(ended.ViewQuery).toBe(buildRegisterSchema(loadProposalJourney()).register.views.find((v) => v.title === 'Ended')!.query);
  });

  it('indexes and makes unique a Reference column that someone created plain', async () => {
    await provision();
    const register = double.site.list(REGISTER_LIST);
    Object.assign(column(REGISTER_LIST, 'Reference'), { Indexed: false, EnforceUniqueValues: false });

    const report = await provision();

    expect(report.changes).toEqual([{ list: REGISTER_LIST, change: 'updated column "Reference": index, unique values' }]);
    expect(column(REGISTER_LIST, 'Reference')).toMatchObject({ Indexed: true, EnforceUniqueValues: true });
    expect(register.fields.filter((f) => f.Indexed).length).toBeLessThanOrEqual(20);
  });

  it('after someone turns off unique values on Reference, the bot refuses to start naming it, and provisioning puts it back', async () => {
    await provision();
    // What a site owner's change in the list settings sends: a field update.
    const turnedOff = await fetch(`${double.siteUrl}/_api/web/lists/getByTitle('${REGISTER_LIST}')/fields/getByInternalNameOrTitle('Reference')`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-HTTP-Method': 'MERGE', 'IF-MATCH': '*' },
      body: JSON.stringify({ EnforceUniqueValues: false }),
    });
    expect(turnedOff.status).toBe(204);
    expect(column(REGISTER_LIST, 'Reference')).toMatchObject({ Indexed: true, EnforceUniqueValues: false });

    const refused = await openSharePointRegister(settingsFor(double)).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(RegisterNotProvisionedError);
    expect((refused as Error).message).toBe(
      'The "Reference" column of "Partnership Register" no longer enforces unique values (someone changed the list settings). Run `npm run provision` to put it back.',
    );

    const report = await provision();
    expect(report).toEqual({ changes: [{ list: REGISTER_LIST, change: 'updated column "Reference": unique values' }], warnings: [] });
    await expect(openSharePointRegister(settingsFor(double))).resolves.toBeDefined();
  });

  it('refuses to start when the write key or the bot id is no longer indexed and unique', async () => {
    await provision();
    const register = double.site.list(REGISTER_LIST);
    double.site.updateField(register, column(REGISTER_LIST, 'IdempotencyKey'), { EnforceUniqueValues: false, Indexed: false });

    await expect(openSharePointRegister(settingsFor(double))).rejects.toThrow(
      /^The "Write key" \(IdempotencyKey\) column of "Partnership Register" no longer enforces unique values or is indexed .*npm run provision/,
    );
    expect((await provision()).changes).toEqual([{ list: REGISTER_LIST, change: 'updated column "Write key": index, unique values' }]);

    double.site.updateField(register, column(REGISTER_LIST, 'PartnershipId'), { EnforceUniqueValues: false });
    await expect(openSharePointRegister(settingsFor(double))).rejects.toThrow(/"Bot id" \(PartnershipId\) column .* no longer enforces unique values/);
    await provision();
    await expect(openSharePointRegister(settingsFor(double))).resolves.toBeDefined();
  });
});

describe('npm run provision: the Partnership Records list', () => {
  const recordsColumn = (name: string) => column(RECORDS_LIST, name);

  it('creates the records columns: a unique indexed write key and record id, the entry id indexed, typed score, the fixed type labels', async () => {
    const report = await provision();

    expect(report.warnings).toEqual([]);
    expect(recordsColumn('IdempotencyKey')).toMatchObject({ TypeAsString: 'Text', Indexed: true, EnforceUniqueValues: true });
    expect(recordsColumn('RecordId')).toMatchObject({ TypeAsString: 'Text', Indexed: true, EnforceUniqueValues: true });
    expect(recordsColumn('PartnershipBotId')).toMatchObject({ TypeAsString: 'Text', Indexed: true, EnforceUniqueValues: false });
    expect(recordsColumn('RecordType')).toMatchObject({ TypeAsString: 'Choice', Indexed: true, Choices: ['Assessment', 'Agreement checklist', 'Handover', 'Exit and evaluation', 'Change', 'Other'] });
    expect(recordsColumn('RecordedAt')).toMatchObject({ TypeAsString: 'DateTime', Indexed: true });
    expect(recordsColumn('Score').TypeAsString).toBe('Number');
    for (const name of ['Reference', 'Decision', 'RecordedBy', 'RecordedById']) expect(recordsColumn(name).TypeAsString).toBe('Text');
    for (const name of ['Summary', 'Details', 'BotRecord']) expect(recordsColumn(name).TypeAsString).toBe('Note');
    expect(recordsColumn('Details').Title).toBe('Answers');
    expect(recordsColumn('Title').Title).toBe('Record');
    expect(double.site.list(RECORDS_LIST).fields.filter((f) => f.Indexed).length).toBeLessThanOrEqual(20);
    expect(double.site.list(RECORDS_LIST).views.find((v) => v.Title === 'By partnership')!.fields).toEqual([
      'LinkTitle',
      'Partnership',
      'Reference',
      'RecordType',
      'RecordedAt',
      'RecordedBy',
      'Summary',
      'Score',
      'Decision',
    ]);

    const again = await provision();
    expect(again).toEqual({ changes: [], warnings: [] });
  });

  it('brings a records list provisioned by an earlier version up to date, keeping what it had, and then changes nothing', async () => {
    await provision();
    const records = double.site.list(RECORDS_LIST);
    // As the earlier schema left it: no entry id, reference, score, decision or record id; its own type choices and titles.
    for (const name of ['PartnershipBotId', 'Reference', 'Score', 'Decision', 'RecordId']) records.fields.splice(records.fields.indexOf(recordsColumn(name)), 1);
    Object.assign(recordsColumn('RecordType'), { Choices: ['Decision', 'Assessment', 'Evaluation', 'Handover', 'Change'] });
    Object.assign(recordsColumn('Details'), { Title: 'Details' });
    records.views.find((v) => v.Title === 'By partnership')!.fields = ['LinkTitle', 'Partnership', 'RecordType', 'RecordedAt', 'RecordedBy', 'Summary'];
    double.site.addFieldXml(records, '<Field Type="Text" Name="PartnershipId" DisplayName="Partnership bot id" Indexed="TRUE" />', 8);
    const clash = {
      list: RECORDS_LIST,
      change:
        'column PartnershipId is left by an earlier version; it has the REST name of the Partnership lookup, so the bot leaves that lookup empty while it exists. The bot never wrote it (the entry\'s id is in "Partnership (bot id)"): delete it in the list settings.',
    };

    const report = await provision();

    expect(report.warnings).toEqual([clash]);
    expect(report.changes).toEqual([
      { list: RECORDS_LIST, change: 'added column "Partnership (bot id)" (PartnershipBotId, Text, indexed)' },
      { list: RECORDS_LIST, change: 'added column "Reference" (Reference, Text)' },
      { list: RECORDS_LIST, change: 'updated column "Type": choices' },
      { list: RECORDS_LIST, change: 'added column "Score" (Score, Number)' },
      { list: RECORDS_LIST, change: 'added column "Decision" (Decision, Text)' },
      { list: RECORDS_LIST, change: 'updated column "Answers": title' },
      { list: RECORDS_LIST, change: 'added column "Record id" (RecordId, Text, indexed, unique)' },
      { list: RECORDS_LIST, change: 'updated view "By partnership": columns' },
    ]);
    // A choice is never removed: the earlier ones follow ours.
    expect(recordsColumn('RecordType').Choices).toEqual(['Assessment', 'Agreement checklist', 'Handover', 'Exit and evaluation', 'Change', 'Other', 'Decision', 'Evaluation']);
    expect(recordsColumn('RecordId')).toMatchObject({ Indexed: true, EnforceUniqueValues: true });
    expect(recordsColumn('PartnershipId').TypeAsString).toBe('Text');
    expect(await provision()).toEqual({ changes: [], warnings: [clash] });
    await expect(openSharePointRecords(settingsFor(double))).resolves.toBeDefined();

    records.fields.splice(records.fields.indexOf(recordsColumn('PartnershipId')), 1);
    expect(await provision()).toEqual({ changes: [], warnings: [] });
  });

  it('never passes 20 indexes on the records list: a column it cannot index is reported, and the bot then refuses to start', async () => {
    await provision();
    const records = double.site.list(RECORDS_LIST);
    records.fields.splice(records.fields.indexOf(recordsColumn('RecordId')), 1);
    // Someone indexed columns of their own until the list had 20.
    const indexed = records.fields.filter((f) => f.Indexed).length;
    for (let i = 0; i < 20 - indexed; i++) double.site.addFieldXml(records, `<Field Type="Text" Name="Local${i}" DisplayName="Local ${i}" Indexed="TRUE" />`, 8);

    const report = await provision();

    expect(report.warnings).toEqual([{ list: RECORDS_LIST, change: 'column RecordId added without its index: the list already has 20 indexed columns' }]);
    expect(records.fields.filter((f) => f.Indexed).length).toBe(20);
    await expect(openSharePointRecords(settingsFor(double))).rejects.toThrow(/"Record id" \(RecordId\) column .* no longer enforces unique values or is indexed .*npm run provision/);
  });
});
