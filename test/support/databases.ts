/**
 * The databases the store suites run on, as Kysely's own suites loop over their dialects: SQLite
 * always (in memory and in a file), and PostgreSQL when VIGIL_TEST_DATABASE_URL names a server,
 * e.g. `postgres://postgres@127.0.0.1:5432/test`. Each database a test opens lives in a place of
 * its own (a new file, or a new schema `vigil_test_<random>`), so tests and test files running in
 * parallel never meet; the files and schemas are removed after the test file.
 *
 * A configured PostgreSQL that cannot be reached fails the tests: it is never skipped, so CI
 * notices a broken database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import { type Db, type OpenOptions, openDatabase } from '../../src/store/database.js';
import type { SqlDialectName } from '../../src/store/migrations.js';

/** The PostgreSQL server the tests may use; undefined runs them on SQLite only. */
export const TEST_POSTGRES_URL = process.env.VIGIL_TEST_DATABASE_URL || undefined;

export interface TestDatabase {
  /** For test titles: `SQLite in memory`, `SQLite file`, `PostgreSQL`. */
  readonly name: string;
  readonly dialect: SqlDialectName;
  /** Whether opening a location again finds what was written there (not so for ':memory:'). */
  readonly persistent: boolean;
  /**
   * Options for a new, empty place of its own, with no database in it yet: a file name in a
   * folder that exists, or an empty schema. Tests open it themselves (again, read-only, …).
   * `createSchema: false` leaves a PostgreSQL schema for openDatabase to create.
   */
  location(options?: { createSchema?: boolean }): Promise<OpenOptions>;
  /** A new, migrated database at a new location. */
  open(): Promise<Db>;
  /** The PostgreSQL schema of a location, which some catalogue queries need; SQLite has none. */
  schemaOf(location: OpenOptions): string | undefined;
}

/**
 * Every database to test, for `describe.each`. Call once, at the top of a test file: it
 * registers the clean-up of the file's databases.
 */
export function testDatabases(): readonly TestDatabase[] {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const databases = [sqliteInMemory(), sqliteFiles(cleanups)];
  if (TEST_POSTGRES_URL !== undefined) databases.push(postgres(TEST_POSTGRES_URL, cleanups));
  return databases;
}

function sqliteInMemory(): TestDatabase {
  return {
    name: 'SQLite in memory',
    dialect: 'sqlite',
    persistent: false,
    location: async () => ({ path: ':memory:' }),
    open: () => openDatabase({ path: ':memory:' }),
    schemaOf: () => undefined,
  };
}

function sqliteFiles(cleanups: (() => Promise<void>)[]): TestDatabase {
  let folder: string | undefined;
  let files = 0;
  const location = async () => {
    if (folder === undefined) {
      const created = mkdtempSync(join(tmpdir(), 'vigil-test-db-'));
      folder = created;
      cleanups.push(async () => rmSync(created, { recursive: true, force: true }));
    }
    return { path: join(folder, `db-${files++}.db`) };
  };
  return {
    name: 'SQLite file',
    dialect: 'sqlite',
    persistent: true,
    location,
    open: async () => openDatabase(await location()),
    schemaOf: () => undefined,
  };
}

function postgres(url: string, cleanups: (() => Promise<void>)[]): TestDatabase {
  let admin: pg.Pool | undefined;
  const schemas: string[] = [];
  const adminPool = () => {
    if (admin === undefined) {
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      pool.on('error', () => undefined);
      admin = pool;
      cleanups.push(async () => {
        try {
          for (const schema of schemas) await pool.query(`drop schema if exists ${schema} cascade`);
        } finally {
          await pool.end();
        }
      });
    }
    return admin;
  };
  const location = async ({ createSchema = true } = {}) => {
    const schema = newSchemaName();
    schemas.push(schema);
    try {
      const pool = adminPool();
      if (createSchema) await pool.query(`create schema ${schema}`);
    } catch (error) {
      throw new Error(
        `VIGIL_TEST_DATABASE_URL is set, but creating a test schema there failed (is the server running?): ${String(error)}`,
        { cause: error },
      );
    }
    return { url, schema, poolSize: 4 };
  };
  return {
    name: 'PostgreSQL',
    dialect: 'postgres',
    persistent: true,
    location,
    open: async () => openDatabase(await location()),
    schemaOf: (options) => ('schema' in options ? options.schema : undefined),
  };
}

/** A schema name for a test's database, unique across parallel test files and runs. */
function newSchemaName(): string {
  return `vigil_test_${randomBytes(8).toString('hex')}`;
}
