/**
 * Structural features: facts about an item's contacts that no single word shows, computed once
 * from the extracted entities and read by rules through `feature: <name>` (docs/rules.md).
 *
 * Why these: the outcome study of escort ads (JIRN/JRSA 2024, reference/detection.md §3.1) found
 * an obscured phone number predictive, and practitioners read the structure of contacts (a
 * phone from another region than the ad, contact only through messaging apps, many numbers in
 * one ad, a third party who takes the bookings) more than single keywords (§3.2). Each feature
 * carries the ranges of the text it rests on, so a reviewer can see why it holds.
 */
import type { Doc } from './doc.js';
import {
  DOC_FIELD_SEPARATOR,
  type Entities,
  type Handle,
  MESSAGING_PLATFORMS,
  type Phone,
  type Platform,
  type Range,
  type Span,
} from './types.js';

export const FEATURE_NAMES = [
  'phone_region_mismatch',
  'messaging_only_contact',
  'obscured_contact',
  'crypto_payment',
  'many_contacts',
  'third_party_contact',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** The features that hold, each with its evidence in the joined original text. */
export type Features = Readonly<Partial<Record<FeatureName, readonly Range[]>>>;

/** Range of the joined original text (title, blank line, body) of an entity's field span. */
export function rangeOfSpan(doc: Doc, span: Span): Range {
  if (span.field === 'title' || doc.title.length === 0) return { start: span.start, end: span.end };
  const offset = doc.title.length + DOC_FIELD_SEPARATOR.length;
  return { start: span.start + offset, end: span.end + offset };
}

// ---------------------------------------------------------------------------------------------
// Regions: the posting region as ISO 3166-2, to compare with a NANP phone's area ("US-NY")

const US_STATES: Readonly<Record<string, string>> = {
  AL: 'alabama',
  AK: 'alaska',
  AZ: 'arizona',
  AR: 'arkansas',
  CA: 'california',
  CO: 'colorado',
  CT: 'connecticut',
  DE: 'delaware',
  DC: 'district of columbia',
  FL: 'florida',
  GA: 'georgia',
  HI: 'hawaii',
  ID: 'idaho',
  IL: 'illinois',
  IN: 'indiana',
  IA: 'iowa',
  KS: 'kansas',
  KY: 'kentucky',
  LA: 'louisiana',
  ME: 'maine',
  MD: 'maryland',
  MA: 'massachusetts',
  MI: 'michigan',
  MN: 'minnesota',
  MS: 'mississippi',
  MO: 'missouri',
  MT: 'montana',
  NE: 'nebraska',
  NV: 'nevada',
  NH: 'new hampshire',
  NJ: 'new jersey',
  NM: 'new mexico',
  NY: 'new york',
  NC: 'north carolina',
  ND: 'north dakota',
  OH: 'ohio',
  OK: 'oklahoma',
  OR: 'oregon',
  PA: 'pennsylvania',
  RI: 'rhode island',
  SC: 'south carolina',
  SD: 'south dakota',
  TN: 'tennessee',
  TX: 'texas',
  UT: 'utah',
  VT: 'vermont',
  VA: 'virginia',
  WA: 'washington',
  WV: 'west virginia',
  WI: 'wisconsin',
  WY: 'wyoming',
  PR: 'puerto rico',
  GU: 'guam',
  VI: 'us virgin islands',
  AS: 'american samoa',
  MP: 'northern mariana islands',
};

const CA_PROVINCES: Readonly<Record<string, string>> = {
  AB: 'alberta',
  BC: 'british columbia',
  MB: 'manitoba',
  NB: 'new brunswick',
  NL: 'newfoundland and labrador',
  NS: 'nova scotia',
  NT: 'northwest territories',
  NU: 'nunavut',
  ON: 'ontario',
  PE: 'prince edward island',
  QC: 'quebec',
  SK: 'saskatchewan',
  YT: 'yukon',
};

function regionTable(country: 'US' | 'CA'): Map<string, string> {
  const table = new Map<string, string>();
  for (const [code, name] of Object.entries(country === 'US' ? US_STATES : CA_PROVINCES)) {
    const iso = `${country}-${code}`;
    table.set(code.toLowerCase(), iso);
    table.set(name, iso);
    table.set(iso.toLowerCase(), iso);
  }
  return table;
}
const REGIONS: Readonly<Record<'US' | 'CA', Map<string, string>>> = {
  US: regionTable('US'),
  CA: regionTable('CA'),
};
// Spellings people use besides the official names.
REGIONS.US.set('washington dc', 'US-DC');
REGIONS.US.set('washington d c', 'US-DC');
REGIONS.CA.set('newfoundland', 'CA-NL');
REGIONS.CA.set('pei', 'CA-PE');
REGIONS.CA.set('yukon territory', 'CA-YT');

/**
 * ISO 3166-2 code of a US state or Canadian province given by name, abbreviation or code
 * ("New York", "NY", "N.Y.", "US-NY", "Québec"). Undefined for anything else.
 */
export function regionCode(region: string | undefined, country?: string): string | undefined {
  if (region === undefined) return undefined;
  // Memo: items of a feed name the same few regions over and over, and the normalisation below
  // (NFKD, four regexes) costs more than the rest of the features. No country and "" read alike.
  const countryKey = country ?? '';
  const known = regionMemo.get(countryKey);
  if (known?.has(region)) return known.get(region);
  const code = lookUpRegion(region, country);
  // Region names come from item data: bound the memo on hostile input.
  if (regionMemoSize >= MAX_REGION_MEMO) {
    regionMemo.clear();
    regionMemoSize = 0;
  }
  let byRegion = regionMemo.get(countryKey);
  if (byRegion === undefined) {
    byRegion = new Map();
    regionMemo.set(countryKey, byRegion);
  }
  byRegion.set(region, code);
  regionMemoSize++;
  return code;
}

const MAX_REGION_MEMO = 4096;
/** Country as given ("" for none) → region as given → code. */
const regionMemo = new Map<string, Map<string, string | undefined>>();
let regionMemoSize = 0;

function lookUpRegion(region: string, country: string | undefined): string | undefined {
  const key = region
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/[\s,_-]+/g, ' ')
    .trim();
  const upper = country?.toUpperCase();
  if (upper === 'US' || upper === 'CA') {
    return REGIONS[upper].get(key) ?? REGIONS[upper].get(key.replace(/ /g, '-'));
  }
  if (upper !== undefined && upper.length > 0) return undefined;
  const dashed = key.replace(/ /g, '-');
  return (
    REGIONS.US.get(key) ?? REGIONS.CA.get(key) ?? REGIONS.US.get(dashed) ?? REGIONS.CA.get(dashed)
  );
}

