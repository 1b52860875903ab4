/**
 * The API on the real store (src/store), on every test database (SQLite always, PostgreSQL when
 * VIGIL_TEST_DATABASE_URL names one): the flows the in-memory double stands in for elsewhere,
 * so that the double and the store cannot drift apart unnoticed.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server/app.js';
import { generateApiKey, hashPassword } from '../src/server/auth.js';
import { loadConfig } from '../src/server/config.js';
import { openServiceStore } from '../src/store/service-store.js';
import { testDatabases } from './support/databases.js';

const NOW = new Date('2026-03-01T00:00:00.000Z');
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

for (const database of testDatabases()) {
  describe(`the API on ${database.name}`, () => {
    async function setup() {
      const store = openServiceStore(await database.open());
      const admin = await store.accounts.createAccount(
        {
          name: 'Admin',
          email: 'admin@example.org',
          roles: ['admin'],
          passwordHash: await hashPassword('a long enough password'),
        },
        NOW.toISOString(),
      );
      const { key, sha256, prefix } = generateApiKey();
      await store.accounts.createApiKey(
        { accountId: admin.id, name: 'test', prefix, sha256 },
        NOW.toISOString(),
      );
      const app = await buildServer({ store, config: loadConfig({}), clock: () => NOW });
      apps.push(app);
      return { app, store, headers: { authorization: `Bearer ${key}` } };
    }

    it('ingests idempotently, with a job and an audit record, and pages through items', async () => {
      const { app, store, headers } = await setup();
      const items = [
        { id: 'a', title: 'first' },
        { id: 2, body: 'second' },
        { id: 'c', title: 'third' },
      ];
      const first = await app.inject({
        method: 'POST',
        url: '/v1/items',
        headers,
        payload: { source: 's', items },
      });
      expect(first.statusCode, first.body).toBe(202);
      expect(first.json().jobs).toHaveLength(1);
      const again = await app.inject({
        method: 'POST',
        url: '/v1/items',
        headers,
        payload: { source: 's', items },
      });
      expect(again.json().jobs).toEqual([]);
      expect(again.json().results.map((r: { created: boolean }) => r.created)).toEqual([
        false,
        false,
        false,
      ]);
      expect(await store.jobs.counts()).toMatchObject({ ready: 1 });
      const audit = await store.audit.list({ action: 'items.ingest' }, {});
      expect(audit.items).toHaveLength(2);

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = (
          await app.inject({
            url: `/v1/items?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
            headers,
          })
        ).json();
        seen.push(...page.items.map((item: { externalId: string }) => item.externalId));
        cursor = page.next;
      } while (cursor !== undefined);
      expect(seen.sort()).toEqual(['2', 'a', 'c']);

      const bad = await app.inject({ url: '/v1/items?cursor=bm9wZQ', headers });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('CURSOR_INVALID');
    });

    it('manages accounts, keys and sessions', async () => {
      const { app, headers } = await setup();
      const created = await app.inject({
        method: 'POST',
        url: '/v1/accounts',
        headers,
        payload: {
          name: 'R',
          email: 'R@example.org',
          roles: ['reviewer'],
          password: 'x'.repeat(12),
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const duplicate = await app.inject({
        method: 'POST',
        url: '/v1/accounts',
        headers,
        payload: { name: 'R', email: 'r@example.org', roles: [] },
      });
      expect(duplicate.json().code).toBe('CONFLICT');

      const signIn = await app.inject({
        method: 'POST',
        url: '/v1/session',
        payload: { email: 'r@example.org', password: 'x'.repeat(12) },
      });
      expect(signIn.statusCode, signIn.body).toBe(200);
      const session = signIn.cookies[0]?.value ?? '';
      const key = await app.inject({
        method: 'POST',
        url: '/v1/apikeys',
        cookies: { vigil_session: session },
        payload: { name: 'mine' },
      });
      expect(key.statusCode, key.body).toBe(201);
      const me = await app.inject({
        url: '/v1/me',
        headers: { authorization: `Bearer ${key.json().key}` },
      });
      expect(me.json()).toMatchObject({ via: 'apikey', account: { email: 'r@example.org' } });

      const disabled = await app.inject({
        method: 'PATCH',
        url: `/v1/accounts/${created.json().id}`,
        headers,
        payload: { disabled: true },
      });
      expect(disabled.statusCode, disabled.body).toBe(200);
      for (const request of [
        { cookies: { vigil_session: session } },
        { headers: { authorization: `Bearer ${key.json().key}` } },
      ]) {
        expect((await app.inject({ url: '/v1/me', ...request })).statusCode).toBe(401);
      }
    });
  });
}
