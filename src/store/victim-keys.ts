/**
 * Rotation of the master key that wraps victims' data keys (sealed-records.ts). Every sealed,
 * not shredded victim record wrapped by the old master key is rewrapped under the new one: its
 * data key is unwrapped and wrapped again, and the ciphertext and its nonce stay byte for byte
 * (rewrapRecord verifies the ciphertext with the data key on the way, so a rewrapped record is
 * known to open with the new key; the plaintext is never kept or returned).
 *
 * The work goes in batches, each a transaction of its own: the page is read and rewrapped
 * outside it, then every row is updated only if it still holds exactly what was read
 * (PersonRepository.replaceSealed); a row that changed meanwhile (shredded, or rewrapped by
 * another run) is read again inside the transaction and judged afresh. Committed batches stay
 * committed, and records already under the new key are skipped, so a rotation that stopped
 * half-way (a crash, a stopped process) finishes by running it again.
 *
 * Records under a third key, neither the old nor the new one, are counted and reported but
 * never touched: they need the key they were sealed with. Records that do not open (malformed,
 * or changed bytes) are reported too. One audit record `victim.key.rotate` names both key ids
 * and the counts; nothing here ever logs key material or personal data.
 */
import { isVigilError, VigilError } from '../shared/errors.js';
import type { Executor, SealedPersonRow, ServiceStore } from './repositories.js';
import { type MasterKey, readSealedRecord, rewrapRecord } from './sealed-records.js';

/** Records per batch (and per transaction) unless told otherwise. */
export const ROTATION_BATCH = 200;
const MAX_BATCH = 10_000;
/** How often a row that keeps changing under the rotation is read again before giving up. */
const MAX_ATTEMPTS = 3;
/** Key ids named in the audit record at most; the count says how many records there were. */
const MAX_AUDIT_KIDS = 20;

export interface RotationOptions {
  /** The master key the records are wrapped by now (the configured one). */
  readonly from: MasterKey;
  /** The master key to wrap them by. */
  readonly to: MasterKey;
  /** ISO 8601 time of the audit record. */
  readonly now: string;
  /** Who rotates, for the audit record, e.g. `system:cli`. */
  readonly actor: string;
  readonly requestId?: string;
  /** Records per batch and transaction (default 200). */
  readonly batchSize?: number;
  /** Called after each committed batch with the totals so far. */
  readonly onProgress?: (progress: RotationProgress) => void | Promise<void>;
}

/** The totals so far, after a committed batch. */
export interface RotationProgress {
  /** Sealed records looked at (shredded ones included). */
  readonly scanned: number;
  readonly rewrapped: number;
  readonly alreadyCurrent: number;
  readonly shredded: number;
  readonly unknownKey: number;
  readonly unreadable: number;
}

/** A record that was left as it was. */
export interface SkippedRecord {
  readonly personId: string;
  readonly caseId: string;
}

export interface RotationSummary {
  /** The old and the new key id. */
  readonly from: string;
  readonly to: string;
  /** Records rewrapped from the old key to the new one by this run. */
  readonly rewrapped: number;
  /** Records already under the new key (an earlier run, or sealed with it). */
  readonly alreadyCurrent: number;
  /** Shredded records: no key to rewrap, left as they are. */
  readonly shredded: number;
  /** Records wrapped by a key that is neither: untouched. */
  readonly unknownKey: readonly (SkippedRecord & { readonly kid: string })[];
  /** Records under the old key that do not open (malformed or changed bytes): untouched. */
  readonly unreadable: readonly SkippedRecord[];
}

/** What becomes of one row. */
type Outcome =
  | { readonly kind: 'rewrap'; readonly sealed: string }
  | { readonly kind: 'current' | 'shredded' | 'unreadable' }
  | { readonly kind: 'unknown'; readonly kid: string };

interface Tally {
  rewrapped: number;
  alreadyCurrent: number;
  shredded: number;
  unknownKey: (SkippedRecord & { kid: string })[];
  unreadable: SkippedRecord[];
}

const emptyTally = (): Tally => ({
  rewrapped: 0,
  alreadyCurrent: 0,
  shredded: 0,
  unknownKey: [],
  unreadable: [],
});

/**
 * Rewraps every sealed, not shredded victim record wrapped by `from` so that `to` wraps it.
 * Idempotent and resumable. CONFIG_INVALID when both keys are the same key (or share a key id);
 * CONFLICT when a row kept changing under the rotation (run it again).
 */
