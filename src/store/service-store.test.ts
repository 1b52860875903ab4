/**
 * The service store on every database of test/support/databases.ts: one transaction across
 * repositories, and (SQLite) transactions that hold the write lock from their start.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { rejection } from '../../test/support/errors.js';
import { parseCustodyEvent } from '../ledger/custody.js';
import { type Db, openDatabase } from './database.js';
import { createLedgerStore } from './ledger-store.js';
import type { ServiceStore } from './repositories.js';
import { dialectOf, storedTime } from './service-common.js';
import { ANALYZE_JOB, ANALYZE_JOB_ITEMS, ingestBatch, openServiceStore } from './service-store.js';

const DATABASES = testDatabases();
const NOW = '2026-03-01T08:00:00.000Z';

describe('stored times', () => {
  it('are ISO 8601 UTC of one width', () => {
    expect(storedTime('2026-03-01T09:00:00+01:00')).toBe(NOW);
    expect(storedTime('2026-03-01T08:00:00Z')).toBe(NOW);
    expect(() => storedTime('yesterday')).toThrow(TypeError);
  });
});

describe.each(DATABASES)('service store on $name', (database) => {
  let db: Db;
  let store: ServiceStore;

  beforeEach(async () => {
    db = await database.open();
    store = openServiceStore(db);
  });
  afterEach(() => db.destroy());

  it('knows its engine', () => {
    expect(dialectOf(db)).toBe(database.dialect);
    expect(store.db).toBe(db);
  });

  it('writes an item, its job and its audit record together or not at all', async () => {
    const ingest = (fail: boolean) =>
      store.transaction(async (trx) => {
        const [result] = await store.items.ingest(
          [{ id: 'a', body: 'x' }],
          { source: 's', receivedAt: NOW },
          trx,
        );
        const job = await store.jobs.enqueue(
          { kind: 'analyze', payload: { items: [result?.id] } },
          NOW,
          trx,
        );
        // A nested transaction joins the outer one.
        await store.transaction(async (inner) => {
          expect(inner).toBe(trx);
          await store.audit.record({ at: NOW, actor: 'system', action: 'items.ingest' }, inner);
        });
        if (fail) throw new Error('roll back');
        return job.id;
      });
    await rejection(ingest(true));
    expect((await store.items.list({}, {})).items).toEqual([]);
    expect(await store.jobs.counts()).toEqual({ ready: 0, running: 0, done: 0, dead: 0 });
    expect((await store.audit.list({}, {})).items).toEqual([]);
    const id = await ingest(false);
    expect((await store.items.list({}, {})).items).toHaveLength(1);
    expect((await store.jobs.get(id))?.state).toBe('ready');
    expect((await store.audit.list({}, {})).items).toHaveLength(1);
  });

  it('ingests a batch with its analyze job and audit record', async () => {
    const items = [
      { id: 'a', body: 'x' },
      { id: 'b', body: 'y' },
    ];
    const first = await ingestBatch(store, items, {
      source: 's',
      now: NOW,
      actor: 'system',
      requestId: 'r1',
    });
    expect(first.results.map((r) => r.created)).toEqual([true, true]);
    expect(first.jobs).toHaveLength(1);
    const job = await store.jobs.get(first.jobs[0] as string);
    expect(job).toMatchObject({
      kind: ANALYZE_JOB,
      payload: { items: first.results.map((r) => r.id) },
      state: 'ready',
    });
    const again = await ingestBatch(store, items, {
      source: 's',
      now: NOW,
      actor: 'account:acc_1',
    });
    expect(again).toEqual({
      results: first.results.map((r) => ({ ...r, created: false })),
      jobs: [],
    });
    const records = (await store.audit.list({ action: 'items.ingest' }, {})).items;
    expect(records.map((r) => [r.actor, r.details])).toEqual(
      expect.arrayContaining([
        ['system', { source: 's', count: 2, created: 2, jobs: first.jobs }],
        ['account:acc_1', { source: 's', count: 2, created: 0 }],
      ]),
    );
  });

  it('queues the analysis of a large batch in jobs of ANALYZE_JOB_ITEMS items', async () => {
    const items = Array.from({ length: 2 * ANALYZE_JOB_ITEMS + 1 }, (_, i) => ({
      id: `i${i}`,
      body: 'x',
    }));
    const { results, jobs } = await ingestBatch(store, items, {
      source: 's',
      now: NOW,
      actor: 'system',
    });
    expect(jobs).toHaveLength(3);
    const payloads = await Promise.all(jobs.map((id) => store.jobs.get(id)));
    expect(
      payloads.flatMap((job) => (job?.payload as { items: string[] } | undefined)?.items ?? []),
    ).toEqual(results.map((r) => r.id));
  });

  it("seals each batch's raw captures in the evidence ledger, with the stored hashes", async () => {
    const ledger = createLedgerStore(db);
    const before = await ledger.size();
    const items = [
      { id: 'a', body: 'x' },
      { id: 'b', title: 'Ünïcode', body: 'y' },
    ];
    const { results } = await ingestBatch(store, items, { source: 's', now: NOW, actor: 'system' });
    expect(await ledger.size()).toBe(before + 1n);
    const event = parseCustodyEvent(
      JSON.parse(new TextDecoder().decode(await ledger.leaf(before))),
    );
    expect(event).toMatchObject({ type: 'collected', time: NOW, actor: { id: 'system' } });
    const stored = await store.items.getMany(results.map((r) => r.id));
    expect(event.evidence.map((e) => e.sha256).sort()).toEqual(
      stored.map((item) => item.sha256).sort(),
    );
    expect(event.evidence.map((e) => e.name).sort()).toEqual(['s/a', 's/b']);
    // A batch that fails stores nothing and seals nothing.
    await expect(
      ingestBatch(store, [{ id: 'c', body: 'z' }], {
        source: 'bad\u0000source',
        now: NOW,
        actor: 'x',
      }),
    ).rejects.toThrow();
    expect(await ledger.size()).toBe(before + 1n);
  });

  it('joins its transaction when a repository is called without it', async () => {
    const failure = new Error('roll back');
    const error = await rejection(
      store.transaction(async () => {
        // Without `trx`: on SQLite a query outside the transaction would wait forever for the
        // connection the transaction holds.
        await store.items.ingest([{ id: 'a', body: 'x' }], { source: 's', receivedAt: NOW });
        expect((await store.items.list({}, {})).items).toHaveLength(1);
        await store.jobs.enqueue({ kind: 'k', payload: null }, NOW);
        throw failure;
      }),
    );
    expect(error).toBe(failure);
    expect((await store.items.list({}, {})).items).toEqual([]);
    expect((await store.jobs.counts()).ready).toBe(0);
  });
});

// SQLite files only: memory databases have one connection, PostgreSQL locks rows, not files.
describe.each(DATABASES.filter((d) => d.dialect === 'sqlite' && d.persistent))(
  'service store on $name',
  (database) => {
    it('holds the SQLite write lock from the start of a transaction', async () => {
      const location = await database.location();
      const path = 'path' in location ? location.path : '';
      const own = await openDatabase(location);
      const other = new Database(path);
      other.pragma('busy_timeout = 0');
      try {
        const mine = openServiceStore(own);
        await mine.transaction(async (trx) => {
          // Only reads so far; another connection still cannot write.
          await mine.items.list({}, {}, trx);
          expect(() =>
            other
              .prepare("insert into audit (id, at, actor, action) values ('x', 'y', 'z', 'w')")
              .run(),
          ).toThrow(/locked|busy/i);
          await mine.audit.record({ at: NOW, actor: 'system', action: 'x' }, trx);
        });
        expect(other.prepare('select count(*) as n from audit').get()).toEqual({ n: 1 });
      } finally {
        other.close();
        await own.destroy();
      }
    });
  },
);
