/**
 * The service's store over one database: every repository of repositories.ts, and transactions
 * they can share.
 */

import type { Item } from '../analyze/types.js';
import { createAccountRepository } from './accounts.js';
import { createAuditLog } from './audit.js';
import type { Db } from './database.js';
import { createItemRepository } from './items.js';
import { createLinkRepository } from './links.js';
import { createJobQueue } from './queue.js';
import type { Executor, IngestResult, ServiceStore } from './repositories.js';
import { dialectOf, inTransaction } from './service-common.js';

/**
 * The store over `db` (openDatabase, migrated). `transaction` runs its work in one transaction
 * (on SQLite holding the write lock from its start: see service-common.ts inTransaction);
 * repositories given its `trx` join it, and a repository method that needs several statements
 * runs them in the caller's transaction when it is given one, or in its own.
 */
export function openServiceStore(db: Db): ServiceStore {
  const dialect = dialectOf(db);
  return Object.freeze({
    db,
    items: createItemRepository(db, dialect),
    links: createLinkRepository(db, dialect),
    jobs: createJobQueue(db, dialect),
    accounts: createAccountRepository(db, dialect),
    audit: createAuditLog(db),
    transaction: <T>(work: (trx: Db) => Promise<T>) => inTransaction(db, undefined, dialect, work),
  });
}

/** The job kind that analyses stored items; its payload is `{ items: [item ids] }`. */
export const ANALYZE_JOB = 'analyze';

/**
 * Ingests a batch as the HTTP API does: the new items, one `analyze` job for them and an audit
 * record (`items.ingest`) in one transaction (the caller's `executor` when given). Returns one
 * result per item, in order, and the job's id when any item was new.
 */
export async function ingestBatch(
  store: ServiceStore,
  items: readonly Item[],
  options: {
    readonly source: string;
    /** ISO 8601: the receive time of the items, the job and the record. */
    readonly now: string;
    /** The audit record's actor, e.g. "account:acc_…" or "system". */
    readonly actor: string;
    readonly requestId?: string;
  },
  executor?: Executor,
): Promise<{ readonly results: IngestResult[]; readonly job?: string }> {
  const { source, now } = options;
  const work = async (trx: Executor) => {
    const results = await store.items.ingest(items, { source, receivedAt: now }, trx);
    const created = results.filter((result) => result.created).map((result) => result.id);
    const job =
      created.length === 0
        ? undefined
        : await store.jobs.enqueue({ kind: ANALYZE_JOB, payload: { items: created } }, now, trx);
    await store.audit.record(
      {
        at: now,
        actor: options.actor,
        action: 'items.ingest',
        ...(options.requestId !== undefined && { requestId: options.requestId }),
        details: {
          source,
          count: items.length,
          created: created.length,
          ...(job !== undefined && { job: job.id }),
        },
      },
      trx,
    );
    return job === undefined ? { results } : { results, job: job.id };
  };
  return executor?.isTransaction ? work(executor) : store.transaction(work);
}
