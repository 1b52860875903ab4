/**
 * Packages: files shared with partner organisations under an agreement, encrypted to each
 * recipient and signed by the sender (`vigil.share/v1`).
 *
 * A package holds a manifest (what is shared, under which agreement, markings and purpose, the
 * SHA-256 of every file, and optionally ledger inclusion proofs / a checkpoint passed through as
 * opaque JSON) and the files. The container is bytes:
 *
 *   magic       15 bytes   "vigil.share/v1\n"
 *   from        1 byte length n (1..128), then n bytes: the sender's organisation id (ASCII)
 *   header      4 bytes big-endian length h (<= limits.headerBytes), then h bytes of canonical
 *               JSON (RFC 8785): format, id, from, created, suite, manifestSha256,
 *               payload {nonce, size, sha256}, recipients [{org, key, enc, wrappedKey}]
 *   signature   64 bytes   Ed25519 (RFC 8032) by the sender's signing key over
 *               "vigil.share/v1 signature\n" || every byte before the signature
 *   payload     the rest   AES-256-GCM ciphertext of: 4-byte big-endian manifest length m,
 *               m bytes of canonical JSON manifest, then the files' bytes in manifest order
 *
 * The signature covers the magic, the sender, the header and, through the header's
 * payload.sha256, the ciphertext. The payload key (a fresh 32-byte content-encryption key) is
 * sealed to each recipient with HPKE (RFC 9180, base mode, single shot): DHKEM(X25519,
 * HKDF-SHA256), HKDF-SHA256, AES-128-GCM; `info` = "vigil.share/v1 " + package id binds the
 * format and the package, `aad` = SHA-256 of the manifest binds what is shared. The payload's
 * AES-256-GCM additional data is "vigil.share/v1\n<id>\n<manifest sha256 hex>".
 *
 * The header is not encrypted: it shows the sender, the recipients, the package id, the time
 * and the size. Package ids should therefore say nothing about the content.
 *
 * openPackage checks in this order, so that nothing unauthenticated is interpreted: framing and
 * limits (PACKAGE_INVALID), the sender's signature and the payload hash it signs
 * (PACKAGE_SIGNATURE_INVALID), that we are a recipient with our current key
 * (PACKAGE_NOT_FOR_US), decryption and the manifest, then every file against its SHA-256 and
 * size (PACKAGE_INVALID naming the file).
 *
 * Pure as far as the module rule goes: the package id, time and the content-encryption key and
 * nonce come from the caller (`randomBytes`). HPKE (@hpke/core) draws each recipient's
 * ephemeral X25519 key from WebCrypto's own random generator (crypto.getRandomValues) inside
 * the library; the payload's AES-GCM runs on WebCrypto (crypto.subtle), which is deterministic.
 * Both are available in Node >= 20 and browsers; no IO, clock or environment is touched.
 */
import { Aes128Gcm, CipherSuite, HkdfSha256 } from '@hpke/core';
import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64, hex } from '@scure/base';
import { z } from 'zod';
import { canonicalBytes, type Json, parseCanonical } from '../ledger/canonical-json.js';
import { isVigilError, VigilError } from '../shared/errors.js';
import {
  checkPublicKeys,
  ORG_ID_PATTERN,
  type OrgKeys,
  type OrgPublicKeys,
  type RandomBytes,
} from './keys.js';
import { PAP_LEVELS, type Pap, TLP_LEVELS, type Tlp } from './markings.js';

export const PACKAGE_FORMAT = 'vigil.share/v1';
export const PACKAGE_MEDIA_TYPE = 'application/vnd.vigil.share.v1';

export interface PackageLimits {
  /** The largest container, in bytes. */
  readonly packageBytes: number;
  readonly files: number;
  readonly recipients: number;
  /** The largest header (the signed, unencrypted JSON), in bytes. */
  readonly headerBytes: number;
  /** The largest manifest, in bytes (opaque ledger proofs count). */
  readonly manifestBytes: number;
}

