/**
 * Sealed victim records: victim personal data (names, contact details, identity documents,
 * nationality, health, immigration status) encrypted record by record, so that destroying one
 * record's key destroys that record's data and nothing else (crypto-shredding). The append-only
 * custody log can keep the hash of a sealed record forever without ever holding the data.
 *
 * Envelope encryption, all AES-256-GCM (NIST SP 800-38D) with 96-bit nonces and 128-bit tags:
 *
 * - Each record gets a fresh random 256-bit data key. The record, as RFC 8785 canonical JSON, is
 *   encrypted under it with a random nonce, the record id and case id as additional authenticated
 *   data: a ciphertext copied onto another record or case fails to open instead of showing one
 *   victim's data under another's name.
 * - The data key is encrypted ("wrapped") under the master key from configuration, with its own
 *   random nonce and the record id as additional authenticated data. Shredding drops the wrapped
 *   key; the ciphertext stays (custody events may name its hash) but nothing can open it.
 *
 * Why a key per record: SP 800-38D §8.3 allows at most 2^32 encryptions with random 96-bit nonces
 * under one key, because nonce collisions become likely beyond that, and one collision breaks
 * GCM's confidentiality and authenticity for that key. A data key encrypts exactly one message, so
 * its nonce can never repeat; the master key encrypts one 32-byte key per record (and one per
 * rotation), billions of records away from the limit. Rotating the master key rewraps data keys
 * only, never the records themselves.
 *
 * The format, so another implementation can read it: every binary field is unpadded base64url;
 * `wrappedKey` and `ciphertext` are the GCM ciphertext followed by the 16-byte tag (as WebCrypto
 * writes them). The additional authenticated data are the UTF-8 bytes of canonical JSON arrays:
 * `["vigil/sealed-record",1,"A256GCM","record",recordId,caseId]` for the record and
 * `["vigil/sealed-record",1,"A256GCM","data-key",kid,recordId]` for the wrapped key; arrays keep
 * the fields apart whatever characters the ids contain. `kid` is the first 8 hex characters of
 * SHA-256 of the master key: it names the key without revealing it.
 *
 * Errors never carry plaintext, key bytes or any hint of the contents.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { canonicalBytes, parseCanonical } from '../ledger/canonical-json.js';
import { isVigilError, VigilError } from '../shared/errors.js';

/** A master key read from configuration. The key bytes stay inside a KeyObject, which never prints them. */
export interface MasterKey {
  /** The first 8 hex characters of SHA-256 of the key; stored with every record it wraps. */
  readonly kid: string;
  readonly key: KeyObject;
}

/** A sealed record: plain JSON, every binary field unpadded base64url, for a text column. */
export interface SealedRecord {
  readonly v: 1;
  readonly alg: 'A256GCM';
  /** The master key that wraps the data key. */
  readonly kid: string;
  /** The data key wrapped under the master key, tag appended; null once the record is shredded. */
  readonly wrappedKey: string | null;
  readonly keyNonce: string;
  readonly nonce: string;
  /** The canonical JSON of the record encrypted under the data key, tag appended. */
  readonly ciphertext: string;
}

/** Where a sealed record belongs; both ids are bound to its ciphertext. */
export interface SealContext {
  readonly recordId: string;
  readonly caseId: string;
}

const VERSION = 1;
const ALG = 'A256GCM';
const KEY_BYTES = 32;
/** SP 800-38D §5.2.1.1 and §8.2.2: 96 bits is the nonce length GCM uses directly, without GHASH. */
const NONCE_BYTES = 12;
/** The full 128-bit tag; SP 800-38D Appendix C warns about shorter ones. */
const TAG_BYTES = 16;
/** Victim records are forms, not files; the bound keeps a bad request from sealing megabytes. */
const MAX_PLAINTEXT_BYTES = 256 * 1024;
/** Ids are UUIDs or similar; the bound keeps the additional authenticated data small. */
const MAX_ID_LENGTH = 256;
const KID = /^[0-9a-f]{8}$/;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
/** 32 bytes are 43 base64url characters without padding. */
const BASE64URL_KEY = /^[A-Za-z0-9_-]{43}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const LONE_SURROGATE = /\p{Cs}/u;
const DOMAIN = 'vigil/sealed-record';

const HOW_TO_MAKE_A_KEY =
  'Make one with `openssl rand -hex 32` and keep it apart from the database and its backups.';

