/**
 * Notice and action over HTTP (docs/workflow.md): notices and orders in, the review queue,
 * decisions with their statements of reasons, appeals, referrals, legal holds, item deletion
 * under holds, and the transparency report. Each route validates the envelope here and leaves
 * the legal rules to the workflow module, through the units of work of
 * store/workflow-service.ts (one transaction each, audited).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VigilError } from '../../shared/errors.js';
import {
  type Actor,
  appeal,
  CLOSE_OUTCOMES,
  changeHold,
  claimNext,
  closeJob,
  createHold,
  createReferral,
  decide,
  decideAppealJob,
  deleteItem,
  flagItems,
  holdReminders,
  rankedQueue,
  receiveNotice,
  receiveOrder,
  referralEvent,
  referralPayload,
  releaseJob,
  reviewJob,
  submitReferral,
  transparencyFor,
} from '../../store/workflow-service.js';
import { decisionSchema, noticeSchema, transparencyCsv } from '../../workflow/index.js';
import type { Principal } from '../auth.js';
import { workflowSettings } from '../config.js';
import { type Deps, route } from '../route.js';
import { Id, IdParams, PageQuery, pageOf, Time, text } from '../schema.js';

/** A record of the workflow module, passed through whole (its schema is the module's). */
const Record_ = (description: string) => z.looseObject({}).describe(description);

const ReviewJobShape = z.object({
  id: z.string(),
  subject: z.enum(['notice', 'order', 'detection', 'appeal']),
  subjectId: z.string(),
  itemIds: z.array(z.string()),
  source: z.string(),
  risk: z.number(),
  deadline: Time.optional(),
  createdAt: Time,
  state: z.enum(['open', 'claimed', 'done']),
  claimedBy: z.string().optional(),
  claimedAt: Time.optional(),
  leaseUntil: Time.optional(),
  excludedReviewer: z.string().optional(),
  skippedBy: z.array(z.string()),
  doneAt: Time.optional(),
  outcome: z.string().optional(),
});

const QueueEntryShape = z.object({
  rank: z.number(),
  score: z.number(),
  reasons: z.array(z.string()).describe('Why the job stands where it does, term by term.'),
  held: z.boolean().describe('Claimed by a reviewer whose lease has not passed.'),
  job: ReviewJobShape,
});

const StoredNoticeShape = z.object({
  notice: Record_('The notice as recorded, with its completeness (Art. 16(3)) and receipt.'),
  state: z.enum(['open', 'decided']),
  jobId: z.string(),
  unresolvedItemIds: z
    .array(z.string())
    .describe('Item ids the notice names that are not stored: ingest them to review them.'),
});

const StoredOrderShape = z.object({
  order: Record_('The order as recorded.'),
  deadline: Time,
  deadlineBasis: z
    .object({
      citation: z.string(),
      source: z.string(),
      unverified: z.boolean(),
      explanation: z.string(),
    })
    .optional()
    .describe('The law that sets the deadline, when the order stated none.'),
  state: z.enum(['open', 'done']),
  jobId: z.string(),
});

const StoredDecisionShape = z.object({
  id: z.string(),
  decidedAt: Time,
  reviewerId: z.string(),
  jobId: z.string().optional(),
  noticeId: z.string().optional(),
  orderId: z.string().optional(),
  itemIds: z.array(z.string()),
  source: z.enum(['notice', 'own-initiative']),
  decision: Record_('The decision (workflow Decision).'),
  restrictions: z.array(z.string()),
  statement: Record_('The statement of reasons for the recipient (Art. 17): text and sections.'),
  payload: Record_('The Transparency Database payload (POST /api/v1/statement body).'),
  submission: z.object({
    state: z.enum(['pending', 'submitted', 'rejected']),
    at: Time.optional(),
    error: z.string().optional(),
  }),
  lifted: z.array(z.string()).describe('Restrictions lifted since by appeals.'),
});

const AppealShape = Record_('An appeal (DSA Art. 20): its decision, state, deadline and outcome.');
const ReferralShape = Record_('A referral: destination, facts, status and its history.');
const StoredHoldShape = z.object({
  hold: Record_('The hold: basis, scope, start, renewals, release.'),
  expiresAt: Time.optional(),
});

/** A notice as submitted: the workflow's notice schema, without the id Vigil gives it. */
const NoticeBody = noticeSchema.omit({ id: true });

/**
 * A decision as a reviewer sends it: the workflow's decision schema without what Vigil knows
 * itself (id, date, source, automated detection); content.date defaults to the posting day.
 */
