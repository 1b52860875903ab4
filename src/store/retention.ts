/**
 * Retention: how long the service keeps what it stores, and the run that removes what has
 * outlived its period (DESIGN.md "jobs": retention). A period is a whole number of days per type
 * of data; a type without one is kept. What a run does, per type:
 *
 * - `items`: an ingested item whose receipt (`item.received_at`) is more than `items` days before
 *   the run is deleted (with its identifier index entries), unless an active legal hold covers
 *   `item:<id>` or a case links it (case_link kind `item`): a case keeps its items. Each deletion
 *   appends a `disposed` custody event naming the item's raw capture as ingest's `collected`
 *   event did (`ev_<id without itm_>`, the stored SHA-256 of its canonical JSON), in the same
 *   transaction as the delete.
 * - `victimData`: the sealed personal data of a victim in a case that is `closed` and was last
 *   changed more than `victimData` days before the run is crypto-shredded (person-service.ts
 *   shredVictimRecord, actor `system:retention`: its key is dropped, a `disposed` custody event
 *   appended), unless an active hold covers `case:<caseId>` or `person:<personId>`.
 * - `evidence`: an evidence record (the `evidence` table) whose cases (its own case id and the
 *   cases that link it, kind `evidence`) are all `closed` and were last changed more than
 *   `evidence` days before the run is disposed: a `disposed` custody event naming it, the record
 *   deleted, and its file removed from the evidence store once no other record names the same
 *   SHA-256. An active hold on `evidence:<id>` or on `case:<caseId>` of any of its cases keeps
 *   it, and so does a case id that is no case of the service (its state is unknown).
 *
 * "Closed for longer than the period" is measured from the case's `updatedAt` while its status
 * is `closed`: every change to a case moves it, so a change after closing restarts the period
 * (data is kept longer, never shorter). Retention itself never moves it. Archived and open cases
 * keep everything.
 *
 * A hold is active from the moment it is recorded until it expires or is released
 * (workflow/holds.ts); a hold that cannot be read counts as active. Holds name their targets as
 * strings ("item:itm_…", "evidence:ev_…", "case:case_…", "person:prs_…").
 *
 * A run reads candidates, plans with the pure `planRetention` (nothing held is planned, nothing
 * younger than its period is planned), then acts, re-checking each deletion inside its own
 * transaction (a hold or a case link that appeared meanwhile keeps the data). Deletions commit
 * with their custody events one batch at a time, so a run that stops half way leaves no
 * half-done deletion, and running it again simply finds less to do. The run's audit record,
 * `retention.run` (actor `system:retention`), holds counts only.
 */
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { canonicalBytes } from '../ledger/canonical-json.js';
import {
  CUSTODY_FORMAT,
  type CustodyEvent,
  custodyLeaf,
  type EvidenceRef,
} from '../ledger/custody.js';
import { isVigilError, VigilError } from '../shared/errors.js';
import { holdExpiry } from '../workflow/index.js';
import type { BlobStore } from './blobs.js';
import type { LedgerStore } from './ledger-store.js';
import { shredVictimRecord } from './person-service.js';
import type { Executor, ServiceStore, StoredHold } from './repositories.js';
import { chunks, fromJson, storedTime } from './service-common.js';
import { refuseHeldItem } from './workflow-service.js';

export const DAY_MS = 86_400_000;
/** The actor of everything a retention run does. */
export const RETENTION_ACTOR = 'system:retention';
/** The longest period that can be set, in days (100 years). */
export const MAX_RETENTION_DAYS = 36_500;

/** Days each type of data is kept; undefined keeps it. */
export interface RetentionPolicy {
  readonly items?: number;
  readonly victimData?: number;
  readonly evidence?: number;
}

/** A case as retention sees it: whether it is closed, and since when (its last change). */
export interface CaseState {
  readonly id: string;
  /** `open`, `closed`, `archived`, or `unknown` for a case id that is no case of the service. */
  readonly status: string;
  readonly updatedAt: string;
}

export interface RetentionCandidates {
  readonly items: readonly {
    readonly id: string;
    readonly receivedAt: string;
    /** The cases that link the item. */
    readonly caseIds: readonly string[];
  }[];
  /** Victims whose sealed data is not yet shredded. */
  readonly victims: readonly { readonly personId: string; readonly case: CaseState }[];
  readonly evidence: readonly { readonly id: string; readonly cases: readonly CaseState[] }[];
}

