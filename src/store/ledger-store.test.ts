/**
 * The stored Merkle log against the pure ledger code: every root and proof the store serves must
 * equal the pure result and verify. The suite runs once per database of
 * test/support/databases.ts (SQLite in memory and in a file; PostgreSQL when
 * VIGIL_TEST_DATABASE_URL is set).
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { rejection } from '../../test/support/errors.js';
import {
  appendLeaves,
  consistencyProof,
  EMPTY_FRONTIER,
  EMPTY_ROOT,
  type Hash,
  hashLeaf,
  inclusionProof,
  type NodeSource,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../ledger/merkle.js';
import { isVigilError } from '../shared/errors.js';
import { type Db, openDatabase } from './database.js';
import { createGroupAppender, createLedgerStore, type LedgerStore } from './ledger-store.js';

const DATABASES = testDatabases();

const encoder = new TextEncoder();

/** A custody-event-like leaf whose bytes follow from its index, so any test can recompute it. */
function leafFor(index: number, tag = 'a'): Uint8Array {
  return encoder.encode(`{"event":${index},"tag":"${tag}","note":"${'x'.repeat(index % 17)}"}`);
}

function leavesFor(count: number, tag = 'a'): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => leafFor(i, tag));
}

/** The pure log over the same leaves: a node source from appendLeaves, as a reference. */
function pureLog(leaves: readonly Uint8Array[]) {
  const { nodes } = appendLeaves(EMPTY_FRONTIER, leaves.map(hashLeaf));
  const byId = new Map(nodes.map((node) => [`${node.level}:${node.index}`, node.hash]));
  const source: NodeSource = (level, index) => byId.get(`${level}:${index}`) as Hash;
  return {
    root: (size: bigint) => treeRoot(size, source),
    inclusion: (index: bigint, size: bigint) => inclusionProof(index, size, source),
    consistency: (size1: bigint, size2: bigint) => consistencyProof(size1, size2, source),
  };
}

async function appendInBatches(
  store: LedgerStore,
  leaves: readonly Uint8Array[],
  sizes: readonly number[],
): Promise<void> {
  let start = 0;
  for (const size of sizes) {
    await store.append(leaves.slice(start, start + size));
    start += size;
  }
  await store.append(leaves.slice(start));
}

