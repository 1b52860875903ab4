/**
 * The audit log on every database of test/support/databases.ts: records kept as given, listed
 * newest first in pages, filtered, and written with the change they describe or not at all.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { rejection } from '../../test/support/errors.js';
import type { Db } from './database.js';
import type { AuditLog, AuditRecord, ServiceStore } from './repositories.js';
import { openServiceStore } from './service-store.js';

const DATABASES = testDatabases();

const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe.each(DATABASES)('audit log on $name', (database) => {
  let db: Db;
  let store: ServiceStore;
  let audit: AuditLog;

  beforeEach(async () => {
    db = await database.open();
    store = openServiceStore(db);
    audit = store.audit;
  });
  afterEach(() => db.destroy());

  it('records entries as given', async () => {
    const record = await audit.record({
      at: at(0),
      actor: 'account:acc_1',
      action: 'items.ingest',
      requestId: 'req-1',
      details: { count: 3, source: 'feed', nested: { ok: true } },
    });
    expect(record).toEqual({
      id: expect.stringMatching(/^aud_[0-9a-z]{26}$/),
      at: at(0),
      actor: 'account:acc_1',
      action: 'items.ingest',
      requestId: 'req-1',
      details: { count: 3, source: 'feed', nested: { ok: true } },
    });
    expect((await audit.list({}, {})).items).toEqual([record]);
    const bare = await audit.record({ at: at(1), actor: 'system', action: 'jobs.run' });
    expect(bare).toEqual({ id: bare.id, at: at(1), actor: 'system', action: 'jobs.run' });
  });

  it('lists newest first in pages, by actor, action and target', async () => {
    const records: AuditRecord[] = [];
    for (let i = 0; i < 9; i++) {
      records.push(
        await audit.record({
          at: at(Math.floor(i / 2)),
          actor: i % 3 === 0 ? 'system' : 'account:acc_1',
          action: i % 2 === 0 ? 'account.disable' : 'apikey.create',
          target: `account:acc_${i % 4}`,
        }),
      );
    }
    const seen: AuditRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit.list({}, { limit: 4, ...(cursor !== undefined && { cursor }) });
      seen.push(...page.items);
      cursor = page.next;
    } while (cursor !== undefined);
    const expected = [...records].sort((a, b) =>
      a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1,
    );
    expect(seen).toEqual(expected);
    const ids = async (filter: Parameters<AuditLog['list']>[0]) =>
      (await audit.list(filter, {})).items.map((r) => records.indexOf(r as AuditRecord));
    const of = (filter: Parameters<AuditLog['list']>[0]) =>
      expected.filter(
        (r) =>
          (filter.actor === undefined || r.actor === filter.actor) &&
          (filter.action === undefined || r.action === filter.action) &&
          (filter.target === undefined || r.target === filter.target),
      );
    for (const filter of [
      { actor: 'system' },
      { action: 'apikey.create' },
      { target: 'account:acc_1' },
      { actor: 'account:acc_1', action: 'account.disable' },
    ]) {
      expect((await audit.list(filter, {})).items).toEqual(of(filter));
    }
    expect(await ids({ actor: 'nobody' })).toEqual([]);
  });

  it('rolls back with the change it records', async () => {
    const failure = new Error('roll back');
    expect(
      await rejection(
        store.transaction(async (trx) => {
          await audit.record({ at: at(0), actor: 'system', action: 'x' }, trx);
          throw failure;
        }),
      ),
    ).toBe(failure);
    expect((await audit.list({}, {})).items).toEqual([]);
  });
});
