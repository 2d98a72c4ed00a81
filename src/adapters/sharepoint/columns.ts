import type { PartnershipStatus } from '../../domain/lifecycle';
import { screeningReasonText, significanceReasonTexts } from '../../views/catalogue';
import { STATUS_CHOICE } from './labels';
import { displayAnswer, parseAmount, parseIsoDate, type Question, type RawAnswers } from '../../domain/questionnaire';
import { answersText, decisionsText, emailOf, referenceYear, representativesOf, riskScore } from './item-text';
import type { NewPartnership, Partnership } from '../../domain/records';
import { nextRepresentativeEnd } from '../../domain/reminders';
import type { RecordSeal } from './record-seal';
import { CORE_ANSWER_COLUMN, SCREENING_LABEL, rankedChoices, type ColumnKind, type ColumnSpec, type RegisterSchema } from './schema';

/**
 * How a register record becomes the columns of a list item and back.
 *
 * Writing: every column is written from the record; the whole record also goes
 * in BotRecord, so what the bot wrote reads back exactly, with a seal over the
 * fields that authorise (see record-seal.ts): `{"seal":"v1.…", ...record}`.
 * Reading: BotRecord is the base; when its seal is missing or does not verify
 * (someone edited who may decide, or the item was made by hand) the record is
 * returned as read, marked `tampered`, and the use cases refuse decisions on it.
 * A record the bot read as tampered is written back unsealed, so it stays
 * tampered: only a write of a record cleared of `tampered` on purpose seals it.
 * Then each column a person can edit in
 * SharePoint is compared with what the bot would have written from that base,
 * and where they differ the person's edit wins (DOMAIN 4: the register is the
 * source of truth). Columns the bot derives (proposer, reasons, all answers,
 * decisions) are written, never read back.
 */

export type ItemValues = Record<string, unknown>;

/** People resolved through ensureUser: site user ids by lower-cased email. */
export type PeopleIds = ReadonlyMap<string, number>;


type Canon = string | number | boolean | null;

/** Nearest UTC midnight: a date-only column comes back as midnight in the site's time zone, in UTC. */
function undeliveredText(r: NewPartnership): string | null {
  const lines = (r.undeliveredReminders ?? []).map((n) => `${n.at.slice(0, 10)}: ${n.kind} reminder (${n.stage}, due ${n.due}) not delivered to ${n.recipient}${n.handedTo ? `; sent to ${n.handedTo}` : '; no one left to send it to'}`);
  return lines.length > 0 ? lines.join('\n') : null;
}

const running = (r: NewPartnership): boolean => r.status === 'active' || r.status === 'exiting';

function dateOnlyOf(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  if (parseIsoDate(value)) return value;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return null;
  const day = 86_400_000;
  return new Date(Math.round(ms / day) * day).toISOString().slice(0, 10);
}

function canon(kind: ColumnKind, value: unknown): Canon {
  if (value === undefined || value === null || value === '') return kind === 'Boolean' ? false : null;
  switch (kind) {
    case 'Boolean':
      return value === true;
    case 'DateOnly':
      return dateOnlyOf(value);
    case 'DateTime': {
      const ms = Date.parse(String(value));
      return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
    }
    case 'Currency':
    case 'Number':
      return typeof value === 'number' ? value : Number(value);
    case 'MultiChoice': {
      const list = Array.isArray(value) ? value : ((value as { results?: unknown[] }).results ?? []);
      return list.length === 0 ? null : list.map(String).join('\n');
    }
    case 'URL':
      return (value as { Url?: string }).Url ?? null;
    default:
      return String(value);
  }
}

function label(question: Question | undefined, value: string): string {
  return question?.choices?.find((c) => c.value === value)?.title ?? value;
}

function valueOf(question: Question | undefined, title: string): string {
  return question?.choices?.find((c) => c.title === title)?.value ?? title;
}

