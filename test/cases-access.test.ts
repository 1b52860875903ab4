/**
 * Who may do what with a case, through the API (SQLite in memory): every case route, called by
 * each kind of caller, against the policy written out below as a table. Each cell runs on a case
 * of its own, so that one caller's change (a member removed, a task closed) cannot decide
 * another's answer.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import {
  addLink,
  addMember,
  addTask,
  type CaseActor,
  createCase,
} from '../src/store/case-service.js';
import { openDatabase } from '../src/store/database.js';
import type { Account, Role, ServiceStore } from '../src/store/repositories.js';
import { openServiceStore } from '../src/store/service-store.js';
import { addAccount } from './support/memory-store.js';

/** The callers, by how they stand to the case under test. */
const CALLERS = [
  'admin', // the admin role, not a member
  'lead', // an investigator, the case's lead
  'member', // an investigator, a member in the role "investigator"
  'observer', // a reviewer, a member in the role "observer"
  'outsider', // an investigator who is no member
  'auditor', // the auditor role: reads the audit trail, no case content
  'advocate', // an advocate who is no member
] as const;
type Caller = (typeof CALLERS)[number];

/**
 * THE POLICY: the status each caller gets from each route. 403 for the auditor is the route's
 * permission (`cases:use`); 403 for members is their role in the case; 404 for non-members is
 * need-to-know (the case does not exist for them).
 */
// biome-ignore format: a table, aligned for reading.
const POLICY: Readonly<Record<string, Readonly<Record<Caller, number>>>> = {
  //                                             admin lead  member observer outsider auditor advocate
  'POST /v1/cases':                              row(201,  201,  201,   201,     201,     403,    201),
  'GET /v1/cases':                               row(200,  200,  200,   200,     200,     403,    200),
  'GET /v1/cases/:id':                           row(200,  200,  200,   200,     404,     403,    404),
  'PATCH /v1/cases/:id':                         row(200,  200,  403,   403,     404,     403,    404),
  'POST /v1/cases/:id/members':                  row(201,  201,  403,   403,     404,     403,    404),
  'DELETE /v1/cases/:id/members/:accountId':     row(204,  204,  403,   403,     404,     403,    404),
  'POST /v1/cases/:id/links':                    row(201,  201,  201,   403,     404,     403,    404),
  'DELETE /v1/cases/:id/links/:kind/:targetId':  row(204,  204,  204,   403,     404,     403,    404),
  'POST /v1/cases/:id/notes':                    row(201,  201,  201,   403,     404,     403,    404),
  'POST /v1/cases/:id/tasks':                    row(201,  201,  201,   403,     404,     403,    404),
  'PATCH /v1/cases/:id/tasks/:taskId':           row(200,  200,  200,   403,     404,     403,    404),
  'GET /v1/cases/:id/timeline':                  row(200,  200,  200,   200,     404,     403,    404),
};

function row(...statuses: number[]): Record<Caller, number> {
  return Object.fromEntries(CALLERS.map((caller, i) => [caller, statuses[i] as number])) as Record<
    Caller,
    number
  >;
}

const ROLES: Readonly<Record<Caller, Role>> = {
  admin: 'admin',
  lead: 'investigator',
  member: 'investigator',
  observer: 'reviewer',
  outsider: 'investigator',
  auditor: 'auditor',
  advocate: 'advocate',
};

/** What the route is given: the ids of a fresh case, and a valid body. */
interface Fixture {
  readonly caseId: string;
  readonly taskId: string;
  /** A member the member routes may remove. */
  readonly extraId: string;
  /** An account the member routes may add. */
  readonly newcomerId: string;
}

const REQUESTS: Readonly<
  Record<string, (f: Fixture) => { url: string; payload?: Record<string, unknown> }>
> = {
  'POST /v1/cases': () => ({ url: '/v1/cases', payload: { title: 'New case' } }),
  'GET /v1/cases': () => ({ url: '/v1/cases' }),
  'GET /v1/cases/:id': (f) => ({ url: `/v1/cases/${f.caseId}` }),
  'PATCH /v1/cases/:id': (f) => ({ url: `/v1/cases/${f.caseId}`, payload: { status: 'closed' } }),
  'POST /v1/cases/:id/members': (f) => ({
    url: `/v1/cases/${f.caseId}/members`,
    payload: { accountId: f.newcomerId, role: 'analyst' },
  }),
  'DELETE /v1/cases/:id/members/:accountId': (f) => ({
    url: `/v1/cases/${f.caseId}/members/${f.extraId}`,
  }),
  'POST /v1/cases/:id/links': (f) => ({
    url: `/v1/cases/${f.caseId}/links`,
    payload: { kind: 'evidence', targetId: 'ev-2' },
  }),
  'DELETE /v1/cases/:id/links/:kind/:targetId': (f) => ({
    url: `/v1/cases/${f.caseId}/links/evidence/ev-1`,
  }),
  'POST /v1/cases/:id/notes': (f) => ({
    url: `/v1/cases/${f.caseId}/notes`,
    payload: { text: 'A note.' },
  }),
  'POST /v1/cases/:id/tasks': (f) => ({
    url: `/v1/cases/${f.caseId}/tasks`,
    payload: { title: 'A task' },
  }),
  'PATCH /v1/cases/:id/tasks/:taskId': (f) => ({
    url: `/v1/cases/${f.caseId}/tasks/${f.taskId}`,
    payload: { state: 'done' },
  }),
  'GET /v1/cases/:id/timeline': (f) => ({ url: `/v1/cases/${f.caseId}/timeline` }),
};

