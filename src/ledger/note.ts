/**
 * Signed notes (c2sp.org/signed-note), their Ed25519 keys in the golang.org/x/mod/sumdb/note
 * text forms, and timestamped witness cosignatures (c2sp.org/tlog-cosignature).
 *
 * Notes come from outside, so parsing is strict and bounded (size, signature count, line
 * length) and every failure on bad input is a VigilError:
 * - KEY_INVALID: a key text or key object is unusable, or two trusted keys are ambiguous;
 * - NOTE_MALFORMED: the note breaks the signed-note format or the limits below;
 * - NOTE_SIGNATURE_INVALID: a trusted key's signature does not verify;
 * - NOTE_NOT_VERIFIED: fewer trusted keys verified than the policy requires.
 *
 * Pure: key seeds and cosignature timestamps are passed in by the caller.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64, hex } from '@scure/base';
import { VigilError } from '../shared/errors.js';

/** signed-note §Signature types: Ed25519 signatures over the note text. */
export const SIGNATURE_TYPE_ED25519 = 0x01;
/** signed-note §Signature types / tlog-cosignature: timestamped Ed25519 witness cosignatures. */
export const SIGNATURE_TYPE_COSIGNATURE_V1 = 0x04;

/**
 * The largest note accepted, in UTF-8 bytes. signed-note §Format asks verifiers for a limit on
 * signatures or, equivalently, on the note size.
 */
export const MAX_NOTE_BYTES = 1024 * 1024;
/** golang.org/x/mod/sumdb/note's limit; signed-note §Format requires accepting at least 16. */
export const MAX_NOTE_SIGNATURES = 100;
// signed-note §Format: post-quantum signatures "can be up to nearly 5kB"; in base64, with a key
// name, they still fit. Longer lines are rejected before any decoding.
const MAX_SIGNATURE_LINE_LENGTH = 10_000;
// A key text is a name, 8 hex digits and about 45 base64 characters.
const MAX_KEY_TEXT_LENGTH = 4096;

const KEY_ID_BYTES = 4;
const ED25519_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;
const TIMESTAMP_BYTES = 8;
const MAX_UINT64 = (1n << 64n) - 1n;
const SUPPORTED_TYPES: ReadonlySet<number> = new Set([
  SIGNATURE_TYPE_ED25519,
  SIGNATURE_TYPE_COSIGNATURE_V1,
]);
// signed-note §Format: a signature line starts with an em dash (U+2014) and a space.
const SIGNATURE_PREFIX = '\u2014 ';
const PRIVATE_KEY_PREFIX = 'PRIVATE+KEY+';
const KEY_ID_HEX = /^[0-9a-fA-F]{8}$/;
// signed-note §Format: key names contain no Unicode spaces (Go's unicode.IsSpace is exactly the
// White_Space property) and no '+'.
const NAME_FORBIDDEN = /[\p{White_Space}+]/u;

const utf8 = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF in the text, as Go does: it is part of what was signed.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A trusted public key: name, 4-byte key id, signature type and 32-byte Ed25519 public key. */
export interface VerifierKey {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly type: number;
  readonly publicKey: Uint8Array;
}

export interface SignerKey extends VerifierKey {
  /** The 32-byte Ed25519 private seed (RFC 8032 private key). */
  readonly seed: Uint8Array;
}

export interface NoteSignature {
  readonly name: string;
  readonly keyId: Uint8Array;
  /** The signature bytes after the key id (for cosignatures: timestamp, then signature). */
  readonly signature: Uint8Array;
}

export interface Note {
  /** The note text, including its final newline but not the blank separator line. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export interface NoteVerification {
  readonly text: string;
  /** The distinct trusted keys whose signatures verified, in the order they signed. */
  readonly verified: readonly VerifierKey[];
  /** Signatures by keys that are not trusted, ignored as signed-note §Signatures requires. */
  readonly unverified: readonly NoteSignature[];
  /**
   * The cosignature time (seconds since the UNIX epoch, tlog-cosignature §Format) of each
   * verified witness key (type 0x04), keyed by the key's text form (formatVerifierKey). When a
   * witness cosigned twice, the first cosignature's time is reported.
   */
  readonly timestamps: ReadonlyMap<string, bigint>;
}

