import type { Journey } from '../../domain/journey';
import type { PartnershipStatus } from '../../domain/lifecycle';
import { CATEGORY_CHOICE, RECORD_TYPE_CHOICE, RECORD_TYPE_OTHER, STATUS_CHOICE } from './labels';
import type { Question, Questionnaire } from '../../domain/questionnaire';
import type { ScreeningOutcome } from '../../domain/screening';

/**
 * The two lists of DOMAIN 4 as data: their columns, indexes and views.
 * Provisioning creates them from this, and the register adapter reads and
 * writes by it, so they cannot drift apart. Every registration question gets a
 * column of its own (typed where people filter or sort, readable text for the
 * rest), derived from registration.json: a new question needs `npm run
 * provision`, not code.
 */

export type ColumnKind =
  | 'Text'
  | 'Note'
  | 'Choice'
  | 'MultiChoice'
  | 'DateOnly'
  | 'DateTime'
  | 'Currency'
  | 'Number'
  | 'Boolean'
  | 'User'
  | 'UserMulti'
  | 'URL'
  | 'Lookup';

export interface ColumnSpec {
  /** Internal name: what REST, $filter and CAML use. */
  readonly name: string;
  /** What a person browsing the list sees. */
  readonly title: string;
  readonly kind: ColumnKind;
  readonly description?: string;
  readonly indexed?: boolean;
  /** Unique columns must be indexed (SharePoint refuses otherwise). */
  readonly unique?: boolean;
  readonly choices?: readonly string[];
  /** For a Lookup: the title of the list it points at. */
  readonly lookupList?: string;
  /** The registration question whose answer it holds. */
  readonly question?: Question;
}

export interface ViewSpec {
  readonly title: string;
  /** CAML: <Where>, <OrderBy>, <GroupBy>. */
  readonly query: string;
  readonly fields: readonly string[];
  readonly rowLimit: number;
}

export interface ListSpec {
  readonly title: string;
  readonly description: string;
  /** The display name of the built-in Title column. */
  readonly titleColumn: string;
  readonly columns: readonly ColumnSpec[];
  readonly views: readonly ViewSpec[];
  /** Columns an earlier version made that get in the way: provisioning reports them (it never deletes). */
  readonly retired?: readonly RetiredColumn[];
}

export interface RetiredColumn {
  readonly name: string;
  /** Why it should go, and what to do. */
  readonly why: string;
}

/**
 * The earlier records schema had a Text column PartnershipId beside the
 * Partnership lookup, whose REST name is also PartnershipId: while both exist
 * the bot leaves the lookup empty.
 */
export const RECORDS_LOOKUP_CLASH = 'PartnershipId';

export interface RegisterSchema {
  readonly register: ListSpec;
  readonly records: ListSpec;
  readonly journey: Journey;
}

export const REGISTER_LIST = 'Partnership Register';
export const RECORDS_LIST = 'Partnership Records';
export const MAX_INDEXED_COLUMNS = 20;

/** The order the lifecycle runs in, so a Status filter lists them sensibly. */
export const STATUS_ORDER: readonly PartnershipStatus[] = ['proposed', 'changes-requested', 'active', 'exiting', 'closed', 'rejected'];

export const SCREENING_LABEL: Readonly<Record<ScreeningOutcome, string>> = {
  partnership: 'A partnership',
  possible: 'Possibly a partnership (approver to judge)',
  'not-a-partnership': 'Not a partnership',
};

/** Answers the reminder sweep filters on (the proposed end date): their columns are indexed. */
export const INDEXED_ANSWERS: ReadonlySet<string> = new Set(['proposedEndDate']);

/** Questions whose answer is a core column of the register rather than a column of its own. */
export const CORE_ANSWER_COLUMN: Readonly<Record<string, string>> = {
  name: 'Title',
  category: 'Category',
  leadOfficer: 'LeadOfficerName',
};

/**
 * 002: the register lists statutory partnerships first, then community-based,
 * then network groups and forums. SharePoint sorts and groups a Choice column
 * alphabetically, so each choice carries its rank ("1. Statutory").
 */
