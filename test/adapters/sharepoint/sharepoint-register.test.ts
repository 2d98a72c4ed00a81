import pino from 'pino';
import {
  MAX_PEOPLE_PER_WRITE,
  RegisterNotProvisionedError,
  SharePointUnavailableError,
  buildRegisterSchema,
  openSharePointRegister,
  REGISTER_LIST,
} from '../../../src/adapters/sharepoint';
import { RecordSeal } from '../../../src/adapters/sharepoint/record-seal';
import { CORE_ANSWER_COLUMN } from '../../../src/adapters/sharepoint/schema';
import { VersionConflictError } from '../../../src/domain/errors';
import { loadProposalJourney } from '../../../src/questionnaires';
import { provisionAndOpen, provisionedDouble, settingsFor, TEST_RECORD_KEY } from '../../doubles/sharepoint/connect';
import { startSharePointDouble } from '../../doubles/sharepoint';
import type { RecordedRequest } from '../../doubles/sharepoint';
import { aPartnership, LEAD, proposalAnswers, REPRESENTATIVE, storedAnswers } from '../../fixtures/builders';
import packageJson from '../../../package.json';

const sharePoint = provisionedDouble();
afterAll(() => sharePoint.close());

const isItemCreate = (r: RecordedRequest) => r.method === 'POST' && /\/items$/i.test(r.path);
const isItemUpdate = (r: RecordedRequest) => r.method === 'MERGE' && /\/items\(\d+\)$/i.test(r.path);

/** What a person sees in the list: the item's columns, straight from the double. */
function storedItem(double: Awaited<ReturnType<typeof sharePoint.open>>['double'], partnershipId: string) {
  const list = double.site.list(REGISTER_LIST);
  const item = [...list.items.values()].find((i) => i.values.get('PartnershipId') === partnershipId);
  if (!item) throw new Error(`no item for ${partnershipId}`);
  return { list, item, column: (name: string) => item.values.get(name) };
}

