/**
 * The evidence store: evidence files kept under their SHA-256, so a custody event can name the
 * exact bytes it is about and anyone can check them.
 *
 * Layout: <root>/sha256/ab/cd/<64 hex>, two levels of fan-out so no folder grows huge. A file is
 * written to <root>/tmp while it is hashed, synced, made read-only and only then renamed into
 * place: a stored name always holds complete bytes, and a crash leaves at most a stray temporary
 * file. Files may be many GiB, so everything streams in bounded chunks.
 */
import { createHash, randomUUID } from 'node:crypto';
import { chmod, type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { VigilError } from '../shared/errors.js';

export interface BlobInfo {
  /** Lowercase hex. */
  readonly sha256: string;
  readonly size: number;
}

export interface BlobStore {
  /**
   * Streams the source into the store, hashing as it goes; returns the content's hash and size.
   * Idempotent: the same bytes twice store one file, and `created` is false the second time (within
   * one process also for concurrent puts). Durable when the promise resolves (file and folders
   * synced). If the source fails, its error propagates and nothing is left behind; a failure to
   * write the store is STORE_UNAVAILABLE.
   */
  put(
    source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  ): Promise<BlobInfo & { readonly created: boolean }>;
  /** Like put, reading a file: EVIDENCE_UNREADABLE when missing / a folder / unreadable. */
  putFile(path: string): Promise<BlobInfo & { readonly created: boolean }>;
  has(sha256: string): Promise<boolean>;
  stat(sha256: string): Promise<BlobInfo | undefined>;
  /** A read stream of the stored bytes; EVIDENCE_NOT_FOUND when absent. */
  open(sha256: string): Promise<NodeJS.ReadableStream>;
  /**
   * Copies a blob to a destination file (used by bundle export), verifying the hash while copying:
   * EVIDENCE_UNREADABLE if the stored bytes no longer match (the store itself was tampered with).
   * The destination appears only complete and verified; OUTPUT_UNWRITABLE if it cannot be written.
   */
  copyTo(sha256: string, destination: string): Promise<void>;
  /** Re-hashes a stored blob and reports whether it still matches its name; EVIDENCE_NOT_FOUND when absent. */
  verify(sha256: string): Promise<boolean>;
  /**
   * Removes a stored blob for good (retention, store/retention.ts); false when there was none.
   * The caller checks first that no evidence record still names the hash.
   */
  delete(sha256: string): Promise<boolean>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const READ_ONLY = 0o444;
/** Large enough that a GiB file takes a thousand reads, small enough to never matter for memory. */
const CHUNK_BYTES = 1024 * 1024;

export function createFsBlobStore(root: string): BlobStore {
  const tmp = join(root, 'tmp');
  const blobPath = (sha256: string) =>
    join(root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  // Placing one hash is check-then-rename; running those one at a time per hash makes `created`
  // true for exactly one of several concurrent puts of the same bytes.
  const placements = new Map<string, Promise<unknown>>();

  async function put(source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream) {
    const written = await writeTemporary(tmp, source);
    try {
      const created = await oneAtATime(placements, written.sha256, () =>
        place(written.path, blobPath(written.sha256)),
      );
      return { sha256: written.sha256, size: written.size, created };
    } finally {
      // Gone after a rename; otherwise a duplicate of a stored blob, or a failed placement.
      await removeQuietly(written.path);
    }
  }

  async function openStored(sha256: string): Promise<FileHandle> {
    requireSha256(sha256);
    try {
      return await open(blobPath(sha256), 'r');
    } catch (cause) {
      if (errorCode(cause) === 'ENOENT') throw notFound(sha256, cause);
      throw storedUnreadable(cause);
    }
  }

  /** Runs `use` on an open handle of the stored blob, closing it afterwards. */
  async function withStored<T>(
    sha256: string,
    use: (handle: FileHandle) => Promise<T>,
  ): Promise<T> {
    const handle = await openStored(sha256);
    try {
      return await use(handle);
    } finally {
      await handle.close();
    }
  }

  async function statBlob(sha256: string): Promise<BlobInfo | undefined> {
    requireSha256(sha256);
    try {
      const stats = await stat(blobPath(sha256));
      return stats.isFile() ? { sha256, size: stats.size } : undefined;
    } catch (cause) {
      if (errorCode(cause) === 'ENOENT') return undefined;
      throw storedUnreadable(cause);
    }
  }

  return {
    put,

    async putFile(path) {
      const handle = await openEvidenceFile(path);
      try {
        return await put(readChunks(handle, evidenceReadFailed));
      } finally {
        await handle.close();
      }
    },

    async has(sha256) {
      return (await statBlob(sha256)) !== undefined;
    },

    stat: statBlob,

    async open(sha256) {
      return (await openStored(sha256)).createReadStream();
    },

    copyTo(sha256, destination) {
      return withStored(sha256, async (stored) => {
        // A sibling temporary name, renamed once verified: the destination never holds bytes that
        // failed the check, and an existing file there is replaced only by a complete copy.
        const temporary = `${destination}.${randomUUID()}.part`;
        try {
          const output = await destinationIo(() => open(temporary, 'wx'));
          let digest: string;
          try {
            digest = await hashChunks(stored, (bytes) =>
              destinationIo(() => writeAll(output, bytes)),
            );
          } finally {
            await output.close();
          }
          if (digest !== sha256) throw tampered(sha256);
          await destinationIo(() => rename(temporary, destination));
        } catch (error) {
          await removeQuietly(temporary);
          throw error;
        }
      });
    },

    verify(sha256) {
      return withStored(sha256, async (stored) => (await hashChunks(stored)) === sha256);
    },

    async delete(sha256) {
      if ((await statBlob(sha256)) === undefined) return false;
      await storeIo(() => rm(blobPath(sha256), { force: true }));
      return true;
    },
  };
}

/** Hashes a stored blob's bytes, handing each chunk to `onChunk` (awaited) on the way. */
async function hashChunks(
  handle: FileHandle,
  onChunk: (bytes: Uint8Array) => Promise<void> = async () => {},
): Promise<string> {
  const hash = createHash('sha256');
  for await (const bytes of readChunks(handle, storedUnreadable)) {
    hash.update(bytes);
    await onChunk(bytes);
  }
  return hash.digest('hex');
}

interface Temporary extends BlobInfo {
  readonly path: string;
}

/** Streams the source into a new file under `folder`, hashing and counting; removes it on failure. */
async function writeTemporary(
  folder: string,
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
): Promise<Temporary> {
  await storeIo(() => mkdir(folder, { recursive: true }));
  const path = join(folder, `${randomUUID()}.part`);
  try {
    const handle = await storeIo(() => open(path, 'wx', 0o600));
    try {
      return { path, ...(await fill(handle, source)) };
    } finally {
      await storeIo(() => handle.close());
    }
  } catch (error) {
    await removeQuietly(path);
    throw error;
  }
}

/** Errors of the source propagate as they are; errors writing the store become STORE_UNAVAILABLE. */
async function fill(
  handle: FileHandle,
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
): Promise<BlobInfo> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source as AsyncIterable<unknown>) {
    const bytes = asBytes(chunk);
    hash.update(bytes);
    size += bytes.length;
    await storeIo(() => writeAll(handle, bytes));
  }
  await storeIo(() => handle.sync());
  return { sha256: hash.digest('hex'), size };
}

/** Moves a complete temporary file to its content address; false when the content was already there. */
async function place(temporary: string, destination: string): Promise<boolean> {
  return storeIo(async () => {
    if (await exists(destination)) return false;
    await mkdir(dirname(destination), { recursive: true });
    await chmod(temporary, READ_ONLY);
    await rename(temporary, destination);
    await syncFolders(destination);
    return true;
  });
}

/**
 * A rename, like a new folder, is durable only once the folder holding its entry is synced: the
 * blob's folder, and the two above it that its first blob created.
 */
async function syncFolders(blob: string): Promise<void> {
  const leaf = dirname(blob);
  for (const folder of [leaf, dirname(leaf), dirname(dirname(leaf))]) {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/** Runs tasks with the same key one after another, in call order, whatever each one's outcome. */
function oneAtATime<T>(
  queue: Map<string, Promise<unknown>>,
  key: string,
  task: () => Promise<T>,
): Promise<T> {
  const result = (queue.get(key) ?? Promise.resolve()).then(task);
  const settled = result.then(
    () => undefined,
    () => undefined,
  );
  queue.set(key, settled);
  void settled.then(() => {
    if (queue.get(key) === settled) queue.delete(key);
  });
  return result;
}

/**
 * Stats before opening: opening a FIFO for reading would block until something writes to it.
 */
async function openEvidenceFile(path: string): Promise<FileHandle> {
  try {
    if (!(await stat(path)).isFile()) {
      throw new VigilError(
        'EVIDENCE_UNREADABLE',
        'Cannot seal this evidence: the path is a folder or a device, not a file. Give the path of a file.',
        { details: { reason: 'not-a-file' } },
      );
    }
    return await open(path, 'r');
  } catch (cause) {
    if (cause instanceof VigilError) throw cause;
    throw evidenceOpenFailed(cause);
  }
}

function evidenceOpenFailed(cause: unknown): VigilError {
  switch (errorCode(cause)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new VigilError(
        'EVIDENCE_UNREADABLE',
        'Cannot seal this evidence: the file does not exist. Check the path.',
        { details: { reason: 'missing' }, cause },
      );
    case 'EACCES':
    case 'EPERM':
      return new VigilError(
        'EVIDENCE_UNREADABLE',
        'Cannot seal this evidence: permission to read the file is denied. Fix its permissions or run as a user who may read it.',
        { details: { reason: 'permission-denied' }, cause },
      );
    default:
      return evidenceReadFailed(cause);
  }
}

function evidenceReadFailed(cause: unknown): VigilError {
  return new VigilError(
    'EVIDENCE_UNREADABLE',
    'Cannot seal this evidence: reading the file failed. Check the disk or copy the file elsewhere, then try again.',
    { details: { reason: 'read-failed' }, cause },
  );
}

/** Fresh buffers per chunk: the consumer may still hold the previous one. */
async function* readChunks(
  handle: FileHandle,
  failure: (cause: unknown) => VigilError,
): AsyncGenerator<Uint8Array> {
  for (;;) {
    let bytesRead: number;
    let buffer: Buffer;
    try {
      ({ bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(CHUNK_BYTES), 0, CHUNK_BYTES));
    } catch (cause) {
      throw failure(cause);
    }
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

/** FileHandle.write may write less than asked; loop until every byte is written. */
async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  throw new VigilError(
    'EVIDENCE_UNREADABLE',
    'Cannot store this evidence: its source gives text, not bytes. Read it without a text encoding.',
    { details: { reason: 'not-bytes' } },
  );
}

function requireSha256(sha256: string): void {
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
    throw new VigilError(
      'EVIDENCE_NOT_FOUND',
      'No stored evidence has this hash: a SHA-256 is written as 64 lowercase hex digits. Check the hash.',
      { details: { reason: 'not-a-sha256' } },
    );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (cause) {
    if (errorCode(cause) === 'ENOENT') return false;
    throw cause;
  }
}

/** Best effort: an error while cleaning up must not hide the error that made it necessary. */
async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}

async function storeIo<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (cause) {
    if (cause instanceof VigilError) throw cause;
    throw new VigilError(
      'STORE_UNAVAILABLE',
      'Cannot write to the evidence store: its folder is not writable or the disk is full. Fix the permissions of the data folder or free space, then try again.',
      { cause },
    );
  }
}

async function destinationIo<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (cause) {
    if (cause instanceof VigilError) throw cause;
    throw new VigilError(
      'OUTPUT_UNWRITABLE',
      'Cannot write the copy of the evidence: the folder does not exist, permissions forbid it, or the disk is full.',
      { cause },
    );
  }
}

function notFound(sha256: string, cause: unknown): VigilError {
  return new VigilError(
    'EVIDENCE_NOT_FOUND',
    'The evidence store has no file with this hash. `vigil evidence list --case C` lists what there is.',
    { details: { sha256 }, cause },
  );
}

function storedUnreadable(cause: unknown): VigilError {
  return new VigilError(
    'EVIDENCE_UNREADABLE',
    'A file in the evidence store cannot be read. Check the permissions and the disk of the data folder.',
    { cause },
  );
}

function tampered(sha256: string): VigilError {
  return new VigilError(
    'EVIDENCE_UNREADABLE',
    'A file in the evidence store no longer matches its hash: the store was changed outside Vigil. Do not export it; restore the file from a verified copy.',
    { details: { sha256, reason: 'hash-mismatch' } },
  );
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : undefined;
}