// ---------------------------------------------------------------------------------------------
// Wording features (folded text; linear: literal alternatives after \b, bounded blanks)

/** "text only", "whatsapp only", "no calls", "solo whatsapp", "sem ligações"… */
const MESSAGING_ONLY_WORDS = [
  '\\b(?:text|txt|texts|sms|whatsapp|telegram|signal|wechat|kik|dm|dms|inbox|message|msg|chat)[ \\t]{0,2}(?:only|solo|solamente|uniquement|seulement|apenas|somente|lang)\\b',
  '\\b(?:only|solo|solamente|somente|apenas|uniquement|seulement)[ \\t]{1,2}(?:by[ \\t]{1,2}|via[ \\t]{1,2}|on[ \\t]{1,2}|por[ \\t]{1,2}|par[ \\t]{1,2}|pelo[ \\t]{1,2})?(?:text|txt|sms|whatsapp|telegram|signal|wechat|dm|mensajes|mensaje|mensagem)\\b',
  '\\bno[ \\t]{1,2}(?:phone[ \\t]{1,2}|voice[ \\t]{1,2})?calls?\\b',
  "\\b(?:don'?t|do[ \\t]{1,2}not)[ \\t]{1,2}call\\b",
  '\\bno[ \\t]{1,2}llamadas\\b',
  '\\bsem[ \\t]{1,2}ligac(?:oes|ao)\\b',
  "\\bpas[ \\t]{1,2}d'?appels?\\b",
];

