/**
 * Language of an ad, cheaply: rules written for one language should not run on another, and
 * most items do not say what language they are in.
 *
 * Input is the FOLDED text (normalize.ts): lower case, Latin diacritics removed ("não" reads
 * "nao", "được" reads "đuoc"). Two steps, both bounded so that a 1 MB item costs the same as an ad:
 * 1. count letters per script over the first SCRIPT_WINDOW code units; a non-Latin script that
 *    outnumbers Latin letters decides (Thai, Chinese, Japanese, Korean, Russian, Arabic, Hindi);
 * 2. otherwise count short stopword lists per language over the first TOKEN_WINDOW word tokens,
 *    one probe of a hash table per token, hashed as it is read (no substrings, no Map).
 * When the evidence is thin or tied the answer is 'und', which lets every rule run: a wrong
 * language would silence rules, an unknown one does not.
 *
 * The module also says what a word is for phrase matching (letters, digits and marks, inner
 * apostrophes, the light punctuation that may join the words of a phrase, the token hash), for
 * the phrase compiler (rules.ts) and the matcher (match.ts) alike.
 */

// Constants of the per-character loops as module-local literals, which V8 folds into optimised
// code; an exported binding is read through its module cell on every use (twice the cost of a
// loop, measured), also inside its own module. Other modules copy what their loops need.
const UNIT_WORD_ = 1;
const UNIT_LIGHT_ = 2;
const UNIT_APOSTROPHE_ = 4;
const FNV_PRIME_ = 0x01000193;
const FNV_OFFSET_ = 0x811c9dc5 | 0;

const SCRIPT_WINDOW = 512;
const TOKEN_WINDOW = 40;

const LATIN_LANGUAGES = ['en', 'es', 'fr', 'pt', 'de', 'it', 'id', 'tl', 'vi'] as const;

/**
 * Function words after folding. A word may belong to several languages ("de", "que"); it counts
 * for each of them and the distinctive words decide. Very short words shared by almost every
 * Romance language ("a", "e", "o") are left out because they only add ties.
 */
const STOPWORDS: Readonly<Record<(typeof LATIN_LANGUAGES)[number], string>> = {
  en:
    'the and to of in is you for with my me on your it are at be this that am not will we our ' +
    'have from or all can get by an was do if but so what who us has they been would there their ' +
    'im just any as up out about here now please',
  es:
    'el la los las de del que y en un una es por con para no se lo al como mas pero muy yo ' +
    'estoy soy te mi su sus hay tambien ya donde cuando esta este somos tiene usted nosotros',
  fr:
    'le la les de des et est un une du en que qui pour pas dans sur avec je vous nous au aux ce ' +
    'cette mais sont tres ou il elle ne plus nos votre vos etes avez chez',
  pt:
    'os as de do da dos das que em um uma para com nao voce por no na mais muito eu sou ao seu ' +
    'sua tem esta isso ele ela nos voces vai pelo pela sao',
  de:
    'der die das und ist nicht ich sie mit den dem ein eine zu auf fur von wir auch es sich bei ' +
    'nur oder aber wie noch sind hat wird im bitte',
  it:
    'il di che la per un una non sono con del della lo gli le ma anche mi ti ci sei molto ' +
    'questo io nel alla sul dei delle',
  id:
    'yang dan di ke dari ini itu untuk dengan tidak ada akan juga atau kami kita saya anda bisa ' +
    'karena pada oleh sudah belum harus bagi hanya kerja gaji',
  tl:
    'ang ng mga ay sa na hindi naman lang ito yung nang kayo po ako ikaw siya kami tayo sila mo ' +
    'ko din rin kung para natin namin lamang niyo trabaho sahod',
  vi:
    'va cua cac nhung duoc đuoc trong khong nguoi cho voi mot nay lam se tai ve nhu thi toi ' +
    'chung anh em viec luong tuyen dung cong ty ban đen đi',
};

// Script codes (numbers, not names: the scan runs per character). 0 is no script.
const NONE = 0;
const LATIN = 1;
const THAI = 2;
const HAN = 3;
const KANA = 4;
const HANGUL = 5;
const CYRILLIC = 6;
const ARABIC = 7;
const DEVANAGARI = 8;