/**
 * Reads the victim-data master key from configuration: 64 hex characters, or the unpadded
 * base64url form of 32 bytes. Surrounding whitespace (a trailing newline in a key file) is ignored.
 * Anything else is CONFIG_INVALID, as is a key whose bytes are all the same (a placeholder such as
 * 64 zeros, not a key). Messages never repeat the value.
 */
export function parseMasterKey(text: string): MasterKey {
  const trimmed = text.trim();
  let bytes: Buffer;
  if (HEX_KEY.test(trimmed)) {
    bytes = Buffer.from(trimmed, 'hex');
  } else if (BASE64URL_KEY.test(trimmed) && isCanonicalBase64url(trimmed)) {
    bytes = Buffer.from(trimmed, 'base64url');
  } else {
    throw new VigilError(
      'CONFIG_INVALID',
      'The master key for victim data must be 64 hexadecimal characters (or the unpadded ' +
        `base64url form of 32 bytes), and the configured value is not. ${HOW_TO_MAKE_A_KEY}`,
    );
  }
  try {
    if (bytes.every((byte) => byte === bytes[0])) {
      throw new VigilError(
        'CONFIG_INVALID',
        'The master key for victim data is a placeholder (every byte is the same), not a ' +
          `random key. ${HOW_TO_MAKE_A_KEY}`,
      );
    }
    const kid = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
    return Object.freeze({ kid, key: createSecretKey(bytes) });
  } finally {
    // createSecretKey copied the bytes; the Buffer need not linger in the heap.
    bytes.fill(0);
  }
}

/** A new random master key as 64 hex characters, for `vigil` to print once. */
export function generateMasterKey(): string {
  const bytes = randomBytes(KEY_BYTES);
  try {
    return bytes.toString('hex');
  } finally {
    bytes.fill(0);
  }
}

/**
 * Seals a record: a fresh data key and fresh nonces every time, so sealing the same data twice
 * gives unrelated bytes. The record must be plain JSON data (REQUEST_INVALID otherwise, naming the
 * offending member by its path, never its value) of at most 256 KiB as canonical JSON.
 */
export function sealRecord(
  master: MasterKey,
  plaintext: Readonly<Record<string, unknown>>,
  context: SealContext,
): SealedRecord {
  requireContext(context);
  const data = recordBytes(plaintext);
  const dataKey = randomBytes(KEY_BYTES);
  try {
    const nonce = randomBytes(NONCE_BYTES);
    const ciphertext = encrypt(dataKey, nonce, recordAad(context), data);
    const keyNonce = randomBytes(NONCE_BYTES);
    const wrappedKey = encrypt(master.key, keyNonce, keyAad(master.kid, context), dataKey);
    return Object.freeze({
      v: VERSION,
      alg: ALG,
      kid: master.kid,
      wrappedKey: b64(wrappedKey),
      keyNonce: b64(keyNonce),
      nonce: b64(nonce),
      ciphertext: b64(ciphertext),
    });
  } finally {
    dataKey.fill(0);
    data.fill(0);
  }
}

/**
 * Verifies and decrypts a sealed record. Refuses, without saying anything about the contents:
 * a shredded record ("destroyed", whatever key is configured), a record wrapped by another master
 * key (CONFIG_INVALID, naming both key ids), and a record whose bytes were changed or which was
 * moved to another record id or case (the same message for both, since GCM cannot tell them apart).
 */
export function openRecord(
  master: MasterKey,
  sealed: SealedRecord,
  context: SealContext,
): Record<string, unknown> {
  requireContext(context);
  const record = readSealedRecord(sealed);
  const dataKey = unwrapKey(master, record, context);
  let data: Buffer | undefined;
  try {
    data = decrypt(
      dataKey,
      bytesOf(record.nonce),
      recordAad(context),
      bytesOf(record.ciphertext),
      context,
    );
    return parseRecord(data, context);
  } finally {
    dataKey.fill(0);
    data?.fill(0);
  }
}

/**
 * The record with its wrapped key dropped: from now on nothing opens it, not even the right master
 * key. The ciphertext and everything else stay as they were, so hashes that custody events hold
 * still match. Idempotent. When it happened belongs in the custody event, not here.
 *
 * The data is only gone once no copy of the wrapped key survives: the store must overwrite the row
 * (and keep old pages from lingering), and backups taken before keep the wrapped key, so they are
 * shredded only when the master key they were wrapped under is retired and destroyed.
 */
export function shredRecord(sealed: SealedRecord): SealedRecord {
  const record = readSealedRecord(sealed);
  return Object.freeze({ ...record, wrappedKey: null });
}