export const DEFAULT_PACKAGE_LIMITS: PackageLimits = Object.freeze({
  packageBytes: 256 * 1024 * 1024,
  files: 1_000,
  recipients: 32,
  headerBytes: 64 * 1024,
  manifestBytes: 8 * 1024 * 1024,
});

export interface PackageFile {
  /** A file name (no folders): letters, digits, space, `.`, `_`, `-`, `(`, `)`, `+`. */
  readonly name: string;
  readonly mediaType: string;
  readonly bytes: Uint8Array;
}

export interface PackageInput {
  /** Unique id of the package, e.g. a UUID; shown unencrypted, so it must not describe the content. */
  readonly id: string;
  /** The sender's organisation id; must be the signing keys' org. */
  readonly from: string;
  /** The recipient organisations, in order; each needs public keys in `recipients`. */
  readonly to: readonly string[];
  readonly agreement: string;
  /** ISO 8601 UTC time, passed in (e.g. "2026-03-01T12:00:00Z"). */
  readonly created: string;
  readonly markings: { readonly tlp: Tlp; readonly pap: Pap };
  readonly purpose: string;
  readonly files: readonly PackageFile[];
  /** Ledger inclusion proofs, a checkpoint, … : any JSON, carried as is. */
  readonly ledger?: Json;
}

export interface ManifestFile {
  readonly name: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
}

export interface PackageManifest {
  readonly format: typeof PACKAGE_FORMAT;
  readonly id: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly agreement: string;
  readonly created: string;
  readonly markings: { readonly tlp: Tlp; readonly pap: Pap };
  readonly purpose: string;
  readonly files: readonly ManifestFile[];
  readonly ledger?: Json;
}

export interface OpenedPackage {
  readonly manifest: PackageManifest;
  readonly files: readonly {
    readonly name: string;
    readonly mediaType: string;
    readonly bytes: Uint8Array;
  }[];
  /** SHA-256 (hex) of the canonical manifest bytes, as the signed header states it. */
  readonly manifestSha256: string;
}

export interface SealOptions {
  /** The sender's own keys (signing secret needed). */
  readonly sender: OrgKeys;
  /** Public keys of every organisation in `input.to` (from the partner registry). */
  readonly recipients: readonly OrgPublicKeys[];
  readonly randomBytes: RandomBytes;
  readonly limits?: Partial<PackageLimits>;
}

export interface OpenOptions {
  /** Our own keys (encryption secret needed). */
  readonly ourKeys: OrgKeys;
  /** The partner registry: public keys of an organisation by id, or undefined if unknown. */
  readonly senderKeys: (org: string) => OrgPublicKeys | undefined;
  readonly limits?: Partial<PackageLimits>;
}

// ---------------------------------------------------------------------------------------------
// Format constants and schemas

const utf8 = new TextEncoder();
const MAGIC = utf8.encode(`${PACKAGE_FORMAT}\n`);
const SIGNATURE_CONTEXT = utf8.encode(`${PACKAGE_FORMAT} signature\n`);
const SIGNATURE_BYTES = 64;
const CEK_BYTES = 32;
const NONCE_BYTES = 12;
const GCM_TAG_BYTES = 16;
const SUITE = Object.freeze({
  kem: 'DHKEM(X25519, HKDF-SHA256)',
  kdf: 'HKDF-SHA256',
  aead: 'AES-128-GCM',
  payload: 'AES-256-GCM',
});

const PACKAGE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9 ._()+-]{0,254}$/;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
// RFC 3339 UTC time with optional fraction.
const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const orgId = z.string().regex(ORG_ID_PATTERN);
const b64 = (max: number) => z.string().max(max).regex(BASE64);

