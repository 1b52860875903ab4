/**
 * Image files → luminance for PDQ (src/analyze/pdq.ts). An adapter: it reads the file and
 * decodes it with sharp (libvips); everything after the pixels is pure code.
 *
 * Decoding matches what the PDQ reference tool hashes, except where said:
 * - alpha is dropped, not composited over a background: the reference reads only R, G, B;
 * - unlike the reference tool (CImg), the EXIF orientation is applied, so a photo hashes the
 *   same however the camera stored it. For files rotated by EXIF, the reference's hash is then
 *   the matching dihedral variant of ours (pdqDihedral), not our plain hash.
 * The reference tool (pdq/cpp/io/pdqio.cpp) also squashes images over 512 pixels a side to
 * 512x512 before hashing, for speed. We hash full-resolution pixels, as the algorithm itself
 * specifies: on pdq/data that lands within distance 0-8 of the published C++ hashes, while
 * squashing to 512x512 first (tried with sharp's nearest-neighbour resize) landed up to 16 away.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp from 'sharp';
import { lumaFromRgb } from '../analyze/pdq.js';
import { VigilError } from '../shared/errors.js';

/** Larger files are refused before they are read. */
export const MAX_IMAGE_FILE_BYTES = 50 * 1024 * 1024;
/** Larger images are refused before their pixels are decoded (decompression bombs). */
export const MAX_IMAGE_PIXELS = 50_000_000;

export interface DecodedLuma {
  /** Row-major, one value per pixel, 0..255. */
  readonly luma: Float32Array;
  readonly width: number;
  readonly height: number;
}

export async function decodeImageLuma(path: string): Promise<DecodedLuma> {
  const bytes = await readBounded(path);
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    decoded = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/pixel limit/i.test(message)) {
      throw new VigilError(
        'INPUT_UNREADABLE',
        `"${path}" is larger than ${MAX_IMAGE_PIXELS / 1_000_000} megapixels; scale it down before hashing it.`,
        { details: { file: basename(path), maxPixels: MAX_IMAGE_PIXELS }, cause: error },
      );
    }
    throw new VigilError(
      'INPUT_UNREADABLE',
      `"${path}" could not be decoded as an image. Check that it is a complete JPEG, PNG, WebP, GIF, TIFF or AVIF file.`,
      { details: { file: basename(path) }, cause: error },
    );
  }
  const { data, info } = decoded;
  return {
    luma: lumaFromRgb(data, info.width, info.height, info.channels),
    width: info.width,
    height: info.height,
  };
}

/** The whole file, after checking it is a regular file within the size limit. */
async function readBounded(path: string): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new VigilError('INPUT_UNREADABLE', `"${path}" is not a regular file.`);
    }
    if (info.size > MAX_IMAGE_FILE_BYTES) throw tooLarge(path);
    const bytes = await handle.readFile();
    // The file may have grown since stat.
    if (bytes.length > MAX_IMAGE_FILE_BYTES) throw tooLarge(path);
    return bytes;
  } catch (error) {
    if (error instanceof VigilError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new VigilError('INPUT_NOT_FOUND', `Image file "${path}" does not exist.`);
    }
    if (code === 'EISDIR') {
      throw new VigilError('INPUT_UNREADABLE', `"${path}" is not a regular file.`);
    }
    throw new VigilError('INPUT_UNREADABLE', `Cannot read "${path}" (${code ?? 'error'}).`, {
      cause: error,
    });
  } finally {
    await handle?.close();
  }
}

function tooLarge(path: string): VigilError {
  return new VigilError(
    'INPUT_UNREADABLE',
    `"${path}" is larger than ${MAX_IMAGE_FILE_BYTES / 1024 / 1024} MB; images that large are not hashed.`,
    { details: { file: basename(path), maxBytes: MAX_IMAGE_FILE_BYTES } },
  );
}