/** A legal hold as the planner needs it: its targets among the candidates, and its end. */
export interface RetentionHold {
  readonly id: string;
  readonly targets: readonly string[];
  /** ISO 8601; null while it lasts until released. */
  readonly expiresAt: string | null;
}

/** What a hold keeps, and which holds. */
export interface Kept {
  readonly id: string;
  readonly holds: readonly string[];
}

export interface RetentionPlan {
  readonly items: {
    readonly delete: readonly string[];
    readonly held: readonly Kept[];
    /** Expired, but linked to a case. */
    readonly inCase: readonly string[];
  };
  readonly victimData: {
    readonly shred: readonly { readonly personId: string; readonly caseId: string }[];
    readonly held: readonly (Kept & { readonly caseId: string })[];
  };
  readonly evidence: { readonly dispose: readonly string[]; readonly held: readonly Kept[] };
}

export interface RetentionSummary {
  readonly items: { readonly deleted: number; readonly held: number };
  readonly victimData: { readonly shredded: number; readonly held: number };
  /** `blobsDeleted`: evidence files removed because no record named them any more. */
  readonly evidence: {
    readonly disposed: number;
    readonly held: number;
    readonly blobsDeleted: number;
  };
}

// ---------------------------------------------------------------------------------------------
// Pure planning

/** Whether `time` lies more than `days` days before `nowMs`. */
function expired(time: string, days: number, nowMs: number): boolean {
  const at = Date.parse(time);
  return Number.isFinite(at) && nowMs - at > days * DAY_MS;
}

/** Whether a case is closed, and was last changed more than `days` days before `nowMs`. */
function closedLongAgo(file: CaseState, days: number, nowMs: number): boolean {
  return file.status === 'closed' && expired(file.updatedAt, days, nowMs);
}

/**
 * What a run deletes and what holds keep, from the candidates a run read: pure, so that the
 * rules can be tested on their own. `now` is ISO 8601. A hold keeps a target while it is
 * active at `now` (no expiry, or an expiry after `now`).
 */
export function planRetention(
  now: string,
  policy: RetentionPolicy,
  candidates: RetentionCandidates,
  holds: readonly RetentionHold[],
): RetentionPlan {
  const nowMs = Date.parse(now);
  if (!Number.isFinite(nowMs)) throw new TypeError(`The time "${now}" is not ISO 8601.`);
  const active = new Map<string, string[]>();
  for (const hold of holds) {
    if (hold.expiresAt !== null && !(nowMs < Date.parse(hold.expiresAt))) continue;
    for (const target of hold.targets) {
      const ids = active.get(target) ?? [];
      if (!ids.includes(hold.id)) ids.push(hold.id);
      active.set(target, ids);
    }
  }
  const holdsOn = (targets: readonly string[]) => [
    ...new Set(targets.flatMap((target) => active.get(target) ?? [])),
  ];

  const items: { delete: string[]; held: Kept[]; inCase: string[] } = {
    delete: [],
    held: [],
    inCase: [],
  };
  if (policy.items !== undefined) {
    for (const item of candidates.items) {
      if (!expired(item.receivedAt, policy.items, nowMs)) continue;
      if (item.caseIds.length > 0) {
        items.inCase.push(item.id);
        continue;
      }
      const keeping = holdsOn([`item:${item.id}`]);
      if (keeping.length > 0) items.held.push({ id: item.id, holds: keeping });
      else items.delete.push(item.id);
    }
  }

  const victimData: {
    shred: { personId: string; caseId: string }[];
    held: (Kept & { caseId: string })[];
  } = { shred: [], held: [] };
  if (policy.victimData !== undefined) {
    for (const victim of candidates.victims) {
      if (!closedLongAgo(victim.case, policy.victimData, nowMs)) continue;
      const caseId = victim.case.id;
      const keeping = holdsOn([`case:${caseId}`, `person:${victim.personId}`]);
      if (keeping.length > 0) victimData.held.push({ id: victim.personId, caseId, holds: keeping });
      else victimData.shred.push({ personId: victim.personId, caseId });
    }
  }

  const evidence: { dispose: string[]; held: Kept[] } = { dispose: [], held: [] };
  const evidenceDays = policy.evidence;
  if (evidenceDays !== undefined) {
    for (const record of candidates.evidence) {
      if (record.cases.length === 0) continue;
      if (!record.cases.every((file) => closedLongAgo(file, evidenceDays, nowMs))) continue;
      const keeping = holdsOn([
        `evidence:${record.id}`,
        ...record.cases.map((file) => `case:${file.id}`),
      ]);
      if (keeping.length > 0) evidence.held.push({ id: record.id, holds: keeping });
      else evidence.dispose.push(record.id);
    }
  }
  return { items, victimData, evidence };
}