export function rankedChoices(question: Question | undefined): { value: string; label: string }[] {
  return (question?.choices ?? []).map((c, i) => ({ value: c.value, label: CATEGORY_CHOICE[c.value] ?? `${i + 1}. ${c.title}` }));
}

function questionById(questionnaire: Questionnaire, id: string): Question | undefined {
  return questionnaire.sections.flatMap((s) => s.questions).find((q) => q.id === id);
}

const BUILT_IN_NAMES = new Set(
  ['Title', 'ID', 'Id', 'Created', 'Modified', 'Author', 'Editor', 'Attachments', 'ContentType', 'ContentTypeId', 'Edit', 'LinkTitle', 'LinkTitleNoMenu', 'DocIcon', 'ItemChildCount', 'FolderChildCount', 'GUID', 'Order', 'FileRef', 'FileLeafRef', 'Version', 'Path', 'Comments'].map((n) => n.toLowerCase()),
);

function pascal(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

/** A short column title from a question's label: without its parenthetical hints. */
function titleOf(question: Question): string {
  const plain = question.label.replace(/\s*\([^)]*\)/g, '').replace(/\s+/g, ' ').trim();
  return plain.length > 80 ? `${plain.slice(0, 77)}...` : plain;
}

function answerColumn(question: Question, taken: Set<string>): ColumnSpec {
  let name = pascal(question.id).slice(0, 32);
  if (taken.has(name.toLowerCase()) || BUILT_IN_NAMES.has(name.toLowerCase())) name = `Answer${pascal(question.id)}`.slice(0, 32);
  taken.add(name.toLowerCase());
  const base = { name, title: titleOf(question), question, description: question.label, ...(INDEXED_ANSWERS.has(question.id) ? { indexed: true } : {}) };
  switch (question.type) {
    case 'text':
      return { ...base, kind: (question.maxLength ?? 200) <= 255 ? 'Text' : 'Note' };
    case 'longtext':
    case 'list':
    case 'rows':
    case 'checklist':
      return { ...base, kind: 'Note' };
    case 'yesno':
      return { ...base, kind: 'Boolean' };
    case 'choice':
      return { ...base, kind: 'Choice', choices: (question.choices ?? []).map((c) => c.title) };
    case 'multichoice':
      return { ...base, kind: 'MultiChoice', choices: (question.choices ?? []).map((c) => c.title) };
    case 'date':
      return { ...base, kind: 'DateOnly' };
    case 'amount':
      return { ...base, kind: 'Currency' };
    case 'url':
      return { ...base, kind: 'URL' };
    case 'score':
      // 002 Appendix 3's 1-4 scale: a number, so a view can sort and total it.
      return { ...base, kind: 'Number' };
    case 'email':
    case 'person':
      return { ...base, kind: 'Text' };
    case 'people':
      return { ...base, kind: 'Note' };
  }
}

