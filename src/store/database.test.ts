/**
 * Opening and migrating the database. The first suite runs on every database of
 * test/support/databases.ts (SQLite; PostgreSQL when VIGIL_TEST_DATABASE_URL is set); the
 * others cover what only one engine shows: SQLite's pragmas and files, PostgreSQL's type
 * parsing, concurrent migrations, read-only sessions and connection errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL, testDatabases } from '../../test/support/databases.js';
import { isVigilError, type VigilError } from '../shared/errors.js';
import { type Db, type OpenOptions, openDatabase, toDbInteger } from './database.js';
import {
  appliedMigrations,
  KNOWN_MIGRATIONS,
  MIGRATION_TABLE,
  type SqlDialectName,
} from './migrations.js';

const DATABASES = testDatabases();

const folder = mkdtempSync(join(tmpdir(), 'vigil-database-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let files = 0;
function newFile(): string {
  return join(folder, `db-${files++}.db`);
}

const TABLES = [
  'account',
  'api_key',
  'appeal',
  'audit',
  'authority_order',
  'case_file',
  'case_link',
  'case_member',
  'case_note',
  'case_task',
  'custody_link',
  'decision',
  'evidence',
  'hold_target',
  'item',
  'item_identifier',
  'job',
  'ledger_checkpoint',
  'ledger_head',
  'ledger_key',
  'ledger_leaf',
  'ledger_node',
  'legal_hold',
  'link_index',
  'network',
  'notice',
  'pdq_bank',
  'pdq_bank_hash',
  'person',
  'referral',
  'review_job',
  'reviewer_settings',
  'session',
  'share_agreement',
  'share_package',
  'share_partner',
  'share_psi',
  'template',
  'victim_grant',
  'vigil_migration',
  'vigil_migration_lock',
];

const INDEXES = [
  { name: 'account_created', table: 'account' },
  { name: 'account_email', table: 'account' },
  { name: 'api_key_account', table: 'api_key' },
  { name: 'api_key_sha256', table: 'api_key' },
  { name: 'appeal_decided', table: 'appeal' },
  { name: 'appeal_decision', table: 'appeal' },
  { name: 'appeal_filed', table: 'appeal' },
  { name: 'audit_action', table: 'audit' },
  { name: 'audit_actor', table: 'audit' },
  { name: 'audit_at', table: 'audit' },
  { name: 'audit_target', table: 'audit' },
  { name: 'authority_order_received', table: 'authority_order' },
  { name: 'case_file_created', table: 'case_file' },
  { name: 'case_link_target', table: 'case_link' },
  { name: 'case_member_account', table: 'case_member' },
  { name: 'case_note_case', table: 'case_note' },
  { name: 'case_task_case', table: 'case_task' },
  { name: 'custody_link_case', table: 'custody_link' },
  { name: 'custody_link_evidence', table: 'custody_link' },
  { name: 'decision_decided', table: 'decision' },
  { name: 'decision_notice', table: 'decision' },
  { name: 'decision_tdb', table: 'decision' },
  { name: 'evidence_case', table: 'evidence' },
  { name: 'evidence_sha256', table: 'evidence' },
  { name: 'hold_target_hold', table: 'hold_target' },
  { name: 'item_analyzed', table: 'item' },
  { name: 'item_band', table: 'item' },
  { name: 'item_identifier_item', table: 'item_identifier' },
  { name: 'item_identifier_received', table: 'item_identifier' },
  { name: 'item_network', table: 'item' },
  { name: 'item_received', table: 'item' },
  { name: 'item_risk', table: 'item' },
  { name: 'item_source_external', table: 'item' },
  { name: 'item_source_received', table: 'item' },
  { name: 'item_template', table: 'item' },
  { name: 'job_claim', table: 'job' },
  { name: 'job_created', table: 'job' },
  { name: 'job_lease', table: 'job' },
  { name: 'job_ready_key', table: 'job' },
  { name: 'legal_hold_expires', table: 'legal_hold' },
  { name: 'legal_hold_start', table: 'legal_hold' },
  { name: 'network_risk', table: 'network' },
  { name: 'notice_received', table: 'notice' },
  { name: 'pdq_bank_name', table: 'pdq_bank' },
  { name: 'person_case', table: 'person' },
  { name: 'referral_created', table: 'referral' },
  { name: 'review_job_state', table: 'review_job' },
  { name: 'review_job_subject', table: 'review_job' },
  { name: 'session_account', table: 'session' },
  { name: 'session_expires', table: 'session' },
  { name: 'share_package_time', table: 'share_package' },
  { name: 'share_psi_partner', table: 'share_psi' },
  { name: 'template_size', table: 'template' },
];

async function withDb<T>(opening: Promise<Db>, use: (db: Db) => Promise<T>): Promise<T> {
  const db = await opening;
  try {
    return await use(db);
  } finally {
    await db.destroy();
  }
}

async function storeError(promise: Promise<unknown>): Promise<VigilError> {
  try {
    await promise;
  } catch (error) {
    if (isVigilError(error)) return error;
    throw error;
  }
  throw new Error('expected openDatabase to fail');
}

/** Users see message and details; neither may show where the data lives on the host. */
function expectNoHostPath(error: VigilError): void {
  expect(JSON.stringify(error.toJSON())).not.toContain(folder);
}