function scriptOf(c: number): number {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) ? LATIN : NONE;
  if (c >= 0xc0 && c <= 0x24f) return c === 0xd7 || c === 0xf7 ? NONE : LATIN;
  if (c >= 0x1e00 && c <= 0x1eff) return LATIN;
  if (c >= 0x0e00 && c <= 0x0e7f) return THAI;
  if (c >= 0x3040 && c <= 0x30ff) return KANA;
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff))
    return HAN;
  if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f))
    return HANGUL;
  if (c >= 0x0400 && c <= 0x04ff) return CYRILLIC;
  if ((c >= 0x0600 && c <= 0x06ff) || (c >= 0x0750 && c <= 0x077f)) return ARABIC;
  if (c >= 0x0900 && c <= 0x097f) return DEVANAGARI;
  return NONE;
}

/** Languages of the scripts that name one language here. */
const SCRIPT_LANGUAGE: readonly (readonly [number, string])[] = [
  [THAI, 'th'],
  [HANGUL, 'ko'],
  [CYRILLIC, 'ru'],
  [ARABIC, 'ar'],
  [DEVANAGARI, 'hi'],
];

/** Letters of a Latin-script word after folding: a-z plus the few letters folding keeps (đ, ß, ø…). */
const isLatinLetter = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);

/**
 * Class of every UTF-16 unit, computed once: its script code in the low bits, plus WORD_LETTER
 * when it is a letter of a stopword-vote token. The scan reads each unit once and does one table
 * read for both questions (the two range tests above cost more per unit than the whole lookup).
 */
const SCRIPT_BITS = 0x0f;
const WORD_LETTER = 0x10;
const SCRIPT_CLASS = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  SCRIPT_CLASS[c] = scriptOf(c) | (isLatinLetter(c) ? WORD_LETTER : 0);
}

/**
 * Stopword table, built once: open addressing over the FNV-1a hash of each word, so the vote
 * hashes tokens as it reads them and never slices a substring or touches a Map (this runs on
 * every ad). A hit is verified against the word's units, so hash collisions cannot miscount.
 *
 * Votes are packed: each language has a 6-bit counter (at most TOKEN_WINDOW = 40 votes) in one
 * of two integers, languages 0-4 in `lo` and 5-8 in `hi`. A word's entry holds the increments
 * for all the languages it belongs to, so counting a vote is two additions, not a bit loop.
 */
const VOTE_BITS = 6;
const VOTE_MASK = (1 << VOTE_BITS) - 1;
const LO_LANGUAGES = 5;
const TABLE_SIZE = 1024; // power of two, about a quarter full
const TABLE_MASK = TABLE_SIZE - 1;
const tableHash = new Int32Array(TABLE_SIZE);
/** 1 + index of the word for a used slot, 0 for an empty one. */
const tableEntry = new Int32Array(TABLE_SIZE);
/** Per word: where its units start in wordUnits, its length, and its vote increments. */
const wordStart: number[] = [];
const wordLength: number[] = [];
const wordLo: number[] = [];
const wordHi: number[] = [];
let wordUnits = new Uint16Array(0);
/** Longest stopword: longer tokens are not looked up. */
const MAX_STOPWORD = 8;

{
  const increments = new Map<string, [number, number]>();
  LATIN_LANGUAGES.forEach((lang, bit) => {
    for (const word of STOPWORDS[lang].split(' ')) {
      const inc = increments.get(word) ?? [0, 0];
      if (bit < LO_LANGUAGES) inc[0] += 1 << (bit * VOTE_BITS);
      else inc[1] += 1 << ((bit - LO_LANGUAGES) * VOTE_BITS);
      increments.set(word, inc);
    }
  });
  const units: number[] = [];
  for (const [word, [lo, hi]] of increments) {
    if (word.length > MAX_STOPWORD) throw new Error(`stopword "${word}" is too long`);
    let h = FNV_OFFSET_;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if ((SCRIPT_CLASS[c] ?? 0) < WORD_LETTER)
        throw new Error(`stopword "${word}" is not a token`);
      h = Math.imul(h ^ c, FNV_PRIME_);
    }
    let slot = h & TABLE_MASK;
    while (tableEntry[slot] !== 0) slot = (slot + 1) & TABLE_MASK;
    wordStart.push(units.length);
    wordLength.push(word.length);
    wordLo.push(lo);
    wordHi.push(hi);
    for (let i = 0; i < word.length; i++) units.push(word.charCodeAt(i));
    tableHash[slot] = h;
    tableEntry[slot] = wordStart.length;
  }
  wordUnits = Uint16Array.from(units);
}

