import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejection } from '../../test/support/errors.js';
import { isVigilError } from '../shared/errors.js';
import { type BlobStore, createFsBlobStore } from './blobs.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (text: string) => new TextEncoder().encode(text);

async function* chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* parts;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

/** Every file under `folder`, relative to it. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1));
}

let root: string;
let store: BlobStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-blobs-'));
  store = createFsBlobStore(join(root, 'store'));
});

afterEach(async () => {
  // Stored files are read-only, which rm with force removes anyway.
  await rm(root, { recursive: true, force: true });
});

describe('createFsBlobStore', () => {
  it('stores bytes under their SHA-256 and gives them back', async () => {
    const content = bytesOf('evidence: screenshot of an advert');
    const info = await store.put(chunks(content.subarray(0, 5), content.subarray(5)));
    expect(info).toEqual({ sha256: sha256(content), size: content.length, created: true });

    const hash = info.sha256;
    const path = join(root, 'store', 'sha256', hash.slice(0, 2), hash.slice(2, 4), hash);
    expect(await readFile(path)).toEqual(Buffer.from(content));
    expect((await stat(path)).mode & 0o777).toBe(0o444);
    expect(await readAll(await store.open(hash))).toEqual(Buffer.from(content));
    expect(await store.has(hash)).toBe(true);
    expect(await store.stat(hash)).toEqual({ sha256: hash, size: content.length });
    expect(await store.verify(hash)).toBe(true);
    expect(await readdir(join(root, 'store', 'tmp'))).toEqual([]);
  });

  it('stores empty content', async () => {
    const info = await store.put(chunks());
    expect(info).toEqual({ sha256: sha256(new Uint8Array()), size: 0, created: true });
    expect(await readAll(await store.open(info.sha256))).toHaveLength(0);
  });

  it('stores the same bytes once', async () => {
    const first = await store.put(chunks(bytesOf('same')));
    const second = await store.put(Readable.from([Buffer.from('sa'), Buffer.from('me')]));
    expect(second).toEqual({ ...first, created: false });
    expect(await filesUnder(join(root, 'store'))).toHaveLength(1);
  });

  it('streams 50 MiB and hashes it correctly', async () => {
    const chunk = new Uint8Array(1024 * 1024);
    const expected = createHash('sha256');
    // Generated chunk by chunk, each different, so nothing 50 MiB long is ever held.
    async function* generated(): AsyncGenerator<Uint8Array> {
      for (let index = 0; index < 50; index++) {
        const part = chunk.map((_, offset) => (offset * 31 + index * 7) & 0xff);
        expected.update(part);
        yield part;
      }
    }
    const info = await store.put(generated());
    expect(info).toEqual({ sha256: expected.digest('hex'), size: 50 * 1024 * 1024, created: true });
    expect(await store.verify(info.sha256)).toBe(true);
  });

  it('leaves nothing behind when the source fails, and passes its error on', async () => {
    const failure = new Error('network dropped');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(1000);
      throw failure;
    }
    await expect(store.put(failing())).rejects.toBe(failure);
    expect(await filesUnder(join(root, 'store'))).toEqual([]);
  });

  it('refuses a source that gives text instead of bytes', async () => {
    const text = Readable.from(['not bytes'], { objectMode: true });
    const error = await rejection(store.put(text));
    expect(isVigilError(error, 'EVIDENCE_UNREADABLE')).toBe(true);
    expect(await filesUnder(join(root, 'store'))).toEqual([]);
  });

  it('keeps concurrent puts of the same bytes from corrupting each other', async () => {
    const content = new Uint8Array(3 * 1024 * 1024).map((_, index) => index % 251);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        store.put(chunks(content.subarray(0, 1_000_000), content.subarray(1_000_000))),
      ),
    );
    expect(new Set(results.map((result) => result.sha256))).toEqual(new Set([sha256(content)]));
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(await store.verify(sha256(content))).toBe(true);
    expect(await filesUnder(join(root, 'store'))).toHaveLength(1);
  });

  it('stores concurrent puts of different bytes side by side', async () => {
    const contents = ['a', 'b', 'c', 'd'].map(bytesOf);
    await Promise.all(contents.map((content) => store.put(chunks(content))));
    for (const content of contents) expect(await store.verify(sha256(content))).toBe(true);
  });

  describe('when a stored file was changed outside Vigil', () => {
    let hash: string;
    let path: string;
    let destination: string;

    beforeEach(async () => {
      ({ sha256: hash } = await store.put(chunks(bytesOf('original evidence'))));
      path = join(root, 'store', 'sha256', hash.slice(0, 2), hash.slice(2, 4), hash);
      await chmod(path, 0o644);
      await writeFile(path, 'forged evidence!!');
      destination = join(root, 'export', 'evidence.bin');
      await mkdir(join(root, 'export'));
    });

    it('verify reports the mismatch', async () => {
      expect(await store.verify(hash)).toBe(false);
    });

    it('copyTo refuses it and writes nothing', async () => {
      const error = await rejection(store.copyTo(hash, destination));
      expect(isVigilError(error, 'EVIDENCE_UNREADABLE')).toBe(true);
      expect(await readdir(join(root, 'export'))).toEqual([]);
    });
  });

  it('copies a blob to a destination file', async () => {
    const content = bytesOf('to be exported');
    const { sha256: hash } = await store.put(chunks(content));
    await mkdir(join(root, 'export'));
    const destination = join(root, 'export', 'evidence.bin');
    await store.copyTo(hash, destination);
    expect(await readFile(destination)).toEqual(Buffer.from(content));
    expect(await readdir(join(root, 'export'))).toEqual(['evidence.bin']);
  });

  it('reports an unwritable destination as such', async () => {
    const { sha256: hash } = await store.put(chunks(bytesOf('x')));
    const error = await rejection(store.copyTo(hash, join(root, 'no-such-folder', 'evidence.bin')));
    expect(isVigilError(error, 'OUTPUT_UNWRITABLE')).toBe(true);
  });

  it('reports absent blobs', async () => {
    const absent = sha256(bytesOf('never stored'));
    expect(await store.has(absent)).toBe(false);
    expect(await store.stat(absent)).toBeUndefined();
    // Started one at a time: a rejection created before it is awaited would go unhandled.
    for (const attempt of [
      () => store.open(absent),
      () => store.verify(absent),
      () => store.copyTo(absent, join(root, 'out.bin')),
    ]) {
      expect(isVigilError(await rejection(attempt()), 'EVIDENCE_NOT_FOUND')).toBe(true);
    }
    expect(await readdir(root)).toEqual([]);
  });

  it.each([
    ['upper-case hex', 'A'.repeat(64)],
    ['63 digits', 'a'.repeat(63)],
    ['65 digits', 'a'.repeat(65)],
    ['a path', `../../${'a'.repeat(58)}`],
    ['a path of the right length', `${'a'.repeat(4)}/../${'b'.repeat(56)}`],
    ['not hex', 'g'.repeat(64)],
    ['empty', ''],
  ])('refuses a hash argument that is %s', async (_name, bad) => {
    for (const attempt of [
      () => store.has(bad),
      () => store.stat(bad),
      () => store.open(bad),
      () => store.verify(bad),
      () => store.copyTo(bad, join(root, 'out.bin')),
    ]) {
      const error = await rejection(attempt());
      expect(isVigilError(error, 'EVIDENCE_NOT_FOUND')).toBe(true);
      expect(JSON.stringify(error)).not.toContain(root);
    }
    expect(await readdir(root)).toEqual([]);
  });

  describe('putFile', () => {
    it('stores a file', async () => {
      const path = join(root, 'photo.jpg');
      await writeFile(path, 'jpeg bytes');
      expect(await store.putFile(path)).toEqual({
        sha256: sha256(bytesOf('jpeg bytes')),
        size: 10,
        created: true,
      });
    });

    it.each([
      ['missing', (dir: string) => join(dir, 'missing.jpg'), 'missing'],
      ['under a file', (dir: string) => join(dir, 'file.txt', 'x'), 'missing'],
      ['a folder', (dir: string) => dir, 'not-a-file'],
    ])('refuses a path that is %s without naming it', async (_name, pathIn, reason) => {
      await writeFile(join(root, 'file.txt'), 'x');
      const error = await rejection(store.putFile(pathIn(root)));
      expect(isVigilError(error, 'EVIDENCE_UNREADABLE')).toBe(true);
      expect(isVigilError(error) && error.details).toEqual({ reason });
      expect(JSON.stringify(error)).not.toContain(root);
    });
  });

  it('reports a store it cannot write to', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'not a folder');
    const error = await rejection(createFsBlobStore(file).put(chunks(bytesOf('x'))));
    expect(isVigilError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(JSON.stringify(error)).not.toContain(root);
  });
});
