import { sha256 } from '@noble/hashes/sha2.js';
import { base64 } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf, errorOf } from '../../test/support/errors.js';
import {
  createPsiSession,
  hashItem,
  type PsiRequest,
  type PsiResponse,
  psiFinish,
  psiItem,
  psiRateLimit,
  psiRequest,
  psiRespond,
  psiRespondInSlices,
} from './psi.js';

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

const phones = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) =>
    psiItem('phone', `+4420700${String(from + i).padStart(5, '0')}`),
  );

/** Runs the three rounds; returns A's result and the messages. */
function run(a: readonly string[], b: readonly string[], label = 'run', limits = {}) {
  const sessionA = createPsiSession('session-0001', testRandom(`${label}/a`), limits);
  const sessionB = createPsiSession('session-0001', testRandom(`${label}/b`), limits);
  const { request, pending } = psiRequest(sessionA, a, testRandom(`${label}/a-shuffle`));
  const response = psiRespond(sessionB, request, b, testRandom(`${label}/b-shuffle`));
  return {
    result: psiFinish(sessionA, pending, response),
    request,
    response,
    sessionA,
    sessionB,
    pending,
  };
}

describe('ECDH-PSI over ristretto255', () => {
  it('answers the same in slices, giving way between them', async () => {
    const a = phones(0, 30);
    const b = phones(20, 25);
    const { request, response, sessionB } = run(a, b, 'slices');
    let pauses = 0;
    const sliced = await psiRespondInSlices(
      sessionB,
      request,
      b,
      testRandom('slices/b-shuffle'),
      async () => {
        pauses++;
      },
      10,
    );
    expect(sliced).toEqual(response);
    // 30 of A's points and 25 of B's, a pause after every 10 of each.
    expect(pauses).toBe(3 + 2);
  });

  it('finds exactly the intersection, in A input order, and reveals set sizes', () => {
    const a = phones(0, 15);
    const b = [...phones(10, 20), psiItem('email', 'someone@example.org')];
    const { result } = run(a, b);
    expect(result.intersection).toEqual(phones(10, 5));
    expect(result.ownSize).toBe(15);
    expect(result.partnerSize).toBe(21);
  });

  it('finds exactly the intersection for random sets with a random overlap (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), {
          minLength: 30,
          maxLength: 45,
        }),
        fc.integer({ min: 10, max: 15 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 10 }),
        fc.string({ maxLength: 8 }),
        (pool, sizeA, overlap, extraB, seed) => {
          const a = pool.slice(0, sizeA);
          const shared = a.slice(0, overlap);
          const b = [
            ...pool.slice(sizeA, sizeA + Math.max(extraB, 10 - overlap)),
            ...shared,
          ].reverse();
          const { result, request, response } = run(a, b, `prop/${seed}`);
          expect(new Set(result.intersection)).toEqual(new Set(shared));
          expect(result.intersection).toHaveLength(shared.length);
          // Messages are blinded: no point sent equals the plain hash of any identifier.
          const plain = new Set([...a, ...b].map((item) => base64.encode(hashItem(item))));
          for (const value of [...request.points, ...response.points, ...response.doubled]) {
            expect(plain.has(value)).toBe(false);
          }
        },
      ),
      { numRuns: 8 },
    );
  });

  it('shuffles: the request order does not follow the input order', () => {
    const a = phones(0, 12);
    const { pending } = run(a, phones(100, 12));
    expect(pending.items).not.toEqual(a);
    expect([...pending.items].sort()).toEqual([...a].sort());
  });

  it('gives different blinded values in different sessions for the same items', () => {
    const a = phones(0, 10);
    const one = run(a, phones(0, 10), 'one').request.points;
    const two = run(a, phones(0, 10), 'two').request.points;
    expect(new Set(one).size + new Set(two).size).toBe(new Set([...one, ...two]).size);
  });

  it('counts duplicate items once', () => {
    const a = [...phones(0, 10), ...phones(0, 3)];
    const { result, request } = run(a, phones(0, 10));
    expect(request.points).toHaveLength(10);
    expect(result.intersection).toEqual(phones(0, 10));
  });

  it('refuses sets under the minimum or over the maximum, on either side', () => {
    const session = createPsiSession('session-0001', testRandom('s'));
    expect(codeOf(() => psiRequest(session, phones(0, 9), testRandom('r')))).toBe('PSI_REFUSED');
    // A partner who sends a tiny request (a probe for one identifier) is refused by B.
    const probe = createPsiSession('session-0001', testRandom('p'), { minSetSize: 1 });
    const { request } = psiRequest(probe, phones(0, 1), testRandom('r'));
    const error = errorOf(() => psiRespond(session, request, phones(0, 20), testRandom('r')));
    expect(error?.code).toBe('PSI_REFUSED');
    expect(error?.details).toMatchObject({ reason: 'too-small', whose: 'partner' });
    // A tiny answer is refused by A.
    const a = createPsiSession('session-0001', testRandom('a'));
    const out = psiRequest(a, phones(0, 10), testRandom('r'));
    const tinyB = createPsiSession('session-0001', testRandom('b'), { minSetSize: 1 });
    const answer = psiRespond(tinyB, out.request, phones(0, 1), testRandom('r'));
    expect(errorOf(() => psiFinish(a, out.pending, answer))?.details).toMatchObject({
      reason: 'too-small',
    });
    const small = createPsiSession('session-0001', testRandom('m'), { maxSetSize: 12 });
    expect(errorOf(() => psiRequest(small, phones(0, 13), testRandom('r')))?.details).toMatchObject(
      {
        reason: 'too-large',
      },
    );
  });

  it('refuses messages of another session, invalid, identity and duplicate points, wrong lengths', () => {
    const { request, response, sessionA, sessionB, pending } = run(phones(0, 12), phones(5, 12));
    const reason = (f: () => unknown) => errorOf(f)?.details?.reason;
    const other = createPsiSession('session-0002', testRandom('o'));
    expect(reason(() => psiRespond(other, request, phones(0, 12), testRandom('r')))).toBe(
      'session-mismatch',
    );
    const withPoint = (value: string): PsiRequest => ({
      ...request,
      points: [value, ...request.points.slice(1)],
    });
    const rand = testRandom('r');
    expect(reason(() => psiRespond(sessionB, withPoint('not a point'), phones(0, 12), rand))).toBe(
      'invalid-point',
    );
    expect(
      reason(() =>
        psiRespond(sessionB, withPoint(base64.encode(new Uint8Array(32))), phones(0, 12), rand),
      ),
    ).toBe('invalid-point');
    expect(
      reason(() =>
        psiRespond(
          sessionB,
          withPoint(base64.encode(new Uint8Array(32).fill(0xff))),
          phones(0, 12),
          rand,
        ),
      ),
    ).toBe('invalid-point');
    expect(
      reason(() =>
        psiRespond(sessionB, withPoint(request.points[1] as string), phones(0, 12), rand),
      ),
    ).toBe('duplicate-point');
    const short: PsiResponse = { ...response, doubled: response.doubled.slice(1) };
    expect(reason(() => psiFinish(sessionA, pending, short))).toBe('length-mismatch');
    const dup: PsiResponse = {
      ...response,
      points: [response.points[0] as string, ...response.points.slice(0, -1)],
    };
    expect(reason(() => psiFinish(sessionA, pending, dup))).toBe('duplicate-point');
    expect(
      reason(() =>
        psiFinish(sessionA, pending, { ...response, round: 'request' } as unknown as PsiResponse),
      ),
    ).toBe('message-invalid');
  });

  it('never throws anything but PSI_REFUSED on arbitrary responses', () => {
    const { sessionA, pending, response } = run(phones(0, 10), phones(0, 10), 'fuzz');
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.base64String({ minLength: 44, maxLength: 44 }), fc.string()), {
          minLength: 10,
          maxLength: 12,
        }),
        (points) => {
          const code = codeOf(() => psiFinish(sessionA, pending, { ...response, points }));
          expect(code === undefined || code === 'PSI_REFUSED').toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('checks that items are normalised', () => {
    expect(psiItem('phone', '+12125550123')).toBe('phone:+12125550123');
    expect(psiItem('handle', 'telegram:some_name')).toBe('handle:telegram:some_name');
    expect(codeOf(() => psiItem('phone', '212 555 0123'))).toBe('PSI_REFUSED');
    expect(codeOf(() => psiItem('email', 'Someone@Example.org'))).toBe('PSI_REFUSED');
    expect(codeOf(() => psiItem('handle', 'Telegram:Name'))).toBe('PSI_REFUSED');
    expect(codeOf(() => createPsiSession('short', testRandom('x')))).toBe('PSI_REFUSED');
  });
});

