import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import {
  constantTimeEqual,
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhook,
} from './webhook-signature.js';

const SECRET = 'whsec_test_3f9a1c';
const BODY = JSON.stringify({ id: 'evt-1', type: 'decision.created', decision: 'dec-2025-0001' });
const NOW = 1_760_000_000;

function verify(header: string | undefined, overrides: { body?: string; now?: number } = {}) {
  return verifyWebhook({
    secret: SECRET,
    body: overrides.body ?? BODY,
    header,
    nowSeconds: overrides.now ?? NOW,
  });
}

function reasonOf(result: ReturnType<typeof verifyWebhook>): string {
  if (result.ok) throw new Error('expected the webhook to be refused');
  return result.reason;
}

describe('signWebhook', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 and the header names the timestamp', () => {
    const expected = bytesToHex(hmac(sha256, utf8ToBytes(SECRET), utf8ToBytes(`${NOW}.${BODY}`)));
    expect(signWebhook(SECRET, BODY, NOW)).toBe(`t=${NOW},v1=${expected}`);
    expect(SIGNATURE_HEADER).toBe('vigil-signature');
    expect(DEFAULT_TOLERANCE_SECONDS).toBe(300);
  });

  it('matches a known HMAC-SHA256 vector (RFC 4231 test case 2)', () => {
    // Guards the primitive the signature rests on (and the import paths of @noble/hashes).
    const mac = bytesToHex(
      hmac(sha256, utf8ToBytes('Jefe'), utf8ToBytes('what do ya want for nothing?')),
    );
    expect(mac).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('refuses an empty secret and a timestamp that is not whole seconds', () => {
    expect(() => signWebhook('', BODY, NOW)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    for (const t of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      try {
        signWebhook(SECRET, BODY, t);
        expect.unreachable();
      } catch (error) {
        expect(isVigilError(error, 'REQUEST_INVALID')).toBe(true);
      }
    }
  });
});

describe('verifyWebhook', () => {
  it('accepts what signWebhook produced (round trip) and returns the timestamp', () => {
    expect(verify(signWebhook(SECRET, BODY, NOW))).toEqual({ ok: true, timestamp: NOW });
  });

  it('accepts an empty body and a body with any characters', () => {
    for (const body of ['', '{"note":"ünïcødé ✓ \\u0000"}', 'line\nbreak']) {
      expect(verify(signWebhook(SECRET, body, NOW), { body }).ok).toBe(true);
    }
  });

  it('refuses a tampered body', () => {
    const header = signWebhook(SECRET, BODY, NOW);
    expect(reasonOf(verify(header, { body: BODY.replace('evt-1', 'evt-2') }))).toMatch(
      /does not match/,
    );
  });

  it('refuses a signature made with another secret', () => {
    expect(reasonOf(verify(signWebhook('another-secret', BODY, NOW)))).toMatch(/does not match/);
  });

  it('refuses a replay: a correct signature older than the tolerance', () => {
    const header = signWebhook(SECRET, BODY, NOW - DEFAULT_TOLERANCE_SECONDS - 1);
    expect(reasonOf(verify(header))).toMatch(/replay/);
    // At exactly the tolerance it is still accepted.
    expect(verify(signWebhook(SECRET, BODY, NOW - DEFAULT_TOLERANCE_SECONDS)).ok).toBe(true);
  });

  it('refuses a timestamp too far in the future', () => {
    const header = signWebhook(SECRET, BODY, NOW + DEFAULT_TOLERANCE_SECONDS + 1);
    expect(reasonOf(verify(header))).toMatch(/future/);
    expect(verify(signWebhook(SECRET, BODY, NOW + DEFAULT_TOLERANCE_SECONDS)).ok).toBe(true);
  });

  it('honours a custom tolerance', () => {
    const header = signWebhook(SECRET, BODY, NOW - 20);
    const options = { secret: SECRET, body: BODY, header, nowSeconds: NOW };
    expect(verifyWebhook({ ...options, toleranceSeconds: 10 }).ok).toBe(false);
    expect(verifyWebhook({ ...options, toleranceSeconds: 30 }).ok).toBe(true);
  });

  it('accepts any one of several v1 signatures, so secrets can be rotated', () => {
    const current = signWebhook(SECRET, BODY, NOW);
    const old = signWebhook('old-secret', BODY, NOW);
    const v1 = (header: string) => header.slice(header.indexOf('v1='));
    expect(verify(`t=${NOW},${v1(old)},${v1(current)}`).ok).toBe(true);
    expect(verify(`t=${NOW},${v1(current)},${v1(old)}`).ok).toBe(true);
    expect(verify(`t=${NOW},${v1(old)}`).ok).toBe(false);
  });

  it('tolerates spaces, upper-case hex and unknown schemes', () => {
    const header = signWebhook(SECRET, BODY, NOW);
    const hex = header.slice(header.indexOf('v1=') + 3);
    expect(verify(` t=${NOW} , v0=legacy, v1=${hex.toUpperCase()} `).ok).toBe(true);
  });

  it('refuses missing and malformed headers with a reason', () => {
    const hex = signWebhook(SECRET, BODY, NOW).split('v1=')[1] ?? '';
    const cases: [string | undefined, RegExp][] = [
      [undefined, /no vigil-signature header/],
      ['', /no vigil-signature header/],
      ['   ', /no vigil-signature header/],
      ['garbage', /malformed/],
      [`=${NOW},v1=${hex}`, /malformed/],
      [`v1=${hex}`, /no timestamp/],
      [`t=${NOW}`, /no v1 signature/],
      [`t=${NOW},t=${NOW},v1=${hex}`, /more than one timestamp/],
      [`t=-5,v1=${hex}`, /not a number of seconds/],
      [`t=1e9,v1=${hex}`, /not a number of seconds/],
      [`t=${NOW}.5,v1=${hex}`, /not a number of seconds/],
      [`t=,v1=${hex}`, /not a number of seconds/],
      [`t=${NOW},v1=${hex.slice(1)}`, /64 hex digits/],
      [`t=${NOW},v1=${'z'.repeat(64)}`, /64 hex digits/],
      [`t=${NOW},${`v1=${hex},`.repeat(9)}`, /malformed|too many/],
      [`t=${NOW},${Array.from({ length: 9 }, () => `v1=${hex}`).join(',')}`, /too many/],
      [`t=${NOW},v1=${hex},x=${'a'.repeat(5000)}`, /too long/],
    ];
    for (const [header, reason] of cases) {
      expect(reasonOf(verify(header)), String(header).slice(0, 80)).toMatch(reason);
    }
  });

  it('refuses everything when no secret is configured', () => {
    const header = signWebhook(SECRET, BODY, NOW);
    expect(reasonOf(verifyWebhook({ secret: '', body: BODY, header, nowSeconds: NOW }))).toMatch(
      /No webhook secret/,
    );
  });

  it('property: any change to the body breaks the signature', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        (body, other) => {
          fc.pre(body !== other);
          const header = signWebhook(SECRET, body, NOW);
          expect(verify(header, { body }).ok).toBe(true);
          expect(verify(header, { body: other }).ok).toBe(false);
        },
      ),
    );
  });

  it('property: changing any one character of the body breaks the signature', () => {
    // Printable ASCII in and out: lone UTF-16 surrogates all encode to U+FFFD, so two such bodies
    // are the same bytes on the wire and rightly share a signature.
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 1, max: 94 }),
        (body, at, delta) => {
          const i = at % body.length;
          const code = 0x20 + ((body.charCodeAt(i) - 0x20 + delta) % 95);
          const changed = body.slice(0, i) + String.fromCharCode(code) + body.slice(i + 1);
          fc.pre(changed !== body);
          expect(verify(signWebhook(SECRET, body, NOW), { body: changed }).ok).toBe(false);
        },
      ),
    );
  });
});

describe('constantTimeEqual', () => {
  it('is byte equality', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        const same = a.length === b.length && a.every((x, i) => x === b[i]);
        expect(constantTimeEqual(a, b)).toBe(same);
        expect(constantTimeEqual(a, Uint8Array.from(a))).toBe(true);
      }),
    );
  });
});
