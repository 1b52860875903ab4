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
import type { Phone, Span } from '../types.js';
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

/** Parse results of one region, by digits; null = not a valid number. */
interface RegionCache {
  /** Digits read after a "+" (or an international prefix). */
  readonly international: Map<string, Parsed | null>;
  /** Digits read as a national number of the region. */
  readonly national: Map<string, Parsed | null>;
}

/**
 * (region, form, digits) -> parse result, as one map per region and form: the lookup then hashes
 * the digits alone, with no key string built per window. Cleared when full.
 */
const cache = new Map<string, RegionCache>();
let cacheSize = 0;
let cacheHits = 0;
let cacheMisses = 0;

function regionCache(region: CountryCode | undefined): RegionCache {
  const key = region ?? '';
  let found = cache.get(key);
  if (found === undefined) {
    found = { international: new Map(), national: new Map() };
    cache.set(key, found);
  }
  return found;
}

export function clearPhoneCache(): void {
  cache.clear();
  cacheSize = 0;
  cacheHits = 0;
  cacheMisses = 0;
}

export function phoneCacheStats(): { size: number; hits: number; misses: number } {
  return { size: cacheSize, hits: cacheHits, misses: cacheMisses };
}

/** Countries that share calling code 1 and its 10-digit national numbers. */
const NANP_REGIONS = words(`
  US CA PR VI GU MP AS AG AI BB BM BS DM DO GD JM KN KY LC MS SX TC TT VC VG
`);

/** The ten digits d[at, at + 10) are a North American number (d holds at least that many). */
const isNanpTen = (d: string, at: number): boolean =>
  d.charCodeAt(at) >= 0x32 && // area code starts 2-9
  !(d.charCodeAt(at + 1) === 0x31 && d.charCodeAt(at + 2) === 0x31) && // N11 codes are services
  d.charCodeAt(at + 3) >= 0x32; // exchange starts 2-9

/**
 * Cheap shape test so that hopeless windows never reach libphonenumber. `nanp`: the region is
 * unknown or shares calling code 1.
 */
function plausible(digits: string, international: boolean, nanp: boolean): boolean {
  if (international) return digits.charCodeAt(0) !== 0x30 && digits.length >= 8;
  if (nanp) {
    if (digits.length === 10) return isNanpTen(digits, 0);
    return digits.length === 11 && digits.charCodeAt(0) === 0x31 && isNanpTen(digits, 1);
  }
  return true;
}

/** What one document's windows share: the region, its parse cache, the parses left. */
interface Budget {
  readonly region: CountryCode | undefined;
  /** The region is unknown or shares calling code 1. */
  readonly nanp: boolean;
  readonly cache: RegionCache;
  parses: number;
}

function validate(digits: string, international: boolean, budget: Budget): Parsed | null {
  const region = budget.region;
  const forms = budget.cache;
  const known = international ? forms.international : forms.national;
  const cached = known.get(digits);
  if (cached !== undefined) {
    cacheHits++;
    return cached;
  }
  if (!plausible(digits, international, budget.nanp)) return null;
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
  if (cacheSize >= CACHE_LIMIT) {
    // Empties the maps in place: the budgets of documents being read keep theirs.
    for (const forms of cache.values()) {
      forms.international.clear();
      forms.national.clear();
    }
    cacheSize = 0;
  }
  known.set(digits, result);
  cacheSize++;
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
  // Every test below needs a ':', '/' or '.' in the token; most tokens before a number ("(",
  // "call") have none, and are let go without cutting the token out.
  let marks = false;
  while (k > 0 && at - k < 256) {
    const c = t.charCodeAt(k - 1);
    if (isSpace(c)) break;
    if (c === 0x3a || c === 0x2f || c === 0x2e) marks = true;
    k--;
  }
  if (k === at || !marks) return false;
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
    const b = groups[i + 1];
    const c = groups[i + 2];
    if (bodyPart(first) && bodyPart(b) && bodyPart(c) && b?.gap === '-' && c?.gap === '-') {
      return 'measurement';
    }
  }
  if (count === 2) {
    const a = first;
    const b = last;
    const gap = b.gap.trim();
    if (
      (gap === '-' || gap === '–' || gap === '—' || gap === '~') &&
      Math.abs(a.digits.length - b.digits.length) <= 1 &&
      num(a) < num(b) &&
      isRound(a) &&
      isRound(b)
    ) {
      return 'range';
    }
  }
  return undefined;
}

/** A two-digit body measurement, 18 to 60. */
const bodyPart = (g: DigitGroup | undefined): boolean =>
  g !== undefined && g.digits.length === 2 && num(g) >= 18 && num(g) <= 60;

