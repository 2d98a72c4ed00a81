import { randomBytes } from 'node:crypto';
import { TableClient, type TableEntity, type TableEntityResult } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { StoreUnavailableError } from '../../domain/errors';

/**
 * Azure Storage Tables, shared by every instance of the bot. Two ways in:
 * a connection string (Azurite, or an account that still allows shared keys),
 * or the account's table endpoint with an Entra credential (managed identity).
 */
export type TablesConnection =
  | { readonly connectionString: string }
  | { readonly accountUrl: string; readonly credential: TokenCredential };

/** Table names are alphanumeric; `prefix` keeps deployments (and test runs) apart on one account. */
export interface TablesOptions {
  readonly connection: TablesConnection;
  readonly prefix?: string;
}

export function tableClient(options: TablesOptions, name: string): TableClient {
  const tableName = `${options.prefix ?? 'pr'}${name}`;
  const { connection } = options;
  if ('connectionString' in connection) {
    // Azurite speaks plain http on loopback; a real account's connection string is https.
    return TableClient.fromConnectionString(connection.connectionString, tableName, { allowInsecureConnection: isLoopback(connection.connectionString) });
  }
  return new TableClient(connection.accountUrl, tableName, connection.credential);
}

function isLoopback(connectionString: string): boolean {
  return /UseDevelopmentStorage=true|https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/i.test(connectionString);
}

/**
 * PartitionKey and RowKey may not hold / \ # ? or control characters: every
 * character outside a safe set becomes `!xxxx` (its UTF-16 code in hex), so
 * any id maps to one key and back.
 */
export function keyOf(value: string): string {
  return value.replace(/[^A-Za-z0-9\-_.:@]/g, (c) => `!${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A string property holds at most 64 KiB (32K UTF-16 characters): longer JSON is
 * split over Json0, Json1, ...; an entity holds at most 1 MiB, hence 15 chunks.
 */
const CHUNK = 30_000;
const MAX_CHUNKS = 15;

export function packJson(value: unknown): Record<string, string | number> {
  const json = JSON.stringify(value);
  const count = Math.max(1, Math.ceil(json.length / CHUNK));
  if (count > MAX_CHUNKS) throw new Error(`a value of ${json.length} characters is too large for one table entity`);
  const packed: Record<string, string | number> = { JsonChunks: count };
  for (let i = 0; i < count; i++) packed[`Json${i}`] = json.slice(i * CHUNK, (i + 1) * CHUNK);
  return packed;
}

export function unpackJson<T>(value: object): T {
  const entity = value as Readonly<Record<string, unknown>>;
  const count = Number(entity.JsonChunks ?? 1);
  let json = '';
  for (let i = 0; i < count; i++) json += String(entity[`Json${i}`] ?? '');
  return JSON.parse(json) as T;
}

let counter = 0;
const processTag = randomBytes(3).toString('hex');

/**
 * Sorts in the order stamps were made in this process, and near enough across
 * processes (milliseconds, then a counter, then the process): breaks ties between
 * rows written at the same instant, as SQLite's seq does.
 */
export function stamp(): string {
  counter = (counter + 1) % 1_000_000;
  return `${Date.now().toString().padStart(15, '0')}-${counter.toString().padStart(6, '0')}-${processTag}`;
}

export function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Answers (404, 409, 412) pass through; anything else (no answer, 5xx after the SDK's retries) is an outage. */
export function unavailable(err: unknown, what: string): unknown {
  const status = statusOf(err);
  if (status !== undefined && status < 500 && status !== 408) return err;
  return new StoreUnavailableError(`Azure Tables (${what}) could not be reached`, { cause: err });
}

export async function getOrUndefined<T extends object>(table: TableClient, partitionKey: string, rowKey: string): Promise<TableEntityResult<T> | undefined> {
  try {
    return await table.getEntity<T>(partitionKey, rowKey);
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw unavailable(err, table.tableName);
  }
}

/** Every entity a query matches, over all its pages. */
export async function listAll<T extends object>(table: TableClient, filter: string): Promise<TableEntityResult<T>[]> {
  const found: TableEntityResult<T>[] = [];
  try {
    for await (const entity of table.listEntities<T>({ queryOptions: { filter } })) found.push(entity);
  } catch (err) {
    throw unavailable(err, table.tableName);
  }
  return found;
}

/** Creates the tables a store needs (once per process; creating an existing table is a no-op). */
export async function ensureTables(tables: readonly TableClient[]): Promise<void> {
  // allSettled: on failure, no request is left retrying in the background.
  const failed = (await Promise.allSettled(tables.map((t) => t.createTable()))).find((r) => r.status === 'rejected');
  if (failed) throw unavailable(failed.reason, 'create tables');
}

export type Entity = TableEntity<Record<string, unknown>>;
