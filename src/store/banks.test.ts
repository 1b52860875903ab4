/**
 * Hash banks on every database of test/support/databases.ts: names are unique, imports add
 * each hash once per bank and raise the version, hashes page by hash, deleting a bank deletes
 * its hashes, and the units of work audit counts without hashes or labels.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { createBank, deleteBank, importHashes } from './bank-service.js';
import type { Db } from './database.js';
import type { ServiceStore } from './repositories.js';
import { openServiceStore } from './service-store.js';

const NOW = '2026-11-28T10:00:00.000Z';
const LATER = '2026-11-28T11:00:00.000Z';
const hex = (byte: number) => byte.toString(16).padStart(2, '0').repeat(32);
const who = { actor: 'account:acc_admin', requestId: 'req-1' };

for (const database of testDatabases()) {
  describe(`hash banks on ${database.name}`, () => {
    let db: Db;
    let store: ServiceStore;
    beforeEach(async () => {
      db = await database.open();
      store = openServiceStore(db);
    });
    afterEach(async () => {
      await db.destroy();
    });

    it('creates banks with unique names and lists them by name', async () => {
      const bank = await store.banks.create(
        { name: 'Hotline', kind: 'abuse-material', createdBy: 'account:a' },
        NOW,
      );
      expect(bank).toMatchObject({ name: 'Hotline', kind: 'abuse-material', version: 1, size: 0 });
      expect(bank?.id).toMatch(/^bnk_[0-9a-z]{26}$/);
      expect(
        await store.banks.create({ name: 'Hotline', kind: 'other', createdBy: 'account:b' }, NOW),
      ).toBeUndefined();
      await store.banks.create(
        { name: 'Case 12 photos', kind: 'victim-photos', description: 'From Ann', createdBy: 'x' },
        NOW,
      );
      const list = await store.banks.list();
      expect(list.map((b) => b.name)).toEqual(['Case 12 photos', 'Hotline']);
      expect(list[0]?.description).toBe('From Ann');
      expect(await store.banks.getByName('Hotline')).toEqual(bank);
      expect(await store.banks.get(bank?.id ?? '')).toEqual(bank);
      expect(await store.banks.get('bnk_none')).toBeUndefined();
    });

    it('adds each hash once per bank, raises the version and pages hashes by hash', async () => {
      const a = await createBank(store, { name: 'A', kind: 'victim-photos' }, NOW, who);
      const b = await createBank(store, { name: 'B', kind: 'other' }, NOW, who);
      const first = await importHashes(
        store,
        a.id,
        [{ hash: hex(3), label: 'itm_X' }, { hash: hex(1) }, { hash: hex(3), label: 'again' }],
        LATER,
        who,
      );
      expect(first).toMatchObject({ added: 2, existing: 1 });
      expect(first.bank).toMatchObject({ version: 2, size: 2, updatedAt: LATER });
      const second = await importHashes(
        store,
        a.id,
        [{ hash: hex(1) }, { hash: hex(2) }],
        LATER,
        who,
      );
      expect(second).toMatchObject({ added: 1, existing: 1, bank: { version: 3, size: 3 } });
      // Nothing new: the version stays.
      const third = await importHashes(store, a.id, [{ hash: hex(2) }], LATER, who);
      expect(third).toMatchObject({ added: 0, existing: 1, bank: { version: 3 } });
      // Another bank may hold the same hash.
      expect((await importHashes(store, b.id, [{ hash: hex(3) }], LATER, who)).added).toBe(1);

      const page1 = await store.banks.hashes(a.id, undefined, 2);
      expect(page1).toEqual([
        { hash: hex(1), addedAt: LATER },
        { hash: hex(2), addedAt: LATER },
      ]);
      const page2 = await store.banks.hashes(a.id, page1[1]?.hash, 2);
      // The first label given stays.
      expect(page2).toEqual([{ hash: hex(3), label: 'itm_X', addedAt: LATER }]);
      expect(await store.banks.versions()).toEqual(
        [
          { id: a.id, version: 3 },
          { id: b.id, version: 2 },
        ].sort((x, y) => (x.id < y.id ? -1 : 1)),
      );
    });

    it('deletes a bank with its hashes, and audits counts without hashes', async () => {
      const bank = await createBank(store, { name: 'Gone', kind: 'abuse-material' }, NOW, who);
      await expect(createBank(store, { name: 'Gone', kind: 'other' }, NOW, who)).rejects.toThrow(
        /exists already/,
      );
      await importHashes(
        store,
        bank.id,
        [{ hash: hex(9), label: 'secret label' }],
        '2026-11-28T10:30:00.000Z',
        who,
      );
      await deleteBank(store, bank.id, LATER, who);
      expect(await store.banks.get(bank.id)).toBeUndefined();
      expect(await store.banks.hashes(bank.id, undefined, 10)).toEqual([]);
      expect(await store.banks.delete(bank.id)).toBe(false);
      await expect(deleteBank(store, bank.id, LATER, who)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });

      const audit = (await store.audit.list({ target: `bank:${bank.id}` }, {})).items;
      expect(audit.map((r) => r.action)).toEqual(['bank.delete', 'bank.import', 'bank.create']);
      expect(audit[1]?.details).toEqual({ name: 'Gone', received: 1, added: 1, existing: 0 });
      const text = JSON.stringify(audit);
      expect(text).not.toContain(hex(9));
      expect(text).not.toContain('secret label');
    });
  });
}
