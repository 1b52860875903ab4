/**
 * Deliveries against local fakes on 127.0.0.1 only (test/support): the Transparency Database
 * with the real rules.json, a verifying webhook receiver, the CyberTipline and an Art. 18
 * receiver, plus bare servers for the status codes, timeouts and oversized answers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startReferralServer } from '../../test/support/referral-server.js';
import { NOT_UNIQUE_MESSAGE, startTdbServer } from '../../test/support/tdb-server.js';
import { startWebhookReceiver } from '../../test/support/webhook-receiver.js';
import { isVigilError } from '../shared/errors.js';
import { art18Notification, cyberTiplineXml, type ReferralInput } from '../workflow/referrals.js';
import {
  type DecisionInput,
  TRAFFICKING_CATEGORY,
  TRAFFICKING_KEYWORDS,
  transparencyPayload,
} from '../workflow/statement-of-reasons.js';
import { SIGNATURE_HEADER, verifyWebhook } from '../workflow/webhook-signature.js';
import {
  type DeliveryResult,
  deliverWebhook,
  MAX_RESPONSE_BYTES,
  type StatementsResult,
  submitReferral,
  submitStatements,
  TDB_BATCH_MAX,
} from './deliveries.js';

const TOKEN = 'tdb-token-7b1e2f9c4d';
const SECRET = 'whsec-5a8d3e1f0b';
const NOW = 1_760_000_000;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function track<T extends { close(): Promise<void> }>(server: T): T {
  closers.push(() => server.close());
  return server;
}

const decision = (id: string): DecisionInput => ({
  id,
  decidedAt: '2025-03-10',
  restrictions: { visibility: { kinds: ['DECISION_VISIBILITY_CONTENT_REMOVED'] } },
  ground: {
    kind: 'illegal',
    legalGround:
      'Directive 2011/36/EU Art. 2 as transposed in national criminal law (trafficking in human beings)',
    explanation:
      'The ad recruits people for work with travel and housing arranged by a third party who keeps their documents and wages.',
  },
  facts: 'A job ad offered work abroad with debts for travel and withheld documents.',
  automatedDetection: true,
  automatedDecision: 'AUTOMATED_DECISION_PARTIALLY',
  territorialScope: 'EU',
  content: { types: ['CONTENT_TYPE_TEXT'], date: '2025-03-08', language: 'EN' },
  category: TRAFFICKING_CATEGORY,
  keywords: [...TRAFFICKING_KEYWORDS],
  source: { type: 'SOURCE_TRUSTED_FLAGGER', identity: 'Example Anti-Trafficking NGO' },
});

const statement = (id: string) => transparencyPayload(decision(id));

function rejected(result: StatementsResult) {
  if (result.kind !== 'rejected') throw new Error(`expected rejected, got ${result.kind}`);
  return result;
}

/** A bare server whose every answer `respond` decides (or never gives). */
async function startServer(
  respond: (request: IncomingMessage, response: ServerResponse, body: string) => void,
) {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => respond(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return track({
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

async function statusServer(status: number, body = '', headers: Record<string, string> = {}) {
  return startServer((_request, response) => {
    response.writeHead(status, headers);
    response.end(body);
  });
}

describe('submitStatements (DSA Transparency Database)', () => {
  it('delivers a valid batch: every puid accepted and stored with a uuid', async () => {
    const tdb = track(await startTdbServer({ token: TOKEN }));
    const batch = [statement('dec-a'), statement('dec-b')];
    expect(await submitStatements({ url: tdb.url, token: TOKEN }, batch)).toEqual({
      kind: 'ok',
      accepted: ['dec-a', 'dec-b'],
    });
    expect(tdb.received).toEqual([batch]);
    expect(tdb.stored.get('dec-b')).toMatchObject({ puid: 'dec-b', uuid: expect.any(String) });
    expect(tdb.requests).toBe(1);
  });

  it('a trailing slash or a path prefix on the URL still reaches /api/v1/statements', async () => {
    const tdb = track(await startTdbServer({ token: TOKEN }));
    const result = await submitStatements({ url: `${tdb.url}/`, token: TOKEN }, [statement('x')]);
    expect(result.kind).toBe('ok');
  });

  it('a 503 is worth retrying; the retry succeeds', async () => {
    const tdb = track(await startTdbServer({ token: TOKEN, failFirst: 1 }));
    const target = { url: tdb.url, token: TOKEN };
    const first = await submitStatements(target, [statement('dec-r')]);
    expect(first).toMatchObject({ kind: 'retry', status: 503 });
    expect(tdb.stored.size).toBe(0);
    expect(await submitStatements(target, [statement('dec-r')])).toEqual({
      kind: 'ok',
      accepted: ['dec-r'],
    });
    expect(tdb.requests).toBe(2);
  });

  it('an invalid statement refuses the batch, naming only that puid', async () => {
    const tdb = track(await startTdbServer({ token: TOKEN }));
    const target = { url: tdb.url, token: TOKEN };
    const broken = statement('dec-broken');
    delete broken.decision_facts;
    broken.content_date = '2025-02-30';
    const result = rejected(
      await submitStatements(target, [statement('dec-ok-1'), broken, statement('dec-ok-2')]),
    );
    expect(result.status).toBe(422);
    expect(Object.keys(result.invalid)).toEqual(['dec-broken']);
    expect(result.invalid['dec-broken']).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^decision_facts: .*required/),
        expect.stringMatching(/^content_date: .*YYYY-MM-DD/),
      ]),
    );
    expect(result.duplicates).toEqual([]);
    expect(result.message).toMatch(/422/);
    // The real database refuses the whole batch: nothing was stored.
    expect(tdb.stored.size).toBe(0);
    // The statements not at fault go through on their own.
    expect(
      await submitStatements(target, [statement('dec-ok-1'), statement('dec-ok-2')]),
    ).toMatchObject({ kind: 'ok' });
  });

  it('a resubmitted puid comes back as a duplicate, not as invalid', async () => {
    const tdb = track(await startTdbServer({ token: TOKEN }));
    const target = { url: tdb.url, token: TOKEN };
    expect((await submitStatements(target, [statement('dec-1')])).kind).toBe('ok');
    const result = rejected(
      await submitStatements(target, [statement('dec-2'), statement('dec-1')]),
    );
    expect(result.duplicates).toEqual(['dec-1']);
    expect(result.invalid).toEqual({});
    expect(result.message).toContain(NOT_UNIQUE_MESSAGE);
    expect(await submitStatements(target, [statement('dec-2')])).toEqual({
      kind: 'ok',
      accepted: ['dec-2'],
    });
    expect([...tdb.stored.keys()]).toEqual(['dec-1', 'dec-2']);
  });

  it('a wrong token is refused for good, and the token is in no message', async () => {
    const tdb = track(await startTdbServer({ token: TOKEN }));
    const result = rejected(
      await submitStatements({ url: tdb.url, token: 'wrong-token' }, [statement('d')]),
    );
    expect(result).toMatchObject({ status: 401, invalid: {}, duplicates: [] });
    expect(result.message).not.toContain('wrong-token');
  });

  it('refuses the caller’s bugs: no statements, too many, repeated or missing puids', async () => {
    const target = { url: 'http://127.0.0.1:9', token: TOKEN };
    const many = Array.from({ length: TDB_BATCH_MAX + 1 }, (_, i) => statement(`d-${i}`));
    const cases: Record<string, unknown>[][] = [
      [],
      many,
      [statement('same'), statement('same')],
      [{ ...statement('x'), puid: undefined }],
    ];
    for (const statements of cases) {
      await expect(submitStatements(target, statements)).rejects.toSatisfy((e) =>
        isVigilError(e, 'REQUEST_INVALID'),
      );
    }
    await expect(submitStatements({ url: target.url }, [statement('x')])).rejects.toSatisfy((e) =>
      isVigilError(e, 'CONFIG_INVALID'),
    );
  });

  it('takes the maximum batch of 100', async () => {
    const tdb = track(await startTdbServer({ token: TOKEN }));
    const batch = Array.from({ length: TDB_BATCH_MAX }, (_, i) => statement(`max-${i}`));
    const result = await submitStatements({ url: tdb.url, token: TOKEN }, batch);
    expect(result.kind === 'ok' && result.accepted.length).toBe(TDB_BATCH_MAX);
  });

  it('a 500 and a refused connection are worth retrying', async () => {
    const failing = await statusServer(500, '{"message":"Server Error"}');
    expect(
      await submitStatements({ url: failing.url, token: TOKEN }, [statement('x')]),
    ).toMatchObject({ kind: 'retry', status: 500, message: expect.stringMatching(/Server Error/) });
    const gone = await statusServer(200);
    await gone.close();
    const result = await submitStatements({ url: gone.url, token: TOKEN }, [statement('x')]);
    expect(result).toMatchObject({ kind: 'retry', message: expect.stringMatching(/reached/) });
  });
});

