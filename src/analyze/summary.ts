/**
 * What a scan report needs, gathered item by item in memory that does not grow with the number
 * of items: fixed counters, one Space-Saving table per identifier kind and a bounded heap of the
 * highest-risk items. Each worker thread keeps one ScanSummary, sends it with toJSON() and the
 * main thread merges them.
 */
import type { Analysis, Band, Field, Span } from './types.js';

export interface SummaryOptions {
  /** Highest-risk items kept. Default 50. */
  readonly topItems?: number;
  /** Identifiers listed per kind in the result. Default 25. */
  readonly topIdentifiers?: number;
  /** Space-Saving counters per identifier kind. Default 5000. */
  readonly identifierCapacity?: number;
}

/** The fields of an item the report shows. */
export interface SummaryItem {
  readonly title?: string;
  readonly body?: string;
  readonly url?: string;
  readonly source?: string;
  readonly posted_at?: string;
  readonly location?: {
    readonly city?: string;
    readonly region?: string;
    readonly country?: string;
  };
}

export const IDENTIFIER_KINDS = ['phone', 'email', 'handle', 'wallet', 'domain'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export interface RuleStat {
  rule: string;
  name: string;
  category: string;
  family: string;
  citation: string;
  /** Items on which the rule fired. */
  items: number;
}

export interface TopItemIndicator {
  rule: string;
  name: string;
  category: string;
  weight: number;
  /** Spans inside the stored title/body (spans past a truncation are dropped). */
  spans: Span[];
}

export interface TopItem {
  id: string;
  risk: number;
  band: Band;
  language: string;
  /** The explanation's one-sentence summary. */
  summary: string;
  title?: string;
  body?: string;
  url?: string;
  source?: string;
  posted_at?: string;
  location?: { city?: string; region?: string; country?: string };
  /** Original lengths (UTF-16 units) of fields cut to keep memory bounded; absent when whole. */
  truncated?: { title?: number; body?: number };
  indicators: TopItemIndicator[];
}

export interface IdentifierCounter {
  value: string;
  /** Space-Saving estimate: never below the true count. */
  count: number;
  /** The estimate exceeds the true count by at most this much. */
  error: number;
}

/** Plain, structured-cloneable state of a ScanSummary. */
export interface SummaryData {
  version: 1;
  items: number;
  malformed: number;
  withIndicators: number;
  bands: Record<Band, number>;
  languages: [string, number][];
  histogram: number[];
  rules: RuleStat[];
  identifiers: Record<
    IdentifierKind,
    { capacity: number; itemsWith: number; counters: IdentifierCounter[] }
  >;
  top: { capacity: number; items: TopItem[] };
  topIdentifiers: number;
}

export interface IdentifierStat {
  value: string;
  /** Items the identifier appeared in (each item counted once); an upper estimate when error > 0. */
  items: number;
  /** The true number of items lies in [items - error, items]. */
  error: number;
}

export interface ScanReportData {
  totals: {
    items: number;
    malformed: number;
    withIndicators: number;
    bands: Record<Band, number>;
    /** Most frequent first. */
    languages: { language: string; items: number }[];
  };
  /** HISTOGRAM_BUCKETS counts; bucket i holds risks in [i/20, (i+1)/20), the last one includes 1. */
  histogram: number[];
  /** Most frequent first. */
  indicators: RuleStat[];
  identifiers: Record<
    IdentifierKind,
    {
      /** Items with at least one identifier of this kind (exact). */
      itemsWith: number;
      /** Identifiers surely seen in two or more items, most frequent first. */
      top: IdentifierStat[];
    }
  >;
  /** Highest risk first, ties by id. */
  topItems: TopItem[];
}

export const HISTOGRAM_BUCKETS = 20;
const DEFAULT_TOP_ITEMS = 50;
const DEFAULT_TOP_IDENTIFIERS = 25;
const DEFAULT_IDENTIFIER_CAPACITY = 5000;
/** Language tags come from input; beyond this many distinct ones the rest are pooled. */
const MAX_LANGUAGES = 200;
export const OTHER_LANGUAGES = '(other)';
/** Stored text per top item; the report shows ~1200 characters, this keeps room around spans. */
const MAX_STORED_TITLE = 1_000;
const MAX_STORED_BODY = 20_000;

export class ScanSummary {
  readonly #topCapacity: number;
  readonly #topIdentifiers: number;
  readonly #identifierCapacity: number;
  #items = 0;
  #malformed = 0;
  #withIndicators = 0;
  readonly #bands: Record<Band, number> = { low: 0, medium: 0, high: 0 };
  readonly #languages = new Map<string, number>();
  readonly #histogram = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  readonly #rules = new Map<string, RuleStat>();
  readonly #identifiers: Record<IdentifierKind, { itemsWith: number; counter: SpaceSaving }>;
  readonly #top: TopHeap;

  constructor(options: SummaryOptions = {}) {
    this.#topCapacity = positiveInteger(options.topItems ?? DEFAULT_TOP_ITEMS, 'topItems');
    this.#topIdentifiers = positiveInteger(
      options.topIdentifiers ?? DEFAULT_TOP_IDENTIFIERS,
      'topIdentifiers',
    );
    this.#identifierCapacity = positiveInteger(
      options.identifierCapacity ?? DEFAULT_IDENTIFIER_CAPACITY,
      'identifierCapacity',
    );
    this.#identifiers = {
      phone: { itemsWith: 0, counter: new SpaceSaving(this.#identifierCapacity) },
      email: { itemsWith: 0, counter: new SpaceSaving(this.#identifierCapacity) },
      handle: { itemsWith: 0, counter: new SpaceSaving(this.#identifierCapacity) },
      wallet: { itemsWith: 0, counter: new SpaceSaving(this.#identifierCapacity) },
      domain: { itemsWith: 0, counter: new SpaceSaving(this.#identifierCapacity) },
    };
    this.#top = new TopHeap(this.#topCapacity);
  }

  add(analysis: Analysis, item: SummaryItem): void {
    this.#items++;
    this.#bands[analysis.band]++;
    this.#countLanguage(analysis.language, 1);
    const bucket = bucketOf(analysis.risk);
    this.#histogram[bucket] = (this.#histogram[bucket] ?? 0) + 1;

    const seenRules = new Set<string>();
    for (const ind of analysis.indicators) {
      if (seenRules.has(ind.rule)) continue;
      seenRules.add(ind.rule);
      const stat = this.#rules.get(ind.rule);
      if (stat === undefined) {
        this.#rules.set(ind.rule, {
          rule: ind.rule,
          name: ind.name,
          category: ind.category,
          family: ind.family,
          citation: ind.citation,
          items: 1,
        });
      } else {
        stat.items++;
      }
    }
    if (seenRules.size > 0) this.#withIndicators++;

    const e = analysis.entities;
    this.#countIdentifiers('phone', e.phones, (p) => p.e164);
    this.#countIdentifiers('email', e.emails, (m) => m.value);
    this.#countIdentifiers('handle', e.handles, (h) => `${h.platform}:${h.handle}`);
    this.#countIdentifiers('wallet', e.wallets, (w) => `${w.chain}:${w.address}`);
    this.#countIdentifiers('domain', e.urls, (u) => u.domain || u.host);

    // Most items do not make the top list; decide before copying anything.
    if (this.#top.wouldAccept(analysis.risk, analysis.id)) {
      this.#top.offer(topItemOf(analysis, item));
    }
  }

  addMalformed(count = 1): void {
    this.#malformed += count;
  }

  merge(other: ScanSummary): void {
    this.#mergeData(other.toJSON());
  }

  toJSON(): SummaryData {
    const identifiers = {} as SummaryData['identifiers'];
    for (const kind of IDENTIFIER_KINDS) {
      const { itemsWith, counter } = this.#identifiers[kind];
      identifiers[kind] = { capacity: counter.capacity, itemsWith, counters: counter.entries() };
    }
    return {
      version: 1,
      items: this.#items,
      malformed: this.#malformed,
      withIndicators: this.#withIndicators,
      bands: { ...this.#bands },
      languages: [...this.#languages],
      histogram: [...this.#histogram],
      rules: [...this.#rules.values()].map((r) => ({ ...r })),
      identifiers,
      top: { capacity: this.#topCapacity, items: this.#top.items().map(cloneTopItem) },
      topIdentifiers: this.#topIdentifiers,
    };
  }

  static fromJSON(data: SummaryData, options: SummaryOptions = {}): ScanSummary {
    if (data?.version !== 1) throw new TypeError('ScanSummary.fromJSON: unsupported data version');
    const summary = new ScanSummary({
      topItems: options.topItems ?? data.top.capacity,
      topIdentifiers: options.topIdentifiers ?? data.topIdentifiers,
      identifierCapacity: options.identifierCapacity ?? data.identifiers.phone.capacity,
    });
    summary.#mergeData(data);
    return summary;
  }

  result(): ScanReportData {
    const identifiers = {} as ScanReportData['identifiers'];
    for (const kind of IDENTIFIER_KINDS) {
      const { itemsWith, counter } = this.#identifiers[kind];
      const top = counter
        .entries()
        // Listed only when it surely recurs: the guaranteed count (count - error) is at least 2.
        .filter((c) => c.count - c.error >= 2)
        .sort(byCountThenValue)
        .slice(0, this.#topIdentifiers)
        .map((c) => ({ value: c.value, items: c.count, error: c.error }));
      identifiers[kind] = { itemsWith, top };
    }
    return {
      totals: {
        items: this.#items,
        malformed: this.#malformed,
        withIndicators: this.#withIndicators,
        bands: { ...this.#bands },
        languages: [...this.#languages]
          .map(([language, items]) => ({ language, items }))
          .sort((a, b) => b.items - a.items || compare(a.language, b.language)),
      },
      histogram: [...this.#histogram],
      indicators: [...this.#rules.values()]
        .map((r) => ({ ...r }))
        .sort((a, b) => b.items - a.items || compare(a.rule, b.rule)),
      identifiers,
      topItems: this.#top.items().sort(byRank).map(cloneTopItem),
    };
  }

  #mergeData(data: SummaryData): void {
    this.#items += data.items;
    this.#malformed += data.malformed;
    this.#withIndicators += data.withIndicators;
    for (const band of ['low', 'medium', 'high'] as const) this.#bands[band] += data.bands[band];
    for (const [language, n] of data.languages) this.#countLanguage(language, n);
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      this.#histogram[i] = (this.#histogram[i] ?? 0) + (data.histogram[i] ?? 0);
    }
    for (const r of data.rules) {
      const stat = this.#rules.get(r.rule);
      if (stat === undefined) this.#rules.set(r.rule, { ...r });
      else stat.items += r.items;
    }
    for (const kind of IDENTIFIER_KINDS) {
      const theirs = data.identifiers[kind];
      const mine = this.#identifiers[kind];
      mine.itemsWith += theirs.itemsWith;
      mine.counter.merge(theirs.counters, theirs.capacity);
    }
    for (const item of data.top.items) {
      if (this.#top.wouldAccept(item.risk, item.id)) this.#top.offer(cloneTopItem(item));
    }
  }

  #countLanguage(language: string, n: number): void {
    const known = this.#languages.has(language);
    const key = known || this.#languages.size < MAX_LANGUAGES ? language : OTHER_LANGUAGES;
    this.#languages.set(key, (this.#languages.get(key) ?? 0) + n);
  }

  #countIdentifiers<T>(kind: IdentifierKind, found: readonly T[], key: (e: T) => string): void {
    if (found.length === 0) return;
    // Each identifier counts once per item: an ad repeating its number is still one ad.
    const values = new Set<string>();
    for (const e of found) {
      const k = key(e);
      if (k) values.add(k);
    }
    if (values.size === 0) return;
    const slot = this.#identifiers[kind];
    slot.itemsWith++;
    for (const v of values) slot.counter.offer(v);
  }
}

function positiveInteger(value: number, name: string): number {
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new RangeError(`${name} must be a positive integer`);
  }
  return value;
}

function bucketOf(risk: number): number {
  if (!Number.isFinite(risk) || risk <= 0) return 0;
  // The epsilon keeps a risk such as 0.35 (stored as 0.34999…) in the bucket its digits name.
  return Math.min(HISTOGRAM_BUCKETS - 1, Math.floor(risk * HISTOGRAM_BUCKETS + 1e-9));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byCountThenValue(a: IdentifierCounter, b: IdentifierCounter): number {
  return b.count - a.count || compare(a.value, b.value);
}

/** Report order: higher risk first, then id ascending. */
function byRank(a: { risk: number; id: string }, b: { risk: number; id: string }): number {
  return b.risk - a.risk || compare(a.id, b.id);
}

/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

function topItemOf(analysis: Analysis, item: SummaryItem): TopItem {
  const out: TopItem = {
    id: analysis.id,
    risk: analysis.risk,
    band: analysis.band,
    language: analysis.language,
    summary: analysis.explanation.summary,
    indicators: [],
  };
  const stored: Record<Field, number> = { title: 0, body: 0 };
  const truncated: { title?: number; body?: number } = {};
  if (item.title !== undefined) {
    out.title = cut(item.title, MAX_STORED_TITLE);
    stored.title = out.title.length;
    if (out.title.length < item.title.length) truncated.title = item.title.length;
  }
  if (item.body !== undefined) {
    out.body = cut(item.body, MAX_STORED_BODY);
    stored.body = out.body.length;
    if (out.body.length < item.body.length) truncated.body = item.body.length;
  }
  if (truncated.title !== undefined || truncated.body !== undefined) out.truncated = truncated;
  if (item.url !== undefined) out.url = cut(item.url, 2_000);
  if (item.source !== undefined) out.source = cut(item.source, 200);
  if (item.posted_at !== undefined) out.posted_at = cut(item.posted_at, 100);
  if (item.location !== undefined) {
    const loc: { city?: string; region?: string; country?: string } = {};
    if (item.location.city !== undefined) loc.city = cut(item.location.city, 200);
    if (item.location.region !== undefined) loc.region = cut(item.location.region, 200);
    if (item.location.country !== undefined) loc.country = cut(item.location.country, 200);
    out.location = loc;
  }
  // The weight shown is the one the model used (explanation), which differs from the rule
  // file's weight under a calibrated model.
  const used = new Map(analysis.explanation.contributions.map((c) => [c.rule, c.weight] as const));
  for (const ind of analysis.indicators) {
    out.indicators.push({
      rule: ind.rule,
      name: ind.name,
      category: ind.category,
      weight: used.get(ind.rule) ?? ind.weight,
      spans: ind.spans
        .filter((s) => s.start >= 0 && s.end <= stored[s.field] && s.start <= s.end)
        .map((s) => ({ field: s.field, start: s.start, end: s.end, text: s.text })),
    });
  }
  return out;
}

function cloneTopItem(item: TopItem): TopItem {
  return structuredClone(item);
}

/**
 * Min-heap of the best `capacity` items under byRank: the root is the one to evict next (lowest
 * risk, and among equal risks the largest id), so each offer costs O(log capacity).
 */
class TopHeap {
  readonly #capacity: number;
  readonly #heap: TopItem[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  wouldAccept(risk: number, id: string): boolean {
    if (this.#heap.length < this.#capacity) return true;
    const root = this.#heap[0] as TopItem;
    return byRank({ risk, id }, root) < 0;
  }

  offer(item: TopItem): void {
    const heap = this.#heap;
    if (heap.length < this.#capacity) {
      heap.push(item);
      this.#up(heap.length - 1);
    } else if (byRank(item, heap[0] as TopItem) < 0) {
      heap[0] = item;
      this.#down(0);
    }
  }

  items(): TopItem[] {
    return [...this.#heap];
  }

  /** a should sit above b: a ranks later in report order. */
  #above(a: TopItem, b: TopItem): boolean {
    return byRank(a, b) > 0;
  }

  #up(i: number): void {
    const heap = this.#heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#above(heap[i] as TopItem, heap[parent] as TopItem)) break;
      [heap[i], heap[parent]] = [heap[parent] as TopItem, heap[i] as TopItem];
      i = parent;
    }
  }

  #down(i: number): void {
    const heap = this.#heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && this.#above(heap[l] as TopItem, heap[top] as TopItem)) top = l;
      if (r < heap.length && this.#above(heap[r] as TopItem, heap[top] as TopItem)) top = r;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top] as TopItem, heap[i] as TopItem];
      i = top;
    }
  }
}

/**
 * Space-Saving heavy-hitter counters (Metwally, Agrawal & El Abbadi, "Efficient Computation of
 * Frequent and Top-k Elements in Data Streams", ICDT 2005). With m counters every value whose
 * true count exceeds N/m is kept, and each kept count overestimates the truth by at most its
 * recorded error (≤ N/m). The counters live in a min-heap keyed by count so that replacing the
 * minimum costs O(log m) instead of a scan of all m.
 */
export class SpaceSaving {
  readonly capacity: number;
  readonly #values: string[] = [];
  readonly #counts: number[] = [];
  readonly #errors: number[] = [];
  readonly #position = new Map<string, number>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#values.length;
  }

  /** The count an unseen value may have had: 0 until the table is full, then the minimum. */
  get floor(): number {
    return this.#values.length < this.capacity ? 0 : (this.#counts[0] ?? 0);
  }

  offer(value: string, weight = 1): void {
    const i = this.#position.get(value);
    if (i !== undefined) {
      this.#counts[i] = (this.#counts[i] as number) + weight;
      this.#down(i);
      return;
    }
    if (this.#values.length < this.capacity) {
      this.#values.push(value);
      this.#counts.push(weight);
      this.#errors.push(0);
      this.#position.set(value, this.#values.length - 1);
      this.#up(this.#values.length - 1);
      return;
    }
    // Evict the minimum: the newcomer inherits its count as possible overestimate.
    const min = this.#counts[0] as number;
    this.#position.delete(this.#values[0] as string);
    this.#values[0] = value;
    this.#counts[0] = min + weight;
    this.#errors[0] = min;
    this.#position.set(value, 0);
    this.#down(0);
  }

  entries(): IdentifierCounter[] {
    return this.#values.map((value, i) => ({
      value,
      count: this.#counts[i] as number,
      error: this.#errors[i] as number,
    }));
  }

  /**
   * Merges another summary's counters (the mergeable-summaries rule of Agarwal et al., PODS 2012,
   * as used by Cafaro et al. for parallel Space-Saving): a value missing from a full table may
   * have had up to that table's minimum, so the minimum is added to both its count and its error.
   * The `capacity` largest results are kept, which preserves both guarantees.
   */
  merge(counters: readonly IdentifierCounter[], otherCapacity: number): void {
    const theirFloor = counters.length < otherCapacity ? 0 : minCount(counters);
    const myFloor = this.floor;
    const merged = new Map<string, IdentifierCounter>();
    for (const c of this.entries()) {
      merged.set(c.value, {
        value: c.value,
        count: c.count + theirFloor,
        error: c.error + theirFloor,
      });
    }
    for (const c of counters) {
      const mine = merged.get(c.value);
      if (mine === undefined) {
        merged.set(c.value, { value: c.value, count: c.count + myFloor, error: c.error + myFloor });
      } else {
        // `mine` already carries theirFloor in place of their real count; replace it.
        mine.count += c.count - theirFloor;
        mine.error += c.error - theirFloor;
      }
    }
    const kept = [...merged.values()].sort(byCountThenValue).slice(0, this.capacity);
    this.#values.length = 0;
    this.#counts.length = 0;
    this.#errors.length = 0;
    this.#position.clear();
    // Sorted descending; reversed it is ascending, which is already a valid min-heap.
    kept.reverse();
    for (const c of kept) {
      this.#position.set(c.value, this.#values.length);
      this.#values.push(c.value);
      this.#counts.push(c.count);
      this.#errors.push(c.error);
    }
  }

  #swap(i: number, j: number): void {
    const v = this.#values;
    const c = this.#counts;
    const e = this.#errors;
    [v[i], v[j]] = [v[j] as string, v[i] as string];
    [c[i], c[j]] = [c[j] as number, c[i] as number];
    [e[i], e[j]] = [e[j] as number, e[i] as number];
    this.#position.set(v[i] as string, i);
    this.#position.set(v[j] as string, j);
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.#counts[parent] as number) <= (this.#counts[i] as number)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const n = this.#values.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < n && (this.#counts[l] as number) < (this.#counts[smallest] as number)) smallest = l;
      if (r < n && (this.#counts[r] as number) < (this.#counts[smallest] as number)) smallest = r;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }
}

function minCount(counters: readonly IdentifierCounter[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const c of counters) if (c.count < min) min = c.count;
  return Number.isFinite(min) ? min : 0;
}