/**
 * Master key rotation: the data key is unwrapped with the old master key and wrapped again under
 * the new one with a fresh nonce; the ciphertext and its nonce are kept byte for byte. The
 * ciphertext is verified first, so a rotated record is known to open with the new key. A shredded
 * record is returned as it is: there is no key to rewrap, and it stays destroyed.
 */
export function rewrapRecord(
  oldMaster: MasterKey,
  newMaster: MasterKey,
  sealed: SealedRecord,
  context: SealContext,
): SealedRecord {
  requireContext(context);
  const record = readSealedRecord(sealed);
  if (record.wrappedKey === null) return record;
  const dataKey = unwrapKey(oldMaster, record, context);
  try {
    decrypt(
      dataKey,
      bytesOf(record.nonce),
      recordAad(context),
      bytesOf(record.ciphertext),
      context,
    ).fill(0);
    const keyNonce = randomBytes(NONCE_BYTES);
    const wrappedKey = encrypt(newMaster.key, keyNonce, keyAad(newMaster.kid, context), dataKey);
    return Object.freeze({
      ...record,
      kid: newMaster.kid,
      wrappedKey: b64(wrappedKey),
      keyNonce: b64(keyNonce),
    });
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Checks that a value read back from storage (after JSON.parse) is a sealed record of this format:
 * exactly its members, a known version and algorithm, canonical base64url of the right lengths.
 * VICTIM_DATA_UNREADABLE otherwise. openRecord, shredRecord and rewrapRecord check this themselves.
 */
export function readSealedRecord(value: unknown): SealedRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed('it is not an object');
  }
  const record = value as Readonly<Record<string, unknown>>;
  const expected = ['alg', 'ciphertext', 'keyNonce', 'kid', 'nonce', 'v', 'wrappedKey'];
  const members = Object.keys(record).sort();
  if (members.join(',') !== expected.join(',')) {
    throw malformed(`its members must be exactly ${expected.join(', ')}`);
  }
  const { v, alg, kid, wrappedKey, keyNonce, nonce, ciphertext } = record;
  if (v !== VERSION) throw malformed(`version ${VERSION} is the only one this Vigil reads`);
  if (alg !== ALG) throw malformed(`${ALG} is the only algorithm this Vigil reads`);
  if (typeof kid !== 'string' || !KID.test(kid)) throw malformed('its key id is not 8 hex digits');
  requireBase64url(keyNonce, 'keyNonce', (size) => size === NONCE_BYTES);
  requireBase64url(nonce, 'nonce', (size) => size === NONCE_BYTES);
  requireBase64url(ciphertext, 'ciphertext', (size) => size >= TAG_BYTES);
  if (wrappedKey !== null) {
    requireBase64url(wrappedKey, 'wrappedKey', (size) => size === KEY_BYTES + TAG_BYTES);
  }
  return Object.freeze({
    v: VERSION,
    alg: ALG,
    kid,
    wrappedKey: wrappedKey as string | null,
    keyNonce: keyNonce as string,
    nonce: nonce as string,
    ciphertext: ciphertext as string,
  });
}

function unwrapKey(master: MasterKey, record: SealedRecord, context: SealContext): Buffer {
  if (record.wrappedKey === null) {
    throw new VigilError(
      'VICTIM_DATA_DESTROYED',
      `The victim record ${context.recordId} was destroyed (its key was shredded); its data ` +
        'cannot be recovered.',
      { details: { recordId: context.recordId } },
    );
  }
  if (record.kid !== master.kid) {
    throw new VigilError(
      'CONFIG_INVALID',
      `The victim record ${context.recordId} is wrapped by master key ${record.kid}, but the ` +
        `configured master key is ${master.kid}. Configure the key it was sealed with, or ` +
        'finish the key rotation that should have rewrapped it.',
      { details: { recordId: context.recordId, recordKid: record.kid, configuredKid: master.kid } },
    );
  }
  return decrypt(
    master.key,
    bytesOf(record.keyNonce),
    keyAad(record.kid, context),
    bytesOf(record.wrappedKey),
    context,
  );
}

