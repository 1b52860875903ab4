/**
 * The job runtime: a worker loop over the database queue (store/queue.ts). It claims a batch of
 * jobs, runs each job's handler, and completes the job IN THE TRANSACTION THAT HOLDS THE
 * HANDLER'S WRITES, so an effect is committed exactly when its job is done:
 *
 * - the handler throws: its writes roll back and the job is failed (retried after a backoff,
 *   dead after its last attempt) with a message that shows no internals;
 * - the worker dies: its transaction never commits; once the lease passes another worker claims
 *   the job and does the work again, from nothing;
 * - the worker was too slow and another worker took the job over: the completion, which comes
 *   first in the transaction, finds the job no longer held and nothing is written.
 *
 * Completing first also locks the job's row (PostgreSQL) or takes the write lock (SQLite) for
 * the rest of the transaction, so no other worker can claim the job while its handler runs,
 * whatever the lease says. On SQLite that lock is the whole database's: keep handlers short.
 *
 * Library code: the clock, the worker's id, its handlers and settings are passed in; it reads
 * no environment and no files.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isVigilError, VigilError } from '../shared/errors.js';
import type { Executor, Job, JobState, ServiceStore } from '../store/repositories.js';

export interface JobContext {
  /** The worker's clock when the job started (ISO 8601), for the times the handler stores. */
  readonly now: string;
  readonly worker: string;
}

/**
 * Does one job's work. Every write goes through `trx` (repositories given it join it; called
 * without it inside the handler they join it as well): the job is completed in that
 * transaction. Throw to fail the job; a VigilError's message is kept as the job's error, any
 * other error is recorded without its message (it may hold internals).
 */
export type JobHandler = JobFunction | TwoPhaseHandler;

/** A handler that does all its work in the job's transaction. */
export type JobFunction = (job: Job, trx: Executor, context: JobContext) => Promise<void>;

/**
 * A handler whose work is mostly computation: `prepare` runs BEFORE the job's transaction opens
 * and must not write (it may read); `commit` writes its result in the transaction. On SQLite the
 * transaction holds the whole database's write lock, so computing first keeps the lock for the
 * writes alone and the API's own writes are not kept waiting behind an analysis. A job redone
 * after a crash simply prepares again.
 */
export interface TwoPhaseHandler {
  prepare(job: Job, context: JobContext): Promise<unknown>;
  commit(job: Job, prepared: unknown, trx: Executor, context: JobContext): Promise<void>;
}

export type WorkerEvent =
  | { readonly type: 'claimed'; readonly jobs: readonly Job[] }
  | { readonly type: 'completed'; readonly job: Job; readonly ms: number }
  | {
      readonly type: 'failed';
      readonly job: Job;
      /** What the job keeps as its error. */
      readonly message: string;
      /** The error itself, for the composition root's log; never shown to users. */
      readonly error: unknown;
      readonly state: JobState;
    }
  /** Another worker took the job over (the lease passed): nothing was written. */
  | { readonly type: 'lost'; readonly job: Job }
  /** Given back unstarted, the worker stopping. */
  | { readonly type: 'released'; readonly job: Job }
  | { readonly type: 'idle' };

export interface WorkerOptions {
  readonly store: ServiceStore;
  /** A handler per job kind. */
  readonly handlers: Readonly<Record<string, JobHandler>>;
  /** This worker's id, unique among running workers: the queue's holder of its jobs. */
  readonly worker: string;
  /** The kinds to claim (default: every kind with a handler); each must have a handler. */
  readonly kinds?: readonly string[];
  /** Jobs claimed at once (default 10). */
  readonly batch?: number;
  /**
   * How long a claim lasts (default 5 minutes). It must cover a batch: jobs of a batch that
   * are not started before their lease passes may be taken over by another worker.
   */
  readonly leaseMs?: number;
  /** Sleep between claims while the queue is empty (default 1 s; 10 ms to 60 s). */
  readonly pollMs?: number;
  readonly clock?: () => Date;
  /** Stops the worker after the job it is running; the rest of its batch is given back. */
  readonly signal?: AbortSignal;
  /** Return when a claim finds nothing, instead of polling (a one-off run, tests). */
  readonly untilIdle?: boolean;
  readonly onProgress?: (event: WorkerEvent) => void;
}

export interface WorkerStats {
  claimed: number;
  completed: number;
  failed: number;
  lost: number;
  released: number;
}

