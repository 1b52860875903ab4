/**
 * Fuzzing the endpoints that take a body: whatever JSON (or not-JSON) a client sends, the answer
 * is a success or a 4xx problem, never a 500.
 */
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { ROLES } from '../src/store/repositories.js';
import { addAccount, MemoryStore } from './support/memory-store.js';

const RUNS = 200;

let app: FastifyInstance;
let adminKey = '';
let reviewerKey = '';
let reviewerId = '';
let caller = 0;

beforeAll(async () => {
  const store = new MemoryStore();
  const config = loadConfig({ flags: { rateLimitMax: 100_000, maxBatch: 20, bodyLimit: 65_536 } });
  app = await buildServer({ store, config, clock: () => new Date('2026-03-01T00:00:00Z') });
  await app.ready();
  adminKey = (await addAccount(store, { roles: ['admin'], email: 'admin@example.org' })).key;
  const reviewer = await addAccount(store, { roles: ['reviewer'] });
  reviewerKey = reviewer.key;
  reviewerId = reviewer.account.id;
});
afterAll(() => app.close());

/** Any JSON text, or text that is almost JSON. */
const body = (shaped: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: shaped.map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: shaped.map((value) => (JSON.stringify(value) ?? 'null').slice(0, -1)),
    },
  );

/** A value of the expected type most of the time, anything JSON otherwise. */
const mostly = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });

const text = fc.string({ unit: 'binary', maxLength: 30 });

const item = fc.record(
  {
    id: mostly(fc.oneof(text, fc.integer(), fc.double())),
    title: mostly(text),
    body: mostly(fc.string({ maxLength: 200 })),
    url: mostly(text),
    posted_at: mostly(fc.oneof(fc.constant('2026-03-01'), fc.date().map(safeIso), text)),
    location: mostly(
      fc.record(
        {
          city: mostly(text),
          region: mostly(text),
          country: mostly(fc.constantFrom('US', 'th', 'USA')),
        },
        { requiredKeys: [] },
      ),
    ),
    language: mostly(fc.constantFrom('en', 'pt-BR', 'english', '')),
    images: mostly(fc.array(mostly(text), { maxLength: 3 })),
    source: mostly(text),
    label: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);

/** An item that is valid more often than not, so that batches get through too. */
const plausibleItem = fc.record(
  {
    id: fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.nat()),
    title: fc.string({ minLength: 1, maxLength: 40 }).filter((title) => title.trim() !== ''),
    body: fc.string({ maxLength: 200 }),
    location: fc.record({
      city: fc.string({ maxLength: 20 }),
      country: fc.constantFrom('US', 'TH'),
    }),
  },
  { requiredKeys: ['id', 'title'] },
);

function safeIso(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'not a date' : date.toISOString();
}

async function check(
  url: string,
  payload: string,
  headers: Record<string, string>,
): Promise<LightMyRequestResponse> {
  caller += 1;
  const response = await app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': 'application/json', ...headers },
    // A new client address each time, so the sign-in limit does not end the run early.
    remoteAddress: `10.${(caller >> 16) & 255}.${(caller >> 8) & 255}.${caller & 255}`,
  });
  expect(response.statusCode, `${url} ${payload}\n${response.body}`).toBeLessThan(500);
  if (response.statusCode >= 400) {
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().code).toMatch(/^[A-Z_]+$/);
  }
  return response;
}

describe('fuzzed request bodies never yield a 500', () => {
  it('POST /v1/items', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        body(
          fc.oneof(
            fc.record(
              {
                source: mostly(text),
                items: mostly(fc.array(mostly(item), { maxLength: 25 })),
                extra: fc.jsonValue({ maxDepth: 1 }),
              },
              { requiredKeys: ['items'] },
            ),
            fc.record(
              {
                source: fc.constantFrom('a', 'b', 'feed:1'),
                items: fc.array(plausibleItem, { minLength: 1, maxLength: 5 }),
              },
              { requiredKeys: ['items'] },
            ),
          ),
        ),
        async (payload) => {
          const response = await check('/v1/items', payload, {
            authorization: `Bearer ${reviewerKey}`,
          });
          statuses.add(response.statusCode);
        },
      ),
      { numRuns: RUNS },
    );
    // The fuzzer reaches both outcomes.
    expect(statuses).toContain(202);
    expect(statuses).toContain(400);
  });

  it('POST /v1/session', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        body(
          fc.record(
            {
              email: mostly(fc.oneof(fc.emailAddress(), fc.constant('admin@example.org'), text)),
              password: mostly(fc.string({ maxLength: 40 })),
            },
            { requiredKeys: [] },
          ),
        ),
        async (payload) => {
          statuses.add((await check('/v1/session', payload, {})).statusCode);
        },
      ),
      { numRuns: RUNS },
    );
    expect(statuses).toContain(401);
    expect(statuses).toContain(400);
  });

  it('POST /v1/accounts', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        body(
          fc.oneof(
            fc.record(
              {
                name: mostly(text),
                email: mostly(fc.emailAddress()),
                roles: mostly(fc.array(fc.constantFrom(...ROLES, 'wizard'), { maxLength: 6 })),
                password: mostly(fc.string({ minLength: 10, maxLength: 20 })),
              },
              { requiredKeys: [] },
            ),
            fc.record(
              {
                name: fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,20}$/),
                email: fc.stringMatching(/^[a-z]{1,12}@example\.org$/),
                roles: fc.subarray([...ROLES]),
                password: fc.string({ minLength: 12, maxLength: 30 }),
              },
              { requiredKeys: ['name', 'roles'] },
            ),
          ),
        ),
        async (payload) => {
          const response = await check('/v1/accounts', payload, {
            authorization: `Bearer ${adminKey}`,
          });
          statuses.add(response.statusCode);
        },
      ),
      { numRuns: RUNS },
    );
    expect(statuses).toContain(201);
    expect(statuses).toContain(400);
  });

  it('POST /v1/apikeys', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        body(
          fc.record(
            {
              name: mostly(text),
              accountId: mostly(fc.oneof(fc.constant(reviewerId), text)),
            },
            { requiredKeys: [] },
          ),
        ),
        fc.boolean(),
        async (payload, asAdmin) => {
          const response = await check('/v1/apikeys', payload, {
            authorization: `Bearer ${asAdmin ? adminKey : reviewerKey}`,
          });
          statuses.add(response.statusCode);
        },
      ),
      { numRuns: RUNS },
    );
    expect(statuses).toContain(201);
    expect(statuses).toContain(400);
  });
});
