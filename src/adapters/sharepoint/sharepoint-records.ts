import { createHash } from 'node:crypto';
import { DuplicateError } from '../../domain/errors';
import type { FlowDefinition } from '../../domain/flow';
import type { PartnershipRecord } from '../../domain/records';
import type { Logger } from '../../logger';
import type { Records } from '../../ports/records';
import type { SPFI } from './client';
import type { ItemValues } from './columns';
import { answersText } from './item-text';
import { RECORD_TYPE_CHOICE, recordTypeLabel } from './labels';
import { WholeRecordSeal } from './record-seal';
import { RECORDS_LIST, RECORDS_LOOKUP_CLASH, REGISTER_LIST, type ColumnSpec, type RegisterSchema } from './schema';
import { RegisterNotProvisionedError } from './sharepoint-register';
import { allItems, firstItem } from './queries';
import { checkedOnce, failureOf, guardedCall, isDuplicateValue, unavailableOr, type SharePointFailure } from './sp-errors';

/**
 * The Records port on the Partnership Records list: one item per completed form.
 * - Every column is written for people to read (type, entry, reference, who,
 *   when, summary, score, decision, every answer labelled); the whole record
 *   goes in BotRecord, sealed with REGISTER_RECORD_KEY, and is what reads back,
 *   exactly. Records are never changed once added: an item whose seal no
 *   longer verifies (someone edited it in SharePoint) is logged at error once
 *   and returned as it now stands; an item made by hand (no Bot record) is
 *   read from its columns.
 * - `add` asks for its idempotency key (IdempotencyKey, indexed and unique)
 *   before inserting; a retry after a lost answer, or the same completion
 *   arriving twice at once, meets SharePoint's duplicate refusal (a 500,
 *   SPDuplicateValuesFoundException) and returns the item already stored.
 *   RecordId is unique too: another key with a record id already taken is a
 *   DuplicateError.
 * - `listFor` filters on PartnershipBotId (indexed) and pages, so it keeps
 *   working past SharePoint's 5,000-item list view threshold; it sorts oldest
 *   first itself (by `at`, then by the order they were added).
 * - The Partnership lookup is filled when the entry is already an item of the
 *   register (the list's "By partnership" view groups by it); when it is not
 *   (yet), the record is added without it. A list provisioned by an earlier
 *   version has a Text column PartnershipId, the lookup's REST name: while it
 *   exists the lookup is left empty (provisioning reports it).
 */

const PAGE_SIZE = 500;
/** A Text column holds 255 characters. */
const TEXT_MAX = 255;
/** Items already logged as failing their integrity check; forgotten beyond this many. */
const FLAGGED_LIMIT = 10_000;

interface Found {
  readonly itemId: number;
  readonly record: PartnershipRecord;
}

interface ProvisionedField {
  readonly InternalName: string;
  readonly Indexed?: boolean;
  readonly EnforceUniqueValues?: boolean;
}

/** The columns `add` and `listFor` filter on: without their index a query fails past 5,000 items. */
const FILTERED = new Set(['PartnershipBotId', 'IdempotencyKey', 'RecordId']);

export interface SharePointRecordsOptions {
  /** The key of the Bot record seal (REGISTER_RECORD_KEY). */
  readonly recordKey: string;
  readonly logger?: Logger;
  readonly pageSize?: number;
  /** The forms, by id: their questions label the answers in the Answers column. */
  readonly flows?: ReadonlyMap<string, FlowDefinition>;
}

