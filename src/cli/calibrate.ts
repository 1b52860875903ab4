/**
 * `vigil calibrate`: fit the rule weights to labelled items and report cross-validated
 * precision and recall. Labels come from a field of each item (default "label") or from a
 * separate ground-truth file joined by id (such as the one `vigil corpus` writes).
 */
import { writeFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { analyzeItem, createEngine } from '../analyze/analyze.js';
import { type CalibrationResult, calibrate, type LabelledSample } from '../analyze/calibrate.js';
import { VigilError } from '../shared/errors.js';
import { DEFAULT_INPUT_OPTIONS, type InputIssue, jsonlBatches, openInput } from './input.js';
import { compileRuleSources, readRuleSources } from './rules-files.js';
import { forEachItem } from './scan-batch.js';

export interface CalibrateOptions {
  readonly input: string;
  readonly labels?: string;
  readonly labelField: string;
  readonly out: string;
  readonly rules?: readonly string[];
  readonly l2?: number;
  readonly folds?: number;
  readonly seed?: number;
  readonly quiet: boolean;
}

const POSITIVE = new Set(['1', 'true', 'yes', 'positive', 'trafficking', 'scam']);
const NEGATIVE = new Set(['0', 'false', 'no', 'negative', 'benign']);

/** Reads a label value: 1/0, booleans, or the words of `vigil corpus` ground truth. */
export function toLabel(value: unknown): 0 | 1 | undefined {
  const key = String(value).trim().toLowerCase();
  if (POSITIVE.has(key)) return 1;
  if (NEGATIVE.has(key)) return 0;
  return undefined;
}

async function readLabels(
  path: string,
  field: string,
  stdin: Readable,
): Promise<Map<string, 0 | 1>> {
  const labels = new Map<string, 0 | 1>();
  const input = await openInput(path, stdin);
  for await (const { batch } of jsonlBatches(input, DEFAULT_INPUT_OPTIONS)) {
    if (batch?.kind !== 'lines') continue;
    const text = new TextDecoder().decode(batch.bytes);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const record = JSON.parse(line) as Record<string, unknown>;
        const label = toLabel(record[field]);
        if (record.id !== undefined && label !== undefined) labels.set(String(record.id), label);
      } catch {
        // A broken truth line simply leaves its item unlabelled; the count below shows it.
      }
    }
  }
  return labels;
}

export async function runCalibrate(
  options: CalibrateOptions,
  io: { stdin: Readable; stderr: Writable },
): Promise<CalibrationResult> {
  const rules = compileRuleSources(await readRuleSources(options.rules));
  const engine = createEngine({ rules });
  const truth = options.labels
    ? await readLabels(options.labels, options.labelField, io.stdin)
    : undefined;

  const samples: LabelledSample[] = [];
  const issues: InputIssue[] = [];
  let unlabelled = 0;
  const input = await openInput(options.input, io.stdin);
  for await (const { batch, issues: readIssues } of jsonlBatches(input, DEFAULT_INPUT_OPTIONS)) {
    issues.push(...readIssues);
    if (batch === undefined) continue;
    forEachItem(
      batch,
      (item, record) => {
        const label = truth ? truth.get(item.id) : toLabel(record[options.labelField]);
        if (label === undefined) {
          unlabelled++;
          return;
        }
        const fired = analyzeItem(item, engine).indicators.map((i) => i.rule);
        samples.push({ fired, label });
      },
      issues,
    );
  }
  if (!options.quiet && (issues.length > 0 || unlabelled > 0)) {
    io.stderr.write(
      `${issues.length} malformed records and ${unlabelled} items without a usable label were left out.\n`,
    );
  }
  const result = calibrate(
    samples,
    rules.rules.map((r) => r.id),
    {
      ...(options.l2 !== undefined && { l2: options.l2 }),
      ...(options.folds !== undefined && { folds: options.folds }),
      ...(options.seed !== undefined && { seed: options.seed }),
    },
  );
  try {
    await writeFile(options.out, `${JSON.stringify(result.model, null, 2)}\n`);
  } catch (error) {
    throw new VigilError('OUTPUT_UNWRITABLE', `Cannot write the weights to "${options.out}".`, {
      cause: error,
    });
  }
  return result;
}

export function describeCalibration(result: CalibrationResult, out: string): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const { mean, folds, threshold } = result.cv;
  return [
    `Fitted ${Object.keys(result.model.weights).length} rule weights on ${result.n.toLocaleString('en-US')} items (${result.positives.toLocaleString('en-US')} positive).`,
    `${folds.length}-fold cross-validation at risk >= ${threshold}: precision ${pct(mean.precision)}, recall ${pct(mean.recall)}, F1 ${pct(mean.f1)}, AUC ${mean.auc.toFixed(3)}.`,
    `Weights written to ${out}; use them with: vigil scan ITEMS --weights ${out}`,
  ].join('\n');
}