function encrypt(
  key: KeyObject | Buffer,
  nonce: Buffer,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** GCM decryption; any failure, whichever field was changed, is the one "cannot be opened" error. */
function decrypt(
  key: KeyObject | Buffer,
  nonce: Buffer,
  aad: Uint8Array,
  sealed: Buffer,
  context: SealContext,
): Buffer {
  const body = sealed.subarray(0, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  // authTagLength makes setAuthTag refuse a shorter tag, which Node would otherwise accept.
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const parts: Buffer[] = [];
  try {
    parts.push(decipher.update(body));
    parts.push(decipher.final());
  } catch (cause) {
    // Unverified plaintext is never used or returned.
    for (const part of parts) part.fill(0);
    throw unreadable(context, cause);
  }
  const plaintext = Buffer.concat(parts);
  for (const part of parts) part.fill(0);
  return plaintext;
}

function recordBytes(plaintext: Readonly<Record<string, unknown>>): Buffer {
  if (typeof plaintext !== 'object' || plaintext === null || Array.isArray(plaintext)) {
    throw new VigilError('REQUEST_INVALID', 'A victim record must be a JSON object.');
  }
  let bytes: Uint8Array;
  try {
    bytes = canonicalBytes(plaintext);
  } catch (error) {
    if (!isVigilError(error, 'CANONICAL_JSON_INVALID')) throw error;
    // The canonical JSON messages name the problem and the member's path, never a value.
    throw new VigilError(
      'REQUEST_INVALID',
      `A victim record must be plain JSON data. ${error.message}`,
      {
        details: { path: error.details?.path },
      },
    );
  }
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length > MAX_PLAINTEXT_BYTES) {
    const size = data.length;
    data.fill(0);
    throw new VigilError(
      'REQUEST_INVALID',
      `A victim record is limited to ${MAX_PLAINTEXT_BYTES} bytes of JSON and this one has ` +
        `${size}. Keep documents and images as evidence files, not in the record.`,
      { details: { size, maxBytes: MAX_PLAINTEXT_BYTES } },
    );
  }
  return data;
}

function parseRecord(data: Buffer, context: SealContext): Record<string, unknown> {
  // Authenticated bytes were written by sealRecord, so anything else means the wrong key decrypted
  // something valid by chance (impossible in practice) or a bug; refuse it all the same.
  let value: unknown;
  try {
    value = parseCanonical(data, { maxBytes: MAX_PLAINTEXT_BYTES });
  } catch (cause) {
    throw unreadable(context, isVigilError(cause) ? undefined : cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw unreadable(context);
  }
  return value as Record<string, unknown>;
}

function requireContext(context: SealContext): void {
  for (const name of ['recordId', 'caseId'] as const) {
    const id: unknown = context[name];
    if (
      typeof id !== 'string' ||
      id.length === 0 ||
      id.length > MAX_ID_LENGTH ||
      LONE_SURROGATE.test(id)
    ) {
      throw new VigilError(
        'REQUEST_INVALID',
        `A sealed victim record needs a ${name} of 1 to ${MAX_ID_LENGTH} characters of text.`,
        { details: { field: name } },
      );
    }
  }
}

const recordAad = (context: SealContext): Uint8Array =>
  canonicalBytes([DOMAIN, VERSION, ALG, 'record', context.recordId, context.caseId]);

const keyAad = (kid: string, context: SealContext): Uint8Array =>
  canonicalBytes([DOMAIN, VERSION, ALG, 'data-key', kid, context.recordId]);

const b64 = (bytes: Buffer): string => bytes.toString('base64url');

/** Only after readSealedRecord checked the text. */
const bytesOf = (text: string): Buffer => Buffer.from(text, 'base64url');

/**
 * Buffer.from(…, 'base64url') skips characters it does not know and ignores the unused low bits of
 * the last character, so several texts decode to the same bytes. Only the one text that encoding
 * the bytes gives back is accepted: an altered character is always a changed record.
 */
function isCanonicalBase64url(text: string): boolean {
  return BASE64URL.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text;
}

function requireBase64url(value: unknown, field: string, sizeOk: (size: number) => boolean): void {
  if (
    typeof value !== 'string' ||
    !isCanonicalBase64url(value) ||
    !sizeOk(Buffer.from(value, 'base64url').length)
  ) {
    throw malformed(`its ${field} is not base64url of the right length`);
  }
}

function malformed(problem: string): VigilError {
  return new VigilError(
    'VICTIM_DATA_UNREADABLE',
    `This is not a sealed victim record: ${problem}. It was damaged or not written by Vigil.`,
  );
}

function unreadable(context: SealContext, cause?: unknown): VigilError {
  return new VigilError(
    'VICTIM_DATA_UNREADABLE',
    `The victim record ${context.recordId} cannot be opened: its sealed bytes were changed, or it ` +
      'was moved from another record or case. Restore it from a backup.',
    { details: { recordId: context.recordId }, cause },
  );
}
