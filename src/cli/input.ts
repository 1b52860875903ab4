/**
 * Streaming input for the scanner: JSONL (or NDJSON) and CSV, from files (optionally gzip) or
 * stdin, in batches of bounded size.
 *
 * Memory stays bounded whatever the input: JSONL is cut into batches of complete lines without
 * decoding it (the worker threads decode and parse), and a line longer than the limit is
 * skipped as it streams past, never buffered whole. Its place in the batch is kept by an empty
 * line, so line numbers stay right for everything after it.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline, type Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import { VigilError } from '../shared/errors.js';

export type InputFormat = 'jsonl' | 'csv' | 'tsv';

export interface InputIssue {
  readonly line: number;
  readonly reason: string;
}

/** Complete JSONL lines as bytes, each ending with "\n"; the first is line `firstLine` of the input. */
export interface LinesBatch {
  readonly kind: 'lines';
  readonly firstLine: number;
  readonly bytes: Uint8Array;
}

/** Records already parsed (CSV rows mapped to item fields), each with its line number. */
export interface RecordsBatch {
  readonly kind: 'records';
  readonly records: readonly { readonly line: number; readonly record: unknown }[];
}

export type Batch = LinesBatch | RecordsBatch;

export interface BatchWithIssues {
  readonly batch: Batch | undefined;
  readonly issues: readonly InputIssue[];
  /** Input bytes consumed so far (compressed bytes for gzip files), for progress. */
  readonly bytesRead: number;
}

export interface InputOptions {
  readonly maxLineBytes: number;
  readonly batchBytes: number;
  readonly batchRecords: number;
  readonly csvColumns?: CsvColumns;
}

/** CSV column names for each item field (defaults: the field names themselves). */
export interface CsvColumns {
  readonly id?: string;
  readonly title?: string;
  readonly body?: string;
  readonly url?: string;
  readonly posted_at?: string;
  readonly city?: string;
  readonly region?: string;
  readonly country?: string;
  readonly language?: string;
  readonly source?: string;
  readonly images?: string;
}

export const DEFAULT_INPUT_OPTIONS: InputOptions = Object.freeze({
  maxLineBytes: 1024 * 1024,
  batchBytes: 256 * 1024,
  batchRecords: 500,
});

export function detectFormat(path: string | undefined, explicit: string | undefined): InputFormat {
  if (explicit !== undefined) {
    if (explicit === 'jsonl' || explicit === 'ndjson') return 'jsonl';
    if (explicit === 'csv' || explicit === 'tsv') return explicit;
    throw new VigilError(
      'INPUT_FORMAT_UNKNOWN',
      `Unknown input format "${explicit}": use jsonl, csv or tsv.`,
    );
  }
  if (path === undefined || path === '-') return 'jsonl';
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.tsv')) return 'tsv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.json')) return 'jsonl';
  throw new VigilError(
    'INPUT_FORMAT_UNKNOWN',
    `Cannot tell the format of "${path}" from its name: use --format jsonl, csv or tsv.`,
  );
}

export interface OpenedInput {
  readonly stream: Readable;
  /** Size in bytes when known (a regular file), for progress. */
  readonly size: number | undefined;
  readonly counter: { bytes: number };
}

export async function openInput(path: string | undefined, stdin: Readable): Promise<OpenedInput> {
  const counter = { bytes: 0 };
  if (path === undefined || path === '-') {
    return { stream: countingPipe(stdin, counter), size: undefined, counter };
  }
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw new VigilError('INPUT_UNREADABLE', `"${path}" is not a regular file.`);
    }
    size = info.size;
  } catch (error) {
    if (error instanceof VigilError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new VigilError('INPUT_NOT_FOUND', `Input file "${path}" does not exist.`);
    }
    throw new VigilError('INPUT_UNREADABLE', `Cannot read "${path}" (${code ?? 'error'}).`, {
      cause: error,
    });
  }
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  const gunzip = path.toLowerCase().endsWith('.gz') ? createGunzip() : undefined;
  return { stream: countingPipe(file, counter, gunzip), size, counter };
}

