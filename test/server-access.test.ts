/**
 * Access control, checked from the outside: every route the app registers (read from the app,
 * so a route added later is walked too) with no credentials and with a key of every role, against
 * the permissions table. And docs/api.md against the same table and routes.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLawData } from '../src/cli/law-files.js';
import { buildServer } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { type Access, can, PERMISSIONS } from '../src/server/permissions.js';
import { openDatabase } from '../src/store/database.js';
import { ROLES, type Role } from '../src/store/repositories.js';
import { openServiceStore } from '../src/store/service-store.js';
import { addAccount } from './support/memory-store.js';

/**
 * The access every API route is meant to have. A new route must be added here, with the access
 * it is meant to have, or the first test fails: so a route cannot ship with a forgotten or
 * mistaken permission unnoticed.
 */
const INTENDED: Readonly<Record<string, Access>> = {
  'GET /health': 'public',
  'GET /openapi.json': 'public',
  'GET /docs/errors': 'public',
  'POST /v1/session': 'public',
  'DELETE /v1/session': 'public',
  'GET /v1/me': 'authenticated',
  'POST /v1/items': 'items:ingest',
  'GET /v1/items': 'items:read',
  'GET /v1/items/:id': 'items:read',
  'GET /v1/items/:id/similar-images': 'items:read',
  'GET /v1/identifiers/:identifier/items': 'items:read',
  'GET /v1/templates': 'items:read',
  'GET /v1/templates/:id': 'items:read',
  'GET /v1/networks': 'items:read',
  'GET /v1/networks/:id': 'items:read',
  'GET /v1/jobs': 'jobs:read',
  'GET /v1/jobs/counts': 'jobs:read',
  'GET /v1/accounts': 'accounts:manage',
  'POST /v1/accounts': 'accounts:manage',
  'PATCH /v1/accounts/:id': 'accounts:manage',
  'POST /v1/apikeys': 'apikeys:own',
  'GET /v1/apikeys': 'apikeys:own',
  'DELETE /v1/apikeys/:id': 'apikeys:own',
  'GET /v1/audit': 'audit:read',
  'POST /v1/notices': 'notices:submit',
  'GET /v1/notices': 'workflow:read',
  'GET /v1/notices/:id': 'workflow:read',
  'POST /v1/orders': 'orders:receive',
  'GET /v1/orders': 'workflow:read',
  'GET /v1/orders/:id': 'workflow:read',
  'GET /v1/queue': 'workflow:read',
  'POST /v1/queue/claim': 'queue:review',
  'POST /v1/queue/jobs': 'queue:review',
  'GET /v1/queue/jobs/:id': 'workflow:read',
  'POST /v1/queue/jobs/:id/release': 'queue:review',
  'POST /v1/queue/jobs/:id/reassign': 'queue:assign',
  'POST /v1/queue/jobs/:id/close': 'queue:review',
  'POST /v1/queue/jobs/:id/decision': 'queue:review',
  'GET /v1/decisions': 'workflow:read',
  'GET /v1/decisions/:id': 'workflow:read',
  'POST /v1/decisions/:id/appeals': 'appeals:file',
  'GET /v1/appeals': 'workflow:read',
  'GET /v1/appeals/:id': 'workflow:read',
  'POST /v1/appeals/:id/decision': 'queue:review',
  'POST /v1/referrals': 'referrals:manage',
  'GET /v1/referrals': 'workflow:read',
  'GET /v1/referrals/:id': 'workflow:read',
  'GET /v1/referrals/:id/payload': 'referrals:manage',
  'POST /v1/referrals/:id/submit': 'referrals:manage',
  'POST /v1/referrals/:id/events': 'referrals:manage',
  'POST /v1/holds': 'holds:manage',
  'GET /v1/holds': 'workflow:read',
  'GET /v1/holds/reminders': 'workflow:read',
  'GET /v1/holds/:id': 'workflow:read',
  'POST /v1/holds/:id/renew': 'holds:manage',
  'POST /v1/holds/:id/release': 'holds:manage',
  'DELETE /v1/items/:id': 'items:delete',
  'POST /v1/cases': 'cases:use',
  'GET /v1/cases': 'cases:use',
  'GET /v1/cases/:id': 'cases:use',
  'PATCH /v1/cases/:id': 'cases:use',
  'POST /v1/cases/:id/members': 'cases:use',
  'DELETE /v1/cases/:id/members/:accountId': 'cases:use',
  'POST /v1/cases/:id/links': 'cases:use',
  'DELETE /v1/cases/:id/links/:kind/:targetId': 'cases:use',
  'POST /v1/cases/:id/notes': 'cases:use',
  'POST /v1/cases/:id/tasks': 'cases:use',
  'PATCH /v1/cases/:id/tasks/:taskId': 'cases:use',
  'GET /v1/cases/:id/timeline': 'cases:use',
  'POST /v1/cases/:id/persons': 'cases:use',
  'GET /v1/cases/:id/persons': 'cases:use',
  'GET /v1/cases/:id/persons/:personId/victim-data': 'cases:use',
  'POST /v1/cases/:id/grants': 'cases:use',
  'GET /v1/cases/:id/grants': 'cases:use',
  'DELETE /v1/cases/:id/grants/:accountId': 'cases:use',
  'POST /v1/cases/:id/persons/:personId/shred': 'cases:use',
  'GET /v1/cases/:id/evidence': 'cases:use',
  'POST /v1/cases/:id/captures': 'cases:use',
  'POST /v1/cases/:id/exports': 'cases:use',
  'GET /v1/transparency': 'transparency:read',
  'POST /v1/law/check': 'law:read',
  'GET /v1/law/duties': 'law:read',
  'GET /v1/law/routes': 'law:read',
  'GET /v1/law/jurisdictions': 'law:read',
  'GET /v1/law/jurisdictions/:id': 'law:read',
  'GET /v1/me/settings': 'authenticated',
  'PATCH /v1/me/settings': 'authenticated',
  'POST /v1/banks': 'banks:manage',
  'GET /v1/banks': 'banks:read',
  'POST /v1/banks/:id/hashes': 'banks:manage',
  'DELETE /v1/banks/:id': 'banks:manage',
  'POST /v1/share/psi': 'public',
  'POST /v1/share/inbox': 'public',
  'GET /v1/share/partners': 'share:use',
  'POST /v1/share/partners': 'share:manage',
  'POST /v1/share/partners/:org/confirm': 'share:manage',
  'GET /v1/share/agreements': 'share:use',
  'POST /v1/share/agreements': 'share:manage',
  'GET /v1/share/packages': 'share:use',
  'POST /v1/share/exports': 'share:use',
  'POST /v1/share/packages/:id/accept': 'share:use',
};

