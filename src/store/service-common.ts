/**
 * What the service repositories (items, links, queue, accounts, audit) share: ids, times,
 * cursors and page limits, JSON columns, and transactions that behave alike on both engines.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { VigilError } from '../shared/errors.js';
import type { Db, VigilDatabase } from './database.js';
import type { SqlDialectName } from './migrations.js';
import type { Executor, Page, PageRequest, ServiceStore } from './repositories.js';

// ---------------------------------------------------------------------------------------------
// Ids

/** Crockford's base32 alphabet (no I, L, O, U), lower case like the prefixes. */
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
/** 26 characters of 5 bits: 130 bits, from 17 bytes. */
const ID_CHARS = 26;
const ID_BYTES = 17;

/** The first 26 base32 characters of `bytes` (at least 17 of them), most significant bit first. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; out.length < ID_CHARS; ) {
    if (bits < 5) {
      buffer = ((buffer << 8) | (bytes[i++] ?? 0)) & 0xffff;
      bits += 8;
    }
    bits -= 5;
    out += CROCKFORD[(buffer >>> bits) & 31];
  }
  return out;
}

/** A new random id: `prefix` + `_` + 26 base32 characters (130 random bits). */
export function newId(prefix: string): string {
  return `${prefix}_${base32(randomBytes(ID_BYTES))}`;
}

/**
 * An item's id follows from where it came from and its id there, so ingesting it again finds
 * it: SHA-256 of source, NUL, external id. (NUL cannot occur in either: see checkText.)
 */
export function itemId(source: string, externalId: string): string {
  const digest = createHash('sha256').update(`${source}\u0000${externalId}`, 'utf8').digest();
  return `itm_${base32(digest)}`;
}

// ---------------------------------------------------------------------------------------------
// Times

/**
 * A caller's time as stored: ISO 8601 UTC with milliseconds (`2026-11-28T13:03:23.000Z`), one
 * fixed width, so that times compare as text in either engine. Any ISO 8601 string Date parses
 * is accepted; anything else is a programming error of the caller.
 */
export function storedTime(value: string, name = 'time'): string {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new TypeError(`The ${name} "${value}" is not an ISO 8601 time.`);
  }
  return new Date(ms).toISOString();
}

export function addMs(time: string, ms: number): string {
  return new Date(Date.parse(time) + ms).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Pages and cursors

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

export function pageLimit(page: PageRequest): number {
  const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_LIMIT)) {
    throw new VigilError(
      'REQUEST_INVALID',
      `The page limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}.`,
      { details: { limit: String(limit) } },
    );
  }
  return limit;
}

/** The kinds of value a sort key holds, position by position. */
export type KeyShape = readonly ('string' | 'number')[];
export type SortKey = readonly (string | number)[];
/** The values of a sort key of this shape. */
export type KeyOf<S extends KeyShape> = {
  -readonly [K in keyof S]: S[K] extends 'string' ? string : number;
};

/** A cursor: base64url of the JSON array of the last row's sort key. Opaque to callers. */
export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const MAX_CURSOR_CHARS = 2048;

/** The sort key of a cursor this listing returned; anything else is CURSOR_INVALID. */
export function decodeCursor<const S extends KeyShape>(cursor: string, shape: S): KeyOf<S> {
  const refuse = () =>
    new VigilError(
      'CURSOR_INVALID',
      'The page cursor is not one this listing returned. Pass the "next" value of the previous page unchanged, or leave the cursor out to start from the first page.',
    );
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_CHARS) throw refuse();
  if (!/^[A-Za-z0-9_-]*$/.test(cursor)) throw refuse();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(key) || key.length !== shape.length) throw refuse();
  for (const [i, kind] of shape.entries()) {
    const value: unknown = key[i];
    if (kind === 'string' ? typeof value !== 'string' : !Number.isFinite(value)) throw refuse();
  }
  return key as KeyOf<S>;
}

/**
 * The page of `rows` (fetched with limit + 1, so that one more row tells whether a next page
 * exists), its cursor made from the last row's sort key.
 */
export function pageOf<R, T>(
  rows: readonly R[],
  limit: number,
  keyOf: (row: R) => SortKey,
  convert: (row: R) => T,
): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  const items = shown.map(convert);
  return rows.length > limit && last !== undefined
    ? { items, next: encodeCursor(keyOf(last)) }
    : { items };
}

// ---------------------------------------------------------------------------------------------
// JSON columns

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

