/**
 * PDQ, Meta's perceptual image hash: 256 bits that stay close (small Hamming distance) when an
 * image is re-encoded, resized, blurred or lightly edited, so reused ad photos can be linked.
 *
 * Written for Vigil from the published description, not copied from an implementation:
 * - ThreatExchange pdq/README.md (facebook/ThreatExchange, BSD licence): the pipeline, the
 *   conformance criteria and the matching thresholds (distance <= 31 is a match; discard hashes
 *   of quality <= 49);
 * - hashing.pdf in the same repository, upstream's write-up of the algorithm: Jarosz tent
 *   filter, 64x64 decimation, 16x16 DCT, median threshold, quality metric and the dihedral
 *   sign rules. Constants and arithmetic order were checked against the reference's
 *   published description of each step so that results match it exactly.
 *
 * Pipeline: luminance → two X,Y passes of 1-D box filters (a tent filter, Jarosz 2001) → keep
 * one pixel per 64x64 cell → DCT coefficients 1..16 along each axis → bit set where a
 * coefficient is above the median of the 256.
 *
 * Exactness: the reference computes in 32-bit floats. Every arithmetic step here is rounded
 * to float32 (Math.fround, or a store into a Float32Array), in the reference's order, so equal
 * luminance input gives the reference's hash bit for bit (upstream conformance criterion 1).
 * Rounding a double result of +, -, *, / on two floats to float32 gives the correctly rounded
 * float32 result, so this emulation is exact, not approximate.
 *
 * Pure: no IO. Decoding files lives in src/cli/image-decode.ts.
 */
import { VigilError } from '../shared/errors.js';

/** A PDQ hash: 32 bytes in the order of its 64-character hex form. */
export type PdqHash = Uint8Array;

export interface PdqResult {
  readonly hash: PdqHash;
  /** 0..100; upstream recommends discarding hashes of quality <= 49. */
  readonly quality: number;
}

/** The eight symmetries of the square, named as the reference names them. */
export const PDQ_DIHEDRAL_NAMES = [
  'original',
  /** Rotated 90° counter-clockwise. */
  'rotate90',
  'rotate180',
  /** Rotated 90° clockwise. */
  'rotate270',
  /** Mirrored top to bottom (about the horizontal x axis). */
  'flipX',
  /** Mirrored left to right (about the vertical y axis). */
  'flipY',
  /** Transposed: mirrored about the main diagonal. */
  'flipPlus1',
  /** Mirrored about the anti-diagonal. */
  'flipMinus1',
] as const;

export type PdqDihedralName = (typeof PDQ_DIHEDRAL_NAMES)[number];

export interface PdqDihedralResult {
  /** The hash the image would have after each transform, without transforming its pixels. */
  readonly hashes: Readonly<Record<PdqDihedralName, PdqHash>>;
  readonly quality: number;
}

export const PDQ_HASH_BYTES = 32;
/** Upstream's suggested match threshold (pdq/README.md). */
export const PDQ_MATCH_DISTANCE = 31;
/** Upstream discards hashes at or below this quality (pdq/README.md). */
export const PDQ_MIN_USABLE_QUALITY = 50;

/** The reference hashes nothing smaller than this along either side; it returns all zeros. */
const MIN_HASHABLE_SIDE = 5;
const DOWNSAMPLED_SIDE = 64;
const DCT_SIDE = 16;
const DCT_COUNT = DCT_SIDE * DCT_SIDE;
const JAROSZ_XY_PASSES = 2;

// Rec. 601 luma weights as the reference uses them, as float32 constants.
const LUMA_RED = Math.fround(0.299);
const LUMA_GREEN = Math.fround(0.587);
const LUMA_BLUE = Math.fround(0.114);

/**
 * Per-byte luma products, float32-rounded. A table turns three float multiplications per
 * pixel into three loads; the products are the same values the reference computes.
 */
const RED_TERM = byteTable(LUMA_RED);
const GREEN_TERM = byteTable(LUMA_GREEN);
const BLUE_TERM = byteTable(LUMA_BLUE);

function byteTable(weight: number): Float32Array {
  const table = new Float32Array(256);
  for (let value = 0; value < 256; value++) table[value] = Math.fround(weight * value);
  return table;
}

/**
 * Rows 1..16 of the 64-point DCT-II matrix (row 0, the mean, carries no structure):
 * D[i][j] = sqrt(2/64) · cos(π/(2·64) · (i+1) · (2j+1)). The reference keeps the scale factor
 * as a float and the products as floats, so the matrix is float32 too.
 */