/** The secondary indexes Vigil created, from the engine's own catalogue. */
async function indexes(db: Db, dialect: SqlDialectName, schema: string | undefined) {
  const { rows } =
    dialect === 'sqlite'
      ? await sql<{ name: string; table: string }>`
          select name, tbl_name as "table" from sqlite_master
          where type = 'index' and sql is not null order by name`.execute(db)
      : await sql<{ name: string; table: string }>`
          select indexname as name, tablename as "table" from pg_indexes
          where schemaname = ${schema} and indexname not like '%_pk' and indexname not like '%_pkey'
          order by indexname`.execute(db);
  return rows;
}

describe.each(DATABASES)('database on $name', (database) => {
  const { open, location, persistent, dialect } = database;

  it('creates every table, index, the single head row and the migration record', async () => {
    const options = await location();
    const schema = database.schemaOf(options);
    await withDb(openDatabase(options), async (db) => {
      // On PostgreSQL the catalogue holds other suites' schemas; Vigil looks at its own only.
      const tables = await db.introspection.getTables();
      expect(tables.map((table) => table.name).sort()).toEqual(TABLES);
      expect(new Set(tables.map((table) => table.schema))).toEqual(new Set([schema]));
      expect(await indexes(db, dialect, schema)).toEqual(INDEXES);
      expect(await db.selectFrom('ledger_head').selectAll().execute()).toEqual([
        { id: 1, size: 0 },
      ]);
      expect(await appliedMigrations(db)).toEqual([...KNOWN_MIGRATIONS]);
      expect(KNOWN_MIGRATIONS[0]).toBe('0001_ledger');
    });
  });

  it('keeps a single head row', () =>
    withDb(open(), async (db) => {
      await expect(
        db.insertInto('ledger_head').values({ id: 2, size: 0 }).execute(),
      ).rejects.toThrow();
    }));

  it('enforces the primary keys', () =>
    withDb(open(), async (db) => {
      const node = { level: 0, idx: 0, hash: new Uint8Array(32) };
      await db.insertInto('ledger_node').values(node).execute();
      await expect(db.insertInto('ledger_node').values(node).execute()).rejects.toThrow();
      await db
        .insertInto('ledger_node')
        .values({ ...node, level: 1 })
        .execute();
      const leaf = { idx: 0, data: new Uint8Array([1]) };
      await db.insertInto('ledger_leaf').values(leaf).execute();
      await expect(db.insertInto('ledger_leaf').values(leaf).execute()).rejects.toThrow();
    }));

  it('stores and returns the row types unchanged', () =>
    withDb(open(), async (db) => {
      const evidence = {
        id: 'ev-1',
        case_id: 'case-1',
        sha256: 'ab'.repeat(32),
        size: 2 ** 40,
        name: 'photo.jpg',
        media_type: 'image/jpeg',
        collected_idx: Number.MAX_SAFE_INTEGER,
        created_at: '2025-01-01T00:00:00.000Z',
      };
      await db.insertInto('evidence').values(evidence).execute();
      expect(await db.selectFrom('evidence').selectAll().execute()).toEqual([evidence]);
      const key = {
        key_id: 'k1',
        name: 'vigil.example/log',
        verifier_key: 'vigil.example/log+abcd+AQ',
        created_at: '2025-01-01T00:00:00.000Z',
        retired_at: null,
      };
      await db.insertInto('ledger_key').values(key).execute();
      expect(await db.selectFrom('ledger_key').selectAll().execute()).toEqual([key]);
      // Every byte value, from a view into a larger buffer: drivers must store the view only.
      const all = Uint8Array.from({ length: 258 }, (_, i) => i % 256);
      const data = all.subarray(1, 257);
      await db.insertInto('ledger_leaf').values({ idx: 0, data }).execute();
      const row = await db.selectFrom('ledger_leaf').select(['idx', 'data']).executeTakeFirst();
      expect(row?.idx).toBe(0);
      expect(Buffer.from(row?.data ?? []).equals(Buffer.from(data))).toBe(true);
    }));

  if (!persistent) return;

  it('reopens a database without migrating again, keeping its data', async () => {
    const options = await location();
    const migrations = (db: Db) =>
      db
        .selectFrom(MIGRATION_TABLE as 'ledger_key')
        .selectAll()
        .execute();
    await withDb(openDatabase(options), async (db) => {
      await db.updateTable('ledger_head').set({ size: 0 }).execute();
      await db
        .insertInto('ledger_leaf')
        .values({ idx: 0, data: new Uint8Array([7]) })
        .execute();
    });
    const before = await withDb(openDatabase(options), migrations);
    await withDb(openDatabase(options), async (db) => {
      expect(await migrations(db)).toEqual(before);
      expect(await db.selectFrom('ledger_head').selectAll().execute()).toEqual([
        { id: 1, size: 0 },
      ]);
      expect(await db.selectFrom('ledger_leaf').select('idx').execute()).toEqual([{ idx: 0 }]);
    });
  });

  it('refuses a database migrated by a newer Vigil', async () => {
    const options = await location();
    await withDb(openDatabase(options), (db) =>
      sql`insert into ${sql.table(MIGRATION_TABLE)} (name, timestamp) values ('9999_future', '2099-01-01T00:00:00.000Z')`.execute(
        db,
      ),
    );
    for (const readonly of [false, true]) {
      const error = await storeError(openDatabase({ ...options, readonly }));
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toMatch(/newer version of Vigil/);
      expect(error.details).toMatchObject({ unknownMigrations: ['9999_future'] });
      expectNoHostPath(error);
    }
  });

  it('opens a migrated database read-only, and refuses one it would have to create', async () => {
    const options = await location();
    await withDb(openDatabase(options), async () => {});
    await withDb(openDatabase({ ...options, readonly: true }), async (db) => {
      expect(await db.selectFrom('ledger_head').select('size').execute()).toEqual([{ size: 0 }]);
      await expect(db.updateTable('ledger_head').set({ size: 1 }).execute()).rejects.toThrow(
        /read-?only/,
      );
    });
    // A file must exist (see the SQLite suite); a PostgreSQL schema may be there, empty.
    const empty = await storeError(openDatabase({ ...(await location()), readonly: true }));
    expect(empty.code).toBe('STORE_UNAVAILABLE');
    if (dialect === 'postgres') expect(empty.message).toMatch(/holds no Vigil database/);
  });
});

