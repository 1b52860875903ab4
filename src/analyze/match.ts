/**
 * Rule evaluation over one document: which indicator rules fire, and on what text.
 *
 * Budget: the whole engine targets ~40 µs per ad, so matching costs one pass over the folded
 * text plus integer table reads, whatever the number of phrases:
 * - the pass cuts the text into word tokens (runs of letters, digits and inner apostrophes),
 *   classifying each unit with one read of a per-unit table and hashing each token as it goes
 *   (FNV-1a); at the end of a token its hash is looked up once in the rule set's vocabulary
 *   (rules.ts `PhraseIndex`), so the token becomes a candidate word id, or -1 when no phrase
 *   uses a word with that hash;
 * - matching walks a trie of word ids from every token that starts a phrase: one array read at
 *   the root, a short sorted edge list per following token; a token's units are compared with
 *   its candidate word only when a phrase would hit;
 * - phrases in scripts written without spaces (Thai, Chinese, Japanese) and emoji phrases match
 *   by substring: the same pass looks up the phrases that start with the current character;
 * - only rules whose phrases hit, or whose entities or features are there, or that have a regex
 *   are checked at all; a regular expression (proved linear-time at load, rules.ts) runs at most
 *   once per document and only for a rule that is in the document's language and could still
 *   fire;
 * - entity and feature conditions read what the extractors already found.
 * Hits are kept as offsets of the folded text, in typed arrays reused from one document to the
 * next, and mapped back to the original text only for the rules that fire.
 */
import type { Doc } from './doc.js';
import { FEATURE_NAMES, type FeatureName, type Features, rangeOfSpan } from './features.js';
import * as words from './language.js';
import type {
  CompiledPattern,
  CompiledRule,
  EntityKind,
  PhraseIndex,
  PrefixEdge,
  RuleSet,
  SubstringPhrase,
} from './rules.js';
import * as compiled from './rules.js';
import type { Entities, Range, Span } from './types.js';

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

// Local copies of constants of language.ts and rules.ts, for the hot loops: V8 reads an
// imported binding through its module cell on every use (it doubled the cost of the scan),
// while a module const with a literal value is folded into the optimised code. Checked at load.
const UNIT_WORD = 1;
const UNIT_LIGHT = 2;
const UNIT_APOSTROPHE = 4;
const UNIT_SUBSTRING = 8;
const UNIT_PREFIX = 16;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const PREFIX_KEY_LENGTH = 3;
if (
  UNIT_WORD !== words.UNIT_WORD ||
  UNIT_LIGHT !== words.UNIT_LIGHT ||
  UNIT_APOSTROPHE !== words.UNIT_APOSTROPHE ||
  UNIT_SUBSTRING !== compiled.UNIT_SUBSTRING ||
  UNIT_PREFIX !== compiled.UNIT_PREFIX ||
  FNV_OFFSET !== words.FNV_OFFSET ||
  FNV_PRIME !== words.FNV_PRIME ||
  PREFIX_KEY_LENGTH !== compiled.PREFIX_KEY_LENGTH
) {
  throw new Error('match.ts: the matcher constants differ from those of language.ts or rules.ts');
}

// ---------------------------------------------------------------------------------------------
// Scratch token arrays, reused across calls (evaluation is synchronous and never re-entered)

let capacity = 0;
let tokStart = new Int32Array(0);
let tokEnd = new Int32Array(0);
/** 1 when only blanks and light punctuation (at most MAX_GAP units) separate the token from the previous one. */
let tokJoined = new Uint8Array(0);
/**
 * Vocabulary id of the word with the token's hash (PhraseIndex), or -1 when no phrase word has
 * that hash. Only a candidate: the token's units are compared with the word's (`tokChecked`)
 * when a phrase would hit, not for every token.
 */
let tokWord = new Int32Array(0);
/** Whether the token equals its candidate word: 0 not compared yet, 1 equal, 2 different. */
let tokChecked = new Uint8Array(0);
/**
 * Tokens from which matching starts: those whose candidate word starts a phrase, and those
 * that may start a "word*" phrase (first unit with UNIT_PREFIX), in text order.
 */
