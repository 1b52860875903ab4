/**
 * Hash banks through the HTTP API on the real store: an admin creates a bank and imports
 * hashes (an invalid entry refuses the request, naming it); an item whose `pdq:` image lies
 * within a few bits of a bank hash is analysed by the analyze job with an indicator naming the
 * bank, its kind, the distance and the label, and lands in the high band; auditors see no
 * bank, and only admins change banks. The audit log holds counts, never hashes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../src/analyze/analyze.js';
import { compileRules, parseRuleFile } from '../src/analyze/rules.js';
import { runWorker, serviceHandlers } from '../src/jobs/index.js';
import { buildServer } from '../src/server/app.js';
import { generateApiKey } from '../src/server/auth.js';
import { loadConfig } from '../src/server/config.js';
import type { Role, ServiceStore } from '../src/store/repositories.js';
import { openServiceStore } from '../src/store/service-store.js';
import { testDatabases } from './support/databases.js';

const RULES_DIR = new URL('../rules/', import.meta.url);
const engine = createEngine({
  rules: compileRules(
    readdirSync(RULES_DIR)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => parseRuleFile(name, readFileSync(new URL(name, RULES_DIR), 'utf8'))),
  ),
});

const NOW = new Date('2026-11-28T10:00:00.000Z');
const BANK_HASH = `${'5a'.repeat(31)}00`;
/** BANK_HASH with its last byte's 7 bits flipped: 7 bits away. */
const NEAR = `${'5a'.repeat(31)}7f`;
const FAR = 'a5'.repeat(32);