describe('database on SQLite', () => {
  it('sets the durability and locking pragmas on a file', () =>
    withDb(openDatabase({ path: newFile() }), async (db) => {
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(2); // FULL
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(5000);
    }));

  it('refuses a file that is not a database, keeping the engine error as the cause', async () => {
    const path = newFile();
    writeFileSync(path, 'this is not a database, only some text that is long enough'.repeat(20));
    const error = await storeError(openDatabase({ path }));
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.details).toEqual({ engineCode: 'SQLITE_NOTADB' });
    expect(error.cause).toBeInstanceOf(Error);
    expectNoHostPath(error);
  });

  it('refuses a folder that does not exist', async () => {
    const error = await storeError(openDatabase({ path: join(folder, 'missing', 'vigil.db') }));
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expectNoHostPath(error);
  });

  it('refuses to open read-only a file that is missing or empty', async () => {
    const missing = await storeError(openDatabase({ path: newFile(), readonly: true }));
    expect(missing.code).toBe('STORE_UNAVAILABLE');
    expectNoHostPath(missing);
    const empty = newFile();
    writeFileSync(empty, '');
    const notVigil = await storeError(openDatabase({ path: empty, readonly: true }));
    expect(notVigil.message).toMatch(/not a Vigil database/);
  });
});

describe('database on PostgreSQL: options and unreachable servers', () => {
  const PASSWORD = 'pw-that-must-not-leak';

  /** Neither what users see nor what logs print (the cause included) holds the password. */
  function expectNoPassword(error: VigilError): void {
    expect(JSON.stringify(error.toJSON())).not.toContain(PASSWORD);
    expect(inspect(error, { depth: 8 })).not.toContain(PASSWORD);
  }

  it('refuses a URL that is not a PostgreSQL URL, without quoting it', async () => {
    const error = await storeError(openDatabase({ url: `mysql://root:${PASSWORD}@db/vigil` }));
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toMatch(/VIGIL_DATABASE_URL/);
    expectNoPassword(error);
  });

  it('refuses a schema name it would have to quote and a pool without connections', async () => {
    const url = 'postgres://vigil@127.0.0.1:1/vigil';
    for (const options of [
      { url, schema: 'Vigil' },
      { url, schema: 'a"; drop table x; --' },
      { url, poolSize: 0 },
      { url, poolSize: 1.5 },
    ]) {
      expect((await storeError(openDatabase(options))).code).toBe('STORE_UNAVAILABLE');
    }
  });

  it('reports a refused connection as STORE_UNAVAILABLE, saying what to check', async () => {
    // Port 1 (tcpmux) is closed on any machine that runs these tests.
    const error = await storeError(
      openDatabase({ url: `postgres://vigil:${PASSWORD}@127.0.0.1:1/vigil` }),
    );
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toMatch(/Cannot reach the PostgreSQL server.*VIGIL_DATABASE_URL/);
    expect(error.details).toEqual({ engineCode: 'ECONNREFUSED' });
    expect(JSON.stringify(error.toJSON())).not.toContain('127.0.0.1');
    expectNoPassword(error);
  });

  describe.runIf(TEST_POSTGRES_URL !== undefined)('on the configured server', () => {
    const url = new URL(TEST_POSTGRES_URL ?? 'postgres://localhost');

    it('reports an unknown database and an unknown user, without the password', async () => {
      const noDatabase = new URL(url);
      noDatabase.password = PASSWORD;
      noDatabase.pathname = '/vigil_no_such_database';
      const database = await storeError(openDatabase({ url: noDatabase.href }));
      expect(database.details).toEqual({ engineCode: '3D000' });
      expect(database.message).toMatch(/does not exist/);
      expectNoPassword(database);

      const noUser = new URL(url);
      noUser.username = 'vigil_no_such_user';
      noUser.password = PASSWORD;
      const user = await storeError(openDatabase({ url: noUser.href }));
      expect(user.details).toEqual({ engineCode: '28000' });
      expect(user.message).toMatch(/refused the user or password/);
      expectNoPassword(user);
    });
  });
});

