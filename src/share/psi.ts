/**
 * Private set intersection (PSI) between two organisations: ECDH-PSI over ristretto255
 * (RFC 9496), secure against semi-honest parties under the decisional Diffie-Hellman assumption
 * in the ristretto255 group. docs/psi.md describes the protocol, who learns what, and what it
 * does not protect against.
 *
 *   A (asks)                                   B (answers)
 *   request:  shuffle(H(x)^a for x in X)  ->
 *                                          <-  response: (H(x)^a)^b in A's order,
 *                                                         shuffle(H(y)^b for y in Y)
 *   finish:   A compares H(x)^ab with (H(y)^b)^a and learns X ∩ Y; B learns |X| only.
 *
 * H is RFC 9380 hash-to-curve for ristretto255 with the domain separation tag `vigil-psi-v1`;
 * a and b are per-session secret scalars. Items are strings that the caller has normalised as
 * Vigil writes entities (psiItem builds them: `phone:+12125550123`, `email:a@example.org`,
 * `handle:telegram:name`, `wallet:btc:…`): two spellings of the same identifier only match when
 * they normalise to the same string.
 *
 * Guards against probing, all refusing with VigilError PSI_REFUSED (`details.reason`): sets
 * smaller than `minSetSize` (default 10) or larger than `maxSetSize` (default 1,000,000), a
 * message for another session, invalid or identity points, duplicate points, answers whose
 * length does not match the request. psiRateLimit decides whether a partner may start another
 * session.
 *
 * Pure: scalars and shuffles come from the `randomBytes` function passed in.
 */
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { base64, hex } from '@scure/base';
import { VigilError } from '../shared/errors.js';
import type { RandomBytes } from './keys.js';

export const PSI_FORMAT = 'vigil.psi/v1';
/** RFC 9380 domain separation tag of the hash to ristretto255. */
export const PSI_DST = 'vigil-psi-v1';

export interface PsiLimits {
  /** The smallest set either side accepts (own or partner's); smaller sets are refused. */
  readonly minSetSize: number;
  /** The largest set either side accepts. */
  readonly maxSetSize: number;
}

export const DEFAULT_PSI_LIMITS: PsiLimits = { minSetSize: 10, maxSetSize: 1_000_000 };

/** The longest item (UTF-8 bytes) hashed; identifiers are short. */
export const MAX_PSI_ITEM_BYTES = 1024;
const SESSION_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const POINT_BYTES = 32;
const POINT_BASE64_LENGTH = 44;

/** One party's secret for one session. Never sent, never reused across sessions. */
export interface PsiSession {
  readonly id: string;
  readonly scalar: bigint;
  readonly limits: PsiLimits;
}

/** Round 1, A to B: A's blinded items, shuffled. */
export interface PsiRequest {
  readonly format: typeof PSI_FORMAT;
  readonly session: string;
  readonly round: 'request';
  /** base64 ristretto255 points H(x)^a. */
  readonly points: readonly string[];
}

/** Round 2, B to A: A's points blinded again, in A's order, and B's own blinded items, shuffled. */
export interface PsiResponse {
  readonly format: typeof PSI_FORMAT;
  readonly session: string;
  readonly round: 'response';
  /** (H(x)^a)^b, position i answering request.points[i]. */
  readonly doubled: readonly string[];
  /** H(y)^b for B's items, shuffled. */
  readonly points: readonly string[];
}

/** What A keeps between request and finish: its items in the order it sent them. */
export interface PsiPending {
  readonly session: string;
  /** A's items in the (shuffled) order of request.points. */
  readonly items: readonly string[];
  /** For each sent position, the item's index in A's input (to report in input order). */
  readonly inputIndex: readonly number[];
}

export interface PsiResult {
  /** A's items that B also holds, in A's input order. */
  readonly intersection: readonly string[];
  /** How many distinct items A put in. */
  readonly ownSize: number;
  /** How many items B put in (PSI reveals set sizes). */
  readonly partnerSize: number;
}

const Point = ristretto255.Point;
type RistrettoPoint = InstanceType<typeof Point>;
const ORDER = Point.Fn.ORDER;
const utf8 = new TextEncoder();