const manifestSchema = z.strictObject({
  format: z.literal(PACKAGE_FORMAT),
  id: z.string().regex(PACKAGE_ID),
  from: orgId,
  to: z.array(orgId).min(1).max(1_000),
  agreement: z.string().min(1).max(200),
  created: z.string().regex(UTC_TIME),
  markings: z.strictObject({ tlp: z.enum(TLP_LEVELS), pap: z.enum(PAP_LEVELS) }),
  purpose: z.string().min(1).max(2_000),
  files: z
    .array(
      z.strictObject({
        name: z.string().regex(FILE_NAME),
        mediaType: z.string().regex(MEDIA_TYPE),
        size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
        sha256: z.string().regex(SHA256_HEX),
      }),
    )
    .max(1_000_000),
  ledger: z.json().optional(),
});

const headerSchema = z.strictObject({
  format: z.literal(PACKAGE_FORMAT),
  id: z.string().regex(PACKAGE_ID),
  from: orgId,
  created: z.string().regex(UTC_TIME),
  suite: z.strictObject({
    kem: z.literal(SUITE.kem),
    kdf: z.literal(SUITE.kdf),
    aead: z.literal(SUITE.aead),
    payload: z.literal(SUITE.payload),
  }),
  manifestSha256: z.string().regex(SHA256_HEX),
  payload: z.strictObject({
    nonce: b64(16),
    size: z.number().int().min(GCM_TAG_BYTES).max(Number.MAX_SAFE_INTEGER),
    sha256: z.string().regex(SHA256_HEX),
  }),
  recipients: z
    .array(
      z.strictObject({
        org: orgId,
        key: b64(44),
        enc: b64(44),
        wrappedKey: b64(64),
      }),
    )
    .min(1)
    .max(1_000),
});

type Header = z.infer<typeof headerSchema>;

function suite(): CipherSuite {
  return new CipherSuite({
    kem: new DhkemX25519HkdfSha256(),
    kdf: new HkdfSha256(),
    aead: new Aes128Gcm(),
  });
}

const hpkeInfo = (id: string) => utf8.encode(`${PACKAGE_FORMAT} ${id}`);
const payloadAad = (id: string, manifestSha256: string) =>
  utf8.encode(`${PACKAGE_FORMAT}\n${id}\n${manifestSha256}`);

// ---------------------------------------------------------------------------------------------
// Sealing

/** Builds the manifest of a package input: the files' sizes and SHA-256, nothing else computed. */
export function buildManifest(input: PackageInput): PackageManifest {
  const manifest: PackageManifest = {
    format: PACKAGE_FORMAT,
    id: input.id,
    from: input.from,
    to: [...input.to],
    agreement: input.agreement,
    created: input.created,
    markings: { tlp: input.markings.tlp, pap: input.markings.pap },
    purpose: input.purpose,
    files: input.files.map((file) => ({
      name: file.name,
      mediaType: file.mediaType,
      size: file.bytes.length,
      sha256: hex.encode(sha256(file.bytes)),
    })),
    ...(input.ledger === undefined ? {} : { ledger: input.ledger }),
  };
  const checked = manifestSchema.safeParse(manifest);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw invalid(
      `The package input is invalid at ${issue?.path.join('.') || 'the top level'}: ${issue?.message ?? 'schema mismatch'}.`,
      { path: issue?.path.join('.') },
    );
  }
  return manifest;
}

/**
 * Seals a package: builds the manifest, encrypts manifest and files once with a fresh key, seals
 * that key to every recipient with HPKE, signs the header with the sender's key and returns the
 * container bytes. Throws PACKAGE_INVALID (bad input, limits) or KEY_INVALID (bad keys).
 */
