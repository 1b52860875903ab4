/**
 * Items in the database (repositories.ts ItemRepository): stored once per (source, external
 * id) under an id derived from both, with their latest analysis, the identifiers it found, and
 * their template and network ids.
 */
import { createHash } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import type { Analysis, Band, Item } from '../analyze/types.js';
import { canonicalBytes } from '../ledger/canonical-json.js';
import { VigilError } from '../shared/errors.js';
import type { Db, ItemTable } from './database.js';
import type { SqlDialectName } from './migrations.js';
import type {
  Executor,
  IngestResult,
  ItemFilter,
  ItemRepository,
  Page,
  PageRequest,
  StoredItem,
} from './repositories.js';
import {
  chunks,
  current,
  decodeCursor,
  fromJson,
  inTransaction,
  itemId,
  notFound,
  pageLimit,
  pageOf,
  storedTime,
  toJson,
} from './service-common.js';

type ItemRow = Selectable<ItemTable>;

/** Sort key of listings: received time, then id, both descending (newest first). */
const KEY_SHAPE = ['string', 'string'] as const;

/** Four bound values per analysis: well under SQLite's 32,766 and PostgreSQL's 65,535. */
const ANALYSES_PER_STATEMENT = 200;

export function createItemRepository(db: Db, dialect: SqlDialectName): ItemRepository {
  return {
    async ingest(items, options, executor = current(db)) {
      const source = checkKey(options.source, 'source');
      const receivedAt = storedTime(options.receivedAt, 'receivedAt');
      // The first of several inputs with one external id is stored; the rest are repeats.
      const results: IngestResult[] = [];
      const fresh = new Map<string, Omit<ItemTable, 'analysis_count'>>();
      for (const item of items) {
        const externalId = checkKey(item.id, 'item id');
        const id = itemId(source, externalId);
        results.push({ id, externalId, created: false });
        if (fresh.has(id)) continue;
        fresh.set(id, {
          id,
          source,
          external_id: externalId,
          item: JSON.stringify(item),
          sha256: createHash('sha256').update(canonicalBytes(item)).digest('hex'),
          received_at: receivedAt,
          analysis: null,
          analyzed_at: null,
          risk: null,
          band: null,
          template: null,
          network: null,
        });
      }
      const created = new Set<string>();
      await inTransaction(db, executor, dialect, async (trx) => {
        for (const rows of chunks([...fresh.values()])) {
          const inserted = await trx
            .insertInto('item')
            .values(rows)
            .onConflict((conflict) => conflict.columns(['source', 'external_id']).doNothing())
            .returning('id')
            .execute();
          for (const row of inserted) created.add(row.id);
        }
      });
      return results.map((result) => {
        if (!created.delete(result.id)) return result;
        return { ...result, created: true };
      });
    },

    async get(id, executor = current(db)) {
      const row = await executor
        .selectFrom('item')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : toStoredItem(row);
    },

    async delete(id, executor) {
      return inTransaction(db, executor, dialect, async (trx) => {
        await trx.deleteFrom('item_identifier').where('item_id', '=', id).execute();
        const result = await trx.deleteFrom('item').where('id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },

    async getMany(ids, executor = current(db)) {
      const found = new Map<string, StoredItem>();
      for (const part of chunks([...new Set(ids)])) {
        const rows = await executor
          .selectFrom('item')
          .selectAll()
          .where('id', 'in', part)
          .execute();
        for (const row of rows) found.set(row.id, toStoredItem(row));
      }
      return ids.flatMap((id) => {
        const item = found.get(id);
        if (item === undefined) return [];
        found.delete(id);
        return [item];
      });
    },

    list: (filter, page, executor = current(db)) => listItems(executor, filter, page),

    async withIdentifier(identifier, page, executor = current(db)) {
      const limit = pageLimit(page);
      let query = executor
        .selectFrom('item_identifier as ii')
        .innerJoin('item', 'item.id', 'ii.item_id')
        .selectAll('item')
        .where('ii.identifier', '=', identifier);
      if (page.cursor !== undefined) {
        const [receivedAt, id] = decodeCursor(page.cursor, KEY_SHAPE);
        query = query.where((eb) =>
          eb(eb.refTuple('ii.received_at', 'ii.item_id'), '<', eb.tuple(receivedAt, id)),
        );
      }
      const rows = await query
        .orderBy('ii.received_at', 'desc')
        .orderBy('ii.item_id', 'desc')
        .limit(limit + 1)
        .execute();
      return pageOf(rows, limit, (row) => [row.received_at, row.id], toStoredItem);
    },

    async saveAnalysis(id, analysis, identifiers, analyzedAt, executor = current(db)) {
      const at = storedTime(analyzedAt, 'analyzedAt');
      await inTransaction(db, executor, dialect, async (trx) => {
        const row = await trx
          .updateTable('item')
          .set((eb) => ({
            analysis: toJson(analysis),
            analyzed_at: at,
            analysis_count: eb('analysis_count', '+', 1),
            risk: analysis.risk,
            band: analysis.band,
          }))
          .where('id', '=', id)
          .returning('received_at')
          .executeTakeFirst();
        if (row === undefined) throw notFound('item', id);
        await trx.deleteFrom('item_identifier').where('item_id', '=', id).execute();
        const unique = [...new Set(identifiers)];
        for (const part of chunks(unique)) {
          await trx
            .insertInto('item_identifier')
            .values(
              part.map((identifier) => ({
                identifier,
                item_id: id,
                received_at: row.received_at,
              })),
            )
            .execute();
        }
      });
    },

    async saveAnalyses(analyses, analyzedAt, executor = current(db)) {
      const at = storedTime(analyzedAt, 'analyzedAt');
      // The last entry of an id wins; an update may not meet one row twice.
      const byId = new Map(analyses.map((entry) => [entry.id, entry]));
      await inTransaction(db, executor, dialect, async (trx) => {
        for (const part of chunks([...byId.values()], ANALYSES_PER_STATEMENT)) {
          const values = sql.join(
            part.map(
              ({ id, analysis }) =>
                sql`(cast(${id} as text), cast(${toJson(analysis)} as text), cast(${analysis.risk} as double precision), cast(${analysis.band} as text))`,
            ),
          );
          const updated = await sql<{ id: string; received_at: string }>`
            update item set analysis = v.column2, analyzed_at = ${at},
              analysis_count = analysis_count + 1, risk = v.column3, band = v.column4
            from (values ${values}) as v
            where item.id = v.column1
            returning item.id, item.received_at`.execute(trx);
          const receivedAt = new Map(updated.rows.map((row) => [row.id, row.received_at]));
          const missing = part.find(({ id }) => !receivedAt.has(id));
          if (missing !== undefined) throw notFound('item', missing.id);
          await trx
            .deleteFrom('item_identifier')
            .where(
              'item_id',
              'in',
              part.map(({ id }) => id),
            )
            .execute();
          const rows = part.flatMap(({ id, identifiers }) =>
            [...new Set(identifiers)].map((identifier) => ({
              identifier,
              item_id: id,
              received_at: receivedAt.get(id) as string,
            })),
          );
          for (const rowsPart of chunks(rows)) {
            await trx.insertInto('item_identifier').values(rowsPart).execute();
          }
        }
      });
    },

    async saveLinks(links, executor = current(db)) {
      // The last entry of an id wins; an update may not meet one row twice.
      const byId = new Map(links.map((link) => [link.id, link]));
      await inTransaction(db, executor, dialect, async (trx) => {
        for (const part of chunks([...byId.values()])) {
          const values = sql.join(
            part.map(
              (link) =>
                sql`(cast(${link.id} as text), cast(${link.template ?? null} as text), cast(${link.network ?? null} as text))`,
            ),
          );
          const result = await sql`
            update item set template = v.column2, network = v.column3
            from (values ${values}) as v
            where item.id = v.column1`.execute(trx);
          const updated = Number(result.numAffectedRows ?? 0n);
          if (updated !== part.length) {
            const known = new Set(
              (
                await trx
                  .selectFrom('item')
                  .select('id')
                  .where(
                    'id',
                    'in',
                    part.map((link) => link.id),
                  )
                  .execute()
              ).map((row) => row.id),
            );
            const missing = part.find((link) => !known.has(link.id));
            if (missing !== undefined) throw notFound('item', missing.id);
          }
        }
      });
    },
  };
}

async function listItems(
  executor: Executor,
  filter: ItemFilter,
  page: PageRequest,
): Promise<Page<StoredItem>> {
  const limit = pageLimit(page);
  let query = executor.selectFrom('item').selectAll();
  if (filter.source !== undefined) query = query.where('source', '=', filter.source);
  if (filter.band !== undefined) query = query.where('band', '=', filter.band);
  if (filter.minRisk !== undefined) query = query.where('risk', '>=', filter.minRisk);
  if (filter.template !== undefined) query = query.where('template', '=', filter.template);
  if (filter.network !== undefined) query = query.where('network', '=', filter.network);
  if (filter.analyzed !== undefined) {
    query = query.where('analyzed_at', filter.analyzed ? 'is not' : 'is', null);
  }
  if (page.cursor !== undefined) {
    const [receivedAt, id] = decodeCursor(page.cursor, KEY_SHAPE);
    query = query.where((eb) =>
      eb(eb.refTuple('received_at', 'id'), '<', eb.tuple(receivedAt, id)),
    );
  }
  const rows = await query
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return pageOf(rows, limit, (row) => [row.received_at, row.id], toStoredItem);
}

function toStoredItem(row: ItemRow): StoredItem {
  return {
    id: row.id,
    source: row.source,
    externalId: row.external_id,
    item: fromJson<Item>(row.item),
    sha256: row.sha256,
    receivedAt: row.received_at,
    ...(row.analysis !== null && { analysis: fromJson<Analysis>(row.analysis) }),
    ...(row.analyzed_at !== null && { analyzedAt: row.analyzed_at }),
    ...(row.risk !== null && { risk: row.risk }),
    ...(row.band !== null && { band: row.band as Band }),
    ...(row.template !== null && { template: row.template }),
    ...(row.network !== null && { network: row.network }),
  };
}

const MAX_KEY_CHARS = 512;

/**
 * A source or external id: what makes an item's id. PostgreSQL text cannot hold NUL, and the
 * id derivation separates the two with it.
 */
function checkKey(value: string, name: string): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > MAX_KEY_CHARS ||
    value.includes('\u0000')
  ) {
    throw new VigilError(
      'REQUEST_INVALID',
      `The ${name} must be text of 1 to ${MAX_KEY_CHARS} characters without NUL characters.`,
      { details: { field: name } },
    );
  }
  return value;
}
