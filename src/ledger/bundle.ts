/**
 * Evidence bundles: a folder (or zip) that proves, offline and without Vigil's database, which
 * evidence a case holds, every custody event about it, and that those events are in the log a
 * signed checkpoint commits to. docs/ledger.md specifies the format for independent verifiers.
 *
 *   manifest.json        the case, the evidence, every custody event with its inclusion proof,
 *                        and the SHA-256 of every other file
 *   manifest.sig         a signed note over the manifest's hash, by the log's key
 *   checkpoint           the signed checkpoint (C2SP tlog-checkpoint) the proofs lead to
 *   keys.txt             the log's verifier key(s), signed-note text form, one per line
 *   custody-report.html  the custody record for people; covered by the manifest, not authoritative
 *   evidence/<sha256>/<name>   the evidence files
 *
 * Building is pure planning (the adapter copies the evidence files); verifying is a pure
 * function over a `BundleSource`, so it runs on a folder, a zip or bytes in memory alike.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { base64, hex } from '@scure/base';
import { z } from 'zod';
import { type ErrorCode, isVigilError, VigilError } from '../shared/errors.js';
import { canonicalBytes } from './canonical-json.js';
import { caseUcoJson } from './case-uco.js';
import { openCheckpoint } from './checkpoint.js';
import { type CustodyEvent, type EvidenceRef, parseCustodyEvent } from './custody.js';
import { createInclusionVerifier, type Hash, hashLeaf } from './merkle.js';
import {
  formatVerifierKey,
  keyFingerprint,
  parseVerifierKey,
  type SignerKey,
  signNote,
  type VerifierKey,
  verifyNote,
} from './note.js';
import { renderCustodyReport } from './report.js';

export const BUNDLE_FORMAT = 'vigil.bundle/v1';
export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  seal: 'manifest.sig',
  checkpoint: 'checkpoint',
  keys: 'keys.txt',
  report: 'custody-report.html',
  /** The provenance as CASE/UCO JSON-LD, for forensic tools (case-uco.ts). */
  provenance: 'provenance.case-uco.jsonld',
} as const;

/** Bounds on what a verifier reads into memory; bundles come from outside. */
export const BUNDLE_LIMITS = {
  manifestBytes: 512 * 1024 * 1024,
  smallFileBytes: 1024 * 1024,
  files: 1_000_000,
  pathLength: 1_024,
} as const;

/** Evidence as the bundle lists it: the fields its `collected` (or `derived`) event fixed. */
export interface BundleEvidence {
  readonly id: string;
  readonly sha256: string;
  readonly size: number;
  readonly name: string;
  readonly mediaType: string;
}

export interface BundleEvent {
  readonly index: bigint;
  readonly event: CustodyEvent;
  readonly proof: readonly Hash[];
}

export interface BundleInput {
  readonly caseId: string;
  readonly origin: string;
  /** The signed checkpoint every proof leads to, and its size. */
  readonly checkpoint: string;
  readonly checkpointSize: bigint;
  /** The keys whose signatures the checkpoint carries (all of them, during a key rotation). */
  readonly keys: readonly VerifierKey[];
  /** Signs the manifest: the log's active key. */
  readonly signer: SignerKey;
  readonly evidence: readonly BundleEvidence[];
  readonly events: readonly BundleEvent[];
  /** Leaf index of the `exported` event that lists exactly `evidence`. */
  readonly exportEvent: bigint;
  /**
   * Further documents sealed with the bundle (e.g. a case report), listed in the manifest's
   * `files` so that verification covers them. Their paths must not clash with the bundle's own.
   */
  readonly documents?: readonly { readonly path: string; readonly bytes: Uint8Array }[];
}

/** How many documents a bundle may carry beside its own files (the manifest lists at most 16). */
export const MAX_BUNDLE_DOCUMENTS = 8;

export interface PlannedBundle {
  /** Files to write as they are. */
  readonly files: readonly { readonly path: string; readonly bytes: Uint8Array }[];
  /** Evidence files to copy from the evidence store, by hash. */
  readonly evidence: readonly { readonly path: string; readonly sha256: string }[];
}

// ---------------------------------------------------------------------------------------------
// Manifest