/** An answer as its column holds it; null when unanswered or not storable in that type. */
function encodeAnswer(column: ColumnSpec, raw: string | undefined): unknown {
  const value = (raw ?? '').trim();
  if (value === '') return null;
  const q = column.question;
  switch (column.kind) {
    case 'Boolean':
      return value === 'yes' ? true : value === 'no' ? false : null;
    case 'Choice':
      return label(q, value);
    case 'MultiChoice':
      return value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0)
        .map((v) => label(q, v));
    case 'DateOnly':
      return parseIsoDate(value) ?? null;
    case 'Currency':
      return parseAmount(value) ?? null;
    case 'Number': {
      const n = Number(value.replace(/,/g, ''));
      return Number.isFinite(n) ? n : null;
    }
    case 'URL':
      // A hyperlink column holds 255 characters at most; a longer link stays readable in All answers.
      return /^https?:\/\/\S+$/i.test(value) && value.length <= 255 ? { Url: value, Description: value.slice(0, 255) } : null;
    case 'Text':
      return value.slice(0, 255);
    default:
      return value;
  }
}

/** A column value a person set, as the raw answer a card would have submitted. */
function decodeAnswer(column: ColumnSpec, value: unknown): string | undefined {
  const c = canon(column.kind, value);
  if (c === null) return undefined;
  const q = column.question;
  switch (column.kind) {
    case 'Boolean':
      return c === true ? 'yes' : 'no';
    case 'Choice':
      return valueOf(q, String(c));
    case 'MultiChoice':
      return String(c)
        .split('\n')
        .map((t) => valueOf(q, t))
        .join(',');
    default:
      return String(c);
  }
}

interface Binding {
  readonly column: ColumnSpec;
  write(record: NewPartnership): unknown;
  /** Applies a person's edit of this column; absent for columns the bot only derives. */
  read?(record: NewPartnership, value: unknown): NewPartnership;
}

function withAnswer(record: NewPartnership, id: string, raw: string | undefined): NewPartnership {
  const answers: Record<string, string> = { ...record.answers };
  if (raw === undefined) delete answers[id];
  else answers[id] = raw;
  return { ...record, answers };
}

/** A core field that mirrors an answer (name, category, lead officer): an edit changes both. */
function mirrored(record: NewPartnership, id: string, raw: string | undefined): RawAnswers {
  if (!(id in record.answers)) return record.answers;
  return withAnswer(record, id, raw).answers;
}

export class ItemMapper {
  private readonly bindings: Binding[];
  private readonly columns: ReadonlyMap<string, ColumnSpec>;
  /** Columns the list really has (checked at start); the others are skipped, the record keeps their data. */
  private present: ReadonlySet<string>;

  constructor(
    private readonly schema: RegisterSchema,
    private readonly sealer: RecordSeal,
  ) {
    this.columns = new Map(schema.register.columns.map((c) => [c.name, c]));
    this.present = new Set(this.columns.keys());
    this.bindings = this.buildBindings();
  }

  usePresentColumns(names: ReadonlySet<string>): void {
    this.present = names;
  }

  private col(name: string): ColumnSpec {
    if (name === 'Title') return { name: 'Title', title: this.schema.register.titleColumn, kind: 'Text' };
    const found = this.columns.get(name);
    if (!found) throw new Error(`no column ${name} in the register schema`);
    return found;
  }

