/**
 * Digit sequences as ads write them to evade search (detection.md §3.2 "Obfuscation"; DIG's
 * "Eight-1-eight, Five 55…"): ASCII digits, digits spelled as words in English, Spanish, French
 * and Portuguese, the letters o / l / i standing in for 0 / 1 inside numbers, and separators of
 * every kind between the digits. Emoji, fullwidth, circled and styled digits and zero-width
 * characters are undone by the folding (normalize.ts) before this scanner runs.
 *
 * The scanner is a single left-to-right pass over the folded text with a small trie for number
 * words; letter runs are segmented by a dynamic programme bounded by the run length, so the
 * whole scan is linear in the text length whatever the input (no regular expression backtracks
 * across the text). Most of an ad holds no digit: outside a run a tight loop passes over ordinary
 * words (skipToToken), and a run becomes objects only once it has the digits the caller asks for.
 *
 * Runs keep their groups (digits written without a separator between them) so that callers can
 * cut a run only where the writer put a separator: "2026-01-05 212-555-0123" holds the windows
 * "2026 01 05" and "212 555 0123", never "2026010521".
 */
import type { FoldedText } from '../normalize.js';

/** Digits written with no separator between them: "212", "2one2", "55O". */
export interface DigitGroup {
  readonly digits: string;
  /** Folded offsets. */
  readonly start: number;
  readonly end: number;
  /** The separator text written between the previous group and this one ('' for the first). */
  readonly gap: string;
  /** The group used number words. */
  readonly words: boolean;
  /** The group used o / l / i for 0 / 1. */
  readonly substitutions: boolean;
}

export interface DigitRun {
  /** ASCII digits of the whole run. */
  readonly digits: string;
  /** Folded offsets of the first and after the last digit token. */
  readonly start: number;
  readonly end: number;
  /** Some character of the run was written disguised (fullwidth, emoji, zero-width, …). */
  readonly disguised: boolean;
  /** Some digit was written as a word ("five", "cinco", "huit"). */
  readonly hasWords: boolean;
  /** Some digit was a look-alike letter (o for 0, l or i for 1). */
  readonly substitutions: boolean;
  /** The separator characters used inside the run, each once, whitespace as ' '. */
  readonly separators: string;
  readonly groups: readonly DigitGroup[];
  /** A '+' stands right before the run (international form). */
  readonly plus: boolean;
  /** A letter touches the run on that side ("abc123", "123abc"): part of a longer token. */
  readonly gluedBefore: boolean;
  readonly gluedAfter: boolean;
}

/** What the scanner needs of a folded text. */
export type FoldedSource = Pick<FoldedText, 'text' | 'isDisguised'>;

// ---------------------------------------------------------------------------------------------
// Number words

/**
 * 0-9 in the four languages, after folding (accents removed: "zéro" -> "zero", "três" ->
 * "tres"). Words marked weak are also common words ("un" and "um" are articles, "dos" is a
 * Portuguese contraction, "sept" abbreviates September, "tres" is French "très", "oh" an
 * interjection): they count only next to another number word or glued to a digit.
 */
const NUMBER_WORDS: ReadonlyArray<readonly [word: string, digit: number, weak?: true]> = [
  // English
  ['zero', 0],
  ['oh', 0, true],
  ['one', 1],
  ['two', 2],
  ['three', 3],
  ['four', 4],
  ['five', 5],
  ['six', 6],
  ['seven', 7],
  ['eight', 8],
  ['nine', 9],
  // Spanish
  ['cero', 0],
  ['uno', 1],
  ['dos', 2, true],
  ['tres', 3, true],
  ['cuatro', 4],
  ['cinco', 5],
  ['seis', 6],
  ['siete', 7],
  ['ocho', 8],
  ['nueve', 9],
  // French ("zero", "six" as in English)
  ['un', 1, true],
  ['deux', 2],
  ['trois', 3],
  ['quatre', 4],
  ['cinq', 5],
  ['sept', 7, true],
  ['huit', 8],
  ['neuf', 9],
  // Portuguese ("zero", "tres", "cinco", "seis" as above)
  ['um', 1, true],
  ['dois', 2],
  ['quatro', 4],
  ['sete', 7],
  ['oito', 8],
  ['nove', 9],
];

/** "double five" = 55, "triple 5" = 555. */
const MULTIPLIERS: ReadonlyArray<readonly [word: string, times: number]> = [
  ['double', 2],
  ['doble', 2],
  ['triple', 3],
];