for (const database of testDatabases()) {
  describe(`hash banks over HTTP on ${database.name}`, () => {
    let app: FastifyInstance;
    let store: ServiceStore;
    const keys: Record<string, string> = {};
    const call = (who: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
      app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${keys[who]}` },
        ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
      });

    beforeAll(async () => {
      store = openServiceStore(await database.open());
      for (const role of ['admin', 'reviewer', 'investigator', 'auditor'] as Role[]) {
        const account = await store.accounts.createAccount(
          { name: role, roles: [role] },
          NOW.toISOString(),
        );
        const { key, sha256, prefix } = generateApiKey();
        await store.accounts.createApiKey(
          { accountId: account.id, name: 'k', prefix, sha256 },
          NOW.toISOString(),
        );
        keys[role] = key;
      }
      app = await buildServer({
        store,
        config: loadConfig({ flags: { rateLimitMax: 100_000 } }),
        clock: () => NOW,
      });
    });
    afterAll(async () => {
      await app?.close();
      await store?.db.destroy();
    });

    it('creates a bank, imports hashes, and flags a matching item with the bank', async () => {
      const created = await call('admin', 'POST', '/v1/banks', {
        name: 'Hotline list',
        kind: 'abuse-material',
        description: 'Supplied by a hotline',
      });
      expect(created.statusCode, created.body).toBe(201);
      const bank = created.json();
      expect(bank).toMatchObject({ name: 'Hotline list', kind: 'abuse-material', size: 0 });
      expect(
        (await call('admin', 'POST', '/v1/banks', { name: 'Hotline list', kind: 'other' }))
          .statusCode,
      ).toBe(409);

      // An invalid entry refuses the whole request, naming it.
      const bad = await call('admin', 'POST', `/v1/banks/${bank.id}/hashes`, {
        hashes: [{ pdq: FAR }, { pdq: BANK_HASH }, { pdq: 'abc' }],
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({
        code: 'REQUEST_INVALID',
        details: { field: 'hashes[2].pdq' },
      });
      expect((await store.banks.get(bank.id))?.size).toBe(0);

      const imported = await call('admin', 'POST', `/v1/banks/${bank.id}/hashes`, {
        hashes: [{ pdq: BANK_HASH, label: 'HL-2026-0042' }, { pdq: `pdq:${FAR.toUpperCase()}` }],
      });
      expect(imported.statusCode, imported.body).toBe(200);
      expect(imported.json()).toMatchObject({
        received: 2,
        added: 2,
        existing: 0,
        bank: { size: 2, version: 2 },
      });

      const listed = await call('reviewer', 'GET', '/v1/banks');
      expect(listed.statusCode).toBe(200);
      expect(listed.json().items).toEqual([expect.objectContaining({ id: bank.id, size: 2 })]);

      const ingest = await call('admin', 'POST', '/v1/items', {
        items: [
          {
            id: 'ad-1',
            title: 'Room for rent',
            body: 'Quiet flat near the station.',
            images: [`pdq:${NEAR}`],
          },
          {
            id: 'ad-2',
            title: 'Room for rent',
            body: 'Quiet flat near the park.',
            images: [`pdq:${'00'.repeat(32)}`],
          },
        ],
      });
      expect(ingest.statusCode, ingest.body).toBe(202);
      const [matched, other] = ingest.json().results.map((r: { id: string }) => r.id);
      await runWorker({
        store,
        handlers: serviceHandlers({ store, engine }),
        worker: 'test-worker',
        untilIdle: true,
        clock: () => NOW,
      });

      const item = (await call('reviewer', 'GET', `/v1/items/${matched}`)).json();
      const indicator = item.analysis.indicators.find(
        (i: { rule: string }) => i.rule === `hash-bank:${bank.id}`,
      );
      expect(indicator).toMatchObject({
        name: 'Image matches hash bank "Hotline list"',
        category: 'hash-bank',
        bankMatch: {
          bankId: bank.id,
          bank: 'Hotline list',
          kind: 'abuse-material',
          image: `pdq:${NEAR}`,
          distance: 7,
          label: 'HL-2026-0042',
        },
      });
      expect(JSON.stringify(item.analysis)).not.toContain(BANK_HASH);
      expect(item.band).toBe('high');
      expect(item.analysis.explanation.contributions[0]).toEqual({
        rule: `hash-bank:${bank.id}`,
        weight: 5,
      });

      const unmatched = (await call('reviewer', 'GET', `/v1/items/${other}`)).json();
      expect(
        unmatched.analysis.indicators.some((i: { rule: string }) =>
          i.rule.startsWith('hash-bank:'),
        ),
      ).toBe(false);
      expect(unmatched.band).not.toBe('high');

      // Audited with counts, never hashes or labels.
      const audit = await call('admin', 'GET', `/v1/audit?target=bank:${bank.id}`);
      expect(
        audit
          .json()
          .items.map((r: { action: string }) => r.action)
          .sort(),
      ).toEqual(['bank.create', 'bank.import']);
      expect(audit.body).not.toContain(BANK_HASH);
      expect(audit.body).not.toContain('HL-2026-0042');
    });

    it('matches items analysed before a bank was imported, and unmatches them when it goes', async () => {
      const hash = `${'3c'.repeat(31)}00`;
      const ingest = await call('admin', 'POST', '/v1/items', {
        items: [
          {
            id: 'ad-early',
            title: 'Room for rent',
            body: 'Near the river.',
            images: [`pdq:${hash}`],
          },
        ],
      });
      const [early] = ingest.json().results.map((r: { id: string }) => r.id);
      const work = () =>
        runWorker({
          store,
          handlers: serviceHandlers({ store, engine }),
          worker: 'test-worker',
          untilIdle: true,
          clock: () => NOW,
        });
      await work();
      const rules = async () =>
        (await call('reviewer', 'GET', `/v1/items/${early}`))
          .json()
          .analysis.indicators.map((i: { rule: string }) => i.rule);
      expect((await rules()).some((r: string) => r.startsWith('hash-bank:'))).toBe(false);

      const bank = (
        await call('admin', 'POST', '/v1/banks', { name: 'Victim photos', kind: 'victim-photos' })
      ).json();
      await call('admin', 'POST', `/v1/banks/${bank.id}/hashes`, { hashes: [{ pdq: hash }] });
      await work();
      expect(await rules()).toContain(`hash-bank:${bank.id}`);

      expect((await call('admin', 'DELETE', `/v1/banks/${bank.id}`)).statusCode).toBe(200);
      await work();
      expect(await rules()).not.toContain(`hash-bank:${bank.id}`);
    });

    it('lists the items whose photos are near-identical, with the distance', async () => {
      const photo = `${'6d'.repeat(31)}00`;
      const reencoded = `${'6d'.repeat(31)}0f`; // 4 bits away
      const other = '92'.repeat(32);
      const ingest = await call('admin', 'POST', '/v1/items', {
        items: [
          { id: 'photo-1', title: 'Hostess work', body: 'Call now.', images: [`pdq:${photo}`] },
          {
            id: 'photo-2',
            title: 'Dancers wanted',
            body: 'Text me.',
            images: [`pdq:${reencoded}`],
          },
          { id: 'photo-3', title: 'Flat to let', body: 'Garden view.', images: [`pdq:${other}`] },
        ],
      });
      const [first, second, third] = ingest.json().results.map((r: { id: string }) => r.id);
      await runWorker({
        store,
        handlers: serviceHandlers({ store, engine }),
        worker: 'test-worker',
        untilIdle: true,
        clock: () => NOW,
      });
      const similar = await call('reviewer', 'GET', `/v1/items/${first}/similar-images`);
      expect(similar.statusCode, similar.body).toBe(200);
      expect(similar.json().items).toEqual([
        {
          image: `pdq:${photo}`,
          matches: [{ itemId: second, image: `pdq:${reencoded}`, distance: 4 }],
        },
      ]);
      const strict = await call(
        'reviewer',
        'GET',
        `/v1/items/${first}/similar-images?maxDistance=3`,
      );
      expect(strict.json().items[0].matches).toEqual([]);
      expect(
        (await call('reviewer', 'GET', `/v1/items/${third}/similar-images`)).json().items[0]
          .matches,
      ).toEqual([]);
      expect((await call('auditor', 'GET', `/v1/items/${first}/similar-images`)).statusCode).toBe(
        200,
      );
      expect(
        (await call('reviewer', 'GET', '/v1/items/itm_nosuchitem/similar-images')).statusCode,
      ).toBe(404);
    });

    it('shows no bank to auditors, and lets only admins change banks', async () => {
      expect((await call('auditor', 'GET', '/v1/banks')).statusCode).toBe(403);
      const bank = (
        await call('admin', 'POST', '/v1/banks', { name: 'Case photos', kind: 'victim-photos' })
      ).json();
      for (const who of ['reviewer', 'investigator', 'auditor']) {
        const refused = await call(who, 'POST', `/v1/banks/${bank.id}/hashes`, {
          hashes: [{ pdq: FAR }],
        });
        expect(refused.statusCode, who).toBe(403);
        expect(
          (await call(who, 'POST', '/v1/banks', { name: `x-${who}`, kind: 'other' })).statusCode,
        ).toBe(403);
        expect((await call(who, 'DELETE', `/v1/banks/${bank.id}`)).statusCode).toBe(403);
      }
      expect(
        (await call('admin', 'POST', '/v1/banks/bnk_none/hashes', { hashes: [{ pdq: FAR }] }))
          .statusCode,
      ).toBe(404);
      const deleted = await call('admin', 'DELETE', `/v1/banks/${bank.id}`);
      expect(deleted.statusCode).toBe(200);
      expect((await call('admin', 'DELETE', `/v1/banks/${bank.id}`)).statusCode).toBe(404);
    });
  });
}