describe('deliverWebhook', () => {
  const event = { id: 'evt-0001', type: 'decision.enforced', itemId: 'item-1', action: 'remove' };

  it('delivers a signed event the receiver verifies, once per event id', async () => {
    const receiver = track(await startWebhookReceiver({ secret: SECRET, now: () => NOW }));
    const target = { url: receiver.url, secret: SECRET };
    expect(await deliverWebhook(target, event, NOW)).toEqual({ kind: 'ok', status: 200 });
    // A retry after a lost answer carries the same id and is dropped by the receiver.
    expect(await deliverWebhook(target, event, NOW + 5)).toMatchObject({ kind: 'ok' });
    expect(receiver.events).toEqual([event]);
    expect(receiver.rejected).toBe(0);
  });

  it('sends the documented headers and the exact body that was signed', async () => {
    let seen: { headers: IncomingMessage['headers']; body: string } | undefined;
    const server = await startServer((request, response, body) => {
      seen = { headers: request.headers, body };
      response.writeHead(204);
      response.end();
    });
    const result = await deliverWebhook({ url: `${server.url}/hook`, secret: SECRET }, event, NOW);
    expect(result).toEqual({ kind: 'ok', status: 204 });
    expect(seen?.body).toBe(JSON.stringify(event));
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.headers['vigil-event-id']).toBe('evt-0001');
    expect(seen?.headers['user-agent']).toBe('vigil/0.1.0');
    const header = seen?.headers[SIGNATURE_HEADER];
    expect(
      verifyWebhook({
        secret: SECRET,
        body: seen?.body ?? '',
        header: typeof header === 'string' ? header : undefined,
        nowSeconds: NOW,
      }),
    ).toEqual({ ok: true, timestamp: NOW });
  });

  it('a receiver that is down (503) gets the event on a later attempt', async () => {
    const receiver = track(
      await startWebhookReceiver({ secret: SECRET, failFirst: 1, now: () => NOW }),
    );
    const target = { url: receiver.url, secret: SECRET };
    expect(await deliverWebhook(target, event, NOW)).toMatchObject({ kind: 'retry', status: 503 });
    expect(await deliverWebhook(target, event, NOW)).toMatchObject({ kind: 'ok' });
    expect(receiver.events).toHaveLength(1);
  });

  it('a wrong secret or a stale timestamp is refused for good (401)', async () => {
    const receiver = track(await startWebhookReceiver({ secret: SECRET, now: () => NOW }));
    const wrong = await deliverWebhook({ url: receiver.url, secret: 'not-the-secret' }, event, NOW);
    expect(wrong).toMatchObject({ kind: 'rejected', status: 401 });
    expect(wrong.kind === 'rejected' && wrong.message).toMatch(/does not match/);
    expect(wrong.kind === 'rejected' && wrong.message).not.toContain('not-the-secret');
    const stale = await deliverWebhook({ url: receiver.url, secret: SECRET }, event, NOW - 3600);
    expect(stale).toMatchObject({ kind: 'rejected', status: 401 });
    expect(receiver.rejected).toBe(2);
    expect(receiver.events).toEqual([]);
  });

  it.each([
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [408, 'retry'],
    [429, 'retry'],
    [400, 'rejected'],
    [404, 'rejected'],
    [410, 'rejected'],
    [302, 'rejected'],
  ] as const)('HTTP %i → %s', async (status, kind) => {
    const server = await statusServer(
      status,
      '{"message":"nope"}',
      status === 302 ? { location: 'http://127.0.0.1:9/elsewhere' } : {},
    );
    const result = await deliverWebhook({ url: server.url, secret: SECRET }, event, NOW);
    expect(result).toMatchObject({ kind, status });
  });

  it('says when to retry after a 429', async () => {
    const server = await statusServer(429, '', { 'retry-after': '30' });
    const result = await deliverWebhook({ url: server.url, secret: SECRET }, event, NOW);
    expect(result).toMatchObject({ kind: 'retry', message: expect.stringMatching(/after 30 s/) });
  });

  it('a receiver that never answers times out and is worth retrying', async () => {
    const silent = await startServer(() => undefined);
    const started = performance.now();
    const result = await deliverWebhook(
      { url: silent.url, secret: SECRET, timeoutMs: 200 },
      event,
      NOW,
    );
    expect(result).toEqual({ kind: 'retry', message: expect.stringMatching(/within 200 ms/) });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('reads at most 1 MiB of an answer and keeps messages short and free of credentials', async () => {
    // A hostile receiver echoes the credentials and then streams far more than the cap.
    const server = await startServer((request, response) => {
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.write(`${request.headers.authorization ?? ''} ${request.headers[SIGNATURE_HEADER]}`);
      response.write(` echoed ${SECRET} `);
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < (4 * MAX_RESPONSE_BYTES) / chunk.length; i++) response.write(chunk);
      response.end();
    });
    const result = await deliverWebhook({ url: server.url, secret: SECRET }, event, NOW);
    expect(result.kind).toBe('rejected');
    const message = result.kind === 'rejected' ? result.message : '';
    expect(message.length).toBeLessThan(500);
    expect(message).not.toContain(SECRET);
    expect(message).toContain('[redacted]');
  });
});

