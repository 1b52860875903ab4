/**
 * The one database seam. Repositories get a `Db` (Kysely) and write dialect-neutral queries;
 * everything that depends on the engine (opening, pragmas, making migrations atomic) lives here
 * and in migrations.ts's column types. SQLite is the default; PostgreSQL joins behind the same
 * `Db` type.
 */
import Database from 'better-sqlite3';
import { Kysely, type SqliteDatabase, SqliteDialect } from 'kysely';
import { type ErrorCode, isVigilError, VigilError } from '../shared/errors.js';
import {
  appliedMigrations,
  KNOWN_MIGRATIONS,
  migrateToLatest,
  refuseNewerSchema,
} from './migrations.js';

/** One leaf of the evidence ledger: the canonical JSON of a custody event. */
export interface LedgerLeafTable {
  idx: number;
  data: Uint8Array;
}

/** Hashes of the ledger's perfect subtrees; level 0 holds the leaf hashes. */
export interface LedgerNodeTable {
  level: number;
  idx: number;
  hash: Uint8Array;
}

/** The ledger's size: exactly one row, id = 1. Updating it first takes the append lock. */
export interface LedgerHeadTable {
  id: number;
  size: number;
}

export interface LedgerCheckpointTable {
  size: number;
  note: string;
  signed_at: string;
}

/** Public halves of the log's signing keys; the private keys live in files. */
export interface LedgerKeyTable {
  key_id: string;
  name: string;
  verifier_key: string;
  created_at: string;
  retired_at: string | null;
}

export interface EvidenceTable {
  id: string;
  case_id: string;
  sha256: string;
  size: number;
  name: string;
  media_type: string;
  collected_idx: number;
  created_at: string;
}

/** Which ledger leaves concern which evidence: an index for look-ups; the ledger is authoritative. */
export interface CustodyLinkTable {
  leaf_idx: number;
  evidence_id: string;
  case_id: string;
}

export interface VigilDatabase {
  ledger_leaf: LedgerLeafTable;
  ledger_node: LedgerNodeTable;
  ledger_head: LedgerHeadTable;
  ledger_checkpoint: LedgerCheckpointTable;
  ledger_key: LedgerKeyTable;
  evidence: EvidenceTable;
  custody_link: CustodyLinkTable;
}

export type Db = Kysely<VigilDatabase>;

export interface OpenOptions {
  /** A database file, or ':memory:'. */
  readonly path: string;
  /** Open an existing, fully migrated database without writing to it. */
  readonly readonly?: boolean;
}

const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens the database, creating the file (not its folder) if needed, and migrates it to the
 * latest schema.
 * A read-only open migrates nothing and refuses a schema other than the latest.
 * Throws STORE_UNAVAILABLE when the file cannot be opened or migrated, or was written by a
 * newer Vigil.
 *
 * Open one `Db` per database file in a process and share it: better-sqlite3 waits for another
 * connection's lock synchronously, so a second connection in the same thread would wait out
 * busy_timeout for a transaction that cannot finish while it blocks. Other processes are fine.
 */
export async function openDatabase(options: OpenOptions): Promise<Db> {
  return openSqlite(options);
}

async function openSqlite(options: OpenOptions): Promise<Db> {
  const readonly = options.readonly ?? false;
  let raw: Database.Database | undefined;
  let db: Db | undefined;
  try {
    raw = new Database(options.path, { readonly, fileMustExist: readonly });
    configureSqlite(raw, readonly);
    db = new Kysely<VigilDatabase>({
      dialect: new SqliteDialect({ database: withStatementCache(raw) }),
    });
    if (readonly) await requireLatestSchema(db);
    else await migrateSqlite(raw, db);
    return db;
  } catch (error) {
    if (db !== undefined) await db.destroy();
    else raw?.close();
    throw storeUnavailable(error);
  }
}

/** How many prepared statements a connection keeps; Vigil's queries come in few shapes. */
const STATEMENT_CACHE = 256;

/**
 * Kysely prepares every query anew, and on SQLite preparing costs more than running the small
 * indexed lookups the ledger makes most (a proof at 10M leaves: ~110 µs of its ~160 µs). Reusing
 * the prepared statement for the same SQL text removes that. A statement still being iterated
 * (a streamed result) is busy and cannot run twice, so a busy one is prepared afresh.
 */
function withStatementCache(raw: Database.Database): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => raw.close(),
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached !== undefined && !cached.busy) {
        // Refresh its place: the map's order is least recently used first.
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = raw.prepare(text);
      if (cached === undefined) {
        cache.set(text, statement);
        if (cache.size > STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
      }
      return statement;
    },
  };
}

/**
 * synchronous=FULL syncs the write-ahead log on every commit, so an acknowledged append
 * survives power loss, not only a crash of the process. busy_timeout makes a second process
 * wait for the write lock instead of failing at once.
 */
function configureSqlite(raw: Database.Database, readonly: boolean): void {
  if (!readonly) raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
}

/**
 * Kysely's migrator runs SQLite migrations outside a transaction (its SQLite adapter reports no
 * transactional DDL) and takes no lock. Holding the write lock (BEGIN IMMEDIATE) around it
 * makes a migration all-or-nothing and lets two processes opening a new file at once take
 * turns. This is safe because nothing else uses this connection before openDatabase returns.
 */
async function migrateSqlite(raw: Database.Database, db: Db): Promise<void> {
  if (isLatest(await appliedMigrations(db))) return;
  raw.exec('BEGIN IMMEDIATE');
  try {
    await migrateToLatest(db, 'sqlite');
    raw.exec('COMMIT');
  } catch (error) {
    if (raw.inTransaction) raw.exec('ROLLBACK');
    throw error;
  }
}

function isLatest(applied: readonly string[]): boolean {
  return (
    applied.length === KNOWN_MIGRATIONS.length &&
    applied.every((name, i) => name === KNOWN_MIGRATIONS[i])
  );
}

async function requireLatestSchema(db: Db): Promise<void> {
  const applied = await appliedMigrations(db);
  refuseNewerSchema(applied);
  if (!isLatest(applied)) {
    throw new VigilError(
      'STORE_UNAVAILABLE',
      applied.length === 0
        ? 'The file is not a Vigil database. Check the data folder (--data-dir).'
        : 'The database has an older schema and cannot be migrated when opened read-only. Run any Vigil command that writes (it migrates the database), then retry.',
      { details: { appliedMigrations: applied, knownSchema: KNOWN_MIGRATIONS.at(-1) } },
    );
  }
}

function storeUnavailable(error: unknown): VigilError {
  if (isVigilError(error)) return error;
  const engineCode =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  const message =
    'Cannot open or migrate the database. Check that the data folder (--data-dir) exists and is writable and that the file in it is a Vigil database.';
  return engineCode === undefined
    ? new VigilError('STORE_UNAVAILABLE', message, { cause: error })
    : new VigilError('STORE_UNAVAILABLE', message, { details: { engineCode }, cause: error });
}

const MAX_DB_INTEGER = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A bigint index, size or count as the JS number the database row types use. Numbers hold
 * whole values exactly only up to 2^53 - 1, so anything beyond is refused (with `code`), never
 * rounded.
 */
export function toDbInteger(value: bigint, name: string, code: ErrorCode): number {
  if (value < 0n || value > MAX_DB_INTEGER) {
    throw new VigilError(
      code,
      `The ${name} ${value} is out of range: it must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}.`,
      { details: { [name]: value.toString() } },
    );
  }
  return Number(value);
}
