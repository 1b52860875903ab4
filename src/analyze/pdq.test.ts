import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import {
  lumaFromRgb,
  PDQ_DIHEDRAL_NAMES,
  type PdqDihedralName,
  type PdqHash,
  parsePdqHex,
  pdqDihedral,
  pdqDistance,
  pdqFromLuminance,
  pdqHex,
} from './pdq.js';

/** Deterministic test images: a small linear congruential generator, not Math.random. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A photo-like image: a few smooth waves and blobs plus a little noise, values 0..255. */
function syntheticImage(width: number, height: number, seed: number): Float32Array {
  const random = generator(seed);
  const waves = Array.from({ length: 6 }, () => ({
    fx: (random() * 6 + 0.5) / width,
    fy: (random() * 6 + 0.5) / height,
    phase: random() * 2 * Math.PI,
    amplitude: 20 + random() * 30,
  }));
  const luma = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let value = 128 + (random() - 0.5) * 8;
      for (const w of waves) {
        value += w.amplitude * Math.sin(2 * Math.PI * (w.fx * x + w.fy * y) + w.phase);
      }
      luma[y * width + x] = Math.min(255, Math.max(0, Math.round(value)));
    }
  }
  return luma;
}

interface Image {
  readonly luma: Float32Array;
  readonly width: number;
  readonly height: number;
}

/** Moves each pixel: `source(x, y)` names the pixel of the input that lands at (x, y). */
function remap(
  image: Image,
  width: number,
  height: number,
  source: (x: number, y: number) => [number, number],
): Image {
  const luma = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = source(x, y);
      luma[y * width + x] = image.luma[sy * image.width + sx] as number;
    }
  }
  return { luma, width, height };
}

/** Each dihedral transform applied to pixels, to check the DCT-domain shortcut against. */
const PIXEL_TRANSFORMS: Record<PdqDihedralName, (image: Image) => Image> = {
  original: (im) => im,
  // Counter-clockwise: the right-hand column becomes the top row.
  rotate90: (im) => remap(im, im.height, im.width, (x, y) => [im.width - 1 - y, x]),
  rotate180: (im) =>
    remap(im, im.width, im.height, (x, y) => [im.width - 1 - x, im.height - 1 - y]),
  // Clockwise: the left-hand column becomes the top row.
  rotate270: (im) => remap(im, im.height, im.width, (x, y) => [y, im.height - 1 - x]),
  flipX: (im) => remap(im, im.width, im.height, (x, y) => [x, im.height - 1 - y]),
  flipY: (im) => remap(im, im.width, im.height, (x, y) => [im.width - 1 - x, y]),
  flipPlus1: (im) => remap(im, im.height, im.width, (x, y) => [y, x]),
  flipMinus1: (im) =>
    remap(im, im.height, im.width, (x, y) => [im.width - 1 - y, im.height - 1 - x]),
};

/**
 * A literal, unoptimised reading of the published algorithm (one line at a time, every pass
 * over every pixel, float32 arithmetic), to check the optimised module against.
 */
function straightforwardPdq(luma: Float32Array, width: number, height: number): PdqHash {
  const f = Math.fround;
  const box = (
    input: Float32Array,
    output: Float32Array,
    offset: number,
    length: number,
    stride: number,
    window: number,
  ): void => {
    // One running sum per line: grow to the first full window, slide, then shrink.
    const half = Math.floor((window + 2) / 2);
    const at = (index: number): number => input[offset + index * stride] as number;
    let sum = 0;
    let n = 0;
    let right = 0;
    let left = 0;
    let o = 0;
    const write = (): void => {
      output[offset + o * stride] = sum / n;
      o++;
    };
    for (let i = 0; i < half - 1; i++) {
      sum = f(sum + at(right++));
      n++;
    }
    for (let i = 0; i < window - half + 1; i++) {
      sum = f(sum + at(right++));
      n++;
      write();
    }
    for (let i = 0; i < length - window; i++) {
      sum = f(sum + at(right++));
      sum = f(sum - at(left++));
      write();
    }
    for (let i = 0; i < half - 1; i++) {
      sum = f(sum - at(left++));
      n--;
      write();
    }
  };
  const buffer = Float32Array.from(luma);
  const scratch = new Float32Array(width * height);
  const rowWindow = Math.ceil(width / 128);
  const columnWindow = Math.ceil(height / 128);
  for (let pass = 0; pass < 2; pass++) {
    for (let y = 0; y < height; y++) box(buffer, scratch, y * width, width, 1, rowWindow);
    for (let x = 0; x < width; x++) box(scratch, buffer, x, height, width, columnWindow);
  }
  const small = new Float32Array(64 * 64);
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 64; j++) {
      const y = Math.floor(((i + 0.5) * height) / 64);
      const x = Math.floor(((j + 0.5) * width) / 64);
      small[i * 64 + j] = buffer[y * width + x] as number;
    }
  }
  const d = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      d[i * 64 + j] = f(Math.sqrt(2 / 64)) * Math.cos((Math.PI / 128) * (i + 1) * (2 * j + 1));
    }
  }
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++)
        s = f(s + f((d[i * 64 + k] as number) * (small[k * 64 + j] as number)));
      t[i * 64 + j] = s;
    }
  }
  const dct = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++)
        s = f(s + f((t[i * 64 + k] as number) * (d[j * 64 + k] as number)));
      dct[i * 16 + j] = s;
    }
  }
  const median = Float32Array.from(dct).sort()[127] as number;
  // Reference text form: 16-bit word i holds row i (bit j = column j), words printed 15..0.
  let hex = '';
  for (let i = 15; i >= 0; i--) {
    let word = 0;
    for (let j = 0; j < 16; j++) if ((dct[i * 16 + j] as number) > median) word |= 1 << j;
    hex += word.toString(16).padStart(4, '0');
  }
  return parsePdqHex(hex);
}

