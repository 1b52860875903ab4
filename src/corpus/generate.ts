/**
 * Synthetic demo corpus with ground truth (module `corpus`, pure).
 *
 * The corpus mixes planted trafficking networks, scam-compound recruiters, independent adult
 * companionship ads and benign look-alikes that share their surface features (prices, phones,
 * "new in town", "call or text"), so a keyword detector produces false positives and only
 * structure (shared templates, rotating phones, personas moving between cities, obscured
 * contacts) separates the planted networks. Everything derives from the options: no clock, no
 * Math.random, no IO. Groups (networks, recruiters, agencies, advertisers, clinics, ...) are
 * planned up front from the seed and are bounded in number; items are then streamed one at a
 * time, so memory does not grow with `n`.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { createBase58check } from '@scure/base';
import type { Item } from '../analyze/types.js';
import { VigilError } from '../shared/errors.js';
import { cumulative, Rng } from './random.js';
import {
  AGENCY_NAMES,
  AREAS,
  CITIES,
  type CityDef,
  CLINIC_KITS,
  CLINIC_WORDS,
  COMPANY_WORDS,
  COUNTRY_NAMES,
  CRYPTO_KIT,
  DATING_KITS,
  DESTINATION_PHONES,
  DESTINATIONS,
  type Destination,
  DIGIT_WORDS,
  EMAIL_DOMAINS,
  ETHNICITIES,
  type Ethnicity,
  FILLERS,
  HANDLE_WORDS_A,
  HANDLE_WORDS_B,
  HOBBIES,
  HOURS,
  INDEPENDENT_KITS,
  JOB_KITS,
  JOB_ROLES,
  type Kit,
  type Lang,
  LOCAL_NAMES,
  MARKET_WEIGHTS,
  MONEY,
  type Money,
  NAMES,
  NETWORK_KITS,
  type PhoneArea,
  PROPERTY_MANAGERS,
  RENTAL_KITS,
  ROOMS,
  SCAM_COMPANIES,
  SCAM_FEES,
  SCAM_KITS,
  SCAM_LANGS,
  SCAM_LIST_FRAMES,
  SCAM_PERKS,
  SCAM_ROLES,
  SCAM_SALARIES,
  SCAM_SOURCE_WEIGHTS,
  SCAM_TASKS,
  SLOTS,
  type SlotName,
  STAFFING_KITS,
  STAFFING_ROLES,
  TUTORING_KIT,
} from './vocabulary.js';

// ---------------------------------------------------------------------------------------------
// Public surface
// ---------------------------------------------------------------------------------------------

export interface CorpusOptions {
  readonly n: number;
  readonly seed: number;
  /** ISO date (or date-time) of the first posting; default DEFAULT_CORPUS_START. */
  readonly start?: string;
}

export type TruthLabel = 'trafficking' | 'scam' | 'benign';

export interface GroundTruth {
  readonly id: string;
  readonly label: TruthLabel;
  /** network-ad, recruitment-scam, scam-compound-recruitment, independent-ad, staffing-agency,
   * massage-clinic, rental, dating-profile, job, tutoring, crypto-post. */
  readonly kind: string;
  /** Planted group: trafficking network (net-*), recruiter group (scam-*), staffing hub (hub-*). */
  readonly network?: string;
  /** Items written from the same template share this id. */
  readonly template?: string;
  /** E.164 of every phone planted in the text (including wa.me links). */
  readonly phones: readonly string[];
  readonly emails: readonly string[];
  /** "platform:handle", handle lower case without "@"/"$"; E.164 for WhatsApp. */
  readonly handles: readonly string[];
  readonly wallets: readonly string[];
  /** True when a contact (phone or email) was written obfuscated. */
  readonly obfuscated: boolean;
}

export interface CorpusRecord {
  readonly item: Item;
  readonly truth: GroundTruth;
}

export const DEFAULT_CORPUS_START = '2026-01-05';
export const MAX_CORPUS_ITEMS = 10_000_000;
const MAX_SEED = 0xffff_ffff;

/** Label shares of the corpus; the benign share is the rest. */
export const CORPUS_SHARES = {
  network: 0.15,
  scam: 0.08,
  independent: 0.12,
  staffing: 0.12,
  clinic: 0.1,
  rental: 0.13,
  dating: 0.12,
  job: 0.14,
  crypto: 0.04,
} as const;

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function invalid(field: string, value: unknown, message: string): VigilError {
  return new VigilError('CORPUS_OPTIONS_INVALID', message, {
    details: { field, value: shown(value) },
  });
}

function wholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*\d[\d_]*\s*$/.test(value)) {
    const parsed = Number(value.trim().replaceAll('_', ''));
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}

const ISO_START =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Milliseconds since the epoch of an ISO date or date-time, or undefined when not one. */
function parseStart(text: string): number | undefined {
  const m = ISO_START.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  if (year < 1970 || year > 9000) return undefined;
  const dateOnly = m[4] === undefined;
  const ms = Date.parse(dateOnly ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(ms)) return undefined;
  // Date.parse rolls 2026-02-30 over into March; a date that does not round-trip is not a date.
  const day = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3])));
  if (day.toISOString().slice(0, 10) !== text.slice(0, 10)) return undefined;
  return ms;
}

/**
 * Checks raw options (as a CLI or API passes them: numbers or numeric strings) and returns
 * them typed. `seed` defaults to 1 and `start` to DEFAULT_CORPUS_START.
 */
export function validateCorpusOptions(raw: {
  n?: unknown;
  seed?: unknown;
  start?: unknown;
}): CorpusOptions {
  if (raw.n === undefined || raw.n === null || raw.n === '') {
    throw invalid(
      'n',
      raw.n,
      'The corpus size n is missing: give the number of items to generate, a whole number from 1 to 10,000,000 (for example 10000).',
    );
  }
  const n = wholeNumber(raw.n);
  if (n === undefined || n < 1 || n > MAX_CORPUS_ITEMS) {
    throw invalid(
      'n',
      raw.n,
      `The corpus size n must be a whole number from 1 to 10,000,000; got ${shown(raw.n)}.`,
    );
  }
  let seed = 1;
  if (raw.seed !== undefined && raw.seed !== null && raw.seed !== '') {
    const parsed = wholeNumber(raw.seed);
    if (parsed === undefined || parsed < 0 || parsed > MAX_SEED) {
      throw invalid(
        'seed',
        raw.seed,
        `The corpus seed must be a whole number from 0 to 4,294,967,295; got ${shown(raw.seed)}. The same seed and size always give the same corpus.`,
      );
    }
    seed = parsed;
  }
  let start = DEFAULT_CORPUS_START;
  if (raw.start !== undefined && raw.start !== null && raw.start !== '') {
    if (typeof raw.start !== 'string' || parseStart(raw.start) === undefined) {
      throw invalid(
        'start',
        raw.start,
        `The corpus start must be an ISO date such as 2026-01-05 or a date-time such as 2026-01-05T00:00:00Z, in the years 1970-9000; got ${shown(raw.start)}.`,
      );
    }
    start = raw.start;
  }
  return { n, seed, start };
}

// ---------------------------------------------------------------------------------------------
// Templates: "{slot}" strings compiled once into literal/slot arrays, so rendering an item is
// a handful of concatenations instead of regex replacement.
// ---------------------------------------------------------------------------------------------

type Tpl = readonly (string | number)[];
type CKit = Readonly<Record<string, readonly Tpl[]>>;

const SLOT_INDEX = new Map<string, number>(SLOTS.map((s, i) => [s, i]));
const S = Object.fromEntries(SLOTS.map((s, i) => [s, i])) as Readonly<Record<SlotName, number>>;

