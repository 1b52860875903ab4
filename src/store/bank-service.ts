/**
 * The units of work on hash banks, shared by the HTTP API (server/routes/banks.ts) and the CLI
 * (cli/bank-run.ts): each change and its audit record in one transaction. Audit details hold
 * names, kinds and counts, never hashes or labels: auditors read the audit log, not bank
 * content. Callers check the permission (`banks:manage`) first.
 */
import { VigilError } from '../shared/errors.js';
import type { BankKind, Executor, HashBank, ServiceStore } from './repositories.js';
import { notFound, recordAudit } from './service-common.js';
import { ANALYZE_JOB, ANALYZE_JOB_ITEMS } from './service-store.js';

/** Hashes one API request may add; the CLI imports up to MAX_IMPORT_HASHES in batches of it. */
export const MAX_REQUEST_HASHES = 10_000;
/** Hashes one import (one file) may hold. */
export const MAX_IMPORT_HASHES = 1_000_000;
export const MAX_BANK_NAME = 100;
export const MAX_BANK_DESCRIPTION = 1_000;
export const MAX_BANK_LABEL = 200;

/** Items re-analysed after a bank changes, at most (the newest first); others on their next analysis. */
export const MAX_REMATCHED_ITEMS = 100_000;

/**
 * Queues a new analysis of the items that carry image hashes, so that a bank imported or
 * deleted now applies to items analysed before it (the analysis replaces the earlier one).
 * Returns how many items were queued.
 */
async function rematchImageItems(store: ServiceStore, now: string, trx: Executor) {
  const rows = await trx
    .selectFrom('item_identifier')
    .select('item_id')
    .distinct()
    .where('identifier', 'like', 'image:pdq:%')
    .orderBy('item_id')
    .limit(MAX_REMATCHED_ITEMS)
    .execute();
  const ids = rows.map((row) => row.item_id);
  for (let i = 0; i < ids.length; i += ANALYZE_JOB_ITEMS) {
    await store.jobs.enqueue(
      { kind: ANALYZE_JOB, payload: { items: ids.slice(i, i + ANALYZE_JOB_ITEMS) } },
      now,
      trx,
    );
  }
  return ids.length;
}

export interface BankActor {
  /** "account:acc_…", "apikey:…". */
  readonly actor: string;
  readonly requestId?: string;
}

export async function createBank(
  store: ServiceStore,
  input: { readonly name: string; readonly kind: BankKind; readonly description?: string },
  now: string,
  who: BankActor,
): Promise<HashBank> {
  return store.transaction(async (trx) => {
    const bank = await store.banks.create({ ...input, createdBy: who.actor }, now, trx);
    if (bank === undefined) {
      throw new VigilError('CONFLICT', `A hash bank named "${input.name}" exists already.`, {
        details: { name: input.name },
      });
    }
    await recordAudit(
      store,
      who,
      now,
      'bank.create',
      `bank:${bank.id}`,
      {
        name: bank.name,
        kind: bank.kind,
      },
      trx,
    );
    return bank;
  });
}

/** The bank with this id, or with this name (the CLI names banks); NOT_FOUND otherwise. */
export async function findBank(store: ServiceStore, idOrName: string): Promise<HashBank> {
  const bank =
    (idOrName.startsWith('bnk_') ? await store.banks.get(idOrName) : undefined) ??
    (await store.banks.getByName(idOrName));
  if (bank === undefined) throw notFound('hash bank', idOrName);
  return bank;
}

/**
 * Adds hashes (64 lowercase hex each, already checked) to a bank, in batches of
 * MAX_REQUEST_HASHES, all in one transaction; the audit record counts them.
 */
export async function importHashes(
  store: ServiceStore,
  bankId: string,
  hashes: readonly { readonly hash: string; readonly label?: string }[],
  now: string,
  who: BankActor,
  extra: Readonly<Record<string, unknown>> = {},
): Promise<{ readonly bank: HashBank; readonly added: number; readonly existing: number }> {
  if (hashes.length > MAX_IMPORT_HASHES) {
    throw new VigilError(
      'REQUEST_INVALID',
      `An import holds at most ${MAX_IMPORT_HASHES} hashes; split it.`,
      { details: { count: hashes.length } },
    );
  }
  return store.transaction(async (trx) => {
    const bank = await store.banks.get(bankId, trx);
    if (bank === undefined) throw notFound('hash bank', bankId);
    let added = 0;
    let existing = 0;
    for (let i = 0; i < hashes.length; i += MAX_REQUEST_HASHES) {
      const counts = await store.banks.addHashes(
        bankId,
        hashes.slice(i, i + MAX_REQUEST_HASHES),
        now,
        trx,
      );
      added += counts.added;
      existing += counts.existing;
    }
    await recordAudit(
      store,
      who,
      now,
      'bank.import',
      `bank:${bankId}`,
      {
        name: bank.name,
        received: hashes.length,
        added,
        existing,
        ...extra,
      },
      trx,
    );
    const after = (await store.banks.get(bankId, trx)) as HashBank;
    if (added > 0) await rematchImageItems(store, now, trx);
    return { bank: after, added, existing };
  });
}

export async function deleteBank(
  store: ServiceStore,
  bankId: string,
  now: string,
  who: BankActor,
): Promise<HashBank> {
  return store.transaction(async (trx) => {
    const bank = await store.banks.get(bankId, trx);
    if (bank === undefined) throw notFound('hash bank', bankId);
    await store.banks.delete(bankId, trx);
    // Items matched against the bank lose the match at their next analysis: queue it now.
    await rematchImageItems(store, now, trx);
    await recordAudit(
      store,
      who,
      now,
      'bank.delete',
      `bank:${bankId}`,
      {
        name: bank.name,
        kind: bank.kind,
        size: bank.size,
      },
      trx,
    );
    return bank;
  });
}
