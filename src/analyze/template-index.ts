/**
 * Near-duplicate templates, found incrementally: ads written from one template (a network's
 * text with the name, city, price and phone changed) are grouped by the MinHash estimate of the
 * Jaccard similarity of their shingles (minhash.ts), as InfoShield's coarse stage groups ads by
 * shared phrases (../shared/reference/detection.md §1.3) and DIG by MinHash LSH (§2.1).
 *
 * Adding an item: each LSH band of its signature is hashed to a 32-bit bucket key; the items
 * already in its buckets are the candidates; each candidate is verified by the estimated Jaccard
 * similarity of the two signatures (>= threshold), and verified pairs are united (union-find)
 * when the first members (exemplars) of their two clusters agree on at least the exemplar
 * threshold: single linkage alone lets a chain of near duplicates drift from one template into
 * a sibling that shares most of its sentences. A template is a group of at least two items.
 *
 * Built for millions of items: signatures as 16-bit values in fixed-size pages, union-find and
 * buckets in typed arrays (an open-addressing table from bucket key to a representative item,
 * or to a short linked list of them), no object per item beyond its id. Two different bands may
 * share a key; verification makes that harmless. Measured (bench/minhash.mjs, shared 2-core
 * test machine): a million items in 7.5 s (unrelated) to 16-21 s (70% near duplicates of 20,000
 * corpus texts), and about 640 MiB (890 MiB with 32-bit values in one doubling array), most of
 * it the bucket table (21 buckets per item that has no near duplicate yet: 256 MiB) and the
 * signatures (256 bytes per item: 244 MiB).
 *
 * Signatures keep only the low 16 bits of each MinHash value: b-bit minwise hashing (Ping Li
 * and Arnd Christian König, "b-Bit Minwise Hashing", WWW 2010) with b = 16. Two items whose
 * minima differ still agree on their low 16 bits with probability 2^-16, so the fraction of
 * agreeing permutations estimates J + (1 - J) * 2^-16 rather than J: at 128 permutations, two
 * unrelated items agree by chance on 0.002 permutations on average, against the 77 that the
 * threshold (0.6) and the 26 that the exemplar threshold (0.2) require. It halves the
 * signatures, and fixed-size pages (PAGE_ITEMS items each) mean that growing copies at most the
 * first page (which starts small for small indexes), never all the signatures, and never holds
 * two copies of them at once: one doubling Uint32Array held 768 MiB while growing to a million.
 *
 * The giant-bucket trap: an agency posting one text 10,000 times fills one bucket per band with
 * 10,000 items, and verifying each new copy against all of them is quadratic. A bucket therefore
 * keeps at most one representative per cluster (an item whose cluster is already represented is
 * not added: its near duplicates will find the cluster through the representative) and at most
 * BUCKET_REPRESENTATIVES of them, newest first; a representative already in the new item's
 * cluster is skipped without verification, and one item is verified at most once per addition
 * however many of its bands it shares. Each addition thus costs at most bands x 32
 * verifications (and as many exemplar checks), whatever the corpus. The trade-off: when more
 * than 32 distinct clusters share one band (boilerplate such as "100% real pics, no fakes"), the
 * oldest representative is dropped, and a later copy of its template is found only through its
 * other bands (with 21 bands of 6 rows a true near duplicate shares several) or through newer
 * copies.
 *
 * Everything depends only on the items and their order: adding items one by one, in batches,
 * or partly before a save and load gives the same templates.
 */
import { VigilError } from '../shared/errors.js';
import {
  DEFAULT_PERMUTATIONS,
  DEFAULT_SEED,
  lshParameters,
  MAX_PERMUTATIONS,
  murmurFinish,
  murmurStep,
} from './minhash.js';

export interface TemplateIndexOptions {
  /** Estimated Jaccard similarity at or above which two items are near duplicates. */
  readonly threshold?: number;
  /**
   * Estimated Jaccard similarity that the first members (exemplars) of two clusters must reach
   * for a verified pair between them to unite them; 0 turns the check off. Default threshold / 3.
   */
  readonly exemplarThreshold?: number;
  /** MinHash permutations, i.e. the length of every non-empty signature. */
  readonly permutations?: number;
  /** Seed of the MinHasher that makes the signatures (kept so that a loaded index says so). */
  readonly seed?: number;
  /** LSH bands and rows per band; by default lshParameters(threshold, permutations). */
  readonly bands?: number;
  readonly rows?: number;
}