function compile(text: string): Tpl {
  const out: (string | number)[] = [];
  let last = 0;
  for (const m of text.matchAll(/\{([a-z0-9]+)\}/g)) {
    const index = SLOT_INDEX.get(m[1] ?? '');
    if (index === undefined)
      throw new Error(`corpus vocabulary: unknown slot ${m[0]} in "${text}"`);
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(index);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function compileKit(kit: Kit): CKit {
  const out: Record<string, readonly Tpl[]> = {};
  for (const [name, texts] of Object.entries(kit)) out[name] = texts.map(compile);
  return out;
}

function compileKits<K extends string>(kits: Readonly<Record<K, Kit>>): Readonly<Record<K, CKit>> {
  const out = {} as Record<K, CKit>;
  for (const key of Object.keys(kits) as K[]) out[key] = compileKit(kits[key]);
  return out;
}

const K_NETWORK = compileKits(NETWORK_KITS);
const K_INDEPENDENT = compileKits(INDEPENDENT_KITS);
const K_CLINIC = compileKits(CLINIC_KITS);
const K_RENTAL = compileKits(RENTAL_KITS);
const K_DATING = compileKits(DATING_KITS);
const K_JOB = compileKits(JOB_KITS);
const K_STAFFING = compileKits(STAFFING_KITS);
const K_SCAM = compileKits(SCAM_KITS);
const K_TUTORING = compileKit(TUTORING_KIT);
const K_CRYPTO = compileKit(CRYPTO_KIT);

function section(kit: CKit, name: string): readonly Tpl[] {
  const tpls = kit[name];
  if (tpls === undefined || tpls.length === 0) throw new Error(`corpus vocabulary: no "${name}"`);
  return tpls;
}

/** Renders a title; one that opens with a value ("delivery driver, ...") gets a capital. */
function renderTitle(tpl: Tpl, v: readonly string[]): string {
  const head = tpl[0];
  if (typeof head !== 'number') return render(tpl, v);
  const value = v[head] as string;
  let out = value.charAt(0).toUpperCase() + value.slice(1);
  for (let k = 1; k < tpl.length; k++) {
    const part = tpl[k] as string | number;
    out += typeof part === 'string' ? part : v[part];
  }
  return out;
}

function render(tpl: Tpl, v: readonly string[]): string {
  let out = '';
  for (const part of tpl) out += typeof part === 'string' ? part : v[part];
  return out;
}

/**
 * Like render, but returns a flat string: text kept for the whole run should not stay a tree
 * of concatenations that every later join walks again.
 */
function renderFlat(tpl: Tpl, v: readonly string[]): string {
  const pieces: string[] = [];
  for (const part of tpl) pieces.push(typeof part === 'string' ? part : (v[part] as string));
  return pieces.join('');
}

/** One sentence of a composed text; `key` lets per-ad logic treat some sections specially. */
interface Part {
  readonly key: string;
  readonly tpl: Tpl;
  /** Dropped from an individual ad now and then, so template copies are near, not exact. */
  readonly optional: boolean;
  /** Pre-rendered when every slot it uses is fixed for its author. */
  readonly text: string | undefined;
  /** Set on joined runs of sentences; otherwise the key decides. */
  readonly essential: boolean | undefined;
}

// Every Part has the same five fields so the hot loops see one object shape.
function part(key: string, tpl: Tpl, optional: boolean): Part {
  return { key, tpl, optional, text: undefined, essential: undefined };
}

/** Picks one alternative per section; sections with p < 1 are included with probability p. */
function compose(rng: Rng, kit: CKit, plan: readonly (readonly [string, number])[]): Part[] {
  const parts: Part[] = [];
  for (const [key, p] of plan) {
    if (p >= 1 || rng.chance(p)) parts.push(part(key, rng.pick(section(kit, key)), p < 1));
  }
  return parts;
}

/** Swaps two middle sentences now and then so authors do not all write in one order. */
function shuffleMiddle(rng: Rng, parts: Part[]): Part[] {
  if (parts.length > 4 && rng.chance(0.4)) {
    const i = 1 + rng.int(parts.length - 2);
    const j = 1 + rng.int(parts.length - 2);
    const a = parts[i] as Part;
    parts[i] = parts[j] as Part;
    parts[j] = a;
  }
  return parts;
}

const TITLE_MIN = 20;
const TITLE_MAX = 90;
const BODY_MIN = 150;
const BODY_MAX = 900;

function fitTitle(title: string, city: string): string {
  let t = title;
  if (t.length > TITLE_MAX) {
    const cut = t.lastIndexOf(' ', TITLE_MAX - 1);
    t = t.slice(0, cut > TITLE_MIN ? cut : TITLE_MAX).replace(/[\s\-•|:,]+$/, '');
  }
  if (t.length < TITLE_MIN) t = `${t} - ${city}`;
  while (t.length < TITLE_MIN) t += ' •';
  return t;
}

/**
 * Joins sentences into a body of BODY_MIN..BODY_MAX characters. Sentences marked essential
 * carry planted contacts and are never dropped, so the truth stays true.
 */
function fitBody(sentences: string[], essential: boolean[], lang: Lang, rng: Rng): string {
  let length = sentences.length - 1;
  for (const s of sentences) length += s.length;
  while (length > BODY_MAX) {
    let drop = -1;
    for (let i = sentences.length - 1; i >= 1; i--) {
      if (!essential[i]) {
        drop = i;
        break;
      }
    }
    if (drop < 0) break;
    length -= (sentences[drop] as string).length + 1;
    sentences.splice(drop, 1);
    essential.splice(drop, 1);
  }
  if (length < BODY_MIN) {
    const fillers = FILLERS[lang];
    let k = rng.int(fillers.length);
    for (let guard = 0; length < BODY_MIN && guard < 12; guard++, k++) {
      const f = fillers[k % fillers.length] as string;
      sentences.splice(sentences.length - 1, 0, f);
      length += f.length + 1;
    }
  }
  const body = sentences.join(' ');
  return body.length > BODY_MAX ? body.slice(0, BODY_MAX) : body;
}

// ---------------------------------------------------------------------------------------------
// Contacts
// ---------------------------------------------------------------------------------------------

interface PhoneRec {
  readonly e164: string;
  readonly cc: string;
  readonly trunk: string;
  readonly nsn: string;
  /** Digit groups of the national significant number. */
  readonly parts: readonly string[];
  readonly nanp: boolean;
  /** Plain display styles usual in the phone's country. */
  readonly styles: readonly number[];
  /** formatPhone results by style; phones are few and reused on many items. */
  readonly formatted: (string | undefined)[];
}

const NANP_STYLES = [0, 1, 2, 3, 4, 5, 6, 7];
const FR_STYLES = [0, 1, 2, 4];
const PAREN_STYLES = [0, 1, 2, 3];
const BASIC_STYLES = [0, 1, 2];

function lineAt(area: PhoneArea, index: number): number {
  return area.lines === undefined ? area.min + index : (area.lines[index] as number);
}

function lineCount(area: PhoneArea): number {
  return area.lines === undefined ? area.max - area.min + 1 : area.lines.length;
}

function e164Of(area: PhoneArea, line: number): string {
  return `+${area.cc}${area.prefix}${String(line).padStart(area.lineLen, '0')}`;
}

function makePhone(area: PhoneArea, line: number): PhoneRec {
  const nsn = area.prefix + String(line).padStart(area.lineLen, '0');
  const parts: string[] = [];
  let i = 0;
  for (const g of area.groups) {
    parts.push(nsn.slice(i, i + g));
    i += g;
  }
  const nanp = area.cc === '1';
  const styles =
    area.country === 'FR'
      ? FR_STYLES
      : nanp
        ? NANP_STYLES
        : area.country === 'GB' || area.country === 'AU' || area.country === 'BR'
          ? PAREN_STYLES
          : BASIC_STYLES;
  return {
    e164: `+${area.cc}${nsn}`,
    cc: area.cc,
    trunk: area.trunk,
    nsn,
    parts,
    nanp,
    styles,
    formatted: [],
  };
}

/**
 * Hands out phone numbers from the fiction ranges. Numbers planted for networks and hubs are
 * reserved and never handed to anyone else; other entities get unused numbers while the
 * (small) ranges last and then share numbers with other benign entities.
 */
class PhoneBook {
  private readonly used = new Set<string>();
  private readonly reserved = new Set<string>();
  private readonly cursors = new Map<PhoneArea, number>();

  take(
    rng: Rng,
    preferred: readonly PhoneArea[],
    fallback: readonly PhoneArea[],
    reserve: boolean,
  ): PhoneRec {
    for (let attempt = 0; attempt < 6 && preferred.length > 0; attempt++) {
      const area = rng.pick(preferred);
      const line = lineAt(area, rng.int(lineCount(area)));
      if (!this.used.has(e164Of(area, line))) return this.claim(area, line, reserve);
    }
    for (const list of [preferred, fallback]) {
      for (const area of list) {
        const line = this.scan(area);
        if (line !== undefined) return this.claim(area, line, reserve);
      }
    }
    const pool = preferred.length > 0 ? preferred : fallback;
    let area = rng.pick(pool);
    let line = lineAt(area, rng.int(lineCount(area)));
    for (let attempt = 0; attempt < 64 && this.reserved.has(e164Of(area, line)); attempt++) {
      area = rng.pick(pool);
      line = lineAt(area, rng.int(lineCount(area)));
    }
    return this.claim(area, line, reserve);
  }

  private scan(area: PhoneArea): number | undefined {
    const count = lineCount(area);
    let cursor = this.cursors.get(area) ?? 0;
    while (cursor < count) {
      const line = lineAt(area, cursor);
      cursor++;
      if (!this.used.has(e164Of(area, line))) {
        this.cursors.set(area, cursor);
        return line;
      }
    }
    this.cursors.set(area, cursor);
    return undefined;
  }

  private claim(area: PhoneArea, line: number, reserve: boolean): PhoneRec {
    const e164 = e164Of(area, line);
    this.used.add(e164);
    if (reserve) this.reserved.add(e164);
    return makePhone(area, line);
  }
}

function formatPhone(p: PhoneRec, style: number): string {
  const cached = p.formatted[style];
  if (cached !== undefined) return cached;
  const text = formatPhoneUncached(p, style);
  p.formatted[style] = text;
  return text;
}

function formatPhoneUncached(p: PhoneRec, style: number): string {
  const g = p.parts;
  const first = p.trunk + (g[0] as string);
  const rest = g.slice(1);
  switch (style) {
    case 0:
      return rest.length > 0 ? `${first} ${rest.join(' ')}` : first;
    case 1:
      return `+${p.cc} ${g.join(' ')}`;
    case 2:
      return p.trunk + p.nsn;
    case 3:
      return p.nanp ? `(${g[0]}) ${g[1]}-${g[2]}` : `(${first}) ${rest.join(' ')}`;
    case 4:
      return [first, ...rest].join('.');
    case 5:
      return [first, ...rest].join('-');
    case 6:
      return `+${p.cc}${p.nsn}`;
    default:
      return p.nanp ? `1-${g.join('-')}` : `+${p.cc} ${g.join(' ')}`;
  }
}

const KEYCAP = '\uFE0F\u20E3';
const ZWSP = '\u200B';
const SEPARATORS = ['-', '.', '/', ' ', '_'];
const OBFUSCATION_STYLES = 7;

function digitWords(lang: Lang): readonly string[] {
  return lang === 'es' || lang === 'fr' || lang === 'pt' ? DIGIT_WORDS[lang] : DIGIT_WORDS.en;
}

/**
 * Writes a phone the ways ads dodge search: spelled digits (in the ad's language), mixed
 * words and digits, O/l/I for 0/1, emoji keycaps, fullwidth digits, odd separators, and
 * zero-width spaces.
 */
function obfuscatePhone(p: PhoneRec, style: number, lang: Lang, rng: Rng): string {
  const groups = [p.trunk + (p.parts[0] as string), ...p.parts.slice(1)];
  const words = digitWords(lang);
  let out = '';
  switch (style) {
    case 0:
      for (let i = 0; i < groups.length; i++) {
        if (i > 0) out += ', ';
        const g = groups[i] as string;
        for (let j = 0; j < g.length; j++) out += (j > 0 ? ' ' : '') + words[g.charCodeAt(j) - 48];
      }
      return out;
    case 1:
      for (let i = 0; i < groups.length; i++) {
        if (i > 0) out += ' ';
        const g = groups[i] as string;
        for (let j = 0; j < g.length; j++) {
          const d = g.charCodeAt(j) - 48;
          const r = rng.float();
          if (r < 0.35) out += words[d];
          else if (d === 0 && r < 0.7) out += 'O';
          else if (d === 1 && r < 0.7) out += r < 0.52 ? 'l' : 'I';
          else out += String(d);
        }
      }
      return out;
    case 2: {
      const plain = p.nanp ? formatPhone(p, 3) : formatPhone(p, 0);
      const one = rng.chance(0.5) ? 'l' : 'I';
      return plain.replaceAll('0', 'O').replaceAll('1', one);
    }
    case 3:
      for (let i = 0; i < groups.length; i++) {
        if (i > 0) out += ' ';
        const g = groups[i] as string;
        for (let j = 0; j < g.length; j++) out += g[j] + KEYCAP;
      }
      return out;
    case 4:
      for (let i = 0; i < groups.length; i++) {
        if (i > 0) out += '-';
        const g = groups[i] as string;
        for (let j = 0; j < g.length; j++)
          out += String.fromCharCode(0xff10 + g.charCodeAt(j) - 48);
      }
      return out;
    case 5:
      for (let i = 0; i < groups.length; i++) {
        if (i > 0) out += ' ';
        const g = groups[i] as string;
        const sep = rng.pick(SEPARATORS);
        for (let j = 0; j < g.length; j++) out += (j > 0 ? sep : '') + g[j];
      }
      return out;
    default:
      for (let i = 0; i < groups.length; i++) {
        if (i > 0) out += ' ';
        const g = groups[i] as string;
        for (let j = 0; j < g.length; j++) out += (j > 0 ? ZWSP : '') + g[j];
      }
      return out;
  }
}

interface EmailRec {
  readonly local: string;
  readonly domain: string;
  readonly value: string;
}

function makeEmail(local: string, rng: Rng): EmailRec {
  const domain = rng.pick(EMAIL_DOMAINS);
  return { local, domain, value: `${local}@${domain}` };
}

function formatEmail(e: EmailRec, obfuscated: boolean, rng: Rng): string {
  if (!obfuscated) return e.value;
  const dot = e.domain.lastIndexOf('.');
  const host = e.domain.slice(0, dot);
  const tld = e.domain.slice(dot + 1);
  switch (rng.int(3)) {
    case 0:
      return `${e.local} at ${host} dot ${tld}`;
    case 1:
      return `${e.local} (at) ${host} (dot) ${tld}`;
    default:
      return `${e.local}[at]${host}[dot]${tld}`;
  }
}

function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function handleFromWords(rng: Rng, sep: string): string {
  return `${rng.pick(HANDLE_WORDS_A)}${sep}${rng.pick(HANDLE_WORDS_B)}${rng.range(1, 99)}`;
}

// Wallets: valid checksummed addresses from seeded random payloads.

const base58check = createBase58check(sha256);

function bitcoinAddress(rng: Rng): string {
  const payload = new Uint8Array(21); // version byte 0x00: P2PKH
  rng.bytes(payload, 1);
  return base58check.encode(payload);
}

function tronAddress(rng: Rng): string {
  const payload = new Uint8Array(21);
  payload[0] = 0x41;
  rng.bytes(payload, 1);
  return base58check.encode(payload);
}

const HEX = '0123456789abcdef';

/** EIP-55 mixed-case checksum of a lower-case hex address (without 0x). */
function eip55(lowerHex: string): string {
  const bytes = new Uint8Array(lowerHex.length);
  for (let i = 0; i < lowerHex.length; i++) bytes[i] = lowerHex.charCodeAt(i);
  const hash = keccak_256(bytes);
  let out = '0x';
  for (let i = 0; i < lowerHex.length; i++) {
    const c = lowerHex[i] as string;
    const byte = hash[i >> 1] as number;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    out += nibble >= 8 ? c.toUpperCase() : c;
  }
  return out;
}

function ethereumAddress(rng: Rng): string {
  let lower = '';
  for (let i = 0; i < 40; i++) lower += HEX[rng.u32() & 15];
  return eip55(lower);
}

// ---------------------------------------------------------------------------------------------
// Money, geography
// ---------------------------------------------------------------------------------------------

function groupThousands(value: number, sep: string): string {
  const s = String(value);
  if (value < 1000) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += sep;
    out += s[i];
  }
  return out;
}

const DEFAULT_MONEY: Money = {
  symbol: '$',
  before: true,
  thousands: ',',
  decimal: '.',
  scale: 1,
  monthly: false,
};

function money(amount: number, country: string, decimals = false): string {
  const m = MONEY[country] ?? DEFAULT_MONEY;
  const whole = Math.floor(amount);
  let num = groupThousands(whole, m.thousands);
  const cents = Math.round((amount - whole) * 100);
  if (decimals && cents > 0) num += m.decimal + String(cents).padStart(2, '0');
  return m.before ? `${m.symbol}${num}${m.suffix ?? ''}` : `${num} ${m.symbol}`;
}

/** A price in the local currency, rounded the way ads round. */
function localPrice(base: number, country: string): number {
  const scale = MONEY[country]?.scale ?? 1;
  const raw = base * scale;
  const step = raw >= 1000 ? 100 : 10;
  return Math.max(step, Math.round(raw / step) * step);
}

const WAGE_RANGES: Readonly<Record<string, readonly [number, number, 'hour' | 'month']>> = {
  US: [16, 28, 'hour'],
  CA: [17, 30, 'hour'],
  GB: [11.5, 18, 'hour'],
  AU: [26, 38, 'hour'],
  ES: [1200, 1900, 'month'],
  FR: [1800, 2500, 'month'],
  PT: [870, 1400, 'month'],
  MX: [9000, 18000, 'month'],
  BR: [1500, 3500, 'month'],
};

const WAGE_UNIT: Readonly<Record<Lang, readonly [string, string]>> = {
  en: [' per hour', ' per month'],
  es: [' la hora', ' brutos al mes'],
  fr: [" brut de l'heure", ' brut par mois'],
  pt: [' por hora', ' por mês'],
  tl: [' per hour', ' per month'],
};

function wage(rng: Rng, country: string, lang: Lang): string {
  const [lo, hi, unit] = WAGE_RANGES[country] ?? [16, 28, 'hour'];
  const units = WAGE_UNIT[lang];
  if (unit === 'hour') {
    const value = Math.round((lo + rng.float() * (hi - lo)) * 4) / 4;
    return money(value, country, true) + (rng.chance(0.5) ? '/hr' : units[0]);
  }
  const value = Math.round((lo + rng.float() * (hi - lo)) / 50) * 50;
  return money(value, country) + units[1];
}

const marketCumulative = cumulative(MARKET_WEIGHTS.map(([, w]) => w));
const scamSourceCumulative = cumulative(SCAM_SOURCE_WEIGHTS.map(([, w]) => w));

function pickCountry(
  rng: Rng,
  weights: readonly (readonly [string, number])[],
  cum: Float64Array,
  langs?: readonly Lang[],
): string {
  for (let attempt = 0; attempt < 32; attempt++) {
    const country = (weights[rng.weighted(cum)] as readonly [string, number])[0];
    if (langs === undefined) return country;
    if ((CITIES[country] ?? []).some((c) => langs.includes(c.lang))) return country;
  }
  return 'US';
}

/** A city, favouring the larger ones listed first. */
function pickCity(rng: Rng, country: string, langs?: readonly Lang[]): CityDef {
  const all = CITIES[country] ?? [];
  const pool = langs === undefined ? all : all.filter((c) => langs.includes(c.lang));
  const r = rng.float();
  return pool[Math.floor(r * Math.sqrt(r) * pool.length)] as CityDef;
}

function countryAreas(country: string): readonly PhoneArea[] {
  const out: PhoneArea[] = [];
  for (const c of CITIES[country] ?? []) for (const a of c.areas) if (!out.includes(a)) out.push(a);
  return out;
}

const COUNTRY_AREAS = new Map<string, readonly PhoneArea[]>(
  Object.keys(CITIES).map((c) => [c, countryAreas(c)]),
);

function takeCityPhone(book: PhoneBook, rng: Rng, city: CityDef, mobile: number, reserve: boolean) {
  const preferred = rng.chance(mobile) ? city.mobiles : city.areas;
  return book.take(rng, preferred, COUNTRY_AREAS.get(city.country) ?? [], reserve);
}

function image(rng: Rng): string {
  return `img:${rng.hex(16)}`;
}

function images(rng: Rng, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(image(rng));
  return out;
}

function sample<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const pool = items.slice();
  const out: T[] = [];
  while (out.length < count && pool.length > 0)
    out.push(pool.splice(rng.int(pool.length), 1)[0] as T);
  return out;
}

