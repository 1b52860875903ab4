/**
 * The one database seam. Repositories get a `Db` (Kysely) and write dialect-neutral queries;
 * everything that depends on the engine (opening, pragmas, making migrations atomic) lives here
 * and in migrations.ts's column types. SQLite is the default; PostgreSQL joins behind the same
 * `Db` type.
 */
import Database from 'better-sqlite3';
import {
  type ColumnMetadata,
  type DatabaseIntrospector,
  type DatabaseMetadataOptions,
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  type Generated,
  Kysely,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
  sql,
  type TableMetadata,
} from 'kysely';
import pg, { type CustomTypesConfig } from 'pg';
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

/** An item as ingested, with its latest analysis and links (0002_service). JSON columns are text. */
export interface ItemTable {
  id: string;
  source: string;
  external_id: string;
  item: string;
  sha256: string;
  received_at: string;
  analysis: string | null;
  analyzed_at: string | null;
  /** Analyses saved so far; the job runtime's exactly-once shows as 1. */
  analysis_count: Generated<number>;
  risk: number | null;
  band: string | null;
  template: string | null;
  network: string | null;
}

export interface ItemIdentifierTable {
  identifier: string;
  item_id: string;
  received_at: string;
}

/** The saved template index: exactly one row, id = 1; data is null before the first link. */
export interface LinkIndexTable {
  id: number;
  data: Uint8Array | null;
}

export interface TemplateTable {
  id: string;
  json: string;
  size: number;
}

export interface NetworkTable {
  id: string;
  json: string;
  size: number;
  risk: number;
}