/** How many times the multiplier word text[i, i + len) repeats the next digit; 0 if none. */
function multiplierAt(text: string, i: number, len: number): number {
  // Called for most words of a text: rule out the others on length and first letter first.
  if (len < 5 || len > 6) return 0;
  const first = text.charCodeAt(i);
  if (first !== 0x64 && first !== 0x74) return 0; // d, t
  for (let k = 0; k < MULTIPLIERS.length; k++) {
    const entry = MULTIPLIERS[k];
    if (entry !== undefined && entry[0].length === len && text.startsWith(entry[0], i)) {
      return entry[1];
    }
  }
  return 0;
}

/** Longest letter run worth segmenting: nine seven-letter words would be 63 letters. */
const MAX_WORD_RUN = 64;

// A trie over a-z: next[node * 26 + letter] = child node (0 = none; the root is node 0 and is
// never a child). digitAt[node] = digit of the word ending there or -1.
const trie = (() => {
  let size = 1;
  const capacity = 1 + NUMBER_WORDS.reduce((n, [w]) => n + w.length, 0);
  const next = new Uint16Array(capacity * 26);
  const digitAt = new Int8Array(capacity).fill(-1);
  const weakAt = new Uint8Array(capacity);
  for (const [word, digit, weak] of NUMBER_WORDS) {
    let node = 0;
    for (let k = 0; k < word.length; k++) {
      const slot = node * 26 + (word.charCodeAt(k) - 0x61);
      let child = next[slot] ?? 0;
      if (child === 0) {
        child = size++;
        next[slot] = child;
      }
      node = child;
    }
    digitAt[node] = digit;
    weakAt[node] = weak ? 1 : 0;
  }
  return { next, digitAt, weakAt };
})();

/** Letters that can start a number word or a multiplier, as a 26-bit mask. */
const WORD_START_MASK = (() => {
  let mask = 0;
  for (const [word] of NUMBER_WORDS) mask |= 1 << (word.charCodeAt(0) - 0x61);
  for (const [word] of MULTIPLIERS) mask |= 1 << (word.charCodeAt(0) - 0x61);
  return mask;
})();

/** PAIR_MASK[a] has bit b when some number word or multiplier starts with letters a, b. */
const PAIR_MASK = (() => {
  const masks = new Uint32Array(26);
  const note = (word: string): void => {
    const a = word.charCodeAt(0) - 0x61;
    masks[a] = (masks[a] ?? 0) | (1 << (word.charCodeAt(1) - 0x61));
  };
  for (const [word] of NUMBER_WORDS) note(word);
  for (const [word] of MULTIPLIERS) note(word);
  return masks;
})();

// Scratch space for the segmentation (the scanner is synchronous and not re-entrant).
const segCost = new Int32Array(MAX_WORD_RUN + 1);
const segFrom = new Int32Array(MAX_WORD_RUN + 1);
const segDigit = new Int8Array(MAX_WORD_RUN + 1);
const segWeak = new Uint8Array(MAX_WORD_RUN + 1);

export interface Segment {
  readonly start: number;
  readonly end: number;
  readonly digit: number;
  readonly weak: boolean;
}

/**
 * Splits text[start, end) (lower-case ASCII letters) into number words, fewest words first, or
 * returns undefined when the letters are not entirely number words ("someone", "tone", "dose").
 */
export function segmentNumberWords(
  text: string,
  start: number,
  end: number,
): Segment[] | undefined {
  const count = segmentInto(text, start, end);
  if (count === 0) return undefined;
  const out: Segment[] = [];
  for (let s = 0; s < count; s++) {
    out.push({
      start: segOutStart[s] ?? 0,
      end: segOutEnd[s] ?? 0,
      digit: segOutDigit[s] ?? 0,
      weak: segOutWeak[s] === 1,
    });
  }
  return out;
}

// The segments found by segmentInto, in text order (the scanner reads them without allocating).
const segOutStart = new Int32Array(MAX_WORD_RUN);
const segOutEnd = new Int32Array(MAX_WORD_RUN);
const segOutDigit = new Int8Array(MAX_WORD_RUN);
const segOutWeak = new Uint8Array(MAX_WORD_RUN);