/** 1-`max` of an entity's images, in their own order, as a reposting advertiser would. */
function someImages(rng: Rng, pool: readonly string[], max: number): string[] {
  const count = 1 + rng.int(Math.min(max, pool.length));
  const start = rng.int(pool.length);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(pool[(start + i) % pool.length] as string);
  return out;
}

type Western = 'en' | 'es' | 'fr' | 'pt';
const asWestern = (lang: Lang): Western => (lang === 'tl' ? 'en' : lang);

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const WEEKS = 26;
const SPAN_MS = 182 * DAY_MS;

// ---------------------------------------------------------------------------------------------
// Planned groups
// ---------------------------------------------------------------------------------------------

interface Persona {
  readonly name: string;
  readonly age: string;
  readonly eth: string;
  readonly route: readonly CityDef[];
  readonly stay: number;
  readonly offset: number;
  readonly template: number;
  readonly line: number;
  readonly images: readonly string[];
  readonly price: string;
  readonly price2: string;
}

interface NetTemplate {
  readonly id: string;
  readonly title: Tpl;
  readonly parts: readonly Part[];
  readonly phone: Tpl;
  readonly whatsapp: Tpl;
  readonly telegram: Tpl;
  readonly wechat: Tpl;
  readonly crypto: Tpl;
  readonly gift: Tpl;
  readonly cashapp: Tpl;
}

interface Network {
  readonly id: string;
  readonly country: string;
  readonly lang: Western;
  readonly startWeek: number;
  readonly weeks: number;
  readonly weight: number;
  readonly templates: readonly NetTemplate[];
  readonly personas: readonly Persona[];
  /** Per line, the phones in the order they are used; one per `weeksPerPhone` weeks. */
  readonly lines: readonly (readonly PhoneRec[])[];
  readonly lineOffsets: readonly number[];
  readonly weeksPerPhone: number;
  readonly phoneStyles: readonly number[];
  readonly obfuscationStyles: readonly number[];
  readonly obfuscationRate: number;
  readonly telegram: string | undefined;
  readonly telegramShare: number;
  readonly wechat: string | undefined;
  readonly wechatShare: number;
  readonly whatsappShare: number;
  readonly wallet: string | undefined;
  readonly walletRate: number;
  readonly giftRate: number;
  readonly cashapp: string | undefined;
  readonly homoglyphRate: number;
  readonly sources: readonly string[];
  readonly sharedImage: string;
}

interface ScamTemplate {
  readonly id: string;
  readonly title: Tpl;
  readonly parts: readonly Part[];
  readonly telegram: Tpl;
  readonly whatsapp: Tpl;
}

interface ScamGroup {
  readonly id: string;
  readonly kind: string;
  readonly lang: 'en' | 'tl';
  readonly country: string;
  readonly cities: readonly CityDef[];
  readonly dest: Destination;
  readonly company: string;
  readonly roles: readonly string[];
  readonly salary: string;
  readonly fee: string;
  readonly langs: string;
  readonly startWeek: number;
  readonly weeks: number;
  readonly weight: number;
  readonly templates: readonly ScamTemplate[];
  readonly telegrams: readonly string[];
  readonly telegramWeeks: number;
  readonly whatsapp: readonly PhoneRec[];
  readonly whatsappShare: number;
  readonly wallet: string | undefined;
  readonly flyer: string | undefined;
  readonly sources: readonly string[];
}

interface HubTemplate {
  readonly id: string;
  readonly title: Tpl;
  readonly parts: readonly Part[];
}

interface Hub {
  readonly id: string;
  readonly agency: string;
  readonly country: string;
  readonly lang: 'en' | 'es' | 'fr';
  readonly cities: readonly CityDef[];
  readonly phone: PhoneRec;
  readonly phoneStyles: readonly number[];
  readonly site: string;
  readonly email: EmailRec;
  readonly templates: readonly HubTemplate[];
  readonly logo: string | undefined;
}

/** A benign or independent poster with one text of their own, reposted with small changes. */
interface Poster {
  readonly k: number;
  readonly city: CityDef;
  readonly lang: Western;
  readonly title: Tpl;
  /** The title pre-rendered when it uses only fixed values. */
  readonly titleText: string | undefined;
  readonly parts: readonly Part[];
  /** `parts` with runs of pre-rendered sentences joined, for reposts that drop nothing. */
  readonly segments: readonly Part[];
  /** How many parts an individual repost may leave out. */
  readonly droppable: number;
  readonly phone: PhoneRec | undefined;
  readonly phoneStyle: number;
  readonly email: EmailRec | undefined;
  readonly values: readonly (readonly [number, string])[];
  /** Slots and texts of `values`, flat for the per-item copy. */
  readonly valueSlots: readonly number[];
  readonly valueTexts: readonly string[];
  readonly images: readonly string[];
  readonly sources: readonly string[];
  /** Handles the poster's text always shows ("platform:handle"). */
  readonly handles: readonly string[];
  readonly wallet: string | undefined;
  readonly roles: readonly string[];
  readonly kind: string;
  readonly templateId: string;
  /** Whether the poster's text has a {contact} / {email} slot, so only shown contacts count. */
  readonly showsPhone: boolean;
  readonly showsEmail: boolean;
}

