/**
 * Rotation of the victim-data master key on every test database: records sealed under key A
 * open with key B afterwards and no longer with A, their ciphertexts unchanged; shredded
 * records, records under a third key and records that do not open stay as they were; a second
 * run rewraps nothing; a rotation interrupted after a batch finishes when run again; a row
 * changed between the read and the write is judged again, never overwritten.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { codeOf } from '../../test/support/errors.js';
import { isVigilError, VigilError } from '../shared/errors.js';
import { addMember, type CaseActor, createCase } from './case-service.js';
import type { Db } from './database.js';
import {
  addPerson,
  grantVictimAccess,
  type PersonSettings,
  readVictimData,
  shredVictimData,
} from './person-service.js';
import type { Role, ServiceStore } from './repositories.js';
import {
  generateMasterKey,
  type MasterKey,
  openRecord,
  parseMasterKey,
  readSealedRecord,
  type SealedRecord,
} from './sealed-records.js';
import { openServiceStore } from './service-store.js';
import { type RotationProgress, rotateVictimMasterKey } from './victim-keys.js';

const DATABASES = testDatabases();
const T0 = Date.parse('2026-06-01T09:00:00.000Z');
let tick = 0;
const next = () => new Date(T0 + 1000 * ++tick).toISOString();

/** Fresh random keys, as `vigil victim-key new` makes them. */
const HEX_A = generateMasterKey();
const HEX_B = generateMasterKey();
const KEY_A = parseMasterKey(HEX_A);
const KEY_B = parseMasterKey(HEX_B);
const KEY_C = parseMasterKey(generateMasterKey());
const WITH = (masterKey: MasterKey): PersonSettings => ({ masterKey });

/** Synthetic victim data: a fictional name and a number from a fictional range. */
const victimData = (n: number) => ({
  names: [`Testperson Nummer ${n}`],
  contact: [{ kind: 'phone' as const, value: `+1555555${String(n).padStart(4, '0')}` }],
});

async function account(store: ServiceStore, roles: readonly Role[]): Promise<CaseActor> {
  const created = await store.accounts.createAccount(
    { name: `t ${roles.join('+')}`, roles },
    next(),
  );
  return { accountId: created.id, actor: `account:${created.id}`, roles };
}

