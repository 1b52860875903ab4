/**
 * `vigil scan`: items in, one analysis per item out (JSONL), plus an HTML report.
 *
 * Reading, analysing and writing overlap: the main thread cuts the input into batches, the
 * worker threads analyse them, and results are written in input order. At most a few batches
 * per worker are in flight, so memory stays bounded whatever the input size.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { createEngine } from '../analyze/analyze.js';
import type { ScoringModel } from '../analyze/score.js';
import { ScanSummary, type SummaryOptions } from '../analyze/summary.js';
import { VigilError } from '../shared/errors.js';
import {
  type BatchWithIssues,
  type CsvColumns,
  csvBatches,
  DEFAULT_INPUT_OPTIONS,
  detectFormat,
  type InputIssue,
  type InputOptions,
  jsonlBatches,
  openInput,
} from './input.js';
import { createLinker, LinkCollector, type LinkOptions, validateLinkOptions } from './link.js';
import { ScanPool } from './pool.js';
import { Progress } from './progress.js';
import { renderReportHtml } from './report-html.js';
import {
  compileRuleSources,
  type RuleSource,
  readRuleSources,
  readWeights,
  rulesVersion,
} from './rules-files.js';
import { type BatchResult, processBatch, processBatchWithImages } from './scan-batch.js';
import { createImageHasher, imagesFolder } from './scan-images.js';

export interface ScanOptions {
  /** Input path; undefined or "-" reads stdin. */
  readonly input?: string;
  readonly format?: string;
  /** Results path; undefined or "-" writes stdout. */
  readonly out?: string;
  readonly report?: string;
  /** Worker threads; 0 analyses in the main thread. */
  readonly workers: number;
  readonly strict: boolean;
  readonly quiet: boolean;
  readonly weights?: string;
  readonly rules?: readonly string[];
  readonly maxLineBytes?: number;
  readonly csvColumns?: CsvColumns;
  /** Write run statistics (items/s, peak RSS) as JSON to this path. */
  readonly stats?: string;
  /** Print at most this many malformed-record messages (all are counted). */
  readonly maxIssueMessages?: number;
  /** Group templates and networks; `out` is then a folder. */
  readonly link?: LinkOptions;
  /** Folder holding the items' image files: relative `images` entries are hashed (PDQ). */
  readonly images?: string;
}

export interface ScanIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly now: () => number;
}

export interface ScanOutcome {
  readonly items: number;
  readonly malformed: number;
  readonly bands: { readonly low: number; readonly medium: number; readonly high: number };
  readonly seconds: number;
  readonly itemsPerSecond: number;
  readonly maxRssBytes: number;
}

const IN_FLIGHT_PER_WORKER = 3;