/** Essential sentences carry planted contacts or wallets: never dropped, so the truth holds. */
function isEssential(part: Part): boolean {
  return part.essential ?? (part.key.startsWith('contact') || part.key === 'pay');
}

function shows(parts: readonly Part[], slot: number): boolean {
  return parts.some((part) => part.tpl.includes(slot));
}

type PosterFields = Omit<
  Poster,
  'showsPhone' | 'showsEmail' | 'valueSlots' | 'valueTexts' | 'titleText' | 'segments' | 'droppable'
>;

/**
 * Completes a poster: records what its text shows and pre-renders the sentences that use only
 * its fixed values, so reposting it costs little more than its contact line.
 */
function poster(f: PosterFields): Poster {
  // Packed arrays: assigning sparse slots into [] would make V8 fall back to dictionary mode.
  const fixed: (string | undefined)[] = SLOTS.map(() => undefined);
  for (const [slot, value] of f.values) fixed[slot] = value;
  const isFixed = (tpl: Tpl) => {
    for (const x of tpl) if (typeof x === 'number' && fixed[x] === undefined) return false;
    return true;
  };
  const parts: Part[] = [];
  for (const part of f.parts) {
    parts.push(
      isFixed(part.tpl)
        ? {
            key: part.key,
            tpl: part.tpl,
            optional: part.optional,
            text: renderFlat(part.tpl, fixed as string[]),
            essential: undefined,
          }
        : part,
    );
  }
  // Only values that sentences still rendered per item need copying into the slots.
  const used: boolean[] = SLOTS.map(() => false);
  const dynamic = parts.filter((part) => part.text === undefined).map((part) => part.tpl);
  if (!isFixed(f.title)) dynamic.push(f.title);
  for (const tpl of dynamic) for (const x of tpl) if (typeof x === 'number') used[x] = true;
  const valueSlots: number[] = [];
  const valueTexts: string[] = [];
  for (const [slot, value] of f.values) {
    if (!used[slot]) continue;
    valueSlots.push(slot);
    valueTexts.push(value);
  }
  // Runs of fixed sentences joined ahead of time: the usual repost is a few joins, not a dozen.
  const segments: Part[] = [];
  let run: string[] = [];
  let runEssential = false;
  const flush = () => {
    if (run.length === 0) return;
    const text = run.join(' ');
    segments.push({ key: 'run', tpl: [text], optional: false, text, essential: runEssential });
    run = [];
    runEssential = false;
  };
  for (const part of parts) {
    if (part.text === undefined) {
      flush();
      segments.push(part);
    } else {
      run.push(part.text);
      runEssential ||= isEssential(part);
    }
  }
  flush();
  // Spelled out rather than spread: thousands of posters, and spread objects are slow to build.
  return {
    k: f.k,
    templateId: f.templateId,
    city: f.city,
    lang: f.lang,
    title: f.title,
    titleText: isFixed(f.title) ? renderTitle(f.title, fixed as string[]) : undefined,
    parts,
    segments,
    droppable: parts.filter((part) => part.optional && !isEssential(part)).length,
    phone: f.phone,
    phoneStyle: f.phoneStyle,
    email: f.email,
    values: f.values,
    valueSlots,
    valueTexts,
    images: f.images,
    sources: f.sources,
    handles: f.handles,
    wallet: f.wallet,
    roles: f.roles,
    kind: f.kind,
    showsPhone: shows(f.parts, S.contact),
    showsEmail: shows(f.parts, S.email),
  };
}

interface WeekTable {
  readonly ids: Int32Array;
  readonly cum: Float64Array;
}

function weekTables(groups: readonly { startWeek: number; weeks: number; weight: number }[]) {
  const tables: WeekTable[] = [];
  for (let w = 0; w < WEEKS; w++) {
    const ids: number[] = [];
    const weights: number[] = [];
    groups.forEach((g, i) => {
      if (w >= g.startWeek && w < g.startWeek + g.weeks) {
        ids.push(i);
        weights.push(g.weight / g.weeks);
      }
    });
    tables.push({ ids: Int32Array.from(ids), cum: cumulative(weights) });
  }
  return tables;
}

/** A window of weeks; the first group of a kind spans all weeks so every week has one. */
function activeWeeks(rng: Rng, index: number): { startWeek: number; weeks: number } {
  if (index === 0) return { startWeek: 0, weeks: WEEKS };
  const startWeek = rng.int(WEEKS - 6);
  return { startWeek, weeks: rng.range(6, WEEKS - startWeek) };
}

function clampCount(expected: number, perGroup: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.round(expected / perGroup)));
}

const pad3 = (i: number): string => String(i + 1).padStart(3, '0');

const NETWORK_PLAN: readonly (readonly [string, number])[] = [
  ['open', 1],
  ['youth', 0.65],
  ['eth', 0.6],
  ['trust', 0.8],
  ['manager', 0.6],
  ['relax', 0.85],
  ['move', 0.25],
  ['price', 0.95],
];

const FIRST_NETWORK_COUNTRIES: readonly string[] = ['US', 'ES', 'FR', 'BR'];

function planNetwork(rng: Rng, book: PhoneBook, index: number): Network {
  const id = `net-${pad3(index)}`;
  // The first networks cover each language, so even a small demo corpus has all of them.
  const country =
    FIRST_NETWORK_COUNTRIES[index] ?? pickCountry(rng, MARKET_WEIGHTS, marketCumulative);
  const home = pickCity(rng, country);
  const lang = asWestern(home.lang);
  const sameLang = (CITIES[country] ?? []).filter(
    (c) => c.lang === home.lang && c !== home && c.zone === home.zone,
  );
  const cities = [home, ...sample(rng, sameLang, rng.range(2, 5))];
  const { startWeek, weeks } = activeWeeks(rng, index);
  const kit = K_NETWORK[lang];
  const crypto = rng.chance(0.3);
  const usdt = crypto && rng.chance(0.5);

  const templates: NetTemplate[] = [];
  const templateCount = rng.range(2, 4);
  for (let j = 0; j < templateCount; j++) {
    templates.push({
      id: `${id}-t${j + 1}`,
      title: rng.pick(section(kit, 'title')),
      parts: shuffleMiddle(rng, compose(rng, kit, NETWORK_PLAN)),
      phone: rng.pick(section(kit, 'phone')),
      whatsapp: rng.pick(section(kit, 'whatsapp')),
      telegram: rng.pick(section(kit, 'telegram')),
      wechat: rng.pick(section(kit, 'wechat')),
      crypto: rng.pick(section(kit, usdt ? 'cryptoUsdt' : 'cryptoBtc')),
      gift: rng.pick(section(kit, 'gift')),
      cashapp: rng.pick(section(kit, 'cashapp')),
    });
  }

  const lineCountForNet = rng.chance(0.3) ? 2 : 1;
  const weeksPerPhone = rng.range(2, 5);
  const lines: PhoneRec[][] = [];
  const lineOffsets: number[] = [];
  for (let l = 0; l < lineCountForNet; l++) {
    const offset = rng.int(weeksPerPhone);
    const count = Math.ceil((weeks + offset) / weeksPerPhone) + 1;
    const phones: PhoneRec[] = [];
    for (let p = 0; p < count; p++) phones.push(takeCityPhone(book, rng, home, 0.7, true));
    lines.push(phones);
    lineOffsets.push(offset);
  }

  const eths = sample(rng, ETHNICITIES, rng.range(1, 2));
  const personaCount = rng.range(3, 6);
  const usedNames = new Set<string>();
  const base = rng.range(16, 30) * 10;
  const personas: Persona[] = [];
  for (let p = 0; p < personaCount; p++) {
    const eth = rng.pick(eths) as Ethnicity;
    let name = rng.pick(eth.names);
    for (let t = 0; t < 8 && usedNames.has(name); t++) name = rng.pick(eth.names);
    usedNames.add(name);
    const route = sample(rng, cities, Math.min(cities.length, rng.range(2, 5)));
    const stay = rng.range(1, 3);
    const price = localPrice(base + rng.range(-2, 4) * 10, country);
    personas.push({
      name,
      age: String(rng.chance(0.85) ? rng.range(21, 26) : rng.range(27, 33)),
      eth: eth[lang],
      route,
      stay,
      offset: rng.int(stay * route.length),
      template: p % templateCount,
      line: p % lineCountForNet,
      images: images(rng, rng.range(3, 5)),
      price: money(price, country),
      price2: money(localPrice(base * 0.6, country), country),
    });
  }

  // Entity numbers in handles keep accidental collisions from linking unrelated groups.
  const telegram = rng.chance(0.35)
    ? `${ascii(rng.pick(personas).name)}_${rng.pick(HANDLE_WORDS_B)}${index + 11}`
    : undefined;
  // WeChat is how networks advertising Chinese or pan-Asian personas are usually reached.
  const wechat =
    eths.some((e) => e.en === 'Chinese' || e.en === 'Asian') && rng.chance(0.5)
      ? `${ascii(rng.pick(personas).name)}${index + 100}`
      : undefined;
  // Each network has its habits; cycling the first style through all of them means a corpus
  // of seven or more networks shows every form of obfuscation.
  const habit = index % OBFUSCATION_STYLES;
  const obfuscationStyles = [
    habit,
    ...sample(
      rng,
      [0, 1, 2, 3, 4, 5, 6].filter((x) => x !== habit),
      rng.range(1, 2),
    ),
  ];
  const sources = sample(rng, ['classifieds-a', 'classifieds-b'], rng.range(1, 2));
  const firstPhone = (lines[0] as PhoneRec[])[0] as PhoneRec;
  return {
    id,
    country,
    lang,
    startWeek,
    weeks,
    weight: 0.5 + rng.float() * 1.5,
    templates,
    personas,
    lines,
    lineOffsets,
    weeksPerPhone,
    phoneStyles: sample(rng, firstPhone.styles, 2),
    obfuscationStyles,
    obfuscationRate: 0.15 + rng.float() * 0.3,
    telegram,
    telegramShare: telegram === undefined ? 0 : 0.15 + rng.float() * 0.3,
    wechat,
    wechatShare: wechat === undefined ? 0 : 0.15 + rng.float() * 0.25,
    whatsappShare: rng.chance(0.4) ? 0.15 + rng.float() * 0.35 : 0,
    wallet: crypto ? (usdt ? tronAddress(rng) : bitcoinAddress(rng)) : undefined,
    walletRate: 0.3 + rng.float() * 0.3,
    giftRate: rng.chance(0.3) ? 0.25 : 0,
    cashapp:
      country === 'US' && rng.chance(0.25)
        ? `${ascii(rng.pick(personas).name)}${rng.pick(HANDLE_WORDS_B)}${index + 11}`
        : undefined,
    homoglyphRate: rng.chance(0.3) ? 0.35 : 0,
    sources,
    sharedImage: image(rng),
  };
}

