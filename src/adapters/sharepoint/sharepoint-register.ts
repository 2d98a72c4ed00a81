import { isDeepStrictEqual } from 'node:util';
import { DuplicateError, VersionConflictError } from '../../domain/errors';
import type { PartnershipStatus } from '../../domain/lifecycle';
import { matchesDueQuery, type DueQuery } from '../../domain/reminders';
import { STATUS_CHOICE } from './labels';
import type { NewPartnership, Partnership } from '../../domain/records';
import type { Logger } from '../../logger';
import type { Register } from '../../ports/register';
import type { SPFI } from './client';
import { ItemMapper, type ItemValues } from './columns';
import { highestReference, peopleOf } from './item-text';
import { RecordSeal } from './record-seal';
import { REGISTER_LIST, type ColumnSpec, type RegisterSchema } from './schema';
import { allItems, dueFilters, firstItem } from './queries';
import { checkedOnce, failureOf, guardedCall, isDuplicateValue, unavailableOr, type SharePointFailure } from './sp-errors';
import { SharePointUnavailableError } from './transport';

/**
 * The Register port on the Partnership Register list.
 * - Every query filters on an indexed column (PartnershipId, IdempotencyKey,
 *   ProposerId, Status, ReferenceYear, Reference) and pages through the results,
 *   so nothing breaks when the list grows past SharePoint's 5,000-item threshold.
 * - `create` asks for its idempotency key before inserting; the key's column is
 *   unique too, so a create retried after a lost answer meets SharePoint's
 *   duplicate refusal and finds the item it already made.
 * - `update` sends IF-MATCH with the item's ETag: a 412 is a VersionConflictError,
 *   never a blind overwrite. When the 412 followed an attempt whose answer was
 *   lost, the write may have been ours: if the item now holds exactly what we
 *   sent, that is our success.
 * - Who may decide is read only from the sealed Bot record (see columns.ts); an
 *   item whose seal does not verify is returned `tampered` and logged once.
 */

const PAGE_SIZE = 500;
/** ensureUser failures (someone not in the directory) are asked again after this long. */
const UNKNOWN_PERSON_TTL_MS = 10 * 60_000;
/** People a write resolves through ensureUser (lead officer first); the rest stay in the text columns only. */
export const MAX_PEOPLE_PER_WRITE = 5;
/** Items already logged as failing their integrity check; forgotten beyond this many. */
const FLAGGED_LIMIT = 10_000;

interface Found {
  readonly itemId: number;
  readonly partnership: Partnership;
}

export class RegisterNotProvisionedError extends Error {
  constructor(message: string, fix = 'Run `npm run provision` against the site first.') {
    super(`${message} ${fix}`);
    this.name = 'RegisterNotProvisionedError';
  }
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function etagOf(item: ItemValues): string {
  const meta = item.__metadata as { etag?: string } | undefined;
  return String(item['odata.etag'] ?? meta?.etag ?? '');
}

export interface SharePointRegisterOptions {
  /** The key of the Bot record seal (REGISTER_RECORD_KEY). */
  readonly recordKey: string;
  readonly logger?: Logger;
  readonly pageSize?: number;
}

/** What registers over the same list share, whichever client (retry policy) each uses. */
export interface SharedRegisterState {
  readonly mapper: ItemMapper;
  readonly people: Map<string, { id?: number; at: number }>;
  /** Items whose failed integrity check was logged: logged once each. */
  readonly flagged: Set<number>;
  ready?: Promise<void>;
}

export class SharePointRegister implements Register {
  private readonly shared: SharedRegisterState;
  private readonly logger?: Logger;
  private readonly pageSize: number;

  constructor(
    private readonly sp: SPFI,
    private readonly schema: RegisterSchema,
    private readonly options: SharePointRegisterOptions,
    shared?: SharedRegisterState,
  ) {
    this.logger = options.logger;
    this.pageSize = options.pageSize ?? PAGE_SIZE;
    this.shared = shared ?? { mapper: new ItemMapper(schema, new RecordSeal(options.recordKey)), people: new Map(), flagged: new Set() };
  }

  /**
   * The same register over another client (e.g. one with the patient background
   * retry policy): it shares the column check, the people resolved and the
   * integrity log with this one.
   */
  withClient(sp: SPFI): SharePointRegister {
    return new SharePointRegister(sp, this.schema, this.options, this.shared);
  }

