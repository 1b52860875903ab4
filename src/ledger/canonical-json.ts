/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): exactly one byte sequence per JSON value, so any
 * implementation can recompute the hash of a custody event from the event alone.
 *
 * Writing builds on ECMAScript's own serialisation, which RFC 8785 adopts (§3.2.2): numbers are
 * written as Number.prototype.toString writes them, strings as JSON.stringify escapes them. What
 * ECMAScript allows but RFC 8785 (I-JSON, RFC 7493) forbids is refused here instead: non-finite
 * numbers, unpaired surrogates, duplicate member names.
 *
 * Reading accepts only bytes that are already canonical: stored custody data that differs from
 * its canonical form by one byte would hash to another leaf, so it is refused rather than
 * silently normalised.
 */
import { VigilError } from '../shared/errors.js';

export type Json =
  | null
  | boolean
  | number
  | string
  | readonly Json[]
  | { readonly [key: string]: Json };

/** Custody events are shallow; the bound keeps both directions' recursion far from the stack limit. */
const MAX_DEPTH = 64;
const DEFAULT_MAX_BYTES = 1024 * 1024;

// In a Unicode-aware pattern a valid surrogate pair is one code point, so only unpaired halves match.
const LONE_SURROGATE = /\p{Cs}/u;
const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const JSON_WHITESPACE = new Set([' ', '\t', '\n', '\r']);

const UTF8_ENCODER = new TextEncoder();
// ignoreBOM keeps a byte order mark in the text, so it fails the canonical comparison instead of
// being dropped unseen.
const STRICT_UTF8_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LENIENT_UTF8_DECODER = new TextDecoder('utf-8', { ignoreBOM: true });

type PathSegment = string | number;

interface Walk {
  /** Where the walk is, for error details; pushed and popped as containers are entered. */
  readonly path: PathSegment[];
  /** The containers currently open: a value met again among them is a cycle. */
  readonly open: Set<object>;
}

/**
 * The RFC 8785 canonical JSON text of `value`.
 *
 * Like JSON.stringify, object members whose value is `undefined` are omitted, so optional fields
 * may be left undefined. Everything else that is not plain JSON data throws CANONICAL_JSON_INVALID
 * with a JSON Pointer (RFC 6901) to the offending value in `details.path`: `undefined` anywhere
 * else (array elements, the value itself), functions, symbols, bigints, NaN and ±Infinity, strings
 * or member names with an unpaired surrogate, objects whose prototype is not Object.prototype or
 * null (class instances, Map, Date…), symbol-keyed members, cycles, and nesting deeper than 64.
 */
export function canonicalize(value: unknown): string {
  return serialize(value, { path: [], open: new Set() });
}

/** The UTF-8 bytes of {@link canonicalize}: what is hashed and stored (RFC 8785 §3.2.4). */
export function canonicalBytes(value: unknown): Uint8Array {
  return UTF8_ENCODER.encode(canonicalize(value));
}

/**
 * Reads UTF-8 bytes that must already be canonical JSON. Throws CANONICAL_JSON_INVALID for input
 * over `maxBytes` (default 1 MiB; `details.size` and `details.maxBytes`), and, with the byte offset
 * in `details.offset`, for invalid UTF-8, invalid JSON, duplicate member names (`details.member`),
 * nesting deeper than 64, or any byte that differs from the canonical form of the parsed value
 * (whitespace, member order, number or string spelling).
 */
export function parseCanonical(
  bytes: Uint8Array,
  options: { readonly maxBytes?: number } = {},
): Json {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > maxBytes) {
    throw invalid(
      `Canonical JSON is limited to ${maxBytes} bytes and this is ${bytes.length}. Custody data this large was not written by Vigil; check where it came from.`,
      { size: bytes.length, maxBytes },
    );
  }
  const value = new Parser(decodeUtf8(bytes)).document();
  requireCanonical(bytes, value);
  return value;
}

function serialize(value: unknown, walk: Walk): string {
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return serializeNumber(value, walk);
    case 'string':
      return serializeString(value, walk);
    case 'object':
      return value === null ? 'null' : serializeContainer(value, walk);
    default:
      throw invalidValue(
        `a value of type ${typeof value} is not JSON data`,
        'Convert it to a string, number, boolean, null, array or plain object.',
        walk,
      );
  }
}

