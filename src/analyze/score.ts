/**
 * The logistic scoring model: risk = σ(bias + Σ weight of each distinct rule that fired).
 *
 * Research on escort ads with known case outcomes (JIRN/JRSA 2024, reference/detection.md §3.1)
 * found that some popular indicators predict trafficking and others predict the opposite, so
 * weights are signed and can be calibrated against labelled outcomes (calibrate.ts). A keyword
 * hit is never proof: the score orders work for reviewers and every score carries its reasons.
 */
import { z } from 'zod';
import { VigilError } from '../shared/errors.js';
import type { Band, Contribution, Explanation } from './types.js';

/** Precision, recall, F1 and ROC AUC of a model on held-out data. */
export interface ModelMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly auc: number;
}

export interface ScoringModel {
  readonly version: 1;
  /** Intercept: the log-odds of an item on which no rule fired. */
  readonly bias: number;
  /** Log-odds added by each rule; rules absent here add 0. */
  readonly weights: Readonly<Record<string, number>>;
  /** Risk thresholds: risk >= high is 'high', risk >= medium is 'medium', else 'low'. */
  readonly bands: { readonly medium: number; readonly high: number };
  /** 'rules': weights as written in the rule files; 'calibrated': fitted to labelled items. */
  readonly origin: 'rules' | 'calibrated';
  /** For calibrated models: how many labelled items, and how many positives, the fit used. */
  readonly trainedOn?: { readonly n: number; readonly positives: number };
  /** For calibrated models: mean cross-validated metrics at `threshold` over `folds` folds. */
  readonly cv?: { readonly folds: number; readonly threshold: number; readonly mean: ModelMetrics };
}

/**
 * σ(-2.5) ≈ 0.076: an item with no indicators is low risk, and it takes about +2.1 of evidence
 * (two or three of the research-backed indicators together) to reach the medium band, which
 * asks for a human look; one indicator alone never gets there.
 */
export const DEFAULT_BIAS = -2.5;
export const DEFAULT_BANDS: { readonly medium: number; readonly high: number } = Object.freeze({
  medium: 0.4,
  high: 0.7,
});

export function defaultModel(rules: readonly { id: string; weight: number }[]): ScoringModel {
  const weights = new Map<string, number>();
  for (const rule of rules) {
    if (!Number.isFinite(rule.weight)) {
      throw new VigilError(
        'WEIGHTS_INVALID',
        `Rule "${rule.id}" has a weight that is not a finite number; give it a numeric weight in its rule file.`,
        { details: { rule: rule.id } },
      );
    }
    weights.set(rule.id, rule.weight);
  }
  return freezeModel({
    version: 1,
    bias: DEFAULT_BIAS,
    weights: Object.fromEntries(weights),
    bands: { ...DEFAULT_BANDS },
    origin: 'rules',
  });
}

// z.number() in zod 4 already rejects NaN and ±Infinity; the schema is strict so a typo in a
// field name is reported instead of silently ignored.
const metricsSchema = z.strictObject({
  precision: z.number().min(0).max(1),
  recall: z.number().min(0).max(1),
  f1: z.number().min(0).max(1),
  auc: z.number().min(0).max(1),
});

const modelSchema = z.strictObject({
  version: z.literal(1),
  bias: z.number(),
  weights: z.record(z.string(), z.number()),
  bands: z
    .strictObject({
      medium: z.number().gt(0).lt(1),
      high: z.number().gt(0).lt(1),
    })
    .refine((b) => b.medium < b.high, {
      message: 'bands.medium must be lower than bands.high',
    })
    .optional(),
  origin: z.enum(['rules', 'calibrated']).optional(),
  trainedOn: z
    .strictObject({ n: z.number().int().nonnegative(), positives: z.number().int().nonnegative() })
    .optional(),
  cv: z
    .strictObject({
      folds: z.number().int().min(2),
      threshold: z.number().gt(0).lt(1),
      mean: metricsSchema,
    })
    .optional(),
});

/**
 * Reads a weights file (already parsed from JSON). Every rule it names must exist, because a
 * misspelt rule id would otherwise silently score as 0. Rules it does not name score 0.
 */
export function parseWeights(json: unknown, knownRuleIds: ReadonlySet<string>): ScoringModel {
  // Checked on the raw object before zod builds its copy, so that keys such as "__proto__"
  // are seen as the unknown rule ids they are.
  if (typeof json === 'object' && json !== null && 'weights' in json) {
    const raw = (json as { weights: unknown }).weights;
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      const unknown = Object.keys(raw).filter((id) => !knownRuleIds.has(id));
      if (unknown.length > 0) {
        const shown = unknown.slice(0, 10).map((id) => `"${id}"`);
        const more = unknown.length > 10 ? ` and ${unknown.length - 10} more` : '';
        throw new VigilError(
          'WEIGHTS_INVALID',
          `The weights file names ${unknown.length === 1 ? 'a rule' : 'rules'} that the loaded rules do not define: ${shown.join(', ')}${more}. Remove ${unknown.length === 1 ? 'it' : 'them'}, fix the spelling, or load the rules the weights were calibrated for.`,
          { details: { unknownRules: unknown.slice(0, 100) } },
        );
      }
    }
  }
  const parsed = modelSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 10).map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
      return `${where}: ${issue.message}`;
    });
    throw new VigilError(
      'WEIGHTS_INVALID',
      `The weights file is not valid: ${problems.join('; ')}. Fix these fields, or write a new file with \`vigil calibrate\`.`,
      { details: { issues: problems } },
    );
  }
  const data = parsed.data;
  return freezeModel({
    version: 1,
    bias: data.bias,
    weights: { ...data.weights },
    bands: data.bands ?? { ...DEFAULT_BANDS },
    // A file without `origin` that records its training set was produced by calibration.
    origin: data.origin ?? (data.trainedOn === undefined ? 'rules' : 'calibrated'),
    ...(data.trainedOn === undefined ? {} : { trainedOn: data.trainedOn }),
    ...(data.cv === undefined ? {} : { cv: data.cv }),
  });
}