// ---------------------------------------------------------------------------------------------
// Reading candidates and holds

/** Items read, planned and deleted at a time (one custody event and transaction per batch). */
const ITEM_BATCH = 200;
const TOOL = { name: 'vigil', version: '0.1.0' } as const;

const cutoffOf = (nowMs: number, days: number) => new Date(nowMs - days * DAY_MS).toISOString();

/** When a stored hold ends; a hold that cannot be read counts as lasting (data is kept). */
function expiryOf(json: string): string | null {
  try {
    return holdExpiry(fromJson<StoredHold>(json).hold);
  } catch {
    return null;
  }
}

/** The holds naming any of `targets`, with the targets they name among them. */
async function holdsNaming(
  executor: Executor,
  targets: readonly string[],
): Promise<RetentionHold[]> {
  const found = new Map<string, { id: string; targets: string[]; expiresAt: string | null }>();
  for (const part of chunks([...new Set(targets)])) {
    const rows = await executor
      .selectFrom('hold_target')
      .innerJoin('legal_hold', 'legal_hold.id', 'hold_target.hold_id')
      .select(['hold_target.target', 'legal_hold.id', 'legal_hold.json'])
      .where('hold_target.target', 'in', part)
      .execute();
    for (const row of rows) {
      const hold = found.get(row.id) ?? { id: row.id, targets: [], expiresAt: expiryOf(row.json) };
      hold.targets.push(row.target);
      found.set(row.id, hold);
    }
  }
  return [...found.values()];
}

/** The ids of the active holds naming any of `targets` at `now`. */
async function activeHoldIds(
  executor: Executor,
  targets: readonly string[],
  now: string,
): Promise<string[]> {
  const nowMs = Date.parse(now);
  return (await holdsNaming(executor, targets))
    .filter((hold) => hold.expiresAt === null || nowMs < Date.parse(hold.expiresAt))
    .map((hold) => hold.id);
}

/** The cases linking each of `ids` (case_link of this kind). */
async function linkingCases(
  executor: Executor,
  kind: 'item' | 'evidence',
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const cases = new Map<string, string[]>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await executor
      .selectFrom('case_link')
      .select(['case_id', 'target_id'])
      .where('kind', '=', kind)
      .where('target_id', 'in', part)
      .execute();
    for (const row of rows)
      cases.set(row.target_id, [...(cases.get(row.target_id) ?? []), row.case_id]);
  }
  return cases;
}

/** The state of each case id; ids that name no case are `unknown`. */
async function caseStates(
  executor: Executor,
  ids: readonly string[],
): Promise<Map<string, CaseState>> {
  const states = new Map<string, CaseState>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await executor
      .selectFrom('case_file')
      .select(['id', 'status', 'updated_at'])
      .where('id', 'in', part)
      .execute();
    for (const row of rows) {
      states.set(row.id, { id: row.id, status: row.status, updatedAt: row.updated_at });
    }
  }
  for (const id of ids) {
    if (!states.has(id)) states.set(id, { id, status: 'unknown', updatedAt: '' });
  }
  return states;
}

/** Closed cases last changed before `cutoff`. */
async function closedCasesBefore(executor: Executor, cutoff: string): Promise<string[]> {
  const rows = await executor
    .selectFrom('case_file')
    .select('id')
    .where('status', '=', 'closed')
    .where('updated_at', '<', cutoff)
    .execute();
  return rows.map((row) => row.id);
}

interface ItemRow {
  readonly id: string;
  readonly source: string;
  readonly external_id: string;
  readonly item: string;
  readonly sha256: string;
  readonly received_at: string;
}