export async function runScan(options: ScanOptions, io: ScanIo): Promise<ScanOutcome> {
  const started = io.now();
  const format = detectFormat(options.input, options.format);
  const sources: RuleSource[] = await readRuleSources(options.rules);
  const rules = compileRuleSources(sources);
  const model: ScoringModel = options.weights
    ? await readWeights(options.weights, rules)
    : createEngine({ rules }).model;
  const summaryOptions: SummaryOptions = {};
  const input = await openInput(options.input, io.stdin);
  const inputOptions: InputOptions = {
    ...DEFAULT_INPUT_OPTIONS,
    ...(options.maxLineBytes !== undefined && { maxLineBytes: options.maxLineBytes }),
    ...(options.csvColumns !== undefined && { csvColumns: options.csvColumns }),
  };
  const inputName = options.input === undefined || options.input === '-' ? 'stdin' : options.input;
  const imagesDir = options.images === undefined ? undefined : await imagesFolder(options.images);
  const linking = options.link === undefined ? undefined : await prepareLink(options, options.link);
  const out = await openOutput(linking?.partialResults ?? options.out, io.stdout);

  const summary = new ScanSummary(summaryOptions);
  const pool =
    options.workers > 0
      ? new ScanPool(options.workers, {
          rules: sources,
          model,
          summary: summaryOptions,
          ...(linking !== undefined && { link: linking.collector.setup }),
          ...(imagesDir !== undefined && { images: imagesDir }),
        })
      : undefined;
  const localImages =
    pool === undefined && imagesDir !== undefined ? createImageHasher(imagesDir) : undefined;
  const localLinker =
    pool === undefined && linking !== undefined ? createLinker(linking.collector.setup) : undefined;
  const localEngine = pool === undefined ? createEngine({ rules, model }) : undefined;
  const progress = new Progress(io.stderr, !options.quiet && io.stderr.isTTY === true, io.now);

  let items = 0;
  let malformed = 0;
  let printed = 0;
  const maxMessages = options.maxIssueMessages ?? 20;
  const reportIssues = (issues: readonly InputIssue[]): void => {
    for (const issue of issues) {
      malformed++;
      if (options.strict) {
        throw new VigilError(
          'INPUT_STRICT_ABORT',
          `${inputName}:${issue.line}: ${issue.reason}. Stopped because of --strict; fix the record or run without --strict to skip it.`,
          { details: { line: issue.line, reason: issue.reason } },
        );
      }
      if (!options.quiet && printed < maxMessages) {
        progress.done();
        io.stderr.write(
          `${inputName}:${issue.line}: skipped: ${issue.reason} [INPUT_MALFORMED_RECORD]\n`,
        );
        printed++;
      }
    }
  };

  const pending: Promise<BatchResult>[] = [];
  const maxPending = Math.max(1, (options.workers || 1) * IN_FLIGHT_PER_WORKER);
  let bytesRead = 0;
  const writeResult = async (result: BatchResult): Promise<void> => {
    reportIssues(result.issues);
    items += result.items;
    if (result.links !== undefined) linking?.collector.add(result.links);
    if (result.out.length > 0) await out.write(result.out);
    progress.update({ items, malformed, bytesRead, totalBytes: input.size });
  };

  try {
    const batches: AsyncGenerator<BatchWithIssues> =
      format === 'jsonl'
        ? jsonlBatches(input, inputOptions)
        : csvBatches(input, format, inputOptions);
    for await (const { batch, issues, bytesRead: read } of batches) {
      bytesRead = read;
      reportIssues(issues);
      if (batch === undefined) continue;
      if (pool === undefined) {
        const engine = localEngine ?? createEngine({ rules, model });
        await writeResult(
          localImages === undefined
            ? processBatch(batch, engine, summary, localLinker)
            : await processBatchWithImages(batch, engine, summary, localLinker, localImages),
        );
        continue;
      }
      pending.push(pool.run(batch));
      while (pending.length >= maxPending)
        await writeResult(await (pending.shift() as Promise<BatchResult>));
    }
    while (pending.length > 0) await writeResult(await (pending.shift() as Promise<BatchResult>));
    if (pool !== undefined) {
      for (const message of await pool.summaries()) {
        if (message.type === 'summary')
          summary.merge(ScanSummary.fromJSON(message.summary, summaryOptions));
      }
      // The workers stay up only when linking will give them template texts to compute.
      if (linking === undefined) await pool.close();
    }
  } catch (error) {
    // Settle the batches still in flight so that none rejects unobserved, then stop.
    await Promise.allSettled(pending);
    await pool?.close();
    await out.close();
    throw error;
  } finally {
    progress.done();
  }
  await out.close();
  summary.addMalformed(malformed);
  let linked: { templates: number; networks: number; hubs: number } | undefined;
  if (linking !== undefined) {
    if (!options.quiet) io.stderr.write('Linking templates and networks…\n');
    try {
      linked = await linking.collector.finish({
        outDir: linking.outDir,
        partialResults: linking.partialResults,
        results: join(linking.outDir, 'results.jsonl'),
        rereadInput: async function* () {
          const again = await openInput(options.input, io.stdin);
          yield* format === 'jsonl'
            ? jsonlBatches(again, inputOptions)
            : csvBatches(again, format, inputOptions);
        },
        ...(pool !== undefined && { templateTexts: (groups) => pool.templateTexts(groups) }),
      });
    } finally {
      await pool?.close();
    }
  }

  const seconds = (io.now() - started) / 1000;
  const data = summary.result();
  if (options.report !== undefined) {
    const html = renderReportHtml(data, {
      generatedAt: new Date(io.now()).toISOString(),
      input: inputName,
      rulesVersion: rulesVersion(sources),
      model: model.origin,
      bands: model.bands,
      durationMs: Math.round(seconds * 1000),
    });
    await writeOutputFile(options.report, html);
  }
  const outcome: ScanOutcome = {
    items,
    malformed,
    bands: { ...data.totals.bands },
    seconds,
    itemsPerSecond: seconds > 0 ? Math.round(items / seconds) : items,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  if (options.stats !== undefined)
    await writeOutputFile(options.stats, `${JSON.stringify(outcome, null, 2)}\n`);
  if (!options.quiet) {
    if (malformed > printed)
      io.stderr.write(`… ${malformed - printed} more malformed records skipped\n`);
    io.stderr.write(`${describeOutcome(outcome)}\n`);
    if (linked !== undefined && linking !== undefined) {
      io.stderr.write(
        `Linked: ${linked.templates.toLocaleString('en-US')} templates, ${linked.networks.toLocaleString('en-US')} networks, ${linked.hubs.toLocaleString('en-US')} hub identifiers; written to ${linking.outDir}/\n`,
      );
    }
  }
  return outcome;
}

/** --link writes a folder (results, templates, networks) and reads the input twice. */
async function prepareLink(options: ScanOptions, link: LinkOptions) {
  validateLinkOptions(link);
  if (options.input === undefined || options.input === '-') {
    throw new VigilError(
      'LINK_OPTIONS_INVALID',
      '--link reads the input twice (for the texts of templates): give an input file, not standard input.',
    );
  }
  if (options.out === undefined || options.out === '-') {
    throw new VigilError(
      'LINK_OPTIONS_INVALID',
      '--link writes results, templates and networks: give --out a folder.',
    );
  }
  const outDir = options.out;
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw new VigilError('OUTPUT_UNWRITABLE', `Cannot create the folder "${outDir}".`, {
      cause: error,
    });
  }
  return {
    outDir,
    partialResults: join(outDir, 'results.partial.jsonl'),
    collector: new LinkCollector(link),
  };
}

