/**
 * Background work over the service's store (DESIGN.md "jobs"): the worker loop and the
 * handlers of the service's job kinds. A composition root (the server, the CLI) builds the
 * engine and the store and passes them in.
 */
import type { Engine } from '../analyze/analyze.js';
import type { NetworkOptions } from '../analyze/networks.js';
import type { ServiceStore } from '../store/repositories.js';
import type { WorkflowSettings } from '../store/workflow-service.js';
import { ANALYZE_JOB, createAnalyzeHandler } from './analyze-job.js';
import { CAPTURE_JOB, type CaptureJobOptions, createCaptureHandler } from './capture-job.js';
import { createLinkHandler, LINK_JOB } from './link-job.js';
import {
  createRetentionHandler,
  RETENTION_JOB,
  type RetentionHandlerOptions,
} from './retention-job.js';
import type { JobHandler } from './runtime.js';
import { type DeliveryTargets, deliveryHandlers } from './workflow-jobs.js';

export {
  ANALYZE_JOB,
  type AnalyzeHandlerOptions,
  type AnalyzePayload,
  analyzePayload,
  createAnalyzeHandler,
  MAX_ANALYZE_ITEMS,
} from './analyze-job.js';
export { CAPTURE_JOB, type CaptureJobOptions, createCaptureHandler } from './capture-job.js';
export {
  createLinkHandler,
  LINK_DELAY_MS,
  LINK_JOB,
  LINK_JOB_KEY,
  type LinkHandlerOptions,
  type LinkRunSummary,
  linkAll,
} from './link-job.js';
export {
  createRetentionHandler,
  DEFAULT_RETENTION_INTERVAL_MS,
  RETENTION_JOB,
  RETENTION_JOB_KEY,
  type RetentionHandlerOptions,
  scheduleRetention,
} from './retention-job.js';
export {
  DEFAULT_BATCH,
  DEFAULT_LEASE_MS,
  DEFAULT_POLL_MS,
  failureMessage,
  type JobContext,
  type JobFunction,
  type JobHandler,
  runWorker,
  type TwoPhaseHandler,
  type WorkerEvent,
  type WorkerOptions,
  type WorkerStats,
} from './runtime.js';
export { type DeliveryTargets, deliveryHandlers } from './workflow-jobs.js';

/** The handlers of every job kind the service enqueues. */
export function serviceHandlers(options: {
  readonly store: ServiceStore;
  readonly engine: Engine;
  readonly templateThreshold?: number;
  readonly networks?: NetworkOptions;
  /** Notice and action: where deliveries go (none configured: their jobs fail, nothing is sent). */
  readonly workflow?: { readonly settings: WorkflowSettings; readonly targets: DeliveryTargets };
  /** Online captures for cases: the browser and the data folder (none: capture jobs wait). */
  readonly capture?: Omit<CaptureJobOptions, 'store'>;
  /** Retention (store/retention.ts): the policy, the interval and the evidence store. */
  readonly retention?: Omit<RetentionHandlerOptions, 'store'>;
}): Readonly<Record<string, JobHandler>> {
  const { store, engine } = options;
  return Object.freeze({
    ...(options.workflow !== undefined && deliveryHandlers({ store, ...options.workflow })),
    ...(options.capture !== undefined && {
      [CAPTURE_JOB]: createCaptureHandler({ store, ...options.capture }),
    }),
    ...(options.retention !== undefined && {
      [RETENTION_JOB]: createRetentionHandler({ store, ...options.retention }),
    }),
    [ANALYZE_JOB]: createAnalyzeHandler({ store, engine }),
    [LINK_JOB]: createLinkHandler({
      store,
      ...(options.templateThreshold !== undefined && { threshold: options.templateThreshold }),
      ...(options.networks !== undefined && { networks: options.networks }),
    }),
  });
}