const DCT_MATRIX = (() => {
  const matrix = new Float32Array(DCT_SIDE * DOWNSAMPLED_SIDE);
  const scale = Math.fround(Math.sqrt(2 / DOWNSAMPLED_SIDE));
  for (let i = 0; i < DCT_SIDE; i++) {
    for (let j = 0; j < DOWNSAMPLED_SIDE; j++) {
      matrix[i * DOWNSAMPLED_SIDE + j] =
        scale * Math.cos((Math.PI / 2 / DOWNSAMPLED_SIDE) * (i + 1) * (2 * j + 1));
    }
  }
  return matrix;
})();

/** Bits set in each byte value, for Hamming distances. */
const POPCOUNT = (() => {
  const table = new Uint8Array(256);
  for (let value = 1; value < 256; value++)
    table[value] = (value & 1) + (table[value >> 1] as number);
  return table;
})();

/**
 * Luminance (Y = 0.299 R + 0.587 G + 0.114 B, in float32 as the reference computes it) of
 * interleaved 8-bit pixels, row-major. One or two channels are grey (plus alpha) and are taken
 * as they are, as the reference does for grey images; with three or more, the first three are
 * R, G, B and any further channel (alpha) is ignored, not composited, again as the reference.
 */
export function lumaFromRgb(
  data: ArrayLike<number>,
  width: number,
  height: number,
  channels: number,
): Float32Array {
  checkDimensions(width, height);
  if (!Number.isInteger(channels) || channels < 1 || channels > 4) {
    throw new RangeError(`channels must be 1, 2, 3 or 4, not ${channels}`);
  }
  const pixels = width * height;
  if (data.length < pixels * channels) {
    throw new RangeError(`${width}x${height}x${channels} pixels need ${pixels * channels} values`);
  }
  const luma = new Float32Array(pixels);
  if (channels < 3) {
    for (let p = 0, k = 0; p < pixels; p++, k += channels) luma[p] = data[k] as number;
    return luma;
  }
  for (let p = 0, k = 0; p < pixels; p++, k += channels) {
    // Table lookups need whole bytes; anything else is clamped by & 255, which 8-bit data never
    // needs.
    const red = RED_TERM[(data[k] as number) & 255] as number;
    const green = GREEN_TERM[(data[k + 1] as number) & 255] as number;
    const blue = BLUE_TERM[(data[k + 2] as number) & 255] as number;
    luma[p] = Math.fround(red + green) + blue;
  }
  return luma;
}

/**
 * The PDQ hash and quality of a width x height luminance image (row-major, one value per
 * pixel, 0..255). The input is not modified. Images under 5 pixels along a side get the
 * reference's answer: an all-zero hash of quality 0.
 */
export function pdqFromLuminance(
  luma: ArrayLike<number>,
  width: number,
  height: number,
): PdqResult {
  const { coefficients, quality } = dctCoefficients(luma, width, height);
  return { hash: thresholdAtMedian(coefficients), quality };
}

/**
 * The hashes of all eight rotations and mirror images of the image, from one pass over its
 * pixels. Transforming the image permutes its DCT coefficients (rotations and diagonal flips
 * transpose the 16x16 block) and negates those whose basis function is odd under the
 * transform: mirroring along an axis negates the coefficients of even index (frequency
 * 1, 3, 5, …) along that axis. Each variant is then thresholded at its own median, exactly as
 * the hash of the transformed image would be.
 */
export function pdqDihedral(
  luma: ArrayLike<number>,
  width: number,
  height: number,
): PdqDihedralResult {
  const { coefficients, quality } = dctCoefficients(luma, width, height);
  const variant = new Float32Array(DCT_COUNT);
  const hash = (transpose: boolean, negate: (row: number, col: number) => boolean): PdqHash => {
    for (let row = 0; row < DCT_SIDE; row++) {
      for (let col = 0; col < DCT_SIDE; col++) {
        const value = coefficients[row * DCT_SIDE + col] as number;
        const target = transpose ? col * DCT_SIDE + row : row * DCT_SIDE + col;
        variant[target] = negate(row, col) ? -value : value;
      }
    }
    return thresholdAtMedian(variant);
  };
  const even = (index: number): boolean => (index & 1) === 0;
  return {
    quality,
    hashes: {
      original: thresholdAtMedian(coefficients),
      rotate90: hash(true, (_row, col) => even(col)),
      rotate180: hash(false, (row, col) => !even(row + col)),
      rotate270: hash(true, (row) => even(row)),
      flipX: hash(false, (row) => even(row)),
      flipY: hash(false, (_row, col) => even(col)),
      flipPlus1: hash(true, () => false),
      flipMinus1: hash(true, (row, col) => !even(row + col)),
    },
  };
}

