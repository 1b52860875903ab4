/**
 * The evidence ledger's Merkle log (RFC 9162) in the database. Leaves and the hashes of every
 * perfect subtree are stored once, when the subtree completes, and never change; roots and
 * proofs for any size up to the head are computed by the pure ledger code from a handful of
 * stored nodes, read in one query.
 */
import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import {
  appendLeaves,
  consistencyNodeIds,
  consistencyProof,
  type EdgeCache,
  type Frontier,
  frontierNodeIds,
  frontierRoot,
  type Hash,
  hashChildren,
  hashLeaf,
  inclusionNodeIds,
  inclusionProof,
  type NodeId,
  type NodeSource,
  rootNodeIds,
  type StoredNode,
  treeRoot,
} from '../ledger/merkle.js';
import { VigilError } from '../shared/errors.js';
import { type Db, toDbInteger, type VigilDatabase } from './database.js';

export interface Checkpoint {
  readonly size: bigint;
  readonly note: string;
  readonly signedAt: string;
}

export interface LedgerStore {
  size(): Promise<bigint>;
  /**
   * Appends leaves (canonical custody event bytes) in one transaction, durable when the promise
   * resolves. `also` runs inside the same transaction with the index of the first new leaf, so
   * rows it writes and the leaves commit or fail together. Appends are serialised within the
   * process, and across processes by the lock the head update takes first.
   */
  append(
    leaves: readonly Uint8Array[],
    also?: (trx: Transaction<VigilDatabase>, first: bigint) => Promise<void>,
  ): Promise<{ readonly first: bigint; readonly size: bigint }>;
  leaf(index: bigint): Promise<Uint8Array>;
  /** Leaves `from` (inclusive) to `to` (exclusive), read in pages. */
  leaves(from: bigint, to: bigint): AsyncIterable<{ index: bigint; data: Uint8Array }>;
  /** The root of the log at `size` (default: the head). */
  root(size?: bigint): Promise<Hash>;
  inclusionProof(index: bigint, size: bigint): Promise<Hash[]>;
  consistencyProof(size1: bigint, size2: bigint): Promise<Hash[]>;
  /** Stores a signed checkpoint; a size already checkpointed keeps its first note. */
  saveCheckpoint(size: bigint, note: string, signedAt: string): Promise<void>;
  latestCheckpoint(): Promise<Checkpoint | undefined>;
  /** Every stored checkpoint, smallest size first. */
  checkpoints(): AsyncIterable<Checkpoint>;
  /**
   * Recomputes the whole stored log in one streaming pass: every leaf hash from its data, every
   * stored node from its children, no rows beyond the head, no checkpoint beyond the head.
   * Returns the head size and root (the caller checks checkpoint signatures and roots); throws
   * LEDGER_CORRUPT at the first mismatch. `onProgress` counts leaves.
   */
  verify(onProgress?: (done: bigint, total: bigint) => void): Promise<{ size: bigint; root: Hash }>;
}

/**
 * Rows per multi-row insert: 3 bound values per node row keeps a statement under SQLite's
 * 32,766 variables (PostgreSQL allows 65,535).
 */
const ROWS_PER_INSERT = 10_000;
/** Rows per page when streaming; pages keep memory flat however long the log grows. */
const PAGE_ROWS = 4096;
const HEAD_ID = 1;

type Reader = Kysely<VigilDatabase>;