/** The next page of items received before `cutoff`, after `after` in (received_at, id) order. */
async function expiredItems(
  executor: Executor,
  cutoff: string,
  after: { readonly receivedAt: string; readonly id: string } | undefined,
): Promise<ItemRow[]> {
  let query = executor
    .selectFrom('item')
    .select(['id', 'source', 'external_id', 'item', 'sha256', 'received_at'])
    .where('received_at', '<', cutoff);
  if (after !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('received_at', '>', after.receivedAt),
        eb.and([eb('received_at', '=', after.receivedAt), eb('id', '>', after.id)]),
      ]),
    );
  }
  return query.orderBy('received_at').orderBy('id').limit(ITEM_BATCH).execute();
}

interface EvidenceRow {
  readonly id: string;
  readonly case_id: string;
  readonly sha256: string;
  readonly size: number;
  readonly name: string;
  readonly media_type: string;
}

/** The evidence of these cases (own case id or a case link), with all the cases of each. */
async function evidenceOfCases(
  executor: Executor,
  caseIds: readonly string[],
): Promise<{ rows: Map<string, EvidenceRow>; cases: Map<string, string[]> }> {
  const ids = new Set<string>();
  for (const part of chunks(caseIds)) {
    const own = await executor
      .selectFrom('evidence')
      .select('id')
      .where('case_id', 'in', part)
      .execute();
    for (const row of own) ids.add(row.id);
    const linked = await executor
      .selectFrom('case_link')
      .select('target_id')
      .where('kind', '=', 'evidence')
      .where('case_id', 'in', part)
      .execute();
    for (const row of linked) ids.add(row.target_id);
  }
  const rows = new Map<string, EvidenceRow>();
  for (const part of chunks([...ids])) {
    const found = await executor
      .selectFrom('evidence')
      .select(['id', 'case_id', 'sha256', 'size', 'name', 'media_type'])
      .where('id', 'in', part)
      .execute();
    for (const row of found) rows.set(row.id, { ...row, size: Number(row.size) });
  }
  const links = await linkingCases(executor, 'evidence', [...rows.keys()]);
  const cases = new Map<string, string[]>();
  for (const row of rows.values()) {
    cases.set(row.id, [...new Set([row.case_id, ...(links.get(row.id) ?? [])])]);
  }
  return { rows, cases };
}

// ---------------------------------------------------------------------------------------------
// The run

export interface RetentionOptions {
  readonly policy: RetentionPolicy;
  /** ISO 8601: the run's clock. */
  readonly now: string;
  /** The evidence store; required when the policy has an evidence period. */
  readonly blobs?: BlobStore;
  /** Plan only: nothing is deleted and nothing written, not even the audit record. */
  readonly dryRun?: boolean;
  /**
   * Write the `retention.run` audit record (default true). The retention job writes it itself,
   * in the transaction that completes the job.
   */
  readonly record?: boolean;
  /** Each plan as it is made (items come in batches): for printing a dry run. */
  readonly onPlan?: (plan: RetentionPlan) => void;
}

/** Thrown inside a deletion's transaction when what was planned changed: nothing is written. */
class Changed extends Error {}

/** A hold, a case link or a concurrent deletion stopped this deletion. */
function stopped(error: unknown): boolean {
  return (
    error instanceof Changed ||
    (isVigilError(error) &&
      ['HOLD_ACTIVE', 'NOT_FOUND', 'VICTIM_DATA_DESTROYED', 'CONFLICT'].includes(error.code))
  );
}

function requireLedger(store: ServiceStore): LedgerStore {
  if (store.ledger === undefined) {
    throw new VigilError(
      'STORE_UNAVAILABLE',
      'This store has no evidence ledger, and retention deletes nothing without a custody event in it.',
    );
  }
  return store.ledger;
}

function checkPolicy(policy: RetentionPolicy): void {
  for (const key of ['items', 'victimData', 'evidence'] as const) {
    const days = policy[key];
    if (days === undefined) continue;
    if (!(Number.isInteger(days) && days >= 1 && days <= MAX_RETENTION_DAYS)) {
      throw new VigilError(
        'CONFIG_INVALID',
        `The retention period for ${key} must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}.`,
        { details: { setting: key } },
      );
    }
  }
}

