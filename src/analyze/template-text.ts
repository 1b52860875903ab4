/**
 * The text a template's members share, with slots for what varies: "Hi gentlemen, I am {name},
 * {age} years young, new in {city}. Call {contact}." An analyst sees at a glance what the author
 * reused and what was changed from ad to ad (the persona, the city, the phone).
 *
 * The idea is InfoShield-Fine's (Lee, Vajiac, Kulshrestha, Levy, Park, Jones, Rabbany,
 * Faloutsos: "InfoShield: Generalizable Information-Theoretic Human-Trafficking Detection",
 * ICDE 2021): align the members word by word, keep as the template what they repeat, and judge
 * every choice by the minimum description length (MDL): a template, a slot, a fixed word is kept
 * only when writing the members as "template + what differs" takes fewer bits than without it.
 * The costs follow the paper: a word costs max(ceil(log2 |V|), 8) bits for a vocabulary V, and
 * a count n costs log*(n + 1) bits, with log*(x) = 2·ceil(log2 x) + 1 (the + 1 so that an empty
 * slot is encodable).
 *
 * The implementation is our own (InfoShield's code has no licence), and differs where it pays:
 * - star alignment instead of a partial-order graph: the members of one template differ in short
 *   stretches, so aligning each of them to one backbone (the medoid, refined once with what most
 *   members insert) finds the same shared text, and each member's alignment is independent of
 *   the others, so the result does not depend on the members' order;
 * - the support threshold (how many members must repeat a word for it to be fixed text) is
 *   searched exhaustively rather than by bisection: there are at most `maxMembers` values; and
 *   only thresholds above half the members count, since fixed text is what most of them repeat;
 * - a slot's values may be coded as a list of its distinct values plus an index per member, so a
 *   city or a price that several members repeat becomes a slot, not fixed text that the others
 *   substitute;
 * - tokens keep their original spelling and punctuation for display and compare on the folded
 *   form (normalize.ts); contacts, prices and long numbers are single tokens so that a phone
 *   number is one slot value, not digit groups; scripts written without spaces (Thai, Chinese,
 *   Japanese) are cut into words by `Intl.Segmenter` (ICU's dictionaries);
 * - reposts of one text count once when the template is chosen: forty reposts of "I am Anna"
 *   beside ten other names must not turn "Anna" into fixed text, since the names ARE the signal.
 */
import { VigilError } from '../shared/errors.js';
import type { TemplatePart, TemplateSlot } from './link-types.js';
import { foldText } from './normalize.js';

export interface TemplateMember {
  readonly id: string;
  /** Title + "\n\n" + body, as written. */
  readonly text: string;
  readonly city?: string;
}

export interface TemplateTextOptions {
  /** Distinct texts aligned at most (default 50): enough to show the template, and bounded work. */
  readonly maxMembers?: number;
  /** Tokens of each text aligned at most (default 400); the rest of a longer text is left out. */
  readonly maxTokens?: number;
}

export interface TemplateTextResult {
  readonly parts: readonly TemplatePart[];
  /** Per member id, the value it has in each slot, in slot order ('' when the member has nothing
   *  there). Members whose text was not aligned (beyond `maxMembers` distinct texts) are absent. */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** Description length in bits with the template, and without it (members written out); the
   *  template is kept only when smaller. Counted over the aligned members, reposts included. */
  readonly bits: { readonly withTemplate: number; readonly without: number };
}

const DEFAULT_MAX_MEMBERS = 50;
const DEFAULT_MAX_TOKENS = 400;
/** Distinct slot values shown as examples. */
const MAX_EXAMPLES = 5;

/**
 * The members that share a template, as a template, or undefined when they share too little for
 * a template to shorten their description (MDL). Deterministic: the same members in any order
 * give the same result.
 */
export function templateText(
  members: readonly TemplateMember[],
  options: TemplateTextOptions = {},
): TemplateTextResult | undefined {
  const { maxMembers, maxTokens } = checkOptions(options);
  if (members.length < 2) return undefined;
  const vocabulary = new Vocabulary();
  const texts = distinctTexts(members, maxMembers).map((source) => ({
    ...source,
    tokens: tokenize(source.text, maxTokens, vocabulary),
  }));
  const wordBits = Math.max(Math.ceil(Math.log2(Math.max(vocabulary.size, 2))), 8);

  let consensus: readonly Token[] = texts[medoid(texts)]?.tokens ?? [];
  let alignments = texts.map((t) => align(consensus, t.tokens));
  const refined = withMajorityInsertions(consensus, texts, alignments);
  if (refined !== undefined) {
    consensus = refined;
    alignments = texts.map((t) => align(consensus, t.tokens));
  }

  const structure = cheapestStructure({
    hashes: texts.map((t) => new RangeHashes(t.tokens)),
    alignments,
    length: consensus.length,
    wordBits,
  });
  if (structure.fixed.length === 0) return undefined;
  // Each text counts once per member that posted it: the bits describe the members.
  const bits = {
    withTemplate:
      structure.sharedBits + sum(texts.map((t, k) => (structure.textBits[k] ?? 0) * t.ids.length)),
    without: sum(texts.map((t) => sequenceBits(t.tokens.length, wordBits) * t.ids.length)),
  };
  if (bits.withTemplate >= bits.without) return undefined;

  const slotValues = alignments.map((alignment, k) =>
    valuesOf(texts[k] ?? EMPTY_TEXT, alignment, structure, consensus.length),
  );
  const plans = planSlots(consensus, texts, slotValues, structure, vocabulary);
  const values = new Map<string, readonly string[]>();
  texts.forEach((t, k) => {
    for (const id of t.ids) values.set(id, slotValues[k]?.map((v) => v.text) ?? []);
  });
  return { parts: render(consensus, structure, plans), values, bits };
}