/** RFC 8785 §3.2.2.3: the ECMAScript Number-to-String algorithm, which also writes -0 as 0. */
function serializeNumber(value: number, walk: Walk): string {
  if (!Number.isFinite(value)) {
    throw invalidValue(
      `${value} is not a JSON number`,
      'Store a finite number, or the value as a string.',
      walk,
    );
  }
  return String(value);
}

/**
 * RFC 8785 §3.2.2.2: JSON.stringify already escapes as the RFC requires (the two-character escapes
 * \b \t \n \f \r \" \\, other controls as lowercase \u00xx, everything else raw), but it writes an
 * unpaired surrogate as an escape where the RFC requires refusing it.
 */
function serializeString(value: string, walk: Walk): string {
  if (LONE_SURROGATE.test(value)) {
    throw invalidValue(
      'a string holds an unpaired UTF-16 surrogate, which is not Unicode text',
      'Repair the text (it was probably cut in the middle of an emoji or other character).',
      walk,
    );
  }
  return JSON.stringify(value);
}

function serializeContainer(value: object, walk: Walk): string {
  if (walk.open.has(value)) {
    throw invalidValue('a value contains itself', 'Remove the circular reference.', walk);
  }
  if (walk.open.size >= MAX_DEPTH) {
    throw invalidValue(
      `values are nested deeper than ${MAX_DEPTH} levels`,
      'Flatten the data.',
      walk,
    );
  }
  walk.open.add(value);
  try {
    if (Array.isArray(value)) return serializeArray(value, walk);
    if (isPlainObject(value)) return serializeObject(value, walk);
    throw invalidValue(
      'only arrays and plain objects are JSON containers, not class instances, Maps, Dates or the like',
      'Convert the value to a plain object, or a Date to its ISO string.',
      walk,
    );
  } finally {
    walk.open.delete(value);
  }
}

function serializeArray(value: readonly unknown[], walk: Walk): string {
  const parts: string[] = [];
  // An index loop, not map(): map skips holes, which must be refused like undefined.
  for (let index = 0; index < value.length; index++) {
    walk.path.push(index);
    parts.push(serialize(value[index], walk));
    walk.path.pop();
  }
  return `[${parts.join(',')}]`;
}

/**
 * RFC 8785 §3.2.3: members sorted by their names as arrays of UTF-16 code units. The default
 * Array.prototype.sort compares strings exactly so (localeCompare would not).
 */
function serializeObject(value: object, walk: Walk): string {
  if (Object.getOwnPropertySymbols(value).length > 0) {
    throw invalidValue(
      'an object has symbol-keyed members, which JSON cannot hold',
      'Use string member names.',
      walk,
    );
  }
  const members = value as Readonly<Record<string, unknown>>;
  const parts: string[] = [];
  for (const name of Object.keys(members).sort()) {
    const member = members[name];
    if (member === undefined) continue;
    walk.path.push(name);
    parts.push(`${serializeString(name, walk)}:${serialize(member, walk)}`);
    walk.path.pop();
  }
  return `{${parts.join(',')}}`;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8_DECODER.decode(bytes);
  } catch (cause) {
    const offset = firstInvalidUtf8Byte(bytes);
    throw invalid(
      `Not canonical JSON: the text must be UTF-8, and byte ${offset} is not. The data was damaged or is not custody data.`,
      { offset },
      cause,
    );
  }
}

/**
 * The decoder does not say where it failed. Decoding leniently and encoding again reproduces every
 * valid sequence byte for byte and turns the first invalid one into U+FFFD's bytes, which an
 * invalid sequence never equals: the first difference is the first invalid byte.
 */
function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  return firstDifference(bytes, UTF8_ENCODER.encode(LENIENT_UTF8_DECODER.decode(bytes)));
}

/** The first index at which the two differ, or -1 if they are equal. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const shorter = Math.min(a.length, b.length);
  for (let index = 0; index < shorter; index++) {
    if (a[index] !== b[index]) return index;
  }
  return a.length === b.length ? -1 : shorter;
}

function requireCanonical(bytes: Uint8Array, value: Json): void {
  const offset = firstDifference(bytes, canonicalBytes(value));
  if (offset !== -1) {
    throw invalid(
      `Not canonical JSON (RFC 8785): the JSON is valid but differs from the canonical form at byte ${offset} (whitespace, member order, or the spelling of a number or string). The data was changed after it was written; use the original.`,
      { offset },
    );
  }
}

/**
 * A strict RFC 8259 reader with offsets. JSON.parse would do for the values, but it silently keeps
 * the last of duplicate member names, cannot say where it failed, and has no depth bound.
 * Whitespace is read as JSON allows: the canonical comparison afterwards refuses it with its offset.
 */
