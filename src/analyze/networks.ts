/**
 * Linking ads into networks (reference/detection.md §7): items written from one template belong
 * together, and template clusters that share a contact identifier (phone, email, handle,
 * wallet, image, personal web domain) are joined into one network, as TrafficVis joins
 * InfoShield micro-clusters into meta-clusters (§1.4) and TellFinder builds its entity graph
 * (§2.2). Each network gets the features investigators read (movement circuit, phones, personas
 * behind one contact, pricing) and a transparent risk with an explanation.
 *
 * The giant-component problem (§7): a generic identifier (an agency switchboard, a site's
 * support number, a stock image) would merge unrelated clusters into one meaningless network.
 * An identifier that would join `hubTemplates` or more groups that nothing else links is a
 * *hub*: it is reported, but links nothing. This plays the part of TellFinder's bad-phone
 * culling and Freeman et al.'s giant-component decomposition.
 *
 * Built for a million items: union-find over item indices in typed arrays, identifiers
 * interned once into a compressed index (no per-pair objects, no recursion).
 */
import { VigilError } from '../shared/errors.js';
import type { LinkItem, Network, NetworkFeatures } from './link-types.js';
import { roundTo, sigmoid } from './score.js';

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/** The identifier kinds LinkItem carries (link-types.ts), by their prefix. */
export const IDENTIFIER_KINDS = [
  'phone',
  'email',
  'handle',
  'wallet',
  'onion',
  'image',
  'url',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/**
 * Six. The count is taken after every other identifier has linked (see linkIdentifiers), so a
 * network's own phone seen on all its templates counts as one group, not one per template;
 * the threshold only bites on an identifier that is the sole link between groups. An operator
 * typically writes from a handful of templates (the corpus plants two to four per network,
 * two or three per staffing agency), so six unconnected ad families behind one number leaves
 * headroom and is more likely a switchboard, a site's support line or boilerplate (§7).
 */
export const DEFAULT_HUB_TEMPLATES = 6;

/**
 * Three. A template is text, and near-duplicate text is also written by people who have
 * nothing to do with each other: stock phrasings of rentals, job ads, agencies. When the
 * members of one template carry contacts that fall into this many separate groups (contacts
 * linked by nothing else), the text is treated as generic: it links each group's own members
 * only, not the groups together. On the synthetic corpus (100,000 items), every planted
 * network's template fell into one or two contact groups, and the near-duplicate texts of
 * unrelated benign advertisers into up to hundreds.
 */
export const DEFAULT_TEMPLATE_GROUPS = 3;

/**
 * Registrable domains of platforms that many unrelated people link to: a `url:` identifier
 * keeps only the registrable domain, so "onlyfans.com/anna" and "onlyfans.com/bea" both become
 * `url:onlyfans.com` and must not link. Only a personal domain (someone's own site) says who is
 * behind an ad. Classifieds sites vary by deployment: list them in `sharedDomains`; at scale
 * the hub rule catches the ones not listed.
 */
export const SHARED_DOMAINS: readonly string[] = [
  // Messaging and social networks
  't.me',
  'telegram.me',
  'wa.me',
  'whatsapp.com',
  'signal.me',
  'instagram.com',
  'facebook.com',
  'fb.com',
  'x.com',
  'twitter.com',
  'tiktok.com',
  'snapchat.com',
  'youtube.com',
  'youtu.be',
  'reddit.com',
  'linkedin.com',
  'line.me',
  // Link-in-bio pages and shorteners
  'linktr.ee',
  'beacons.ai',
  'bit.ly',
  'tinyurl.com',
  't.co',
  // Creator, payment and free-hosting platforms
  'onlyfans.com',
  'fansly.com',
  'cash.app',
  'venmo.com',
  'paypal.com',
  'paypal.me',
  'google.com',
  'wixsite.com',
  'wordpress.com',
  'blogspot.com',
  'carrd.co',
  'github.io',
];

export interface NetworkOptions {
  /**
   * An identifier carried by items of at least this many distinct groups (templates, an item
   * without a template counting as its own) that no other identifier links is a hub: it is
   * reported but links nothing. Default DEFAULT_HUB_TEMPLATES; a whole number of at least 2.
   */
  readonly hubTemplates?: number;
  /**
   * A template whose members' contacts fall into at least this many otherwise unlinked groups
   * is generic text: it links only members that share a contact group. Default
   * DEFAULT_TEMPLATE_GROUPS; a whole number of at least 2.
   */
  readonly templateGroups?: number;
  /** Identifier kinds that link; default all of IDENTIFIER_KINDS. Other identifiers are ignored. */
  readonly kinds?: readonly IdentifierKind[];
  /**
   * Registrable domains that never link, added to SHARED_DOMAINS: the classifieds sites the
   * deployment reads. A `url:` identifier links only when its domain is on neither list.
   */
  readonly sharedDomains?: readonly string[];
}

interface Settings {
  readonly hubTemplates: number;
  readonly templateGroups: number;
  readonly prefixes: readonly string[];
  readonly sharedUrls: ReadonlySet<string>;
}

function invalidOption(field: string, value: unknown, message: string): VigilError {
  const shown = JSON.stringify(value) ?? String(value);
  return new VigilError('LINK_OPTIONS_INVALID', message, {
    details: { field, value: shown.length > 60 ? `${shown.slice(0, 57)}...` : shown },
  });
}

function settingsOf(options: NetworkOptions): Settings {
  const hubTemplates = options.hubTemplates ?? DEFAULT_HUB_TEMPLATES;
  if (!Number.isSafeInteger(hubTemplates) || hubTemplates < 2) {
    throw invalidOption(
      'hubTemplates',
      options.hubTemplates,
      `The hub threshold (hub templates) must be a whole number of at least 2; got ${String(options.hubTemplates)}.`,
    );
  }
  const templateGroups = options.templateGroups ?? DEFAULT_TEMPLATE_GROUPS;
  if (!Number.isSafeInteger(templateGroups) || templateGroups < 2) {
    throw invalidOption(
      'templateGroups',
      options.templateGroups,
      `The generic-template threshold (template groups) must be a whole number of at least 2; got ${String(options.templateGroups)}.`,
    );
  }
  const kinds = options.kinds ?? IDENTIFIER_KINDS;
  const unknown = kinds.filter((k) => !(IDENTIFIER_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw invalidOption(
      'kinds',
      options.kinds,
      `Unknown identifier kind ${unknown.map((k) => JSON.stringify(k)).join(', ')}: the kinds that can link are ${IDENTIFIER_KINDS.join(', ')}.`,
    );
  }
  const domains = options.sharedDomains ?? [];
  if (domains.some((d) => typeof d !== 'string' || d.trim() === '')) {
    throw invalidOption(
      'sharedDomains',
      options.sharedDomains,
      'Shared domains must be registrable domain names such as "classifieds.example".',
    );
  }
  const sharedUrls = new Set(
    [...SHARED_DOMAINS, ...domains].map((d) => `url:${d.trim().toLowerCase()}`),
  );
  return { hubTemplates, templateGroups, prefixes: kinds.map((k) => `${k}:`), sharedUrls };
}

function links(identifier: string, settings: Settings): boolean {
  if (settings.sharedUrls.has(identifier)) return false;
  for (const prefix of settings.prefixes) if (identifier.startsWith(prefix)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Union-find and the identifier index
// ---------------------------------------------------------------------------------------------

/**
 * Disjoint sets over 0..n-1 with union by size and path halving, iterative. The partition it
 * ends with does not depend on the order of unions, only the representatives do, and those
 * never leave this module.
 */
class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(i: number): number {
    const parent = this.parent;
    let x = i;
    while (parent[x] !== x) {
      const up = parent[parent[x] as number] as number;
      parent[x] = up;
      x = up;
    }
    return x;
  }

  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if ((this.size[ra] as number) < (this.size[rb] as number)) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] = (this.size[ra] as number) + (this.size[rb] as number);
  }
}

/** FNV-1a over UTF-16 code units: a cheap, well-spread 32-bit hash for short strings. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/**
 * Strings to dense numbers 0, 1, 2, ... in order of first sight: an open-addressing table in
 * typed arrays. For a million identifiers it is about twice as fast as a Map and leaves little
 * garbage, which matters when the items themselves fill most of the heap.
 */
class Interner {
  readonly names: string[] = [];
  private hashes = new Int32Array(1024);
  private table = new Int32Array(2048).fill(-1);

  intern(name: string): number {
    const hash = fnv1a(name);
    const mask = this.table.length - 1;
    let slot = hash & mask;
    for (let k = this.table[slot] as number; k !== -1; k = this.table[slot] as number) {
      if (this.hashes[k] === hash && this.names[k] === name) return k;
      slot = (slot + 1) & mask;
    }
    const k = this.names.length;
    this.names.push(name);
    if (k === this.hashes.length) this.hashes = grow(this.hashes, 0);
    this.hashes[k] = hash;
    this.table[slot] = k;
    // At most half full, so probe runs stay short.
    if (2 * this.names.length > this.table.length) this.rehash();
    return k;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2).fill(-1);
    const mask = table.length - 1;
    for (let k = 0; k < this.names.length; k++) {
      let slot = (this.hashes[k] as number) & mask;
      while (table[slot] !== -1) slot = (slot + 1) & mask;
      table[slot] = k;
    }
    this.table = table;
  }
}

