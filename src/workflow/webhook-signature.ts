/**
 * Signed webhooks, in the style of ROOST Coop's action webhook and Stripe's: the sender puts
 * `vigil-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` on the request.
 * Signing the timestamp with the body lets the receiver refuse replays of an old request; several
 * `v1=` entries let a sender sign with the old and the new secret while a secret is rotated.
 *
 * Pure: the clock comes in as `nowSeconds`, the secret as a string. Verification compares in
 * constant time so the time it takes does not tell an attacker how much of a guess was right.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { VigilError } from '../shared/errors.js';

export const SIGNATURE_HEADER = 'vigil-signature';
/** Five minutes: enough for clock skew and a slow queue, short enough to make replays stale. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A real header is under 200 characters; the bound keeps a hostile one from costing work. */
const MAX_HEADER_LENGTH = 2048;
/** Rotation needs two; a handful more is harmless, hundreds would multiply the HMAC checks. */
const MAX_SIGNATURES = 8;
const HEX_SIGNATURE = /^[0-9a-f]{64}$/;
/** Unix seconds as digits only: no sign, no exponent, no fraction, at most 15 digits. */
const TIMESTAMP = /^\d{1,15}$/;

function signatureHex(secret: string, body: string, timestamp: number): string {
  return bytesToHex(hmac(sha256, utf8ToBytes(secret), utf8ToBytes(`${timestamp}.${body}`)));
}

/**
 * Equal byte strings, in time that depends only on their lengths (which are public here: every
 * signature is 64 hex characters).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

/** The `vigil-signature` header value for `body` sent at `timestampSeconds`. */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  // An empty secret would make every signature forgeable; refuse it rather than sign with it.
  if (secret.length === 0) {
    throw new VigilError('CONFIG_INVALID', 'The webhook secret is empty; configure a secret.');
  }
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new VigilError(
      'REQUEST_INVALID',
      'The webhook timestamp must be a whole, non-negative number of seconds.',
    );
  }
  return `t=${timestampSeconds},v1=${signatureHex(secret, body, timestampSeconds)}`;
}

export interface VerifyWebhookOptions {
  readonly secret: string;
  /** The raw request body exactly as received: re-serialised JSON would not match. */
  readonly body: string;
  readonly header: string | undefined;
  readonly nowSeconds: number;
  readonly toleranceSeconds?: number;
}

export type VerifyWebhookResult =
  | { readonly ok: true; readonly timestamp: number }
  | { readonly ok: false; readonly reason: string };

type ParsedHeader = { timestamp: number; signatures: string[] } | { reason: string };

function parseHeader(header: string | undefined): ParsedHeader {
  if (header === undefined || header.trim() === '') {
    return { reason: `The request has no ${SIGNATURE_HEADER} header.` };
  }
  if (header.length > MAX_HEADER_LENGTH) {
    return { reason: `The ${SIGNATURE_HEADER} header is too long.` };
  }
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) {
      return { reason: `The ${SIGNATURE_HEADER} header is malformed: expected key=value pairs.` };
    }
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined) {
        return { reason: `The ${SIGNATURE_HEADER} header has more than one timestamp.` };
      }
      if (!TIMESTAMP.test(value)) {
        return { reason: `The ${SIGNATURE_HEADER} header's timestamp is not a number of seconds.` };
      }
      timestamp = Number(value);
    } else if (key === 'v1') {
      const hex = value.toLowerCase();
      if (!HEX_SIGNATURE.test(hex)) {
        return { reason: `The ${SIGNATURE_HEADER} header's v1 signature is not 64 hex digits.` };
      }
      signatures.push(hex);
    }
    // Other keys (a future v2, say) are skipped so senders can add schemes without breaking us.
  }
  if (timestamp === undefined) {
    return { reason: `The ${SIGNATURE_HEADER} header has no timestamp (t=).` };
  }
  if (signatures.length === 0) {
    return { reason: `The ${SIGNATURE_HEADER} header has no v1 signature.` };
  }
  if (signatures.length > MAX_SIGNATURES) {
    return { reason: `The ${SIGNATURE_HEADER} header has too many signatures.` };
  }
  return { timestamp, signatures };
}

/** Check a received webhook: header well formed, timestamp recent, one v1 signature matching. */
export function verifyWebhook(options: VerifyWebhookOptions): VerifyWebhookResult {
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (options.secret.length === 0) {
    return { ok: false, reason: 'No webhook secret is configured, so nothing can be verified.' };
  }
  const parsed = parseHeader(options.header);
  if ('reason' in parsed) return { ok: false, reason: parsed.reason };
  const age = options.nowSeconds - parsed.timestamp;
  if (!(age <= tolerance)) {
    return {
      ok: false,
      reason: `The webhook was signed ${Math.round(age)} s ago, more than the ${tolerance} s allowed; it may be a replay.`,
    };
  }
  if (!(-age <= tolerance)) {
    return {
      ok: false,
      reason: `The webhook is dated ${Math.round(-age)} s in the future, more than the ${tolerance} s allowed; check the sender's clock.`,
    };
  }
  const expected = utf8ToBytes(signatureHex(options.secret, options.body, parsed.timestamp));
  // Check every entry, without stopping at the first match, so timing does not say which matched.
  let matched = false;
  for (const signature of parsed.signatures) {
    if (constantTimeEqual(expected, utf8ToBytes(signature))) matched = true;
  }
  if (!matched) {
    return {
      ok: false,
      reason: 'The webhook signature does not match: the body was changed or the secret differs.',
    };
  }
  return { ok: true, timestamp: parsed.timestamp };
}
