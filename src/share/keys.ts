/**
 * Organisation keys for sharing: each partner organisation holds an Ed25519 key pair that signs
 * its packages and an X25519 key pair that packages are encrypted to (HPKE, package.ts).
 *
 * Public keys travel as one line of text, exchanged when an agreement is made:
 *
 *   vigil-org:<org id>:ed25519:<base64 32-byte public key>:x25519:<base64 32-byte public key>
 *
 * and are confirmed out of band (phone, meeting) by comparing fingerprints: the SHA-256 of that
 * exact line, in lowercase hex, as 16 groups of 4 digits (the ledger's keyFingerprint style).
 * The secret form (`vigil-org-secret:…`) holds the two 32-byte secrets; store it as a secret.
 *
 * Pure: key generation takes the randomness as a `randomBytes` function. Every failure on bad
 * input is a VigilError KEY_INVALID whose message never repeats secret material.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64, hex } from '@scure/base';
import { VigilError } from '../shared/errors.js';

/** Returns `n` cryptographically secure random bytes (e.g. node:crypto randomBytes, in an adapter). */
export type RandomBytes = (n: number) => Uint8Array;

export const ORG_PUBLIC_KEY_PREFIX = 'vigil-org';
export const ORG_SECRET_KEY_PREFIX = 'vigil-org-secret';

/** An organisation id as keys and packages carry it: letters, digits, `.`, `_`, `-`; no `:`. */
export const ORG_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const KEY_BYTES = 32;
const MAX_KEY_TEXT_LENGTH = 512;

/** What a partner registry stores about an organisation: its id and two public keys. */
export interface OrgPublicKeys {
  readonly org: string;
  /** Ed25519 public key (RFC 8032), 32 bytes: verifies the organisation's package signatures. */
  readonly signing: Uint8Array;
  /** X25519 public key (RFC 7748), 32 bytes: packages for the organisation are encrypted to it. */
  readonly encryption: Uint8Array;
}

/** An organisation's own keys: the public keys plus their two 32-byte secrets. */
export interface OrgKeys extends OrgPublicKeys {
  /** Ed25519 private seed (RFC 8032 private key). */
  readonly signingSecret: Uint8Array;
  /** X25519 private key (RFC 7748 scalar, unclamped as generated). */
  readonly encryptionSecret: Uint8Array;
}

/** Generates an organisation's key pairs from 64 bytes of caller-supplied randomness. */
export function generateOrgKeys(org: string, randomBytes: RandomBytes): OrgKeys {
  const signingSecret = randomBytes(KEY_BYTES);
  const encryptionSecret = randomBytes(KEY_BYTES);
  if (!isBytes(signingSecret, KEY_BYTES) || !isBytes(encryptionSecret, KEY_BYTES)) {
    throw keyInvalid('randomBytes(32) must return 32 random bytes.');
  }
  return orgKeysFromSecrets(org, signingSecret, encryptionSecret);
}

/** Rebuilds an organisation's keys from its two 32-byte secrets. */
export function orgKeysFromSecrets(
  org: string,
  signingSecret: Uint8Array,
  encryptionSecret: Uint8Array,
): OrgKeys {
  checkOrgId(org);
  if (!isBytes(signingSecret, KEY_BYTES) || !isBytes(encryptionSecret, KEY_BYTES)) {
    throw keyInvalid('Organisation key secrets must be 32 bytes each.');
  }
  const encryption = x25519.getPublicKey(encryptionSecret);
  if (encryption.every((byte) => byte === 0)) {
    throw keyInvalid('The X25519 secret gives an unusable public key; generate a new one.');
  }
  return {
    org,
    signing: ed25519.getPublicKey(signingSecret),
    encryption,
    signingSecret: signingSecret.slice(),
    encryptionSecret: encryptionSecret.slice(),
  };
}

/** The public half of an organisation's keys (drops the secrets, copies the bytes). */
export function toPublicKeys(keys: OrgPublicKeys): OrgPublicKeys {
  return { org: keys.org, signing: keys.signing.slice(), encryption: keys.encryption.slice() };
}

/** `vigil-org:<org id>:ed25519:<base64>:x25519:<base64>`, the canonical public key text. */
export function formatOrgPublicKey(keys: OrgPublicKeys): string {
  checkPublicKeys(keys);
  return [
    ORG_PUBLIC_KEY_PREFIX,
    keys.org,
    'ed25519',
    base64.encode(keys.signing),
    'x25519',
    base64.encode(keys.encryption),
  ].join(':');
}

/**
 * Parses a public key text. Leading and trailing whitespace is ignored; everything else must be
 * exactly the canonical form (strict base64 with padding), so a key has one text and one
 * fingerprint.
 */
