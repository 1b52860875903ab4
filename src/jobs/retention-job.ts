/**
 * The `retention` job: runs retention (store/retention.ts) and schedules the next run, one
 * interval later (default 24 hours). The chain starts when a worker starts with a retention
 * policy configured (scheduleRetention); the queue's key keeps it one job long however many
 * workers start.
 *
 * A two-phase handler with one difference: its deletions are written in `prepare`. Each
 * deletion commits together with its custody event in the ledger's own append transaction,
 * which cannot run inside the job's (on SQLite it would wait forever for the one connection
 * the job's transaction holds), and a long run must not hold the database's write lock from
 * start to end. A run is idempotent: one redone after a crash re-reads what is left and finds
 * less to do. `commit`, in the transaction that completes the job, writes the run's audit
 * record `retention.run` and enqueues the next run.
 */
import type { BlobStore } from '../store/blobs.js';
import type { Executor, Job, ServiceStore } from '../store/repositories.js';
import {
  type RetentionPolicy,
  type RetentionSummary,
  recordRetentionRun,
  runRetention,
} from '../store/retention.js';
import type { JobContext, TwoPhaseHandler } from './runtime.js';

export const RETENTION_JOB = 'retention';
/** At most one retention run waits at a time. */
export const RETENTION_JOB_KEY = 'retention';
export const DEFAULT_RETENTION_INTERVAL_MS = 24 * 3600 * 1000;

export interface RetentionHandlerOptions {
  readonly store: ServiceStore;
  readonly policy: RetentionPolicy;
  /** Between the end of one run and the next (default 24 hours; the queue allows at most 24). */
  readonly intervalMs?: number;
  /** The evidence store; needed when the policy has an evidence period. */
  readonly blobs?: BlobStore;
}

export function createRetentionHandler(options: RetentionHandlerOptions): TwoPhaseHandler {
  const { store, policy } = options;
  const intervalMs = options.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS;
  return {
    async prepare(_job: Job, context: JobContext): Promise<RetentionSummary> {
      return runRetention(store, {
        policy,
        now: context.now,
        ...(options.blobs !== undefined && { blobs: options.blobs }),
        record: false,
      });
    },
    async commit(_job: Job, prepared: unknown, trx: Executor, context: JobContext) {
      await recordRetentionRun(store, policy, prepared as RetentionSummary, context.now, trx);
      await store.jobs.enqueue(
        { kind: RETENTION_JOB, payload: {}, key: RETENTION_JOB_KEY, delayMs: intervalMs },
        context.now,
        trx,
      );
    },
  };
}

/**
 * Starts the chain of retention runs: a run now, unless one already waits (then that one, at
 * its time, is kept).
 */
export async function scheduleRetention(
  store: ServiceStore,
  now: string,
  executor?: Executor,
): Promise<Job> {
  return store.jobs.enqueue(
    { kind: RETENTION_JOB, payload: {}, key: RETENTION_JOB_KEY },
    now,
    executor,
  );
}
