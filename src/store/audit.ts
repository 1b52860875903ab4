/**
 * The audit log in the database (repositories.ts AuditLog): who did what to what, when. Records
 * are only ever added; they are listed newest first.
 */
import type { Selectable } from 'kysely';
import type { AuditTable, Db } from './database.js';
import type { AuditLog, AuditRecord } from './repositories.js';
import {
  current,
  decodeCursor,
  fromJson,
  newId,
  pageLimit,
  pageOf,
  storedTime,
  toJson,
} from './service-common.js';

const LIST_KEY = ['string', 'string'] as const;

type AuditRow = Selectable<AuditTable>;

export function createAuditLog(db: Db): AuditLog {
  return {
    async record(entry, executor = current(db)) {
      const row: AuditRow = {
        id: newId('aud'),
        at: storedTime(entry.at, 'at'),
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        request_id: entry.requestId ?? null,
        details: entry.details === undefined ? null : toJson(entry.details),
      };
      await executor.insertInto('audit').values(row).execute();
      return toRecord(row);
    },

    async list(filter, page) {
      const limit = pageLimit(page);
      let query = current(db).selectFrom('audit').selectAll();
      if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
      if (filter.action !== undefined) query = query.where('action', '=', filter.action);
      if (filter.target !== undefined) query = query.where('target', '=', filter.target);
      if (page.cursor !== undefined) {
        const [at, id] = decodeCursor(page.cursor, LIST_KEY);
        query = query.where((eb) => eb(eb.refTuple('at', 'id'), '<', eb.tuple(at, id)));
      }
      const rows = await query
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return pageOf(rows, limit, (row) => [row.at, row.id], toRecord);
    },
  };
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    ...(row.target !== null && { target: row.target }),
    ...(row.request_id !== null && { requestId: row.request_id }),
    ...(row.details !== null && {
      details: fromJson<Readonly<Record<string, unknown>>>(row.details),
    }),
  };
}