function registerList(journey: Journey): ListSpec {
  const category = questionById(journey.registration, 'category');
  const core: ColumnSpec[] = [
    { name: 'Reference', title: 'Reference', kind: 'Text', indexed: true, unique: true, description: 'PR-YYYY-NNN, given on approval' },
    { name: 'Status', title: 'Status', kind: 'Choice', indexed: true, choices: STATUS_ORDER.map((s) => STATUS_CHOICE[s]) },
    { name: 'Category', title: 'Category', kind: 'Choice', indexed: true, choices: rankedChoices(category).map((c) => c.label), description: '002: statutory first, then community-based, then network groups and forums' },
    { name: 'Significant', title: 'Significant', kind: 'Boolean', indexed: true },
    { name: 'LeadOfficer', title: 'Lead officer', kind: 'User', indexed: true, description: 'Set when the lead officer was given as an email address of someone in the organisation' },
    { name: 'LeadOfficerName', title: 'Lead officer (as entered)', kind: 'Text' },
    { name: 'RepresentativePeople', title: 'Representatives', kind: 'UserMulti', description: 'Representatives given as email addresses of people in the organisation' },
    { name: 'NextReviewDue', title: 'Next review due', kind: 'DateOnly', indexed: true },
    { name: 'LastReviewed', title: 'Last reviewed', kind: 'DateOnly' },
    // The reminder sweep's indexed questions (Register.listDue): set by the bot from the entry on every write.
    { name: 'AgreementOutstanding', title: 'Agreement outstanding', kind: 'Boolean', indexed: true, description: 'Running, and no agreement recorded in full yet' },
    { name: 'RemindersUndelivered', title: 'Reminders not delivered', kind: 'Note', description: 'Reminders that could not reach their person, and who was told instead' },
    { name: 'RepresentativeEnds', title: 'A representative leaves on', kind: 'DateOnly', indexed: true, description: "The earliest representative's last day, while the partnership runs" },
    { name: 'LatestAssessmentScore', title: 'Latest assessment score', kind: 'Number' },
    { name: 'RiskScore', title: 'Risk score (likelihood x impact)', kind: 'Number' },
    { name: 'SignificanceReasons', title: 'Why significant', kind: 'Note' },
    { name: 'ScreeningOutcome', title: 'Screening outcome', kind: 'Choice', choices: Object.values(SCREENING_LABEL) },
    { name: 'ScreeningReasons', title: 'Screening reasons', kind: 'Note' },
    { name: 'ApprovedAt', title: 'Approved', kind: 'DateTime' },
    { name: 'ApprovalHistory', title: 'Decisions', kind: 'Note' },
    { name: 'SubmittedAt', title: 'Submitted', kind: 'DateTime' },
    { name: 'UpdatedAt', title: 'Last changed by the bot', kind: 'DateTime' },
    { name: 'ProposerId', title: 'Proposer id', kind: 'Text', indexed: true, description: 'Entra object id of the proposer' },
    { name: 'ProposerName', title: 'Proposer', kind: 'Text' },
    { name: 'AllAnswers', title: 'All answers', kind: 'Note', description: 'Every answer given, as the proposer saw the questions' },
    { name: 'ReferenceYear', title: 'Reference year', kind: 'Number', indexed: true },
    { name: 'PartnershipId', title: 'Bot id', kind: 'Text', indexed: true, unique: true },
    { name: 'DraftId', title: 'Draft id', kind: 'Text' },
    { name: 'IdempotencyKey', title: 'Write key', kind: 'Text', indexed: true, unique: true, description: 'Makes a retried create find the item it already made' },
    { name: 'BotRecord', title: 'Bot record (do not edit)', kind: 'Note', description: 'The full record as the bot keeps it; the columns above are what people read and edit' },
  ];
  const taken = new Set(core.map((c) => c.name.toLowerCase()));
  const answers = journey.registration.sections
    .flatMap((s) => s.questions)
    .filter((q) => !(q.id in CORE_ANSWER_COLUMN))
    .map((q) => answerColumn(q, taken));
  const columns = [...core, ...answers];
  const has = (name: string) => name === 'LinkTitle' || columns.some((c) => c.name === name);
  const view = (title: string, query: string, fields: string[]): ViewSpec => ({ title, query, fields: fields.filter(has), rowLimit: 100 });
  const status = (label: string) => `<Eq><FieldRef Name="Status" /><Value Type="Choice">${label}</Value></Eq>`;
  return {
    title: REGISTER_LIST,
    description: 'Every formal partnership the organisation is part of: one item per partnership. Kept by the Partnership Register bot.',
    titleColumn: 'Partnership',
    columns,
    views: [
      view(
        'Active by category',
        `<GroupBy Collapse="FALSE" GroupLimit="100"><FieldRef Name="Category" /></GroupBy><OrderBy><FieldRef Name="Title" /></OrderBy><Where>${status(STATUS_CHOICE.active)}</Where>`,
        ['LinkTitle', 'Reference', 'Category', 'LeadOfficer', 'Significant', 'AccountableBody', 'NextReviewDue', 'AgreementInPlace', 'FinancialContribution', 'LatestAssessmentScore'],
      ),
      view(
        'Reviews due',
        `<OrderBy><FieldRef Name="NextReviewDue" /></OrderBy><Where><And>${status(STATUS_CHOICE.active)}<Leq><FieldRef Name="NextReviewDue" /><Value Type="DateTime"><Today OffsetDays="30" /></Value></Leq></And></Where>`,
        ['LinkTitle', 'Reference', 'NextReviewDue', 'LastReviewed', 'LeadOfficer', 'Category', 'LatestAssessmentScore'],
      ),
      view(
        'Significant',
        `<OrderBy><FieldRef Name="Category" /><FieldRef Name="Title" /></OrderBy><Where><And><Eq><FieldRef Name="Significant" /><Value Type="Boolean">1</Value></Eq><And><Neq><FieldRef Name="Status" /><Value Type="Choice">${STATUS_CHOICE.closed}</Value></Neq><Neq><FieldRef Name="Status" /><Value Type="Choice">${STATUS_CHOICE.rejected}</Value></Neq></And></And></Where>`,
        ['LinkTitle', 'Reference', 'Category', 'Status', 'LeadOfficer', 'SignificanceReasons', 'FinancialContribution', 'RiskScore', 'NextReviewDue'],
      ),
      view(
        'Ended',
        `<OrderBy><FieldRef Name="ProposedEndDate" Ascending="FALSE" /></OrderBy><Where>${status(STATUS_CHOICE.closed)}</Where>`,
        ['LinkTitle', 'Reference', 'Category', 'DateFormed', 'ProposedEndDate', 'LeadOfficer'],
      ),
    ],
  };
}