/** segmentNumberWords into the segOut* arrays; returns the number of segments, 0 for none. */
function segmentInto(text: string, start: number, end: number): number {
  const len = end - start;
  if (len < 2 || len > MAX_WORD_RUN) return 0;
  const { next, digitAt, weakAt } = trie;
  // Most words fail within a letter or two: test that some number word starts the run before
  // setting up the segmentation.
  let node = 0;
  let anyWord = false;
  for (let m = start; m < end && !anyWord; m++) {
    node = next[node * 26 + (text.charCodeAt(m) - 0x61)] ?? 0;
    if (node === 0) return 0;
    anyWord = (digitAt[node] ?? -1) >= 0;
  }
  if (!anyWord) return 0;
  for (let k = 1; k <= len; k++) segCost[k] = 0x7fffffff;
  segCost[0] = 0;
  for (let k = 0; k < len; k++) {
    const base = segCost[k] ?? 0x7fffffff;
    if (base === 0x7fffffff) continue;
    node = 0;
    for (let m = k; m < len; m++) {
      const letter = text.charCodeAt(start + m) - 0x61;
      if (letter < 0 || letter > 25) return 0;
      node = next[node * 26 + letter] ?? 0;
      if (node === 0) break;
      const digit = digitAt[node] ?? -1;
      if (digit >= 0 && base + 1 < (segCost[m + 1] ?? 0)) {
        segCost[m + 1] = base + 1;
        segFrom[m + 1] = k;
        segDigit[m + 1] = digit;
        segWeak[m + 1] = weakAt[node] ?? 0;
      }
    }
  }
  const count = segCost[len] ?? 0x7fffffff;
  if (count === 0x7fffffff) return 0;
  // The back pointers run from the end: fill the output from its last slot.
  let s = count;
  for (let k = len; k > 0; k = segFrom[k] ?? 0) {
    s--;
    segOutStart[s] = start + (segFrom[k] ?? 0);
    segOutEnd[s] = start + k;
    segOutDigit[s] = segDigit[k] ?? 0;
    segOutWeak[s] = segWeak[k] ?? 0;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Character classes

const OTHER = 0; // ends a run
const DIGIT = 1;
const LETTER = 2;
const SEP = 3; // punctuation allowed between digits
const SPACE = 4;
const NEWLINE = 5;

const ASCII_CLASS = (() => {
  const table = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) table[c] = DIGIT;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = LETTER;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = LETTER;
  for (const ch of '-./\\*_|()+,~=') table[ch.charCodeAt(0)] = SEP;
  table[0x20] = SPACE;
  table[0x09] = SPACE;
  table[0x0d] = SPACE;
  table[0x0a] = NEWLINE;
  return table;
})();

/** Dashes and bullets that folding leaves alone but writers use between digits. */
const WIDE_SEPARATORS = new Set([0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212, 0x2022, 0x00b7]);

/** First code unit of the decimal digit blocks of other scripts (Arabic-Indic, Devanagari, …). */
const NATIVE_ZEROS = [
  0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66,
  0x0de6, 0x0e50, 0x0ed0, 0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810,
];

function nativeDigit(c: number): number {
  if (c < 0x0660 || c > 0x1819) return -1;
  for (const zero of NATIVE_ZEROS) if (c >= zero && c <= zero + 9) return c - zero;
  return -1;
}

const LETTER_OR_MARK = /[\p{L}\p{M}]/u;

function classOf(c: number, text: string, at: number): number {
  if (c < 0x80) return ASCII_CLASS[c] ?? OTHER;
  if (WIDE_SEPARATORS.has(c)) return SEP;
  if (nativeDigit(c) >= 0) return DIGIT;
  return LETTER_OR_MARK.test(text[at] ?? '') ? LETTER : OTHER;
}

/** Letter (any script) at text[at]; false outside the text. */
export function isLetterAt(text: string, at: number): boolean {
  if (at < 0 || at >= text.length) return false;
  const c = text.charCodeAt(at);
  if (c < 0x80) return ASCII_CLASS[c] === LETTER;
  return LETTER_OR_MARK.test(text[at] ?? '');
}

/** Whether text[at] is an ASCII or other-script decimal digit. */
export function isDigitAt(text: string, at: number): boolean {
  if (at < 0 || at >= text.length) return false;
  const c = text.charCodeAt(at);
  return (c >= 0x30 && c <= 0x39) || nativeDigit(c) >= 0;
}

// ---------------------------------------------------------------------------------------------
// Scanner

/** Token kinds: an ASCII or native digit, a number word, a look-alike letter, a multiplier. */
const DIGIT_TOKEN = 0;
const WORD = 1;
const SUBST = 2;
const MULT = 3;
type Kind = typeof DIGIT_TOKEN | typeof WORD | typeof SUBST | typeof MULT;

/** Limits on the separator text between two digits of one number. */
const MAX_GAP_UNITS = 3; // a whitespace stretch counts as one unit, other separators one each
const MAX_GAP_CHARS = 8;
const MAX_GAP_NEWLINES = 1; // "\n\n" separates the title from the body and paragraphs
/** Groups in one run at most; longer runs are cut (a phone has at most 15 digits). */
const MAX_RUN_GROUPS = 256;

/**
 * Digit runs of the folded text, left to right. `minDigits` drops shorter runs without building
 * them (phones ask for 7).
 */
export function scanDigitRuns(folded: FoldedSource, minDigits = 1): DigitRun[] {
  return scanner.scan(folded, minDigits);
}

const NO_TEXT: FoldedSource = { text: '', isDisguised: () => false };

// The run being built lives in these typed arrays, and objects are made only for runs that are
// kept: most runs of an ad are short ("$200", "25 yo") and would be built only to be dropped.
// Gaps are kept as text offsets, digits as character codes. The scanner is synchronous and not
// re-entrant, so one set serves every scan.
const groupStart = new Int32Array(MAX_RUN_GROUPS);
const groupEnd = new Int32Array(MAX_RUN_GROUPS);
/** The gap before the group is text[gapStart, gapEnd); empty for the first group. */
const groupGapStart = new Int32Array(MAX_RUN_GROUPS);
const groupGapEnd = new Int32Array(MAX_RUN_GROUPS);
/** Offset of each group's first digit in the run's digits. */
const groupFrom = new Int32Array(MAX_RUN_GROUPS);
const groupWords = new Uint8Array(MAX_RUN_GROUPS);
const groupSubstitutions = new Uint8Array(MAX_RUN_GROUPS);
/** Character codes of the run's digits; grows for long runs. */
let digitCodes: Uint8Array = new Uint8Array(64);

/** fromCharCode over the codes (it reads an array-like; the types ask for an array). */
const codesToString = (codes: Uint8Array): string =>
  String.fromCharCode.apply(null, codes as unknown as number[]);

/** The characters of digitCodes[0, count) as a string. */
function digitString(count: number): string {
  // fromCharCode takes its codes as arguments: chunks keep long runs within the argument limit.
  const CHUNK = 4096;
  if (count <= CHUNK) return codesToString(digitCodes.subarray(0, count));
  const parts: string[] = [];
  for (let k = 0; k < count; k += CHUNK) {
    parts.push(codesToString(digitCodes.subarray(k, Math.min(count, k + CHUNK))));
  }
  return parts.join('');
}

/**
 * The scan state. Groups are built as tokens arrive (no per-digit objects), and the class keeps
 * the hot loop free of closures over mutable variables, which V8 compiles poorly.
 */
class Scanner {
  // The text being scanned and the runs found so far (set by scan). The runs are collected in
  // one list for all scans and copied out at the end, so that the array returned has no room to
  // spare (a pushed-to array keeps room for 17).
  private folded: FoldedSource = NO_TEXT;
  private text = '';
  private minDigits = 1;
  private readonly runs: DigitRun[] = [];
  private runCount = 0;
  // The run being built (see groupStart and the other arrays above).
  private groupCount = 0;
  private digitCount = 0;
  private hasWords = false;
  private substitutions = false;
  private lastKind: Kind = DIGIT_TOKEN;
  // A weak word whose fate depends on the token after it ("un" in "un deux" vs "un rendez-vous");
  // weak words are always one digit.
  private pendingWeak = false;
  private weakStart = 0;
  private weakEnd = 0;
  private weakDigit = 0;
  private weakGapStart = 0;
  private weakGapEnd = 0;
  // A "double"/"triple" waiting for the digit it repeats.
  private pendingMult = false;
  private multStart = 0;
  private multTimes = 0;
  private multGapStart = 0;
  private multGapEnd = 0;
  /** End of the last token (pending ones included), or -1 outside a run. */
  private lastEnd = -1;
  // The separators since the last token.
  private gapUnits = 0;
  private gapNewlines = 0;
  /** Inside a stretch of whitespace. */
  private gapOpen = false;
  /** The separators exceed the limits: the next token starts a new run. */
  private gapBroken = false;

  scan(folded: FoldedSource, minDigits: number): DigitRun[] {
    this.folded = folded;
    this.text = folded.text;
    this.minDigits = minDigits;
    this.runCount = 0;
    this.clear(); // drops what a scan that threw left behind
    const text = this.text;
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (this.lastEnd < 0) {
        // Outside a run only a token can matter: jump to the next one in a tight loop.
        i = skipToToken(text, i);
        if (i >= n) break;
      }
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        i = this.other(c, i);
        continue;
      }
      const cls = ASCII_CLASS[c] ?? OTHER;
      if (cls === LETTER) {
        i = this.asciiLetters(i, c);
      } else if (cls === DIGIT) {
        if (this.lastEnd < 0) {
          // Fast path: ASCII digits outside a run start one (what add() does for them, without
          // the checks that cannot apply: nothing is pending outside a run).
          groupStart[0] = i;
          groupGapStart[0] = 0;
          groupGapEnd[0] = 0;
          groupFrom[0] = 0;
          groupWords[0] = 0;
          groupSubstitutions[0] = 0;
          this.groupCount = 1;
          i = this.extendGroup(i);
        } else if (
          this.lastEnd === i &&
          this.groupCount > 0 &&
          !this.pendingWeak &&
          !this.pendingMult
        ) {
          // Fast path: ASCII digits glued to the group being built only extend it.
          i = this.extendGroup(i);
        } else {
          this.add(i, i + 1, c, DIGIT_TOKEN, false, 0);
          i++;
        }
      } else if (cls === OTHER) {
        if (this.lastEnd >= 0) this.endRun();
        i++;
      } else {
        if (this.lastEnd >= 0 && !this.gapBroken) this.separator(cls, i);
        i++;
      }
    }
    this.endRun();
    const count = this.runCount;
    const runs = count === 0 ? [] : this.runs.slice(0, count);
    // Nothing of the text is kept past the scan.
    this.folded = NO_TEXT;
    this.text = '';
    this.runs.fill(NO_RUN, 0, count);
    return runs;
  }

  /** The ASCII digits from i on, glued to the last group; returns where they end. */
  private extendGroup(from: number): number {
    const text = this.text;
    const n = text.length;
    let i = from;
    let count = this.digitCount;
    let codes = digitCodes;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      if (count === codes.length) codes = growDigitCodes(count + 1);
      codes[count++] = c;
    }
    this.digitCount = count;
    this.lastKind = DIGIT_TOKEN;
    groupEnd[this.groupCount - 1] = i;
    this.lastEnd = i;
    return i;
  }

  /** A character outside ASCII at i; returns where to go on. */
  private other(c: number, i: number): number {
    const cls = classOf(c, this.text, i);
    if (cls === LETTER) return this.letters(i, c);
    if (cls === SEP) {
      if (this.lastEnd >= 0 && !this.gapBroken) this.separator(cls, i);
    } else if (cls === DIGIT) {
      this.add(i, i + 1, 0x30 + nativeDigit(c), DIGIT_TOKEN, false, 0);
    } else if (this.lastEnd >= 0) {
      this.endRun();
    }
    return i + 1;
  }

  private separator(cls: number, i: number): void {
    if (cls === SEP) {
      this.gapUnits++;
      this.gapOpen = false;
    } else {
      if (!this.gapOpen) this.gapUnits++;
      this.gapOpen = true;
      if (cls === NEWLINE) this.gapNewlines++;
    }
    if (
      this.gapUnits > MAX_GAP_UNITS ||
      this.gapNewlines > MAX_GAP_NEWLINES ||
      i + 1 - this.lastEnd > MAX_GAP_CHARS
    ) {
      this.gapBroken = true;
    }
  }

  /** The letter run that starts with the ASCII letter c at i; returns where it ends. */
  private asciiLetters(i: number, c: number): number {
    const text = this.text;
    const n = text.length;
    let j = i + 1;
    let ascii = true;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (isAsciiLetter(d)) j++;
      else if (d >= 0x80 && LETTER_OR_MARK.test(text[j] ?? '')) {
        ascii = false;
        j++;
      } else break;
    }
    // Most words of an ad are no number: numberLetters accepts only two-letter look-alikes and
    // words whose first two letters start a number word, so test those here, inline.
    const first = c | 0x20;
    let token = false;
    if (ascii) {
      const second = (text.charCodeAt(i + 1) | 0x20) - 0x61;
      if (
        (j - i <= 2 && isLookAlike(first)) ||
        (second >= 0 && second <= 25 && (((PAIR_MASK[first - 0x61] ?? 0) >>> second) & 1) === 1)
      ) {
        token = this.numberLetters(i, j, first);
      }
    }
    if (!token && this.lastEnd >= 0) this.endRun(); // an ordinary word ends the current run
    return j;
  }

  /** Handles the letter run that starts at i; returns where it ends. */
  private letters(i: number, c: number): number {
    const text = this.text;
    const n = text.length;
    let j = i + 1;
    let ascii = c < 0x80;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d < 0x80) {
        if (ASCII_CLASS[d] !== LETTER) break;
      } else if (LETTER_OR_MARK.test(text[j] ?? '')) ascii = false;
      else break;
      j++;
    }
    if (!ascii || !this.numberLetters(i, j, c | 0x20)) {
      // An ordinary word ends the current run.
      if (this.lastEnd >= 0) this.endRun();
    }
    return j;
  }

  /**
   * Adds the tokens of the ASCII letter run text[i, j) when it is made of number words, a
   * look-alike for 0/1 touching a digit, or a multiplier; returns false for any other word.
   */
  private numberLetters(i: number, j: number, first: number): boolean {
    const text = this.text;
    const len = j - i;
    if (len <= 2) {
      // o / l / i for 0 / 1 only inside numbers: glued to a digit, at most two letters ("55O",
      // "1l2", "2oo"); "lol2" and "oil" stay words.
      const second = len === 2 ? text.charCodeAt(i + 1) | 0x20 : 0x6f;
      if (isLookAlike(first) && isLookAlike(second)) {
        if (isDigitAt(text, i - 1) || isDigitAt(text, j)) {
          for (let k = i; k < j; k++) {
            const digit = (text.charCodeAt(k) | 0x20) === 0x6f ? 0x30 : 0x31;
            this.add(k, k + 1, digit, SUBST, false, 0);
          }
          return true;
        }
        // A lone "o" between spelled digits reads 0 ("five o five"); weak like "oh".
        if (len === 1 && first === 0x6f) {
          this.add(i, j, 0x30, WORD, true, 0);
          return true;
        }
      }
    }
    if (first < 0x61 || first > 0x7a || ((WORD_START_MASK >>> (first - 0x61)) & 1) === 0) {
      return false;
    }
    // Most words of a text fail on their first two letters.
    const second = (text.charCodeAt(i + 1) | 0x20) - 0x61;
    if (second < 0 || second > 25 || (((PAIR_MASK[first - 0x61] ?? 0) >>> second) & 1) === 0) {
      return false;
    }
    const count = segmentInto(text, i, j);
    if (count > 0) {
      for (let s = 0; s < count; s++) {
        this.add(
          segOutStart[s] ?? 0,
          segOutEnd[s] ?? 0,
          0x30 + (segOutDigit[s] ?? 0),
          WORD,
          segOutWeak[s] === 1,
          0,
        );
      }
      return true;
    }
    const times = multiplierAt(text, i, len);
    if (times === 0) return false;
    this.add(i, j, 0, MULT, false, times);
    return true;
  }

  /**
   * One token at text[start, end): the digit with character code `digit`, or a multiplier that
   * repeats the next digit `times` times.
   */
  private add(
    startAt: number,
    end: number,
    digit: number,
    kindIn: Kind,
    weakIn: boolean,
    times: number,
  ): void {
    if (this.gapBroken) this.endRun();
    let start = startAt;
    let kind = kindIn;
    let weak = weakIn;
    let count = 1;
    // The gap is text[gapStart, gapEnd); empty when the token touches the last one.
    let gapStart = start;
    let gapEnd = start;
    if (this.lastEnd >= 0 && this.lastEnd !== start) gapStart = this.lastEnd;
    this.lastEnd = end;
    this.gapUnits = 0;
    this.gapNewlines = 0;
    this.gapOpen = false;

    if (this.pendingMult) {
      this.pendingMult = false;
      if (kind === MULT) {
        // "double double": the first one was just a word.
        this.endRun();
        this.lastEnd = end;
        gapStart = gapEnd;
      } else {
        // "double five" -> one token "55" spanning both words.
        count = this.multTimes;
        start = this.multStart;
        gapStart = this.multGapStart;
        gapEnd = this.multGapEnd;
        kind = WORD;
        weak = false;
      }
    }
    if (kind === MULT) {
      this.pendingMult = true;
      this.multStart = start;
      this.multTimes = times;
      this.multGapStart = gapStart;
      this.multGapEnd = gapEnd;
      return;
    }

    if (this.pendingWeak) {
      this.pendingWeak = false;
      if (gapStart === gapEnd || kind === WORD) {
        this.append(
          this.weakStart,
          this.weakEnd,
          this.weakDigit,
          1,
          WORD,
          this.weakGapStart,
          this.weakGapEnd,
        );
      } else {
        // A weak word standing alone ("sept" before "15"): the run ends before it.
        this.endRun();
        this.lastEnd = end;
        gapStart = gapEnd;
      }
    }
    if (weak) {
      const inRun = this.groupCount > 0;
      if (!(inRun && (gapStart === gapEnd || this.lastKind === WORD))) {
        this.pendingWeak = true;
        this.weakStart = start;
        this.weakEnd = end;
        this.weakDigit = digit;
        this.weakGapStart = gapStart;
        this.weakGapEnd = gapEnd;
        return;
      }
    }
    this.append(start, end, digit, count, kind, gapStart, gapEnd);
  }

  /** `count` times the digit with code `digit`, after the gap text[gapStart, gapEnd). */
  private append(
    start: number,
    end: number,
    digit: number,
    count: number,
    kind: Kind,
    gapStart: number,
    gapEnd: number,
  ): void {
    if (gapStart !== gapEnd && this.groupCount >= MAX_RUN_GROUPS) {
      // A table of numbers, not one number: cut it so that memory stays bounded.
      this.endRun();
      this.lastEnd = end;
    }
    const isWord = kind === WORD;
    const isSubst = kind === SUBST;
    const from = this.digitCount;
    let codes = digitCodes;
    if (from + count > codes.length) codes = growDigitCodes(from + count);
    for (let k = 0; k < count; k++) codes[from + k] = digit;
    this.digitCount = from + count;
    this.hasWords ||= isWord;
    this.substitutions ||= isSubst;
    this.lastKind = kind;
    const groups = this.groupCount;
    if (groups > 0 && gapStart === gapEnd) {
      const last = groups - 1;
      groupEnd[last] = end;
      if (isWord) groupWords[last] = 1;
      if (isSubst) groupSubstitutions[last] = 1;
      return;
    }
    groupStart[groups] = start;
    groupEnd[groups] = end;
    // The first group of a run has no gap.
    groupGapStart[groups] = groups === 0 ? 0 : gapStart;
    groupGapEnd[groups] = groups === 0 ? 0 : gapEnd;
    groupFrom[groups] = from;
    groupWords[groups] = isWord ? 1 : 0;
    groupSubstitutions[groups] = isSubst ? 1 : 0;
    this.groupCount = groups + 1;
  }

  /** Records the run being built (pending words are dropped) and starts afresh. */
  private endRun(): void {
    if (this.groupCount > 0 && this.digitCount >= this.minDigits) this.record();
    this.clear();
  }

  /** Starts afresh, outside a run. */
  private clear(): void {
    this.groupCount = 0;
    this.digitCount = 0;
    this.hasWords = false;
    this.substitutions = false;
    this.lastKind = DIGIT_TOKEN;
    this.pendingWeak = false;
    this.pendingMult = false;
    this.lastEnd = -1;
    this.gapBroken = false;
    this.gapUnits = 0;
    this.gapNewlines = 0;
    this.gapOpen = false;
  }

  /** Builds the DigitRun of the run in the scratch arrays. */
  private record(): void {
    const text = this.text;
    const n = this.groupCount;
    const digits = digitString(this.digitCount);
    // Sized up front: an array filled by push keeps room for 17.
    const groups: DigitGroup[] = new Array(n);
    let separators = '';
    for (let k = 0; k < n; k++) {
      const gapStart = groupGapStart[k] ?? 0;
      const gapEnd = groupGapEnd[k] ?? 0;
      const gap = gapStart === gapEnd ? '' : text.slice(gapStart, gapEnd);
      groups[k] = {
        digits: digits.slice(
          groupFrom[k] ?? 0,
          k + 1 < n ? (groupFrom[k + 1] ?? 0) : digits.length,
        ),
        start: groupStart[k] ?? 0,
        end: groupEnd[k] ?? 0,
        gap,
        words: groupWords[k] === 1,
        substitutions: groupSubstitutions[k] === 1,
      };
      for (let m = 0; m < gap.length; m++) {
        const ch = gap[m] ?? ' ';
        const sep = ch === '\n' || ch === '\t' || ch === '\r' ? ' ' : ch;
        if (!separators.includes(sep)) separators += sep;
      }
    }
    const start = groupStart[0] ?? 0;
    const end = groupEnd[n - 1] ?? start;
    this.runs[this.runCount++] = {
      digits,
      start,
      end,
      disguised: this.folded.isDisguised(start, end),
      hasWords: this.hasWords,
      substitutions: this.substitutions,
      separators,
      groups,
      plus: plusBefore(text, start),
      gluedBefore: isLetterAt(text, start - 1),
      gluedAfter: isLetterAt(text, end),
    };
  }
}