function grow<T extends Int32Array | Uint8Array>(array: T, value: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
  bigger.fill(value);
  bigger.set(array);
  return bigger;
}

/**
 * Every identifier of the items and, for each, the items carrying it, as CSR arrays. Only
 * identifiers with `linking[k] === 1` take part in linking; the others still count as phones
 * of a network.
 */
interface IdentifierIndex {
  readonly names: readonly string[];
  readonly linking: Uint8Array;
  /** Items of identifier k are `items[start[k]] .. items[start[k + 1] - 1]`, each once. */
  readonly start: Int32Array;
  readonly items: Int32Array;
}

function indexIdentifiers(items: readonly LinkItem[], settings: Settings): IdentifierIndex {
  const interner = new Interner();
  let total = 0;
  for (const item of items) total += item.identifiers.length;
  // Occurrences as (identifier, item) in item order; an item repeating an identifier counts once.
  const occurrenceId = new Int32Array(total);
  const occurrenceItem = new Int32Array(total);
  // Per identifier: whether it links (decided once), the last item seen with it, its item count.
  let linking = new Uint8Array(1024);
  let lastItem = new Int32Array(1024);
  let count = new Int32Array(1024);
  let used = 0;
  for (let i = 0; i < items.length; i++) {
    for (const identifier of (items[i] as LinkItem).identifiers) {
      const known = interner.names.length;
      const k = interner.intern(identifier);
      if (k === known) {
        if (k === linking.length) {
          linking = grow(linking, 0);
          lastItem = grow(lastItem, 0);
          count = grow(count, 0);
        }
        linking[k] = links(identifier, settings) ? 1 : 0;
        lastItem[k] = -1;
      }
      if (lastItem[k] === i) continue;
      lastItem[k] = i;
      count[k] = (count[k] as number) + 1;
      occurrenceId[used] = k;
      occurrenceItem[used] = i;
      used++;
    }
  }
  const names = interner.names;
  const start = new Int32Array(names.length + 1);
  for (let k = 0; k < names.length; k++) start[k + 1] = (start[k] as number) + (count[k] as number);
  const fill = start.slice(0, names.length);
  const byIdentifier = new Int32Array(used);
  for (let o = 0; o < used; o++) {
    const k = occurrenceId[o] as number;
    byIdentifier[fill[k] as number] = occurrenceItem[o] as number;
    fill[k] = (fill[k] as number) + 1;
  }
  return { names, linking: linking.subarray(0, names.length), start, items: byIdentifier };
}

