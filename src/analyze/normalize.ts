/**
 * Text folding: undo the disguises that ads use against keyword search, while remembering where
 * every folded character came from so that each finding can be shown in the ORIGINAL text.
 *
 * The folded text is what extractors and rules read:
 * - Unicode compatibility forms folded (NFKC per character): fullwidth, circled, styled math
 *   letters and digits, superscripts;
 * - digits that NFKC leaves alone folded too (dingbat circled digits, double circled digits);
 * - invisible characters removed: zero-width spaces and joiners, bidi controls, variation
 *   selectors, the keycap combining mark (so "2️⃣" reads "2"), soft hyphens;
 * - ASCII control characters (NUL included) turned into spaces;
 * - diacritics removed from Latin, Greek and Cyrillic letters (other scripts keep their marks,
 *   which carry meaning in Thai or Devanagari);
 * - Cyrillic and Greek look-alike letters folded to Latin inside words that are otherwise Latin
 *   (Unicode TR39 "mixed-script confusables"), or in documents that are mostly Latin;
 * - lower case (the `cased` view keeps case for extractors where case matters, e.g. wallets).
 *
 * `text` and `cased` have the same length, and each of their UTF-16 units maps back to a range
 * of the original string.
 */
import type { Range } from './types.js';

export interface FoldedText {
  readonly original: string;
  /** Folded, lower-cased text. */
  readonly text: string;
  /** Folded text with the original letter case; same length as `text`. */
  readonly cased: string;
  /** The original range that the folded range [start, end) came from. */
  toOriginal(start: number, end: number): Range;
  /** True when any character of the folded range [start, end) was disguised in the original. */
  isDisguised(start: number, end: number): boolean;
}

/**
 * The first unit that needs folding: anything but printable ASCII, tab and newlines. Most ads
 * have none, and then the text maps one to one (`PlainText`); one native regex scan decides.
 */
const NOT_PLAIN = /[^\t\n\r\x20-\x7e]/g;

/** Offset of the first unit from `from` on that needs folding, or the text's length. */
function nextToFold(text: string, from: number): number {
  // `test` with a global regex leaves lastIndex after the match and allocates no match array.
  NOT_PLAIN.lastIndex = from;
  return NOT_PLAIN.test(text) ? NOT_PLAIN.lastIndex - 1 : text.length;
}

class PlainText implements FoldedText {
  readonly text: string;
  readonly cased: string;
  constructor(readonly original: string) {
    this.cased = original;
    this.text = original.toLowerCase();
  }
  toOriginal(start: number, end: number): Range {
    return { start, end };
  }
  isDisguised(): boolean {
    return false;
  }
}

/**
 * Text with at least one folded character. Most such ads are ASCII with a few accents, curly
 * quotes or emoji, so the mapping is not stored per unit but as the few places where folded and
 * original offsets stop moving together, and the disguised units as a few ranges; both are
 * searched by bisection.
 */
class MappedText implements FoldedText {
  constructor(
    readonly original: string,
    readonly text: string,
    readonly cased: string,
    /**
     * Pieces of the mapping as triples (folded start, original start, width), sorted by folded
     * start; each piece runs up to the next one, and before the first one the offsets are
     * equal. Width 0: unit by unit, folded unit f came from the original unit
     * `originalStart + f - foldedStart` (ASCII runs, and "é" folded to "e"). Width w > 0: every
     * unit of the piece came from the one original character [originalStart, +w) ("ﬁ" to "fi",
     * an emoji's two surrogates).
     */
    private readonly pieces: readonly number[],
    /** Disguised units of the folded text as sorted, disjoint ranges: pairs (start, end). */
    private readonly disguised: readonly number[],
  ) {}

  toOriginal(start: number, end: number): Range {
    const n = this.text.length;
    const s = Math.max(0, Math.min(start, n));
    const e = Math.max(s, Math.min(end, n));
    if (s === e) {
      const at = s < n ? this.unitStart(s) : this.original.length;
      return { start: at, end: at };
    }
    return { start: this.unitStart(s), end: this.unitEnd(e - 1) };
  }