const SCAM_PLAN_BASE: readonly (readonly [string, number])[] = [
  ['intro', 1],
  ['salary', 1],
  ['reqs', 0.7],
  ['travel', 1],
];

/** A template's own perks and tasks, as two sentences without slots (see SCAM_PERKS). */
function listSentences(rng: Rng, lang: 'en' | 'tl'): Part[] {
  const frames = SCAM_LIST_FRAMES[lang];
  const list = (items: readonly string[], count: number): string => {
    const picked = sample(rng, items, count);
    return `${picked.slice(0, -1).join(', ')} ${lang === 'en' ? 'and' : 'at'} ${picked.at(-1)}`;
  };
  return [
    part(
      'perks',
      compile(rng.pick(frames.perks).replace('{list}', list(SCAM_PERKS[lang], 3))),
      false,
    ),
    part(
      'tasks',
      compile(rng.pick(frames.tasks).replace('{list}', list(SCAM_TASKS[lang], 2))),
      false,
    ),
  ];
}

function planScam(rng: Rng, index: number): ScamGroup {
  const id = `scam-${pad3(index)}`;
  const country = index === 1 ? 'PH' : pickCountry(rng, SCAM_SOURCE_WEIGHTS, scamSourceCumulative);
  const lang: 'en' | 'tl' = country === 'PH' && (index === 1 || rng.chance(0.5)) ? 'tl' : 'en';
  const pool = CITIES[country] ?? [];
  const cities = sample(rng, pool, Math.min(pool.length, rng.range(1, 3)));
  const dest = rng.pick(DESTINATIONS);
  const { startWeek, weeks } = activeWeeks(rng, index);
  const kit = K_SCAM[lang];
  const wallet = rng.chance(0.35) ? tronAddress(rng) : undefined;
  const templates: ScamTemplate[] = [];
  const templateCount = rng.range(2, 3);
  for (let j = 0; j < templateCount; j++) {
    const parts = compose(rng, kit, SCAM_PLAN_BASE);
    const more = compose(rng, kit, [
      ['living', dest.compound ? 0.9 : 0.4],
      ['docs', dest.compound ? 0.6 : 0.3],
      [wallet !== undefined && rng.chance(0.6) ? 'feeWallet' : 'fee', 0.6],
      ['hours', 0.5],
      ['urgent', 0.7],
    ]);
    templates.push({
      id: `${id}-t${j + 1}`,
      title: rng.pick(section(kit, 'title')),
      parts: shuffleMiddle(rng, [...parts, ...listSentences(rng, lang), ...more]),
      telegram: rng.pick(section(kit, 'telegram')),
      whatsapp: rng.pick(section(kit, 'whatsapp')),
    });
  }
  const company = rng.pick(SCAM_COMPANIES);
  const slug = ascii(company.split(' ')[0] ?? company);
  const telegrams: string[] = [];
  for (let t = rng.range(1, 3); t > 0; t--) {
    telegrams.push(
      rng.chance(0.5)
        ? `hr_${slug}${index + 1}${t}`
        : `${rng.pick(HANDLE_WORDS_A)}_${rng.pick(HANDLE_WORDS_B)}${index + 1}${t}_hr`,
    );
  }
  const whatsapp: PhoneRec[] = [];
  const destPhones = DESTINATION_PHONES[dest.phones] ?? [];
  if (destPhones.length > 0 && rng.chance(0.5)) {
    const area = rng.pick(destPhones);
    whatsapp.push(makePhone(area, lineAt(area, rng.int(lineCount(area)))));
  }
  return {
    id,
    kind: dest.compound ? 'scam-compound-recruitment' : 'recruitment-scam',
    lang,
    country,
    cities,
    dest,
    company,
    roles: sample(rng, SCAM_ROLES, 2),
    salary: rng.pick(SCAM_SALARIES),
    fee: rng.pick(SCAM_FEES),
    langs: rng.pick(SCAM_LANGS),
    startWeek,
    weeks,
    weight: 0.5 + rng.float() * 1.5,
    templates,
    telegrams,
    telegramWeeks: rng.range(6, 10),
    whatsapp,
    whatsappShare: whatsapp.length > 0 ? 0.2 + rng.float() * 0.3 : 0,
    wallet,
    flyer: rng.chance(0.5) ? image(rng) : undefined,
    sources: sample(rng, ['social-c', 'jobs-board-b'], rng.range(1, 2)),
  };
}

const STAFFING_LANGS: readonly Lang[] = ['en', 'es', 'fr'];

function planHub(rng: Rng, book: PhoneBook, index: number): Hub {
  const id = `hub-${pad3(index)}`;
  const country = pickCountry(rng, MARKET_WEIGHTS, marketCumulative, STAFFING_LANGS);
  const home = pickCity(rng, country, STAFFING_LANGS);
  const lang = home.lang as 'en' | 'es' | 'fr';
  const pool = (CITIES[country] ?? []).filter((c) => c.lang === home.lang && c !== home);
  const cities = [home, ...sample(rng, pool, rng.range(4, 14))];
  const kit = K_STAFFING[lang];
  const base = AGENCY_NAMES[index % AGENCY_NAMES.length] as string;
  const agency = index < AGENCY_NAMES.length ? base : `${base} ${home.city}`;
  const slug = ascii(agency);
  const templates: HubTemplate[] = [];
  for (let j = rng.range(2, 3), t = 0; t < j; t++) {
    templates.push({
      id: `${id}-t${t + 1}`,
      title: rng.pick(section(kit, 'title')),
      parts: compose(rng, kit, [
        ['intro', 1],
        ['pay', 1],
        ['terms', 0.8],
        ['urgent', 0.5],
        ['contact', 1],
      ]),
    });
  }
  const phone = book.take(rng, home.areas, COUNTRY_AREAS.get(country) ?? [], true);
  return {
    id,
    agency,
    country,
    lang,
    cities,
    phone,
    phoneStyles: sample(rng, phone.styles, 2),
    site: `https://jobs.${slug}.example`,
    email: makeEmail(`jobs.${slug.slice(0, 12)}${index + 1}`, rng),
    templates,
    logo: rng.chance(0.6) ? image(rng) : undefined,
  };
}

const INDEPENDENT_PLAN: readonly (readonly [string, number])[] = [
  ['intro', 1],
  ['about', 0.7],
  ['move', 0.6],
  ['screen', 0.6],
  ['trust', 0.25],
  ['eth', 0.15],
  ['price', 0.9],
  ['site', 0.35],
  ['pay', 0.15],
  ['contact', 1],
];

function planIndependent(rng: Rng, book: PhoneBook, k: number): Poster {
  const country = pickCountry(rng, MARKET_WEIGHTS, marketCumulative);
  const city = pickCity(rng, country);
  const lang = asWestern(city.lang);
  const kit = K_INDEPENDENT[lang];
  const name = rng.pick(LOCAL_NAMES[lang]);
  const slug = ascii(name);
  // Some independents keep a number from another city: area code alone is not evidence.
  const phoneCity = rng.chance(0.2) ? pickCity(rng, country) : city;
  const phone = takeCityPhone(book, rng, phoneCity, 0.8, false);
  const base = rng.range(25, 50) * 10;
  const parts = compose(rng, kit, INDEPENDENT_PLAN).filter(
    (p) => p.key !== 'pay' || country === 'US',
  );
  const cashapp = `${slug}${k + 10}`;
  const values: [number, string][] = [
    [S.name, name],
    [S.age, String(rng.range(24, 45))],
    [S.city, city.city],
    [S.price, money(localPrice(base, country), country)],
    [S.price2, money(localPrice(base * 1.8, country), country)],
    [S.eth, rng.pick(ETHNICITIES)[lang]],
    [S.site, `https://${slug}-${k}.example`],
    [S.pay, `$${cashapp}`],
  ];
  return poster({
    k,
    templateId: `ind-${k}`,
    city,
    lang,
    title: rng.pick(section(kit, 'title')),
    parts,
    phone,
    phoneStyle: rng.pick(phone.styles),
    email: undefined,
    values,
    images: images(rng, rng.range(2, 4)),
    sources: sample(rng, ['classifieds-a', 'classifieds-b'], rng.range(1, 2)),
    handles: parts.some((p) => p.key === 'pay') ? [`cashapp:${cashapp}`] : [],
    wallet: undefined,
    roles: [],
    kind: 'independent-ad',
  });
}

function license(rng: Rng, country: string): string {
  const digits = (count: number) => {
    let s = '';
    for (let i = 0; i < count; i++) s += String(rng.int(10));
    return s;
  };
  switch (country) {
    case 'US':
      return `license MT-${digits(6)}`;
    case 'CA':
      return `RMT #${digits(5)}`;
    case 'GB':
      return `CNHC reg. ${digits(6)}`;
    case 'AU':
      return `AHPRA PHY000${digits(7)}`;
    case 'ES':
      return `Col. nº ${digits(4)}`;
    case 'FR':
      return `RPPS ${digits(11)}`;
    case 'MX':
      return `Céd. Prof. ${digits(7)}`;
    case 'BR':
      return `CREFITO ${digits(6)}-F`;
    default:
      return `cédula ${digits(5)}`;
  }
}

function planClinic(rng: Rng, book: PhoneBook, k: number): Poster {
  const country = pickCountry(rng, MARKET_WEIGHTS, marketCumulative);
  const city = pickCity(rng, country);
  const lang = asWestern(city.lang);
  const kit = K_CLINIC[lang];
  const [a, b] = rng.pick(CLINIC_WORDS);
  const name =
    lang === 'en'
      ? `${a} ${b}`
      : lang === 'es'
        ? `Fisio ${a}`
        : lang === 'fr'
          ? `Cabinet ${a}`
          : `Clínica ${a}`;
  const phone = takeCityPhone(book, rng, city, 0.2, false);
  const base = rng.range(8, 13) * 10;
  const parts = compose(rng, kit, [
    ['intro', 1],
    ['staff', 0.9],
    ['services', 0.9],
    ['price', 1],
    ['hours', 0.8],
    ['extra', 0.7],
    ['contact', 1],
  ]);
  return poster({
    k,
    templateId: `clinic-${k}`,
    city,
    lang,
    title: rng.pick(section(kit, 'title')),
    parts,
    phone,
    phoneStyle: rng.pick(phone.styles),
    email: undefined,
    values: [
      [S.company, name],
      [S.city, city.city],
      [S.area, rng.pick(AREAS[lang])],
      [S.license, license(rng, country)],
      [S.price, money(localPrice(base, country), country)],
      [S.price2, money(localPrice(base * 1.4, country), country)],
      [S.hours, rng.pick(HOURS[lang])],
      [S.site, `https://${ascii(name)}${k}.example`],
    ],
    images: rng.chance(0.7) ? [image(rng)] : [],
    sources: sample(rng, ['classifieds-a', 'classifieds-b'], rng.range(1, 2)),
    handles: [],
    wallet: undefined,
    roles: [],
    kind: 'massage-clinic',
  });
}

