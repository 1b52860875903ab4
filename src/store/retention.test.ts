/**
 * Retention on every test database: expired items deleted with a `disposed` custody event, held
 * or case-linked items kept; victim data of cases closed long ago crypto-shredded unless a hold
 * covers the case; evidence of such cases disposed, its file removed only when no other record
 * names it; a dry run changes nothing; the job runs and schedules the next run. And the pure
 * planner's promises, as properties: nothing a hold covers and nothing younger than its period
 * is ever planned for deletion.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { rejection } from '../../test/support/errors.js';
import { createRetentionHandler, RETENTION_JOB, scheduleRetention } from '../jobs/retention-job.js';
import { runWorker } from '../jobs/runtime.js';
import { parseCanonical } from '../ledger/canonical-json.js';
import type { CustodyEvent } from '../ledger/custody.js';
import { isVigilError } from '../shared/errors.js';
import { type BlobStore, createFsBlobStore } from './blobs.js';
import { type CaseActor, createCase, updateCase } from './case-service.js';
import type { Db } from './database.js';
import {
  addPerson,
  grantVictimAccess,
  type PersonSettings,
  readVictimData,
} from './person-service.js';
import type { Role, ServiceStore } from './repositories.js';
import {
  DAY_MS,
  planRetention,
  type RetentionCandidates,
  type RetentionHold,
  type RetentionPolicy,
  runRetention,
} from './retention.js';
import { parseMasterKey } from './sealed-records.js';
import { ingestBatch, openServiceStore } from './service-store.js';
import { createHold } from './workflow-service.js';

const DATABASES = testDatabases();
const folder = mkdtempSync(join(tmpdir(), 'vigil-retention-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The run's clock; "old" things happened 100 days before it, "recent" ones 5 days before. */
const NOW = '2026-09-01T12:00:00.000Z';
const at = (daysBefore: number, plusSeconds = 0) =>
  new Date(Date.parse(NOW) - daysBefore * DAY_MS + plusSeconds * 1000).toISOString();
const OLD = 100;
const RECENT = 5;

const SETTINGS: PersonSettings = {
  masterKey: parseMasterKey('3f9a1c2e7b4d6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a8'),
};
const SYSTEM = { accountId: 'system', actor: 'system' } as const;

async function account(store: ServiceStore, roles: readonly Role[]): Promise<CaseActor> {
  const created = await store.accounts.createAccount({ name: 'lead', roles }, at(OLD + 10));
  return { accountId: created.id, actor: `account:${created.id}`, roles };
}

async function custodyEvents(store: ServiceStore): Promise<CustodyEvent[]> {
  const ledger = store.ledger;
  if (ledger === undefined) throw new Error('no ledger');
  const events: CustodyEvent[] = [];
  for await (const leaf of ledger.leaves(0n, await ledger.size())) {
    events.push(parseCanonical(leaf.data) as CustodyEvent);
  }
  return events;
}

async function ingestAt(store: ServiceStore, ids: readonly string[], daysBefore: number) {
  const { results } = await ingestBatch(
    store,
    ids.map((id) => ({ id, title: `Ad ${id}`, body: 'Synthetic listing text.' })),
    { source: 'test', now: at(daysBefore), actor: 'system' },
  );
  return results.map((result) => result.id);
}

/** Holds name items, evidence or accounts; a hold on a case is a target row of its own. */
async function holdOnTarget(store: ServiceStore, db: Db, target: string): Promise<string> {
  const stored = await createHold(
    store,
    { basis: 'litigation', scope: { accountIds: ['acc_placeholder'] } },
    at(OLD),
    SYSTEM,
  );
  await db.insertInto('hold_target').values({ hold_id: stored.hold.id, target }).execute();
  return stored.hold.id;
}

async function addEvidence(
  db: Db,
  blobs: BlobStore,
  id: string,
  caseId: string,
  content: string,
): Promise<string> {
  const stored = await blobs.put(
    (async function* () {
      yield new TextEncoder().encode(content);
    })(),
  );
  await db
    .insertInto('evidence')
    .values({
      id,
      case_id: caseId,
      sha256: stored.sha256,
      size: stored.size,
      name: `${id}.txt`,
      media_type: 'text/plain',
      collected_idx: 0,
      created_at: at(OLD),
    })
    .execute();
  return stored.sha256;
}

async function auditActions(store: ServiceStore, action: string) {
  return (await store.audit.list({ action }, { limit: 100 })).items;
}

let blobFolders = 0;

