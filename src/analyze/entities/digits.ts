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
 * across the text).
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
  const len = end - start;
  if (len < 2 || len > MAX_WORD_RUN) return undefined;
  const { next, digitAt, weakAt } = trie;
  // Most words fail within a letter or two: test that some number word starts the run before
  // setting up the segmentation.
  let node = 0;
  let anyWord = false;
  for (let m = start; m < end && !anyWord; m++) {
    node = next[node * 26 + (text.charCodeAt(m) - 0x61)] ?? 0;
    if (node === 0) return undefined;
    anyWord = (digitAt[node] ?? -1) >= 0;
  }
  if (!anyWord) return undefined;
  for (let k = 1; k <= len; k++) segCost[k] = 0x7fffffff;
  segCost[0] = 0;
  for (let k = 0; k < len; k++) {
    const base = segCost[k] ?? 0x7fffffff;
    if (base === 0x7fffffff) continue;
    node = 0;
    for (let m = k; m < len; m++) {
      const letter = text.charCodeAt(start + m) - 0x61;
      if (letter < 0 || letter > 25) return undefined;
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
  if (segCost[len] === 0x7fffffff) return undefined;
  const out: Segment[] = [];
  for (let k = len; k > 0; k = segFrom[k] ?? 0) {
    out.push({
      start: start + (segFrom[k] ?? 0),
      end: start + k,
      digit: segDigit[k] ?? 0,
      weak: segWeak[k] === 1,
    });
  }
  return out.reverse();
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

/** A weak word whose fate depends on the token after it ("un" in "un deux" vs "un rendez-vous"). */
interface PendingWeak {
  readonly start: number;
  readonly end: number;
  readonly digits: string;
  readonly gap: string;
}

/** A "double"/"triple" waiting for the digit it repeats. */
interface PendingMult {
  readonly start: number;
  readonly times: number;
  readonly gap: string;
}

type MutableGroup = { -readonly [K in keyof DigitGroup]: DigitGroup[K] };

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
  return new Scanner(folded, minDigits).scan();
}

/**
 * The scan state. Groups are built as tokens arrive (no per-digit objects), and the class keeps
 * the hot loop free of closures over mutable variables, which V8 compiles poorly.
 */
class Scanner {
  private readonly text: string;
  private readonly runs: DigitRun[] = [];
  // The run being built. Digits are collected as parts and joined once at the end of the run
  // (string concatenation per digit would build deep rope strings on adversarial input).
  private groups: MutableGroup[] = [];
  /** Offset of each group's first digit in the run's digits. */
  private groupFrom: number[] = [];
  private parts: string[] = [];
  private digitCount = 0;
  private hasWords = false;
  private substitutions = false;
  private separators = '';
  private lastKind: Kind = DIGIT_TOKEN;
  private pendingWeak: PendingWeak | undefined;
  private pendingMult: PendingMult | undefined;
  /** End of the last token (pending ones included), or -1 outside a run. */
  private lastEnd = -1;
  // The separators since the last token.
  private gapUnits = 0;
  private gapNewlines = 0;
  /** Inside a stretch of whitespace. */
  private gapOpen = false;
  /** The separators exceed the limits: the next token starts a new run. */
  private gapBroken = false;

  constructor(
    private readonly folded: FoldedSource,
    private readonly minDigits: number,
  ) {
    this.text = folded.text;
  }

  scan(): DigitRun[] {
    const text = this.text;
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      const cls = c < 0x80 ? (ASCII_CLASS[c] ?? OTHER) : classOf(c, text, i);
      if (cls === LETTER) {
        i = this.letters(i, c);
      } else if (cls === SPACE || cls === NEWLINE || cls === SEP) {
        if (this.lastEnd >= 0 && !this.gapBroken) this.separator(cls, i);
        i++;
      } else if (cls === DIGIT) {
        const value = c < 0x80 ? c - 0x30 : nativeDigit(c);
        this.add(i, i + 1, DIGIT_STRINGS[value] ?? '0', DIGIT_TOKEN, false);
        i++;
      } else {
        if (this.lastEnd >= 0) this.endRun();
        i++;
      }
    }
    this.endRun();
    return this.runs;
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
            const digit = (text.charCodeAt(k) | 0x20) === 0x6f ? '0' : '1';
            this.add(k, k + 1, digit, SUBST, false);
          }
          return true;
        }
        // A lone "o" between spelled digits reads 0 ("five o five"); weak like "oh".
        if (len === 1 && first === 0x6f) {
          this.add(i, j, '0', WORD, true);
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
    const segments = segmentNumberWords(text, i, j);
    if (segments !== undefined) {
      for (const s of segments) {
        this.add(s.start, s.end, DIGIT_STRINGS[s.digit] ?? '0', WORD, s.weak);
      }
      return true;
    }
    const times = multiplierAt(text, i, len);
    if (times === 0) return false;
    this.add(i, j, '', MULT, false, times);
    return true;
  }

  /** One digit token (or a multiplier) at text[start, end). */
  private add(
    startAt: number,
    end: number,
    digitsIn: string,
    kindIn: Kind,
    weakIn: boolean,
    times = 0,
  ): void {
    if (this.gapBroken) this.endRun();
    let start = startAt;
    let digits = digitsIn;
    let kind = kindIn;
    let weak = weakIn;
    let gap =
      this.lastEnd < 0 || this.lastEnd === start ? '' : this.text.slice(this.lastEnd, start);
    this.lastEnd = end;
    this.gapUnits = 0;
    this.gapNewlines = 0;
    this.gapOpen = false;

    const mult = this.pendingMult;
    if (mult !== undefined) {
      this.pendingMult = undefined;
      if (kind === MULT) {
        // "double double": the first one was just a word.
        this.endRun();
        this.lastEnd = end;
        gap = '';
      } else {
        // "double five" -> one token "55" spanning both words.
        digits = digits.slice(0, 1).repeat(mult.times) + digits.slice(1);
        start = mult.start;
        gap = mult.gap;
        kind = WORD;
        weak = false;
      }
    }
    if (kind === MULT) {
      this.pendingMult = { start, times, gap };
      return;
    }

    const pending = this.pendingWeak;
    if (pending !== undefined) {
      this.pendingWeak = undefined;
      if (gap === '' || kind === WORD) {
        this.append(pending.start, pending.end, pending.digits, WORD, pending.gap);
      } else {
        // A weak word standing alone ("sept" before "15"): the run ends before it.
        this.endRun();
        this.lastEnd = end;
        gap = '';
      }
    }
    if (weak) {
      const inRun = this.groups.length > 0;
      if (!(inRun && (gap === '' || this.lastKind === WORD))) {
        this.pendingWeak = { start, end, digits, gap };
        return;
      }
    }
    this.append(start, end, digits, kind, gap);
  }

  private append(start: number, end: number, digits: string, kind: Kind, gapIn: string): void {
    if (gapIn !== '' && this.groups.length >= MAX_RUN_GROUPS) {
      // A table of numbers, not one number: cut it so that memory stays bounded.
      this.endRun();
      this.lastEnd = end;
    }
    const groups = this.groups;
    const gap = groups.length === 0 ? '' : gapIn;
    const isWord = kind === WORD;
    const isSubst = kind === SUBST;
    this.parts.push(digits);
    const from = this.digitCount;
    this.digitCount += digits.length;
    this.hasWords ||= isWord;
    this.substitutions ||= isSubst;
    this.lastKind = kind;
    const last = groups.length > 0 ? groups[groups.length - 1] : undefined;
    if (last !== undefined && gap === '') {
      last.end = end;
      last.words ||= isWord;
      last.substitutions ||= isSubst;
      return;
    }
    groups.push({ digits: '', start, end, gap, words: isWord, substitutions: isSubst });
    this.groupFrom.push(from);
    for (let m = 0; m < gap.length; m++) {
      const ch = gap[m] ?? ' ';
      const sep = ch === '\n' || ch === '\t' || ch === '\r' ? ' ' : ch;
      if (!this.separators.includes(sep)) this.separators += sep;
    }
  }

  /** Records the run being built (pending words are dropped) and starts afresh. */
  private endRun(): void {
    const groups = this.groups;
    if (groups.length > 0 && this.digitCount >= this.minDigits) {
      const text = this.text;
      const digits = this.parts.length === 1 ? (this.parts[0] ?? '') : this.parts.join('');
      for (let k = 0; k < groups.length; k++) {
        const group = groups[k];
        if (group !== undefined) {
          group.digits = digits.slice(
            this.groupFrom[k] ?? 0,
            this.groupFrom[k + 1] ?? digits.length,
          );
        }
      }
      const start = groups[0]?.start ?? 0;
      const end = groups[groups.length - 1]?.end ?? start;
      this.runs.push({
        digits,
        start,
        end,
        disguised: this.folded.isDisguised(start, end),
        hasWords: this.hasWords,
        substitutions: this.substitutions,
        separators: this.separators,
        groups,
        plus: plusBefore(text, start),
        gluedBefore: isLetterAt(text, start - 1),
        gluedAfter: isLetterAt(text, end),
      });
    }
    if (groups.length > 0) {
      this.groups = [];
      this.groupFrom = [];
    }
    if (this.parts.length > 0) this.parts = [];
    this.digitCount = 0;
    this.hasWords = false;
    this.substitutions = false;
    this.separators = '';
    this.lastKind = DIGIT_TOKEN;
    this.pendingWeak = undefined;
    this.pendingMult = undefined;
    this.lastEnd = -1;
    this.gapBroken = false;
    this.gapUnits = 0;
    this.gapNewlines = 0;
    this.gapOpen = false;
  }
}

const DIGIT_STRINGS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

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