  private get mapper(): ItemMapper {
    return this.shared.mapper;
  }

  private get people(): Map<string, { id?: number; at: number }> {
    return this.shared.people;
  }

  private get items() {
    return this.sp.web.lists.getByTitle(REGISTER_LIST).items;
  }

  /**
   * Checks once that the list and its core columns exist, so a missing
   * provisioning fails at start-up, not in someone's chat. Answer columns added
   * to the questionnaire since the last provisioning are skipped (their answers
   * stay readable in All answers) until `npm run provision` adds them.
   */
  async checkProvisioned(): Promise<void> {
    let names: Set<string>;
    let fields: ProvisionedField[];
    try {
      fields = await this.sp.web.lists.getByTitle(REGISTER_LIST).fields.select('InternalName', 'Indexed', 'EnforceUniqueValues')<ProvisionedField[]>();
      names = new Set(fields.map((f) => f.InternalName));
    } catch (err) {
      const failure = await failureOf(err);
      if (failure?.status === 404) throw new RegisterNotProvisionedError(`The site has no list called "${REGISTER_LIST}".`);
      throw await this.translate(err, failure);
    }
    const expected = this.schema.register.columns;
    const missingCore = expected.filter((c) => !c.question && !names.has(c.name)).map((c) => c.name);
    if (missingCore.length > 0) throw new RegisterNotProvisionedError(`The "${REGISTER_LIST}" list lacks the columns ${missingCore.join(', ')}.`);
    // Exactly-once creates and never-duplicated references rest on these: without them, start-up stops.
    for (const column of expected.filter((c) => c.unique)) {
      const found = fields.find((f) => f.InternalName === column.name);
      const lost = [found?.EnforceUniqueValues === true ? '' : 'enforces unique values', found?.Indexed === true ? '' : 'is indexed'].filter((w) => w !== '');
      if (lost.length > 0) {
        throw new RegisterNotProvisionedError(
          `The ${columnLabel(column)} column of "${REGISTER_LIST}" no longer ${lost.join(' or ')} (someone changed the list settings).`,
          'Run `npm run provision` to put it back.',
        );
      }
    }
    // The reminder sweep's queries lean on these indexes once the list passes 5,000 items.
    const unindexed = expected.filter((c) => c.indexed && names.has(c.name) && fields.find((f) => f.InternalName === c.name)?.Indexed !== true).map((c) => c.name);
    if (unindexed.length > 0) this.logger?.warn({ columns: unindexed }, 'register columns without their index: run npm run provision before the list passes 5,000 items');
    const missingAnswers = expected.filter((c) => c.question && !names.has(c.name)).map((c) => c.name);
    if (missingAnswers.length > 0) {
      this.logger?.warn({ columns: missingAnswers }, 'register columns missing: run npm run provision; their answers are kept in All answers meanwhile');
    }
    this.mapper.usePresentColumns(names);
    this.shared.ready = Promise.resolve();
  }

  private prepared(): Promise<void> {
    return checkedOnce(this.shared, () => this.checkProvisioned());
  }

  async create(partnership: NewPartnership, idempotencyKey: string): Promise<Partnership> {
    await this.prepared();
    return this.guarded(async () => {
      const earlier = await this.findOne(`IdempotencyKey eq ${literal(idempotencyKey)}`);
      if (earlier) return earlier.partnership;
      const values = this.mapper.toItem(partnership, await this.resolvePeople(partnership));
      let added: ItemValues;
      try {
        added = await this.items.add({ ...values, IdempotencyKey: idempotencyKey });
      } catch (err) {
        const failure = await failureOf(err);
        if (!isDuplicateValue(failure)) throw err;
        // Our own earlier attempt (a retry after a lost answer, or the same create at the same moment).
        const again = await this.findOne(`IdempotencyKey eq ${literal(idempotencyKey)}`);
        if (again) return again.partnership;
        throw await this.duplicateOf(partnership);
      }
      const etag = etagOf(added);
      if (etag) return { ...structuredClone(partnership), etag };
      const stored = await this.findOne(`IdempotencyKey eq ${literal(idempotencyKey)}`);
      if (!stored) throw new SharePointUnavailableError(`created item for ${partnership.id} could not be read back`);
      return stored.partnership;
    });
  }

