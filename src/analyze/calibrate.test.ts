import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import {
  calibrate,
  fitLogistic,
  type LabelledSample,
  mulberry32,
  rankAuc,
  type ScoredGroup,
  thresholdMetrics,
} from './calibrate.js';
import { parseWeights, sigmoid } from './score.js';

/** Samples from a known logistic model: each rule fires independently with probability `rate`. */
function synthetic(
  n: number,
  bias: number,
  weights: Record<string, number>,
  rate: number,
  seed: number,
): LabelledSample[] {
  const random = mulberry32(seed);
  const ids = Object.keys(weights);
  const out: LabelledSample[] = [];
  for (let i = 0; i < n; i++) {
    const fired = ids.filter(() => random() < rate);
    const logit = bias + fired.reduce((s, id) => s + (weights[id] ?? 0), 0);
    out.push({ fired, label: random() < sigmoid(logit) ? 1 : 0 });
  }
  return out;
}

function bruteAuc(points: readonly ScoredGroup[]): number {
  let u = 0;
  let pairs = 0;
  for (const p of points) {
    for (const q of points) {
      const n = p.positives * q.negatives;
      pairs += n;
      if (p.score > q.score) u += n;
      else if (p.score === q.score) u += n / 2;
    }
  }
  return u / pairs;
}

describe('calibrate', () => {
  it('recovers the weights of a known logistic model', () => {
    const truth = { a: 1.5, b: -1, c: 0.8, d: 2, e: 0 };
    const samples = synthetic(40_000, -1, truth, 0.3, 7);
    const result = calibrate(samples, Object.keys(truth), { l2: 1 });
    expect(result.model.origin).toBe('calibrated');
    expect(result.model.bias).toBeCloseTo(-1, 0);
    expect(Math.abs(result.model.bias - -1)).toBeLessThan(0.1);
    for (const [id, w] of Object.entries(truth)) {
      expect(Math.abs((result.model.weights[id] ?? Number.NaN) - w)).toBeLessThan(0.12);
    }
    expect(result.n).toBe(40_000);
    expect(result.model.trainedOn).toEqual({ n: 40_000, positives: result.positives });
    expect(result.cv.folds).toHaveLength(5);
    expect(result.cv.folds.reduce((s, f) => s + f.n, 0)).toBe(40_000);
    // The model is informative: held-out AUC well above chance.
    expect(result.cv.mean.auc).toBeGreaterThan(0.75);
    expect(result.model.cv?.threshold).toBe(result.cv.threshold);
    expect(result.model.bands).toEqual({ medium: 0.4, high: 0.7 });
    expect(Object.isFrozen(result.model)).toBe(true);
  });

  it('writes a model that parseWeights reads back unchanged', () => {
    const samples = synthetic(2_000, -1, { a: 1, b: -1 }, 0.4, 4);
    const { model } = calibrate(samples, ['a', 'b', 'c']);
    const back = parseWeights(JSON.parse(JSON.stringify(model)), new Set(['a', 'b', 'c']));
    expect(back).toEqual(model);
    expect(back.origin).toBe('calibrated');
  });

  it('keeps weights finite under perfect separation', () => {
    const samples: LabelledSample[] = [
      ...Array.from({ length: 50 }, () => ({ fired: ['sep'], label: 1 as const })),
      ...Array.from({ length: 50 }, () => ({ fired: [] as string[], label: 0 as const })),
    ];
    const result = calibrate(samples, ['sep', 'never'], { l2: 1 });
    const w = result.model.weights.sep ?? Number.NaN;
    expect(Number.isFinite(w)).toBe(true);
    expect(Number.isFinite(result.model.bias)).toBe(true);
    expect(w).toBeGreaterThan(3);
    expect(w).toBeLessThan(50);
    expect(result.model.weights.never).toBe(0);
    expect(result.cv.mean.auc).toBe(1);
    expect(result.cv.mean.recall).toBe(1);
    expect(result.cv.mean.precision).toBe(1);
  });

  it('reaches a stationary point of the penalised likelihood', () => {
    const truth = { a: 1, b: -0.5, c: 0.3 };
    const samples = synthetic(3_000, -0.5, truth, 0.4, 3);
    const ids = Object.keys(truth);
    const l2 = 2;
    const result = calibrate(samples, ids, { l2 });
    // Unaggregated gradient, computed the slow way from each sample.
    const grad = new Array(ids.length + 1).fill(0) as number[];
    for (const s of samples) {
      const logit = s.fired.reduce(
        (acc, id) => acc + (result.model.weights[id] ?? 0),
        result.model.bias,
      );
      const r = sigmoid(logit) - s.label;
      grad[0] = (grad[0] ?? 0) + r;
      for (const id of s.fired) {
        const j = 1 + ids.indexOf(id);
        grad[j] = (grad[j] ?? 0) + r;
      }
    }
    ids.forEach((id, i) => {
      grad[i + 1] = (grad[i + 1] ?? 0) + l2 * (result.model.weights[id] ?? 0);
    });
    // Weights are rounded to 6 decimals, so the gradient is zero only up to n * 1e-6.
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(0.02);
  });

  it('ignores rule ids it was not given and duplicate firings', () => {
    const base = synthetic(500, 0, { a: 1 }, 0.5, 11);
    const noisy = base.map((s) => ({ ...s, fired: [...s.fired, ...s.fired, 'unknown'] }));
    const a = calibrate(base, ['a'], { seed: 5 });
    const b = calibrate(noisy, ['a'], { seed: 5 });
    expect(b.model).toEqual(a.model);
    expect(Object.keys(a.model.weights)).toEqual(['a']);
  });

  it('is deterministic for a seed and stratifies the folds', () => {
    const samples = synthetic(1_003, -1, { a: 1, b: 1 }, 0.5, 2);
    const a = calibrate(samples, ['a', 'b'], { seed: 42, folds: 4 });
    const b = calibrate(samples, ['a', 'b'], { seed: 42, folds: 4 });
    expect(b).toEqual(a);
    const sizes = a.cv.folds.map((f) => f.n);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(2);
  });

  it('needs 2 × folds items of each class and says how many it found', () => {
    const samples: LabelledSample[] = [
      ...Array.from({ length: 9 }, () => ({ fired: ['a'], label: 1 as const })),
      ...Array.from({ length: 100 }, () => ({ fired: [], label: 0 as const })),
    ];
    try {
      calibrate(samples, ['a']);
      expect.unreachable();
    } catch (error) {
      expect(isVigilError(error, 'CALIBRATE_NOT_ENOUGH_LABELS')).toBe(true);
      expect((error as Error).message).toContain('found 9 positive (label 1) and 100 negative');
      expect((error as Error).message).toContain('at least 10');
    }
    // With 4 folds, 8 of each class are needed, so the same 9 positives suffice.
    expect(calibrate(samples, ['a'], { folds: 4 }).positives).toBe(9);
  });

  it('rejects invalid options', () => {
    const samples = synthetic(200, 0, { a: 1 }, 0.5, 1);
    expect(() => calibrate(samples, ['a'], { folds: 1 })).toThrow(RangeError);
    expect(() => calibrate(samples, ['a'], { l2: -1 })).toThrow(RangeError);
  });

  it('handles a few hundred thousand items quickly by aggregating identical rows', () => {
    const weights = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`r${i}`, ((i % 7) - 3) / 3]),
    );
    const samples = synthetic(200_000, -2, weights, 0.04, 9);
    const started = performance.now();
    const result = calibrate(samples, Object.keys(weights));
    const elapsed = performance.now() - started;
    expect(result.n).toBe(200_000);
    expect(elapsed).toBeLessThan(20_000);
  });
});