function planRental(rng: Rng, book: PhoneBook, k: number): Poster {
  const country = pickCountry(rng, MARKET_WEIGHTS, marketCumulative);
  const city = pickCity(rng, country);
  const lang = asWestern(city.lang);
  const kit = K_RENTAL[lang];
  const company = rng.chance(0.4) ? rng.pick(PROPERTY_MANAGERS) : undefined;
  const usesPhone = rng.chance(0.75);
  const phone = usesPhone ? takeCityPhone(book, rng, city, 0.6, false) : undefined;
  const parts = compose(rng, kit, [
    ['intro', 1],
    ['rent', 1],
    ['details', 0.8],
    ['terms', 0.8],
    ['move', 0.15],
    ['manager', company === undefined ? 0 : 1],
    [usesPhone ? 'contact' : 'contactEmail', 1],
  ]);
  return poster({
    k,
    templateId: `rent-${k}`,
    city,
    lang,
    title: rng.pick(section(kit, 'title')),
    parts,
    phone,
    phoneStyle: phone === undefined ? 0 : rng.pick(phone.styles),
    email: usesPhone ? undefined : makeEmail(`${handleFromWords(rng, '.')}.r${k}`, rng),
    values: [
      [S.city, city.city],
      [S.company, company ?? ''],
      [S.site, `https://${ascii(company ?? 'homes')}${k}.example`],
    ],
    images: [],
    sources: sample(rng, ['rentals-e', 'classifieds-b'], rng.range(1, 2)),
    handles: [],
    wallet: undefined,
    roles: [],
    kind: 'rental',
  });
}

function planEmployer(rng: Rng, book: PhoneBook, k: number): Poster {
  const country = pickCountry(rng, MARKET_WEIGHTS, marketCumulative);
  const city = pickCity(rng, country);
  const lang = asWestern(city.lang);
  const kit = K_JOB[lang];
  const [a, b] = rng.pick(COMPANY_WORDS);
  const company = `${a} ${b}`;
  const slug = `${ascii(company)}${k}`;
  const phone = rng.chance(0.6) ? takeCityPhone(book, rng, city, 0.3, false) : undefined;
  const roles = sample(rng, JOB_ROLES[lang], rng.range(1, 3));
  const nurse = roles.some((r) => /nurse|enfermer|soignant|enfermagem|healthcare/.test(r));
  const parts = compose(rng, kit, [
    ['intro', 1],
    ['pay', 0.9],
    ['req', 0.8],
    ['hours', 0.7],
    ['benefits', 0.6],
    ['urgent', 0.3],
    ['intl', nurse ? 0.4 : 0],
  ]);
  // Employers without a phone are reached by site or email only.
  const contacts = section(kit, 'contact').filter(
    (t) => phone !== undefined || !t.includes(S.contact),
  );
  parts.push(part('contact', rng.pick(contacts), false));
  return poster({
    k,
    templateId: `job-${k}`,
    city,
    lang,
    title: rng.pick(section(kit, 'title')),
    parts,
    phone,
    phoneStyle: phone === undefined ? 0 : rng.pick(phone.styles),
    email: makeEmail(`jobs.${ascii(company).slice(0, 12)}${k}`, rng),
    values: [
      [S.company, company],
      [S.city, city.city],
      [S.area, rng.pick(AREAS[lang])],
      [S.site, `https://careers.${slug}.example`],
      [S.country, COUNTRY_NAMES[city.country] ?? city.country],
    ],
    images: rng.chance(0.3) ? [image(rng)] : [],
    sources: sample(rng, ['jobs-board-b', 'classifieds-b'], rng.range(1, 2)),
    handles: [],
    wallet: undefined,
    roles,
    kind: 'job',
  });
}

const ENGLISH: readonly Lang[] = ['en'];

function planCryptoPoster(rng: Rng, k: number): Poster {
  const country = pickCountry(rng, MARKET_WEIGHTS, marketCumulative, ENGLISH);
  const city = pickCity(rng, country, ENGLISH);
  const tutoring = rng.chance(0.5);
  const kit = tutoring ? K_TUTORING : K_CRYPTO;
  const parts = compose(rng, kit, [
    ['intro', 1],
    ['details', 0.9],
    ['pay', 1],
    ['contact', 1],
  ]);
  const eth = rng.chance(0.5);
  const wallet = eth ? ethereumAddress(rng) : bitcoinAddress(rng);
  // A tutor who quotes ETH shows an Ethereum address; a Bitcoin line shows a Bitcoin one.
  const payTpl = section(kit, 'pay').find((t) =>
    (t[0] as string).includes(eth ? 'ETH' : 'Bitcoin'),
  );
  const fixed = parts.map((p) =>
    p.key === 'pay' && tutoring && payTpl !== undefined ? { ...p, tpl: payTpl } : p,
  );
  return poster({
    k,
    templateId: `post-${k}`,
    city,
    lang: 'en',
    title: rng.pick(section(kit, 'title')),
    parts: fixed,
    phone: undefined,
    phoneStyle: 0,
    email: makeEmail(`${handleFromWords(rng, '.')}.${k}`, rng),
    values: [
      [S.city, city.city],
      [S.price, money(localPrice(rng.range(3, 7) * 10, country), country)],
      [S.wallet, wallet],
    ],
    images: [],
    sources: sample(rng, ['social-c', 'classifieds-b'], rng.range(1, 2)),
    handles: [],
    wallet,
    roles: [],
    kind: tutoring ? 'tutoring' : 'crypto-post',
  });
}

const DATING_LANGS: readonly Lang[] = ['en', 'es'];
const MALE_NAMES: readonly string[] = [...(NAMES.male ?? []), ...(NAMES.male2 ?? [])];
const DATING_PLAN: readonly (readonly [string, number])[] = [
  ['intro', 1],
  ['hobbies', 1],
  ['looking', 0.8],
  ['trait', 0.5],
  ['trust', 0.3],
  ['contact', 1],
];

function planDating(rng: Rng, k: number): Poster {
  const country = pickCountry(rng, MARKET_WEIGHTS, marketCumulative, DATING_LANGS);
  const city = pickCity(rng, country, DATING_LANGS);
  const lang = city.lang === 'es' ? 'es' : 'en';
  const kit = K_DATING[lang];
  const names = lang === 'es' ? LOCAL_NAMES.es : rng.chance(0.5) ? MALE_NAMES : LOCAL_NAMES.en;
  const name = rng.pick(names);
  const hobbies = sample(rng, HOBBIES[lang], 2);
  const first = hobbies[0] as string;
  const handle = `${ascii(name)}${rng.chance(0.5) ? '.' : '_'}${ascii(first).slice(0, 8)}${k + 1}`;
  const instagram = rng.chance(0.7);
  const contact = instagram
    ? rng.pick([`ig: ${handle}`, `IG @${handle}`, `instagram.com/${handle}`])
    : rng.pick([`snap: ${handle}`, `Snapchat @${handle}`]);
  return poster({
    k,
    templateId: `date-${k}`,
    city,
    lang,
    title: rng.pick(section(kit, 'title')),
    parts: compose(rng, kit, DATING_PLAN),
    phone: undefined,
    phoneStyle: 0,
    email: undefined,
    values: [
      [S.name, name],
      [S.age, String(rng.range(21, 45))],
      [S.city, city.city],
      [S.hobby, first],
      [S.hobby2, hobbies[1] as string],
      [S.eth, rng.pick(ETHNICITIES)[lang]],
      [S.contact, contact],
    ],
    images: images(rng, rng.range(1, 3)),
    sources: rng.chance(0.6) ? ['dating-d'] : ['dating-d', 'social-c'],
    handles: [`${instagram ? 'instagram' : 'snapchat'}:${handle}`],
    wallet: undefined,
    roles: [],
    kind: 'dating-profile',
  });
}

interface Plan {
  readonly networks: readonly Network[];
  readonly networkWeeks: readonly WeekTable[];
  readonly scams: readonly ScamGroup[];
  readonly scamWeeks: readonly WeekTable[];
  readonly hubs: readonly Hub[];
  readonly hubCumulative: Float64Array;
  readonly independents: readonly Poster[];
  readonly clinics: readonly Poster[];
  readonly rentals: readonly Poster[];
  readonly employers: readonly Poster[];
  readonly cryptos: readonly Poster[];
  readonly datingProfiles: readonly Poster[];
}

const PLAN_SALT = 0x504c414e;
const ITEM_SALT = 0x4954454d;

function plan(n: number, seed: number): Plan {
  const rng = new Rng(seed, PLAN_SALT);
  const book = new PhoneBook();
  const small = n >= 200 ? 3 : 1;
  const networks: Network[] = [];
  const networkCount = clampCount(n * CORPUS_SHARES.network, 120, small, 800);
  for (let i = 0; i < networkCount; i++) networks.push(planNetwork(rng, book, i));
  const scams: ScamGroup[] = [];
  const scamCount = clampCount(n * CORPUS_SHARES.scam, 80, n >= 200 ? 2 : 1, 400);
  for (let i = 0; i < scamCount; i++) scams.push(planScam(rng, i));
  const hubs: Hub[] = [];
  const hubCount = clampCount(n * CORPUS_SHARES.staffing, 400, 1, 40);
  for (let i = 0; i < hubCount; i++) hubs.push(planHub(rng, book, i));
  const pool = (share: number, per: number, max: number, make: (k: number) => Poster) => {
    const out: Poster[] = [];
    const count = Math.max(1, Math.min(max, Math.ceil((n * share) / per)));
    for (let k = 0; k < count; k++) out.push(make(k));
    return out;
  };
  // Pools are capped so planning stays small; at large n posters simply repost more often.
  const independents = pool(CORPUS_SHARES.independent, 6, 2000, (k) =>
    planIndependent(rng, book, k),
  );
  const clinics = pool(CORPUS_SHARES.clinic, 12, 600, (k) => planClinic(rng, book, k));
  const rentals = pool(CORPUS_SHARES.rental, 8, 1200, (k) => planRental(rng, book, k));
  const employers = pool(CORPUS_SHARES.job, 8, 1200, (k) => planEmployer(rng, book, k));
  const cryptos = pool(CORPUS_SHARES.crypto, 4, 200, (k) => planCryptoPoster(rng, k));
  const datingProfiles = pool(CORPUS_SHARES.dating, 1.5, 2500, (k) => planDating(rng, k));
  return {
    networks,
    networkWeeks: weekTables(networks),
    scams,
    scamWeeks: weekTables(scams),
    hubs,
    // Agencies differ a lot in size: a few national ones post most of the staffing ads.
    hubCumulative: cumulative(hubs.map((_, i) => 1 / (i + 1))),
    independents,
    clinics,
    rentals,
    employers,
    cryptos,
    datingProfiles,
  };
}

// ---------------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------------