/**
 * Counts the distinct sets that identifier k's items fall in (`root` names an item's set),
 * stopping at `limit`. `seen` holds, per set, the last stamp that visited it.
 */
class GroupCounter {
  private readonly seen: Float64Array;
  private stamp = 0;

  constructor(n: number) {
    this.seen = new Float64Array(n);
  }

  count(index: IdentifierIndex, k: number, root: (i: number) => number, limit: number): number {
    this.stamp++;
    let groups = 0;
    for (let o = index.start[k] as number; o < (index.start[k + 1] as number); o++) {
      const r = root(index.items[o] as number);
      if (this.seen[r] === this.stamp) continue;
      this.seen[r] = this.stamp;
      if (++groups >= limit) break;
    }
    return groups;
  }
}

function unionItemsOf(index: IdentifierIndex, k: number, uf: UnionFind): void {
  const first = index.items[index.start[k] as number] as number;
  for (let o = (index.start[k] as number) + 1; o < (index.start[k + 1] as number); o++) {
    uf.union(first, index.items[o] as number);
  }
}

// ---------------------------------------------------------------------------------------------
// Linking
// ---------------------------------------------------------------------------------------------

/** Each item's template as a number (-1: none), and the templates' names by number. */
interface Templates {
  readonly of: Int32Array;
  readonly names: readonly string[];
}

function templatesOf(
  items: readonly LinkItem[],
  templateOf: (id: string) => string | undefined,
): Templates {
  const interner = new Interner();
  const of = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const template = templateOf((items[i] as LinkItem).id);
    of[i] = template === undefined ? -1 : interner.intern(template);
  }
  return { of, names: interner.names };
}

/**
 * Step 0: the templates that link. Members' contacts are grouped by every linking identifier
 * (no hub rule here: an agency's switchboard must keep its own ads together); a template whose
 * members fall into `templateGroups` or more groups is generic text, and is split into one
 * template per contact group. Members of a generic template without any contact stay alone:
 * nothing but common text ties them to anyone.
 */
function linkingTemplates(
  templates: Templates,
  index: IdentifierIndex,
  n: number,
  threshold: number,
): Templates {
  const contacts = new UnionFind(n);
  const hasContact = new Uint8Array(n);
  for (let k = 0; k < index.names.length; k++) {
    if (index.linking[k] !== 1) continue;
    unionItemsOf(index, k, contacts);
    for (let o = index.start[k] as number; o < (index.start[k + 1] as number); o++) {
      hasContact[index.items[o] as number] = 1;
    }
  }
  // Distinct contact groups per template, counted up to the threshold.
  const groups = new Int32Array(templates.names.length);
  const lastSeen = new Map<number, number>();
  const order = Array.from({ length: n }, (_, i) => i).filter(
    (i) => (templates.of[i] as number) >= 0 && hasContact[i] === 1,
  );
  order.sort((a, b) => (templates.of[a] as number) - (templates.of[b] as number));
  for (const i of order) {
    const t = templates.of[i] as number;
    const root = contacts.find(i);
    if (lastSeen.get(root) === t) continue;
    lastSeen.set(root, t);
    groups[t] = (groups[t] as number) + 1;
  }
  const interner = new Interner();
  const of = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = templates.of[i] as number;
    if (t < 0) of[i] = -1;
    else if ((groups[t] as number) < threshold)
      of[i] = interner.intern(templates.names[t] as string);
    else if (hasContact[i] === 1) {
      of[i] = interner.intern(`${templates.names[t]}\u0000${contacts.find(i)}`);
    } else of[i] = -1;
  }
  return { of, names: interner.names };
}

/** Step 1: items written from one (linking) template are one group. */
function unionTemplates(templates: Templates, uf: UnionFind): void {
  const first = new Int32Array(templates.names.length).fill(-1);
  for (let i = 0; i < templates.of.length; i++) {
    const t = templates.of[i] as number;
    if (t < 0) continue;
    if (first[t] === -1) first[t] = i;
    else uf.union(first[t] as number, i);
  }
}

/**
 * Step 2: every linking identifier that is not a hub joins its items. Decided as a fixed
 * point, so that the result does not depend on the order of items or identifiers:
 *
 * 1. One pass over the identifiers: one whose items fall in fewer than `hubTemplates` groups
 *    links them at once; the others are hub candidates.
 * 2. A candidate whose items now fall in fewer groups (other identifiers joined them: a
 *    network's own phone used on all its templates) is not a hub after all and links too.
 *    Repeat until nothing changes.
 *
 * Linking only ever merges groups, so an identifier's count only falls: once it may link it
 * always may. Let S be the largest set of identifiers that each still span `hubTemplates`
 * groups when all identifiers outside S link (such sets are closed under union, so there is a
 * largest). No member of S ever links, whatever the order, because the partition stays finer
 * than S's; and the loop stops only when every remaining candidate qualifies, a set no larger
 * than S. So the hubs are exactly S. Returns their identifier numbers, in increasing order.
 */