describe('submitReferral', () => {
  const reporter = { firstName: 'Ann', lastName: 'Lee', email: 'ncmec@example.org' };
  const platform = { name: 'Example Social', establishment: 'IE', contactEmail: 'le@example.org' };
  const referral = (kind: 'dsa-art18' | 'cybertipline'): ReferralInput => ({
    id: `ref-${kind}`,
    kind,
    destination:
      kind === 'cybertipline'
        ? { authority: 'ncmec' }
        : { authority: 'member-state', memberState: 'DE', agencyName: 'Bundeskriminalamt' },
    ...(kind === 'cybertipline' ? { incidentType: 'Child Sex Trafficking' } : {}),
    source: { decisionId: 'dec-9' },
    facts: {
      itemIds: ['item-1'],
      contentUrls: ['https://example.org/p/1'],
      contentDescription: 'Ad offering "work abroad" with passport retention',
      suspicion: 'Indicators of trafficking in human beings: debt bondage, confiscated papers',
      incidentAt: '2025-03-09T08:00:00Z',
      publishedAt: '2025-03-08T20:00:00Z',
      timeZone: 'Europe/Berlin',
      location: { countryCode: 'DE', city: 'Berlin' },
      user: { accountId: 'acct-7', screenName: 'jobs4u' },
    },
    createdAt: '2025-03-10T12:00:00Z',
  });

  it('CyberTipline: submit then finish; the reportId is the external id', async () => {
    const server = track(await startReferralServer({ token: TOKEN }));
    const xml = cyberTiplineXml(referral('cybertipline'), reporter);
    const result = await submitReferral(
      { url: server.cybertiplineUrl, token: TOKEN },
      { kind: 'cybertipline', xml },
    );
    expect(result).toEqual({ kind: 'ok', status: 200, externalId: '100001' });
    expect(server.reports).toEqual([{ id: '100001', xml, finished: true }]);
  });

  it('CyberTipline: a non-zero responseCode is a refusal with NCMEC’s description', async () => {
    const server = track(
      await startReferralServer({
        token: TOKEN,
        refuseWith: { code: 4100, description: 'Validation Failed: incidentType' },
      }),
    );
    const xml = cyberTiplineXml(referral('cybertipline'), reporter);
    const result = await submitReferral(
      { url: server.cybertiplineUrl, token: TOKEN },
      { kind: 'cybertipline', xml },
    );
    expect(result).toMatchObject({
      kind: 'rejected',
      status: 400,
      message: expect.stringMatching(/Validation Failed: incidentType/),
    });
  });

  it('CyberTipline: a 200 with a non-zero responseCode is still a refusal', async () => {
    const server = await statusServer(
      200,
      '<?xml version="1.0"?>\n<reportResponse>\n  <responseCode> 3000 </responseCode>\n  <responseDescription>Not Authorized</responseDescription>\n</reportResponse>',
    );
    const result = await submitReferral(
      { url: server.url, token: TOKEN },
      { kind: 'cybertipline', xml: '<?xml version="1.0"?><report/>' },
    );
    expect(result).toMatchObject({
      kind: 'rejected',
      status: 200,
      message: expect.stringMatching(/3000.*Not Authorized/),
    });
  });

  it('CyberTipline: a wrong token is refused for good', async () => {
    const server = track(await startReferralServer({ token: TOKEN }));
    const xml = cyberTiplineXml(referral('cybertipline'), reporter);
    const result = await submitReferral(
      { url: server.cybertiplineUrl, token: 'bad-token-123' },
      { kind: 'cybertipline', xml },
    );
    expect(result).toMatchObject({ kind: 'rejected', status: 401 });
    expect(server.reports).toEqual([]);
  });

  it('Art. 18: POSTs the JSON notification; the reference is the external id', async () => {
    const server = track(await startReferralServer({ token: TOKEN }));
    const body = art18Notification(referral('dsa-art18'), platform);
    const result = await submitReferral(
      { url: server.art18Url, token: TOKEN },
      { kind: 'dsa-art18', body },
    );
    expect(result).toEqual({ kind: 'ok', status: 201, externalId: 'ART18-000001' });
    expect(server.notifications).toEqual([JSON.parse(JSON.stringify(body))]);
  });

  it('Art. 18: an `id` in the answer is used too, and an answer without one is still ok', async () => {
    const withId = await statusServer(200, '{"id":"case-42"}');
    expect(
      await submitReferral({ url: withId.url }, { kind: 'dsa-art18', body: { a: 1 } }),
    ).toEqual({ kind: 'ok', status: 200, externalId: 'case-42' });
    const plain = await statusServer(202, 'accepted');
    expect(await submitReferral({ url: plain.url }, { kind: 'dsa-art18', body: {} })).toEqual({
      kind: 'ok',
      status: 202,
    });
  });
});