describe('pdqFromLuminance', () => {
  it('is deterministic and leaves its input alone', () => {
    const luma = syntheticImage(300, 200, 1);
    const copy = Float32Array.from(luma);
    const first = pdqFromLuminance(luma, 300, 200);
    const second = pdqFromLuminance(luma, 300, 200);
    expect(pdqHex(first.hash)).toBe(pdqHex(second.hash));
    expect(first.quality).toBe(second.quality);
    expect(luma).toEqual(copy);
    expect(first.hash).toHaveLength(32);
  });

  it.each([
    [5, 5],
    [37, 90],
    [64, 64],
    [63, 65],
    [129, 200],
    [301, 257],
  ])('gives exactly the straightforward algorithm’s hash for a %ix%i image', (width, height) => {
    const luma = syntheticImage(width, height, width * 1000 + height);
    const expected = straightforwardPdq(luma, width, height);
    const got = pdqFromLuminance(luma, width, height).hash;
    // 64x64 input skips the blur, as the reference does; the straightforward version does not.
    if (width === 64 && height === 64) return;
    expect(pdqHex(got)).toBe(pdqHex(expected));
  });

  it('accepts any array of numbers, not only Float32Array', () => {
    const luma = syntheticImage(120, 80, 7);
    const bytes = Uint8Array.from(luma);
    expect(pdqHex(pdqFromLuminance(bytes, 120, 80).hash)).toBe(
      pdqHex(pdqFromLuminance(luma, 120, 80).hash),
    );
  });

  it('rates a flat image at quality 0 and a textured one at 100', () => {
    expect(pdqFromLuminance(new Float32Array(200 * 150).fill(90), 200, 150).quality).toBe(0);
    expect(pdqFromLuminance(syntheticImage(200, 150, 3), 200, 150).quality).toBe(100);
  });

  it('returns the reference’s all-zero hash and quality 0 below 5 pixels a side', () => {
    const result = pdqFromLuminance(syntheticImage(4, 100, 5), 4, 100);
    expect(pdqHex(result.hash)).toBe('0'.repeat(64));
    expect(result.quality).toBe(0);
  });

  it('refuses dimensions that do not match the buffer', () => {
    expect(() => pdqFromLuminance(new Float32Array(10), 4, 4)).toThrow(RangeError);
    expect(() => pdqFromLuminance(new Float32Array(16), 4.5, 4)).toThrow(RangeError);
    expect(() => pdqFromLuminance(new Float32Array(16), 0, 4)).toThrow(RangeError);
  });
});