  async get(id: string): Promise<Partnership | undefined> {
    await this.prepared();
    return this.guarded(async () => (await this.findOne(`PartnershipId eq ${literal(id)}`))?.partnership);
  }

  async update(partnership: Partnership): Promise<Partnership> {
    await this.prepared();
    return this.guarded(async () => {
      const current = await this.findOne(`PartnershipId eq ${literal(partnership.id)}`);
      if (!current) throw new VersionConflictError('partnership', partnership.id);
      const values = this.mapper.toItem(partnership, await this.resolvePeople(partnership));
      let etag: string | null;
      try {
        ({ etag } = await this.items.getById(current.itemId).update(values, partnership.etag));
      } catch (err) {
        const failure = await failureOf(err);
        if (failure?.status === 412) {
          if (failure.afterUnknownOutcome) {
            const now = await this.findOne(`PartnershipId eq ${literal(partnership.id)}`);
            if (now && sameContent(now.partnership, partnership)) return now.partnership;
          }
          throw new VersionConflictError('partnership', partnership.id);
        }
        if (isDuplicateValue(failure)) throw await this.duplicateOf(partnership);
        throw err;
      }
      if (etag) return { ...structuredClone(partnership), etag };
      const stored = await this.findOne(`PartnershipId eq ${literal(partnership.id)}`);
      if (!stored) throw new VersionConflictError('partnership', partnership.id);
      return stored.partnership;
    });
  }

  async listByProposer(proposerId: string): Promise<Partnership[]> {
    await this.prepared();
    // The column is only an index anyone with Edit rights can change: the proposer is the one in the Bot record.
    const theirs = (f: Found) => f.partnership.proposer.id.toLowerCase() === proposerId.toLowerCase();
    return this.guarded(async () => newestFirst((await this.findAll(`ProposerId eq ${literal(proposerId)}`)).filter(theirs)));
  }

  async listByStatus(status: PartnershipStatus): Promise<Partnership[]> {
    await this.prepared();
    return this.guarded(async () => newestFirst(await this.findAll(`Status eq ${literal(STATUS_CHOICE[status])}`)));
  }

  /**
   * One query per reason something may be due, each led by an indexed column
   * that narrows it to what is due (never Status alone, which grows with the
   * register): exiting entries, reviews near, agreements outstanding, ends
   * near, representatives leaving.
   */
  /** What may be due (see dueFilters): each query led by an indexed column that narrows it to what is due. */
  async listDue(query: DueQuery): Promise<Partnership[]> {
    await this.prepared();
    const end = this.schema.register.columns.find((c) => c.question?.id === 'proposedEndDate');
    const endColumn = end && this.mapper.selectNames().includes(end.name) ? end.name : undefined;
    const filters = dueFilters(query, { active: literal(STATUS_CHOICE.active), exiting: literal(STATUS_CHOICE.exiting) }, endColumn);
    return this.guarded(async () => {
      const found = new Map<string, Found>();
      for (const filter of filters) for (const f of await this.findAll(filter)) found.set(f.partnership.id, f);
      return newestFirst([...found.values()].filter((f) => matchesDueQuery(f.partnership, query)));
    });
  }

  async latestReference(year: number): Promise<string | undefined> {
    await this.prepared();
    return this.guarded(async () => {
      const references: (string | undefined)[] = [];
      for await (const page of this.items.select('ID', 'Reference').filter(`ReferenceYear eq ${Math.trunc(year)}`).top(this.pageSize)) {
        for (const item of page as ItemValues[]) references.push(typeof item.Reference === 'string' ? item.Reference : undefined);
      }
      return highestReference(references, year);
    });
  }

  private query(filter: string) {
    const select = this.mapper.selectNames();
    const expand = select.some((s) => s.startsWith('LeadOfficer/')) ? ['LeadOfficer'] : [];
    return this.items
      .select(...select)
      .expand(...expand)
      .filter(filter);
  }

  private toFound(item: ItemValues): Found {
    const itemId = Number(item.ID ?? item.Id);
    const partnership: Partnership = { ...this.mapper.fromItem(item), etag: etagOf(item) };
    this.noteIntegrity(itemId, partnership);
    return { itemId, partnership };
  }

