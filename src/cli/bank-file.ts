/**
 * The files `vigil bank import` reads (registered in bank.ts, which documents the formats):
 * JSON or CSV, told apart by their first character. An invalid line refuses the whole file,
 * naming the line (up to ten of them); nothing is stored.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { PDQ_MIN_USABLE_QUALITY } from '../analyze/pdq.js';
import { VigilError } from '../shared/errors.js';
import { MAX_BANK_LABEL, MAX_IMPORT_HASHES } from '../store/bank-service.js';

export interface BankFileEntry {
  /** 64 lowercase hex characters. */
  readonly hash: string;
  readonly label?: string;
}

export interface BankFile {
  readonly hashes: BankFileEntry[];
  /** Lines (or JSON entries) skipped because the file gives a quality below 50. */
  readonly lowQuality: number;
  /** Hashes given more than once in the file (the first label is kept). */
  readonly repeated: number;
}

const HASH = /^(?:pdq:)?([0-9a-f]{64})$/i;
const MAX_PROBLEMS = 10;

function hashOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = HASH.exec(value.trim());
  return match === null ? undefined : (match[1] as string).toLowerCase();
}

const isQuality = (value: string | undefined): boolean =>
  value !== undefined && /^\d{1,3}$/.test(value) && Number(value) <= 100;

/** Reads an import file's text (JSON or CSV); `name` is shown in errors. */
export function parseBankFile(text: string, name = 'the file'): BankFile {
  const body = text.replace(/^\uFEFF/, '');
  const first = body.trimStart()[0];
  return first === '[' || first === '{' ? parseJson(body, name) : parseCsvLines(body, name);
}

class Collector {
  readonly hashes: BankFileEntry[] = [];
  readonly #seen = new Set<string>();
  readonly problems: string[] = [];
  problemCount = 0;
  lowQuality = 0;
  repeated = 0;

  constructor(readonly name: string) {}

  problem(where: string, reason: string): void {
    this.problemCount += 1;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(`${where}: ${reason}`);
  }

  add(where: string, rawHash: unknown, rawLabel: unknown, quality?: string): void {
    const hash = hashOf(rawHash);
    if (hash === undefined) {
      this.problem(where, 'not a PDQ hash (64 hexadecimal characters)');
      return;
    }
    let label: string | undefined;
    if (rawLabel !== undefined && rawLabel !== null && rawLabel !== '') {
      if (typeof rawLabel !== 'string') {
        this.problem(where, 'the label must be text');
        return;
      }
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters
      if (rawLabel.length > MAX_BANK_LABEL || /[\u0000-\u001f\u007f]/.test(rawLabel)) {
        this.problem(
          where,
          `the label must be at most ${MAX_BANK_LABEL} characters, without control characters`,
        );
        return;
      }
      label = rawLabel;
    }
    if (quality !== undefined && Number(quality) < PDQ_MIN_USABLE_QUALITY) {
      this.lowQuality += 1;
      return;
    }
    if (this.#seen.has(hash)) {
      this.repeated += 1;
      return;
    }
    this.#seen.add(hash);
    if (this.hashes.length >= MAX_IMPORT_HASHES) {
      throw new VigilError(
        'INPUT_MALFORMED_RECORD',
        `${this.name} holds more than ${MAX_IMPORT_HASHES} hashes; split it into several imports.`,
        { details: { limit: MAX_IMPORT_HASHES } },
      );
    }
    this.hashes.push(label === undefined ? { hash } : { hash, label });
  }

  result(): BankFile {
    if (this.problemCount > 0) {
      const more =
        this.problemCount > this.problems.length
          ? ` (and ${this.problemCount - this.problems.length} more)`
          : '';
      throw new VigilError(
        'INPUT_MALFORMED_RECORD',
        `${this.name} has ${this.problemCount} invalid ${this.problemCount === 1 ? 'entry' : 'entries'}; nothing was imported. ${this.problems.join('; ')}${more}.`,
        { details: { problems: this.problems, count: this.problemCount } },
      );
    }
    return { hashes: this.hashes, lowQuality: this.lowQuality, repeated: this.repeated };
  }
}

function parseJson(text: string, name: string): BankFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new VigilError('INPUT_MALFORMED_RECORD', `${name} is not valid JSON: ${String(error)}`);
  }
  const list = Array.isArray(json) ? json : (json as { hashes?: unknown } | null)?.hashes;
  if (!Array.isArray(list)) {
    throw new VigilError(
      'INPUT_MALFORMED_RECORD',
      `${name} must be a JSON array of {"pdq", "label"} entries, or {"hashes": [ … ]}.`,
    );
  }
  const out = new Collector(name);
  for (const [i, entry] of list.entries()) {
    const where = `entry ${i + 1}`;
    if (typeof entry === 'string') {
      out.add(where, entry, undefined);
    } else if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      out.problem(where, 'must be {"pdq": "<64 hex>", "label": "…"} or a hash');
    } else {
      const record = entry as Record<string, unknown>;
      const quality = record.quality;
      out.add(
        where,
        record.pdq ?? record.hash,
        record.label,
        typeof quality === 'number' ? String(quality) : undefined,
      );
    }
  }
  return out.result();
}

const HASH_COLUMNS = ['pdq', 'hash', 'pdq_hash', 'signal', 'signal_value', 'value'];
const LABEL_COLUMNS = ['label', 'reference', 'ref', 'name', 'filename', 'file', 'id'];

function parseCsvLines(text: string, name: string): BankFile {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parseCsv(text, {
      relax_column_count: true,
      skip_empty_lines: true,
      comment: '#',
      comment_no_infix: true,
      trim: true,
      info: true,
    }) as unknown as typeof rows;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new VigilError(
      'INPUT_MALFORMED_RECORD',
      `${name}${line === undefined ? '' : `, line ${line}`}: not readable as CSV (${(error as Error).message}).`,
      { details: { ...(line !== undefined && { line }) } },
    );
  }
  const out = new Collector(name);
  let columns: { hash: number; label: number; quality: number } | undefined;
  for (const [i, { record, info }] of rows.entries()) {
    const where = `line ${info.lines}`;
    const [a, b, c] = record;
    if (i === 0 && hashOf(a) === undefined && !(a?.toLowerCase() === 'pdq' && hashOf(b))) {
      // A header: columns by name.
      const names = record.map((cell) => cell.toLowerCase());
      const hash = names.findIndex((n) => HASH_COLUMNS.includes(n));
      if (hash >= 0) {
        columns = {
          hash,
          label: names.findIndex((n) => LABEL_COLUMNS.includes(n)),
          quality: names.indexOf('quality'),
        };
        continue;
      }
    }
    if (columns !== undefined) {
      const quality = columns.quality >= 0 ? record[columns.quality] : undefined;
      if (quality !== undefined && quality !== '' && !isQuality(quality)) {
        out.problem(where, 'the quality must be a whole number from 0 to 100');
      } else {
        out.add(
          where,
          record[columns.hash],
          columns.label >= 0 ? record[columns.label] : undefined,
          quality === '' ? undefined : quality,
        );
      }
    } else if (a?.toLowerCase() === 'pdq' && hashOf(b) !== undefined) {
      // ThreatExchange's "signal type, value" lines.
      out.add(where, b, c);
    } else if (record.length <= 3 && isQuality(b)) {
      out.add(where, a, c, b);
    } else if (record.length > 2) {
      out.problem(where, 'expected pdq[,label] or hash,quality[,name]');
    } else {
      out.add(where, a, b);
    }
  }
  return out.result();
}
