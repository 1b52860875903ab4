/**
 * `vigil demo` (what `npm start` runs): writes the synthetic demo corpus, scans it, writes the
 * report, and measures the scan against the corpus's ground truth.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TruthLabel } from '../corpus/index.js';
import { writeCorpus } from './corpus.js';
import { runScan, type ScanIo, type ScanOutcome } from './scan.js';

export interface DemoOptions {
  readonly dir: string;
  readonly n: number;
  readonly seed: number;
  readonly workers: number;
  readonly quiet: boolean;
}

export interface DemoOutcome {
  readonly scan: ScanOutcome;
  readonly report: string;
  readonly results: string;
  /** Share of flagged items (medium or high) that are trafficking or scam ads, and the reverse. */
  readonly precision: number;
  readonly recall: number;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function runDemo(options: DemoOptions, io: ScanIo): Promise<DemoOutcome> {
  const corpusDir = join(options.dir, `corpus-${options.n}-${options.seed}`);
  const items = join(corpusDir, 'items.jsonl');
  const truthPath = join(corpusDir, 'truth.jsonl');
  if (!(await exists(items)) || !(await exists(truthPath))) {
    if (!options.quiet)
      io.stderr.write(`Writing the synthetic demo corpus (${options.n} items) to ${corpusDir}\n`);
    await mkdir(corpusDir, { recursive: true });
    await writeCorpus({ n: options.n, seed: options.seed }, corpusDir);
  }
  const results = join(options.dir, 'results.jsonl');
  const report = join(options.dir, 'report.html');
  const scan = await runScan(
    {
      input: items,
      out: results,
      report,
      workers: options.workers,
      strict: false,
      quiet: options.quiet,
    },
    io,
  );

  const truth = new Map<string, TruthLabel>();
  for (const line of (await readFile(truthPath, 'utf8')).split('\n')) {
    if (line.length === 0) continue;
    const record = JSON.parse(line) as { id: string; label: TruthLabel };
    truth.set(record.id, record.label);
  }
  let truePositives = 0;
  let flagged = 0;
  let positives = 0;
  for (const line of (await readFile(results, 'utf8')).split('\n')) {
    if (line.length === 0) continue;
    const result = JSON.parse(line) as { id: string; band: string };
    const positive = truth.get(result.id) !== 'benign';
    const isFlagged = result.band !== 'low';
    if (positive) positives++;
    if (isFlagged) flagged++;
    if (positive && isFlagged) truePositives++;
  }
  return {
    scan,
    report,
    results,
    precision: flagged > 0 ? truePositives / flagged : 0,
    recall: positives > 0 ? truePositives / positives : 0,
  };
}
