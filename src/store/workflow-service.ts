/**
 * Notice and action as units of work: each function below takes a request as the API or the CLI
 * received it, applies the pure rules of the `workflow` module, and writes the records, the
 * review jobs, the outbound deliveries (Transparency Database submissions, action webhooks,
 * referrals) and the audit record in ONE transaction, so that no step is half done. The clock is
 * the caller's (`now`); nothing here is sent anywhere: deliveries are jobs, done by the workers
 * (jobs/workflow-jobs.ts) when the instance configures an endpoint.
 */
import type { LegalDeadline } from '../law/deadlines.js';
import { VigilError } from '../shared/errors.js';
import {
  type Appeal,
  art18Notification,
  cyberTiplineXml,
  type Decision,
  type DecisionInput,
  decideAppeal,
  fileAppeal,
  holdExpiry,
  isHeld,
  type JobSource,
  type NotifierType,
  noticeDecisionMessage,
  orderDeadline,
  parseDecision,
  parseHold,
  parseNotice,
  parseOrder,
  parseReferral,
  preservationHoldFor,
  type Referral,
  type ReferralEvent,
  type ReporterInput,
  type Restriction,
  rankQueue,
  releaseHold,
  remindersDue,
  renewHold,
  type SourceType,
  statementOfReasons,
  type TransparencyReport,
  transition,
  transparencyPayload,
  transparencyReport,
} from '../workflow/index.js';
import type { PlatformInput as ReferralPlatformInput } from '../workflow/referrals.js';
import type { PlatformInput } from '../workflow/statement-of-reasons.js';
import {
  DEFAULT_SOURCE,
  type Executor,
  type Period,
  type ReviewJob,
  type ServiceStore,
  type StoredDecision,
  type StoredHold,
  type StoredNotice,
  type StoredOrder,
} from './repositories.js';
import { addMs, itemId, newId, recordAudit } from './service-common.js';

/** The job kinds of the outbound deliveries (handlers in jobs/workflow-jobs.ts). */
export const TDB_SUBMIT_JOB = 'tdb-submit';
export const TDB_SUBMIT_KEY = 'statements';
export const ACTION_WEBHOOK_JOB = 'action-webhook';
export const REFERRAL_SUBMIT_JOB = 'referral-submit';
/** Statements gathered into one submission: a short wait turns a burst of decisions into one batch. */
export const TDB_SUBMIT_DELAY_MS = 5_000;
/** Attempts of a delivery before it is dead-lettered (backoff doubles from 2 s to an hour). */
export const DELIVERY_ATTEMPTS = 12;

/** At most this many pending review jobs are ranked at once (oldest first). */
export const MAX_RANKED = 5_000;

/** What the instance says about itself, and which outbound endpoints it has. */
export interface WorkflowSettings {
  /** For the statements of reasons (workflow statement-of-reasons platformSchema). */
  readonly platform: PlatformInput;
  /** For Art. 18 notifications: the platform's establishment and contact (optional). */
  readonly authorityContact?: ReferralPlatformInput;
  /** The CyberTipline reporter (optional). */
  readonly reporter?: ReporterInput;
  /** How long a claimed review job stays with its reviewer. */
  readonly leaseMs: number;
  /**
   * The deadline the law sets for an order that states none (law/deadlines.ts, bound to the
   * platform's establishment and the states it serves); absent: orders must state theirs.
   */
  readonly legalDeadline?: (order: {
    readonly kind: 'act' | 'provide-information';
    readonly jurisdiction: string;
    readonly emergency: boolean;
    readonly asOf: string;
  }) => LegalDeadline | undefined;
  /** Which deliveries are configured; nothing is queued for the others. */
  readonly deliveries: {
    readonly transparencyDb: boolean;
    readonly actionWebhook: boolean;
    readonly art18: boolean;
    readonly cyberTipline: boolean;
  };
}

/** Who acts, for the records and the audit log. */
export interface Actor {
  /** The account id (a reviewer's id in decisions and appeals). */
  readonly accountId: string;
  /** The audit actor: "account:<id>" or "apikey:<id>". */
  readonly actor: string;
  readonly requestId?: string;
}

const notFound = (kind: string, id: string) =>
  new VigilError('NOT_FOUND', `No ${kind} has the id ${id}.`, { details: { kind, id } });

function conflict(message: string, details?: Record<string, unknown>): VigilError {
  return new VigilError('CONFLICT', message, details === undefined ? {} : { details });
}

/** The unit's audit record (service-common.ts). */
const audit = recordAudit;

// ---------------------------------------------------------------------------------------------
// Items concerned

/**
 * The stored items a notice or order names: each id is taken as a Vigil id, else as the
 * platform's id in `source`. The others are returned as unresolved: Vigil fetches nothing; the
 * platform supplies them by ingesting.
 */
async function resolveItems(
  store: ServiceStore,
  ids: readonly string[],
  source: string,
  trx: Executor,
): Promise<{ itemIds: string[]; unresolved: string[]; risk: number }> {
  const direct = new Map((await store.items.getMany(ids, trx)).map((item) => [item.id, item]));
  const viaSource = new Map(
    (
      await store.items.getMany(
        ids.filter((id) => !direct.has(id)).map((id) => itemId(source, id)),
        trx,
      )
    ).map((item) => [item.externalId, item]),
  );
  const itemIds: string[] = [];
  const unresolved: string[] = [];
  let risk = 0;
  for (const id of ids) {
    const item = direct.get(id) ?? viaSource.get(id);
    if (item === undefined) unresolved.push(id);
    else {
      itemIds.push(item.id);
      risk = Math.max(risk, item.risk ?? 0);
    }
  }
  return { itemIds: [...new Set(itemIds)], unresolved, risk };
}