export interface TemplateGroup {
  /** The id of the member added first. */
  readonly id: string;
  /** In insertion order. */
  readonly members: readonly string[];
  /** Mean estimated Jaccard similarity of the other members to the first member. */
  readonly similarity: number;
}

export interface TemplateIndex {
  readonly options: Required<TemplateIndexOptions>;
  /** Items added. */
  readonly size: number;
  /** Adds an item; an empty signature (text too short) leaves it alone. */
  add(id: string, signature: Uint32Array): void;
  /** Groups of at least two members, in the order of their first members. */
  templates(): TemplateGroup[];
  /** The template id of an item, or undefined when it has no near duplicate (or is unknown). */
  templateOf(id: string): string | undefined;
  /** The order in which the item was added (0 for the first), or undefined when unknown. */
  positionOf(id: string): number | undefined;
  /** Bytes that loadTemplateIndex restores exactly. */
  save(): Uint8Array;
  /** Signature comparisons made so far (for tests and benchmarks). */
  stats(): { readonly verifications: number };
}

/**
 * 0.6, measured on the synthetic corpus (bench/minhash.mjs, 20,000 items, 128 permutations):
 * pairwise F1 of templates against the planted ones (items of net-, scam- and hub- groups),
 *
 *   threshold   0.5    0.55   0.6    0.65   0.7
 *   seed 1      0.915  0.940  0.943  0.900  0.778
 *   seed 2      0.677  0.809  0.885  0.959  0.936
 *   seed 3      0.835  0.902  0.965  0.897  0.736
 *   mean        0.809  0.884  0.931  0.919  0.817
 *
 * Below 0.6 precision falls (a group's sibling templates share many sentences), above it recall
 * falls (copies of one template with several names, cities and prices changed agree on as
 * little as 0.4 of their shingles).
 */
export const DEFAULT_TEMPLATE_THRESHOLD = 0.6;
/**
 * The default exemplar threshold is the threshold / 3. Without the check, single linkage lets a
 * chain of near duplicates walk from one template to a sibling that shares most sentences (two
 * agencies' boilerplate, a recruiter's two versions of an offer): at the default threshold, F1
 * 0.847 / 0.883 / 0.968 on seeds 1 / 2 / 3 without it, 0.943 / 0.885 / 0.965 with it (seed 1:
 * precision 0.743 to 0.909 for a recall of 0.980 instead of 0.985).
 */
const EXEMPLAR_SHARE = 3;
/** Representatives kept per bucket: bounds the verifications of one addition (see above). */
export const BUCKET_REPRESENTATIVES = 32;

const FORMAT_MAGIC = 0x49544756; // "VGTI" read as a little-endian u32
/** 2 since signatures are saved as 16-bit values; an index of version 1 must be rebuilt. */
const FORMAT_VERSION = 2;
const MAX_ITEMS = 0x7fffffff;
/**
 * Signature pages of 2^16 items (16 MiB at 128 permutations): an item's page and offset are a
 * shift and a mask, and a million items need 16 pages.
 */
const PAGE_BITS = 16;
const PAGE_ITEMS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_ITEMS - 1;
/** Items the first page holds at first: it grows by doubling, so a small index stays small. */
const FIRST_PAGE_ITEMS = 16;
const MIN_TABLE = 1024;
const MAX_TABLE = 2 ** 30;
/**
 * Table growth: at most 70% of the slots used. Linear probing then reads about 2 slots on a hit
 * and 6 on a miss, mostly within one cache line (8 slots of 8 bytes); at 1,000,000 unrelated
 * items (21 million buckets) the table is 256 MiB instead of 512 MiB at 50%, and adding them
 * took the same time (9.5 s, measured).
 */
const MAX_LOAD = 0.7;

function invalid(message: string, details: Record<string, unknown> = {}): VigilError {
  return new VigilError('TEMPLATE_INDEX_INVALID', message, { details });
}

export function createTemplateIndex(options: TemplateIndexOptions = {}): TemplateIndex {
  return new Index(resolveOptions(options));
}

