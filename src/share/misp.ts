/**
 * MISP event JSON: build an event from Vigil identifiers, and read one back. Pure: the time and,
 * optionally, a UUID source are passed in.
 *
 * Sources: the MISP core format (MISP/misp-rfc misp-core-format, via
 * ../shared/reference/evidence-and-sharing.md "MISP data model"): Event {uuid, info, date,
 * threat_level_id 1 High … 4 Undefined, analysis 0 Initial / 1 Ongoing / 2 Complete,
 * distribution 0 Your organisation only / 1 This community only / 2 Connected communities /
 * 3 All communities / 4 Sharing group, sharing_group_id "0" unless 4, Tag[], Attribute[]};
 * attributes add distribution 5 Inherit event. Attribute types and categories are those of
 * MISP's describeTypes.json (MISP/MISP): `phone-number` (Person), `email` (Social network),
 * `url`, `domain`, `onion-address` (Network activity), `btc`, `xmr`, `dash` (Financial fraud),
 * `text`. `to_ids` follows MISP's defaults for the type. MISP has no type for messaging handles,
 * other chains' wallets or PDQ image hashes: they are `text` attributes whose comment starts
 * with `vigil:handle:<platform>`, `vigil:wallet:<chain>` or `vigil:pdq`, which `parseMispEvent`
 * reads back. Markings are taxonomy tags: `tlp:<level>` (TLP 2.0 names; `tlp:white` read as
 * clear) and `PAP:<LEVEL>` (markings.ts).
 */
import { VigilError } from '../shared/errors.js';
import { instantMs, isoOf } from '../workflow/notices.js';
import { type OnwardSharing, type SharedIdentifier, sharedIdentifierSchema } from './agreement.js';
import {
  type Pap,
  papOfTag,
  papTag,
  strictestPap,
  strictestTlp,
  type Tlp,
  tlpOfTag,
  tlpTag,
} from './markings.js';
import { isStixUuid, uuidV5, VIGIL_STIX_NAMESPACE } from './stix.js';

export const MISP_DISTRIBUTION = {
  organisationOnly: 0,
  communityOnly: 1,
  connectedCommunities: 2,
  allCommunities: 3,
  sharingGroup: 4,
  inheritEvent: 5,
} as const;

/**
 * The event distribution that keeps an agreement's onward-sharing rule on the recipient's MISP:
 * `none` stays with the recipient organisation (0); `parties-only` goes to the agreement's
 * sharing group (4) when there is one, else stays with the organisation; `allowed-with-notice`
 * may reach the recipient's community (1).
 */
export function mispDistributionFor(onward: OnwardSharing, hasSharingGroup: boolean): 0 | 1 | 4 {
  if (onward === 'allowed-with-notice') return 1;
  if (onward === 'parties-only' && hasSharingGroup) return 4;
  return 0;
}

interface AttributeMapping {
  type: string;
  category: string;
  toIds: boolean;
  comment?: string;
}

const WALLET_TYPES: Record<string, string> = { bitcoin: 'btc', monero: 'xmr', dash: 'dash' };

function mappingOf(i: SharedIdentifier): AttributeMapping {
  switch (i.kind) {
    case 'phone':
      return { type: 'phone-number', category: 'Person', toIds: false };
    case 'email':
      return { type: 'email', category: 'Social network', toIds: true };
    case 'url':
      return { type: 'url', category: 'Network activity', toIds: true };
    case 'domain':
      return { type: 'domain', category: 'Network activity', toIds: true };
    case 'onion':
      return { type: 'onion-address', category: 'Network activity', toIds: true };
    case 'wallet': {
      const chain = i.chain ?? 'unknown';
      const type = WALLET_TYPES[chain];
      return type === undefined
        ? {
            type: 'text',
            category: 'Financial fraud',
            toIds: false,
            comment: `vigil:wallet:${chain}`,
          }
        : { type, category: 'Financial fraud', toIds: true };
    }
    case 'handle':
      return {
        type: 'text',
        category: 'Social network',
        toIds: false,
        comment: `vigil:handle:${i.platform ?? 'unknown'}`,
      };
    case 'image-pdq':
      return { type: 'text', category: 'Other', toIds: false, comment: 'vigil:pdq' };
  }
}