/** What one item plants, collected while its text is written. */
class Planted {
  // Most items plant one or two things; sharing one empty array spares four allocations each.
  phones: readonly string[] = NONE;
  emails: readonly string[] = NONE;
  handles: readonly string[] = NONE;
  wallets: readonly string[] = NONE;
  obfuscated = false;

  reset(): void {
    this.phones = NONE;
    this.emails = NONE;
    this.handles = NONE;
    this.wallets = NONE;
    this.obfuscated = false;
  }

  phone(p: PhoneRec): void {
    if (!this.phones.includes(p.e164)) this.phones = with1(this.phones, p.e164);
  }

  email(value: string): void {
    this.emails = with1(this.emails, value);
  }

  handle(value: string): void {
    this.handles = with1(this.handles, value);
  }

  wallet(value: string): void {
    this.wallets = with1(this.wallets, value);
  }
}

const NONE: readonly string[] = Object.freeze([]);

function with1(list: readonly string[], value: string): readonly string[] {
  return list.length === 0 ? [value] : [...list, value];
}

const HOMOGLYPH_TARGETS: readonly (readonly [string, string])[] = [
  ['real', 'r\u0435al'],
  ['photos', 'ph\u043Etos'],
  ['fotos', 'f\u043Etos'],
  ['new', 'n\u0435w'],
  ['nueva', 'nu\u0435va'],
  ['nouvelle', 'nouv\u0435lle'],
  ['nova', 'n\u043Eva'],
];

/** Swaps Latin letters for Cyrillic look-alikes in one word, as ads do to dodge filters. */
function homoglyph(text: string): string {
  for (const [plain, disguised] of HOMOGLYPH_TARGETS) {
    const at = text.indexOf(plain);
    if (at >= 0) return text.slice(0, at) + disguised + text.slice(at + plain.length);
  }
  return text;
}

const SOURCES = [
  'classifieds-a',
  'classifieds-b',
  'jobs-board-b',
  'social-c',
  'dating-d',
  'rentals-e',
] as const;
const URL_PREFIXES = new Map<CityDef, readonly string[]>();

/** Ad URLs on reserved domains; the per-city prefixes are built once. */
function url(source: string, city: CityDef, i: number, rng: Rng): string {
  let prefixes = URL_PREFIXES.get(city);
  if (prefixes === undefined) {
    prefixes = [
      `https://example-classifieds.test/${city.slug}/ad/`,
      `https://listings-b.example/${city.slug}/`,
      'https://jobs-board.test/job/',
      'https://social-c.test/p/',
      'https://dating-d.test/u/',
      'https://rentals-e.test/listing/',
    ];
    URL_PREFIXES.set(city, prefixes);
  }
  const index = SOURCES.indexOf(source as (typeof SOURCES)[number]);
  const prefix = prefixes[index < 0 ? 5 : index] as string;
  // Spaced ids stay unique per item yet do not count up one by one.
  if (index === 3) return prefix + rng.hex(8) + i.toString(36);
  return prefix + (1_000_000 + i * 17 + rng.int(17));
}

/**
 * Writes one item at a time into reused buffers. A class rather than closures inside the
 * generator: V8 optimises its methods well, which keeps generation above 200,000 items/s.
 */
class ItemWriter {
  private readonly v: string[] = SLOTS.map(() => '');
  readonly planted = new Planted();
  // The body grows by concatenation, several times cheaper than collecting pieces for
  // Array.join; `starts` remembers where sentences begin.
  private text = '';
  private readonly starts: number[] = [];
  /** Sentences in this item; `starts`/`essential` are reused and only this many are valid. */
  private count = 0;
  private readonly essential: boolean[] = [];
  title = '';
  label: TruthLabel = 'benign';
  kind = '';
  network: string | undefined = undefined;
  template: string | undefined = undefined;
  city: CityDef = CITIES.US?.[0] as CityDef;
  lang: Lang = 'en';
  source = '';
  images: readonly string[] = NONE;

  constructor(
    private readonly p: Plan,
    private readonly rng: Rng,
  ) {}

  write(kind: number, week: number): void {
    this.planted.reset();
    this.text = '';
    this.count = 0;
    this.label = 'benign';
    this.network = undefined;
    this.template = undefined;
    this.images = NONE;
    switch (kind) {
      case 0:
        this.networkAd(week);
        break;
      case 1:
        this.scamAd(week);
        break;
      case 2:
        this.independentAd();
        break;
      case 3:
        this.staffingAd();
        break;
      case 4:
        this.clinicAd();
        break;
      case 5:
        this.rentalAd();
        break;
      case 6:
        this.datingProfile();
        break;
      case 7:
        this.jobAd();
        break;
      default:
        this.cryptoPost();
    }
  }

  private begin(essential: boolean): void {
    if (this.count > 0) this.text += ' ';
    this.starts[this.count] = this.text.length;
    this.essential[this.count] = essential;
    this.count++;
  }

  private add(text: string, essential: boolean): void {
    this.begin(essential);
    this.text += text;
  }

  private addTpl(tpl: Tpl, essential: boolean): void {
    this.begin(essential);
    for (const part of tpl) this.text += typeof part === 'string' ? part : (this.v[part] as string);
  }

  private end(k: number): number {
    return k + 1 < this.count ? (this.starts[k + 1] as number) - 1 : this.text.length;
  }

  /** Disguises a word of sentence k; look-alikes keep the length. */
  private disguise(k: number): void {
    const start = this.starts[k] as number;
    const end = this.end(k);
    this.text =
      this.text.slice(0, start) + homoglyph(this.text.slice(start, end)) + this.text.slice(end);
  }

  /**
   * The body within BODY_MIN..BODY_MAX. It is returned as built, not flattened: whoever reads
   * it next (JSON.stringify, a regex) flattens it once in place, so doing it here would only
   * move that cost into generation.
   */
  body(rng: Rng): string {
    const text = this.text;
    if (text.length >= BODY_MIN && text.length <= BODY_MAX) return text;
    const sentences: string[] = [];
    for (let k = 0; k < this.count; k++) sentences.push(text.slice(this.starts[k], this.end(k)));
    return fitBody(sentences, this.essential.slice(0, this.count), this.lang, rng);
  }

  private contactPhone(
    phone: PhoneRec,
    style: number,
    obfuscate: boolean,
    obfStyle: number,
  ): string {
    this.planted.phone(phone);
    if (obfuscate) {
      this.planted.obfuscated = true;
      return obfuscatePhone(phone, obfStyle, this.lang, this.rng);
    }
    return formatPhone(phone, style);
  }

  /** Starts an item from a poster's own text: its fixed values, city, language, ids. */
  private fromPoster(poster: Poster): void {
    const slots = poster.valueSlots;
    const texts = poster.valueTexts;
    for (let j = 0; j < slots.length; j++) this.v[slots[j] as number] = texts[j] as string;
    this.city = poster.city;
    this.lang = poster.lang;
    this.kind = poster.kind;
    this.template = poster.templateId;
    this.source = this.rng.pick(poster.sources);
  }

  /** Renders a poster's sentences, dropping an optional one now and then. */
  private renderPoster(poster: Poster, dropRate: number): void {
    const parts = poster.parts;
    let dropped = 0;
    // One draw settles the usual case of a full repost; only the rest decide part by part.
    let keepAll = 1;
    for (let k = 0; k < poster.droppable; k++) keepAll *= 1 - dropRate;
    if (this.rng.float() >= keepAll) {
      for (let k = 0; k < parts.length; k++) {
        const part = parts[k] as Part;
        if (part.optional && !isEssential(part) && this.rng.chance(dropRate)) dropped |= 1 << k;
      }
    }
    const list = dropped === 0 ? poster.segments : parts;
    for (let k = 0; k < list.length; k++) {
      if ((dropped & (1 << k)) !== 0) continue;
      const part = list[k] as Part;
      if (part.text !== undefined) this.add(part.text, isEssential(part));
      else this.addTpl(part.tpl, isEssential(part));
    }
    this.title = poster.titleText ?? renderTitle(poster.title, this.v);
  }

  private networkAd(week: number): void {
    const { p, rng, v, planted } = this;
    const table = p.networkWeeks[week] as WeekTable;
    const net = p.networks[table.ids[rng.weighted(table.cum)] as number] as Network;
    const rel = week - net.startWeek;
    const persona = rng.pick(net.personas);
    // Personas circulate: the week decides which city of their route they are posted in.
    const city = persona.route[
      Math.floor((rel + persona.offset) / persona.stay) % persona.route.length
    ] as CityDef;
    this.city = city;
    this.lang = net.lang;
    const tpl = rng.chance(0.85)
      ? (net.templates[persona.template] as NetTemplate)
      : rng.pick(net.templates);
    // Phones rotate: each line's number is replaced every `weeksPerPhone` weeks.
    const line = persona.line % net.lines.length;
    const phones = net.lines[line] as readonly PhoneRec[];
    const slot = Math.floor((rel + (net.lineOffsets[line] as number)) / net.weeksPerPhone);
    const phone = phones[Math.min(slot, phones.length - 1)] as PhoneRec;
    v[S.name] = persona.name;
    v[S.age] = persona.age;
    v[S.city] = city.city;
    v[S.eth] = persona.eth;
    v[S.price] = persona.price;
    v[S.price2] = persona.price2;
    for (const part of tpl.parts) {
      if (part.optional && rng.chance(0.07)) continue;
      this.addTpl(part.tpl, false);
    }
    if (net.wallet !== undefined && rng.chance(net.walletRate)) {
      v[S.wallet] = net.wallet;
      planted.wallet(net.wallet);
      this.addTpl(tpl.crypto, true);
    } else if (net.giftRate > 0 && rng.chance(net.giftRate)) {
      this.addTpl(tpl.gift, false);
    } else if (net.cashapp !== undefined && rng.chance(0.35)) {
      v[S.pay] = `$${net.cashapp}`;
      planted.handle(`cashapp:${net.cashapp}`);
      this.addTpl(tpl.cashapp, true);
    }
    const obfuscate = rng.chance(net.obfuscationRate);
    const obfStyle = rng.pick(net.obfuscationStyles);
    const mode = rng.float();
    if (net.telegram !== undefined && mode < net.telegramShare) {
      v[S.contact] = rng.chance(0.5) ? `@${net.telegram}` : `t.me/${net.telegram}`;
      planted.handle(`telegram:${net.telegram}`);
      this.addTpl(tpl.telegram, true);
    } else if (net.wechat !== undefined && mode < net.telegramShare + net.wechatShare) {
      v[S.contact] = rng.chance(0.5) ? `wechat: ${net.wechat}` : `WeChat ID ${net.wechat}`;
      planted.handle(`wechat:${net.wechat}`);
      this.addTpl(tpl.wechat, true);
    } else if (mode < net.telegramShare + net.wechatShare + net.whatsappShare) {
      planted.handle(`whatsapp:${phone.e164}`);
      if (!obfuscate && rng.chance(0.5)) {
        planted.phone(phone);
        v[S.contact] = `wa.me/${phone.cc}${phone.nsn}`;
      } else {
        v[S.contact] = this.contactPhone(phone, 1, obfuscate, obfStyle);
      }
      this.addTpl(tpl.whatsapp, true);
    } else {
      v[S.contact] = this.contactPhone(phone, rng.pick(net.phoneStyles), obfuscate, obfStyle);
      this.addTpl(tpl.phone, true);
    }
    this.title = renderTitle(tpl.title, v);
    if (net.homoglyphRate > 0 && rng.chance(net.homoglyphRate)) {
      const k = rng.int(this.count - 1);
      if (!this.essential[k]) this.disguise(k);
    }
    const shown = rng.chance(0.85) ? someImages(rng, persona.images, 3) : [];
    if (rng.chance(0.2)) shown.push(net.sharedImage);
    this.images = shown;
    this.label = 'trafficking';
    this.kind = 'network-ad';
    this.network = net.id;
    this.template = tpl.id;
    this.source = rng.pick(net.sources);
  }