export async function rotateVictimMasterKey(
  store: ServiceStore,
  options: RotationOptions,
): Promise<RotationSummary> {
  const { from, to } = options;
  if (from.kid === to.kid) {
    throw new VigilError(
      'CONFIG_INVALID',
      `The new master key for victim data has the same key id (${to.kid}) as the current ` +
        'one: it is the same key. Make a new one with `vigil victim-key new`.',
      { details: { kid: to.kid } },
    );
  }
  const batchSize = options.batchSize ?? ROTATION_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
    throw new VigilError(
      'REQUEST_INVALID',
      `The rotation batch size must be a whole number from 1 to ${MAX_BATCH}.`,
      { details: { field: 'batchSize' } },
    );
  }
  const total = emptyTally();
  let scanned = 0;
  let afterId: string | undefined;
  for (;;) {
    const rows = await store.persons.sealedPage(afterId, batchSize);
    if (rows.length === 0) break;
    // The crypto happens before the transaction, which then only compares and writes.
    const planned = rows.map((row) => ({ row, outcome: judge(row, from, to) }));
    const batch = await store.transaction(async (trx) => {
      const tally = emptyTally();
      for (const { row, outcome } of planned)
        await settle(store, row, outcome, options, tally, trx);
      return tally;
    });
    total.rewrapped += batch.rewrapped;
    total.alreadyCurrent += batch.alreadyCurrent;
    total.shredded += batch.shredded;
    total.unknownKey.push(...batch.unknownKey);
    total.unreadable.push(...batch.unreadable);
    scanned += rows.length;
    afterId = rows[rows.length - 1]?.id;
    await options.onProgress?.({
      scanned,
      rewrapped: total.rewrapped,
      alreadyCurrent: total.alreadyCurrent,
      shredded: total.shredded,
      unknownKey: total.unknownKey.length,
      unreadable: total.unreadable.length,
    });
    if (rows.length < batchSize) break;
  }
  const summary: RotationSummary = { from: from.kid, to: to.kid, ...total };
  await store.transaction(async (trx) => {
    await store.audit.record(
      {
        at: options.now,
        actor: options.actor,
        action: 'victim.key.rotate',
        target: `victim-key:${to.kid}`,
        ...(options.requestId !== undefined && { requestId: options.requestId }),
        details: {
          from: from.kid,
          to: to.kid,
          rewrapped: total.rewrapped,
          alreadyCurrent: total.alreadyCurrent,
          shredded: total.shredded,
          unknownKey: total.unknownKey.length,
          unknownKids: [...new Set(total.unknownKey.map((record) => record.kid))]
            .sort()
            .slice(0, MAX_AUDIT_KIDS),
          unreadable: total.unreadable.length,
        },
      },
      trx,
    );
  });
  return summary;
}

/** Writes one row's outcome if the row is unchanged; reads it again and retries if not. */
async function settle(
  store: ServiceStore,
  row: SealedPersonRow,
  outcome: Outcome,
  keys: Pick<RotationOptions, 'from' | 'to'>,
  tally: Tally,
  trx: Executor,
): Promise<void> {
  let current = row;
  let next = outcome;
  for (let attempt = 1; ; attempt++) {
    if (next.kind !== 'rewrap') {
      count(tally, current, next);
      return;
    }
    if (await store.persons.replaceSealed(current.id, current.sealed, next.sealed, trx)) {
      tally.rewrapped++;
      return;
    }
    if (attempt >= MAX_ATTEMPTS) {
      throw new VigilError(
        'CONFLICT',
        `The victim record ${current.id} kept changing during the key rotation; run the ` +
          'rotation again (records already rewrapped are skipped).',
        { details: { personId: current.id } },
      );
    }
    // Changed meanwhile (shredded, or rewrapped by another run): judge what is there now.
    const fresh = await store.persons.getPerson(current.caseId, current.id, trx);
    if (fresh?.sealed === undefined) return;
    current = {
      id: fresh.id,
      caseId: fresh.caseId,
      sealed: fresh.sealed,
      ...(fresh.shreddedAt !== undefined && { shreddedAt: fresh.shreddedAt }),
    };
    next = judge(current, keys.from, keys.to);
  }
}

function count(tally: Tally, row: SealedPersonRow, outcome: Outcome): void {
  switch (outcome.kind) {
    case 'current':
      tally.alreadyCurrent++;
      return;
    case 'shredded':
      tally.shredded++;
      return;
    case 'unknown':
      tally.unknownKey.push({ personId: row.id, caseId: row.caseId, kid: outcome.kid });
      return;
    case 'unreadable':
      tally.unreadable.push({ personId: row.id, caseId: row.caseId });
      return;
    case 'rewrap':
      tally.rewrapped++;
      return;
  }
}

/** What to do with a row, decided from its stored value alone. */
function judge(row: SealedPersonRow, from: MasterKey, to: MasterKey): Outcome {
  if (row.shreddedAt !== undefined) return { kind: 'shredded' };
  let record: ReturnType<typeof readSealedRecord>;
  try {
    record = readSealedRecord(JSON.parse(row.sealed));
  } catch (error) {
    if (error instanceof SyntaxError || isVigilError(error, 'VICTIM_DATA_UNREADABLE')) {
      return { kind: 'unreadable' };
    }
    throw error;
  }
  if (record.wrappedKey === null) return { kind: 'shredded' };
  if (record.kid === to.kid) return { kind: 'current' };
  if (record.kid !== from.kid) return { kind: 'unknown', kid: record.kid };
  try {
    const rewrapped = rewrapRecord(from, to, record, { recordId: row.id, caseId: row.caseId });
    return { kind: 'rewrap', sealed: JSON.stringify(rewrapped) };
  } catch (error) {
    if (isVigilError(error, 'VICTIM_DATA_UNREADABLE')) return { kind: 'unreadable' };
    throw error;
  }
}