function linkIdentifiers(
  index: IdentifierIndex,
  uf: UnionFind,
  counter: GroupCounter,
  threshold: number,
): number[] {
  const root = (i: number) => uf.find(i);
  let candidates: number[] = [];
  for (let k = 0; k < index.names.length; k++) {
    if (index.linking[k] !== 1) continue;
    if (counter.count(index, k, root, threshold) >= threshold) candidates.push(k);
    else unionItemsOf(index, k, uf);
  }
  for (let changed = true; changed; ) {
    changed = false;
    const still: number[] = [];
    for (const k of candidates) {
      if (counter.count(index, k, root, threshold) >= threshold) {
        still.push(k);
      } else {
        unionItemsOf(index, k, uf);
        changed = true;
      }
    }
    candidates = still;
  }
  return candidates;
}

export interface NetworkInput {
  readonly items: readonly LinkItem[];
  /** The template an item was written from (templates.ts), or undefined. */
  readonly templateOf: (id: string) => string | undefined;
  /** Values of the item's 'name' template slots, for personas behind one contact. */
  readonly slotValues?: (id: string) => readonly string[] | undefined;
}

export interface Hub {
  readonly identifier: string;
  /** Items carrying it. */
  readonly items: number;
  /** Distinct templates of those items (an item without a template counting as its own). */
  readonly templates: number;
  /** Distinct groups it would have joined once all other identifiers link: >= hubTemplates. */
  readonly groups: number;
}

export interface NetworkResult {
  /** Sorted by id. */
  readonly networks: readonly Network[];
  /** Member item id -> network id; items alone are in no network. */
  readonly networkOf: ReadonlyMap<string, string>;
  /** Most templates first. */
  readonly hubs: readonly Hub[];
}

/**
 * Links items into networks: groups of two or more items joined by templates and shared
 * identifiers. The result is the same whatever order the items come in.
 *
 * A network's id is `n-` followed by its smallest member id (by UTF-16 code units): stable
 * across runs, readable, and unchanged when later items join the network, unless one of them
 * sorts first.
 */
export function buildNetworks(input: NetworkInput, options: NetworkOptions = {}): NetworkResult {
  const settings = settingsOf(options);
  const { items } = input;
  const uf = new UnionFind(items.length);
  const templates = templatesOf(items, input.templateOf);
  const index = indexIdentifiers(items, settings);
  unionTemplates(linkingTemplates(templates, index, items.length, settings.templateGroups), uf);
  const templateGroup = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) templateGroup[i] = uf.find(i);
  const counter = new GroupCounter(items.length);
  const hubIds = linkIdentifiers(index, uf, counter, settings.hubTemplates);
  const hubs = hubIds.map((k): Hub => {
    const carriers = (index.start[k + 1] as number) - (index.start[k] as number);
    return {
      identifier: index.names[k] as string,
      items: carriers,
      templates: counter.count(index, k, (i) => templateGroup[i] as number, carriers),
      groups: counter.count(index, k, (i) => uf.find(i), carriers),
    };
  });
  hubs.sort(
    (a, b) =>
      b.templates - a.templates || b.items - a.items || byCodeUnits(a.identifier, b.identifier),
  );
  const networks = assembleNetworks(
    input,
    templates,
    index,
    hubIds,
    componentsOf(uf, items.length),
  );
  return { networks, networkOf: membership(networks), hubs };
}

// ---------------------------------------------------------------------------------------------
// Networks from the partition
// ---------------------------------------------------------------------------------------------

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Components of two or more items. The members of component c are
 * `members[start[c]] .. members[start[c + 1] - 1]`, in item order; `of[i]` is item i's
 * component, or -1 for an item alone.
 */
interface Components {
  readonly count: number;
  readonly of: Int32Array;
  readonly start: Int32Array;
  readonly members: Int32Array;
}

function componentsOf(uf: UnionFind, n: number): Components {
  const roots = new Int32Array(n);
  const sizes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = uf.find(i);
    roots[i] = r;
    sizes[r] = (sizes[r] as number) + 1;
  }
  const slot = new Int32Array(n).fill(-1);
  const of = new Int32Array(n).fill(-1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const r = roots[i] as number;
    if ((sizes[r] as number) < 2) continue;
    if (slot[r] === -1) slot[r] = count++;
    of[i] = slot[r] as number;
  }
  return withMembers(count, of);
}

/** All items as one component, for the features of a given list of items. */
function oneComponent(n: number): Components {
  return withMembers(1, new Int32Array(n));
}