describe('targets', () => {
  it('refuses URLs that are not http(s), not URLs, or carry credentials', async () => {
    const event = { id: 'e', type: 't' };
    const bad = [
      'ftp://example.org/hook',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
      'https://user:s3cr3t@example.org/hook',
    ];
    for (const url of bad) {
      const attempts: (() => Promise<DeliveryResult | StatementsResult>)[] = [
        () => deliverWebhook({ url, secret: SECRET }, event, NOW),
        () => submitStatements({ url, token: TOKEN }, [statement('x')]),
        () => submitReferral({ url, token: TOKEN }, { kind: 'dsa-art18', body: {} }),
        () => submitReferral({ url, token: TOKEN }, { kind: 'cybertipline', xml: '<?xml?>' }),
      ];
      for (const attempt of attempts) {
        await expect(attempt()).rejects.toSatisfy(
          (e) => isVigilError(e, 'CONFIG_INVALID') && !String(e).includes('s3cr3t'),
        );
      }
    }
  });

  it('refuses a timeout that is not a sensible number of milliseconds', async () => {
    for (const timeoutMs of [0, -1, 1.5, Number.NaN, 10_000_000]) {
      await expect(
        deliverWebhook(
          { url: 'http://127.0.0.1:9', secret: SECRET, timeoutMs },
          { id: 'e', type: 't' },
          NOW,
        ),
      ).rejects.toSatisfy((e) => isVigilError(e, 'CONFIG_INVALID'));
    }
  });
});
