/**
 * Language of an ad, cheaply: rules written for one language should not run on another, and
 * most items do not say what language they are in.
 *
 * Input is the FOLDED text (normalize.ts): lower case, Latin diacritics removed ("não" reads
 * "nao", "được" reads "đuoc"). Two steps, both bounded so that a 1 MB item costs the same as an ad:
 * 1. count letters per script over the first SCRIPT_WINDOW code units; a non-Latin script that
 *    outnumbers Latin letters decides (Thai, Chinese, Japanese, Korean, Russian, Arabic, Hindi);
 * 2. otherwise count short stopword lists per language over the first TOKEN_WINDOW word tokens,
 *    one Map lookup per token.
 * When the evidence is thin or tied the answer is 'und', which lets every rule run: a wrong
 * language would silence rules, an unknown one does not.
 */

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

/** Bit i set: the word is a stopword of LATIN_LANGUAGES[i]. */
const WORD_LANGUAGES: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>();
  LATIN_LANGUAGES.forEach((lang, bit) => {
    for (const word of STOPWORDS[lang].split(' ')) map.set(word, (map.get(word) ?? 0) | (1 << bit));
  });
  return map;
})();

// Script indices into a counts array (numbers, not names: this loop runs per character).
const LATIN = 0;
const THAI = 1;
const HAN = 2;
const KANA = 3;
const HANGUL = 4;
const CYRILLIC = 5;
const ARABIC = 6;
const DEVANAGARI = 7;
const NONE = -1;

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

export function detectLanguage(folded: string): string {
  const counts = new Int32Array(8);
  const end = Math.min(folded.length, SCRIPT_WINDOW);
  let latin = 0;
  for (let i = 0; i < end; i++) {
    const c = folded.charCodeAt(i);
    // ASCII first, inline: most ads are mostly ASCII.
    if (c < 0x80) {
      const lower = c | 0x20;
      if (lower >= 0x61 && lower <= 0x7a) latin++;
      continue;
    }
    const script = scriptOf(c);
    if (script !== NONE) counts[script] = (counts[script] ?? 0) + 1;
  }
  counts[LATIN] = (counts[LATIN] ?? 0) + latin;

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
  if (bestCount === 0) return 'und';
  if (best !== 'latin') return best;
  return latinLanguage(folded);
}

/** Stopword vote over the first TOKEN_WINDOW Latin words. */
function latinLanguage(folded: string): string {
  const votes = new Uint8Array(LATIN_LANGUAGES.length);
  const n = folded.length;
  let tokens = 0;
  let i = 0;
  while (i < n && tokens < TOKEN_WINDOW) {
    while (i < n && !isLatinLetter(folded.charCodeAt(i))) i++;
    const start = i;
    while (i < n && isLatinLetter(folded.charCodeAt(i))) i++;
    if (i === start) break;
    tokens++;
    // Stopwords are short; longer words cannot match and are not sliced.
    if (i - start > 8) continue;
    const mask = WORD_LANGUAGES.get(folded.slice(start, i));
    if (mask === undefined) continue;
    for (let bit = 0; bit < LATIN_LANGUAGES.length; bit++)
      if (mask & (1 << bit)) votes[bit] = (votes[bit] ?? 0) + 1;
  }

  let first = -1;
  let firstVotes = 0;
  let secondVotes = 0;
  for (let bit = 0; bit < votes.length; bit++) {
    const v = votes[bit] ?? 0;
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