/**
 * The first offset from `from` on where a token may start: an ASCII digit, any character outside
 * ASCII (native digits, wide separators, letters that make a word non-ASCII: the scanner decides),
 * or an ASCII word that numberLetters might accept: a one- or two-letter look-alike, or a word
 * that starts with a number word or a multiplier. `from` must not be inside a word. Outside a
 * run the scanner ignores everything else, and most of an ad is outside a run: this loop reads
 * most of the text, so it tests each letter once and calls nothing.
 */
function skipToToken(text: string, from: number): number {
  const n = text.length;
  const { next, final } = startTrie;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isAsciiLetter(c)) {
      if (c >= 0x80 || (c - 0x30) >>> 0 < 10) return i; // not ASCII, or a digit
      i++;
      continue;
    }
    let j = i + 1;
    let d = text.charCodeAt(j); // NaN past the end of the text
    if (isLookAlike(c | 0x20)) {
      if (!isAsciiLetter(d)) return i;
      if (isLookAlike(d | 0x20) && !isAsciiLetter(text.charCodeAt(j + 1))) return i;
    }
    // Walk the word's letters down the trie of number words while they can still start one.
    let node = next[(c | 0x20) - 0x61] ?? 0;
    while (node !== 0) {
      if (final[node] === 1) return i;
      if (!isAsciiLetter(d)) break;
      node = next[node * 26 + ((d | 0x20) - 0x61)] ?? 0;
      d = text.charCodeAt(++j);
    }
    while (isAsciiLetter(d)) d = text.charCodeAt(++j);
    if (j >= n) return n;
    // The character after the word is read already: a word going on outside ASCII is left to
    // the scanner, as is a digit; anything else is passed over.
    if (d >= 0x80 || (d - 0x30) >>> 0 < 10) return j;
    i = j + 1;
  }
  return n;
}