export function parseOrgPublicKey(text: string): OrgPublicKeys {
  const fields = splitKeyText(text, ORG_PUBLIC_KEY_PREFIX);
  if (fields === undefined) {
    throw keyInvalid(
      'The organisation key is not in the form vigil-org:<org id>:ed25519:<base64>:x25519:<base64>.',
    );
  }
  const keys = { org: fields.org, signing: fields.first, encryption: fields.second };
  checkPublicKeys(keys);
  return keys;
}

/** `vigil-org-secret:<org id>:ed25519:<base64 seed>:x25519:<base64 secret>`; keep it secret. */
export function formatOrgSecretKey(keys: OrgKeys): string {
  const checked = orgKeysFromSecrets(keys.org, keys.signingSecret, keys.encryptionSecret);
  return [
    ORG_SECRET_KEY_PREFIX,
    checked.org,
    'ed25519',
    base64.encode(checked.signingSecret),
    'x25519',
    base64.encode(checked.encryptionSecret),
  ].join(':');
}

/** Parses a secret key text; the error message never repeats the text. */
export function parseOrgSecretKey(text: string): OrgKeys {
  const fields = splitKeyText(text, ORG_SECRET_KEY_PREFIX);
  if (fields === undefined) {
    throw keyInvalid(
      'The organisation secret key is not in the form vigil-org-secret:<org id>:ed25519:<base64>:x25519:<base64>.',
    );
  }
  return orgKeysFromSecrets(fields.org, fields.first, fields.second);
}

/**
 * The fingerprint to compare out of band: lowercase hex SHA-256 of formatOrgPublicKey(keys), in
 * 16 groups of 4 digits separated by spaces. It covers the org id and both public keys.
 */
export function orgKeyFingerprint(keys: OrgPublicKeys): string {
  const digest = hex.encode(sha256(new TextEncoder().encode(formatOrgPublicKey(keys))));
  return (digest.match(/.{4}/g) ?? []).join(' ');
}

/** True when both public keys are the same bytes and belong to the same org id. */
export function samePublicKeys(a: OrgPublicKeys, b: OrgPublicKeys): boolean {
  return (
    a.org === b.org && equalBytes(a.signing, b.signing) && equalBytes(a.encryption, b.encryption)
  );
}

/** Checks an organisation id (ORG_ID_PATTERN); KEY_INVALID otherwise. */
export function checkOrgId(org: string): void {
  if (typeof org !== 'string' || !ORG_ID_PATTERN.test(org)) {
    throw keyInvalid(
      'An organisation id must be 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit.',
    );
  }
}

/** Checks public keys passed in by a caller as strictly as parseOrgPublicKey checks text. */
export function checkPublicKeys(keys: OrgPublicKeys): void {
  checkOrgId(keys.org);
  if (!isBytes(keys.signing, KEY_BYTES) || !isUsableEd25519PublicKey(keys.signing)) {
    throw keyInvalid(`The Ed25519 signing key of ${keys.org} is not a valid public key.`);
  }
  if (!isBytes(keys.encryption, KEY_BYTES) || keys.encryption.every((byte) => byte === 0)) {
    throw keyInvalid(`The X25519 encryption key of ${keys.org} is not a valid public key.`);
  }
}

// --- Helpers --------------------------------------------------------------------------------

function splitKeyText(
  text: string,
  prefix: string,
): { org: string; first: Uint8Array; second: Uint8Array } | undefined {
  if (typeof text !== 'string' || text.length > MAX_KEY_TEXT_LENGTH) return undefined;
  const parts = text.trim().split(':');
  if (parts.length !== 6) return undefined;
  const [head, org, type1, key1, type2, key2] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (head !== prefix || type1 !== 'ed25519' || type2 !== 'x25519') return undefined;
  if (!ORG_ID_PATTERN.test(org)) return undefined;
  const first = decodeBase64(key1);
  const second = decodeBase64(key2);
  if (first === undefined || second === undefined) return undefined;
  if (first.length !== KEY_BYTES || second.length !== KEY_BYTES) return undefined;
  return { org, first, second };
}

function isUsableEd25519PublicKey(key: Uint8Array): boolean {
  try {
    const point = ed25519.Point.fromBytes(key);
    // A small-order key verifies forged signatures for some messages; refuse it.
    return !point.isSmallOrder();
  } catch {
    return false;
  }
}

function decodeBase64(text: string): Uint8Array | undefined {
  try {
    // Strict RFC 4648: padding required, unused bits zero, so each key has one encoding.
    return base64.decode(text);
  } catch {
    return undefined;
  }
}

function isBytes(value: unknown, length: number): value is Uint8Array {
  return value instanceof Uint8Array && value.length === length;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function keyInvalid(message: string): VigilError {
  return new VigilError('KEY_INVALID', message);
}