// ---------------------------------------------------------------------------------------------
// Engines and transactions

/**
 * Which engine a `Db` talks to, from the placeholders its compiler writes (PostgreSQL numbers
 * them, SQLite writes `?`): Kysely's public API says no more.
 */
export function dialectOf(db: Db): SqlDialectName {
  return sql`${0}`.compile(db).sql === '$1' ? 'postgres' : 'sqlite';
}

/** The transaction running in this async context, per database. */
const ambient = new AsyncLocalStorage<{ readonly db: Db; readonly trx: Executor }>();

/**
 * The executor a repository method uses: the caller's when given; else the transaction of
 * `db` that this call runs inside (ServiceStore.transaction, or a repository's own), so that a
 * repository called without its `trx` inside a transaction still joins it (on SQLite it would
 * otherwise wait forever for the one connection the transaction holds); else `db` itself.
 */
export function executorFor(db: Db, executor: Executor | undefined): Executor {
  if (executor !== undefined) return executor;
  const current = ambient.getStore();
  return current !== undefined && current.db === db ? current.trx : db;
}

/** executorFor without an executor from the caller: a default for repository methods. */
export function current(db: Db): Executor {
  return executorFor(db, undefined);
}

/**
 * Runs `work` in a transaction: the caller's when `executor` (or the ambient one of
 * executorFor) is one, else a new one.
 *
 * On SQLite Kysely begins transactions DEFERRED: one that reads first and writes later fails
 * at once (SQLITE_BUSY, which busy_timeout does not retry) when another process wrote in
 * between. A new transaction therefore first takes the write lock with an update that matches
 * no row, as BEGIN IMMEDIATE would; transactions of other processes wait for it instead.
 * (Within a process Kysely runs one SQLite connection, so they take turns anyway.)
 */
export async function inTransaction<T>(
  db: Db,
  executor: Executor | undefined,
  dialect: SqlDialectName,
  work: (trx: Executor) => Promise<T>,
): Promise<T> {
  const outer = executorFor(db, executor);
  if (outer.isTransaction) return work(outer);
  return outer.transaction().execute((trx) =>
    ambient.run({ db, trx }, async () => {
      if (dialect === 'sqlite') await takeWriteLock(trx);
      return work(trx);
    }),
  );
}

async function takeWriteLock(trx: Executor): Promise<void> {
  await trx
    .updateTable('link_index')
    .set((eb) => ({ id: eb.ref('id') }))
    .where('id', '=', 0)
    .execute();
}

/** Rows per multi-row insert or update: well under SQLite's 32,766 bound values. */
export const ROWS_PER_STATEMENT = 500;

export function chunks<T>(values: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/** A plain Uint8Array of its own bytes (pg hands back Buffers that share 8 KiB slabs). */
export function ownBytes(value: Uint8Array): Uint8Array {
  return new Uint8Array(value);
}

export function notFound(kind: string, id: string): VigilError {
  return new VigilError('NOT_FOUND', `No ${kind} has the id "${id}".`, {
    details: { kind, id },
  });
}

// ---------------------------------------------------------------------------------------------
// Audit records of the units of work

/**
 * The audit record of a unit of work, written in its transaction: who (the actor and the
 * request), what, on what, when, and details without secrets or personal data.
 */
export async function recordAudit(
  store: Pick<ServiceStore, 'audit'>,
  who: { readonly actor: string; readonly requestId?: string },
  now: string,
  action: string,
  target: string,
  details: Record<string, unknown>,
  trx: Executor,
): Promise<void> {
  await store.audit.record(
    {
      at: now,
      actor: who.actor,
      action,
      target,
      ...(who.requestId !== undefined && { requestId: who.requestId }),
      details,
    },
    trx,
  );
}

// ---------------------------------------------------------------------------------------------
// Records kept whole as JSON

/** The tables that keep each record whole in a `json` column, keyed by `id`. */
export type JsonRecordTable = {
  [K in keyof VigilDatabase]: VigilDatabase[K] extends { id: string; json: string } ? K : never;
}[keyof VigilDatabase];

/** The record with this id in a JSON-record table, or undefined. */
export async function recordById<T>(
  executor: Executor,
  table: JsonRecordTable,
  id: string,
): Promise<T | undefined> {
  // Every table of the union has these two columns; Kysely cannot follow a union of tables.
  const row = await (executor as unknown as Kysely<Record<string, { id: string; json: string }>>)
    .selectFrom(table)
    .select('json')
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : fromJson<T>(row.json);
}