function checkOptions(options: TemplateTextOptions): { maxMembers: number; maxTokens: number } {
  const maxMembers = options.maxMembers ?? DEFAULT_MAX_MEMBERS;
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  if (!Number.isInteger(maxMembers) || maxMembers < 2) {
    throw new VigilError(
      'LINK_OPTIONS_INVALID',
      'The template text needs maxMembers to be a whole number of at least 2.',
      { details: { maxMembers } },
    );
  }
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new VigilError(
      'LINK_OPTIONS_INVALID',
      'The template text needs maxTokens to be a whole number of at least 1.',
      { details: { maxTokens } },
    );
  }
  return { maxMembers, maxTokens };
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
/** Code-unit order: the same everywhere, whatever the host's locale. */
const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Members: one entry per distinct text.

interface SourceText {
  readonly text: string;
  /** Members with exactly this text, sorted. */
  readonly ids: readonly string[];
  /** Their cities, folded (a slot value equal to one is a city). */
  readonly cities: ReadonlySet<string>;
}

interface AlignedText extends SourceText {
  readonly tokens: readonly Token[];
}

const EMPTY_TEXT: AlignedText = { text: '', ids: [], cities: new Set(), tokens: [] };

/**
 * The distinct texts, in the order of their first member id (so the input order does not
 * matter), the first `maxMembers` of them.
 */
function distinctTexts(members: readonly TemplateMember[], maxMembers: number): SourceText[] {
  const byText = new Map<string, { ids: string[]; cities: Set<string> }>();
  for (const member of members) {
    let group = byText.get(member.text);
    if (group === undefined) {
      group = { ids: [], cities: new Set() };
      byText.set(member.text, group);
    }
    group.ids.push(member.id);
    if (member.city !== undefined && member.city.trim() !== '') {
      group.cities.add(foldKey(member.city.trim()));
    }
  }
  const texts = [...byText].map(([text, group]) => ({
    text,
    ids: group.ids.sort(compareStrings),
    cities: group.cities,
  }));
  texts.sort(
    (a, b) => compareStrings(a.ids[0] ?? '', b.ids[0] ?? '') || compareStrings(a.text, b.text),
  );
  return texts.slice(0, maxMembers);
}

// ---------------------------------------------------------------------------------------------
// Tokens: words and punctuation, compared folded, shown as written.

interface Token {
  /** The folded, lower-cased form, interned: what the alignment compares. */
  readonly key: number;
  /** As written. */
  readonly text: string;
  /** Range in the original text. */
  readonly start: number;
  readonly end: number;
  /** The whitespace written before the token, to render the template as the ads read. */
  readonly gapBefore: string;
}

/** Interned folded tokens: alignment compares integers, and |V| is the MDL vocabulary. */
class Vocabulary {
  private readonly ids = new Map<string, number>();
  private readonly words: string[] = [];
  get size(): number {
    return this.words.length;
  }
  id(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(word, id);
      this.words.push(word);
    }
    return id;
  }
  word(id: number): string {
    return this.words[id] ?? '';
  }
}

/** Word boundaries by Unicode rules and, for Thai, Chinese or Japanese, ICU's dictionaries. A
 *  fixed locale: the result must not depend on the host. */
const WORDS = new Intl.Segmenter('und', { granularity: 'word' });

/**
 * Kept as one token, so that a slot value is the whole contact or price rather than the digit
 * groups or symbols around which other members happen to agree.
 */
const ATOMIC = new RegExp(
  [
    String.raw`(?:https?:\/\/|www\.)[^\s<>"']*[^\s<>"'.,;:!?)]`,
    String.raw`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+`,
    String.raw`@[\p{L}\p{N}_](?:[\p{L}\p{N}_.]*[\p{L}\p{N}_])?`,
    String.raw`(?:US|R|C|A|MX)?[$€£¥₹฿]\s?\d+(?:[.,]\d+)*`,
    String.raw`\d+(?:[.,]\d+)*\s?[$€£¥₹฿]`,
    // Phone-like digit groups; fewer than PHONE_DIGITS digits are ordinary numbers after all.
    String.raw`(?<phone>\+?\(?\d{1,4}\)?(?:[ .\-]?\(?\d{2,4}\)?){2,4})`,
  ].join('|'),
  'gu',
);
const PHONE_DIGITS = 7;
/** Scripts written without spaces between words, which need ICU's dictionaries. */
const UNSPACED =
  /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Tibetan}]/u;
/**
 * A word as Unicode word boundaries (UAX #29) cut text with spaces: letters, marks, digits and
 * underscores together ("24h"); an apostrophe, period or colon joins letters ("don't", "U.S"),
 * and an apostrophe, period, comma or semicolon joins digits ("1.350"); any other non-space
 * character stands alone. A test checks it against Intl.Segmenter.
 */