const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const SAFE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

const fileEntry = z.strictObject({
  path: z.string().max(BUNDLE_LIMITS.pathLength),
  sha256: z.string().regex(SHA256_HEX),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

const manifestSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  case: z.string().min(1).max(200),
  log: z.strictObject({
    origin: z.string().min(1).max(1_000),
    size: z.string().regex(DECIMAL),
  }),
  exportEvent: z.string().regex(DECIMAL),
  evidence: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(100),
        sha256: z.string().regex(SHA256_HEX),
        size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
        name: z.string().min(1).max(255),
        mediaType: z.string().min(1).max(255),
        path: z.string().max(BUNDLE_LIMITS.pathLength),
      }),
    )
    .min(1)
    .max(BUNDLE_LIMITS.files),
  events: z
    .array(
      z.strictObject({
        index: z.string().regex(DECIMAL),
        // Validated as a custody event below, where the error can name the event.
        event: z.record(z.string(), z.unknown()),
        proof: z.array(z.string().max(64)).max(64),
      }),
    )
    .min(1)
    .max(10_000_000),
  files: z.array(fileEntry).max(16),
});

type Manifest = z.infer<typeof manifestSchema>;

/** Where a piece of evidence lives in a bundle: by hash, then a readable file name. */
export function evidencePath(evidence: Pick<BundleEvidence, 'sha256' | 'name'>): string {
  return `evidence/${evidence.sha256}/${safeFileName(evidence.name)}`;
}

/** A file name that is safe on every file system and in a zip: no separators, no leading dot. */
export function safeFileName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 100);
  return cleaned === '' ? 'evidence' : cleaned;
}

/** The note the manifest's seal signs: format, origin, SHA-256 of manifest.json. */
function sealText(origin: string, manifestBytes: Uint8Array): string {
  return `${BUNDLE_FORMAT}\n${origin}\n${base64.encode(sha256(manifestBytes))}\n`;
}

const utf8 = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Building

/** Plans a bundle's files; pure: the caller writes them and copies the evidence. */
export function planBundle(input: BundleInput): PlannedBundle {
  const keysText = input.keys.map((key) => `${formatVerifierKey(key)}\n`).join('');
  const evidence = [...input.evidence]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    // Only the bundle's fields: callers may pass richer records (database rows).
    .map(({ id, sha256: hash, size, name, mediaType }) => ({
      id,
      sha256: hash,
      size,
      name,
      mediaType,
      path: evidencePath({ sha256: hash, name }),
    }));
  const events = [...input.events].sort((a, b) => (a.index < b.index ? -1 : 1));

  const report = utf8.encode(
    renderCustodyReport({
      caseId: input.caseId,
      origin: input.origin,
      checkpointSize: input.checkpointSize,
      checkpoint: input.checkpoint,
      keys: input.keys.map((key) => ({
        key: formatVerifierKey(key),
        fingerprint: keyFingerprint(key),
      })),
      evidence,
      events: events.map(({ index, event }) => ({ index, event })),
      exportEvent: input.exportEvent,
    }),
  );
  const checkpoint = utf8.encode(input.checkpoint);
  const keys = utf8.encode(keysText);
  // Dated by the export itself: the bundle is a function of the log, with no clock of its own.
  const exported = events.find(({ index }) => index === input.exportEvent)?.event.time;
  const provenance = utf8.encode(
    caseUcoJson({
      caseId: input.caseId,
      evidence,
      events: events.map(({ event }) => event),
      generatedAt: exported ?? events.at(-1)?.event.time ?? '1970-01-01T00:00:00Z',
    }),
  );
  const listed: { readonly path: string; readonly bytes: Uint8Array }[] = [
    { path: BUNDLE_FILES.checkpoint, bytes: checkpoint },
    { path: BUNDLE_FILES.keys, bytes: keys },
    { path: BUNDLE_FILES.report, bytes: report },
    { path: BUNDLE_FILES.provenance, bytes: provenance },
  ];
  const reserved = new Set<string>([...Object.values(BUNDLE_FILES), ...listed.map((f) => f.path)]);
  const documents = input.documents ?? [];
  if (documents.length > MAX_BUNDLE_DOCUMENTS) {
    throw new VigilError(
      'BUNDLE_MANIFEST_INVALID',
      `A bundle carries at most ${MAX_BUNDLE_DOCUMENTS} documents beside its own files.`,
    );
  }
  for (const document of documents) {
    checkPath(document.path);
    if (reserved.has(document.path) || document.path.startsWith('evidence/')) {
      throw new VigilError(
        'BUNDLE_MANIFEST_INVALID',
        `${document.path} is a name the bundle format keeps for itself or already used.`,
        { details: { path: document.path } },
      );
    }
    reserved.add(document.path);
    listed.push(document);
  }

  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    case: input.caseId,
    log: { origin: input.origin, size: input.checkpointSize.toString() },
    exportEvent: input.exportEvent.toString(),
    evidence,
    events: events.map(({ index, event, proof }) => ({
      index: index.toString(),
      event,
      proof: proof.map((hash) => base64.encode(hash)),
    })),
    files: listed.map(({ path, bytes }) => ({
      path,
      sha256: hex.encode(sha256(bytes)),
      size: bytes.length,
    })),
  };
  // Pretty-printed for people who open it; integrity comes from the seal, not the layout.
  const manifestBytes = utf8.encode(`${JSON.stringify(manifest, null, 2)}\n`);
  const seal = utf8.encode(signNote(sealText(input.origin, manifestBytes), [input.signer]));
  return {
    files: [
      { path: BUNDLE_FILES.manifest, bytes: manifestBytes },
      { path: BUNDLE_FILES.seal, bytes: seal },
      ...listed,
    ],
    evidence: evidence.map(({ path, sha256: hash }) => ({ path, sha256: hash })),
  };
}

