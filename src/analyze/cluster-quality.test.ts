import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterQuality } from './cluster-quality.js';

/** Pairwise counts by brute force, to check the contingency-table arithmetic. */
function bruteForce(
  items: readonly string[],
  found: Map<string, string>,
  truth: Map<string, string>,
) {
  let both = 0;
  let f = 0;
  let t = 0;
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i] as string;
      const b = items[j] as string;
      const sameFound = found.has(a) && found.get(a) === found.get(b);
      const sameTruth = truth.has(a) && truth.get(a) === truth.get(b);
      if (sameFound) f++;
      if (sameTruth) t++;
      if (sameFound && sameTruth) both++;
    }
  }
  return { both, found: f, truth: t };
}

describe('cluster quality', () => {
  it('is perfect for identical clusterings and counts pairs like brute force', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const same = new Map([
      ['a', 'x'],
      ['b', 'x'],
      ['c', 'y'],
      ['d', 'y'],
    ]);
    const q = clusterQuality(
      items,
      (id) => same.get(id),
      (id) => same.get(id),
    );
    expect(q).toMatchObject({ precision: 1, recall: 1, f1: 1, adjustedRand: 1 });
    expect(q.pairs).toEqual({ both: 2, found: 2, truth: 2 });
  });

  it('agrees with brute force on random clusterings', () => {
    const clustering = fc.array(fc.option(fc.integer({ min: 0, max: 4 })), {
      minLength: 2,
      maxLength: 40,
    });
    fc.assert(
      fc.property(clustering, clustering, (f, t) => {
        const n = Math.min(f.length, t.length);
        const items = Array.from({ length: n }, (_, i) => `i${i}`);
        const found = new Map<string, string>();
        const truth = new Map<string, string>();
        items.forEach((id, i) => {
          if (f[i] !== null && f[i] !== undefined) found.set(id, `f${f[i]}`);
          if (t[i] !== null && t[i] !== undefined) truth.set(id, `t${t[i]}`);
        });
        const q = clusterQuality(
          items,
          (id) => found.get(id),
          (id) => truth.get(id),
        );
        expect(q.pairs).toEqual(bruteForce(items, found, truth));
        expect(q.adjustedRand).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });

  it('penalises merging two true clusters and splitting one', () => {
    const items = ['a', 'b', 'c', 'd'];
    const truth = new Map([
      ['a', 'x'],
      ['b', 'x'],
      ['c', 'y'],
      ['d', 'y'],
    ]);
    const merged = clusterQuality(
      items,
      () => 'all',
      (id) => truth.get(id),
    );
    expect(merged.recall).toBe(1);
    expect(merged.precision).toBeCloseTo(2 / 6);
    const split = clusterQuality(
      items,
      () => undefined,
      (id) => truth.get(id),
    );
    expect(split.recall).toBe(0);
    expect(split.f1).toBe(0);
  });
});