export async function sealPackage(input: PackageInput, options: SealOptions): Promise<Uint8Array> {
  const limits = { ...DEFAULT_PACKAGE_LIMITS, ...options.limits };
  const { sender } = options;
  checkPublicKeys(sender);
  if (input.from !== sender.org) {
    throw invalid(
      `The package is from ${input.from} but is signed with the keys of ${sender.org}.`,
    );
  }
  if (input.files.length > limits.files) {
    throw invalid(
      `A package holds at most ${limits.files} files; this one has ${input.files.length}.`,
    );
  }
  if (input.to.length > limits.recipients) {
    throw invalid(
      `A package has at most ${limits.recipients} recipients; this one has ${input.to.length}.`,
    );
  }
  if (new Set(input.to).size !== input.to.length) throw invalid('A recipient is listed twice.');
  if (new Set(input.files.map((file) => file.name)).size !== input.files.length) {
    throw invalid('Two files of the package have the same name.');
  }
  const manifest = buildManifest(input);
  const manifestBytes = canonicalBytes(manifest);
  if (manifestBytes.length > limits.manifestBytes) {
    throw invalid(`The manifest is larger than ${limits.manifestBytes} bytes.`);
  }
  const manifestSha256 = hex.encode(sha256(manifestBytes));
  const recipientKeys = input.to.map((org) => {
    const keys = options.recipients.find((candidate) => candidate.org === org);
    if (keys === undefined) throw invalid(`No public keys were given for the recipient ${org}.`);
    checkPublicKeys(keys);
    return keys;
  });

  const plaintextSize =
    4 + manifestBytes.length + input.files.reduce((n, f) => n + f.bytes.length, 0);
  if (plaintextSize + GCM_TAG_BYTES > limits.packageBytes) {
    throw invalid(`The package would be larger than ${limits.packageBytes} bytes.`);
  }
  const plaintext = new Uint8Array(plaintextSize);
  new DataView(plaintext.buffer).setUint32(0, manifestBytes.length);
  plaintext.set(manifestBytes, 4);
  let offset = 4 + manifestBytes.length;
  for (const file of input.files) {
    plaintext.set(file.bytes, offset);
    offset += file.bytes.length;
  }

  const cek = randomExactly(options.randomBytes, CEK_BYTES);
  const nonce = randomExactly(options.randomBytes, NONCE_BYTES);
  const ciphertext = await aesGcm(
    'encrypt',
    cek,
    nonce,
    payloadAad(input.id, manifestSha256),
    plaintext,
  );

  const hpke = suite();
  const info = hpkeInfo(input.id);
  const aad = sha256(manifestBytes);
  const recipients = [];
  for (const keys of recipientKeys) {
    const recipientPublicKey = await hpke.kem.deserializePublicKey(keys.encryption);
    const sealed = await hpke.seal({ recipientPublicKey, info }, cek, aad);
    recipients.push({
      org: keys.org,
      key: base64.encode(keys.encryption),
      enc: base64.encode(new Uint8Array(sealed.enc)),
      wrappedKey: base64.encode(new Uint8Array(sealed.ct)),
    });
  }
  cek.fill(0);

  const header: Header = {
    format: PACKAGE_FORMAT,
    id: input.id,
    from: input.from,
    created: input.created,
    suite: { ...SUITE },
    manifestSha256,
    payload: {
      nonce: base64.encode(nonce),
      size: ciphertext.length,
      sha256: hex.encode(sha256(ciphertext)),
    },
    recipients,
  };
  const headerBytes = canonicalBytes(header);
  if (headerBytes.length > limits.headerBytes) {
    throw invalid(`The package header is larger than ${limits.headerBytes} bytes.`);
  }
  const from = utf8.encode(input.from);
  const signed = concat(
    MAGIC,
    Uint8Array.of(from.length),
    from,
    uint32(headerBytes.length),
    headerBytes,
  );
  const signature = ed25519.sign(concat(SIGNATURE_CONTEXT, signed), sender.signingSecret);
  const container = concat(signed, signature, ciphertext);
  if (container.length > limits.packageBytes) {
    throw invalid(`The package would be larger than ${limits.packageBytes} bytes.`);
  }
  return container;
}

// ---------------------------------------------------------------------------------------------
// Opening

/** What a package says about itself before decryption: read from the signed header. */
export interface PackageEnvelope {
  readonly id: string;
  readonly from: string;
  readonly created: string;
  readonly recipients: readonly string[];
  readonly manifestSha256: string;
}

