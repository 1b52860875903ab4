/**
 * Image reuse between ads: the same photo, re-encoded, resized or lightly edited, has PDQ
 * hashes a few bits apart (pdq.ts), so an exact identifier would miss it. Before templates and
 * networks are built, the distinct `image:pdq:<hex>` identifiers of all items are grouped by
 * Hamming distance (clusterPdq: single linkage, distance <= 31 by default, upstream's match
 * threshold) and each is rewritten to its group's identifier, the group's first hash in sorted
 * order. Networks then link photos as they link phones, hub rule included: a stock photo or a
 * placeholder on the ads of many unrelated groups is a hub and links nothing (networks.ts).
 *
 * Deterministic: the groups and their identifiers depend on the set of hashes, not on the order
 * of the items. Single linkage is transitive: a chain of edits can put two hashes more than
 * the threshold apart into one group; each member's distance to its group's hash is kept so
 * that the output shows how close the photos really are.
 *
 * Pure: no IO.
 */
import { VigilError } from '../shared/errors.js';
import { IMAGE_PDQ_PREFIX } from './image-refs.js';
import type { LinkItem, Network } from './link-types.js';
import { PDQ_MATCH_DISTANCE, parsePdqHex, pdqDistance } from './pdq.js';
import { clusterPdq } from './pdq-index.js';

/** The largest accepted --image-distance: beyond it unrelated photos match (256 bits in all). */
export const MAX_IMAGE_DISTANCE = 64;

const HEX64 = /^[0-9a-f]{64}$/;

export interface ImageGroupMember {
  /** The member's hash, 64 lowercase hex characters. */
  readonly pdq: string;
  /** Bits that differ from the group's hash. */
  readonly distance: number;
}

export interface ImageMerge {
  /** The items with every `image:pdq:` identifier replaced by its group's (same objects when
   *  nothing changed). */
  readonly items: readonly LinkItem[];
  /** Each distinct hash: its group's hash and the distance to it. */
  readonly groupOf: ReadonlyMap<string, { readonly group: string; readonly distance: number }>;
  /** Groups of two or more distinct hashes, by group hash: members nearest first (the group's
   *  own hash first, at distance 0). */
  readonly groups: ReadonlyMap<string, readonly ImageGroupMember[]>;
}

/** The hex of an `image:pdq:` identifier, or undefined for any other identifier. */
export function pdqOfIdentifier(identifier: string): string | undefined {
  if (!identifier.startsWith(IMAGE_PDQ_PREFIX)) return undefined;
  const hex = identifier.slice(IMAGE_PDQ_PREFIX.length);
  return HEX64.test(hex) ? hex : undefined;
}

export function checkImageDistance(maxDistance: number): void {
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > MAX_IMAGE_DISTANCE) {
    throw new VigilError(
      'LINK_OPTIONS_INVALID',
      `The image distance must be a whole number of bits from 0 to ${MAX_IMAGE_DISTANCE}; got ${String(maxDistance)}. PDQ's suggested match threshold is ${PDQ_MATCH_DISTANCE}.`,
      { details: { field: 'imageDistance', value: String(maxDistance).slice(0, 60) } },
    );
  }
}

/**
 * Merges near-identical photos: rewrites each item's `image:pdq:<hex>` identifiers to the
 * identifier of the hash's group (hashes within `maxDistance` bits, transitively).
 */
export function mergeImageIdentifiers(
  items: readonly LinkItem[],
  maxDistance: number = PDQ_MATCH_DISTANCE,
): ImageMerge {
  checkImageDistance(maxDistance);
  const distinct = new Set<string>();
  for (const item of items) {
    for (const identifier of item.identifiers) {
      const hex = pdqOfIdentifier(identifier);
      if (hex !== undefined) distinct.add(hex);
    }
  }
  const groupOf = new Map<string, { group: string; distance: number }>();
  const groups = new Map<string, ImageGroupMember[]>();
  if (distinct.size === 0) return { items, groupOf, groups };

  // Sorted, so that a group's identifier (its first hash) does not depend on the item order.
  const hexes = [...distinct].sort();
  const hashes = hexes.map((hex) => parsePdqHex(hex));
  const first = clusterPdq(hashes, maxDistance);
  for (let i = 0; i < hexes.length; i++) {
    const g = first[i] as number;
    const group = hexes[g] as string;
    const distance = g === i ? 0 : pdqDistance(hashes[i] as Uint8Array, hashes[g] as Uint8Array);
    groupOf.set(hexes[i] as string, { group, distance });
    let members = groups.get(group);
    if (members === undefined) {
      members = [];
      groups.set(group, members);
    }
    members.push({ pdq: hexes[i] as string, distance });
  }
  for (const [group, members] of groups) {
    if (members.length < 2) groups.delete(group);
    else members.sort((a, b) => a.distance - b.distance || (a.pdq < b.pdq ? -1 : 1));
  }
  if (groups.size === 0) return { items, groupOf, groups };

  const merged = items.map((item) => {
    let changed = false;
    const identifiers = item.identifiers.map((identifier) => {
      const hex = pdqOfIdentifier(identifier);
      const group = hex === undefined ? undefined : groupOf.get(hex)?.group;
      if (group === undefined || group === hex) return identifier;
      changed = true;
      return `${IMAGE_PDQ_PREFIX}${group}`;
    });
    if (!changed) return item;
    return { ...item, identifiers: [...new Set(identifiers)].sort() };
  });
  return { items: merged, groupOf, groups };
}

export interface ImageMatch {
  readonly item: string;
  /** The item's own hash. */
  readonly pdq: string;
  /** Bits that differ from the hash the network lists (`image:pdq:<group>`). */
  readonly distance: number;
}

/**
 * For the network output: the members' photos that were linked as near-identical rather than
 * identical, with each one's distance to the hash the network lists. Only groups of two or
 * more distinct hashes are shown (an exact match is already the listed identifier); at most
 * `limit` entries, in the order of `members`.
 */
export function networkImageMatches(
  network: Pick<Network, 'identifiers'>,
  members: Iterable<{ readonly id: string; readonly identifiers: readonly string[] }>,
  merge: ImageMerge,
  limit = 50,
): ImageMatch[] {
  const listed = new Set<string>();
  for (const identifier of network.identifiers) {
    const hex = pdqOfIdentifier(identifier);
    if (hex !== undefined && merge.groups.has(hex)) listed.add(hex);
  }
  const matches: ImageMatch[] = [];
  if (listed.size === 0) return matches;
  for (const member of members) {
    for (const identifier of member.identifiers) {
      const hex = pdqOfIdentifier(identifier);
      const match = hex === undefined ? undefined : merge.groupOf.get(hex);
      if (hex === undefined || match === undefined || !listed.has(match.group)) continue;
      matches.push({ item: member.id, pdq: hex, distance: match.distance });
      if (matches.length >= limit) return matches;
    }
  }
  return matches;
}