function resolveOptions(options: TemplateIndexOptions): Required<TemplateIndexOptions> {
  const threshold = options.threshold ?? DEFAULT_TEMPLATE_THRESHOLD;
  const exemplarThreshold = options.exemplarThreshold ?? threshold / EXEMPLAR_SHARE;
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS;
  const seed = options.seed ?? DEFAULT_SEED;
  // lshParameters checks the threshold and the permutations.
  const fitted = lshParameters(threshold, permutations);
  const rows =
    options.rows ??
    (options.bands === undefined ? fitted.rows : Math.floor(permutations / options.bands));
  const bands = options.bands ?? Math.floor(permutations / rows);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw invalid('The MinHash seed must be a whole number from 0 to 4,294,967,295.', { seed });
  }
  if (!(exemplarThreshold >= 0 && exemplarThreshold <= threshold)) {
    throw invalid('The exemplar threshold must be a number from 0 to the similarity threshold.', {
      exemplarThreshold: String(exemplarThreshold),
    });
  }
  if (
    !Number.isInteger(bands) ||
    !Number.isInteger(rows) ||
    bands < 1 ||
    rows < 1 ||
    bands * rows > permutations
  ) {
    throw invalid(
      `LSH bands and rows must be whole numbers of at least 1 whose product is at most the ${permutations} permutations.`,
      { bands, rows, permutations },
    );
  }
  return Object.freeze({ threshold, exemplarThreshold, permutations, seed, bands, rows });
}

/** The arrays of an index: everything save() writes and load restores. */
interface IndexState {
  count: number;
  ids: string[];
  /**
   * Signatures, the low 16 bits of each value: item i's permutations values start at
   * (i & PAGE_MASK) * permutations in pages[i >>> PAGE_BITS]; zeros for an item without a
   * signature. Every page but the first holds PAGE_ITEMS items from the start.
   */
  pages: Uint16Array[];
  /** 1 for an item added with an empty signature. */
  empty: Uint8Array;
  /** Union-find parents; a root is the cluster's first item, so parent[i] <= i always. */
  parent: Int32Array;
  /**
   * Bucket table, open addressing: slot e holds the bucket key at 2e and at 2e + 1 its value,
   * 0 (free), item + 1 (one representative) or -(node + 1) (a list). Key and value side by
   * side: a lookup in a table far larger than the cache costs one miss, not two.
   */
  table: Int32Array;
  used: number;
  /** Representative lists: the item of each node and the next node (-1 at the end). */
  nodeItem: Int32Array;
  nodeNext: Int32Array;
  nodes: number;
  verifications: number;
}

function emptyState(): IndexState {
  return {
    count: 0,
    ids: [],
    pages: [],
    empty: new Uint8Array(0),
    parent: new Int32Array(0),
    table: new Int32Array(2 * MIN_TABLE),
    used: 0,
    nodeItem: new Int32Array(0),
    nodeNext: new Int32Array(0),
    nodes: 0,
    verifications: 0,
  };
}

function grown<T extends Int32Array | Uint8Array>(array: T, length: number): T {
  if (array.length >= length) return array;
  const next = new (array.constructor as new (n: number) => T)(
    Math.max(length, array.length * 2, 16),
  );
  next.set(array);
  return next;
}

class Index implements TemplateIndex {
  private readonly k: number;
  /** Agreeing permutations needed to verify a pair: estimate >= threshold. */
  private readonly needed: number;
  private readonly exemplarNeeded: number;
  private readonly byId = new Map<string, number>();
  /** Cluster sizes at the roots; derived, so rebuilt on load rather than saved. */
  private sizes: Int32Array;
  /** The item whose addition last verified each item: one verification per pair. */
  private checked: Int32Array;

  constructor(
    readonly options: Required<TemplateIndexOptions>,
    private readonly s: IndexState = emptyState(),
  ) {
    this.k = options.permutations;
    // A small epsilon keeps 0.5 * 128 = 64 from becoming 65 through rounding.
    this.needed = Math.ceil(options.threshold * this.k - 1e-9);
    this.exemplarNeeded = Math.ceil(options.exemplarThreshold * this.k - 1e-9);
    this.sizes = new Int32Array(s.parent.length);
    this.checked = new Int32Array(s.parent.length).fill(-1);
    const roots = this.roots();
    for (let i = 0; i < s.count; i++) {
      const id = s.ids[i] as string;
      if (this.byId.has(id)) throw invalid('The saved template index lists an item twice.');
      this.byId.set(id, i);
      const root = roots[i] as number;
      this.sizes[root] = (this.sizes[root] ?? 0) + 1;
    }
  }

  get size(): number {
    return this.s.count;
  }

  stats(): { readonly verifications: number } {
    return { verifications: this.s.verifications };
  }