export function createLedgerStore(db: Db): LedgerStore {
  const serialise = createSerialiser();
  const memo = createNodeMemo();
  const edges: EdgeCache = new Map();
  return {
    size: () => readSize(db),

    async append(leaves, also) {
      // A leaf hash does not depend on the leaf's position: hash before taking the lock.
      const leafHashes = leaves.map(hashLeaf);
      return serialise(async () => {
        let added: readonly StoredNode[] = [];
        const result = await db
          .transaction()
          .execute(async (trx) => {
            const size = await growHead(trx, leaves.length);
            const first = size - BigInt(leaves.length);
            const { nodes } = appendLeaves(await readFrontier(trx, first), leafHashes);
            await insertLeaves(trx, first, leaves);
            await insertNodes(trx, nodes);
            if (also !== undefined) await also(trx, first);
            added = nodes;
            return { first, size };
          })
          .catch((error: unknown) => {
            throw writeRefused(error);
          });
        // Only once committed: a rolled-back append must leave nothing behind, memo included.
        for (const node of added) memo.remember(node.level, node.index, node.hash);
        if (result.size > memo.knownSize) memo.knownSize = result.size;
        return result;
      });
    },

    async leaf(index) {
      const row = await db
        .selectFrom('ledger_leaf')
        .select('data')
        .where('idx', '=', dbIndex(index, 'leaf index'))
        .executeTakeFirst();
      if (row !== undefined) return bytes(row.data);
      const size = await readSize(db);
      if (index >= size) throw beyondLog('leaf index', index, size);
      throw missingLeaf(index);
    },

    async *leaves(from, to) {
      const size = await readSize(db);
      if (to > size) throw beyondLog('range end', to, size);
      if (from > to) {
        throw malformed(`The range start ${from} is after its end ${to}.`, { from, to });
      }
      for (let next = from; next < to; ) {
        const page = await readLeafPage(db, next, minBigint(next + BigInt(PAGE_ROWS), to));
        for (const row of page) {
          if (BigInt(row.idx) !== next) throw missingLeaf(next);
          yield { index: next, data: bytes(row.data) };
          next++;
        }
        if (page.length === 0) throw missingLeaf(next);
      }
    },

    async root(size) {
      if (size === undefined) {
        const head = await readSize(db);
        return treeRoot(head, await readNodes(db, rootNodeIds(head), memo));
      }
      return treeRoot(size, await readNodesUpTo(db, size, rootNodeIds(size), memo));
    },

    async inclusionProof(index, size) {
      await memo.warm(db);
      const ids = inclusionNodeIds(index, size);
      return inclusionProof(index, size, await readNodesUpTo(db, size, ids, memo), edges);
    },

    async consistencyProof(size1, size2) {
      await memo.warm(db);
      const ids = consistencyNodeIds(size1, size2);
      return consistencyProof(size1, size2, await readNodesUpTo(db, size2, ids, memo), edges);
    },

    async saveCheckpoint(size, note, signedAt) {
      const head = await readSize(db);
      if (size > head) throw beyondLog('checkpoint size', size, head);
      await db
        .insertInto('ledger_checkpoint')
        .values({ size: dbIndex(size, 'checkpoint size'), note, signed_at: signedAt })
        .onConflict((conflict) => conflict.column('size').doNothing())
        .execute();
    },

    async latestCheckpoint() {
      const row = await db
        .selectFrom('ledger_checkpoint')
        .selectAll()
        .orderBy('size', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? undefined : toCheckpoint(row);
    },

    async *checkpoints() {
      for (let after = -1; ; ) {
        const page = await db
          .selectFrom('ledger_checkpoint')
          .selectAll()
          .where('size', '>', after)
          .orderBy('size')
          .limit(PAGE_ROWS)
          .execute();
        if (page.length === 0) return;
        for (const row of page) yield toCheckpoint(row);
        after = Number(page.at(-1)?.size);
      }
    },

    verify: (onProgress) => verifyLog(db, onProgress),
  };
}

/**
 * Runs tasks one at a time in call order. On SQLite Kysely's single connection would queue
 * them anyway; on a PostgreSQL pool it keeps this process's appends from occupying several
 * connections that only wait for the head's row lock.
 */
function createSerialiser(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
}

async function readSize(db: Reader): Promise<bigint> {
  const row = await db
    .selectFrom('ledger_head')
    .select('size')
    .where('id', '=', HEAD_ID)
    .executeTakeFirst();
  if (row === undefined) throw corrupt('The ledger head row is missing.', { what: 'head missing' });
  return BigInt(row.size);
}

/**
 * Updating the head is the first statement of every append: it takes the write lock (SQLite)
 * or the head's row lock (PostgreSQL) before anything is read, so appends from other processes
 * wait instead of building on a frontier that is about to change.
 */
async function growHead(trx: Transaction<VigilDatabase>, count: number): Promise<bigint> {
  const row = await trx
    .updateTable('ledger_head')
    .set((eb) => ({ size: eb('size', '+', count) }))
    .where('id', '=', HEAD_ID)
    .returning('size')
    .executeTakeFirst();
  if (row === undefined) throw corrupt('The ledger head row is missing.', { what: 'head missing' });
  return BigInt(row.size);
}

async function readFrontier(db: Reader, size: bigint): Promise<Frontier> {
  const ids = frontierNodeIds(size);
  const node = await readNodes(db, ids);
  return { size, hashes: ids.map((id) => node(id.level, id.index)) };
}

async function insertLeaves(
  trx: Transaction<VigilDatabase>,
  first: bigint,
  leaves: readonly Uint8Array[],
): Promise<void> {
  for (let start = 0; start < leaves.length; start += ROWS_PER_INSERT) {
    const rows = leaves.slice(start, start + ROWS_PER_INSERT).map((data, i) => ({
      idx: dbIndex(first + BigInt(start + i), 'leaf index'),
      data,
    }));
    await trx.insertInto('ledger_leaf').values(rows).execute();
  }
}

async function insertNodes(
  trx: Transaction<VigilDatabase>,
  nodes: readonly StoredNode[],
): Promise<void> {
  for (let start = 0; start < nodes.length; start += ROWS_PER_INSERT) {
    const rows = nodes.slice(start, start + ROWS_PER_INSERT).map((node) => ({
      level: node.level,
      idx: dbIndex(node.index, 'node index'),
      hash: node.hash,
    }));
    await trx.insertInto('ledger_node').values(rows).execute();
  }
}

function nodeKey(level: number, index: bigint): string {
  return `${level}:${index}`;
}

/**
 * Hashes of perfect subtrees never change once written (a subtree is complete or absent), so the
 * upper levels, which every proof reads, are kept in memory: loaded once on the first proof,
 * then added to by this process's own appends (nodes that other processes append are read from
 * the database like the rest). A proof then reads only its lowest levels from the database:
 * random node lookups cost ~6 µs each in a 1 GB SQLite file, and a proof at 10M leaves has 25.
 * Bounded: the lowest memo level is chosen so that at most about MEMO_NODES nodes are held.
 */
const MEMO_NODES = 2_000_000;
/** Loading the memo pays off over many proofs (a bundle export), not for a handful. */
const MEMO_AFTER_PROOFS = 100;
const MIN_MEMO_LEVEL = 4;

interface NodeMemo {
  get(level: number, index: bigint): Hash | undefined;
  remember(level: number, index: bigint, hash: Hash): void;
  /** Counts a proof; loads the upper levels of the stored tree once enough were asked for. */
  warm(db: Reader): Promise<void>;
  /** A size the log is known to have reached: sizes up to it need no check against the head. */
  knownSize: bigint;
}

function createNodeMemo(): NodeMemo {
  // One map per level, keyed by the index as a number (indices stay below 2^53 in the store).
  const levels: Map<number, Hash>[] = [];
  let held = 0;
  let lowest = Number.POSITIVE_INFINITY;
  let warming: Promise<void> | undefined;
  let proofs = 0;
  const remember = (level: number, index: bigint, hash: Hash) => {
    if (level < lowest || held >= MEMO_NODES) return;
    let nodes = levels[level];
    if (nodes === undefined) {
      nodes = new Map();
      levels[level] = nodes;
    }
    nodes.set(Number(index), hash);
    held++;
  };
  return {
    knownSize: 0n,
    get: (level, index) => (level < lowest ? undefined : levels[level]?.get(Number(index))),
    remember,
    warm(db) {
      if (++proofs < MEMO_AFTER_PROOFS) return Promise.resolve();
      warming ??= (async () => {
        const size = await readSize(db);
        // A tree of n leaves has about n / 2^(l - 1) nodes from level l up.
        const wanted = Math.max(MIN_MEMO_LEVEL, bitLength(size / BigInt(MEMO_NODES / 2)) + 1);
        for (let level = bitLength(size); level >= wanted; level--) {
          const rows = await db
            .selectFrom('ledger_node')
            .select(['idx', 'hash'])
            .where('level', '=', level)
            .execute();
          lowest = level;
          for (const row of rows) remember(level, BigInt(row.idx), bytes(row.hash));
        }
      })();
      return warming;
    },
  };
}

/**
 * The node query compiled once per number of nodes: building and compiling a Kysely query costs
 * more than running it for the few indexed lookups a proof needs. The compiled SQL is the
 * dialect's own, so only the parameters change from one proof to the next.
 */
const nodeQueries = new WeakMap<Reader, Map<number, CompiledQuery<NodeRow>>>();

interface NodeRow {
  level: number;
  idx: number;
  hash: Uint8Array;
}

function nodeQuery(db: Reader, count: number): CompiledQuery<NodeRow> {
  let byCount = nodeQueries.get(db);
  if (byCount === undefined) {
    byCount = new Map();
    nodeQueries.set(db, byCount);
  }
  let query = byCount.get(count);
  if (query === undefined) {
    // A row-value list, `(level, idx) in ((?, ?), ...)`, is PostgreSQL's and SQLite's (3.53 in
    // better-sqlite3); on SQLite it runs in less than half the time of the same lookups joined
    // by `or` (the 17 nodes of a proof at 100,000 leaves: 86 µs against 199 µs).
    query = db
      .selectFrom('ledger_node')
      .select(['level', 'idx', 'hash'])
      .where((eb) =>
        eb(
          eb.refTuple('level', 'idx'),
          'in',
          Array.from({ length: count }, () => eb.tuple(0, 0)),
        ),
      )
      .compile();
    if (count <= 256) byCount.set(count, query);
  }
  return query;
}

/**
 * The given nodes in one query, as the synchronous source the pure Merkle code reads. Nodes the
 * memo holds are not read again.
 */
async function readNodes(db: Reader, ids: readonly NodeId[], memo?: NodeMemo): Promise<NodeSource> {
  const found = new Map<string, Hash>();
  const parameters: number[] = [];
  for (const id of ids) {
    if (memo?.get(id.level, id.index) === undefined) {
      parameters.push(id.level, dbIndex(id.index, 'node index'));
    }
  }
  if (parameters.length > 0) {
    const query = nodeQuery(db, parameters.length / 2);
    const { rows } = await db.executeQuery<NodeRow>({ ...query, parameters });
    for (const row of rows) {
      const index = BigInt(row.idx);
      const hash = bytes(row.hash);
      found.set(nodeKey(row.level, index), hash);
      memo?.remember(row.level, index, hash);
    }
  }
  return (level, index) => {
    const hash = memo?.get(level, index) ?? found.get(nodeKey(level, index));
    if (hash === undefined) throw missingNode(level, index);
    return hash;
  };
}

/**
 * Like readNodes, for a tree of `size` that must not exceed the log. The hash of leaf size-1
 * exists exactly when the log has reached `size`, so fetching it in the same query checks the
 * size without reading the head; the head is read only to explain a failure.
 */
async function readNodesUpTo(
  db: Reader,
  size: bigint,
  ids: NodeId[],
  memo?: NodeMemo,
): Promise<NodeSource> {
  if (size <= 0n || (memo !== undefined && size <= memo.knownSize)) return readNodes(db, ids, memo);
  const node = await readNodes(db, [...ids, { level: 0, index: size - 1n }], memo);
  try {
    node(0, size - 1n);
  } catch (error) {
    const head = await readSize(db);
    if (size > head) throw beyondLog('tree size', size, head);
    throw error;
  }
  if (memo !== undefined && size > memo.knownSize) memo.knownSize = size;
  return node;
}

function readLeafPage(db: Reader, from: bigint, to: bigint) {
  return db
    .selectFrom('ledger_leaf')
    .select(['idx', 'data'])
    .where('idx', '>=', dbIndex(from, 'leaf index'))
    .where('idx', '<', dbIndex(to, 'leaf index'))
    .orderBy('idx')
    .execute();
}

/**
 * The hashes of every node completed by leaves [from, to), by level: node (level, i) completes
 * with leaf (i + 1) * 2^level - 1, so at each level they are the indices [from >> level,
 * to >> level). One query; a missing row leaves a hole for the caller to report in order.
 */
async function readCompletedNodes(db: Reader, from: bigint, to: bigint): Promise<LevelSlice[]> {
  // Once a level has no completed node, no level above it has one: ranges[level] is level's.
  const ranges: { level: number; lo: bigint; hi: bigint }[] = [];
  for (let level = 0; to >> BigInt(level) > from >> BigInt(level); level++) {
    ranges.push({ level, lo: from >> BigInt(level), hi: to >> BigInt(level) });
  }
  const rows = await db
    .selectFrom('ledger_node')
    .select(['level', 'idx', 'hash'])
    .where((eb) =>
      eb.or(
        ranges.map(({ level, lo, hi }) =>
          eb.and([
            eb('level', '=', level),
            eb('idx', '>=', dbIndex(lo, 'node index')),
            eb('idx', '<', dbIndex(hi, 'node index')),
          ]),
        ),
      ),
    )
    .execute();
  const slices = ranges.map(({ lo, hi }) => ({ lo, hashes: new Array<Hash>(Number(hi - lo)) }));
  for (const row of rows) {
    const slice = slices[row.level];
    if (slice !== undefined) slice.hashes[Number(BigInt(row.idx) - slice.lo)] = bytes(row.hash);
  }
  return slices;
}

/** Stored nodes of one level from index `lo`; holes are nodes missing from the database. */
interface LevelSlice {
  readonly lo: bigint;
  readonly hashes: readonly (Hash | undefined)[];
}

/**
 * verify(): leaves are read in pages with the nodes they complete; each leaf's hash is
 * recomputed and compared with the stored one, then every node it completes with the hash of
 * its stored children. The last unpaired hash of each level is carried over, which also makes
 * the final state the log's frontier, and so its root.
 */
async function verifyLog(
  db: Db,
  onProgress?: (done: bigint, total: bigint) => void,
): Promise<{ size: bigint; root: Hash }> {
  const size = await readSize(db);
  const carry: Hash[] = [];
  for (let from = 0n; from < size; ) {
    const to = minBigint(from + BigInt(PAGE_ROWS), size);
    const [leaves, nodes] = await Promise.all([
      readLeafPage(db, from, to),
      readCompletedNodes(db, from, to),
    ]);
    verifyPage(from, to, leaves, nodes, carry);
    from = to;
    onProgress?.(from, size);
  }
  await verifyNothingBeyondHead(db, size);
  const hashes = frontierNodeIds(size).map((id) => carry[id.level] as Hash);
  return { size, root: frontierRoot({ size, hashes }) };
}

function verifyPage(
  from: bigint,
  to: bigint,
  leaves: readonly { idx: number; data: Uint8Array }[],
  nodes: readonly LevelSlice[],
  carry: Hash[],
): void {
  let row = 0;
  for (let position = from; position < to; position++) {
    const leaf = leaves[row];
    if (leaf === undefined || BigInt(leaf.idx) !== position) throw missingLeaf(position);
    row++;
    const stored = completedNode(nodes, 0, position);
    if (!sameBytes(hashLeaf(leaf.data), stored)) {
      throw corrupt(`Leaf ${position} does not hash to its stored leaf hash.`, {
        position: position.toString(),
        what: 'leaf hash mismatch',
      });
    }
    let hash = stored;
    let index = position;
    let level = 0;
    while ((index & 1n) === 1n) {
      const computed = hashChildren(carry[level] as Hash, hash);
      level++;
      index >>= 1n;
      hash = completedNode(nodes, level, index);
      if (!sameBytes(computed, hash)) {
        throw corrupt(`Node ${index} at level ${level} does not match its children.`, {
          level,
          index: index.toString(),
          what: 'node hash mismatch',
        });
      }
    }
    carry[level] = hash;
  }
}

function completedNode(nodes: readonly LevelSlice[], level: number, index: bigint): Hash {
  const slice = nodes[level];
  const hash = slice?.hashes[Number(index - slice.lo)];
  if (hash === undefined) throw missingNode(level, index);
  return hash;
}

/**
 * Rows beyond the head mean the head was set back or rows were added outside an append. The
 * checks run in one snapshot so that appends committing meanwhile are not mistaken for that.
 */
async function verifyNothingBeyondHead(db: Db, verified: bigint): Promise<void> {
  await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const head = await readSize(trx);
      if (head < verified) {
        throw corrupt(`The head size went back from ${verified} to ${head}.`, {
          position: head.toString(),
          what: 'head size decreased',
        });
      }
      await refuseLeafBeyond(trx, head);
      await refuseNodesBeyond(trx, head);
      await refuseCheckpointBeyond(trx, head);
    });
}