/** signed-note §Signatures: key ID = SHA-256(key name || 0x0A || signature type || public key)[:4]. */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): Uint8Array {
  if (!Number.isInteger(type) || type < 0 || type > 0xff) {
    throw keyInvalid('A signature type must be one byte (0 to 255).');
  }
  const hash = sha256(concatBytes(utf8.encode(name), Uint8Array.of(0x0a, type), publicKey));
  return hash.slice(0, KEY_ID_BYTES);
}

/** Derives a signing key from a 32-byte random seed the caller supplies. */
export function signerKeyFromSeed(
  name: string,
  seed: Uint8Array,
  type: number = SIGNATURE_TYPE_ED25519,
): SignerKey {
  checkKeyName(name);
  checkKeyType(type);
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_KEY_BYTES) {
    throw keyInvalid('An Ed25519 key seed must be 32 random bytes.');
  }
  const publicKey = ed25519.getPublicKey(seed);
  return { name, keyId: computeKeyId(name, type, publicKey), type, publicKey, seed: seed.slice() };
}

/** `PRIVATE+KEY+<name>+<hex key id>+base64(type || seed)`, as golang.org/x/mod/sumdb/note. */
export function formatSignerKey(key: SignerKey): string {
  checkSignerKey(key);
  const data = base64.encode(concatBytes(Uint8Array.of(key.type), key.seed));
  return `${PRIVATE_KEY_PREFIX}${key.name}+${hex.encode(key.keyId)}+${data}`;
}

/**
 * Parses a signing key text. Type 0x01 keys are golang.org/x/mod/sumdb/note's; type 0x04
 * (witness) keys use the same form. Error messages never repeat the key text.
 */
export function parseSignerKey(text: string): SignerKey {
  const fields = text.startsWith(PRIVATE_KEY_PREFIX)
    ? splitKeyText(text.slice(PRIVATE_KEY_PREFIX.length))
    : undefined;
  if (fields === undefined) {
    throw keyInvalid(
      'The signing key is not in the form PRIVATE+KEY+<name>+<8 hex digit key id>+<base64 key>.',
    );
  }
  const { name, keyId, data } = fields;
  const key = signerKeyFromSeed(name, data.subarray(1), data[0] ?? 0);
  if (!equalBytes(key.keyId, keyId)) {
    throw keyInvalid(
      `The signing key for ${name} has a key id that does not match its key; it was altered or mistyped.`,
    );
  }
  return key;
}

/** signed-note §Verifier keys: `<name>+<hex key id>+base64(type || public key)`. */
export function formatVerifierKey(key: VerifierKey): string {
  checkVerifierKey(key);
  const data = base64.encode(concatBytes(Uint8Array.of(key.type), key.publicKey));
  return `${key.name}+${hex.encode(key.keyId)}+${data}`;
}

/** Parses a verifier key text and checks that its key id matches its name, type and key. */
export function parseVerifierKey(text: string): VerifierKey {
  const fields = splitKeyText(text);
  if (fields === undefined) {
    throw keyInvalid('The public key is not in the form <name>+<8 hex digit key id>+<base64 key>.');
  }
  const { name, keyId, data } = fields;
  const key = { name, keyId, type: data[0] ?? 0, publicKey: data.slice(1) };
  checkVerifierKey(key);
  return key;
}

/**
 * A fingerprint people can compare by eye or read out: the lowercase hex SHA-256 of the key's
 * text form (formatVerifierKey), in 16 groups of 4 digits separated by single spaces, e.g.
 * `3f1c 09ab …`. It covers the name, type and public key, so any change shows.
 */
