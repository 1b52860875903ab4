/**
 * Opening and migrating the database. The first suite runs on every database in DATABASES
 * (PostgreSQL joins the list with its dialect); the SQLite suite covers what only a file shows:
 * pragmas, reopening, read-only opens and files that are not Vigil databases.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { isVigilError, type VigilError } from '../shared/errors.js';
import { type Db, openDatabase, toDbInteger } from './database.js';
import { appliedMigrations, KNOWN_MIGRATIONS, MIGRATION_TABLE } from './migrations.js';

const folder = mkdtempSync(join(tmpdir(), 'vigil-database-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let files = 0;
function newFile(): string {
  return join(folder, `db-${files++}.db`);
}

const DATABASES: readonly { name: string; open: () => Promise<Db> }[] = [
  { name: 'SQLite in memory', open: () => openDatabase({ path: ':memory:' }) },
  { name: 'SQLite file', open: () => openDatabase({ path: newFile() }) },
];

const TABLES = [
  'custody_link',
  'evidence',
  'ledger_checkpoint',
  'ledger_head',
  'ledger_key',
  'ledger_leaf',
  'ledger_node',
  'vigil_migration',
  'vigil_migration_lock',
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

describe.each(DATABASES)('database on $name', ({ open }) => {
  it('creates every table, the single head row and the migration record', () =>
    withDb(open(), async (db) => {
      const tables = await db.introspection.getTables();
      expect(tables.map((table) => table.name).sort()).toEqual(TABLES);
      expect(await db.selectFrom('ledger_head').selectAll().execute()).toEqual([
        { id: 1, size: 0 },
      ]);
      expect(await appliedMigrations(db)).toEqual([...KNOWN_MIGRATIONS]);
      expect(KNOWN_MIGRATIONS[0]).toBe('0001_ledger');
    }));

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
    }));
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

  it('creates the indexes of migration 0001', () =>
    withDb(openDatabase({ path: ':memory:' }), async (db) => {
      const indexes = await sql<{ name: string; tbl_name: string }>`
        select name, tbl_name from sqlite_master where type = 'index' and sql is not null
        order by name`.execute(db);
      expect(indexes.rows).toEqual([
        { name: 'custody_link_case', tbl_name: 'custody_link' },
        { name: 'custody_link_evidence', tbl_name: 'custody_link' },
        { name: 'evidence_case', tbl_name: 'evidence' },
        { name: 'evidence_sha256', tbl_name: 'evidence' },
      ]);
    }));

  it('reopens a file without migrating again, keeping its data', async () => {
    const path = newFile();
    await withDb(openDatabase({ path }), async (db) => {
      await db.updateTable('ledger_head').set({ size: 0 }).execute();
      await db
        .insertInto('ledger_leaf')
        .values({ idx: 0, data: new Uint8Array([7]) })
        .execute();
    });
    const before = await withDb(openDatabase({ path }), (db) =>
      db
        .selectFrom(MIGRATION_TABLE as 'ledger_key')
        .selectAll()
        .execute(),
    );
    await withDb(openDatabase({ path }), async (db) => {
      expect(
        await db
          .selectFrom(MIGRATION_TABLE as 'ledger_key')
          .selectAll()
          .execute(),
      ).toEqual(before);
      expect(await db.selectFrom('ledger_head').selectAll().execute()).toEqual([
        { id: 1, size: 0 },
      ]);
      expect(await db.selectFrom('ledger_leaf').select('idx').execute()).toEqual([{ idx: 0 }]);
    });
  });

  it('refuses a database migrated by a newer Vigil', async () => {
    const path = newFile();
    await withDb(openDatabase({ path }), (db) =>
      sql`insert into ${sql.table(MIGRATION_TABLE)} (name, timestamp) values ('9999_future', '2099-01-01T00:00:00.000Z')`.execute(
        db,
      ),
    );
    for (const readonly of [false, true]) {
      const error = await storeError(openDatabase({ path, readonly }));
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toMatch(/newer version of Vigil/);
      expect(error.details).toMatchObject({ unknownMigrations: ['9999_future'] });
      expectNoHostPath(error);
    }
  });

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

  it('opens a migrated file read-only, and refuses files it would have to create or migrate', async () => {
    const path = newFile();
    await withDb(openDatabase({ path }), async () => {});
    await withDb(openDatabase({ path, readonly: true }), async (db) => {
      expect(await db.selectFrom('ledger_head').select('size').execute()).toEqual([{ size: 0 }]);
      await expect(db.updateTable('ledger_head').set({ size: 1 }).execute()).rejects.toThrow(
        /readonly/,
      );
    });
    const missing = await storeError(openDatabase({ path: newFile(), readonly: true }));
    expect(missing.code).toBe('STORE_UNAVAILABLE');
    const empty = newFile();
    writeFileSync(empty, '');
    const notVigil = await storeError(openDatabase({ path: empty, readonly: true }));
    expect(notVigil.message).toMatch(/not a Vigil database/);
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