export interface JobTable {
  id: string;
  kind: string;
  dedupe_key: string | null;
  payload: string;
  state: string;
  attempts: number;
  max_attempts: number;
  run_at: string;
  lease_until: string | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface AccountTable {
  id: string;
  name: string;
  email: string | null;
  /** JSON array of roles. */
  roles: string;
  password_hash: string | null;
  created_at: string;
  disabled_at: string | null;
}

export interface ApiKeyTable {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  sha256: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SessionTable {
  sha256: string;
  account_id: string;
  created_at: string;
  expires_at: string;
}

export interface AuditTable {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  request_id: string | null;
  details: string | null;
}

/** Notices (DSA Art. 16); the parsed notice as JSON. */
export interface NoticeTable {
  id: string;
  received_at: string;
  notifier_type: string;
  /** open: waiting for a decision; decided. */
  state: string;
  json: string;
}

/** Orders from authorities (DSA Arts 9 and 10). */
export interface AuthorityOrderTable {
  id: string;
  kind: string;
  received_at: string;
  deadline: string;
  state: string;
  json: string;
}

/** The review queue: what a reviewer must look at, and who holds it. */
export interface ReviewJobTable {
  id: string;
  /** notice, order, detection or appeal. */
  subject: string;
  subject_id: string;
  item_ids: string;
  source: string;
  risk: number;
  deadline: string | null;
  created_at: string;
  /** open, claimed or done. */
  state: string;
  claimed_by: string | null;
  claimed_at: string | null;
  lease_until: string | null;
  /** The reviewer who may not take it (who took the decision an appeal is against). */
  excluded_reviewer: string | null;
  skipped_by: string;
  done_at: string | null;
  outcome: string | null;
}

export interface DecisionTable {
  id: string;
  decided_at: string;
  source: string;
  notice_id: string | null;
  job_id: string | null;
  reviewer_id: string;
  /** The Transparency Database submission: pending, submitted or rejected. */
  tdb_state: string;
  tdb_error: string | null;
  tdb_at: string | null;
  json: string;
}

export interface AppealTable {
  id: string;
  decision_id: string;
  state: string;
  filed_at: string;
  decided_at: string | null;
  json: string;
}

export interface ReferralTable {
  id: string;
  kind: string;
  status: string;
  created_at: string;
  json: string;
}

export interface LegalHoldTable {
  id: string;
  basis: string;
  start: string;
  /** The end (statutory expiry or release); null while a litigation hold lasts. */
  expires_at: string | null;
  released_at: string | null;
  json: string;
}

/** What a hold covers: "item:itm_…", "account:…", "evidence:…". */
export interface HoldTargetTable {
  hold_id: string;
  target: string;
}

export interface ReviewerSettingsTable {
  account_id: string;
  json: string;
  updated_at: string;
}

/** A case (0004_cases); the case file whole as JSON, beside the columns queries use. */
export interface CaseFileTable {
  id: string;
  title: string;
  /** open, closed or archived. */
  status: string;
  /** The Traffic Light Protocol marking: clear, green, amber, amber+strict or red. */
  tlp: string;
  created_at: string;
  /** The account id of who opened it. */
  created_by: string;
  updated_at: string;
  json: string;
}

/** Who may see a case: its members, each in one role. */
export interface CaseMemberTable {
  case_id: string;
  account_id: string;
  /** lead, investigator, analyst, advocate or observer. */
  role: string;
  added_at: string;
  added_by: string;
}

/** What a case points at: an item, network, template or evidence, by id. */
export interface CaseLinkTable {
  case_id: string;
  kind: string;
  target_id: string;
  added_at: string;
  added_by: string;
  note: string | null;
}

export interface CaseNoteTable {
  id: string;
  case_id: string;
  at: string;
  /** The account id of who wrote it. */
  author: string;
  text: string;
}

export interface CaseTaskTable {
  id: string;
  case_id: string;
  title: string;
  /** open or done. */
  state: string;
  assignee: string | null;
  due: string | null;
  created_at: string;
  updated_at: string;
}

/** A suspect or victim of a case (0005_persons). */
export interface PersonTable {
  id: string;
  case_id: string;
  /** suspect or victim. */
  kind: string;
  created_at: string;
  created_by: string;
  /** What members may see: label, linked item ids and identifiers. Never personal data. */
  public_json: string;
  /** A victim's personal data as the JSON of a SealedRecord; null when none was given. */
  sealed: string | null;
  shredded_at: string | null;
}

/** Who may open the victim data of a case, beyond being a member of it. */
export interface VictimGrantTable {
  case_id: string;
  account_id: string;
  granted_by: string;
  granted_at: string;
}

/** A named hash bank (0006_banks): PDQ hashes of known images, never the images. */
export interface PdqBankTable {
  id: string;
  /** Unique. */
  name: string;
  description: string | null;
  /** victim-photos, abuse-material or other. */
  kind: string;
  created_at: string;
  /** The account id (or actor) of who made it. */
  created_by: string;
  /** Raised by every import that adds hashes: workers rebuild their index when it changes. */
  version: number;
  /** How many hashes it holds. */
  size: number;
  updated_at: string;
}

/** One hash of a bank; unique per bank and hash. */
/** A partner organisation (store/share-records.ts); the record is kept whole in `json`. */
export interface SharePartnerTable {
  org: string;
  added_at: string;
  json: string;
}

/** A data-sharing agreement (share/agreement.ts), kept whole in `json`. */
export interface ShareAgreementTable {
  id: string;
  added_at: string;
  json: string;
}

/** A package sent ('out') or received ('in'), its manifest and state in `json`. */
export interface SharePackageTable {
  id: string;
  direction: 'out' | 'in';
  partner: string;
  status: string;
  created_at: string;
  json: string;
}

/** A private-matching session with a partner, for rate limits and the record. */
export interface SharePsiTable {
  id: string;
  partner: string;
  /** 'initiator' or 'responder'. */
  role: string;
  at: string;
  items: number;
  json: string;
}

export interface PdqBankHashTable {
  bank_id: string;
  /** The PDQ hash as 64 lowercase hex characters. */
  hash: string;
  /** What the supplier calls it (a reference, a case number, a Vigil item id), ≤ 200 characters. */
  label: string | null;
  added_at: string;
}

export interface VigilDatabase {
  ledger_leaf: LedgerLeafTable;
  ledger_node: LedgerNodeTable;
  ledger_head: LedgerHeadTable;
  ledger_checkpoint: LedgerCheckpointTable;
  ledger_key: LedgerKeyTable;
  evidence: EvidenceTable;
  custody_link: CustodyLinkTable;
  item: ItemTable;
  item_identifier: ItemIdentifierTable;
  link_index: LinkIndexTable;
  template: TemplateTable;
  network: NetworkTable;
  job: JobTable;
  account: AccountTable;
  api_key: ApiKeyTable;
  session: SessionTable;
  audit: AuditTable;
  notice: NoticeTable;
  authority_order: AuthorityOrderTable;
  review_job: ReviewJobTable;
  decision: DecisionTable;
  appeal: AppealTable;
  referral: ReferralTable;
  legal_hold: LegalHoldTable;
  hold_target: HoldTargetTable;
  reviewer_settings: ReviewerSettingsTable;
  case_file: CaseFileTable;
  case_member: CaseMemberTable;
  case_link: CaseLinkTable;
  case_note: CaseNoteTable;
  case_task: CaseTaskTable;
  person: PersonTable;
  victim_grant: VictimGrantTable;
  pdq_bank: PdqBankTable;
  pdq_bank_hash: PdqBankHashTable;
  share_partner: SharePartnerTable;
  share_agreement: ShareAgreementTable;
  share_package: SharePackageTable;
  share_psi: SharePsiTable;
}

export type Db = Kysely<VigilDatabase>;

/** An SQLite database file: the default, with no server to run. */
export interface SqliteOpenOptions {
  /** A database file, or ':memory:'. */
  readonly path: string;
  /** Open an existing, fully migrated database without writing to it. */
  readonly readonly?: boolean;
}

/** A PostgreSQL database, for several processes or machines sharing one store. */
export interface PostgresOpenOptions {
  /**
   * `postgres://user:password@host:port/database`. The composition root reads it (from
   * VIGIL_DATABASE_URL); it never appears in errors, since it may hold a password.
   */
  readonly url: string;
  /**
   * The schema that holds Vigil's tables, created on a writable open if missing (tests give each
   * suite its own). Default: the connection's current schema, usually `public`.
   */
  readonly schema?: string;
  /** Most connections the pool holds open (default 10). */
  readonly poolSize?: number;
  /**
   * Open an existing, fully migrated database and refuse writes. PostgreSQL has no read-only
   * open: every transaction of the pool starts read-only, which stops mistakes, not a user who
   * can switch it back; a role granted only SELECT is the real guard.
   */
  readonly readonly?: boolean;
}

export type OpenOptions = SqliteOpenOptions | PostgresOpenOptions;

const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens the database and migrates it to the latest schema: an SQLite file (created if needed,
 * not its folder) or a PostgreSQL database (the schema is created if needed, not the database).
 * A read-only open migrates nothing and refuses a schema other than the latest.
 * Throws STORE_UNAVAILABLE when the database cannot be opened, reached or migrated, or was
 * written by a newer Vigil.
 *
 * Open one `Db` per SQLite file in a process and share it: better-sqlite3 waits for another
 * connection's lock synchronously, so a second connection in the same thread would wait out
 * busy_timeout for a transaction that cannot finish while it blocks. Other processes are fine,
 * and so are any number of `Db`s on PostgreSQL.
 */
export async function openDatabase(options: OpenOptions): Promise<Db> {
  return 'url' in options ? openPostgres(options) : openSqlite(options);
}

async function openSqlite(options: SqliteOpenOptions): Promise<Db> {
  const readonly = options.readonly ?? false;
  let raw: Database.Database | undefined;
  let db: Db | undefined;
  try {
    raw = new Database(options.path, { readonly, fileMustExist: readonly });
    configureSqlite(raw, readonly);
    db = new Kysely<VigilDatabase>({
      dialect: new SqliteDialect({ database: withStatementCache(raw) }),
    });
    if (readonly) {
      await requireLatestSchema(
        db,
        'The file is not a Vigil database. Check the data folder (--data-dir).',
      );
    } else await migrateSqlite(raw, db);
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

const DEFAULT_POOL_SIZE = 10;
/** pg waits forever for a server that drops packets; an open should fail and say why. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Lower-case unquoted identifiers only: what PostgreSQL folds names to, and safe to quote. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

async function openPostgres(options: PostgresOpenOptions): Promise<Db> {
  const readonly = options.readonly ?? false;
  checkPostgresOptions(options);
  const settings = sessionSettings(options.schema, readonly);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'vigil',
    types: POSTGRES_TYPES,
    // Run on each new connection before the pool hands it out; a connection that cannot be
    // set up is closed, not reused.
    ...(settings === undefined
      ? {}
      : {
          onConnect: async (client: pg.ClientBase) => {
            await client.query(settings);
          },
        }),
  });
  // An idle connection the server closes (a restart) is dropped by the pool, and the next query
  // opens another or fails with its own error; unheard, the event would end the process.
  pool.on('error', () => undefined);
  const db = new Kysely<VigilDatabase>({ dialect: new VigilPostgresDialect({ pool }) });
  try {
    const schema = options.schema ?? (await currentSchema(db));
    if (readonly) {
      await requireLatestSchema(
        db,
        `The PostgreSQL schema "${schema}" holds no Vigil database. Check VIGIL_DATABASE_URL and the schema.`,
      );
    } else await migratePostgres(db, schema);
    return db;
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw postgresUnavailable(error);
  }
}

function checkPostgresOptions(options: PostgresOpenOptions): void {
  // The URL itself is never quoted back: it may carry a password.
  if (!/^postgres(ql)?:\/\//i.test(options.url)) {
    throw new VigilError(
      'STORE_UNAVAILABLE',
      'The database URL is not a PostgreSQL URL. Check VIGIL_DATABASE_URL: it has the form postgres://user:password@host:5432/database.',
    );
  }
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new VigilError(
      'STORE_UNAVAILABLE',
      'The PostgreSQL schema name must be 1 to 63 lower-case letters, digits or underscores, not starting with a digit.',
      { details: { schema: options.schema } },
    );
  }
  const size = options.poolSize;
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 1)) {
    throw new VigilError(
      'STORE_UNAVAILABLE',
      'The database pool size must be a whole number of connections, at least 1.',
      { details: { poolSize: size } },
    );
  }
}

/**
 * A schema search path of Vigil's schema alone, so that no query finds a table of the same name
 * elsewhere; the schema need not exist yet (the migrator creates it). Both settings are plain
 * SQL in one round trip (no parameters: the simple protocol, which allows two statements).
 */
function sessionSettings(schema: string | undefined, readonly: boolean): string | undefined {
  const settings: string[] = [];
  if (schema !== undefined) settings.push(`set search_path to "${schema}"`);
  if (readonly) settings.push('set default_transaction_read_only = on');
  return settings.length === 0 ? undefined : settings.join('; ');
}

async function currentSchema(db: Db): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
    db,
  );
  const schema = rows[0]?.schema;
  if (schema === undefined || schema === null) {
    throw new VigilError(
      'STORE_UNAVAILABLE',
      'The PostgreSQL connection has no current schema: its search_path names no schema that exists. Create the schema, or fix the search_path of the user in VIGIL_DATABASE_URL.',
    );
  }
  return schema;
}

/**
 * Kysely's PostgreSQL migrator runs all pending migrations in one transaction, after taking a
 * session advisory lock (pg_advisory_lock): two processes opening a new database at once take
 * turns, and the second finds the schema migrated. It creates the schema and its bookkeeping
 * tables before the lock, tolerating a concurrent creator. The lock is one per database, so
 * migrations of different schemas take turns as well.
 */
async function migratePostgres(db: Db, schema: string): Promise<void> {
  if (isLatest(await appliedMigrations(db))) return;
  await migrateToLatest(db, 'postgres', schema);
}

/**
 * Kysely's PostgreSQL introspector lists the tables of every schema, and checks each schema's
 * privileges by name: a schema dropped meanwhile (parallel test suites dropping theirs) fails
 * the whole listing. Vigil's tables are in the current schema (the search path holds only
 * Vigil's schema when one is given), so its migrator and `appliedMigrations` look there only.
 */
class VigilPostgresDialect extends PostgresDialect {
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's Dialect signature.
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    const all = super.createIntrospector(db);
    const getTables = (options?: DatabaseMetadataOptions) => currentSchemaTables(db, options);
    return {
      getSchemas: () => all.getSchemas(),
      getTables,
      getMetadata: async (options) => ({ tables: await getTables(options) }),
    };
  }
}

async function currentSchemaTables(
  // biome-ignore lint/suspicious/noExplicitAny: the catalogue is no table of VigilDatabase.
  db: Kysely<any>,
  options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
): Promise<TableMetadata[]> {
  const { rows } = await sql<{
    table: string;
    kind: string;
    schema: string;
    column: string;
    type: string;
    type_schema: string;
    not_null: boolean;
    has_default: boolean;
    serial: string | null;
    comment: string | null;
  }>`
    select c.relname as "table", c.relkind as kind, ns.nspname as schema, a.attname as "column",
      typ.typname as type, tns.nspname as type_schema, a.attnotnull as not_null,
      a.atthasdef as has_default, col_description(a.attrelid, a.attnum) as comment,
      pg_get_serial_sequence(quote_ident(ns.nspname) || '.' || quote_ident(c.relname), a.attname) as serial
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = c.oid
    join pg_catalog.pg_type typ on typ.oid = a.atttypid
    join pg_catalog.pg_namespace tns on tns.oid = typ.typnamespace
    where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
      and a.attnum >= 0 and not a.attisdropped
    order by c.relname, a.attnum`.execute(db);
  const tables = new Map<string, TableMetadata & { columns: ColumnMetadata[] }>();
  for (const row of rows) {
    const internal =
      row.table === DEFAULT_MIGRATION_TABLE || row.table === DEFAULT_MIGRATION_LOCK_TABLE;
    if (internal && !options.withInternalKyselyTables) continue;
    let table = tables.get(row.table);
    if (table === undefined) {
      table = { name: row.table, isView: row.kind === 'v', schema: row.schema, columns: [] };
      tables.set(row.table, table);
    }
    table.columns.push({
      name: row.column,
      dataType: row.type,
      dataTypeSchema: row.type_schema,
      isAutoIncrementing: row.serial !== null,
      isNullable: !row.not_null,
      hasDefaultValue: row.has_default,
      ...(row.comment === null ? {} : { comment: row.comment }),
    });
  }
  return [...tables.values()];
}

/**
 * pg hands back int8 (bigint) columns as strings, since they may exceed what a JS number holds
 * exactly. Vigil's row types are numbers and Vigil never writes an integer beyond 2^53 - 1
 * (toDbInteger), so int8 becomes a number, and a larger value (written by something else) is
 * refused, never rounded. Set per pool: pg's global `types` would change every other pg user in
 * the process.
 */
const POSTGRES_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? parseInt8
      : pg.types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

function parseInt8(text: string): number {
  const value = Number(text);
  if (Number.isSafeInteger(value)) return value;
  throw new VigilError(
    'STORE_UNAVAILABLE',
    `The database holds the whole number ${text}, beyond ${Number.MAX_SAFE_INTEGER}, the largest Vigil can read exactly; Vigil never writes one. Do not write to the database; keep it for examination.`,
    { details: { value: text } },
  );
}

function isLatest(applied: readonly string[]): boolean {
  return (
    applied.length === KNOWN_MIGRATIONS.length &&
    applied.every((name, i) => name === KNOWN_MIGRATIONS[i])
  );
}

async function requireLatestSchema(db: Db, notVigil: string): Promise<void> {
  const applied = await appliedMigrations(db);
  refuseNewerSchema(applied);
  if (!isLatest(applied)) {
    throw new VigilError(
      'STORE_UNAVAILABLE',
      applied.length === 0
        ? notVigil
        : 'The database has an older schema and cannot be migrated when opened read-only. Run any Vigil command that writes (it migrates the database), then retry.',
      { details: { appliedMigrations: applied, knownSchema: KNOWN_MIGRATIONS.at(-1) } },
    );
  }
}

function engineCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('code' in error && error.code !== undefined) return String(error.code);
  // Node reports a refused connection to a name with several addresses (localhost: ::1 and
  // 127.0.0.1) as an AggregateError of one error per address.
  if (error instanceof AggregateError) return engineCode(error.errors[0]);
  return undefined;
}