/**
 * Verifies the sender's signature (against the key the partner registry gives for the `from`
 * organisation) and returns the signed header's facts, without decrypting.
 */
export function verifyPackage(
  bytes: Uint8Array,
  options: Pick<OpenOptions, 'senderKeys' | 'limits'>,
): PackageEnvelope {
  const { header } = verifyFrame(bytes, options);
  return {
    id: header.id,
    from: header.from,
    created: header.created,
    recipients: header.recipients.map((r) => r.org),
    manifestSha256: header.manifestSha256,
  };
}

/**
 * Opens a package: verifies the signature first, checks that it is addressed to us with our
 * current encryption key, decrypts, checks the manifest against the signed header and every file
 * against the manifest. Every failure is a VigilError (PACKAGE_INVALID,
 * PACKAGE_SIGNATURE_INVALID, PACKAGE_NOT_FOR_US); nothing else is thrown.
 */
export async function openPackage(bytes: Uint8Array, options: OpenOptions): Promise<OpenedPackage> {
  const limits = { ...DEFAULT_PACKAGE_LIMITS, ...options.limits };
  const { header, ciphertext } = verifyFrame(bytes, options);
  const { ourKeys } = options;

  const entry = header.recipients.find((recipient) => recipient.org === ourKeys.org);
  if (entry === undefined) {
    throw notForUs(
      `The package ${header.id} from ${header.from} is addressed to ${header.recipients.map((r) => r.org).join(', ')}, not to ${ourKeys.org}.`,
      { recipients: header.recipients.map((r) => r.org) },
    );
  }
  if (entry.key !== base64.encode(ourKeys.encryption)) {
    throw notForUs(
      `The package ${header.id} is encrypted to another encryption key of ${ourKeys.org} (an old or mistyped one); ask ${header.from} to use the key whose fingerprint you confirmed.`,
    );
  }

  let cek: Uint8Array;
  try {
    const hpke = suite();
    const recipientKey = await hpke.kem.deserializePrivateKey(ourKeys.encryptionSecret);
    cek = new Uint8Array(
      await hpke.open(
        { recipientKey, enc: base64.decode(entry.enc), info: hpkeInfo(header.id) },
        base64.decode(entry.wrappedKey),
        hex.decode(header.manifestSha256),
      ),
    );
  } catch (error) {
    throw invalid(
      `The package ${header.id} cannot be decrypted with ${ourKeys.org}'s key: the sender sealed a key that does not open.`,
      undefined,
      error,
    );
  }
  if (cek.length !== CEK_BYTES)
    throw invalid(`The package ${header.id} carries a malformed payload key.`);

  let plaintext: Uint8Array;
  try {
    plaintext = await aesGcm(
      'decrypt',
      cek,
      base64.decode(header.payload.nonce),
      payloadAad(header.id, header.manifestSha256),
      ciphertext,
    );
  } catch (error) {
    throw invalid(`The payload of package ${header.id} does not decrypt.`, undefined, error);
  } finally {
    cek.fill(0);
  }

  if (plaintext.length < 4) throw invalid(`The payload of package ${header.id} is truncated.`);
  const manifestLength = new DataView(plaintext.buffer, plaintext.byteOffset).getUint32(0);
  if (manifestLength > limits.manifestBytes || 4 + manifestLength > plaintext.length) {
    throw invalid(`The manifest of package ${header.id} is too large or truncated.`);
  }
  const manifestBytes = plaintext.subarray(4, 4 + manifestLength);
  if (hex.encode(sha256(manifestBytes)) !== header.manifestSha256) {
    throw invalid(
      `The manifest of package ${header.id} does not match the hash in the signed header.`,
    );
  }
  const manifest = parseManifest(manifestBytes, limits);
  if (
    manifest.id !== header.id ||
    manifest.from !== header.from ||
    manifest.created !== header.created ||
    !sameList(
      manifest.to,
      header.recipients.map((r) => r.org),
    )
  ) {
    throw invalid(`The manifest of package ${header.id} disagrees with its signed header.`);
  }

  const files: { name: string; mediaType: string; bytes: Uint8Array }[] = [];
  let offset = 4 + manifestLength;
  for (const file of manifest.files) {
    if (offset + file.size > plaintext.length) {
      throw invalid(`The file ${file.name} of package ${header.id} is truncated.`, {
        file: file.name,
      });
    }
    const content = plaintext.slice(offset, offset + file.size);
    offset += file.size;
    if (hex.encode(sha256(content)) !== file.sha256) {
      throw invalid(
        `The file ${file.name} of package ${header.id} does not match its SHA-256 in the manifest.`,
        { file: file.name },
      );
    }
    files.push({ name: file.name, mediaType: file.mediaType, bytes: content });
  }
  if (offset !== plaintext.length) {
    throw invalid(`The payload of package ${header.id} holds bytes the manifest does not list.`);
  }
  return { manifest, files, manifestSha256: header.manifestSha256 };
}