/**
 * Starts a session: a fresh secret scalar from 64 random bytes (reduced modulo the group order,
 * so the bias is negligible). Both parties use the same session id, agreed beforehand (e.g. the
 * id of the matching request under the agreement).
 */
export function createPsiSession(
  id: string,
  randomBytes: RandomBytes,
  limits: Partial<PsiLimits> = {},
): PsiSession {
  if (typeof id !== 'string' || !SESSION_ID.test(id)) {
    throw refused(
      'session-id',
      'A PSI session id must be 8 to 128 letters, digits, ".", "_", ":" or "-".',
    );
  }
  const merged = { ...DEFAULT_PSI_LIMITS, ...limits };
  if (
    !Number.isSafeInteger(merged.minSetSize) ||
    !Number.isSafeInteger(merged.maxSetSize) ||
    merged.minSetSize < 1 ||
    merged.maxSetSize < merged.minSetSize
  ) {
    throw refused('limits', 'PSI limits must be whole numbers with 1 <= minSetSize <= maxSetSize.');
  }
  for (let attempt = 0; attempt < 4; attempt++) {
    const bytes = randomBytes(64);
    if (!(bytes instanceof Uint8Array) || bytes.length !== 64) {
      throw refused('randomness', 'randomBytes(64) must return 64 random bytes.');
    }
    const scalar = BigInt(`0x${hex.encode(bytes)}`) % ORDER;
    if (scalar !== 0n) return { id, scalar, limits: Object.freeze(merged) };
  }
  throw refused('randomness', 'randomBytes keeps returning zero; it is not random.');
}

/**
 * Round 1 (A): hashes and blinds A's items and shuffles them. Duplicate items count once. A
 * keeps `pending` (and the session) until the response arrives and sends `request`.
 */
export function psiRequest(
  session: PsiSession,
  items: readonly string[],
  randomBytes: RandomBytes,
): { readonly request: PsiRequest; readonly pending: PsiPending } {
  const distinct = distinctItems(items);
  checkSize(session, distinct.length, 'own');
  const order = shuffledIndices(distinct.length, randomBytes);
  const sent = order.map((i) => distinct[i] as string);
  const points = sent.map((item) => encodePoint(hashToPoint(item).multiply(session.scalar)));
  return {
    request: { format: PSI_FORMAT, session: session.id, round: 'request', points },
    pending: { session: session.id, items: sent, inputIndex: order },
  };
}

/**
 * Round 2 (B): checks A's request, blinds A's points again (keeping A's order, so A can map
 * them back) and blinds B's own items (shuffled, so A cannot tell which of B's items matched
 * beyond what the intersection itself reveals). B learns only how many items A sent.
 */
export function psiRespond(
  session: PsiSession,
  request: PsiRequest,
  items: readonly string[],
  randomBytes: RandomBytes,
): PsiResponse {
  const { theirs, own } = respondInputs(session, request, items, randomBytes);
  const blind = (point: RistrettoPoint) => encodePoint(point.multiply(session.scalar));
  return {
    format: PSI_FORMAT,
    session: session.id,
    round: 'response',
    doubled: theirs.map(blind),
    points: own.map((item) => blind(hashToPoint(item))),
  };
}

/**
 * Round 2 as psiRespond, giving way between slices of `slice` points: `pause` (e.g. a
 * setImmediate promise, passed in by a server) lets other work run while a large set is
 * blinded, since each point costs a constant-time scalar multiplication.
 */
export async function psiRespondInSlices(
  session: PsiSession,
  request: PsiRequest,
  items: readonly string[],
  randomBytes: RandomBytes,
  pause: () => Promise<void>,
  slice = 256,
): Promise<PsiResponse> {
  const { theirs, own } = respondInputs(session, request, items, randomBytes);
  const blind = (point: RistrettoPoint) => encodePoint(point.multiply(session.scalar));
  const doubled: string[] = [];
  for (const [i, point] of theirs.entries()) {
    doubled.push(blind(point));
    if ((i + 1) % slice === 0) await pause();
  }
  const points: string[] = [];
  for (const [i, item] of own.entries()) {
    points.push(blind(hashToPoint(item)));
    if ((i + 1) % slice === 0) await pause();
  }
  return { format: PSI_FORMAT, session: session.id, round: 'response', doubled, points };
}

