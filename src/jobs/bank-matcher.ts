/**
 * The hash banks as a worker sees them: one in-memory PdqIndex over the hashes of every bank,
 * rebuilt when a bank is added, deleted or imported into (its version changes). Each analyze
 * job asks for the versions (one small query) before matching, so a worker never matches
 * against banks older than the job.
 */

import { normalizePdqRef } from '../analyze/image-refs.js';
import { PDQ_MATCH_DISTANCE, parsePdqHex } from '../analyze/pdq.js';
import { PdqIndex } from '../analyze/pdq-index.js';
import type { BankMatch, Item } from '../analyze/types.js';
import type { HashBank, ServiceStore } from '../store/repositories.js';

/** Hashes read per query while building the index. */
const PAGE = 10_000;

interface Entry {
  readonly bank: HashBank;
  readonly label?: string;
}

export interface BankMatcher {
  /** Rebuilds the index if any bank changed since it was built. */
  refresh(): Promise<void>;
  /** The nearest entry of each bank within the distance, for each `pdq:` image of the item. */
  match(item: Item): BankMatch[];
  /** Hashes in the index. */
  readonly size: number;
}

export function createBankMatcher(
  store: ServiceStore,
  options: { readonly maxDistance?: number } = {},
): BankMatcher {
  const maxDistance = options.maxDistance ?? PDQ_MATCH_DISTANCE;
  let signature: string | undefined;
  let index = new PdqIndex();
  let entries: Entry[] = [];

  return {
    get size() {
      return index.size;
    },
    async refresh() {
      const versions = await store.banks.versions();
      const next = versions.map((v) => `${v.id}:${v.version}`).join(',');
      if (next === signature) return;
      const built = new PdqIndex();
      const builtEntries: Entry[] = [];
      for (const bank of await store.banks.list()) {
        let after: string | undefined;
        for (;;) {
          const page = await store.banks.hashes(bank.id, after, PAGE);
          for (const row of page) {
            built.add(parsePdqHex(row.hash));
            builtEntries.push({ bank, ...(row.label !== undefined && { label: row.label }) });
          }
          if (page.length < PAGE) break;
          after = page[page.length - 1]?.hash;
        }
      }
      index = built;
      entries = builtEntries;
      signature = next;
    },
    match(item) {
      if (index.size === 0) return [];
      const matches: BankMatch[] = [];
      const seen = new Set<string>();
      for (const ref of item.images ?? []) {
        const image = normalizePdqRef(ref);
        if (image === undefined || seen.has(image)) continue;
        seen.add(image);
        const nearestPerBank = new Map<string, BankMatch>();
        for (const found of index.search(parsePdqHex(image.slice(4)), maxDistance)) {
          const entry = entries[found.id];
          if (entry === undefined || nearestPerBank.has(entry.bank.id)) continue;
          nearestPerBank.set(entry.bank.id, {
            bankId: entry.bank.id,
            bank: entry.bank.name,
            kind: entry.bank.kind,
            image,
            distance: found.distance,
            ...(entry.label !== undefined && { label: entry.label }),
          });
        }
        matches.push(...nearestPerBank.values());
      }
      return matches;
    },
  };
}