export interface MispAttribute {
  uuid: string;
  type: string;
  category: string;
  value: string;
  to_ids: boolean;
  comment: string;
  distribution: string;
  timestamp: string;
  first_seen?: string;
  last_seen?: string;
}

export interface MispEvent {
  Event: {
    uuid: string;
    info: string;
    date: string;
    threat_level_id: string;
    analysis: string;
    distribution: string;
    sharing_group_id: string;
    SharingGroup?: { uuid: string; name: string };
    published: boolean;
    timestamp: string;
    Orgc: { name: string; uuid?: string };
    Tag: { name: string }[];
    Attribute: MispAttribute[];
  };
}

export interface MispExportOptions {
  /** The creating organisation (`Orgc`, preserved across MISP instances). */
  organisation: { name: string; uuid?: string };
  /** The event's title. */
  info: string;
  identifiers: readonly SharedIdentifier[];
  markings: { tlp: Tlp; pap: Pap };
  /** The agreement the export is made under; written as `vigil:` tags. */
  agreement?: { id: string; onwardSharing: OnwardSharing; retentionDays: number };
  /** 0..4; use `mispDistributionFor`. A sharing group is required for 4 and refused otherwise. */
  distribution: 0 | 1 | 2 | 3 | 4;
  sharingGroup?: { uuid: string; name: string };
  /** 1 High, 2 Medium, 3 Low, 4 Undefined (default). */
  threatLevel?: 1 | 2 | 3 | 4;
  /** 0 Initial (default), 1 Ongoing, 2 Complete. */
  analysis?: 0 | 1 | 2;
  /** ISO 8601 UTC time of the export: the event date and timestamps. */
  now: string;
  /** A source of random UUIDv4s; without it, name-based UUIDv5s (as in stix.ts). */
  uuid?: () => string;
}

export const MAX_MISP_EXPORT_ATTRIBUTES = 50_000;

const misp = (value: string) => `${value.slice(0, -1)}000+00:00`;

function requestInvalid(path: string, message: string): never {
  throw new VigilError('REQUEST_INVALID', `MISP export invalid at ${path}: ${message}.`, {
    details: { issues: [{ path, message }] },
  });
}