/** Index of the stopword at folded[start, start + length) with hash h, or -1. */
function stopword(folded: string, start: number, length: number, h: number): number {
  let slot = h & TABLE_MASK;
  for (;;) {
    const entry = tableEntry[slot] ?? 0;
    if (entry === 0) return -1;
    const w = entry - 1;
    if (tableHash[slot] === h && wordLength[w] === length) {
      const at = wordStart[w] ?? 0;
      let k = 0;
      while (k < length && folded.charCodeAt(start + k) === wordUnits[at + k]) k++;
      if (k === length) return w;
    }
    slot = (slot + 1) & TABLE_MASK;
  }
}

/** Letters per script (by script code), reused across calls (detection is synchronous). */
const counts = new Int32Array(DEVANAGARI + 1);
/** Packed stopword votes of the current call: languages 0-4, then 5-8 (see above). */
const votes = new Int32Array(2);

/** Counts the vote of the token folded[start, end) whose hash is h. */
function countToken(folded: string, start: number, end: number, h: number): void {
  if (end - start > MAX_STOPWORD) return;
  const w = stopword(folded, start, end - start, h);
  if (w < 0) return;
  votes[0] = (votes[0] ?? 0) + (wordLo[w] ?? 0);
  votes[1] = (votes[1] ?? 0) + (wordHi[w] ?? 0);
}

/**
 * One pass does both steps: it counts scripts over the first SCRIPT_WINDOW units and cuts the
 * first TOKEN_WINDOW Latin tokens, hashing them as it goes, so each unit is read once (reading
 * the text is most of the cost). Once the tokens are done, the script count stops as soon as
 * the other scripts could no longer overtake Latin even if every remaining unit were theirs.
 */
export function detectLanguage(folded: string): string {
  counts.fill(0);
  const n = folded.length;
  const end = Math.min(n, SCRIPT_WINDOW);
  /** Letters of all non-Latin scripts together: a bound on any one of them. */
  let other = 0;
  let tokens = 0;
  let tokenStart = -1;
  let h = 0;
  let i = 0;
  votes[0] = 0;
  votes[1] = 0;

  // Both steps, until the script window or the token window ends.
  for (; i < end; i++) {
    const c = folded.charCodeAt(i);
    const k = SCRIPT_CLASS[c] ?? 0;
    const script = k & SCRIPT_BITS;
    if (script !== NONE) counts[script] = (counts[script] ?? 0) + 1;
    if (k >= WORD_LETTER) {
      if (tokenStart < 0) {
        tokenStart = i;
        h = FNV_OFFSET_;
      }
      h = Math.imul(h ^ c, FNV_PRIME_);
    } else if (tokenStart >= 0) {
      countToken(folded, tokenStart, i, h);
      tokenStart = -1;
      if (++tokens === TOKEN_WINDOW) {
        i++;
        break;
      }
    }
  }

  // Tokens done first: finish the script count, unless Latin has already won.
  if (tokens === TOKEN_WINDOW) {
    for (let s = THAI; s <= DEVANAGARI; s++) other += counts[s] ?? 0;
    for (; i < end; i++) {
      const latin = counts[LATIN] ?? 0;
      if (latin > 0 && latin >= other + (end - i)) return vote(tokens);
      const script = (SCRIPT_CLASS[folded.charCodeAt(i)] ?? 0) & SCRIPT_BITS;
      if (script === NONE) continue;
      counts[script] = (counts[script] ?? 0) + 1;
      if (script !== LATIN) other++;
    }
  }

  const language = scriptLanguage();
  if (language !== 'latin') return language;

  // Script window done first: finish the tokens (a token may be under way at the window's end).
  if (tokens < TOKEN_WINDOW) {
    for (; i < n; i++) {
      const c = folded.charCodeAt(i);
      if ((SCRIPT_CLASS[c] ?? 0) >= WORD_LETTER) {
        if (tokenStart < 0) {
          tokenStart = i;
          h = FNV_OFFSET_;
        }
        h = Math.imul(h ^ c, FNV_PRIME_);
      } else if (tokenStart >= 0) {
        countToken(folded, tokenStart, i, h);
        tokenStart = -1;
        if (++tokens === TOKEN_WINDOW) break;
      }
    }
    // A token that runs to the end of the text.
    if (tokenStart >= 0 && tokens < TOKEN_WINDOW) {
      countToken(folded, tokenStart, n, h);
      tokens++;
    }
  }
  return vote(tokens);
}