export function describeOutcome(o: ScanOutcome): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const malformed = o.malformed > 0 ? `; ${n(o.malformed)} malformed records skipped` : '';
  return `Scanned ${n(o.items)} items in ${o.seconds.toFixed(1)} s (${n(o.itemsPerSecond)} items/s): ${n(o.bands.high)} high, ${n(o.bands.medium)} medium, ${n(o.bands.low)} low risk${malformed}.`;
}

interface Output {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

async function openOutput(path: string | undefined, stdout: Writable): Promise<Output> {
  const toStdout = path === undefined || path === '-';
  const stream = toStdout ? stdout : createWriteStream(path);
  if (!toStdout) {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error: Error) =>
        reject(
          new VigilError(
            'OUTPUT_UNWRITABLE',
            `Cannot write results to "${path}": ${(error as NodeJS.ErrnoException).code ?? 'error'}.`,
            {
              cause: error,
            },
          ),
        ),
      );
    });
  }
  let failure: Error | undefined;
  stream.on('error', (error: Error) => {
    failure = error;
  });
  return {
    async write(text) {
      if (failure !== undefined) {
        throw new VigilError('OUTPUT_UNWRITABLE', 'Writing the results failed.', {
          cause: failure,
        });
      }
      if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve));
    },
    async close() {
      if (toStdout) return;
      await new Promise<void>((resolve) => stream.end(resolve));
    },
  };
}

async function writeOutputFile(path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content);
  } catch (error) {
    throw new VigilError(
      'OUTPUT_UNWRITABLE',
      `Cannot write "${path}" (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      { cause: error },
    );
  }
}
