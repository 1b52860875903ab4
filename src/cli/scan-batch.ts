/**
 * One batch of input through the analysis: decode, parse, validate, analyse, serialise. Runs
 * inside a worker thread, or in the main thread with --workers 0.
 */
import { analyzeDoc, type Engine, itemDoc } from '../analyze/analyze.js';
import { imageRefKind } from '../analyze/image-refs.js';
import { parseItem } from '../analyze/item.js';
import type { LinkRecord } from '../analyze/link-types.js';
import type { ScanSummary } from '../analyze/summary.js';
import type { Analysis, Item } from '../analyze/types.js';
import type { Batch, InputIssue } from './input.js';
import { type ImageHashEntry, type ImageHasher, usableHashes } from './scan-images.js';

export interface BatchResult {
  /** Result lines, each ending with "\n". */
  readonly out: string;
  readonly issues: readonly InputIssue[];
  readonly items: number;
  /** With --link: each item's link record, in the order of the result lines. */
  readonly links?: readonly LinkRecord[];
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const MAX_REASON = 160;

/** Parser messages quote the input: keep them short and free of control characters. */
function brief(message: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
  const clean = message.replace(/[\u0000-\u001f\u007f]/g, '\uFFFD');
  return clean.length > MAX_REASON ? `${clean.slice(0, MAX_REASON)}…` : clean;
}

/**
 * Calls `onItem` for every valid item of the batch, with the raw record (for fields beyond the
 * item schema, such as a label), and reports every invalid one as an issue.
 */
export function forEachItem(
  batch: Batch,
  onItem: (item: Item, record: Record<string, unknown>, line: number) => void,
  issues: InputIssue[],
  /** Only these lines are decoded and parsed (reading the input again for a few items). */
  wanted?: (line: number) => boolean,
): void {
  const handle = (line: number, record: unknown): void => {
    const parsed = parseItem(record);
    if (parsed.ok) onItem(parsed.item, record as Record<string, unknown>, line);
    else issues.push({ line, reason: parsed.reason });
  };
  if (batch.kind === 'records') {
    for (const { line, record } of batch.records) {
      if (wanted === undefined || wanted(line)) handle(line, record);
    }
    return;
  }
  const { bytes } = batch;
  let line = batch.firstLine;
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    if ((wanted === undefined || wanted(line)) && !isBlank(bytes, start, end)) {
      let text: string | undefined;
      try {
        text = decoder.decode(bytes.subarray(start, end));
      } catch {
        issues.push({ line, reason: 'invalid UTF-8' });
      }
      if (text !== undefined) {
        let record: unknown;
        let parsed = true;
        try {
          record = JSON.parse(text);
        } catch (error) {
          parsed = false;
          issues.push({ line, reason: `invalid JSON: ${brief((error as Error).message)}` });
        }
        if (parsed) handle(line, record);
      }
    }
    line++;
    start = end + 1;
  }
}

/** The worker's half of linking (link.ts createLinker). */
export type Linker = (
  item: Item,
  analysis: Analysis,
  foldedText: string,
  line: number,
  localImages?: ReadonlyMap<string, string | undefined>,
) => LinkRecord;

interface BatchOutput {
  readonly parts: string[];
  readonly issues: InputIssue[];
  readonly links: LinkRecord[];
}

/** Analyses one valid item into the batch's output; with --images, `images` are its hashes. */
function analyseInto(
  output: BatchOutput,
  item: Item,
  line: number,
  engine: Engine,
  summary: ScanSummary,
  linker: Linker | undefined,
  images?: readonly ImageHashEntry[],
): void {
  try {
    // The document is made once: linking shingles the same folded text the analysis read.
    const doc = itemDoc(item);
    const analysis = analyzeDoc(item, doc, engine);
    summary.add(analysis, item);
    const hashed = images === undefined || images.length === 0 ? undefined : images;
    if (linker !== undefined) {
      output.links.push(
        linker(
          item,
          analysis,
          doc.folded.text,
          line,
          hashed === undefined ? undefined : usableHashes(hashed),
        ),
      );
    }
    // "id" stays first: linking adds template and network ids right after it.
    output.parts.push(
      JSON.stringify(hashed === undefined ? analysis : { ...analysis, images: hashed }),
    );
  } catch {
    // An analyser bug must not end a long scan; the record is reported, not silently lost.
    output.issues.push({
      line,
      reason: 'the analysis failed on this item (please report it with the item)',
    });
  }
}

function resultOf(output: BatchOutput, linking: boolean): BatchResult {
  const { parts, issues, links } = output;
  return {
    out: parts.length > 0 ? `${parts.join('\n')}\n` : '',
    issues,
    items: parts.length,
    ...(linking && { links }),
  };
}

export function processBatch(
  batch: Batch,
  engine: Engine,
  summary: ScanSummary,
  linker?: Linker,
): BatchResult {
  const output: BatchOutput = { parts: [], issues: [], links: [] };
  forEachItem(
    batch,
    (item, _record, line) => analyseInto(output, item, line, engine, summary, linker),
    output.issues,
  );
  return resultOf(output, linker !== undefined);
}

/**
 * processBatch for `vigil scan --images DIR`: each item's local image files are hashed
 * (one item after another; a file already hashed by this worker is not decoded again) before
 * the item is analysed, and the hashes go into its result line and its identifiers.
 */
export async function processBatchWithImages(
  batch: Batch,
  engine: Engine,
  summary: ScanSummary,
  linker: Linker | undefined,
  hashImages: ImageHasher,
): Promise<BatchResult> {
  const output: BatchOutput = { parts: [], issues: [], links: [] };
  const valid: { item: Item; line: number }[] = [];
  forEachItem(batch, (item, _record, line) => valid.push({ item, line }), output.issues);
  for (const { item, line } of valid) {
    let images: ImageHashEntry[] | undefined;
    if (item.images !== undefined && item.images.length > 0) {
      try {
        images = await hashImages(item.images);
      } catch {
        // The hasher records each file's failure itself; this is a safety net for a bug.
        images = item.images
          .filter((ref) => imageRefKind(ref, true) === 'path')
          .map((ref) => ({
            ref,
            error: 'the image could not be hashed',
            code: 'INPUT_UNREADABLE',
          }));
      }
    }
    analyseInto(output, item, line, engine, summary, linker, images);
  }
  return resultOf(output, linker !== undefined);
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  return true;
}
