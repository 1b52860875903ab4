/**
 * The PDQ index (pdq-index.ts) must give exactly the brute-force answer: every stored hash
 * within the distance, nearest first, ties by id. Checked on random banks of near-duplicates
 * (fast-check), around the pigeonhole boundaries of the probing (d = 15/16, 31/32, 47/48), with
 * adds and searches interleaved (tables plus the linearly scanned recent hashes), and on the
 * haystack/needles lists of Meta's regression script (shared/test-vectors/pdq/README.md).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PDQ_MATCH_DISTANCE, parsePdqHex, pdqDistance } from './pdq.js';
import { clusterPdq, PdqIndex, type PdqIndexOptions, type PdqMatch } from './pdq-index.js';

const VECTORS = new URL('../../../shared/test-vectors/pdq/data/reg-test-input/', import.meta.url)
  .pathname;

function bruteSearch(bank: readonly Uint8Array[], query: Uint8Array, max: number): PdqMatch[] {
  return bank
    .map((hash, id) => ({ id, distance: pdqDistance(query, hash) }))
    .filter((match) => match.distance <= max)
    .sort((a, b) => a.distance - b.distance || a.id - b.id);
}

/**
 * Single linkage by union-find over all pairs, each group named by its smallest index;
 * `distance(i, j)` is the distance between hashes i and j.
 */
function bruteCluster(count: number, max: number, distance: (i: number, j: number) => number) {
  const parent = Int32Array.from({ length: count }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : find(parent[i] as number));
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      if (distance(i, j) <= max) {
        const a = find(i);
        const b = find(j);
        parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  return Int32Array.from({ length: count }, (_, i) => find(i));
}

/** All pairwise distances, computed once for clusterings at several distances. */
function distanceMatrix(hashes: readonly Uint8Array[]): (i: number, j: number) => number {
  const n = hashes.length;
  const matrix = new Uint16Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      matrix[i * n + j] = pdqDistance(hashes[i] as Uint8Array, hashes[j] as Uint8Array);
    }
  }
  return (i, j) => matrix[i * n + j] as number;
}

function flipped(hash: Uint8Array, bits: readonly number[]): Uint8Array {
  const copy = hash.slice();
  for (const bit of bits) copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
  return copy;
}

function indexOf(bank: readonly Uint8Array[], options?: PdqIndexOptions): PdqIndex {
  const index = new PdqIndex(options);
  for (const hash of bank) index.add(hash);
  return index;
}