/**
 * The Partnership Records list: one item per completed form (Records port).
 * Every record is readable in its columns; the whole record is kept in
 * BotRecord for an exact read-back. The entry's bot id has a column of its own
 * (PartnershipBotId, indexed: `listFor` filters on it) because the lookup
 * column Partnership already answers to "PartnershipId" in REST.
 */
function recordsList(): ListSpec {
  return {
    title: RECORDS_LIST,
    description: 'Assessments, evaluations, handovers and decisions, each linked to its partnership in the Partnership Register.',
    titleColumn: 'Record',
    columns: [
      { name: 'Partnership', title: 'Partnership', kind: 'Lookup', lookupList: REGISTER_LIST, indexed: true },
      { name: 'PartnershipBotId', title: 'Partnership (bot id)', kind: 'Text', indexed: true, description: "The register entry's bot id" },
      { name: 'Reference', title: 'Reference', kind: 'Text', description: "The register entry's reference when the record was made" },
      { name: 'RecordType', title: 'Type', kind: 'Choice', indexed: true, choices: [...Object.values(RECORD_TYPE_CHOICE), RECORD_TYPE_OTHER] },
      { name: 'RecordedAt', title: 'Recorded', kind: 'DateTime', indexed: true },
      { name: 'RecordedBy', title: 'Recorded by', kind: 'Text' },
      { name: 'RecordedById', title: 'Recorded by (id)', kind: 'Text', description: 'Entra object id of the person who completed it' },
      { name: 'Summary', title: 'Summary', kind: 'Note' },
      { name: 'Score', title: 'Score', kind: 'Number', description: 'The average score of an assessment' },
      { name: 'Decision', title: 'Decision', kind: 'Text' },
      { name: 'Details', title: 'Answers', kind: 'Note', description: 'Every answer given, as the person saw the questions' },
      { name: 'RecordId', title: 'Record id', kind: 'Text', indexed: true, unique: true },
      { name: 'IdempotencyKey', title: 'Write key', kind: 'Text', indexed: true, unique: true, description: 'Makes a retried write find the item it already made' },
      { name: 'BotRecord', title: 'Bot record (do not edit)', kind: 'Note', description: 'The full record as the bot keeps it; the columns above are what people read' },
    ],
    views: [
      {
        title: 'By partnership',
        query: '<GroupBy Collapse="FALSE" GroupLimit="100"><FieldRef Name="Partnership" /></GroupBy><OrderBy><FieldRef Name="RecordedAt" Ascending="FALSE" /></OrderBy>',
        fields: ['LinkTitle', 'Partnership', 'Reference', 'RecordType', 'RecordedAt', 'RecordedBy', 'Summary', 'Score', 'Decision'],
        rowLimit: 100,
      },
    ],
    retired: [
      {
        name: RECORDS_LOOKUP_CLASH,
        why: `left by an earlier version; it has the REST name of the Partnership lookup, so the bot leaves that lookup empty while it exists. The bot never wrote it (the entry's id is in "Partnership (bot id)"): delete it in the list settings.`,
      },
    ],
  };
}

