/**
 * Transparency-log checkpoints (c2sp.org/tlog-checkpoint): the text of a signed note that
 * states a log's origin, tree size and RFC 6962 root hash. And offline inclusion-proof files
 * (c2sp.org/tlog-proof@v1), which carry a checkpoint verbatim with the proof for one entry.
 *
 * Errors: CHECKPOINT_MALFORMED, CHECKPOINT_ORIGIN_MISMATCH and PROOF_MALFORMED here, plus the
 * signed-note errors of note.ts when a checkpoint is opened. Checking the inclusion proof
 * itself (hash count, index below size, the root) is the Merkle verifier's job.
 */
import { base64 } from '@scure/base';
import { isVigilError, VigilError } from '../shared/errors.js';
import {
  isValidNoteText,
  MAX_NOTE_BYTES,
  type NoteVerification,
  parseNote,
  type SignerKey,
  signNote,
  type VerifierKey,
  verifyNote,
} from './note.js';

const MAX_UINT64 = (1n << 64n) - 1n;
// tlog-checkpoint §Note text: tree size as ASCII decimal with no leading zeros (a lone 0 for
// the empty tree); at most 20 digits fit in 64 bits, checked before any BigInt conversion.
const DECIMAL = /^(?:0|[1-9][0-9]{0,19})$/;
const HASH_BYTES = 32;

const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
const EXTRA_PREFIX = 'extra ';
const INDEX_PREFIX = 'index ';
// An inclusion proof in a tree of at most 2^64-1 leaves has at most 64 hashes.
const MAX_PROOF_HASHES = 64;
// A checkpoint note (at most MAX_NOTE_BYTES) plus as much again for the extra data.
const MAX_TLOG_PROOF_LENGTH = 2 * MAX_NOTE_BYTES;

export interface Checkpoint {
  readonly origin: string;
  readonly size: bigint;
  /** The RFC 6962 Merkle tree root hash at `size` (32 bytes). */
  readonly root: Uint8Array;
  /** Extension lines (tlog-checkpoint §Note text: optional, NOT RECOMMENDED). */
  readonly extensions: readonly string[];
}

export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: string;
  readonly verification: NoteVerification;
}

/** A c2sp.org/tlog-proof@v1 file. */
export interface TlogProof {
  readonly index: bigint;
  /** Inclusion proof hashes, from the leaf's sibling up to the root's child (RFC 6962 §2.1.1). */
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note, verbatim, with any witness cosignatures. */
  readonly checkpoint: string;
  /** Opaque application data. It is NOT authenticated (tlog-proof §Format): never trust it. */
  readonly extra?: Uint8Array;
}

/** The checkpoint's note text: origin, size, base64 root, extension lines, each ending in "\n". */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root, extensions } = checkpoint;
  if (origin === '' || origin.includes('\n')) {
    throw checkpointMalformed('A checkpoint origin must be one non-empty line.');
  }
  if (!isUint64(size)) {
    throw checkpointMalformed('A checkpoint tree size must be a whole number from 0 to 2^64-1.');
  }
  if (!(root instanceof Uint8Array) || root.length !== HASH_BYTES) {
    throw checkpointMalformed('A checkpoint root hash must be 32 bytes (SHA-256).');
  }
  if (extensions.some((line) => line === '' || line.includes('\n'))) {
    throw checkpointMalformed('Checkpoint extension lines must be non-empty single lines.');
  }
  const text = [origin, size.toString(), base64.encode(root), ...extensions]
    .map((line) => `${line}\n`)
    .join('');
  if (!isValidNoteText(text)) {
    throw checkpointMalformed(
      'The checkpoint cannot be a signed note: it has control characters or unpaired surrogates, or is larger than 1 MiB.',
    );
  }
  return text;
}

