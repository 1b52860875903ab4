/**
 * Seeded randomness for the corpus: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator)
 * seeded through splitmix32. Only 32-bit integer arithmetic is used, so the same seed gives the
 * same stream on every platform and Node version; Math.random() is never touched.
 */

const TWO_POW_32 = 4_294_967_296;
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

/** One splitmix32 step from `state`; used to spread a small seed over the sfc32 state. */
export function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Mixes two 32-bit values into one, for deriving independent streams (seed, salt, index). */
export function mix32(a: number, b: number): number {
  return splitmix32((Math.imul(a >>> 0, 0x9e3779b1) ^ splitmix32(b >>> 0)) >>> 0);
}

export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number, salt = 0) {
    this.reseed(seed, salt);
  }

  /** Restarts the stream; reusing one instance avoids an allocation per derived entity. */
  reseed(seed: number, salt = 0): this {
    let s = mix32(seed, salt);
    this.a = s = splitmix32(s);
    this.b = s = splitmix32(s);
    this.c = s = splitmix32(s);
    this.d = 1;
    // sfc32's author recommends discarding the first outputs so weak seeds decorrelate.
    for (let i = 0; i < 12; i++) this.u32();
    return this;
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi], both ends included. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** Index drawn from cumulative weights (last entry = total). */
  weighted(cumulative: ArrayLike<number>): number {
    const total = cumulative[cumulative.length - 1] as number;
    const x = this.float() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (x < (cumulative[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** `count` lower-case hex characters. */
  hex(count: number): string {
    let out = '';
    while (out.length < count) {
      const x = this.u32();
      out += `${BYTE_HEX[x >>> 24]}${BYTE_HEX[(x >>> 16) & 0xff]}${BYTE_HEX[(x >>> 8) & 0xff]}${BYTE_HEX[x & 0xff]}`;
    }
    return out.length === count ? out : out.slice(0, count);
  }

  bytes(into: Uint8Array, from = 0, to = into.length): Uint8Array {
    for (let i = from; i < to; i++) into[i] = this.u32() & 0xff;
    return into;
  }
}

/** Cumulative sums of `weights`, for Rng.weighted. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i] as number;
    out[i] = sum;
  }
  return out;
}
