import { sha256 } from '@noble/hashes/sha2.js';
import { base64, hex } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../test/support/errors.js';
import {
  formatOrgPublicKey,
  formatOrgSecretKey,
  generateOrgKeys,
  orgKeyFingerprint,
  orgKeysFromSecrets,
  parseOrgPublicKey,
  parseOrgSecretKey,
  samePublicKeys,
  toPublicKeys,
} from './keys.js';

const encoder = new TextEncoder();

/** Deterministic "randomness" for tests: SHA-256 in counter mode over a label. */
function testRandom(label: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let offset = 0; offset < n; offset += 32) {
      const block = sha256(encoder.encode(`${label}/${counter++}`));
      out.set(block.subarray(0, Math.min(32, n - offset)), offset);
    }
    return out;
  };
}

describe('organisation keys', () => {
  const keys = generateOrgKeys('ngo-north', testRandom('keys'));

  it('formats and parses the public key text', () => {
    const text = formatOrgPublicKey(keys);
    expect(text).toMatch(
      /^vigil-org:ngo-north:ed25519:[A-Za-z0-9+/]{43}=:x25519:[A-Za-z0-9+/]{43}=$/,
    );
    const parsed = parseOrgPublicKey(`  ${text}\n`);
    expect(samePublicKeys(parsed, keys)).toBe(true);
    expect(formatOrgPublicKey(parsed)).toBe(text);
  });

  it('round-trips secret keys and rebuilds the same public keys', () => {
    const text = formatOrgSecretKey(keys);
    expect(text.startsWith('vigil-org-secret:ngo-north:ed25519:')).toBe(true);
    const parsed = parseOrgSecretKey(text);
    expect(samePublicKeys(parsed, keys)).toBe(true);
    expect(
      orgKeysFromSecrets('ngo-north', keys.signingSecret, keys.encryptionSecret).signing,
    ).toEqual(keys.signing);
  });

  it('gives a fingerprint of 16 groups of 4 hex digits over the canonical text', () => {
    const fingerprint = orgKeyFingerprint(keys);
    expect(fingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    expect(fingerprint.replaceAll(' ', '')).toBe(
      hex.encode(sha256(encoder.encode(formatOrgPublicKey(keys)))),
    );
    // The org id is covered: the same keys under another name have another fingerprint.
    expect(orgKeyFingerprint({ ...toPublicKeys(keys), org: 'ngo-south' })).not.toBe(fingerprint);
  });

  it('refuses malformed key texts with KEY_INVALID and never echoes a secret', () => {
    const text = formatOrgPublicKey(keys);
    const signing = base64.encode(keys.signing);
    const bad = [
      '',
      text.replace('vigil-org:', 'vigil-orgs:'),
      text.replace(':ed25519:', ':ed448:'),
      text.replace('ngo-north', 'ngo north'),
      text.replace('ngo-north', 'ngo:north'),
      text.replace(signing, signing.slice(0, -2)),
      `${text}:extra`,
      text.replace(signing, base64.encode(new Uint8Array(32))), // not a usable Ed25519 key
      text.replace(base64.encode(keys.encryption), base64.encode(new Uint8Array(32))),
    ];
    for (const value of bad)
      expect(
        codeOf(() => parseOrgPublicKey(value)),
        value,
      ).toBe('KEY_INVALID');
    const secret = formatOrgSecretKey(keys);
    try {
      parseOrgSecretKey(`${secret}x`);
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(base64.encode(keys.signingSecret));
    }
    expect(codeOf(() => generateOrgKeys('a:b', testRandom('x')))).toBe('KEY_INVALID');
    expect(codeOf(() => generateOrgKeys('ok', () => new Uint8Array(3)))).toBe('KEY_INVALID');
  });

  it('never throws anything but KEY_INVALID on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const code = codeOf(() => parseOrgPublicKey(text));
        expect(code === undefined || code === 'KEY_INVALID').toBe(true);
      }),
    );
  });

  it('round-trips any generated key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (seed) => {
        const generated = orgKeysFromSecrets('org.1', seed.slice(0, 32), seed.slice(32));
        expect(samePublicKeys(parseOrgPublicKey(formatOrgPublicKey(generated)), generated)).toBe(
          true,
        );
      }),
      { numRuns: 30 },
    );
  });
});