/** Ends in 0 or 5. */
function isRound(g: DigitGroup): boolean {
  const c = g.digits.charCodeAt(g.digits.length - 1);
  return c === 0x30 || c === 0x35;
}

// Separator kinds of a gap, for judging whether the writing is unusual.
const SPACE = 0;
const DASH = 1;
const DOT = 2;
const PAREN = 3;
const ODD = 4;

/** The kind of the gap's characters once whitespace (\s) is taken out: its "core". */
function gapKind(gap: string): number {
  let length = 0;
  let c0 = 0;
  let c1 = 0;
  let parens = true;
  for (let k = 0; k < gap.length; k++) {
    const c = gap.charCodeAt(k);
    if (isTrimmed(c)) continue; // the same characters as \s
    if (length === 0) c0 = c;
    else if (length === 1) c1 = c;
    length++;
    if (c !== 0x28 && c !== 0x29) parens = false;
  }
  if (length === 0) return SPACE;
  // "(", ")", "()", ")(" and so on; ")-" and ")." as in "(212)-555".
  if (parens || (length === 2 && c0 === 0x29 && (c1 === 0x2d || c1 === 0x2e))) return PAREN;
  if (length === 1 && (c0 === 0x2d || c0 === 0x2013)) return DASH;
  if (length === 1 && c0 === 0x2e) return DOT;
  return ODD;
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
  let seen = -1; // DASH or DOT once one was seen
  let afterOther = false;
  for (let k = i + 1; k < e; k++) {
    const kind = gapKind(groups[k]?.gap ?? '');
    if (kind === ODD) return true;
    if (kind === PAREN) continue;
    if (kind === SPACE) {
      if (afterOther) return true;
      continue;
    }
    if (seen !== -1 && seen !== kind) return true;
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

/** context.country as written -> its supported region, or null for none. */
const regions = new Map<string, CountryCode | null>();

function regionOf(doc: Doc): CountryCode | undefined {
  const raw = doc.context.country;
  if (raw === undefined) return undefined;
  let region = regions.get(raw);
  if (region === undefined) {
    const country = raw.toUpperCase();
    region = isSupportedCountry(country) ? country : null;
    // Country strings come from the input: keep the memo small whatever they hold.
    if (regions.size >= 1024) regions.clear();
    regions.set(raw, region);
  }
  return region ?? undefined;
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
  const budget: Budget = {
    region,
    nanp: region === undefined || NANP_REGIONS.has(region),
    cache: regionCache(region),
    parses: 0,
  };
  const phones: Phone[] = [];
  for (const run of runs) findInRun(doc, run, budget, phones, trace);
  return dedupe(phones);
}

/**
 * Per-run lookups shared by all windows of the run, as prefix sums over the groups. One index
 * serves every run (findInRun is synchronous and not re-entrant), so that a run costs no
 * allocation: typed arrays are slow to create and most runs have a handful of groups.
 */
class RunIndex {
  /** cum[k] = digits in groups[0, k). */
  cum = new Int32Array(64);
  /** Dates written as three groups starting before k; "20260105" groups before k. */
  private datePrefix = new Int32Array(64);
  private compactPrefix = new Int32Array(64);
  private groups: readonly DigitGroup[] = [];
  private datesKnown = false;

  reset(run: DigitRun): void {
    const groups = run.groups;
    const n = groups.length;
    if (n + 1 > this.cum.length) {
      const size = Math.max(n + 1, this.cum.length * 2);
      this.cum = new Int32Array(size);
      this.datePrefix = new Int32Array(size);
      this.compactPrefix = new Int32Array(size);
    }
    const cum = this.cum;
    cum[0] = 0;
    for (let k = 0; k < n; k++) cum[k + 1] = (cum[k] ?? 0) + (groups[k]?.digits.length ?? 0);
    this.groups = groups;
    this.datesKnown = false;
  }

  /** Some date is written in groups[i, e): three groups as a date, or one "20260105". */
  hasDate(i: number, e: number): boolean {
    const datePrefix = this.datePrefix;
    const compactPrefix = this.compactPrefix;
    if (!this.datesKnown) {
      const groups = this.groups;
      const n = groups.length;
      datePrefix[0] = 0;
      compactPrefix[0] = 0;
      for (let k = 0; k < n; k++) {
        datePrefix[k + 1] = (datePrefix[k] ?? 0) + (dateAt(groups, k) ? 1 : 0);
        compactPrefix[k + 1] =
          (compactPrefix[k] ?? 0) + (compactDate(groups[k]?.digits ?? '') ? 1 : 0);
      }
      this.datesKnown = true;
    }
    // Triples start at i .. e - 3.
    const triples = e - 2 > i ? (datePrefix[e - 2] ?? 0) - (datePrefix[i] ?? 0) : 0;
    return triples > 0 || (compactPrefix[e] ?? 0) - (compactPrefix[i] ?? 0) > 0;
  }
}

const runIndex = new RunIndex();

function findInRun(
  doc: Doc,
  run: DigitRun,
  budget: Budget,
  out: Phone[],
  trace: PhoneCandidate[] | undefined,
): void {
  const t = doc.folded.text;
  const groups = run.groups;
  const n = groups.length;
  const index = runIndex;
  index.reset(run);
  const cum = index.cum;
  const runDigits = run.digits;
  const nanp = budget.nanp;
  let i = 0;
  while (i < n) {
    const first = groups[i];
    if (first === undefined) break;
    const start = first.start;
    let startRejected: PhoneRejection | undefined | null = null; // null: not computed yet
    const plusSign = i === 0 ? run.plus : endsWithPlus(first.gap);
    const from = cum[i] ?? 0;
    // Longest window from i first: the ends e with MIN..MAX digits (plus an IDD prefix).
    let last = i;
    while (last < n && (cum[last + 1] ?? 0) - from <= MAX_DIGITS + 3) last++;
    let found = -1;
    for (let e = last; e > i && found < 0; e--) {
      const to = cum[e] ?? 0;
      let international = plusSign;
      // International call prefixes written instead of "+": 00 (most countries), 011 (NANP).
      // Lengths are checked on offsets so that only windows of a possible length are cut out.
      let prefix = 0;
      if (!international && to - from >= 10 && runDigits.charCodeAt(from) === 0x30) {
        if (runDigits.charCodeAt(from + 1) === 0x30) prefix = 2;
        else if (nanp && runDigits.startsWith('11', from + 1)) prefix = 3;
        international = prefix > 0;
      }
      const length = to - from - prefix;
      if (length < MIN_DIGITS || length > MAX_DIGITS) continue;
      const digits = runDigits.slice(from + prefix, to);
      // Hopeless windows are dropped before the (slower) look-alike checks; a trace still
      // records why each window would be rejected.
      const possible = plausible(digits, international, nanp);
      if (!possible && trace === undefined) continue;
      const end = groups[e - 1]?.end ?? start;
      if (startRejected === null) startRejected = rejectStart(t, start);
      const rejected =
        startRejected ??
        rejectWindow(t, groups, i, e, digits) ??
        (index.hasDate(i, e) ? 'date' : undefined);
      if (rejected !== undefined) {
        trace?.push({ digits: international ? `+${digits}` : digits, start, end, rejected });
        continue;
      }
      const parsed = possible ? validate(digits, international, budget) : null;
      if (trace !== undefined) {
        const tried = international ? `+${digits}` : digits;
        trace.push(
          parsed ? { digits: tried, start, end, e164: parsed.e164 } : { digits: tried, start, end },
        );
      }
      if (parsed === null) continue;
      const spanStart = international ? prefixStart(t, start) : parenStart(t, start, groups[i + 1]);
      const span = doc.spanOfFolded(spanStart, end);
      const obfuscated =
        groupsUse(groups, i, e) ||
        doc.folded.isDisguised(start, end) ||
        oddSeparators(groups, i, e);
      out.push(phoneOf(parsed, span, obfuscated));
      found = e;
    }
    i = found > 0 ? found : i + 1;
  }
}

/** The Phone of a valid window; country and area only when known (no undefined members). */
function phoneOf(parsed: Parsed, span: Span, obfuscated: boolean): Phone {
  const { e164, country, area } = parsed;
  const raw = span.text;
  if (country !== undefined) {
    return area !== undefined
      ? { e164, raw, span, obfuscated, country, area }
      : { e164, raw, span, obfuscated, country };
  }
  return area !== undefined
    ? { e164, raw, span, obfuscated, area }
    : { e164, raw, span, obfuscated };
}

/** The gap ends in "+", trailing whitespace aside ("… +44"): gap.trimEnd().endsWith('+'). */
function endsWithPlus(gap: string): boolean {
  let k = gap.length - 1;
  while (k >= 0 && isTrimmed(gap.charCodeAt(k))) k--;
  return k >= 0 && gap.charCodeAt(k) === 0x2b;
}

/** Characters that String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator). */
function isTrimmed(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
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
