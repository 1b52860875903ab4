/**
 * What one analysed item contributes to templates and networks (link-types.ts): its MinHash
 * signature, its identifiers in one normalized form, where and when it was posted, and the
 * few facts network features need. Computed where the item is analysed (a worker thread), so
 * that linking a million items keeps only these small records.
 */
import { IMAGE_PDQ_PREFIX, normalizePdqRef } from './image-refs.js';
import type { LinkItem } from './link-types.js';
import type { Analysis, Item } from './types.js';

/**
 * What the scan found of an item's local image files (`vigil scan --images DIR`): for each
 * path entry, its PDQ hash (64 lowercase hex) when usable for linking, or undefined when the
 * file could not be hashed or its hash has too low a quality. Entries not in the map are
 * read as the item gives them.
 */
export type LocalImageHashes = ReadonlyMap<string, string | undefined>;

/**
 * Identifiers that can tie ads to one operator. URLs are left out on purpose: in ads they are
 * mostly the classifieds site's own links, which would tie every ad of a site together.
 *
 * Images: a `pdq:<hex>` entry is the identifier `image:pdq:<hex>` (image-links.ts merges
 * near-identical ones before linking); a local file hashed by the scan (`localImages`) is the
 * identifier of its hash, or none; any other entry is `image:<entry>`, which links only the
 * very same string.
 */
export function identifiersOf(
  item: Item,
  analysis: Analysis,
  localImages?: LocalImageHashes,
): string[] {
  const { entities } = analysis;
  const ids = new Set<string>();
  for (const phone of entities.phones) ids.add(`phone:${phone.e164}`);
  for (const email of entities.emails) ids.add(`email:${email.value.toLowerCase()}`);
  for (const handle of entities.handles) {
    ids.add(`handle:${handle.platform}:${handle.handle.toLowerCase()}`);
  }
  for (const wallet of entities.wallets) ids.add(`wallet:${wallet.chain}:${wallet.address}`);
  for (const onion of entities.onions) ids.add(`onion:${onion.address.toLowerCase()}`);
  for (const image of item.images ?? []) {
    if (localImages?.has(image)) {
      const hex = localImages.get(image);
      if (hex !== undefined) ids.add(`${IMAGE_PDQ_PREFIX}${hex}`);
      continue;
    }
    const pdq = normalizePdqRef(image);
    ids.add(`image:${pdq ?? image}`);
  }
  return [...ids].sort();
}

// Third-person voice: ads written about a person rather than by them ("she is new in town",
// "this girl") are a reported marker of third-party control (reference/detection.md §3.1
// lists it among the indicators worth testing, not as proof). First-person text is excluded,
// since independent advertisers often mix "I" with a description of themselves.
const THIRD_PERSON =
  /\b(she is|she's|she will|her name|this girl|this lady|our girls|our ladies|new girls?|ella es|ela é|elle est)\b/i;
const FIRST_PERSON = /\b(i am|i'm|i will|call me|text me|my name|soy|je suis|eu sou)\b/i;

export function isThirdPerson(text: string): boolean {
  return THIRD_PERSON.test(text) && !FIRST_PERSON.test(text);
}

export function linkItemOf(
  item: Item,
  analysis: Analysis,
  signature: Uint32Array,
  localImages?: LocalImageHashes,
): LinkItem {
  const phones = analysis.entities.phones;
  const text = `${item.title ?? ''}\n\n${item.body ?? ''}`;
  return {
    id: item.id,
    signature,
    identifiers: identifiersOf(item, analysis, localImages),
    ...(item.posted_at !== undefined && { postedAt: item.posted_at }),
    ...(item.location?.city !== undefined && { city: item.location.city }),
    ...(item.location?.region !== undefined && { region: item.location.region }),
    ...(item.location?.country !== undefined && { country: item.location.country }),
    phoneCountries: unique(phones.map((p) => p.country)),
    phoneAreas: unique(phones.map((p) => p.area)),
    thirdPerson: isThirdPerson(text),
    prices: analysis.entities.prices.map((p) => ({ amount: p.amount, currency: p.currency })),
    risk: analysis.risk,
  };
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))].sort();
}
