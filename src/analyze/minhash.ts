/**
 * MinHash signatures of ad texts, for finding ads written from one template (template-index.ts).
 *
 * Anchors (../shared/reference/detection.md):
 * - §1 InfoShield clusters ads by shared word 5-grams after removing digits; here word 3-grams
 *   (shorter, so that a template whose names, cities and prices change every few words still
 *   shares most shingles) with digit runs masked rather than removed (a number still occupies its
 *   place in the sentence).
 * - §2.1 DIG: MinHash with 100 hashes in 10 x 10 LSH bands (threshold about 0.79).
 * - §6.4: the npm `minhash` package computes `(a * x + b) % prime` in floating point beyond 2^53
 *   (so its hashes are not what they claim) and rehashes each string per permutation. Here each
 *   shingle is hashed once, and the permutations are the universal family
 *   h_i(x) = (a_i * x + b_i) mod p, p = 2^31 - 1, computed exactly.
 *
 * Why p = 2^31 - 1 (not 2^61 - 1): signature values then fit the Uint32Array that LinkItem
 * carries, each h_i is a bijection of [0, p) (no ties between distinct shingles), and the
 * arithmetic stays exact in doubles (below). Measured against exact Jaccard over random pairs
 * of 60-shingle sets (bench/minhash.mjs, 2,000 pairs at J = 0.2, 0.5 and 0.8; minhash.test.ts),
 * the estimate error is that of ideal MinHash: its standard deviation is 0.987-1.015 times the
 * binomial sqrt(J(1 - J) / k) (a BigInt reference mod 2^61 - 1: 0.98-1.12 on 300 pairs) and its
 * bias below 0.001. The only price is that shingle hashes are reduced mod p (31 bits), which makes
 * two shingles of one ad collide with probability about n^2 / 2^32 (1e-6 for 60 shingles).
 */
import { VigilError } from '../shared/errors.js';
import { isApostrophe, isWordUnit } from './language.js';

/**
 * 128 permutations, measured (bench/minhash.mjs): template F1 on the synthetic corpus at the
 * default threshold 0.6, mean over seeds 1-3 of 20,000 items, is 0.903 with 64, 0.931 with 128
 * and 0.953 with 256; signing 60-shingle ads on one core of the 2-core test machine, 58,000,
 * 32,000 and 12,000 per second; the index keeps 4 bytes per permutation and item (512 bytes at
 * 128). 256 would halve the signing speed, already the scan's bottleneck, for 0.02 of F1.
 */
export const DEFAULT_PERMUTATIONS = 128;
export const DEFAULT_SEED = 0x5eed;
export const DEFAULT_WORD_SHINGLE = 3;
export const DEFAULT_CHAR_SHINGLE = 4;
/** Longest shingle accepted, in words or characters. */
export const MAX_SHINGLE_LENGTH = 8;
export const MAX_PERMUTATIONS = 1024;
/** Shingles kept per text at most: ads have 20-300; a long text keeps a consistent sample. */
export const MAX_SHINGLES = 2000;
/** Units of a text read at most (a 64 KiB ad is already a hundred times a long one). */
const MAX_TEXT_UNITS = 65_536;

/** The Mersenne prime 2^31 - 1 of the permutations. */
const P = 0x7fffffff;
const TWO_POW_31 = 2_147_483_648;
const INV_TWO_POW_31 = 1 / TWO_POW_31;

// ---------------------------------------------------------------------------------------------
// Shingles

// Unit classes of the tokenizer.
const SEPARATOR = 0;
const LETTER = 1;
const DIGIT = 2;
/** A letter of a script written without spaces between words. */
const DENSE = 3;
/** Apostrophes inside words: read through ("don't" is one word, "dont"). */
const JOINER = 4;

/** Placeholder unit that a run of digits hashes as ('#'). */
const NUMBER_UNIT = 0x23;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, CJK, kana). */
function isDenseScript(c: number): boolean {
  return (
    (c >= 0x0e00 && c <= 0x0eff) ||
    (c >= 0x1000 && c <= 0x109f) ||
    (c >= 0x1780 && c <= 0x17ff) ||
    (c >= 0x2e80 && c <= 0x9fff) ||
    (c >= 0xf900 && c <= 0xfaff)
  );
}

