import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/support/errors.js';
import {
  createMinHasher,
  DEFAULT_PERMUTATIONS,
  estimateJaccard,
  lshCrossing,
  lshParameters,
  MAX_SHINGLES,
  shingleHashes,
} from './minhash.js';
import { foldText } from './normalize.js';

const P = 2 ** 31 - 1;
const shingles = (text: string): Uint32Array => shingleHashes(foldText(text).text);

function expectInvalid(run: () => unknown): void {
  expect(errorOf(run)?.code).toBe('TEMPLATE_INDEX_INVALID');
}

/** Two sets of `size` random 32-bit values sharing `shared` of them. */
function setPair(next: () => number, size: number, shared: number): [Uint32Array, Uint32Array] {
  const common = Array.from({ length: shared }, next);
  const a = [...common, ...Array.from({ length: size - shared }, next)];
  const b = [...common, ...Array.from({ length: size - shared }, next)];
  return [Uint32Array.from(a), Uint32Array.from(b)];
}

/** Deterministic 32-bit values (splitmix32) for the statistical tests. */
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

describe('shingleHashes', () => {
  it('returns distinct hashes in ascending order', () => {
    const hashes = shingles('Sweet and discreet, sweet and discreet, new in town this week only.');
    expect(hashes).toBeInstanceOf(Uint32Array);
    for (let i = 1; i < hashes.length; i++) {
      expect(hashes[i] as number).toBeGreaterThan(hashes[i - 1] as number);
    }
  });

  it('gives one shingle per three consecutive words', () => {
    expect(shingles('one two three four five six').length).toBe(4);
    expect(shingles('one two three').length).toBe(1);
    expect(shingleHashes('one two three four', { wordShingle: 2 }).length).toBe(3);
  });

  it('masks numbers, however they are written, so prices, ages and phones do not matter', () => {
    const a = shingles('Isabella 26, new in town. $340 per hour. Call +1 (971) 555-0134 now!');
    const b = shingles('Isabella 31, new in town. $180 per hour. Call 212.555.9876 now!');
    const c = shingles('Isabella 31, new in town. $180 per hour. Call 2125559876 now!');
    expect(a).toEqual(b);
    expect(b).toEqual(c);
    // Digits inside a word are masked as well, letters are not.
    expect(shingles('telegram @hr_bluewave12 today')).toEqual(
      shingles('telegram @hr_bluewave7 today'),
    );
    expect(shingles('telegram @hr_bluewave12 today')).not.toEqual(
      shingles('telegram @hr_redwave12 today'),
    );
  });

  it('drops punctuation and emoji, and reads through apostrophes', () => {
    expect(shingles('Real pics, no fakes!!! 💋 Call me.')).toEqual(
      shingles('real pics no fakes call me'),
    );
    expect(shingles("don't be shy, babe")).toEqual(shingles('dont be shy babe'));
  });

  it('gives character 4-grams for Thai and Chinese, which have no spaces between words', () => {
    const thai = 'รับสมัครพนักงานต้อนรับ ไม่ต้องมีประสบการณ์ เงินเดือนสูง';
    const letters = [...thai].filter((c) => /[\p{L}\p{M}]/u.test(c)).length;
    const grams = new Set<string>();
    const joined = [...thai].filter((c) => /[\p{L}\p{M}]/u.test(c)).join('');
    for (let i = 0; i + 4 <= joined.length; i++) grams.add(joined.slice(i, i + 4));
    expect(letters).toBeGreaterThan(40);
    expect(shingles(thai).length).toBe(grams.size);

    const chinese = '招聘客服人员，高薪，包吃包住，无需经验。';
    const hanzi = [...chinese].filter((c) => /\p{L}/u.test(c)).length;
    expect(shingles(chinese).length).toBe(hanzi - 3);
    // One character changed: only the four 4-grams that hold it change.
    const a = shingles('招聘客服人员高薪包吃包住无需经验');
    const b = new Set(shingles('招聘客服人员低薪包吃包住无需经验'));
    expect([...a].filter((h) => !b.has(h)).length).toBe(4);
  });

  it('keeps character mode for Thai text with a few Latin words and numbers', () => {
    const a = shingles('รับสมัครพนักงาน Line ID: job888 เงินเดือน 35000 บาท');
    const b = shingles('รับสมัครพนักงาน Line ID: job123 เงินเดือน 42000 บาท');
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(20);
  });

  it('gives nothing for empty or very short texts', () => {
    expect(shingles('').length).toBe(0);
    expect(shingles('   !!! 💋 ').length).toBe(0);
    expect(shingles('hello there').length).toBe(0);
    expect(shingles('你好').length).toBe(0);
  });

  it('bounds very long texts by keeping the smallest hashes, a consistent sample', () => {
    // Words of letters only (digits would be masked): "baa", "bab", ...
    const word = (i: number): string =>
      [...i.toString(26).padStart(3, '0')]
        .map((d) => String.fromCharCode(97 + parseInt(d, 26)))
        .join('');
    const words = Array.from({ length: 5000 }, (_, i) => `w${word(i)}`);
    const whole = shingleHashes(words.join(' '), { wordShingle: 1 });
    expect(whole.length).toBe(MAX_SHINGLES);
    const quarters = [0, 1, 2, 3].flatMap((q) => [
      ...shingleHashes(words.slice(q * 1250, (q + 1) * 1250).join(' '), { wordShingle: 1 }),
    ]);
    const smallest = Uint32Array.from(quarters).sort().slice(0, MAX_SHINGLES);
    expect(whole).toEqual(smallest);
    // A megabyte of text is read only up to its first 64 KiB.
    expect(shingles('lorem ipsum dolor sit amet '.repeat(40_000)).length).toBeLessThan(10);
  });

  it('refuses shingle lengths out of range', () => {
    for (const bad of [0, 9, 1.5, Number.NaN]) {
      expectInvalid(() => shingleHashes('a b c d', { wordShingle: bad }));
      expectInvalid(() => shingleHashes('a b c d', { charShingle: bad }));
    }
  });
});

