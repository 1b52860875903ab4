/**
 * The outbound deliveries of notice and action, as jobs: statements of reasons to the
 * Transparency Database in batches of up to 100, signed action webhooks to the platform, and
 * referrals to authorities. Each is a two-phase handler: the HTTP request goes out BEFORE the
 * job's transaction (prepare), and only its outcome is written in it (commit), so the database
 * is never locked while a remote endpoint is slow. A temporary failure (network, timeout, 408,
 * 429, 5xx) fails the job, which the queue retries with backoff; a final refusal is recorded.
 *
 * A job redone after a crash between sending and committing sends again: the Transparency
 * Database refuses a repeated puid (counted as accepted), webhook receivers deduplicate by the
 * `vigil-event-id` header, and a repeated referral is visible to the recipient by its ids.
 */
import { VigilError } from '../shared/errors.js';
import type { Executor, Job, ServiceStore, StoredDecision } from '../store/repositories.js';
import {
  ACTION_WEBHOOK_JOB,
  type ActionEvent,
  DELIVERY_ATTEMPTS,
  type NoticeEvent,
  REFERRAL_SUBMIT_JOB,
  referralEvent,
  referralPayload,
  TDB_SUBMIT_JOB,
  TDB_SUBMIT_KEY,
  type WorkflowSettings,
} from '../store/workflow-service.js';
import {
  type DeliveryResult,
  type DeliveryTarget,
  deliverWebhook,
  type StatementsResult,
  submitReferral,
  submitStatements,
  TDB_BATCH_MAX,
} from './deliveries.js';
import type { JobContext, JobHandler, TwoPhaseHandler } from './runtime.js';

/** Where deliveries go: the composition root builds this from the configuration. */
export interface DeliveryTargets {
  readonly transparencyDb?: DeliveryTarget;
  readonly actionWebhook?: DeliveryTarget & { readonly secret: string };
  readonly art18?: DeliveryTarget;
  readonly cyberTipline?: DeliveryTarget;
}

const SYSTEM = { accountId: 'system', actor: 'system' } as const;

function retryLater(what: string, result: { readonly message: string }): never {
  throw new VigilError('DELIVERY_FAILED', `${what}: ${result.message}`);
}

function notConfigured(what: string): never {
  throw new VigilError(
    'DELIVERY_FAILED',
    `${what}: no endpoint is configured any more; configure it and retry the job.`,
  );
}

async function record(
  store: ServiceStore,
  trx: Executor,
  now: string,
  action: string,
  target: string,
  details: Record<string, unknown>,
): Promise<void> {
  await store.audit.record({ at: now, actor: 'system', action, target, details }, trx);
}

// ---------------------------------------------------------------------------------------------
// Statements of reasons to the Transparency Database

interface TdbPrepared {
  readonly ids: readonly string[];
  readonly result?: StatementsResult;
}