function verifyFrame(
  bytes: Uint8Array,
  options: Pick<OpenOptions, 'senderKeys' | 'limits'>,
): { header: Header; ciphertext: Uint8Array } {
  const limits = { ...DEFAULT_PACKAGE_LIMITS, ...options.limits };
  if (!(bytes instanceof Uint8Array)) throw invalid('A package must be given as bytes.');
  if (bytes.length > limits.packageBytes) {
    throw invalid(`The package is larger than ${limits.packageBytes} bytes.`, {
      size: bytes.length,
    });
  }
  if (bytes.length < MAGIC.length + 1 || !MAGIC.every((byte, i) => bytes[i] === byte)) {
    throw invalid(`This is not a ${PACKAGE_FORMAT} package.`);
  }
  let offset = MAGIC.length;
  const fromLength = bytes[offset] as number;
  offset += 1;
  if (fromLength === 0 || offset + fromLength + 4 > bytes.length) throw truncated();
  const from = String.fromCharCode(...bytes.subarray(offset, offset + fromLength));
  offset += fromLength;
  if (!ORG_ID_PATTERN.test(from))
    throw invalid('The package names its sender with an invalid organisation id.');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0);
  offset += 4;
  if (headerLength > limits.headerBytes) {
    throw invalid(`The package header is larger than ${limits.headerBytes} bytes.`);
  }
  if (offset + headerLength + SIGNATURE_BYTES > bytes.length) throw truncated();
  const headerBytes = bytes.subarray(offset, offset + headerLength);
  offset += headerLength;
  const signed = bytes.subarray(0, offset);
  const signature = bytes.subarray(offset, offset + SIGNATURE_BYTES);
  offset += SIGNATURE_BYTES;
  const ciphertext = bytes.subarray(offset);

  // The signature first: nothing in the header is interpreted before it verifies.
  let senderKeys: OrgPublicKeys | undefined;
  try {
    senderKeys = options.senderKeys(from);
    if (senderKeys !== undefined) checkPublicKeys(senderKeys);
  } catch (error) {
    if (isVigilError(error, 'KEY_INVALID')) {
      throw signatureInvalid(`The registered keys of ${from} are unusable.`, from, error);
    }
    throw error;
  }
  if (senderKeys === undefined || senderKeys.org !== from) {
    throw signatureInvalid(
      `The package claims to come from ${from}, which is not a known partner; its signature cannot be checked.`,
      from,
    );
  }
  let valid = false;
  try {
    valid = ed25519.verify(signature, concat(SIGNATURE_CONTEXT, signed), senderKeys.signing);
  } catch {
    valid = false;
  }
  if (!valid) {
    throw signatureInvalid(
      `The package's signature does not verify with the registered key of ${from}: it was altered, or it is not from ${from}.`,
      from,
    );
  }

  const header = parseHeader(headerBytes, limits);
  if (header.from !== from)
    throw invalid('The signed header names another sender than the package.');
  if (header.recipients.length > limits.recipients) {
    throw invalid(`The package has more than ${limits.recipients} recipients.`);
  }
  if (new Set(header.recipients.map((r) => r.org)).size !== header.recipients.length) {
    throw invalid('The package lists a recipient twice.');
  }
  if (
    ciphertext.length !== header.payload.size ||
    hex.encode(sha256(ciphertext)) !== header.payload.sha256
  ) {
    throw signatureInvalid(
      `The encrypted payload of package ${header.id} is not the one ${from} signed: it was altered or truncated.`,
      from,
    );
  }
  return { header, ciphertext };
}