/** Deterministic generator for the larger fixed banks (splitmix32). */
function generator(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** `seeds` random hashes, each followed by `copies` variants with 0..maxFlips bits flipped. */
function nearDuplicateBank(seed: number, seeds: number, copies: number, maxFlips: number) {
  const next = generator(seed);
  const bank: Uint8Array[] = [];
  for (let s = 0; s < seeds; s++) {
    const base = Uint8Array.from({ length: 32 }, () => next() & 255);
    bank.push(base);
    for (let c = 0; c < copies; c++) {
      const flips = next() % (maxFlips + 1);
      bank.push(
        flipped(
          base,
          Array.from({ length: flips }, () => next() & 255),
        ),
      );
    }
  }
  return bank;
}

const hashArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const bitArb = fc.integer({ min: 0, max: 255 });
/**
 * k distinct bit positions, k in 0..40: either anywhere, or spread so that each of the 16 slots
 * of 16 bits gets exactly 1 (or 2) of them, plus a few anywhere. Random flips nearly always
 * leave some slot unchanged; spread ones make the one- and two-bit probes necessary.
 */
const flipsArb = fc.oneof(
  fc.uniqueArray(bitArb, { maxLength: 40 }),
  ...[1, 2].map((perSlot) =>
    fc
      .tuple(
        fc.array(
          fc.uniqueArray(fc.integer({ min: 0, max: 15 }), {
            minLength: perSlot,
            maxLength: perSlot,
          }),
          {
            minLength: 16,
            maxLength: 16,
          },
        ),
        fc.uniqueArray(bitArb, { maxLength: 40 - 16 * perSlot }),
      )
      .map(([slots, extra]) => [
        ...new Set([
          ...slots.flatMap((bits, slot) => bits.map((bit) => 16 * slot + bit)),
          ...extra,
        ]),
      ]),
  ),
);
/** Random hashes and near-duplicates of them (0..40 bits flipped), in a shuffled order. */
const bankArb = fc
  .record({
    bases: fc.array(hashArb, { minLength: 1, maxLength: 12 }),
    copies: fc.array(fc.tuple(fc.nat(), flipsArb), { maxLength: 40 }),
  })
  .chain(({ bases, copies }) =>
    fc.shuffledSubarray(
      [
        ...bases,
        ...copies.map(([from, bits]) => flipped(bases[from % bases.length] as Uint8Array, bits)),
      ],
      { minLength: 1 },
    ),
  );
/** A query: a stored hash with 0..40 bits flipped, or a random hash. */
const queryArb = (bank: readonly Uint8Array[]) =>
  fc.oneof(
    fc
      .tuple(fc.nat({ max: bank.length - 1 }), flipsArb)
      .map(([from, bits]) => flipped(bank[from] as Uint8Array, bits)),
    hashArb,
  );
const DISTANCES = [0, 10, 31, 40] as const;

describe('PdqIndex.search', () => {
  it('equals a brute-force scan on random near-duplicates (indexed and scanned)', () => {
    fc.assert(
      fc.property(
        bankArb.chain((bank) =>
          fc.tuple(fc.constant(bank), fc.array(queryArb(bank), { minLength: 1, maxLength: 8 })),
        ),
        ([bank, queries]) => {
          // maxUnindexed 0: every search goes through the tables; the default scans small banks.
          const indexed = indexOf(bank, { maxUnindexed: 0 });
          const scanned = indexOf(bank);
          for (const query of queries) {
            for (const max of DISTANCES) {
              const expected = bruteSearch(bank, query, max);
              expect(indexed.search(query, max)).toEqual(expected);
              expect(scanned.search(query, max)).toEqual(expected);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('equals a brute-force scan when adds and searches interleave', () => {
    fc.assert(
      fc.property(
        bankArb,
        fc.integer({ min: 0, max: 6 }),
        fc.array(flipsArb, { maxLength: 4 }),
        (bank, maxUnindexed, flipSets) => {
          const index = new PdqIndex({ maxUnindexed });
          for (let i = 0; i < bank.length; i++) {
            const hash = bank[i] as Uint8Array;
            expect(index.add(hash)).toBe(i);
            expect(index.size).toBe(i + 1);
            const stored = bank.slice(0, i + 1);
            for (const bits of flipSets) {
              const query = flipped(hash, bits);
              for (const max of DISTANCES) {
                expect(index.search(query, max)).toEqual(bruteSearch(stored, query, max));
              }
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is exact at every distance 0..64 on a bank of 4,000 hashes (probe radius 0, 1, 2, scan)', () => {
    const bank = nearDuplicateBank(7, 400, 9, 56);
    const index = indexOf(bank, { maxUnindexed: 0 });
    const next = generator(11);
    for (let q = 0; q < 20; q++) {
      const query = flipped(bank[next() % bank.length] as Uint8Array, [next() & 255, next() & 255]);
      const all = bruteSearch(bank, query, 256);
      for (let max = 0; max <= 64; max++) {
        expect(index.search(query, max)).toEqual(all.filter((match) => match.distance <= max));
      }
    }
  });

  it('finds what a brute-force scan finds for the regression needles in the haystack', () => {
    const read = (name: string): Uint8Array[] =>
      readFileSync(`${VECTORS}${name}`, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .map(parsePdqHex);
    const haystack = read('haystack.txt');
    const needles = read('needles.txt');
    expect([haystack.length, needles.length]).toEqual([1350, 100]);
    const index = indexOf(haystack, { maxUnindexed: 0 });
    let matches = 0;
    for (const needle of needles) {
      const found = index.search(needle, PDQ_MATCH_DISTANCE);
      expect(found).toEqual(bruteSearch(haystack, needle, PDQ_MATCH_DISTANCE));
      matches += found.length;
    }
    // Every needle has a near-duplicate there (250 pairs in all): the comparison is not vacuous.
    expect(matches).toBe(250);
    expect(clusterPdq(haystack, PDQ_MATCH_DISTANCE)).toEqual(
      bruteCluster(haystack.length, PDQ_MATCH_DISTANCE, distanceMatrix(haystack)),
    );
  });

  it('copies the hashes it stores and checks its input', () => {
    const hash = new Uint8Array(32).fill(0xab);
    const index = new PdqIndex();
    expect(index.add(hash)).toBe(0);
    const query = hash.slice();
    hash.fill(0);
    expect(index.search(query, 0)).toEqual([{ id: 0, distance: 0 }]);
    expect(index.search(query, -1)).toEqual([]);
    expect(index.search(query, Number.NaN)).toEqual([]);
    expect(index.search(query, 256)).toEqual([{ id: 0, distance: 0 }]);
    expect(new PdqIndex().search(query, 31)).toEqual([]);
    expect(() => index.add(new Uint8Array(31))).toThrow(RangeError);
    expect(() => index.search(new Uint8Array(33), 31)).toThrow(RangeError);
    expect(() => new PdqIndex({ maxUnindexed: -1 })).toThrow(RangeError);
  });
});

describe('clusterPdq', () => {
  it('equals single linkage by brute-force union-find, groups named by their first hash', () => {
    fc.assert(
      fc.property(bankArb, fc.constantFrom(...DISTANCES), (bank, max) => {
        expect(clusterPdq(bank, max)).toEqual(bruteCluster(bank.length, max, distanceMatrix(bank)));
      }),
      { numRuns: 200 },
    );
  });

  it('equals brute force on a bank of 1,500 hashes, where it uses the tables', () => {
    const bank = nearDuplicateBank(3, 150, 9, 48);
    const distance = distanceMatrix(bank);
    for (const max of DISTANCES) {
      expect(clusterPdq(bank, max)).toEqual(bruteCluster(bank.length, max, distance));
    }
  });
});