/**
 * Pipes `source` through a stage that counts its bytes, then through `decoder` if any.
 * Counting with a 'data' listener instead would switch the source to flowing mode and lose
 * whatever it read before the consumer started iterating. Errors of any stage reach the
 * returned stream, which is what the consumer iterates.
 */
function countingPipe(source: Readable, counter: { bytes: number }, decoder?: Transform): Readable {
  const count = new Transform({
    highWaterMark: 256 * 1024,
    transform(chunk: Buffer, _encoding, done) {
      counter.bytes += chunk.length;
      done(null, chunk);
    },
  });
  // The callbacks only observe: pipeline already destroys every stage with the error.
  if (decoder === undefined) {
    pipeline(source, count, () => {});
    return count;
  }
  pipeline(source, count, decoder, () => {});
  return decoder;
}

const NEWLINE = 0x0a;

/** Cuts a byte stream into batches of complete lines (see the module comment). */
export async function* jsonlBatches(
  input: OpenedInput,
  options: InputOptions,
): AsyncGenerator<BatchWithIssues> {
  const { maxLineBytes, batchBytes } = options;
  let parts: Uint8Array[] = [];
  let partsBytes = 0;
  let batchFirstLine = 1;
  let issues: InputIssue[] = [];
  let line = 1;
  // The current line so far, while it has not ended.
  let partial: Uint8Array[] = [];
  let partialBytes = 0;
  let skipping = false;
  let first = true;

  const flush = (): BatchWithIssues => {
    const bytes = new Uint8Array(partsBytes);
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    const out: BatchWithIssues = {
      batch: partsBytes > 0 ? { kind: 'lines', firstLine: batchFirstLine, bytes } : undefined,
      issues,
      bytesRead: input.counter.bytes,
    };
    parts = [];
    partsBytes = 0;
    issues = [];
    batchFirstLine = line;
    return out;
  };

  const endLine = (tail: Uint8Array): void => {
    if (skipping || partialBytes + tail.length > maxLineBytes + 1) {
      issues.push({ line, reason: `line is longer than ${maxLineBytes} bytes (--max-line-bytes)` });
      parts.push(EMPTY_LINE);
      partsBytes += 1;
    } else {
      for (const p of partial) parts.push(p);
      parts.push(tail);
      partsBytes += partialBytes + tail.length;
    }
    partial = [];
    partialBytes = 0;
    skipping = false;
    line++;
  };

  for await (const raw of input.stream) {
    let chunk: Uint8Array = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer);
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let pos = 0;
    while (pos < chunk.length) {
      const nl = (chunk as Buffer).indexOf(NEWLINE, pos);
      if (nl === -1) {
        const rest = chunk.subarray(pos);
        if (!skipping) {
          if (partialBytes + rest.length > maxLineBytes) {
            skipping = true;
            partial = [];
            partialBytes = 0;
          } else {
            // Copy: the stream may reuse its chunk buffers.
            partial.push(Uint8Array.from(rest));
            partialBytes += rest.length;
          }
        }
        break;
      }
      endLine(chunk.subarray(pos, nl + 1));
      pos = nl + 1;
      if (partsBytes >= batchBytes) yield flush();
    }
  }
  if (skipping || partialBytes > 0) endLine(FINAL_NEWLINE);
  if (partsBytes > 0 || issues.length > 0) yield flush();
}

const EMPTY_LINE = new Uint8Array([NEWLINE]);
const FINAL_NEWLINE = new Uint8Array([NEWLINE]);

const DEFAULT_BODY_COLUMNS = ['body', 'text', 'description'];