describe('psiRateLimit', () => {
  const day = 86_400_000;
  const policy = { windowMs: day, maxSessions: 3, maxItems: 30_000, minIntervalMs: 60_000 };

  it('allows a first session and counts only the window', () => {
    expect(psiRateLimit([], 10 * day, 1000, policy)).toEqual({ allowed: true });
    const old = [
      { at: 1, items: 10_000 },
      { at: 2, items: 10_000 },
      { at: 3, items: 10_000 },
    ];
    expect(psiRateLimit(old, 10 * day, 1000, policy).allowed).toBe(true);
  });

  it('refuses too many sessions, too many items and sessions too close together', () => {
    const now = 10 * day;
    const three = [now - 3000_000, now - 2000_000, now - 1000_000].map((at) => ({
      at,
      items: 100,
    }));
    expect(psiRateLimit(three, now, 100, policy)).toEqual({
      allowed: false,
      reason: 'sessions',
      retryAt: now - 3000_000 + day + 1,
    });
    expect(psiRateLimit([{ at: now - 1000, items: 10 }], now, 10, policy)).toEqual({
      allowed: false,
      reason: 'interval',
      retryAt: now - 1000 + 60_000,
    });
    const heavy = [{ at: now - 2 * 3600_000, items: 25_000 }];
    expect(psiRateLimit(heavy, now, 10_000, policy)).toEqual({
      allowed: false,
      reason: 'items',
      retryAt: now - 2 * 3600_000 + day + 1,
    });
    expect(psiRateLimit([], now, 40_000, policy)).toEqual({ allowed: false, reason: 'items' });
  });

  it('is monotone: a refused request stays refused with more history (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 2 * day }), items: fc.nat(20_000) }), {
          maxLength: 6,
        }),
        fc.record({ at: fc.integer({ min: 0, max: 2 * day }), items: fc.nat(20_000) }),
        fc.nat(20_000),
        (history, extra, requested) => {
          const now = 2 * day;
          if (!psiRateLimit(history, now, requested, policy).allowed) {
            expect(psiRateLimit([...history, extra], now, requested, policy).allowed).toBe(false);
          }
        },
      ),
    );
  });
});