/** Build a MISP event (`{"Event": {…}}`) of the identifiers with their markings. */
export function buildMispEvent(options: MispExportOptions): MispEvent {
  const nowMs = instantMs(options.now);
  if (Number.isNaN(nowMs)) requestInvalid('now', 'not an ISO 8601 UTC time');
  if (options.identifiers.length > MAX_MISP_EXPORT_ATTRIBUTES)
    requestInvalid('identifiers', `more than ${MAX_MISP_EXPORT_ATTRIBUTES}; split the export`);
  if (options.distribution === 4 && options.sharingGroup === undefined)
    requestInvalid('sharingGroup', 'distribution 4 needs a sharing group');
  if (options.distribution !== 4 && options.sharingGroup !== undefined)
    requestInvalid('sharingGroup', 'a sharing group needs distribution 4');
  if (options.sharingGroup !== undefined && !isStixUuid(options.sharingGroup.uuid))
    requestInvalid('sharingGroup.uuid', 'not a UUID');
  const info = options.info.trim();
  if (info === '' || info.length > 1000)
    requestInvalid('info', 'give a title of 1 to 1000 characters');
  const identifiers = options.identifiers.map((i) => sharedIdentifierSchema.parse(i));
  const org = options.organisation.name;
  const uuidFor = (name: string): string => {
    if (options.uuid === undefined) return uuidV5(VIGIL_STIX_NAMESPACE, `${org}\nmisp\n${name}`);
    const u = options.uuid().toLowerCase();
    if (!isStixUuid(u)) throw new TypeError(`uuid() returned ${JSON.stringify(u)}, not a UUID`);
    return u;
  };
  const now = isoOf(nowMs);
  const timestamp = String(Math.floor(nowMs / 1000));

  const attributes: MispAttribute[] = [];
  const seen = new Set<string>();
  for (const i of identifiers) {
    const m = mappingOf(i);
    const key = `${m.type}|${m.comment ?? ''}|${i.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const comment = [m.comment, i.note].filter((s) => s !== undefined && s !== '').join(' ');
    const first = i.firstSeen === undefined ? undefined : instantMs(i.firstSeen);
    const last = i.lastSeen === undefined ? first : instantMs(i.lastSeen);
    attributes.push({
      uuid: uuidFor(`attribute\n${key}`),
      type: m.type,
      category: m.category,
      value: i.value,
      to_ids: m.toIds,
      comment,
      distribution: String(MISP_DISTRIBUTION.inheritEvent),
      timestamp,
      ...(first === undefined ? {} : { first_seen: misp(isoOf(first)) }),
      ...(last === undefined || first === undefined
        ? {}
        : { last_seen: misp(isoOf(Math.max(first, last))) }),
    });
  }
  const tags = [{ name: tlpTag(options.markings.tlp) }, { name: papTag(options.markings.pap) }];
  if (options.agreement !== undefined) {
    const a = options.agreement;
    tags.push(
      { name: `vigil:agreement="${a.id}"` },
      { name: `vigil:onward-sharing="${a.onwardSharing}"` },
      { name: `vigil:retention-days="${a.retentionDays}"` },
    );
  }
  return {
    Event: {
      uuid: uuidFor(`event\n${now}\n${info}\n${attributes.map((a) => a.uuid).join(',')}`),
      info,
      date: now.slice(0, 10),
      threat_level_id: String(options.threatLevel ?? 4),
      analysis: String(options.analysis ?? 0),
      distribution: String(options.distribution),
      sharing_group_id: '0',
      ...(options.sharingGroup === undefined ? {} : { SharingGroup: options.sharingGroup }),
      published: false,
      timestamp,
      Orgc: {
        name: org,
        ...(options.organisation.uuid === undefined ? {} : { uuid: options.organisation.uuid }),
      },
      Tag: tags,
      Attribute: attributes,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Import

export interface MispImportLimits {
  maxChars: number;
  /** Attributes, counting those inside objects. */
  maxAttributes: number;
  maxObjects: number;
  maxTags: number;
  maxValueChars: number;
}

export const MISP_IMPORT_LIMITS: MispImportLimits = Object.freeze({
  maxChars: 16 * 1024 * 1024,
  maxAttributes: 10_000,
  maxObjects: 2_000,
  maxTags: 200,
  maxValueChars: 4096,
});

export interface MispImportedIdentifier extends Omit<SharedIdentifier, 'linkedToVictim'> {
  tlp: Tlp | null;
  pap: Pap | null;
  /** The attribute's uuid, when it has one. */
  sourceUuid?: string;
  toIds: boolean;
}

export interface MispImportResult {
  eventUuid?: string;
  info: string;
  distribution: number;
  sharingGroup?: { uuid?: string; name?: string };
  /** The event's own markings (its tags). */
  tlp: Tlp | null;
  pap: Pap | null;
  /** `vigil:` tags, e.g. { agreement: "ag-1" }. */
  vigilTags: Record<string, string>;
  identifiers: MispImportedIdentifier[];
  /** Attributes of types Vigil does not map (by type); never an error. */
  skipped: { total: number; byType: Record<string, number> };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function invalidMisp(path: string, message: string): never {
  throw new VigilError('MISP_INVALID', `MISP event invalid at ${path}: ${message}.`, {
    details: { path },
  });
}

/** MISP writes numbers as strings: "4" or 4. */
function level(value: unknown, path: string, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && /^\d{1,2}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max)
    invalidMisp(path, `must be a whole number from 0 to ${max}`);
  return n;
}

function tagsOf(value: unknown, path: string, lim: MispImportLimits): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) invalidMisp(path, 'must be an array');
  if (value.length > lim.maxTags) invalidMisp(path, `holds more than ${lim.maxTags} tags`);
  return value.map((t, k) => {
    const name = isPlainObject(t) ? t.name : undefined;
    if (typeof name !== 'string' || name.length === 0 || name.length > 255)
      invalidMisp(`${path}[${k}].name`, 'must be a tag name of 1 to 255 characters');
    return name;
  });
}

const VIGIL_COMMENT = /^vigil:(handle|wallet):([a-z0-9][a-z0-9_-]{0,39})\b|^vigil:pdq\b/;
const TYPES_TO_KIND: Record<string, SharedIdentifier['kind']> = {
  'phone-number': 'phone',
  'whois-registrant-phone': 'phone',
  email: 'email',
  'email-src': 'email',
  'email-dst': 'email',
  url: 'url',
  domain: 'domain',
  hostname: 'domain',
  'onion-address': 'onion',
};
const WALLET_CHAINS: Record<string, string> = { btc: 'bitcoin', xmr: 'monero', dash: 'dash' };

function identifierOfAttribute(
  type: string,
  value: string,
  comment: string,
): Omit<SharedIdentifier, 'linkedToVictim'> | null {
  const kind = TYPES_TO_KIND[type];
  if (kind !== undefined) return { kind, value };
  const chain = WALLET_CHAINS[type];
  if (chain !== undefined) return { kind: 'wallet', chain, value };
  if (type === 'text') {
    const m = VIGIL_COMMENT.exec(comment);
    if (m === null) return null;
    if (m[1] === 'handle') return { kind: 'handle', platform: m[2] as string, value };
    if (m[1] === 'wallet') return { kind: 'wallet', chain: m[2] as string, value };
    return /^[0-9a-fA-F]{64}$/.test(value)
      ? { kind: 'image-pdq', value: value.toLowerCase() }
      : null;
  }
  return null;
}

const SEEN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
function seenInstant(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const m = typeof value === 'string' ? SEEN.exec(value) : null;
  const ms = m === null ? Number.NaN : Date.parse(value as string);
  if (Number.isNaN(ms)) invalidMisp(path, 'not an ISO 8601 time');
  return isoOf(ms);
}

/**
 * Read a MISP event (`{"Event": {…}}`, or the event object itself; parsed or JSON text) into
 * Vigil identifiers with their markings (the strictest of the event's and the attribute's tags).
 * Defensive: sizes and counts are bounded; unmapped attribute types are skipped and counted;
 * anything malformed is refused with MISP_INVALID naming its path.
 */
export function parseMispEvent(
  input: unknown,
  limits: Partial<MispImportLimits> = {},
): MispImportResult {
  const lim = { ...MISP_IMPORT_LIMITS, ...limits };
  let doc: unknown = input;
  if (typeof input === 'string') {
    if (input.length > lim.maxChars)
      invalidMisp('(event)', `the text is longer than ${lim.maxChars} characters`);
    try {
      doc = JSON.parse(input);
    } catch {
      invalidMisp('(event)', 'not JSON');
    }
  }
  if (!isPlainObject(doc)) invalidMisp('(event)', 'not a JSON object');
  const base = isPlainObject(doc.Event) ? 'Event' : '(event)';
  const e = isPlainObject(doc.Event) ? doc.Event : doc;
  if (doc.Event !== undefined && !isPlainObject(doc.Event)) invalidMisp('Event', 'not an object');
  if (typeof e.info !== 'string' || e.info.length > 65_535)
    invalidMisp(`${base}.info`, 'must be a string of at most 65535 characters');
  if (e.uuid !== undefined && (typeof e.uuid !== 'string' || !isStixUuid(e.uuid.toLowerCase())))
    invalidMisp(`${base}.uuid`, 'not a UUID');
  const distribution = level(e.distribution, `${base}.distribution`, 4, 0);
  let sharingGroup: MispImportResult['sharingGroup'];
  if (distribution === 4) {
    const sg = e.SharingGroup;
    if (sg !== undefined && !isPlainObject(sg))
      invalidMisp(`${base}.SharingGroup`, 'not an object');
    sharingGroup = {
      ...(typeof sg?.uuid === 'string' ? { uuid: sg.uuid } : {}),
      ...(typeof sg?.name === 'string' ? { name: sg.name.slice(0, 300) } : {}),
    };
  }
  const eventTags = tagsOf(e.Tag, `${base}.Tag`, lim);
  const eventTlp = strictestTlp(eventTags.map(tlpOfTag).filter((t): t is Tlp => t !== undefined));
  const eventPap = strictestPap(eventTags.map(papOfTag).filter((p): p is Pap => p !== undefined));
  const vigilTags: Record<string, string> = {};
  for (const tag of eventTags) {
    const m = /^vigil:([a-z-]+)="([^"]*)"$/.exec(tag);
    if (m) vigilTags[m[1] as string] = m[2] as string;
  }

  // Attributes: the event's and those inside objects.
  const lists: { path: string; list: unknown }[] = [
    { path: `${base}.Attribute`, list: e.Attribute },
  ];
  if (e.Object !== undefined && e.Object !== null) {
    if (!Array.isArray(e.Object)) invalidMisp(`${base}.Object`, 'must be an array');
    if (e.Object.length > lim.maxObjects)
      invalidMisp(`${base}.Object`, `holds more than ${lim.maxObjects} objects`);
    e.Object.forEach((o, k) => {
      if (!isPlainObject(o)) invalidMisp(`${base}.Object[${k}]`, 'not an object');
      lists.push({ path: `${base}.Object[${k}].Attribute`, list: o.Attribute });
    });
  }
  let total = 0;
  const identifiers: MispImportedIdentifier[] = [];
  const keys = new Set<string>();
  const skipped: Record<string, number> = {};
  for (const { path, list } of lists) {
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) invalidMisp(path, 'must be an array');
    total += list.length;
    if (total > lim.maxAttributes)
      invalidMisp(path, `the event holds more than ${lim.maxAttributes} attributes`);
    list.forEach((a, k) => {
      const at = `${path}[${k}]`;
      if (!isPlainObject(a)) invalidMisp(at, 'not an object');
      if (typeof a.type !== 'string' || a.type.length === 0 || a.type.length > 100)
        invalidMisp(`${at}.type`, 'must be a MISP attribute type');
      if (typeof a.value !== 'string' || a.value.length === 0)
        invalidMisp(`${at}.value`, 'must be a non-empty string');
      if (a.value.length > lim.maxValueChars)
        invalidMisp(`${at}.value`, `longer than ${lim.maxValueChars} characters`);
      const comment = a.comment ?? '';
      if (typeof comment !== 'string' || comment.length > 65_535)
        invalidMisp(`${at}.comment`, 'must be a string');
      level(a.distribution, `${at}.distribution`, 5, 5);
      if (a.uuid !== undefined && (typeof a.uuid !== 'string' || !isStixUuid(a.uuid.toLowerCase())))
        invalidMisp(`${at}.uuid`, 'not a UUID');
      if (a.deleted === true || a.deleted === '1') return;
      const p = identifierOfAttribute(a.type, a.value, comment);
      if (p === null) {
        skipped[a.type] = (skipped[a.type] ?? 0) + 1;
        return;
      }
      const firstSeen = seenInstant(a.first_seen, `${at}.first_seen`);
      const lastSeen = seenInstant(a.last_seen, `${at}.last_seen`);
      const note = comment.replace(VIGIL_COMMENT, '').trim();
      const checked = sharedIdentifierSchema.safeParse({
        ...p,
        ...(firstSeen === undefined ? {} : { firstSeen }),
        ...(lastSeen === undefined ? {} : { lastSeen }),
        ...(note === '' ? {} : { note: note.slice(0, 1000) }),
      });
      if (!checked.success) invalidMisp(`${at}.value`, `not a valid ${p.kind}`);
      const key = `${p.kind}|${p.platform ?? ''}|${p.chain ?? ''}|${p.value}`;
      if (keys.has(key)) return;
      keys.add(key);
      const tags = tagsOf(a.Tag, `${at}.Tag`, lim);
      const tlp = strictestTlp(
        [...eventTags, ...tags].map(tlpOfTag).filter((t): t is Tlp => t !== undefined),
      );
      const pap = strictestPap(
        [...eventTags, ...tags].map(papOfTag).filter((x): x is Pap => x !== undefined),
      );
      const toIds = a.to_ids === true || a.to_ids === '1' || a.to_ids === 1;
      identifiers.push({
        ...checked.data,
        tlp: tlp ?? null,
        pap: pap ?? null,
        ...(typeof a.uuid === 'string' ? { sourceUuid: a.uuid.toLowerCase() } : {}),
        toIds,
      });
    });
  }
  return {
    ...(typeof e.uuid === 'string' ? { eventUuid: e.uuid.toLowerCase() } : {}),
    info: e.info,
    distribution,
    ...(sharingGroup === undefined ? {} : { sharingGroup }),
    tlp: eventTlp ?? null,
    pap: eventPap ?? null,
    vigilTags,
    identifiers,
    skipped: { total: Object.values(skipped).reduce((x, y) => x + y, 0), byType: skipped },
  };
}