function disposedEvent(
  evidence: readonly EvidenceRef[],
  caseName: string,
  purpose: string,
  now: string,
): CustodyEvent {
  return {
    format: CUSTODY_FORMAT,
    type: 'disposed',
    time: now,
    actor: { id: RETENTION_ACTOR },
    evidence: [...evidence],
    case: caseName.slice(0, 200) || 'retention',
    purpose,
    tool: TOOL,
    host: hostname().slice(0, 255) || 'unknown',
  };
}

/** The evidence reference of an item's raw capture, as ingest's `collected` event made it. */
function itemRef(row: ItemRow): EvidenceRef {
  let size: number | undefined;
  try {
    size = canonicalBytes(JSON.parse(row.item)).length;
  } catch {
    size = undefined;
  }
  return {
    id: `ev_${row.id.slice('itm_'.length)}`,
    sha256: row.sha256,
    ...(size !== undefined && { size }),
    name: `${row.source}/${row.external_id}`.slice(0, 255),
    mediaType: 'application/json',
  };
}

/**
 * Runs retention once: reads candidates, plans, and (unless `dryRun`) deletes, shreds and
 * disposes, each with its custody event, then writes the `retention.run` audit record.
 * Returns the counts (for a dry run: what would be done).
 */
export async function runRetention(
  store: ServiceStore,
  options: RetentionOptions,
): Promise<RetentionSummary> {
  const { policy, dryRun = false } = options;
  const now = storedTime(options.now, 'retention time');
  const nowMs = Date.parse(now);
  checkPolicy(policy);
  if (!dryRun) {
    requireLedger(store);
    if (policy.evidence !== undefined && options.blobs === undefined) {
      throw new VigilError(
        'CONFIG_INVALID',
        'An evidence retention period is set, but the run has no evidence store to remove files from.',
        { details: { setting: 'evidence' } },
      );
    }
  }
  const counts = {
    items: { deleted: 0, held: 0 },
    victimData: { shredded: 0, held: 0 },
    evidence: { disposed: 0, held: 0, blobsDeleted: 0 },
  };
  const report = (plan: RetentionPlan) => options.onPlan?.(plan);
  const empty: RetentionCandidates = { items: [], victims: [], evidence: [] };

  // Items, a batch at a time.
  if (policy.items !== undefined) {
    const cutoff = cutoffOf(nowMs, policy.items);
    let after: { receivedAt: string; id: string } | undefined;
    for (;;) {
      const rows = await expiredItems(store.db, cutoff, after);
      const last = rows.at(-1);
      if (last === undefined) break;
      after = { receivedAt: last.received_at, id: last.id };
      const ids = rows.map((row) => row.id);
      const links = await linkingCases(store.db, 'item', ids);
      const holds = await holdsNaming(
        store.db,
        ids.map((id) => `item:${id}`),
      );
      const plan = planRetention(
        now,
        { items: policy.items },
        {
          ...empty,
          items: rows.map((row) => ({
            id: row.id,
            receivedAt: row.received_at,
            caseIds: links.get(row.id) ?? [],
          })),
        },
        holds,
      );
      report(plan);
      counts.items.held += plan.items.held.length;
      if (dryRun) {
        counts.items.deleted += plan.items.delete.length;
        continue;
      }
      const byId = new Map(rows.map((row) => [row.id, row]));
      const outcome = await deleteItems(
        store,
        plan.items.delete.map((id) => byId.get(id) as ItemRow),
        policy.items,
        now,
      );
      counts.items.deleted += outcome.deleted;
      counts.items.held += outcome.held;
    }
  }

  // Victim data of cases closed long ago.
  if (policy.victimData !== undefined) {
    const closed = await closedCasesBefore(store.db, cutoffOf(nowMs, policy.victimData));
    const states = await caseStates(store.db, closed);
    const victims: { personId: string; case: CaseState }[] = [];
    for (const part of chunks(closed)) {
      const rows = await store.db
        .selectFrom('person')
        .select(['id', 'case_id'])
        .where('case_id', 'in', part)
        .where('sealed', 'is not', null)
        .where('shredded_at', 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      for (const row of rows) {
        const file = states.get(row.case_id);
        if (file !== undefined) victims.push({ personId: row.id, case: file });
      }
    }
    const holds = await holdsNaming(store.db, [
      ...closed.map((id) => `case:${id}`),
      ...victims.map((victim) => `person:${victim.personId}`),
    ]);
    const plan = planRetention(
      now,
      { victimData: policy.victimData },
      { ...empty, victims },
      holds,
    );
    report(plan);
    counts.victimData.held += plan.victimData.held.length;
    if (dryRun) counts.victimData.shredded += plan.victimData.shred.length;
    else {
      for (const victim of plan.victimData.shred) {
        const outcome = await shredVictim(store, victim, policy.victimData, now);
        if (outcome === 'shredded') counts.victimData.shredded += 1;
        if (outcome === 'held') counts.victimData.held += 1;
      }
    }
  }

  // Evidence of cases closed long ago.
  if (policy.evidence !== undefined) {
    const closed = await closedCasesBefore(store.db, cutoffOf(nowMs, policy.evidence));
    const { rows, cases } = await evidenceOfCases(store.db, closed);
    const states = await caseStates(store.db, [...cases.values()].flat());
    const evidence = [...rows.keys()].sort().map((id) => ({
      id,
      cases: (cases.get(id) ?? []).map((caseId) => states.get(caseId) as CaseState),
    }));
    const holds = await holdsNaming(store.db, [
      ...evidence.map((record) => `evidence:${record.id}`),
      ...[...states.keys()].map((id) => `case:${id}`),
    ]);
    const plan = planRetention(now, { evidence: policy.evidence }, { ...empty, evidence }, holds);
    report(plan);
    counts.evidence.held += plan.evidence.held.length;
    if (dryRun) counts.evidence.disposed += plan.evidence.dispose.length;
    else {
      for (const id of plan.evidence.dispose) {
        const row = rows.get(id) as EvidenceRow;
        const outcome = await disposeEvidence(
          store,
          row,
          cases.get(id) ?? [],
          policy.evidence,
          now,
          options.blobs as BlobStore,
        );
        if (outcome === 'held') counts.evidence.held += 1;
        if (outcome === 'disposed' || outcome === 'disposed+blob') counts.evidence.disposed += 1;
        if (outcome === 'disposed+blob') counts.evidence.blobsDeleted += 1;
      }
    }
  }

  const summary: RetentionSummary = counts;
  if (!dryRun && options.record !== false) {
    await store.transaction((trx) => recordRetentionRun(store, policy, summary, now, trx));
  }
  return summary;
}

/** The run's audit record: the policy and the counts, nothing of the data. */
export async function recordRetentionRun(
  store: ServiceStore,
  policy: RetentionPolicy,
  summary: RetentionSummary,
  now: string,
  trx: Executor,
): Promise<void> {
  await store.audit.record(
    {
      at: now,
      actor: RETENTION_ACTOR,
      action: 'retention.run',
      target: 'retention',
      details: {
        policy: { ...policy },
        items: { ...summary.items },
        victimData: { ...summary.victimData },
        evidence: { ...summary.evidence },
      },
    },
    trx,
  );
}

// ---------------------------------------------------------------------------------------------
// Deletions, each re-checked in its own transaction

/**
 * Deletes a batch of expired items with one `disposed` event listing them, re-checking inside
 * the transaction that each still exists unchanged, no case links it and no hold covers it. If
 * anything changed, the batch is tried again one item at a time, skipping what changed.
 */
async function deleteItems(
  store: ServiceStore,
  rows: readonly ItemRow[],
  days: number,
  now: string,
): Promise<{ deleted: number; held: number }> {
  if (rows.length === 0) return { deleted: 0, held: 0 };
  const ledger = requireLedger(store);
  const purpose = `Retention: items are kept ${days} days after receipt; the item's period ended and no legal hold or case keeps it.`;
  const attempt = async (batch: readonly ItemRow[]) => {
    const event = disposedEvent(batch.map(itemRef), 'ingest', purpose, now);
    await ledger.append([custodyLeaf(event)], async (trx) => {
      const ids = batch.map((row) => row.id);
      const stored = new Map<string, string>();
      for (const part of chunks(ids)) {
        const found = await trx
          .selectFrom('item')
          .select(['id', 'sha256'])
          .where('id', 'in', part)
          .execute();
        for (const row of found) stored.set(row.id, row.sha256);
      }
      if (batch.some((row) => stored.get(row.id) !== row.sha256)) throw new Changed();
      if ((await linkingCases(trx, 'item', ids)).size > 0) throw new Changed();
      for (const row of batch) {
        await refuseHeldItem(store, row.id, now, trx);
        await store.items.delete(row.id, trx);
      }
    });
  };
  try {
    await attempt(rows);
    return { deleted: rows.length, held: 0 };
  } catch (error) {
    if (!stopped(error)) throw error;
  }
  let deleted = 0;
  let held = 0;
  for (const row of rows) {
    try {
      await attempt([row]);
      deleted += 1;
    } catch (error) {
      if (!stopped(error)) throw error;
      if (isVigilError(error) && error.code === 'HOLD_ACTIVE') held += 1;
    }
  }
  return { deleted, held };
}

/** Inside a deletion's transaction: the cases are still closed long enough and nothing holds. */
async function recheck(
  trx: Executor,
  caseIds: readonly string[],
  targets: readonly string[],
  days: number,
  now: string,
): Promise<void> {
  const nowMs = Date.parse(now);
  const states = await caseStates(trx, caseIds);
  if (![...states.values()].every((file) => closedLongAgo(file, days, nowMs))) throw new Changed();
  const holding = await activeHoldIds(trx, [...targets, ...caseIds.map((id) => `case:${id}`)], now);
  if (holding.length > 0) throw new HeldMeanwhile();
}

/** A hold appeared between planning and deleting. */
class HeldMeanwhile extends Changed {}

async function shredVictim(
  store: ServiceStore,
  victim: { readonly personId: string; readonly caseId: string },
  days: number,
  now: string,
): Promise<'shredded' | 'held' | 'skipped'> {
  try {
    await shredVictimRecord(store, victim.caseId, victim.personId, now, {
      who: { actor: RETENTION_ACTOR },
      purpose: `Retention: victim personal data is destroyed ${days} days after its case closed.`,
      touchCase: false,
      details: { retention: true },
      check: async (trx) => {
        await store.cases.lock(victim.caseId, trx);
        await recheck(trx, [victim.caseId], [`person:${victim.personId}`], days, now);
      },
    });
    return 'shredded';
  } catch (error) {
    if (!stopped(error)) throw error;
    return error instanceof HeldMeanwhile ? 'held' : 'skipped';
  }
}

async function disposeEvidence(
  store: ServiceStore,
  row: EvidenceRow,
  caseIds: readonly string[],
  days: number,
  now: string,
  blobs: BlobStore,
): Promise<'disposed' | 'disposed+blob' | 'held' | 'skipped'> {
  const ledger = requireLedger(store);
  const event = disposedEvent(
    [{ id: row.id, sha256: row.sha256, size: row.size, name: row.name, mediaType: row.media_type }],
    row.case_id,
    `Retention: evidence is disposed of ${days} days after its cases closed.`,
    now,
  );
  try {
    await ledger.append([custodyLeaf(event)], async (trx, index) => {
      const current = await trx
        .selectFrom('evidence')
        .select(['id', 'sha256'])
        .where('id', '=', row.id)
        .executeTakeFirst();
      if (current?.sha256 !== row.sha256) throw new Changed();
      const links = (await linkingCases(trx, 'evidence', [row.id])).get(row.id) ?? [];
      const cases = [...new Set([row.case_id, ...links])];
      if (cases.some((id) => !caseIds.includes(id))) throw new Changed();
      await recheck(trx, cases, [`evidence:${row.id}`], days, now);
      await trx
        .insertInto('custody_link')
        .values({ leaf_idx: Number(index), evidence_id: row.id, case_id: row.case_id })
        .execute();
      await trx.deleteFrom('evidence').where('id', '=', row.id).execute();
    });
  } catch (error) {
    if (!stopped(error)) throw error;
    return error instanceof HeldMeanwhile ? 'held' : 'skipped';
  }
  // The file goes once no record names it, after the record's deletion committed. (Known
  // limit: sealing the same bytes again at this very moment stores the file before its record,
  // and could find it removed; seal it again to restore it.)
  const others = await store.db
    .selectFrom('evidence')
    .select(sql<number>`count(*)`.as('n'))
    .where('sha256', '=', row.sha256)
    .executeTakeFirst();
  if (Number(others?.n ?? 0) > 0) return 'disposed';
  return (await blobs.delete(row.sha256)) ? 'disposed+blob' : 'disposed';
}