export function freezeModel(model: ScoringModel): ScoringModel {
  // fromEntries defines own properties, so a rule id can never reach Object.prototype.
  const weights: Record<string, number> = Object.fromEntries(Object.entries(model.weights));
  return Object.freeze({
    ...model,
    weights: Object.freeze(weights),
    bands: Object.freeze({ ...model.bands }),
    ...(model.trainedOn === undefined ? {} : { trainedOn: Object.freeze({ ...model.trainedOn }) }),
    ...(model.cv === undefined
      ? {}
      : { cv: Object.freeze({ ...model.cv, mean: Object.freeze({ ...model.cv.mean }) }) }),
  });
}

/** σ(x) without overflow: exp is only ever taken of a non-positive number. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function bandOf(risk: number, bands: ScoringModel['bands']): Band {
  if (risk >= bands.high) return 'high';
  if (risk >= bands.medium) return 'medium';
  return 'low';
}

export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(value * f) / f;
  // Avoids "-0" in JSON output.
  return r === 0 ? 0 : r;
}

export function scoreIndicators(
  model: ScoringModel,
  fired: readonly { rule: string; name: string }[],
): { risk: number; band: Band; explanation: Explanation } {
  const names = new Map<string, string>();
  for (const f of fired) if (!names.has(f.rule)) names.set(f.rule, f.name);

  const weights = weightMap(model);
  const contributions: Contribution[] = [];
  let sum = 0;
  for (const rule of names.keys()) {
    const w = weights.get(rule) ?? 0;
    sum += w;
    contributions.push({ rule, weight: w });
  }
  contributions.sort(byStrength);

  const logit = model.bias + sum;
  // The band is taken from the rounded risk so that the number a reader sees and its band agree.
  const risk = roundTo(sigmoid(logit), 4);
  const band = bandOf(risk, model.bands);
  const summary = summarize(risk, band, contributions, names);
  return {
    risk,
    band,
    // Not frozen: this runs once per item, and freezing costs more than the scoring itself.
    explanation: { bias: model.bias, logit: roundTo(logit, 6), contributions, summary },
  };
}

/** The model's weights as a Map, built once per model: a lookup per fired rule per item. */
const weightMaps = new WeakMap<ScoringModel, ReadonlyMap<string, number>>();
function weightMap(model: ScoringModel): ReadonlyMap<string, number> {
  let map = weightMaps.get(model);
  if (map === undefined) {
    map = new Map(Object.entries(model.weights));
    weightMaps.set(model, map);
  }
  return map;
}

function byStrength(a: Contribution, b: Contribution): number {
  const d = Math.abs(b.weight) - Math.abs(a.weight);
  if (d !== 0) return d;
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}

const BAND_WORD: Record<Band, string> = { low: 'Low', medium: 'Medium', high: 'High' };
/** How many raising indicators the sentence names before "and N more". */
const NAMED_RAISING = 2;
const NAMED_LOWERING = 2;

function summarize(
  risk: number,
  band: Band,
  contributions: readonly Contribution[],
  names: ReadonlyMap<string, string>,
): string {
  const head = `${BAND_WORD[band]} risk (${risk.toFixed(2)})`;
  if (contributions.length === 0) return `${head}: no indicators fired.`;

  const label = (c: Contribution) => `${names.get(c.rule) ?? c.rule} (${signed(c.weight)})`;
  const raising = contributions.filter((c) => c.weight > 0);
  const lowering = contributions.filter((c) => c.weight < 0);
  const unweighted = contributions.length - raising.length - lowering.length;

  const parts: string[] = [];
  if (raising.length > 0) parts.push(listOf(raising.map(label), NAMED_RAISING));
  if (lowering.length > 0) {
    const list = listOf(lowering.map(label), NAMED_LOWERING);
    parts.push(raising.length > 0 ? `lowered by ${list}` : `only lowered by ${list}`);
  }
  if (unweighted > 0) {
    const noun = unweighted === 1 ? 'indicator' : 'indicators';
    parts.push(
      parts.length === 0
        ? `${unweighted} ${noun} fired, none with weight`
        : `${unweighted} more ${noun} without weight`,
    );
  }
  return `${head}: ${parts.join('; ')}.`;
}

function listOf(items: readonly string[], named: number): string {
  if (items.length <= named + 1) {
    if (items.length === 1) return items[0] ?? '';
    return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  }
  return `${items.slice(0, named).join(', ')} and ${items.length - named} more`;
}

function signed(w: number): string {
  return `${w >= 0 ? '+' : '-'}${Math.abs(w).toFixed(2)}`;
}
