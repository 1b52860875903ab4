/**
 * Rule evaluation over one document: which indicator rules fire, and on what text.
 *
 * Budget: the whole engine targets ~40 µs per ad, so matching costs one pass over the folded
 * text plus table lookups, whatever the number of phrases:
 * - the pass cuts the text into word tokens (runs of letters, digits and inner apostrophes) and
 *   hashes each token as it goes (FNV-1a); a bit filter drops the tokens that start no phrase,
 *   and from the others matching walks a trie of phrase words, one lookup per following token;
 * - phrases in scripts written without spaces (Thai, Chinese, Japanese) and emoji phrases match
 *   by substring: the same pass looks up the phrases that start with the current character;
 * - only rules whose phrases hit, or that depend on entities, features or regexes, are checked
 *   at all; a regular expression (proved linear-time at load, rules.ts) runs at most once per
 *   document and only for a rule that is in the document's language and could still fire;
 * - entity and feature conditions read what the extractors already found.
 * Hits are kept as offsets of the folded text, in typed arrays reused from one document to the
 * next, and mapped back to the original text only for the rules that fire.
 */
import type { Doc } from './doc.js';
import { type Features, rangeOfSpan } from './features.js';
import type { CompiledPattern, CompiledRule, RuleSet } from './rules.js';
import type { Entities, Range } from './types.js';

export interface FiredRule {
  readonly rule: CompiledRule;
  /** What made the rule fire, in the joined ORIGINAL text, in text order without repeats. */
  readonly ranges: readonly Range[];
}

/** Hits kept per pattern: enough to show a reviewer, bounded on hostile input. */
const MAX_HITS_PER_PATTERN = 16;
/** Ranges reported per fired rule. */
const MAX_RANGES_PER_RULE = 32;
/** Longest run of light punctuation and blanks that still joins two words of a phrase. */
const MAX_GAP = 16;

// ---------------------------------------------------------------------------------------------
// Characters and tokens (shared with the phrase compiler in rules.ts, so both sides agree)

const UNKNOWN = 0;
const WORD = 1;
const OTHER = 2;
/** Class of each UTF-16 unit, filled on first sight: the Unicode test runs once per unit. */
const unitClass = new Uint8Array(0x10000);
const WORD_RE = /^[\p{L}\p{N}\p{M}]$/u;

for (let c = 0; c < 0x80; c++) {
  const word = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  unitClass[c] = word ? WORD : OTHER;
}
// Surrogates are not word units: astral letters are rare after folding (styled letters are
// folded to ASCII), and astral emoji and CJK extensions are matched by substring.
unitClass.fill(OTHER, 0xd800, 0xe000);

export function isWordUnit(c: number): boolean {
  let k = unitClass[c] ?? OTHER;
  if (k === UNKNOWN) {
    k = WORD_RE.test(String.fromCharCode(c)) ? WORD : OTHER;
    unitClass[c] = k;
  }
  return k === WORD;
}

/** Apostrophes inside a word ("don't", "don’t") are part of it and compare equal. */
export function isApostrophe(c: number): boolean {
  return c === 0x27 || c === 0x2019 || c === 0x02bc;
}

/**
 * Characters that may stand between two words of a phrase: blanks and light punctuation, so
 * "real pics" also matches "real-pics", "real.pics" and "real / pics", and "100% real" matches
 * "100 % real".
 */
const LIGHT = new Uint8Array(0x10000);
for (const ch of ' \t\n\r\f\v-.,/_:;!?*|~"()[]+&%\u00b7\u2022\u2013\u2014\u2010\u2011\u2012') {
  LIGHT[ch.charCodeAt(0)] = 1;
}
export function isLightUnit(c: number): boolean {
  return LIGHT[c] === 1;
}

/**
 * Characters of scripts written without spaces between words, and pictographs: a phrase that
 * holds one is matched as a substring, not as words.
 */
