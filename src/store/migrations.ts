/**
 * The schema as versioned code. Each migration is frozen once released: a later change adds a
 * new migration instead of editing an old one, so every database reaches the same schema
 * whichever version created it. Migrations take `Kysely<any>` (Kysely's convention) because they
 * must not follow today's table types.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { VigilError } from '../shared/errors.js';

/** The database engines the store runs on; the only place where their SQL differs. */
export type SqlDialectName = 'sqlite' | 'postgres';

export const MIGRATION_TABLE = 'vigil_migration';
const MIGRATION_LOCK_TABLE = 'vigil_migration_lock';

/**
 * Column types and table options that differ between engines. On SQLite an `integer primary key`
 * is the row id itself (no second index), and `without rowid` stores the small node rows once,
 * in their primary key order.
 */
function dialectTypes(dialect: SqlDialectName) {
  return dialect === 'sqlite'
    ? ({ int64: 'integer', bytes: 'blob', withoutRowid: sql`without rowid` } as const)
    : ({ int64: 'bigint', bytes: 'bytea', withoutRowid: sql`` } as const);
}

function ledgerMigration(dialect: SqlDialectName): Migration {
  const t = dialectTypes(dialect);
  return {
    async up(db) {
      await db.schema
        .createTable('ledger_leaf')
        .addColumn('idx', t.int64, (c) => c.primaryKey().notNull())
        .addColumn('data', t.bytes, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('ledger_node')
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('idx', t.int64, (c) => c.notNull())
        .addColumn('hash', t.bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint('ledger_node_pk', ['level', 'idx'])
        .modifyEnd(t.withoutRowid)
        .execute();
      await db.schema
        .createTable('ledger_head')
        .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
        .addColumn('size', t.int64, (c) => c.notNull())
        .addCheckConstraint('ledger_head_one_row', sql`id = 1`)
        .execute();
      await db.insertInto('ledger_head').values({ id: 1, size: 0 }).execute();
      await db.schema
        .createTable('ledger_checkpoint')
        .addColumn('size', t.int64, (c) => c.primaryKey().notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('signed_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('ledger_key')
        .addColumn('key_id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('verifier_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('retired_at', 'text')
        .execute();
      await db.schema
        .createTable('evidence')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', t.int64, (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('collected_idx', t.int64, (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('evidence_case').on('evidence').column('case_id').execute();
      await db.schema.createIndex('evidence_sha256').on('evidence').column('sha256').execute();
      await db.schema
        .createTable('custody_link')
        .addColumn('leaf_idx', t.int64, (c) => c.notNull())
        .addColumn('evidence_id', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('custody_link_evidence')
        .on('custody_link')
        .column('evidence_id')
        .execute();
      await db.schema
        .createIndex('custody_link_case')
        .on('custody_link')
        .columns(['case_id', 'leaf_idx'])
        .execute();
    },
  };
}

/** Every migration by name; names sort in the order they run. */
const MIGRATIONS: Readonly<Record<string, (dialect: SqlDialectName) => Migration>> = {
  '0001_ledger': ledgerMigration,
};

/** The migration names this code knows, oldest first; the last is the schema version. */
export const KNOWN_MIGRATIONS: readonly string[] = Object.keys(MIGRATIONS).sort();

function migrationsFor(dialect: SqlDialectName): Record<string, Migration> {
  return Object.fromEntries(
    Object.entries(MIGRATIONS).map(([name, make]) => [name, make(dialect)]),
  );
}

/**
 * Names of the migrations applied to the database, oldest first; empty for a database Vigil
 * has never migrated. (On PostgreSQL the introspector looks at the current schema only: see
 * database.ts.)
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely's do.
export async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === MIGRATION_TABLE)) return [];
  const rows = await db.selectFrom(MIGRATION_TABLE).select('name').orderBy('name').execute();
  return rows.map((row) => String(row.name));
}

/**
 * Refuses a schema this code cannot know. Kysely would report it as "corrupted migrations";
 * the actual cause is a newer Vigil, and the fix is to run that version.
 */
export function refuseNewerSchema(applied: readonly string[]): void {
  const unknown = applied.filter((name) => !KNOWN_MIGRATIONS.includes(name));
  if (unknown.length > 0) {
    throw new VigilError(
      'STORE_UNAVAILABLE',
      'The database was written by a newer version of Vigil. Upgrade Vigil to open it; do not write to it with this version.',
      { details: { unknownMigrations: unknown, knownSchema: KNOWN_MIGRATIONS.at(-1) } },
    );
  }
}

/**
 * Brings the database to the latest schema. Callers make this atomic where the engine's
 * migrator does not (SQLite: see database.ts). On PostgreSQL `schema` holds the tables: the
 * migrator creates it if missing (tolerating a concurrent creator) and keeps its bookkeeping
 * tables there; the caller's search path puts the migrations' tables there too.
 */
export async function migrateToLatest(
  // biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely's do.
  db: Kysely<any>,
  dialect: SqlDialectName,
  schema?: string,
): Promise<void> {
  refuseNewerSchema(await appliedMigrations(db));
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(dialect) };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
}
