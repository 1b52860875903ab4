/**
 * Notice and action through the API, on every test database (SQLite always, PostgreSQL when
 * VIGIL_TEST_DATABASE_URL names one), with the outbound endpoints replaced by local servers that
 * check what they receive: the Transparency Database (enforcing rules.json), the platform's
 * action webhook (verifying signatures) and the CyberTipline.
 *
 * The flow: a trusted flagger's notice outranks an older user notice; a reviewer claims it,
 * previews and takes a decision, whose statement of reasons and rules-valid payload come out and
 * reach the Transparency Database; the user appeals and a second reviewer reverses, which lifts
 * the restriction through the webhook; a CyberTipline referral starts a hold that blocks
 * deletion; and the transparency report counts all of it, with median times.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorker } from '../src/jobs/runtime.js';
import { deliveryHandlers } from '../src/jobs/workflow-jobs.js';
import { buildServer } from '../src/server/app.js';
import { generateApiKey } from '../src/server/auth.js';
import { deliveryTargets, loadConfig, workflowSettings } from '../src/server/config.js';
import type { Role, ServiceStore } from '../src/store/repositories.js';
import { openServiceStore } from '../src/store/service-store.js';
import { loadSorRules, validatePayload } from '../src/workflow/sor-rules.js';
import { testDatabases } from './support/databases.js';
import { startReferralServer } from './support/referral-server.js';
import { startTdbServer } from './support/tdb-server.js';
import { startWebhookReceiver } from './support/webhook-receiver.js';
import { NOTICE_ELEMENTS, REMOVAL_DECISION } from './support/workflow-fixtures.js';

const RULES = loadSorRules(
  JSON.parse(
    readFileSync(new URL('../../shared/schemas/dsa-sor/rules.json', import.meta.url), 'utf8'),
  ),
);
const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const HOUR = 3_600_000;
const TDB_TOKEN = 'tdb-test-token-1234';
const SECRET = 'webhook-secret-0123456789';
const NCMEC_TOKEN = 'ncmec-test-token';

for (const database of testDatabases()) {
  describe(`notice and action on ${database.name}`, () => {
    let clock = T0;
    const at = (ms: number) => new Date(T0 + ms).toISOString();
    let app: FastifyInstance;
    let store: ServiceStore;
    let tdb: Awaited<ReturnType<typeof startTdbServer>>;
    let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
    let ncmec: Awaited<ReturnType<typeof startReferralServer>>;
    let drain: () => Promise<void>;
    const keys: Record<string, string> = {};
    const ids: Record<string, string> = {};

    const call = async (
      who: string,
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: unknown,
    ) =>
      app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${keys[who]}` },
        ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
      });

    beforeAll(async () => {
      tdb = await startTdbServer({ token: TDB_TOKEN, failFirst: 1 });
      // The receiver checks signatures against the test's clock, as a platform against its own.
      hooks = await startWebhookReceiver({ secret: SECRET, now: () => Math.floor(clock / 1000) });
      ncmec = await startReferralServer({ token: NCMEC_TOKEN });
      store = openServiceStore(await database.open());
      const config = loadConfig({
        flags: {
          rateLimitMax: 100_000,
          // Long enough for the hours this test's clock jumps between a claim and a decision.
          reviewLeaseSeconds: 12 * 3600,
          platformName: 'Example Classifieds',
          platformContact: 'support@example.org',
          transparencyDbUrl: tdb.url,
          transparencyDbToken: TDB_TOKEN,
          actionWebhookUrl: hooks.url,
          actionWebhookSecret: SECRET,
          cyberTiplineUrl: ncmec.cybertiplineUrl,
          cyberTiplineToken: NCMEC_TOKEN,
          reporterName: 'Ann Lee',
          reporterEmail: 'ncmec@example.org',
        },
      });
      const people: [string, Role][] = [
        ['platform', 'admin'],
        ['alice', 'reviewer'],
        ['bob', 'reviewer'],
        ['auditor', 'auditor'],
      ];
      for (const [name, role] of people) {
        const account = await store.accounts.createAccount(
          { name, roles: [role] },
          new Date(T0 - HOUR).toISOString(),
        );
        const { key, sha256, prefix } = generateApiKey();
        await store.accounts.createApiKey(
          { accountId: account.id, name: 'key', prefix, sha256 },
          new Date(T0 - HOUR).toISOString(),
        );
        keys[name] = key;
        ids[name] = account.id;
      }
      app = await buildServer({ store, config, clock: () => new Date(clock) });
      const handlers = deliveryHandlers({
        store,
        settings: workflowSettings(config),
        targets: deliveryTargets(config),
        clock: () => new Date(clock),
      });
      drain = async () => {
        // Run every delivery due, then again after the backoff of a failed attempt.
        for (let round = 0; round < 4; round += 1) {
          await runWorker({
            store,
            handlers,
            worker: 'test-worker',
            untilIdle: true,
            clock: () => new Date(clock),
          });
          clock += 60_000;
        }
      };
      const ingest = await call('platform', 'POST', '/v1/items', {
        items: [
          { id: 'ad-1', title: 'Hostess work in Milan', posted_at: '2026-02-27' },
          { id: 'ad-2', title: 'Work abroad, travel paid', posted_at: '2026-02-28' },
        ],
      });
      expect(ingest.statusCode, ingest.body).toBe(202);
      for (const [i, result] of ingest.json().results.entries()) ids[`ad-${i + 1}`] = result.id;
    });
    afterAll(async () => {
      await app?.close();
      await Promise.all([tdb?.close(), hooks?.close(), ncmec?.close()]);
    });

    it('ranks a trusted flagger’s notice above an older user notice, with reasons', async () => {
      clock = T0;
      const user = await call('platform', 'POST', '/v1/notices', {
        ...NOTICE_ELEMENTS,
        notifier: { type: 'individual', name: 'Jo Doe', email: 'jo@example.org' },
        locations: { itemIds: ['ad-1'], urls: ['https://classifieds.example/ad/1'] },
      });
      expect(user.statusCode, user.body).toBe(201);
      expect(user.json().notice.receipt.text).toContain('We received your notice');
      ids.userNotice = user.json().notice.id;

      clock = T0 + 2 * HOUR;
      const flagger = await call('platform', 'POST', '/v1/notices', {
        ...NOTICE_ELEMENTS,
        notifier: {
          type: 'trusted-flagger',
          name: 'Safe Passage e.V.',
          email: 'reports@safe-passage.example',
          trustedFlagger: { awardedBy: 'Bundesnetzagentur', area: 'trafficking' },
        },
        locations: { itemIds: ['ad-2', 'ad-404'] },
      });
      expect(flagger.statusCode, flagger.body).toBe(201);
      expect(flagger.json().unresolvedItemIds).toEqual(['ad-404']);
      ids.flaggerNotice = flagger.json().notice.id;

      // A notice missing an Art. 16(2) element is refused, naming it.
      const incomplete = await call('platform', 'POST', '/v1/notices', {
        notifier: { type: 'individual' },
        locations: { itemIds: ['ad-1'] },
        explanation: 'Looks wrong.',
      });
      expect(incomplete.statusCode).toBe(400);
      expect(incomplete.json().detail).toContain('16(2)(c)');

      const queue = await call('auditor', 'GET', '/v1/queue');
      expect(queue.statusCode, queue.body).toBe(200);
      const entries = queue.json().items;
      expect(entries.map((e: { job: { subjectId: string } }) => e.job.subjectId)).toEqual([
        ids.flaggerNotice,
        ids.userNotice,
      ]);
      expect(entries[0].reasons.join(' ')).toContain('trusted flagger');
      expect(entries[0].score).toBeGreaterThan(entries[1].score);
    });

    it('gives each job to exactly one reviewer, and a reviewer decides with a statement of reasons', async () => {
      clock = T0 + 3 * HOUR;
      const [a, b] = await Promise.all([
        call('alice', 'POST', '/v1/queue/claim'),
        call('bob', 'POST', '/v1/queue/claim'),
      ]);
      expect(a.statusCode, a.body).toBe(200);
      expect(b.statusCode, b.body).toBe(200);
      expect(a.json().job.id).not.toBe(b.json().job.id);
      // Whoever got the flagger's notice keeps it for this test: Alice takes it over if needed.
      const flaggerJob = [a.json(), b.json()].find(
        (entry) => entry.job.subjectId === ids.flaggerNotice,
      ).job.id;
      const bobsJob = b.json().job.id;
      expect((await call('bob', 'POST', `/v1/queue/jobs/${bobsJob}/release`, {})).statusCode).toBe(
        200,
      );
      if (a.json().job.id !== flaggerJob) {
        const aliceJob = a.json().job.id;
        await call('alice', 'POST', `/v1/queue/jobs/${aliceJob}/release`, {});
        const again = await call('alice', 'POST', '/v1/queue/claim');
        expect(again.json().job.id).toBe(flaggerJob);
      }
      ids.flaggerJob = flaggerJob;

      // Bob does not hold it: he cannot decide it.
      const stranger = await call(
        'bob',
        'POST',
        `/v1/queue/jobs/${flaggerJob}/decision`,
        REMOVAL_DECISION,
      );
      expect(stranger.statusCode).toBe(409);

      const preview = await call(
        'alice',
        'POST',
        `/v1/queue/jobs/${flaggerJob}/decision?preview=true`,
        REMOVAL_DECISION,
      );
      expect(preview.statusCode, preview.body).toBe(200);
      expect((await store.workflow.listDecisions({})).items).toHaveLength(0);

      clock = T0 + 4 * HOUR;
      const decided = await call(
        'alice',
        'POST',
        `/v1/queue/jobs/${flaggerJob}/decision`,
        REMOVAL_DECISION,
      );
      expect(decided.statusCode, decided.body).toBe(201);
      const decision = decided.json();
      ids.decision = decision.id;
      expect(decision.statement.text).toContain('Article 20');
      expect(decision.statement.text).toContain('Section 232 StGB');
      expect(decision.payload.source_type).toBe('SOURCE_TRUSTED_FLAGGER');
      expect(decision.payload.content_date).toBe('2026-02-28');
      expect(validatePayload(decision.payload, RULES)).toEqual([]);
      expect((await call('auditor', 'GET', `/v1/notices/${ids.flaggerNotice}`)).json().state).toBe(
        'decided',
      );

      // The submission and the webhook go out from the workers; the TDB fake refuses the first
      // request (503), so the statement arrives on the retry.
      clock += 10_000;
      await drain();
      expect(tdb.received.flat().map((s) => s.puid)).toEqual([decision.id]);
      const stored = await call('auditor', 'GET', `/v1/decisions/${decision.id}`);
      expect(stored.json().submission.state).toBe('submitted');
      type Hook = { type: string; items: { externalId: string }[]; to: string; message: string };
      const created = hooks.events as Hook[];
      expect(created.map((e) => e.type).sort()).toEqual(['decision.created', 'notice.decided']);
      const action = created.find((e) => e.type === 'decision.created');
      expect(action?.items.map((i) => i.externalId)).toEqual(['ad-2']);
      // Art. 16(5): the notifier is told the decision and how to contest it.
      const told = created.find((e) => e.type === 'notice.decided');
      expect(told?.to).toBe('reports@safe-passage.example');
      expect(told?.message).toContain('we removed the content');
    });

    it('takes an appeal to a different reviewer, whose reversal lifts the restriction', async () => {
      clock = T0 + 30 * HOUR;
      const filed = await call('platform', 'POST', `/v1/decisions/${ids.decision}/appeals`, {
        complainant: { id: 'user-88', role: 'affected-recipient' },
        reason: 'The job is real and lawful.',
      });
      expect(filed.statusCode, filed.body).toBe(201);
      ids.appeal = filed.json().id;

      // Alice took the decision: her claim passes the appeal over (she gets the user notice).
      const alice = await call('alice', 'POST', '/v1/queue/claim');
      expect(alice.json().job.subject).toBe('notice');
      const closed = await call('alice', 'POST', `/v1/queue/jobs/${alice.json().job.id}/close`, {
        outcome: 'no-action',
        reasons: 'A lawful job offer with a registered agency; nothing points to exploitation.',
      });
      expect(closed.statusCode, closed.body).toBe(200);
      expect(closed.json()).toMatchObject({ state: 'done', outcome: 'no-action' });
      expect((await call('auditor', 'GET', `/v1/notices/${ids.userNotice}`)).json().state).toBe(
        'decided',
      );
      const bob = await call('bob', 'POST', '/v1/queue/claim');
      expect(bob.json().job.subject).toBe('appeal');
      expect(bob.json().job.subjectId).toBe(ids.appeal);

      const refused = await call('alice', 'POST', `/v1/appeals/${ids.appeal}/decision`, {
        outcome: 'reversed',
        reasons: 'x',
      });
      expect(refused.statusCode).toBe(409);

      clock = T0 + 40 * HOUR;
      const reversed = await call('bob', 'POST', `/v1/appeals/${ids.appeal}/decision`, {
        outcome: 'reversed',
        reasons: 'The ad names a registered agency and no control of papers was shown.',
      });
      expect(reversed.statusCode, reversed.body).toBe(200);
      expect(reversed.json().outcome.outcome).toBe('reversed');
      expect(reversed.json().outcome.reviewerId).toBe(ids.bob);
      await drain();
      const events = hooks.events as {
        type: string;
        restrictions: string[];
        to: string;
        message: string;
      }[];
      const reversal = events.filter((e) => e.type === 'decision.reversed');
      expect(reversal).toHaveLength(1);
      expect(reversal[0]?.restrictions).toEqual(['DECISION_VISIBILITY_CONTENT_REMOVED']);
      // The individual's notice, closed without action, is answered too.
      const toUser = events.find((e) => e.type === 'notice.decided' && e.to === 'jo@example.org');
      expect(toUser?.message).toContain('decided not to act');
      const decision = await call('auditor', 'GET', `/v1/decisions/${ids.decision}`);
      expect(decision.json().lifted).toEqual(['DECISION_VISIBILITY_CONTENT_REMOVED']);
    });

    it('starts a preservation hold with a CyberTipline referral, and the hold blocks deletion', async () => {
      clock = T0 + 41 * HOUR;
      const draft = await call('platform', 'POST', '/v1/referrals', {
        kind: 'cybertipline',
        destination: { authority: 'ncmec' },
        incidentType: 'Child Sex Trafficking',
        source: { decisionId: ids.decision },
        facts: {
          itemIds: [ids['ad-2']],
          contentUrls: ['https://classifieds.example/ad/2'],
          contentDescription:
            'Ad recruiting for work abroad; the poster asked for the age of applicants.',
          suspicion: 'Recruitment indicators of trafficking involving a minor.',
          incidentAt: at(0),
        },
      });
      expect(draft.statusCode, draft.body).toBe(201);
      const referral = draft.json().id;
      const payload = await call('platform', 'GET', `/v1/referrals/${referral}/payload`);
      expect(payload.json().xml).toMatch(/^<\?xml/);

      const queued = await call('platform', 'POST', `/v1/referrals/${referral}/submit`);
      expect(queued.statusCode, queued.body).toBe(202);
      await drain();
      expect(ncmec.reports).toHaveLength(1);
      expect(ncmec.reports[0]?.finished).toBe(true);
      const sent = (await call('auditor', 'GET', `/v1/referrals/${referral}`)).json();
      expect(sent.status).toBe('acknowledged');
      expect(sent.externalId).toBe(ncmec.reports[0]?.id);

      const holds = (await call('auditor', 'GET', '/v1/holds')).json().items;
      expect(holds).toHaveLength(1);
      expect(holds[0].hold.basis).toBe('cybertipline-report');
      expect(holds[0].hold.scope.itemIds).toEqual([ids['ad-2']]);

      const blocked = await call('platform', 'DELETE', `/v1/items/${ids['ad-2']}`);
      expect(blocked.statusCode).toBe(409);
      expect(blocked.json().code).toBe('HOLD_ACTIVE');
      expect((await call('auditor', 'GET', `/v1/items/${ids['ad-2']}`)).statusCode).toBe(200);
      // An item no hold covers is deleted.
      expect((await call('platform', 'DELETE', `/v1/items/${ids['ad-1']}`)).statusCode).toBe(204);
      expect((await call('auditor', 'GET', `/v1/items/${ids['ad-1']}`)).statusCode).toBe(404);
    });

    it('counts all of it in the transparency report, with median times', async () => {
      const period = `from=${at(-24 * HOUR)}&to=${at(7 * 24 * HOUR)}`;
      const response = await call('auditor', 'GET', `/v1/transparency?${period}`);
      expect(response.statusCode, response.body).toBe(200);
      const report = response.json();
      expect(report.notices.total).toBe(2);
      expect(report.notices.byNotifierType).toMatchObject({ 'trusted-flagger': 1, individual: 1 });
      expect(report.decisions.total).toBe(1);
      expect(report.decisions.bySource).toMatchObject({ notice: 1, 'own-initiative': 0 });
      // The flagger's notice came at T0 + 2 h and was decided at T0 + 4 h.
      expect(report.medianTimeToActionMs).toEqual({ all: 2 * HOUR, trustedFlagger: 2 * HOUR });
      expect(report.appeals).toMatchObject({
        received: 1,
        decided: 1,
        byOutcome: { reversed: 1, upheld: 0, 'partially-reversed': 0 },
        medianHandlingTimeMs: 10 * HOUR,
      });
      const csv = await call('auditor', 'GET', `/v1/transparency?${period}&format=csv`);
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.body.split('\n').length).toBeGreaterThan(5);

      const actions = new Set(
        (await store.audit.list({}, { limit: 500 })).items.map((record) => record.action),
      );
      for (const action of [
        'notice.receive',
        'queue.claim',
        'decision.create',
        'tdb.submit',
        'webhook.deliver',
        'appeal.file',
        'appeal.decide',
        'referral.create',
        'referral.submit',
        'hold.create',
        'item.delete',
      ]) {
        expect(actions, action).toContain(action);
      }
    });
  });
}