/** Number of differing bits between two PDQ hashes (0..256). */
export function pdqDistance(a: PdqHash, b: PdqHash): number {
  if (a.length !== PDQ_HASH_BYTES || b.length !== PDQ_HASH_BYTES) {
    throw new RangeError(`PDQ hashes are ${PDQ_HASH_BYTES} bytes`);
  }
  let distance = 0;
  for (let i = 0; i < PDQ_HASH_BYTES; i++) {
    distance += POPCOUNT[((a[i] as number) ^ (b[i] as number)) & 255] as number;
  }
  return distance;
}

const HEX_DIGITS = '0123456789abcdef';

/** The 64 lowercase hex characters the reference tools print and read. */
export function pdqHex(hash: PdqHash): string {
  if (hash.length !== PDQ_HASH_BYTES) {
    throw new RangeError(`PDQ hashes are ${PDQ_HASH_BYTES} bytes`);
  }
  let hex = '';
  for (const byte of hash) hex += (HEX_DIGITS[byte >> 4] as string) + HEX_DIGITS[byte & 15];
  return hex;
}

const PDQ_HEX_PATTERN = /^[0-9a-fA-F]{64}$/;

/** Reads a hash written as 64 hex characters (either case), as the reference tools print it. */
export function parsePdqHex(hex: string): PdqHash {
  if (typeof hex !== 'string' || !PDQ_HEX_PATTERN.test(hex)) {
    throw new VigilError(
      'INPUT_MALFORMED_RECORD',
      'A PDQ hash must be exactly 64 hexadecimal characters (0-9, a-f), as PDQ tools print it.',
      { details: { length: typeof hex === 'string' ? hex.length : undefined } },
    );
  }
  const hash = new Uint8Array(PDQ_HASH_BYTES);
  for (let i = 0; i < PDQ_HASH_BYTES; i++) {
    hash[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return hash;
}

// ---------------------------------------------------------------------------------------------

function checkDimensions(width: number, height: number): void {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image dimensions must be positive whole numbers, not ${width}x${height}`);
  }
}

/** The 16x16 DCT block (row-major, row = vertical frequency) and the quality of an image. */
function dctCoefficients(
  luma: ArrayLike<number>,
  width: number,
  height: number,
): { coefficients: Float32Array; quality: number } {
  checkDimensions(width, height);
  if (luma.length < width * height) {
    throw new RangeError(`a ${width}x${height} image needs ${width * height} luminance values`);
  }
  if (width < MIN_HASHABLE_SIDE || height < MIN_HASHABLE_SIDE) {
    return { coefficients: new Float32Array(DCT_COUNT), quality: 0 };
  }
  const downsampled = downsampleTo64(luma, width, height);
  return { coefficients: dct64To16(downsampled), quality: qualityOf(downsampled) };
}

/**
 * Blur with the tent filter, then keep the pixel nearest each of the 64x64 cell centres.
 * A 64x64 input is taken as already downsampled, as the reference does (video frames).
 *
 * The reference's window is half a cell, rounded up: ceil(side / 128). Two passes of that box
 * per axis make a tent one cell wide, so every input pixel reaches some kept pixel.
 *
 * Only 64x64 pixels of the last pass are kept, so its row pass divides and stores only in the
 * 64 kept columns (the running sums still visit every pixel: they must, to stay exact), and
 * its column pass runs on those 64 columns alone. The kept values are the reference's.
 */
function downsampleTo64(luma: ArrayLike<number>, width: number, height: number): Float32Array {
  const out = new Float32Array(DOWNSAMPLED_SIDE * DOWNSAMPLED_SIDE);
  if (width === DOWNSAMPLED_SIDE && height === DOWNSAMPLED_SIDE) {
    for (let i = 0; i < out.length; i++) out[i] = luma[i] as number;
    return out;
  }
  const rowWindow = jaroszWindow(width);
  const columnWindow = jaroszWindow(height);
  const keptColumns = cellCentres(width);
  const keptRows = cellCentres(height);
  // The reference's input is float32; one element type also keeps the loops monomorphic.
  const input = luma instanceof Float32Array ? luma : Float32Array.from(luma);
  const scratch = new Float32Array(width * height);
  const blurred = new Float32Array(width * height);
  let source = input;
  for (let pass = 1; pass < JAROSZ_XY_PASSES; pass++) {
    boxFilterLines(source, scratch, height, width, width, 1, rowWindow);
    boxFilterLines(scratch, blurred, width, height, 1, width, columnWindow);
    source = blurred;
  }
  const wantedColumns = new Uint8Array(width);
  for (const x of keptColumns) wantedColumns[x] = 1;
  boxFilterLines(source, scratch, height, width, width, 1, rowWindow, wantedColumns);
  const narrow = new Float32Array(height * DOWNSAMPLED_SIDE);
  for (let y = 0; y < height; y++) {
    for (let j = 0; j < DOWNSAMPLED_SIDE; j++) {
      narrow[y * DOWNSAMPLED_SIDE + j] = scratch[y * width + (keptColumns[j] as number)] as number;
    }
  }
  const wantedRows = new Uint8Array(height);
  for (const y of keptRows) wantedRows[y] = 1;
  const narrowBlurred = new Float32Array(height * DOWNSAMPLED_SIDE);
  boxFilterLines(
    narrow,
    narrowBlurred,
    DOWNSAMPLED_SIDE,
    height,
    1,
    DOWNSAMPLED_SIDE,
    columnWindow,
    wantedRows,
  );
  for (let i = 0; i < DOWNSAMPLED_SIDE; i++) {
    const y = keptRows[i] as number;
    for (let j = 0; j < DOWNSAMPLED_SIDE; j++) {
      out[i * DOWNSAMPLED_SIDE + j] = narrowBlurred[y * DOWNSAMPLED_SIDE + j] as number;
    }
  }
  return out;
}

function jaroszWindow(side: number): number {
  return Math.floor((side + 2 * DOWNSAMPLED_SIDE - 1) / (2 * DOWNSAMPLED_SIDE));
}

/** The pixel nearest the centre of each of the 64 cells along a side (repeats when side < 64). */
function cellCentres(side: number): Int32Array {
  const centres = new Int32Array(DOWNSAMPLED_SIDE);
  // Computed in double precision, as the reference does.
  for (let i = 0; i < DOWNSAMPLED_SIDE; i++) {
    centres[i] = Math.trunc(((i + 0.5) * side) / DOWNSAMPLED_SIDE);
  }
  return centres;
}

/** Lines filtered side by side; 16 float32 sums fill one cache line. */
const LINES_AT_ONCE = 16;

/**
 * The reference's running box mean, along each of `lines` lines of `length` samples. Sample s
 * of line l is at l·lineStride + s·stepStride, in input and output alike.
 *
 * For a window of w, output s averages the inputs from s - (w - h) to s + h - 1, where
 * h = floor((w + 2) / 2), clipped at both ends and divided by the number of inputs actually
 * summed. The sum is a float32 running sum, added to and subtracted from in the reference's
 * order; that order is what makes the result bit-exact.
 *
 * The reference filters one line at a time. Here 16 lines advance together: each line's
 * arithmetic is unchanged, but 16 independent sums keep the processor busy where one sum
 * would wait on its own float32 rounding at every step, and a column pass reads whole cache
 * lines instead of one float per line. `wanted` (by sample index) skips the divisions and
 * stores of outputs nobody reads.
 */
function boxFilterLines(
  input: Float32Array,
  output: Float32Array,
  lines: number,
  length: number,
  lineStride: number,
  stepStride: number,
  window: number,
  wanted?: Uint8Array,
): void {
  const fround = Math.fround;
  const half = Math.floor((window + 2) / 2);
  const sums = new Float32Array(LINES_AT_ONCE);
  for (let first = 0; first < lines; first += LINES_AT_ONCE) {
    const count = Math.min(LINES_AT_ONCE, lines - first);
    const start = first * lineStride;
    sums.fill(0);
    let summed = 0;
    let right = start; // next sample to add
    let left = start; // next sample to subtract
    let step = 0; // next output
    // Accumulate the leading half-window without writing.
    for (let i = 1; i < half; i++, right += stepStride) {
      for (let k = 0, r = right; k < count; k++, r += lineStride) {
        sums[k] = (sums[k] as number) + (input[r] as number);
      }
      summed++;
    }
    // Growing window at the start.
    for (let i = half; i <= window; i++, right += stepStride, step++) {
      summed++;
      const o = step * stepStride + start;
      for (let k = 0, r = right; k < count; k++, r += lineStride) {
        const sum = fround((sums[k] as number) + (input[r] as number));
        sums[k] = sum;
        output[o + k * lineStride] = sum / summed;
      }
    }
    // Full window.
    for (let i = window; i < length; i++, right += stepStride, left += stepStride, step++) {
      if (wanted === undefined || wanted[step] === 1) {
        const o = step * stepStride + start;
        for (let k = 0, r = right, l = left; k < count; k++, r += lineStride, l += lineStride) {
          const sum = fround(
            fround((sums[k] as number) + (input[r] as number)) - (input[l] as number),
          );
          sums[k] = sum;
          output[o + k * lineStride] = sum / summed;
        }
      } else {
        for (let k = 0, r = right, l = left; k < count; k++, r += lineStride, l += lineStride) {
          sums[k] = fround((sums[k] as number) + (input[r] as number)) - (input[l] as number);
        }
      }
    }
    // Shrinking window at the end.
    for (let i = 1; i < half; i++, left += stepStride, step++) {
      summed--;
      const o = step * stepStride + start;
      for (let k = 0, l = left; k < count; k++, l += lineStride) {
        const sum = fround((sums[k] as number) - (input[l] as number));
        sums[k] = sum;
        output[o + k * lineStride] = sum / summed;
      }
    }
  }
}

/**
 * Upstream's heuristic quality: the sum over all neighbouring pairs of the 64x64 image of
 * |trunc((u - v) · 100 / 255)| (only steps of at least 2.55 grey levels count), divided by 90
 * and capped at 100. A flat or nearly flat image scores near 0 and its hash is noise.
 */
function qualityOf(pixels: Float32Array): number {
  const fround = Math.fround;
  let gradientSum = 0;
  for (let i = 0; i < DOWNSAMPLED_SIDE - 1; i++) {
    for (let j = 0; j < DOWNSAMPLED_SIDE; j++) {
      const u = pixels[i * DOWNSAMPLED_SIDE + j] as number;
      const v = pixels[(i + 1) * DOWNSAMPLED_SIDE + j] as number;
      gradientSum += Math.abs(Math.trunc(fround(fround(fround(u - v) * 100) / 255)));
    }
  }
  for (let i = 0; i < DOWNSAMPLED_SIDE; i++) {
    for (let j = 0; j < DOWNSAMPLED_SIDE - 1; j++) {
      const u = pixels[i * DOWNSAMPLED_SIDE + j] as number;
      const v = pixels[i * DOWNSAMPLED_SIDE + j + 1] as number;
      gradientSum += Math.abs(Math.trunc(fround(fround(fround(u - v) * 100) / 255)));
    }
  }
  return Math.min(100, Math.trunc(gradientSum / 90));
}

/**
 * B = D · A · Dᵀ for the 16x64 DCT matrix D: only the 16x16 low frequencies the hash uses,
 * computed directly (upstream found that cheaper than a fast full 64-point DCT). Float32
 * products and sums, summed over k in increasing order like the reference.
 */
function dct64To16(pixels: Float32Array): Float32Array {
  const fround = Math.fround;
  const side = DOWNSAMPLED_SIDE;
  const partial = new Float32Array(DCT_SIDE * side); // D · A
  for (let i = 0; i < DCT_SIDE; i++) {
    for (let j = 0; j < side; j++) {
      let sum = 0;
      for (let k = 0; k < side; k++) {
        sum = fround(
          sum + fround((DCT_MATRIX[i * side + k] as number) * (pixels[k * side + j] as number)),
        );
      }
      partial[i * side + j] = sum;
    }
  }
  const block = new Float32Array(DCT_COUNT);
  for (let i = 0; i < DCT_SIDE; i++) {
    for (let j = 0; j < DCT_SIDE; j++) {
      let sum = 0;
      for (let k = 0; k < side; k++) {
        sum = fround(
          sum + fround((partial[i * side + k] as number) * (DCT_MATRIX[j * side + k] as number)),
        );
      }
      block[i * DCT_SIDE + j] = sum;
    }
  }
  return block;
}

/**
 * One bit per coefficient: set when it is above the median. The reference's median (Torben's
 * method on 256 values) is the 128th smallest value, so about half the bits are set.
 *
 * Bit order follows the reference's hex form: coefficient (row, col) is bit col of 16-bit word
 * row, and the words print most significant first, word 15 first. So row r fills bytes
 * 2·(15 - r) (cols 15..8, high bit first) and 2·(15 - r) + 1 (cols 7..0).
 */
function thresholdAtMedian(coefficients: Float32Array): PdqHash {
  const sorted = Float32Array.from(coefficients).sort();
  const median = sorted[DCT_COUNT / 2 - 1] as number;
  const hash = new Uint8Array(PDQ_HASH_BYTES);
  for (let row = 0; row < DCT_SIDE; row++) {
    const highByte = 2 * (DCT_SIDE - 1 - row);
    for (let col = 0; col < DCT_SIDE; col++) {
      if ((coefficients[row * DCT_SIDE + col] as number) > median) {
        const byte = col >= 8 ? highByte : highByte + 1;
        hash[byte] = (hash[byte] as number) | (1 << (col & 7));
      }
    }
  }
  return hash;
}