export function isSubstringUnit(c: number): boolean {
  return (
    (c >= 0x0e00 && c <= 0x0eff) || // Thai, Lao
    (c >= 0x1000 && c <= 0x109f) || // Myanmar
    (c >= 0x1780 && c <= 0x17ff) || // Khmer
    (c >= 0x2190 && c <= 0x2bff) || // arrows, symbols, dingbats (☎ ✈ ❤)
    (c >= 0x2e80 && c <= 0x9fff) || // CJK radicals, kana, Han
    (c >= 0xf900 && c <= 0xfaff) || // CJK compatibility ideographs
    (c >= 0xd800 && c <= 0xdfff) // astral: emoji, CJK extensions
  );
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const hashStep = (h: number, c: number): number =>
  Math.imul(h ^ (isApostrophe(c) ? 0x27 : c), FNV_PRIME);

/** Hash of a token as the matcher computes it; `prefixLength` limits it to the first units. */
export function hashToken(token: string, prefixLength = token.length): number {
  let h = FNV_OFFSET;
  const n = Math.min(prefixLength, token.length);
  for (let i = 0; i < n; i++) h = hashStep(h, token.charCodeAt(i));
  return h;
}

/** Units a prefix token ("recruit*") must have: prefixes are looked up by their first three. */
export const PREFIX_KEY_LENGTH = 3;

/** Word tokens of a folded string as [start, end) pairs, by the same rules as the matcher. */
export function wordTokens(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isWordUnit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isWordUnit(c)) i++;
      else if (isApostrophe(c) && i + 1 < n && isWordUnit(text.charCodeAt(i + 1))) i += 2;
      else break;
    }
    out.push([start, i]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Compiled phrase index (built by rules.ts)

/**
 * A trie over the words of all phrases: from a text token, matching walks down one edge per
 * following token, so the cost per token is the length of the longest phrase, not the number
 * of phrases (brace expansion makes hundreds of phrases share a first word).
 */
export interface PhraseNode {
  /** Hash of the next word → edges (a list only because two words may share a hash). */
  readonly exact: ReadonlyMap<number, readonly PhraseEdge[]>;
  /** Edges for "word*" prefixes, checked one by one (few per node). */
  readonly prefix: readonly PhraseEdge[];
  /** Phrase-pattern slots of the phrases that end here. */
  readonly slots: readonly number[];
}

export interface PhraseEdge {
  readonly word: string;
  readonly prefix: boolean;
  readonly node: PhraseNode;
}

/** One folded phrase matched as a substring (scripts without spaces, emoji). */
export interface SubstringPhrase {
  readonly text: string;
  /** Second UTF-16 unit of `text`, or -1: checked before comparing the whole phrase. */
  readonly second: number;
  readonly slots: readonly number[];
}

export interface PhraseIndex {
  /** First words of phrases; `root.prefix` is unused, see `firstPrefixes`. */
  readonly root: PhraseNode;
  /**
   * Bit (hash & 0xffff) set for every first-word hash in `root.exact`, and for every key of
   * `firstPrefixes` in `prefixBits`: most text tokens start no phrase, and a bit test is far
   * cheaper than a Map lookup.
   */
  readonly firstBits: Uint32Array;
  readonly prefixBits: Uint32Array;
  /** Hash of the first PREFIX_KEY_LENGTH units → edges for phrases whose first word is a prefix. */
  readonly firstPrefixes: ReadonlyMap<number, readonly PhraseEdge[]>;
  /** Substring phrases grouped by their first UTF-16 unit. */
  readonly substringLists: readonly (readonly SubstringPhrase[])[];
  /**
   * For each UTF-16 unit, 1 + the index in `substringLists` of the phrases starting with it, or
   * 0: one array read per character (Thai ads have a candidate at almost every character).
   */
  readonly firstUnits: Uint16Array;
  readonly slotCount: number;
}

// ---------------------------------------------------------------------------------------------
// Scratch token arrays, reused across calls (evaluation is synchronous and never re-entered)

let capacity = 0;
let tokStart = new Int32Array(0);
let tokEnd = new Int32Array(0);
let tokHash = new Int32Array(0);
let tokPrefixHash = new Int32Array(0);
/** 1 when only blanks and light punctuation (at most MAX_GAP units) separate the token from the previous one. */
let tokJoined = new Uint8Array(0);

/** Above this many tokens, the arrays are given back once an ordinary document follows. */
const KEEP_CAPACITY = 1 << 16;

function ensureCapacity(need: number): void {
  if (need <= capacity) return;
  const size = Math.max(need, capacity * 2, 256);
  const grow = <T extends Int32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
    const next = make(size);
    next.set(old);
    return next;
  };
  tokStart = grow(tokStart, (n) => new Int32Array(n));
  tokEnd = grow(tokEnd, (n) => new Int32Array(n));
  tokHash = grow(tokHash, (n) => new Int32Array(n));
  tokPrefixHash = grow(tokPrefixHash, (n) => new Int32Array(n));
  tokJoined = grow(tokJoined, (n) => new Uint8Array(n));
  capacity = size;
}