describe('createMinHasher', () => {
  it('computes h_i(x) = (a_i x + b_i) mod (2^31 - 1) exactly, as BigInt does', () => {
    const hasher = createMinHasher({ permutations: 16, seed: 3 });
    // The signature of {0} is b, of {1} is a + b (mod p): that recovers the coefficients.
    const b = [...hasher.signature(Uint32Array.of(0))].map(BigInt);
    const ab = [...hasher.signature(Uint32Array.of(1))].map(BigInt);
    const p = BigInt(P);
    const a = ab.map((v, i) => (((v - (b[i] as bigint)) % p) + p) % p);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: 0xffffffff }), { minLength: 1, maxLength: 20 }),
        (xs) => {
          const signature = hasher.signature(Uint32Array.from(xs));
          for (let i = 0; i < 16; i++) {
            let min = p;
            for (const x of xs) {
              const v = ((a[i] as bigint) * (BigInt(x) % p) + (b[i] as bigint)) % p;
              if (v < min) min = v;
            }
            expect(BigInt(signature[i] as number)).toBe(min);
          }
        },
      ),
      { seed: 11, numRuns: 200 },
    );
  });

  it('is deterministic per seed', () => {
    const set = shingles('Fresh face in town, sweet and discreet, call or text anytime.');
    const one = createMinHasher({ seed: 42 }).signature(set);
    expect(createMinHasher({ seed: 42 }).signature(set)).toEqual(one);
    expect(createMinHasher({ seed: 43 }).signature(set)).not.toEqual(one);
    expect(one.length).toBe(DEFAULT_PERMUTATIONS);
    expect(Math.max(...one)).toBeLessThan(P);
  });

  it('signs any number of permutations, and nothing as nothing', () => {
    const hasher = createMinHasher({ permutations: 7 });
    expect(hasher.permutations).toBe(7);
    expect(hasher.signature(Uint32Array.of(1, 2, 3)).length).toBe(7);
    expect(hasher.signature(new Uint32Array(0)).length).toBe(0);
  });

  it('refuses options out of range', () => {
    for (const permutations of [0, -1, 1.5, 1025]) {
      expectInvalid(() => createMinHasher({ permutations }));
    }
    for (const seed of [-1, 2 ** 32, 0.5]) expectInvalid(() => createMinHasher({ seed }));
  });
});

