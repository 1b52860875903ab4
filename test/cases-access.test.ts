/**
 * Who may do what with a case, through the API (SQLite in memory): every case route, called by
 * each kind of caller, against the policy written out below as a table. Each cell runs on a case
 * of its own, so that one caller's change (a member removed, a task closed) cannot decide
 * another's answer.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { addPerson, grantVictimAccess, type PersonSettings } from '../src/store/person-service.js';
import type { Account, Role, ServiceStore } from '../src/store/repositories.js';
import { parseMasterKey } from '../src/store/sealed-records.js';
import { openServiceStore } from '../src/store/service-store.js';
import { openStoreVault, type Vault } from '../src/store/vault.js';
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
  'granted', // an investigator, a member in the role "investigator" granted the victim data
  'advocateGranted', // an advocate, a member in the role "advocate" granted the victim data
] as const;
type Caller = (typeof CALLERS)[number];

/**
 * THE POLICY: the status each caller gets from each route. 403 for the auditor is the route's
 * permission (`cases:use`); 403 for members is their role in the case; 404 for non-members is
 * need-to-know (the case does not exist for them).
 */
// biome-ignore format: a table, aligned for reading.
const POLICY: Readonly<Record<string, Readonly<Record<Caller, number>>>> = {
  //                                                      admin  lead  member  observer  outsider  auditor  advocate  granted  advGranted
  'POST /v1/cases':                                   row(201,   201,  201,    201,      201,      403,     201,      201,     201),
  'GET /v1/cases':                                    row(200,   200,  200,    200,      200,      403,     200,      200,     200),
  'GET /v1/cases/:id':                                row(200,   200,  200,    200,      404,      403,     404,      200,     200),
  'PATCH /v1/cases/:id':                              row(200,   200,  403,    403,      404,      403,     404,      403,     403),
  'POST /v1/cases/:id/members':                       row(201,   201,  403,    403,      404,      403,     404,      403,     403),
  'DELETE /v1/cases/:id/members/:accountId':          row(204,   204,  403,    403,      404,      403,     404,      403,     403),
  'POST /v1/cases/:id/links':                         row(201,   201,  201,    403,      404,      403,     404,      201,     201),
  'DELETE /v1/cases/:id/links/:kind/:targetId':       row(204,   204,  204,    403,      404,      403,     404,      204,     204),
  'POST /v1/cases/:id/notes':                         row(201,   201,  201,    403,      404,      403,     404,      201,     201),
  'POST /v1/cases/:id/tasks':                         row(201,   201,  201,    403,      404,      403,     404,      201,     201),
  'PATCH /v1/cases/:id/tasks/:taskId':                row(200,   200,  200,    403,      404,      403,     404,      200,     200),
  'GET /v1/cases/:id/timeline':                       row(200,   200,  200,    200,      404,      403,     404,      200,     200),
  // Persons and victim data: opening needs a grant on top of membership, for admins and leads too.
  'POST /v1/cases/:id/persons':                       row(201,   201,  201,    403,      404,      403,     404,      201,     201),
  'GET /v1/cases/:id/persons':                        row(200,   200,  200,    200,      404,      403,     404,      200,     200),
  'GET /v1/cases/:id/persons/:personId/victim-data':  row(403,   403,  403,    403,      404,      403,     404,      200,     200),
  'POST /v1/cases/:id/grants':                        row(201,   201,  403,    403,      404,      403,     404,      403,     403),
  'GET /v1/cases/:id/grants':                         row(200,   200,  200,    200,      404,      403,     404,      200,     200),
  'DELETE /v1/cases/:id/grants/:accountId':           row(204,   204,  403,    403,      404,      403,     404,      403,     403),
  'POST /v1/cases/:id/persons/:personId/shred':       row(200,   200,  403,    403,      404,      403,     404,      403,     403),
  // Evidence: members read; members but observers capture and export (victims withheld).
  'GET /v1/cases/:id/evidence':                       row(200,   200,  200,    200,      404,      403,     404,      200,     200),
  'POST /v1/cases/:id/captures':                      row(202,   202,  202,    403,      404,      403,     404,      202,     202),
  'POST /v1/cases/:id/exports':                       row(200,   200,  200,    403,      404,      403,     404,      200,     200),
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
  granted: 'investigator',
  advocateGranted: 'advocate',
};