export function keyFingerprint(key: VerifierKey): string {
  const digest = hex.encode(sha256(utf8.encode(formatVerifierKey(key))));
  return (digest.match(/.{4}/g) ?? []).join(' ');
}

/**
 * Decodes note bytes (for example a file) into a string, rejecting invalid UTF-8
 * (signed-note §Format) instead of replacing it, and notes over MAX_NOTE_BYTES.
 */
export function decodeNote(bytes: Uint8Array): string {
  if (bytes.length > MAX_NOTE_BYTES) throw noteTooLarge();
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw noteMalformed('The note is not valid UTF-8.');
  }
}

/**
 * True when `text` can be the text of a signed note: it ends in a newline, has no control
 * characters other than newline, is well-formed Unicode and fits in MAX_NOTE_BYTES.
 */
export function isValidNoteText(text: string): boolean {
  return (
    text.endsWith('\n') && findInvalidCharacter(text) < 0 && utf8Length(text) <= MAX_NOTE_BYTES
  );
}

/** Parses a signed note without verifying it (signed-note §Format). */
export function parseNote(note: string): Note {
  checkNoteCharacters(note, 'note');
  // signed-note §Format: the text is separated from the signatures by the last empty line.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) {
    throw noteMalformed(
      'The note has no empty line before its signatures; a signed note is its text, an empty line, then lines of the form "— <key name> <base64 signature>".',
    );
  }
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '') throw noteMalformed('The note has no signature lines after the empty line.');
  if (!block.endsWith('\n')) {
    throw noteMalformed('The last signature line of the note does not end with a newline.');
  }
  const lines = block.slice(0, -1).split('\n', MAX_NOTE_SIGNATURES + 1);
  if (lines.length > MAX_NOTE_SIGNATURES) {
    throw noteMalformed(`The note has more than ${MAX_NOTE_SIGNATURES} signatures.`);
  }
  return { text, signatures: lines.map((line, i) => parseSignatureLine(line, i + 1)) };
}

/** Writes a note: text, empty line, one signature line per signature (signed-note §Format). */
export function formatNote(note: Note): string {
  checkNoteText(note.text);
  if (note.signatures.length === 0) {
    throw noteMalformed('A signed note needs at least one signature; pass at least one key.');
  }
  if (note.signatures.length > MAX_NOTE_SIGNATURES) {
    throw noteMalformed(`A note can carry at most ${MAX_NOTE_SIGNATURES} signatures.`);
  }
  const formatted = `${note.text}\n${note.signatures.map(formatSignatureLine).join('')}`;
  if (utf8Length(formatted) > MAX_NOTE_BYTES) throw noteTooLarge();
  return formatted;
}

/** Signs `text` (which must end in a newline) with Ed25519 (type 0x01) keys. */
export function signNote(text: string, signers: readonly SignerKey[]): string {
  checkNoteText(text);
  return formatNote({ text, signatures: mergeSignatures([], signText(text, signers)) });
}

/**
 * Adds Ed25519 signatures to a signed note, for example a second log key during key rotation.
 * The existing signatures are kept unverified; as golang.org/x/mod/sumdb/note Sign, the new
 * ones follow them and replace any existing signature by the same key.
 */
export function addSignatures(note: string, signers: readonly SignerKey[]): string {
  const parsed = parseNote(note);
  return formatNote({
    text: parsed.text,
    signatures: mergeSignatures(parsed.signatures, signText(parsed.text, signers)),
  });
}

/**
 * Adds a witness cosignature (tlog-cosignature, type 0x04) to a checkpoint note. The caller
 * must have verified the log's signature and the checkpoint's consistency first: a cosignature
 * states that the witness did. `timestamp` is seconds since the UNIX epoch.
 */
