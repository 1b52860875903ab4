/**
 * `vigil hash IMAGE...`: the PDQ hash and quality of each image, as `vigil scan --images`
 * computes them (image-decode.ts, then pdq.ts), to fill `pdq:<hex>` item entries or to compare
 * photos by hand.
 *
 * Output, one line per image in argument order: `hex,quality,file`, the layout of the PDQ
 * reference tool (pdq-photo-hasher); with --dihedral, eight lines per image,
 * `hex,quality,variant,file`. With --json, one JSON object per image. An image that cannot be
 * read is reported on stderr and the others are still hashed; the command then fails.
 */
import { PDQ_DIHEDRAL_NAMES, pdqDihedral, pdqFromLuminance, pdqHex } from '../analyze/pdq.js';
import { isVigilError, VigilError } from '../shared/errors.js';
import { decodeImageLuma } from './image-decode.js';
import type { ScanIo } from './scan.js';

export interface HashOptions {
  readonly json: boolean;
  readonly dihedral: boolean;
}

export async function runHash(
  files: readonly string[],
  options: HashOptions,
  io: Pick<ScanIo, 'stdout' | 'stderr'>,
): Promise<void> {
  let failed = 0;
  for (const file of files) {
    let lines: string[];
    try {
      lines = await hashLines(file, options);
    } catch (error) {
      failed++;
      const message = isVigilError(error)
        ? `${error.message} [${error.code}]`
        : `"${file}" could not be hashed [INPUT_UNREADABLE]`;
      io.stderr.write(`vigil hash: ${message}\n`);
      continue;
    }
    io.stdout.write(lines.map((line) => `${line}\n`).join(''));
  }
  if (failed > 0) {
    throw new VigilError(
      'INPUT_UNREADABLE',
      `${failed} of ${files.length} image${files.length === 1 ? '' : 's'} could not be hashed (see above); the others were printed.`,
      { details: { failed, images: files.length } },
    );
  }
}

async function hashLines(file: string, options: HashOptions): Promise<string[]> {
  const { luma, width, height } = await decodeImageLuma(file);
  if (!options.dihedral) {
    const { hash, quality } = pdqFromLuminance(luma, width, height);
    const pdq = pdqHex(hash);
    return [options.json ? JSON.stringify({ file, pdq, quality }) : `${pdq},${quality},${file}`];
  }
  const { hashes, quality } = pdqDihedral(luma, width, height);
  if (options.json) {
    const dihedral = Object.fromEntries(
      PDQ_DIHEDRAL_NAMES.map((name) => [name, pdqHex(hashes[name])]),
    );
    return [JSON.stringify({ file, pdq: dihedral.original, quality, dihedral })];
  }
  return PDQ_DIHEDRAL_NAMES.map((name) => `${pdqHex(hashes[name])},${quality},${name},${file}`);
}