describe('the register in SharePoint', () => {
  it('puts every registration answer in a column a person can read, not only in the bot record', async () => {
    const { register, double } = await sharePoint.open();
    double.site.addUser(LEAD.email, LEAD.name);
    double.site.addUser(REPRESENTATIVE.email, REPRESENTATIVE.name);
    // As registration stores them: people by Entra id, who they are beside.
    const answers: Record<string, string> = { ...storedAnswers(proposalAnswers({ contractLink: '' })), leadOfficer: LEAD.id, representatives: JSON.stringify([{ who: REPRESENTATIVE.id, since: '2026-01-15' }]) };
    const people = { [LEAD.id]: LEAD, [REPRESENTATIVE.id]: REPRESENTATIVE };
    await register.create(aPartnership({ answers, category: 'community', leadOfficer: LEAD.email, lead: LEAD, representatives: [{ ...REPRESENTATIVE, since: '2026-01-15' }], people }), 'key-1');

    const { column } = storedItem(double, 'partnership-1');
    const schema = buildRegisterSchema(loadProposalJourney());
    const columnOf = (id: string) => CORE_ANSWER_COLUMN[id] ?? schema.register.columns.find((c) => c.question?.id === id)?.name;
    const answered = schema.journey.registration.sections.flatMap((s) => s.questions).filter((q) => (answers[q.id] ?? '') !== '');
    expect(answered.length).toBeGreaterThan(25);
    expect(answered.filter((q) => column(columnOf(q.id) ?? '') === undefined || column(columnOf(q.id) ?? '') === null).map((q) => q.id)).toEqual([]);
    expect({
      category: column('Category'),
      statutory: column('Statutory'),
      dateFormed: column('DateFormed'),
      strategicObjectives: column('StrategicObjectives'),
      financialContribution: column('FinancialContribution'),
      agreementLink: column('AgreementLink'),
      meetingFrequency: column('MeetingFrequency'),
      partnerOrganisations: column('PartnerOrganisations'),
      status: column('Status'),
      risk: column('RiskScore'),
    }).toEqual({
      category: '2. Non-statutory: community-based',
      statutory: false,
      dateFormed: '2026-04-01T00:00:00Z',
      strategicObjectives: ['Support and care to communities', 'Refurbishing and building homes'],
      financialContribution: 12500,
      agreementLink: { Url: answers.agreementLink, Description: answers.agreementLink },
      meetingFrequency: 'Quarterly',
      partnerOrganisations: 'Riverside NHS Trust\nRiverside Housing Association',
      status: 'Awaiting approval',
      risk: 6,
    });
    expect(column('AllAnswers')).toEqual(expect.stringContaining('Is there a formal contract between the partners?: No'));
    expect(column('AllAnswers')).toEqual(expect.stringContaining('Is it a partnership?\nIs it a service level agreement?: No'));
    const lead = double.site.ensureUser(LEAD.email);
    const representative = double.site.ensureUser(REPRESENTATIVE.email);
    expect(column('LeadOfficer')).toBe(lead.Id);
    expect(column('RepresentativePeople')).toEqual([representative.Id]);
    expect(column('AllAnswers')).toEqual(expect.stringContaining('Our representatives: 1. Megan Bowen (meganb@example.com); 15 Jan 2026'));
  });

  it('still registers when a lead officer is not someone SharePoint knows, leaving the Person column empty', async () => {
    const { register, double } = await sharePoint.open();

    const created = await register.create(aPartnership({ leadOfficer: 'nobody@example.org' }), 'key-1');

    expect(created.leadOfficer).toBe('nobody@example.org');
    expect(storedItem(double, 'partnership-1').column('LeadOfficer')).toBeNull();
    expect(storedItem(double, 'partnership-1').column('LeadOfficerName')).toBe('nobody@example.org');
  });

  it('resolves at most 5 people per write, the lead officer first, and logs how many it skipped but never their emails', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const { register, double } = await sharePoint.open({}, logger);
    const representatives = Array.from({ length: 7 }, (_, i) => `rep${i + 1}@example.org`);
    for (const email of ['lead@example.org', ...representatives]) double.site.addUser(email, email);
    const answers = storedAnswers(proposalAnswers({ leadOfficer: 'lead@example.org', representative: representatives[0], otherRepresentatives: representatives.slice(1).join('\n') }));

    await register.create(aPartnership({ answers, leadOfficer: 'lead@example.org' }), 'key-1');

    const ensured = double.requests.filter((r) => /\/ensureuser$/i.test(r.path));
    expect(MAX_PEOPLE_PER_WRITE).toBe(5);
    expect(ensured).toHaveLength(5);
    const { column } = storedItem(double, 'partnership-1');
    expect(column('LeadOfficer')).toBe(double.site.ensureUser('lead@example.org').Id);
    expect(column('RepresentativePeople')).toEqual(representatives.slice(0, 4).map((e) => double.site.ensureUser(e).Id));
    expect(lines).toContainEqual(expect.objectContaining({ level: 20, named: 8, skipped: 3 }));
    expect(JSON.stringify(lines)).not.toContain('@example.org');
  });

  it('does not log the email of someone ensureUser cannot find', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const { register } = await sharePoint.open({}, logger);

    await register.create(aPartnership({ leadOfficer: 'nobody@example.org' }), 'key-1');

    expect(lines).toContainEqual(expect.objectContaining({ partnershipId: 'partnership-1', msg: expect.stringContaining('ensureUser did not find') }));
    expect(JSON.stringify(lines)).not.toContain('nobody@example.org');
  });

  it('reads back an edit a person made in SharePoint, and refuses a bot update based on the item before it (412)', async () => {
    const { register, double } = await sharePoint.open();
    const created = await register.create(aPartnership({ answers: storedAnswers(proposalAnswers()) }), 'key-1');
    const { list, item } = storedItem(double, 'partnership-1');

    double.site.updateItem(list, item.id, { Status: 'Closed', Title: 'Riverside Health and Housing', DateFormed: '2026-05-01', NextReviewDue: '2027-01-31' }, '*');

    const edited = await register.get('partnership-1');
    expect(edited).toMatchObject({ status: 'closed', name: 'Riverside Health and Housing', nextReviewDue: '2027-01-31' });
    expect(edited?.answers).toMatchObject({ name: 'Riverside Health and Housing', dateFormed: '2026-05-01' });
    expect(edited?.etag).not.toBe(created.etag);
    await expect(register.update({ ...created, status: 'active' })).rejects.toBeInstanceOf(VersionConflictError);
    expect((await register.get('partnership-1'))?.status).toBe('closed');
  });

  it('reads dates right when the site is not on UTC', async () => {
    const double = await startSharePointDouble({ utcOffsetMinutes: 60 });
    try {
      const register = await provisionAndOpen(double);
      const created = await register.create(aPartnership({ nextReviewDue: '2026-07-01', answers: storedAnswers(proposalAnswers()) }), 'key-1');

      expect(double.site.list(REGISTER_LIST).items.get(1)?.values.get('NextReviewDue')).toBe('2026-06-30T23:00:00Z');
      expect(await register.get('partnership-1')).toEqual(created);
    } finally {
      await double.close();
    }
  });

  it('sends IF-MATCH with the etag it read, and a User-Agent naming the organisation and the app', async () => {
    const { register, double } = await sharePoint.open();
    const created = await register.create(aPartnership(), 'key-1');

    await register.update({ ...created, status: 'active' });

    const merge = double.requests.filter(isItemUpdate);
    expect(merge.map((r) => r.headers['if-match'])).toEqual([created.etag]);
    const agents = new Set(double.requests.map((r) => r.headers['user-agent']));
    expect([...agents]).toEqual([`NONISV|Riverside Borough Council|PartnershipRegister/${packageJson.version}`]);
  });

  it('stores every one of 200 creates exactly once while 30% of requests are throttled (429/503 with Retry-After)', async () => {
    const { register, double } = await sharePoint.open({ maxAttempts: 12 });
    double.injectFault({ rate: 0.15, status: 429, retryAfter: '1' });
    double.injectFault({ rate: 0.18, status: 503, retryAfter: '0' });

    const ids = Array.from({ length: 200 }, (_, i) => `p-${i}`);
    await Promise.all(ids.map((id, i) => register.create(aPartnership({ id, proposer: { id: 'user-busy', name: 'Busy' } }), `key-${i}`)));

    const sent = double.requests.length;
    double.clearFaults();
    const stored = [...double.site.list(REGISTER_LIST).items.values()].map((i) => i.values.get('PartnershipId'));
    expect(stored).toHaveLength(200);
    expect(new Set(stored)).toEqual(new Set(ids));
    expect((await register.listByProposer('user-busy')).length).toBe(200);
    // Each create asks for its key, then posts: 400 requests had there been no throttling.
    expect(sent - 400).toBeGreaterThan(100);
  });

  it('finds its own item when a create timed out after SharePoint had stored it', async () => {
    const { register, double } = await sharePoint.open({ timeoutMs: 150 });
    double.injectFault({ match: isItemCreate, afterApplying: true, delayMs: 400, times: 1 });

    const created = await register.create(aPartnership(), 'key-1');

    expect(double.requests.filter(isItemCreate)).toHaveLength(2);
    expect(double.site.list(REGISTER_LIST).items.size).toBe(1);
    expect(await register.get('partnership-1')).toEqual(created);
  });

  it('takes a 412 after a lost answer as its own update when the item holds exactly what it sent', async () => {
    const { register, double } = await sharePoint.open({ timeoutMs: 150 });
    const created = await register.create(aPartnership(), 'key-1');
    double.injectFault({ match: isItemUpdate, afterApplying: true, delayMs: 400, times: 1 });

    const approved = await register.update({ ...created, status: 'active' });

    expect(double.requests.filter(isItemUpdate)).toHaveLength(2);
    expect(approved.status).toBe('active');
    expect(await register.get('partnership-1')).toEqual(approved);
  });

  it('says the register is unavailable when SharePoint stays throttled', async () => {
    const { register, double } = await sharePoint.open({ maxAttempts: 3 });
    double.injectFault({ status: 503, retryAfter: '0' });

    await expect(register.get('partnership-1')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(register.get('partnership-1')).rejects.toBeInstanceOf(SharePointUnavailableError);
    expect(double.requests.length).toBe(6);
  });

  it('refuses to start on a site that was never provisioned, saying what to run', async () => {
    const double = await startSharePointDouble();
    try {
      await expect(openSharePointRegister(settingsFor(double))).rejects.toBeInstanceOf(RegisterNotProvisionedError);
      await expect(openSharePointRegister(settingsFor(double))).rejects.toThrow(/npm run provision/);
    } finally {
      await double.close();
    }
  });
});