  isDisguised(start: number, end: number): boolean {
    const n = this.text.length;
    const s = Math.max(0, Math.min(start, n));
    const e = Math.max(s, Math.min(end, n));
    if (s === e) return false;
    // The first range that ends after s; the range [s, e) holds a disguised unit if it starts
    // before e.
    const ranges = this.disguised;
    let lo = 0;
    let hi = ranges.length >> 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((ranges[2 * mid + 1] ?? 0) <= s) lo = mid + 1;
      else hi = mid;
    }
    return 2 * lo < ranges.length && (ranges[2 * lo] ?? 0) < e;
  }

  /** Index of the piece that holds folded unit f, or -1 before the first piece. */
  private pieceOf(f: number): number {
    const pieces = this.pieces;
    let lo = 0;
    let hi = pieces.length / 3;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((pieces[3 * mid] ?? 0) <= f) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Original start of folded unit f (0 <= f < text.length). */
  private unitStart(f: number): number {
    const p = this.pieceOf(f);
    if (p < 0) return f;
    const originalStart = this.pieces[3 * p + 1] ?? 0;
    if ((this.pieces[3 * p + 2] ?? 0) > 0) return originalStart;
    return originalStart + f - (this.pieces[3 * p] ?? 0);
  }

  /** Original end of folded unit f (0 <= f < text.length). */
  private unitEnd(f: number): number {
    const p = this.pieceOf(f);
    if (p < 0) return f + 1;
    const originalStart = this.pieces[3 * p + 1] ?? 0;
    const width = this.pieces[3 * p + 2] ?? 0;
    if (width > 0) return originalStart + width;
    return originalStart + f - (this.pieces[3 * p] ?? 0) + 1;
  }
}

export function foldText(original: string): FoldedText {
  const first = nextToFold(original, 0);
  if (first === original.length) return new PlainText(original);
  return foldMapped(original, first);
}

/** Dropped entirely: format characters that only hide or reorder text. */
function isInvisible(cp: number): boolean {
  return (
    cp === 0x00ad || // soft hyphen
    cp === 0x034f || // combining grapheme joiner
    cp === 0x061c || // Arabic letter mark
    cp === 0x115f ||
    cp === 0x1160 || // Hangul fillers
    cp === 0x17b4 ||
    cp === 0x17b5 ||
    cp === 0x180e || // Mongolian vowel separator
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space, joiners, LRM, RLM
    (cp >= 0x202a && cp <= 0x202e) || // bidi embeddings and overrides
    (cp >= 0x2060 && cp <= 0x2064) || // word joiner, invisible operators
    (cp >= 0x2066 && cp <= 0x2069) || // bidi isolates
    cp === 0x20e3 || // combining enclosing keycap: "2\uFE0F\u20E3" reads "2"
    cp === 0x3164 || // Hangul filler
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    cp === 0xfeff || // zero-width no-break space
    cp === 0xffa0 ||
    (cp >= 0x1d173 && cp <= 0x1d17a) ||
    (cp >= 0xe0000 && cp <= 0xe007f) || // tags
    (cp >= 0xe0100 && cp <= 0xe01ef) // variation selectors supplement
  );
}

/** Enclosed digits without a compatibility decomposition. Value is the digit string. */
function enclosedDigit(cp: number): string | undefined {
  // ❶..❿ U+2776..277F, ➀..➉ U+2780..2789, ➊..➓ U+278A..2793: 1..10 each
  for (const base of [0x2776, 0x2780, 0x278a]) {
    if (cp >= base && cp < base + 10) return String(cp - base + 1);
  }
  if (cp >= 0x24f5 && cp <= 0x24fe) return String(cp - 0x24f5 + 1); // ⓵..⓾
  if (cp >= 0x24eb && cp <= 0x24f4) return String(cp - 0x24eb + 11); // ⓫..⓴
  if (cp === 0x24ff || cp === 0x1f10b || cp === 0x1f10c) return '0'; // ⓿ 🄋 🄌
  return undefined;
}

/** Latin, Greek and Cyrillic: scripts whose diacritics are folded away. */
function foldsDiacritics(cp: number): boolean {
  return (
    (cp >= 0x00c0 && cp <= 0x024f) ||
    (cp >= 0x0370 && cp <= 0x052f) ||
    (cp >= 0x1e00 && cp <= 0x1fff)
  );
}

const COMBINING_MARKS = /\p{M}/gu;

