/**
 * Near-duplicate search over PDQ hashes (pdq.ts): which stored hashes lie within a Hamming
 * distance of a query. Callers (scan linking, hash banks) rely on this interface; the answer is
 * always exactly the brute-force one.
 *
 * Method: multi-index hashing (Norouzi, Punjani, Fleet 2014), as ThreatExchange recommends for
 * PDQ at distance <= 31 (pdq/README-MIH.md; shared/reference/detection.md §5.1). The 256 bits are
 * cut into 16 slots of 16 bits. If two hashes differ in at most d bits, some slot differs in at
 * most floor(d / 16) bits (pigeonhole: 16 slots each differing in more would differ in at least
 * 16 · (floor(d/16) + 1) > d bits). So a query probes, for every slot, the stored hashes whose
 * slot value equals its own or (for 16 <= d <= 47) lies one or two bits away; every candidate
 * is then checked with the full distance. At d = 31 that is 16 slots x 17 values. From d = 48
 * the probes would reach most of a large bank, so the index scans linearly instead.
 *
 * Memory (bytes per stored hash): 32 for the hash (all hashes in one Uint32Array, 8 words
 * each) + 64 for the tables (per slot, the ids sorted by slot value: one Int32Array of
 * 16 · size ids) = 96, plus a fixed 4 MiB of bucket offsets (16 x 65,537) and room to grow
 * (the hash array doubles when full; the tables are made 1/8 larger than needed): about 110
 * bytes per hash at a million (BENCHMARKS.md). Duplicate candidates (a hash near the query in
 * several slots) are not tracked with a per-hash stamp: they are nearly all true matches, so
 * the matches are de-duplicated after sorting instead, which costs no memory per hash. A
 * candidate's distance is popcount over 8 words, cut short after 4 when those already exceed
 * the limit (a random hash differs in about 64 bits there).
 *
 * Adds are cheap: the tables are rebuilt (a counting sort, linear in the size) lazily, by a
 * search, once enough hashes have been added since the last rebuild; until then the hashes
 * added since are scanned linearly. The threshold grows with the square root of the size, so
 * interleaved adds and searches stay balanced between rebuild cost and scan cost.
 *
 * Pure: no IO, clock or randomness.
 */
import { PDQ_HASH_BYTES } from './pdq.js';

export interface PdqMatch {
  /** The stored hash's id: its position in insertion order. */
  readonly id: number;
  readonly distance: number;
}

export interface PdqIndexOptions {
  /**
   * Hashes added since the last table rebuild are scanned linearly until a search finds more
   * than max(this, 4 · √size) of them, and then rebuilds. Default 1024; 0 indexes everything
   * at the next search (tests use it to exercise the tables on small banks).
   */
  readonly maxUnindexed?: number;
}

const WORDS = PDQ_HASH_BYTES / 4;
const SLOTS = 16;
const SLOT_VALUES = 1 << 16;
/** Per slot, bucket v spans positions offsets[v] .. offsets[v + 1]. */
const OFFSETS_PER_SLOT = SLOT_VALUES + 1;
/** Up to this many bits per slot are probed; beyond, a linear scan is cheaper at scale. */
const MAX_PROBE_RADIUS = 2;
const DEFAULT_MAX_UNINDEXED = 1024;
const INITIAL_CAPACITY = 64;

/** Bits set in a 32-bit word (SWAR). */
function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Slot s is bytes 2s and 2s+1 of the hash, big-endian: word s >> 1, high half for even s. */
function slotValue(words: Uint32Array, base: number, slot: number): number {
  const word = words[base + (slot >> 1)] as number;
  return (slot & 1) === 0 ? word >>> 16 : word & 0xffff;
}

export class PdqIndex {
  /** 8 words per hash, big-endian within each word (bytes 4w .. 4w+3). */
  #words = new Uint32Array(INITIAL_CAPACITY * WORDS);
  #size = 0;
  /** Hashes 0 .. #indexed - 1 are in the tables. */
  #indexed = 0;
  /** SLOTS x OFFSETS_PER_SLOT absolute positions into #ids; allocated at the first rebuild. */
  #offsets: Uint32Array | null = null;
  /** Slot s holds positions s · #indexed .. (s + 1) · #indexed - 1: ids sorted by slot value. */
  #ids = new Int32Array(0);
  readonly #maxUnindexed: number;
  /** The query in the words' layout, reused by every search. */
  readonly #query = new Uint32Array(WORDS);
  /** One slot's probe values (1 + 16 + 120 at radius 2), reused by every search. */
  readonly #probes = new Int32Array(1 + 16 + 120);