export function cosignCheckpoint(note: string, witness: SignerKey, timestamp: bigint): string {
  checkSignerKey(witness);
  if (witness.type !== SIGNATURE_TYPE_COSIGNATURE_V1) {
    throw keyInvalid(
      `The key ${keyLabel(witness)} is not a witness cosignature key (type 0x04); create witness keys with signerKeyFromSeed(name, seed, SIGNATURE_TYPE_COSIGNATURE_V1).`,
    );
  }
  if (typeof timestamp !== 'bigint' || timestamp < 0n || timestamp > MAX_UINT64) {
    throw noteMalformed('A cosignature timestamp must be whole seconds from 0 to 2^64-1.');
  }
  const parsed = parseNote(note);
  const message = cosignatureMessage(utf8.encode(parsed.text), timestamp);
  const signature = concatBytes(uint64BigEndian(timestamp), ed25519.sign(message, witness.seed));
  const cosignature = { name: witness.name, keyId: witness.keyId, signature };
  return formatNote({
    text: parsed.text,
    signatures: mergeSignatures(parsed.signatures, [cosignature]),
  });
}

/**
 * Verifies a signed note against trusted keys (signed-note §Signatures): signatures by unknown
 * keys are ignored and listed in `unverified`; every signature by a trusted key must verify
 * (NOTE_SIGNATURE_INVALID otherwise); at least `quorum` (default 1) distinct trusted keys,
 * counted by name and key id, must have signed (NOTE_NOT_VERIFIED otherwise). Type 0x04 keys
 * verify tlog-cosignature cosignatures and report their times. Two trusted keys with the same
 * name and key id are ambiguous (KEY_INVALID) when a signature names them.
 */
export function verifyNote(
  note: string,
  verifiers: readonly VerifierKey[],
  policy: { readonly quorum?: number } = {},
): NoteVerification {
  const quorum = policy.quorum ?? 1;
  if (!Number.isSafeInteger(quorum) || quorum < 1) {
    throw keyInvalid(
      'The verification policy needs a quorum that is a whole number of at least 1.',
    );
  }
  for (const key of verifiers) checkVerifierKey(key);
  const parsed = parseNote(note);
  const text = utf8.encode(parsed.text);
  const verified: VerifierKey[] = [];
  const unverified: NoteSignature[] = [];
  const timestamps = new Map<string, bigint>();
  const checked: NoteSignature[] = [];
  for (const signature of parsed.signatures) {
    const key = trustedKeyFor(signature, verifiers);
    if (key === undefined) {
      // As Go, repeated identical unknown signatures are listed once.
      if (!unverified.some((other) => sameSignature(other, signature))) unverified.push(signature);
      continue;
    }
    // A repeated identical line needs no second verification (Ed25519 is costly).
    if (checked.some((other) => sameSignature(other, signature))) continue;
    const timestamp = checkSignature(key, text, signature.signature);
    checked.push(signature);
    if (verified.includes(key)) continue;
    verified.push(key);
    if (timestamp !== undefined) timestamps.set(formatVerifierKey(key), timestamp);
  }
  if (verified.length < quorum) throw notVerified(verified, unverified, quorum);
  return { text: parsed.text, verified, unverified, timestamps };
}

// --- Keys -------------------------------------------------------------------------------

function checkKeyName(name: string): void {
  if (!isValidKeyName(name)) {
    throw keyInvalid(
      'A key name must be non-empty, with no spaces, no "+" and no control characters (signed-note).',
    );
  }
}

function checkKeyType(type: number): void {
  if (!SUPPORTED_TYPES.has(type)) {
    throw keyInvalid(
      'The key has an unsupported signature type; Vigil supports Ed25519 (0x01) and witness cosignature (0x04) keys.',
    );
  }
}

