/**
 * Templates and networks in the database (repositories.ts LinkRepository): the template index's
 * saved bytes in one row, and the templates and networks of the latest link run, each as JSON
 * with the column it is listed by.
 */
import type { Network, Template } from '../analyze/link-types.js';
import type { Db } from './database.js';
import type { SqlDialectName } from './migrations.js';
import type { LinkRepository } from './repositories.js';
import {
  chunks,
  current,
  decodeCursor,
  fromJson,
  inTransaction,
  ownBytes,
  pageLimit,
  pageOf,
  recordById,
  toJson,
} from './service-common.js';

const INDEX_ROW = 1;
/** Templates by size, largest first, then id. */
const TEMPLATE_KEY = ['number', 'string'] as const;
/** Networks by risk, riskiest first, then id. */
const NETWORK_KEY = ['number', 'string'] as const;

export function createLinkRepository(db: Db, dialect: SqlDialectName): LinkRepository {
  return {
    /**
     * Inside a transaction on PostgreSQL the row stays locked until it ends, so that link runs
     * on several workers take turns instead of overwriting each other's index (on SQLite the
     * transaction's write lock does that).
     */
    async loadIndex(executor = current(db)) {
      let query = executor.selectFrom('link_index').select('data').where('id', '=', INDEX_ROW);
      if (dialect === 'postgres' && executor.isTransaction) query = query.forUpdate();
      const row = await query.executeTakeFirst();
      return row?.data === null || row?.data === undefined ? undefined : ownBytes(row.data);
    },

    async saveIndex(bytes, executor = current(db)) {
      await executor
        .updateTable('link_index')
        .set({ data: bytes })
        .where('id', '=', INDEX_ROW)
        .execute();
    },

    async replaceAll(templates, networks, executor = current(db)) {
      await inTransaction(db, executor, dialect, async (trx) => {
        await trx.deleteFrom('template').execute();
        await trx.deleteFrom('network').execute();
        for (const part of chunks(templates)) {
          await trx
            .insertInto('template')
            .values(part.map((t) => ({ id: t.id, json: toJson(t), size: t.members.length })))
            .execute();
        }
        for (const part of chunks(networks)) {
          await trx
            .insertInto('network')
            .values(
              part.map((n) => ({
                id: n.id,
                json: toJson(n),
                size: n.members.length,
                risk: n.risk,
              })),
            )
            .execute();
        }
      });
    },

    async getTemplate(id) {
      return recordById<Template>(current(db), 'template', id);
    },

    async listTemplates(page) {
      const limit = pageLimit(page);
      let query = current(db).selectFrom('template').selectAll();
      if (page.cursor !== undefined) {
        const [size, id] = decodeCursor(page.cursor, TEMPLATE_KEY);
        query = query.where((eb) =>
          eb.or([eb('size', '<', size), eb.and([eb('size', '=', size), eb('id', '>', id)])]),
        );
      }
      const rows = await query
        .orderBy('size', 'desc')
        .orderBy('id', 'asc')
        .limit(limit + 1)
        .execute();
      return pageOf(
        rows,
        limit,
        (row) => [row.size, row.id],
        (row) => fromJson<Template>(row.json),
      );
    },

    async getNetwork(id) {
      return recordById<Network>(current(db), 'network', id);
    },

    async listNetworks(filter, page) {
      const limit = pageLimit(page);
      let query = current(db).selectFrom('network').selectAll();
      if (filter.minRisk !== undefined) query = query.where('risk', '>=', filter.minRisk);
      if (page.cursor !== undefined) {
        const [risk, id] = decodeCursor(page.cursor, NETWORK_KEY);
        query = query.where((eb) =>
          eb.or([eb('risk', '<', risk), eb.and([eb('risk', '=', risk), eb('id', '>', id)])]),
        );
      }
      const rows = await query
        .orderBy('risk', 'desc')
        .orderBy('id', 'asc')
        .limit(limit + 1)
        .execute();
      return pageOf(
        rows,
        limit,
        (row) => [row.risk, row.id],
        (row) => fromJson<Network>(row.json),
      );
    },
  };
}
