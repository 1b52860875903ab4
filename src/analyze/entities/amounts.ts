/**
 * Prices and stated ages in ad text (English, Spanish, French, Portuguese).
 *
 * Both read the numbers of the folded text and decide from the few words around each number,
 * never from a regular expression run across the text, so the cost is linear in the text.
 * A number is a price only with a currency (sign, ISO code or word, "roses" included as the
 * escort-ad euphemism for US dollars) or a rate ("150/hr"); it is an age only with an age cue
 * ("age 25", "25 yrs", "25 años", "25 ans") and never when the cue talks about experience.
 */
import type { Doc } from '../doc.js';
import type { Age, Price, RateUnit } from '../types.js';

/** A set of words written as one space-separated list. */
const words = (list: string): ReadonlySet<string> => new Set(list.trim().split(/\s+/));

/**
 * What a word-keyed table (a plain object) answers for each word, as a Map: its own entries, and
 * what it inherits from Object.prototype under names that are words ("constructor"). For any word
 * w, `map.get(w)` is `table[w]` and `map.has(w)` is `w in table`, without indexing the object
 * with a string cut from the text: V8 would first look the string up in its table of
 * internalized strings, which costs more than the rest of a check.
 */
/** Own entries only: a word of the text such as "constructor" must not find Object's members. */
function lookupOf<V>(table: Readonly<Record<string, V>>): ReadonlyMap<string, V> {
  return new Map<string, V>(Object.entries(table));
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** A number of the text. Tokens are reused from one document to the next (see numbersOf). */
interface NumberToken {
  /** Folded offsets of the written number (without a 'k' suffix). */
  start: number;
  end: number;
  /** The value as written; NaN when the grouping makes no sense ("1,2,3"). */
  value: number;
  /** Digits before any decimal mark. */
  integerDigits: number;
  /** Written with thousands separators ("1,200", "1.200.000"). */
  grouped: boolean;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLetter = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f);
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Integer parts longer than this are ids or phone numbers, not amounts. */
const MAX_INTEGER_DIGITS = 9;

/**
 * Reads the number that starts at folded offset `at` (a digit): digits with ',' or '.' marks
 * ("1,200", "1.200,50", "12.50"). Thousands groups must have three digits; a final mark with one
 * or two digits after it is decimal. A lone "." or "," followed by three digits is a thousands
 * mark, as in "1.200" (EUR, BRL) and "1,200" (USD). The number is written into `token`.
 */
function readNumber(t: string, at: number, token: NumberToken): void {
  let end = at;
  // The value is summed up on the way; up to 15 digits it is exact, as Number() would read it.
  let sum = 0;
  while (end < t.length) {
    const c = t.charCodeAt(end);
    if (!isDigit(c)) break;
    sum = sum * 10 + (c - 0x30);
    end++;
  }
  const mark = t.charCodeAt(end);
  if (!((mark === 0x2c || mark === 0x2e) && isDigit(t.charCodeAt(end + 1)))) {
    // Plain digits, the common case.
    setToken(token, at, end, end - at <= 15 ? sum : Number(t.slice(at, end)), end - at, false);
    return;
  }
  readMarkedNumber(t, at, token);
}

function setToken(
  token: NumberToken,
  start: number,
  end: number,
  value: number,
  integerDigits: number,
  grouped: boolean,
): void {
  token.start = start;
  token.end = end;
  token.value = value;
  token.integerDigits = integerDigits;
  token.grouped = grouped;
}

const POWERS_OF_TEN = [1, 10, 100, 1000];

/**
 * readNumber for digits with marks, in one pass without cutting the groups out: the rules only
 * need the length of the first and the last group, the first and the last mark, and whether the
 * groups in between have three digits after the first mark. Values are summed up while they fit
 * in 15 digits, where the sums are exact and a division by 10 or 100 rounds as Number() reads
 * the decimal text; longer numbers are read from the text as before.
 */
function readMarkedNumber(t: string, at: number, token: NumberToken): void {
  let end = at;
  let groups = 1;
  let firstLength = 0;
  let firstMark = 0;
  let lastMark = 0; // the mark before the group being read
  let lastMarkAt = -1;
  // Groups 1 .. k-1 have three digits and follow the first mark (k: the group being read).
  let threes = true;
  // Digits of the groups before the one being read, and of the one being read.
  let headLength = 0;
  let headValue = 0;
  let length = 0;
  let value = 0;
  while (end < t.length) {
    const c = t.charCodeAt(end);
    if (isDigit(c)) {
      length++;
      value = value * 10 + (c - 0x30);
      end++;
      continue;
    }
    if ((c === 0x2c || c === 0x2e) && isDigit(t.charCodeAt(end + 1))) {
      // The group being read ends here.
      if (groups === 1) {
        firstLength = length;
        firstMark = c;
      } else {
        threes = threes && length === 3 && lastMark === firstMark;
      }
      headValue = headLength + length <= 15 ? headValue * 10 ** length + value : Number.NaN;
      headLength += length;
      lastMark = c;
      lastMarkAt = end;
      groups++;
      length = 0;
      value = 0;
      end++;
      continue;
    }
    break;
  }
  // The last group: `length` digits after the last mark.
  const thousandsFirst = firstLength >= 1 && firstLength <= 3;
  const allDigits = headLength + length;
  if (length <= 2) {
    // A final mark followed by one or two digits is a decimal mark.
    const whole = groups - 1;
    // threes covers groups 1 .. whole - 1 here: the last group was not added to it.
    if (whole > 1 && (firstMark === lastMark || !(thousandsFirst && threes))) {
      setToken(token, at, end, Number.NaN, allDigits, false);
      return;
    }
    const scale = POWERS_OF_TEN[length] ?? 1;
    const exact =
      allDigits <= 15
        ? (headValue * scale + value) / scale
        : Number(`${stripMarks(t.slice(at, lastMarkAt))}.${t.slice(lastMarkAt + 1, end)}`);
    setToken(token, at, end, exact, headLength, whole > 1);
    return;
  }
  if (length === 3 && thousandsFirst && threes && lastMark === firstMark) {
    const exact = allDigits <= 15 ? headValue * 1000 + value : Number(stripMarks(t.slice(at, end)));
    setToken(token, at, end, exact, allDigits, true);
    return;
  }
  setToken(token, at, end, Number.NaN, allDigits, false);
}

/** The digits of a number written with ',' and '.' marks. */
const stripMarks = (text: string): string => text.replace(/[.,]/g, '');

/**
 * Reads the numbers of the text into tokens[0, count) and returns the count.
 *
 * Prices and ages read the same numbers of the same document, one after the other in
 * extractEntities: the numbers of the last document are kept, so that they are read once per
 * document (a weak map would too, but costs more to fill than reading the numbers of most ads).
 * The token objects are reused for the next document, and never leave this module: an ad has a
 * handful of numbers, and objects made for each would be most of what prices and ages allocate.
 */
function numbersOf(folded: object, t: string): number {
  if (folded === lastFolded) return tokenCount;
  let count = 0;
  // The regular expression finds the next digit in native code; `test` with lastIndex gives its
  // offset without building a match object.
  const digit = NEXT_DIGIT;
  digit.lastIndex = 0;
  while (digit.test(t)) {
    let token = tokens[count];
    if (token === undefined) {
      token = { start: 0, end: 0, value: 0, integerDigits: 0, grouped: false };
      tokens.push(token);
    }
    readNumber(t, digit.lastIndex - 1, token);
    count++;
    digit.lastIndex = token.end;
  }
  lastFolded = folded;
  tokenCount = count;
  return count;
}

const NEXT_DIGIT = /[0-9]/g;

/** The numbers of the last folded text read: tokens[0, tokenCount). */
const tokens: NumberToken[] = [];
let tokenCount = 0;
let lastFolded: object | undefined;

// ---------------------------------------------------------------------------------------------
// Words around a number

// The checks around a number ask for the same few words again and again (the word after an
// amount is read for a range, a currency, a rate): the last answer of each function is kept.
let wordAtText = '';
let wordAtFrom = -1;
let wordAtWord = '';
let wordEndingText = '';
let wordEndingTo = -1;
let wordEnding: { word: string; start: number } = { word: '', start: 0 };

/** The ASCII-letter word at `at` (letters only, at most 24). */
function wordAt(t: string, at: number): string {
  if (at === wordAtFrom && t === wordAtText) return wordAtWord;
  let k = at;
  while (k < t.length && k - at < 24 && isLetter(t.charCodeAt(k))) k++;
  const word = k === at ? '' : t.slice(at, k);
  wordAtText = t;
  wordAtFrom = at;
  wordAtWord = word;
  return word;
}

/** The word that ends at `at`, and where it starts. (Callers only read the result.) */
function wordEndingAt(t: string, at: number): { readonly word: string; readonly start: number } {
  if (at === wordEndingTo && t === wordEndingText) return wordEnding;
  let k = at;
  while (k > 0 && at - k < 24 && isLetter(t.charCodeAt(k - 1))) k--;
  wordEndingText = t;
  wordEndingTo = at;
  wordEnding = { word: k === at ? '' : t.slice(k, at), start: k };
  return wordEnding;
}

function skipSpacesForward(t: string, at: number, max: number): number {
  let k = at;
  while (k < t.length && k - at < max && isSpace(t.charCodeAt(k))) k++;
  return k;
}

function skipSpacesBack(t: string, at: number, max: number): number {
  let k = at;
  while (k > 0 && at - k < max && isSpace(t.charCodeAt(k - 1))) k--;
  return k;
}

// ---------------------------------------------------------------------------------------------
// Currencies

/** Where "$" and "dollars" mean another dollar than the US one. */
const LOCAL_DOLLAR: Readonly<Record<string, string>> = {
  CA: 'CAD',
  AU: 'AUD',
  NZ: 'NZD',
  SG: 'SGD',
  HK: 'HKD',
  TW: 'TWD',
  JM: 'JMD',
  TT: 'TTD',
  BS: 'BSD',
  BB: 'BBD',
  // "$" is also the peso sign.
  MX: 'MXN',
  AR: 'ARS',
  CO: 'COP',
  CL: 'CLP',
  UY: 'UYU',
  DO: 'DOP',
};

const LOCAL_PESO: Readonly<Record<string, string>> = {
  MX: 'MXN',
  AR: 'ARS',
  CO: 'COP',
  CL: 'CLP',
  UY: 'UYU',
  DO: 'DOP',
  PH: 'PHP',
  CU: 'CUP',
};

const SIGNS: Readonly<Record<string, string>> = {
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  '₹': 'INR',
  '₱': 'PHP',
  '฿': 'THB',
  '₫': 'VND',
  '₩': 'KRW',
  '₦': 'NGN',
  '₺': 'TRY',
  '₽': 'RUB',
  '₴': 'UAH',
  '₪': 'ILS',
};

/** The currency of the sign at text[k], if it is one of SIGNS (all outside ASCII). */
function signAt(t: string, k: number): string | undefined {
  return t.charCodeAt(k) >= 0x80 ? SIGNS[t[k] ?? ''] : undefined;
}

/** Letters written before "$" ("R$ 200", "MX$500", "CA$", "A$"). */
const DOLLAR_PREFIXES: Readonly<Record<string, string>> = {
  r: 'BRL',
  mx: 'MXN',
  mex: 'MXN',
  ca: 'CAD',
  c: 'CAD',
  cad: 'CAD',
  a: 'AUD',
  au: 'AUD',
  aud: 'AUD',
  nz: 'NZD',
  us: 'USD',
  usd: 'USD',
  hk: 'HKD',
  s: 'SGD',
  sg: 'SGD',
  nt: 'TWD',
  cop: 'COP',
  ar: 'ARS',
  clp: 'CLP',
};
const DOLLAR_PREFIX_LOOKUP = lookupOf(DOLLAR_PREFIXES);

const ISO_CODES = words(`
  usd eur gbp cad aud nzd mxn brl ars clp uyu dop php thb vnd inr pkr jpy cny krw idr myr sgd
  hkd twd chf sek nok dkk pln czk huf bgn rub uah zar ngn kes ghs aed sar qar ils egp usdt
`);

/** Codes that are also English words ("try", "cop", "pen"): a currency only after the number. */
const ISO_CODES_AFTER_ONLY = new Set(['cop', 'pen', 'ron', 'try', 'mad']);

/** Currency words; 'dollar' and 'peso' resolve by country. */
const CURRENCY_WORDS: Readonly<Record<string, string>> = {
  dollar: 'dollar',
  dollars: 'dollar',
  dolar: 'dollar',
  dolares: 'dollar',
  bucks: 'USD',
  euro: 'EUR',
  euros: 'EUR',
  pound: 'GBP',
  pounds: 'GBP',
  quid: 'GBP',
  libras: 'GBP',
  peso: 'peso',
  pesos: 'peso',
  reais: 'BRL',
  reales: 'BRL',
  baht: 'THB',
  rupee: 'INR',
  rupees: 'INR',
  yen: 'JPY',
  yuan: 'CNY',
  rmb: 'CNY',
  ringgit: 'MYR',
  rand: 'ZAR',
  naira: 'NGN',
  dirham: 'AED',
  dirhams: 'AED',
  lira: 'TRY',
  zloty: 'PLN',
  francs: 'CHF',
  soles: 'PEN',
  // Escort ads price in "roses" to avoid the word "dollars" (detection.md §3.2, emoji codes).
  rose: 'USD',
  roses: 'USD',
};
const CURRENCY_WORD_LOOKUP = lookupOf(CURRENCY_WORDS);

/** Where "pounds" after a number is a weight, not money. */
const POUNDS_ARE_WEIGHT = new Set(['US', 'CA', 'MX', 'PR']);

interface CurrencyHit {
  readonly code: string;
  /** Folded offset where the currency text starts (before) or ends (after). */
  readonly at: number;
}

function resolve(code: string, country: string | undefined): string {
  if (code === 'dollar') return (country && LOCAL_DOLLAR[country]) || 'USD';
  if (code === 'peso') return (country && LOCAL_PESO[country]) || 'MXN';
  return code;
}

/** A currency sign, code or word ending right before `at` ("$", "R$ ", "usd ", "€"). */
function currencyBefore(
  t: string,
  at: number,
  country: string | undefined,
): CurrencyHit | undefined {
  const k = skipSpacesBack(t, at, 1);
  if (t.charCodeAt(k - 1) === 0x24) {
    // '$'
    const { word, start } = wordEndingAt(t, k - 1);
    const prefixed = DOLLAR_PREFIX_LOOKUP.get(word);
    if (prefixed !== undefined) return { code: prefixed, at: start };
    return { code: resolve('dollar', country), at: k - 1 };
  }
  const sign = signAt(t, k - 1);
  if (sign !== undefined) {
    return { code: sign === 'JPY' && country === 'CN' ? 'CNY' : sign, at: k - 1 };
  }
  // "Rs. 500", "USD 150", "EUR: 80".
  let w = k;
  if (t[w - 1] === '.' || t[w - 1] === ':') w--;
  const { word, start } = wordEndingAt(t, w);
  if (word.length === 0) return undefined;
  if (word === 'rs') return { code: country === 'PK' ? 'PKR' : 'INR', at: start };
  if (ISO_CODES.has(word)) return { code: word === 'usdt' ? 'USD' : word.toUpperCase(), at: start };
  return undefined;
}

/** A currency sign, code or word right after `at` ("€", " usd", " dollars", " roses"). */
function currencyAfter(
  t: string,
  at: number,
  country: string | undefined,
): CurrencyHit | undefined {
  const k = skipSpacesForward(t, at, 1);
  if (t.charCodeAt(k) === 0x24) return { code: resolve('dollar', country), at: k + 1 }; // '$'
  const sign = signAt(t, k);
  if (sign !== undefined) return { code: sign, at: k + 1 };
  const word = wordAt(t, k);
  if (word.length === 0) return undefined;
  const end = k + word.length;
  if (word === 'rs') return { code: country === 'PK' ? 'PKR' : 'INR', at: end };
  if (ISO_CODES.has(word) || ISO_CODES_AFTER_ONLY.has(word)) {
    return { code: word === 'usdt' ? 'USD' : word.toUpperCase(), at: end };
  }
  const named = CURRENCY_WORD_LOOKUP.get(word);
  if (named === undefined) return undefined;
  if (named === 'GBP' && word.startsWith('pound') && country && POUNDS_ARE_WEIGHT.has(country)) {
    return undefined;
  }
  return { code: resolve(named, country), at: end };
}

// ---------------------------------------------------------------------------------------------
// Rates

/** Unit words after "/", "per", "a", "por", "par", "al" or on their own. */
const UNIT_WORDS: Readonly<Record<string, RateUnit>> = {
  h: 'hour',
  hr: 'hour',
  hrs: 'hour',
  hour: 'hour',
  hours: 'hour',
  ph: 'hour',
  hora: 'hour',
  heure: 'hour',
  hh: 'half-hour',
  qv: 'visit',
  visit: 'visit',
  visita: 'visit',
  session: 'visit',
  night: 'night',
  nite: 'night',
  overnight: 'night',
  noche: 'night',
  nuit: 'night',
  noite: 'night',
  day: 'day',
  d: 'day',
  dia: 'day',
  jour: 'day',
  week: 'week',
  wk: 'week',
  semana: 'week',
  semaine: 'week',
  month: 'month',
  mo: 'month',
  mes: 'month',
  mois: 'month',
  year: 'year',
  yr: 'year',
  ano: 'year',
  an: 'year',
};
const UNIT_WORD_LOOKUP = lookupOf(UNIT_WORDS);

/** Adjectives that name a rate by themselves ("monthly", "annual"). */
const RATE_ADJECTIVES: Readonly<Record<string, RateUnit>> = {
  hourly: 'hour',
  nightly: 'night',
  overnight: 'night',
  daily: 'day',
  diario: 'day',
  weekly: 'week',
  semanal: 'week',
  monthly: 'month',
  mensual: 'month',
  mensal: 'month',
  mensuel: 'month',
  annual: 'year',
  annually: 'year',
  yearly: 'year',
  anual: 'year',
  annuel: 'year',
  qv: 'visit',
  hh: 'half-hour',
  hr: 'hour',
  hrs: 'hour',
  ph: 'hour',
};
const RATE_ADJECTIVE_LOOKUP = lookupOf(RATE_ADJECTIVES);

const PER_WORDS = new Set(['per', 'a', 'an', 'por', 'par', 'al', 'x', 'each', 'la', 'le', 'the']);

const MINUTE_WORDS = new Set(['min', 'mins', 'minute', 'minutes', 'minutos', 'm']);
const HOUR_WORDS = new Set(['h', 'hr', 'hrs', 'hour', 'hours', 'hora', 'horas', 'heure', 'heures']);

/** A duration "30 min", "15min", "1 hr", "2 hours" written at folded offset `at`. */
function durationAt(t: string, at: number): { unit: RateUnit; end: number } | undefined {
  if (!isDigit(t.charCodeAt(at))) return undefined;
  let k = at;
  let value = 0;
  while (k < t.length && k - at < 3 && isDigit(t.charCodeAt(k))) {
    value = value * 10 + (t.charCodeAt(k) - 0x30);
    k++;
  }
  if (isDigit(t.charCodeAt(k))) return undefined;
  // Only 15, 30 and 60 minutes and 1 hour are durations: most numbers stop here.
  if (value !== 1 && value !== 15 && value !== 30 && value !== 60) return undefined;
  const w = skipSpacesForward(t, k, 1);
  const word = wordAt(t, w);
  const end = w + word.length;
  if (MINUTE_WORDS.has(word)) {
    if (value === 15) return { unit: 'quarter-hour', end };
    if (value === 30) return { unit: 'half-hour', end };
    if (value === 60) return { unit: 'hour', end };
    return undefined;
  }
  if (HOUR_WORDS.has(word) && value === 1) return { unit: 'hour', end };
  return undefined;
}

/** Words that name a rate when written before the amount ("QV 80", "HH: 120", "overnight 900"). */
const LABELS: Readonly<Record<string, RateUnit>> = {
  qv: 'visit',
  hh: 'half-hour',
  h: 'hour',
  hr: 'hour',
  hour: 'hour',
  overnight: 'night',
  night: 'night',
  visit: 'visit',
};
const LABEL_LOOKUP = lookupOf(LABELS);

/**
 * A rate written right after `at` ("/hr", " per hour", " hh", " 30 min", "/mo", " monthly",
 * " half hour", " quick visit") with where it ends.
 */
function rateAfter(
  t: string,
  at: number,
): { unit: RateUnit; end: number; explicit: boolean } | undefined {
  // `explicit`: "/hr", "per hour", "30 min", "half hour" say "rate" outright; "150 hr" or
  // "80 qv" only by convention.
  let k = skipSpacesForward(t, at, 1);
  let via = false;
  if (t[k] === '/') {
    k = skipSpacesForward(t, k + 1, 1);
    via = true;
  }
  const duration = durationAt(t, k);
  if (duration !== undefined) return { unit: duration.unit, end: duration.end, explicit: true };
  let word = wordAt(t, k);
  if (word.length === 0) return undefined;
  if (!via && PER_WORDS.has(word)) {
    const next = skipSpacesForward(t, k + word.length, 1);
    if (next === k + word.length) return undefined;
    const duration2 = durationAt(t, next);
    if (duration2 !== undefined) {
      return { unit: duration2.unit, end: duration2.end, explicit: true };
    }
    k = next;
    word = wordAt(t, k);
    via = true;
  }
  const end = k + word.length;
  if (word === 'half' || word === 'halfhour') {
    if (word === 'halfhour') return { unit: 'half-hour', end, explicit: true };
    const next = skipSpacesForward(t, end + (t[end] === '-' ? 1 : 0), 1);
    const hour = wordAt(t, next);
    if (hour === 'hour' || hour === 'hr') {
      return { unit: 'half-hour', end: next + hour.length, explicit: true };
    }
    return undefined;
  }
  if (word === 'quick') {
    const next = skipSpacesForward(t, end, 1);
    const visit = wordAt(t, next);
    if (visit === 'visit') return { unit: 'visit', end: next + visit.length, explicit: true };
    return undefined;
  }
  const unit = via ? UNIT_WORD_LOOKUP.get(word) : RATE_ADJECTIVE_LOOKUP.get(word);
  return unit === undefined ? undefined : { unit, end, explicit: via };
}

/** A rate label right before `at` ("QV ", "HH: ", "30 min - ", "1hr = "), with where it starts. */
function rateBefore(t: string, at: number): { unit: RateUnit; start: number } | undefined {
  let k = skipSpacesBack(t, at, 2);
  if (t[k - 1] === ':' || t[k - 1] === '-' || t[k - 1] === '=') k = skipSpacesBack(t, k - 1, 2);
  if (k === at) return undefined;
  const { word, start } = wordEndingAt(t, k);
  if (word.length === 0) return undefined;
  // "30 min", "1 hr": a duration ending here.
  let d = skipSpacesBack(t, start, 1);
  let digits = d;
  while (digits > 0 && d - digits < 3 && isDigit(t.charCodeAt(digits - 1))) digits--;
  if (digits < d && !isDigit(t.charCodeAt(digits - 1))) {
    const duration = durationAt(t, digits);
    if (duration !== undefined && duration.end === k) return { unit: duration.unit, start: digits };
  }
  // "2hr 350": a duration other than the rate units is no rate.
  if (digits < d && (HOUR_WORDS.has(word) || MINUTE_WORDS.has(word))) return undefined;
  const unit = LABEL_LOOKUP.get(word);
  if (unit === undefined) return undefined;
  // "quick visit 80", "half hour 120"
  if (word === 'visit') {
    const quick = wordEndingAt(t, skipSpacesBack(t, start, 1));
    return quick.word === 'quick' ? { unit: 'visit', start: quick.start } : undefined;
  }
  if (word === 'hour' || word === 'hr') {
    d = skipSpacesBack(t, start, 1);
    const half = wordEndingAt(t, d);
    if (half.word === 'half') return { unit: 'half-hour', start: half.start };
  }
  return { unit, start };
}

// ---------------------------------------------------------------------------------------------
// Prices

/**
 * The number is one group of a phone number or an id: three or more digit groups joined by
 * single separators ("212-555-0123", "06 12 34 56 78") with seven digits or more in all.
 * "3000-5000" (two groups) stays a possible range.
 */
function insideLongDigits(t: string, start: number, end: number, grouped: boolean): boolean {
  if (grouped) return false;
  let digits = end - start;
  let groups = 1;
  for (let dir = -1; dir <= 1; dir += 2) {
    let k = dir < 0 ? start - 1 : end;
    let steps = 0;
    let inGroup = false;
    while (k >= 0 && k < t.length && steps < 32) {
      const c = t.charCodeAt(k);
      if (isDigit(c)) {
        digits++;
        if (!inGroup) groups++;
        inGroup = true;
        // The counts only grow: once they say "long", the rest of the walk cannot change that.
        if (groups >= 3 && digits >= 7) return true;
      } else if (joiner(c) && isDigit(t.charCodeAt(k + dir))) {
        inGroup = false;
      } else if (joiner(c) && joiner(t.charCodeAt(k + dir)) && isDigit(t.charCodeAt(k + 2 * dir))) {
        // "(212) 555", " - "
        inGroup = false;
        k += dir;
        steps++;
      } else break;
      k += dir;
      steps++;
    }
  }
  return groups >= 3 && digits >= 7;
}

/** A character that joins digit groups: '-', '.', ' ', ')', '(', '/'. */
const joiner = (c: number): boolean =>
  c === 0x2d || c === 0x2e || c === 0x20 || c === 0x29 || c === 0x28 || c === 0x2f;

/** context.country as written -> upper case; a scan reads many documents of few countries. */
const upperCountries = new Map<string, string>();

function countryOf(doc: Doc): string | undefined {
  const raw = doc.context.country;
  if (raw === undefined) return undefined;
  let upper = upperCountries.get(raw);
  if (upper === undefined) {
    upper = raw.toUpperCase();
    // Country strings come from the input: keep the memo small whatever they hold.
    if (upperCountries.size >= 1024) upperCountries.clear();
    upperCountries.set(raw, upper);
  }
  return upper;
}

export function extractPrices(doc: Doc): Price[] {
  const t = doc.folded.text;
  const count = numbersOf(doc.folded, t);
  if (count === 0) return [];
  const country = countryOf(doc);
  const prices: Price[] = [];
  for (let idx = 0; idx < count; idx++) {
    const a = tokens[idx];
    if (a === undefined || !usable(t, a)) continue;
    // A duration ("30 min", "1hr") is a rate, not an amount.
    const asDuration = durationAt(t, a.start);
    if (asDuration !== undefined && a.integerDigits <= 2 && !currencyBefore(t, a.start, country)) {
      continue;
    }
    let aEnd = a.end;
    let multiplier = 1;
    if (t[aEnd] === 'k' && !isLetter(t.charCodeAt(aEnd + 1))) {
      multiplier = 1000;
      aEnd++;
    }
    // A range "3000-5000", "$100 - $150", "100 to 150": both ends share currency and rate.
    const b = rangeEnd(t, aEnd, idx + 1 < count ? tokens[idx + 1] : undefined);
    let bEnd = b?.end ?? aEnd;
    let bMultiplier = multiplier;
    if (b !== undefined && t[bEnd] === 'k' && !isLetter(t.charCodeAt(bEnd + 1))) {
      bMultiplier = 1000;
      bEnd++;
      if (multiplier === 1 && a.value < 1000) multiplier = 1000;
    }
    const last = b === undefined ? aEnd : bEnd;

    const before = currencyBefore(t, a.start, country);
    const midCurrency = b !== undefined ? currencyBefore(t, b.start, country) : undefined;
    const after = currencyAfter(t, last, country);
    const currency = before?.code ?? midCurrency?.code ?? after?.code;
    const rateFrom = after?.at ?? last;
    let rate = rateAfter(t, rateFrom);
    // "QV 80 / HH 120": a rate word followed by an amount labels that amount, not this one.
    if (rate !== undefined && amountFollows(t, rate.end)) rate = undefined;
    const label = rate === undefined ? rateBefore(t, before?.at ?? a.start) : undefined;
    const per = rate?.unit ?? label?.unit;
    if (currency === undefined && per === undefined) continue;
    // Without a currency, a bare rate word after a small number is a duration ("2 hrs").
    if (currency === undefined && !rate?.explicit && !label && a.value * multiplier < 20) continue;
    if (t[last] === '%' || t[a.start - 1] === '#') continue;
    const end = rate?.end ?? after?.at ?? last;
    const start = label?.start ?? before?.at ?? a.start;
    const code = currency ?? 'XXX';
    if (b === undefined) {
      if (Number.isFinite(a.value)) {
        prices.push(priceOf(doc, a.value * multiplier, code, per, start, end));
      }
      continue;
    }
    if (Number.isFinite(a.value)) {
      prices.push(priceOf(doc, a.value * multiplier, code, per, start, aEnd));
    }
    if (Number.isFinite(b.value)) {
      prices.push(priceOf(doc, b.value * bMultiplier, code, per, midCurrency?.at ?? b.start, end));
    }
    idx++;
  }
  return prices;
}

/** The Price of folded text [from, to); `per` only when there is a rate. */
function priceOf(
  doc: Doc,
  amount: number,
  currency: string,
  per: RateUnit | undefined,
  from: number,
  to: number,
): Price {
  const span = doc.spanOfFolded(from, to);
  return per
    ? { amount, currency, per, raw: span.text, span }
    : { amount, currency, raw: span.text, span };
}

/** An amount (digit or currency sign) starts right after `at`, past a little punctuation. */
function amountFollows(t: string, at: number): boolean {
  let k = skipSpacesForward(t, at, 2);
  if (t[k] === ':' || t[k] === '-' || t[k] === '=') k = skipSpacesForward(t, k + 1, 2);
  const c = t.charCodeAt(k);
  return isDigit(c) || c === 0x24 || signAt(t, k) !== undefined;
}

/** A number that can be an amount: sensible grouping, not glued into a word or a long id. */
function usable(t: string, token: NumberToken): boolean {
  if (!Number.isFinite(token.value) || token.integerDigits > MAX_INTEGER_DIGITS) return false;
  const before = t.charCodeAt(token.start - 1);
  // "a100" or "x2": part of a word or code. "R$" and "MX$" end in "$", not a letter.
  if (isLetter(before)) return false;
  if (isDigit(before)) return false;
  const after = t.charCodeAt(token.end);
  if (isLetter(after) && t[token.end] !== 'k' && !startsUnit(t, token.end)) return false;
  return !insideLongDigits(t, token.start, token.end, token.grouped);
}

/** Letters glued after an amount that still leave it an amount: "150hr", "80qv", "3k", "100usd". */
function startsUnit(t: string, at: number): boolean {
  const word = wordAt(t, at);
  return (
    UNIT_WORD_LOOKUP.has(word) ||
    RATE_ADJECTIVE_LOOKUP.has(word) ||
    ISO_CODES.has(word) ||
    CURRENCY_WORD_LOOKUP.has(word) ||
    MINUTE_WORDS.has(word) ||
    HOUR_WORDS.has(word)
  );
}

/** `next` when it ends a range that starts with the amount ending at `at`. */
function rangeEnd(t: string, at: number, next: NumberToken | undefined): NumberToken | undefined {
  if (next === undefined) return undefined;
  let k = skipSpacesForward(t, at, 1);
  const c = t[k] ?? '';
  if (c === '-' || c === '–' || c === '—' || c === '~') k++;
  else {
    const word = wordAt(t, k);
    if (word !== 'to' && word !== 'a' && word !== 'y') return undefined;
    k += word.length;
  }
  k = skipSpacesForward(t, k, 1);
  // "$100-$150", "100€ - 150€"
  if (t.charCodeAt(k) === 0x24 || signAt(t, k) !== undefined) k = skipSpacesForward(t, k + 1, 1);
  return next.start === k && usable(t, next) ? next : undefined;
}

// ---------------------------------------------------------------------------------------------
// Ages

/** Cues written before the age: "age 25", "aged 25", "edad: 25", "idade 25", "âge : 25". */
const AGE_BEFORE = new Set(['age', 'aged', 'edad', 'idade', 'ages']);
/** "I'm 25", "i am 25", "tengo 25", "j'ai 25", "tenho 25", "soy de 25". */
const SELF_BEFORE = new Set(['im', 'tengo', 'tenho', 'jai']);
/** Cues written after the age: "25 yrs", "25yo", "25 años" (folded "anos"), "25 ans". */
const AGE_AFTER = new Set(['yo', 'yrs', 'yr', 'years', 'year', 'yers', 'anos', 'ans', 'anitos']);
/** Words after "25 years" that make it a duration ("of experience", "ago", "in business"). */
const NOT_AGE_AFTER = words(`
  experience exp experiencia experiance ago atras business negocio service servicio servico
  career carrera carreira later before since together married working trabajando trabalhando
  travaillant metier
`);
/** Words before "25 years" that make it a duration ("for 25 years", "hace 10 años"). */
const NOT_AGE_BEFORE = words(`
  for over since last past than within after every about almost hace desde durante depuis
  pendant ha por pour plus mas de
`);
/** Units that make "I'm 25" something else ("I'm 25 minutes away", "I'm 5'6"). */
const NOT_AGE_UNITS = words(`
  min mins minute minutes mi miles km kms hours hrs hr h lbs lb kg kgs cm ft in inches percent
  am pm
`);

export function extractAges(doc: Doc): Age[] {
  const t = doc.folded.text;
  const count = numbersOf(doc.folded, t);
  if (count === 0) return [];
  const ages: Age[] = [];
  for (let k = 0; k < count; k++) {
    const token = tokens[k];
    if (token === undefined) break;
    if (token.end - token.start !== 2 || !Number.isFinite(token.value)) continue;
    const value = token.value;
    if (value < 10 || value > 99) continue;
    const age = ageAround(t, token);
    if (age === undefined) continue;
    const span = doc.spanOfFolded(age.start, age.end);
    ages.push({ value, raw: span.text, span });
  }
  return ages;
}

function ageAround(t: string, token: NumberToken): { start: number; end: number } | undefined {
  const { start, end } = token;
  const prev = t.charCodeAt(start - 1);
  const next = t.charCodeAt(end);
  // Not part of a longer number, a price, a phone, a time or a measurement.
  if (isDigit(prev) || (isLetter(prev) && !isAgeGlue(t, start))) return undefined;
  if (isSignOrMark(prev)) return undefined;
  if (
    (prev === 0x2d || prev === 0x2f || prev === 0x2e || prev === 0x3a) &&
    isDigit(t.charCodeAt(start - 2))
  ) {
    return undefined;
  }
  if (
    (next === 0x2d || next === 0x2f || next === 0x2e || next === 0x3a || next === 0x2c) &&
    isDigit(t.charCodeAt(end + 1))
  ) {
    return undefined;
  }
  if (next === 0x25 || next === 0x27 || next === 0x2019 || next === 0x22) return undefined;
  if (insideLongDigits(t, start, end, false)) return undefined;

  // Cue after: "25 yrs", "25yo", "25 y/o", "25 y.o.", "25 años", "25 ans", "25 years old".
  const w = skipSpacesForward(t, end, 1);
  const word = wordAt(t, w);
  let cueEnd = -1;
  if (word === 'y' && (t[w + 1] === '/' || t[w + 1] === '.') && t[w + 2] === 'o') {
    // "y/o", "y.o", "y.o." (the final dot only after "y.o").
    cueEnd = w + 3 + (t[w + 1] === '.' && t[w + 3] === '.' ? 1 : 0);
  } else if (AGE_AFTER.has(word)) {
    cueEnd = w + word.length;
  }
  const left = labelBefore(t, start);
  if (cueEnd >= 0) {
    // "years of experience", "años de experiencia", "ans d'expérience", "years ago".
    let k = skipSpacesForward(t, cueEnd, 1);
    let after = wordAt(t, k);
    if (
      after === 'of' ||
      after === 'de' ||
      after === 'd' ||
      after === 'in' ||
      after === 'en' ||
      after === 'em'
    ) {
      k = skipSpacesForward(t, k + after.length + (t[k + after.length] === "'" ? 1 : 0), 1);
      after = wordAt(t, k);
      if (after === 'the' || after === 'la' || after === 'el')
        after = wordAt(t, skipSpacesForward(t, k + after.length, 1));
    }
    if (NOT_AGE_AFTER.has(after)) return undefined;
    if (NOT_AGE_BEFORE.has(left.word)) return undefined;
    const old = wordAt(t, skipSpacesForward(t, cueEnd, 1));
    if (old === 'old' || old === 'young') cueEnd = skipSpacesForward(t, cueEnd, 1) + old.length;
    const from = AGE_BEFORE.has(left.word) || SELF_BEFORE.has(left.word) ? left.start : start;
    return { start: from, end: cueEnd };
  }
  if (AGE_BEFORE.has(left.word)) return { start: left.start, end };
  if (SELF_BEFORE.has(left.word)) {
    // "I'm 25" stands alone: not "I'm 25 minutes away", "I'm 25 and 30".
    if (NOT_AGE_UNITS.has(word)) return undefined;
    if (t[end] === ':' || t[end] === 'h') return undefined;
    return { start: left.start, end };
  }
  return undefined;
}

/** One of '$€£¥₹₱฿₫#+' (a price or a phone number, not an age). */
function isSignOrMark(c: number): boolean {
  return (
    c === 0x24 ||
    c === 0x20ac ||
    c === 0xa3 ||
    c === 0xa5 ||
    c === 0x20b9 ||
    c === 0x20b1 ||
    c === 0x0e3f ||
    c === 0x20ab ||
    c === 0x23 ||
    c === 0x2b
  );
}

/** "age25", "edad25": the cue glued to the number still counts. */
function isAgeGlue(t: string, at: number): boolean {
  const { word } = wordEndingAt(t, at);
  return AGE_BEFORE.has(word);
}

/**
 * The cue word before folded offset `at`, skipping a little punctuation (": ", " - ", "= "), with
 * "i'm", "i am", "j'ai" read as one word.
 */
function labelBefore(t: string, at: number): { word: string; start: number } {
  let k = at;
  let skipped = 0;
  while (k > 0 && skipped < 3) {
    const c = t.charCodeAt(k - 1);
    if (!(isSpace(c) || c === 0x3a || c === 0x2d || c === 0x3d || c === 0x2e)) break;
    k--;
    skipped++;
  }
  const { word, start } = wordEndingAt(t, k);
  if (word === 'm' || word === 'ai') {
    // "i'm" / "i’m" / "j'ai": letters, an apostrophe, letters.
    const apostrophe = t[start - 1];
    if (apostrophe === "'" || apostrophe === '’') {
      const head = wordEndingAt(t, start - 1);
      if (head.word === 'i' && word === 'm') return { word: 'im', start: head.start };
      if (head.word === 'j' && word === 'ai') return { word: 'jai', start: head.start };
    }
  }
  if (word === 'am') {
    const head = wordEndingAt(t, skipSpacesBack(t, start, 1));
    if (head.word === 'i') return { word: 'im', start: head.start };
    return { word: '', start };
  }
  if (word === 'de') {
    // "soy de 25", "edad de 25"
    const head = wordEndingAt(t, skipSpacesBack(t, start, 1));
    if (head.word === 'edad' || head.word === 'idade')
      return { word: head.word, start: head.start };
  }
  return { word, start };
}