describe('estimateJaccard', () => {
  const hasher = createMinHasher();
  const k = DEFAULT_PERMUTATIONS;

  it('estimates exact Jaccard within the binomial bound', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer(),
        (size, share, seed) => {
          const shared = Math.round(size * share);
          const [a, b] = setPair(generator(seed), size, shared);
          const exact = shared / (2 * size - shared);
          const sd = Math.sqrt((exact * (1 - exact)) / k);
          const estimate = estimateJaccard(hasher.signature(a), hasher.signature(b));
          // 4.5 standard deviations: a false alarm once in 150,000 runs.
          expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(4.5 * sd + 2 / k);
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });

  it('is unbiased, with the spread of ideal MinHash', () => {
    const next = generator(9);
    const errors: number[] = [];
    for (let i = 0; i < 600; i++) {
      const [a, b] = setPair(next, 60, 40); // exact Jaccard 40 / 80 = 0.5
      errors.push(estimateJaccard(hasher.signature(a), hasher.signature(b)) - 0.5);
    }
    const mean = errors.reduce((s, e) => s + e, 0) / errors.length;
    const sd = Math.sqrt(errors.reduce((s, e) => s + (e - mean) ** 2, 0) / (errors.length - 1));
    const binomial = Math.sqrt(0.25 / k);
    expect(Math.abs(mean)).toBeLessThan(0.006);
    expect(sd / binomial).toBeGreaterThan(0.85);
    expect(sd / binomial).toBeLessThan(1.15);
  });

  it('refuses to compare signatures of different permutation counts', () => {
    const a = createMinHasher({ permutations: 64 }).signature(Uint32Array.of(1, 2, 3));
    const b = createMinHasher({ permutations: 128 }).signature(Uint32Array.of(1, 2, 3));
    expectInvalid(() => estimateJaccard(a, b));
  });

  it('finds an empty signature similar to nothing', () => {
    const a = hasher.signature(Uint32Array.of(1, 2, 3));
    expect(estimateJaccard(a, new Uint32Array(0))).toBe(0);
    expect(estimateJaccard(new Uint32Array(0), new Uint32Array(0))).toBe(0);
    expect(estimateJaccard(a, a)).toBe(1);
  });
});

describe('lshParameters', () => {
  it('matches worked examples', () => {
    expect(lshParameters(0.5, 128)).toEqual({ bands: 25, rows: 5 });
    expect(lshParameters(0.6, 128)).toEqual({ bands: 21, rows: 6 });
    // DIG's 100 hashes (detection.md §2.1): 9 x 11 crosses at 0.789, closer to 0.79 than 10 x 10.
    expect(lshParameters(0.79, 100)).toEqual({ bands: 9, rows: 11 });
    expect(lshCrossing(10, 10)).toBeCloseTo(0.763, 3);
  });

  it('crosses 0.5 as close to the threshold as possible without going above it', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.integer({ min: 8, max: 512 }),
        (threshold, permutations) => {
          const { bands, rows } = lshParameters(threshold, permutations);
          expect(bands).toBe(Math.floor(permutations / rows));
          expect(bands * rows).toBeLessThanOrEqual(permutations);
          if (rows > 1) expect(lshCrossing(bands, rows)).toBeLessThanOrEqual(threshold);
          if (rows < permutations) {
            const more = rows + 1;
            expect(lshCrossing(Math.floor(permutations / more), more)).toBeGreaterThan(threshold);
          }
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });

  it('refuses thresholds and permutation counts out of range', () => {
    for (const threshold of [0, -0.1, 1.1, Number.NaN])
      expectInvalid(() => lshParameters(threshold, 128));
    for (const permutations of [0, 2.5, 5000])
      expectInvalid(() => lshParameters(0.5, permutations));
  });
});