interface CharFold {
  /** Folded characters with case; may be empty (dropped) or longer than the input. */
  readonly cased: string;
  readonly lower: string;
  /** The character was written in a disguised form (compatibility variant or enclosed digit). */
  readonly disguised: boolean;
  /** Counts toward the document's Latin or other-script letters, or neither. */
  readonly letter: 'latin' | 'other' | 'none';
  /** `cased` is the character itself ("€", "•"): the original can be copied as it is. */
  readonly verbatim: boolean;
  /**
   * `lower` is what lower-casing the whole folded text gives at this place, so `text` can be
   * `cased.toLowerCase()` in one call. Not so for "İ" (its lower case is two units; `lower`
   * keeps the length) and "Σ" (lower-cased by context: final "ς").
   */
  readonly lowerSafe: boolean;
  /** A look-alike of a Latin letter (CONFUSABLES). */
  readonly confusable: boolean;
}

const DROPPED: CharFold = Object.freeze({
  cased: '',
  lower: '',
  disguised: true,
  letter: 'none',
  verbatim: false,
  lowerSafe: true,
  confusable: false,
});
const foldCache = new Map<number, CharFold>();

function foldChar(cp: number): CharFold {
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  const fold = computeFold(cp);
  // The cache is bounded by the number of distinct code points (about 1.1 million at worst,
  // a few thousand in practice).
  foldCache.set(cp, fold);
  return fold;
}

function computeFold(cp: number): CharFold {
  if (isInvisible(cp)) return DROPPED;
  const ch = String.fromCodePoint(cp);
  const confusable = CONFUSABLES.has(cp);
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
    return charFold(ch, ' ', ' ', false, 'none', confusable);
  }
  const digit = enclosedDigit(cp);
  if (digit !== undefined) return charFold(ch, digit, digit, true, 'none', confusable);
  const nfkc = ch.normalize('NFKC');
  let cased = nfkc;
  if (foldsDiacritics(cp) || (cp >= 0x0300 && cp <= 0x036f)) {
    cased = ch.normalize('NFKD').replace(COMBINING_MARKS, '');
  }
  if (cp === 0x00a0 || cp === 0x2007 || cp === 0x202f) cased = ' ';
  const lowered = cased.toLowerCase();
  const lower = lowered.length === cased.length ? lowered : cased;
  // A compatibility form differs from its canonical form: fullwidth "５", circled "①", styled
  // "𝟓" or "𝐀". Accented letters are ordinary spelling, not a disguise.
  const disguised = nfkc !== ch.normalize('NFC');
  const letter = !/\p{L}/u.test(cased) ? 'none' : /^[a-zA-Z]+$/.test(cased) ? 'latin' : 'other';
  return charFold(ch, cased, lower, disguised, letter, confusable);
}

function charFold(
  ch: string,
  cased: string,
  lower: string,
  disguised: boolean,
  letter: CharFold['letter'],
  confusable: boolean,
): CharFold {
  const lowerSafe = lower === cased.toLowerCase() && !cased.includes('\u03a3');
  return { cased, lower, disguised, letter, verbatim: cased === ch, lowerSafe, confusable };
}

/** Cyrillic and Greek letters that look like Latin ones (after folding diacritics). */
const CONFUSABLES: ReadonlyMap<number, string> = new Map(
  Object.entries({
    // Cyrillic lower case
    а: 'a',
    в: 'b',
    е: 'e',
    і: 'i',
    ј: 'j',
    к: 'k',
    м: 'm',
    н: 'h',
    о: 'o',
    р: 'p',
    с: 'c',
    т: 't',
    у: 'y',
    х: 'x',
    ѕ: 's',
    һ: 'h',
    ԁ: 'd',
    ԛ: 'q',
    ԝ: 'w',
    ү: 'y',
    ӏ: 'l',
    // Cyrillic upper case
    А: 'A',
    В: 'B',
    Е: 'E',
    І: 'I',
    Ј: 'J',
    К: 'K',
    М: 'M',
    Н: 'H',
    О: 'O',
    Р: 'P',
    С: 'C',
    Т: 'T',
    У: 'Y',
    Х: 'X',
    Ѕ: 'S',
    Һ: 'H',
    Ԁ: 'D',
    Ԛ: 'Q',
    Ԝ: 'W',
    Ү: 'Y',
    Ӏ: 'I',
    // Greek lower case
    α: 'a',
    ι: 'i',
    κ: 'k',
    ν: 'v',
    ο: 'o',
    ρ: 'p',
    υ: 'u',
    χ: 'x',
    ϲ: 'c',
    // Greek upper case
    Α: 'A',
    Β: 'B',
    Ε: 'E',
    Ζ: 'Z',
    Η: 'H',
    Ι: 'I',
    Κ: 'K',
    Μ: 'M',
    Ν: 'N',
    Ο: 'O',
    Ρ: 'P',
    Τ: 'T',
    Υ: 'Y',
    Χ: 'X',
    // Latin letters that stand in for others
    ı: 'i',
    ȷ: 'j',
    ɑ: 'a',
    ɡ: 'g',
    ɩ: 'i',
    // Armenian
    օ: 'o',
    ս: 'u',
    հ: 'h',
    ո: 'n',
  }).map(([k, v]) => [k.codePointAt(0) ?? 0, v]),
);