/** Reads CSV or TSV rows, maps the columns to item fields and batches the records. */
export async function* csvBatches(
  input: OpenedInput,
  format: 'csv' | 'tsv',
  options: InputOptions,
): AsyncGenerator<BatchWithIssues> {
  const issues: InputIssue[] = [];
  const parser = parseCsv({
    bom: true,
    delimiter: format === 'tsv' ? '\t' : ',',
    columns: (header: string[]) => header.map((h) => h.trim()),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: options.maxLineBytes,
    info: true,
    skip_records_with_error: true,
    on_skip: (error: { code?: string; message?: string; lines?: number } | undefined) => {
      if (error?.code === 'CSV_MAX_RECORD_SIZE') {
        tooLong = error.lines ?? 0;
        return;
      }
      issues.push({
        line: error?.lines ?? 0,
        reason: `CSV record skipped: ${String(error?.message ?? 'malformed').split('\n')[0]}`,
      });
    },
  });
  // After an over-long record (most often an unclosed quote) the parser cannot find the next
  // record boundary, so the rest of the file would be lost silently: stop and say so instead.
  let tooLong: number | undefined;
  const checkTooLong = (): void => {
    if (tooLong === undefined) return;
    throw new VigilError(
      'INPUT_CSV_RECORD_TOO_LONG',
      `The CSV record at line ${tooLong} is longer than ${options.maxLineBytes} bytes, often because of an unclosed quote; the rest of the file cannot be read reliably. Fix the record or raise --max-line-bytes.`,
      { details: { line: tooLong } },
    );
  };
  input.stream.on('error', (error) => parser.destroy(error));
  input.stream.pipe(parser);

  let mapping: ((row: Record<string, string>) => unknown) | undefined;
  let records: { line: number; record: unknown }[] = [];
  for await (const entry of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    if (mapping === undefined)
      mapping = csvMapping(Object.keys(entry.record), options.csvColumns ?? {});
    records.push({ line: entry.info.lines, record: mapping(entry.record) });
    if (records.length >= options.batchRecords) {
      yield {
        batch: { kind: 'records', records },
        issues: issues.splice(0),
        bytesRead: input.counter.bytes,
      };
      records = [];
    }
  }
  checkTooLong();
  yield {
    batch: records.length > 0 ? { kind: 'records', records } : undefined,
    issues: issues.splice(0),
    bytesRead: input.counter.bytes,
  };
}

/** Builds the row → item-record function once the header is known. */
export function csvMapping(
  header: readonly string[],
  columns: CsvColumns,
): (row: Record<string, string>) => unknown {
  const has = new Set(header);
  const pick = (
    field: keyof CsvColumns,
    fallbacks: readonly string[] = [field],
  ): string | undefined => {
    const named = columns[field];
    if (named !== undefined) {
      if (!has.has(named)) {
        throw new VigilError(
          'INPUT_CSV_MAPPING',
          `Column "${named}" (for ${field}) is not in the CSV header. Columns found: ${header.join(', ')}.`,
        );
      }
      return named;
    }
    return fallbacks.find((name) => has.has(name));
  };
  const id = pick('id');
  if (id === undefined) {
    throw new VigilError(
      'INPUT_CSV_MAPPING',
      `The CSV has no "id" column: name it with --id-column. Columns found: ${header.join(', ')}.`,
    );
  }
  const title = pick('title');
  const body = pick('body', DEFAULT_BODY_COLUMNS);
  if (title === undefined && body === undefined) {
    throw new VigilError(
      'INPUT_CSV_MAPPING',
      `The CSV has no "title" or "body" column: name one with --title-column or --body-column. Columns found: ${header.join(', ')}.`,
    );
  }
  const simple = (['url', 'posted_at', 'language', 'source'] as const)
    .map((field) => [field, pick(field)] as const)
    .filter((pair): pair is readonly [(typeof pair)[0], string] => pair[1] !== undefined);
  const place = (['city', 'region', 'country'] as const)
    .map((field) => [field, pick(field)] as const)
    .filter((pair): pair is readonly [(typeof pair)[0], string] => pair[1] !== undefined);
  const images = pick('images');

  return (row) => {
    const record: Record<string, unknown> = { id: row[id] };
    if (title !== undefined && row[title]) record.title = row[title];
    if (body !== undefined && row[body]) record.body = row[body];
    for (const [field, column] of simple) if (row[column]) record[field] = row[column];
    if (place.length > 0) {
      const location: Record<string, string> = {};
      for (const [field, column] of place) {
        const value = row[column];
        if (value) location[field] = value;
      }
      if (Object.keys(location).length > 0) record.location = location;
    }
    if (images !== undefined && row[images]) {
      record.images = (row[images] ?? '').split(/[;\s]+/).filter((s) => s.length > 0);
    }
    return record;
  };
}
