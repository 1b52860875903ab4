/**
 * `vigil scan --images DIR`: the path entries of an item's `images` (image-refs.ts) are read
 * from DIR, decoded and PDQ-hashed in the scan's worker threads. A failure is recorded for that
 * image only; it never stops the scan.
 *
 * Containment: a path must be relative with no `..` step (relativePathProblem), and after
 * symbolic links are resolved (realpath) the file must still lie inside DIR; a link that leads
 * out of DIR is refused, not followed. The resolved path is the one opened. (Someone able to
 * swap files inside DIR between the check and the open could still redirect one read; DIR is
 * expected to be the investigator's own folder.)
 *
 * Each worker remembers the hash of every file it hashed (by resolved path, up to
 * MEMO_ENTRIES), so a photo that many ads share is decoded once per worker.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { imageRefKind, relativePathProblem } from '../analyze/image-refs.js';
import { PDQ_MIN_USABLE_QUALITY, pdqFromLuminance, pdqHex } from '../analyze/pdq.js';
import { isVigilError, VigilError } from '../shared/errors.js';
import { decodeImageLuma } from './image-decode.js';

/** What the scan reports of one local image, in the result line's `images`. */
export type ImageHashEntry =
  | { readonly ref: string; readonly pdq: string; readonly quality: number }
  | { readonly ref: string; readonly error: string; readonly code: string };

export type ImageHasher = (refs: readonly string[]) => Promise<ImageHashEntry[]>;

/** Hashes remembered per worker: a few MB at most. */
const MEMO_ENTRIES = 20_000;

type Hashed = { pdq: string; quality: number } | { error: string; code: string };

/** Checks the folder given to --images; returns its resolved path. */
export async function imagesFolder(dir: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(resolve(dir));
  } catch {
    throw new VigilError('INPUT_NOT_FOUND', `The images folder "${dir}" does not exist.`);
  }
  const info = await stat(real);
  if (!info.isDirectory()) {
    throw new VigilError('INPUT_UNREADABLE', `--images must name a folder; "${dir}" is not one.`);
  }
  return real;
}

/**
 * Hashes the path entries among `refs` (each distinct entry once, in order); URLs, ids and
 * `pdq:` entries are not looked at. `root` is the folder imagesFolder returned.
 */
export function createImageHasher(root: string): ImageHasher {
  const memo = new Map<string, Promise<Hashed>>();
  const hashFile = (path: string): Promise<Hashed> => {
    let known = memo.get(path);
    if (known === undefined) {
      if (memo.size >= MEMO_ENTRIES) memo.clear();
      known = hashOne(path);
      memo.set(path, known);
    }
    return known;
  };
  return async (refs) => {
    const entries: ImageHashEntry[] = [];
    const seen = new Set<string>();
    for (const ref of refs) {
      if (seen.has(ref) || imageRefKind(ref, true) !== 'path') continue;
      seen.add(ref);
      const problem = relativePathProblem(ref);
      if (problem !== undefined) {
        entries.push({ ref, error: problem, code: 'INPUT_UNREADABLE' });
        continue;
      }
      const located = await locate(root, ref);
      if ('error' in located) {
        entries.push({ ref, ...located });
        continue;
      }
      const hashed = await hashFile(located.path);
      entries.push(
        'error' in hashed
          ? { ref, ...hashed, error: hashed.error.replaceAll(located.path, ref) }
          : { ref, ...hashed },
      );
    }
    return entries;
  };
}

/** The PDQ hex of the entries usable for linking (quality >= PDQ_MIN_USABLE_QUALITY). */
export function usableHashes(entries: readonly ImageHashEntry[]): Map<string, string | undefined> {
  const usable = new Map<string, string | undefined>();
  for (const entry of entries) {
    usable.set(
      entry.ref,
      'pdq' in entry && entry.quality >= PDQ_MIN_USABLE_QUALITY ? entry.pdq : undefined,
    );
  }
  return usable;
}

async function locate(
  root: string,
  ref: string,
): Promise<{ path: string } | { error: string; code: string }> {
  let real: string;
  try {
    real = await realpath(join(root, ref));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? { error: 'no such file in the images folder', code: 'INPUT_NOT_FOUND' }
      : { error: `cannot read the file (${code ?? 'error'})`, code: 'INPUT_UNREADABLE' };
  }
  const inside = relative(root, real);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    return {
      error: 'refused: the path leads outside the images folder (through a symbolic link)',
      code: 'INPUT_UNREADABLE',
    };
  }
  return { path: real };
}

async function hashOne(path: string): Promise<Hashed> {
  try {
    const { luma, width, height } = await decodeImageLuma(path);
    const { hash, quality } = pdqFromLuminance(luma, width, height);
    return { pdq: pdqHex(hash), quality };
  } catch (error) {
    if (isVigilError(error)) return { error: error.message, code: error.code };
    return { error: 'the image could not be hashed', code: 'INPUT_UNREADABLE' };
  }
}
