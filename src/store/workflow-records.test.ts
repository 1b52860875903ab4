/**
 * The notice-and-action records on every test database: records round-trip whole, holds are
 * found by what they cover, and the review queue gives every job to exactly one reviewer under
 * concurrent claims (separate connection pools on PostgreSQL; on SQLite, one pool whose writers
 * take turns).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { rejection } from '../../test/support/errors.js';
import type { Analysis } from '../analyze/types.js';
import { isVigilError } from '../shared/errors.js';
import { type Db, openDatabase } from './database.js';
import type { ServiceStore } from './repositories.js';
import { openServiceStore } from './service-store.js';
import {
  claimNext,
  createHold,
  deleteItem,
  flagItems,
  rankedQueue,
  releaseJob,
  type WorkflowSettings,
} from './workflow-service.js';

const DATABASES = testDatabases();
const T0 = Date.parse('2026-04-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

const SETTINGS: WorkflowSettings = {
  platform: { name: 'Example', contact: 'help@example.org', complaint: 'reply to this' },
  leaseMs: 60_000,
  deliveries: { transparencyDb: false, actionWebhook: false, art18: false, cyberTipline: false },
};
const who = (id: string) => ({ accountId: id, actor: `account:${id}` });

async function withItems(store: ServiceStore, n: number): Promise<string[]> {
  const results = await store.items.ingest(
    Array.from({ length: n }, (_, i) => ({ id: `ad-${i}`, title: `Job offer ${i}` })),
    { source: 'default', receivedAt: at(0) },
  );
  return results.map((result) => result.id);
}

for (const database of DATABASES) {
  describe(`workflow records on ${database.name}`, () => {
    const opened: Db[] = [];
    afterAll(async () => {
      await Promise.all(opened.splice(0).map((db) => db.destroy()));
    });
    const open = async () => {
      const db = await database.open();
      opened.push(db);
      return openServiceStore(db);
    };

    it('gives every job to exactly one of many concurrent reviewers', async () => {
      const JOBS = 12;
      const REVIEWERS = 5;
      let stores: ServiceStore[];
      if (database.dialect === 'postgres') {
        const location = await database.location();
        stores = [];
        for (let i = 0; i < REVIEWERS; i++) {
          const db = await openDatabase(location);
          opened.push(db);
          stores.push(openServiceStore(db));
        }
      } else {
        const store = await open();
        stores = Array.from({ length: REVIEWERS }, () => store);
      }
      const first = stores[0] as ServiceStore;
      const items = await withItems(first, JOBS);
      for (const [i, item] of items.entries()) {
        await flagItems(first, [item], { now: at(i) }, who('flagger'));
      }
      const claimed = await Promise.all(
        stores.map(async (store, r) => {
          const mine: string[] = [];
          for (;;) {
            const entry = await claimNext(store, SETTINGS, at(60_000 - 1), who(`r${r}`));
            if (entry === undefined) return mine;
            expect(entry.job.claimedBy).toBe(`r${r}`);
            mine.push(entry.job.id);
            // Give it up as done, as a decision would, so the next claim takes another.
            await first.workflow.saveReviewJob({ ...entry.job, state: 'done', doneAt: at(60_000) });
          }
        }),
      );
      const all = claimed.flat();
      expect(new Set(all).size).toBe(all.length);
      expect(all).toHaveLength(JOBS);
    });

    it('takes a job back from a reviewer whose lease passed, and keeps skipped jobs last', async () => {
      const store = await open();
      const items = await withItems(store, 2);
      const older = await flagItems(store, [items[0] as string], { now: at(0) }, who('f'));
      const newer = await flagItems(store, [items[1] as string], { now: at(1) }, who('f'));
      const a = await claimNext(store, SETTINGS, at(10), who('a'));
      expect(a?.job.id).toBe(older.id);
      // Held: b gets the other one.
      expect((await claimNext(store, SETTINGS, at(20), who('b')))?.job.id).toBe(newer.id);
      // a's lease passes: c may take the job over.
      expect((await claimNext(store, SETTINGS, at(10 + 60_000), who('c')))?.job.id).toBe(older.id);
      // b skips: the job goes back to the queue, and b's next claim still finds it (nothing else
      // waits), but after any other job.
      await releaseJob(store, SETTINGS, newer.id, { now: at(70_000), skip: true }, who('b'));
      const queue = await rankedQueue(store, at(70_001));
      expect(queue.find((entry) => entry.job.id === newer.id)?.job.skippedBy).toEqual(['b']);
      expect((await claimNext(store, SETTINGS, at(70_002), who('b')))?.job.id).toBe(newer.id);
    });

    it('ranks a job by the risk its items have now, once they are analysed', async () => {
      const store = await open();
      const [quiet, risky] = await withItems(store, 2);
      const first = await flagItems(store, [quiet as string], { now: at(0) }, who('f'));
      const second = await flagItems(store, [risky as string], { now: at(1) }, who('f'));
      expect((await rankedQueue(store, at(2))).map((entry) => entry.job.id)).toEqual([
        first.id,
        second.id,
      ]);
      // The analysis arrives after the job was queued (only the fields ranking reads matter).
      const analysis = { id: 'ad-1', risk: 0.9, band: 'high' } as unknown as Analysis;
      await store.items.saveAnalysis(risky as string, analysis, [], at(2));
      const ranked = await rankedQueue(store, at(3));
      expect(ranked.map((entry) => entry.job.id)).toEqual([second.id, first.id]);
      expect(ranked[0]?.job.risk).toBe(0.9);
      expect(ranked[0]?.reasons[0]).toContain('risk 0.90');
    });

    it('finds holds by what they cover, and refuses to delete held items', async () => {
      const store = await open();
      const [held, free] = await withItems(store, 2);
      const hold = await createHold(
        store,
        { basis: '2703f', scope: { itemIds: [held], accountIds: ['acct-1'] }, reference: 'DA-1' },
        at(0),
        who('inv'),
      );
      expect(hold.expiresAt).toBe(at(90 * 24 * 3_600_000));
      expect((await store.workflow.holdsCovering([`item:${held}`])).map((h) => h.hold.id)).toEqual([
        hold.hold.id,
      ]);
      expect(await store.workflow.holdsCovering([`item:${free}`])).toEqual([]);
      expect(await store.workflow.getHold(hold.hold.id)).toEqual(hold);

      const refused = await rejection(deleteItem(store, held as string, at(1000), who('admin')));
      expect(isVigilError(refused) && refused.code).toBe('HOLD_ACTIVE');
      expect(await store.items.get(held as string)).toBeDefined();
      await deleteItem(store, free as string, at(1000), who('admin'));
      expect(await store.items.get(free as string)).toBeUndefined();
      // Once the hold has expired, the item can go.
      await deleteItem(store, held as string, at(91 * 24 * 3_600_000), who('admin'));
      expect(await store.items.get(held as string)).toBeUndefined();
    });
  });
}