let unitClasses: Uint8Array | undefined;

/** Class of every UTF-16 unit, computed on first use (one Unicode test per unit, ~15 ms). */
function classes(): Uint8Array {
  if (unitClasses !== undefined) return unitClasses;
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (isApostrophe(c)) table[c] = JOINER;
    else if (!isWordUnit(c)) table[c] = SEPARATOR;
    else if (DECIMAL_DIGIT.test(String.fromCharCode(c))) table[c] = DIGIT;
    else table[c] = isDenseScript(c) ? DENSE : LETTER;
  }
  unitClasses = table;
  return table;
}

/**
 * One MurmurHash3 x86_32 block step: mixes a 32-bit value into the running hash (shingles here;
 * LSH band keys and the saved index's checksum in template-index.ts).
 */
export function murmurStep(h: number, value: number): number {
  let k = Math.imul(value, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  const m = h ^ k;
  return (Math.imul((m << 13) | (m >>> 19), 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finalizer (fmix32) of a hash of `length` blocks: every input bit counts. */
export function murmurFinish(h: number, length: number): number {
  let f = h ^ length;
  f = Math.imul(f ^ (f >>> 16), 0x85ebca6b);
  f = Math.imul(f ^ (f >>> 13), 0xc2b2ae35);
  return (f ^ (f >>> 16)) >>> 0;
}

/**
 * Shingle hashes collected by one call, reused (calls are synchronous); at most one per unit
 * read, so MAX_TEXT_UNITS bounds it.
 */
const collected = new Uint32Array(MAX_TEXT_UNITS);
/** The last tokens (word mode) or characters (character mode), as a ring of hashes. */
const recent = new Int32Array(MAX_SHINGLE_LENGTH);

/** Streams tokens into shingle hashes: each token completes the shingle that ends with it. */
class Shingler {
  count = 0;
  private tokens = 0;
  constructor(private readonly size: number) {}

  push(token: number): void {
    recent[this.tokens % this.size] = token;
    this.tokens++;
    if (this.tokens < this.size) return;
    let h = this.size;
    for (let j = this.tokens - this.size; j < this.tokens; j++) {
      h = murmurStep(h, recent[j % this.size] ?? 0);
    }
    collected[this.count++] = murmurFinish(h, this.size);
  }
}

/**
 * Hashed shingles of a FOLDED text (`Doc.folded.text`, normalize.ts: lower case, look-alike and
 * styled letters and digits already folded), so that disguised copies of a template shingle
 * alike; folding is not repeated here because the scan has already folded every item.
 *
 * - Texts mostly in scripts that separate words with spaces give word k-shingles (default 3);
 *   texts in which letters of scripts written without spaces (Thai, Lao, Myanmar, Khmer,
 *   Chinese, Japanese) are at least a third of the letters give character k-grams (default 4)
 *   over their letters, spaces and punctuation dropped.
 * - Punctuation, symbols and emoji are dropped; apostrophes inside words are read through.
 * - A number is one placeholder however many digits it has and however they are grouped
 *   ("+1 (971) 555-0134", "$340", "2 250"), so template copies that differ only in prices,
 *   ages or phone numbers share their shingles. Digits inside a word are masked the same way
 *   ("bluewave12" reads "bluewave#").
 * - A text with fewer tokens than one shingle gives an empty array: too short to be a template.
 *
 * Returns the distinct 32-bit hashes in ascending order. A very long text is read up to its
 * first 65,536 units and keeps the MAX_SHINGLES smallest hashes: a bottom-k sample, consistent
 * between texts (a shingle two texts share is kept by both or by neither while it is below both
 * cuts), so two long near duplicates keep samples about as similar as they are.
 */
export function shingleHashes(
  text: string,
  options: { readonly wordShingle?: number; readonly charShingle?: number } = {},
): Uint32Array {
  const wordShingle = shingleLength(options.wordShingle, DEFAULT_WORD_SHINGLE, 'wordShingle');
  const charShingle = shingleLength(options.charShingle, DEFAULT_CHAR_SHINGLE, 'charShingle');
  const table = classes();
  const end = Math.min(text.length, MAX_TEXT_UNITS);
  const count = isDenseText(text, end, table)
    ? characterShingles(text, end, table, charShingle)
    : wordShingles(text, end, table, wordShingle);
  return smallestDistinct(count);
}

function shingleLength(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > MAX_SHINGLE_LENGTH) {
    throw new VigilError(
      'TEMPLATE_INDEX_INVALID',
      `The shingle length ${name} must be a whole number from 1 to ${MAX_SHINGLE_LENGTH}.`,
      { details: { option: name, value: String(value) } },
    );
  }
  return value;
}

/** True when letters of scripts without spaces are at least a third of all letters. */
function isDenseText(text: string, end: number, table: Uint8Array): boolean {
  let dense = 0;
  let letters = 0;
  for (let i = 0; i < end; i++) {
    const k = table[text.charCodeAt(i)] ?? SEPARATOR;
    if (k === DENSE) dense++;
    else if (k === LETTER) letters++;
  }
  return dense > 0 && dense * 2 >= letters;
}

/**
 * Word tokens hashed with FNV-1a over their units (a digit run as one '#'), each maximal run of
 * letters, digits and dense-script letters one token; a number that follows a number with only
 * separators between them continues it.
 */
function wordShingles(text: string, end: number, table: Uint8Array, size: number): number {
  const shingler = new Shingler(size);
  let inToken = false;
  let hash = 0;
  let onlyDigits = true;
  let previousDigit = false;
  let lastWasNumber = false;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 0x20;
    const k = table[c] ?? SEPARATOR;
    if (k === SEPARATOR) {
      if (inToken) {
        if (!(onlyDigits && lastWasNumber)) shingler.push(hash);
        lastWasNumber = onlyDigits;
        inToken = false;
      }
      continue;
    }
    if (k === JOINER) continue;
    if (!inToken) {
      inToken = true;
      hash = FNV_OFFSET;
      onlyDigits = true;
      previousDigit = false;
    }
    if (k === DIGIT) {
      if (!previousDigit) hash = Math.imul(hash ^ NUMBER_UNIT, FNV_PRIME);
      previousDigit = true;
    } else {
      hash = Math.imul(hash ^ c, FNV_PRIME);
      onlyDigits = false;
      previousDigit = false;
    }
  }
  return shingler.count;
}

/** Character k-grams over letters and numbers (one placeholder each), everything else dropped. */
function characterShingles(text: string, end: number, table: Uint8Array, size: number): number {
  const shingler = new Shingler(size);
  let inNumber = false;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const k = table[c] ?? SEPARATOR;
    if (k === DIGIT) {
      if (!inNumber) shingler.push(NUMBER_UNIT);
      inNumber = true;
    } else if (k === LETTER || k === DENSE) {
      shingler.push(c);
      inNumber = false;
    }
  }
  return shingler.count;
}

/** The distinct values of collected[0, count), ascending, at most MAX_SHINGLES of them. */
function smallestDistinct(count: number): Uint32Array {
  const values = collected.subarray(0, count).sort();
  let distinct = 0;
  for (let i = 0; i < count && distinct < MAX_SHINGLES; i++) {
    const v = values[i] as number;
    if (distinct === 0 || v !== values[distinct - 1]) values[distinct++] = v;
  }
  return values.slice(0, distinct);
}

// ---------------------------------------------------------------------------------------------
// Signatures

export interface MinHasher {
  readonly permutations: number;
  readonly seed: number;
  /** Per permutation, the least hash of the shingles; empty for no shingles. */
  signature(shingles: Uint32Array): Uint32Array;
}

/** Permutations are evaluated four at a time (their coefficients padded to a multiple of 4). */
const LANES = 4;

/** One splitmix32 step: the seeded generator of the permutations' coefficients. */
function splitmix32(state: number): number {
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Uniform draws from [min, p) by rejection over 31-bit outputs of splitmix32. */
class Coefficients {
  private state: number;
  constructor(seed: number) {
    this.state = seed | 0;
  }
  next(min: number): number {
    for (;;) {
      this.state = (this.state + 0x9e3779b9) | 0;
      const v = splitmix32(this.state) >>> 1;
      if (v >= min && v < P) return v;
    }
  }
}

/** (value mod p) for 0 <= value < 2^53, exactly. */
function modP(value: number): number {
  const r = value - Math.floor(value / P) * P;
  return r < 0 ? r + P : r >= P ? r - P : r;
}

/**
 * Universal hashing h_i(x) = (a_i x + b_i) mod (2^31 - 1), a_i in [1, p) and b_i in [0, p)
 * drawn from a splitmix32 stream seeded with `seed`, so a seed always gives the same
 * permutations. No BigInt: with x = xh 2^16 + xl (xh < 2^15, xl < 2^16) and c_i = a_i 2^16 mod p
 * precomputed, a_i x + b_i = c_i xh + a_i xl + b_i (mod p), a sum below 2^48 that doubles hold
 * exactly; it is reduced with 2^31 = 1 (mod p). Four permutations share each pass over the
 * shingles (measured 1.5x faster than one: the shingle loads and the loop are paid once).
 *
 * Speed, measured on the 2-core test machine (bench/minhash.mjs): about 32,000 signatures per
 * second of 60-shingle ads at 128 permutations on one core, 57,000 with a worker on each core
 * (the scan signs in its workers). That is about 4 ns per shingle and permutation, near what
 * scalar code does: the trivial (a x + b) mod 2^32 hash was measured at 45,000 per second.
 */
export function createMinHasher(
  options: { readonly permutations?: number; readonly seed?: number } = {},
): MinHasher {
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(permutations) || permutations < 1 || permutations > MAX_PERMUTATIONS) {
    throw new VigilError(
      'TEMPLATE_INDEX_INVALID',
      `The number of MinHash permutations must be a whole number from 1 to ${MAX_PERMUTATIONS}.`,
      { details: { option: 'permutations', value: String(permutations) } },
    );
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new VigilError(
      'TEMPLATE_INDEX_INVALID',
      'The MinHash seed must be a whole number from 0 to 4,294,967,295.',
      { details: { option: 'seed', value: String(seed) } },
    );
  }
  const lanes = Math.ceil(permutations / LANES) * LANES;
  const a = new Float64Array(lanes);
  const b = new Float64Array(lanes);
  const c = new Float64Array(lanes);
  const draw = new Coefficients(seed);
  for (let i = 0; i < lanes; i++) {
    a[i] = draw.next(1);
    b[i] = draw.next(0);
    c[i] = modP((a[i] as number) * 65_536);
  }
  const minima = new Float64Array(lanes);
  return {
    permutations,
    seed,
    signature(shingles: Uint32Array): Uint32Array {
      if (shingles.length === 0) return new Uint32Array(0);
      const n = splitShingles(shingles);
      for (let i = 0; i < lanes; i += LANES) minimaOfFour(a, b, c, i, n, minima);
      const out = new Uint32Array(permutations);
      for (let i = 0; i < permutations; i++) out[i] = minima[i] as number;
      return out;
    },
  };
}

/** High (15-bit) and low (16-bit) halves of each shingle hash reduced mod p; reused. */
let highs = new Float64Array(MAX_SHINGLES);
let lows = new Float64Array(MAX_SHINGLES);

function splitShingles(shingles: Uint32Array): number {
  const n = shingles.length;
  if (n > highs.length) {
    highs = new Float64Array(n);
    lows = new Float64Array(n);
  }
  for (let j = 0; j < n; j++) {
    let x = shingles[j] as number;
    // x < 2^32 = 2p + 2: at most two subtractions.
    if (x >= P) x -= P;
    if (x >= P) x -= P;
    highs[j] = x >>> 16;
    lows[j] = x & 0xffff;
  }
  return n;
}

/** Minima of permutations i..i+3 over the n split shingles, into minima[i..i+3]. */
function minimaOfFour(
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  i: number,
  n: number,
  minima: Float64Array,
): void {
  const a0 = a[i] as number;
  const a1 = a[i + 1] as number;
  const a2 = a[i + 2] as number;
  const a3 = a[i + 3] as number;
  const b0 = b[i] as number;
  const b1 = b[i + 1] as number;
  const b2 = b[i + 2] as number;
  const b3 = b[i + 3] as number;
  const c0 = c[i] as number;
  const c1 = c[i + 1] as number;
  const c2 = c[i + 2] as number;
  const c3 = c[i + 3] as number;
  let m0 = P;
  let m1 = P;
  let m2 = P;
  let m3 = P;
  for (let j = 0; j < n; j++) {
    const xh = highs[j] as number;
    const xl = lows[j] as number;
    const s0 = c0 * xh + a0 * xl + b0;
    const s1 = c1 * xh + a1 * xl + b1;
    const s2 = c2 * xh + a2 * xl + b2;
    const s3 = c3 * xh + a3 * xl + b3;
    // s = q 2^31 + r = q + r (mod p), q < 2^17: s - q (2^31 - 1) is below p + 2^17.
    let v0 = s0 - ((s0 * INV_TWO_POW_31) | 0) * P;
    let v1 = s1 - ((s1 * INV_TWO_POW_31) | 0) * P;
    let v2 = s2 - ((s2 * INV_TWO_POW_31) | 0) * P;
    let v3 = s3 - ((s3 * INV_TWO_POW_31) | 0) * P;
    if (v0 >= P) v0 -= P;
    if (v1 >= P) v1 -= P;
    if (v2 >= P) v2 -= P;
    if (v3 >= P) v3 -= P;
    if (v0 < m0) m0 = v0;
    if (v1 < m1) m1 = v1;
    if (v2 < m2) m2 = v2;
    if (v3 < m3) m3 = v3;
  }
  minima[i] = m0;
  minima[i + 1] = m1;
  minima[i + 2] = m2;
  minima[i + 3] = m3;
}

/**
 * Share of permutations on which two signatures agree: an unbiased estimate of the Jaccard
 * similarity of their shingle sets (standard deviation sqrt(J(1 - J) / k)). Signatures must come
 * from one hasher (same permutations and seed; the seed cannot be checked here). An empty
 * signature (no shingles) is similar to nothing.
 */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a.length !== b.length) {
    throw new VigilError(
      'TEMPLATE_INDEX_INVALID',
      `Signatures of ${a.length} and ${b.length} permutations cannot be compared: make both with one MinHasher.`,
      { details: { left: a.length, right: b.length } },
    );
  }
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++;
  return equal / a.length;
}

