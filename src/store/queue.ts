/**
 * The job queue in the database (repositories.ts JobQueue), on both engines.
 *
 * States: `ready` (waiting for its run time), `running` (claimed by a worker until its lease
 * ends), `done`, `dead` (failed maxAttempts times; its last error kept). A claim is one
 * transaction that picks the jobs and marks them running:
 *
 * - PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` picks rows no other transaction holds, so any
 *   number of workers on any number of machines claim disjoint jobs without waiting for each
 *   other; the rows stay locked until the claim commits.
 * - SQLite: the transaction takes the database's write lock first (service-common.ts
 *   inTransaction), so claims of all processes run one after another.
 *
 * A worker that dies leaves its jobs running; once their lease has passed, another worker's claim
 * takes them (another attempt), or dead-letters them when that was the last attempt, so that a
 * job that kills its worker every time cannot take workers down forever.
 *
 * `complete` only applies for the worker that holds the job and is meant to run in the
 * transaction that commits the job's effects: a late worker whose job was claimed again (its
 * lease passed) completes nothing, and its effects roll back with its transaction. The job
 * runtime (src/jobs) completes first in that transaction, which also locks the job's row.
 */
import { type Selectable, sql } from 'kysely';
import { VigilError } from '../shared/errors.js';
import type { Db, JobTable } from './database.js';
import type { SqlDialectName } from './migrations.js';
import type { Job, JobQueue, JobState } from './repositories.js';
import {
  addMs,
  current,
  decodeCursor,
  fromJson,
  inTransaction,
  newId,
  notFound,
  pageLimit,
  pageOf,
  storedTime,
  toJson,
} from './service-common.js';

export const DEFAULT_MAX_ATTEMPTS = 5;
/** A day: a job delayed longer is a mistake. */
const MAX_DELAY_MS = 86_400_000;
export const MAX_ATTEMPTS_LIMIT = 100;
/** Retry after 2^attempts seconds (2 s, 4 s, 8 s, …), at most an hour. */
export const MAX_BACKOFF_MS = 3_600_000;
export const MAX_CLAIM = 1000;
const MAX_KIND_CHARS = 100;
const MAX_ERROR_CHARS = 2000;
export const JOB_STATES: readonly JobState[] = ['ready', 'running', 'done', 'dead'];
/** Recorded for a job whose worker stopped during its last attempt. */
export const LEASE_EXPIRED_ERROR =
  'The worker stopped (or lost its lease) during the last attempt; the job was not retried.';

const LIST_KEY = ['string', 'string'] as const;

/** The delay before attempt `attempts + 1` after a failed attempt `attempts` (>= 1). */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 32));
}

type JobRow = Selectable<JobTable>;

