/**
 * Private matching between two instances on loopback: two stores (SQLite files in folders of
 * their own), two servers listening on 127.0.0.1, organisation keys in each data folder, each
 * registered and confirmed as the other's partner, one agreement in both. A run from either
 * side over HTTP (the CLI's transport) finds exactly the 12 identifiers in common; the route
 * refuses a sender that is not a partner, a tampered body, a set under the minimum, and a
 * second run straight after the first.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { generateOrgKeys, type OrgKeys } from '../src/share/keys.js';
import { createPsiSession, psiRequest } from '../src/share/psi.js';
import { signRequest } from '../src/share/transport.js';
import { VigilError } from '../src/shared/errors.js';
import { openDatabase } from '../src/store/database.js';
import { createOrgKeys } from '../src/store/org-keys.js';
import type { ServiceStore } from '../src/store/repositories.js';
import { openServiceStore } from '../src/store/service-store.js';
import { partnerPost } from '../src/store/share-delivery.js';
import { PSI_PATH, runMatch } from '../src/store/share-match.js';
import {
  agreementBetween,
  distinct,
  NOT_MATCHED,
  partnerOf,
  SHARED,
  seedIdentifiers,
} from './support/share-match-fixtures.js';

const randomBytes = (n: number) => new Uint8Array(nodeRandomBytes(n));
const NOW = new Date('2026-11-28T10:00:00.000Z');
const utf8 = new TextEncoder();

interface Instance {
  readonly dir: string;
  readonly store: ServiceStore;
  readonly app: FastifyInstance;
  readonly keys: OrgKeys;
  readonly url: string;
}

async function instance(org: string, identifiers: readonly string[]): Promise<Instance> {
  const dir = mkdtempSync(join(tmpdir(), `vigil-psi-${org}-`));
  const store = openServiceStore(await openDatabase({ path: join(dir, 'vigil.db') }));
  const keys = await createOrgKeys(dir, org, randomBytes);
  await seedIdentifiers(store, identifiers, NOW.toISOString());
  const app = await buildServer({
    store,
    config: loadConfig({ flags: { dataDir: dir, rateLimitMax: 10_000 } }),
    clock: () => NOW,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { dir, store, app, keys, url: `http://127.0.0.1:${port}` };
}

describe('private matching between two instances on loopback', () => {
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    a = await instance('org-a', [...SHARED, ...distinct('a'), ...NOT_MATCHED]);
    b = await instance('org-b', [...distinct('b'), ...SHARED]);
    await a.store.share.savePartner(partnerOf(b.keys, { url: b.url }));
    await b.store.share.savePartner(partnerOf(a.keys, { url: `${a.url}/` }));
    for (const { store } of [a, b]) {
      await store.share.saveAgreement(agreementBetween(a.keys, b.keys));
    }
  });
  afterAll(async () => {
    for (const side of [a, b]) {
      if (side === undefined) continue;
      await side.app.close();
      await side.store.db.destroy();
      rmSync(side.dir, { recursive: true, force: true });
    }
  });

  /** POSTs a body to B's route, signed by `keys` over `signed` (the body, unless tampered). */
  const postToB = (keys: OrgKeys, body: Uint8Array, signed: Uint8Array = body) =>
    fetch(`${b.url}${PSI_PATH}`, {
      method: 'POST',
      headers: {
        ...signRequest(keys, {
          method: 'POST',
          path: PSI_PATH,
          body: signed,
          time: NOW.getTime() / 1000,
        }),
        'content-type': 'application/json',
      },
      body,
    });
  const matchBody = (items: readonly string[], minSetSize = 10) => {
    const session = `psi_${Buffer.from(randomBytes(8)).toString('hex')}`;
    const psi = createPsiSession(session, randomBytes, { minSetSize });
    const { request } = psiRequest(psi, items, randomBytes);
    return utf8.encode(JSON.stringify({ session, agreementId: 'agr-match-1', request }));
  };
  const run = (from: Instance, to: Instance) =>
    runMatch(from.store, {
      orgKeys: from.keys,
      partner: partnerOf(to.keys, { url: to.url }),
      agreementId: 'agr-match-1',
      post: partnerPost(to.url, { timeoutMs: 60_000 }),
      now: NOW.toISOString(),
      randomBytes,
    });

  it('refuses a request signed by an organisation that is not a partner (401)', async () => {
    const stranger = generateOrgKeys('org-z', randomBytes);
    const response = await postToB(stranger, matchBody([...SHARED, ...distinct('a')]));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'REQUEST_SIGNATURE_INVALID' });
  });

  it('refuses a body changed after signing (401)', async () => {
    const body = matchBody([...SHARED, ...distinct('a')]);
    const tampered = utf8.encode(
      new TextDecoder().decode(body).replace('"agr-match-1"', '"agr-match-2"'),
    );
    expect(tampered).not.toEqual(body);
    const response = await postToB(a.keys, tampered, body);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'REQUEST_SIGNATURE_INVALID' });
    // Unsigned: refused the same way.
    const unsigned = await fetch(`${b.url}${PSI_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(unsigned.status).toBe(401);
  });

  it('refuses a set under the minimum size (422 PSI_REFUSED)', async () => {
    const response = await postToB(a.keys, matchBody(SHARED.slice(0, 3), 1));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      code: 'PSI_REFUSED',
      details: { reason: 'too-small', whose: 'partner', size: 3 },
    });
  });

  it('finds exactly the identifiers in common, from either side', async () => {
    const started = performance.now();
    const fromA = await run(a, b);
    const fromB = await run(b, a);
    const ms = performance.now() - started;
    expect(fromA.intersection).toEqual(SHARED);
    expect(fromA).toMatchObject({ partner: 'org-b', ownSize: 42, partnerSize: 42 });
    expect(fromB.intersection).toEqual(SHARED);
    expect(fromB).toMatchObject({ partner: 'org-a', ownSize: 42, partnerSize: 42 });
    expect(ms).toBeLessThan(60_000);
    const answered = (await b.store.audit.list({ action: 'share.match.answer' }, {})).items;
    expect(answered).toHaveLength(1);
    expect(answered[0]).toMatchObject({ actor: 'partner:org-a', target: 'partner:org-a' });
  });

  it('rate-limits a second run straight after the first (429)', async () => {
    let error: unknown;
    try {
      await run(a, b);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(VigilError);
    expect((error as VigilError).code).toBe('RATE_LIMITED');
    expect((error as VigilError).details).toMatchObject({
      reason: 'interval',
      status: 429,
      partner: 'org-b',
      retryAt: new Date(NOW.getTime() + 60_000).toISOString(),
    });
  });

  it('refuses a partner URL that is not http(s)', () => {
    expect(() => partnerPost('file:///etc/passwd', { timeoutMs: 1000 })).toThrow(VigilError);
  });
});