function tdbHandler(store: ServiceStore, target: DeliveryTarget | undefined): TwoPhaseHandler {
  return {
    async prepare(): Promise<TdbPrepared> {
      const pending = await store.workflow.pendingSubmissions(TDB_BATCH_MAX);
      if (pending.length === 0) return { ids: [] };
      if (target === undefined) notConfigured('Transparency Database submission');
      const result = await submitStatements(
        target,
        pending.map((decision) => ({ ...decision.payload })),
      );
      if (result.kind === 'retry') retryLater('Transparency Database submission', result);
      return { ids: pending.map((decision) => decision.id), result };
    },
    async commit(_job: Job, prepared: unknown, trx: Executor, context: JobContext) {
      const { ids, result } = prepared as TdbPrepared;
      if (result === undefined) return;
      const invalid = result.kind === 'rejected' ? result.invalid : {};
      const duplicates = new Set(result.kind === 'rejected' ? result.duplicates : []);
      let submitted = 0;
      let rejected = 0;
      let again = 0;
      for (const id of ids) {
        const decision = await store.workflow.getDecision(id, trx);
        if (decision === undefined || decision.submission.state !== 'pending') continue;
        let submission: StoredDecision['submission'] | undefined;
        if (result.kind === 'ok' || duplicates.has(id)) {
          submission = { state: 'submitted', at: context.now };
          submitted += 1;
        } else if (invalid[id] !== undefined) {
          submission = {
            state: 'rejected',
            at: context.now,
            error: (invalid[id] ?? []).join(' ').slice(0, 1000),
          };
          rejected += 1;
        } else again += 1;
        if (submission !== undefined)
          await store.workflow.saveDecision({ ...decision, submission }, trx);
      }
      // A full batch, or statements sent back with another's fault, leave more to send.
      if (again > 0 || ids.length === TDB_BATCH_MAX) {
        await store.jobs.enqueue(
          {
            kind: TDB_SUBMIT_JOB,
            payload: {},
            key: TDB_SUBMIT_KEY,
            maxAttempts: DELIVERY_ATTEMPTS,
          },
          context.now,
          trx,
        );
      }
      await record(store, trx, context.now, 'tdb.submit', 'tdb:statements', {
        sent: ids.length,
        submitted,
        rejected,
        resend: again,
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Action webhooks

function webhookHandler(
  store: ServiceStore,
  target: DeliveryTargets['actionWebhook'],
  clock: () => Date,
): TwoPhaseHandler {
  return {
    async prepare(job: Job): Promise<DeliveryResult> {
      const event = (job.payload as { event?: ActionEvent | NoticeEvent }).event;
      if (event === undefined || typeof event.id !== 'string') {
        throw new VigilError('DELIVERY_FAILED', 'The webhook job carries no event.');
      }
      if (target === undefined) notConfigured('Action webhook');
      const result = await deliverWebhook(
        target,
        event as unknown as { id: string; type: string },
        Math.floor(clock().getTime() / 1000),
      );
      if (result.kind === 'retry') retryLater('Action webhook', result);
      return result;
    },
    async commit(job: Job, prepared: unknown, trx: Executor, context: JobContext) {
      const result = prepared as DeliveryResult;
      const event = (job.payload as { event: ActionEvent | NoticeEvent }).event;
      await record(
        store,
        trx,
        context.now,
        result.kind === 'ok' ? 'webhook.deliver' : 'webhook.reject',
        'noticeId' in event ? `notice:${event.noticeId}` : `decision:${event.decisionId}`,
        {
          event: event.id,
          type: event.type,
          status: result.status,
          ...(result.kind === 'rejected' && { message: result.message }),
        },
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Referrals

interface ReferralPrepared {
  readonly id: string;
  readonly result?: DeliveryResult;
}

function referralHandler(
  store: ServiceStore,
  settings: WorkflowSettings,
  targets: DeliveryTargets,
): TwoPhaseHandler {
  return {
    async prepare(job: Job): Promise<ReferralPrepared> {
      const id = String((job.payload as { referral?: unknown }).referral ?? '');
      const referral = await store.workflow.getReferral(id);
      if (referral === undefined) throw new VigilError('DELIVERY_FAILED', `No referral ${id}.`);
      // Recorded by hand meanwhile: nothing to send.
      if (referral.status !== 'draft' && referral.status !== 'failed') return { id };
      const target = referral.kind === 'dsa-art18' ? targets.art18 : targets.cyberTipline;
      if (target === undefined) notConfigured(`Referral ${id}`);
      const result = await submitReferral(target, referralPayload(referral, settings));
      if (result.kind === 'retry') retryLater(`Referral ${id}`, result);
      return { id, result };
    },
    async commit(_job: Job, prepared: unknown, trx: Executor, context: JobContext) {
      const { id, result } = prepared as ReferralPrepared;
      if (result === undefined) return;
      await referralEvent(store, id, { type: 'submit' }, context.now, SYSTEM, trx);
      if (result.kind === 'ok') {
        // A receiver that answers with its reference has acknowledged the referral.
        if (result.externalId !== undefined) {
          await referralEvent(
            store,
            id,
            { type: 'acknowledge', externalId: result.externalId },
            context.now,
            SYSTEM,
            trx,
          );
        }
      } else {
        await referralEvent(
          store,
          id,
          { type: 'fail', reason: `HTTP ${result.status}: ${result.message}`.slice(0, 1000) },
          context.now,
          SYSTEM,
          trx,
        );
      }
    },
  };
}

/** The handlers of the delivery job kinds. */
export function deliveryHandlers(options: {
  readonly store: ServiceStore;
  readonly settings: WorkflowSettings;
  readonly targets: DeliveryTargets;
  readonly clock?: () => Date;
}): Readonly<Record<string, JobHandler>> {
  const { store, settings, targets } = options;
  return {
    [TDB_SUBMIT_JOB]: tdbHandler(store, targets.transparencyDb),
    [ACTION_WEBHOOK_JOB]: webhookHandler(
      store,
      targets.actionWebhook,
      options.clock ?? (() => new Date()),
    ),
    [REFERRAL_SUBMIT_JOB]: referralHandler(store, settings, targets),
  };
}