describe.runIf(TEST_POSTGRES_URL !== undefined)('database on PostgreSQL', () => {
  const database = DATABASES.find((candidate) => candidate.dialect === 'postgres');
  const location = (options?: { createSchema?: boolean }): Promise<OpenOptions> => {
    if (database === undefined) throw new Error('PostgreSQL is configured but not in DATABASES');
    return database.location(options);
  };

  it('reads int8 columns as numbers, refuses one beyond 2^53 - 1, and leaves pg.types alone', async () => {
    await withDb(openDatabase(await location()), async (db) => {
      await db.updateTable('ledger_head').set({ size: Number.MAX_SAFE_INTEGER }).execute();
      expect(await db.selectFrom('ledger_head').select('size').execute()).toEqual([
        { size: Number.MAX_SAFE_INTEGER },
      ]);
      await sql`update ledger_head set size = size + 1`.execute(db);
      const error = await storeError(db.selectFrom('ledger_head').select('size').execute());
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.details).toEqual({ value: '9007199254740992' });
      // The connection is still usable after a refused row.
      expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
    });
    expect(pg.types.getTypeParser(pg.types.builtins.INT8)('12')).toBe('12');
  });

  it('lets processes that open a new database at once take turns migrating it', async () => {
    const options = await location({ createSchema: false });
    const dbs = await Promise.all(Array.from({ length: 4 }, () => openDatabase(options)));
    try {
      for (const db of dbs) {
        expect(await appliedMigrations(db)).toEqual([...KNOWN_MIGRATIONS]);
        expect(await db.selectFrom('ledger_head').selectAll().execute()).toEqual([
          { id: 1, size: 0 },
        ]);
      }
    } finally {
      await Promise.all(dbs.map((db) => db.destroy()));
    }
  });

  it('uses the current schema of the connection when given none', async () => {
    const options = await location();
    const schema = database?.schemaOf(options) ?? '';
    // What a server's user settings would do: a search path naming the test's schema first.
    const url = new URL(TEST_POSTGRES_URL ?? '');
    url.searchParams.set('options', `-c search_path=${schema},public`);
    await withDb(openDatabase({ url: url.href }), async (db) => {
      expect(await appliedMigrations(db)).toEqual([...KNOWN_MIGRATIONS]);
    });
    await withDb(openDatabase(options), async (db) => {
      expect(await appliedMigrations(db)).toEqual([...KNOWN_MIGRATIONS]);
    });
  });

  it('keeps every table in its own schema and starts every transaction read-only when asked', async () => {
    const options = await location();
    await withDb(openDatabase(options), async (db) => {
      const { rows } = await sql<{ schema: string; read_only: string }>`
        select current_schema() as schema,
          current_setting('default_transaction_read_only') as read_only`.execute(db);
      expect(rows).toEqual([{ schema: database?.schemaOf(options), read_only: 'off' }]);
    });
    await withDb(openDatabase({ ...options, readonly: true }), async (db) => {
      const { rows } = await sql<{ read_only: string }>`
        select current_setting('default_transaction_read_only') as read_only`.execute(db);
      expect(rows).toEqual([{ read_only: 'on' }]);
      const error = await db
        .transaction()
        .execute((trx) =>
          trx
            .insertInto('ledger_key')
            .values({
              key_id: 'k',
              name: 'n',
              verifier_key: 'v',
              created_at: 'c',
              retired_at: null,
            })
            .execute(),
        )
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: '25006' });
    });
  });
});

describe('toDbInteger', () => {
  it('passes whole numbers up to 2^53 - 1 and refuses the rest with the given code', () => {
    expect(toDbInteger(0n, 'index', 'PROOF_MALFORMED')).toBe(0);
    expect(toDbInteger(2n ** 53n - 1n, 'index', 'PROOF_MALFORMED')).toBe(Number.MAX_SAFE_INTEGER);
    for (const value of [2n ** 53n, -1n]) {
      let caught: unknown;
      try {
        toDbInteger(value, 'index', 'PROOF_MALFORMED');
      } catch (error) {
        caught = error;
      }
      expect(isVigilError(caught, 'PROOF_MALFORMED')).toBe(true);
      expect((caught as VigilError).details).toEqual({ index: value.toString() });
    }
  });
});
