/**
 * Fits rule weights to labelled items: L2-regularised logistic regression on the 0/1 matrix of
 * which rules fired, with stratified k-fold cross-validation to report how well it predicts.
 *
 * Why calibrate at all: the JIRN/JRSA study of escort ads with known case outcomes
 * (reference/detection.md §3.1) found that intuitive indicators can point the wrong way (movement
 * language was 70% LESS likely in trafficking ads). Weights written by hand in rule files are a
 * starting point; labelled outcomes from a deployment should set them.
 *
 * Scale: features are binary and few rules fire per item, so many items share the same set of
 * fired rules. Identical rows are aggregated into (pattern, trials, positives) first; Newton's
 * method then costs O(patterns × fired² + rules³) per iteration whatever the number of items.
 */
import { VigilError } from '../shared/errors.js';
import {
  DEFAULT_BANDS,
  DEFAULT_BIAS,
  freezeModel,
  type ModelMetrics,
  roundTo,
  type ScoringModel,
  sigmoid,
} from './score.js';

export interface LabelledSample {
  /** Ids of the rules that fired on the item; ids outside `ruleIds` are ignored. */
  readonly fired: readonly string[];
  /** 1: confirmed trafficking-related; 0: confirmed not. */
  readonly label: 0 | 1;
}

export interface CalibrationOptions {
  /** L2 penalty on the rule weights (not on the intercept). Default 1.0. */
  readonly l2?: number;
  /** Cross-validation folds. Default 5. */
  readonly folds?: number;
  /** Seed of the fold shuffle. Default 1. */
  readonly seed?: number;
  /** Newton iterations per fit. Default 100; convergence usually takes fewer than 15. */
  readonly maxIterations?: number;
}

export interface FoldMetrics {
  precision: number;
  recall: number;
  f1: number;
  auc: number;
  /** Items in the held-out fold. */
  n: number;
}

export interface CalibrationResult {
  readonly model: ScoringModel;
  readonly cv: {
    folds: FoldMetrics[];
    mean: Omit<FoldMetrics, 'n'>;
    /** The risk at or above which an item counts as predicted positive in precision/recall/F1. */
    threshold: number;
  };
  readonly n: number;
  readonly positives: number;
}

const DEFAULT_L2 = 1.0;
const DEFAULT_FOLDS = 5;
const DEFAULT_SEED = 1;
const DEFAULT_MAX_ITERATIONS = 100;
/** Newton stops when no parameter moves by more than this. */
const TOLERANCE = 1e-9;

/**
 * Precision/recall/F1 are measured at the model's `high`-band threshold rather than at 0.5:
 * "high" is the band Vigil puts first in review queues and reports, so its precision is the
 * figure a deployment needs ("of the items we flag high, how many are real?").
 */
const CV_THRESHOLD = DEFAULT_BANDS.high;