/** Round 2's checks: A's points decoded, and B's own items, distinct and shuffled. */
function respondInputs(
  session: PsiSession,
  request: PsiRequest,
  items: readonly string[],
  randomBytes: RandomBytes,
): { readonly theirs: RistrettoPoint[]; readonly own: string[] } {
  checkMessage(session, request, 'request');
  checkSize(session, request.points.length, 'partner');
  const theirs = decodePoints(request.points, 'points');
  const distinct = distinctItems(items);
  checkSize(session, distinct.length, 'own');
  const order = shuffledIndices(distinct.length, randomBytes);
  return { theirs, own: order.map((i) => distinct[i] as string) };
}

/**
 * Round 3 (A): checks B's response, blinds B's points with A's scalar and compares them with
 * A's doubly blinded points. A learns which of its own items B holds, and nothing about B's
 * other items beyond their number.
 */
export function psiFinish(
  session: PsiSession,
  pending: PsiPending,
  response: PsiResponse,
): PsiResult {
  checkMessage(session, response, 'response');
  if (pending.session !== session.id) {
    throw refused('session-mismatch', 'The pending request belongs to another PSI session.');
  }
  if (!Array.isArray(response.doubled) || response.doubled.length !== pending.items.length) {
    throw refused(
      'length-mismatch',
      `The response answers ${Array.isArray(response.doubled) ? response.doubled.length : 0} points; the request sent ${pending.items.length}.`,
    );
  }
  checkSize(session, response.points.length, 'partner');
  // Decoding checks validity and uniqueness; the values are compared as canonical encodings.
  decodePoints(response.doubled, 'doubled');
  const theirs = decodePoints(response.points, 'points');
  const matches = new Set(theirs.map((point) => encodePoint(point.multiply(session.scalar))));
  const found: number[] = [];
  response.doubled.forEach((value, position) => {
    if (matches.has(value)) found.push(position);
  });
  const intersection = found
    .map((position) => ({
      index: pending.inputIndex[position] as number,
      item: pending.items[position] as string,
    }))
    .sort((a, b) => a.index - b.index)
    .map((entry) => entry.item);
  return { intersection, ownSize: pending.items.length, partnerSize: response.points.length };
}

/** Identifier kinds psiItem knows; other kinds pass through as `<kind>:<value>`. */
export type PsiItemKind = 'phone' | 'email' | 'handle' | 'wallet' | 'url' | 'domain' | 'image';

const E164 = /^\+[1-9][0-9]{1,14}$/;

/**
 * Builds a PSI item `<kind>:<value>` from a value already normalised as Vigil writes entities
 * (phones E.164, emails lower case, handles `platform:handle` lower case, wallets `chain:address`
 * as the wallet extractor writes them). It checks what it can and refuses (PSI_REFUSED, reason
 * `item-invalid`) values that are plainly not normalised, because they would silently not match.
 */
export function psiItem(kind: PsiItemKind, value: string): string {
  const ok =
    typeof value === 'string' &&
    value !== '' &&
    value === value.trim() &&
    (kind === 'phone'
      ? E164.test(value)
      : kind === 'email'
        ? value === value.toLowerCase() && /^[^@\s]+@[^@\s]+$/.test(value)
        : kind === 'handle'
          ? value === value.toLowerCase() && /^[a-z0-9._-]+:[^:\s]+$/.test(value)
          : kind === 'wallet'
            ? /^[a-z0-9]+:\S+$/.test(value)
            : !/\s/.test(value));
  if (!ok) {
    throw refused('item-invalid', `The ${kind} value is not in Vigil's normalised form.`);
  }
  return `${kind}:${value}`;
}

// --- Rate limit -----------------------------------------------------------------------------