/** Checks a key object passed in by a caller as thoroughly as parseVerifierKey checks text. */
function checkVerifierKey(key: VerifierKey): void {
  checkKeyName(key.name);
  checkKeyType(key.type);
  if (!(key.publicKey instanceof Uint8Array) || !isUsableEd25519PublicKey(key.publicKey)) {
    throw keyInvalid(`The public key for ${key.name} is not a valid 32-byte Ed25519 key.`);
  }
  const expected = computeKeyId(key.name, key.type, key.publicKey);
  if (!(key.keyId instanceof Uint8Array) || !equalBytes(key.keyId, expected)) {
    throw keyInvalid(
      `The key id for ${key.name} does not match its name, type and public key; the key was altered or mistyped.`,
    );
  }
}

function checkSignerKey(key: SignerKey): void {
  checkVerifierKey(key);
  const seedMatches =
    key.seed instanceof Uint8Array &&
    key.seed.length === ED25519_KEY_BYTES &&
    equalBytes(ed25519.getPublicKey(key.seed), key.publicKey);
  if (!seedMatches) {
    throw keyInvalid(`The signing key for ${key.name} does not match its public key.`);
  }
}

// RFC 8032 §5.1.3 decoding (no non-canonical encodings) and no small-order points: such keys
// never verify in strict mode, so they are refused when configured rather than at first use.
function isUsableEd25519PublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== ED25519_KEY_BYTES) return false;
  try {
    return !ed25519.Point.fromBytes(publicKey, false).isSmallOrder();
  } catch {
    return false;
  }
}

/**
 * Splits `<name>+<8 hex digits>+<base64>` (golang.org/x/mod/sumdb/note NewVerifier): the name
 * holds no '+', the base64 may. Returns undefined when the shape is wrong.
 */
function splitKeyText(
  text: string,
): { name: string; keyId: Uint8Array; data: Uint8Array } | undefined {
  if (text.length > MAX_KEY_TEXT_LENGTH) return undefined;
  const nameEnd = text.indexOf('+');
  const idHex = text.slice(nameEnd + 1, nameEnd + 1 + 2 * KEY_ID_BYTES);
  const idEnd = nameEnd + 1 + idHex.length;
  if (nameEnd < 0 || !KEY_ID_HEX.test(idHex) || text[idEnd] !== '+') return undefined;
  const data = decodeBase64(text.slice(idEnd + 1));
  if (data === undefined || data.length === 0) return undefined;
  return { name: text.slice(0, nameEnd), keyId: hex.decode(idHex), data };
}

// --- Signatures ---------------------------------------------------------------------------

function signText(text: string, signers: readonly SignerKey[]): NoteSignature[] {
  const message = utf8.encode(text);
  return signers.map((signer) => {
    checkSignerKey(signer);
    if (signer.type !== SIGNATURE_TYPE_ED25519) {
      throw keyInvalid(
        `The key ${keyLabel(signer)} is a witness cosignature key (type 0x04); add its cosignature with cosignCheckpoint.`,
      );
    }
    return {
      name: signer.name,
      keyId: signer.keyId,
      signature: ed25519.sign(message, signer.seed),
    };
  });
}

/**
 * As golang.org/x/mod/sumdb/note Sign: new signatures follow the existing ones and replace an
 * existing signature by the same key (name and key id); a key signs at most once.
 */
function mergeSignatures(
  existing: readonly NoteSignature[],
  added: readonly NoteSignature[],
): NoteSignature[] {
  const fresh = added.filter((sig, i) => added.findIndex((other) => sameKey(other, sig)) === i);
  return [...existing.filter((sig) => !fresh.some((other) => sameKey(other, sig))), ...fresh];
}

function trustedKeyFor(
  signature: NoteSignature,
  verifiers: readonly VerifierKey[],
): VerifierKey | undefined {
  const matches = verifiers.filter((key) => sameKey(key, signature));
  if (matches.length > 1) {
    throw keyInvalid(
      `Two trusted keys share the name and key id ${keyLabel(signature)}; remove the duplicate from the trusted keys.`,
      { key: keyLabel(signature) },
    );
  }
  return matches[0];
}