/** Someone other than the person advertised takes the contact: "call my manager", "her booker will". */
const THIRD_PARTY_WORDS = [
  '\\b(?:contact|call|text|message|msg|ask|email|dm|book[ \\t]{1,2}(?:through|via|with))[ \\t]{1,2}(?:my|our|the|her|their)[ \\t]{1,2}(?:manager|booker|booking[ \\t]{1,2}agent|driver|handler|daddy|assistant|secretary)\\b',
  '\\b(?:her|their|my|our)[ \\t]{1,2}(?:manager|booker|driver|handler)[ \\t]{1,2}(?:will|can|handles|takes|arranges|books)\\b',
];

/** A wording branch without its leading `\b`, which every branch must have (see WORDING). */
function afterBoundary(branch: string): string {
  if (!branch.startsWith('\\b')) throw new Error(`wording /${branch}/ must start with \\b`);
  return branch.slice(2);
}

/**
 * Both wordings in one regex, so the text is scanned once; the group says which matched.
 *
 * Every branch starts with `\b`, written once in front of all of them instead of once per
 * branch: the same matches, since the assertion holds or fails at a position whatever branch
 * follows, but irregexp then rejects most positions (inside words, blanks) with one test instead
 * of trying all nine branches there, which made this regex cost as much as all the other
 * features together.
 */
const WORDING = new RegExp(
  `\\b(?:(?<only>${MESSAGING_ONLY_WORDS.map(afterBoundary).join('|')})|(?<third>${THIRD_PARTY_WORDS.map(afterBoundary).join('|')}))`,
  'gu',
);

const MAX_WORD_HITS = 8;

/** Evidence of the two wordings; a list is undefined when nothing matched. */
interface WordingHits {
  only: Range[] | undefined;
  third: Range[] | undefined;
}

function wordingHits(doc: Doc): WordingHits {
  const text = doc.folded.text;
  const hits: WordingHits = { only: undefined, third: undefined };
  let kept = 0;
  WORDING.lastIndex = 0;
  let m = WORDING.exec(text);
  while (m !== null && kept < 2 * MAX_WORD_HITS) {
    const key = m.groups?.only !== undefined ? 'only' : 'third';
    const list = hits[key] ?? [];
    hits[key] = list;
    if (list.length < MAX_WORD_HITS) {
      list.push(doc.folded.toOriginal(m.index, m.index + m[0].length));
      kept++;
    }
    m = WORDING.exec(text);
  }
  WORDING.lastIndex = 0;
  return hits;
}

const MESSAGING: ReadonlySet<Platform> = new Set(MESSAGING_PLATFORMS);
const NO_HANDLES: readonly Handle[] = Object.freeze([]);

// ---------------------------------------------------------------------------------------------

/**
 * The structural features of a document. `mentions` is the set of messaging and payment
 * platforms the text names (entities/handles.ts `mentionsPlatforms`).
 *
 * Most ads have few contacts: each feature returns early on empty lists, so the common case
 * allocates little beyond the result.
 */