export interface PsiRatePolicy {
  /** Length of the sliding window, in milliseconds (e.g. one day). */
  readonly windowMs: number;
  /** Sessions allowed with one partner inside the window. */
  readonly maxSessions: number;
  /** Items the partner may submit in total inside the window (bounds guessing). */
  readonly maxItems?: number;
  /** The least time between two sessions with one partner, in milliseconds. */
  readonly minIntervalMs?: number;
}

export interface PsiRateDecision {
  readonly allowed: boolean;
  /** When refused: the earliest time (ms since the epoch) a new session would be allowed. */
  readonly retryAt?: number;
  readonly reason?: 'sessions' | 'items' | 'interval';
}

/**
 * Pure rate limit for PSI sessions with one partner: given the partner's past sessions (time in
 * ms since the epoch and how many items the partner submitted), the time now and the size of the
 * requested session, says whether to run it. The caller stores the history and the clock.
 */
export function psiRateLimit(
  history: readonly { readonly at: number; readonly items: number }[],
  now: number,
  requestedItems: number,
  policy: PsiRatePolicy,
): PsiRateDecision {
  const valid = (value: number | undefined, min: number) =>
    value === undefined || (Number.isSafeInteger(value) && value >= min);
  if (
    !valid(policy.windowMs, 1) ||
    !valid(policy.maxSessions, 1) ||
    !valid(policy.maxItems, 0) ||
    !valid(policy.minIntervalMs, 0) ||
    !Number.isSafeInteger(now) ||
    !Number.isSafeInteger(requestedItems) ||
    requestedItems < 0
  ) {
    throw refused(
      'limits',
      'A PSI rate policy needs whole numbers: windowMs and maxSessions of at least 1, maxItems and minIntervalMs of at least 0.',
    );
  }
  const windowStart = now - policy.windowMs;
  const recent = history.filter((entry) => entry.at > windowStart && entry.at <= now);
  recent.sort((a, b) => a.at - b.at);
  const last = recent[recent.length - 1];
  if (policy.minIntervalMs !== undefined && last !== undefined) {
    if (now - last.at < policy.minIntervalMs) {
      return { allowed: false, reason: 'interval', retryAt: last.at + policy.minIntervalMs };
    }
  }
  if (recent.length >= policy.maxSessions) {
    // The window frees up when the oldest session that must drop out leaves it.
    const oldest = recent[recent.length - policy.maxSessions];
    return {
      allowed: false,
      reason: 'sessions',
      retryAt: (oldest?.at ?? now) + policy.windowMs + 1,
    };
  }
  if (policy.maxItems !== undefined) {
    const used = recent.reduce((sum, entry) => sum + entry.items, 0);
    if (used + requestedItems > policy.maxItems) {
      if (requestedItems > policy.maxItems) return { allowed: false, reason: 'items' };
      // Drop the oldest sessions until the request fits.
      let freed = used;
      for (const entry of recent) {
        freed -= entry.items;
        if (freed + requestedItems <= policy.maxItems) {
          return { allowed: false, reason: 'items', retryAt: entry.at + policy.windowMs + 1 };
        }
      }
      return { allowed: false, reason: 'items' };
    }
  }
  return { allowed: true };
}

// --- Helpers --------------------------------------------------------------------------------

function hashToPoint(item: string): RistrettoPoint {
  return ristretto255_hasher.hashToCurve(utf8.encode(item), { DST: PSI_DST });
}

/** H(item) as its 32-byte ristretto255 encoding: RFC 9380 hash-to-curve, DST `vigil-psi-v1`. */
export function hashItem(item: string): Uint8Array {
  return hashToPoint(item).toBytes();
}

function distinctItems(items: readonly string[]): string[] {
  if (!Array.isArray(items)) throw refused('item-invalid', 'The PSI items must be an array.');
  const seen = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string' || item === '' || utf8.encode(item).length > MAX_PSI_ITEM_BYTES) {
      throw refused(
        'item-invalid',
        `Every PSI item must be a non-empty string of at most ${MAX_PSI_ITEM_BYTES} bytes.`,
      );
    }
    seen.add(item);
  }
  return [...seen];
}