  private buildBindings(): Binding[] {
    const category = this.schema.journey.registration.sections.flatMap((s) => s.questions).find((q) => q.id === 'category');
    const ranked = rankedChoices(category);
    const statusOf = (text: string) => (Object.keys(STATUS_CHOICE) as PartnershipStatus[]).find((s) => STATUS_CHOICE[s] === text);
    const core: Binding[] = [
      {
        column: this.col('Title'),
        write: (r) => r.name.slice(0, 255),
        read: (r, v) => ({ ...r, name: String(v ?? ''), answers: mirrored(r, 'name', v ? String(v) : undefined) }),
      },
      {
        column: this.col('Reference'),
        write: (r) => r.reference ?? null,
        read: (r, v) => {
          const { reference: _old, ...rest } = r;
          return v ? { ...rest, reference: String(v) } : rest;
        },
      },
      {
        column: this.col('Status'),
        write: (r) => STATUS_CHOICE[r.status],
        read: (r, v) => {
          const status = statusOf(String(v ?? ''));
          return status ? { ...r, status } : r;
        },
      },
      {
        column: this.col('Category'),
        write: (r) => ranked.find((c) => c.value === r.category)?.label ?? (r.category || null),
        read: (r, v) => {
          const value = ranked.find((c) => c.label === v)?.value ?? String(v ?? '');
          return { ...r, category: value, answers: mirrored(r, 'category', value || undefined) };
        },
      },
      { column: this.col('Significant'), write: (r) => r.significant, read: (r, v) => ({ ...r, significant: v === true }) },
      {
        column: this.col('LeadOfficerName'),
        write: (r) => r.leadOfficer.slice(0, 255) || null,
        read: (r, v) => ({ ...r, leadOfficer: String(v ?? ''), answers: mirrored(r, 'leadOfficer', v ? String(v) : undefined) }),
      },
      {
        column: this.col('NextReviewDue'),
        write: (r) => (r.nextReviewDue ? (parseIsoDate(r.nextReviewDue) ?? null) : null),
        read: (r, v) => {
          const { nextReviewDue: _old, ...rest } = r;
          const date = dateOnlyOf(v);
          return date ? { ...rest, nextReviewDue: date } : rest;
        },
      },
      { column: this.col('AgreementOutstanding'), write: (r) => running(r) && r.agreement?.state !== 'yes' },
      { column: this.col('RemindersUndelivered'), write: (r) => undeliveredText(r) },
      { column: this.col('RepresentativeEnds'), write: (r) => (running(r) ? (nextRepresentativeEnd(r) ?? null) : null) },
      { column: this.col('ProposerId'), write: (r) => r.proposer.id },
      { column: this.col('ProposerName'), write: (r) => r.proposer.name.slice(0, 255) },
      { column: this.col('SubmittedAt'), write: (r) => r.submittedAt },
      { column: this.col('UpdatedAt'), write: (r) => r.updatedAt },
      { column: this.col('ApprovedAt'), write: (r) => r.approvedAt ?? null },
      { column: this.col('DraftId'), write: (r) => r.draftId },
      { column: this.col('PartnershipId'), write: (r) => r.id },
      { column: this.col('ScreeningOutcome'), write: (r) => SCREENING_LABEL[r.screening.outcome] ?? null },
      { column: this.col('ScreeningReasons'), write: (r) => r.screening.reasons.map(screeningReasonText).join('\n') || null },
      { column: this.col('SignificanceReasons'), write: (r) => significanceReasonTexts(this.schema.journey, r.significance).join('\n') || null },
      { column: this.col('ApprovalHistory'), write: (r) => decisionsText(r) },
      { column: this.col('RiskScore'), write: (r) => riskScore(r.answers) },
      { column: this.col('ReferenceYear'), write: (r) => referenceYear(r.reference) },
      { column: this.col('AllAnswers'), write: (r) => this.allAnswers(r.answers, r.people) },
      { column: this.col('BotRecord'), write: (r) => this.botRecord(r) },
    ];
    const answers: Binding[] = this.schema.register.columns
      .filter((c) => c.question)
      .map((column) => {
        const id = column.question!.id;
        // Rows read as text in the list; the bot record keeps them, so an edit of that text is not read back.
        if (column.question!.type === 'rows') return { column, write: (r: NewPartnership) => displayAnswer(column.question!, r.answers[id], r.people) || null, read: (r: NewPartnership) => r };
        return {
          column,
          write: (r: NewPartnership) => encodeAnswer(column, r.answers[id]),
          read: (r: NewPartnership, v: unknown) => withAnswer(r, id, decodeAnswer(column, v)),
        };
      });
    return [...core, ...answers];
  }

  /** Every answer, labelled as the person saw the question, questionnaire by questionnaire. */
  private allAnswers(answers: RawAnswers, people: NewPartnership['people']): string | null {
    const { screening, significance, registration } = this.schema.journey;
    return answersText(
      [screening, significance, registration].map((q) => ({ title: q.title, questions: q.sections.flatMap((section) => section.questions) })),
      answers,
      'Other answers',
      people,
    );
  }

  /** Names of the columns to $select: the ones the list has. */
  selectNames(): string[] {
    const names = ['ID', ...this.bindings.map((b) => b.column.name).filter((n) => this.isPresent(n))];
    return this.present.has('LeadOfficer') ? [...names, 'LeadOfficer/EMail'] : names;
  }