class Parser {
  private position = 0;

  constructor(private readonly text: string) {}

  document(): Json {
    const value = this.value(1);
    this.skipWhitespace();
    if (this.position < this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  private value(depth: number): Json {
    this.skipWhitespace();
    switch (this.text[this.position]) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  private object(depth: number): Json {
    this.enterContainer(depth);
    const result: Record<string, Json> = {};
    if (this.closes('}')) return result;
    do {
      this.skipWhitespace();
      const nameAt = this.position;
      if (this.text[this.position] !== '"') this.fail('expected a member name in double quotes');
      const name = this.string();
      if (Object.hasOwn(result, name)) this.fail('duplicate member name', nameAt, { member: name });
      this.expect(':');
      // defineProperty, not assignment: a member named "__proto__" must stay an ordinary member.
      Object.defineProperty(result, name, {
        value: this.value(depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } while (this.continues('}'));
    return result;
  }

  private array(depth: number): Json {
    this.enterContainer(depth);
    const result: Json[] = [];
    if (this.closes(']')) return result;
    do {
      result.push(this.value(depth + 1));
    } while (this.continues(']'));
    return result;
  }

  private enterContainer(depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`values nested deeper than ${MAX_DEPTH} levels`);
    this.position++;
  }

  /** After an opening bracket: consumes the closing one of an empty container. */
  private closes(closing: string): boolean {
    this.skipWhitespace();
    if (this.text[this.position] !== closing) return false;
    this.position++;
    return true;
  }

  /** After an element: true on a comma, false on the closing bracket, fails otherwise. */
  private continues(closing: string): boolean {
    this.skipWhitespace();
    const next = this.text[this.position];
    if (next === ',' || next === closing) {
      this.position++;
      return next === ',';
    }
    return this.fail(`expected ',' or '${closing}'`);
  }

  private expect(expected: string): void {
    this.skipWhitespace();
    if (this.text[this.position] !== expected) this.fail(`expected '${expected}'`);
    this.position++;
  }

  /** Finds the closing quote, then lets JSON.parse decode the escapes of that one token. */
  private string(): string {
    const start = this.position;
    let index = start + 1;
    while (index < this.text.length && this.text[index] !== '"') {
      const code = this.text.charCodeAt(index);
      if (code < 0x20) this.fail('unescaped control character in a string', index);
      index += code === 0x5c ? 2 : 1;
    }
    if (index >= this.text.length) this.fail('unterminated string', start);
    let decoded: string;
    try {
      decoded = JSON.parse(this.text.slice(start, index + 1)) as string;
    } catch {
      return this.fail('invalid escape sequence in a string', start);
    }
    if (LONE_SURROGATE.test(decoded)) this.fail('a string escapes an unpaired surrogate', start);
    this.position = index + 1;
    return decoded;
  }

  private number(): number {
    JSON_NUMBER.lastIndex = this.position;
    const token = JSON_NUMBER.exec(this.text)?.[0];
    if (token === undefined) {
      return this.fail(
        this.position < this.text.length ? 'unexpected character' : 'unexpected end of data',
      );
    }
    const value = Number(token);
    if (!Number.isFinite(value)) this.fail('a number too large for a double');
    this.position += token.length;
    return value;
  }

  private literal<T extends Json>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.position)) this.fail('unexpected character');
    this.position += word.length;
    return value;
  }

  private skipWhitespace(): void {
    while (JSON_WHITESPACE.has(this.text[this.position] ?? '')) this.position++;
  }

  private fail(problem: string, at = this.position, extra: Record<string, unknown> = {}): never {
    const offset = UTF8_ENCODER.encode(this.text.slice(0, at)).length;
    throw invalid(
      `Not canonical JSON: ${problem} at byte ${offset}. The data was damaged or is not custody data.`,
      { offset, ...extra },
    );
  }
}

function invalidValue(problem: string, remedy: string, walk: Walk): VigilError {
  const path = pointer(walk.path);
  return invalid(
    `Cannot write canonical JSON: ${problem}${path === '' ? '' : ` (at ${path})`}. ${remedy}`,
    { path },
  );
}

/** RFC 6901 JSON Pointer; '' is the whole value. */
function pointer(path: readonly PathSegment[]): string {
  return path
    .map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`)
    .join('');
}

function invalid(message: string, details: Record<string, unknown>, cause?: unknown): VigilError {
  return new VigilError('CANONICAL_JSON_INVALID', message, { details, cause });
}