function checkSize(session: PsiSession, size: number, whose: 'own' | 'partner'): void {
  const { minSetSize, maxSetSize } = session.limits;
  if (size < minSetSize) {
    throw refused(
      'too-small',
      whose === 'own'
        ? `Our set has ${size} items; PSI needs at least ${minSetSize}, so that a match does not single out one identifier.`
        : `The partner's set has ${size} items; PSI refuses sets under ${minSetSize}, which could probe for single identifiers.`,
      { whose, size, minSetSize },
    );
  }
  if (size > maxSetSize) {
    throw refused(
      'too-large',
      `${whose === 'own' ? 'Our' : "The partner's"} set has ${size} items; PSI accepts at most ${maxSetSize}.`,
      { whose, size, maxSetSize },
    );
  }
}

function checkMessage(
  session: PsiSession,
  message: PsiRequest | PsiResponse,
  round: 'request' | 'response',
): void {
  if (
    message === null ||
    typeof message !== 'object' ||
    message.format !== PSI_FORMAT ||
    message.round !== round ||
    !Array.isArray(message.points)
  ) {
    throw refused('message-invalid', `The PSI ${round} is not a ${PSI_FORMAT} ${round} message.`);
  }
  if (message.session !== session.id) {
    throw refused(
      'session-mismatch',
      `The PSI ${round} belongs to another session; each session's rounds must carry its id.`,
    );
  }
}

function decodePoints(values: readonly string[], field: string): RistrettoPoint[] {
  const seen = new Set<string>();
  return values.map((value, index) => {
    if (typeof value !== 'string' || value.length !== POINT_BASE64_LENGTH) {
      throw invalidPoint(field, index);
    }
    if (seen.has(value)) {
      throw refused('duplicate-point', `The ${field} list repeats a point (at ${index}).`, {
        field,
        index,
      });
    }
    seen.add(value);
    let point: RistrettoPoint;
    try {
      const bytes = base64.decode(value);
      if (bytes.length !== POINT_BYTES) throw invalidPoint(field, index);
      // fromBytes accepts only canonical encodings (RFC 9496 §4.3.1), so one point has one text.
      point = Point.fromBytes(bytes);
    } catch {
      throw invalidPoint(field, index);
    }
    if (point.equals(Point.ZERO)) throw invalidPoint(field, index);
    return point;
  });
}

function encodePoint(point: RistrettoPoint): string {
  return base64.encode(point.toBytes());
}

/** Fisher–Yates with unbiased indices from the caller's randomness (rejection sampling). */
function shuffledIndices(n: number, randomBytes: RandomBytes): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const source = uint32Source(randomBytes, n);
  for (let i = n - 1; i > 0; i--) {
    const bound = i + 1;
    const limit = 2 ** 32 - (2 ** 32 % bound);
    let r = source();
    while (r >= limit) r = source();
    const j = r % bound;
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

function uint32Source(randomBytes: RandomBytes, expected: number): () => number {
  const chunk = Math.min(Math.max(expected, 16), 65_536) * 4;
  let buffer: Uint8Array = new Uint8Array(0);
  let offset = 0;
  return () => {
    if (offset + 4 > buffer.length) {
      buffer = randomBytes(chunk);
      if (!(buffer instanceof Uint8Array) || buffer.length !== chunk) {
        throw refused('randomness', `randomBytes(${chunk}) must return ${chunk} random bytes.`);
      }
      offset = 0;
    }
    const value =
      ((buffer[offset] as number) * 2 ** 24 +
        ((buffer[offset + 1] as number) << 16) +
        ((buffer[offset + 2] as number) << 8) +
        (buffer[offset + 3] as number)) >>>
      0;
    offset += 4;
    return value;
  };
}

function invalidPoint(field: string, index: number): VigilError {
  return refused(
    'invalid-point',
    `The ${field} list holds a value at ${index} that is not a valid, non-identity ristretto255 point in base64.`,
    { field, index },
  );
}

function refused(
  reason: string,
  message: string,
  details: Record<string, unknown> = {},
): VigilError {
  return new VigilError('PSI_REFUSED', message, { details: { reason, ...details } });
}