/** What the route is given: the ids of a fresh case, and a valid body. */
interface Fixture {
  readonly caseId: string;
  readonly taskId: string;
  /** A member the member routes may remove. */
  readonly extraId: string;
  /** An account the member routes may add. */
  readonly newcomerId: string;
  /** A victim with sealed personal data. */
  readonly personId: string;
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
  'POST /v1/cases/:id/persons': (f) => ({
    url: `/v1/cases/${f.caseId}/persons`,
    payload: {
      kind: 'victim',
      label: 'Victim B',
      victimData: { names: ['A Name'], referrals: [{ kind: 'counselling', consent: true }] },
    },
  }),
  'GET /v1/cases/:id/persons': (f) => ({ url: `/v1/cases/${f.caseId}/persons` }),
  'GET /v1/cases/:id/persons/:personId/victim-data': (f) => ({
    url: `/v1/cases/${f.caseId}/persons/${f.personId}/victim-data`,
  }),
  'POST /v1/cases/:id/grants': (f) => ({
    url: `/v1/cases/${f.caseId}/grants`,
    payload: { accountId: f.extraId },
  }),
  'GET /v1/cases/:id/grants': (f) => ({ url: `/v1/cases/${f.caseId}/grants` }),
  'DELETE /v1/cases/:id/grants/:accountId': (f) => ({
    url: `/v1/cases/${f.caseId}/grants/${actor('granted').accountId}`,
  }),
  'POST /v1/cases/:id/persons/:personId/shred': (f) => ({
    url: `/v1/cases/${f.caseId}/persons/${f.personId}/shred`,
  }),
  'GET /v1/cases/:id/evidence': (f) => ({ url: `/v1/cases/${f.caseId}/evidence` }),
  'POST /v1/cases/:id/captures': (f) => ({
    url: `/v1/cases/${f.caseId}/captures`,
    payload: { url: 'https://classifieds.example/ad/7' },
  }),
  'POST /v1/cases/:id/exports': (f) => ({
    url: `/v1/cases/${f.caseId}/exports`,
    payload: { recipient: 'Prosecutor' },
  }),
};

let app: FastifyInstance;
let store: ServiceStore;
let vault: Vault;
/** The data folder of the server and of the vault that seals each case's exhibit. */
const DATA_DIR = mkdtempSync(join(tmpdir(), 'vigil-cases-access-'));
const EXHIBIT = join(DATA_DIR, 'exhibit.txt');
const callers = new Map<Caller, { account: Account; key: string }>();
const NOW = '2026-05-01T09:00:00.000Z';
const MASTER_KEY = '5b7e0c3a9d1f2e4a6c8b0d2f4e6a8c0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c';
const PERSON_SETTINGS: PersonSettings = { masterKey: parseMasterKey(MASTER_KEY) };

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
    [actor('granted').accountId, 'investigator'],
    [actor('advocateGranted').accountId, 'advocate'],
  ] as const) {
    await addMember(store, caseId, { accountId, role }, NOW, lead);
  }
  const victim = await addPerson(
    store,
    PERSON_SETTINGS,
    caseId,
    { kind: 'victim', label: 'Victim A', victimData: { names: ['A Name'] } },
    NOW,
    lead,
  );
  for (const caller of ['granted', 'advocateGranted'] as const) {
    await grantVictimAccess(store, caseId, actor(caller).accountId, NOW, lead);
  }
  await addLink(store, caseId, { kind: 'evidence', targetId: 'ev-1' }, NOW, lead);
  await vault.addEvidence({ file: EXHIBIT, caseId, purpose: 'Exhibit', actor: { id: lead.actor } });
  const task = await addTask(store, caseId, { title: 'Preserve' }, NOW, lead);
  return {
    caseId,
    taskId: task.id,
    extraId: extra.account.id,
    newcomerId: newcomer.account.id,
    personId: victim.id,
  };
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
  writeFileSync(EXHIBIT, 'Screenshot notes of the advertisement.\n');
  vault = await openStoreVault({
    db: store.db,
    ledger: store.ledger as NonNullable<ServiceStore['ledger']>,
    dataDir: DATA_DIR,
    tool: { name: 'vigil', version: 'test' },
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  });
  app = await buildServer({
    store,
    config: loadConfig({
      flags: { rateLimitMax: 100_000, victimMasterKey: MASTER_KEY, dataDir: DATA_DIR },
    }),
  });
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

  it('puts victim data in a court package only for a lead with a grant who states why', async () => {
    const { caseId } = await freshCase();
    const url = `/v1/cases/${caseId}/exports`;
    const withData = { victimData: { authorization: 'Court order 2026/77' } };
    const victimNameIn = (body: Buffer) => body.includes('A Name');
    // Without victimData nobody gets the data, the lead included.
    const plain = await call('lead', 'POST', url, {});
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('application/zip');
    expect(victimNameIn(plain.rawPayload)).toBe(false);
    // A granted investigator is no lead; the lead and an admin have no grant.
    for (const caller of ['granted', 'lead', 'admin', 'observer'] as const) {
      expect((await call(caller, 'POST', url, withData)).statusCode, caller).toBe(403);
    }
    expect((await call('outsider', 'POST', url, withData)).statusCode).toBe(404);
    await grantVictimAccess(store, caseId, actor('lead').accountId, NOW, actor('lead'));
    const full = await call('lead', 'POST', url, withData);
    expect(full.statusCode).toBe(200);
    // The zip deflates its entries: look for the name in the case report, inflated.
    const { openBundle } = await import('../src/store/bundle-io.js');
    const zip = join(DATA_DIR, `full-${caseId}.zip`);
    writeFileSync(zip, full.rawPayload);
    const bundle = await openBundle(zip);
    const report = Buffer.from(await bundle.read('case-report.html', 10_000_000));
    await bundle.close();
    expect(victimNameIn(report)).toBe(true);
    expect(report.toString('utf8')).toContain('Court order 2026/77');
  });
});