  /** An item failing its integrity check is logged once (again only after it was put right and broke again). */
  private noteIntegrity(itemId: number, partnership: Partnership): void {
    const { flagged } = this.shared;
    if (!partnership.tampered) {
      flagged.delete(itemId);
      return;
    }
    if (flagged.has(itemId)) return;
    if (flagged.size >= FLAGGED_LIMIT) flagged.clear();
    flagged.add(itemId);
    this.logger?.error(
      { itemId, partnershipId: partnership.id, list: REGISTER_LIST },
      'register item failed its integrity check: who may decide is not trusted until a register owner re-saves it',
    );
  }

  private async findOne(filter: string): Promise<Found | undefined> {
    const item = await firstItem(this.query(filter));
    return item && this.toFound(item);
  }

  private async findAll(filter: string): Promise<Found[]> {
    return (await allItems(this.query(filter), this.pageSize)).map((item) => this.toFound(item));
  }

  /** Site user ids of the people a record names by email; someone ensureUser cannot find is left out. */
  private async resolvePeople(partnership: NewPartnership): Promise<Map<string, number>> {
    const resolved = new Map<string, number>();
    const named = peopleOf(partnership);
    if (named.length > MAX_PEOPLE_PER_WRITE) {
      this.logger?.debug({ partnershipId: partnership.id, named: named.length, skipped: named.length - MAX_PEOPLE_PER_WRITE }, 'more people named than a write resolves; the rest stay in the text columns');
    }
    for (const email of named.slice(0, MAX_PEOPLE_PER_WRITE)) {
      const known = this.people.get(email);
      if (known?.id !== undefined) {
        resolved.set(email, known.id);
        continue;
      }
      if (known && Date.now() - known.at < UNKNOWN_PERSON_TTL_MS) continue;
      try {
        const user = (await this.sp.web.ensureUser(email)) as unknown as { Id?: number; data?: { Id?: number } };
        const id = user.Id ?? user.data?.Id;
        this.people.set(email, { id, at: Date.now() });
        if (id !== undefined) resolved.set(email, id);
      } catch (err) {
        const failure = await failureOf(err);
        if (!failure || failure.status === 429 || failure.status >= 502) throw err;
        this.logger?.info({ partnershipId: partnership.id, status: failure.status, code: failure.code }, 'ensureUser did not find a person the record names; their Person column is left empty');
        this.people.set(email, { at: Date.now() });
      }
    }
    return resolved;
  }

  /** Names the value that was taken. */
  private async duplicateOf(partnership: NewPartnership): Promise<DuplicateError> {
    if (partnership.reference) {
      const holder = await this.findOne(`Reference eq ${literal(partnership.reference)}`);
      if (holder && holder.partnership.id !== partnership.id) return new DuplicateError('partnership', `reference ${partnership.reference}`);
    }
    return new DuplicateError('partnership', `id ${partnership.id}`);
  }

  /** Domain errors pass through; SharePoint being unreachable, throttling past our retries, or refusing us becomes STORE_UNAVAILABLE. */
  private guarded<T>(work: () => Promise<T>): Promise<T> {
    return guardedCall(work, REGISTER_LIST, this.logger);
  }

  private async translate(err: unknown, failure: SharePointFailure | undefined): Promise<unknown> {
    return unavailableOr(err, failure, REGISTER_LIST, this.logger);
  }
}

interface ProvisionedField {
  readonly InternalName: string;
  readonly Indexed?: boolean;
  readonly EnforceUniqueValues?: boolean;
}

/** `"Reference"`, or `"Bot id" (PartnershipId)` when the title a person sees is not the internal name. */
function columnLabel(column: ColumnSpec): string {
  return column.title === column.name ? `"${column.title}"` : `"${column.title}" (${column.name})`;
}

function sameContent(a: NewPartnership, b: NewPartnership): boolean {
  const { etag: _a, ...left } = a as Partnership;
  const { etag: _b, ...right } = b as Partnership;
  return isDeepStrictEqual(JSON.parse(JSON.stringify(left)), JSON.parse(JSON.stringify(right)));
}

/** Most recently updated first; of two updated at the same instant, the later-created first. */
function newestFirst(found: Found[]): Partnership[] {
  return found
    .sort((x, y) => {
      const a = x.partnership.updatedAt;
      const b = y.partnership.updatedAt;
      if (a !== b) return a < b ? 1 : -1;
      return y.itemId - x.itemId;
    })
    .map((f) => f.partnership);
}