let app: FastifyInstance;
let store: ServiceStore;
const callers = new Map<Caller, { account: Account; key: string }>();
const NOW = '2026-05-01T09:00:00.000Z';

const actor = (caller: Caller): CaseActor => {
  const { account } = callers.get(caller) as { account: Account };
  return { accountId: account.id, actor: `account:${account.id}`, roles: account.roles };
};

/** A case led by `lead`, with `member`, `observer` and one more member in it, a link and a task. */
async function freshCase(): Promise<Fixture> {
  const lead = actor('lead');
  const { case: file } = await createCase(store, { title: 'Circuit' }, NOW, lead);
  const caseId = file.id;
  const extra = await addAccount(store, { roles: ['investigator'] });
  const newcomer = await addAccount(store, { roles: ['investigator'] });
  for (const [accountId, role] of [
    [actor('member').accountId, 'investigator'],
    [actor('observer').accountId, 'observer'],
    [extra.account.id, 'analyst'],
  ] as const) {
    await addMember(store, caseId, { accountId, role }, NOW, lead);
  }
  await addLink(store, caseId, { kind: 'evidence', targetId: 'ev-1' }, NOW, lead);
  const task = await addTask(store, caseId, { title: 'Preserve' }, NOW, lead);
  return { caseId, taskId: task.id, extraId: extra.account.id, newcomerId: newcomer.account.id };
}

async function call(caller: Caller, method: string, url: string, payload?: unknown) {
  return app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${callers.get(caller)?.key}` },
    ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
  });
}

beforeAll(async () => {
  store = openServiceStore(await openDatabase({ path: ':memory:' }));
  app = await buildServer({ store, config: loadConfig({ flags: { rateLimitMax: 100_000 } }) });
  await app.ready();
  for (const caller of CALLERS) {
    const { account, key } = await addAccount(store, { roles: [ROLES[caller]], name: caller });
    callers.set(caller, { account, key });
  }
});
afterAll(() => app.close());

describe('case access through the API', () => {
  it('covers every case route the app registers', () => {
    const routes = app.routeTable
      .filter((route) => route.url.startsWith('/v1/cases'))
      .map((route) => `${route.method} ${route.url}`);
    expect(routes.sort()).toEqual(Object.keys(POLICY).sort());
    expect(Object.keys(REQUESTS).sort()).toEqual(Object.keys(POLICY).sort());
  });

  it('answers every caller as the policy says', async () => {
    const answers: Record<string, Record<Caller, number>> = {};
    const codes: string[] = [];
    for (const [key, build] of Object.entries(REQUESTS)) {
      const method = key.split(' ')[0] as string;
      answers[key] = {} as Record<Caller, number>;
      for (const caller of CALLERS) {
        const { url, payload } = build(await freshCase());
        const response = await call(caller, method, url, payload);
        (answers[key] as Record<Caller, number>)[caller] = response.statusCode;
        if (response.statusCode === 403 || response.statusCode === 404) {
          codes.push(`${response.statusCode} ${response.json().code}`);
        }
      }
    }
    expect(answers).toEqual(POLICY);
    expect(new Set(codes)).toEqual(new Set(['403 FORBIDDEN', '404 NOT_FOUND']));
  });

  it('tells a non-member nothing a missing case would not', async () => {
    const { caseId } = await freshCase();
    const hidden = await call('outsider', 'GET', `/v1/cases/${caseId}`);
    const missing = await call('outsider', 'GET', '/v1/cases/case_nosuchcase');
    const { instance: _h, requestId: _hr, ...hiddenBody } = hidden.json();
    const { instance: _m, requestId: _mr, ...missingBody } = missing.json();
    expect(JSON.stringify(hiddenBody).replaceAll(caseId, 'ID')).toBe(
      JSON.stringify(missingBody).replaceAll('case_nosuchcase', 'ID'),
    );
    const listed = await call('outsider', 'GET', '/v1/cases?limit=500');
    expect(listed.json().items.map((file: { id: string }) => file.id)).not.toContain(caseId);
    const mine = await call('member', 'GET', '/v1/cases?limit=500');
    expect(mine.json().items.map((file: { id: string }) => file.id)).toContain(caseId);
  });
});