/** What records over the same list share, whichever client (retry policy) each uses. */
export interface SharedRecordsState {
  readonly seal: WholeRecordSeal;
  /** Items whose failed integrity check was logged: logged once each. */
  readonly flagged: Set<number>;
  /** False while the list still has the earlier version's column that clashes with the Partnership lookup. */
  fillLookup?: boolean;
  ready?: Promise<void>;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A key or id as its Text column holds it: itself, or a digest when it is longer than the column. */
export function columnKey(value: string): string {
  return value.length <= TEXT_MAX ? value : `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** What a record is once stored: JSON, so undefined members are gone, as they are when read back. */
function asStored(record: PartnershipRecord): PartnershipRecord {
  return JSON.parse(JSON.stringify(record)) as PartnershipRecord;
}

function isRecord(value: unknown): value is PartnershipRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.id === 'string' && typeof r.subjectId === 'string' && typeof r.at === 'string' && typeof r.kind === 'string';
}

function columnLabel(column: ColumnSpec): string {
  return column.title === column.name ? `"${column.title}"` : `"${column.title}" (${column.name})`;
}

export class SharePointRecords implements Records {
  private readonly shared: SharedRecordsState;
  private readonly logger?: Logger;
  private readonly pageSize: number;

  constructor(
    private readonly sp: SPFI,
    private readonly schema: RegisterSchema,
    private readonly options: SharePointRecordsOptions,
    shared?: SharedRecordsState,
  ) {
    this.logger = options.logger;
    this.pageSize = options.pageSize ?? PAGE_SIZE;
    this.shared = shared ?? { seal: new WholeRecordSeal(options.recordKey), flagged: new Set() };
  }

  /** The same records over another client (another retry policy), sharing the start-up check and the integrity log. */
  withClient(sp: SPFI): SharePointRecords {
    return new SharePointRecords(sp, this.schema, this.options, this.shared);
  }

  private get items() {
    return this.sp.web.lists.getByTitle(RECORDS_LIST).items;
  }

  /**
   * Checks once that the list and every column of it exist, and that the
   * write key and record id still enforce unique values (exactly-once adds
   * rest on them), so a missing provisioning fails at start-up, naming
   * `npm run provision`, not in someone's chat.
   */
  async checkProvisioned(): Promise<void> {
    let fields: ProvisionedField[];
    try {
      fields = await this.sp.web.lists.getByTitle(RECORDS_LIST).fields.select('InternalName', 'Indexed', 'EnforceUniqueValues')<ProvisionedField[]>();
    } catch (err) {
      const failure = await failureOf(err);
      if (failure?.status === 404) throw new RegisterNotProvisionedError(`The site has no list called "${RECORDS_LIST}".`);
      throw await this.translate(err, failure);
    }
    const byName = new Map(fields.map((f) => [f.InternalName, f]));
    const expected = this.schema.records.columns;
    const missing = expected.filter((c) => !byName.has(c.name)).map((c) => c.name);
    if (missing.length > 0) throw new RegisterNotProvisionedError(`The "${RECORDS_LIST}" list lacks the columns ${missing.join(', ')}.`);
    for (const column of expected.filter((c) => c.unique)) {
      const found = byName.get(column.name);
      const lost = [found?.EnforceUniqueValues === true ? '' : 'enforces unique values', found?.Indexed === true ? '' : 'is indexed'].filter((w) => w !== '');
      if (lost.length > 0) {
        throw new RegisterNotProvisionedError(
          `The ${columnLabel(column)} column of "${RECORDS_LIST}" no longer ${lost.join(' or ')} (someone changed the list settings).`,
          'Run `npm run provision` to put it back.',
        );
      }
    }
    const unindexed = expected.filter((c) => FILTERED.has(c.name) && !c.unique && byName.get(c.name)?.Indexed !== true).map((c) => c.name);
    if (unindexed.length > 0) {
      this.logger?.warn({ columns: unindexed, list: RECORDS_LIST }, 'records columns no longer indexed: past 5,000 records their queries fail; run npm run provision');
    }
    this.shared.fillLookup = !byName.has(RECORDS_LOOKUP_CLASH);
    if (!this.shared.fillLookup) {
      this.logger?.warn({ column: RECORDS_LOOKUP_CLASH, list: RECORDS_LIST }, 'records list has a column left by an earlier version that clashes with the Partnership lookup: the lookup is left empty until it is deleted');
    }
    this.shared.ready = Promise.resolve();
  }

  private prepared(): Promise<void> {
    return checkedOnce(this.shared, () => this.checkProvisioned());
  }

  async add(record: PartnershipRecord, idempotencyKey: string): Promise<PartnershipRecord> {
    await this.prepared();
    return this.guarded(async () => {
      const key = columnKey(idempotencyKey);
      const earlier = await this.findOne(`IdempotencyKey eq ${literal(key)}`);
      if (earlier) return earlier.record;
      const stored = asStored(record);
      const values: ItemValues = { ...this.toItem(stored), IdempotencyKey: key };
      const entryItem = this.shared.fillLookup === false ? undefined : await this.registerItemOf(stored.subjectId);
      // The lookup's REST name: a lookup column is written as <name>Id.
      if (entryItem !== undefined) values.PartnershipId = entryItem;
      try {
        await this.items.add(values);
      } catch (err) {
        const failure = await failureOf(err);
        if (!isDuplicateValue(failure)) throw err;
        // Our own earlier attempt (a retry after a lost answer, or the same completion at the same moment).
        const again = await this.findOne(`IdempotencyKey eq ${literal(key)}`);
        if (again) return again.record;
        throw new DuplicateError('record', `id ${record.id}`);
      }
      return structuredClone(stored);
    });
  }

  async listFor(subjectId: string): Promise<PartnershipRecord[]> {
    await this.prepared();
    return this.guarded(async () => {
      const found = await this.findAll(`PartnershipBotId eq ${literal(columnKey(subjectId))}`);
      // The column is case-insensitive and anyone with Edit rights can change it: the subject is the record's own.
      return found
        .filter((f) => f.record.subjectId === subjectId)
        .sort((x, y) => (x.record.at !== y.record.at ? (x.record.at < y.record.at ? -1 : 1) : x.itemId - y.itemId))
        .map((f) => f.record);
    });
  }

  /** The columns of a record, for people to read. */
  private toItem(record: PartnershipRecord): ItemValues {
    const type = recordTypeLabel(record.kind);
    const at = Number.isFinite(Date.parse(record.at)) ? record.at : null;
    return {
      Title: [type, record.reference].filter((t) => t).join(' ').slice(0, TEXT_MAX),
      PartnershipBotId: columnKey(record.subjectId),
      Reference: record.reference?.slice(0, TEXT_MAX) || null,
      RecordType: type,
      RecordedAt: at,
      RecordedBy: record.by.name.slice(0, TEXT_MAX) || null,
      RecordedById: record.by.id.slice(0, TEXT_MAX) || null,
      Summary: record.summary || null,
      Score: typeof record.score === 'number' && Number.isFinite(record.score) ? record.score : null,
      Decision: record.decision?.slice(0, TEXT_MAX) || null,
      Details: this.answersOf(record),
      RecordId: columnKey(record.id),
      BotRecord: JSON.stringify({ seal: this.shared.seal.seal(record), ...record }),
    };
  }

  /** Every answer, labelled as the person saw the question, section by section; answers the form no longer asks, by id. */
  private answersOf(record: PartnershipRecord): string | null {
    const flow = this.options.flows?.get(record.flowId);
    return answersText(flow?.questionnaires.flatMap((q) => q.sections) ?? [], record.answers ?? {}, flow ? 'Other answers' : '');
  }

  /** The register item of the entry, for the Partnership lookup; undefined when it is not in the register (yet). */
  private async registerItemOf(subjectId: string): Promise<number | undefined> {
    try {
      const found = await this.sp.web.lists
        .getByTitle(REGISTER_LIST)
        .items.select('ID')
        .filter(`PartnershipId eq ${literal(subjectId)}`)
        .top(1)<ItemValues[]>();
      const id = Number(found[0]?.ID ?? found[0]?.Id);
      return Number.isInteger(id) && id > 0 ? id : undefined;
    } catch (err) {
      const failure = await failureOf(err);
      if (!failure || failure.status === 429 || failure.status === 401 || failure.status === 403 || failure.status >= 500) throw err;
      this.logger?.info({ subjectId, status: failure.status, code: failure.code }, 'the register item of a record could not be looked up; its Partnership column is left empty');
      return undefined;
    }
  }

  private query(filter: string) {
    return this.items
      .select('ID', 'BotRecord', 'RecordId', 'PartnershipBotId', 'Reference', 'RecordType', 'RecordedAt', 'RecordedBy', 'RecordedById', 'Summary', 'Score', 'Decision')
      .filter(filter);
  }

  private async findOne(filter: string): Promise<Found | undefined> {
    const item = await firstItem(this.query(filter));
    return item && this.toFound(item);
  }

  private async findAll(filter: string): Promise<Found[]> {
    return (await allItems(this.query(filter), this.pageSize)).map((item) => this.toFound(item));
  }

  private toFound(item: ItemValues): Found {
    const itemId = Number(item.ID ?? item.Id);
    let parsed: unknown;
    try {
      parsed = typeof item.BotRecord === 'string' ? JSON.parse(item.BotRecord) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!isRecord(parsed)) {
      this.noteOnce(itemId, () => this.logger?.warn({ itemId, list: RECORDS_LIST }, 'records item has no Bot record the bot wrote: read from its columns'));
      return { itemId, record: this.fromColumns(itemId, item) };
    }
    const { seal, ...record } = parsed as PartnershipRecord & { seal?: unknown };
    if (this.shared.seal.verifies(record, seal)) this.shared.flagged.delete(itemId);
    else {
      this.noteOnce(itemId, () =>
        this.logger?.error({ itemId, recordId: record.id, list: RECORDS_LIST }, 'records item failed its integrity check: it was changed outside the bot; returned as it now stands'),
      );
    }
    return { itemId, record };
  }

  private noteOnce(itemId: number, log: () => void): void {
    const { flagged } = this.shared;
    if (flagged.has(itemId)) return;
    if (flagged.size >= FLAGGED_LIMIT) flagged.clear();
    flagged.add(itemId);
    log();
  }

  /** A record someone made by hand in the list: what its columns say. */
  private fromColumns(itemId: number, item: ItemValues): PartnershipRecord {
    const label = text(item.RecordType);
    const kind = Object.keys(RECORD_TYPE_CHOICE).find((k) => RECORD_TYPE_CHOICE[k] === label) ?? 'other';
    const at = text(item.RecordedAt);
    const reference = text(item.Reference);
    const decision = text(item.Decision);
    return {
      id: text(item.RecordId) ?? `sharepoint-item-${itemId}`,
      kind,
      subjectId: text(item.PartnershipBotId) ?? '',
      ...(reference ? { reference } : {}),
      at: at && Number.isFinite(Date.parse(at)) ? new Date(Date.parse(at)).toISOString() : '',
      by: { id: text(item.RecordedById) ?? '', name: text(item.RecordedBy) ?? '' },
      flowId: kind,
      flowVersion: 0,
      summary: text(item.Summary) ?? '',
      ...(typeof item.Score === 'number' ? { score: item.Score } : {}),
      ...(decision ? { decision } : {}),
      outcome: {},
      answers: {},
    };
  }

  /** Domain errors pass through; SharePoint being unreachable, throttling past our retries, or refusing us becomes STORE_UNAVAILABLE. */
  private guarded<T>(work: () => Promise<T>): Promise<T> {
    return guardedCall(work, RECORDS_LIST, this.logger);
  }

  private async translate(err: unknown, failure: SharePointFailure | undefined): Promise<unknown> {
    return unavailableOr(err, failure, RECORDS_LIST, this.logger);
  }
}