export function buildRegisterSchema(journey: Journey): RegisterSchema {
  const schema = { register: registerList(journey), records: recordsList(), journey };
  for (const list of [schema.register, schema.records]) {
    const indexed = list.columns.filter((c) => c.indexed).length;
    if (indexed > MAX_INDEXED_COLUMNS) throw new Error(`${list.title}: ${indexed} indexed columns, SharePoint allows ${MAX_INDEXED_COLUMNS}`);
    const bad = list.columns.find((c) => c.unique && !c.indexed);
    if (bad) throw new Error(`${list.title}: unique column ${bad.name} must be indexed`);
  }
  return schema;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const SCHEMA_TYPE: Readonly<Record<ColumnKind, string>> = {
  Text: 'Text',
  Note: 'Note',
  Choice: 'Choice',
  MultiChoice: 'MultiChoice',
  DateOnly: 'DateTime',
  DateTime: 'DateTime',
  Currency: 'Currency',
  Number: 'Number',
  Boolean: 'Boolean',
  User: 'User',
  UserMulti: 'UserMulti',
  URL: 'URL',
  Lookup: 'Lookup',
};

/** What SharePoint reports as a column's TypeAsString. */
export function typeAsString(kind: ColumnKind): string {
  return SCHEMA_TYPE[kind];
}

/** The Field element createfieldasxml takes; `lookupListId` is the target list's id for a Lookup. */
export function fieldSchemaXml(column: ColumnSpec, lookupListId?: string): string {
  const attrs: Record<string, string> = {
    Type: SCHEMA_TYPE[column.kind],
    Name: column.name,
    StaticName: column.name,
    DisplayName: column.title,
    Required: 'FALSE',
  };
  if (column.description) attrs.Description = column.description;
  if (column.indexed) attrs.Indexed = 'TRUE';
  if (column.unique) attrs.EnforceUniqueValues = 'TRUE';
  switch (column.kind) {
    case 'Text':
      attrs.MaxLength = '255';
      break;
    case 'Note':
      Object.assign(attrs, { RichText: 'FALSE', NumLines: '6', AppendOnly: 'FALSE' });
      break;
    case 'Choice':
    case 'MultiChoice':
      Object.assign(attrs, { FillInChoice: 'FALSE', Format: 'Dropdown' });
      break;
    case 'DateOnly':
      attrs.Format = 'DateOnly';
      break;
    case 'DateTime':
      attrs.Format = 'DateTime';
      break;
    case 'Currency':
      Object.assign(attrs, { LCID: '2057', Decimals: '2' });
      break;
    case 'URL':
      attrs.Format = 'Hyperlink';
      break;
    case 'User':
      attrs.UserSelectionMode = 'PeopleOnly';
      break;
    case 'UserMulti':
      Object.assign(attrs, { UserSelectionMode: 'PeopleOnly', Mult: 'TRUE' });
      break;
    case 'Lookup':
      Object.assign(attrs, { List: `{${lookupListId ?? ''}}`, ShowField: 'Title' });
      break;
    default:
      break;
  }
  const open = Object.entries(attrs)
    .map(([k, v]) => `${k}="${escapeXml(v)}"`)
    .join(' ');
  const choices = column.choices ? `<CHOICES>${column.choices.map((c) => `<CHOICE>${escapeXml(c)}</CHOICE>`).join('')}</CHOICES>` : '';
  return `<Field ${open}>${choices}</Field>`;
}
