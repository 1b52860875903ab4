import { describe, expect, it } from 'vitest';
import { mergeImageIdentifiers, networkImageMatches, pdqOfIdentifier } from './image-links.js';
import { imageRefKind, normalizePdqRef, relativePathProblem } from './image-refs.js';
import { parseItem } from './item.js';
import { identifiersOf } from './link-item.js';
import type { LinkItem } from './link-types.js';
import { buildNetworks } from './networks.js';
import { pdqHex } from './pdq.js';
import type { Analysis } from './types.js';

/** A deterministic 32-byte hash from a seed (xorshift), as hex. */
function hashOf(seed: number): Uint8Array {
  const bytes = new Uint8Array(32);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < 32; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 255;
  }
  return bytes;
}

/** The hash with `bits` of its bits flipped (bits 0, 7, 14, …: all distinct below 256/7). */
function flipped(hash: Uint8Array, bits: number, offset = 0): string {
  const copy = Uint8Array.from(hash);
  for (let k = 0; k < bits; k++) {
    const bit = (offset + 7 * k) % 256;
    copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
  }
  return pdqHex(copy);
}

function item(id: string, identifiers: string[]): LinkItem {
  return {
    id,
    signature: new Uint32Array(0),
    identifiers: [...identifiers].sort(),
    phoneCountries: [],
    phoneAreas: [],
    thirdPerson: false,
    prices: [],
    risk: 0.5,
  };
}

const img = (hex: string): string => `image:pdq:${hex}`;

describe('mergeImageIdentifiers', () => {
  const photo = hashOf(1);
  const original = flipped(photo, 0);
  const reencoded = flipped(photo, 12); // 12 bits away: the same photo
  const other = pdqHex(hashOf(2)); // about 128 bits away: another photo

  it('rewrites near-identical hashes to their group hash and keeps the distances', () => {
    const items = [
      item('a', ['phone:+13055550101', img(original)]),
      item('b', ['phone:+17135550199', img(reencoded), 'image:https://cdn.example/x.jpg']),
      item('c', ['phone:+12125550142', img(other)]),
      item('d', ['phone:+12125550100']),
    ];
    const merge = mergeImageIdentifiers(items);
    const group = [original, reencoded].sort()[0] as string;
    expect(merge.items[0]?.identifiers).toContain(img(group));
    expect(merge.items[1]?.identifiers).toContain(img(group));
    expect(merge.items[1]?.identifiers).toContain('image:https://cdn.example/x.jpg');
    // Still sorted and unique.
    for (const linked of merge.items) {
      expect([...linked.identifiers].sort()).toEqual(linked.identifiers);
      expect(new Set(linked.identifiers).size).toBe(linked.identifiers.length);
    }
    expect(merge.items[2]).toBe(items[2]);
    expect(merge.items[3]).toBe(items[3]);
    expect(merge.groupOf.get(reencoded === group ? original : reencoded)).toEqual({
      group,
      distance: 12,
    });
    expect(merge.groups.get(group)).toEqual([
      { pdq: group, distance: 0 },
      { pdq: group === original ? reencoded : original, distance: 12 },
    ]);
    // A group of one hash is not listed.
    expect(merge.groups.has(other)).toBe(false);
  });

  it('does not depend on the order of the items', () => {
    const items = [
      item('a', [img(original)]),
      item('b', [img(reencoded)]),
      item('c', [img(flipped(photo, 20, 3))]),
    ];
    const forward = mergeImageIdentifiers(items);
    const backward = mergeImageIdentifiers([...items].reverse());
    const byId = (list: readonly LinkItem[]) =>
      Object.fromEntries(list.map((linked) => [linked.id, linked.identifiers]));
    expect(byId(backward.items)).toEqual(byId(forward.items));
    expect(new Set(forward.items.map((linked) => linked.identifiers[0])).size).toBe(1);
  });

  it('honours the distance: beyond it, photos stay apart', () => {
    const items = [item('a', [img(original)]), item('b', [img(flipped(photo, 40))])];
    const strict = mergeImageIdentifiers(items);
    expect(strict.items[0]?.identifiers).not.toEqual(strict.items[1]?.identifiers);
    const loose = mergeImageIdentifiers(items, 45);
    expect(loose.items[0]?.identifiers).toEqual(loose.items[1]?.identifiers);
    const none = mergeImageIdentifiers(
      [item('a', [img(original)]), item('b', [img(reencoded)])],
      0,
    );
    expect(none.items[0]?.identifiers).toEqual([img(original)]);
  });

  it('refuses a distance that is not a whole number from 0 to 64', () => {
    for (const bad of [-1, 65, 3.5, Number.NaN]) {
      expect(() => mergeImageIdentifiers([], bad)).toThrow(
        expect.objectContaining({ code: 'LINK_OPTIONS_INVALID' }),
      );
    }
  });

  it('leaves identifiers that are not valid hashes alone', () => {
    expect(pdqOfIdentifier('image:pdq:xyz')).toBeUndefined();
    expect(pdqOfIdentifier(`image:pdq:${original.toUpperCase()}`)).toBeUndefined();
    expect(pdqOfIdentifier(img(original))).toBe(original);
    const items = [item('a', ['image:pdq:xyz', 'image:photo-17'])];
    expect(mergeImageIdentifiers(items).items[0]).toBe(items[0]);
  });

  it('lists the near-identical photos of a network with their distances', () => {
    const items = [
      item('a', [img(original)]),
      item('b', [img(reencoded)]),
      item('c', [img(other)]),
    ];
    const merge = mergeImageIdentifiers(items);
    const group = merge.items[0]?.identifiers[0] as string;
    const matches = networkImageMatches({ identifiers: [group] }, items, merge);
    expect(matches).toEqual([
      { item: 'a', pdq: original, distance: original === pdqOfIdentifier(group) ? 0 : 12 },
      { item: 'b', pdq: reencoded, distance: reencoded === pdqOfIdentifier(group) ? 0 : 12 },
    ]);
    expect(networkImageMatches({ identifiers: [img(other)] }, items, merge)).toEqual([]);
    expect(networkImageMatches({ identifiers: [group] }, items, merge, 1)).toHaveLength(1);
  });
});