const SOURCE_OF_NOTIFIER: Record<NotifierType, JobSource> = {
  'trusted-flagger': 'trusted-flagger',
  // A notice (not an order) from an authority has no priority of its own under the DSA.
  authority: 'individual',
  ngo: 'ngo',
  individual: 'individual',
  'internal-detection': 'internal-detection',
};

function newReviewJob(fields: {
  subject: ReviewJob['subject'];
  subjectId: string;
  itemIds: readonly string[];
  source: JobSource;
  risk: number;
  now: string;
  deadline?: string;
  excludedReviewer?: string;
}): ReviewJob {
  return {
    id: newId('rvw'),
    subject: fields.subject,
    subjectId: fields.subjectId,
    itemIds: fields.itemIds,
    source: fields.source,
    risk: fields.risk,
    ...(fields.deadline !== undefined && { deadline: fields.deadline }),
    createdAt: fields.now,
    state: 'open',
    ...(fields.excludedReviewer !== undefined && { excludedReviewer: fields.excludedReviewer }),
    skippedBy: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Notices and orders

/**
 * Records a notice (DSA Art. 16) and queues it for review. `input` is the notice without an id;
 * incomplete notices are refused naming the missing element unless `allowIncomplete`.
 */
export async function receiveNotice(
  store: ServiceStore,
  input: Record<string, unknown>,
  options: { readonly now: string; readonly allowIncomplete?: boolean; readonly source?: string },
  who: Actor,
): Promise<StoredNotice> {
  const notice = parseNotice({ ...input, id: newId('ntc') }, options.now, {
    allowIncomplete: options.allowIncomplete === true,
  });
  return store.transaction(async (trx) => {
    const { itemIds, unresolved, risk } = await resolveItems(
      store,
      notice.locations.itemIds,
      options.source ?? DEFAULT_SOURCE,
      trx,
    );
    const job = newReviewJob({
      subject: 'notice',
      subjectId: notice.id,
      itemIds,
      source: SOURCE_OF_NOTIFIER[notice.notifier.type],
      risk,
      now: notice.receivedAt,
    });
    const stored: StoredNotice = {
      notice,
      state: 'open',
      jobId: job.id,
      unresolvedItemIds: unresolved,
    };
    await store.workflow.saveNotice(stored, trx);
    await store.workflow.saveReviewJob(job, trx);
    await audit(
      store,
      who,
      options.now,
      'notice.receive',
      `notice:${notice.id}`,
      {
        notifierType: notice.notifier.type,
        items: itemIds.length,
        unresolved: unresolved.length,
        urls: notice.locations.urls.length,
        job: job.id,
      },
      trx,
    );
    return stored;
  });
}

/** Records an order from an authority (DSA Arts 9, 10) and queues it, ranked by its deadline. */
export async function receiveOrder(
  store: ServiceStore,
  input: Record<string, unknown>,
  options: {
    readonly now: string;
    readonly source?: string;
    /** The issuing authority's state, for a deadline from the law when the order states none. */
    readonly jurisdiction?: string;
    readonly emergency?: boolean;
    readonly settings?: WorkflowSettings;
  },
  who: Actor,
): Promise<StoredOrder> {
  let basis: LegalDeadline | undefined;
  const states = input.deadline !== undefined || input.deadlineHours !== undefined;
  if (!states && options.jurisdiction !== undefined && options.settings?.legalDeadline) {
    const kind =
      input.kind === 'act' || input.kind === 'provide-information' ? input.kind : undefined;
    if (kind !== undefined) {
      basis = options.settings.legalDeadline({
        kind,
        jurisdiction: options.jurisdiction,
        emergency: options.emergency === true,
        asOf: options.now.slice(0, 10),
      });
    }
  }
  const order = parseOrder({
    receivedAt: options.now,
    ...input,
    ...(basis !== undefined && { deadlineHours: Math.ceil(basis.hours) }),
    id: newId('ord'),
  });
  const deadline = orderDeadline(order);
  return store.transaction(async (trx) => {
    const { itemIds, risk } = await resolveItems(
      store,
      order.locations?.itemIds ?? [],
      options.source ?? DEFAULT_SOURCE,
      trx,
    );
    const job = newReviewJob({
      subject: 'order',
      subjectId: order.id,
      itemIds,
      source: 'authority-order',
      risk,
      now: options.now,
      deadline,
    });
    const stored: StoredOrder = {
      order,
      deadline,
      state: 'open',
      jobId: job.id,
      ...(basis !== undefined && {
        deadlineBasis: {
          citation: basis.citation,
          source: basis.source,
          unverified: basis.unverified,
          explanation: basis.explanation,
        },
      }),
    };
    await store.workflow.saveOrder(stored, trx);
    await store.workflow.saveReviewJob(job, trx);
    await audit(
      store,
      who,
      options.now,
      'order.receive',
      `order:${order.id}`,
      {
        kind: order.kind,
        deadline,
        items: itemIds.length,
        job: job.id,
        ...(basis !== undefined && { deadlineFrom: basis.citation }),
      },
      trx,
    );
    return stored;
  });
}

/** Queues stored items for review on the platform's own initiative (internal detection). */
export async function flagItems(
  store: ServiceStore,
  itemIds: readonly string[],
  options: { readonly now: string; readonly source?: string },
  who: Actor,
): Promise<ReviewJob> {
  return store.transaction(async (trx) => {
    const resolved = await resolveItems(store, itemIds, options.source ?? DEFAULT_SOURCE, trx);
    if (resolved.unresolved.length > 0) {
      throw new VigilError(
        'NOT_FOUND',
        `No stored item has the id ${resolved.unresolved[0]}; ingest it first (POST /v1/items).`,
        { details: { unresolved: resolved.unresolved.slice(0, 20) } },
      );
    }
    const job = newReviewJob({
      subject: 'detection',
      subjectId: resolved.itemIds[0] ?? 'none',
      itemIds: resolved.itemIds,
      source: 'internal-detection',
      risk: resolved.risk,
      now: options.now,
    });
    await store.workflow.saveReviewJob(job, trx);
    await audit(
      store,
      who,
      options.now,
      'queue.flag',
      `review:${job.id}`,
      { items: job.itemIds.length },
      trx,
    );
    return job;
  });
}

// ---------------------------------------------------------------------------------------------
// The review queue

export interface QueueEntry {
  readonly job: ReviewJob;
  readonly rank: number;
  readonly score: number;
  /** Why the job stands where it does, term by term (workflow/queue-priority.ts). */
  readonly reasons: readonly string[];
  /** Claimed by someone whose lease has not passed. */
  readonly held: boolean;
}

/**
 * The jobs with the risk their items have now: items analysed after their job was queued rank
 * by their risk, not by the 0 they had then.
 */
async function withCurrentRisk(
  store: ServiceStore,
  jobs: readonly ReviewJob[],
  executor?: Executor,
): Promise<ReviewJob[]> {
  const items = await store.items.getMany(
    jobs.flatMap((job) => job.itemIds),
    executor,
  );
  const risks = new Map(items.map((item) => [item.id, item.risk ?? 0]));
  return jobs.map((job) => ({
    ...job,
    risk: Math.max(job.risk, ...job.itemIds.map((id) => risks.get(id) ?? 0)),
  }));
}

/** The pending review jobs in review order at `now`, with the reasons for each place. */
export async function rankedQueue(
  store: ServiceStore,
  now: string,
  executor?: Executor,
): Promise<QueueEntry[]> {
  const jobs = await withCurrentRisk(
    store,
    await store.workflow.pendingReviewJobs(MAX_RANKED, executor),
    executor,
  );
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const ranked = rankQueue(
    jobs.map((job) => ({
      id: job.id,
      risk: Math.min(1, Math.max(0, job.risk)),
      source: job.source,
      createdAt: job.createdAt,
      ...(job.deadline !== undefined && { deadline: job.deadline }),
    })),
    now,
  );
  return ranked.map((entry) => {
    const job = byId.get(entry.id) as ReviewJob;
    return {
      job,
      rank: entry.rank,
      score: entry.score,
      reasons: entry.reasons,
      held: job.state === 'claimed' && job.leaseUntil !== undefined && job.leaseUntil > now,
    };
  });
}

/** A review job with the risk its items have now (as the queue ranks it). */
export async function reviewJob(store: ServiceStore, id: string): Promise<ReviewJob | undefined> {
  const job = await store.workflow.getReviewJob(id);
  return job === undefined ? undefined : (await withCurrentRisk(store, [job]))[0];
}

/**
 * Gives `who` the first job in review order that nobody else holds and that they may take
 * (not an appeal against their own decision; jobs they skipped come last). Undefined when none
 * waits. Exactly one reviewer gets a job: the claim is a conditional update, and a job lost to
 * a concurrent claim is passed over for the next.
 */
export async function claimNext(
  store: ServiceStore,
  settings: WorkflowSettings,
  now: string,
  who: Actor,
): Promise<QueueEntry | undefined> {
  const queue = await rankedQueue(store, now);
  const mine = queue.find((entry) => entry.held && entry.job.claimedBy === who.accountId);
  if (mine !== undefined) return mine;
  const candidates = queue.filter(
    (entry) => !entry.held && entry.job.excludedReviewer !== who.accountId,
  );
  const skipped = (entry: QueueEntry) => entry.job.skippedBy.includes(who.accountId);
  const ordered = [
    ...candidates.filter((e) => !skipped(e)),
    ...candidates.filter((e) => skipped(e)),
  ];
  const leaseUntil = addMs(now, settings.leaseMs);
  for (const entry of ordered) {
    const claimed = await store.transaction(async (trx) => {
      if (!(await store.workflow.claimReviewJob(entry.job.id, who.accountId, now, leaseUntil, trx)))
        return false;
      await audit(
        store,
        who,
        now,
        'queue.claim',
        `review:${entry.job.id}`,
        { rank: entry.rank },
        trx,
      );
      return true;
    });
    if (claimed) {
      const job = (await store.workflow.getReviewJob(entry.job.id)) as ReviewJob;
      return { ...entry, job, held: true };
    }
  }
  return undefined;
}

/** The job, if `who` holds it now; CONFLICT naming the holder or the state otherwise. */
async function heldJob(
  store: ServiceStore,
  jobId: string,
  now: string,
  who: Actor,
  trx: Executor,
): Promise<ReviewJob> {
  const job = await store.workflow.getReviewJob(jobId, trx);
  if (job === undefined) throw notFound('review job', jobId);
  if (job.state === 'done') {
    throw conflict(`Review job ${jobId} is done already (${job.outcome ?? 'closed'}).`);
  }
  if (job.state !== 'claimed' || job.claimedBy !== who.accountId) {
    throw conflict(
      `Review job ${jobId} is not claimed by you; claim it first (POST /v1/queue/claim).`,
    );
  }
  if (job.leaseUntil !== undefined && job.leaseUntil <= now) {
    throw conflict(
      `Your claim on review job ${jobId} expired at ${job.leaseUntil}; claim it again before deciding.`,
    );
  }
  return job;
}

/**
 * Gives a claimed job back: to the queue (`skip` marks it skipped by `who`, so that their next
 * claim offers other jobs first), or, with `to`, to another reviewer (reassign; an admin's move,
 * checked by the caller).
 */
export async function releaseJob(
  store: ServiceStore,
  settings: WorkflowSettings,
  jobId: string,
  options: { readonly now: string; readonly skip?: boolean; readonly to?: string },
  who: Actor,
  admin = false,
): Promise<ReviewJob> {
  return store.transaction(async (trx) => {
    const job = await store.workflow.getReviewJob(jobId, trx);
    if (job === undefined) throw notFound('review job', jobId);
    if (job.state === 'done') throw conflict(`Review job ${jobId} is done already.`);
    if (!admin && !(job.state === 'claimed' && job.claimedBy === who.accountId)) {
      throw conflict(`Review job ${jobId} is not claimed by you.`);
    }
    if (options.to !== undefined) {
      const account = await store.accounts.getAccount(options.to, trx);
      if (account === undefined || account.disabledAt !== undefined) {
        throw notFound('enabled account', options.to);
      }
      if (job.excludedReviewer === options.to) {
        throw conflict(
          `Account ${options.to} took the decision this appeal is against; assign it to someone else (DSA Art. 20(6)).`,
        );
      }
    }
    const { claimedBy: _by, claimedAt: _at, leaseUntil: _until, ...rest } = job;
    const next: ReviewJob =
      options.to === undefined
        ? {
            ...rest,
            state: 'open',
            skippedBy:
              options.skip === true && !job.skippedBy.includes(who.accountId)
                ? [...job.skippedBy, who.accountId]
                : job.skippedBy,
          }
        : {
            ...rest,
            state: 'claimed',
            claimedBy: options.to,
            claimedAt: options.now,
            leaseUntil: addMs(options.now, settings.leaseMs),
          };
    await store.workflow.saveReviewJob(next, trx);
    const action =
      options.to !== undefined ? 'queue.reassign' : options.skip ? 'queue.skip' : 'queue.release';
    await audit(
      store,
      who,
      options.now,
      action,
      `review:${jobId}`,
      options.to === undefined ? {} : { to: options.to },
      trx,
    );
    return next;
  });
}

/** Why a job closes without a decision to restrict. */
export const CLOSE_OUTCOMES = ['no-action', 'information-provided', 'duplicate'] as const;
export type CloseOutcome = (typeof CLOSE_OUTCOMES)[number];

/**
 * Closes a claimed notice, order or detection job without restricting anything: the content
 * was found lawful and compatible with the terms (no-action; the notifier is told, Art. 16(5)),
 * an order to provide information was answered, or the job repeats another.
 */
export async function closeJob(
  store: ServiceStore,
  settings: WorkflowSettings,
  jobId: string,
  close: { readonly outcome: CloseOutcome; readonly reasons: string },
  now: string,
  who: Actor,
): Promise<ReviewJob> {
  return store.transaction(async (trx) => {
    const job = await heldJob(store, jobId, now, who, trx);
    if (job.subject === 'appeal') {
      throw conflict(
        `Review job ${jobId} is an appeal; decide it with POST /v1/appeals/{id}/decision.`,
      );
    }
    const done: ReviewJob = { ...job, state: 'done', doneAt: now, outcome: close.outcome };
    await store.workflow.saveReviewJob(done, trx);
    if (job.subject === 'notice') {
      const notice = await store.workflow.getNotice(job.subjectId, trx);
      if (notice !== undefined)
        await store.workflow.saveNotice({ ...notice, state: 'decided' }, trx);
      if (close.outcome === 'no-action') {
        const told = noticeEvent(settings, notice, null, undefined, now);
        if (told !== undefined) await enqueueDeliveries(store, settings, [told], false, now, trx);
      }
    }
    if (job.subject === 'order') {
      const order = await store.workflow.getOrder(job.subjectId, trx);
      if (order !== undefined) await store.workflow.saveOrder({ ...order, state: 'done' }, trx);
    }
    await audit(
      store,
      who,
      now,
      'queue.close',
      `review:${jobId}`,
      {
        outcome: close.outcome,
        subject: `${job.subject}:${job.subjectId}`,
        reasons: close.reasons.slice(0, 1000),
      },
      trx,
    );
    return done;
  });
}

// ---------------------------------------------------------------------------------------------
// Decisions

/**
 * What a reviewer decides: the Decision of workflow/statement-of-reasons.ts without what Vigil
 * knows itself (the id, the date, the source, whether detection was automated). `content.date`
 * defaults to the item's posting day, else the decision's.
 */
export type DecisionRequest = Omit<
  DecisionInput,
  'id' | 'decidedAt' | 'source' | 'automatedDetection' | 'automatedDecision' | 'content'
> & {
  readonly automatedDecision?: DecisionInput['automatedDecision'];
  readonly content: Omit<DecisionInput['content'], 'date'> & { readonly date?: string };
  /**
   * Name the notifier in the statement (Art. 17(3)(b): only where strictly necessary); it is
   * never sent to the Transparency Database.
   */
  readonly identifyNotifier?: boolean;
};

const SOURCE_TYPE: Record<JobSource, SourceType> = {
  'trusted-flagger': 'SOURCE_TRUSTED_FLAGGER',
  individual: 'SOURCE_ARTICLE_16',
  ngo: 'SOURCE_ARTICLE_16',
  'authority-order': 'SOURCE_TYPE_OTHER_NOTIFICATION',
  'internal-detection': 'SOURCE_VOLUNTARY',
};

/** The restrictions a decision imposes, as the appeals module names them. */
export function restrictionsOf(decision: Decision): Restriction[] {
  const r = decision.restrictions;
  return [
    ...(r.visibility?.kinds ?? []),
    ...(r.monetary ? [r.monetary.kind] : []),
    ...(r.provision ? [r.provision.kind] : []),
    ...(r.account ? [r.account.kind] : []),
  ];
}

/**
 * What the platform's webhook is told when a notice is decided or closed: the message Art. 16(5)
 * requires it to send the notifier (Vigil holds no mail server; the platform sends it).
 */
export interface NoticeEvent {
  readonly id: string;
  readonly type: 'notice.decided';
  readonly occurredAt: string;
  readonly noticeId: string;
  readonly decisionId?: string;
  /** The notifier's address, and the text to send. */
  readonly to: string;
  readonly message: string;
}

function noticeEvent(
  settings: WorkflowSettings,
  notice: StoredNotice | undefined,
  outcome: { readonly actions: readonly string[]; readonly decidedAt: string } | null,
  decisionId: string | undefined,
  now: string,
): NoticeEvent | undefined {
  if (notice === undefined) return undefined;
  const message = noticeDecisionMessage(notice.notice, outcome, settings.platform.complaint);
  if (message.to === null) return undefined;
  return {
    id: newId('evt'),
    type: 'notice.decided',
    occurredAt: now,
    noticeId: notice.notice.id,
    ...(decisionId !== undefined && { decisionId }),
    to: message.to,
    message: message.text,
  };
}

/** The event the platform's action webhook receives. */
export interface ActionEvent {
  readonly id: string;
  readonly type: 'decision.created' | 'decision.reversed';
  readonly occurredAt: string;
  readonly decisionId: string;
  /** The items concerned, with the platform's own ids. */
  readonly items: readonly {
    readonly id: string;
    readonly source: string;
    readonly externalId: string;
  }[];
  /** The locations of a notice that named content Vigil has not stored. */
  readonly urls: readonly string[];
  /** decision.created: what to apply; decision.reversed: what to lift. */
  readonly restrictions: readonly Restriction[];
  /** decision.created: the statement of reasons to send to the recipient (Art. 17). */
  readonly statementOfReasons?: string;
}

async function actionEvent(
  store: ServiceStore,
  type: ActionEvent['type'],
  decision: StoredDecision,
  restrictions: readonly Restriction[],
  urls: readonly string[],
  now: string,
  trx: Executor,
): Promise<ActionEvent> {
  const items = await store.items.getMany(decision.itemIds, trx);
  return {
    id: newId('evt'),
    type,
    occurredAt: now,
    decisionId: decision.id,
    items: items.map((item) => ({ id: item.id, source: item.source, externalId: item.externalId })),
    urls,
    restrictions,
    ...(type === 'decision.created' && { statementOfReasons: decision.statement.text }),
  };
}

async function enqueueDeliveries(
  store: ServiceStore,
  settings: WorkflowSettings,
  events: readonly (ActionEvent | NoticeEvent)[],
  submit: boolean,
  now: string,
  trx: Executor,
): Promise<void> {
  if (submit && settings.deliveries.transparencyDb) {
    await store.jobs.enqueue(
      {
        kind: TDB_SUBMIT_JOB,
        payload: {},
        key: TDB_SUBMIT_KEY,
        delayMs: TDB_SUBMIT_DELAY_MS,
        maxAttempts: DELIVERY_ATTEMPTS,
      },
      now,
      trx,
    );
  }
  if (settings.deliveries.actionWebhook) {
    for (const event of events) {
      await store.jobs.enqueue(
        { kind: ACTION_WEBHOOK_JOB, payload: { event }, maxAttempts: DELIVERY_ATTEMPTS },
        now,
        trx,
      );
    }
  }
}

/**
 * Decides a claimed notice, order or detection job: validates the decision, writes it with its
 * statement of reasons (Art. 17) and Transparency Database payload, closes the job (and the
 * notice or order), and queues the submission and the action webhook.
 */
export async function decide(
  store: ServiceStore,
  settings: WorkflowSettings,
  jobId: string,
  request: DecisionRequest,
  now: string,
  who: Actor,
  options: { readonly preview?: boolean } = {},
): Promise<StoredDecision> {
  return store.transaction(async (trx) => {
    const job = await heldJob(store, jobId, now, who, trx);
    if (job.subject === 'appeal') {
      throw conflict(
        `Review job ${jobId} is an appeal; decide it with POST /v1/appeals/{id}/decision.`,
      );
    }
    const notice =
      job.subject === 'notice' ? await store.workflow.getNotice(job.subjectId, trx) : undefined;
    const order =
      job.subject === 'order' ? await store.workflow.getOrder(job.subjectId, trx) : undefined;
    const items = await store.items.getMany(job.itemIds, trx);
    const day = now.slice(0, 10);
    const posted = items
      .map((item) => item.item.posted_at?.slice(0, 10))
      .filter((d): d is string => d !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(d) && d <= day)
      .sort()[0];
    const { identifyNotifier, content, automatedDecision, ...rest } = request;
    const identity =
      identifyNotifier === true && notice?.notice.notifier.name
        ? notice.notice.notifier.name
        : undefined;
    const decision = parseDecision({
      ...rest,
      id: newId('dec'),
      decidedAt: day,
      content: { ...content, date: content.date ?? posted ?? day },
      automatedDetection: job.subject === 'detection',
      automatedDecision: automatedDecision ?? 'AUTOMATED_DECISION_NOT_AUTOMATED',
      source: {
        type: SOURCE_TYPE[job.source],
        ...(identity !== undefined && job.source !== 'internal-detection' && { identity }),
      },
    });
    const stored: StoredDecision = {
      id: decision.id,
      decidedAt: now,
      reviewerId: who.accountId,
      jobId: job.id,
      ...(notice !== undefined && { noticeId: notice.notice.id }),
      ...(order !== undefined && { orderId: order.order.id }),
      itemIds: job.itemIds,
      source: job.subject === 'notice' ? 'notice' : 'own-initiative',
      decision,
      restrictions: restrictionsOf(decision),
      statement: statementOfReasons(decision, settings.platform),
      payload: transparencyPayload(decision),
      submission: { state: 'pending' },
      lifted: [],
    };
    // The reviewer sees the statement before sending it: nothing is written for a preview.
    if (options.preview === true) return stored;
    await store.workflow.saveDecision(stored, trx);
    await store.workflow.saveReviewJob(
      { ...job, state: 'done', doneAt: now, outcome: `decision:${decision.id}` },
      trx,
    );
    if (notice !== undefined) await store.workflow.saveNotice({ ...notice, state: 'decided' }, trx);
    if (order !== undefined) await store.workflow.saveOrder({ ...order, state: 'done' }, trx);
    const urls = [
      ...(notice?.notice.locations.urls ?? []),
      ...(order?.order.locations?.urls ?? []),
    ];
    const event = await actionEvent(
      store,
      'decision.created',
      stored,
      stored.restrictions,
      urls,
      now,
      trx,
    );
    const told = noticeEvent(
      settings,
      notice,
      {
        actions: stored.statement.structured.restrictions.map((r) => r.description),
        decidedAt: now,
      },
      decision.id,
      now,
    );
    await enqueueDeliveries(store, settings, told ? [event, told] : [event], true, now, trx);
    await audit(
      store,
      who,
      now,
      'decision.create',
      `decision:${decision.id}`,
      { job: job.id, restrictions: stored.restrictions, category: decision.category },
      trx,
    );
    return stored;
  });
}

// ---------------------------------------------------------------------------------------------
// Appeals

/** Files a complaint (DSA Art. 20) against a decision and queues it for a different reviewer. */
export async function appeal(
  store: ServiceStore,
  decisionId: string,
  input: { readonly complainant: unknown; readonly reason?: unknown },
  now: string,
  who: Actor,
): Promise<Appeal> {
  return store.transaction(async (trx) => {
    const decision = await store.workflow.getDecision(decisionId, trx);
    if (decision === undefined) throw notFound('decision', decisionId);
    const filed = fileAppeal(
      {
        id: decision.id,
        decidedAt: decision.decidedAt,
        reviewerId: decision.reviewerId,
        restrictions: decision.restrictions.filter((r) => !decision.lifted.includes(r)),
      },
      { ...input, id: newId('apl') },
      now,
    );
    const items = await store.items.getMany(decision.itemIds, trx);
    const job = newReviewJob({
      subject: 'appeal',
      subjectId: filed.id,
      itemIds: decision.itemIds,
      source: 'individual',
      risk: Math.max(0, ...items.map((item) => item.risk ?? 0)),
      now,
      excludedReviewer: decision.reviewerId,
    });
    await store.workflow.saveAppeal(filed, trx);
    await store.workflow.saveReviewJob(job, trx);
    await audit(
      store,
      who,
      now,
      'appeal.file',
      `appeal:${filed.id}`,
      { decision: decision.id, role: filed.complainant.role, job: job.id },
      trx,
    );
    return filed;
  });
}

/**
 * Decides an appeal whose review job `who` holds (a different reviewer from the decision's:
 * workflow/appeals.ts refuses the same one). A reversal lifts the restrictions through the
 * action webhook; a reversed refusal to act puts the notice back in the queue.
 */
export async function decideAppealJob(
  store: ServiceStore,
  settings: WorkflowSettings,
  appealId: string,
  outcome: unknown,
  now: string,
  who: Actor,
): Promise<Appeal> {
  return store.transaction(async (trx) => {
    const filed = await store.workflow.getAppeal(appealId, trx);
    if (filed === undefined) throw notFound('appeal', appealId);
    const pending = await store.workflow.pendingReviewJobFor('appeal', appealId, trx);
    if (pending === undefined) {
      throw conflict(`Appeal ${appealId} has no review job waiting; it was decided already.`);
    }
    const job = await heldJob(store, pending.id, now, who, trx);
    const result = decideAppeal(filed, outcome, who.accountId, now);
    await store.workflow.saveAppeal(result.appeal, trx);
    await store.workflow.saveReviewJob(
      { ...job, state: 'done', doneAt: now, outcome: `appeal:${result.appeal.outcome?.outcome}` },
      trx,
    );
    const decision = await store.workflow.getDecision(filed.decision.id, trx);
    const events: ActionEvent[] = [];
    if (decision !== undefined && result.undo.restrictions.length > 0) {
      const lifted = [...new Set([...decision.lifted, ...result.undo.restrictions])];
      await store.workflow.saveDecision({ ...decision, lifted }, trx);
      events.push(
        await actionEvent(
          store,
          'decision.reversed',
          decision,
          result.undo.restrictions,
          [],
          now,
          trx,
        ),
      );
    }
    if (result.reconsider && decision?.noticeId !== undefined) {
      const notice = await store.workflow.getNotice(decision.noticeId, trx);
      if (notice !== undefined) {
        const again = newReviewJob({
          subject: 'notice',
          subjectId: notice.notice.id,
          itemIds: decision.itemIds,
          source: SOURCE_OF_NOTIFIER[notice.notice.notifier.type],
          risk: job.risk,
          now,
          excludedReviewer: decision.reviewerId,
        });
        await store.workflow.saveReviewJob(again, trx);
        await store.workflow.saveNotice({ ...notice, state: 'open', jobId: again.id }, trx);
      }
    }
    await enqueueDeliveries(store, settings, events, false, now, trx);
    await audit(
      store,
      who,
      now,
      'appeal.decide',
      `appeal:${appealId}`,
      { outcome: result.appeal.outcome?.outcome, lifted: result.undo.restrictions },
      trx,
    );
    return result.appeal;
  });
}

// ---------------------------------------------------------------------------------------------
// Referrals and holds

/** Records a referral (Art. 18 notification or CyberTipline report) as a draft. */
export async function createReferral(
  store: ServiceStore,
  input: Record<string, unknown>,
  now: string,
  who: Actor,
): Promise<Referral> {
  const referral = parseReferral({
    ...input,
    id: newId('ref'),
    createdAt: now,
    status: 'draft',
    history: [],
  });
  await store.transaction(async (trx) => {
    if (referral.source.decisionId !== undefined) {
      if ((await store.workflow.getDecision(referral.source.decisionId, trx)) === undefined) {
        throw notFound('decision', referral.source.decisionId);
      }
    }
    await store.workflow.saveReferral(referral, trx);
    await audit(
      store,
      who,
      now,
      'referral.create',
      `referral:${referral.id}`,
      { kind: referral.kind, items: referral.facts.itemIds.length },
      trx,
    );
  });
  return referral;
}

/** The payload a referral would send: the Art. 18 notification (JSON) or the CyberTipline XML. */
export function referralPayload(
  referral: Referral,
  settings: WorkflowSettings,
):
  | { readonly kind: 'dsa-art18'; readonly body: unknown }
  | { readonly kind: 'cybertipline'; readonly xml: string } {
  if (referral.kind === 'dsa-art18') {
    if (settings.authorityContact === undefined) {
      throw new VigilError(
        'CONFIG_INVALID',
        'An Art. 18 notification names the platform and its contact point: set platformCountry and platformEmail (or platformContact as an e-mail address) in the configuration.',
      );
    }
    return { kind: 'dsa-art18', body: art18Notification(referral, settings.authorityContact) };
  }
  if (settings.reporter === undefined) {
    throw new VigilError(
      'CONFIG_INVALID',
      'A CyberTipline report names its reporter: set reporterName and reporterEmail in the configuration.',
    );
  }
  return { kind: 'cybertipline', xml: cyberTiplineXml(referral, settings.reporter) };
}

/** The hold a referral's submission starts, saved, unless it exists already. */
async function holdForReferral(
  store: ServiceStore,
  referral: Referral,
  now: string,
  who: Actor,
  trx: Executor,
): Promise<StoredHold | undefined> {
  if (referral.kind !== 'cybertipline') return undefined;
  if (referral.status !== 'submitted' && referral.status !== 'acknowledged') return undefined;
  const hold = parseHold(preservationHoldFor(referral, now));
  const existing = await store.workflow.getHold(hold.id, trx);
  if (existing !== undefined) {
    // The report id arrives with the acknowledgement: keep the reference current.
    if (existing.hold.reference === hold.reference) return existing;
    const updated = { ...existing, hold: { ...existing.hold, reference: hold.reference } };
    await store.workflow.saveHold(updated, trx);
    return updated;
  }
  const stored = storedHold(hold);
  await store.workflow.saveHold(stored, trx);
  await audit(
    store,
    who,
    now,
    'hold.create',
    `hold:${hold.id}`,
    { basis: hold.basis, referral: referral.id, expiresAt: stored.expiresAt ?? null },
    trx,
  );
  return stored;
}

function storedHold(hold: unknown): StoredHold {
  const parsed = parseHold(hold);
  const expiresAt = holdExpiry(parsed);
  return { hold: parsed, ...(expiresAt !== null && { expiresAt }) };
}

/**
 * Moves a referral along its status machine (submit, acknowledge, fail) and starts the
 * preservation hold a CyberTipline submission triggers (18 U.S.C. 2258A(h)). The API's
 * `events` endpoint records a submission made through another channel; the delivery job
 * records its own.
 */
export async function referralEvent(
  store: ServiceStore,
  referralId: string,
  event: ReferralEvent,
  now: string,
  who: Actor,
  executor?: Executor,
): Promise<{ referral: Referral; hold?: StoredHold }> {
  const work = async (trx: Executor) => {
    const current = await store.workflow.getReferral(referralId, trx);
    if (current === undefined) throw notFound('referral', referralId);
    const next = transition(current, event, now);
    await store.workflow.saveReferral(next, trx);
    await audit(
      store,
      who,
      now,
      `referral.${event.type}`,
      `referral:${referralId}`,
      { from: current.status, to: next.status },
      trx,
    );
    const hold = await holdForReferral(store, next, now, who, trx);
    return { referral: next, ...(hold !== undefined && { hold }) };
  };
  return executor?.isTransaction ? work(executor) : store.transaction(work);
}

/** Queues a referral's submission to its configured endpoint. */
export async function submitReferral(
  store: ServiceStore,
  settings: WorkflowSettings,
  referralId: string,
  now: string,
  who: Actor,
): Promise<{ referral: Referral; job: string }> {
  return store.transaction(async (trx) => {
    const referral = await store.workflow.getReferral(referralId, trx);
    if (referral === undefined) throw notFound('referral', referralId);
    const configured =
      referral.kind === 'dsa-art18' ? settings.deliveries.art18 : settings.deliveries.cyberTipline;
    if (!configured) {
      throw conflict(
        `No endpoint is configured for ${referral.kind} referrals, so Vigil sends nothing. Submit it through your channel and record it with POST /v1/referrals/${referralId}/events {"type":"submit"}, or configure ${referral.kind === 'dsa-art18' ? 'art18Url' : 'cyberTiplineUrl'}.`,
      );
    }
    if (referral.status !== 'draft' && referral.status !== 'failed') {
      throw conflict(
        `Referral ${referralId} is ${referral.status}; only a draft or a failed referral is submitted.`,
      );
    }
    // Built now so that a configuration problem shows at once, not in a background job.
    referralPayload(referral, settings);
    const job = await store.jobs.enqueue(
      {
        kind: REFERRAL_SUBMIT_JOB,
        payload: { referral: referralId },
        maxAttempts: DELIVERY_ATTEMPTS,
      },
      now,
      trx,
    );
    await audit(store, who, now, 'referral.queue', `referral:${referralId}`, { job: job.id }, trx);
    return { referral, job: job.id };
  });
}

/** Records a legal hold (2703(f), e-Evidence preservation, litigation, CyberTipline report). */
export async function createHold(
  store: ServiceStore,
  input: Record<string, unknown>,
  now: string,
  who: Actor,
): Promise<StoredHold> {
  const stored = storedHold({ start: now, ...input, id: newId('hold') });
  await store.transaction(async (trx) => {
    await store.workflow.saveHold(stored, trx);
    await audit(
      store,
      who,
      now,
      'hold.create',
      `hold:${stored.hold.id}`,
      { basis: stored.hold.basis, expiresAt: stored.expiresAt ?? null },
      trx,
    );
  });
  return stored;
}

/** Renews (2703(f), e-Evidence) or releases a hold. */
export async function changeHold(
  store: ServiceStore,
  holdId: string,
  change: { readonly type: 'renew' } | { readonly type: 'release'; readonly reason: string },
  now: string,
  who: Actor,
): Promise<StoredHold> {
  return store.transaction(async (trx) => {
    const existing = await store.workflow.getHold(holdId, trx);
    if (existing === undefined) throw notFound('hold', holdId);
    const hold =
      change.type === 'renew'
        ? renewHold(existing.hold, now)
        : releaseHold(existing.hold, now, change.reason);
    const stored = storedHold(hold);
    await store.workflow.saveHold(stored, trx);
    await audit(
      store,
      who,
      now,
      `hold.${change.type}`,
      `hold:${holdId}`,
      { expiresAt: stored.expiresAt ?? null },
      trx,
    );
    return stored;
  });
}

/** Holds whose end is within `leadDays`: what the legal team must act on (renew or let lapse). */
export async function holdReminders(store: ServiceStore, now: string, leadDays: number) {
  const holds: StoredHold[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.workflow.listHolds({
      limit: 500,
      ...(cursor !== undefined && { cursor }),
    });
    holds.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined);
  return remindersDue(
    holds.map((stored) => stored.hold),
    now,
    leadDays,
  );
}

/**
 * Deletes a stored item unless a legal hold covers it (HOLD_ACTIVE naming the holds). The
 * deletion and its audit record are one transaction, and the check is inside it.
 */
export async function deleteItem(
  store: ServiceStore,
  id: string,
  now: string,
  who: Actor,
): Promise<void> {
  await store.transaction(async (trx) => {
    const item = await store.items.get(id, trx);
    if (item === undefined) throw notFound('item', id);
    await refuseHeldItem(store, id, now, trx);
    await store.items.delete(id, trx);
    await audit(store, who, now, 'item.delete', `item:${id}`, { source: item.source }, trx);
  });
}

/**
 * HOLD_ACTIVE, naming the holds, when an active legal hold covers the item at `now`: the check
 * of every deletion of an item (deleteItem; retention, store/retention.ts), run in its
 * transaction.
 */
export async function refuseHeldItem(
  store: ServiceStore,
  id: string,
  now: string,
  trx: Executor,
): Promise<void> {
  const holds = (await store.workflow.holdsCovering([`item:${id}`], trx)).map((s) => s.hold);
  const active = holds.filter((hold) => isHeld({ kind: 'item', id }, [hold], now));
  if (active.length > 0) {
    throw new VigilError(
      'HOLD_ACTIVE',
      `Item ${id} is under ${active.length === 1 ? 'a legal hold' : `${active.length} legal holds`} (${active.map((h) => `${h.id}, ${h.basis}`).join('; ')}) and cannot be deleted until ${active.length === 1 ? 'it ends or is released' : 'they end or are released'}.`,
      {
        details: {
          holds: active.map((hold) => ({
            id: hold.id,
            basis: hold.basis,
            expiresAt: holdExpiry(hold),
          })),
        },
      },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Transparency report

/** The transparency report (Implementing Regulation 2024/2835, Annex I aggregates) of a period. */
export async function transparencyFor(
  store: ServiceStore,
  period: Period,
): Promise<TransparencyReport> {
  if (!(period.from < period.to)) {
    throw new VigilError('REQUEST_INVALID', 'The period must end after it starts (from < to).', {
      details: { location: 'query', field: 'to' },
    });
  }
  const records = await store.workflow.periodRecords(period);
  return transparencyReport({
    period,
    notices: records.notices.map((stored) => ({
      id: stored.notice.id,
      notifierType: stored.notice.notifier.type,
      receivedAt: stored.notice.receivedAt,
      category: stored.notice.category ?? 'uncategorised',
    })),
    decisions: records.decisions.map((stored) => ({
      id: stored.id,
      decidedAt: stored.decidedAt,
      source: stored.source,
      ...(stored.noticeId !== undefined &&
        stored.source === 'notice' && { noticeId: stored.noticeId }),
      automatedDetection: stored.decision.automatedDetection,
      automatedDecision: stored.decision.automatedDecision === 'AUTOMATED_DECISION_FULLY',
      restrictions: stored.restrictions,
      category: stored.decision.category,
    })),
    appeals: records.appeals.map((filed) => ({
      id: filed.id,
      filedAt: filed.filedAt,
      ...(filed.outcome !== undefined && {
        decidedAt: filed.outcome.decidedAt,
        outcome: filed.outcome.outcome,
      }),
    })),
  });
}