let app: FastifyInstance;
const keys = new Map<string, string>();

beforeAll(async () => {
  // The real store (SQLite in memory): every route must answer, the workflow ones included.
  const store = openServiceStore(await openDatabase({ path: ':memory:' }));
  app = await buildServer({
    store,
    config: loadConfig({ flags: { rateLimitMax: 10_000 } }),
    law: readLawData(new URL('../law/', import.meta.url).pathname),
  });
  await app.ready();
  for (const role of ROLES) keys.set(role, (await addAccount(store, { roles: [role] })).key);
  keys.set('no roles', (await addAccount(store, { roles: [] })).key);
});
afterAll(() => app.close());

const routeKey = (route: { method: string; url: string }) => `${route.method} ${route.url}`;

describe('every route', () => {
  it('has the access it is meant to have; the docs viewer adds hidden, public ones', () => {
    const api = app.routeTable.filter((route) => !route.hidden);
    expect(Object.fromEntries(api.map((route) => [routeKey(route), route.access]))).toEqual(
      INTENDED,
    );
    const viewer = app.routeTable.filter((route) => route.hidden);
    expect(viewer.length).toBeGreaterThan(0);
    for (const route of viewer) {
      expect(route.url, routeKey(route)).toMatch(/^\/docs/);
      expect(route.access, routeKey(route)).toBe('public');
    }
  });

  it('answers 401 without credentials, 403 without the permission, and serves who has it', async () => {
    const outcomes: string[] = [];
    const failures: string[] = [];
    for (const route of app.routeTable) {
      const url = route.url.replace(/:\w+/g, 'x').replace(/\*$/, 'swagger-ui.css');
      const callers: [string, string | undefined][] = [
        ['no credentials', undefined],
        ...[...keys].map(([who, key]): [string, string] => [who, key]),
      ];
      for (const [who, key] of callers) {
        const response = await app.inject({
          method: route.method as 'GET',
          url,
          headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
          ...(['POST', 'PATCH'].includes(route.method) && { payload: {} }),
        });
        const roles: readonly Role[] = ROLES.includes(who as Role) ? [who as Role] : [];
        let expected: 'allowed' | 401 | 403;
        if (route.access === 'public') expected = 'allowed';
        else if (key === undefined) expected = 401;
        else if (route.access === 'authenticated') expected = 'allowed';
        else expected = can(roles, route.access) ? 'allowed' : 403;
        const status = response.statusCode;
        const ok =
          status < 500 &&
          (expected === 'allowed' ? status !== 401 && status !== 403 : status === expected);
        outcomes.push(`${routeKey(route)} ${who}: ${status}`);
        if (!ok) failures.push(`${routeKey(route)} as ${who}: ${status}, expected ${expected}`);
      }
    }
    expect(failures).toEqual([]);
    expect(outcomes.length).toBe(app.routeTable.length * (ROLES.length + 2));
  });
});

describe('docs/api.md', () => {
  const doc = readFileSync(new URL('../docs/api.md', import.meta.url), 'utf8');

  it('shows the permissions table of permissions.ts', () => {
    const header = doc.split('\n').find((line) => /^\| permission \|/.test(line)) ?? '';
    const columns = header.split('|').map((cell) => cell.trim());
    const documented: Record<string, string[]> = {};
    for (const line of doc.split('\n')) {
      const match = /^\| `([a-z]+:[a-z]+)` \|/.exec(line);
      if (match?.[1] === undefined) continue;
      const cells = line.split('|').map((cell) => cell.trim());
      documented[match[1]] = ROLES.filter((role) => cells[columns.indexOf(role)] === '✓');
    }
    expect(documented).toEqual(
      Object.fromEntries(Object.entries(PERMISSIONS).map(([name, roles]) => [name, [...roles]])),
    );
  });

  it('lists every route with its access', () => {
    const documented: Record<string, string> = {};
    for (const line of doc.split('\n')) {
      const match = /^\| `(GET|POST|PATCH|DELETE) ([^`]+)` \| `([^`]+)` \|/.exec(line);
      if (match === null) continue;
      documented[`${match[1]} ${match[2]}`] = match[3] as string;
    }
    expect(documented).toEqual(INTENDED);
  });
});