/** Verifies one signature by a trusted key; returns the time of a witness cosignature. */
function checkSignature(
  key: VerifierKey,
  text: Uint8Array,
  signature: Uint8Array,
): bigint | undefined {
  if (key.type === SIGNATURE_TYPE_ED25519) {
    if (!ed25519Verifies(signature, text, key.publicKey)) throw signatureInvalid(key);
    return undefined;
  }
  // tlog-cosignature §Format: a 72-byte timestamped_signature { u64 timestamp; u8 signature[64] }.
  if (signature.length !== TIMESTAMP_BYTES + ED25519_SIGNATURE_BYTES) throw signatureInvalid(key);
  const timestamp = readUint64BigEndian(signature);
  const message = cosignatureMessage(text, timestamp);
  if (!ed25519Verifies(signature.subarray(TIMESTAMP_BYTES), message, key.publicKey)) {
    throw signatureInvalid(key);
  }
  return timestamp;
}

/**
 * tlog-cosignature §Signed message: "cosignature/v1\n", "time <decimal seconds>\n", then the
 * whole checkpoint note text including its final newline.
 */
function cosignatureMessage(text: Uint8Array, timestamp: bigint): Uint8Array {
  return concatBytes(utf8.encode(`cosignature/v1\ntime ${timestamp}\n`), text);
}

// Strict RFC 8032 verification (zip215: false), like Go's crypto/ed25519: no non-canonical
// encodings, so a signature has one valid form.
function ed25519Verifies(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  return (
    signature.length === ED25519_SIGNATURE_BYTES &&
    ed25519.verify(signature, message, publicKey, { zip215: false })
  );
}

// --- Note syntax --------------------------------------------------------------------------

function parseSignatureLine(line: string, lineNumber: number): NoteSignature {
  const where = { signatureLine: lineNumber };
  if (line.length > MAX_SIGNATURE_LINE_LENGTH) {
    throw noteMalformed(`Signature line ${lineNumber} of the note is too long.`, where);
  }
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    throw noteMalformed(
      `Line ${lineNumber} after the empty line is not a signature line; signature lines start with an em dash (U+2014) and a space.`,
      where,
    );
  }
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  if (!isValidKeyName(name)) {
    throw noteMalformed(
      `Signature line ${lineNumber} has an invalid key name; key names are non-empty, with no spaces and no "+".`,
      where,
    );
  }
  const bytes = space < 0 ? undefined : decodeBase64(rest.slice(space + 1));
  if (bytes === undefined || bytes.length <= KEY_ID_BYTES) {
    throw noteMalformed(
      `Signature line ${lineNumber} does not end in a base64 signature (a 4-byte key id and the signature bytes).`,
      where,
    );
  }
  return { name, keyId: bytes.slice(0, KEY_ID_BYTES), signature: bytes.slice(KEY_ID_BYTES) };
}

function formatSignatureLine(signature: NoteSignature): string {
  if (!isValidKeyName(signature.name)) {
    throw noteMalformed('A signature has an invalid key name; key names have no spaces or "+".');
  }
  if (signature.keyId.length !== KEY_ID_BYTES || signature.signature.length === 0) {
    throw noteMalformed('A signature needs a 4-byte key id and signature bytes.');
  }
  const encoded = base64.encode(concatBytes(signature.keyId, signature.signature));
  const line = `${SIGNATURE_PREFIX}${signature.name} ${encoded}`;
  if (line.length > MAX_SIGNATURE_LINE_LENGTH) {
    throw noteMalformed(`The signature by ${signature.name} is too long for a note.`);
  }
  return `${line}\n`;
}

function checkNoteText(text: string): void {
  if (!text.endsWith('\n')) throw noteMalformed('The note text must end with a newline.');
  checkNoteCharacters(text, 'note text');
}

