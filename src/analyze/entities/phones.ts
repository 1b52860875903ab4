/**
 * Phone numbers, however an ad writes them (digits.ts finds the digit runs), validated with
 * libphonenumber's full metadata and returned in E.164.
 *
 * A run of digits is cut only where the writer put a separator; within a run the leftmost,
 * longest window that validates wins, so "2026-01-05 212-555-0123" yields the phone and not a
 * number made of the date's digits. Windows that look like something else are rejected before
 * libphonenumber sees them (TellFinder's AdExtraBadPhones culls prices and measurements the same
 * way, detection.md §2.2); REJECTIONS lists every reason.
 *
 * libphonenumber is the slow part (tens of microseconds per parse), so plausibility is checked
 * by hand first, parse results are cached across documents, and a document gets a bounded
 * number of parses.
 */
import {
  type CountryCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import type { Doc } from '../doc.js';
import type { Phone } from '../types.js';
import {
  type DigitGroup,
  type DigitRun,
  isDigitAt,
  isLetterAt,
  mayHoldDigits,
  scanDigitRuns,
} from './digits.js';
import { areaOf } from './nanp.js';

/** A set of words written as one space-separated list. */
const words = (list: string): ReadonlySet<string> => new Set(list.trim().split(/\s+/));

/** Why a digit window is not taken for a phone number. */
export type PhoneRejection =
  | 'url'
  | 'glued'
  | 'license'
  | 'id'
  | 'price'
  | 'measurement'
  | 'range'
  | 'date'
  | 'time';

export const REJECTIONS: Readonly<Record<PhoneRejection, string>> = {
  url: 'digits inside a web address (path, query): an ad or listing id',
  glued: 'digits glued to letters on both sides ("a8f3…c"): a hash, wallet or reference token',
  license:
    "after 'license', 'lic', 'reg', 'permit', 'cert' or '#': a licence or registration number",
  id: "after 'id', 'ref', 'order', 'invoice', 'isbn', 'iso', 'ticket', 'case', …: an identifier",
  price:
    "after a currency sign or code, or before a currency word or rate ('$', 'usd', 'roses', '/hr', 'per hour')",
  measurement:
    "body measurements ('34-24-36') or a number before a unit ('120 lbs', '170 cm', \"5'6\")",
  range: "two round numbers joined by a dash, the first smaller ('1000-5000', '40-65')",
  date: "a date ('2026-01-05', '05/01/2026', '20260105')",
  time: "a time of day ('10:30', '9 pm')",
};

const MIN_DIGITS = 7;
const MAX_DIGITS = 15; // E.164
/** libphonenumber parses allowed per document beyond cached ones; bounds adversarial input. */
const MAX_PARSES_PER_DOC = 128;
const CACHE_LIMIT = 10_000;

// ---------------------------------------------------------------------------------------------
// Parse cache

interface Parsed {
  readonly e164: string;
  readonly country: string | undefined;
  readonly area: string | undefined;
}

/** (region, form, digits) -> parse result; null = not a valid number. Cleared when full. */
const cache = new Map<string, Parsed | null>();
let cacheHits = 0;
let cacheMisses = 0;

export function clearPhoneCache(): void {
  cache.clear();
  cacheHits = 0;
  cacheMisses = 0;
}

export function phoneCacheStats(): { size: number; hits: number; misses: number } {
  return { size: cache.size, hits: cacheHits, misses: cacheMisses };
}

/** Countries that share calling code 1 and its 10-digit national numbers. */
const NANP_REGIONS = words(`
  US CA PR VI GU MP AS AG AI BB BM BS DM DO GD JM KN KY LC MS SX TC TT VC VG
`);

const isNanpTen = (d: string): boolean =>
  d.length === 10 &&
  d.charCodeAt(0) >= 0x32 && // area code starts 2-9
  !(d[1] === '1' && d[2] === '1') && // N11 codes are services
  d.charCodeAt(3) >= 0x32; // exchange starts 2-9

/** Cheap shape test so that hopeless windows never reach libphonenumber. */
function plausible(
  digits: string,
  international: boolean,
  region: CountryCode | undefined,
): boolean {
  if (international) return digits[0] !== '0' && digits.length >= 8;
  if (region === undefined || NANP_REGIONS.has(region)) {
    if (digits.length === 10) return isNanpTen(digits);
    return digits.length === 11 && digits[0] === '1' && isNanpTen(digits.slice(1));
  }
  return true;
}

interface Budget {
  parses: number;
}

function validate(
  digits: string,
  international: boolean,
  region: CountryCode | undefined,
  budget: Budget,
): Parsed | null {
  const key = `${region ?? ''}${international ? '+' : ':'}${digits}`;
  const cached = cache.get(key);
  if (cached !== undefined) {
    cacheHits++;
    return cached;
  }
  if (!plausible(digits, international, region)) return null;
  if (budget.parses >= MAX_PARSES_PER_DOC) return null;
  budget.parses++;
  cacheMisses++;
  let input = digits;
  let defaultCountry = region;
  if (international) {
    input = `+${digits}`;
    defaultCountry = undefined;
  } else if (region === undefined) {
    // Without a posting country only North American numbers are read without "+".
    if (digits.length === 11) input = `+${digits}`;
    defaultCountry = 'US';
  }
  const parsed = parsePhoneNumberFromString(input, defaultCountry);
  let result: Parsed | null = null;
  if (parsed?.isValid()) {
    result = {
      e164: parsed.number,
      country: parsed.country,
      area: parsed.countryCallingCode === '1' ? areaOf(parsed.nationalNumber) : undefined,
    };
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, result);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Context words

const CURRENCY_SIGNS = new Set([...'$€£¥₹₱฿₫₩₦₺₽₴₪¢']);

const CURRENCY_WORDS = words(`
  usd eur gbp cad aud nzd mxn brl ars cop clp pen php thb vnd inr jpy cny rmb krw idr myr sgd
  hkd chf sek nok dkk pln czk huf ron rub uah try zar ngn kes aed sar ils dollar dollars dolar
  dolares bucks euro euros libras peso pesos reais baht rupee rupees rs yen yuan rose roses
`);

/** Codes written before an amount ("usd 150"); English look-alikes ("try", "cop") left out. */
const CURRENCY_BEFORE = words(`
  usd eur gbp cad aud nzd mxn brl ars clp php thb vnd inr jpy cny rmb krw idr myr sgd hkd chf sek
  nok dkk pln czk huf rub uah zar ngn kes aed sar ils rs
`);

/** Rate units after an amount ("150 hr", "/night"); "h" only when no digit follows ("h24"). */
const RATE_WORDS = words(`
  hr hrs hour hours h hh ph min mins minute minutes qv night nights overnight hora horas heure
  heures noche nuit day week month mo wk dia jour mes mois semana semaine
`);

/** "per hour", "an hour", "por hora", "par heure", "la nuit". */
const PER_WORDS = words('per a an por par la le al each');

const UNIT_WORDS = words(`
  lbs lb kg kgs kilo kilos cm mm in inch inches ft feet pounds cup cups
`);

const TIME_WORDS = words('am pm uhr hs');

/** "9 a.m.", "9 p.m." */
function isMeridiem(t: string, at: number): boolean {
  const c = t[at];
  return (c === 'a' || c === 'p') && t[at + 1] === '.' && t[at + 2] === 'm';
}

const LICENSE_WORDS = words(`
  license licence lic licencia licenca reg registration registro permit cert certificate
  certificado
`);

const ID_WORDS = words(`
  id ref reference order invoice isbn issn iso ticket case sku serial tracking account acct iban
  vin passport pasaporte dni nif cpf cnpj curp rfc ssn pedido factura commande facture dossier
`);

/** Words before a '#' that still announce a phone number ("tel #212…", "cell# 212…"). */
const CONTACT_WORDS = words(`
  tel phone cell call text mobile movil celular telefono telefone whatsapp wa contact
`);

/** Words that only say "number" and let the word before them decide ("license no. 123"). */
const NUMBER_NOUNS = new Set(['no', 'nr', 'nro', 'num', 'number', 'numero', 'n']);

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isAsciiLetter = (c: number): boolean => c >= 0x61 && c <= 0x7a;

/** The ASCII word that ends right before `at` (letters only, at most 24), and where it starts. */
function letterWordBefore(t: string, at: number): { word: string; start: number } {
  let k = at;
  while (k > 0 && at - k < 24 && isAsciiLetter(t.charCodeAt(k - 1))) k--;
  return { word: t.slice(k, at), start: k };
}

function letterWordAt(t: string, at: number): string {
  let k = at;
  while (k < t.length && k - at < 24 && isAsciiLetter(t.charCodeAt(k))) k++;
  return t.slice(at, k);
}

/**
 * What stands before folded offset `at`, skipping a little punctuation: the nearest word (a
 * "number" noun makes the word before it count), and whether a '#' was skipped.
 */
function labelBefore(t: string, at: number): { word: string; hash: boolean } {
  // "#2125550123", "# 2125550123": a number sign right before the digits.
  const hash = t[at - 1] === '#' || (t[at - 1] === ' ' && t[at - 2] === '#');
  let k = at;
  for (let step = 0; step < 2; step++) {
    let skipped = 0;
    while (k > 0 && skipped < 4 && LABEL_PUNCTUATION.has(t.charCodeAt(k - 1))) {
      k--;
      skipped++;
    }
    const { word, start } = letterWordBefore(t, k);
    if (step === 0 && NUMBER_NOUNS.has(word)) {
      k = start;
      continue;
    }
    return { word, hash };
  }
  return { word: '', hash };
}

/** Punctuation between a label and its number: "Lic. No.: 123", "ID# 123", "nº 123". */
const LABEL_PUNCTUATION = new Set([
  0x20, 0x09, 0x0a, 0x0d, 0x23, 0x3a, 0x2e, 0x2d, 0x3d, 0xba, 0xb0,
]);

/** Skips at most `max` spaces forward. */
function skipSpaces(t: string, at: number, max: number): number {
  let k = at;
  while (k < t.length && k - at < max && isSpace(t.charCodeAt(k))) k++;
  return k;
}

function currencyBefore(t: string, at: number): boolean {
  let k = at;
  while (k > 0 && at - k < 2 && isSpace(t.charCodeAt(k - 1))) k--;
  if (CURRENCY_SIGNS.has(t[k - 1] ?? '')) return true;
  return CURRENCY_BEFORE.has(letterWordBefore(t, k).word);
}

/** Hosts whose links carry a phone number as the contact itself. */
const PHONE_LINK_MARKS = [
  'tel:',
  'sms:',
  'callto:',
  'wa.me/',
  'whatsapp.com/',
  'viber:',
  'signal.me/',
];

/** The digits at `at` sit in a web address: after "://", "www." or "domain.tld/" in one token. */
function inUrl(t: string, at: number): boolean {
  let k = at;
  while (k > 0 && at - k < 256 && !isSpace(t.charCodeAt(k - 1))) k--;
  if (k === at) return false;
  const token = t.slice(k, at);
  if (PHONE_LINK_MARKS.some((mark) => token.includes(mark))) return false;
  if (token.includes('://') || token.startsWith('www.')) return true;
  const slash = token.indexOf('/');
  if (slash <= 0) return false;
  const dot = token.lastIndexOf('.', slash);
  return dot > 0 && dot < slash - 1 && isAsciiLetter(token.charCodeAt(dot + 1));
}

// ---------------------------------------------------------------------------------------------
// Window checks

const num = (g: DigitGroup | undefined): number => Number(g?.digits ?? 'NaN');

function isYear(g: DigitGroup | undefined): boolean {
  if (g === undefined || g.digits.length !== 4) return false;
  const y = num(g);
  return y >= 1900 && y <= 2099;
}

const isSmall = (g: DigitGroup | undefined, max: number): boolean =>
  g !== undefined && g.digits.length <= 2 && num(g) >= 1 && num(g) <= max;

/** Groups k, k+1, k+2 written as a date with one kind of separator. */
function dateAt(groups: readonly DigitGroup[], k: number): boolean {
  const a = groups[k];
  const b = groups[k + 1];
  const c = groups[k + 2];
  if (a === undefined || b === undefined || c === undefined) return false;
  const sep = b.gap;
  if (sep.length !== 1 || c.gap !== sep || !'-./'.includes(sep)) return false;
  if (isYear(a)) return isSmall(b, 12) && isSmall(c, 31);
  if (!isYear(c)) return false;
  return (isSmall(a, 31) && isSmall(b, 12)) || (isSmall(a, 12) && isSmall(b, 31));
}

/** "20260105": a compact ISO date. */
function compactDate(digits: string): boolean {
  if (digits.length !== 8) return false;
  const y = Number(digits.slice(0, 4));
  const m = Number(digits.slice(4, 6));
  const d = Number(digits.slice(6, 8));
  return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/** Checks that depend only on where a window starts; shared by all windows from there. */
function rejectStart(t: string, ws: number): PhoneRejection | undefined {
  if (inUrl(t, ws)) return 'url';
  const label = labelBefore(t, ws);
  if (LICENSE_WORDS.has(label.word)) return 'license';
  if (label.hash && !CONTACT_WORDS.has(label.word)) return 'license';
  if (ID_WORDS.has(label.word)) return 'id';
  if (currencyBefore(t, ws)) return 'price';
  if (t.charCodeAt(ws - 1) === 0x3a && isDigitAt(t, ws - 2)) return 'time';
  return undefined;
}

/** Checks on the end and the shape of the window groups[i, e). */
function rejectWindow(
  t: string,
  groups: readonly DigitGroup[],
  i: number,
  e: number,
  digits: string,
): PhoneRejection | undefined {
  const first = groups[i];
  const last = groups[e - 1];
  if (first === undefined || last === undefined) return undefined;
  const ws = first.start;
  const we = last.end;
  if (isLetterAt(t, ws - 1) && isLetterAt(t, we)) return 'glued';

  // What follows the last group.
  const tail = last.digits.length;
  const after = skipSpaces(t, we, 2);
  const next = t[after] ?? '';
  if (CURRENCY_SIGNS.has(next)) return 'price';
  if (next === '/') {
    const rate = letterWordAt(t, skipSpaces(t, after + 1, 1));
    if (RATE_WORDS.has(rate)) return 'price';
  }
  if (next === ':' && isDigitAt(t, after + 1)) return 'time';
  if (next === '%') return 'measurement';
  if ((next === "'" || next === '"' || next === '’' || next === '”') && tail <= 3) {
    return 'measurement';
  }
  const word = letterWordAt(t, after);
  if (word.length > 0) {
    const wordEnd = after + word.length;
    // A currency word names the number before it. A rate ("hr", "per hour") may also follow a
    // phone number in a sentence, so only a short amount-like tail counts.
    if (CURRENCY_WORDS.has(word)) return 'price';
    if (tail <= 6 && RATE_WORDS.has(word) && !isDigitAt(t, wordEnd)) return 'price';
    if (tail <= 6 && PER_WORDS.has(word)) {
      const unit = letterWordAt(t, skipSpaces(t, wordEnd, 1));
      if (RATE_WORDS.has(unit)) return 'price';
    }
    if (UNIT_WORDS.has(word) && tail <= 3) return 'measurement';
    if (tail <= 4 && (TIME_WORDS.has(word) || isMeridiem(t, after))) return 'time';
  }

  const count = e - i;
  // Bust-waist-hip "34-24-36", alone or with a stray number after it.
  if (count <= 4 && digits.length <= 9 && count >= 3) {
    const [a, b, c] = [groups[i], groups[i + 1], groups[i + 2]];
    const bodyPart = (g: DigitGroup | undefined): boolean =>
      g !== undefined && g.digits.length === 2 && num(g) >= 18 && num(g) <= 60;
    if (bodyPart(a) && bodyPart(b) && bodyPart(c) && b?.gap === '-' && c?.gap === '-') {
      return 'measurement';
    }
  }
  if (count === 2) {
    const a = first;
    const b = last;
    const gap = b.gap.trim();
    const round = (g: DigitGroup): boolean => /[05]$/.test(g.digits);
    if (
      (gap === '-' || gap === '–' || gap === '—' || gap === '~') &&
      Math.abs(a.digits.length - b.digits.length) <= 1 &&
      num(a) < num(b) &&
      round(a) &&
      round(b)
    ) {
      return 'range';
    }
  }
  return undefined;
}

/** Separator kinds of a gap, for judging whether the writing is unusual. */
function gapKind(gap: string): 'space' | 'dash' | 'dot' | 'paren' | 'odd' {
  const core = gap.replace(/\s+/g, '');
  if (core === '') return 'space';
  if (/^[()]+$/.test(core) || /^\)[-.]$/.test(core)) return 'paren';
  if (core === '-' || core === '–') return 'dash';
  if (core === '.') return 'dot';
  return 'odd';
}

/**
 * Whether the separators of the window groups[i, e) are unusual for a phone number: odd
 * characters ('/', '*', '|', '_', ',', doubled punctuation), every digit apart, or mixed kinds
 * other than a leading space ("212 555-0123" is ordinary, "212-555 0123" is not).
 */
function oddSeparators(groups: readonly DigitGroup[], i: number, e: number): boolean {
  let singles = 0;
  for (let k = i; k < e; k++) if (groups[k]?.digits.length === 1) singles++;
  if (singles >= 3) return true;
  let seen: 'dash' | 'dot' | undefined;
  let afterOther = false;
  for (let k = i + 1; k < e; k++) {
    const kind = gapKind(groups[k]?.gap ?? '');
    if (kind === 'odd') return true;
    if (kind === 'paren') continue;
    if (kind === 'space') {
      if (afterOther) return true;
      continue;
    }
    if (seen !== undefined && seen !== kind) return true;
    seen = kind;
    afterOther = true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Extraction

/** One window of digits that was considered, for explanations and tests. */
export interface PhoneCandidate {
  /** The digits as tried, with '+' when read as international. */
  readonly digits: string;
  /** Folded offsets. */
  readonly start: number;
  readonly end: number;
  readonly rejected?: PhoneRejection;
  readonly e164?: string;
}

function regionOf(doc: Doc): CountryCode | undefined {
  const country = doc.context.country?.toUpperCase();
  return country !== undefined && isSupportedCountry(country) ? country : undefined;
}

export function extractPhones(doc: Doc): Phone[] {
  return scan(doc, undefined);
}

/** Every window extractPhones considered, with the reason it was rejected or its E.164. */
export function tracePhoneCandidates(doc: Doc): PhoneCandidate[] {
  const trace: PhoneCandidate[] = [];
  scan(doc, trace);
  return trace;
}

function scan(doc: Doc, trace: PhoneCandidate[] | undefined): Phone[] {
  const folded = doc.folded;
  // Fast path: no digit and no letter that can start a number word.
  if (!mayHoldDigits(folded.text)) return [];
  const runs = scanDigitRuns(folded, MIN_DIGITS);
  if (runs.length === 0) return [];
  const region = regionOf(doc);
  const budget: Budget = { parses: 0 };
  const phones: Phone[] = [];
  for (const run of runs) findInRun(doc, run, region, budget, phones, trace);
  return dedupe(phones);
}

/** Per-run lookups shared by all windows of the run. */
class RunIndex {
  /** cum[k] = digits in groups[0, k). */
  readonly cum: Int32Array;
  private datePrefix: Int32Array | undefined;
  private compactPrefix: Int32Array | undefined;

  constructor(readonly run: DigitRun) {
    const groups = run.groups;
    this.cum = new Int32Array(groups.length + 1);
    for (let k = 0; k < groups.length; k++) {
      this.cum[k + 1] = (this.cum[k] ?? 0) + (groups[k]?.digits.length ?? 0);
    }
  }

  digits(i: number, e: number): string {
    return this.run.digits.slice(this.cum[i] ?? 0, this.cum[e] ?? 0);
  }

  /** Some date is written in groups[i, e): three groups as a date, or one "20260105". */
  hasDate(i: number, e: number): boolean {
    if (this.datePrefix === undefined || this.compactPrefix === undefined) {
      const groups = this.run.groups;
      const n = groups.length;
      this.datePrefix = new Int32Array(n + 1);
      this.compactPrefix = new Int32Array(n + 1);
      for (let k = 0; k < n; k++) {
        this.datePrefix[k + 1] = (this.datePrefix[k] ?? 0) + (dateAt(groups, k) ? 1 : 0);
        this.compactPrefix[k + 1] =
          (this.compactPrefix[k] ?? 0) + (compactDate(groups[k]?.digits ?? '') ? 1 : 0);
      }
    }
    // Triples start at i .. e - 3.
    const triples = e - 2 > i ? (this.datePrefix[e - 2] ?? 0) - (this.datePrefix[i] ?? 0) : 0;
    return triples > 0 || (this.compactPrefix[e] ?? 0) - (this.compactPrefix[i] ?? 0) > 0;
  }
}

function findInRun(
  doc: Doc,
  run: DigitRun,
  region: CountryCode | undefined,
  budget: Budget,
  out: Phone[],
  trace: PhoneCandidate[] | undefined,
): void {
  const t = doc.folded.text;
  const groups = run.groups;
  const n = groups.length;
  const index = new RunIndex(run);
  const nanpRegion = region === undefined || NANP_REGIONS.has(region);
  let i = 0;
  while (i < n) {
    const first = groups[i];
    if (first === undefined) break;
    const start = first.start;
    let startRejected: PhoneRejection | undefined | null = null; // null: not computed yet
    const plusSign = i === 0 ? run.plus : first.gap.trimEnd().endsWith('+');
    // Longest window from i first: the ends e with MIN..MAX digits (plus an IDD prefix).
    let last = i;
    while (last < n && (index.cum[last + 1] ?? 0) - (index.cum[i] ?? 0) <= MAX_DIGITS + 3) last++;
    let found = -1;
    for (let e = last; e > i && found < 0; e--) {
      let digits = index.digits(i, e);
      let international = plusSign;
      // International call prefixes written instead of "+": 00 (most countries), 011 (NANP).
      if (!international && digits.length >= 10) {
        if (digits.startsWith('00')) {
          international = true;
          digits = digits.slice(2);
        } else if (nanpRegion && digits.startsWith('011')) {
          international = true;
          digits = digits.slice(3);
        }
      }
      if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) continue;
      // Hopeless windows are dropped before the (slower) look-alike checks; a trace still
      // records why each window would be rejected.
      const possible = plausible(digits, international, region);
      if (!possible && trace === undefined) continue;
      const end = groups[e - 1]?.end ?? start;
      if (startRejected === null) startRejected = rejectStart(t, start);
      const rejected =
        startRejected ??
        rejectWindow(t, groups, i, e, digits) ??
        (index.hasDate(i, e) ? 'date' : undefined);
      const tried = international ? `+${digits}` : digits;
      if (rejected !== undefined) {
        trace?.push({ digits: tried, start, end, rejected });
        continue;
      }
      const parsed = possible ? validate(digits, international, region, budget) : null;
      trace?.push(
        parsed ? { digits: tried, start, end, e164: parsed.e164 } : { digits: tried, start, end },
      );
      if (parsed === null) continue;
      const spanStart = international ? prefixStart(t, start) : parenStart(t, start, groups[i + 1]);
      const span = doc.spanOfFolded(spanStart, end);
      const obfuscated =
        groupsUse(groups, i, e) ||
        doc.folded.isDisguised(start, end) ||
        oddSeparators(groups, i, e);
      out.push({
        e164: parsed.e164,
        raw: span.text,
        span,
        obfuscated,
        ...(parsed.country !== undefined ? { country: parsed.country } : {}),
        ...(parsed.area !== undefined ? { area: parsed.area } : {}),
      });
      found = e;
    }
    i = found > 0 ? found : i + 1;
  }
}

function groupsUse(groups: readonly DigitGroup[], i: number, e: number): boolean {
  for (let k = i; k < e; k++) {
    const g = groups[k];
    if (g !== undefined && (g.words || g.substitutions)) return true;
  }
  return false;
}

/** Includes a leading "+", "+ " or "(+" in the span of an international number. */
function prefixStart(t: string, at: number): number {
  let k = at;
  if (t.charCodeAt(k - 1) === 0x20 || t.charCodeAt(k - 1) === 0x28) k--;
  if (t.charCodeAt(k - 1) === 0x2b) return t.charCodeAt(k - 2) === 0x28 ? k - 2 : k - 1;
  return at;
}

/** Includes the "(" of "(212) 555-0123" in the span. */
function parenStart(t: string, at: number, second: DigitGroup | undefined): number {
  return t.charCodeAt(at - 1) === 0x28 && second?.gap.startsWith(')') ? at - 1 : at;
}

/**
 * The same number twice keeps both spans; only overlapping spans of one number collapse. Phones
 * arrive in text order, so remembering where each number's last span ends is enough.
 */
function dedupe(phones: Phone[]): Phone[] {
  if (phones.length < 2) return phones;
  const out: Phone[] = [];
  const lastEnd = new Map<string, number>();
  for (const p of phones) {
    const key = `${p.span.field}|${p.e164}`;
    const end = lastEnd.get(key);
    if (end !== undefined && p.span.start < end) continue;
    lastEnd.set(key, p.span.end);
    out.push(p);
  }
  return out;
}
