/**
 * WARC/1.1 records (ISO 28500:2017) for online captures: the `warcinfo`, `request`, `response`
 * and `metadata` records of one page load, as bytes. A WARC file is the format web archives and
 * courts' experts already read (pywb, warcio, jwarc), so a capture sealed as WARC can be replayed
 * and checked with tools that are not ours.
 *
 * Pure: the caller passes the record ids (urn:uuid) and the capture time in, so the same capture
 * always gives the same bytes.
 *
 * Digests are `sha256:` followed by the **lowercase hex (base16)** SHA-256, the same form the
 * vault and the custody log use, so one hash can be compared across all three. WARC 1.1 leaves
 * the encoding to the writer (§5.8, §5.9); warcio and jwarc recognise hex by its length.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import { VigilError } from '../shared/errors.js';

export const WARC_VERSION = 'WARC/1.1';

export type WarcRecordType = 'warcinfo' | 'request' | 'response' | 'metadata' | 'resource';

/** A header as a name and a value, in order; names may repeat (Set-Cookie). */
export type HeaderPair = readonly [name: string, value: string];

export interface WarcRecordInput {
  readonly type: WarcRecordType;
  /** `urn:uuid:…`, written in angle brackets as WARC 1.1 requires. */
  readonly recordId: string;
  /** The capture time; written with millisecond precision (WARC 1.1 §5.4 allows fractions). */
  readonly date: string;
  readonly contentType?: string;
  readonly targetUri?: string;
  readonly ipAddress?: string;
  readonly concurrentTo?: readonly string[];
  readonly warcinfoId?: string;
  /** For warcinfo records. */
  readonly filename?: string;
  /** The payload inside the block (the HTTP body of a request or response), when it has one. */
  readonly payload?: Uint8Array;
  /** More WARC fields, written after the standard ones. */
  readonly extra?: readonly HeaderPair[];
  readonly block: Uint8Array;
}

const encoder = new TextEncoder();
const CRLF = encoder.encode('\r\n');

/** `sha256:<lowercase hex>`, the labelled digest form of WARC 1.1 §5.8. */
export function warcDigest(bytes: Uint8Array): string {
  return `sha256:${hex.encode(sha256(bytes))}`;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A line break or NUL inside a field would end the header early and let the rest of the value
 * pose as further fields of the record (header injection): such values are refused, not cleaned,
 * because evidence must not be silently altered.
 */
function checkField(name: string, value: string): void {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new VigilError(
      'INPUT_MALFORMED_RECORD',
      `The header name ${JSON.stringify(name)} is not a valid field name.`,
      {
        details: { field: name },
      },
    );
  }
  if (/[\r\n\0]/.test(value)) {
    throw new VigilError(
      'INPUT_MALFORMED_RECORD',
      `The header ${name} holds a line break, which a WARC or HTTP header cannot carry.`,
      { details: { field: name } },
    );
  }
}

const bracket = (id: string): string => `<${id}>`;