export function calibrate(
  samples: readonly LabelledSample[],
  ruleIds: readonly string[],
  options: CalibrationOptions = {},
): CalibrationResult {
  const l2 = options.l2 ?? DEFAULT_L2;
  const folds = options.folds ?? DEFAULT_FOLDS;
  const seed = options.seed ?? DEFAULT_SEED;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  // Options come from code (the CLI validates its flags), so a bad one is a programming error.
  if (!(Number.isFinite(l2) && l2 >= 0)) throw new RangeError('l2 must be a finite number >= 0');
  if (!(Number.isInteger(folds) && folds >= 2))
    throw new RangeError('folds must be an integer >= 2');
  if (!Number.isInteger(seed)) throw new RangeError('seed must be an integer');
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new RangeError('maxIterations must be an integer >= 1');
  }

  const rules = [...new Set(ruleIds)];
  const index = new Map(rules.map((id, i) => [id, i] as const));

  // Pass 1: each sample -> its pattern (the sorted set of known rules that fired).
  const patternOf = new Int32Array(samples.length);
  const patternIds = new Map<string, number>();
  const patterns: Int32Array[] = [];
  const positivesIdx: number[] = [];
  const negativesIdx: number[] = [];
  for (let s = 0; s < samples.length; s++) {
    const sample = samples[s] as LabelledSample;
    const cols: number[] = [];
    for (const id of sample.fired) {
      const c = index.get(id);
      if (c !== undefined) cols.push(c);
    }
    cols.sort((a, b) => a - b);
    const unique = cols.filter((c, i) => i === 0 || cols[i - 1] !== c);
    const key = unique.join(',');
    let p = patternIds.get(key);
    if (p === undefined) {
      p = patterns.length;
      patternIds.set(key, p);
      patterns.push(Int32Array.from(unique));
    }
    patternOf[s] = p;
    if (sample.label === 1) positivesIdx.push(s);
    else if (sample.label === 0) negativesIdx.push(s);
    else throw new RangeError(`sample ${s} has label ${String(sample.label)}; labels are 0 or 1`);
  }

  const positives = positivesIdx.length;
  const negatives = negativesIdx.length;
  const required = 2 * folds;
  if (positives < required || negatives < required) {
    throw new VigilError(
      'CALIBRATE_NOT_ENOUGH_LABELS',
      `Calibration with ${folds}-fold cross-validation needs at least ${required} labelled items of each class; found ${positives} positive (label 1) and ${negatives} negative (label 0). Label more items, or use fewer folds.`,
      { details: { positives, negatives, required, folds } },
    );
  }

  // Stratified folds: each class is shuffled on its own and dealt round-robin, so every fold
  // holds the same share of positives (within one item).
  const foldOf = new Int32Array(samples.length);
  const random = mulberry32(seed);
  for (const group of [positivesIdx, negativesIdx]) {
    shuffle(group, random);
    for (let i = 0; i < group.length; i++) foldOf[group[i] as number] = i % folds;
  }

  // counts[(pattern * folds + fold) * 2 + label]
  const P = patterns.length;
  const counts = new Float64Array(P * folds * 2);
  for (let s = 0; s < samples.length; s++) {
    const label = (samples[s] as LabelledSample).label;
    const p = patternOf[s] as number;
    const k = ((p * folds + (foldOf[s] as number)) * 2 + label) | 0;
    counts[k] = (counts[k] as number) + 1;
  }
  const totalOf = (p: number, excludeFold: number): { trials: number; pos: number } => {
    let trials = 0;
    let pos = 0;
    for (let f = 0; f < folds; f++) {
      if (f === excludeFold) continue;
      const base = (p * folds + f) * 2;
      const neg = counts[base] as number;
      const posF = counts[base + 1] as number;
      trials += neg + posF;
      pos += posF;
    }
    return { trials, pos };
  };

  const data = (excludeFold: number): Aggregated => {
    const trials = new Float64Array(P);
    const pos = new Float64Array(P);
    for (let p = 0; p < P; p++) {
      const t = totalOf(p, excludeFold);
      trials[p] = t.trials;
      pos[p] = t.pos;
    }
    return { patterns, trials, positives: pos };
  };

  const foldMetrics: FoldMetrics[] = [];
  for (let f = 0; f < folds; f++) {
    const fit = fitLogistic(data(f), rules.length, l2, maxIterations);
    const points: ScoredGroup[] = [];
    let n = 0;
    for (let p = 0; p < P; p++) {
      const base = (p * folds + f) * 2;
      const neg = counts[base] as number;
      const pos = counts[base + 1] as number;
      if (neg + pos === 0) continue;
      n += neg + pos;
      points.push({
        score: predict(fit, patterns[p] as Int32Array),
        positives: pos,
        negatives: neg,
      });
    }
    foldMetrics.push({ ...thresholdMetrics(points, CV_THRESHOLD), auc: rankAuc(points), n });
  }
  const mean = {
    precision: average(foldMetrics.map((m) => m.precision)),
    recall: average(foldMetrics.map((m) => m.recall)),
    f1: average(foldMetrics.map((m) => m.f1)),
    auc: average(foldMetrics.map((m) => m.auc)),
  };

  const final = fitLogistic(data(-1), rules.length, l2, maxIterations);
  // Six decimals keeps a weights file readable and changes no risk at its four decimals.
  const weights: Record<string, number> = Object.fromEntries(
    rules.map((id, i) => [id, roundTo(final.weights[i] as number, 6)] as const),
  );
  const model = freezeModel({
    version: 1,
    bias: roundTo(final.bias, 6),
    weights,
    bands: { ...DEFAULT_BANDS },
    origin: 'calibrated',
    trainedOn: { n: samples.length, positives },
    cv: { folds, threshold: CV_THRESHOLD, mean: roundMetrics(mean) },
  });
  return {
    model,
    cv: { folds: foldMetrics, mean, threshold: CV_THRESHOLD },
    n: samples.length,
    positives,
  };
}