/** After a huge hostile document, give its token arrays back instead of keeping them forever. */
function releaseCapacity(textLength: number): void {
  if (capacity <= KEEP_CAPACITY || textLength > KEEP_CAPACITY) return;
  capacity = 0;
  tokStart = new Int32Array(0);
  tokEnd = new Int32Array(0);
  tokHash = new Int32Array(0);
  tokPrefixHash = new Int32Array(0);
  tokJoined = new Uint8Array(0);
}

/** Sets the filter bit of a hash (rules.ts builds the filters with it). */
export function setHashBit(bits: Uint32Array, hash: number): void {
  const k = hash & 0xffff;
  bits[k >>> 5] = (bits[k >>> 5] ?? 0) | (1 << (k & 31));
}

const hasHashBit = (bits: Uint32Array, hash: number): boolean => {
  const k = hash & 0xffff;
  return ((bits[k >>> 5] ?? 0) & (1 << (k & 31))) !== 0;
};

/**
 * Hits of each pattern slot for the current document, as folded offsets, in flat typed arrays
 * reused from one document to the next: a slot counts as hit only when its stamp equals the
 * current document's, so nothing is cleared or allocated per document.
 */
class HitTable {
  private stamp = 0;
  private readonly stamps: Uint32Array;
  private readonly counts: Uint8Array;
  private readonly offsets: Int32Array;
  /** Slots hit in this document, in order of first hit. */
  readonly touched: Int32Array;
  touchedCount = 0;

  constructor(size: number) {
    this.stamps = new Uint32Array(size);
    this.counts = new Uint8Array(size);
    this.offsets = new Int32Array(size * MAX_HITS_PER_PATTERN * 2);
    this.touched = new Int32Array(size);
  }

  next(): void {
    this.stamp++;
    this.touchedCount = 0;
    if (this.stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
  }

  add(slot: number, start: number, end: number): void {
    if (this.stamps[slot] !== this.stamp) {
      this.stamps[slot] = this.stamp;
      this.counts[slot] = 0;
      this.touched[this.touchedCount++] = slot;
    }
    const k = this.counts[slot] ?? 0;
    if (k >= MAX_HITS_PER_PATTERN) return;
    const at = (slot * MAX_HITS_PER_PATTERN + k) * 2;
    this.offsets[at] = start;
    this.offsets[at + 1] = end;
    this.counts[slot] = k + 1;
  }

  has(slot: number): boolean {
    return this.stamps[slot] === this.stamp;
  }

  /** Marks a slot as settled for this document without a hit (used for regex memo). */
  settle(slot: number): void {
    if (this.stamps[slot] !== this.stamp) {
      this.stamps[slot] = this.stamp;
      this.counts[slot] = 0;
    }
  }

  count(slot: number): number {
    return this.stamps[slot] === this.stamp ? (this.counts[slot] ?? 0) : 0;
  }

  start(slot: number, k: number): number {
    return this.offsets[(slot * MAX_HITS_PER_PATTERN + k) * 2] ?? 0;
  }

  end(slot: number, k: number): number {
    return this.offsets[(slot * MAX_HITS_PER_PATTERN + k) * 2 + 1] ?? 0;
  }
}

/** Class of a unit, classifying it on first sight. */
function classOf(c: number): number {
  const k = unitClass[c] ?? OTHER;
  if (k !== UNKNOWN) return k;
  return isWordUnit(c) ? WORD : OTHER;
}

/**
 * One pass: tokens with their hashes (and the hash of their first PREFIX_KEY_LENGTH units),
 * and substring phrases found on the way. Returns the token count. This loop is the hot path
 * of the whole rule engine, hence the inlined hashing and table reads.
 */
function scan(text: string, index: PhraseIndex, hits: HitTable): number {
  const n = text.length;
  releaseCapacity(n);
  const firstUnits = index.firstUnits;
  const substrings = index.substringLists.length > 0;
  let count = 0;
  let gapLight = false;
  let gapStart = 0;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (substrings && firstUnits[c] !== 0) matchSubstrings(text, i, c, index, hits);
    if (classOf(c) !== WORD) {
      if (LIGHT[c] !== 1) gapLight = false;
      i++;
      continue;
    }
    if (count >= capacity) ensureCapacity(count + 1);
    tokStart[count] = i;
    tokJoined[count] = count > 0 && gapLight && i - gapStart <= MAX_GAP ? 1 : 0;
    let h = Math.imul(FNV_OFFSET ^ c, FNV_PRIME);
    let len = 1;
    let prefixHash = 0;
    i++;
    while (i < n) {
      c = text.charCodeAt(i);
      if (substrings && firstUnits[c] !== 0) matchSubstrings(text, i, c, index, hits);
      if (classOf(c) === WORD) {
        h = Math.imul(h ^ c, FNV_PRIME);
      } else if (isApostrophe(c) && i + 1 < n && classOf(text.charCodeAt(i + 1)) === WORD) {
        h = Math.imul(h ^ 0x27, FNV_PRIME);
      } else {
        break;
      }
      len++;
      if (len === PREFIX_KEY_LENGTH) prefixHash = h;
      i++;
    }
    tokEnd[count] = i;
    tokHash[count] = h;
    tokPrefixHash[count] = prefixHash;
    count++;
    gapLight = true;
    gapStart = i;
  }
  return count;
}