describe('image identifiers in networks', () => {
  /**
   * Six otherwise unrelated networks (two ads each, joined by the network's own phone); one ad
   * of each shows the same stock photo, re-encoded a little differently every time.
   */
  function stockPhotoItems(networks: number): LinkItem[] {
    const stock = hashOf(99);
    const items: LinkItem[] = [];
    for (let n = 0; n < networks; n++) {
      const phone = `phone:+1212555${String(1000 + n)}`;
      items.push(item(`n${n}-a`, [phone, img(flipped(stock, 2 + n, n))]));
      items.push(item(`n${n}-b`, [phone]));
    }
    return items;
  }

  it('treats a stock photo on ads of many unrelated networks as a hub', () => {
    const merge = mergeImageIdentifiers(stockPhotoItems(6));
    const stockIds = new Set(
      merge.items.flatMap((linked) => linked.identifiers.filter((i) => i.startsWith('image:'))),
    );
    expect(stockIds.size).toBe(1); // all variants merged into one photo…
    const result = buildNetworks({ items: merge.items, templateOf: () => undefined });
    expect(result.networks).toHaveLength(6); // …which merges no networks
    for (const network of result.networks) {
      expect(network.members).toHaveLength(2);
      expect(network.hubs).toEqual([...stockIds]);
    }
    expect(result.hubs.map((hub) => hub.identifier)).toEqual([...stockIds]);
  });

  it('links networks through a photo that only a few of them share', () => {
    const merge = mergeImageIdentifiers(stockPhotoItems(2));
    const result = buildNetworks({ items: merge.items, templateOf: () => undefined });
    expect(result.networks).toHaveLength(1);
    expect(result.networks[0]?.members).toHaveLength(4);
  });
});

describe('image entries of items', () => {
  const hex = pdqHex(hashOf(5));

  it('validates and normalises pdq: entries', () => {
    const parsed = parseItem({ id: 'a', body: 'x', images: [`PDQ:${hex.toUpperCase()}`, 'a.jpg'] });
    expect(parsed).toEqual({
      ok: true,
      item: { id: 'a', body: 'x', images: [`pdq:${hex}`, 'a.jpg'] },
    });
    for (const bad of ['pdq:', 'pdq:xyz', `pdq:${hex}0`, `pdq: ${hex}`]) {
      const result = parseItem({ id: 'a', body: 'x', images: ['ok.jpg', bad] });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toContain('"images" entry 2');
    }
    expect(normalizePdqRef(`pdq:${hex}`)).toBe(`pdq:${hex}`);
  });

  it('tells hashes, local paths and exact references apart', () => {
    expect(imageRefKind(`pdq:${hex}`, false)).toBe('pdq');
    expect(imageRefKind('photos/a.jpg', false)).toBe('exact');
    expect(imageRefKind('photos/a.jpg', true)).toBe('path');
    expect(imageRefKind('https://cdn.example/a.jpg', true)).toBe('exact');
    expect(imageRefKind('//cdn.example/a.jpg', true)).toBe('exact');
    expect(imageRefKind('C:\\photos\\a.jpg', true)).toBe('path'); // refused as absolute below
  });

  it('refuses paths that are absolute or step out of the folder', () => {
    expect(relativePathProblem('photos/a.jpg')).toBeUndefined();
    expect(relativePathProblem('a..b.jpg')).toBeUndefined();
    for (const bad of [
      '/etc/passwd',
      '../a.jpg',
      'photos/../../a.jpg',
      'photos\\..\\..\\a.jpg',
      'C:\\photos\\a.jpg',
      '\\\\server\\share\\a.jpg',
      '~/a.jpg',
      'a\u0000.jpg',
      '',
    ]) {
      expect(relativePathProblem(bad), bad).toBeDefined();
    }
  });

  it('makes identifiers of hashes, hashed files and exact references', () => {
    const analysis = {
      entities: { phones: [], emails: [], handles: [], wallets: [], onions: [] },
    } as unknown as Analysis;
    const images = [`pdq:${hex}`, 'a.jpg', 'flat.jpg', 'https://cdn.example/x.jpg'];
    const item = { id: 'a', body: 'x', images };
    expect(identifiersOf(item, analysis)).toEqual(
      [
        `image:pdq:${hex}`,
        'image:a.jpg',
        'image:flat.jpg',
        'image:https://cdn.example/x.jpg',
      ].sort(),
    );
    const local = new Map<string, string | undefined>([
      ['a.jpg', pdqHex(hashOf(6))],
      ['flat.jpg', undefined],
    ]);
    expect(identifiersOf(item, analysis, local)).toEqual(
      [
        `image:pdq:${hex}`,
        `image:pdq:${pdqHex(hashOf(6))}`,
        'image:https://cdn.example/x.jpg',
      ].sort(),
    );
  });
});