  add(id: string, signature: Uint32Array): void {
    if (typeof id !== 'string') throw invalid('An item id must be a string.');
    if (this.byId.has(id)) {
      throw invalid(`The item "${id.slice(0, 80)}" is already in the template index.`, { id });
    }
    if (
      !(signature instanceof Uint32Array) ||
      (signature.length !== 0 && signature.length !== this.k)
    ) {
      throw invalid(
        `A signature must have ${this.k} values (the index's permutations), or none for a text too short to sign.`,
        { id, length: signature?.length },
      );
    }
    if (this.s.count >= MAX_ITEMS) throw invalid('The template index is full.');
    const x = this.append(id);
    if (signature.length === 0) {
      this.s.empty[x] = 1;
      return;
    }
    // b-bit MinHash: the low 16 bits of each value (see the module comment).
    const page = this.s.pages[x >>> PAGE_BITS] as Uint16Array;
    const offset = (x & PAGE_MASK) * this.k;
    for (let t = 0; t < this.k; t++) page[offset + t] = (signature[t] as number) & 0xffff;
    const { bands, rows } = this.options;
    for (let band = 0; band < bands; band++) {
      this.visitBucket(x, this.bandKey(x, band, rows));
    }
  }

  templates(): TemplateGroup[] {
    const s = this.s;
    const roots = this.roots();
    const groups: { id: string; members: string[]; total: number }[] = [];
    const groupOfRoot = new Map<number, number>();
    for (let i = 0; i < s.count; i++) {
      const root = roots[i] as number;
      if ((this.sizes[root] ?? 0) < 2) continue;
      let g = groupOfRoot.get(root);
      if (g === undefined) {
        g = groups.length;
        groupOfRoot.set(root, g);
        groups.push({ id: s.ids[root] as string, members: [], total: 0 });
      }
      const group = groups[g] as (typeof groups)[number];
      group.members.push(s.ids[i] as string);
      if (i !== root) group.total += this.agreeing(i, root) / this.k;
    }
    return groups.map(({ id, members, total }) => ({
      id,
      members,
      similarity: total / (members.length - 1),
    }));
  }

  positionOf(id: string): number | undefined {
    return this.byId.get(id);
  }

  templateOf(id: string): string | undefined {
    const i = this.byId.get(id);
    if (i === undefined) return undefined;
    let root = i;
    while (this.s.parent[root] !== root) root = this.s.parent[root] as number;
    return (this.sizes[root] ?? 0) >= 2 ? this.s.ids[root] : undefined;
  }

  save(): Uint8Array {
    return encode(this.options, this.s);
  }

  // ------------------------------------------------------------------------------------------
  // Items and clusters

  private append(id: string): number {
    const s = this.s;
    const x = s.count++;
    const capacity = s.count;
    s.ids.push(id);
    this.byId.set(id, x);
    this.reservePage(x);
    s.empty = grown(s.empty, capacity);
    s.parent = grown(s.parent, capacity);
    if (this.sizes.length < capacity) {
      this.sizes = grown(this.sizes, capacity);
      const previous = this.checked.length;
      this.checked = grown(this.checked, capacity);
      this.checked.fill(-1, previous);
    }
    s.parent[x] = x;
    this.sizes[x] = 1;
    return x;
  }

  /** Makes room for item x's signature in its page. */
  private reservePage(x: number): void {
    const { pages } = this.s;
    const p = x >>> PAGE_BITS;
    const page = pages[p];
    const end = ((x & PAGE_MASK) + 1) * this.k;
    if (page !== undefined && page.length >= end) return;
    const full = PAGE_ITEMS * this.k;
    // Only the first page is ever copied, and at most a page's worth: a second page exists only
    // once the index has PAGE_ITEMS items, and is allocated whole.
    const length =
      p === 0
        ? Math.min(full, Math.max(end, 2 * (page?.length ?? 0), FIRST_PAGE_ITEMS * this.k))
        : full;
    const next = new Uint16Array(length);
    if (page !== undefined) next.set(page);
    pages[p] = next;
  }

  /**
   * The root of every item, in one pass and without touching the parents: queries leave the
   * index as it was, so what save() writes depends on the items added alone.
   */
  private roots(): Int32Array {
    const { count, parent } = this.s;
    const roots = new Int32Array(count);
    // parent[i] <= i, so the parent's root is known by the time i is reached.
    for (let i = 0; i < count; i++) {
      const p = parent[i] as number;
      roots[i] = p === i ? i : (roots[p] as number);
    }
    return roots;
  }

  /** Root of i's cluster, halving the path on the way (while adding). */
  private find(i: number): number {
    const parent = this.s.parent;
    let x = i;
    let p = parent[x] as number;
    while (p !== x) {
      const grandparent = parent[p] as number;
      parent[x] = grandparent;
      x = grandparent;
      p = parent[x] as number;
    }
    return x;
  }