let rootTokens = new Int32Array(0);
let rootTokenCount = 0;

/** Above this many tokens, the arrays are given back once an ordinary document follows. */
const KEEP_CAPACITY = 1 << 16;

/** Sizes the arrays for `need` tokens (nothing in them is kept from one document to the next). */
function ensureCapacity(need: number): void {
  if (need <= capacity) {
    // After a huge hostile document, give its arrays back instead of keeping them forever.
    if (capacity <= KEEP_CAPACITY || need > KEEP_CAPACITY) return;
  }
  const size = Math.max(need, 256);
  capacity = size;
  tokStart = new Int32Array(size);
  tokEnd = new Int32Array(size);
  tokJoined = new Uint8Array(size);
  tokWord = new Int32Array(size);
  tokChecked = new Uint8Array(size);
  rootTokens = new Int32Array(size);
}

const hasHashBit = (bits: Uint32Array, hash: number): boolean => {
  const k = hash & 0xffff;
  return ((bits[k >>> 5] ?? 0) & (1 << (k & 31))) !== 0;
};

const isApostrophe = (c: number): boolean => c === 0x27 || c === 0x2019 || c === 0x02bc;

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

// ---------------------------------------------------------------------------------------------
// Phrase matching

/**
 * One pass: tokens with their candidate vocabulary ids, the tokens matching starts from
 * (`rootTokens`), and substring phrases found on the way. Returns the token count. This loop
 * is the hot path of the whole rule engine, hence the inlined hashing and table reads.
 */
function scan(text: string, index: PhraseIndex, hits: HitTable): number {
  const n = text.length;
  // A token takes at least one unit and a separator: sized once, the loop never checks.
  ensureCapacity((n >> 1) + 1);
  const { units, vocab, vocabMask, vocabHashesUnique, rootChild } = index;
  const starts = tokStart;
  const ends = tokEnd;
  const joined = tokJoined;
  const ids = tokWord;
  const checked = tokChecked;
  const roots = rootTokens;
  let rootCount = 0;
  let count = 0;
  let gapLight = false;
  let gapStart = 0;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    let u = units[c] ?? 0;
    if ((u & UNIT_SUBSTRING) !== 0) matchSubstrings(text, i, c, index, hits);
    if ((u & UNIT_WORD) === 0) {
      if ((u & UNIT_LIGHT) === 0) gapLight = false;
      i++;
      continue;
    }
    const prefixStart = (u & UNIT_PREFIX) !== 0;
    starts[count] = i;
    joined[count] = count > 0 && gapLight && i - gapStart <= MAX_GAP ? 1 : 0;
    let h = Math.imul(FNV_OFFSET ^ c, FNV_PRIME);
    i++;
    while (i < n) {
      c = text.charCodeAt(i);
      u = units[c] ?? 0;
      // Also for the unit that ends the token, which the outer loop then checks again: kept
      // as it was, since a hit counts towards the per-pattern cap each time.
      if ((u & UNIT_SUBSTRING) !== 0) matchSubstrings(text, i, c, index, hits);
      if ((u & UNIT_WORD) !== 0) {
        h = Math.imul(h ^ c, FNV_PRIME);
      } else if (
        (u & UNIT_APOSTROPHE) !== 0 &&
        i + 1 < n &&
        ((units[text.charCodeAt(i + 1)] ?? 0) & UNIT_WORD) !== 0
      ) {
        h = Math.imul(h ^ 0x27, FNV_PRIME);
      } else {
        break;
      }
      i++;
    }
    ends[count] = i;
    let id = -1;
    if (vocabHashesUnique) {
      // The only word with this hash, if any; compared with the token only when needed.
      let slot = h & vocabMask;
      for (;;) {
        const entry = vocab[2 * slot + 1] ?? 0;
        if (entry === 0) break;
        if (vocab[2 * slot] === h) {
          id = entry - 1;
          break;
        }
        slot = (slot + 1) & vocabMask;
      }
      checked[count] = 0;
    } else {
      id = exactWordId(text, h, index, count);
      checked[count] = 1;
    }
    ids[count] = id;
    if (prefixStart || (id >= 0 && (rootChild[id] ?? -1) >= 0)) roots[rootCount++] = count;
    count++;
    gapLight = true;
    gapStart = i;
  }
  rootTokenCount = rootCount;
  return count;
}

