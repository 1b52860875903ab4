/**
 * The HTTP API end to end through `app.inject()` (no network), on the in-memory store double.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Network, Template } from '../src/analyze/link-types.js';
import type { Analysis } from '../src/analyze/types.js';
import { buildServer } from '../src/server/app.js';
import { hashPassword } from '../src/server/auth.js';
import { loadConfig } from '../src/server/config.js';
import type { Role } from '../src/store/repositories.js';
import { addAccount, MemoryStore } from './support/memory-store.js';

const START = new Date('2026-03-01T12:00:00.000Z');
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function setup(flags: Record<string, unknown> = {}, logStream?: Writable) {
  const store = new MemoryStore();
  const config = loadConfig({ flags });
  let now = START;
  const app = await buildServer({
    store,
    config,
    clock: () => now,
    ...(logStream !== undefined && { logger: { stream: logStream } }),
  });
  apps.push(app);
  await app.ready();
  const admin = await addAccount(store, { roles: ['admin'], email: 'admin@example.org' });
  const as = (key: string) => ({ authorization: `Bearer ${key}` });
  return {
    app,
    store,
    config,
    admin,
    as,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
    withRoles: (roles: Role[]) => addAccount(store, { roles }),
  };
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json();
  expect(problem).toMatchObject({ status, code, type: `/docs/errors#${code.toLowerCase()}` });
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
  expect(problem.requestId).toBe(response.headers['x-request-id']);
  expect(response.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(problem).not.toHaveProperty('stack');
  return problem as { detail: string; details?: Record<string, unknown>; instance?: string };
}

const ITEMS = [
  { id: 'ad-1', title: 'New in town', body: 'Call 212 555 0147', location: { country: 'US' } },
  { id: 2, body: 'Second item' },
  { id: 'ad-3', title: 'Third' },
];

describe('POST /v1/items', () => {
  it('stores a batch, queues one analysis job and writes an audit record, in one transaction', async () => {
    const { app, store, admin, as } = await setup();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/items',
      headers: as(admin.key),
      payload: { source: 'classifieds', items: ITEMS },
    });
    expect(response.statusCode, response.body).toBe(202);
    const body = response.json();
    expect(body.results).toHaveLength(3);
    expect(body.results.map((r: { externalId: string }) => r.externalId)).toEqual([
      'ad-1',
      '2',
      'ad-3',
    ]);
    expect(body.results.every((r: { created: boolean }) => r.created)).toBe(true);
    expect(body.jobs).toHaveLength(1);
    const job = await store.jobs.get(body.jobs[0]);
    expect(job).toMatchObject({ kind: 'analyze', state: 'ready' });
    expect(job?.payload).toEqual({ items: body.results.map((r: { id: string }) => r.id) });
    const audit = await store.audit.list({ action: 'items.ingest' }, {});
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      actor: `apikey:${admin.keyId}`,
      requestId: response.headers['x-request-id'],
      details: { source: 'classifieds', count: 3, created: 3, jobs: body.jobs },
    });
    expect(store.transactions.committed).toBe(1);
  });

  it('is idempotent on (source, id): a repeated batch stores nothing and queues no job', async () => {
    const { app, store, admin, as } = await setup();
    const send = (source?: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/items',
        headers: as(admin.key),
        payload: { ...(source !== undefined && { source }), items: ITEMS },
      });
    const first = (await send()).json();
    const again = await send();
    expect(again.statusCode).toBe(202);
    const second = again.json();
    expect(second.jobs).toEqual([]);
    expect(second.results).toEqual(
      first.results.map((r: { created: boolean }) => ({ ...r, created: false })),
    );
    expect(store.state.items.size).toBe(3);
    expect((await store.jobs.counts()).ready).toBe(1);
    const audit = await store.audit.list({ action: 'items.ingest' }, {});
    expect(audit.items[0]?.details).toMatchObject({ count: 3, created: 0 });
    // Another source is another key.
    const other = (await send('other')).json();
    expect(other.results.every((r: { created: boolean }) => r.created)).toBe(true);
    expect(store.state.items.size).toBe(6);
  });

  it('refuses the whole batch when one item is invalid, naming its index and reason', async () => {
    const { app, store, admin, as } = await setup();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/items',
      headers: as(admin.key),
      payload: { items: [ITEMS[0], ITEMS[1], { id: 'no-text' }, { title: 'no id' }] },
    });
    const problem = expectProblem(response, 400, 'REQUEST_INVALID');
    expect(problem.detail).toContain('items[2]');
    expect(problem.detail).toContain('"title" or "body"');
    expect(problem.details).toMatchObject({ index: 2, field: 'items[2]' });
    expect(problem.details?.issues).toHaveLength(2);
    expect(store.state.items.size).toBe(0);
    expect(store.state.audit).toHaveLength(0);
  });

  it('bounds the batch: at least one item, at most maxBatch', async () => {
    const { app, admin, as } = await setup({ maxBatch: 2 });
    for (const items of [[], ITEMS]) {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/items',
        headers: as(admin.key),
        payload: { items },
      });
      expect(expectProblem(response, 400, 'REQUEST_INVALID').details).toMatchObject({
        field: 'items',
      });
    }
  });

  it('rolls everything back when the audit record cannot be written', async () => {
    const { app, store, admin, as } = await setup();
    vi.spyOn(store.audit, 'record').mockRejectedValueOnce(new Error('disk I/O error'));
    const response = await app.inject({
      method: 'POST',
      url: '/v1/items',
      headers: as(admin.key),
      payload: { items: ITEMS },
    });
    expectProblem(response, 500, 'INTERNAL_ERROR');
    expect(store.state.items.size).toBe(0);
    expect((await store.jobs.counts()).ready).toBe(0);
    expect(store.transactions.rolledBack).toBe(1);
  });
});

describe('reading', () => {
  async function seeded() {
    const context = await setup();
    const { app, store, admin, as, advance } = context;
    for (let i = 0; i < 7; i++) {
      await app.inject({
        method: 'POST',
        url: '/v1/items',
        headers: as(admin.key),
        payload: { source: i % 2 ? 'odd' : 'even', items: [{ id: `n${i}`, title: `item ${i}` }] },
      });
      advance(1000);
    }
    return { ...context, ids: [...store.state.items.keys()] };
  }

  it('pages through items newest first with opaque cursors', async () => {
    const { app, admin, as } = await seeded();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({ limit: '3', ...(cursor && { cursor }) });
      const response = await app.inject({ url: `/v1/items?${query}`, headers: as(admin.key) });
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json();
      seen.push(...page.items.map((item: { externalId: string }) => item.externalId));
      cursor = page.next;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(['n6', 'n5', 'n4', 'n3', 'n2', 'n1', 'n0']);
  });

  it('filters items', async () => {
    const { app, admin, as } = await seeded();
    const odd = (await app.inject({ url: '/v1/items?source=odd', headers: as(admin.key) })).json();
    expect(odd.items.map((item: { externalId: string }) => item.externalId)).toEqual([
      'n5',
      'n3',
      'n1',
    ]);
    const analyzed = await app.inject({ url: '/v1/items?analyzed=true', headers: as(admin.key) });
    expect(analyzed.json().items).toEqual([]);
    const bad = await app.inject({ url: '/v1/items?band=severe', headers: as(admin.key) });
    expect(expectProblem(bad, 400, 'REQUEST_INVALID').details).toMatchObject({
      location: 'query',
      field: 'band',
    });
  });

  it('refuses a cursor the listing did not return', async () => {
    const { app, admin, as } = await seeded();
    const response = await app.inject({ url: '/v1/items?cursor=bm9wZQ', headers: as(admin.key) });
    expectProblem(response, 400, 'CURSOR_INVALID');
  });

  it('gets an item, and 404s an unknown one', async () => {
    const { app, admin, as, ids } = await seeded();
    const response = await app.inject({ url: `/v1/items/${ids[0]}`, headers: as(admin.key) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: ids[0], item: { id: 'n0', title: 'item 0' } });
    expectProblem(
      await app.inject({ url: '/v1/items/itm_unknown', headers: as(admin.key) }),
      404,
      'NOT_FOUND',
    );
  });

  it('finds items by identifier', async () => {
    const { app, store, admin, as, ids } = await seeded();
    const analysis = { id: 'n0', risk: 0.8, band: 'high' } as unknown as Analysis;
    await store.items.saveAnalysis(ids[0] as string, analysis, ['phone:+12125550147'], 'now');
    const url = `/v1/identifiers/${encodeURIComponent('phone:+12125550147')}/items`;
    const response = await app.inject({ url, headers: as(admin.key) });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().items).toHaveLength(1);
    expect(response.json().items[0]).toMatchObject({ id: ids[0], risk: 0.8, band: 'high' });
    const bad = await app.inject({ url: '/v1/identifiers/nonsense/items', headers: as(admin.key) });
    expectProblem(bad, 400, 'REQUEST_INVALID');
  });

  it('lists and gets templates and networks', async () => {
    const { app, store, admin, as } = await seeded();
    const template: Template = {
      id: 'tpl_1',
      members: ['a', 'b'],
      similarity: 0.9,
      parts: [{ text: 'New in ' }, { slot: { kind: 'city', examples: ['Miami'] } }],
    };
    const network: Network = {
      id: 'net_1',
      members: ['a', 'b'],
      templates: ['tpl_1'],
      identifiers: ['phone:+12125550147'],
      hubs: [],
      features: {
        items: 2,
        phones: 1,
        cities: 2,
        spanDays: 3,
        circuit: [{ city: 'Miami', from: '2026-01-01', to: '2026-01-02' }],
        phoneLocationMismatch: 0.5,
        personasPerPhone: 2,
        thirdPersonShare: 0,
      },
      risk: 0.7,
      explanation: ['two personas behind one phone'],
    };
    await store.links.replaceAll([template], [network]);
    const templates = await app.inject({ url: '/v1/templates', headers: as(admin.key) });
    expect(templates.json()).toEqual({ items: [template] });
    const one = await app.inject({ url: '/v1/templates/tpl_1', headers: as(admin.key) });
    expect(one.json()).toEqual(template);
    const networks = await app.inject({ url: '/v1/networks?minRisk=0.5', headers: as(admin.key) });
    expect(networks.json()).toEqual({ items: [network] });
    const none = await app.inject({ url: '/v1/networks?minRisk=0.9', headers: as(admin.key) });
    expect(none.json()).toEqual({ items: [] });
    expect(
      (await app.inject({ url: '/v1/networks/net_1', headers: as(admin.key) })).json(),
    ).toEqual(network);
    expectProblem(
      await app.inject({ url: '/v1/networks/net_2', headers: as(admin.key) }),
      404,
      'NOT_FOUND',
    );
  });

  it('lists jobs and counts them', async () => {
    const { app, admin, as } = await seeded();
    const counts = await app.inject({ url: '/v1/jobs/counts', headers: as(admin.key) });
    expect(counts.json()).toEqual({ ready: 7, running: 0, done: 0, dead: 0 });
    const jobs = await app.inject({ url: '/v1/jobs?state=ready&limit=2', headers: as(admin.key) });
    expect(jobs.json().items).toHaveLength(2);
    expect(jobs.json().next).toBeDefined();
  });

  it('reports health with the job counts, and 503 when the database does not answer', async () => {
    const { app, store } = await seeded();
    const ok = await app.inject({ url: '/health' });
    expect(ok.json()).toEqual({
      status: 'ok',
      database: 'reachable',
      jobs: { ready: 7, running: 0, done: 0, dead: 0 },
    });
    vi.spyOn(store.jobs, 'counts').mockRejectedValueOnce(new Error('ECONNREFUSED 10.0.0.5'));
    const down = await app.inject({ url: '/health' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable', database: 'unreachable' });
  });
});

describe('sessions', () => {
  async function withPerson(flags: Record<string, unknown> = {}) {
    const context = await setup(flags);
    const response = await context.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: context.as(context.admin.key),
      payload: {
        name: 'Rev Iewer',
        email: 'Reviewer@Example.org',
        roles: ['reviewer'],
        password: 'a long enough password',
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return { ...context, person: response.json() };
  }
  const signIn = (app: FastifyInstance, email: string, password: string) =>
    app.inject({ method: 'POST', url: '/v1/session', payload: { email, password } });

  it('signs in with a cookie that is HttpOnly, SameSite=Strict and expires with the session', async () => {
    const { app, store, person } = await withPerson();
    const response = await signIn(app, 'reviewer@example.org', 'a long enough password');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      account: person,
      expiresAt: new Date(START.getTime() + 12 * 3600 * 1000).toISOString(),
    });
    const cookie = response.cookies.find((c) => c.name === 'vigil_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', maxAge: 43_200 });
    expect(cookie?.secure).toBeFalsy();
    expect(Buffer.from(cookie?.value ?? '', 'base64url')).toHaveLength(32);
    // Stored by its hash only.
    expect([...store.state.sessions.keys()]).not.toContain(cookie?.value);
    expect((await store.audit.list({ action: 'session.create' }, {})).items[0]).toMatchObject({
      actor: `account:${person.id}`,
    });

    const me = await app.inject({ url: '/v1/me', cookies: { vigil_session: cookie?.value ?? '' } });
    expect(me.json()).toEqual({
      account: person,
      via: 'session',
      permissions: [
        'items:ingest',
        'items:read',
        'banks:read',
        'notices:submit',
        'orders:receive',
        'workflow:read',
        'queue:review',
        'appeals:file',
        'referrals:manage',
        'cases:use',
        'transparency:read',
        'law:read',
        'apikeys:own',
      ],
    });
  });

  it('marks the cookie Secure when configured', async () => {
    const { app } = await withPerson({ secureCookies: true });
    const response = await signIn(app, 'reviewer@example.org', 'a long enough password');
    expect(response.cookies[0]?.secure).toBe(true);
    expect(response.headers['strict-transport-security']).toMatch(/max-age=/);
  });

  it('refuses a wrong password, an unknown address and a disabled account alike', async () => {
    const { app, admin, as, person } = await withPerson();
    const wrong = expectProblem(
      await signIn(app, 'reviewer@example.org', 'not the password'),
      401,
      'SIGN_IN_FAILED',
    );
    const unknown = expectProblem(
      await signIn(app, 'nobody@example.org', 'a long enough password'),
      401,
      'SIGN_IN_FAILED',
    );
    expect(unknown.detail).toBe(wrong.detail);
    await app.inject({
      method: 'PATCH',
      url: `/v1/accounts/${person.id}`,
      headers: as(admin.key),
      payload: { disabled: true },
    });
    expectProblem(
      await signIn(app, 'reviewer@example.org', 'a long enough password'),
      401,
      'SIGN_IN_FAILED',
    );
  });

  it('expires sessions, and ends them on sign-out', async () => {
    const { app, store, advance } = await withPerson();
    const token = async () =>
      (await signIn(app, 'reviewer@example.org', 'a long enough password')).cookies[0]?.value ?? '';
    const first = await token();
    advance(12 * 3600 * 1000 + 1);
    expectProblem(
      await app.inject({ url: '/v1/me', cookies: { vigil_session: first } }),
      401,
      'AUTH_REQUIRED',
    );

    const second = await token();
    const out = await app.inject({
      method: 'DELETE',
      url: '/v1/session',
      cookies: { vigil_session: second },
    });
    expect(out.statusCode).toBe(204);
    const cleared = out.cookies.find((c) => c.name === 'vigil_session');
    expect(cleared?.value).toBe('');
    expect((await store.audit.list({ action: 'session.delete' }, {})).items).toHaveLength(1);
    expectProblem(
      await app.inject({ url: '/v1/me', cookies: { vigil_session: second } }),
      401,
      'AUTH_REQUIRED',
    );
    // Signing out without a session is harmless.
    expect((await app.inject({ method: 'DELETE', url: '/v1/session' })).statusCode).toBe(204);
  });

  it('refuses a malformed or unknown session cookie', async () => {
    const { app } = await withPerson();
    for (const value of ['x', 'A'.repeat(43)]) {
      expectProblem(
        await app.inject({ url: '/v1/me', cookies: { vigil_session: value } }),
        401,
        'AUTH_REQUIRED',
      );
    }
  });

  it('limits sign-in attempts per address', async () => {
    const { app } = await withPerson();
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i <= 30; i++)
      last = await signIn(app, 'reviewer@example.org', 'wrong password');
    if (last === undefined) throw new Error('no response');
    expectProblem(last, 429, 'RATE_LIMITED');
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('accounts and API keys', () => {
  it('creates accounts with an audit record, refusing a second account for one address', async () => {
    const { app, store, admin, as } = await setup();
    const payload = { name: 'Ann', email: 'ann@example.org', roles: ['investigator'] };
    const created = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: as(admin.key),
      payload,
    });
    expect(created.statusCode).toBe(201);
    const account = created.json();
    expect(account).toMatchObject({
      name: 'Ann',
      email: 'ann@example.org',
      roles: ['investigator'],
    });
    expect(account).not.toHaveProperty('passwordHash');
    expect((await store.audit.list({ action: 'account.create' }, {})).items[0]).toMatchObject({
      actor: `apikey:${admin.keyId}`,
      target: `account:${account.id}`,
    });
    const again = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: as(admin.key),
      payload: { ...payload, email: 'ANN@example.org' },
    });
    expectProblem(again, 409, 'CONFLICT');
    const list = await app.inject({ url: '/v1/accounts', headers: as(admin.key) });
    expect(list.json().items).toHaveLength(2);
  });

  it('validates new accounts', async () => {
    const { app, admin, as } = await setup();
    for (const [payload, field] of [
      [{ name: 'A', roles: ['wizard'] }, 'roles[0]'],
      [{ name: 'A', roles: ['admin', 'admin'] }, 'roles'],
      [{ name: 'A', roles: [], password: 'a long enough password' }, 'password'],
      [{ name: 'A', email: 'a@example.org', roles: [], password: 'short' }, 'password'],
      [{ name: '', roles: [] }, 'name'],
      [{ name: 'A', roles: [], isAdmin: true }, 'isAdmin'],
    ] as const) {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/accounts',
        headers: as(admin.key),
        payload,
      });
      expect(expectProblem(response, 400, 'REQUEST_INVALID').details, field).toMatchObject({
        field,
      });
    }
  });

  it('changes roles and disables accounts; a disabled account loses its keys', async () => {
    const { app, store, admin, as, withRoles } = await setup();
    const other = await withRoles(['reviewer']);
    expect((await app.inject({ url: '/v1/me', headers: as(other.key) })).statusCode).toBe(200);
    const roles = await app.inject({
      method: 'PATCH',
      url: `/v1/accounts/${other.account.id}`,
      headers: as(admin.key),
      payload: { roles: ['auditor'] },
    });
    expect(roles.json().roles).toEqual(['auditor']);
    const disabled = await app.inject({
      method: 'PATCH',
      url: `/v1/accounts/${other.account.id}`,
      headers: as(admin.key),
      payload: { disabled: true },
    });
    expect(disabled.json().disabledAt).toBe(START.toISOString());
    expectProblem(
      await app.inject({ url: '/v1/me', headers: as(other.key) }),
      401,
      'AUTH_REQUIRED',
    );
    const actions = (await store.audit.list({ target: `account:${other.account.id}` }, {})).items;
    expect(actions.map((record) => record.action)).toEqual(['account.disable', 'account.roles']);
    expectProblem(
      await app.inject({
        method: 'PATCH',
        url: '/v1/accounts/acc_nobody',
        headers: as(admin.key),
        payload: { disabled: true },
      }),
      404,
      'NOT_FOUND',
    );
  });

  it('keeps admins from locking themselves out', async () => {
    const { app, admin, as } = await setup();
    for (const payload of [{ disabled: true }, { roles: ['reviewer'] }]) {
      const response = await app.inject({
        method: 'PATCH',
        url: `/v1/accounts/${admin.account.id}`,
        headers: as(admin.key),
        payload,
      });
      expectProblem(response, 409, 'CONFLICT');
    }
  });

  it('sets a new password', async () => {
    const { app, store, admin, as } = await setup();
    const person = await addAccount(store, {
      roles: ['advocate'],
      email: 'adv@example.org',
      passwordHash: await hashPassword('the first password'),
    });
    const changed = await app.inject({
      method: 'PATCH',
      url: `/v1/accounts/${person.account.id}`,
      headers: as(admin.key),
      payload: { password: 'the second password' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const signIn = (password: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/session',
        payload: { email: 'adv@example.org', password },
      });
    expect((await signIn('the first password')).statusCode).toBe(401);
    expect((await signIn('the second password')).statusCode).toBe(200);
  });

  it('shows a new API key once; it works until revoked', async () => {
    const { app, store, as, withRoles } = await setup();
    const reviewer = await withRoles(['reviewer']);
    const created = await app.inject({
      method: 'POST',
      url: '/v1/apikeys',
      headers: as(reviewer.key),
      payload: { name: 'pipeline' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { key, apiKey } = created.json();
    expect(key).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect(apiKey).toMatchObject({ accountId: reviewer.account.id, name: 'pipeline' });

    const me = await app.inject({ url: '/v1/me', headers: as(key) });
    expect(me.json()).toMatchObject({ via: 'apikey', apiKey: { id: apiKey.id } });

    const listed = await app.inject({ url: '/v1/apikeys', headers: as(key) });
    expect(listed.json().items.map((k: { id: string }) => k.id)).toContain(apiKey.id);
    expect(listed.body).not.toContain(key);
    expect(listed.body).not.toContain('sha256');

    const revoked = await app.inject({
      method: 'DELETE',
      url: `/v1/apikeys/${apiKey.id}`,
      headers: as(reviewer.key),
    });
    expect(revoked.statusCode).toBe(204);
    expectProblem(await app.inject({ url: '/v1/me', headers: as(key) }), 401, 'AUTH_REQUIRED');
    const actions = (await store.audit.list({ target: `apikey:${apiKey.id}` }, {})).items;
    expect(actions.map((record) => [record.action, record.actor])).toEqual([
      ['apikey.revoke', `apikey:${reviewer.keyId}`],
      ['apikey.create', `apikey:${reviewer.keyId}`],
    ]);
  });

  it("lets only admins manage another account's keys", async () => {
    const { app, admin, as, withRoles } = await setup();
    const reviewer = await withRoles(['reviewer']);
    const investigator = await withRoles(['investigator']);
    expectProblem(
      await app.inject({
        method: 'POST',
        url: '/v1/apikeys',
        headers: as(reviewer.key),
        payload: { name: 'x', accountId: investigator.account.id },
      }),
      403,
      'FORBIDDEN',
    );
    expectProblem(
      await app.inject({
        url: `/v1/apikeys?accountId=${investigator.account.id}`,
        headers: as(reviewer.key),
      }),
      403,
      'FORBIDDEN',
    );
    // Someone else's key id is not found among one's own.
    expectProblem(
      await app.inject({
        method: 'DELETE',
        url: `/v1/apikeys/${investigator.keyId}`,
        headers: as(reviewer.key),
      }),
      404,
      'NOT_FOUND',
    );
    // An admin makes a key for a service account and revokes another account's key.
    const service = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: as(admin.key),
      payload: { name: 'ingest bot', roles: ['reviewer'] },
    });
    const made = await app.inject({
      method: 'POST',
      url: '/v1/apikeys',
      headers: as(admin.key),
      payload: { name: 'bot key', accountId: service.json().id },
    });
    expect(made.statusCode).toBe(201);
    expect(
      (await app.inject({ url: '/v1/me', headers: as(made.json().key) })).json(),
    ).toMatchObject({ account: { name: 'ingest bot' } });
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/v1/apikeys/${investigator.keyId}?accountId=${investigator.account.id}`,
      headers: as(admin.key),
    });
    expect(revoked.statusCode).toBe(204);
  });
});

describe('problems', () => {
  it('400 for a body that is not JSON, or of the wrong shape', async () => {
    const { app, admin, as } = await setup();
    const broken = await app.inject({
      method: 'POST',
      url: '/v1/items',
      headers: { ...as(admin.key), 'content-type': 'application/json' },
      payload: '{"items": [',
    });
    expectProblem(broken, 400, 'REQUEST_INVALID');
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1/items',
      headers: as(admin.key),
      payload: { items: 'all of them' },
    });
    expect(expectProblem(wrong, 400, 'REQUEST_INVALID').detail).toContain('items');
  });

  it('401 without credentials, with WWW-Authenticate; 401 for a malformed key', async () => {
    const { app } = await setup();
    const none = await app.inject({ url: '/v1/items' });
    expectProblem(none, 401, 'AUTH_REQUIRED');
    expect(none.headers['www-authenticate']).toBe('Bearer realm="vigil"');
    for (const authorization of [
      'Bearer nope',
      'Basic YWRtaW46YWRtaW4=',
      `Bearer vgl_${'A'.repeat(43)}`,
    ]) {
      expectProblem(
        await app.inject({ url: '/v1/items', headers: { authorization } }),
        401,
        'AUTH_REQUIRED',
      );
    }
  });

  it('403 without the permission, naming it', async () => {
    const { app, as, withRoles } = await setup();
    const advocate = await withRoles(['advocate']);
    const problem = expectProblem(
      await app.inject({ url: '/v1/items', headers: as(advocate.key) }),
      403,
      'FORBIDDEN',
    );
    expect(problem.details).toEqual({ permission: 'items:read' });
  });

  it('404 for an unknown route', async () => {
    const { app } = await setup();
    const problem = expectProblem(await app.inject({ url: '/v2/nothing' }), 404, 'NOT_FOUND');
    expect(problem.instance).toBe('/v2/nothing');
  });

  it('413 for a body over the limit', async () => {
    const { app, admin, as } = await setup({ bodyLimit: 1024 });
    const response = await app.inject({
      method: 'POST',
      url: '/v1/items',
      headers: as(admin.key),
      payload: { items: [{ id: 'big', body: 'x'.repeat(2000) }] },
    });
    expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('415 for a body that is not JSON', async () => {
    const { app, admin, as } = await setup();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/items',
      headers: { ...as(admin.key), 'content-type': 'text/plain' },
      payload: 'items',
    });
    expectProblem(response, 415, 'MEDIA_TYPE_UNSUPPORTED');
  });

  it('429 with Retry-After, per API key', async () => {
    const { app, admin, as, withRoles } = await setup({ rateLimitMax: 2 });
    const auditor = await withRoles(['auditor']);
    const get = (key: string) => app.inject({ url: '/v1/jobs/counts', headers: as(key) });
    expect((await get(admin.key)).statusCode).toBe(200);
    expect((await get(admin.key)).statusCode).toBe(200);
    const limited = await get(admin.key);
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another key has its own budget.
    expect((await get(auditor.key)).statusCode).toBe(200);
  });

  it('500 without internals when the store throws a raw error', async () => {
    const secret =
      'SQLITE_ERROR: near "DROP": syntax error in SELECT * FROM item WHERE id = ? (/var/lib/vigil/.vigil/vigil.db)';
    const logs: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const { app, store, admin, as } = await setup({}, stream);
    vi.spyOn(store.items, 'get').mockRejectedValueOnce(new Error(secret));
    const response = await app.inject({ url: '/v1/items/itm_x', headers: as(admin.key) });
    const problem = expectProblem(response, 500, 'INTERNAL_ERROR');
    for (const leak of ['SQLITE', 'SELECT', 'DROP', '/var/lib', 'vigil.db', 'Error:']) {
      expect(response.body).not.toContain(leak);
    }
    expect(problem.detail).toMatch(/unexpected/);
    // The log keeps the error, under the request id, and never the credentials.
    const line = logs.find((l) => l.includes('SQLITE_ERROR'));
    expect(line).toContain(response.headers['x-request-id']);
    expect(logs.join('')).not.toContain(admin.key);
  });
});

describe('HTTP', () => {
  it('echoes a safe x-request-id and replaces an unsafe one', async () => {
    const { app } = await setup();
    const safe = await app.inject({ url: '/health', headers: { 'x-request-id': 'abc-123.x:y' } });
    expect(safe.headers['x-request-id']).toBe('abc-123.x:y');
    const problem = await app.inject({ url: '/nope', headers: { 'x-request-id': 'trace-42' } });
    expect(problem.json().requestId).toBe('trace-42');
    for (const unsafe of ['has space', 'x'.repeat(65), '<script>', 'a\u00e9']) {
      const response = await app.inject({ url: '/health', headers: { 'x-request-id': unsafe } });
      expect(response.headers['x-request-id']).not.toBe(unsafe);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('sets security headers on every response, errors included', async () => {
    const { app, admin, as } = await setup();
    for (const response of [
      await app.inject({ url: '/health' }),
      await app.inject({ url: '/v1/items', headers: as(admin.key) }),
      await app.inject({ url: '/v1/items' }),
      await app.inject({ url: '/nope' }),
    ]) {
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });

  it('serves the OpenAPI document listing every route, and the docs viewer without a CDN', async () => {
    const { app } = await setup();
    const document = (await app.inject({ url: '/openapi.json' })).json();
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(
      document.paths as Record<string, Record<string, unknown>>,
    ).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routes = app.routeTable
      .filter((r) => !r.hidden)
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(documented.sort()).toEqual(routes.sort());
    expect(routes.length).toBeGreaterThanOrEqual(22);
    // Every operation documents its responses and, if protected, its security.
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations as Record<string, unknown>)) {
        expect(operation, `${method} ${path}`).toHaveProperty('responses');
      }
    }

    const page = await app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const bundle = await app.inject({ url: '/docs/static/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
  });

  it('refuses to register a route that declares no access', async () => {
    const store = new MemoryStore();
    const app = await buildServer({ store, config: loadConfig({}) });
    apps.push(app);
    expect(() => app.get('/v1/forgotten', async () => ({ secret: true }))).toThrow(
      /declares no access/,
    );
    expect(() =>
      app.get('/v1/misspelt', { config: { access: 'items:reed' as never } }, async () => ({})),
    ).toThrow(/declares no access/);
  });
});

describe('problem types', () => {
  it('link to the served error catalogue, which has a section for each code', async () => {
    const { app } = await setup();
    const problem = (await app.inject({ url: '/v1/items' })).json();
    const [path, anchor] = String(problem.type).split('#');
    const catalogue = await app.inject({ url: path });
    expect(catalogue.statusCode).toBe(200);
    expect(catalogue.headers['content-type']).toMatch(/^text\/markdown/);
    expect(catalogue.body).toContain(`### ${String(anchor).toUpperCase()}\n`);
  });
});