  /** Unites two clusters, given their roots, under the earlier: a template is named by its first. */
  private unite(ra: number, rb: number): void {
    const root = Math.min(ra, rb);
    const child = Math.max(ra, rb);
    this.s.parent[child] = root;
    this.sizes[root] = (this.sizes[root] ?? 0) + (this.sizes[child] ?? 0);
  }

  /** Permutations on which items i and j agree (on the 16 bits kept). */
  private agreeing(i: number, j: number): number {
    const { pages } = this.s;
    const pi = pages[i >>> PAGE_BITS] as Uint16Array;
    const pj = pages[j >>> PAGE_BITS] as Uint16Array;
    const a = (i & PAGE_MASK) * this.k;
    const b = (j & PAGE_MASK) * this.k;
    let equal = 0;
    for (let t = 0; t < this.k; t++) if (pi[a + t] === pj[b + t]) equal++;
    return equal;
  }

  /** Estimate >= threshold, stopping as soon as the answer is known. */
  private verify(i: number, j: number, needed: number): boolean {
    this.s.verifications++;
    const { pages } = this.s;
    const pi = pages[i >>> PAGE_BITS] as Uint16Array;
    const pj = pages[j >>> PAGE_BITS] as Uint16Array;
    const a = (i & PAGE_MASK) * this.k;
    const b = (j & PAGE_MASK) * this.k;
    const allowed = this.k - needed;
    let differing = 0;
    for (let t = 0; t < this.k; t++) {
      if (pi[a + t] !== pj[b + t] && ++differing > allowed) return false;
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------
  // Buckets

  /** Hash of the band's stored (16-bit) values: a band of 6 rows keys on 96 bits. */
  private bandKey(x: number, band: number, rows: number): number {
    const page = this.s.pages[x >>> PAGE_BITS] as Uint16Array;
    const start = (x & PAGE_MASK) * this.k + band * rows;
    let h = band;
    for (let r = 0; r < rows; r++) h = murmurStep(h, page[start + r] as number);
    return murmurFinish(h, rows) | 0;
  }

  /**
   * Verifies item x against the representatives of one bucket, unites it with those that pass,
   * and makes it a representative when its cluster has none there yet.
   */
  private visitBucket(x: number, key: number): void {
    const s = this.s;
    const slot = this.slotOf(key);
    const head = s.table[2 * slot + 1] as number;
    if (head === 0) {
      this.claim(slot, key, x + 1);
      return;
    }
    if (head > 0) {
      if (!this.meet(x, head - 1)) this.represent(slot, head, x);
      return;
    }
    let represented = false;
    let length = 0;
    let last = -1;
    let beforeLast = -1;
    for (let node = -head - 1; node >= 0; node = s.nodeNext[node] as number) {
      if (this.meet(x, s.nodeItem[node] as number)) represented = true;
      beforeLast = last;
      last = node;
      length++;
    }
    if (represented) return;
    if (length < BUCKET_REPRESENTATIVES) {
      s.table[2 * slot + 1] = -(this.newNode(x, -head - 1) + 1);
      return;
    }
    // Full: the oldest representative (the last node) makes room for x at the head.
    s.nodeNext[beforeLast] = -1;
    s.nodeItem[last] = x;
    s.nodeNext[last] = -head - 1;
    s.table[2 * slot + 1] = -(last + 1);
  }

  /**
   * Whether x's cluster is (now) represented by item r: r is in x's cluster already, or is
   * verified similar and united with it. A failed pair is not tried again during this addition.
   */
  private meet(x: number, r: number): boolean {
    const rx = this.find(x);
    const rr = this.find(r);
    if (rr === rx) return true;
    if (this.checked[r] === x) return false;
    this.checked[r] = x;
    if (!this.verify(x, r, this.needed)) return false;
    // x still alone and r its cluster's exemplar: the pair just verified is the exemplars' pair.
    const exemplars = rx === x && rr === r;
    if (!exemplars && !this.verify(rx, rr, this.exemplarNeeded)) return false;
    this.unite(rx, rr);
    return true;
  }

  /** Turns a one-representative slot into a list: x first, then the previous representative. */
  private represent(slot: number, single: number, x: number): void {
    const tail = this.newNode(single - 1, -1);
    this.s.table[2 * slot + 1] = -(this.newNode(x, tail) + 1);
  }

  private newNode(item: number, next: number): number {
    const s = this.s;
    const node = s.nodes++;
    s.nodeItem = grown(s.nodeItem, s.nodes);
    s.nodeNext = grown(s.nodeNext, s.nodes);
    s.nodeItem[node] = item;
    s.nodeNext[node] = next;
    return node;
  }

  /** The slot holding `key` (an int32), or the free slot where it belongs (linear probing). */
  private slotOf(key: number): number {
    const table = this.s.table;
    const mask = (table.length >> 1) - 1;
    let slot = key & mask;
    while (table[2 * slot + 1] !== 0 && table[2 * slot] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  private claim(slot: number, key: number, value: number): void {
    const s = this.s;
    s.table[2 * slot] = key;
    s.table[2 * slot + 1] = value;
    s.used++;
    if (s.used > (s.table.length >> 1) * MAX_LOAD) this.rehash(s.table.length);
  }

  /** Moves every bucket into a table of `capacity` slots. */
  private rehash(capacity: number): void {
    const s = this.s;
    const old = s.table;
    s.table = new Int32Array(2 * capacity);
    for (let e = 0; e < old.length; e += 2) {
      const value = old[e + 1] as number;
      if (value === 0) continue;
      const key = old[e] as number;
      const slot = this.slotOf(key);
      s.table[2 * slot] = key;
      s.table[2 * slot + 1] = value;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Saved form: a header (HEADER below), then the sections of `layout`, each padded to 4 bytes,
// then a checksum (u32) of everything before it. Little-endian: the typed arrays are copied as
// they are, which is their byte order on every platform Vigil runs on (x64, arm64).

/** Byte offsets of the header fields; u32 unless marked f64. */
const HEADER = {
  magic: 0,
  version: 4,
  permutations: 8,
  seed: 12,
  bands: 16,
  rows: 20,
  threshold: 24, // f64
  exemplarThreshold: 32, // f64
  count: 40,
  idUnits: 44,
  capacity: 48,
  used: 52,
  nodes: 56,
  verifications: 64, // f64
} as const;
const HEADER_BYTES = 72;

const padded = (bytes: number): number => Math.ceil(bytes / 4) * 4;

interface Layout {
  readonly idLengths: number;
  readonly idUnits: number;
  readonly empty: number;
  readonly signatures: number;
  readonly parent: number;
  readonly table: number;
  readonly nodeItem: number;
  readonly nodeNext: number;
  readonly checksum: number;
  readonly total: number;
}

/**
 * Byte offsets of the sections: id lengths (u32 per item), ids as UTF-16 units (exact for any
 * string), empty flags (u8 per item), signatures (u16, permutations per item), parents (i32 per
 * item), the bucket table (i32 key and value per slot), node items and nexts (i32). Plain
 * numbers: no overflow for any header values, so a damaged header is caught by the total.
 */
function layout(
  count: number,
  units: number,
  permutations: number,
  capacity: number,
  nodes: number,
): Layout {
  const idLengths = HEADER_BYTES;
  const idUnits = idLengths + 4 * count;
  const empty = idUnits + padded(2 * units);
  const signatures = empty + padded(count);
  const parent = signatures + padded(2 * count * permutations);
  const table = parent + 4 * count;
  const nodeItem = table + 8 * capacity;
  const nodeNext = nodeItem + 4 * nodes;
  const checksum = nodeNext + 4 * nodes;
  return {
    idLengths,
    idUnits,
    empty,
    signatures,
    parent,
    table,
    nodeItem,
    nodeNext,
    checksum,
    total: checksum + 4,
  };
}

function encode(options: Required<TemplateIndexOptions>, s: IndexState): Uint8Array {
  const k = options.permutations;
  const units = s.ids.reduce((sum, id) => sum + id.length, 0);
  const capacity = s.table.length / 2;
  const at = layout(s.count, units, k, capacity, s.nodes);
  const buffer = new ArrayBuffer(at.total);
  const header = new DataView(buffer);
  header.setUint32(HEADER.magic, FORMAT_MAGIC, true);
  header.setUint32(HEADER.version, FORMAT_VERSION, true);
  header.setUint32(HEADER.permutations, k, true);
  header.setUint32(HEADER.seed, options.seed, true);
  header.setUint32(HEADER.bands, options.bands, true);
  header.setUint32(HEADER.rows, options.rows, true);
  header.setFloat64(HEADER.threshold, options.threshold, true);
  header.setFloat64(HEADER.exemplarThreshold, options.exemplarThreshold, true);
  header.setUint32(HEADER.count, s.count, true);
  header.setUint32(HEADER.idUnits, units, true);
  header.setUint32(HEADER.capacity, capacity, true);
  header.setUint32(HEADER.used, s.used, true);
  header.setUint32(HEADER.nodes, s.nodes, true);
  header.setFloat64(HEADER.verifications, s.verifications, true);

  const lengths = new Uint32Array(buffer, at.idLengths, s.count);
  const idUnits = new Uint16Array(buffer, at.idUnits, units);
  let u = 0;
  s.ids.forEach((id, i) => {
    lengths[i] = id.length;
    for (let j = 0; j < id.length; j++) idUnits[u++] = id.charCodeAt(j);
  });
  new Uint8Array(buffer, at.empty, s.count).set(s.empty.subarray(0, s.count));
  const signatures = new Uint16Array(buffer, at.signatures, s.count * k);
  s.pages.forEach((page, p) => {
    const first = p * PAGE_ITEMS;
    signatures.set(page.subarray(0, Math.min(PAGE_ITEMS, s.count - first) * k), first * k);
  });
  new Int32Array(buffer, at.parent, s.count).set(s.parent.subarray(0, s.count));
  new Int32Array(buffer, at.table, 2 * capacity).set(s.table);
  new Int32Array(buffer, at.nodeItem, s.nodes).set(s.nodeItem.subarray(0, s.nodes));
  new Int32Array(buffer, at.nodeNext, s.nodes).set(s.nodeNext.subarray(0, s.nodes));
  header.setUint32(at.checksum, checksum(new Int32Array(buffer, 0, at.checksum / 4)), true);
  return new Uint8Array(buffer);
}

/**
 * MurmurHash3-style checksum of whole words (read as int32: V8 keeps them in integer
 * registers): catches truncation, flipped bits and garbage.
 */
function checksum(words: Int32Array): number {
  let h = FORMAT_MAGIC;
  for (let i = 0; i < words.length; i++) h = murmurStep(h, words[i] as number);
  return murmurFinish(h, words.length);
}

/**
 * Restores an index saved by `save()`. Anything else (truncated, damaged, another format
 * version, options out of range) is a TEMPLATE_INDEX_INVALID error: the checksum is checked
 * first, nothing is allocated for a section before the bytes are known to hold it, and every
 * stored reference is checked, so even bytes made to pass the checksum can neither exhaust
 * memory nor make the index loop.
 */
export function loadTemplateIndex(bytes: Uint8Array): TemplateIndex {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_BYTES + 4 || bytes.length % 4) {
    throw invalid('The saved template index is truncated or not a template index.');
  }
  // Typed-array views need aligned offsets: the caller's bytes are read in place when aligned,
  // else from an aligned copy. Sections are copied out, so the index never shares their memory.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const { buffer, byteOffset: base } = aligned;
  const header = new DataView(buffer, base, aligned.length);
  const u32 = (offset: number): number => header.getUint32(offset, true);
  if (u32(HEADER.magic) !== FORMAT_MAGIC) {
    throw invalid('These bytes are not a saved template index.');
  }
  const version = u32(HEADER.version);
  if (version !== FORMAT_VERSION) {
    throw invalid(
      `The saved template index has format version ${version}; this version of Vigil reads only version ${FORMAT_VERSION}. Rebuild the index: add its items again to a new index and save that.`,
      { version, expected: FORMAT_VERSION },
    );
  }
  const i32 = (offset: number, length: number): Int32Array =>
    new Int32Array(buffer, base + offset, length);
  if (checksum(i32(0, aligned.length / 4 - 1)) !== u32(aligned.length - 4)) {
    throw invalid('The saved template index is damaged (its checksum does not match).');
  }
  const options = savedOptions(header);
  const count = u32(HEADER.count);
  const units = u32(HEADER.idUnits);
  const capacity = u32(HEADER.capacity);
  const used = u32(HEADER.used);
  const nodes = u32(HEADER.nodes);
  const verifications = header.getFloat64(HEADER.verifications, true);
  const k = options.permutations;
  const at = layout(count, units, k, capacity, nodes);
  if (
    count > MAX_ITEMS ||
    capacity < MIN_TABLE ||
    capacity > MAX_TABLE ||
    (capacity & (capacity - 1)) !== 0 ||
    used > capacity * MAX_LOAD ||
    !Number.isSafeInteger(verifications) ||
    verifications < 0 ||
    at.total !== aligned.length
  ) {
    throw invalid('The saved template index is damaged (its sections do not fit its size).');
  }
  const state: IndexState = {
    count,
    ids: savedIds(
      new Uint32Array(buffer, base + at.idLengths, count),
      new Uint16Array(buffer, base + at.idUnits, units),
    ),
    pages: savedPages(new Uint16Array(buffer, base + at.signatures, count * k), count, k),
    empty: new Uint8Array(buffer, base + at.empty, count).slice(),
    parent: i32(at.parent, count).slice(),
    table: i32(at.table, 2 * capacity).slice(),
    used,
    nodeItem: i32(at.nodeItem, nodes).slice(),
    nodeNext: i32(at.nodeNext, nodes).slice(),
    nodes,
    verifications,
  };
  checkParents(state);
  checkBuckets(state);
  return new Index(options, state);
}

function savedOptions(header: DataView): Required<TemplateIndexOptions> {
  const u32 = (offset: number): number => header.getUint32(offset, true);
  const permutations = u32(HEADER.permutations);
  const bands = u32(HEADER.bands);
  const rows = u32(HEADER.rows);
  const threshold = header.getFloat64(HEADER.threshold, true);
  const exemplarThreshold = header.getFloat64(HEADER.exemplarThreshold, true);
  if (
    permutations < 1 ||
    permutations > MAX_PERMUTATIONS ||
    bands < 1 ||
    rows < 1 ||
    bands * rows > permutations ||
    !(threshold > 0 && threshold <= 1) ||
    !(exemplarThreshold >= 0 && exemplarThreshold <= threshold)
  ) {
    throw invalid('The saved template index has options out of range.');
  }
  return Object.freeze({
    threshold,
    exemplarThreshold,
    permutations,
    seed: u32(HEADER.seed),
    bands,
    rows,
  });
}

/** The signatures copied into pages: every page whole but a first page that is not full. */
function savedPages(signatures: Uint16Array, count: number, k: number): Uint16Array[] {
  const pages: Uint16Array[] = [];
  for (let first = 0; first < count; first += PAGE_ITEMS) {
    const items = Math.min(PAGE_ITEMS, count - first);
    const page = new Uint16Array((first === 0 ? items : PAGE_ITEMS) * k);
    page.set(signatures.subarray(first * k, (first + items) * k));
    pages.push(page);
  }
  return pages;
}

function savedIds(lengths: Uint32Array, codes: Uint16Array): string[] {
  const count = lengths.length;
  const units = codes.length;
  let total = 0;
  for (let i = 0; i < count; i++) total += lengths[i] as number;
  if (total !== units) throw invalid('The saved template index is damaged (its ids).');
  // Decoded in chunks (an argument list has a size limit) into one string, then cut.
  const CHUNK = 8192;
  let text = '';
  for (let u = 0; u < units; u += CHUNK) {
    text += String.fromCharCode(...codes.subarray(u, Math.min(units, u + CHUNK)));
  }
  const ids: string[] = new Array(count);
  let u = 0;
  for (let i = 0; i < count; i++) {
    const length = lengths[i] as number;
    ids[i] = text.slice(u, u + length);
    u += length;
  }
  return ids;
}

/** parent[i] <= i: every path leads down to a root, so find() ends. */
function checkParents(s: IndexState): void {
  for (let i = 0; i < s.count; i++) {
    const p = s.parent[i] as number;
    if (p < 0 || p > i || (s.empty[i] !== 0 && p !== i) || (s.empty[i] ?? 0) > 1) {
      throw invalid('The saved template index is damaged (its clusters).', { item: i });
    }
  }
}

/**
 * Every slot refers to an item or a list; every node is in exactly one list; lists are 2 to
 * BUCKET_REPRESENTATIVES long; the table has free slots (probing ends).
 */
function checkBuckets(s: IndexState): void {
  const damaged = (): VigilError => invalid('The saved template index is damaged (its buckets).');
  const seen = new Uint8Array(s.nodes);
  let used = 0;
  let listed = 0;
  for (let slot = 0; 2 * slot < s.table.length; slot++) {
    const value = s.table[2 * slot + 1] as number;
    if (value === 0) continue;
    used++;
    if (value > 0) {
      if (value > s.count) throw damaged();
      continue;
    }
    let length = 0;
    for (let node = -value - 1; node !== -1; node = s.nodeNext[node] as number) {
      if (node < 0 || node >= s.nodes || seen[node] !== 0) throw damaged();
      seen[node] = 1;
      const item = s.nodeItem[node] as number;
      if (item < 0 || item >= s.count || ++length > BUCKET_REPRESENTATIVES) throw damaged();
    }
    if (length < 2) throw damaged();
    listed += length;
  }
  if (used !== s.used || listed !== s.nodes) throw damaged();
}