async function refuseLeafBeyond(trx: Reader, head: bigint): Promise<void> {
  const row = await trx
    .selectFrom('ledger_leaf')
    .select('idx')
    .where('idx', '>=', dbIndex(head, 'head size'))
    .orderBy('idx')
    .limit(1)
    .executeTakeFirst();
  if (row !== undefined) {
    throw corrupt(`Leaf ${row.idx} lies beyond the head size ${head}.`, {
      position: String(row.idx),
      what: 'leaf beyond head',
    });
  }
}

/** A node (level, i) lies beyond the head when its last leaf does: i >= head >> level. */
async function refuseNodesBeyond(trx: Reader, head: bigint): Promise<void> {
  const levels = Array.from({ length: bitLength(head) }, (_, level) => level);
  const row = await trx
    .selectFrom('ledger_node')
    .select(['level', 'idx'])
    .where((eb) =>
      eb.or([
        ...levels.map((level) =>
          eb.and([
            eb('level', '=', level),
            eb('idx', '>=', dbIndex(head >> BigInt(level), 'node index')),
          ]),
        ),
        eb('level', '>=', levels.length),
      ]),
    )
    .orderBy('level')
    .orderBy('idx')
    .limit(1)
    .executeTakeFirst();
  if (row !== undefined) {
    throw corrupt(`Node ${row.idx} at level ${row.level} lies beyond the head size ${head}.`, {
      level: row.level,
      index: String(row.idx),
      what: 'node beyond head',
    });
  }
}