// ---------------------------------------------------------------------------------------------
// Verifying

/** Read access to a bundle's files; paths are relative and '/'-separated. */
export interface BundleSource {
  list(): Promise<readonly string[]>;
  /** The whole file; fails (any error) when it is larger than maxBytes. */
  read(path: string, maxBytes: number): Promise<Uint8Array>;
  /** SHA-256 (lowercase hex) and size, streamed for large files. */
  digest(path: string): Promise<{ readonly sha256: string; readonly size: number }>;
}

export interface VerifyBundleOptions {
  /** Keys the verifier trusts (pinned). Without them the bundle's own keys.txt is used, which
   *  proves integrity but not origin: the result says so. */
  readonly trustedKeys?: readonly VerifierKey[];
  /** Called as files are checked, for progress on large bundles. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BundleVerification {
  readonly case: string;
  readonly origin: string;
  readonly size: bigint;
  readonly root: Uint8Array;
  readonly trust: 'pinned' | 'bundle';
  readonly keys: readonly { readonly key: string; readonly fingerprint: string }[];
  readonly evidence: readonly BundleEvidence[];
  readonly events: number;
  readonly bytes: number;
}

function fail(
  code: ErrorCode,
  message: string,
  details: Record<string, unknown>,
  cause?: unknown,
): never {
  throw new VigilError(code, message, { details, cause });
}

/** Adds the bundle path to a VigilError from a lower layer, so the user sees where it failed. */
function at<T>(path: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (isVigilError(error)) {
      throw new VigilError(error.code, `${path}: ${error.message}`, {
        details: { ...error.details, path },
      });
    }
    throw error;
  }
}

async function readSmall(source: BundleSource, path: string, max: number): Promise<Uint8Array> {
  try {
    return await source.read(path, max);
  } catch (error) {
    return fail('BUNDLE_UNREADABLE', `Cannot read ${path} from the bundle.`, { path }, error);
  }
}

function decodeUtf8(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    return fail('BUNDLE_MANIFEST_INVALID', `${path} is not valid UTF-8.`, { path }, error);
  }
}

function checkPath(path: string): void {
  const segments = path.split('/');
  if (
    path.length > BUNDLE_LIMITS.pathLength ||
    segments.some((segment) => !SAFE_SEGMENT.test(segment) || segment === '..')
  ) {
    fail('BUNDLE_FILE_UNEXPECTED', `The bundle holds a file with an unsafe name: ${path}.`, {
      path,
    });
  }
}