  constructor(options: PdqIndexOptions = {}) {
    const maxUnindexed = options.maxUnindexed ?? DEFAULT_MAX_UNINDEXED;
    if (!(maxUnindexed >= 0)) throw new RangeError('maxUnindexed must be 0 or more');
    this.#maxUnindexed = maxUnindexed;
  }

  get size(): number {
    return this.#size;
  }

  /** Stores a 32-byte hash (copied); returns its id (0, 1, 2… in insertion order). */
  add(hash: Uint8Array): number {
    checkHash(hash);
    if ((this.#size + 1) * WORDS > this.#words.length) {
      const grown = new Uint32Array(this.#words.length * 2);
      grown.set(this.#words);
      this.#words = grown;
    }
    writeWords(hash, this.#words, this.#size * WORDS);
    return this.#size++;
  }

  /** The stored hashes within `maxDistance` bits of `hash`, nearest first (ties by id). */
  search(hash: Uint8Array, maxDistance: number): PdqMatch[] {
    checkHash(hash);
    const limit = Math.floor(maxDistance);
    if (!(limit >= 0) || this.#size === 0) return [];
    const query = this.#query;
    writeWords(hash, query, 0);
    const ids: number[] = [];
    const distances: number[] = [];
    const radius = Math.floor(limit / SLOTS);
    if (radius > MAX_PROBE_RADIUS) {
      this.#scan(query, limit, 0, this.#size, ids, distances);
    } else {
      const unindexed = this.#size - this.#indexed;
      if (unindexed > Math.max(this.#maxUnindexed, 4 * Math.sqrt(this.#indexed))) {
        this.#rebuild();
      }
      if (this.#indexed > 0) this.#probe(query, limit, radius, ids, distances);
      this.#scan(query, limit, this.#indexed, this.#size, ids, distances);
    }
    return sortedMatches(ids, distances);
  }

  /** Full distances from the query to hashes from .. to - 1, keeping those within limit. */
  #scan(
    query: Uint32Array,
    limit: number,
    from: number,
    to: number,
    ids: number[],
    distances: number[],
  ): void {
    const words = this.#words;
    const [q0, q1, q2, q3, q4, q5, q6, q7] = query as unknown as number[];
    for (let id = from, base = from * WORDS; id < to; id++, base += WORDS) {
      const half =
        popcount32((words[base] as number) ^ (q0 as number)) +
        popcount32((words[base + 1] as number) ^ (q1 as number)) +
        popcount32((words[base + 2] as number) ^ (q2 as number)) +
        popcount32((words[base + 3] as number) ^ (q3 as number));
      if (half > limit) continue;
      const distance =
        half +
        popcount32((words[base + 4] as number) ^ (q4 as number)) +
        popcount32((words[base + 5] as number) ^ (q5 as number)) +
        popcount32((words[base + 6] as number) ^ (q6 as number)) +
        popcount32((words[base + 7] as number) ^ (q7 as number));
      if (distance <= limit) {
        ids.push(id);
        distances.push(distance);
      }
    }
  }

  /** Candidates from the tables: per slot, every bucket within `radius` bits of the query's. */
  #probe(
    query: Uint32Array,
    limit: number,
    radius: number,
    ids: number[],
    distances: number[],
  ): void {
    const offsets = this.#offsets as Uint32Array;
    const table = this.#ids;
    const words = this.#words;
    const probes = this.#probes;
    const [q0, q1, q2, q3, q4, q5, q6, q7] = query as unknown as number[];
    for (let slot = 0; slot < SLOTS; slot++) {
      const value = slotValue(query, 0, slot);
      let count = 0;
      probes[count++] = value;
      for (let a = 0; a < 16 && radius >= 1; a++) {
        const one = value ^ (1 << a);
        probes[count++] = one;
        for (let b = a + 1; b < 16 && radius >= 2; b++) probes[count++] = one ^ (1 << b);
      }
      const start = slot * OFFSETS_PER_SLOT;
      for (let p = 0; p < count; p++) {
        const at = start + (probes[p] as number);
        const end = offsets[at + 1] as number;
        for (let position = offsets[at] as number; position < end; position++) {
          const id = table[position] as number;
          const base = id * WORDS;
          // Half the words first: a random candidate already differs in ~64 bits there.
          const half =
            popcount32((words[base] as number) ^ (q0 as number)) +
            popcount32((words[base + 1] as number) ^ (q1 as number)) +
            popcount32((words[base + 2] as number) ^ (q2 as number)) +
            popcount32((words[base + 3] as number) ^ (q3 as number));
          if (half > limit) continue;
          const distance =
            half +
            popcount32((words[base + 4] as number) ^ (q4 as number)) +
            popcount32((words[base + 5] as number) ^ (q5 as number)) +
            popcount32((words[base + 6] as number) ^ (q6 as number)) +
            popcount32((words[base + 7] as number) ^ (q7 as number));
          if (distance <= limit) {
            ids.push(id);
            distances.push(distance);
          }
        }
      }
    }
  }

  /** Counting sort of every stored hash into the 16 slot tables. */
  #rebuild(): void {
    const count = this.#size;
    const words = this.#words;
    const offsets = this.#offsets ?? new Uint32Array(SLOTS * OFFSETS_PER_SLOT);
    offsets.fill(0);
    // offsets[s][v + 1] counts slot s's value v; the prefix sums then give bucket starts.
    for (let base = 0; base < count * WORDS; base += WORDS) {
      for (let slot = 0; slot < SLOTS; slot++) {
        const at = slot * OFFSETS_PER_SLOT + slotValue(words, base, slot) + 1;
        offsets[at] = (offsets[at] as number) + 1;
      }
    }
    for (let slot = 0; slot < SLOTS; slot++) {
      let position = slot * count;
      const start = slot * OFFSETS_PER_SLOT;
      for (let value = 0; value < OFFSETS_PER_SLOT; value++) {
        position += offsets[start + value] as number;
        offsets[start + value] = position;
      }
    }
    // offsets[s][v] is now where bucket v begins (slot s's ids start at s · count).
    if (this.#ids.length < SLOTS * count) {
      this.#ids = new Int32Array(0);
      // 1/8 slack, so that a few more adds do not need a new array at the next rebuild.
      this.#ids = new Int32Array(SLOTS * (count + (count >> 3)));
    }
    const ids = this.#ids;
    for (let id = 0, base = 0; id < count; id++, base += WORDS) {
      for (let slot = 0; slot < SLOTS; slot++) {
        const at = slot * OFFSETS_PER_SLOT + slotValue(words, base, slot);
        ids[offsets[at] as number] = id;
        offsets[at] = (offsets[at] as number) + 1;
      }
    }
    // Shift back: the loop above left offsets[s][v] at bucket v's end (bucket v + 1's start).
    for (let slot = 0; slot < SLOTS; slot++) {
      const start = slot * OFFSETS_PER_SLOT;
      offsets.copyWithin(start + 1, start, start + SLOT_VALUES);
      offsets[start] = slot * count;
    }
    this.#offsets = offsets;
    this.#ids = ids;
    this.#indexed = count;
  }
}

function checkHash(hash: Uint8Array): void {
  if (hash.length !== PDQ_HASH_BYTES) {
    throw new RangeError(`a PDQ hash has ${PDQ_HASH_BYTES} bytes, not ${hash.length}`);
  }
}

function writeWords(hash: Uint8Array, words: Uint32Array, base: number): void {
  for (let w = 0; w < WORDS; w++) {
    const i = 4 * w;
    words[base + w] =
      (((hash[i] as number) << 24) |
        ((hash[i + 1] as number) << 16) |
        ((hash[i + 2] as number) << 8) |
        (hash[i + 3] as number)) >>>
      0;
  }
}

/** Nearest first, ties by id, each id once (the tables can offer a near hash in many slots). */
function sortedMatches(ids: readonly number[], distances: readonly number[]): PdqMatch[] {
  const order = ids.map((_, i) => i);
  order.sort(
    (a, b) =>
      (distances[a] as number) - (distances[b] as number) ||
      (ids[a] as number) - (ids[b] as number),
  );
  const matches: PdqMatch[] = [];
  let last = -1;
  for (const i of order) {
    const id = ids[i] as number;
    if (id === last) continue;
    last = id;
    matches.push({ id, distance: distances[i] as number });
  }
  return matches;
}

/**
 * Groups hashes that lie within `maxDistance` of one another, transitively (single linkage):
 * returns for each hash the index of its group's first hash.
 */
export function clusterPdq(hashes: readonly Uint8Array[], maxDistance: number): Int32Array {
  const parent = Int32Array.from(hashes, (_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    while (parent[i] !== root) {
      const next = parent[i] as number;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const index = new PdqIndex();
  for (const hash of hashes) index.add(hash);
  for (let id = 0; id < hashes.length; id++) {
    for (const match of index.search(hashes[id] as Uint8Array, maxDistance)) {
      // Each pair is found from both ends; once is enough.
      if (match.id <= id) continue;
      const a = find(id);
      const b = find(match.id);
      // The smaller index stays the root, so a group is named by its first hash.
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  return Int32Array.from(hashes, (_, i) => find(i));
}