async function refuseCheckpointBeyond(trx: Reader, head: bigint): Promise<void> {
  const row = await trx
    .selectFrom('ledger_checkpoint')
    .select('size')
    .where('size', '>', dbIndex(head, 'head size'))
    .orderBy('size')
    .limit(1)
    .executeTakeFirst();
  if (row !== undefined) {
    throw corrupt(`A checkpoint names size ${row.size}, beyond the head size ${head}.`, {
      size: String(row.size),
      what: 'checkpoint beyond head',
    });
  }
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

function toCheckpoint(row: { size: number; note: string; signed_at: string }): Checkpoint {
  return { size: BigInt(row.size), note: row.note, signedAt: row.signed_at };
}

/**
 * Drivers hand back blobs as their own types (better-sqlite3 and pg: Buffer); callers get plain
 * Uint8Arrays, so equality and toString behave the same everywhere. better-sqlite3's Buffers own
 * their memory and are only re-viewed. pg's are views into Node's shared 8 KiB buffer pool: they
 * are copied, or a 32-byte hash kept in the node memo would keep a whole slab alive.
 */
function bytes(value: Uint8Array): Uint8Array {
  if (value.byteLength !== value.buffer.byteLength) return new Uint8Array(value);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function minBigint(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function dbIndex(value: bigint, name: string): number {
  return toDbInteger(value, name, 'PROOF_MALFORMED');
}

/**
 * Node's codes for a database server that could not be connected to, so the transaction never
 * began (file system calls never raise them). A connection lost later (ECONNRESET) may have
 * lost it during COMMIT, when nobody knows whether it was written: that error passes through.
 */
const UNREACHABLE = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/;

/**
 * The engine refused the append (another process held the write lock past the busy timeout,
 * the disk is full or read-only, the server is out of reach): nothing was written. VigilErrors,
 * and errors thrown by the caller's `also`, pass through as they are. PostgreSQL reports
 * SQLSTATEs (five characters; no class starts with E, unlike Node's codes, such as EPERM).
 */
function writeRefused(error: unknown): unknown {
  if (error instanceof VigilError || !(error instanceof Error) || !('code' in error)) return error;
  const code = String(error.code);
  const sqlState = /^[0-9A-DF-Z][0-9A-Z]{4}$/.test(code);
  if (!code.startsWith('SQLITE_') && !sqlState && !UNREACHABLE.test(code)) return error;
  return new VigilError(
    'STORE_UNAVAILABLE',
    'The database refused to record the event, and nothing was written: it may be locked by ' +
      'another process for too long, read-only, out of disk space, or (PostgreSQL) out of ' +
      'reach. Try again; if it persists, check the data folder or VIGIL_DATABASE_URL.',
    { details: { engine: code }, cause: error },
  );
}

function corrupt(message: string, details: Record<string, unknown>): VigilError {
  return new VigilError(
    'LEDGER_CORRUPT',
    `The stored ledger is corrupt: ${message} Do not write to it; restore it from a copy and keep this database for examination.`,
    { details },
  );
}

function missingLeaf(position: bigint): VigilError {
  return corrupt(`Leaf ${position} is missing.`, {
    position: position.toString(),
    what: 'leaf missing',
  });
}

function missingNode(level: number, index: bigint): VigilError {
  return corrupt(`Node ${index} at level ${level} is missing.`, {
    level,
    index: index.toString(),
    what: 'node missing',
  });
}

function malformed(message: string, values: Record<string, bigint>): VigilError {
  const details = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.toString()]));
  return new VigilError('PROOF_MALFORMED', message, { details });
}