function parseKeys(text: string): VerifierKey[] {
  if (!text.endsWith('\n') || text.length < 2) {
    fail('BUNDLE_MANIFEST_INVALID', `${BUNDLE_FILES.keys} must hold one key per line.`, {
      path: BUNDLE_FILES.keys,
    });
  }
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => at(BUNDLE_FILES.keys, () => parseVerifierKey(line)));
}

function parseManifest(bytes: Uint8Array): Manifest {
  const path = BUNDLE_FILES.manifest;
  let json: unknown;
  try {
    json = JSON.parse(decodeUtf8(bytes, path));
  } catch (error) {
    if (isVigilError(error)) throw error;
    return fail('BUNDLE_MANIFEST_INVALID', `${path} is not valid JSON.`, { path }, error);
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || 'manifest';
    return fail(
      'BUNDLE_MANIFEST_INVALID',
      `${path}: field ${field} ${issue?.message ?? 'is invalid'}.`,
      { path, field },
    );
  }
  return result.data;
}

function decodeHash(value: string, where: string): Hash {
  try {
    const bytes = base64.decode(value);
    if (bytes.length === 32) return bytes;
  } catch {
    // reported below
  }
  return fail('PROOF_MALFORMED', `${where}: a proof hash is not 32 bytes of base64.`, {
    path: BUNDLE_FILES.manifest,
    field: where,
  });
}

const sameRef = (ref: EvidenceRef, item: BundleEvidence): boolean =>
  ref.sha256 === item.sha256 &&
  (ref.size === undefined || ref.size === item.size) &&
  (ref.name === undefined || ref.name === item.name) &&
  (ref.mediaType === undefined || ref.mediaType === item.mediaType);

function mismatch(message: string, field: string): never {
  return fail('BUNDLE_CUSTODY_MISMATCH', message, { path: BUNDLE_FILES.manifest, field });
}

/** Checks that the manifest's evidence list and its custody events tell the same story. */
function checkCustody(manifest: Manifest, events: readonly BundleEvent[]): void {
  const evidence = new Map(manifest.evidence.map((item) => [item.id, item]));
  if (evidence.size !== manifest.evidence.length) {
    mismatch('The manifest lists one evidence id twice.', 'evidence');
  }
  const created = new Map<string, bigint>();
  for (const { index, event } of events) {
    const field = `events[${index}]`;
    let concernsBundle = false;
    for (const ref of [...event.evidence, ...(event.derivedFrom ?? [])]) {
      const item = evidence.get(ref.id);
      if (item === undefined) continue;
      concernsBundle = true;
      if (!sameRef(ref, item)) {
        mismatch(`Event ${index} describes ${ref.id} differently from the manifest.`, field);
      }
    }
    if (!concernsBundle) mismatch(`Event ${index} concerns no evidence in this bundle.`, field);
    if (event.type === 'collected' || event.type === 'derived') {
      for (const ref of event.evidence) {
        if (!evidence.has(ref.id)) continue;
        if (created.has(ref.id)) mismatch(`Evidence ${ref.id} is collected twice.`, field);
        created.set(ref.id, index);
        if (event.case !== manifest.case) {
          mismatch(`Evidence ${ref.id} was collected for another case.`, field);
        }
      }
    }
  }
  for (const item of manifest.evidence) {
    if (!created.has(item.id)) {
      mismatch(`Evidence ${item.id} has no collected event in the bundle.`, 'evidence');
    }
    if (item.path !== evidencePath(item)) {
      mismatch(`Evidence ${item.id} is not at its expected path.`, 'evidence');
    }
  }
  const exportIndex = BigInt(manifest.exportEvent);
  const last = events[events.length - 1];
  if (last === undefined || last.index !== exportIndex || last.event.type !== 'exported') {
    mismatch('The last event of a bundle must be its export event.', 'exportEvent');
  }
  const exported = new Map(last.event.evidence.map((ref) => [ref.id, ref]));
  if (
    exported.size !== evidence.size ||
    [...evidence.values()].some((item) => exported.get(item.id)?.sha256 !== item.sha256)
  ) {
    mismatch('The export event does not list exactly the evidence in the bundle.', 'exportEvent');
  }
  if (last.event.case !== manifest.case) {
    mismatch('The export event names another case.', 'exportEvent');
  }
}