/** Parses a checkpoint note text (tlog-checkpoint §Note text). It does not verify anything. */
export function parseCheckpoint(text: string): Checkpoint {
  // A checkpoint is a note text (signed-note §Format): it ends in a newline, has no control
  // characters but newlines, and is bounded like a note.
  if (!isValidNoteText(text)) {
    throw checkpointMalformed(
      'A checkpoint must be UTF-8 text of at most 1 MiB that ends with a newline and has no control characters other than newlines.',
    );
  }
  const [origin = '', sizeLine = '', rootLine = '', ...extensions] = text.slice(0, -1).split('\n');
  if (origin === '') {
    throw checkpointMalformed(
      'The checkpoint has no origin: its first line must name the log (for example example.com/log).',
    );
  }
  const size = parseUint64(sizeLine);
  if (size === undefined) {
    throw checkpointMalformed(
      'The second line of the checkpoint must be the tree size: a decimal number without leading zeros, at most 2^64-1.',
    );
  }
  const root = decodeHash(rootLine);
  if (root === undefined) {
    throw checkpointMalformed(
      'The third line of the checkpoint must be the root hash: 32 bytes in base64.',
    );
  }
  if (extensions.includes('')) {
    throw checkpointMalformed(
      'The checkpoint has an empty extension line; they must be non-empty.',
    );
  }
  return { origin, size, root, extensions };
}

/** Signs a checkpoint with Ed25519 log keys; returns the signed note. */
export function signCheckpoint(checkpoint: Checkpoint, signers: readonly SignerKey[]): string {
  return signNote(formatCheckpoint(checkpoint), signers);
}

/**
 * Verifies the signed note first, then parses its text; rejects another origin when `origin` is
 * given. `quorum` counts log and witness keys together: to require the log's key and k of n
 * witnesses, open with the log's key and check the witnesses with verifyNote(note, witnesses,
 * { quorum: k }).
 */
export function openCheckpoint(
  note: string,
  verifiers: readonly VerifierKey[],
  options: { readonly origin?: string; readonly quorum?: number } = {},
): OpenedCheckpoint {
  const verification = verifyNote(note, verifiers, { quorum: options.quorum });
  const checkpoint = parseCheckpoint(verification.text);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw new VigilError(
      'CHECKPOINT_ORIGIN_MISMATCH',
      `The checkpoint is from the log "${checkpoint.origin}", not from the expected log "${options.origin}".`,
      { details: { expected: options.origin, actual: checkpoint.origin } },
    );
  }
  return { checkpoint, note, verification };
}

/** Writes a c2sp.org/tlog-proof@v1 file (tlog-proof §Format). */
export function formatTlogProof(proof: TlogProof): string {
  if (!isUint64(proof.index)) {
    throw proofMalformed('A tlog-proof index must be a whole number from 0 to 2^64-1.');
  }
  if (proof.proof.length > MAX_PROOF_HASHES) {
    throw proofMalformed(`An inclusion proof has at most ${MAX_PROOF_HASHES} hashes.`);
  }
  if (proof.proof.some((hash) => !(hash instanceof Uint8Array) || hash.length !== HASH_BYTES)) {
    throw proofMalformed('Every inclusion proof hash must be 32 bytes (SHA-256).');
  }
  checkProofCheckpoint(proof.checkpoint);
  const lines = [
    TLOG_PROOF_HEADER,
    ...(proof.extra === undefined ? [] : [`${EXTRA_PREFIX}${base64.encode(proof.extra)}`]),
    `${INDEX_PREFIX}${proof.index}`,
    ...proof.proof.map((hash) => base64.encode(hash)),
  ];
  const text = `${lines.join('\n')}\n\n${proof.checkpoint}`;
  if (text.length > MAX_TLOG_PROOF_LENGTH) {
    throw proofMalformed('The tlog-proof file would be larger than 2 MiB; shorten the extra data.');
  }
  return text;
}

/**
 * Parses a c2sp.org/tlog-proof@v1 file: the header line, an optional `extra <base64>` line,
 * `index <n>`, zero or more base64 hashes, an empty line, then the checkpoint note verbatim,
 * which must be a well-formed signed checkpoint (it is not verified here).
 */