function matchSubstrings(
  text: string,
  at: number,
  c: number,
  index: PhraseIndex,
  hits: HitTable,
): void {
  const candidates = index.substringLists[(index.firstUnits[c] ?? 0) - 1];
  if (candidates === undefined) return;
  const second = text.charCodeAt(at + 1);
  for (let k = 0; k < candidates.length; k++) {
    const phrase = candidates[k] as SubstringPhrase;
    // The second unit rules out most candidates before a full comparison.
    if (phrase.second >= 0 && phrase.second !== second) continue;
    if (!text.startsWith(phrase.text, at)) continue;
    for (const slot of phrase.slots) hits.add(slot, at, at + phrase.text.length);
  }
}

/** Token t of the text equals `word` (or starts with it when `prefix`), apostrophes folded. */
function tokenIs(text: string, t: number, word: string, prefix: boolean): boolean {
  const start = tokStart[t] ?? 0;
  const length = (tokEnd[t] ?? 0) - start;
  if (prefix ? length < word.length : length !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    const a = text.charCodeAt(start + k);
    const b = word.charCodeAt(k);
    if (a !== b && !(isApostrophe(a) && isApostrophe(b))) return false;
  }
  return true;
}

/** Follows `edge` from token t (which must match it) down the trie; records every phrase end. */
function walk(
  text: string,
  edge: PhraseEdge,
  first: number,
  t: number,
  count: number,
  hits: HitTable,
): void {
  let node = edge.node;
  let at = t;
  for (;;) {
    if (node.slots.length > 0) {
      const start = tokStart[first] ?? 0;
      const end = tokEnd[at] ?? 0;
      for (const slot of node.slots) hits.add(slot, start, end);
    }
    const next = at + 1;
    if (next >= count || tokJoined[next] !== 1) return;
    // Prefix edges branch (rare); exact edges continue the loop without recursion.
    for (const p of node.prefix) {
      if (tokenIs(text, next, p.word, true)) walk(text, p, first, next, count, hits);
    }
    const edges = node.exact.get(tokHash[next] ?? 0);
    if (edges === undefined) return;
    let follow: PhraseEdge | undefined;
    for (const e of edges) {
      if (!tokenIs(text, next, e.word, false)) continue;
      if (follow === undefined) follow = e;
      else walk(text, e, first, next, count, hits);
    }
    if (follow === undefined) return;
    node = follow.node;
    at = next;
  }
}

