/**
 * Items whose photos are near-identical to an item's (PDQ within 31 bits by default): what the
 * item review shows beside the item's own images, with the distance, so that a reviewer sees a
 * photo reused under other numbers and cities even where no exact identifier links the ads.
 * The stored image identifiers (`image:pdq:<hex>`, indexed when items are analysed) are read
 * once per request, at most MAX_INDEXED distinct hashes, into a multi-index (pdq-index.ts).
 */

import { PDQ_MATCH_DISTANCE, parsePdqHex } from '../analyze/pdq.js';
import { PdqIndex } from '../analyze/pdq-index.js';
import { VigilError } from '../shared/errors.js';
import type { ServiceStore } from './repositories.js';

const PREFIX = 'image:pdq:';
/** Distinct stored image hashes looked at, at most (the most recent first). */
export const MAX_INDEXED = 200_000;
/** Matches listed per image, nearest first. */
export const MAX_MATCHES = 50;

export interface SimilarImage {
  /** The item's image, `pdq:<hex>`. */
  readonly image: string;
  readonly matches: readonly {
    readonly itemId: string;
    readonly image: string;
    /** Hamming distance between the two hashes, 0 to 256 bits. */
    readonly distance: number;
  }[];
}

export async function similarImages(
  store: ServiceStore,
  itemId: string,
  maxDistance: number = PDQ_MATCH_DISTANCE,
): Promise<SimilarImage[]> {
  const item = await store.items.get(itemId);
  if (item === undefined) {
    throw new VigilError('NOT_FOUND', `No item has the id ${itemId}.`, {
      details: { kind: 'item', id: itemId },
    });
  }
  const own = [
    ...new Set(
      (item.item.images ?? [])
        .filter((image) => /^pdq:[0-9a-fA-F]{64}$/.test(image))
        .map((image) => `pdq:${image.slice(4).toLowerCase()}`),
    ),
  ];
  if (own.length === 0) return [];

  const rows = await store.db
    .selectFrom('item_identifier')
    .select(['identifier', 'item_id'])
    .where('identifier', 'like', `${PREFIX}%`)
    .orderBy('received_at', 'desc')
    .limit(MAX_INDEXED)
    .execute();
  const itemsOf = new Map<string, string[]>();
  for (const row of rows) {
    const hex = row.identifier.slice(PREFIX.length);
    if (!/^[0-9a-f]{64}$/.test(hex)) continue;
    const list = itemsOf.get(hex);
    if (list === undefined) itemsOf.set(hex, [row.item_id]);
    else list.push(row.item_id);
  }
  const hashes = [...itemsOf.keys()];
  const index = new PdqIndex();
  for (const hex of hashes) index.add(parsePdqHex(hex));

  return own.map((image) => {
    const matches: { itemId: string; image: string; distance: number }[] = [];
    for (const { id, distance } of index.search(parsePdqHex(image.slice(4)), maxDistance)) {
      const hex = hashes[id] as string;
      for (const other of itemsOf.get(hex) ?? []) {
        if (other !== itemId) matches.push({ itemId: other, image: `pdq:${hex}`, distance });
      }
      if (matches.length >= MAX_MATCHES) break;
    }
    return { image, matches: matches.slice(0, MAX_MATCHES) };
  });
}
