/**
 * The legal knowledge base through the API, on the real data in law/: the three questions
 * (check, duties, routes) answer with citations and the not-legal-advice line, and the service
 * takes an order's deadline from the law when the order states none.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLawData } from '../src/cli/law-files.js';
import { buildServer } from '../src/server/app.js';
import { generateApiKey } from '../src/server/auth.js';
import { loadConfig } from '../src/server/config.js';
import { openDatabase } from '../src/store/database.js';
import { openServiceStore } from '../src/store/service-store.js';

const NOW = new Date('2026-11-28T10:00:00.000Z');
const HOUR = 3_600_000;
let app: FastifyInstance;
let headers: Record<string, string>;

beforeAll(async () => {
  const db = await openDatabase({ path: ':memory:' });
  const store = openServiceStore(db);
  const admin = await store.accounts.createAccount(
    { name: 'Admin', roles: ['admin'] },
    NOW.toISOString(),
  );
  const { key, sha256, prefix } = generateApiKey();
  await store.accounts.createApiKey(
    { accountId: admin.id, name: 'k', prefix, sha256 },
    NOW.toISOString(),
  );
  headers = { authorization: `Bearer ${key}` };
  app = await buildServer({
    store,
    // A platform established in Germany that serves Germany, France and Australia.
    config: loadConfig({ flags: { platformCountry: 'DE', servingCountries: 'DE,FR,AU' } }),
    clock: () => NOW,
    law: readLawData(new URL('../law/', import.meta.url).pathname),
  });
});
afterAll(() => app?.close());

interface Cited {
  citations: { key: string; file: string; verification: string }[];
  explanation: string[];
}

describe('the legal knowledge base over HTTP', () => {
  it('checks case facts: definitions, offences and jurisdiction, with sources', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/law/check',
      headers,
      payload: {
        victims: [{ age: 20, nationality: 'RO', location: 'DE' }],
        offenders: [{ nationality: 'DE', location: 'DE' }],
        acts: ['recruitment'],
        means: [],
        purposes: ['sexual-exploitation'],
        actsIn: ['DE'],
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    const answer = response.json();
    expect(answer.disclaimer).toBe('Legal information, not legal advice.');
    const results = answer.definition.results as (Cited & { id: string; met: boolean })[];
    // No means and a victim of 20: not trafficking under Palermo (adults need means), but under
    // §232(1) StGB no means are needed for anyone under 21.
    expect(results.find((r) => r.id === 'palermo')?.met).toBe(false);
    const germany = results.find((r) => r.id === 'DE');
    expect(germany?.met).toBe(true);
    expect(germany?.citations.some((c) => c.file.endsWith('de.yaml'))).toBe(true);
    const offences = answer.offences.jurisdictions.find(
      (j: { jurisdiction: string }) => j.jurisdiction === 'DE',
    );
    expect(offences.offences.map((o: { provision: string }) => o.provision).join(' ')).toContain(
      '232',
    );
  });

  it('lists a platform’s duties with deadlines and citations', async () => {
    const response = await app.inject({
      url: '/v1/law/duties?established=DE&serving=AU&content=csam&asOf=2026-11-28',
      headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    const duties = response.json().duties as { citation: string; deadlineHours?: number }[];
    const removal = duties.find((d) => d.citation.includes('s. 109'));
    expect(removal?.deadlineHours).toBe(24);
    expect(duties.some((d) => d.citation.includes('Art. 18'))).toBe(true);
  });

  it('gives cooperation routes as of a date', async () => {
    const after = await app.inject({
      url: '/v1/law/routes?from=DE&to=FR&data=subscriber&asOf=2026-09-01',
      headers,
    });
    expect(after.statusCode, after.body).toBe(200);
    const first = after.json().routes[0];
    expect(first.kind).toBe('production-order');
    expect(first.deadlineHours).toBe(240);
    const emergency = await app.inject({
      url: '/v1/law/routes?from=DE&to=FR&data=subscriber&asOf=2026-09-01&emergency=true',
      headers,
    });
    expect(emergency.json().routes[0].deadlineHours).toBe(8);
    const before = await app.inject({
      url: '/v1/law/routes?from=DE&to=FR&data=subscriber&asOf=2026-01-01',
      headers,
    });
    expect(before.json().routes.map((r: { kind: string }) => r.kind)).not.toContain(
      'production-order',
    );
  });

  it('takes an order’s deadline from the law when the order states none', async () => {
    const removal = await app.inject({
      method: 'POST',
      url: '/v1/orders?jurisdiction=AU',
      headers,
      payload: {
        kind: 'act',
        issuingAuthority: { name: 'eSafety Commissioner' },
        legalBasis: 'Online Safety Act 2021 s. 109 removal notice',
        locations: { urls: ['https://classifieds.example/ad/9'] },
      },
    });
    expect(removal.statusCode, removal.body).toBe(201);
    expect(Date.parse(removal.json().deadline) - NOW.getTime()).toBe(24 * HOUR);
    expect(removal.json().deadlineBasis.citation).toContain('s. 109');

    const production = await app.inject({
      method: 'POST',
      url: '/v1/orders?jurisdiction=FR&emergency=true',
      headers,
      payload: {
        kind: 'provide-information',
        issuingAuthority: { name: 'Parquet de Paris', country: 'FR' },
        legalBasis: 'European Production Order (Regulation (EU) 2023/1543)',
        accountIds: ['acct-77'],
      },
    });
    expect(production.statusCode, production.body).toBe(201);
    expect(Date.parse(production.json().deadline) - NOW.getTime()).toBe(8 * HOUR);

    // The queue ranks by the deadline from the law, and says so.
    const queue = await app.inject({ url: '/v1/queue', headers });
    const reasons = queue.json().items.map((e: { reasons: string[] }) => e.reasons.join(' '));
    expect(reasons[0]).toContain('legal deadline');

    // Without a jurisdiction whose law sets one, the order must state its deadline.
    const none = await app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers,
      payload: {
        kind: 'act',
        issuingAuthority: { name: 'Somewhere' },
        legalBasis: 'x',
        locations: { urls: ['https://classifieds.example/ad/10'] },
      },
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().detail).toContain('deadline');
  });
});