export function computeFeatures(
  doc: Doc,
  entities: Entities,
  mentions: ReadonlySet<string>,
): Features {
  const features: Partial<Record<FeatureName, readonly Range[]>> = {};
  const { phones, emails, handles, urls, wallets } = entities;

  // Phone from another country, or (NANP) another state or province, than the posting.
  if (phones.length > 0) {
    const region = regionCode(doc.context.region, doc.context.country);
    const country = doc.context.country?.toUpperCase() ?? region?.slice(0, 2);
    if (country !== undefined) {
      const away: Range[] = [];
      for (const p of phones) {
        if (
          (p.country !== undefined && p.country !== country) ||
          (region !== undefined && p.area !== undefined && p.area !== region)
        ) {
          away.push(rangeOfSpan(doc, p.span));
        }
      }
      if (away.length > 0) features.phone_region_mismatch = away;
    }
  }

  // Messaging handles or platform names, and no ordinary phone or email; or explicit wording.
  const messagingHandles =
    handles.length === 0 ? NO_HANDLES : handles.filter((h) => h.kind === 'messaging');
  let mentioned: string[] | undefined;
  let onlyThroughMessaging = false;
  if (emails.length === 0) {
    if (messagingHandles.length === 0) {
      mentioned = [];
      for (const m of mentions) if (MESSAGING.has(m as Platform)) mentioned.push(m);
    }
    onlyThroughMessaging =
      (messagingHandles.length > 0 || (mentioned?.length ?? 0) > 0) &&
      !hasOrdinaryPhone(phones, messagingHandles);
  }
  const wording = wordingHits(doc);
  const onlyWords = wording.only;
  if (onlyThroughMessaging || onlyWords !== undefined) {
    const evidence: Range[] = [];
    if (onlyThroughMessaging) {
      for (const h of messagingHandles) evidence.push(rangeOfSpan(doc, h.span));
      if (messagingHandles.length === 0) evidence.push(...mentionRanges(doc, mentioned ?? []));
    }
    if (onlyWords !== undefined) evidence.push(...onlyWords);
    features.messaging_only_contact = evidence;
  }

  // A contact written to defeat search: spelled digits, look-alike letters, odd separators.
  const obscured: Range[] = [];
  const addObscured = (list: readonly { obfuscated: boolean; span: Span }[]): void => {
    for (const e of list) if (e.obfuscated) obscured.push(rangeOfSpan(doc, e.span));
  };
  addObscured(phones);
  addObscured(emails);
  addObscured(handles);
  addObscured(urls);
  if (obscured.length > 0) features.obscured_contact = obscured;

  if (wallets.length > 0) features.crypto_payment = wallets.map((e) => rangeOfSpan(doc, e.span));

  // Distinct phones and handles; a WhatsApp number that is also listed as a phone counts once.
  if (phones.length + handles.length >= 3) {
    const contactKeys = new Set<string>();
    for (const p of phones) contactKeys.add(p.e164);
    for (const h of handles) {
      contactKeys.add(h.handle.startsWith('+') ? h.handle : `${h.platform}:${h.handle}`);
    }
    if (contactKeys.size >= 3) {
      features.many_contacts = [...phones, ...handles].map((e) => rangeOfSpan(doc, e.span));
    }
  }

  const thirdParty = wording.third;
  if (thirdParty !== undefined) features.third_party_contact = thirdParty;

  return features;
}

/** Whether a phone is an ordinary one: neither the number of a messaging handle nor inside one. */
function hasOrdinaryPhone(phones: readonly Phone[], messagingHandles: readonly Handle[]): boolean {
  for (const p of phones) {
    const span = p.span;
    let messaging = false;
    for (const h of messagingHandles) {
      if (
        h.handle === p.e164 ||
        (h.span.field === span.field && span.start >= h.span.start && span.end <= h.span.end)
      ) {
        messaging = true;
        break;
      }
    }
    if (!messaging) return true;
  }
  return false;
}

/** Where the text first names each platform, when it names it plainly. */
function mentionRanges(doc: Doc, platforms: readonly string[]): Range[] {
  const text = doc.folded.text;
  const out: Range[] = [];
  for (const name of platforms) {
    const at = text.indexOf(name);
    if (at >= 0) out.push(doc.folded.toOriginal(at, at + name.length));
  }
  return out;
}