function matchPhrases(text: string, index: PhraseIndex, hits: HitTable): void {
  const count = scan(text, index, hits);
  const { root, firstPrefixes, firstBits, prefixBits } = index;
  const hasPrefixes = firstPrefixes.size > 0;
  for (let t = 0; t < count; t++) {
    const hash = tokHash[t] ?? 0;
    if (hasHashBit(firstBits, hash)) {
      const edges = root.exact.get(hash);
      if (edges !== undefined) {
        for (const e of edges)
          if (tokenIs(text, t, e.word, false)) walk(text, e, t, t, count, hits);
      }
    }
    const prefixHash = tokPrefixHash[t] ?? 0;
    if (
      hasPrefixes &&
      (tokEnd[t] ?? 0) - (tokStart[t] ?? 0) >= PREFIX_KEY_LENGTH &&
      hasHashBit(prefixBits, prefixHash)
    ) {
      const byPrefix = firstPrefixes.get(prefixHash);
      if (byPrefix !== undefined) {
        for (const e of byPrefix)
          if (tokenIs(text, t, e.word, true)) walk(text, e, t, t, count, hits);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Scratch state of a rule set, made on its first use. */
interface Scratch {
  readonly phrases: HitTable;
  /** Regex results; a settled slot was computed for this document (with or without hits). */
  readonly regexes: HitTable;
  /**
   * Most rules can only fire when one of their "any" phrases hit. For those, `slotRules`
   * lists, per phrase slot, the rules it wakes; the others (`always`) are checked on every
   * document. `awake[k] === stamp` marks the rules woken for the current document.
   */
  readonly slotRules: readonly (readonly number[])[];
  readonly always: Uint8Array;
  readonly awake: Uint32Array;
  stamp: number;
}
const scratchOf = new WeakMap<RuleSet, Scratch>();

function scratchFor(rules: RuleSet): Scratch {
  const made = scratchOf.get(rules);
  if (made !== undefined) return made;
  const slotRules: number[][] = Array.from({ length: rules.phrases.slotCount }, () => []);
  const always = new Uint8Array(rules.rules.length);
  rules.rules.forEach((rule, k) => {
    const any = rule.when.any;
    if (any.length === 0 || any.some((p) => p.kind !== 'phrases')) {
      always[k] = 1;
      return;
    }
    for (const p of any) if (p.kind === 'phrases') slotRules[p.slot]?.push(k);
  });
  const scratch: Scratch = {
    phrases: new HitTable(rules.phrases.slotCount),
    regexes: new HitTable(rules.regexCount),
    slotRules,
    always,
    awake: new Uint32Array(rules.rules.length),
    stamp: 0,
  };
  scratchOf.set(rules, scratch);
  return scratch;
}

/** Per-document state. */
interface Run {
  readonly text: string;
  readonly phraseHits: HitTable;
  readonly regexHits: HitTable;
  readonly entities: Entities;
  readonly features: Features;
}

function regexHolds(run: Run, pattern: Extract<CompiledPattern, { kind: 'regex' }>): boolean {
  const table = run.regexHits;
  if (!table.has(pattern.slot)) {
    table.settle(pattern.slot);
    const re = pattern.re;
    re.lastIndex = 0;
    let m = re.exec(run.text);
    let found = 0;
    while (m !== null) {
      const end = m.index + m[0].length;
      table.add(pattern.slot, m.index, end);
      if (++found >= MAX_HITS_PER_PATTERN) break;
      // Rules cannot match the empty string (rules.ts), but a stuck lastIndex must never loop.
      if (end === m.index) re.lastIndex = end + 1;
      m = re.exec(run.text);
    }
    re.lastIndex = 0;
  }
  return table.count(pattern.slot) > 0;
}

function holds(run: Run, pattern: CompiledPattern): boolean {
  switch (pattern.kind) {
    case 'phrases':
      return run.phraseHits.has(pattern.slot);
    case 'regex':
      return regexHolds(run, pattern);
    case 'entity':
      return pattern.select(run.entities).length > 0;
    case 'feature':
      return run.features[pattern.feature] !== undefined;
  }
}

/** Adds the evidence of a pattern that holds to `out`, in the original text. */
function evidence(run: Run, doc: Doc, pattern: CompiledPattern, out: Range[]): void {
  switch (pattern.kind) {
    case 'phrases':
    case 'regex': {
      const table = pattern.kind === 'phrases' ? run.phraseHits : run.regexHits;
      const n = table.count(pattern.slot);
      for (let k = 0; k < n; k++) {
        out.push(doc.folded.toOriginal(table.start(pattern.slot, k), table.end(pattern.slot, k)));
      }
      return;
    }
    case 'entity':
      for (const span of pattern.select(run.entities)) out.push(rangeOfSpan(doc, span));
      return;
    case 'feature':
      for (const range of run.features[pattern.feature] ?? []) out.push(range);
      return;
  }
}

/**
 * any ∧ all ∧ ¬unless, cheapest first: phrases, entities and features are lookups, while a regex
 * scans the text, so no regex runs before every cheap pattern that could veto the rule has
 * been read. A rule can thus guard an expensive regex with a cheap `all` phrase.
 */
function fires(
  run: Run,
  any: readonly CompiledPattern[],
  all: readonly CompiledPattern[],
  unless: readonly CompiledPattern[],
): boolean {
  let anyHolds = any.length === 0;
  let anyRegex = false;
  for (const p of any) {
    if (p.kind === 'regex') anyRegex = true;
    else if (holds(run, p)) {
      anyHolds = true;
      break;
    }
  }
  if (!anyHolds && !anyRegex) return false;
  for (const p of all) if (p.kind !== 'regex' && !holds(run, p)) return false;
  for (const p of unless) if (p.kind !== 'regex' && holds(run, p)) return false;
  if (!anyHolds) {
    for (const p of any) {
      if (p.kind === 'regex' && holds(run, p)) {
        anyHolds = true;
        break;
      }
    }
    if (!anyHolds) return false;
  }
  for (const p of all) if (p.kind === 'regex' && !holds(run, p)) return false;
  for (const p of unless) if (p.kind === 'regex' && holds(run, p)) return false;
  return true;
}

/** Per rule set and language: which rules run (1) or not (0). Computed once per language. */
const allowedCache = new WeakMap<RuleSet, Map<string, Uint8Array>>();

function allowedRules(rules: RuleSet, language: string): Uint8Array {
  let byLanguage = allowedCache.get(rules);
  if (byLanguage === undefined) {
    byLanguage = new Map();
    allowedCache.set(rules, byLanguage);
  }
  let allowed = byLanguage.get(language);
  if (allowed === undefined) {
    const runs = new Uint8Array(rules.rules.length);
    rules.rules.forEach((rule, k) => {
      runs[k] = rule.anyLanguage || language === 'und' || rule.languages.includes(language) ? 1 : 0;
    });
    allowed = runs;
    // Languages come from a closed set (language.ts) or item data; bound the memo anyway.
    if (byLanguage.size < 256) byLanguage.set(language, allowed);
  }
  return allowed;
}

/**
 * The rules of `rules` that fire on `doc`, in rule-set order, each with the ranges of the
 * original text that made it fire.
 */
export function evaluateRules(
  rules: RuleSet,
  doc: Doc,
  entities: Entities,
  features: Features,
): FiredRule[] {
  const text = doc.folded.text;
  const scratch = scratchFor(rules);
  scratch.phrases.next();
  scratch.regexes.next();
  const run: Run = {
    text,
    phraseHits: scratch.phrases,
    regexHits: scratch.regexes,
    entities,
    features,
  };
  matchPhrases(text, rules.phrases, run.phraseHits);

  // Wake the rules whose phrases hit.
  scratch.stamp = scratch.stamp === 0xffffffff ? 1 : scratch.stamp + 1;
  if (scratch.stamp === 1) scratch.awake.fill(0);
  const stamp = scratch.stamp;
  const { touched, touchedCount } = run.phraseHits;
  for (let h = 0; h < touchedCount; h++) {
    for (const k of scratch.slotRules[touched[h] ?? 0] ?? []) scratch.awake[k] = stamp;
  }

  const allowed = allowedRules(rules, doc.context.language);
  const fired: FiredRule[] = [];
  const list = rules.rules;
  for (let k = 0; k < list.length; k++) {
    if (allowed[k] !== 1) continue;
    if (scratch.always[k] !== 1 && scratch.awake[k] !== stamp) continue;
    const rule = list[k] as CompiledRule;
    const { any, all, unless } = rule.when;
    if (!fires(run, any, all, unless)) continue;

    const ranges: Range[] = [];
    for (const p of any) if (holds(run, p)) evidence(run, doc, p, ranges);
    for (const p of all) evidence(run, doc, p, ranges);
    fired.push({ rule, ranges: tidy(ranges) });
  }
  return fired;
}

/** Text order, no repeats, bounded. */
function tidy(ranges: Range[]): Range[] {
  // Insertion sort: the lists are short and mostly in order already, and it avoids the cost of
  // a comparator callback per comparison.
  for (let i = 1; i < ranges.length; i++) {
    const r = ranges[i] as Range;
    let j = i - 1;
    while (j >= 0) {
      const q = ranges[j] as Range;
      if (q.start < r.start || (q.start === r.start && q.end <= r.end)) break;
      ranges[j + 1] = q;
      j--;
    }
    ranges[j + 1] = r;
  }
  const out: Range[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last !== undefined && last.start === r.start && last.end === r.end) continue;
    out.push(r);
    if (out.length >= MAX_RANGES_PER_RULE) break;
  }
  return out;
}