for (const database of DATABASES) {
  describe(`retention on ${database.name}`, () => {
    const opened: Db[] = [];
    afterAll(async () => {
      await Promise.all(opened.splice(0).map((db) => db.destroy()));
    });

    async function fixture() {
      const db = await database.open();
      opened.push(db);
      const store = openServiceStore(db);
      const blobs = createFsBlobStore(join(folder, `blobs-${blobFolders++}`));
      const lead = await account(store, ['investigator']);
      return { db, store, blobs, lead };
    }

    /** A case closed `daysBefore` days before the run, with a victim whose data is sealed. */
    async function closedCase(store: ServiceStore, lead: CaseActor, daysBefore: number) {
      const { case: file } = await createCase(store, { title: 'Ring C' }, at(daysBefore, -3), lead);
      const victim = await addPerson(
        store,
        SETTINGS,
        file.id,
        { kind: 'victim', label: 'Victim A', victimData: { names: ['Ana Testperson'] } },
        at(daysBefore, -2),
        lead,
      );
      await grantVictimAccess(store, file.id, lead.accountId, at(daysBefore, -1), lead);
      await updateCase(store, file.id, { status: 'closed' }, at(daysBefore), lead);
      return { caseId: file.id, personId: victim.id };
    }

    it('deletes expired items with a disposed custody event; keeps held, linked and recent ones', async () => {
      const { store, lead } = await fixture();
      const [expired, held, linked] = await ingestAt(store, ['a1', 'a2', 'a3'], OLD);
      const [recent] = await ingestAt(store, ['b1'], RECENT);
      const stored = await store.items.get(expired as string);
      const hold = await createHold(
        store,
        { basis: 'litigation', scope: { itemIds: [held] } },
        at(OLD),
        SYSTEM,
      );
      const { case: file } = await createCase(store, { title: 'Keep' }, at(OLD), lead);
      await store.cases.addLink({
        caseId: file.id,
        kind: 'item',
        targetId: linked as string,
        addedAt: at(OLD),
        addedBy: lead.accountId,
      });
      const before = await custodyEvents(store);

      const summary = await runRetention(store, { policy: { items: 30 }, now: NOW });
      expect(summary.items).toEqual({ deleted: 1, held: 1 });

      expect(await store.items.get(expired as string)).toBeUndefined();
      for (const id of [held, linked, recent]) {
        expect(await store.items.get(id as string)).toBeDefined();
      }
      const events = (await custodyEvents(store)).slice(before.length);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'disposed',
        actor: { id: 'system:retention' },
        case: 'ingest',
        evidence: [
          {
            id: `ev_${(expired as string).slice('itm_'.length)}`,
            sha256: stored?.sha256,
            name: 'test/a1',
          },
        ],
      });
      // The sealed capture and the disposal name the same bytes.
      const collected = before.flatMap((event) => event.evidence);
      expect(collected).toContainEqual(events[0]?.evidence[0]);
      const runs = await auditActions(store, 'retention.run');
      expect(runs).toHaveLength(1);
      expect(runs[0]?.actor).toBe('system:retention');
      expect(runs[0]?.details).toMatchObject({ items: { deleted: 1, held: 1 } });
      expect(JSON.stringify(runs[0]?.details)).not.toContain('Synthetic');
      expect(hold.hold.id).toMatch(/^hold_/);

      // Run again: nothing left to delete, the held item still kept.
      const again = await runRetention(store, { policy: { items: 30 }, now: NOW });
      expect(again.items).toEqual({ deleted: 0, held: 1 });
    });

    it('keeps an expired item whose hold has ended no longer: it goes once the hold is released', async () => {
      const { store } = await fixture();
      const [id] = await ingestAt(store, ['c1'], OLD);
      await createHold(
        store,
        // 90 days from its start: ended 10 days before the run.
        { basis: '2703f', scope: { itemIds: [id] }, start: at(OLD) },
        at(OLD),
        SYSTEM,
      );
      const summary = await runRetention(store, { policy: { items: 30 }, now: NOW });
      expect(summary.items).toEqual({ deleted: 1, held: 0 });
      expect(await store.items.get(id as string)).toBeUndefined();
    });

    it('shreds victim data of cases closed long ago, unless a hold covers the case', async () => {
      const { db, store, lead } = await fixture();
      const old = await closedCase(store, lead, OLD);
      const heldCase = await closedCase(store, lead, OLD);
      const recent = await closedCase(store, lead, RECENT);
      const { case: open } = await createCase(store, { title: 'Open' }, at(OLD), lead);
      const openVictim = await addPerson(
        store,
        SETTINGS,
        open.id,
        { kind: 'victim', label: 'Victim B', victimData: { names: ['Bo Testperson'] } },
        at(OLD),
        lead,
      );
      const holdId = await holdOnTarget(store, db, `case:${heldCase.caseId}`);
      const updatedBefore = (await store.cases.getCase(old.caseId))?.updatedAt;

      const summary = await runRetention(store, { policy: { victimData: 30 }, now: NOW });
      expect(summary.victimData).toEqual({ shredded: 1, held: 1 });

      const refused = await rejection(
        readVictimData(store, SETTINGS, old.caseId, old.personId, NOW, lead),
      );
      expect(isVigilError(refused) && refused.code).toBe('VICTIM_DATA_DESTROYED');
      for (const kept of [heldCase, recent]) {
        const read = await readVictimData(store, SETTINGS, kept.caseId, kept.personId, NOW, lead);
        expect(read.data).toEqual({ names: ['Ana Testperson'] });
      }
      expect((await store.persons.getPerson(open.id, openVictim.id))?.shreddedAt).toBeUndefined();
      // Retention does not move the case's clock.
      expect((await store.cases.getCase(old.caseId))?.updatedAt).toBe(updatedBefore);
      const disposed = (await custodyEvents(store)).filter((event) => event.type === 'disposed');
      expect(disposed).toHaveLength(1);
      expect(disposed[0]).toMatchObject({
        actor: { id: 'system:retention' },
        case: `case:${old.caseId}`,
        evidence: [{ name: 'victim record' }],
      });
      expect(JSON.stringify(disposed)).not.toContain('Testperson');
      const shreds = await auditActions(store, 'case.victim.shred');
      expect(shreds.map((record) => [record.actor, record.target])).toEqual([
        ['system:retention', `case:${old.caseId}`],
      ]);
      expect(holdId).toMatch(/^hold_/);
    });

    it('disposes of evidence of cases closed long ago; removes a file only when no record names it', async () => {
      const { db, store, blobs, lead } = await fixture();
      const closed = await closedCase(store, lead, OLD);
      const heldCase = await closedCase(store, lead, OLD);
      const { case: open } = await createCase(store, { title: 'Open' }, at(OLD), lead);
      const shared = await addEvidence(db, blobs, 'ev_shared0001', closed.caseId, 'shared bytes');
      await addEvidence(db, blobs, 'ev_shared0002', open.id, 'shared bytes');
      const alone = await addEvidence(db, blobs, 'ev_alone00001', closed.caseId, 'alone bytes');
      const heldFile = await addEvidence(db, blobs, 'ev_held000001', closed.caseId, 'held bytes');
      const inHeldCase = await addEvidence(db, blobs, 'ev_hcase00001', heldCase.caseId, 'hc bytes');
      // Linked to an open case as well: its cases are not all closed.
      const linked = await addEvidence(db, blobs, 'ev_linked0001', closed.caseId, 'linked bytes');
      await store.cases.addLink({
        caseId: open.id,
        kind: 'evidence',
        targetId: 'ev_linked0001',
        addedAt: at(OLD),
        addedBy: lead.accountId,
      });
      await createHold(
        store,
        { basis: 'litigation', scope: { evidenceIds: ['ev_held000001'] } },
        at(OLD),
        SYSTEM,
      );
      await holdOnTarget(store, db, `case:${heldCase.caseId}`);

      const summary = await runRetention(store, {
        policy: { evidence: 30 },
        now: NOW,
        blobs,
      });
      expect(summary.evidence).toEqual({ disposed: 2, held: 2, blobsDeleted: 1 });

      const left = (await db.selectFrom('evidence').select('id').orderBy('id').execute()).map(
        (row) => row.id,
      );
      expect(left).toEqual(['ev_hcase00001', 'ev_held000001', 'ev_linked0001', 'ev_shared0002']);
      expect(await blobs.has(shared)).toBe(true);
      expect(await blobs.has(alone)).toBe(false);
      for (const sha of [heldFile, inHeldCase, linked]) expect(await blobs.has(sha)).toBe(true);
      const disposed = (await custodyEvents(store)).filter((event) => event.type === 'disposed');
      expect(disposed.map((event) => event.evidence.map((ref) => ref.id)).sort()).toEqual([
        ['ev_alone00001'],
        ['ev_shared0001'],
      ]);
      expect(disposed[0]).toMatchObject({ actor: { id: 'system:retention' }, case: closed.caseId });
      const links = await db
        .selectFrom('custody_link')
        .select('evidence_id')
        .where('evidence_id', 'in', ['ev_alone00001', 'ev_shared0001'])
        .execute();
      expect(links).toHaveLength(2);
    });

    it('refuses evidence retention without the evidence store', async () => {
      const { store } = await fixture();
      const refused = await rejection(runRetention(store, { policy: { evidence: 30 }, now: NOW }));
      expect(isVigilError(refused) && refused.code).toBe('CONFIG_INVALID');
    });

    it('changes nothing on a dry run, and reports what it would do', async () => {
      const { db, store, blobs, lead } = await fixture();
      const [expired, held] = await ingestAt(store, ['d1', 'd2'], OLD);
      await createHold(store, { basis: 'litigation', scope: { itemIds: [held] } }, at(OLD), SYSTEM);
      const closed = await closedCase(store, lead, OLD);
      const sha = await addEvidence(db, blobs, 'ev_dry0000001', closed.caseId, 'dry bytes');
      const size = await store.ledger?.size();
      const audits = (await store.audit.list({}, { limit: 500 })).items.length;
      const plans: unknown[] = [];

      const summary = await runRetention(store, {
        policy: { items: 30, victimData: 30, evidence: 30 },
        now: NOW,
        dryRun: true,
        onPlan: (plan) => plans.push(plan),
      });
      expect(summary).toEqual({
        items: { deleted: 1, held: 1 },
        victimData: { shredded: 1, held: 0 },
        evidence: { disposed: 1, held: 0, blobsDeleted: 0 },
      });
      expect(JSON.stringify(plans)).toContain(expired);
      expect(await store.items.get(expired as string)).toBeDefined();
      expect(await store.ledger?.size()).toBe(size);
      expect((await store.audit.list({}, { limit: 500 })).items).toHaveLength(audits);
      expect(await blobs.has(sha)).toBe(true);
      const read = await readVictimData(store, SETTINGS, closed.caseId, closed.personId, NOW, lead);
      expect(read.data).toEqual({ names: ['Ana Testperson'] });
    });

    it('runs as a job that records the run and schedules the next one', async () => {
      const { store } = await fixture();
      const [expired] = await ingestAt(store, ['e1'], OLD);
      const first = await scheduleRetention(store, NOW);
      expect((await scheduleRetention(store, NOW)).id).toBe(first.id);
      const interval = 6 * 3600 * 1000;
      const stats = await runWorker({
        store,
        handlers: {
          [RETENTION_JOB]: createRetentionHandler({
            store,
            policy: { items: 30 },
            intervalMs: interval,
          }),
        },
        worker: 'retention-test',
        clock: () => new Date(NOW),
        untilIdle: true,
      });
      expect(stats).toMatchObject({ completed: 1, failed: 0 });
      expect(await store.items.get(expired as string)).toBeUndefined();
      const waiting = await store.jobs.list({ kind: RETENTION_JOB, state: 'ready' }, {});
      expect(waiting.items).toHaveLength(1);
      expect(waiting.items[0]?.runAt).toBe(new Date(Date.parse(NOW) + interval).toISOString());
      const runs = await auditActions(store, 'retention.run');
      expect(runs).toHaveLength(1);
      expect(runs[0]?.details).toMatchObject({ items: { deleted: 1, held: 0 } });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The planner's promises

const BASE = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const arbTime = fc.integer({ min: 0, max: 400 * DAY_MS }).map((offset) => iso(BASE + offset));
const arbId = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const arbCase = fc.record({
  id: fc.constantFrom('case_1', 'case_2', 'case_3'),
  status: fc.constantFrom('open', 'closed', 'archived', 'unknown'),
  updatedAt: arbTime,
});
const arbCandidates: fc.Arbitrary<RetentionCandidates> = fc.record({
  items: fc.uniqueArray(
    fc.record({
      id: arbId.map((id) => `itm_${id}`),
      receivedAt: arbTime,
      caseIds: fc.array(fc.constantFrom('case_1', 'case_2'), { maxLength: 2 }),
    }),
    { maxLength: 8, selector: (item) => item.id },
  ),
  victims: fc.uniqueArray(fc.record({ personId: arbId.map((id) => `prs_${id}`), case: arbCase }), {
    maxLength: 8,
    selector: (victim) => victim.personId,
  }),
  evidence: fc.uniqueArray(
    fc.record({ id: arbId.map((id) => `ev_${id}`), cases: fc.array(arbCase, { maxLength: 3 }) }),
    { maxLength: 8, selector: (record) => record.id },
  ),
});
const arbTarget = fc.oneof(
  arbId.map((id) => `item:itm_${id}`),
  arbId.map((id) => `person:prs_${id}`),
  arbId.map((id) => `evidence:ev_${id}`),
  fc.constantFrom('case:case_1', 'case:case_2', 'case:case_3'),
);
const arbHolds: fc.Arbitrary<RetentionHold[]> = fc.array(
  fc.record({
    id: fc.constantFrom('hold_1', 'hold_2', 'hold_3', 'hold_4'),
    targets: fc.array(arbTarget, { maxLength: 4 }),
    expiresAt: fc.option(arbTime, { nil: null }),
  }),
  { maxLength: 4 },
);
const arbDays = fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined });
const arbPolicy: fc.Arbitrary<RetentionPolicy> = fc
  .record({ items: arbDays, victimData: arbDays, evidence: arbDays })
  .map((policy) =>
    Object.fromEntries(Object.entries(policy).filter(([, days]) => days !== undefined)),
  );

function activeTargets(holds: readonly RetentionHold[], now: string): Set<string> {
  const nowMs = Date.parse(now);
  return new Set(
    holds
      .filter((hold) => hold.expiresAt === null || nowMs < Date.parse(hold.expiresAt))
      .flatMap((hold) => hold.targets),
  );
}

const olderThan = (time: string, days: number, now: string) =>
  Date.parse(now) - Date.parse(time) > days * DAY_MS;

describe('planRetention', () => {
  it('never plans anything an active hold covers', () => {
    fc.assert(
      fc.property(arbTime, arbPolicy, arbCandidates, arbHolds, (now, policy, candidates, holds) => {
        const plan = planRetention(now, policy, candidates, holds);
        const held = activeTargets(holds, now);
        for (const id of plan.items.delete) expect(held.has(`item:${id}`)).toBe(false);
        for (const victim of plan.victimData.shred) {
          expect(held.has(`person:${victim.personId}`)).toBe(false);
          expect(held.has(`case:${victim.caseId}`)).toBe(false);
        }
        for (const id of plan.evidence.dispose) {
          expect(held.has(`evidence:${id}`)).toBe(false);
          for (const record of candidates.evidence.filter((e) => e.id === id)) {
            for (const file of record.cases) expect(held.has(`case:${file.id}`)).toBe(false);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never plans anything younger than its period, nor anything of an open or linked case', () => {
    fc.assert(
      fc.property(arbTime, arbPolicy, arbCandidates, arbHolds, (now, policy, candidates, holds) => {
        const plan = planRetention(now, policy, candidates, holds);
        for (const id of plan.items.delete) {
          expect(policy.items).toBeDefined();
          const item = candidates.items.find((candidate) => candidate.id === id);
          expect(item?.caseIds).toEqual([]);
          expect(olderThan(item?.receivedAt ?? now, policy.items ?? 0, now)).toBe(true);
        }
        for (const victim of plan.victimData.shred) {
          const found = candidates.victims.find((v) => v.personId === victim.personId);
          expect(found?.case.status).toBe('closed');
          expect(olderThan(found?.case.updatedAt ?? now, policy.victimData ?? 0, now)).toBe(true);
        }
        for (const id of plan.evidence.dispose) {
          const record = candidates.evidence.find((e) => e.id === id);
          expect(record?.cases.length).toBeGreaterThan(0);
          for (const file of record?.cases ?? []) {
            expect(file.status).toBe('closed');
            expect(olderThan(file.updatedAt, policy.evidence ?? 0, now)).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('plans or holds every expired candidate, and holds only what a hold covers', () => {
    fc.assert(
      fc.property(arbTime, arbPolicy, arbCandidates, arbHolds, (now, policy, candidates, holds) => {
        const plan = planRetention(now, policy, candidates, holds);
        const held = activeTargets(holds, now);
        if (policy.items !== undefined) {
          const expired = candidates.items.filter(
            (item) =>
              item.caseIds.length === 0 && olderThan(item.receivedAt, policy.items ?? 0, now),
          );
          expect(plan.items.delete.length + plan.items.held.length).toBe(expired.length);
        }
        for (const kept of plan.items.held) {
          expect(kept.holds.length).toBeGreaterThan(0);
          expect(held.has(`item:${kept.id}`)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps everything when the policy sets no period', () => {
    fc.assert(
      fc.property(arbTime, arbCandidates, arbHolds, (now, candidates, holds) => {
        const plan = planRetention(now, {}, candidates, holds);
        expect(plan.items.delete).toEqual([]);
        expect(plan.victimData.shred).toEqual([]);
        expect(plan.evidence.dispose).toEqual([]);
      }),
    );
  });
});