const isPlainAscii = (c: number): boolean =>
  (c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a || c === 0x0d;
const isAsciiAlnum = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** No mapping pieces or disguised ranges: shared, never changed. */
const NO_RANGES: readonly number[] = [];

/**
 * Adds [start, end) to sorted, disjoint ranges (created on first use); `start` is never before
 * the last range's start.
 */
function addRange(ranges: number[] | undefined, start: number, end: number): number[] {
  if (ranges === undefined) return [start, end];
  const last = ranges.length - 1;
  if (last > 0 && start <= (ranges[last] ?? 0)) {
    if (end > (ranges[last] ?? 0)) ranges[last] = end;
  } else {
    ranges.push(start, end);
  }
  return ranges;
}

/** Adds a mapping piece (see MappedText) to the pieces (created on first use). */
function addPiece(
  pieces: number[] | undefined,
  folded: number,
  original: number,
  width: number,
): number[] {
  if (pieces === undefined) return [folded, original, width];
  pieces.push(folded, original, width);
  return pieces;
}

/**
 * Folds a text whose first unit to fold is at `first`. One pass over the original: runs of
 * plain ASCII are skipped over, and the folded text is the original's slices between folded
 * characters. The mapping and the disguised ranges only get an entry where something changes.
 */
function foldMapped(original: string, first: number): FoldedText {
  const n = original.length;
  // Created when first needed: many texts only have accents, which change neither.
  let pieces: number[] | undefined;
  let disguised: number[] | undefined;
  /** Pieces of `cased`, joined once at the end (a flat string: extractors read it a lot). */
  let parts: string[] | undefined;
  /** original[copied, i) is still to be appended to `cased` as it is. */
  let copied = 0;
  /** Folded length so far. */
  let out = first;
  /** Original minus folded offset in the current unit-by-unit piece, or NaN in a char piece. */
  let shift = 0;
  // Set when a hidden character was dropped: the next character is disguised too.
  let afterHidden = false;
  /** Folded offsets of folds whose lower case is not `cased.toLowerCase()`, and the folds. */
  let unsafeAt: number[] | undefined;
  let unsafeFolds: CharFold[] | undefined;
  let confusableAt: number[] | undefined;

  let i = first;
  while (i < n) {
    // original[i] needs folding.
    const cp = original.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const fold = foldChar(cp);
    const length = fold.cased.length;
    if (!fold.verbatim) {
      parts ??= [];
      parts.push(original.slice(copied, i), fold.cased);
      copied = i + width;
    }
    if (length === 0) {
      // A hidden character inside a word or number disguises its neighbours.
      if (out > 0) disguised = addRange(disguised, out - 1, out);
      afterHidden = true;
    } else {
      if (length === 1 && width === 1) {
        // One unit for one unit ("é" to "e"): the mapping goes on unit by unit.
        if (shift !== i - out) {
          pieces = addPiece(pieces, out, i, 0);
          shift = i - out;
        }
      } else {
        pieces = addPiece(pieces, out, i, width);
        shift = Number.NaN;
      }
      if (fold.disguised || afterHidden) disguised = addRange(disguised, out, out + length);
      afterHidden = false;
      if (!fold.lowerSafe) {
        unsafeAt ??= [];
        unsafeFolds ??= [];
        unsafeAt.push(out);
        unsafeFolds.push(fold);
      }
      if (fold.confusable) {
        confusableAt ??= [];
        confusableAt.push(out);
      }
      out += length;
    }
    i += width;

    // Then a run of plain ASCII, found by the regex engine rather than unit by unit: it is
    // most of the text, and it folds to itself.
    const next = nextToFold(original, i);
    if (next > i) {
      if (shift !== i - out) {
        pieces = addPiece(pieces, out, i, 0);
        shift = i - out;
      }
      if (afterHidden) disguised = addRange(disguised, out, out + 1);
      afterHidden = false;
      out += next - i;
      i = next;
    }
  }
  let cased = original;
  if (parts !== undefined) {
    parts.push(original.slice(copied));
    cased = parts.join('');
  }

  let marks = disguised;
  if (confusableAt !== undefined) {
    const mostlyLatin = isMostlyLatin(original);
    const folded: number[] = [];
    let replaced = '';
    let from = 0;
    for (const at of confusableAt) {
      if (!shouldFoldConfusable(cased, at, mostlyLatin)) continue;
      const latin = CONFUSABLES.get(cased.codePointAt(at) ?? 0);
      if (latin === undefined) continue;
      replaced += cased.slice(from, at) + latin;
      from = at + 1;
      folded.push(at, at + 1);
    }
    if (folded.length > 0) {
      cased = replaced + cased.slice(from);
      marks = mergeRanges(disguised ?? NO_RANGES, folded);
    }
  }

  let text: string;
  if (unsafeAt === undefined || unsafeFolds === undefined) {
    text = cased.toLowerCase();
  } else {
    // Rare: lower-case the stretches between the folds that must keep their own lower case.
    text = '';
    let from = 0;
    for (let k = 0; k < unsafeAt.length; k++) {
      const at = unsafeAt[k] ?? 0;
      const fold = unsafeFolds[k] ?? DROPPED;
      text += cased.slice(from, at).toLowerCase() + fold.lower;
      from = at + fold.cased.length;
    }
    text += cased.slice(from).toLowerCase();
  }
  return new MappedText(original, text, cased, pieces ?? NO_RANGES, marks ?? NO_RANGES);
}

/** Two lists of sorted, disjoint ranges as one. */
function mergeRanges(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (a[i] ?? 0) <= (b[j] ?? 0))) {
      addRange(merged, a[i] ?? 0, a[i + 1] ?? 0);
      i += 2;
    } else {
      addRange(merged, b[j] ?? 0, b[j + 1] ?? 0);
      j += 2;
    }
  }
  return merged;
}

