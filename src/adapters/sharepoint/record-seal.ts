import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NewPartnership } from '../../domain/records';

/**
 * The seal over what authorises in a register item. Any list member with Edit
 * rights can change the Bot record column, so who may decide (the proposer, the
 * approval route with its stages and selfApprovalAllowed, the decisions taken)
 * is trusted only when the HMAC-SHA256 the bot wrote with its key still matches.
 *
 * Sealed: the bot's id for the item, the proposer, the draft it came from and
 * the approval state. Not sealed: status, name, category, dates and answers,
 * which people may edit in SharePoint and the bot reads back as their edits.
 *
 * The seal is `v1.<base64url HMAC>` over a fixed context line and the canonical
 * JSON (keys sorted, absent and undefined alike) of those fields.
 */

const VERSION = 'v1';
const CONTEXT = 'partnership-register/bot-record/v1\n';

/** JSON with object keys in order; undefined members dropped, as JSON.stringify drops them. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sorted(JSON.parse(JSON.stringify(value ?? null)) as unknown));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((k) => [k, sorted(object[k])]),
  );
}

/** The fields that decide who may see and decide an item. */
export function authorisingFields(record: NewPartnership): unknown {
  return { id: record.id, proposer: record.proposer ?? null, draftId: record.draftId ?? null, approval: record.approval ?? null };
}

export class RecordSeal {
  private readonly key: Buffer;

  constructor(key: string) {
    if (key.length === 0) throw new Error('the record seal needs a key');
    this.key = Buffer.from(key, 'utf8');
  }

  private mac(record: NewPartnership): Buffer {
    return createHmac('sha256', this.key).update(CONTEXT).update(canonicalJson(authorisingFields(record))).digest();
  }

  seal(record: NewPartnership): string {
    return `${VERSION}.${this.mac(record).toString('base64url')}`;
  }

  /** Whether `seal` is the one this key gives the record's authorising fields (compared in constant time). */
  verifies(record: NewPartnership, seal: unknown): boolean {
    if (typeof seal !== 'string' || !seal.startsWith(`${VERSION}.`)) return false;
    const given = Buffer.from(seal.slice(VERSION.length + 1), 'base64url');
    const expected = this.mac(record);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

const RECORD_CONTEXT = 'partnership-register/partnership-record/v1\n';

/**
 * The seal over a whole Partnership Record (the Records list's Bot record):
 * records are never changed once added, so all of it is sealed, and an edit
 * made in SharePoint is detectable. Same format as the register's seal, under
 * another context line, so neither seal can stand in for the other.
 */
export class WholeRecordSeal {
  private readonly key: Buffer;

  constructor(key: string) {
    if (key.length === 0) throw new Error('the record seal needs a key');
    this.key = Buffer.from(key, 'utf8');
  }

  private mac(record: unknown): Buffer {
    return createHmac('sha256', this.key).update(RECORD_CONTEXT).update(canonicalJson(record)).digest();
  }

  seal(record: unknown): string {
    return `${VERSION}.${this.mac(record).toString('base64url')}`;
  }

  verifies(record: unknown, seal: unknown): boolean {
    if (typeof seal !== 'string' || !seal.startsWith(`${VERSION}.`)) return false;
    const given = Buffer.from(seal.slice(VERSION.length + 1), 'base64url');
    const expected = this.mac(record);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