describe('pdqDihedral', () => {
  // 320 = 5 x 64: the box window (3) is centred and the 64 kept pixels sit symmetrically, so a
  // transformed image is blurred and sampled exactly like the original, up to float rounding
  // from summing in the other direction. On this image that rounding flips no bit: the
  // variants are asserted equal, not merely close.
  const image: Image = { luma: syntheticImage(320, 320, 11), width: 320, height: 320 };
  const dihedral = pdqDihedral(image.luma, image.width, image.height);

  it('gives the plain hash and quality as its original variant', () => {
    const plain = pdqFromLuminance(image.luma, image.width, image.height);
    expect(pdqHex(dihedral.hashes.original)).toBe(pdqHex(plain.hash));
    expect(dihedral.quality).toBe(plain.quality);
  });

  it.each(PDQ_DIHEDRAL_NAMES)('predicts the hash of the %s image exactly', (name) => {
    const moved = PIXEL_TRANSFORMS[name](image);
    const direct = pdqFromLuminance(moved.luma, moved.width, moved.height).hash;
    expect(pdqHex(dihedral.hashes[name])).toBe(pdqHex(direct));
  });

  it('stays within a few bits on a non-square image whose blur is not symmetric', () => {
    const wide: Image = { luma: syntheticImage(400, 260, 13), width: 400, height: 260 };
    const variants = pdqDihedral(wide.luma, wide.width, wide.height).hashes;
    for (const name of PDQ_DIHEDRAL_NAMES) {
      const moved = PIXEL_TRANSFORMS[name](wide);
      const direct = pdqFromLuminance(moved.luma, moved.width, moved.height).hash;
      expect(pdqDistance(variants[name], direct), name).toBeLessThanOrEqual(8);
    }
  });

  it('gives eight distinct hashes for an asymmetric image', () => {
    const hexes = new Set(Object.values(dihedral.hashes).map(pdqHex));
    expect(hexes.size).toBe(8);
  });
});

describe('lumaFromRgb', () => {
  it('weighs R, G and B 0.299 / 0.587 / 0.114 and ignores alpha', () => {
    const rgba = Uint8Array.from([255, 0, 0, 9, 0, 255, 0, 9, 0, 0, 255, 9, 10, 20, 30, 0]);
    const luma = lumaFromRgb(rgba, 4, 1, 4);
    expect(luma[0]).toBeCloseTo(76.245, 3);
    expect(luma[1]).toBeCloseTo(149.685, 3);
    expect(luma[2]).toBeCloseTo(29.07, 3);
    expect(luma[3]).toBeCloseTo(0.299 * 10 + 0.587 * 20 + 0.114 * 30, 3);
    const rgb = rgba.filter((_, index) => index % 4 !== 3);
    expect(lumaFromRgb(rgb, 2, 2, 3)).toEqual(lumaFromRgb(rgba, 2, 2, 4));
  });

  it('takes grey pixels as they are', () => {
    expect(Array.from(lumaFromRgb(Uint8Array.from([7, 200, 13, 255]), 2, 1, 2))).toEqual([7, 13]);
    expect(Array.from(lumaFromRgb(Uint8Array.from([7, 200]), 2, 1, 1))).toEqual([7, 200]);
  });

  it('refuses short buffers and odd channel counts', () => {
    expect(() => lumaFromRgb(new Uint8Array(5), 2, 1, 3)).toThrow(RangeError);
    expect(() => lumaFromRgb(new Uint8Array(50), 2, 1, 5)).toThrow(RangeError);
  });
});

describe('pdqDistance', () => {
  const a = parsePdqHex('f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22');

  it('counts differing bits', () => {
    expect(pdqDistance(a, a)).toBe(0);
    expect(
      pdqDistance(
        a,
        a.map((byte) => byte ^ 0xff),
      ),
    ).toBe(256);
    const oneBit = Uint8Array.from(a);
    oneBit[31] = (oneBit[31] as number) ^ 0x10;
    expect(pdqDistance(a, oneBit)).toBe(1);
    // python pdq README: the Pillow-decoded hash of the same image is 4 bits away.
    const pillow = parsePdqHex('d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22');
    expect(pdqDistance(a, pillow)).toBe(4);
  });

  it('refuses anything but 32-byte hashes', () => {
    expect(() => pdqDistance(a, new Uint8Array(31))).toThrow(RangeError);
  });
});

describe('pdqHex and parsePdqHex', () => {
  it('round-trips, accepting either case and printing lowercase', () => {
    const hex = 'f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22';
    expect(pdqHex(parsePdqHex(hex))).toBe(hex);
    expect(pdqHex(parsePdqHex(hex.toUpperCase()))).toBe(hex);
    const hash = syntheticImage(32, 1, 9).map((v) => v % 256);
    expect(pdqHex(parsePdqHex(pdqHex(Uint8Array.from(hash))))).toBe(pdqHex(Uint8Array.from(hash)));
  });

  it.each([
    ['too short', 'f'.repeat(63)],
    ['too long', 'f'.repeat(65)],
    ['not hex', `${'f'.repeat(63)}g`],
    ['padded', ` ${'f'.repeat(63)}`],
    ['prefixed', `0x${'f'.repeat(62)}`],
    ['empty', ''],
  ])('rejects %s input with a VigilError', (_what, hex) => {
    let caught: unknown;
    try {
      parsePdqHex(hex);
    } catch (error) {
      caught = error;
    }
    expect(isVigilError(caught, 'INPUT_MALFORMED_RECORD')).toBe(true);
  });
});