function parseHeader(bytes: Uint8Array, limits: PackageLimits): Header {
  let json: unknown;
  try {
    json = parseCanonical(bytes, { maxBytes: limits.headerBytes });
  } catch (error) {
    throw invalid('The signed package header is not canonical JSON.', undefined, error);
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(
      `The signed package header is invalid at ${issue?.path.join('.') || 'the top level'}.`,
      {
        path: issue?.path.join('.'),
      },
    );
  }
  return parsed.data;
}

function parseManifest(bytes: Uint8Array, limits: PackageLimits): PackageManifest {
  let json: unknown;
  try {
    json = parseCanonical(bytes, { maxBytes: limits.manifestBytes });
  } catch (error) {
    throw invalid('The package manifest is not canonical JSON.', undefined, error);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(
      `The package manifest is invalid at ${issue?.path.join('.') || 'the top level'}.`,
      {
        path: issue?.path.join('.'),
      },
    );
  }
  const manifest = parsed.data as PackageManifest;
  if (manifest.files.length > limits.files) {
    throw invalid(`The package lists more than ${limits.files} files.`);
  }
  if (new Set(manifest.files.map((file) => file.name)).size !== manifest.files.length) {
    throw invalid('The package manifest lists a file name twice.');
  }
  return manifest;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** AES-256-GCM through WebCrypto (deterministic for a given key and nonce). */
async function aesGcm(
  mode: 'encrypt' | 'decrypt',
  key: Uint8Array,
  nonce: Uint8Array,
  additionalData: Uint8Array,
  data: Uint8Array,
): Promise<Uint8Array> {
  const subtle = globalThis.crypto.subtle;
  const cryptoKey = await subtle.importKey('raw', arrayBufferView(key), 'AES-GCM', false, [mode]);
  const params = {
    name: 'AES-GCM',
    iv: arrayBufferView(nonce),
    additionalData: arrayBufferView(additionalData),
  };
  const out =
    mode === 'encrypt'
      ? await subtle.encrypt(params, cryptoKey, arrayBufferView(data))
      : await subtle.decrypt(params, cryptoKey, arrayBufferView(data));
  return new Uint8Array(out);
}

/** The bytes as a view on a plain ArrayBuffer, as WebCrypto's types ask (copies only if needed). */
function arrayBufferView(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : new Uint8Array(bytes);
}

function randomExactly(randomBytes: RandomBytes, n: number): Uint8Array {
  const bytes = randomBytes(n);
  if (!(bytes instanceof Uint8Array) || bytes.length !== n) {
    throw invalid(`randomBytes(${n}) must return ${n} random bytes.`);
  }
  return bytes.slice();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function uint32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function truncated(): VigilError {
  return invalid('The package is truncated.');
}

function invalid(message: string, details?: Record<string, unknown>, cause?: unknown): VigilError {
  return new VigilError('PACKAGE_INVALID', message, { details, cause });
}

function signatureInvalid(message: string, from: string, cause?: unknown): VigilError {
  return new VigilError('PACKAGE_SIGNATURE_INVALID', message, { details: { from }, cause });
}

function notForUs(message: string, details?: Record<string, unknown>): VigilError {
  return new VigilError('PACKAGE_NOT_FOR_US', message, { details });
}