/** Token t equals word id w (apostrophes folded: phrase words hold only "'"). */
function tokenEquals(text: string, index: PhraseIndex, t: number, w: number): boolean {
  const { wordStart, wordUnits } = index;
  const start = tokStart[t] ?? 0;
  const length = (tokEnd[t] ?? 0) - start;
  const from = wordStart[w] ?? 0;
  if ((wordStart[w + 1] ?? 0) - from !== length) return false;
  for (let k = 0; k < length; k++) {
    const a = text.charCodeAt(start + k);
    const b = wordUnits[from + k] ?? 0;
    if (a !== b && !(b === 0x27 && (a === 0x2019 || a === 0x02bc))) return false;
  }
  return true;
}

/**
 * Vocabulary id of token t, whose hash is h, comparing units at once: the slow path for a
 * vocabulary where two words share a hash, so the hash alone does not name a candidate.
 */
function exactWordId(text: string, h: number, index: PhraseIndex, t: number): number {
  const { vocab, vocabMask } = index;
  let slot = h & vocabMask;
  for (;;) {
    const entry = vocab[2 * slot + 1] ?? 0;
    if (entry === 0) return -1;
    if (vocab[2 * slot] === h && tokenEquals(text, index, t, entry - 1)) return entry - 1;
    slot = (slot + 1) & vocabMask;
  }
}

/**
 * Whether tokens from..to (a walk's path so far) each equal their candidate word. Memoized per
 * token, since walks from neighbouring tokens share tokens.
 */