async function failure(promise: Promise<unknown>): Promise<VigilError> {
  try {
    await promise;
  } catch (error) {
    if (isVigilError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** Every person row with a sealed record, by id. */
async function sealedRows(db: Db): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('person')
    .select(['id', 'sealed'])
    .where('sealed', 'is not', null)
    .execute();
  return new Map(rows.map((row) => [row.id, row.sealed as string]));
}

const parsed = (sealed: string | undefined): SealedRecord =>
  readSealedRecord(JSON.parse(sealed ?? 'null'));

for (const database of DATABASES) {
  describe(`victim master key rotation on ${database.name}`, () => {
    const opened: Db[] = [];
    afterAll(async () => {
      await Promise.all(opened.splice(0).map((db) => db.destroy()));
    });

    /**
     * Two cases; five victims sealed under A across them, a suspect without victim data and a
     * shredded victim. The lead of both holds a grant.
     */
    async function fixture() {
      const db = await database.open();
      opened.push(db);
      const store = openServiceStore(db);
      const lead = await account(store, ['investigator']);
      const member = await account(store, ['investigator']);
      const victims: { id: string; caseId: string; n: number }[] = [];
      const caseIds: string[] = [];
      let n = 0;
      for (const title of ['Circuit R', 'Circuit S']) {
        const { case: file } = await createCase(store, { title }, next(), lead);
        caseIds.push(file.id);
        await addMember(
          store,
          file.id,
          { accountId: member.accountId, role: 'investigator' },
          next(),
          lead,
        );
        await grantVictimAccess(store, file.id, lead.accountId, next(), lead);
        for (let i = 0; i < (title === 'Circuit R' ? 3 : 2); i++) {
          n++;
          const victim = await addPerson(
            store,
            WITH(KEY_A),
            file.id,
            { kind: 'victim', label: `Victim ${n}`, victimData: victimData(n) },
            next(),
            member,
          );
          victims.push({ id: victim.id, caseId: file.id, n });
        }
      }
      const caseId = caseIds[0] as string;
      await addPerson(store, {}, caseId, { kind: 'suspect', label: 'Recruiter' }, next(), member);
      const gone = await addPerson(
        store,
        WITH(KEY_A),
        caseId,
        { kind: 'victim', label: 'Victim gone', victimData: victimData(99) },
        next(),
        member,
      );
      await shredVictimData(store, caseId, gone.id, next(), lead);
      return { db, store, lead, member, victims, caseId, shreddedId: gone.id };
    }

    const rotate = (
      store: ServiceStore,
      options: {
        from?: MasterKey;
        to?: MasterKey;
        batchSize?: number;
        onProgress?: (progress: RotationProgress) => void;
      } = {},
    ) =>
      rotateVictimMasterKey(store, {
        from: options.from ?? KEY_A,
        to: options.to ?? KEY_B,
        now: next(),
        actor: 'system:test',
        ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
        ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
      });

    it('rewraps every record under A for B: opens with B, no longer with A, ciphertexts kept', async () => {
      const { db, store, lead, victims, shreddedId } = await fixture();
      const before = await sealedRows(db);
      expect(before.size).toBe(6);
      const progress: RotationProgress[] = [];
      const summary = await rotate(store, { batchSize: 2, onProgress: (p) => progress.push(p) });
      expect(summary).toEqual({
        from: KEY_A.kid,
        to: KEY_B.kid,
        rewrapped: 5,
        alreadyCurrent: 0,
        shredded: 1,
        unknownKey: [],
        unreadable: [],
      });
      // Three batches of two (six sealed rows), each reported once committed.
      expect(progress.map((p) => p.scanned)).toEqual([2, 4, 6]);
      expect(progress.at(-1)).toEqual({
        scanned: 6,
        rewrapped: 5,
        alreadyCurrent: 0,
        shredded: 1,
        unknownKey: 0,
        unreadable: 0,
      });

      const after = await sealedRows(db);
      for (const victim of victims) {
        const old = parsed(before.get(victim.id));
        const now = parsed(after.get(victim.id));
        expect(old.kid).toBe(KEY_A.kid);
        expect(now.kid).toBe(KEY_B.kid);
        // Only the wrapped key changed: the data key, the ciphertext and its nonce stay.
        expect(now.ciphertext).toBe(old.ciphertext);
        expect(now.nonce).toBe(old.nonce);
        expect(now.wrappedKey).not.toBe(old.wrappedKey);
        expect(now.keyNonce).not.toBe(old.keyNonce);

        const read = await readVictimData(
          store,
          WITH(KEY_B),
          victim.caseId,
          victim.id,
          next(),
          lead,
        );
        expect(read.data).toEqual(victimData(victim.n));
        // The old key is refused by key id, and cannot unwrap the new wrapped key either.
        const refused = await failure(
          readVictimData(store, WITH(KEY_A), victim.caseId, victim.id, next(), lead),
        );
        expect(refused.code).toBe('CONFIG_INVALID');
        expect(refused.details).toMatchObject({ recordKid: KEY_B.kid, configuredKid: KEY_A.kid });
        const context = { recordId: victim.id, caseId: victim.caseId };
        expect(codeOf(() => openRecord(KEY_A, { ...now, kid: KEY_A.kid }, context))).toBe(
          'VICTIM_DATA_UNREADABLE',
        );
      }
      // The shredded record is left byte for byte, and stays destroyed under either key.
      expect(after.get(shreddedId)).toBe(before.get(shreddedId));
      expect(parsed(after.get(shreddedId)).wrappedKey).toBeNull();

      // One audit record, with both key ids and the counts, never key material.
      const audits = (await store.audit.list({ action: 'victim.key.rotate' }, { limit: 10 })).items;
      expect(audits).toHaveLength(1);
      expect(audits[0]).toMatchObject({
        actor: 'system:test',
        target: `victim-key:${KEY_B.kid}`,
        details: {
          from: KEY_A.kid,
          to: KEY_B.kid,
          rewrapped: 5,
          alreadyCurrent: 0,
          shredded: 1,
          unknownKey: 0,
          unreadable: 0,
        },
      });
      const everything = JSON.stringify(
        (await store.audit.list({}, { limit: 500 })).items,
      ).toLowerCase();
      for (const secret of [HEX_A, HEX_B]) expect(everything).not.toContain(secret);
      expect(everything).not.toContain('testperson');
    });

    it('rewraps nothing on a second run: every record is already current', async () => {
      const { db, store } = await fixture();
      await rotate(store);
      const once = await sealedRows(db);
      const again = await rotate(store);
      expect(again).toMatchObject({ rewrapped: 0, alreadyCurrent: 5, shredded: 1, unknownKey: [] });
      expect(await sealedRows(db)).toEqual(once);
      const audits = (await store.audit.list({ action: 'victim.key.rotate' }, { limit: 10 })).items;
      expect(audits).toHaveLength(2);
    });

    it('reports a record under an unknown key C and leaves it untouched', async () => {
      const { db, store, lead, caseId } = await fixture();
      const stranger = await addPerson(
        store,
        WITH(KEY_C),
        caseId,
        { kind: 'victim', label: 'Victim C', victimData: victimData(7) },
        next(),
        lead,
      );
      const before = (await sealedRows(db)).get(stranger.id);
      const summary = await rotate(store);
      expect(summary.rewrapped).toBe(5);
      expect(summary.unknownKey).toEqual([{ personId: stranger.id, caseId, kid: KEY_C.kid }]);
      expect((await sealedRows(db)).get(stranger.id)).toBe(before);
      const read = await readVictimData(store, WITH(KEY_C), caseId, stranger.id, next(), lead);
      expect(read.data).toEqual(victimData(7));
      const audit = (await store.audit.list({ action: 'victim.key.rotate' }, { limit: 1 })).items;
      expect(audit[0]?.details).toMatchObject({ unknownKey: 1, unknownKids: [KEY_C.kid] });
    });

    it('reports a record under A that does not open, and leaves it untouched', async () => {
      const { db, store, victims } = await fixture();
      const broken = victims[0] as (typeof victims)[number];
      const rows = await sealedRows(db);
      // Another record's nonce: the ciphertext no longer verifies, so it cannot be rewrapped.
      const moved = JSON.stringify({
        ...parsed(rows.get(broken.id)),
        nonce: parsed(rows.get(victims[1]?.id ?? '')).nonce,
      });
      await db.updateTable('person').set({ sealed: moved }).where('id', '=', broken.id).execute();
      const summary = await rotate(store);
      expect(summary.rewrapped).toBe(4);
      expect(summary.unreadable).toEqual([{ personId: broken.id, caseId: broken.caseId }]);
      expect((await sealedRows(db)).get(broken.id)).toBe(moved);
    });

    it('finishes an interrupted rotation when run again', async () => {
      const { db, store, lead, victims } = await fixture();
      // The process dies after the first committed batch of two (which, ids being random, may
      // hold the shredded record).
      let first: RotationProgress | undefined;
      const crash = await failure(
        rotate(store, {
          batchSize: 2,
          onProgress: (progress) => {
            first = progress;
            throw new VigilError('STORE_UNAVAILABLE', 'simulated crash');
          },
        }),
      );
      expect(crash.message).toBe('simulated crash');
      const done = first?.rewrapped ?? 0;
      expect(first?.scanned).toBe(2);
      expect(done + (first?.shredded ?? 0)).toBe(2);
      const kids = [...(await sealedRows(db)).values()].map((sealed) => parsed(sealed).kid);
      expect(kids.filter((kid) => kid === KEY_B.kid)).toHaveLength(done);
      // The rest of the five, and the shredded record.
      expect(kids.filter((kid) => kid === KEY_A.kid)).toHaveLength(6 - done);
      expect(await store.audit.list({ action: 'victim.key.rotate' }, { limit: 1 })).toMatchObject({
        items: [],
      });

      const resumed = await rotate(store, { batchSize: 2 });
      expect(resumed).toMatchObject({ rewrapped: 5 - done, alreadyCurrent: done, shredded: 1 });
      for (const victim of victims) {
        const read = await readVictimData(
          store,
          WITH(KEY_B),
          victim.caseId,
          victim.id,
          next(),
          lead,
        );
        expect(read.data).toEqual(victimData(victim.n));
      }
    });

    it('never overwrites a row that changed between the read and the write', async () => {
      const { db, store, lead, victims } = await fixture();
      const target = victims[2] as (typeof victims)[number];
      // A lead shreds the record right after the rotation read its page.
      let shredded = false;
      const racing: ServiceStore = {
        ...store,
        persons: {
          ...store.persons,
          async sealedPage(afterId, limit, executor) {
            const page = await store.persons.sealedPage(afterId, limit, executor);
            if (!shredded && page.some((row) => row.id === target.id)) {
              shredded = true;
              await shredVictimData(store, target.caseId, target.id, next(), lead);
            }
            return page;
          },
        },
      };
      const summary = await rotate(racing);
      expect(shredded).toBe(true);
      expect(summary).toMatchObject({ rewrapped: 4, shredded: 2 });
      const row = parsed((await sealedRows(db)).get(target.id));
      expect(row.wrappedKey).toBeNull();
      expect(row.kid).toBe(KEY_A.kid);

      // replaceSealed itself: only the exact expected value is replaced, never a shredded row.
      const other = victims[0] as (typeof victims)[number];
      const current = (await sealedRows(db)).get(other.id) as string;
      expect(await store.persons.replaceSealed(other.id, `${current} `, current)).toBe(false);
      expect(await store.persons.replaceSealed(target.id, current, current)).toBe(false);
      expect(await store.persons.replaceSealed(other.id, current, current)).toBe(true);
    });

    it('refuses to rotate to the same key', async () => {
      const { store } = await fixture();
      const same = await failure(rotate(store, { to: parseMasterKey(HEX_A) }));
      expect(same.code).toBe('CONFIG_INVALID');
      expect(same.message).not.toContain(HEX_A);
    });
  });
}