export function createJobQueue(db: Db, dialect: SqlDialectName): JobQueue {
  const forUpdate = dialect === 'postgres';
  return {
    async enqueue(job, now, executor = current(db)) {
      const at = storedTime(now, 'now');
      const kind = checkKind(job.kind);
      const maxAttempts = job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
      if (
        !(Number.isInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= MAX_ATTEMPTS_LIMIT)
      ) {
        throw new VigilError(
          'REQUEST_INVALID',
          `A job's maxAttempts must be a whole number from 1 to ${MAX_ATTEMPTS_LIMIT}.`,
          { details: { maxAttempts: String(maxAttempts) } },
        );
      }
      const delayMs = job.delayMs ?? 0;
      if (!(Number.isInteger(delayMs) && delayMs >= 0 && delayMs <= MAX_DELAY_MS)) {
        throw new VigilError(
          'REQUEST_INVALID',
          `A job's delay must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}.`,
          { details: { delayMs: String(delayMs) } },
        );
      }
      const runAt = addMs(at, delayMs);
      const row = (key: string | null): JobRow => ({
        id: newId('job'),
        kind,
        dedupe_key: key,
        payload: toJson(job.payload),
        state: 'ready',
        attempts: 0,
        max_attempts: maxAttempts,
        run_at: runAt,
        lease_until: null,
        locked_by: null,
        last_error: null,
        created_at: at,
        finished_at: null,
      });
      if (job.key === undefined) {
        const inserted = row(null);
        await executor.insertInto('job').values(inserted).execute();
        return toJob(inserted);
      }
      const key = job.key;
      return inTransaction(db, executor, dialect, async (trx) => {
        // The waiting job of this key, or a new one. A concurrent claim may take the waiting
        // job between the two statements; then the insert succeeds on the next round.
        for (;;) {
          const inserted = await trx
            .insertInto('job')
            .values(row(key))
            .onConflict((conflict) =>
              conflict
                .columns(['kind', 'dedupe_key'])
                // The partial index's own predicate, as text: PostgreSQL infers the index from it.
                .where(sql<boolean>`state = 'ready'`)
                .doNothing(),
            )
            .returningAll()
            .executeTakeFirst();
          if (inserted !== undefined) return toJob(inserted);
          const waiting = await trx
            .selectFrom('job')
            .selectAll()
            .where('kind', '=', kind)
            .where('dedupe_key', '=', key)
            .where('state', '=', 'ready')
            .executeTakeFirst();
          if (waiting !== undefined) return toJob(waiting);
        }
      });
    },

    async claim(options, now) {
      const at = storedTime(now, 'now');
      const { worker, kinds, limit, leaseMs } = options;
      if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_CLAIM)) {
        throw new RangeError(`A claim takes 1 to ${MAX_CLAIM} jobs, not ${limit}.`);
      }
      if (!(Number.isInteger(leaseMs) && leaseMs >= 1)) {
        throw new RangeError(`A lease lasts a whole number of milliseconds, not ${leaseMs}.`);
      }
      if (kinds.length === 0) return [];
      const until = addMs(at, leaseMs);
      return inTransaction(db, undefined, dialect, async (trx) => {
        // Jobs whose worker died during their last attempt: dead, not retried.
        const lost = await trx
          .selectFrom('job')
          .select('id')
          .where('state', '=', 'running')
          .where('kind', 'in', kinds)
          .where('lease_until', '<=', at)
          .whereRef('attempts', '>=', 'max_attempts')
          .$if(forUpdate, (query) => query.forUpdate().skipLocked())
          .execute();
        if (lost.length > 0) {
          await trx
            .updateTable('job')
            .set({
              state: 'dead',
              last_error: LEASE_EXPIRED_ERROR,
              finished_at: at,
              lease_until: null,
            })
            .where(
              'id',
              'in',
              lost.map((row) => row.id),
            )
            .execute();
        }
        const picked = await trx
          .selectFrom('job')
          .select('id')
          .where('kind', 'in', kinds)
          .where((eb) =>
            eb.or([
              eb.and([eb('state', '=', 'ready'), eb('run_at', '<=', at)]),
              eb.and([
                eb('state', '=', 'running'),
                eb('lease_until', '<=', at),
                eb('attempts', '<', eb.ref('max_attempts')),
              ]),
            ]),
          )
          .orderBy('run_at')
          .orderBy('created_at')
          .orderBy('id')
          .limit(limit)
          .$if(forUpdate, (query) => query.forUpdate().skipLocked())
          .execute();
        if (picked.length === 0) return [];
        const rows = await trx
          .updateTable('job')
          .set((eb) => ({
            state: 'running',
            attempts: eb('attempts', '+', 1),
            lease_until: until,
            locked_by: worker,
            // The key only keeps ready jobs unique: a new job of the key may now wait.
            dedupe_key: null,
          }))
          .where(
            'id',
            'in',
            picked.map((row) => row.id),
          )
          .returningAll()
          .execute();
        return rows.sort(claimOrder).map(toJob);
      });
    },

    async complete(id, worker, now, executor = current(db)) {
      const at = storedTime(now, 'now');
      const row = await executor
        .updateTable('job')
        .set({ state: 'done', finished_at: at, lease_until: null })
        .where('id', '=', id)
        .where('state', '=', 'running')
        .where('locked_by', '=', worker)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async release(id, worker, _now, executor = current(db)) {
      const row = await executor
        .updateTable('job')
        .set((eb) => ({
          state: 'ready',
          attempts: eb('attempts', '-', 1),
          lease_until: null,
          locked_by: null,
        }))
        .where('id', '=', id)
        .where('state', '=', 'running')
        .where('locked_by', '=', worker)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async fail(id, worker, error, now) {
      const at = storedTime(now, 'now');
      const message = error.slice(0, MAX_ERROR_CHARS);
      return inTransaction(db, undefined, dialect, async (trx) => {
        const job = await trx
          .selectFrom('job')
          .selectAll()
          .where('id', '=', id)
          .$if(forUpdate, (query) => query.forUpdate())
          .executeTakeFirst();
        if (job === undefined) throw notFound('job', id);
        if (job.state !== 'running' || job.locked_by !== worker) return job.state as JobState;
        if (job.attempts >= job.max_attempts) {
          await trx
            .updateTable('job')
            .set({ state: 'dead', last_error: message, finished_at: at, lease_until: null })
            .where('id', '=', id)
            .execute();
          return 'dead';
        }
        await trx
          .updateTable('job')
          .set({
            state: 'ready',
            last_error: message,
            run_at: addMs(at, backoffMs(job.attempts)),
            lease_until: null,
            locked_by: null,
          })
          .where('id', '=', id)
          .execute();
        return 'ready';
      });
    },

    async get(id, executor = current(db)) {
      const row = await executor
        .selectFrom('job')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : toJob(row);
    },

    async list(filter, page) {
      const limit = pageLimit(page);
      let query = current(db).selectFrom('job').selectAll();
      if (filter.state !== undefined) query = query.where('state', '=', filter.state);
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
      if (page.cursor !== undefined) {
        const [createdAt, id] = decodeCursor(page.cursor, LIST_KEY);
        query = query.where((eb) =>
          eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(createdAt, id)),
        );
      }
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return pageOf(rows, limit, (row) => [row.created_at, row.id], toJob);
    },

    async counts() {
      const rows = await current(db)
        .selectFrom('job')
        .select((eb) => ['state', eb.fn.countAll<number | string>().as('count')])
        .groupBy('state')
        .execute();
      const counts: Record<JobState, number> = { ready: 0, running: 0, done: 0, dead: 0 };
      for (const row of rows) counts[row.state as JobState] = Number(row.count);
      return counts;
    },
  };
}

function claimOrder(a: JobRow, b: JobRow): number {
  return compare(a.run_at, b.run_at) || compare(a.created_at, b.created_at) || compare(a.id, b.id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkKind(kind: string): string {
  if (typeof kind !== 'string' || kind.length === 0 || kind.length > MAX_KIND_CHARS) {
    throw new VigilError(
      'REQUEST_INVALID',
      `A job's kind must be text of 1 to ${MAX_KIND_CHARS} characters.`,
    );
  }
  return kind;
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    payload: fromJson<unknown>(row.payload),
    state: row.state as JobState,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    ...(row.lease_until !== null && { leaseUntil: row.lease_until }),
    ...(row.locked_by !== null && { lockedBy: row.locked_by }),
    ...(row.last_error !== null && { lastError: row.last_error }),
    createdAt: row.created_at,
    ...(row.finished_at !== null && { finishedAt: row.finished_at }),
  };
}