/**
 * Number words and multipliers as a trie over a-z (next as in `trie`; final[node] = 1 where a
 * word ends), for skipToToken's test whether a word starts with one.
 */
const startTrie = (() => {
  const list = [...NUMBER_WORDS.map(([word]) => word), ...MULTIPLIERS.map(([word]) => word)];
  const capacity = 1 + list.reduce((total, word) => total + word.length, 0);
  const next = new Uint16Array(capacity * 26);
  const final = new Uint8Array(capacity);
  let size = 1;
  for (const word of list) {
    let node = 0;
    for (let k = 0; k < word.length; k++) {
      const slot = node * 26 + (word.charCodeAt(k) - 0x61);
      let child = next[slot] ?? 0;
      if (child === 0) {
        child = size++;
        next[slot] = child;
      }
      node = child;
    }
    final[node] = 1;
  }
  return { next, final };
})();

/** An ASCII letter's code (A-Z, a-z); false for NaN (past the end of a text). */
const isAsciiLetter = (c: number): boolean => ((c | 0x20) - 0x61) >>> 0 < 26;

/** Fills the scanner's list of runs between scans. */
const NO_RUN: DigitRun = {
  digits: '',
  start: 0,
  end: 0,
  disguised: false,
  hasWords: false,
  substitutions: false,
  separators: '',
  groups: [],
  plus: false,
  gluedBefore: false,
  gluedAfter: false,
};