/** One WARC record: version line, fields, blank line, block, and the two CRLFs that end it. */
export function warcRecord(input: WarcRecordInput): Uint8Array {
  const fields: [string, string][] = [
    ['WARC-Type', input.type],
    ['WARC-Record-ID', bracket(input.recordId)],
    ['WARC-Date', input.date],
  ];
  if (input.filename !== undefined) fields.push(['WARC-Filename', input.filename]);
  if (input.warcinfoId !== undefined) fields.push(['WARC-Warcinfo-ID', bracket(input.warcinfoId)]);
  if (input.targetUri !== undefined) fields.push(['WARC-Target-URI', input.targetUri]);
  if (input.ipAddress !== undefined) fields.push(['WARC-IP-Address', input.ipAddress]);
  for (const id of input.concurrentTo ?? []) fields.push(['WARC-Concurrent-To', bracket(id)]);
  if (input.contentType !== undefined) fields.push(['Content-Type', input.contentType]);
  fields.push(['WARC-Block-Digest', warcDigest(input.block)]);
  if (input.payload !== undefined) fields.push(['WARC-Payload-Digest', warcDigest(input.payload)]);
  for (const [name, value] of input.extra ?? []) fields.push([name, value]);
  fields.push(['Content-Length', String(input.block.length)]);
  for (const [name, value] of fields) checkField(name, value);
  const head = `${WARC_VERSION}\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return concat([encoder.encode(head), input.block, CRLF, CRLF]);
}

/** `application/warc-fields`: one `name: value` line per field (WARC 1.1 §7). */
export function warcFields(fields: readonly HeaderPair[]): Uint8Array {
  for (const [name, value] of fields) checkField(name, value);
  return encoder.encode(fields.map(([n, v]) => `${n}: ${v}\r\n`).join(''));
}

export interface HttpRequestMessage {
  readonly method: string;
  /** The request target as sent: path and query (`/ad/7?x=1`). */
  readonly target: string;
  readonly httpVersion: string;
  readonly headers: readonly HeaderPair[];
  readonly body?: Uint8Array;
}

export interface HttpResponseMessage {
  readonly httpVersion: string;
  readonly status: number;
  readonly statusText: string;
  readonly headers: readonly HeaderPair[];
  readonly body: Uint8Array;
}

function httpHead(startLine: string, headers: readonly HeaderPair[]): Uint8Array {
  for (const [name, value] of headers) checkField(name, value);
  if (/[\r\n\0]/.test(startLine)) {
    throw new VigilError('INPUT_MALFORMED_RECORD', 'The HTTP start line holds a line break.');
  }
  return encoder.encode(
    `${startLine}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`,
  );
}

/** The block of a `request` record: the HTTP request message (`application/http;msgtype=request`). */
export function httpRequestBlock(message: HttpRequestMessage): Uint8Array {
  const head = httpHead(
    `${message.method} ${message.target} ${message.httpVersion}`,
    message.headers,
  );
  return concat([head, message.body ?? new Uint8Array()]);
}

/** The block of a `response` record: the HTTP response message (`application/http;msgtype=response`). */
export function httpResponseBlock(message: HttpResponseMessage): Uint8Array {
  const status = `${message.httpVersion} ${message.status}${message.statusText === '' ? '' : ` ${message.statusText}`}`;
  return concat([httpHead(status, message.headers), message.body]);
}

export interface CaptureWarcInput {
  /** urn:uuid ids, one per record, made by the caller. */
  readonly ids: {
    readonly warcinfo: string;
    readonly request: string;
    readonly response: string;
    readonly metadata: string;
  };
  /** The capture time, ISO 8601 UTC. */
  readonly date: string;
  readonly filename: string;
  /** warcinfo fields: software, operator, description… (`format` and `conformsTo` are added). */
  readonly info: readonly HeaderPair[];
  readonly targetUri: string;
  readonly ipAddress?: string;
  readonly request: HttpRequestMessage;
  readonly response: HttpResponseMessage;
  /** The metadata record's fields (browser, redirects, hashes of the derived files…). */
  readonly metadata: readonly HeaderPair[];
}

/** A capture's WARC file: warcinfo, request, response and metadata records, in that order. */
export function buildCaptureWarc(input: CaptureWarcInput): Uint8Array {
  const common = { date: input.date, warcinfoId: input.ids.warcinfo };
  const ip = input.ipAddress === undefined ? {} : { ipAddress: input.ipAddress };
  return concat([
    warcRecord({
      type: 'warcinfo',
      recordId: input.ids.warcinfo,
      date: input.date,
      filename: input.filename,
      contentType: 'application/warc-fields',
      block: warcFields([
        ...input.info,
        ['format', 'WARC File Format 1.1'],
        [
          'conformsTo',
          'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/',
        ],
      ]),
    }),
    warcRecord({
      ...common,
      ...ip,
      type: 'request',
      recordId: input.ids.request,
      targetUri: input.targetUri,
      concurrentTo: [input.ids.response],
      contentType: 'application/http;msgtype=request',
      payload: input.request.body ?? new Uint8Array(),
      block: httpRequestBlock(input.request),
    }),
    warcRecord({
      ...common,
      ...ip,
      type: 'response',
      recordId: input.ids.response,
      targetUri: input.targetUri,
      concurrentTo: [input.ids.request],
      contentType: 'application/http;msgtype=response',
      payload: input.response.body,
      block: httpResponseBlock(input.response),
    }),
    warcRecord({
      ...common,
      type: 'metadata',
      recordId: input.ids.metadata,
      targetUri: input.targetUri,
      concurrentTo: [input.ids.response],
      contentType: 'application/warc-fields',
      block: warcFields(input.metadata),
    }),
  ]);
}

// ------------------------------------------------------------------------------------ reading

export interface ParsedWarcRecord {
  readonly version: string;
  /** Fields in order; look one up with `warcField`. */
  readonly fields: readonly HeaderPair[];
  readonly block: Uint8Array;
  /** Byte offset of the record in the file. */
  readonly offset: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function malformed(offset: number, what: string): VigilError {
  return new VigilError('INPUT_MALFORMED_RECORD', `The WARC record at byte ${offset} ${what}.`, {
    details: { offset },
  });
}

function indexOfBlankLine(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

/** The first value of a field, by case-insensitive name. */
export function warcField(
  record: { readonly fields: readonly HeaderPair[] },
  name: string,
): string | undefined {
  const lower = name.toLowerCase();
  return record.fields.find(([n]) => n.toLowerCase() === lower)?.[1];
}

function parseFieldLines(text: string, offset: number): HeaderPair[] {
  return text
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(':');
      if (colon <= 0)
        throw malformed(
          offset,
          `has a field line without a name: ${JSON.stringify(line.slice(0, 80))}`,
        );
      return [line.slice(0, colon), line.slice(colon + 1).trim()] as const;
    });
}

/**
 * Reads the records of an uncompressed WARC file and checks each one's framing: version line,
 * Content-Length matching the block, and the CRLF CRLF that ends the record.
 */
export function parseWarc(bytes: Uint8Array): ParsedWarcRecord[] {
  const records: ParsedWarcRecord[] = [];
  let at = 0;
  while (at < bytes.length) {
    const end = indexOfBlankLine(bytes, at);
    if (end < 0) throw malformed(at, 'has no end to its header');
    let head: string;
    try {
      head = decoder.decode(bytes.subarray(at, end));
    } catch {
      throw malformed(at, 'has a header that is not UTF-8');
    }
    const [version = '', ...lines] = head.split('\r\n');
    if (!/^WARC\/1\.[01]$/.test(version))
      throw malformed(
        at,
        `does not start with WARC/1.1 (found ${JSON.stringify(version.slice(0, 20))})`,
      );
    const fields = parseFieldLines(lines.join('\r\n'), at);
    const lengthText = warcField({ fields }, 'Content-Length');
    if (lengthText === undefined || !/^\d+$/.test(lengthText))
      throw malformed(at, 'has no valid Content-Length');
    const length = Number(lengthText);
    const blockStart = end + 4;
    const blockEnd = blockStart + length;
    if (blockEnd + 4 > bytes.length) throw malformed(at, 'is shorter than its Content-Length');
    if (
      bytes[blockEnd] !== 13 ||
      bytes[blockEnd + 1] !== 10 ||
      bytes[blockEnd + 2] !== 13 ||
      bytes[blockEnd + 3] !== 10
    ) {
      throw malformed(at, 'does not end with CRLF CRLF after its Content-Length bytes');
    }
    records.push({ version, fields, block: bytes.subarray(blockStart, blockEnd), offset: at });
    at = blockEnd + 4;
  }
  return records;
}

export interface ParsedHttpMessage {
  readonly startLine: string;
  readonly headers: readonly HeaderPair[];
  readonly body: Uint8Array;
}

/** Splits an `application/http` block into its start line, headers and body. */
export function parseHttpBlock(block: Uint8Array): ParsedHttpMessage {
  const end = indexOfBlankLine(block, 0);
  if (end < 0) throw malformed(0, 'holds an HTTP message with no end to its header');
  const [startLine = '', ...lines] = new TextDecoder().decode(block.subarray(0, end)).split('\r\n');
  return {
    startLine,
    headers: parseFieldLines(lines.join('\r\n'), 0),
    body: block.subarray(end + 4),
  };
}

/**
 * Checks a record's WARC-Block-Digest and, for request and response records, its
 * WARC-Payload-Digest against the HTTP body; throws on a mismatch.
 */
export function verifyWarcRecord(record: ParsedWarcRecord): void {
  const block = warcField(record, 'WARC-Block-Digest');
  if (block !== undefined && block !== warcDigest(record.block)) {
    throw malformed(record.offset, 'has a block that does not match its WARC-Block-Digest');
  }
  const payload = warcField(record, 'WARC-Payload-Digest');
  if (payload !== undefined) {
    const body = parseHttpBlock(record.block).body;
    if (payload !== warcDigest(body)) {
      throw malformed(record.offset, 'has a payload that does not match its WARC-Payload-Digest');
    }
  }
}