export const DEFAULT_BATCH = 10;
export const DEFAULT_LEASE_MS = 300_000;
export const DEFAULT_POLL_MS = 1000;
const MIN_POLL_MS = 10;
const MAX_POLL_MS = 60_000;
const MAX_BATCH = 1000;

/** Thrown inside a job's transaction when the worker no longer holds the job. */
class LeaseLost extends Error {}

/** Runs until `signal` aborts (or, with untilIdle, until the queue has nothing to claim). */
export async function runWorker(options: WorkerOptions): Promise<WorkerStats> {
  const { store, handlers, worker, signal, onProgress } = options;
  const settings = checkOptions(options);
  const clock = options.clock ?? (() => new Date());
  const now = () => clock().toISOString();
  const stats: WorkerStats = { claimed: 0, completed: 0, failed: 0, lost: 0, released: 0 };

  async function run(job: Job): Promise<void> {
    const handler = handlers[job.kind] as JobHandler;
    const started = clock();
    const context: JobContext = { now: started.toISOString(), worker };
    try {
      const prepared =
        typeof handler === 'function' ? undefined : await handler.prepare(job, context);
      await store.transaction(async (trx) => {
        if (!(await store.jobs.complete(job.id, worker, context.now, trx))) throw new LeaseLost();
        if (typeof handler === 'function') await handler(job, trx, context);
        else await handler.commit(job, prepared, trx, context);
      });
    } catch (error) {
      if (error instanceof LeaseLost) {
        stats.lost++;
        onProgress?.({ type: 'lost', job });
        return;
      }
      const message = failureMessage(job, error);
      const state = await store.jobs.fail(job.id, worker, message, now());
      stats.failed++;
      onProgress?.({ type: 'failed', job, message, error, state });
      return;
    }
    stats.completed++;
    onProgress?.({ type: 'completed', job, ms: clock().getTime() - started.getTime() });
  }

  while (!signal?.aborted) {
    const jobs = await store.jobs.claim(
      { worker, kinds: settings.kinds, limit: settings.batch, leaseMs: settings.leaseMs },
      now(),
    );
    if (jobs.length === 0) {
      onProgress?.({ type: 'idle' });
      if (options.untilIdle) break;
      await sleep(settings.pollMs, undefined, { signal }).catch(() => undefined);
      continue;
    }
    stats.claimed += jobs.length;
    onProgress?.({ type: 'claimed', jobs });
    for (const job of jobs) {
      if (signal?.aborted) {
        if (await store.jobs.release(job.id, worker, now())) {
          stats.released++;
          onProgress?.({ type: 'released', job });
        }
        continue;
      }
      await run(job);
    }
  }
  return stats;
}

function checkOptions(options: WorkerOptions) {
  const kinds = options.kinds ?? Object.keys(options.handlers);
  const batch = options.batch ?? DEFAULT_BATCH;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const invalid = (message: string, details: Record<string, unknown>) =>
    new VigilError('CONFIG_INVALID', message, { details });
  const unhandled = kinds.filter((kind) => !Object.hasOwn(options.handlers, kind));
  if (kinds.length === 0 || unhandled.length > 0) {
    throw invalid('A worker needs at least one job kind, and a handler for each kind it runs.', {
      kinds: [...kinds],
      unhandled,
    });
  }
  if (typeof options.worker !== 'string' || options.worker.length === 0) {
    throw invalid('A worker needs an id.', {});
  }
  if (!(Number.isInteger(batch) && batch >= 1 && batch <= MAX_BATCH)) {
    throw invalid(`The worker batch must be a whole number from 1 to ${MAX_BATCH}.`, { batch });
  }
  if (!(Number.isInteger(leaseMs) && leaseMs >= 1)) {
    throw invalid('The job lease must be a whole number of milliseconds, at least 1.', { leaseMs });
  }
  if (!(Number.isInteger(pollMs) && pollMs >= MIN_POLL_MS && pollMs <= MAX_POLL_MS)) {
    throw invalid(
      `The worker poll interval must be a whole number of milliseconds from ${MIN_POLL_MS} to ${MAX_POLL_MS}.`,
      { pollMs },
    );
  }
  return { kinds, batch, leaseMs, pollMs };
}

/** What a failed job keeps: a VigilError's message (written for users), else no internals. */
export function failureMessage(job: Job, error: unknown): string {
  if (isVigilError(error)) return `${error.message} [${error.code}]`;
  const name = error instanceof Error ? error.name : typeof error;
  return `The ${job.kind} job failed with an unexpected error (${name}); the worker's log has the details.`;
}