/** The one scanner: scans are synchronous and never nested (see the scratch arrays above). */
const scanner = new Scanner();

/** Makes digitCodes hold at least `size` codes, keeping its content. */
function growDigitCodes(size: number): Uint8Array {
  const grown = new Uint8Array(Math.max(size, digitCodes.length * 2));
  grown.set(digitCodes);
  digitCodes = grown;
  return grown;
}

/** o, l or i (lower case). */
const isLookAlike = (c: number): boolean => c === 0x6f || c === 0x6c || c === 0x69;

/** A '+' right before folded offset `at`, allowing one space or '(' between ("+1", "+ 44", "(+44"). */
export function plusBefore(text: string, at: number): boolean {
  const c1 = text.charCodeAt(at - 1);
  if (c1 === 0x2b) return true;
  return (c1 === 0x20 || c1 === 0x28) && text.charCodeAt(at - 2) === 0x2b;
}

/**
 * Cheap test whether a folded text can hold a digit run at all: an ASCII or native digit, or a
 * letter that starts a number word. Lets callers skip the scan for digit-free texts.
 */
export function mayHoldDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) return true;
    if (c >= 0x61 && c <= 0x7a && ((WORD_START_MASK >>> (c - 0x61)) & 1) === 1) return true;
    if (c >= 0x0660 && nativeDigit(c) >= 0) return true;
  }
  return false;
}
