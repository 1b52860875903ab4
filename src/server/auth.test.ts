import { describe, expect, it } from 'vitest';
import {
  API_KEY_PATTERN,
  generateApiKey,
  generateSessionToken,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  sha256Hex,
  verifyPassword,
} from './auth.js';

describe('passwords', () => {
  it('hash to a PHC scrypt string with N = 2^15, r = 8, p = 1 and a 16-byte salt', async () => {
    const hash = await hashPassword('correct horse battery staple');
    const match = /^\$scrypt\$ln=15,r=8,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(hash);
    expect(match).not.toBeNull();
    expect(Buffer.from(match?.[1] ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(match?.[2] ?? '', 'base64')).toHaveLength(32);
  });

  it('round-trip, and a wrong password does not match', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('are salted: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password'),
      hashPassword('same password'),
    ]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('compare Unicode in normal form', async () => {
    const hash = await hashPassword('caf\u00e9 au lait!');
    expect(await verifyPassword('cafe\u0301 au lait!', hash)).toBe(true);
  });

  it('are capped in length', async () => {
    await expect(hashPassword('x'.repeat(MAX_PASSWORD_LENGTH + 1))).rejects.toThrow(RangeError);
    const hash = await hashPassword('x'.repeat(MAX_PASSWORD_LENGTH));
    expect(await verifyPassword('x'.repeat(MAX_PASSWORD_LENGTH), hash)).toBe(true);
    expect(await verifyPassword('x'.repeat(MAX_PASSWORD_LENGTH + 1), hash)).toBe(false);
  });

  it('never match a missing, malformed or out-of-bounds hash', async () => {
    const hash = await hashPassword('a long enough password');
    for (const stored of [
      undefined,
      '',
      'plaintext',
      hash.replace('$scrypt$', '$argon2id$'),
      hash.replace('ln=15', 'ln=30'),
      hash.replace('r=8', 'r=0'),
      hash.slice(0, -4),
    ]) {
      expect(await verifyPassword('a long enough password', stored), String(stored)).toBe(false);
    }
  });
});

describe('API keys and sessions', () => {
  it('API keys are vgl_ and 32 random bytes, stored by SHA-256', () => {
    const { key, sha256, prefix } = generateApiKey();
    expect(key).toMatch(API_KEY_PATTERN);
    expect(Buffer.from(key.slice(4), 'base64url')).toHaveLength(32);
    expect(sha256).toBe(sha256Hex(key));
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(key.startsWith(prefix)).toBe(true);
    expect(prefix.length).toBeLessThan(16);
    expect(generateApiKey().key).not.toBe(key);
  });

  it('session tokens are 32 random bytes, stored by SHA-256', () => {
    const { token, sha256 } = generateSessionToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(sha256).toBe(sha256Hex(token));
  });
});