/** signed-note §Format: valid UTF-8, no ASCII control characters except newline; bounded size. */
function checkNoteCharacters(value: string, what: string): void {
  // UTF-8 never takes fewer bytes than UTF-16 code units, so this bounds the work below too.
  if (value.length > MAX_NOTE_BYTES) throw noteTooLarge();
  const bad = findInvalidCharacter(value);
  if (bad >= 0) {
    const code = value.charCodeAt(bad);
    const where = { offset: bad };
    if (code === 0x0d) {
      throw noteMalformed(
        `The ${what} contains a carriage return; signed notes use bare newlines (LF), so convert Windows line endings.`,
        where,
      );
    }
    if (code < 0x20) {
      const codepoint = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
      throw noteMalformed(
        `The ${what} contains the control character ${codepoint}; only newlines are allowed.`,
        where,
      );
    }
    throw noteMalformed(`The ${what} contains an unpaired surrogate, which is not UTF-8.`, where);
  }
  if (utf8Length(value) > MAX_NOTE_BYTES) throw noteTooLarge();
}

/** The index of the first control character (other than newline) or unpaired surrogate, or -1. */
function findInvalidCharacter(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return i;
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = value.charCodeAt(i + 1);
      if (code > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) return i;
      i++;
    }
  }
  return -1;
}

function isValidKeyName(name: string): boolean {
  return name !== '' && !NAME_FORBIDDEN.test(name) && findInvalidCharacter(name) < 0;
}

// --- Small helpers ------------------------------------------------------------------------

function sameKey(
  a: { name: string; keyId: Uint8Array },
  b: { name: string; keyId: Uint8Array },
): boolean {
  return a.name === b.name && equalBytes(a.keyId, b.keyId);
}

function sameSignature(a: NoteSignature, b: NoteSignature): boolean {
  return sameKey(a, b) && equalBytes(a.signature, b.signature);
}

function keyLabel(key: { name: string; keyId: Uint8Array }): string {
  return `${key.name}+${hex.encode(key.keyId)}`;
}

function decodeBase64(text: string): Uint8Array | undefined {
  try {
    // Strict RFC 4648 §4: padding required and unused bits zero, so each value has one encoding.
    return base64.decode(text);
  } catch {
    return undefined;
  }
}

function utf8Length(value: string): number {
  return utf8.encode(value).length;
}

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function uint64BigEndian(value: bigint): Uint8Array {
  const out = new Uint8Array(TIMESTAMP_BYTES);
  new DataView(out.buffer).setBigUint64(0, value);
  return out;
}

function readUint64BigEndian(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, TIMESTAMP_BYTES).getBigUint64(0);
}

// --- Errors -------------------------------------------------------------------------------

function keyInvalid(message: string, details?: Record<string, unknown>): VigilError {
  return new VigilError('KEY_INVALID', message, { details });
}

function noteMalformed(message: string, details?: Record<string, unknown>): VigilError {
  return new VigilError('NOTE_MALFORMED', message, { details });
}

function noteTooLarge(): VigilError {
  return noteMalformed(`The note is larger than ${MAX_NOTE_BYTES} bytes (1 MiB).`);
}

function signatureInvalid(key: VerifierKey): VigilError {
  return new VigilError(
    'NOTE_SIGNATURE_INVALID',
    `The signature by trusted key ${keyLabel(key)} does not verify: the note text or the signature was changed after signing.`,
    { details: { key: keyLabel(key) } },
  );
}

function notVerified(
  verified: readonly VerifierKey[],
  unverified: readonly NoteSignature[],
  quorum: number,
): VigilError {
  const signers = unverified.map(keyLabel);
  const message =
    verified.length === 0
      ? `No trusted key signed the note (it is signed by ${signers.join(', ')}). Check that you pass the right public keys.`
      : `Only ${verified.length} of the ${quorum} required trusted keys signed the note.`;
  return new VigilError('NOTE_NOT_VERIFIED', message, {
    details: { quorum, verified: verified.map(keyLabel), unverified: signers },
  });
}