  private scamAd(week: number): void {
    const { p, rng, v, planted } = this;
    const table = p.scamWeeks[week] as WeekTable;
    const group = p.scams[table.ids[rng.weighted(table.cum)] as number] as ScamGroup;
    const rel = week - group.startWeek;
    this.city = rng.pick(group.cities);
    this.lang = group.lang;
    const tpl = rng.pick(group.templates);
    v[S.company] = group.company;
    v[S.role] = rng.pick(group.roles);
    v[S.dest] = group.dest.text;
    v[S.transit] = group.dest.transit;
    v[S.salary] = group.salary;
    v[S.fee] = group.fee;
    v[S.langs] = group.langs;
    for (const part of tpl.parts) {
      if (part.key === 'feeWallet' && group.wallet !== undefined) {
        v[S.wallet] = group.wallet;
        planted.wallet(group.wallet);
        this.addTpl(part.tpl, true);
        continue;
      }
      if (part.optional && rng.chance(0.08)) continue;
      this.addTpl(part.tpl, false);
    }
    // Recruiters switch Telegram accounts every few weeks when reported.
    const handle = group.telegrams[
      Math.floor(rel / group.telegramWeeks) % group.telegrams.length
    ] as string;
    if (group.whatsapp.length > 0 && rng.chance(group.whatsappShare)) {
      const phone = rng.pick(group.whatsapp);
      planted.handle(`whatsapp:${phone.e164}`);
      v[S.contact] = this.contactPhone(phone, 1, rng.chance(0.1), rng.int(OBFUSCATION_STYLES));
      this.addTpl(tpl.whatsapp, true);
    } else {
      v[S.contact] = rng.chance(0.7) ? `@${handle}` : `t.me/${handle}`;
      planted.handle(`telegram:${handle}`);
      this.addTpl(tpl.telegram, true);
    }
    this.title = renderTitle(tpl.title, v);
    if (group.flyer !== undefined && rng.chance(0.6)) this.images = [group.flyer];
    this.label = 'scam';
    this.kind = group.kind;
    this.network = group.id;
    this.template = tpl.id;
    this.source = rng.pick(group.sources);
  }

  private independentAd(): void {
    const { p, rng, v } = this;
    const poster = rng.pick(p.independents);
    this.fromPoster(poster);
    const obfuscate = rng.chance(0.06);
    v[S.contact] = this.contactPhone(
      poster.phone as PhoneRec,
      poster.phoneStyle,
      obfuscate,
      rng.int(2),
    );
    this.planted.handles = poster.handles;
    this.renderPoster(poster, 0.06);
    if (rng.chance(0.8)) this.images = someImages(rng, poster.images, 3);
  }

  private staffingAd(): void {
    const { p, rng, v } = this;
    const hub = p.hubs[rng.weighted(p.hubCumulative)] as Hub;
    const city = rng.pick(hub.cities);
    this.city = city;
    this.lang = hub.lang;
    const tpl = rng.pick(hub.templates);
    v[S.agency] = hub.agency;
    v[S.city] = city.city;
    v[S.role] = hub.lang === 'en' ? rng.pick(STAFFING_ROLES) : rng.pick(JOB_ROLES[hub.lang]);
    v[S.wage] = wage(rng, hub.country, hub.lang);
    v[S.site] = hub.site;
    // One switchboard number on every ad in every city: a hub, not a network.
    v[S.contact] = this.contactPhone(hub.phone, rng.pick(hub.phoneStyles), false, 0);
    for (const part of tpl.parts) {
      if (part.optional && rng.chance(0.05)) continue;
      this.addTpl(part.tpl, part.key === 'contact');
    }
    this.title = renderTitle(tpl.title, v);
    if (hub.logo !== undefined && rng.chance(0.7)) this.images = [hub.logo];
    this.kind = 'staffing-agency';
    this.network = hub.id;
    this.template = tpl.id;
    this.source = rng.chance(0.7) ? 'jobs-board-b' : 'classifieds-b';
  }

  private clinicAd(): void {
    const { p, rng, v } = this;
    const poster = rng.pick(p.clinics);
    this.fromPoster(poster);
    v[S.contact] = this.contactPhone(
      poster.phone as PhoneRec,
      poster.phoneStyle,
      rng.chance(0.02),
      5,
    );
    this.renderPoster(poster, 0.05);
    this.images = poster.images;
  }

  private rentalAd(): void {
    const { p, rng, v, planted } = this;
    const poster = rng.pick(p.rentals);
    this.fromPoster(poster);
    const western = asWestern(this.lang);
    const country = poster.city.country;
    v[S.area] = rng.pick(AREAS[western]);
    v[S.rooms] = rng.pick(ROOMS[western]);
    v[S.rent] = money(localPrice(rng.range(7, 24) * 100, country), country);
    if (poster.phone !== undefined) {
      v[S.contact] = this.contactPhone(
        poster.phone,
        poster.phoneStyle,
        rng.chance(0.04),
        rng.int(2),
      );
    } else if (poster.email !== undefined) {
      const obfuscate = rng.chance(0.04);
      v[S.email] = formatEmail(poster.email, obfuscate, rng);
      planted.email(poster.email.value);
      if (obfuscate) planted.obfuscated = true;
    }
    this.renderPoster(poster, 0.05);
    if (rng.chance(0.7)) this.images = images(rng, rng.range(2, 5));
  }

  private datingProfile(): void {
    const poster = this.rng.pick(this.p.datingProfiles);
    this.fromPoster(poster);
    this.planted.handles = poster.handles;
    this.renderPoster(poster, 0);
    this.images = poster.images;
  }

  private jobAd(): void {
    const { p, rng, v, planted } = this;
    const poster = rng.pick(p.employers);
    this.fromPoster(poster);
    v[S.role] = rng.pick(poster.roles);
    v[S.wage] = wage(rng, poster.city.country, this.lang);
    if (poster.phone !== undefined && poster.showsPhone) {
      v[S.contact] = this.contactPhone(poster.phone, poster.phoneStyle, rng.chance(0.03), 1);
    }
    const email = poster.email as EmailRec;
    v[S.email] = email.value;
    if (poster.showsEmail) planted.email(email.value);
    this.renderPoster(poster, 0.05);
    this.images = poster.images;
  }

  private cryptoPost(): void {
    const { p, rng, v, planted } = this;
    const poster = rng.pick(p.cryptos);
    this.fromPoster(poster);
    const email = poster.email as EmailRec;
    const obfuscate = rng.chance(0.1);
    v[S.email] = formatEmail(email, obfuscate, rng);
    if (obfuscate) planted.obfuscated = true;
    planted.email(email.value);
    planted.wallet(poster.wallet as string);
    this.renderPoster(poster, 0.05);
  }
}

/** ISO date-times for increasing timestamps; toISOString per item would dominate the run. */
class Clock {
  private day = Number.NaN;
  private dayText = '';

  iso(ms: number): string {
    const day = Math.floor(ms / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.dayText = new Date(day * DAY_MS).toISOString().slice(0, 11);
    }
    const seconds = Math.floor((ms - day * DAY_MS) / 1000);
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    return `${this.dayText}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[seconds % 60]}Z`;
  }
}

const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, i) =>
  String(i).padStart(2, '0'),
);

/** Truth records with one key order, without spreading optional keys per item. */
function makeTruth(
  id: string,
  label: TruthLabel,
  kind: string,
  network: string | undefined,
  template: string | undefined,
  planted: Planted,
): GroundTruth {
  const { phones, emails, handles, wallets, obfuscated } = planted;
  if (network !== undefined && template !== undefined) {
    return { id, label, kind, network, template, phones, emails, handles, wallets, obfuscated };
  }
  if (template !== undefined) {
    return { id, label, kind, template, phones, emails, handles, wallets, obfuscated };
  }
  if (network !== undefined) {
    return { id, label, kind, network, phones, emails, handles, wallets, obfuscated };
  }
  return { id, label, kind, phones, emails, handles, wallets, obfuscated };
}

const LOCATIONS = new Map<CityDef, NonNullable<Item['location']>>();

/** One shared location object per city: items are read-only and most share a few cities. */
function locationOf(city: CityDef): NonNullable<Item['location']> {
  let location = LOCATIONS.get(city);
  if (location === undefined) {
    location = Object.freeze({ city: city.city, region: city.region, country: city.country });
    LOCATIONS.set(city, location);
  }
  return location;
}

/**
 * Streams `n` items with their ground truth. Same options give byte-identical output; memory
 * stays bounded whatever `n` is.
 */
export function* generateCorpus(options: CorpusOptions): Generator<CorpusRecord> {
  const { n, seed, start } = validateCorpusOptions(options);
  const startMs = parseStart(start ?? DEFAULT_CORPUS_START) as number;
  const rng = new Rng(seed, ITEM_SALT);
  const writer = new ItemWriter(plan(n, seed), rng);
  const clock = new Clock();
  const prefix = `c${seed.toString(36)}-`;
  const width = Math.max(6, String(n).length);
  const cuts = cumulative(Object.values(CORPUS_SHARES));
  const total = cuts[cuts.length - 1] as number;

  for (let i = 0; i < n; i++) {
    // Postings spread evenly over the span, so ids and dates increase together.
    const t = startMs + Math.floor(((i + rng.float()) * SPAN_MS) / n / 1000) * 1000;
    const week = Math.min(WEEKS - 1, Math.floor((t - startMs) / WEEK_MS));
    const draw = rng.float() * total;
    let kind = 0;
    while (kind < cuts.length - 1 && draw >= (cuts[kind] as number)) kind++;
    writer.write(kind, week);

    const { city, lang, source } = writer;
    const id = prefix + String(i + 1).padStart(width, '0');
    const title = fitTitle(writer.title, city.city);
    const body = writer.body(rng);
    const location = locationOf(city);
    const link = url(source, city, i, rng);
    const posted = clock.iso(t);
    const item: Item =
      writer.images.length > 0
        ? {
            id,
            title,
            body,
            url: link,
            posted_at: posted,
            location,
            language: lang,
            images: writer.images,
            source,
          }
        : { id, title, body, url: link, posted_at: posted, location, language: lang, source };
    const truth = makeTruth(
      id,
      writer.label,
      writer.kind,
      writer.network,
      writer.template,
      writer.planted,
    );
    yield { item, truth };
  }
}
