/**
 * Evidence bundles on disk: writing a planned bundle as a folder or a zip, and reading either
 * back as a `BundleSource` for the pure verifier. Bundles arrive from outside, so reading is
 * defensive: no symbolic links, no paths leaving the bundle, no duplicate zip entries.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { BUNDLE_LIMITS, type BundleSource, type PlannedBundle } from '../ledger/bundle.js';
import { VigilError } from '../shared/errors.js';
import type { BlobStore } from './blobs.js';

/** Refuses a destination that holds anything: a bundle is never written over another. */
export async function assertFreeTarget(path: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing === undefined) return;
  if (existing.isDirectory() && (await readdir(path)).length === 0) return;
  throw new VigilError(
    'OUTPUT_UNWRITABLE',
    'The bundle destination already exists. Choose a new folder or file name: a bundle is ' +
      'never written over another.',
  );
}

/** A temporary name beside a free destination: a bundle is written there, then renamed. */
async function stagingFor(out: string): Promise<string> {
  await assertFreeTarget(out);
  return `${out}.partial-${randomBytes(4).toString('hex')}`;
}

/** Writes the bundle folder under a temporary name, then renames it: never half a bundle. */
export async function writeBundleFolder(
  planned: PlannedBundle,
  blobs: BlobStore,
  out: string,
): Promise<void> {
  const staging = await stagingFor(out);
  try {
    for (const file of planned.files) {
      const path = join(staging, ...file.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.bytes);
    }
    for (const file of planned.evidence) {
      const path = join(staging, ...file.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await blobs.copyTo(file.sha256, path);
    }
    await rm(out, { recursive: true, force: true });
    await rename(staging, out);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw writeError(error);
  }
}

/** Writes the bundle as one zip file, entries at its root, streamed from the evidence store. */
export async function writeBundleZip(
  planned: PlannedBundle,
  blobs: BlobStore,
  out: string,
): Promise<void> {
  const staging = await stagingFor(out);
  const zip = new yazl.ZipFile();
  // A fixed time keeps the zip's bytes a function of its content.
  const mtime = new Date(Date.UTC(2000, 0, 1));
  try {
    const written = pipeline(zip.outputStream, createWriteStream(staging));
    for (const file of planned.files) {
      zip.addBuffer(Buffer.from(file.bytes), file.path, { mtime, mode: 0o100644 });
    }
    for (const file of planned.evidence) {
      zip.addReadStream(await blobs.open(file.sha256), file.path, {
        mtime,
        mode: 0o100644,
        // Evidence is often already compressed (images, video); storing it is faster.
        compress: false,
      });
    }
    zip.end();
    await written;
    await rename(staging, out);
  } catch (error) {
    await rm(staging, { force: true });
    throw writeError(error);
  }
}

function writeError(error: unknown): unknown {
  if (error instanceof VigilError) return error;
  return new VigilError(
    'OUTPUT_UNWRITABLE',
    'Cannot write the bundle: check that the destination folder exists and is writable, and ' +
      'that the disk has room.',
    { cause: error },
  );
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface OpenedBundle extends BundleSource {
  readonly kind: 'folder' | 'zip';
  close(): Promise<void>;
}

function unreadable(message: string, cause?: unknown): VigilError {
  return new VigilError('BUNDLE_UNREADABLE', message, { cause });
}

/** Opens a bundle folder or zip file for verification. */
export async function openBundle(path: string): Promise<OpenedBundle> {
  const info = await stat(path).catch((error: unknown) => {
    throw unreadable('The bundle path does not exist or cannot be read.', error);
  });
  if (info.isDirectory()) return openFolder(path);
  if (info.isFile()) return openZip(path);
  throw unreadable('The bundle path is neither a folder nor a zip file.');
}

async function digestStream(
  stream: NodeJS.ReadableStream,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

const SMALL_FILE = 1024 * 1024;

async function openFolder(root: string): Promise<OpenedBundle> {
  const files: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const rel = relative(root, full).split(sep).join('/');
      if (entry.isDirectory()) {
        await walk(full);
      } else if (entry.isFile()) {
        files.push(rel);
        if (files.length > BUNDLE_LIMITS.files)
          throw unreadable('The bundle holds too many files.');
      } else {
        throw new VigilError(
          'BUNDLE_FILE_UNEXPECTED',
          `${rel} is not a regular file (a link or device): a bundle holds only files.`,
          { details: { path: rel } },
        );
      }
    }
  }
  await walk(root);
  const resolve = async (path: string) => {
    const full = join(root, ...path.split('/'));
    const info = await lstat(full);
    if (!info.isFile()) throw new Error('not a regular file');
    return { full, size: info.size };
  };
  return {
    kind: 'folder',
    list: async () => files,
    read: async (path, maxBytes) => {
      const { full, size } = await resolve(path);
      if (size > maxBytes) throw new Error('file too large');
      return new Uint8Array(await readFile(full));
    },
    digest: async (path) => {
      const { full, size } = await resolve(path);
      // Small files in one read: a stream per file costs more than the hashing for the many
      // small files of a large bundle.
      if (size <= SMALL_FILE) {
        const bytes = await readFile(full);
        return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
      }
      return digestStream(createReadStream(full));
    },
    close: async () => {},
  };
}

function openZipFile(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: false, strictFileNames: true },
      (error, zip) => {
        if (error || zip === undefined)
          reject(unreadable('The file is not a readable zip.', error));
        else resolve(zip);
      },
    );
  });
}

async function openZip(path: string): Promise<OpenedBundle> {
  const zip = await openZipFile(path);
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      // yauzl has already refused absolute paths and '..' (strictFileNames, validateFileName).
      if (!entry.fileName.endsWith('/')) {
        if (entries.has(entry.fileName)) {
          reject(unreadable('The zip holds two entries with one name.'));
          return;
        }
        entries.set(entry.fileName, entry);
        if (entries.size > BUNDLE_LIMITS.files) {
          reject(unreadable('The bundle holds too many files.'));
          return;
        }
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', (error: unknown) => reject(unreadable('The zip is damaged.', error)));
    zip.readEntry();
  });
  // A bundle zipped with its folder (bundle/manifest.json) is read as if zipped from inside it.
  const names = [...entries.keys()];
  const top = names[0]?.split('/')[0];
  const prefix =
    !entries.has('manifest.json') &&
    top !== undefined &&
    names.every((name) => name.startsWith(`${top}/`))
      ? `${top}/`
      : '';
  const stream = (name: string): Promise<NodeJS.ReadableStream> => {
    const entry = entries.get(prefix + name);
    if (entry === undefined) return Promise.reject(new Error('no such entry'));
    return new Promise((resolve, reject) => {
      zip.openReadStream(entry, (error, readable) => {
        if (error || readable === undefined) reject(error ?? new Error('unreadable entry'));
        else resolve(readable);
      });
    });
  };
  return {
    kind: 'zip',
    list: async () => names.map((name) => name.slice(prefix.length)),
    read: async (name, maxBytes) => {
      const entry = entries.get(prefix + name);
      if (entry === undefined) throw new Error('no such entry');
      if (entry.uncompressedSize > maxBytes) throw new Error('entry too large');
      const chunks: Buffer[] = [];
      for await (const chunk of (await stream(name)) as AsyncIterable<Buffer>) chunks.push(chunk);
      return new Uint8Array(Buffer.concat(chunks));
    },
    digest: async (name) => digestStream(await stream(name)),
    close: async () => zip.close(),
  };
}
