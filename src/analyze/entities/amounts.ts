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

// ---------------------------------------------------------------------------------------------
// Numbers

interface NumberToken {
  /** Folded offsets of the written number (without a 'k' suffix). */
  readonly start: number;
  readonly end: number;
  /** The value as written; NaN when the grouping makes no sense ("1,2,3"). */
  readonly value: number;
  /** Digits before any decimal mark. */
  readonly integerDigits: number;
  /** Written with thousands separators ("1,200", "1.200.000"). */
  readonly grouped: boolean;
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
 * mark, as in "1.200" (EUR, BRL) and "1,200" (USD).
 */
function readNumber(t: string, at: number): NumberToken {
  let end = at;
  while (end < t.length && isDigit(t.charCodeAt(end))) end++;
  const mark = t.charCodeAt(end);
  if (!((mark === 0x2c || mark === 0x2e) && isDigit(t.charCodeAt(end + 1)))) {
    // Plain digits, the common case.
    return {
      start: at,
      end,
      value: Number(t.slice(at, end)),
      integerDigits: end - at,
      grouped: false,
    };
  }
  end = at;
  const groups: string[] = [];
  const marks: string[] = [];
  let groupStart = at;
  while (end < t.length) {
    const c = t.charCodeAt(end);
    if (isDigit(c)) {
      end++;
      continue;
    }
    if ((c === 0x2c || c === 0x2e) && isDigit(t.charCodeAt(end + 1))) {
      groups.push(t.slice(groupStart, end));
      marks.push(t[end] ?? '');
      end++;
      groupStart = end;
      continue;
    }
    break;
  }
  groups.push(t.slice(groupStart, end));
  const value = interpret(groups, marks);
  let integerDigits = 0;
  const decimalMark = value.decimalGroups > 0 ? groups.length - 1 : groups.length;
  for (let k = 0; k < decimalMark; k++) integerDigits += groups[k]?.length ?? 0;
  return { start: at, end, value: value.value, integerDigits, grouped: value.grouped };
}

function interpret(
  groups: readonly string[],
  marks: readonly string[],
): { value: number; grouped: boolean; decimalGroups: number } {
  const bad = { value: Number.NaN, grouped: false, decimalGroups: 0 };
  const first = groups[0] ?? '';
  if (marks.length === 0) return { value: Number(first), grouped: false, decimalGroups: 0 };
  const lastGroup = groups[groups.length - 1] ?? '';
  const lastMark = marks[marks.length - 1] ?? '';
  const thousandsOk = (upTo: number, mark: string): boolean => {
    if (first.length > 3 || first.length === 0) return false;
    for (let k = 1; k < upTo; k++) {
      if (groups[k]?.length !== 3 || marks[k - 1] !== mark) return false;
    }
    return true;
  };
  // A final mark followed by one or two digits is a decimal mark.
  if (lastGroup.length <= 2) {
    const whole = groups.length - 1;
    const otherMark = marks[0] ?? '';
    if (whole > 1 && (otherMark === lastMark || !thousandsOk(whole, otherMark))) return bad;
    const integer = groups.slice(0, whole).join('');
    return {
      value: Number(`${integer}.${lastGroup}`),
      grouped: whole > 1,
      decimalGroups: 1,
    };
  }
  if (lastGroup.length === 3 && thousandsOk(groups.length, marks[0] ?? '')) {
    return { value: Number(groups.join('')), grouped: true, decimalGroups: 0 };
  }
  return bad;
}

/** The number tokens of the text that stand on their own (not inside a word or a longer id). */
function numbersOf(folded: object, t: string): readonly NumberToken[] {
  // Prices and ages read the same numbers of the same document: read them once.
  const known = numbersByText.get(folded);
  if (known !== undefined) return known;
  const out: NumberToken[] = [];
  const digit = /[0-9]/g;
  let found = digit.exec(t);
  while (found !== null) {
    const token = readNumber(t, found.index);
    out.push(token);
    digit.lastIndex = token.end;
    found = digit.exec(t);
  }
  numbersByText.set(folded, out);
  return out;
}

/** Numbers per folded text; weak, so they go with their document. */
const numbersByText = new WeakMap<object, readonly NumberToken[]>();

// ---------------------------------------------------------------------------------------------
// Words around a number

/** The ASCII-letter word at `at` (letters only, at most 24). */
function wordAt(t: string, at: number): string {
  let k = at;
  while (k < t.length && k - at < 24 && isLetter(t.charCodeAt(k))) k++;
  return t.slice(at, k);
}

/** The word that ends at `at`, and where it starts. */
function wordEndingAt(t: string, at: number): { word: string; start: number } {
  let k = at;
  while (k > 0 && at - k < 24 && isLetter(t.charCodeAt(k - 1))) k--;
  return { word: t.slice(k, at), start: k };
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
  const ch = t[k - 1] ?? '';
  if (ch === '$') {
    const { word, start } = wordEndingAt(t, k - 1);
    const prefixed = word.length > 0 ? DOLLAR_PREFIXES[word] : undefined;
    if (prefixed !== undefined) return { code: prefixed, at: start };
    return { code: resolve('dollar', country), at: k - 1 };
  }
  const sign = SIGNS[ch];
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
  const ch = t[k] ?? '';
  if (ch === '$') return { code: resolve('dollar', country), at: k + 1 };
  const sign = SIGNS[ch];
  if (sign !== undefined) return { code: sign, at: k + 1 };
  const word = wordAt(t, k);
  if (word.length === 0) return undefined;
  const end = k + word.length;
  if (word === 'rs') return { code: country === 'PK' ? 'PKR' : 'INR', at: end };
  if (ISO_CODES.has(word) || ISO_CODES_AFTER_ONLY.has(word)) {
    return { code: word === 'usdt' ? 'USD' : word.toUpperCase(), at: end };
  }
  const named = CURRENCY_WORDS[word];
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

const PER_WORDS = new Set(['per', 'a', 'an', 'por', 'par', 'al', 'x', 'each', 'la', 'le', 'the']);

const MINUTE_WORDS = new Set(['min', 'mins', 'minute', 'minutes', 'minutos', 'm']);
const HOUR_WORDS = new Set(['h', 'hr', 'hrs', 'hour', 'hours', 'hora', 'horas', 'heure', 'heures']);

/** A duration "30 min", "15min", "1 hr", "2 hours" written at folded offset `at`. */
function durationAt(t: string, at: number): { unit: RateUnit; end: number } | undefined {
  if (!isDigit(t.charCodeAt(at))) return undefined;
  let k = at;
  while (k < t.length && k - at < 3 && isDigit(t.charCodeAt(k))) k++;
  if (isDigit(t.charCodeAt(k))) return undefined;
  const value = Number(t.slice(at, k));
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
  if (duration !== undefined) return { ...duration, explicit: true };
  let word = wordAt(t, k);
  if (word.length === 0) return undefined;
  if (!via && PER_WORDS.has(word)) {
    const next = skipSpacesForward(t, k + word.length, 1);
    if (next === k + word.length) return undefined;
    const duration2 = durationAt(t, next);
    if (duration2 !== undefined) return { ...duration2, explicit: true };
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
  const unit = via ? UNIT_WORDS[word] : (RATE_ADJECTIVES[word] ?? undefined);
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
  const unit = LABELS[word];
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
function insideLongDigits(t: string, token: NumberToken): boolean {
  if (token.grouped) return false;
  let digits = token.end - token.start;
  let groups = 1;
  const joiner = (c: number): boolean =>
    c === 0x2d || c === 0x2e || c === 0x20 || c === 0x29 || c === 0x28 || c === 0x2f;
  for (const dir of [-1, 1]) {
    let k = dir < 0 ? token.start - 1 : token.end;
    let steps = 0;
    let inGroup = false;
    while (k >= 0 && k < t.length && steps < 32) {
      const c = t.charCodeAt(k);
      if (isDigit(c)) {
        digits++;
        if (!inGroup) groups++;
        inGroup = true;
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

function countryOf(doc: Doc): string | undefined {
  return doc.context.country?.toUpperCase();
}

export function extractPrices(doc: Doc): Price[] {
  const t = doc.folded.text;
  if (!hasDigit(t)) return [];
  const country = countryOf(doc);
  const numbers = numbersOf(doc.folded, t);
  const prices: Price[] = [];
  for (let idx = 0; idx < numbers.length; idx++) {
    const a = numbers[idx];
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
    const range = rangeEnd(t, aEnd, numbers[idx + 1]);
    const b = range?.token;
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
    const make = (value: number, from: number, to: number): Price => {
      const span = doc.spanOfFolded(from, to);
      return { amount: value, currency: code, ...(per ? { per } : {}), raw: span.text, span };
    };
    if (b === undefined || range === undefined) {
      if (Number.isFinite(a.value)) prices.push(make(a.value * multiplier, start, end));
      continue;
    }
    if (Number.isFinite(a.value)) prices.push(make(a.value * multiplier, start, aEnd));
    if (Number.isFinite(b.value))
      prices.push(make(b.value * bMultiplier, midCurrency?.at ?? b.start, end));
    idx++;
  }
  return prices;
}

/** An amount (digit or currency sign) starts right after `at`, past a little punctuation. */
function amountFollows(t: string, at: number): boolean {
  let k = skipSpacesForward(t, at, 2);
  if (t[k] === ':' || t[k] === '-' || t[k] === '=') k = skipSpacesForward(t, k + 1, 2);
  const c = t[k] ?? '';
  return isDigit(t.charCodeAt(k)) || c === '$' || SIGNS[c] !== undefined;
}

const hasDigit = (t: string): boolean => /[0-9]/.test(t);

/** A number that can be an amount: sensible grouping, not glued into a word or a long id. */
function usable(t: string, token: NumberToken): boolean {
  if (!Number.isFinite(token.value) || token.integerDigits > MAX_INTEGER_DIGITS) return false;
  const before = t.charCodeAt(token.start - 1);
  // "a100" or "x2": part of a word or code. "R$" and "MX$" end in "$", not a letter.
  if (isLetter(before)) return false;
  if (isDigit(before)) return false;
  const after = t.charCodeAt(token.end);
  if (isLetter(after) && t[token.end] !== 'k' && !startsUnit(t, token.end)) return false;
  return !insideLongDigits(t, token);
}

/** Letters glued after an amount that still leave it an amount: "150hr", "80qv", "3k", "100usd". */
function startsUnit(t: string, at: number): boolean {
  const word = wordAt(t, at);
  return (
    word in UNIT_WORDS ||
    word in RATE_ADJECTIVES ||
    ISO_CODES.has(word) ||
    word in CURRENCY_WORDS ||
    MINUTE_WORDS.has(word) ||
    HOUR_WORDS.has(word)
  );
}

function rangeEnd(
  t: string,
  at: number,
  next: NumberToken | undefined,
): { token: NumberToken } | undefined {
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
  if (t[k] === '$' || SIGNS[t[k] ?? ''] !== undefined) k = skipSpacesForward(t, k + 1, 1);
  return next.start === k && usable(t, next) ? { token: next } : undefined;
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
  if (!hasDigit(t)) return [];
  const ages: Age[] = [];
  for (const token of numbersOf(doc.folded, t)) {
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
  if ('$€£¥₹₱฿₫#+'.includes(t[start - 1] ?? ' ')) return undefined;
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
  if (insideLongDigits(t, { ...token, grouped: false })) return undefined;

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