describe('a register of 6,000 items (past the 5,000-item list view threshold)', () => {
  it('still answers every query, paging through long results', async () => {
    const { register, double } = await sharePoint.open();
    const template = await register.create(aPartnership({ id: 'template', answers: storedAnswers(proposalAnswers()) }), 'key-template');
    const list = double.site.list(REGISTER_LIST);
    const row = double.site.writable(list, list.items.get(1)!);
    const status = (i: number) => (i < 4700 ? 'Closed' : i < 5900 ? 'Active' : 'Awaiting approval');
    const proposerOf = (i: number) => (i % 10 === 0 ? 'user-prolific' : `user-${i}`);
    // Each copy's Bot record names its own id and proposer, sealed as the bot would have sealed it.
    const sealer = new RecordSeal(TEST_RECORD_KEY);
    const { seal: _seal, ...base } = JSON.parse(row.BotRecord as string);
    const botRecordOf = (i: number) => {
      const record = { ...base, id: `seeded-${i}`, proposer: { ...base.proposer, id: proposerOf(i) } };
      return JSON.stringify({ seal: sealer.seal(record), ...record });
    };
    double.site.seed(
      list,
      Array.from({ length: 6000 }, (_, i) => ({
        ...row,
        PartnershipId: `seeded-${i}`,
        IdempotencyKey: `seed-${i}`,
        ProposerId: proposerOf(i),
        Status: status(i),
        Reference: `PR-${2020 + (i % 6)}-${String(i).padStart(4, '0')}`,
        ReferenceYear: 2020 + (i % 6),
        BotRecord: botRecordOf(i),
      })),
    );
    expect(list.items.size).toBe(6001);

    expect(await register.get('seeded-5999')).toMatchObject({ id: 'seeded-5999', proposer: { id: 'user-5999' } });
    expect(await register.get('seeded-5999')).not.toHaveProperty('tampered');
    expect(await register.listByProposer('user-prolific')).toHaveLength(600);
    expect(await register.listByStatus('active')).toHaveLength(1200);
    expect((await register.listByStatus('proposed')).map((p) => p.id)).toContain('template');
    expect(await register.latestReference(2025)).toBe('PR-2025-5999');
    const approved = await register.update({ ...template, status: 'active', reference: 'PR-2026-001' });
    expect(await register.create(aPartnership({ id: 'new' }), 'key-new')).toMatchObject({ id: 'new' });
    expect(await register.get('template')).toEqual(approved);

    const itemsUrl = `${double.siteUrl}/_api/web/lists/getByTitle('${REGISTER_LIST}')/items`;
    const unindexed = await fetch(`${itemsUrl}?$filter=${encodeURIComponent("ProposerName eq 'Alice Adams'")}`, { headers: { Accept: 'application/json' } });
    expect(unindexed.status).toBe(500);
    expect(JSON.stringify(await unindexed.json())).toContain('SPQueryThrottledException');
  });
});