/** Jaccard similarity at which the LSH S-curve 1 - (1 - s^r)^b crosses 0.5. */
export function lshCrossing(bands: number, rows: number): number {
  return (1 - 0.5 ** (1 / bands)) ** (1 / rows);
}

/**
 * LSH banding for a Jaccard threshold: a pair becomes a candidate when all `rows` values of any
 * of its `bands` bands agree, with probability 1 - (1 - s^rows)^bands at similarity s. For each
 * row count the most bands that fit (more bands only add recall), and of those the one whose
 * S-curve crosses 0.5 highest but not above the threshold: closest to it while favouring recall
 * (a pair at the threshold is a candidate at least half the time; the candidates are verified
 * against the threshold anyway). For 128 permutations at 0.5 that is 25 bands of 5 rows
 * (crossing 0.487); DIG's 100 hashes at 0.79 give 9 x 11 (crossing 0.789).
 */
export function lshParameters(
  threshold: number,
  permutations: number,
): { readonly bands: number; readonly rows: number } {
  if (!(threshold > 0 && threshold <= 1)) {
    throw new VigilError(
      'TEMPLATE_INDEX_INVALID',
      'The similarity threshold must be a number above 0 and at most 1.',
      { details: { option: 'threshold', value: String(threshold) } },
    );
  }
  if (!Number.isInteger(permutations) || permutations < 1 || permutations > MAX_PERMUTATIONS) {
    throw new VigilError(
      'TEMPLATE_INDEX_INVALID',
      `The number of MinHash permutations must be a whole number from 1 to ${MAX_PERMUTATIONS}.`,
      { details: { option: 'permutations', value: String(permutations) } },
    );
  }
  // Crossings rise with the row count, so the last one not above the threshold is the best;
  // when even one row per band crosses above it, one row per band is the best there is.
  let best = { bands: permutations, rows: 1 };
  for (let rows = 2; rows <= permutations; rows++) {
    const bands = Math.floor(permutations / rows);
    if (lshCrossing(bands, rows) > threshold) break;
    best = { bands, rows };
  }
  return best;
}