const DecisionBody = decisionSchema
  .omit({
    id: true,
    decidedAt: true,
    source: true,
    automatedDetection: true,
    automatedDecision: true,
    content: true,
  })
  .extend({
    automatedDecision: decisionSchema.shape.automatedDecision.optional(),
    content: decisionSchema.shape.content.extend({
      date: decisionSchema.shape.content.shape.date.optional(),
    }),
    identifyNotifier: z
      .boolean()
      .optional()
      .describe('Name the notifier in the statement (Art. 17(3)(b)); never sent to the database.'),
  });

const page = (query: { limit: number; cursor?: string | undefined }) => ({
  limit: query.limit,
  ...(query.cursor !== undefined && { cursor: query.cursor }),
});

const actorOf = (principal: Principal, requestId: string): Actor => ({
  accountId: principal.account.id,
  actor: principal.actor,
  requestId,
});

function found<T>(value: T | undefined, kind: string, id: string): T {
  if (value === undefined) throw new VigilError('NOT_FOUND', `No ${kind} has the id ${id}.`);
  return value;
}

const Source = text(200)
  .min(1)
  .optional()
  .describe('The source of the item ids named (as in POST /v1/items); default "default".');

/**
 * The two read routes every workflow record has: `GET /v1/<plural>` (newest first, one page at a
 * time, with the record's own filters) and `GET /v1/<plural>/:id`.
 */
function readRoutes<S extends z.ZodType, F extends Record<string, z.ZodType>>(
  app: FastifyInstance,
  deps: Deps,
  record: {
    readonly plural: string;
    /** "a notice", for the summaries and the not-found message. */
    readonly one: string;
    readonly tag: string;
    readonly shape: S;
    readonly filters?: F;
    readonly list: (
      filter: { [K in keyof F]?: z.output<F[K]> },
      page: { limit: number; cursor?: string },
    ) => Promise<unknown>;
    readonly get: (id: string) => Promise<unknown>;
  },
): void {
  const noun = record.one.replace(/^an? /, '');
  route(app, deps, {
    method: 'GET',
    url: `/v1/${record.plural}`,
    access: 'workflow:read',
    tags: [record.tag],
    summary: `List ${record.plural}`,
    description: 'Newest first.',
    querystring: z.strictObject({ ...(record.filters ?? {}), ...PageQuery }),
    responses: { 200: pageOf(record.shape) },
    handler: async ({ query }) => {
      const { limit, cursor, ...rest } = query as { limit: number; cursor?: string };
      const filter = Object.fromEntries(
        Object.entries(rest).filter(([, value]) => value !== undefined),
      ) as { [K in keyof F]?: z.output<F[K]> };
      return record.list(filter, page({ limit, cursor }));
    },
  });
  route(app, deps, {
    method: 'GET',
    url: `/v1/${record.plural}/:id`,
    access: 'workflow:read',
    tags: [record.tag],
    summary: `Get ${record.one}`,
    params: IdParams,
    responses: { 200: record.shape },
    handler: async ({ params }) => found(await record.get(params.id), noun, params.id),
  });
}

