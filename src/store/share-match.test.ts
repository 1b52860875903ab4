/**
 * Private matching on the real store, on every test database: this instance's set (phones,
 * emails, handles, wallets; distinct, bounded), the responder's refusals (unknown partner,
 * unconfirmed partner, unknown agreement, agreement without `indicators` naming clause 4, a set
 * under the minimum, the rate limit, a replayed session), and a full run between two stores
 * through a `post` that checks the signature and calls the other store's answerMatch.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import {
  agreementBetween,
  distinct,
  NOT_MATCHED,
  partnerOf,
  SHARED,
  seedIdentifiers,
} from '../../test/support/share-match-fixtures.js';
import { statusOf } from '../server/problems.js';
import { generateOrgKeys, type OrgKeys, toPublicKeys } from '../share/keys.js';
import { createPsiSession, type PsiRatePolicy, psiRequest } from '../share/psi.js';
import { verifyRequest } from '../share/transport.js';
import { VigilError } from '../shared/errors.js';
import type { ServiceStore } from './repositories.js';
import { openServiceStore } from './service-store.js';
import {
  answerMatch,
  ownMatchItems,
  type PostFunction,
  PSI_PATH,
  runMatch,
} from './share-match.js';

const randomBytes = (n: number) => new Uint8Array(nodeRandomBytes(n));
const NOW = '2026-11-28T10:00:00.000Z';
const later = (seconds: number) => new Date(Date.parse(NOW) + seconds * 1000).toISOString();

/** What the thrown error was: its code and details (or the error itself when not ours). */
async function refusal(
  work: Promise<unknown>,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await work;
  } catch (error) {
    if (error instanceof VigilError) {
      return { code: error.code, message: error.message, details: { ...error.details } };
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

for (const database of testDatabases()) {
  describe(`private matching on ${database.name}`, () => {
    let a: ServiceStore;
    let b: ServiceStore;
    let keysA: OrgKeys;
    let keysB: OrgKeys;

    beforeAll(async () => {
      a = openServiceStore(await database.open());
      b = openServiceStore(await database.open());
      keysA = generateOrgKeys('org-a', randomBytes);
      keysB = generateOrgKeys('org-b', randomBytes);
      await seedIdentifiers(a, [...SHARED, ...distinct('a'), ...NOT_MATCHED], NOW);
      await seedIdentifiers(b, [...distinct('b'), ...SHARED], NOW);
      await a.share.savePartner(partnerOf(keysB));
      await b.share.savePartner(partnerOf(keysA));
      await b.share.savePartner(
        partnerOf(generateOrgKeys('org-c', randomBytes), { confirmed: false }),
      );
      for (const store of [a, b]) {
        await store.share.saveAgreement(agreementBetween(keysA, keysB));
        await store.share.saveAgreement(
          agreementBetween(keysA, keysB, { id: 'agr-summaries', categories: ['case-summaries'] }),
        );
      }
    });

    /** B answering A's request, as POST /v1/share/psi does (signature first). */
    const toB =
      (rate?: Partial<PsiRatePolicy>): PostFunction =>
      async (path, body, headers) => {
        expect(path).toBe(PSI_PATH);
        try {
          const sender = verifyRequest(
            { org: headers['vigil-org'], signature: headers['vigil-signature'] },
            { method: 'POST', path, body, now: Math.floor(Date.parse(currentTime) / 1000) },
            (org) => (org === keysA.org ? toPublicKeys(keysA) : undefined),
          );
          const parsed = JSON.parse(new TextDecoder().decode(body));
          const response = await answerMatch(b, {
            orgKeys: keysB,
            sender: sender.org,
            agreementId: parsed.agreementId,
            purpose: parsed.purpose,
            request: parsed.request,
            now: currentTime,
            randomBytes,
            ...(rate !== undefined && { rate }),
          });
          return { status: 200, body: new TextEncoder().encode(JSON.stringify(response)) };
        } catch (error) {
          if (!(error instanceof VigilError)) throw error;
          const problem = { code: error.code, detail: error.message, details: error.details };
          return {
            status: statusOf(error.code),
            body: new TextEncoder().encode(JSON.stringify(problem)),
          };
        }
      };
    let currentTime = NOW;

    const aRequest = (items: readonly string[], session = 'psi_test_session_1') => {
      const psi = createPsiSession(session, randomBytes, { minSetSize: 1 });
      return psiRequest(psi, items, randomBytes).request;
    };
    const answer = (sender: string, agreementId: string, request = aRequest(SHARED)) =>
      answerMatch(b, { orgKeys: keysB, sender, agreementId, request, now: NOW, randomBytes });

    it("takes this instance's distinct phones, emails, handles and wallets, bounded", async () => {
      const own = await ownMatchItems(a, 1_000);
      expect(own.items).toEqual([...SHARED, ...distinct('a')].sort());
      // url, onion and image identifiers are not matched; an upper-case email is skipped.
      expect(own.skipped).toBe(1);
      expect(own.truncated).toBe(false);
      const bounded = await ownMatchItems(a, 5);
      expect(bounded.items).toEqual(own.items.slice(0, 5));
      expect(bounded.truncated).toBe(true);
    });

    it('refuses an unknown partner, an unconfirmed one and an unknown agreement', async () => {
      expect((await refusal(answer('org-x', 'agr-match-1'))).code).toBe(
        'REQUEST_SIGNATURE_INVALID',
      );
      expect(await refusal(answer('org-c', 'agr-match-1'))).toMatchObject({
        code: 'PARTNER_NOT_CONFIRMED',
        details: { partner: 'org-c' },
      });
      expect(await refusal(answer('org-a', 'agr-unknown'))).toMatchObject({
        code: 'NOT_FOUND',
        details: { agreementId: 'agr-unknown' },
      });
    });

    it('refuses an agreement that does not allow indicators, naming the clause', async () => {
      const denied = await refusal(answer('org-a', 'agr-summaries'));
      expect(denied.code).toBe('SHARE_DENIED');
      expect(denied.message).toContain('clause 4 (data categories)');
      expect(denied.details.clauses).toEqual([4]);
      // The initiator checks the same before it sends anything.
      const sent: string[] = [];
      const initiator = await refusal(
        runMatch(a, {
          orgKeys: keysA,
          partner: partnerOf(keysB),
          agreementId: 'agr-summaries',
          post: async (path) => {
            sent.push(path);
            return { status: 500, body: new Uint8Array(0) };
          },
          now: NOW,
          randomBytes,
        }),
      );
      expect(initiator.code).toBe('SHARE_DENIED');
      expect(sent).toEqual([]);
    });

    it('refuses a set under the minimum size', async () => {
      const small = await refusal(answer('org-a', 'agr-match-1', aRequest(SHARED.slice(0, 3))));
      expect(small).toMatchObject({
        code: 'PSI_REFUSED',
        details: { reason: 'too-small', whose: 'partner', size: 3, minSetSize: 10 },
      });
      // An unconfirmed partner is not run against either.
      const unconfirmed = await refusal(
        runMatch(a, {
          orgKeys: keysA,
          partner: partnerOf(keysB, { confirmed: false }),
          agreementId: 'agr-match-1',
          post: toB(),
          now: NOW,
          randomBytes,
        }),
      );
      expect(unconfirmed.code).toBe('PARTNER_NOT_CONFIRMED');
    });

    it('finds exactly the identifiers in common, records both sides and audits counts', async () => {
      const result = await runMatch(a, {
        orgKeys: keysA,
        partner: partnerOf(keysB),
        agreementId: 'agr-match-1',
        post: toB(),
        now: NOW,
        randomBytes,
        actor: 'account:acc_1',
      });
      expect(result.intersection).toEqual(SHARED);
      expect(result).toMatchObject({
        partner: 'org-b',
        agreementId: 'agr-match-1',
        ownSize: SHARED.length + 30,
        partnerSize: SHARED.length + 30,
        truncated: false,
      });
      expect(result.session).toMatch(/^psi_[0-9a-f]{32}$/);

      const since = '2026-01-01T00:00:00.000Z';
      expect(await a.share.psiSince('org-b', 'initiator', since)).toEqual([
        expect.objectContaining({
          role: 'initiator',
          items: 42,
          matched: 12,
          agreementId: 'agr-match-1',
        }),
      ]);
      expect(await b.share.psiSince('org-a', 'responder', since)).toEqual([
        expect.objectContaining({ role: 'responder', items: 42, agreementId: 'agr-match-1' }),
      ]);
      const run = (await a.audit.list({ action: 'share.match.run' }, {})).items;
      const answered = (await b.audit.list({ action: 'share.match.answer' }, {})).items;
      expect(run).toEqual([
        expect.objectContaining({
          actor: 'account:acc_1',
          target: 'partner:org-b',
          details: expect.objectContaining({ ownItems: 42, partnerItems: 42, matched: 12 }),
        }),
      ]);
      expect(answered).toEqual([
        expect.objectContaining({
          actor: 'partner:org-a',
          details: expect.objectContaining({ partnerItems: 42, ownItems: 42 }),
        }),
      ]);
      // Counts only: no identifier in either audit trail.
      const trail = JSON.stringify([run, answered]);
      for (const item of [...SHARED, ...distinct('a'), ...distinct('b')]) {
        expect(trail).not.toContain(item.slice(item.indexOf(':') + 1));
      }
    });

    it('limits how often a partner may ask, and refuses a replayed session', async () => {
      const again = () =>
        runMatch(a, {
          orgKeys: keysA,
          partner: partnerOf(keysB),
          agreementId: 'agr-match-1',
          post: toB({ maxSessions: 2 }),
          now: currentTime,
          randomBytes,
        });
      currentTime = later(10);
      expect(await refusal(again())).toMatchObject({
        code: 'RATE_LIMITED',
        details: { reason: 'interval', retryAt: later(60), partner: 'org-b', status: 429 },
      });
      currentTime = later(61);
      expect((await again()).intersection).toEqual(SHARED);
      currentTime = later(200);
      expect(await refusal(again())).toMatchObject({
        code: 'RATE_LIMITED',
        details: { reason: 'sessions' },
      });
      // The same session id twice is refused before anything is computed.
      const request = aRequest(SHARED, 'psi_replayed_0001');
      const first = await answerMatch(b, {
        orgKeys: keysB,
        sender: 'org-a',
        agreementId: 'agr-match-1',
        request,
        now: later(400),
        randomBytes,
      });
      expect(first.doubled).toHaveLength(SHARED.length);
      expect(
        await refusal(
          answerMatch(b, {
            orgKeys: keysB,
            sender: 'org-a',
            agreementId: 'agr-match-1',
            request,
            now: later(500),
            randomBytes,
          }),
        ),
      ).toMatchObject({ code: 'PSI_REFUSED', details: { reason: 'session-replayed' } });
    });
  });
}