function hex(list: readonly Uint8Array[]): string {
  return Buffer.concat(list).toString('hex');
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function expectCode(promise: Promise<unknown>, code: string, details?: object) {
  const error = await rejection(promise);
  expect(isVigilError(error) ? error.code : error).toBe(code);
  if (details !== undefined && isVigilError(error)) expect(error.details).toMatchObject(details);
}

describe.each(DATABASES)('ledger store on $name', ({ open }) => {
  let db: Db;
  let store: LedgerStore;

  beforeEach(async () => {
    db = await open();
    store = createLedgerStore(db);
  });
  afterEach(() => db.destroy());

  it('starts empty, with the empty root', async () => {
    expect(await store.size()).toBe(0n);
    expect(await store.root()).toEqual(EMPTY_ROOT);
    expect(await store.verify()).toEqual({ size: 0n, root: EMPTY_ROOT });
    expect(await collect(store.leaves(0n, 0n))).toEqual([]);
  });

  it('appends leaves and reads them back one by one and streamed across pages', async () => {
    const leaves = leavesFor(5000);
    expect(await store.append(leaves.slice(0, 1))).toEqual({ first: 0n, size: 1n });
    expect(await store.append(leaves.slice(1, 4200))).toEqual({ first: 1n, size: 4200n });
    expect(await store.append(leaves.slice(4200))).toEqual({ first: 4200n, size: 5000n });
    expect(await store.size()).toBe(5000n);
    expect(await store.leaf(0n)).toEqual(leaves[0]);
    expect(await store.leaf(4999n)).toEqual(leaves[4999]);
    // Plain Uint8Arrays that hold no more memory than their bytes (pg's Buffers share 8 KiB slabs).
    for (const bytes of [await store.leaf(1n), await store.root()]) {
      expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
      expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
    }
    const streamed = await collect(store.leaves(10n, 4500n));
    expect(streamed.map((row) => row.index)).toEqual(
      Array.from({ length: 4490 }, (_, i) => BigInt(10 + i)),
    );
    // One comparison of the concatenated bytes: thousands of deep equalities take seconds.
    expect(hex(streamed.map((row) => row.data))).toBe(hex(leaves.slice(10, 4500)));
  });

  it('serves the pure roots and proofs for every size, index and pair of sizes', async () => {
    const leaves = leavesFor(37);
    await appendInBatches(store, leaves, [1, 2, 5, 8, 3]);
    const pure = pureLog(leaves);
    for (let size = 0n; size <= 37n; size++) {
      expect(await store.root(size)).toEqual(pure.root(size));
    }
    expect(await store.root()).toEqual(pure.root(37n));
    for (let size = 1n; size <= 37n; size++) {
      const root = await store.root(size);
      for (let index = 0n; index < size; index++) {
        const proof = await store.inclusionProof(index, size);
        expect(proof).toEqual(pure.inclusion(index, size));
        verifyInclusion(hashLeaf(leaves[Number(index)] as Uint8Array), index, size, proof, root);
      }
      for (let size1 = 1n; size1 <= size; size1++) {
        const proof = await store.consistencyProof(size1, size);
        expect(proof).toEqual(pure.consistency(size1, size));
        verifyConsistency(size1, size, proof, await store.root(size1), root);
      }
    }
  });

  it('stores the same log whatever the shape of the batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 70 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 8 }),
        async (count, sizes) => {
          const leaves = leavesFor(count, 'shape');
          const fresh = await open();
          try {
            const shaped = createLedgerStore(fresh);
            await appendInBatches(shaped, leaves, sizes);
            expect(await shaped.size()).toBe(BigInt(count));
            expect(await shaped.root()).toEqual(pureLog(leaves).root(BigInt(count)));
            expect((await shaped.verify()).root).toEqual(await shaped.root());
          } finally {
            await fresh.destroy();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('commits rows written by `also` with the leaves, at the first new index', async () => {
    await store.append(leavesFor(3));
    const result = await store.append(leavesFor(2, 'b'), async (trx, first) => {
      await trx
        .insertInto('custody_link')
        .values([
          { leaf_idx: Number(first), evidence_id: 'ev-1', case_id: 'case-1' },
          { leaf_idx: Number(first) + 1, evidence_id: 'ev-1', case_id: 'case-1' },
        ])
        .execute();
    });
    expect(result).toEqual({ first: 3n, size: 5n });
    const links = await db.selectFrom('custody_link').select('leaf_idx').execute();
    expect(links.map((link) => link.leaf_idx)).toEqual([3, 4]);
  });

  it('rolls the append back when `also` fails: no leaves, no nodes, no head change', async () => {
    await store.append(leavesFor(3));
    const rootBefore = await store.root();
    const failure = new Error('evidence row refused');
    const error = await rejection(
      store.append(leavesFor(4, 'b'), async (trx, first) => {
        await trx
          .insertInto('custody_link')
          .values({ leaf_idx: Number(first), evidence_id: 'ev-1', case_id: 'case-1' })
          .execute();
        throw failure;
      }),
    );
    expect(error).toBe(failure);
    expect(await store.size()).toBe(3n);
    expect(await store.root()).toEqual(rootBefore);
    expect(await db.selectFrom('custody_link').selectAll().execute()).toEqual([]);
    const leafRows = await db.selectFrom('ledger_leaf').select('idx').execute();
    expect(leafRows).toHaveLength(3);
    expect((await store.verify()).size).toBe(3n);
    expect(await store.append(leavesFor(1, 'c'))).toEqual({ first: 3n, size: 4n });
  });

  it('keeps concurrent appends whole, in distinct index ranges that cover the log', async () => {
    const batches = Array.from({ length: 40 }, (_, b) => leavesFor((b * 7) % 13, `batch${b}`));
    const results = await Promise.all(batches.map((batch) => store.append(batch)));
    const total = batches.reduce((sum, batch) => sum + batch.length, 0);
    const ranges = results
      .map((result, b) => ({ ...result, b }))
      .sort((x, y) => Number(x.first - y.first));
    let next = 0n;
    for (const { first, size, b } of ranges) {
      expect(first).toBe(next);
      expect(size - first).toBe(BigInt(batches[b]?.length ?? -1));
      next = size;
    }
    expect(next).toBe(BigInt(total));
    for (const { first, b } of ranges) {
      for (const [i, leaf] of (batches[b] ?? []).entries()) {
        expect(await store.leaf(first + BigInt(i))).toEqual(leaf);
      }
    }
    expect((await store.verify()).size).toBe(BigInt(total));
  });

  it('refuses indices and sizes outside the log with PROOF_MALFORMED', async () => {
    await store.append(leavesFor(5));
    await expectCode(store.leaf(5n), 'PROOF_MALFORMED');
    await expectCode(store.leaf(-1n), 'PROOF_MALFORMED');
    await expectCode(store.leaf(1n << 60n), 'PROOF_MALFORMED');
    await expectCode(store.root(6n), 'PROOF_MALFORMED', { size: '5' });
    await expectCode(store.inclusionProof(5n, 5n), 'PROOF_MALFORMED');
    await expectCode(store.inclusionProof(5n, 6n), 'PROOF_MALFORMED');
    await expectCode(store.inclusionProof(0n, 1n << 60n), 'PROOF_MALFORMED');
    await expectCode(store.consistencyProof(2n, 6n), 'PROOF_MALFORMED');
    await expectCode(store.consistencyProof(0n, 3n), 'PROOF_MALFORMED');
    await expectCode(collect(store.leaves(0n, 6n)), 'PROOF_MALFORMED');
    await expectCode(collect(store.leaves(3n, 2n)), 'PROOF_MALFORMED');
    await expectCode(store.saveCheckpoint(6n, 'note', '2025-01-01T00:00:00Z'), 'PROOF_MALFORMED');
  });

  it('saves checkpoints, keeping the first note for a size, and lists them in order', async () => {
    expect(await store.latestCheckpoint()).toBeUndefined();
    await store.append(leavesFor(10));
    await store.saveCheckpoint(4n, 'note 4', '2025-01-01T00:00:00Z');
    await store.saveCheckpoint(10n, 'note 10', '2025-01-02T00:00:00Z');
    await store.saveCheckpoint(7n, 'note 7', '2025-01-03T00:00:00Z');
    await store.saveCheckpoint(4n, 'note 4 again', '2025-01-04T00:00:00Z');
    expect(await store.latestCheckpoint()).toEqual({
      size: 10n,
      note: 'note 10',
      signedAt: '2025-01-02T00:00:00Z',
    });
    const all = await collect(store.checkpoints());
    expect(all.map((checkpoint) => [checkpoint.size, checkpoint.note])).toEqual([
      [4n, 'note 4'],
      [7n, 'note 7'],
      [10n, 'note 10'],
    ]);
  });

  describe('verify', () => {
    const COUNT = 4100; // more than one page of leaves
    let leaves: Uint8Array[];

    beforeEach(async () => {
      leaves = leavesFor(COUNT);
      await appendInBatches(store, leaves, [1, 999, 3000]);
    });

    async function flipByte(table: 'ledger_leaf' | 'ledger_node', level: number, idx: number) {
      if (table === 'ledger_leaf') {
        const row = await db
          .selectFrom('ledger_leaf')
          .select('data')
          .where('idx', '=', idx)
          .executeTakeFirstOrThrow();
        const data = Uint8Array.from(row.data);
        data[3] = (data[3] ?? 0) ^ 1;
        await db.updateTable('ledger_leaf').set({ data }).where('idx', '=', idx).execute();
        return;
      }
      const row = await db
        .selectFrom('ledger_node')
        .select('hash')
        .where('level', '=', level)
        .where('idx', '=', idx)
        .executeTakeFirstOrThrow();
      const hash = Uint8Array.from(row.hash);
      hash[31] = (hash[31] ?? 0) ^ 0x80;
      await db
        .updateTable('ledger_node')
        .set({ hash })
        .where('level', '=', level)
        .where('idx', '=', idx)
        .execute();
    }

    function setHead(size: number) {
      return db.updateTable('ledger_head').set({ size }).where('id', '=', 1).execute();
    }

    it('recomputes the log and reports progress up to the size', async () => {
      const progress: bigint[] = [];
      const result = await store.verify((done, total) => {
        expect(total).toBe(BigInt(COUNT));
        progress.push(done);
      });
      expect(result).toEqual({ size: BigInt(COUNT), root: pureLog(leaves).root(BigInt(COUNT)) });
      expect(progress).toEqual([...progress].sort((a, b) => Number(a - b)));
      expect(progress.at(-1)).toBe(BigInt(COUNT));
    });

    it('finds a flipped byte in a leaf', async () => {
      await flipByte('ledger_leaf', 0, 4097);
      await expectCode(store.verify(), 'LEDGER_CORRUPT', {
        position: '4097',
        what: 'leaf hash mismatch',
      });
    });

    it('finds a flipped byte in a leaf hash', async () => {
      await flipByte('ledger_node', 0, 12);
      await expectCode(store.verify(), 'LEDGER_CORRUPT', {
        position: '12',
        what: 'leaf hash mismatch',
      });
    });

    it('finds a flipped byte in an inner node', async () => {
      await flipByte('ledger_node', 3, 100);
      await expectCode(store.verify(), 'LEDGER_CORRUPT', {
        level: 3,
        index: '100',
        what: 'node hash mismatch',
      });
    });

    it('finds a missing node and a missing leaf', async () => {
      await db.deleteFrom('ledger_node').where('level', '=', 5).where('idx', '=', 2).execute();
      await expectCode(store.verify(), 'LEDGER_CORRUPT', {
        level: 5,
        index: '2',
        what: 'node missing',
      });
      await expectCode(store.inclusionProof(0n, 96n), 'LEDGER_CORRUPT', { level: 5, index: '2' });
      await db.deleteFrom('ledger_leaf').where('idx', '=', 40).execute();
      await expectCode(store.verify(), 'LEDGER_CORRUPT', { position: '40', what: 'leaf missing' });
      await expectCode(store.leaf(40n), 'LEDGER_CORRUPT', { position: '40' });
    });

    it('finds a head size set forward (leaves missing) or back (leaves beyond it)', async () => {
      await setHead(COUNT + 3);
      await expectCode(store.verify(), 'LEDGER_CORRUPT', {
        position: String(COUNT),
        what: 'leaf missing',
      });
      await setHead(COUNT - 2);
      await expectCode(store.verify(), 'LEDGER_CORRUPT', {
        position: String(COUNT - 2),
        what: 'leaf beyond head',
      });
    });

    it('finds nodes and checkpoints beyond the head', async () => {
      await db
        .insertInto('ledger_node')
        .values({ level: 12, idx: 1, hash: new Uint8Array(32) })
        .execute();
      await expectCode(store.verify(), 'LEDGER_CORRUPT', {
        level: 12,
        index: '1',
        what: 'node beyond head',
      });
      await db.deleteFrom('ledger_node').where('level', '=', 12).where('idx', '=', 1).execute();
      await db
        .insertInto('ledger_checkpoint')
        .values({ size: COUNT + 1, note: 'forged', signed_at: '2025-01-01T00:00:00Z' })
        .execute();
      await expectCode(store.verify(), 'LEDGER_CORRUPT', {
        size: String(COUNT + 1),
        what: 'checkpoint beyond head',
      });
    });
  });

  describe('group appender', () => {
    function countingStore() {
      const batches: number[] = [];
      const counted: LedgerStore = {
        ...store,
        append: (leaves, also) => {
          batches.push(leaves.length);
          return store.append(leaves, also);
        },
      };
      return { counted, batches };
    }

    it('gathers concurrent callers into few commits, each resolving with its own index', async () => {
      const { counted, batches } = countingStore();
      const appender = createGroupAppender(counted, { maxBatch: 300 });
      const leaves = leavesFor(1000, 'group');
      const indices = await Promise.all(leaves.map((leaf) => appender.append(leaf)));
      expect(new Set(indices).size).toBe(1000);
      expect(batches.length).toBeLessThan(10);
      expect(Math.max(...batches)).toBeLessThanOrEqual(300);
      expect(batches.reduce((a, b) => a + b, 0)).toBe(1000);
      for (const [i, leaf] of leaves.entries()) {
        expect(await store.leaf(indices[i] as bigint)).toEqual(leaf);
      }
    });

    it('batches callers that arrive while a commit runs, and flush waits for them', async () => {
      const { counted, batches } = countingStore();
      const appender = createGroupAppender(counted);
      const first = appender.append(leafFor(0));
      await Promise.resolve();
      const rest = Array.from({ length: 20 }, (_, i) => appender.append(leafFor(i + 1)));
      await appender.flush();
      expect(await store.size()).toBe(21n);
      expect(await first).toBe(0n);
      expect(await Promise.all(rest)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i + 1)));
      expect(batches).toEqual([1, 20]);
    });

    it('rejects every caller of a failed commit and carries on with the next', async () => {
      let fail = true;
      const failing: LedgerStore = {
        ...store,
        append: (leaves, also) =>
          fail ? Promise.reject(new Error('disk full')) : store.append(leaves, also),
      };
      const appender = createGroupAppender(failing);
      const doomed = [appender.append(leafFor(0)), appender.append(leafFor(1))];
      const outcomes = await Promise.allSettled(doomed);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
      fail = false;
      expect(await appender.append(leafFor(2))).toBe(0n);
    });
  });
});

describe.each(DATABASES.filter((database) => database.persistent))(
  'ledger store on $name opened read-only',
  ({ location, dialect }) => {
    it('refuses to append with STORE_UNAVAILABLE and the engine code; nothing is written', async () => {
      const options = await location();
      const writable = await openDatabase(options);
      await createLedgerStore(writable).append([new Uint8Array([1])]);
      await writable.destroy();
      const db = await openDatabase({ ...options, readonly: true });
      try {
        const error = await rejection(createLedgerStore(db).append([new Uint8Array([2])]));
        expect(isVigilError(error, 'STORE_UNAVAILABLE')).toBe(true);
        expect(isVigilError(error) && error.details).toEqual({
          // SQLSTATE 25006: read_only_sql_transaction.
          engine: dialect === 'sqlite' ? 'SQLITE_READONLY' : '25006',
        });
        expect(await createLedgerStore(db).size()).toBe(1n);
      } finally {
        await db.destroy();
      }
    });
  },
);

describe.each(DATABASES.filter((database) => database.dialect === 'postgres'))(
  'ledger store on $name shared by several processes',
  ({ location }) => {
    it('serialises appends from separate pools on the head row: ranges stay whole and distinct', async () => {
      const options = await location();
      // Each Db stands for a process: its own pool, store, serialiser and node memo.
      const dbs = await Promise.all(Array.from({ length: 3 }, () => openDatabase(options)));
      try {
        const stores = dbs.map((db) => createLedgerStore(db));
        const batches = Array.from({ length: 30 }, (_, b) => leavesFor(1 + (b % 5), `p${b}`));
        const results = await Promise.all(
          batches.map((batch, b) => (stores[b % stores.length] as LedgerStore).append(batch)),
        );
        const ranges = results
          .map((result, b) => ({ ...result, b }))
          .sort((x, y) => Number(x.first - y.first));
        let next = 0n;
        for (const { first, size, b } of ranges) {
          expect(first).toBe(next);
          expect(size - first).toBe(BigInt(batches[b]?.length ?? -1));
          next = size;
        }
        const [one, two] = stores as [LedgerStore, LedgerStore];
        expect((await one.verify()).size).toBe(next);
        expect(await two.root()).toEqual(await one.root());
        for (const { first, b } of ranges) {
          expect(await two.leaf(first)).toEqual(batches[b]?.[0]);
        }
      } finally {
        await Promise.all(dbs.map((db) => db.destroy()));
      }
    });
  },
);