describe('fitLogistic', () => {
  it('converges in few iterations', () => {
    const data = {
      patterns: [Int32Array.from([]), Int32Array.from([0]), Int32Array.from([0, 1])],
      trials: Float64Array.from([100, 50, 20]),
      positives: Float64Array.from([10, 20, 15]),
    };
    const fit = fitLogistic(data, 2, 0);
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThan(20);
    // Saturated model with l2 = 0: it reproduces each pattern's observed rate.
    expect(sigmoid(fit.bias)).toBeCloseTo(0.1, 8);
    expect(sigmoid(fit.bias + (fit.weights[0] ?? 0))).toBeCloseTo(0.4, 8);
    expect(sigmoid(fit.bias + (fit.weights[0] ?? 0) + (fit.weights[1] ?? 0))).toBeCloseTo(0.75, 8);
  });
});

describe('metrics', () => {
  // Hand-computed: at 0.7, predicted positive = scores 0.9 and 0.7 -> tp 4, fp 2; fn 1.
  const points: ScoredGroup[] = [
    { score: 0.9, positives: 3, negatives: 1 },
    { score: 0.7, positives: 1, negatives: 1 },
    { score: 0.6999, positives: 1, negatives: 0 },
    { score: 0.2, positives: 0, negatives: 4 },
  ];

  it('computes precision, recall and F1 at a threshold', () => {
    const m = thresholdMetrics(points, 0.7);
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(4 / 5, 12);
    expect(m.f1).toBeCloseTo(8 / 11, 12);
  });

  it('reports 0 precision when nothing is predicted positive', () => {
    expect(thresholdMetrics(points, 0.95)).toEqual({ precision: 0, recall: 0, f1: 0 });
  });

  it('computes AUC by ranks with ties', () => {
    // U = 0 + 1·4 + 1·(4 + ½) + 3·(5 + ½) = 25 of 5·6 = 30 pairs.
    expect(rankAuc(points)).toBeCloseTo(25 / 30, 12);
  });

  it('gives 1.0 for perfect ranking, 0.5 for all ties, 0 for reversed, NaN for one class', () => {
    expect(
      rankAuc([
        { score: 0.9, positives: 5, negatives: 0 },
        { score: 0.1, positives: 0, negatives: 5 },
      ]),
    ).toBe(1);
    expect(
      rankAuc([
        { score: 0.5, positives: 5, negatives: 0 },
        { score: 0.5, positives: 0, negatives: 7 },
      ]),
    ).toBe(0.5);
    expect(
      rankAuc([
        { score: 0.1, positives: 5, negatives: 0 },
        { score: 0.9, positives: 0, negatives: 5 },
      ]),
    ).toBe(0);
    expect(rankAuc([{ score: 0.1, positives: 5, negatives: 0 }])).toBeNaN();
  });

  it('property: rank AUC equals the pairwise definition', () => {
    const group = fc.record({
      score: fc.constantFrom(0.1, 0.2, 0.5, 0.7, 0.9),
      positives: fc.nat(5),
      negatives: fc.nat(5),
    });
    fc.assert(
      fc.property(fc.array(group, { maxLength: 12 }), (groups) => {
        const pos = groups.reduce((s, g) => s + g.positives, 0);
        const neg = groups.reduce((s, g) => s + g.negatives, 0);
        fc.pre(pos > 0 && neg > 0);
        expect(rankAuc(groups)).toBeCloseTo(bruteAuc(groups), 12);
      }),
    );
  });
});