export function parseTlogProof(text: string): TlogProof {
  if (text.length > MAX_TLOG_PROOF_LENGTH) {
    throw proofMalformed('The tlog-proof file is larger than 2 MiB.');
  }
  // Proof lines are never empty, so the first empty line starts the checkpoint.
  const blank = text.indexOf('\n\n');
  if (blank < 0) {
    throw proofMalformed('The tlog-proof file has no empty line before its checkpoint.');
  }
  const lines = text.slice(0, blank).split('\n');
  const checkpoint = text.slice(blank + 2);
  if (lines[0] !== TLOG_PROOF_HEADER) {
    throw proofMalformed(
      `The file does not start with "${TLOG_PROOF_HEADER}"; it is not a tlog-proof.`,
    );
  }
  const extraLine = lines[1]?.startsWith(EXTRA_PREFIX) ? lines[1] : undefined;
  const extra = extraLine === undefined ? undefined : parseExtra(extraLine);
  const indexLineNumber = extraLine === undefined ? 2 : 3;
  const index = parseIndex(lines[indexLineNumber - 1] ?? '', indexLineNumber);
  const proof = parseProofHashes(lines.slice(indexLineNumber), indexLineNumber + 1);
  checkProofCheckpoint(checkpoint);
  return extra === undefined ? { index, proof, checkpoint } : { index, proof, checkpoint, extra };
}

function parseExtra(line: string): Uint8Array {
  const extra = decodeBase64(line.slice(EXTRA_PREFIX.length));
  if (extra === undefined) {
    throw proofMalformed('The extra line of the tlog-proof file is not valid base64.', { line: 2 });
  }
  return extra;
}

function parseIndex(line: string, lineNumber: number): bigint {
  const index = line.startsWith(INDEX_PREFIX)
    ? parseUint64(line.slice(INDEX_PREFIX.length))
    : undefined;
  if (index === undefined) {
    throw proofMalformed(
      `Line ${lineNumber} of the tlog-proof file must be "index <n>": a decimal without leading zeros, at most 2^64-1.`,
      { line: lineNumber },
    );
  }
  return index;
}

function parseProofHashes(lines: readonly string[], firstLineNumber: number): Uint8Array[] {
  if (lines.length > MAX_PROOF_HASHES) {
    throw proofMalformed(`The inclusion proof has more than ${MAX_PROOF_HASHES} hashes.`);
  }
  return lines.map((line, i) => {
    const hash = decodeHash(line);
    if (hash === undefined) {
      const lineNumber = firstLineNumber + i;
      throw proofMalformed(
        `Line ${lineNumber} of the tlog-proof file is not a proof hash (32 bytes in base64).`,
        { line: lineNumber },
      );
    }
    return hash;
  });
}

/** The checkpoint part must be a signed note whose text is a checkpoint; errors become PROOF_MALFORMED. */
function checkProofCheckpoint(note: string): void {
  try {
    parseCheckpoint(parseNote(note).text);
  } catch (error) {
    if (!isVigilError(error)) throw error;
    throw new VigilError(
      'PROOF_MALFORMED',
      `The checkpoint in the tlog-proof file is not a signed checkpoint: ${error.message}`,
      { details: { reason: error.code }, cause: error },
    );
  }
}

function parseUint64(text: string): bigint | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = BigInt(text);
  return value <= MAX_UINT64 ? value : undefined;
}

function isUint64(value: bigint): boolean {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_UINT64;
}

function decodeHash(text: string): Uint8Array | undefined {
  const bytes = decodeBase64(text);
  return bytes?.length === HASH_BYTES ? bytes : undefined;
}

function decodeBase64(text: string): Uint8Array | undefined {
  try {
    // Strict RFC 4648 §4 (padding required, unused bits zero): one encoding per value.
    return base64.decode(text);
  } catch {
    return undefined;
  }
}

function checkpointMalformed(message: string): VigilError {
  return new VigilError('CHECKPOINT_MALFORMED', message);
}

function proofMalformed(message: string, details?: Record<string, unknown>): VigilError {
  return new VigilError('PROOF_MALFORMED', message, { details });
}