export const SPACED_WORD =
  /[\p{L}\p{M}\p{N}_]+(?:(?:(?<=[\p{L}\p{M}])[':.\u2019](?=[\p{L}\p{M}])|(?<=\p{N})[.,'\u2019;](?=\p{N}))[\p{L}\p{M}\p{N}_]+)*|[^\s\p{L}\p{M}\p{N}_]/gu;
const BLANK = /^\s+$/u;
const DIGIT = /\d/g;
const APOSTROPHES = /[\u2018\u2019\u02bc`\u00b4]/gu;

/** Folded form of a token: case, disguises and apostrophe variants do not matter. */
function foldKey(text: string): string {
  return foldText(text).text.replace(APOSTROPHES, "'");
}

/** The first `maxTokens` tokens of a text. */
function tokenize(original: string, maxTokens: number, vocabulary: Vocabulary): Token[] {
  // Boundaries are found on the folded text (disguises undone, invisible characters dropped),
  // then mapped back to the original for display.
  const folded = foldText(original);
  const tokens: Token[] = [];
  let previousEnd = 0;
  const push = (start: number, end: number): void => {
    const range = folded.toOriginal(start, end);
    const key = folded.text.slice(start, end).replace(APOSTROPHES, "'");
    tokens.push({
      key: vocabulary.id(key),
      text: original.slice(range.start, range.end),
      start: range.start,
      end: range.end,
      gapBefore: original.slice(previousEnd, range.start),
    });
    previousEnd = range.end;
  };
  const segment = (from: number, to: number): void => {
    if (to <= from) return;
    const part = folded.cased.slice(from, to);
    if (!UNSPACED.test(part)) {
      // Scripts with spaces need no dictionary: a pattern gives the same words, much faster.
      for (const m of part.matchAll(SPACED_WORD)) {
        if (tokens.length >= maxTokens) return;
        push(from + m.index, from + m.index + m[0].length);
      }
      return;
    }
    for (const s of WORDS.segment(part)) {
      if (tokens.length >= maxTokens) return;
      if (!BLANK.test(s.segment)) push(from + s.index, from + s.index + s.segment.length);
    }
  };
  let done = 0;
  for (const match of folded.cased.matchAll(ATOMIC)) {
    if (tokens.length >= maxTokens) break;
    const phone = match.groups?.phone;
    if (phone !== undefined && (phone.match(DIGIT)?.length ?? 0) < PHONE_DIGITS) continue;
    segment(done, match.index);
    if (tokens.length >= maxTokens) break;
    done = match.index + match[0].length;
    push(match.index, done);
  }
  segment(done, folded.cased.length);
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Alignment.

/**
 * The backbone: the text with the most words in common with the others (bag-of-words Dice),
 * the first on ties. A member with few one-off words makes the fewest spurious positions.
 */
function medoid(texts: readonly AlignedText[]): number {
  const bags = texts.map((t) => {
    const bag = new Map<number, number>();
    for (const token of t.tokens) bag.set(token.key, (bag.get(token.key) ?? 0) + 1);
    return bag;
  });
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i < texts.length; i++) {
    let score = 0;
    for (let j = 0; j < texts.length; j++) {
      if (i === j) continue;
      const size = (texts[i]?.tokens.length ?? 0) + (texts[j]?.tokens.length ?? 0);
      if (size > 0) score += (2 * overlap(bags[i] ?? new Map(), bags[j] ?? new Map())) / size;
    }
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

function overlap(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): number {
  let shared = 0;
  for (const [key, count] of a) shared += Math.min(count, b.get(key) ?? 0);
  return shared;
}

/** How a text covers one consensus position. */
const DELETED = 0;
const SUBSTITUTED = 1;
const MATCHED = 2;

interface Alignment {
  /** Per consensus position: DELETED, SUBSTITUTED or MATCHED. */
  readonly state: Uint8Array;
  /**
   * Per consensus position p, and p = consensus length: how many of the text's tokens come
   * before p's column. The text's tokens between two positions are then a range of indices.
   */
  readonly before: Int32Array;
}

/** Index of the text's first token after consensus position p's column. */
function after(alignment: Alignment, p: number): number {
  const before = alignment.before[p] ?? 0;
  return alignment.state[p] === DELETED ? before : before + 1;
}

/**
 * Scores of the global alignment. Not InfoShield's (+1, -1, -2): with those, a repeated fixed
 * word slides past a slot whose values differ in length ("x discreet discreet" against
 * "x y discreet discreet" scores better as two mismatches than as one more match and two
 * gaps), and the template loses a word. Here a match and two gaps (0) beat two mismatches (-2).
 */
const MATCH = 2;
const MISMATCH = -1;
const GAP = -1;
const FROM_DIAGONAL = 0;
const FROM_UP = 1; // a consensus token the text lacks
const FROM_LEFT = 2; // a token the text inserts

/**
 * Needleman–Wunsch between the consensus and one text. Quadratic memory is fine at 400 tokens
 * (160 000 cells). Ties prefer a diagonal, then a deletion: deterministic.
 */
function align(consensus: readonly Token[], tokens: readonly Token[]): Alignment {
  const n = consensus.length;
  const m = tokens.length;
  const width = m + 1;
  const score = new Int32Array((n + 1) * width);
  const move = new Uint8Array((n + 1) * width);
  for (let j = 1; j <= m; j++) {
    score[j] = j * GAP;
    move[j] = FROM_LEFT;
  }
  for (let i = 1; i <= n; i++) {
    const row = i * width;
    const up = row - width;
    const key = consensus[i - 1]?.key;
    score[row] = i * GAP;
    move[row] = FROM_UP;
    for (let j = 1; j <= m; j++) {
      const diagonal = (score[up + j - 1] ?? 0) + (tokens[j - 1]?.key === key ? MATCH : MISMATCH);
      const deletion = (score[up + j] ?? 0) + GAP;
      const insertion = (score[row + j - 1] ?? 0) + GAP;
      if (diagonal >= deletion && diagonal >= insertion) {
        score[row + j] = diagonal;
      } else if (deletion >= insertion) {
        score[row + j] = deletion;
        move[row + j] = FROM_UP;
      } else {
        score[row + j] = insertion;
        move[row + j] = FROM_LEFT;
      }
    }
  }
  const state = new Uint8Array(n);
  const before = new Int32Array(n + 1);
  before[n] = m;
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const step = move[i * width + j];
    if (step === FROM_DIAGONAL && i > 0 && j > 0) {
      i--;
      j--;
      state[i] = consensus[i]?.key === tokens[j]?.key ? MATCHED : SUBSTITUTED;
      before[i] = j;
    } else if (step === FROM_UP) {
      i--;
      state[i] = DELETED;
      before[i] = j;
    } else {
      j--;
    }
  }
  return { state, before };
}

/**
 * The consensus with, in each gap, the insertion that more than half of the texts make, or
 * undefined when there is none. The medoid may lack a word that most members have ("very"); once
 * spliced in, that word can become fixed text instead of a slot that holds the same word for all.
 */
function withMajorityInsertions(
  consensus: readonly Token[],
  texts: readonly AlignedText[],
  alignments: readonly Alignment[],
): Token[] | undefined {
  const refined: Token[] = [];
  let changed = false;
  for (let gap = 0; gap <= consensus.length; gap++) {
    const insertion = majorityInsertion(gap, texts, alignments);
    if (insertion !== undefined) {
      refined.push(...insertion);
      changed = true;
    }
    const token = consensus[gap];
    if (token !== undefined) refined.push(token);
  }
  return changed ? refined : undefined;
}

/** The tokens that more than half of the texts insert just before consensus position `gap`. */
function majorityInsertion(
  gap: number,
  texts: readonly AlignedText[],
  alignments: readonly Alignment[],
): readonly Token[] | undefined {
  const counts = new Map<string, { count: number; tokens: readonly Token[] }>();
  texts.forEach((text, k) => {
    const alignment = alignments[k];
    if (alignment === undefined) return;
    const from = gap === 0 ? 0 : after(alignment, gap - 1);
    const to = alignment.before[gap] ?? 0;
    if (to <= from) return;
    const tokens = text.tokens.slice(from, to);
    const key = tokens.map((t) => t.key).join(',');
    const entry = counts.get(key);
    if (entry === undefined) counts.set(key, { count: 1, tokens });
    else entry.count++;
  });
  for (const { count, tokens } of counts.values()) {
    if (2 * count > texts.length) return tokens;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// MDL: which consensus positions are fixed text, which stretches between them are slots.

/** log*(x) = 2·ceil(log2 x) + 1 bits for x >= 1 (InfoShield's universal code for integers). */
const logStar = (x: number): number => 2 * Math.ceil(Math.log2(x)) + 1;
/** Bits of a count that may be zero. */
const countBits = (n: number): number => logStar(n + 1);
/** A sequence of n words written out: its length, then its words. */
const sequenceBits = (n: number, wordBits: number): number => countBits(n) + n * wordBits;
/** An edit says where (a template position) and what (substitute, delete, insert: 2 bits). */
const editBits = (positionBits: number): number => positionBits + 2;

interface Structure {
  /** Consensus positions kept as fixed text, in order. */
  readonly fixed: readonly number[];
  /** Per region (the stretch before fixed[r], and after the last one): what the texts have. */
  readonly regions: readonly Region[];
  /** Per region: how the values of its slot are written, or undefined where it is no slot. */
  readonly slots: readonly (SlotCode | undefined)[];
  /** Bits shared by all texts: the template and the slots' value lists. */
  readonly sharedBits: number;
  /** Per text: its bits given the template. */
  readonly textBits: readonly number[];
}

const totalBits = (s: Structure): number => s.sharedBits + sum(s.textBits);

/** What the search works on: the texts aligned to the consensus. */
interface Search {
  readonly hashes: readonly RangeHashes[];
  readonly alignments: readonly Alignment[];
  /** Of the consensus. */
  readonly length: number;
  readonly wordBits: number;
}

/**
 * The cheapest template. First over the support thresholds, as InfoShield's edge-support
 * search: positions matched by at least `t` texts are fixed. Every threshold above half the
 * texts is tried (at most one per text); on ties the lower one, which keeps more fixed text.
 * Then, as InfoShield's slot identification, each fixed position that some text does not match
 * is tried as part of a slot instead, weakest first: "new in Boston" with Boston in six members
 * of ten is cheaper as "new in {city}" once slot values that repeat are coded as a list
 * (`slotCode`).
 */
function cheapestStructure(search: Search): Structure {
  const { alignments, length } = search;
  const support = new Int32Array(length);
  for (const alignment of alignments) {
    alignment.state.forEach((state, p) => {
      if (state === MATCHED) support[p] = (support[p] ?? 0) + 1;
    });
  }
  // Fixed text is what most texts repeat: a word that half of them or fewer have is a variant,
  // whatever the bits say (with few members, two cities in four would be "cheaper" fixed).
  const majority = Math.floor(alignments.length / 2) + 1;
  const thresholds = [...new Set(support)].filter((t) => t >= majority).sort((a, b) => a - b);
  let best = structureFor([], search);
  let bestBits = Number.POSITIVE_INFINITY;
  for (const threshold of thresholds) {
    const structure = structureFor(positionsWith(support, threshold), search);
    if (totalBits(structure) < bestBits) {
      best = structure;
      bestBits = totalBits(structure);
    }
  }

  const weakest = best.fixed
    .filter((p) => (support[p] ?? 0) < alignments.length)
    .sort((a, b) => (support[a] ?? 0) - (support[b] ?? 0) || a - b);
  for (const p of weakest) {
    const i = best.fixed.indexOf(p);
    // The full evaluation is linear in the template; most candidates fail the local test.
    if (!savesLocally(best, i, search)) continue;
    const structure = structureFor(
      best.fixed.filter((q) => q !== p),
      search,
    );
    if (totalBits(structure) < bestBits) {
      best = structure;
      bestBits = totalBits(structure);
    }
  }
  return best;
}

function positionsWith(support: Int32Array, threshold: number): number[] {
  const positions: number[] = [];
  support.forEach((s, p) => {
    if (s >= threshold) positions.push(p);
  });
  return positions;
}

/**
 * Whether merging fixed[i] with the regions on both sides into one region saves bits there. The
 * template's length and the texts' edit counts change too, a little: the full evaluation decides.
 */
function savesLocally(structure: Structure, i: number, search: Search): boolean {
  const { fixed, regions, slots } = structure;
  const { alignments, wordBits } = search;
  const positionBits = Math.ceil(Math.log2(fixed.length + regions.length + 1));
  const p = fixed[i] ?? 0;
  const regionCost = (r: number): number => {
    const region = regions[r];
    const slot = slots[r];
    if (region === undefined) return 0;
    return slot === undefined
      ? insertionBits(region, positionBits, wordBits)
      : slotBits(slot, wordBits);
  };
  let now = wordBits + regionCost(i) + regionCost(i + 1);
  for (const alignment of alignments) {
    const state = alignment.state[p];
    if (state !== MATCHED) now += editBits(positionBits) + (state === SUBSTITUTED ? wordBits : 0);
  }
  const merged = regionBetween(fixed[i - 1], fixed[i + 1], search);
  const asSlot = slotBits(slotCode(merged, wordBits), wordBits);
  return Math.min(asSlot, insertionBits(merged, positionBits, wordBits)) < now;
}

/** What each text has in one region between fixed positions. */
interface Region {
  /** Per text: its token count there. */
  readonly lengths: readonly number[];
  /** Per text: a hash of its folded tokens there (equal hashes are equal values). */
  readonly values: readonly number[];
}

/** The region after fixed position `left` and before fixed position `right` (undefined: the
 *  start or the end of the texts). */
function regionBetween(
  left: number | undefined,
  right: number | undefined,
  search: Search,
): Region {
  const lengths: number[] = [];
  const values: number[] = [];
  search.alignments.forEach((alignment, k) => {
    const { from, to } = rangeBetween(alignment, left, right, search.length);
    lengths.push(to - from);
    values.push(search.hashes[k]?.of(from, to) ?? 0);
  });
  return { lengths, values };
}

/** A text's tokens [from, to) after fixed position `left` and before fixed position `right`. */
function rangeBetween(
  alignment: Alignment,
  left: number | undefined,
  right: number | undefined,
  length: number,
): { from: number; to: number } {
  const from = left === undefined ? 0 : after(alignment, left);
  const to = alignment.before[right ?? length] ?? 0;
  return { from, to };
}

/**
 * Hashes of a text's token ranges, each in constant time (polynomial hashes, two 32-bit
 * halves): the search evaluates many templates and compares slot values in each, which must
 * not build strings. A collision would only misprice one slot's list of values.
 */
class RangeHashes {
  private readonly low: Uint32Array;
  private readonly high: Uint32Array;
  private readonly lowPowers: Uint32Array;
  private readonly highPowers: Uint32Array;
  constructor(tokens: readonly Token[]) {
    const n = tokens.length;
    this.low = new Uint32Array(n + 1);
    this.high = new Uint32Array(n + 1);
    this.lowPowers = new Uint32Array(n + 1);
    this.highPowers = new Uint32Array(n + 1);
    this.lowPowers[0] = 1;
    this.highPowers[0] = 1;
    tokens.forEach((token, i) => {
      const digit = token.key + 1;
      this.low[i + 1] = (Math.imul(this.low[i] ?? 0, LOW_BASE) + digit) >>> 0;
      this.high[i + 1] = (Math.imul(this.high[i] ?? 0, HIGH_BASE) + digit) >>> 0;
      this.lowPowers[i + 1] = Math.imul(this.lowPowers[i] ?? 0, LOW_BASE) >>> 0;
      this.highPowers[i + 1] = Math.imul(this.highPowers[i] ?? 0, HIGH_BASE) >>> 0;
    });
  }
  /** A 53-bit hash of tokens [from, to). */
  of(from: number, to: number): number {
    const span = (prefix: Uint32Array, powers: Uint32Array): number =>
      ((prefix[to] ?? 0) - Math.imul(prefix[from] ?? 0, powers[to - from] ?? 0)) >>> 0;
    return span(this.high, this.highPowers) * 0x200000 + (span(this.low, this.lowPowers) >>> 11);
  }
}
const LOW_BASE = 0x01000193;
const HIGH_BASE = 0x5bd1e995;

function structureFor(fixed: readonly number[], search: Search): Structure {
  const { alignments, wordBits } = search;
  const regions = Array.from({ length: fixed.length + 1 }, (_, r) =>
    regionBetween(fixed[r - 1], fixed[r], search),
  );
  // Slots are decided region by region, with the template's length bounded by every region
  // being a slot; the exact cost is counted once they are decided.
  const boundBits = Math.ceil(Math.log2(fixed.length + regions.length + 1));
  const slots = regions.map((region) => {
    const code = slotCode(region, wordBits);
    const asInsertions = insertionBits(region, boundBits, wordBits);
    return asInsertions > 0 && slotBits(code, wordBits) < asInsertions ? code : undefined;
  });
  const templateLength = fixed.length + slots.filter((s) => s !== undefined).length;
  const positionBits = Math.ceil(Math.log2(templateLength + 1));
  const structure = { fixed, regions, slots };
  return {
    ...structure,
    sharedBits: sequenceBits(templateLength, wordBits) + sum(slots.map((s) => s?.sharedBits ?? 0)),
    textBits: alignments.map((alignment, k) =>
      textBitsGiven(alignment, k, structure, positionBits, wordBits),
    ),
  };
}

/** How a slot's values are written: bits once for the slot, and bits per text. */
interface SlotCode {
  readonly sharedBits: number;
  readonly textBits: readonly number[];
}

/**
 * The cheaper of two codes for a slot's values (one bit says which): each text's value written
 * out (its length, its words), or the slot's distinct values written once and each text's value
 * as an index into them. The second is how a city or a price that a few members repeat costs
 * less as a slot than as fixed text that the others substitute; names that all differ are
 * cheaper written out.
 */
function slotCode(region: Region, wordBits: number): SlotCode {
  const written = region.lengths.map((l) => countBits(l) + l * wordBits);
  const distinct = new Map<number, number>();
  region.values.forEach((value, k) => {
    distinct.set(value, region.lengths[k] ?? 0);
  });
  const list =
    countBits(distinct.size) + sum([...distinct.values()].map((l) => sequenceBits(l, wordBits)));
  const indexBits = Math.ceil(Math.log2(distinct.size));
  if (list + indexBits * region.lengths.length < sum(written)) {
    return { sharedBits: 1 + list, textBits: region.lengths.map(() => indexBits) };
  }
  return { sharedBits: 1, textBits: written };
}

/** A slot costs its place in the template (a word of it), then its values. */
const slotBits = (code: SlotCode, wordBits: number): number =>
  wordBits + code.sharedBits + sum(code.textBits);

/**
 * What the texts have in a region, written as insertions instead: a position, a length and the
 * words each. A word that one member adds is cheaper so; a name that all of them have is
 * cheaper as a slot.
 */
function insertionBits(region: Region, positionBits: number, wordBits: number): number {
  let bits = 0;
  for (const l of region.lengths) {
    if (l > 0) bits += editBits(positionBits) + logStar(l) + l * wordBits;
  }
  return bits;
}

/** Bits of text k given the template: its edits to the fixed text, then its slot values. */
function textBitsGiven(
  alignment: Alignment,
  k: number,
  { fixed, regions, slots }: Pick<Structure, 'fixed' | 'regions' | 'slots'>,
  positionBits: number,
  wordBits: number,
): number {
  let edits = 0;
  let bits = 0;
  for (const p of fixed) {
    const state = alignment.state[p];
    if (state === SUBSTITUTED) bits += wordBits;
    if (state !== MATCHED) edits++;
  }
  regions.forEach((region, r) => {
    const l = region.lengths[k] ?? 0;
    const slot = slots[r];
    if (slot !== undefined) {
      bits += slot.textBits[k] ?? 0;
    } else if (l > 0) {
      edits++;
      bits += logStar(l) + l * wordBits;
    }
  });
  return countBits(edits) + edits * editBits(positionBits) + bits;
}

// ---------------------------------------------------------------------------------------------
// Slots: values, kinds, examples.

interface SlotValue {
  /** As written; '' when the text has nothing there. */
  readonly text: string;
  /** Token range [from, to) in the text. */
  readonly from: number;
  readonly to: number;
}

/** One text's value in each slot, in slot order. */
function valuesOf(
  text: AlignedText,
  alignment: Alignment,
  structure: Structure,
  length: number,
): SlotValue[] {
  const values: SlotValue[] = [];
  const { fixed, slots } = structure;
  slots.forEach((slot, r) => {
    if (slot === undefined) return;
    const { from, to } = rangeBetween(alignment, fixed[r - 1], fixed[r], length);
    const first = text.tokens[from];
    const last = text.tokens[to - 1];
    const value =
      to > from && first !== undefined && last !== undefined
        ? text.text.slice(first.start, last.end)
        : '';
    values.push({ text: value, from, to });
  });
  return values;
}

interface SlotPlan {
  readonly slot: TemplateSlot;
  /** The whitespace around the slot, as the text holding its commonest value writes it. */
  readonly gapBefore: string;
  readonly gapAfter: string;
}

/** Per region, the slot shown there, or undefined where the region is not a slot. */
function planSlots(
  consensus: readonly Token[],
  texts: readonly AlignedText[],
  values: readonly (readonly SlotValue[])[],
  structure: Structure,
  vocabulary: Vocabulary,
): (SlotPlan | undefined)[] {
  let index = 0;
  return structure.slots.map((slot, r) => {
    if (slot === undefined) return undefined;
    const slotIndex = index++;
    const column = texts.map((t, k) => ({ text: t, value: values[k]?.[slotIndex] }));
    const examples = commonestValues(
      column.map((c) => ({ value: c.value?.text ?? '', weight: c.text.ids.length })),
    );
    const holder = column.find((c) => c.value !== undefined && c.value.text === examples[0]);
    const context = slotContext(consensus, structure.fixed, r, vocabulary);
    const filled = column.filter((c) => (c.value?.text ?? '') !== '');
    const kind = slotKind(
      filled.map((c) => ({ text: c.value?.text ?? '', cities: c.text.cities })),
      context,
    );
    const tokens = holder?.text.tokens ?? [];
    const from = holder?.value?.from ?? 0;
    const to = holder?.value?.to ?? 0;
    return {
      slot: { kind, examples },
      gapBefore: tokens[from]?.gapBefore ?? ' ',
      gapAfter: tokens[to]?.gapBefore ?? '',
    };
  });
}

/** Up to MAX_EXAMPLES distinct non-empty values, most frequent first (first seen on ties). */
function commonestValues(values: readonly { value: string; weight: number }[]): string[] {
  const counts = new Map<string, number>();
  for (const { value, weight } of values) {
    if (value !== '') counts.set(value, (counts.get(value) ?? 0) + weight);
  }
  // A stable sort keeps first-seen order among equal counts.
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_EXAMPLES)
    .map(([value]) => value);
}

interface SlotContext {
  /** Folded words of the fixed text right before and right after the slot, nearest first. */
  readonly before: readonly string[];
  readonly after: readonly string[];
}

/** Words nearest to a slot on each side: cues to what it holds ("years", "roses", "whatsapp"). */
const CONTEXT_WORDS = 2;
const WORD_LIKE = /[\p{L}\p{N}$€£¥₹฿]/u;

function slotContext(
  consensus: readonly Token[],
  fixed: readonly number[],
  region: number,
  vocabulary: Vocabulary,
): SlotContext {
  // Only the run of fixed tokens that touches the slot: across another slot, words cue that one.
  const run = (from: number, step: number): string[] => {
    const words: string[] = [];
    for (let r = from; r >= 0 && r < fixed.length && words.length < CONTEXT_WORDS; r += step) {
      const p = fixed[r] ?? 0;
      const neighbour = fixed[r - step];
      if (r !== from && neighbour !== undefined && Math.abs(p - neighbour) !== 1) break;
      const word = vocabulary.word(consensus[p]?.key ?? -1);
      if (WORD_LIKE.test(word)) words.push(word);
    }
    return words;
  };
  return { before: run(region - 1, -1), after: run(region, 1) };
}

/** Folded cue words, space-separated (diacritics removed: "años" is "anos"). */
const cues = (words: string): ReadonlySet<string> => new Set(words.split(' '));
const AGE_CUES = cues(
  'age aged old young year years yr yrs yo y.o ano anos edad idade ปี อายุ 岁 歲 歳 今年',
);
const PRICE_CUES = cues(
  'roses rose donation donations price prices rate rates hour hours hr hrs h hh qv usd eur gbp ' +
    'dollars euros pesos reais baht salary pay paid per month week hora horas precio preco ' +
    'tarifa salario mes semana บาท ราคา ชม 元 块 价格 小时 每小时 $ € £',
);
const CONTACT_CUES = cues(
  'whatsapp whats wa telegram tg snap snapchat sc kik instagram insta ig wechat line signal ' +
    'skype email mail zap ไลน์ 微信',
);
const CITY_CUES = cues('in at visiting near en em no na à');
const NAME_CUES = cues("am i'm im name named called soy llamo sou chamo ชื่อ 叫");

const CURRENCY = /[$€£¥₹฿]|\b(?:usd|eur|gbp|mxn|brl|thb|cny)\b|元|บาท/iu;
const AMOUNT = /^\d+(?:[.,]\d+)*$/u;
const AGE = /^(\d{2})\s*(?:yo|y\.o\.?|yrs?|años|anos)?$/iu;
const PHONE = /^\+?[\d\s()./-]+$/u;
const EMAIL_OR_URL = /^[^\s@]+@[^\s@]+\.[^\s@]+$|^(?:https?:\/\/|www\.)\S+$/iu;
const HANDLE = /^@?[\p{L}\p{N}_.-]{3,}$/u;
const AT_HANDLE = /^@[\p{L}\p{N}_.]+$/u;
const CAPITALISED = /^\p{Lu}[\p{L}\p{M}'’-]*$/u;
const LETTERS_ONLY = /^[\p{L}\p{M}]+$/u;

const near = (words: readonly string[], cues: ReadonlySet<string>): boolean =>
  words.some((w) => cues.has(w));

/**
 * What a slot holds, from its values and the words around it; the first kind that most values
 * fit, in the order contact, price, age, city, name (a city is capitalised like a name, an age
 * is a number like a price).
 */
function slotKind(
  values: readonly { text: string; cities: ReadonlySet<string> }[],
  context: SlotContext,
): TemplateSlot['kind'] {
  const around = [...context.before, ...context.after];
  const ageCue = near(around, AGE_CUES);
  const priceCue = near(around, PRICE_CUES);
  const tests: [TemplateSlot['kind'], (value: string, cities: ReadonlySet<string>) => boolean][] = [
    ['contact', (v) => isContact(v, near(context.before, CONTACT_CUES))],
    ['price', (v) => CURRENCY.test(v) || (AMOUNT.test(v) && priceCue && !(ageCue && isAge(v)))],
    ['age', (v) => isAge(v) && (ageCue || !priceCue)],
    ['city', (v, cities) => isCity(v, cities, values, near(context.before, CITY_CUES))],
    ['name', (v) => isName(v, near(context.before, NAME_CUES))],
  ];
  for (const [kind, test] of tests) {
    const fits = values.filter((v) => test(v.text, v.cities)).length;
    if (values.length > 0 && 2 * fits >= values.length) return kind;
  }
  return 'other';
}

function isContact(value: string, platformCue: boolean): boolean {
  if (EMAIL_OR_URL.test(value) || AT_HANDLE.test(value)) return true;
  if (PHONE.test(value) && (value.match(DIGIT)?.length ?? 0) >= PHONE_DIGITS) return true;
  // After "WhatsApp" or "IG", a single word is the account, whatever it looks like.
  return platformCue && HANDLE.test(value);
}

function isAge(value: string): boolean {
  const years = Number(AGE.exec(value)?.[1] ?? Number.NaN);
  return years >= 18 && years <= 99;
}

/** Equal to a member's city, or capitalised words after "in", "en", "em". */
function isCity(
  value: string,
  cities: ReadonlySet<string>,
  all: readonly { cities: ReadonlySet<string> }[],
  placeCue: boolean,
): boolean {
  const key = foldKey(value);
  if (cities.has(key) || all.some((v) => v.cities.has(key))) return true;
  const words = value.split(/\s+/u);
  return placeCue && words.length <= 3 && words.every((w) => CAPITALISED.test(w));
}

/** A persona's name: one or two capitalised words, or one word after "I am", "soy", "叫". */
function isName(value: string, nameCue: boolean): boolean {
  const words = value.split(/\s+/u);
  if (words.length <= 2 && words.every((w) => CAPITALISED.test(w))) return true;
  return nameCue && LETTERS_ONLY.test(value);
}

// ---------------------------------------------------------------------------------------------
// Rendering.

/**
 * Fixed text as the consensus writes it, slots in between; whitespace as the ads have it, so
 * the template reads like an ad with blanks. Adjacent fixed text is one part.
 */
function render(
  consensus: readonly Token[],
  structure: Structure,
  plans: readonly (SlotPlan | undefined)[],
): TemplatePart[] {
  const { fixed } = structure;
  const parts: TemplatePart[] = [];
  let text = '';
  const started = (): boolean => parts.length > 0 || text !== '';
  /** Whitespace owed before the next fixed token. */
  let gap = '';
  for (let r = 0; r <= fixed.length; r++) {
    const plan = plans[r];
    const from = r === 0 ? 0 : (fixed[r - 1] ?? 0) + 1;
    const to = r === fixed.length ? consensus.length : (fixed[r] ?? 0);
    if (plan !== undefined) {
      if (started()) text += plan.gapBefore;
      if (text !== '') parts.push({ text });
      text = '';
      parts.push({ slot: plan.slot });
      gap = plan.gapAfter;
    } else {
      // Tokens left out of the template: keep the widest whitespace they stood between.
      gap = widestGap(consensus, from, to);
    }
    const token = consensus[to];
    if (r < fixed.length && token !== undefined) {
      if (started()) text += gap;
      text += token.text;
    }
  }
  if (text !== '') parts.push({ text });
  return parts;
}

/** The widest whitespace before tokens from..to (line breaks first, then length). */
function widestGap(consensus: readonly Token[], from: number, to: number): string {
  let widest = '';
  for (let p = from; p <= Math.min(to, consensus.length - 1); p++) {
    const gap = consensus[p]?.gapBefore ?? '';
    const lines = (s: string): number => s.split('\n').length;
    if (
      lines(gap) > lines(widest) ||
      (lines(gap) === lines(widest) && gap.length > widest.length)
    ) {
      widest = gap;
    }
  }
  return widest;
}

/**
 * Per member, the values of a template's name slots (the personas a network's features count),
 * for the members that have any.
 */
export function nameSlotValues(text: TemplateTextResult): Map<string, string[]> {
  const nameSlots = text.parts
    .filter((part) => 'slot' in part)
    .flatMap((part, i) => ('slot' in part && part.slot.kind === 'name' ? [i] : []));
  const names = new Map<string, string[]>();
  if (nameSlots.length === 0) return names;
  for (const [id, values] of text.values) {
    const found = nameSlots.map((i) => values[i] ?? '').filter((value) => value !== '');
    if (found.length > 0) names.set(id, found);
  }
  return names;
}