export function workflowRoutes(app: FastifyInstance, deps: Deps): void {
  const { store, config } = deps;
  const settings = workflowSettings(config, deps.law);

  // ---- Notices and orders ---------------------------------------------------------------

  route(app, deps, {
    method: 'POST',
    url: '/v1/notices',
    access: 'notices:submit',
    tags: ['notices'],
    summary: 'Submit a notice (DSA Art. 16)',
    description:
      'Records a notice about content and queues it for review; the response carries the ' +
      'confirmation of receipt (Art. 16(4)) to send to the notifier. A notice missing an ' +
      'element of Art. 16(2) is refused naming it, unless allowIncomplete=true (it is then ' +
      'recorded, but does not by itself give actual knowledge). Items named by id that are not ' +
      'stored are listed as unresolved: Vigil fetches nothing.',
    querystring: z.strictObject({
      allowIncomplete: z
        .enum(['true', 'false'])
        .transform((value) => value === 'true')
        .optional(),
      source: Source,
    }),
    body: NoticeBody,
    responses: { 201: StoredNoticeShape },
    handler: async ({ body, query, now, principal, request, reply }) => {
      const stored = await receiveNotice(
        store,
        body,
        {
          now,
          ...(query.allowIncomplete !== undefined && { allowIncomplete: query.allowIncomplete }),
          ...(query.source !== undefined && { source: query.source }),
        },
        actorOf(principal, request.id),
      );
      reply.code(201);
      return stored;
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/orders',
    access: 'orders:receive',
    tags: ['notices'],
    summary: 'Record an order from an authority (DSA Arts 9, 10)',
    description:
      'An order to act against content (kind "act") or to provide information about recipients ' +
      '("provide-information"), with the deadline it states (deadline or deadlineHours). An ' +
      'order that states none takes the deadline the law of `jurisdiction` sets for this ' +
      'platform (e.g. 24 hours for an Australian removal notice; 10 days, or 8 hours in an ' +
      'emergency, for an e-Evidence production order), cited in `deadlineBasis`. It is queued ' +
      'ranked by that deadline.',
    querystring: z.strictObject({
      source: Source,
      jurisdiction: z
        .string()
        .regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as AU')
        .optional()
        .describe('The issuing authority’s state, for a deadline from the law.'),
      emergency: z
        .enum(['true', 'false'])
        .transform((value) => value === 'true')
        .optional()
        .describe('An emergency order (imminent threat to life or safety).'),
    }),
    body: Record_(
      'The order: kind, issuingAuthority, legalBasis, deadline, locations, accountIds.',
    ),
    responses: { 201: StoredOrderShape },
    handler: async ({ body, query, now, principal, request, reply }) => {
      const stored = await receiveOrder(
        store,
        body,
        {
          now,
          settings,
          ...(query.source !== undefined && { source: query.source }),
          ...(query.jurisdiction !== undefined && { jurisdiction: query.jurisdiction }),
          ...(query.emergency !== undefined && { emergency: query.emergency }),
        },
        actorOf(principal, request.id),
      );
      reply.code(201);
      return stored;
    },
  });

  // ---- The review queue ------------------------------------------------------------------

  route(app, deps, {
    method: 'GET',
    url: '/v1/queue',
    access: 'workflow:read',
    tags: ['queue'],
    summary: 'The review queue in priority order',
    description:
      'Pending jobs ranked by risk, source (trusted flaggers first, Art. 22), legal deadline and ' +
      'age, each with the reasons for its place.',
    querystring: z.strictObject({
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
    responses: { 200: z.object({ items: z.array(QueueEntryShape), total: z.number() }) },
    handler: async ({ query, now }) => {
      const ranked = await rankedQueue(store, now);
      return { items: ranked.slice(0, query.limit), total: ranked.length };
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/queue/claim',
    access: 'queue:review',
    tags: ['queue'],
    summary: 'Claim the next job',
    description:
      'Gives the caller the first job in priority order that nobody holds, until the lease ' +
      `expires (reviewLeaseSeconds). A job is given to exactly one reviewer. 204 when none waits.`,
    responses: { 200: QueueEntryShape, 204: null },
    handler: async ({ now, principal, request, reply }) => {
      const entry = await claimNext(store, settings, now, actorOf(principal, request.id));
      if (entry === undefined) return reply.code(204).send();
      return entry;
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/queue/jobs',
    access: 'queue:review',
    tags: ['queue'],
    summary: 'Queue items for review on the platform’s own initiative',
    body: z.strictObject({
      itemIds: z.array(Id).min(1).max(100),
      source: Source,
    }),
    responses: { 201: ReviewJobShape },
    handler: async ({ body, now, principal, request, reply }) => {
      const job = await flagItems(
        store,
        body.itemIds,
        { now, ...(body.source !== undefined && { source: body.source }) },
        actorOf(principal, request.id),
      );
      reply.code(201);
      return job;
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/queue/jobs/:id',
    access: 'workflow:read',
    tags: ['queue'],
    summary: 'Get a review job',
    params: IdParams,
    responses: { 200: ReviewJobShape },
    handler: async ({ params }) =>
      found(await reviewJob(store, params.id), 'review job', params.id),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/queue/jobs/:id/release',
    access: 'queue:review',
    tags: ['queue'],
    summary: 'Give a claimed job back (release or skip)',
    description: 'With skip=true your next claims offer other jobs first.',
    params: IdParams,
    body: z.strictObject({ skip: z.boolean().default(false) }),
    responses: { 200: ReviewJobShape },
    handler: async ({ params, body, now, principal, request }) =>
      releaseJob(
        store,
        settings,
        params.id,
        { now, skip: body.skip },
        actorOf(principal, request.id),
      ),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/queue/jobs/:id/reassign',
    access: 'queue:assign',
    tags: ['queue'],
    summary: 'Give a job to another reviewer',
    params: IdParams,
    body: z.strictObject({ to: Id.describe('The account id of the reviewer.') }),
    responses: { 200: ReviewJobShape },
    handler: async ({ params, body, now, principal, request }) =>
      releaseJob(
        store,
        settings,
        params.id,
        { now, to: body.to },
        actorOf(principal, request.id),
        true,
      ),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/queue/jobs/:id/close',
    access: 'queue:review',
    tags: ['queue'],
    summary: 'Close a claimed job without restricting anything',
    description:
      'no-action (the content is lawful and within the terms; the notifier is to be told, ' +
      'Art. 16(5)), information-provided (an order to provide information was answered) or ' +
      'duplicate. The reasons go to the audit log.',
    params: IdParams,
    body: z.strictObject({
      outcome: z.enum(CLOSE_OUTCOMES),
      reasons: z.string().trim().min(1).max(2000),
    }),
    responses: { 200: ReviewJobShape },
    handler: async ({ params, body, now, principal, request }) =>
      closeJob(store, settings, params.id, body, now, actorOf(principal, request.id)),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/queue/jobs/:id/decision',
    access: 'queue:review',
    tags: ['decisions'],
    summary: 'Decide a claimed job',
    description:
      'Records the decision with its statement of reasons (Art. 17) and Transparency Database ' +
      'payload, closes the job, and queues the submission and the action webhook (when ' +
      'configured). With ?preview=true nothing is recorded: the response shows what would be.',
    params: IdParams,
    querystring: z.strictObject({
      preview: z
        .enum(['true', 'false'])
        .transform((value) => value === 'true')
        .default(false),
    }),
    body: DecisionBody,
    responses: { 201: StoredDecisionShape, 200: StoredDecisionShape },
    handler: async ({ params, query, body, now, principal, request, reply }) => {
      const decision = await decide(
        store,
        settings,
        params.id,
        body,
        now,
        actorOf(principal, request.id),
        { preview: query.preview },
      );
      reply.code(query.preview ? 200 : 201);
      return decision;
    },
  });

  // ---- Decisions and appeals ------------------------------------------------------------

  route(app, deps, {
    method: 'POST',
    url: '/v1/decisions/:id/appeals',
    access: 'appeals:file',
    tags: ['appeals'],
    summary: 'File an appeal (DSA Art. 20)',
    description:
      'Within six months of the decision. The appeal is queued for a reviewer other than the ' +
      'one who decided.',
    params: IdParams,
    body: z.strictObject({
      complainant: z.strictObject({
        id: Id.describe('The complainant’s id on the platform.'),
        role: z.enum(['affected-recipient', 'notifier']),
      }),
      reason: z.string().max(5000).optional(),
    }),
    responses: { 201: AppealShape },
    handler: async ({ params, body, now, principal, request, reply }) => {
      const filed = await appeal(store, params.id, body, now, actorOf(principal, request.id));
      reply.code(201);
      return filed;
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/appeals/:id/decision',
    access: 'queue:review',
    tags: ['appeals'],
    summary: 'Decide an appeal',
    description:
      'By the reviewer holding the appeal’s review job, who must not be the one who took the ' +
      'decision. upheld, reversed (lifts every restriction through the action webhook) or ' +
      'partially-reversed (lift names the restrictions lifted).',
    params: IdParams,
    body: z.strictObject({
      outcome: z.enum(['upheld', 'reversed', 'partially-reversed']),
      lift: z.array(z.string().max(100)).max(20).optional(),
      reasons: z.string().max(5000),
    }),
    responses: { 200: AppealShape },
    handler: async ({ params, body, now, principal, request }) =>
      decideAppealJob(store, settings, params.id, body, now, actorOf(principal, request.id)),
  });

  // ---- Referrals and holds --------------------------------------------------------------

  route(app, deps, {
    method: 'POST',
    url: '/v1/referrals',
    access: 'referrals:manage',
    tags: ['referrals'],
    summary: 'Draft a referral (DSA Art. 18 or CyberTipline)',
    body: Record_(
      'The referral: kind, destination, source, facts, incidentType (docs/workflow.md).',
    ),
    responses: { 201: ReferralShape },
    handler: async ({ body, now, principal, request, reply }) => {
      const referral = await createReferral(store, body, now, actorOf(principal, request.id));
      reply.code(201);
      return referral;
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/referrals/:id/payload',
    access: 'referrals:manage',
    tags: ['referrals'],
    summary: 'What the referral sends',
    description:
      'The Art. 18 notification (JSON) or the CyberTipline report (XML, elements in the ' +
      'schema’s order), built from the facts and the configured platform details.',
    params: IdParams,
    responses: {
      200: z.object({ kind: z.string(), body: z.unknown().optional(), xml: z.string().optional() }),
    },
    handler: async ({ params }) => {
      const referral = found(await store.workflow.getReferral(params.id), 'referral', params.id);
      return referralPayload(referral, settings);
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/referrals/:id/submit',
    access: 'referrals:manage',
    tags: ['referrals'],
    summary: 'Send a referral to its configured endpoint',
    description:
      'Queues the delivery (retried with backoff); the referral becomes submitted when it is ' +
      'delivered, and a CyberTipline submission starts its one-year preservation hold. 409 when ' +
      'no endpoint is configured: nothing is ever sent unless configured.',
    params: IdParams,
    responses: { 202: z.object({ referral: ReferralShape, job: z.string() }) },
    handler: async ({ params, now, principal, request, reply }) => {
      const queued = await submitReferral(
        store,
        settings,
        params.id,
        now,
        actorOf(principal, request.id),
      );
      reply.code(202);
      return queued;
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/referrals/:id/events',
    access: 'referrals:manage',
    tags: ['referrals'],
    summary: 'Record a referral’s progress',
    description:
      'submit (sent through another channel), acknowledge (with the recipient’s reference), ' +
      'fail (with the reason). A submitted CyberTipline report starts its preservation hold.',
    params: IdParams,
    body: z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('submit') }),
      z.strictObject({
        type: z.literal('acknowledge'),
        externalId: z.string().max(100).optional(),
      }),
      z.strictObject({ type: z.literal('fail'), reason: z.string().max(1000) }),
    ]),
    responses: { 200: z.object({ referral: ReferralShape, hold: StoredHoldShape.optional() }) },
    handler: async ({ params, body, now, principal, request }) =>
      referralEvent(store, params.id, body, now, actorOf(principal, request.id)),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/holds',
    access: 'holds:manage',
    tags: ['holds'],
    summary: 'Record a legal hold',
    description:
      'basis: cybertipline-report (1 year), 2703f (90 days, renewable once), ' +
      'e-evidence-preservation (60 + 30 days) or litigation (until released); scope: itemIds, ' +
      'evidenceIds, accountIds, caseIds (a case: its evidence and victim records). Data under a ' +
      'hold cannot be deleted.',
    body: Record_('The hold: basis, scope, start (default now), reference.'),
    responses: { 201: StoredHoldShape },
    handler: async ({ body, now, principal, request, reply }) => {
      const hold = await createHold(store, body, now, actorOf(principal, request.id));
      reply.code(201);
      return hold;
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/holds/reminders',
    access: 'workflow:read',
    tags: ['holds'],
    summary: 'Holds ending soon',
    querystring: z.strictObject({
      days: z.coerce.number().int().min(1).max(365).default(14),
    }),
    responses: { 200: z.object({ items: z.array(z.looseObject({})) }) },
    handler: async ({ query, now }) => ({ items: await holdReminders(store, now, query.days) }),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/holds/:id/renew',
    access: 'holds:manage',
    tags: ['holds'],
    summary: 'Renew a hold (2703(f), e-Evidence preservation)',
    params: IdParams,
    responses: { 200: StoredHoldShape },
    handler: async ({ params, now, principal, request }) =>
      changeHold(store, params.id, { type: 'renew' }, now, actorOf(principal, request.id)),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/holds/:id/release',
    access: 'holds:manage',
    tags: ['holds'],
    summary: 'Release a hold',
    params: IdParams,
    body: z.strictObject({ reason: z.string().trim().min(1).max(1000) }),
    responses: { 200: StoredHoldShape },
    handler: async ({ params, body, now, principal, request }) =>
      changeHold(
        store,
        params.id,
        { type: 'release', reason: body.reason },
        now,
        actorOf(principal, request.id),
      ),
  });

  route(app, deps, {
    method: 'DELETE',
    url: '/v1/items/:id',
    access: 'items:delete',
    tags: ['items'],
    summary: 'Delete an item',
    description: 'Refused (409 HOLD_ACTIVE) while a legal hold covers the item.',
    params: IdParams,
    responses: { 204: null },
    handler: async ({ params, now, principal, request, reply }) => {
      await deleteItem(store, params.id, now, actorOf(principal, request.id));
      return reply.code(204).send();
    },
  });

  // ---- Reading the records --------------------------------------------------------------

  const { workflow } = store;
  readRoutes(app, deps, {
    plural: 'notices',
    one: 'a notice',
    tag: 'notices',
    shape: StoredNoticeShape,
    filters: { state: z.enum(['open', 'decided']).optional() },
    list: (filter, at) => workflow.listNotices(filter, at),
    get: (id) => workflow.getNotice(id),
  });
  readRoutes(app, deps, {
    plural: 'orders',
    one: 'an order',
    tag: 'notices',
    shape: StoredOrderShape,
    list: (_filter, at) => workflow.listOrders(at),
    get: (id) => workflow.getOrder(id),
  });
  readRoutes(app, deps, {
    plural: 'decisions',
    one: 'a decision',
    tag: 'decisions',
    shape: StoredDecisionShape,
    list: (_filter, at) => workflow.listDecisions(at),
    get: (id) => workflow.getDecision(id),
  });
  readRoutes(app, deps, {
    plural: 'appeals',
    one: 'an appeal',
    tag: 'appeals',
    shape: AppealShape,
    filters: { state: z.enum(['filed', 'decided']).optional() },
    list: (filter, at) => workflow.listAppeals(filter, at),
    get: (id) => workflow.getAppeal(id),
  });
  readRoutes(app, deps, {
    plural: 'referrals',
    one: 'a referral',
    tag: 'referrals',
    shape: ReferralShape,
    list: (_filter, at) => workflow.listReferrals(at),
    get: (id) => workflow.getReferral(id),
  });
  readRoutes(app, deps, {
    plural: 'holds',
    one: 'a hold',
    tag: 'holds',
    shape: StoredHoldShape,
    list: (_filter, at) => workflow.listHolds(at),
    get: (id) => workflow.getHold(id),
  });

  // ---- Transparency report and reviewer settings ----------------------------------------

  route(app, deps, {
    method: 'GET',
    url: '/v1/transparency',
    access: 'transparency:read',
    tags: ['transparency'],
    summary: 'The transparency report of a period',
    description:
      'Counts of notices (by notifier type and category), decisions (by source, automation, ' +
      'restriction), appeals (by outcome) and median times to action and to decide an appeal, ' +
      'over [from, to). format=csv gives the same figures as CSV.',
    querystring: z.strictObject({
      from: z.iso.datetime().describe('Start of the period (inclusive).'),
      to: z.iso.datetime().describe('End of the period (exclusive).'),
      format: z.enum(['json', 'csv']).default('json'),
    }),
    responses: {
      200: z.looseObject({}).describe('The report (JSON), or text/csv with format=csv.'),
    },
    handler: async ({ query, reply }) => {
      const from = new Date(query.from).toISOString();
      const to = new Date(query.to).toISOString();
      const report = await transparencyFor(store, { from, to });
      if (query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="transparency-${from.slice(0, 10)}-${to.slice(0, 10)}.csv"`,
          )
          .serializer((payload: unknown) => String(payload))
          .send(transparencyCsv(report));
      }
      return report;
    },
  });

  const SettingsShape = z.object({
    blur: z.number().int().min(0).max(100),
    grayscale: z.boolean(),
  });
  const DEFAULT_SETTINGS = { blur: 60, grayscale: false } as const;

  route(app, deps, {
    method: 'GET',
    url: '/v1/me/settings',
    access: 'authenticated',
    tags: ['accounts'],
    summary: 'Your reviewer wellness settings',
    description: 'Blur (0 to 100) and grayscale of images in the console.',
    responses: { 200: SettingsShape },
    handler: async ({ principal }) =>
      (await store.workflow.getSettings(principal.account.id)) ?? DEFAULT_SETTINGS,
  });

  route(app, deps, {
    method: 'PATCH',
    url: '/v1/me/settings',
    access: 'authenticated',
    tags: ['accounts'],
    summary: 'Change your reviewer wellness settings',
    body: z.strictObject({
      blur: z.number().int().min(0).max(100).optional(),
      grayscale: z.boolean().optional(),
    }),
    responses: { 200: SettingsShape },
    handler: async ({ body, principal, now }) => {
      const current = (await store.workflow.getSettings(principal.account.id)) ?? DEFAULT_SETTINGS;
      const next = {
        blur: body.blur ?? current.blur,
        grayscale: body.grayscale ?? current.grayscale,
      };
      await store.workflow.saveSettings(principal.account.id, next, now);
      return next;
    },
  });
}