function storeUnavailable(error: unknown): VigilError {
  if (isVigilError(error)) return error;
  const code = engineCode(error);
  const message =
    'Cannot open or migrate the database. Check that the data folder (--data-dir) exists and is writable and that the file in it is a Vigil database.';
  return code === undefined
    ? new VigilError('STORE_UNAVAILABLE', message, { cause: error })
    : new VigilError('STORE_UNAVAILABLE', message, { details: { engineCode: code }, cause: error });
}

/** Network errors of a server that cannot be reached at all. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * What to check, by the server's SQLSTATE or the network error. The message names neither the
 * URL nor the server (it may hold a password; where the data lives is an internal, as a file
 * path is on SQLite); the engine error stays as the cause, for logs.
 */
function postgresUnavailable(error: unknown): VigilError {
  if (isVigilError(error)) return error;
  const code = engineCode(error);
  const timedOut = error instanceof Error && /timeout/i.test(error.message);
  let message: string;
  if ((code !== undefined && UNREACHABLE.has(code)) || (code === undefined && timedOut)) {
    message =
      'Cannot reach the PostgreSQL server. Check the host and port in VIGIL_DATABASE_URL and that the server runs and accepts TCP connections from this machine.';
  } else if (code === '28P01' || code === '28000') {
    message =
      'The PostgreSQL server refused the user or password. Check the credentials in VIGIL_DATABASE_URL and the server’s client authentication (pg_hba.conf).';
  } else if (code === '3D000') {
    message =
      'The PostgreSQL database named in VIGIL_DATABASE_URL does not exist. Create it (createdb) or fix the URL.';
  } else if (code === '42501') {
    message =
      'The PostgreSQL user lacks a privilege Vigil needs (to create its schema or tables, or to read them). Grant it, or use another user in VIGIL_DATABASE_URL.';
  } else {
    message =
      'Cannot open or migrate the PostgreSQL database. Check VIGIL_DATABASE_URL and that the server runs.';
  }
  return code === undefined
    ? new VigilError('STORE_UNAVAILABLE', message, { cause: error })
    : new VigilError('STORE_UNAVAILABLE', message, { details: { engineCode: code }, cause: error });
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