/** The language of the script that leads the counts, 'latin' to vote, or 'und'. */
function scriptLanguage(): string {
  // Chinese and Japanese share the Han characters; kana is what makes Japanese. Japanese prose
  // is rarely under a third kana, while Chinese text may carry a stray "の" in a brand name.
  let best = 'latin';
  let bestCount = counts[LATIN] ?? 0;
  const kana = counts[KANA] ?? 0;
  const cjk = (counts[HAN] ?? 0) + kana;
  if (cjk > bestCount) {
    best = kana * 10 >= cjk ? 'ja' : 'zh';
    bestCount = cjk;
  }
  for (const [script, language] of SCRIPT_LANGUAGE) {
    const n = counts[script] ?? 0;
    if (n > bestCount) {
      best = language;
      bestCount = n;
    }
  }
  return bestCount === 0 ? 'und' : best;
}

/** The stopword vote over `tokens` Latin words. */
function vote(tokens: number): string {
  const lo = votes[0] ?? 0;
  const hi = votes[1] ?? 0;
  let first = -1;
  let firstVotes = 0;
  let secondVotes = 0;
  for (let bit = 0; bit < LATIN_LANGUAGES.length; bit++) {
    const v =
      bit < LO_LANGUAGES
        ? (lo >>> (bit * VOTE_BITS)) & VOTE_MASK
        : (hi >>> ((bit - LO_LANGUAGES) * VOTE_BITS)) & VOTE_MASK;
    if (v > firstVotes) {
      secondVotes = firstVotes;
      firstVotes = v;
      first = bit;
    } else if (v > secondVotes) {
      secondVotes = v;
    }
  }
  if (first < 0) return 'und';
  // One word decides only a very short text ("Hola guapo"); otherwise the winner needs two
  // votes and a clear lead, because a single shared-looking word ("as", "de") misleads.
  const clear =
    (firstVotes >= 2 || tokens <= 3) && (secondVotes === 0 || firstVotes * 2 >= secondVotes * 3);
  return clear ? (LATIN_LANGUAGES[first] ?? 'und') : 'und';
}

// ---------------------------------------------------------------------------------------------
// Words: what a word is, for the phrase compiler (rules.ts) and the matcher (match.ts) alike.

const UNKNOWN = 0;
const WORD = 1;
const OTHER = 2;
/** Word class of each UTF-16 unit, filled on first sight: the Unicode test runs once per unit. */
const wordClass = new Uint8Array(0x10000);
const WORD_RE = /^[\p{L}\p{N}\p{M}]$/u;

for (let c = 0; c < 0x80; c++) {
  const word = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  wordClass[c] = word ? WORD : OTHER;
}
// Surrogates are not word units: astral letters are rare after folding (styled letters are
// folded to ASCII), and astral emoji and CJK extensions are matched by substring.
wordClass.fill(OTHER, 0xd800, 0xe000);

/** Letters, digits and marks: the units words are made of. */
export function isWordUnit(c: number): boolean {
  let k = wordClass[c] ?? OTHER;
  if (k === UNKNOWN) {
    k = WORD_RE.test(String.fromCharCode(c)) ? WORD : OTHER;
    wordClass[c] = k;
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

/** FNV-1a over UTF-16 units, apostrophes folded to "'": the hash of a word token. */
export const FNV_OFFSET = FNV_OFFSET_;
export const FNV_PRIME = FNV_PRIME_;

/** Hash of a token as the matcher computes it; `prefixLength` limits it to the first units. */
export function hashToken(token: string, prefixLength = token.length): number {
  let h = FNV_OFFSET;
  const n = Math.min(prefixLength, token.length);
  for (let i = 0; i < n; i++) {
    const c = token.charCodeAt(i);
    h = Math.imul(h ^ (isApostrophe(c) ? 0x27 : c), FNV_PRIME);
  }
  return h;
}

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

/** Bits of `unitBits()`, one byte per UTF-16 unit. */
export const UNIT_WORD = UNIT_WORD_;
export const UNIT_LIGHT = UNIT_LIGHT_;
export const UNIT_APOSTROPHE = UNIT_APOSTROPHE_;

let unitTable: Uint8Array | undefined;

/**
 * UNIT_* bits of every UTF-16 unit, computed once (the Unicode test of 64K units, ~10 ms), so a
 * loop classifies a unit with one array read. Bits 8 and up are free for callers' copies.
 */
export function unitBits(): Uint8Array {
  if (unitTable !== undefined) return unitTable;
  const units = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    units[c] =
      (isWordUnit(c) ? UNIT_WORD_ : 0) |
      (isLightUnit(c) ? UNIT_LIGHT_ : 0) |
      (isApostrophe(c) ? UNIT_APOSTROPHE_ : 0);
  }
  unitTable = units;
  return units;
}
