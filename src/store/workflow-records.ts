/**
 * The notice-and-action records in the database (repositories.ts WorkflowRepository). Each
 * record is stored whole as JSON, as the workflow module shaped and validated it; the columns
 * beside it exist for the queries below (state, time order, what a hold covers). Saving a record
 * that exists replaces it: records change by being re-derived from the pure functions (an
 * appeal decided, a referral moved along its status machine), not by column updates.
 */

import type { Appeal, Referral } from '../workflow/index.js';
import type { Db } from './database.js';
import type { SqlDialectName } from './migrations.js';
import type {
  Page,
  PageRequest,
  ReviewerSettings,
  ReviewJob,
  StoredDecision,
  StoredHold,
  StoredNotice,
  StoredOrder,
  WorkflowRepository,
} from './repositories.js';
import {
  chunks,
  current,
  decodeCursor,
  fromJson,
  inTransaction,
  pageLimit,
  pageOf,
  recordById,
  storedTime,
  toJson,
} from './service-common.js';

const TIME_ID = ['string', 'string'] as const;

/** The tables that list newest first by a time column and the id. */
type ListedTable = 'notice' | 'authority_order' | 'decision' | 'appeal' | 'referral' | 'legal_hold';

export function createWorkflowRepository(db: Db, dialect: SqlDialectName): WorkflowRepository {
  /** A page of `table`, newest first by `timeColumn`, then id; `where` narrows it. */
  async function listPage<T>(
    table: ListedTable,
    timeColumn: 'received_at' | 'decided_at' | 'filed_at' | 'created_at' | 'start',
    page: PageRequest,
    convert: (json: string) => T,
    where: readonly (readonly [string, string])[] = [],
  ): Promise<Page<T>> {
    const limit = pageLimit(page);
    // The tables share the (time, id, json) columns the listing needs; Kysely's types cannot
    // follow a table chosen at run time, so the query is built on a widened view of it.
    // biome-ignore lint/suspicious/noExplicitAny: see the comment above.
    let query = (current(db) as any)
      .selectFrom(table)
      .select([`${timeColumn} as at`, 'id', 'json']);
    for (const [column, value] of where) query = query.where(column, '=', value);
    if (page.cursor !== undefined) {
      const [at, id] = decodeCursor(page.cursor, TIME_ID);
      // biome-ignore lint/suspicious/noExplicitAny: the widened builder of the listing above.
      query = query.where((eb: any) => eb(eb.refTuple(timeColumn, 'id'), '<', eb.tuple(at, id)));
    }
    const rows: { at: string; id: string; json: string }[] = await query
      .orderBy(timeColumn, 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    return pageOf(
      rows,
      limit,
      (row) => [row.at, row.id],
      (row) => convert(row.json),
    );
  }

  const toReviewJob = (row: {
    id: string;
    subject: string;
    subject_id: string;
    item_ids: string;
    source: string;
    risk: number;
    deadline: string | null;
    created_at: string;
    state: string;
    claimed_by: string | null;
    claimed_at: string | null;
    lease_until: string | null;
    excluded_reviewer: string | null;
    skipped_by: string;
    done_at: string | null;
    outcome: string | null;
  }): ReviewJob => ({
    id: row.id,
    subject: row.subject as ReviewJob['subject'],
    subjectId: row.subject_id,
    itemIds: fromJson<string[]>(row.item_ids),
    source: row.source as ReviewJob['source'],
    risk: Number(row.risk),
    ...(row.deadline !== null && { deadline: row.deadline }),
    createdAt: row.created_at,
    state: row.state as ReviewJob['state'],
    ...(row.claimed_by !== null && { claimedBy: row.claimed_by }),
    ...(row.claimed_at !== null && { claimedAt: row.claimed_at }),
    ...(row.lease_until !== null && { leaseUntil: row.lease_until }),
    ...(row.excluded_reviewer !== null && { excludedReviewer: row.excluded_reviewer }),
    skippedBy: fromJson<string[]>(row.skipped_by),
    ...(row.done_at !== null && { doneAt: row.done_at }),
    ...(row.outcome !== null && { outcome: row.outcome }),
  });

  const holdRow = (stored: StoredHold) => ({
    id: stored.hold.id,
    basis: stored.hold.basis,
    start: storedTime(stored.hold.start, 'hold start'),
    expires_at: stored.expiresAt === undefined ? null : storedTime(stored.expiresAt),
    released_at: stored.hold.releasedAt === undefined ? null : storedTime(stored.hold.releasedAt),
    json: toJson(stored),
  });

  return {
    async saveNotice(stored, executor = current(db)) {
      const row = {
        id: stored.notice.id,
        received_at: storedTime(stored.notice.receivedAt, 'notice receipt'),
        notifier_type: stored.notice.notifier.type,
        state: stored.state,
        json: toJson(stored),
      };
      await executor
        .insertInto('notice')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet({ state: row.state, json: row.json }))
        .execute();
    },
    async getNotice(id, executor = current(db)) {
      return recordById<StoredNotice>(executor, 'notice', id);
    },
    async getNotices(ids, executor = current(db)) {
      const out: StoredNotice[] = [];
      for (const part of chunks([...new Set(ids)])) {
        const rows = await executor
          .selectFrom('notice')
          .select('json')
          .where('id', 'in', part)
          .execute();
        out.push(...rows.map((row) => fromJson<StoredNotice>(row.json)));
      }
      return out;
    },
    listNotices(filter, page) {
      return listPage(
        'notice',
        'received_at',
        page,
        (json) => fromJson<StoredNotice>(json),
        filter.state === undefined ? [] : [['state', filter.state]],
      );
    },

    async saveOrder(stored, executor = current(db)) {
      const row = {
        id: stored.order.id,
        kind: stored.order.kind,
        received_at: storedTime(stored.order.receivedAt, 'order receipt'),
        deadline: storedTime(stored.deadline, 'order deadline'),
        state: stored.state,
        json: toJson(stored),
      };
      await executor
        .insertInto('authority_order')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet({ state: row.state, json: row.json }))
        .execute();
    },
    async getOrder(id, executor = current(db)) {
      return recordById<StoredOrder>(executor, 'authority_order', id);
    },
    listOrders(page) {
      return listPage('authority_order', 'received_at', page, (json) =>
        fromJson<StoredOrder>(json),
      );
    },

    async saveReviewJob(job, executor = current(db)) {
      const row = {
        id: job.id,
        subject: job.subject,
        subject_id: job.subjectId,
        item_ids: toJson(job.itemIds),
        source: job.source,
        risk: job.risk,
        deadline: job.deadline === undefined ? null : storedTime(job.deadline, 'deadline'),
        created_at: storedTime(job.createdAt, 'job creation'),
        state: job.state,
        claimed_by: job.claimedBy ?? null,
        claimed_at: job.claimedAt === undefined ? null : storedTime(job.claimedAt),
        lease_until: job.leaseUntil === undefined ? null : storedTime(job.leaseUntil),
        excluded_reviewer: job.excludedReviewer ?? null,
        skipped_by: toJson(job.skippedBy),
        done_at: job.doneAt === undefined ? null : storedTime(job.doneAt),
        outcome: job.outcome ?? null,
      };
      const { id: _id, ...changes } = row;
      await executor
        .insertInto('review_job')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(changes))
        .execute();
    },
    async getReviewJob(id, executor = current(db)) {
      const row = await executor
        .selectFrom('review_job')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : toReviewJob(row);
    },
    async pendingReviewJobFor(subject, subjectId, executor = current(db)) {
      // review_job_subject serves this: a subject has a handful of jobs at most.
      const row = await executor
        .selectFrom('review_job')
        .selectAll()
        .where('subject', '=', subject)
        .where('subject_id', '=', subjectId)
        .where('state', 'in', ['open', 'claimed'])
        .orderBy('created_at')
        .executeTakeFirst();
      return row === undefined ? undefined : toReviewJob(row);
    },
    async pendingReviewJobs(limit, executor = current(db)) {
      const rows = await executor
        .selectFrom('review_job')
        .selectAll()
        .where('state', 'in', ['open', 'claimed'])
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toReviewJob);
    },
    async claimReviewJob(id, reviewer, now, leaseUntil, executor = current(db)) {
      const at = storedTime(now);
      const result = await executor
        .updateTable('review_job')
        .set({
          state: 'claimed',
          claimed_by: reviewer,
          claimed_at: at,
          lease_until: storedTime(leaseUntil),
        })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb('state', '=', 'open'),
            eb.and([eb('state', '=', 'claimed'), eb('lease_until', '<=', at)]),
            eb.and([eb('state', '=', 'claimed'), eb('claimed_by', '=', reviewer)]),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async listReviewJobs(filter, page) {
      const limit = pageLimit(page);
      let query = current(db).selectFrom('review_job').selectAll();
      if (filter.state !== undefined) query = query.where('state', '=', filter.state);
      if (filter.claimedBy !== undefined) query = query.where('claimed_by', '=', filter.claimedBy);
      if (page.cursor !== undefined) {
        const [at, id] = decodeCursor(page.cursor, TIME_ID);
        query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(at, id)));
      }
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return pageOf(rows, limit, (row) => [row.created_at, row.id], toReviewJob);
    },

    async saveDecision(stored, executor = current(db)) {
      const row = {
        id: stored.id,
        decided_at: storedTime(stored.decidedAt, 'decision time'),
        source: stored.source,
        notice_id: stored.noticeId ?? null,
        job_id: stored.jobId ?? null,
        reviewer_id: stored.reviewerId,
        tdb_state: stored.submission.state,
        tdb_error: stored.submission.error ?? null,
        tdb_at: stored.submission.at === undefined ? null : storedTime(stored.submission.at),
        json: toJson(stored),
      };
      await executor
        .insertInto('decision')
        .values(row)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            tdb_state: row.tdb_state,
            tdb_error: row.tdb_error,
            tdb_at: row.tdb_at,
            json: row.json,
          }),
        )
        .execute();
    },
    async getDecision(id, executor = current(db)) {
      return recordById<StoredDecision>(executor, 'decision', id);
    },
    listDecisions(page) {
      return listPage('decision', 'decided_at', page, (json) => fromJson<StoredDecision>(json));
    },
    async pendingSubmissions(limit, executor = current(db)) {
      const rows = await executor
        .selectFrom('decision')
        .select('json')
        .where('tdb_state', '=', 'pending')
        .orderBy('decided_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => fromJson<StoredDecision>(row.json));
    },

    async saveAppeal(appeal, executor = current(db)) {
      const row = {
        id: appeal.id,
        decision_id: appeal.decision.id,
        state: appeal.state,
        filed_at: storedTime(appeal.filedAt, 'filing time'),
        decided_at:
          appeal.outcome === undefined ? null : storedTime(appeal.outcome.decidedAt, 'outcome'),
        json: toJson(appeal),
      };
      await executor
        .insertInto('appeal')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet({ state: row.state, decided_at: row.decided_at, json: row.json }),
        )
        .execute();
    },
    async getAppeal(id, executor = current(db)) {
      return recordById<Appeal>(executor, 'appeal', id);
    },
    async appealsOf(decisionId, executor = current(db)) {
      const rows = await executor
        .selectFrom('appeal')
        .select('json')
        .where('decision_id', '=', decisionId)
        .orderBy('filed_at')
        .orderBy('id')
        .execute();
      return rows.map((row) => fromJson<Appeal>(row.json));
    },
    listAppeals(filter, page) {
      return listPage(
        'appeal',
        'filed_at',
        page,
        (json) => fromJson<Appeal>(json),
        filter.state === undefined ? [] : [['state', filter.state]],
      );
    },

    async saveReferral(referral, executor = current(db)) {
      const row = {
        id: referral.id,
        kind: referral.kind,
        status: referral.status,
        created_at: storedTime(referral.createdAt, 'referral creation'),
        json: toJson(referral),
      };
      await executor
        .insertInto('referral')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet({ status: row.status, json: row.json }))
        .execute();
    },
    async getReferral(id, executor = current(db)) {
      return recordById<Referral>(executor, 'referral', id);
    },
    listReferrals(page) {
      return listPage('referral', 'created_at', page, (json) => fromJson<Referral>(json));
    },

    async saveHold(stored, executor) {
      const row = holdRow(stored);
      const { id: _id, ...changes } = row;
      const scope = stored.hold.scope;
      const targets = [
        ...scope.itemIds.map((id) => `item:${id}`),
        ...scope.evidenceIds.map((id) => `evidence:${id}`),
        ...scope.accountIds.map((id) => `account:${id}`),
        ...scope.caseIds.map((id) => `case:${id}`),
      ];
      await inTransaction(db, executor, dialect, async (trx) => {
        await trx
          .insertInto('legal_hold')
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet(changes))
          .execute();
        await trx.deleteFrom('hold_target').where('hold_id', '=', row.id).execute();
        for (const part of chunks([...new Set(targets)])) {
          await trx
            .insertInto('hold_target')
            .values(part.map((target) => ({ hold_id: row.id, target })))
            .execute();
        }
      });
    },
    async getHold(id, executor = current(db)) {
      return recordById<StoredHold>(executor, 'legal_hold', id);
    },
    listHolds(page) {
      return listPage('legal_hold', 'start', page, (json) => fromJson<StoredHold>(json));
    },
    async holdsCovering(targets, executor = current(db)) {
      const found = new Map<string, StoredHold>();
      for (const part of chunks([...new Set(targets)])) {
        const rows = await executor
          .selectFrom('hold_target')
          .innerJoin('legal_hold', 'legal_hold.id', 'hold_target.hold_id')
          .select(['legal_hold.id', 'legal_hold.json'])
          .where('hold_target.target', 'in', part)
          .execute();
        for (const row of rows) found.set(row.id, fromJson<StoredHold>(row.json));
      }
      return [...found.values()];
    },

    async getSettings(accountId) {
      const row = await current(db)
        .selectFrom('reviewer_settings')
        .select('json')
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return row === undefined ? undefined : fromJson<ReviewerSettings>(row.json);
    },
    async saveSettings(accountId, settings, now) {
      const row = { account_id: accountId, json: toJson(settings), updated_at: storedTime(now) };
      await current(db)
        .insertInto('reviewer_settings')
        .values(row)
        .onConflict((oc) =>
          oc.column('account_id').doUpdateSet({ json: row.json, updated_at: row.updated_at }),
        )
        .execute();
    },

    async periodRecords(period) {
      const from = storedTime(period.from, 'period start');
      const to = storedTime(period.to, 'period end');
      const executor = current(db);
      const decisions = (
        await executor
          .selectFrom('decision')
          .select('json')
          .where('decided_at', '>=', from)
          .where('decided_at', '<', to)
          .execute()
      ).map((row) => fromJson<StoredDecision>(row.json));
      const received = (
        await executor
          .selectFrom('notice')
          .select('json')
          .where('received_at', '>=', from)
          .where('received_at', '<', to)
          .execute()
      ).map((row) => fromJson<StoredNotice>(row.json));
      const have = new Set(received.map((stored) => stored.notice.id));
      const answered = decisions
        .map((decision) => decision.noticeId)
        .filter((id): id is string => id !== undefined && !have.has(id));
      const notices = [...received, ...(await this.getNotices(answered, executor))];
      const appeals = (
        await executor
          .selectFrom('appeal')
          .select('json')
          .where((eb) =>
            eb.or([
              eb.and([eb('filed_at', '>=', from), eb('filed_at', '<', to)]),
              eb.and([eb('decided_at', '>=', from), eb('decided_at', '<', to)]),
            ]),
          )
          .execute()
      ).map((row) => fromJson<Appeal>(row.json));
      return { notices, decisions, appeals };
    },
  };
}