/**
 * Verifies every byte of a bundle: the seal over the manifest, every listed file's hash, no
 * file missing or added, the checkpoint's signature and origin, each custody event's inclusion
 * in the checkpoint's tree, and that the evidence and events agree. Throws a VigilError whose
 * details name the offending path; returns what was proven.
 */
export async function verifyBundle(
  source: BundleSource,
  options: VerifyBundleOptions = {},
): Promise<BundleVerification> {
  const present = await source.list();
  if (present.length > BUNDLE_LIMITS.files) {
    fail('BUNDLE_UNREADABLE', 'The bundle holds too many files.', { files: present.length });
  }
  for (const path of present) checkPath(path);
  const has = new Set(present);
  for (const path of [BUNDLE_FILES.manifest, BUNDLE_FILES.seal]) {
    if (!has.has(path)) fail('BUNDLE_FILE_MISSING', `The bundle has no ${path}.`, { path });
  }

  // 1. Keys, then the seal: nothing in the manifest is trusted before its signature verifies.
  // With pinned keys, keys.txt is only checked against the manifest like any other file.
  const bundleKeys =
    options.trustedKeys === undefined && has.has(BUNDLE_FILES.keys)
      ? parseKeys(
          decodeUtf8(
            await readSmall(source, BUNDLE_FILES.keys, BUNDLE_LIMITS.smallFileBytes),
            BUNDLE_FILES.keys,
          ),
        )
      : [];
  const trusted = options.trustedKeys ?? bundleKeys;
  const manifestBytes = await readSmall(source, BUNDLE_FILES.manifest, BUNDLE_LIMITS.manifestBytes);
  const sealNote = decodeUtf8(
    await readSmall(source, BUNDLE_FILES.seal, BUNDLE_LIMITS.smallFileBytes),
    BUNDLE_FILES.seal,
  );
  const seal = at(BUNDLE_FILES.seal, () => {
    try {
      return verifyNote(sealNote, trusted);
    } catch (error) {
      if (isVigilError(error, 'NOTE_NOT_VERIFIED') && options.trustedKeys !== undefined) {
        throw new VigilError(
          'BUNDLE_KEY_UNTRUSTED',
          'The bundle is not signed by the key you trust. It may come from another Vigil ' +
            'instance, or be forged: compare key fingerprints out of band.',
          { cause: error },
        );
      }
      throw error;
    }
  });
  const [sealFormat, sealOrigin] = seal.text.split('\n');
  if (sealFormat !== BUNDLE_FORMAT || sealOrigin === undefined) {
    fail('BUNDLE_MANIFEST_INVALID', `${BUNDLE_FILES.seal} is not a bundle seal.`, {
      path: BUNDLE_FILES.seal,
    });
  }
  if (seal.text !== sealText(sealOrigin, manifestBytes)) {
    fail('BUNDLE_FILE_MODIFIED', `${BUNDLE_FILES.manifest} changed after the bundle was sealed.`, {
      path: BUNDLE_FILES.manifest,
    });
  }
  const manifest = parseManifest(manifestBytes);
  if (manifest.log.origin !== sealOrigin) {
    fail('BUNDLE_MANIFEST_INVALID', 'The manifest and its seal name different logs.', {
      path: BUNDLE_FILES.manifest,
      field: 'log.origin',
    });
  }

  // 2. Files: exactly the listed ones, each with its hash and size.
  const expected = new Map<string, { sha256: string; size: number }>();
  for (const entry of [...manifest.files, ...manifest.evidence]) {
    checkPath(entry.path);
    if (expected.has(entry.path) || entry.path === BUNDLE_FILES.manifest) {
      fail('BUNDLE_MANIFEST_INVALID', `The manifest lists ${entry.path} twice.`, {
        path: BUNDLE_FILES.manifest,
        field: entry.path,
      });
    }
    expected.set(entry.path, entry);
  }
  for (const required of [BUNDLE_FILES.checkpoint, BUNDLE_FILES.keys]) {
    if (!expected.has(required)) {
      fail('BUNDLE_MANIFEST_INVALID', `The manifest does not list ${required}.`, {
        path: BUNDLE_FILES.manifest,
        field: 'files',
      });
    }
  }
  for (const path of present) {
    if (path !== BUNDLE_FILES.manifest && path !== BUNDLE_FILES.seal && !expected.has(path)) {
      fail('BUNDLE_FILE_UNEXPECTED', `${path} is in the bundle but not in its manifest.`, {
        path,
      });
    }
  }
  let done = 0;
  let bytes = manifestBytes.length;
  for (const [path, entry] of expected) {
    if (!has.has(path))
      fail('BUNDLE_FILE_MISSING', `${path} is missing from the bundle.`, { path });
    let actual: { sha256: string; size: number };
    try {
      actual = await source.digest(path);
    } catch (error) {
      return fail('BUNDLE_UNREADABLE', `Cannot read ${path} from the bundle.`, { path }, error);
    }
    if (actual.sha256 !== entry.sha256 || actual.size !== entry.size) {
      fail('BUNDLE_FILE_MODIFIED', `${path} differs from the manifest: it changed after export.`, {
        path,
        expected: entry.sha256,
        actual: actual.sha256,
      });
    }
    bytes += actual.size;
    options.onProgress?.(++done, expected.size);
  }

  // 3. The checkpoint, signed by a trusted key, for the manifest's log and size.
  const checkpointNote = decodeUtf8(
    await readSmall(source, BUNDLE_FILES.checkpoint, BUNDLE_LIMITS.smallFileBytes),
    BUNDLE_FILES.checkpoint,
  );
  const { checkpoint } = at(BUNDLE_FILES.checkpoint, () =>
    openCheckpoint(checkpointNote, trusted, { origin: manifest.log.origin }),
  );
  if (checkpoint.size.toString() !== manifest.log.size) {
    fail('BUNDLE_MANIFEST_INVALID', 'The manifest names another tree size than the checkpoint.', {
      path: BUNDLE_FILES.manifest,
      field: 'log.size',
    });
  }

  // 4. Every event: a valid custody event whose canonical bytes are in the checkpoint's tree.
  const events: BundleEvent[] = [];
  const verifyInclusion = createInclusionVerifier(checkpoint.size, checkpoint.root);
  let previous = -1n;
  for (const [i, entry] of manifest.events.entries()) {
    const field = `events.${i}`;
    const index = BigInt(entry.index);
    if (index <= previous) {
      mismatch('Events must be listed once each, in log order.', field);
    }
    previous = index;
    const event = at(BUNDLE_FILES.manifest, () => parseCustodyEvent(entry.event));
    const proof = entry.proof.map((hash, j) => decodeHash(hash, `${field}.proof.${j}`));
    at(`${BUNDLE_FILES.manifest} ${field}`, () =>
      verifyInclusion(hashLeaf(canonicalBytes(event)), index, proof),
    );
    events.push({ index, event, proof });
  }

  // 5. The evidence and the events agree, and the export event closes the bundle.
  checkCustody(manifest, events);

  return {
    case: manifest.case,
    origin: manifest.log.origin,
    size: checkpoint.size,
    root: checkpoint.root,
    trust: options.trustedKeys === undefined ? 'bundle' : 'pinned',
    keys: seal.verified.map((key) => ({
      key: formatVerifierKey(key),
      fingerprint: keyFingerprint(key),
    })),
    evidence: manifest.evidence.map(({ path: _path, ...item }) => item),
    events: events.length,
    bytes,
  };
}

/** A bundle held in memory (tests, and zips small enough to read whole). */
export function memoryBundleSource(files: ReadonlyMap<string, Uint8Array>): BundleSource {
  const get = (path: string): Uint8Array => {
    const bytes = files.get(path);
    if (bytes === undefined) throw new Error(`no file ${path}`);
    return bytes;
  };
  return {
    list: async () => [...files.keys()],
    read: async (path, maxBytes) => {
      const bytes = get(path);
      if (bytes.length > maxBytes) throw new Error(`${path} is too large`);
      return bytes;
    },
    digest: async (path) => {
      const bytes = get(path);
      return { sha256: hex.encode(sha256(bytes)), size: bytes.length };
    },
  };
}
