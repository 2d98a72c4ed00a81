import { isDeepStrictEqual } from 'node:util';
import { DuplicateError, VersionConflictError } from '../../domain/errors';
import { STATUS_LABEL, type PartnershipStatus } from '../../domain/lifecycle';
import type { NewPartnership, Partnership } from '../../domain/records';
import type { Logger } from '../../logger';
import type { Register } from '../../ports/register';
import type { SPFI } from './client';
import { ItemMapper, highestReference, peopleOf, type ItemValues } from './columns';
import { REGISTER_LIST, type RegisterSchema } from './schema';
import { failureOf, isDuplicateValue, type SharePointFailure } from './sp-errors';
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
 */

const PAGE_SIZE = 500;
/** ensureUser failures (someone not in the directory) are asked again after this long. */
const UNKNOWN_PERSON_TTL_MS = 10 * 60_000;

interface Found {
  readonly itemId: number;
  readonly partnership: Partnership;
}

export class RegisterNotProvisionedError extends Error {
  constructor(message: string) {
    super(`${message} Run \`npm run provision\` against the site first.`);
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

export class SharePointRegister implements Register {
  private readonly mapper: ItemMapper;
  private ready: Promise<void> | undefined;
  private readonly people = new Map<string, { id?: number; at: number }>();

  constructor(
    private readonly sp: SPFI,
    private readonly schema: RegisterSchema,
    private readonly logger?: Logger,
    private readonly pageSize: number = PAGE_SIZE,
  ) {
    this.mapper = new ItemMapper(schema);
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
    try {
      const fields = await this.sp.web.lists.getByTitle(REGISTER_LIST).fields.select('InternalName')<{ InternalName: string }[]>();
      names = new Set(fields.map((f) => f.InternalName));
    } catch (err) {
      const failure = await failureOf(err);
      if (failure?.status === 404) throw new RegisterNotProvisionedError(`The site has no list called "${REGISTER_LIST}".`);
      throw await this.translate(err, failure);
    }
    const expected = this.schema.register.columns;
    const missingCore = expected.filter((c) => !c.question && !names.has(c.name)).map((c) => c.name);
    if (missingCore.length > 0) throw new RegisterNotProvisionedError(`The "${REGISTER_LIST}" list lacks the columns ${missingCore.join(', ')}.`);
    const missingAnswers = expected.filter((c) => c.question && !names.has(c.name)).map((c) => c.name);
    if (missingAnswers.length > 0) {
      this.logger?.warn({ columns: missingAnswers }, 'register columns missing: run npm run provision; their answers are kept in All answers meanwhile');
    }
    this.mapper.usePresentColumns(names);
  }

  private prepared(): Promise<void> {
    this.ready ??= this.checkProvisioned().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
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
    return this.guarded(async () => newestFirst(await this.findAll(`ProposerId eq ${literal(proposerId)}`)));
  }

  async listByStatus(status: PartnershipStatus): Promise<Partnership[]> {
    await this.prepared();
    return this.guarded(async () => newestFirst(await this.findAll(`Status eq ${literal(STATUS_LABEL[status])}`)));
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
    return { itemId: Number(item.ID ?? item.Id), partnership: { ...this.mapper.fromItem(item), etag: etagOf(item) } };
  }

  private async findOne(filter: string): Promise<Found | undefined> {
    const items = await this.query(filter).top(1)<ItemValues[]>();
    return items[0] && this.toFound(items[0]);
  }

  private async findAll(filter: string): Promise<Found[]> {
    const found: Found[] = [];
    for await (const page of this.query(filter).top(this.pageSize)) {
      for (const item of page as ItemValues[]) found.push(this.toFound(item));
    }
    return found;
  }

  /** Site user ids of the people a record names by email; someone ensureUser cannot find is left out. */
  private async resolvePeople(partnership: NewPartnership): Promise<Map<string, number>> {
    const resolved = new Map<string, number>();
    for (const email of peopleOf(partnership)) {
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
        this.logger?.info({ email, status: failure.status, code: failure.code }, 'ensureUser did not find this person; the Person column is left empty');
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
  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw await this.translate(err, await failureOf(err));
    }
  }

  private async translate(err: unknown, failure: SharePointFailure | undefined): Promise<unknown> {
    if (!failure) return err;
    if (failure.status === 429 || failure.status === 401 || failure.status === 403 || failure.status >= 500) {
      this.logger?.error({ status: failure.status, code: failure.code, message: failure.message }, 'SharePoint refused a register request');
      return new SharePointUnavailableError(`SharePoint answered ${failure.status} ${failure.code}: ${failure.message}`, { cause: err });
    }
    return err;
  }
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
