import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashNodeInput } from './node-hash.js';

const reference = (left: Uint8Array, right: Uint8Array): Uint8Array => {
  const input = new Uint8Array(65);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 33);
  return sha256(input);
};

describe('node hash (SHA-256 of 0x01 || left || right)', () => {
  it('equals a general SHA-256 on any pair of 32-byte inputs', () => {
    const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(hash32, hash32, (left, right) => {
        expect(hashNodeInput(left, right)).toEqual(reference(left, right));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives a fresh result each call, unaffected by later calls', () => {
    const zero = new Uint8Array(32);
    const ones = new Uint8Array(32).fill(0xff);
    const first = hashNodeInput(zero, ones);
    const copy = first.slice();
    hashNodeInput(ones, zero);
    expect(first).toEqual(copy);
    expect(first).toEqual(reference(zero, ones));
  });
});