function withMembers(count: number, of: Int32Array): Components {
  const start = new Int32Array(count + 1);
  for (const c of of) if (c >= 0) start[c + 1] = (start[c + 1] as number) + 1;
  for (let c = 0; c < count; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const fill = start.slice(0, count);
  const members = new Int32Array(start[count] as number);
  for (let i = 0; i < of.length; i++) {
    const c = of[i] as number;
    if (c < 0) continue;
    members[fill[c] as number] = i;
    fill[c] = (fill[c] as number) + 1;
  }
  return { count, of, start, members };
}

function membersOf(components: Components, c: number): Int32Array {
  return components.members.subarray(
    components.start[c] as number,
    components.start[c + 1] as number,
  );
}

/** Per component: the identifiers that link two or more of its items, and its hubs. */
function identifiersByComponent(
  index: IdentifierIndex,
  hubIds: readonly number[],
  components: Components,
): { linking: string[][]; hubs: string[][] } {
  const linking: string[][] = Array.from({ length: components.count }, () => []);
  const hubs: string[][] = Array.from({ length: components.count }, () => []);
  const isHub = new Uint8Array(index.names.length);
  for (const k of hubIds) isHub[k] = 1;
  for (let k = 0; k < index.names.length; k++) {
    const from = index.start[k] as number;
    const to = index.start[k + 1] as number;
    if (isHub[k] === 1) {
      const seen = new Set<number>();
      for (let o = from; o < to; o++) {
        const c = components.of[index.items[o] as number] as number;
        if (c >= 0 && !seen.has(c)) {
          seen.add(c);
          (hubs[c] as string[]).push(index.names[k] as string);
        }
      }
    } else if (index.linking[k] === 1 && to - from >= 2) {
      // A linking identifier's items all ended up in one component.
      const c = components.of[index.items[from] as number] as number;
      (linking[c] as string[]).push(index.names[k] as string);
    }
  }
  return { linking, hubs };
}

function assembleNetworks(
  input: NetworkInput,
  templates: Templates,
  index: IdentifierIndex,
  hubIds: readonly number[],
  components: Components,
): Network[] {
  const { items } = input;
  const ids = identifiersByComponent(index, hubIds, components);
  const table = featureTable(items, index, components, {
    slotValues: input.slotValues,
    hubs: new Set(hubIds.map((k) => index.names[k] as string)),
  });
  const networks: Network[] = [];
  for (let c = 0; c < components.count; c++) {
    const members = membersOf(components, c);
    const features = featuresOf(table, c);
    const { risk, explanation } = riskOf(features, riskStats(table.columns.risk, members));
    const memberIds = Array.from(members, (i) => (items[i] as LinkItem).id).sort(byCodeUnits);
    networks.push({
      id: `n-${memberIds[0] as string}`,
      members: memberIds,
      templates: templateNames(templates, members),
      identifiers: (ids.linking[c] as string[]).sort(byCodeUnits),
      hubs: (ids.hubs[c] as string[]).sort(byCodeUnits),
      features,
      risk,
      explanation,
    });
  }
  return networks.sort((a, b) => byCodeUnits(a.id, b.id));
}

function templateNames(templates: Templates, members: Int32Array): string[] {
  const names = new Set<string>();
  for (const i of members) {
    const t = templates.of[i] as number;
    if (t >= 0) names.add(templates.names[t] as string);
  }
  return [...names].sort(byCodeUnits);
}

/** Member id -> network id. Two items with one id would make that ambiguous: refused. */
function membership(networks: readonly Network[]): Map<string, string> {
  const networkOf = new Map<string, string>();
  for (const network of networks) {
    for (const id of network.members) {
      if (networkOf.has(id)) {
        throw new VigilError(
          'LINK_OPTIONS_INVALID',
          `Item ids must be unique to link items into networks; "${id}" appears more than once. Give every item its own id.`,
          { details: { field: 'items', id } },
        );
      }
      networkOf.set(id, network.id);
    }
  }
  return networkOf;
}

// ---------------------------------------------------------------------------------------------
// Features
//
// What the features need of each item is first read into typed columns, in one pass in item
// order. A million items make a hundred thousand networks whose members lie scattered over
// the heap: per network, reading compact columns costs far less than visiting every member's
// objects again for every feature.
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

export interface FeatureContext {
  /** Values of an item's 'name' template slots (NetworkInput.slotValues). */
  readonly slotValues?: ((id: string) => readonly string[] | undefined) | undefined;
  /** Hub identifiers: a hub is not the members' own contact, so it counts for no persona. */
  readonly hubs?: ReadonlySet<string>;
}

interface Columns {
  /** Posting time in ms since the epoch; NaN when absent or unreadable. */
  readonly time: Float64Array;
  /** The posting place (country, region, city) as a number; -1 without a city. */
  readonly place: Int32Array;
  readonly places: number;
  /** 1 when the item's phones are from elsewhere than its posting place, 0 when not, -1 when
   * that cannot be told. */
  readonly mismatch: Int8Array;
  readonly thirdPerson: Uint8Array;
  readonly risk: Float64Array;
  /** The item's price currency as a number (-1: no price) and its highest price in it. */
  readonly currency: Int32Array;
  readonly currencies: readonly string[];
  readonly topPrice: Float64Array;
}

function columnsOf(items: readonly LinkItem[]): Columns {
  const n = items.length;
  const places = new Interner();
  const currencies = new Interner();
  const columns = {
    time: new Float64Array(n),
    place: new Int32Array(n),
    mismatch: new Int8Array(n),
    thirdPerson: new Uint8Array(n),
    risk: new Float64Array(n),
    currency: new Int32Array(n),
    topPrice: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const item = items[i] as LinkItem;
    columns.time[i] = item.postedAt === undefined ? Number.NaN : Date.parse(item.postedAt);
    columns.place[i] =
      item.city === undefined
        ? -1
        : places.intern(`${item.country ?? ''}\u0001${item.region ?? ''}\u0001${item.city}`);
    columns.mismatch[i] = phoneMismatch(item);
    columns.thirdPerson[i] = item.thirdPerson ? 1 : 0;
    columns.risk[i] = item.risk;
    const price = priceOf(item);
    columns.currency[i] = price === undefined ? -1 : currencies.intern(price.currency);
    columns.topPrice[i] = price === undefined ? 0 : price.amount;
  }
  return {
    ...columns,
    places: places.names.length,
    currencies: currencies.names,
  };
}

/** The posting place as an ISO 3166-2 code, to compare with NANP phone areas ("US-NY"). */
function subdivisionOf(item: LinkItem): string | undefined {
  if (item.region === undefined) return undefined;
  return item.region.includes('-') ? item.region : `${item.country}-${item.region}`;
}

/**
 * Whether the item's phones are from another country than where it was posted, or (NANP)
 * from another state or province. Codes are compared as LinkItem gives them: ISO 3166 codes,
 * upper case. -1 without a phone country or a posting country.
 */
function phoneMismatch(item: LinkItem): number {
  if (item.country === undefined || item.phoneCountries.length === 0) return -1;
  if (!item.phoneCountries.includes(item.country)) return 1;
  if (item.phoneAreas.length === 0) return 0;
  const subdivision = subdivisionOf(item);
  return subdivision !== undefined && !item.phoneAreas.includes(subdivision) ? 1 : 0;
}

/**
 * The item's price: in the currency it states most often (ties: the first by code), its
 * highest amount. Ads list a rate per duration ("150 half hour, 250 hour"); the highest is
 * the comparable one, and mixing durations would hide uniform pricing.
 */
function priceOf(item: LinkItem): { currency: string; amount: number } | undefined {
  const prices = item.prices;
  if (prices.length === 0) return undefined;
  let currency = (prices[0] as LinkItem['prices'][number]).currency;
  if (prices.some((p) => p.currency !== currency)) {
    let most = 0;
    for (const p of prices) {
      const n = prices.filter((q) => q.currency === p.currency).length;
      if (n > most || (n === most && p.currency < currency)) [currency, most] = [p.currency, n];
    }
  }
  let amount = Number.NEGATIVE_INFINITY;
  for (const p of prices) if (p.currency === currency && p.amount > amount) amount = p.amount;
  return { currency, amount };
}

/** Columns, components, and what is counted across components at once. */
interface FeatureTable {
  readonly items: readonly LinkItem[];
  readonly columns: Columns;
  readonly components: Components;
  /** Distinct phone identifiers per component. */
  readonly phones: Int32Array;
  readonly context: FeatureContext;
  /** Scratch for distinct places: the last component (plus one) that counted each place. */
  readonly placeSeen: Int32Array;
}

function featureTable(
  items: readonly LinkItem[],
  index: IdentifierIndex,
  components: Components,
  context: FeatureContext,
): FeatureTable {
  const columns = columnsOf(items);
  return {
    items,
    columns,
    components,
    phones: phonesPerComponent(index, components),
    context,
    placeSeen: new Int32Array(columns.places),
  };
}

function phonesPerComponent(index: IdentifierIndex, components: Components): Int32Array {
  const phones = new Int32Array(components.count);
  const seen = new Int32Array(components.count).fill(-1);
  for (let k = 0; k < index.names.length; k++) {
    if (!(index.names[k] as string).startsWith('phone:')) continue;
    for (let o = index.start[k] as number; o < (index.start[k + 1] as number); o++) {
      const c = components.of[index.items[o] as number] as number;
      if (c < 0 || seen[c] === k) continue;
      seen[c] = k;
      phones[c] = (phones[c] as number) + 1;
    }
  }
  return phones;
}

/** The features of the members of one list of items (exported for tests and other groupings). */
export function networkFeatures(
  items: readonly LinkItem[],
  context: FeatureContext = {},
): NetworkFeatures {
  const all = oneComponent(items.length);
  return featuresOf(featureTable(items, indexIdentifiers(items, settingsOf({})), all, context), 0);
}

function featuresOf(table: FeatureTable, c: number): NetworkFeatures {
  const { items, columns } = table;
  const members = membersOf(table.components, c);
  const order = postingOrder(items, columns.time, members);
  const first = order[0];
  const last = order[order.length - 1];
  let thirdPerson = 0;
  for (const i of members) thirdPerson += columns.thirdPerson[i] as number;
  const n = members.length;
  // Every key is always present (undefined when unknown, which JSON leaves out): one object
  // shape for a hundred thousand networks.
  return {
    items: n,
    phones: table.phones[c] as number,
    cities: distinctPlaces(table, c, members),
    firstPosted: first === undefined ? undefined : (items[first] as LinkItem).postedAt,
    lastPosted: last === undefined ? undefined : (items[last] as LinkItem).postedAt,
    spanDays:
      first === undefined || last === undefined
        ? 0
        : roundTo(((columns.time[last] as number) - (columns.time[first] as number)) / DAY_MS, 2),
    cadenceDays: cadenceOf(columns.time, order),
    circuit: circuitOf(items, columns.place, order),
    phoneLocationMismatch: mismatchShare(columns.mismatch, members),
    personasPerPhone: personasPerContact(items, members, table.context),
    thirdPersonShare: n === 0 ? 0 : roundTo(thirdPerson / n, 3),
    priceVariation: priceVariationOf(columns, members),
  };
}

function distinctPlaces(table: FeatureTable, c: number, members: Int32Array): number {
  let count = 0;
  for (const i of members) {
    const place = table.columns.place[i] as number;
    if (place < 0 || table.placeSeen[place] === c + 1) continue;
    table.placeSeen[place] = c + 1;
    count++;
  }
  return count;
}

/** The members with a posting time, oldest first (ties by id, for determinism). */
function postingOrder(
  items: readonly LinkItem[],
  time: Float64Array,
  members: Int32Array,
): number[] {
  const before = (a: number, b: number): boolean => {
    const dt = (time[a] as number) - (time[b] as number);
    return dt < 0 || (dt === 0 && (items[a] as LinkItem).id < (items[b] as LinkItem).id);
  };
  const order: number[] = [];
  let sorted = true;
  for (const i of members) {
    if (Number.isNaN(time[i])) continue;
    const last = order[order.length - 1];
    if (last !== undefined && before(i, last)) sorted = false;
    order.push(i);
  }
  // Items usually arrive in posting order; sort only when they did not.
  return sorted ? order : order.sort((a, b) => (before(a, b) ? -1 : 1));
}

/** Cities in posting order, consecutive repeats collapsed (TellFinder's movement timeline). */
function circuitOf(
  items: readonly LinkItem[],
  place: Int32Array,
  order: readonly number[],
): NetworkFeatures['circuit'] {
  const circuit: { city: string; from: string; to: string }[] = [];
  const stop = (from: number, to: number) => {
    const first = items[from] as LinkItem;
    circuit.push({
      city: first.city as string,
      from: first.postedAt as string,
      to: (items[to] as LinkItem).postedAt as string,
    });
  };
  let runFrom = -1;
  let runTo = -1;
  for (const i of order) {
    if ((place[i] as number) < 0) continue;
    if (runFrom >= 0 && place[i] === place[runFrom]) {
      runTo = i;
      continue;
    }
    if (runFrom >= 0) stop(runFrom, runTo);
    runFrom = i;
    runTo = i;
  }
  if (runFrom >= 0) stop(runFrom, runTo);
  return circuit;
}

/** Median days between consecutive posts. */
function cadenceOf(time: Float64Array, order: readonly number[]): number | undefined {
  if (order.length < 2) return undefined;
  const gaps = new Float64Array(order.length - 1);
  for (let k = 1; k < order.length; k++) {
    gaps[k - 1] =
      ((time[order[k] as number] as number) - (time[order[k - 1] as number] as number)) / DAY_MS;
  }
  gaps.sort();
  const mid = gaps.length >> 1;
  const median =
    gaps.length % 2 === 1
      ? (gaps[mid] as number)
      : ((gaps[mid - 1] as number) + (gaps[mid] as number)) / 2;
  return roundTo(median, 2);
}

/** Share of the members whose phones could be compared with their posting place that differ. */
function mismatchShare(mismatch: Int8Array, members: Int32Array): number {
  let compared = 0;
  let mismatched = 0;
  for (const i of members) {
    const m = mismatch[i] as number;
    if (m < 0) continue;
    compared++;
    mismatched += m;
  }
  return compared === 0 ? 0 : roundTo(mismatched / compared, 3);
}

const CONTACT_PREFIXES = ['phone:', 'email:', 'handle:'];

/**
 * The most distinct names (template 'name' slots) advertised behind one contact. The brief is
 * "personas per phone"; a messaging or payment handle or an email shared by several personas
 * is the same sign of one person answering for several, so those count as well.
 */
function personasPerContact(
  items: readonly LinkItem[],
  members: Int32Array,
  context: FeatureContext,
): number {
  const { slotValues, hubs } = context;
  if (slotValues === undefined) return 0;
  const names = new Map<string, Set<string>>();
  for (const i of members) {
    const item = items[i] as LinkItem;
    const values = slotValues(item.id);
    if (values === undefined || values.length === 0) continue;
    for (const identifier of item.identifiers) {
      if (hubs?.has(identifier) || !CONTACT_PREFIXES.some((p) => identifier.startsWith(p))) {
        continue;
      }
      let set = names.get(identifier);
      if (set === undefined) {
        set = new Set();
        names.set(identifier, set);
      }
      for (const value of values) {
        const name = value.trim().toLowerCase();
        if (name !== '') set.add(name);
      }
    }
  }
  let most = 0;
  for (const set of names.values()) most = Math.max(most, set.size);
  return most;
}

/**
 * Coefficient of variation of the members' prices (priceOf) in the network's dominant
 * currency: the one most members price in (ties: the first by code).
 */
function priceVariationOf(columns: Columns, members: Int32Array): number | undefined {
  const currency = dominantCurrency(columns, members);
  if (currency < 0) return undefined;
  const prices: number[] = [];
  for (const i of members) {
    if (columns.currency[i] === currency) prices.push(columns.topPrice[i] as number);
  }
  if (prices.length < 2) return undefined;
  const values = ascending(prices);
  const mean = sumOf(values) / values.length;
  if (mean <= 0) return undefined;
  const deviation = Math.sqrt(sumOf(values.map((v) => (v - mean) ** 2)) / values.length);
  return roundTo(deviation / mean, 3);
}

/**
 * Values in ascending order. Sums are taken in this order: floating-point addition depends on
 * order, and members come in the caller's order, which must not change the result.
 */
function ascending(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

function sumOf(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}

function dominantCurrency(columns: Columns, members: Int32Array): number {
  let only = -1;
  let mixed = false;
  for (const i of members) {
    const c = columns.currency[i] as number;
    if (c < 0) continue;
    if (only < 0) only = c;
    else if (c !== only) mixed = true;
  }
  if (!mixed) return only;
  const votes = new Map<number, number>();
  for (const i of members) {
    const c = columns.currency[i] as number;
    if (c >= 0) votes.set(c, (votes.get(c) ?? 0) + 1);
  }
  let best = -1;
  let most = 0;
  for (const [c, n] of votes) {
    const earlier =
      best >= 0 && (columns.currencies[c] as string) < (columns.currencies[best] as string);
    if (n > most || (n === most && earlier)) [best, most] = [c, n];
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Risk
// ---------------------------------------------------------------------------------------------

/**
 * Weights of the network risk, a logistic combination: risk = σ(bias + Σ contributions). Set by
 * hand (no labelled networks exist to fit them, detection.md §2.4) so that:
 *
 * - The members' own item risk dominates: it is the only input resting on outcome-validated
 *   indicators (trust language, obscured phones, youth language, ethnicity; §3.1). With no
 *   structural sign at all, mean item risk 0.8 already gives about 0.8.
 * - Structure adds to it but cannot make a low-risk network high on its own: a staffing agency
 *   in twelve cities with one switchboard, a clinic chain or a rental company (low item risk,
 *   company voice, no personas, local numbers) stays below 0.3.
 * - Movement is behaviour here (posting in several cities), not movement *language*, which
 *   §3.1 found 70% less likely in trafficking ads than in other sex work; behaviour is not
 *   outcome-validated either (memex_ad_features' location spread is a feature anchor, §2.3), so
 *   it weighs little. Third-person voice is a reported marker worth testing, not a validated
 *   one (§3.1): it weighs least.
 * - Several personas behind one contact is the clearest structural sign of one person
 *   advertising others (TrafficVis and TellFinder link exactly on this), so it weighs most of
 *   the structural signs.
 */
export const NETWORK_RISK_WEIGHTS = {
  bias: -4,
  meanItemRisk: 5,
  maxItemRisk: 1.5,
  /** Per city beyond the first, when the network moved between them, up to maxExtraCities. */
  perExtraCity: 0.25,
  maxExtraCities: 4,
  /** Times the phone/location mismatch share. */
  phoneLocationMismatch: 1,
  /** Per persona beyond the first behind one contact, up to maxExtraPersonas. */
  perExtraPersona: 0.6,
  maxExtraPersonas: 3,
  /** Times the third-person share. */
  thirdPerson: 0.5,
  /** When several personas are priced alike: variation below uniformPriceBelow. */
  uniformPrices: 0.4,
  uniformPriceBelow: 0.15,
} as const;

const W = NETWORK_RISK_WEIGHTS;

interface Factor {
  readonly contribution: number;
  readonly text: string;
}

const percent = (share: number): string => `${Math.round(share * 100)}%`;
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;

/** Mean and highest item risk of the members. */
function riskStats(risk: Float64Array, members: Int32Array): { mean: number; max: number } {
  if (members.length === 0) return { mean: 0, max: 0 };
  const values = ascending(Array.from(members, (i) => risk[i] as number));
  return { mean: sumOf(values) / values.length, max: values[values.length - 1] as number };
}

function itemRiskFactor({ mean, max }: { mean: number; max: number }): Factor {
  return {
    contribution: W.meanItemRisk * mean + W.maxItemRisk * max,
    text: `Members' own risk: mean ${mean.toFixed(2)}, highest ${max.toFixed(2)} (the strongest signal)`,
  };
}

function movementFactor(f: NetworkFeatures): Factor | undefined {
  if (f.cities < 2 || f.circuit.length < 2) return undefined;
  const extra = Math.min(f.cities - 1, W.maxExtraCities);
  const days = Math.round(f.spanDays);
  return {
    contribution: W.perExtraCity * extra,
    text: `Posted in ${f.cities} cities over ${days} day${days === 1 ? '' : 's'} (a circuit of ${f.circuit.length} stops)`,
  };
}

function mismatchFactor(f: NetworkFeatures): Factor | undefined {
  if (f.phoneLocationMismatch <= 0) return undefined;
  return {
    contribution: W.phoneLocationMismatch * f.phoneLocationMismatch,
    text: `${percent(f.phoneLocationMismatch)} of members were posted away from their phone's country or area`,
  };
}

function personasFactor(f: NetworkFeatures): Factor | undefined {
  if (f.personasPerPhone < 2) return undefined;
  const extra = Math.min(f.personasPerPhone - 1, W.maxExtraPersonas);
  return {
    contribution: W.perExtraPersona * extra,
    text: `${f.personasPerPhone} different names advertised behind one phone or contact`,
  };
}

function thirdPersonFactor(f: NetworkFeatures): Factor | undefined {
  if (f.thirdPersonShare <= 0) return undefined;
  return {
    contribution: W.thirdPerson * f.thirdPersonShare,
    text: `${percent(f.thirdPersonShare)} of members are written about the person in the third person (a weak indicator)`,
  };
}

function uniformPricesFactor(f: NetworkFeatures): Factor | undefined {
  if (
    f.personasPerPhone < 2 ||
    f.priceVariation === undefined ||
    f.priceVariation >= W.uniformPriceBelow
  ) {
    return undefined;
  }
  return {
    contribution: W.uniformPrices,
    text: `Uniform prices across the personas (variation ${percent(f.priceVariation)})`,
  };
}

/**
 * The network's risk, 0..1, and one explanation line per contributing factor, each with its
 * contribution to the log-odds (the weights are NETWORK_RISK_WEIGHTS).
 */
export function networkRisk(
  features: NetworkFeatures,
  items: readonly LinkItem[],
): { risk: number; explanation: string[] } {
  const risk = Float64Array.from(items, (item) => item.risk);
  return riskOf(features, riskStats(risk, Int32Array.from(risk.keys())));
}

function riskOf(
  features: NetworkFeatures,
  itemRisk: { mean: number; max: number },
): { risk: number; explanation: string[] } {
  const factors = [
    itemRiskFactor(itemRisk),
    movementFactor(features),
    mismatchFactor(features),
    personasFactor(features),
    thirdPersonFactor(features),
    uniformPricesFactor(features),
  ].filter((f): f is Factor => f !== undefined);
  let logit: number = W.bias;
  for (const factor of factors) logit += factor.contribution;
  return {
    risk: roundTo(sigmoid(logit), 3),
    explanation: factors.map((f) => `${f.text} [${signed(f.contribution)}]`),
  };
}