/** Items that share one set of fired rules: how many there are and how many are positive. */
export interface Aggregated {
  readonly patterns: readonly Int32Array[];
  readonly trials: Float64Array;
  readonly positives: Float64Array;
}

export interface Fit {
  readonly bias: number;
  readonly weights: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Minimises Σ_k [n_k·log(1 + e^η_k) − y_k·η_k] + (l2/2)·‖w‖², η_k = b + Σ_{j∈k} w_j, by Newton's
 * method with a backtracking line search (IRLS is the same iteration). The intercept b is not
 * penalised, so the fitted base rate matches the data; the penalty keeps the weights finite even
 * when a rule separates the classes perfectly.
 */
export function fitLogistic(
  data: Aggregated,
  rules: number,
  l2: number,
  maxIterations: number = DEFAULT_MAX_ITERATIONS,
): Fit {
  const D = rules + 1; // parameter 0 is the intercept
  const theta = new Float64Array(D);
  let totalTrials = 0;
  let totalPos = 0;
  for (let p = 0; p < data.patterns.length; p++) {
    totalTrials += data.trials[p] as number;
    totalPos += data.positives[p] as number;
  }
  // Start from the base rate: one Newton step less, and a sane point if the fit stops early.
  const base = Math.min(Math.max(totalPos / Math.max(totalTrials, 1), 1e-6), 1 - 1e-6);
  theta[0] = totalTrials > 0 ? Math.log(base / (1 - base)) : DEFAULT_BIAS;

  const eta = (params: Float64Array, cols: Int32Array): number => {
    let e = params[0] as number;
    for (let i = 0; i < cols.length; i++) e += params[1 + (cols[i] as number)] as number;
    return e;
  };
  const objective = (params: Float64Array): number => {
    let f = 0;
    for (let p = 0; p < data.patterns.length; p++) {
      const n = data.trials[p] as number;
      if (n === 0) continue;
      const e = eta(params, data.patterns[p] as Int32Array);
      f += n * softplus(e) - (data.positives[p] as number) * e;
    }
    let penalty = 0;
    for (let j = 1; j < D; j++) penalty += (params[j] as number) ** 2;
    return f + 0.5 * l2 * penalty;
  };

  const grad = new Float64Array(D);
  const hess = new Float64Array(D * D);
  const next = new Float64Array(D);
  let current = objective(theta);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    grad.fill(0);
    hess.fill(0);
    for (let p = 0; p < data.patterns.length; p++) {
      const n = data.trials[p] as number;
      if (n === 0) continue;
      const cols = data.patterns[p] as Int32Array;
      const mu = sigmoid(eta(theta, cols));
      const g = n * mu - (data.positives[p] as number);
      const w = n * mu * (1 - mu);
      grad[0] = (grad[0] as number) + g;
      hess[0] = (hess[0] as number) + w;
      for (let a = 0; a < cols.length; a++) {
        const i = 1 + (cols[a] as number);
        grad[i] = (grad[i] as number) + g;
        hess[i] = (hess[i] as number) + w; // row 0, column i
        for (let b = a; b < cols.length; b++) {
          const j = 1 + (cols[b] as number);
          hess[i * D + j] = (hess[i * D + j] as number) + w;
        }
      }
    }
    for (let j = 1; j < D; j++) {
      grad[j] = (grad[j] as number) + l2 * (theta[j] as number);
      hess[j * D + j] = (hess[j * D + j] as number) + l2;
    }
    // Only the upper triangle was filled (columns sorted ascending); mirror it.
    for (let i = 0; i < D; i++) {
      for (let j = i + 1; j < D; j++) hess[j * D + i] = hess[i * D + j] as number;
    }
    const step = solveSpd(hess, grad, D);

    // Backtracking: a full Newton step can overshoot when probabilities saturate.
    let t = 1;
    let accepted = false;
    for (let tries = 0; tries < 50; tries++) {
      for (let j = 0; j < D; j++) next[j] = (theta[j] as number) - t * (step[j] as number);
      const candidate = objective(next);
      if (candidate <= current + 1e-12 * Math.abs(current)) {
        current = candidate;
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) {
      converged = true; // no descent left at machine precision
      break;
    }
    let moved = 0;
    for (let j = 0; j < D; j++) {
      moved = Math.max(moved, Math.abs((next[j] as number) - (theta[j] as number)));
      theta[j] = next[j] as number;
    }
    if (moved < TOLERANCE) {
      converged = true;
      break;
    }
  }
  return { bias: theta[0] as number, weights: theta.slice(1), iterations, converged };
}

function predict(fit: Fit, cols: Int32Array): number {
  let e = fit.bias;
  for (let i = 0; i < cols.length; i++) e += fit.weights[cols[i] as number] as number;
  return sigmoid(e);
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * Solves A·x = b for symmetric positive definite A by Cholesky. A rule that never fires with
 * l2 = 0 leaves A singular; a growing ridge is then added, which leaves such weights at 0.
 */
function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  let ridge = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    const l = cholesky(a, n, ridge);
    if (l !== undefined) {
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = b[i] as number;
        for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (y[k] as number);
        y[i] = s / (l[i * n + i] as number);
      }
      const x = new Float64Array(n);
      for (let i = n - 1; i >= 0; i--) {
        let s = y[i] as number;
        for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
        x[i] = s / (l[i * n + i] as number);
      }
      return x;
    }
    ridge = ridge === 0 ? 1e-10 : ridge * 10;
  }
  throw new Error('calibration: the Hessian could not be factorised');
}