function beyondLog(name: string, value: bigint, size: bigint): VigilError {
  return malformed(`The ${name} ${value} is beyond the log's size ${size}.`, {
    [name]: value,
    size,
  });
}

export interface GroupAppender {
  /** Appends one leaf; resolves with its index once the transaction holding it has committed. */
  append(leaf: Uint8Array): Promise<bigint>;
  /** Commits everything appended so far; resolves when every commit has settled. */
  flush(): Promise<void>;
}

interface Waiter {
  readonly leaf: Uint8Array;
  readonly resolve: (index: bigint) => void;
  readonly reject: (error: unknown) => void;
}

const DEFAULT_MAX_BATCH = 1000;

/**
 * Group commit: a durable commit costs a disk sync whether it holds one leaf or thousands, so
 * leaves appended while a commit is running wait and go together in the next one. A batch
 * starts when no commit is running (after the current tick, so callers in one burst share it)
 * or as soon as it holds `maxBatch` leaves.
 */
export function createGroupAppender(
  store: LedgerStore,
  options: { maxBatch?: number } = {},
): GroupAppender {
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  let waiting: Waiter[] = [];
  const running = new Set<Promise<void>>();
  let startScheduled = false;

  function start(): void {
    const batch = waiting.slice(0, maxBatch);
    waiting = waiting.slice(maxBatch);
    const commit = store.append(batch.map((waiter) => waiter.leaf)).then(
      ({ first }) => {
        for (const [i, waiter] of batch.entries()) waiter.resolve(first + BigInt(i));
      },
      (error: unknown) => {
        for (const waiter of batch) waiter.reject(error);
      },
    );
    running.add(commit);
    void commit.finally(() => {
      running.delete(commit);
      if (running.size === 0 && waiting.length > 0) start();
    });
  }

  function startWhenIdle(): void {
    if (startScheduled) return;
    startScheduled = true;
    queueMicrotask(() => {
      startScheduled = false;
      if (running.size === 0 && waiting.length > 0) start();
    });
  }

  return {
    append(leaf) {
      return new Promise<bigint>((resolve, reject) => {
        waiting.push({ leaf, resolve, reject });
        if (waiting.length >= maxBatch) start();
        else if (running.size === 0) startWhenIdle();
      });
    },
    async flush() {
      while (waiting.length > 0 || running.size > 0) {
        if (waiting.length > 0) start();
        await Promise.all(running);
      }
    },
  };
}