describe("the reminder sweep's question on a register of 6,000 items", () => {
  it('lists only what may be due, with a handful of indexed queries whatever the size of the register', async () => {
    const { register, double } = await sharePoint.open();
    const agreed = { at: '2025-01-01T00:00:00.000Z', state: 'yes' as const, link: 'https://example.org/a', documentType: 'terms-of-reference', gaps: [] };
    const quiet = { status: 'active' as const, agreement: agreed, nextReviewDue: '2030-01-01', answers: proposalAnswers({ proposedEndDate: '2035-01-01' }) };
    await register.create(aPartnership({ id: 'template', ...quiet }), 'key-template');
    const list = double.site.list(REGISTER_LIST);
    const row = double.site.writable(list, list.items.get(1)!);
    const sealer = new RecordSeal(TEST_RECORD_KEY);
    const { seal: _seal, ...base } = JSON.parse(row.BotRecord as string);
    double.site.seed(
      list,
      Array.from({ length: 6000 }, (_, i) => {
        const record = { ...base, id: `quiet-${i}` };
        return { ...row, PartnershipId: `quiet-${i}`, IdempotencyKey: `seed-${i}`, Reference: `PR-2024-${String(i).padStart(4, '0')}`, BotRecord: JSON.stringify({ seal: sealer.seal(record), ...record }) };
      }),
    );
    await register.create(aPartnership({ id: 'review', ...quiet, nextReviewDue: '2026-07-01' }), 'k1');
    await register.create(aPartnership({ id: 'agreement', ...quiet, agreement: undefined }), 'k2');
    await register.create(aPartnership({ id: 'ending', ...quiet, answers: proposalAnswers({ proposedEndDate: '2026-08-01' }) }), 'k3');
    await register.create(aPartnership({ id: 'leaving', ...quiet, representatives: [{ id: 'user-rep', name: 'Rep', until: '2026-06-20' }] }), 'k4');
    await register.create(aPartnership({ id: 'exiting', ...quiet, status: 'exiting' }), 'k5');
    await register.create(aPartnership({ id: 'closed', ...quiet, status: 'closed', agreement: undefined, nextReviewDue: '2026-01-01' }), 'k6');

    const before = double.requests.length;
    const due = await register.listDue({ reviewBy: '2026-07-15', endingBy: '2026-08-14', handoverBy: '2026-06-29' });
    const reads = double.requests.slice(before).filter((r) => r.method === 'GET' && /\/items$/i.test(r.path));

    expect(due.map((p) => p.id).sort()).toEqual(['agreement', 'ending', 'exiting', 'leaving', 'review']);
    // One page per question (a query meeting the threshold would have thrown): requests grow with what is due, not with the 6,000 quiet items.
    expect(reads).toHaveLength(5);
  });
});

describe('what the reminders write on a register item', () => {
  it('shows a reminder that could not be delivered, and whether its agreement is outstanding, in columns a person reads', async () => {
    const { register, double } = await sharePoint.open();
    const note = { at: '2026-03-31T08:00:00.000Z', kind: 'assessment', stage: 'escalation', due: '2026-03-01', recipient: 'approver-1', handedTo: 'owner-1' };
    await register.create(aPartnership({ id: 'noted', status: 'active', undeliveredReminders: [note] }), 'key-noted');

    const { column } = storedItem(double, 'noted');
    expect(column('RemindersUndelivered')).toBe('2026-03-31: assessment reminder (escalation, due 2026-03-01) not delivered to approver-1; sent to owner-1');
    expect(column('AgreementOutstanding')).toBe(true);
    expect((await register.get('noted'))?.undeliveredReminders).toEqual([note]);
  });
});