function cholesky(a: Float64Array, n: number, ridge: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (a[i * n + j] as number) + (i === j ? ridge : 0);
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (!(s > 1e-300)) return undefined;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / (l[j * n + j] as number);
      }
    }
  }
  return l;
}

/** Held-out items with one predicted score: how many of them are positive and negative. */
export interface ScoredGroup {
  readonly score: number;
  readonly positives: number;
  readonly negatives: number;
}

/**
 * Precision, recall and F1 when items scoring at or above `threshold` are predicted positive.
 * Scores are rounded to four decimals first, as scoreIndicators reports them, so the figures
 * describe the bands Vigil will actually assign. With no predicted positives precision is 0
 * (and so is F1), the conservative reading.
 */
export function thresholdMetrics(
  points: readonly ScoredGroup[],
  threshold: number,
): { precision: number; recall: number; f1: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const pt of points) {
    if (roundTo(pt.score, 4) >= threshold) {
      tp += pt.positives;
      fp += pt.negatives;
    } else {
      fn += pt.positives;
    }
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/**
 * ROC AUC as the Mann–Whitney rank statistic: the probability that a random positive scores
 * above a random negative, ties counting one half. NaN when either class is absent.
 */
export function rankAuc(points: readonly ScoredGroup[]): number {
  const sorted = [...points].sort((a, b) => a.score - b.score);
  let pos = 0;
  let neg = 0;
  for (const p of sorted) {
    pos += p.positives;
    neg += p.negatives;
  }
  if (pos === 0 || neg === 0) return Number.NaN;
  let u = 0;
  let negBelow = 0;
  for (let i = 0; i < sorted.length; ) {
    const score = (sorted[i] as ScoredGroup).score;
    let gPos = 0;
    let gNeg = 0;
    for (; i < sorted.length && (sorted[i] as ScoredGroup).score === score; i++) {
      gPos += (sorted[i] as ScoredGroup).positives;
      gNeg += (sorted[i] as ScoredGroup).negatives;
    }
    u += gPos * (negBelow + 0.5 * gNeg);
    negBelow += gNeg;
  }
  return u / (pos * neg);
}

function average(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length > 0 ? s / values.length : Number.NaN;
}

function roundMetrics(m: ModelMetrics): ModelMetrics {
  return {
    precision: roundTo(m.precision, 4),
    recall: roundTo(m.recall, 4),
    f1: roundTo(m.f1, 4),
    auc: roundTo(m.auc, 4),
  };
}

/** Small, fast, seedable PRNG (Tommy Ettinger's Mulberry32); quality is ample for shuffling. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(values: number[], random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = values[i] as number;
    values[i] = values[j] as number;
    values[j] = tmp;
  }
}
