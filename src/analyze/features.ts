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
  MESSAGING_PLATFORMS,
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

/** Both wordings in one regex, so the text is scanned once; the group says which matched. */
const WORDING = new RegExp(
  `(?<only>${MESSAGING_ONLY_WORDS.join('|')})|(?<third>${THIRD_PARTY_WORDS.join('|')})`,
  'gu',
);

const MAX_WORD_HITS = 8;

function wordingHits(doc: Doc): { only: Range[]; third: Range[] } {
  const text = doc.folded.text;
  const only: Range[] = [];
  const third: Range[] = [];
  WORDING.lastIndex = 0;
  let m = WORDING.exec(text);
  while (m !== null && only.length + third.length < 2 * MAX_WORD_HITS) {
    const list = m.groups?.only !== undefined ? only : third;
    if (list.length < MAX_WORD_HITS) {
      list.push(doc.folded.toOriginal(m.index, m.index + m[0].length));
    }
    m = WORDING.exec(text);
  }
  WORDING.lastIndex = 0;
  return { only, third };
}

const MESSAGING: ReadonlySet<Platform> = new Set(MESSAGING_PLATFORMS);

// ---------------------------------------------------------------------------------------------

/**
 * The structural features of a document. `mentions` is the set of messaging and payment
 * platforms the text names (entities/handles.ts `mentionsPlatforms`).
 */
export function computeFeatures(
  doc: Doc,
  entities: Entities,
  mentions: ReadonlySet<string>,
): Features {
  const features: Partial<Record<FeatureName, readonly Range[]>> = {};
  const spans = (list: readonly { span: Span }[]): Range[] =>
    list.map((e) => rangeOfSpan(doc, e.span));

  // Phone from another country, or (NANP) another state or province, than the posting.
  const region = regionCode(doc.context.region, doc.context.country);
  const country = doc.context.country?.toUpperCase() ?? region?.slice(0, 2);
  if (country !== undefined) {
    const away = entities.phones.filter(
      (p) =>
        (p.country !== undefined && p.country !== country) ||
        (region !== undefined && p.area !== undefined && p.area !== region),
    );
    if (away.length > 0) features.phone_region_mismatch = spans(away);
  }

  // Messaging handles or platform names, and no ordinary phone or email; or explicit wording.
  const messagingHandles = entities.handles.filter((h) => h.kind === 'messaging');
  const messagingNumbers = new Set(messagingHandles.map((h) => h.handle));
  const inHandle = (span: Span): boolean =>
    messagingHandles.some(
      (h) => h.span.field === span.field && span.start >= h.span.start && span.end <= h.span.end,
    );
  const ordinaryPhones = entities.phones.filter(
    (p) => !messagingNumbers.has(p.e164) && !inHandle(p.span),
  );
  const mentioned = [...mentions].filter((m) => MESSAGING.has(m as Platform));
  const onlyThroughMessaging =
    (messagingHandles.length > 0 || mentioned.length > 0) &&
    ordinaryPhones.length === 0 &&
    entities.emails.length === 0;
  const wording = wordingHits(doc);
  const onlyWords = wording.only;
  if (onlyThroughMessaging || onlyWords.length > 0) {
    const evidence: Range[] = [];
    if (onlyThroughMessaging) {
      evidence.push(...spans(messagingHandles));
      if (messagingHandles.length === 0) evidence.push(...mentionRanges(doc, mentioned));
    }
    evidence.push(...onlyWords);
    features.messaging_only_contact = evidence;
  }

  // A contact written to defeat search: spelled digits, look-alike letters, odd separators.
  const obscured = [
    ...entities.phones.filter((e) => e.obfuscated),
    ...entities.emails.filter((e) => e.obfuscated),
    ...entities.handles.filter((e) => e.obfuscated),
    ...entities.urls.filter((e) => e.obfuscated),
  ];
  if (obscured.length > 0) features.obscured_contact = spans(obscured);

  if (entities.wallets.length > 0) features.crypto_payment = spans(entities.wallets);

  // Distinct phones and handles; a WhatsApp number that is also listed as a phone counts once.
  const contactKeys = new Set<string>();
  for (const p of entities.phones) contactKeys.add(p.e164);
  for (const h of entities.handles) {
    contactKeys.add(h.handle.startsWith('+') ? h.handle : `${h.platform}:${h.handle}`);
  }
  if (contactKeys.size >= 3)
    features.many_contacts = spans([...entities.phones, ...entities.handles]);

  const thirdParty = wording.third;
  if (thirdParty.length > 0) features.third_party_contact = thirdParty;

  return features;
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