  private isPresent(name: string): boolean {
    return name === 'Title' || this.present.has(name);
  }

  /** The item's properties for a create or update; people resolved to site user ids where they could be. */
  toItem(record: NewPartnership, people: PeopleIds): ItemValues {
    const item: ItemValues = {};
    for (const b of this.bindings) {
      if (this.isPresent(b.column.name)) item[b.column.name] = b.write(record);
    }
    if (this.present.has('LeadOfficer')) {
      const lead = emailOf(record.lead?.email ?? record.leadOfficer);
      item.LeadOfficerId = (lead && people.get(lead)) ?? null;
    }
    if (this.present.has('RepresentativePeople')) {
      item.RepresentativePeopleId = representativesOf(record)
        .map((e) => people.get(e))
        .filter((id): id is number => id !== undefined);
    }
    return item;
  }

  /** The whole record as JSON, sealed unless it was read as tampered; neither its etag nor the tampered flag is kept. */
  private botRecord(record: NewPartnership): string {
    const { etag: _etag, tampered, ...rest } = record as Partnership;
    return JSON.stringify(tampered === true ? rest : { seal: this.sealer.seal(rest), ...rest });
  }

  /**
   * The record an item holds: BotRecord, with every edit a person made in
   * SharePoint applied; `tampered: true` when its seal is missing or does not
   * verify, or it names another item's id than the item's Bot id column.
   */
  fromItem(item: ItemValues): NewPartnership {
    const stored = parseBotRecord(item.BotRecord);
    const sealed =
      stored !== undefined &&
      this.sealer.verifies(stored.record, stored.seal) &&
      (!('PartnershipId' in item) || item.PartnershipId === stored.record.id);
    let record = stored?.record;
    const skeleton = record === undefined;
    record ??= this.skeletonOf(item);
    for (const b of this.bindings) {
      if (!b.read || !this.isPresent(b.column.name) || !(b.column.name in item)) continue;
      const kind = b.column.kind;
      if (skeleton || canon(kind, b.write(record)) !== canon(kind, item[b.column.name])) record = b.read(record, item[b.column.name]);
    }
    const chosen = (item.LeadOfficer as { EMail?: string } | null | undefined)?.EMail?.toLowerCase();
    const written = emailOf(record.leadOfficer);
    if (chosen && chosen !== written) {
      record = { ...record, leadOfficer: chosen, answers: mirrored(record, 'leadOfficer', chosen) };
    }
    return sealed ? record : { ...record, tampered: true };
  }

  /** An item whose BotRecord is missing or unreadable (made or damaged by hand): what its columns say. */
  private skeletonOf(item: ItemValues): NewPartnership {
    const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : '');
    const outcome = (Object.keys(SCREENING_LABEL) as (keyof typeof SCREENING_LABEL)[]).find((k) => SCREENING_LABEL[k] === item.ScreeningOutcome);
    const lines = (name: string) => text(name).split('\n').filter((l) => l.trim() !== '');
    return {
      id: text('PartnershipId') || `sharepoint-${String(item.ID)}`,
      name: '',
      status: 'proposed',
      category: '',
      proposer: { id: text('ProposerId'), name: text('ProposerName') },
      leadOfficer: '',
      significant: false,
      screening: { outcome: outcome ?? 'possible', reasons: lines('ScreeningReasons') },
      significance: { significant: item.Significant === true, reasons: lines('SignificanceReasons') },
      answers: {},
      draftId: text('DraftId'),
      submittedAt: text('SubmittedAt'),
      updatedAt: text('UpdatedAt') || text('SubmittedAt'),
    };
  }
}

/** BotRecord's record and seal; a `tampered` member someone typed in is dropped (only the seal decides). */
function parseBotRecord(value: unknown): { record: NewPartnership; seal: unknown } | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    const parsed = JSON.parse(value) as (NewPartnership & { seal?: unknown }) | null;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || typeof parsed.id !== 'string') return undefined;
    const { seal, tampered: _ignored, ...record } = parsed;
    return { record, seal };
  } catch {
    return undefined;
  }
}

