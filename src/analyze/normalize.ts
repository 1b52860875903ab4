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

/** Printable ASCII plus tab and newlines: nothing to fold but the case. */
const PLAIN_ASCII = /^[\t\n\r\x20-\x7e]*$/;

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

class MappedText implements FoldedText {
  constructor(
    readonly original: string,
    readonly text: string,
    readonly cased: string,
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    /** disguisedBefore[i] = number of disguised units among the first i units. */
    private readonly disguisedBefore: Uint32Array,
  ) {}

  toOriginal(start: number, end: number): Range {
    const n = this.text.length;
    const s = Math.max(0, Math.min(start, n));
    const e = Math.max(s, Math.min(end, n));
    if (s === e) {
      const at = s < n ? (this.starts[s] ?? 0) : this.original.length;
      return { start: at, end: at };
    }
    return { start: this.starts[s] ?? 0, end: this.ends[e - 1] ?? this.original.length };
  }

  isDisguised(start: number, end: number): boolean {
    const n = this.text.length;
    const s = Math.max(0, Math.min(start, n));
    const e = Math.max(s, Math.min(end, n));
    return (this.disguisedBefore[e] ?? 0) - (this.disguisedBefore[s] ?? 0) > 0;
  }
}

export function foldText(original: string): FoldedText {
  if (PLAIN_ASCII.test(original)) return new PlainText(original);
  return foldMapped(original);
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
}

const DROPPED: CharFold = Object.freeze({ cased: '', lower: '', disguised: true, letter: 'none' });
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
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
    return { cased: ' ', lower: ' ', disguised: false, letter: 'none' };
  }
  const digit = enclosedDigit(cp);
  if (digit !== undefined) return { cased: digit, lower: digit, disguised: true, letter: 'none' };
  const ch = String.fromCodePoint(cp);
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
  return { cased, lower, disguised, letter };
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

function foldMapped(original: string): FoldedText {
  const n = original.length;
  // Folding rarely grows text (ligatures, "⑽"); the arrays grow when it does.
  let starts = new Uint32Array(n + 8);
  let ends = new Uint32Array(n + 8);
  let disguised = new Uint8Array(n + 8);
  const casedParts: string[] = [];
  const lowerParts: string[] = [];
  let out = 0;
  let latinLetters = 0;
  let otherLetters = 0;
  const confusableAt: number[] = [];
  // Set when a hidden character was dropped: the next character is disguised too.
  let afterHidden = false;

  const grow = (need: number): void => {
    if (need <= starts.length) return;
    const size = Math.max(need, starts.length * 2);
    const s = new Uint32Array(size);
    s.set(starts);
    starts = s;
    const e = new Uint32Array(size);
    e.set(ends);
    ends = e;
    const d = new Uint8Array(size);
    d.set(disguised);
    disguised = d;
  };

  let i = 0;
  while (i < n) {
    const unit = original.charCodeAt(i);
    if (isPlainAscii(unit)) {
      // A run of printable ASCII is copied in one piece: most ads are mostly ASCII.
      let j = i + 1;
      while (j < n && isPlainAscii(original.charCodeAt(j))) j++;
      const length = j - i;
      grow(out + length);
      for (let k = 0; k < length; k++) {
        starts[out + k] = i + k;
        ends[out + k] = i + k + 1;
        disguised[out + k] = 0;
        const c = original.charCodeAt(i + k) | 0x20;
        if (c >= 0x61 && c <= 0x7a) latinLetters++;
      }
      if (afterHidden) disguised[out] = 1;
      afterHidden = false;
      const chunk = original.slice(i, j);
      casedParts.push(chunk);
      lowerParts.push(chunk.toLowerCase());
      out += length;
      i = j;
      continue;
    }
    const cp = original.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const fold = foldChar(cp);
    if (fold.cased.length === 0) {
      // A hidden character inside a word or number disguises its neighbours.
      if (out > 0) disguised[out - 1] = 1;
      afterHidden = true;
      i += width;
      continue;
    }
    const confusable = CONFUSABLES.has(cp);
    grow(out + fold.cased.length);
    for (let k = 0; k < fold.cased.length; k++) {
      starts[out + k] = i;
      ends[out + k] = i + width;
      disguised[out + k] = fold.disguised || afterHidden ? 1 : 0;
    }
    afterHidden = false;
    if (confusable) confusableAt.push(out);
    else if (fold.letter === 'latin') latinLetters++;
    else if (fold.letter === 'other') otherLetters++;
    casedParts.push(fold.cased);
    lowerParts.push(fold.lower);
    out += fold.cased.length;
    i += width;
  }

  let cased = casedParts.join('');
  let text = lowerParts.join('');

  if (confusableAt.length > 0) {
    const mostlyLatin = latinLetters > otherLetters;
    const casedChars = cased.split('');
    const textChars = text.split('');
    for (const at of confusableAt) {
      if (!shouldFoldConfusable(cased, at, mostlyLatin)) continue;
      const latin = CONFUSABLES.get(cased.codePointAt(at) ?? 0);
      if (latin === undefined) continue;
      casedChars[at] = latin;
      textChars[at] = latin.toLowerCase();
      disguised[at] = 1;
    }
    cased = casedChars.join('');
    text = textChars.join('');
  }

  const disguisedBefore = new Uint32Array(out + 1);
  for (let k = 0; k < out; k++)
    disguisedBefore[k + 1] = (disguisedBefore[k] ?? 0) + (disguised[k] ?? 0);
  return new MappedText(
    original,
    text,
    cased,
    starts.subarray(0, out),
    ends.subarray(0, out),
    disguisedBefore,
  );
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