/**
 * More Latin letters than letters of other scripts, look-alikes left out. Only needed when a
 * text holds a look-alike, so it is a second pass rather than a count in the main one.
 */
function isMostlyLatin(original: string): boolean {
  let latin = 0;
  let other = 0;
  for (let i = 0; i < original.length; ) {
    const unit = original.charCodeAt(i);
    if (isPlainAscii(unit)) {
      const c = unit | 0x20;
      if (c >= 0x61 && c <= 0x7a) latin++;
      i++;
      continue;
    }
    const cp = original.codePointAt(i) ?? 0;
    const fold = foldChar(cp);
    if (fold.cased.length > 0 && !fold.confusable) {
      if (fold.letter === 'latin') latin++;
      else if (fold.letter === 'other') other++;
    }
    i += cp > 0xffff ? 2 : 1;
  }
  return latin > other;
}

/**
 * A look-alike is folded when its word also holds ASCII letters or digits ("rеal" with a
 * Cyrillic "е"), or when every letter of the word is a look-alike and the document is mostly
 * Latin ("ѕеху" hidden in an English ad). Genuine Russian or Greek text stays as written.
 */
function shouldFoldConfusable(cased: string, at: number, mostlyLatin: boolean): boolean {
  let start = at;
  while (start > 0 && WORD_CHAR.test(cased[start - 1] ?? '')) start--;
  let end = at + 1;
  while (end < cased.length && WORD_CHAR.test(cased[end] ?? '')) end++;
  let allLookAlike = true;
  for (let k = start; k < end; k++) {
    const c = cased.charCodeAt(k);
    if (isAsciiAlnum(c)) return true;
    if (!CONFUSABLES.has(c)) allLookAlike = false;
  }
  return allLookAlike && mostlyLatin;
}
