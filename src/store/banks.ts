/**
 * Hash banks in the database (repositories.ts BankRepository): a row per bank and a row per
 * hash. Vigil stores PDQ hashes of known images, never the images. Nothing here checks access
 * or writes audit records: bank-service.ts does, around these.
 */
import type { Selectable } from 'kysely';
import type { Db, PdqBankTable } from './database.js';
import type { BankKind, BankRepository, HashBank } from './repositories.js';
import { chunks, current, newId, storedTime } from './service-common.js';

const HEX64 = /^[0-9a-f]{64}$/;

const toBank = (row: Selectable<PdqBankTable>): HashBank => ({
  id: row.id,
  name: row.name,
  ...(row.description !== null && { description: row.description }),
  kind: row.kind as BankKind,
  createdAt: row.created_at,
  createdBy: row.created_by,
  version: Number(row.version),
  size: Number(row.size),
  updatedAt: row.updated_at,
});

export function createBankRepository(db: Db): BankRepository {
  return {
    async create(bank, now, executor = current(db)) {
      const at = storedTime(now, 'bank creation');
      const row = {
        id: newId('bnk'),
        name: bank.name,
        description: bank.description ?? null,
        kind: bank.kind,
        created_at: at,
        created_by: bank.createdBy,
        version: 1,
        size: 0,
        updated_at: at,
      };
      const result = await executor
        .insertInto('pdq_bank')
        .values(row)
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) return undefined;
      return toBank(row);
    },
    async get(id, executor = current(db)) {
      const row = await executor
        .selectFrom('pdq_bank')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : toBank(row);
    },
    async getByName(name, executor = current(db)) {
      const row = await executor
        .selectFrom('pdq_bank')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? undefined : toBank(row);
    },
    async list(executor = current(db)) {
      const rows = await executor
        .selectFrom('pdq_bank')
        .selectAll()
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(toBank);
    },
    async delete(id, executor = current(db)) {
      await executor.deleteFrom('pdq_bank_hash').where('bank_id', '=', id).execute();
      const result = await executor.deleteFrom('pdq_bank').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async addHashes(bankId, hashes, now, executor = current(db)) {
      const at = storedTime(now, 'hash import');
      const unique = new Map<string, string | undefined>();
      for (const entry of hashes) {
        if (!HEX64.test(entry.hash)) {
          throw new TypeError('A bank hash must be 64 lowercase hex characters.');
        }
        if (!unique.has(entry.hash)) unique.set(entry.hash, entry.label);
      }
      let added = 0;
      for (const chunk of chunks([...unique])) {
        const result = await executor
          .insertInto('pdq_bank_hash')
          .values(
            chunk.map(([hash, label]) => ({
              bank_id: bankId,
              hash,
              label: label ?? null,
              added_at: at,
            })),
          )
          .onConflict((oc) => oc.columns(['bank_id', 'hash']).doNothing())
          .executeTakeFirst();
        added += Number(result.numInsertedOrUpdatedRows ?? 0n);
      }
      if (added > 0) {
        await executor
          .updateTable('pdq_bank')
          .set((eb) => ({
            version: eb('version', '+', 1),
            size: eb('size', '+', added),
            updated_at: at,
          }))
          .where('id', '=', bankId)
          .execute();
      }
      return { added, existing: hashes.length - added };
    },
    async versions(executor = current(db)) {
      const rows = await executor
        .selectFrom('pdq_bank')
        .select(['id', 'version'])
        .orderBy('id')
        .execute();
      return rows.map((row) => ({ id: row.id, version: Number(row.version) }));
    },
    async hashes(bankId, after, limit) {
      let query = current(db)
        .selectFrom('pdq_bank_hash')
        .select(['hash', 'label', 'added_at'])
        .where('bank_id', '=', bankId);
      if (after !== undefined) query = query.where('hash', '>', after);
      const rows = await query.orderBy('hash').limit(limit).execute();
      return rows.map((row) => ({
        hash: row.hash,
        ...(row.label !== null && { label: row.label }),
        addedAt: row.added_at,
      }));
    },
  };
}