function pathEquals(text: string, index: PhraseIndex, from: number, to: number): boolean {
  const checked = tokChecked;
  for (let t = from; t <= to; t++) {
    let state = checked[t] ?? 0;
    if (state === 0) {
      state = tokenEquals(text, index, t, tokWord[t] ?? -1) ? 1 : 2;
      checked[t] = state;
    }
    if (state !== 1) return false;
  }
  return true;
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

/** Token t starts with `word` (a "word*" prefix edge), apostrophes folded. */
function tokenStartsWith(text: string, t: number, word: string): boolean {
  const start = tokStart[t] ?? 0;
  if ((tokEnd[t] ?? 0) - start < word.length) return false;
  for (let k = 0; k < word.length; k++) {
    const a = text.charCodeAt(start + k);
    const b = word.charCodeAt(k);
    if (a !== b && !(b === 0x27 && (a === 0x2019 || a === 0x02bc))) return false;
  }
  return true;
}

/** Child by word id among the edges [from, to) of a node (sorted by word id), or -1. */
function childOf(edges: Int32Array, from: number, to: number, word: number): number {
  let lo = from;
  let hi = to;
  // Binary search down to a few edges, keeping the word within [lo, hi) if it is there.
  while (hi - lo > 8) {
    const mid = (lo + hi) >>> 1;
    if ((edges[2 * mid] ?? 0) < word) lo = mid + 1;
    else hi = mid + 1;
  }
  for (; lo < hi; lo++) {
    const w = edges[2 * lo] ?? 0;
    if (w === word) return edges[2 * lo + 1] ?? -1;
    if (w > word) return -1;
  }
  return -1;
}

/**
 * From `node`, reached with token `at`, follows the next tokens down the trie and records every
 * phrase end. Edges are followed by candidate word ids (see `scan`); tokens `pending`..`at` of
 * the path have not been compared with their words yet, which happens only when a phrase ends
 * here or a prefix edge branches off: a path with a token that is not its word stops there, as
 * comparing at every step would have stopped it.
 */
function walk(
  text: string,
  index: PhraseIndex,
  node: number,
  first: number,
  at: number,
  pending: number,
  count: number,
  hits: HitTable,
): void {
  const { nodes, edges, nodeSlots, prefixList } = index;
  for (;;) {
    const slotFrom = nodes[3 * node + 1] ?? 0;
    const slotTo = nodes[3 * node + 4] ?? 0;
    if (slotTo > slotFrom) {
      if (!pathEquals(text, index, pending, at)) return;
      pending = at + 1;
      const start = tokStart[first] ?? 0;
      const end = tokEnd[at] ?? 0;
      for (let k = slotFrom; k < slotTo; k++) hits.add(nodeSlots[k] ?? 0, start, end);
    }
    const next = at + 1;
    if (next >= count || tokJoined[next] !== 1) return;
    // Prefix edges branch (rare); exact edges continue the loop without recursion.
    const prefixFrom = nodes[3 * node + 2] ?? 0;
    const prefixTo = nodes[3 * node + 5] ?? 0;
    if (prefixTo > prefixFrom) {
      if (!pathEquals(text, index, pending, at)) return;
      pending = at + 1;
      for (let k = prefixFrom; k < prefixTo; k++) {
        const p = prefixList[k] as PrefixEdge;
        if (tokenStartsWith(text, next, p.word)) {
          walk(text, index, p.node, first, next, next + 1, count, hits);
        }
      }
    }
    const word = tokWord[next] ?? -1;
    if (word < 0) return;
    const child = childOf(edges, nodes[3 * node] ?? 0, nodes[3 * node + 3] ?? 0, word);
    if (child < 0) return;
    node = child;
    at = next;
  }
}

/**
 * Whether a walk from `node`, reached with token t, would do anything: a phrase ends there, a
 * prefix edge leaves it, or the next token continues it. Most first words of phrases ("a",
 * "in", "for") are followed by a word that continues none, and this check costs less than the
 * walk it saves.
 */
function walkLeadsAnywhere(index: PhraseIndex, node: number, t: number, count: number): boolean {
  const nodes = index.nodes;
  const at = 3 * node;
  if ((nodes[at + 4] ?? 0) > (nodes[at + 1] ?? 0)) return true;
  if ((nodes[at + 5] ?? 0) > (nodes[at + 2] ?? 0)) return true;
  const next = t + 1;
  if (next >= count || tokJoined[next] !== 1) return false;
  const word = tokWord[next] ?? -1;
  return word >= 0 && childOf(index.edges, nodes[at] ?? 0, nodes[at + 3] ?? 0, word) >= 0;
}

function matchPhrases(text: string, index: PhraseIndex, hits: HitTable): void {
  const count = scan(text, index, hits);
  const { rootChild, firstPrefixes, prefixBits, units } = index;
  const roots = rootTokens;
  const rootCount = rootTokenCount;
  for (let r = 0; r < rootCount; r++) {
    const t = roots[r] ?? 0;
    const word = tokWord[t] ?? -1;
    if (word >= 0) {
      const node = rootChild[word] ?? -1;
      if (node >= 0 && walkLeadsAnywhere(index, node, t, count)) {
        walk(text, index, node, t, t, t, count, hits);
      }
    }
    const start = tokStart[t] ?? 0;
    if (((units[text.charCodeAt(start)] ?? 0) & UNIT_PREFIX) === 0) continue;
    if ((tokEnd[t] ?? 0) - start < PREFIX_KEY_LENGTH) continue;
    // Hash of the first PREFIX_KEY_LENGTH units, as the scan hashes (apostrophes folded).
    let prefixHash = FNV_OFFSET;
    for (let k = 0; k < PREFIX_KEY_LENGTH; k++) {
      const c = text.charCodeAt(start + k);
      prefixHash = Math.imul(prefixHash ^ (isApostrophe(c) ? 0x27 : c), FNV_PRIME);
    }
    if (!hasHashBit(prefixBits, prefixHash)) continue;
    const byPrefix = firstPrefixes.get(prefixHash);
    if (byPrefix === undefined) continue;
    for (const e of byPrefix) {
      if (tokenStartsWith(text, t, e.word)) walk(text, index, e.node, t, t, t + 1, count, hits);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

const PHRASES = 0;
const REGEX = 1;
const ENTITY = 2;
const FEATURE = 3;

/**
 * A pattern as evaluation reads it: one object shape for every kind (property reads stay
 * monomorphic), with the kind as a number and its table index in `slot`: the phrase or regex
 * slot, or for an entity condition its index in the per-document entity memo.
 */
interface Op {
  readonly kind: number;
  readonly slot: number;
  readonly pattern: CompiledPattern;
  /** For a feature condition, reads that feature (see FEATURE_READERS). */
  readonly feature: FeatureReader | undefined;
}

type FeatureReader = (features: Features) => readonly Range[] | undefined;

/**
 * One reader per feature: a named property read stays fast whatever the shape of the features
 * object, where `features[name]` with the name in a variable goes through V8's slow generic
 * path (it showed in profiles, several times per ad).
 */
const FEATURE_READERS: { readonly [K in FeatureName]: FeatureReader } = {
  phone_region_mismatch: (f) => f.phone_region_mismatch,
  messaging_only_contact: (f) => f.messaging_only_contact,
  obscured_contact: (f) => f.obscured_contact,
  crypto_payment: (f) => f.crypto_payment,
  many_contacts: (f) => f.many_contacts,
  third_party_contact: (f) => f.third_party_contact,
};

/** Bit of a feature in the per-document "which features hold" mask. */
function featureBit(name: FeatureName): number {
  return 1 << (FEATURE_BITS_FROM + FEATURE_NAMES.indexOf(name));
}
/** Feature bits come after the entity kinds' (`entityBit`), in one trigger mask. */
const FEATURE_BITS_FROM = 16;

/** The features that hold in a document, as bits (`featureBit`); named reads only. */
function featuresPresent(f: Features): number {
  return (
    (f.phone_region_mismatch !== undefined ? FEATURE_REGION : 0) |
    (f.messaging_only_contact !== undefined ? FEATURE_MESSAGING : 0) |
    (f.obscured_contact !== undefined ? FEATURE_OBSCURED : 0) |
    (f.crypto_payment !== undefined ? FEATURE_CRYPTO : 0) |
    (f.many_contacts !== undefined ? FEATURE_MANY : 0) |
    (f.third_party_contact !== undefined ? FEATURE_THIRD_PARTY : 0)
  );
}
const FEATURE_REGION = featureBit('phone_region_mismatch');
const FEATURE_MESSAGING = featureBit('messaging_only_contact');
const FEATURE_OBSCURED = featureBit('obscured_contact');
const FEATURE_CRYPTO = featureBit('crypto_payment');
const FEATURE_MANY = featureBit('many_contacts');
const FEATURE_THIRD_PARTY = featureBit('third_party_contact');
if (FEATURE_NAMES.length !== 6) throw new Error('match.ts: featuresPresent reads 6 features');

/** Bit of an entity kind in the per-document "which entity lists are not empty" mask. */
function entityBit(kind: EntityKind): number {
  return 1 << compiled.ENTITY_KINDS.indexOf(kind);
}

/** The entity kinds a document has at least one of, as bits (`entityBit`); named reads only. */
function entitiesPresent(e: Entities): number {
  return (
    (e.phones.length > 0 ? ENTITY_PHONES : 0) |
    (e.emails.length > 0 ? ENTITY_EMAILS : 0) |
    (e.urls.length > 0 ? ENTITY_URLS : 0) |
    (e.handles.length > 0 ? ENTITY_HANDLES : 0) |
    (e.wallets.length > 0 ? ENTITY_WALLETS : 0) |
    (e.prices.length > 0 ? ENTITY_PRICES : 0) |
    (e.ages.length > 0 ? ENTITY_AGES : 0) |
    (e.onions.length > 0 ? ENTITY_ONIONS : 0)
  );
}
const ENTITY_PHONES = entityBit('phones');
const ENTITY_EMAILS = entityBit('emails');
const ENTITY_URLS = entityBit('urls');
const ENTITY_HANDLES = entityBit('handles');
const ENTITY_WALLETS = entityBit('wallets');
const ENTITY_PRICES = entityBit('prices');
const ENTITY_AGES = entityBit('ages');
const ENTITY_ONIONS = entityBit('onions');
if (compiled.ENTITY_KINDS.length !== 8)
  throw new Error('match.ts: entitiesPresent reads 8 entity kinds');

interface RulePlan {
  readonly rule: CompiledRule;
  readonly any: readonly Op[];
  readonly all: readonly Op[];
  readonly unless: readonly Op[];
  /** Whether a list holds a regex: the others are decided by lookups alone. */
  readonly anyRegex: boolean;
  readonly allRegex: boolean;
  readonly unlessRegex: boolean;
}

/** Evaluation state of a rule set, made on its first use. */
interface Plan {
  readonly rules: readonly RulePlan[];
  readonly phrases: HitTable;
  /** Regex results; a settled slot was computed for this document (with or without hits). */
  readonly regexes: HitTable;
  /**
   * A rule can only fire when one of its "any" patterns holds, and most documents give each
   * rule no way to: so a rule is checked only when it is woken. The rules a phrase slot wakes
   * are slotRules[slotRuleStart[slot] .. slotRuleStart[slot + 1]) (`awake[k] === stamp` for the
   * current document); a rule with an entity or feature condition in "any" also wakes when its
   * `triggers` bits meet the document's (`entitiesPresent`, `featuresPresent`: that entity list
   * is not empty, that feature holds); and a rule with a regex in "any", or no "any", is always
   * checked.
   */
  readonly slotRuleStart: Int32Array;
  readonly slotRules: Int32Array;
  readonly always: Uint8Array;
  readonly triggers: Int32Array;
  readonly awake: Uint32Array;
  stamp: number;
  /** Spans each entity condition selects in the current document, computed once when asked. */
  readonly entitySpans: (readonly Span[] | undefined)[];
  readonly entityStamp: Uint32Array;
  /** The rules that run in a language (`allowedRules`): computed once per language. */
  readonly allowed: Map<string, Int32Array>;
  lastLanguage: string | undefined;
  lastAllowed: Int32Array;
}
const planOf = new WeakMap<RuleSet, Plan>();
/** The plan of the last rule set evaluated: nearly every call uses the same one. */
let lastRules: RuleSet | undefined;
let lastPlan: Plan | undefined;

function planFor(rules: RuleSet): Plan {
  if (rules === lastRules && lastPlan !== undefined) return lastPlan;
  let plan = planOf.get(rules);
  if (plan === undefined) {
    plan = makePlan(rules);
    planOf.set(rules, plan);
  }
  lastRules = rules;
  lastPlan = plan;
  return plan;
}

function makePlan(rules: RuleSet): Plan {
  const entityIndex = new Map<CompiledPattern, number>();
  const op = (pattern: CompiledPattern): Op => {
    switch (pattern.kind) {
      case 'phrases':
        return { kind: PHRASES, slot: pattern.slot, pattern, feature: undefined };
      case 'regex':
        return { kind: REGEX, slot: pattern.slot, pattern, feature: undefined };
      case 'entity': {
        let slot = entityIndex.get(pattern);
        if (slot === undefined) {
          slot = entityIndex.size;
          entityIndex.set(pattern, slot);
        }
        return { kind: ENTITY, slot, pattern, feature: undefined };
      }
      case 'feature':
        return { kind: FEATURE, slot: 0, pattern, feature: FEATURE_READERS[pattern.feature] };
    }
  };
  const plans = rules.rules.map((rule): RulePlan => {
    const any = rule.when.any.map(op);
    const all = rule.when.all.map(op);
    const unless = rule.when.unless.map(op);
    const regex = (list: readonly Op[]): boolean => list.some((o) => o.kind === REGEX);
    return {
      rule,
      any,
      all,
      unless,
      anyRegex: regex(any),
      allRegex: regex(all),
      unlessRegex: regex(unless),
    };
  });

  const bySlot: number[][] = Array.from({ length: rules.phrases.slotCount }, () => []);
  const always = new Uint8Array(rules.rules.length);
  const triggers = new Int32Array(rules.rules.length);
  rules.rules.forEach((rule, k) => {
    const any = rule.when.any;
    if (any.length === 0) always[k] = 1;
    for (const p of any) {
      if (p.kind === 'phrases') bySlot[p.slot]?.push(k);
      else if (p.kind === 'regex') always[k] = 1;
      else if (p.kind === 'entity') triggers[k] = (triggers[k] ?? 0) | entityBit(p.spec.kind);
      else triggers[k] = (triggers[k] ?? 0) | featureBit(p.feature);
    }
  });
  const slotRuleStart = new Int32Array(bySlot.length + 1);
  bySlot.forEach((list, slot) => {
    slotRuleStart[slot + 1] = (slotRuleStart[slot] ?? 0) + list.length;
  });

  return {
    rules: plans,
    phrases: new HitTable(rules.phrases.slotCount),
    regexes: new HitTable(rules.regexCount),
    slotRuleStart,
    slotRules: Int32Array.from(bySlot.flat()),
    always,
    triggers,
    awake: new Uint32Array(rules.rules.length),
    stamp: 0,
    entitySpans: new Array(entityIndex.size).fill(undefined),
    entityStamp: new Uint32Array(entityIndex.size),
    allowed: new Map(),
    lastLanguage: undefined,
    lastAllowed: new Int32Array(0),
  };
}

/** The indices of the rules that run in `language`, in rule-set order. */
function allowedRules(rules: RuleSet, plan: Plan, language: string): Int32Array {
  if (language === plan.lastLanguage) return plan.lastAllowed;
  let allowed = plan.allowed.get(language);
  if (allowed === undefined) {
    const runs: number[] = [];
    rules.rules.forEach((rule, k) => {
      if (rule.anyLanguage || language === 'und' || rule.languages.includes(language)) runs.push(k);
    });
    allowed = Int32Array.from(runs);
    // Languages come from a closed set (language.ts) or item data; bound the memo anyway.
    if (plan.allowed.size < 256) plan.allowed.set(language, allowed);
  }
  plan.lastLanguage = language;
  plan.lastAllowed = allowed;
  return allowed;
}

/** Per-document state, one object reused for every document (evaluation is synchronous). */
interface Run {
  text: string;
  doc: Doc | undefined;
  plan: Plan | undefined;
  entities: Entities | undefined;
  features: Features;
}
const NO_FEATURES: Features = Object.freeze({});
const run: Run = {
  text: '',
  doc: undefined,
  plan: undefined,
  entities: undefined,
  features: NO_FEATURES,
};

function regexHolds(op: Op): boolean {
  const table = (run.plan as Plan).regexes;
  if (!table.has(op.slot)) {
    table.settle(op.slot);
    const re = (op.pattern as Extract<CompiledPattern, { kind: 'regex' }>).re;
    re.lastIndex = 0;
    let m = re.exec(run.text);
    let found = 0;
    while (m !== null) {
      const end = m.index + m[0].length;
      table.add(op.slot, m.index, end);
      if (++found >= MAX_HITS_PER_PATTERN) break;
      // Rules cannot match the empty string (rules.ts), but a stuck lastIndex must never loop.
      if (end === m.index) re.lastIndex = end + 1;
      m = re.exec(run.text);
    }
    re.lastIndex = 0;
  }
  return table.count(op.slot) > 0;
}

/** The spans an entity condition selects, once per document. */
function entitySpans(op: Op): readonly Span[] {
  const plan = run.plan as Plan;
  if (plan.entityStamp[op.slot] === plan.stamp) return plan.entitySpans[op.slot] ?? [];
  const pattern = op.pattern as Extract<CompiledPattern, { kind: 'entity' }>;
  const spans = pattern.select(run.entities as Entities);
  plan.entitySpans[op.slot] = spans;
  plan.entityStamp[op.slot] = plan.stamp;
  return spans;
}

function featureRanges(op: Op): readonly Range[] | undefined {
  return (op.feature as FeatureReader)(run.features);
}

function holds(op: Op): boolean {
  switch (op.kind) {
    case PHRASES:
      return (run.plan as Plan).phrases.has(op.slot);
    case REGEX:
      return regexHolds(op);
    case ENTITY:
      return entitySpans(op).length > 0;
    default:
      return featureRanges(op) !== undefined;
  }
}

/** Adds the evidence of a pattern that holds to `out`, in the original text. */
function evidence(op: Op, out: Range[]): void {
  const doc = run.doc as Doc;
  switch (op.kind) {
    case PHRASES:
    case REGEX: {
      const plan = run.plan as Plan;
      const table = op.kind === PHRASES ? plan.phrases : plan.regexes;
      const n = table.count(op.slot);
      for (let k = 0; k < n; k++) {
        out.push(doc.folded.toOriginal(table.start(op.slot, k), table.end(op.slot, k)));
      }
      return;
    }
    case ENTITY:
      for (const span of entitySpans(op)) out.push(rangeOfSpan(doc, span));
      return;
    default:
      for (const range of featureRanges(op) ?? []) out.push(range);
      return;
  }
}

/**
 * any ∧ all ∧ ¬unless, cheapest first: phrases, entities and features are lookups, while a regex
 * scans the text, so no regex runs before every cheap pattern that could veto the rule has
 * been read. A rule can thus guard an expensive regex with a cheap `all` phrase.
 */
function fires(r: RulePlan): boolean {
  const { any, all, unless } = r;
  let anyHolds = any.length === 0;
  for (let k = 0; k < any.length && !anyHolds; k++) {
    const op = any[k] as Op;
    if (op.kind !== REGEX && holds(op)) anyHolds = true;
  }
  if (!anyHolds && !r.anyRegex) return false;
  for (const op of all) if (op.kind !== REGEX && !holds(op)) return false;
  for (const op of unless) if (op.kind !== REGEX && holds(op)) return false;
  if (!anyHolds) {
    for (const op of any) {
      if (op.kind === REGEX && holds(op)) {
        anyHolds = true;
        break;
      }
    }
    if (!anyHolds) return false;
  }
  if (r.allRegex) for (const op of all) if (op.kind === REGEX && !holds(op)) return false;
  if (r.unlessRegex) for (const op of unless) if (op.kind === REGEX && holds(op)) return false;
  return true;
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
  const plan = planFor(rules);
  plan.phrases.next();
  plan.regexes.next();
  // One stamp per document for the awake rules and the entity memo.
  plan.stamp = plan.stamp === 0xffffffff ? 1 : plan.stamp + 1;
  if (plan.stamp === 1) {
    plan.awake.fill(0);
    plan.entityStamp.fill(0);
  }
  const stamp = plan.stamp;
  run.text = text;
  run.doc = doc;
  run.plan = plan;
  run.entities = entities;
  run.features = features;
  try {
    matchPhrases(text, rules.phrases, plan.phrases);

    // Wake the rules whose phrases hit.
    const { touched, touchedCount } = plan.phrases;
    const { slotRuleStart, slotRules, awake } = plan;
    for (let h = 0; h < touchedCount; h++) {
      const slot = touched[h] ?? 0;
      const to = slotRuleStart[slot + 1] ?? 0;
      for (let k = slotRuleStart[slot] ?? 0; k < to; k++) awake[slotRules[k] ?? 0] = stamp;
    }

    const allowed = allowedRules(rules, plan, doc.context.language);
    const docTriggers = entitiesPresent(entities) | featuresPresent(features);
    const fired: FiredRule[] = [];
    const { rules: list, always, triggers } = plan;
    for (let a = 0; a < allowed.length; a++) {
      const k = allowed[a] ?? 0;
      if (always[k] !== 1 && awake[k] !== stamp && ((triggers[k] ?? 0) & docTriggers) === 0) {
        continue;
      }
      const r = list[k] as RulePlan;
      if (!fires(r)) continue;

      const ranges: Range[] = [];
      for (const op of r.any) if (holds(op)) evidence(op, ranges);
      for (const op of r.all) evidence(op, ranges);
      fired.push({ rule: r.rule, ranges: tidy(ranges) });
    }
    return fired;
  } finally {
    // Do not keep the document alive through the shared state.
    run.text = '';
    run.doc = undefined;
    run.entities = undefined;
    run.features = NO_FEATURES;
    plan.entitySpans.fill(undefined);
  }
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
  // Drop repeats and cut at the bound in place: the list is the rule's own.
  let kept = 0;
  for (let i = 0; i < ranges.length && kept < MAX_RANGES_PER_RULE; i++) {
    const r = ranges[i] as Range;
    const last = kept > 0 ? (ranges[kept - 1] as Range) : undefined;
    if (last !== undefined && last.start === r.start && last.end === r.end) continue;
    ranges[kept++] = r;
  }
  ranges.length = kept;
  return ranges;
}
