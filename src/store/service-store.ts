/**
 * The service's store over one database: every repository of repositories.ts, and transactions
 * they can share.
 */

import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Item } from '../analyze/types.js';
import { canonicalBytes } from '../ledger/canonical-json.js';
import { CUSTODY_FORMAT, type CustodyEvent, custodyLeaf } from '../ledger/custody.js';
import { createAccountRepository } from './accounts.js';
import { createAuditLog } from './audit.js';
import { createBankRepository } from './banks.js';
import { createCaseRepository } from './case-records.js';
import type { Db } from './database.js';
import { createItemRepository } from './items.js';
import { createLedgerStore } from './ledger-store.js';
import { createLinkRepository } from './links.js';
import { createPersonRepository } from './person-records.js';
import { createJobQueue } from './queue.js';
import type { Executor, IngestResult, ServiceStore } from './repositories.js';
import { dialectOf, inTransaction, itemId } from './service-common.js';
import { createShareRepository } from './share-records.js';
import { createWorkflowRepository } from './workflow-records.js';

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
    workflow: createWorkflowRepository(db, dialect),
    cases: createCaseRepository(db),
    persons: createPersonRepository(db),
    banks: createBankRepository(db),
    share: createShareRepository(db),
    ledger: createLedgerStore(db),
    transaction: <T>(work: (trx: Db) => Promise<T>) => inTransaction(db, undefined, dialect, work),
  });
}

/** What the custody events of ingest say about the tool that received the items. */
const TOOL = { name: 'vigil', version: '0.1.0' } as const;

/**
 * The custody event sealing a batch's raw captures: one `collected` evidence reference per
 * item received (repeats included: the event records what arrived, and when), whose SHA-256 is
 * that of the item's canonical JSON (RFC 8785), as stored with the item.
 */
function collectedEvent(
  items: readonly Item[],
  options: { readonly source: string; readonly now: string; readonly actor: string },
): CustodyEvent {
  const seen = new Set<string>();
  const evidence: CustodyEvent['evidence'] = [];
  for (const item of items) {
    const id = `ev_${itemId(options.source, item.id).slice('itm_'.length)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const bytes = canonicalBytes(item);
    evidence.push({
      id,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      name: `${options.source}/${item.id}`.slice(0, 255),
      mediaType: 'application/json',
    });
  }
  return {
    format: CUSTODY_FORMAT,
    type: 'collected',
    time: options.now,
    actor: { id: options.actor.slice(0, 200) },
    evidence,
    case: 'ingest',
    purpose: 'Raw capture of items received for analysis, sealed on receipt.',
    tool: TOOL,
    host: hostname().slice(0, 255) || 'unknown',
    source: { item: `source:${options.source}`.slice(0, 400) },
  };
}

/** The job kind that analyses stored items; its payload is `{ items: [item ids] }`. */
export const ANALYZE_JOB = 'analyze';

/**
 * Items per analyze job. A job's analyses are written in one transaction, which on SQLite holds
 * the database's write lock: smaller jobs keep an ingest request from waiting long behind a
 * worker's writes (on the service benchmark, 1,000-item jobs gave a single-item p99 of 230-290
 * ms), at a small cost per job.
 */
export const ANALYZE_JOB_ITEMS = 250;

/**
 * Ingests a batch as the HTTP API does: the new items, `analyze` jobs for them (one per
 * ANALYZE_JOB_ITEMS new items) and an audit
 * record (`items.ingest`) in one transaction (the caller's `executor` when given), which also
 * appends a `collected` custody event sealing the batch's raw captures in the evidence ledger
 * (not when the caller brings its own transaction: the ledger appends in its own). Returns one
 * result per item, in order, and the ids of the analyze jobs (none when no item was new).
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
): Promise<{ readonly results: IngestResult[]; readonly jobs: string[] }> {
  const { source, now } = options;
  const work = async (trx: Executor) => {
    const results = await store.items.ingest(items, { source, receivedAt: now }, trx);
    const created = results.filter((result) => result.created).map((result) => result.id);
    const jobs: string[] = [];
    for (let i = 0; i < created.length; i += ANALYZE_JOB_ITEMS) {
      const payload = { items: created.slice(i, i + ANALYZE_JOB_ITEMS) };
      jobs.push((await store.jobs.enqueue({ kind: ANALYZE_JOB, payload }, now, trx)).id);
    }
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
          ...(jobs.length > 0 && { jobs }),
        },
      },
      trx,
    );
    return { results, jobs };
  };
  if (executor?.isTransaction) return work(executor);
  const { ledger } = store;
  if (ledger === undefined || items.length === 0) return store.transaction(work);
  // Sealed in the ledger's own append transaction: the custody event and the items commit
  // together or not at all.
  let outcome: Awaited<ReturnType<typeof work>> | undefined;
  await ledger.append([custodyLeaf(collectedEvent(items, options))], async (trx) => {
    outcome = await work(trx);
  });
  return outcome as Awaited<ReturnType<typeof work>>;
}
