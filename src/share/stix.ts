/**
 * STIX 2.1 exchange of signals: build a bundle from Vigil identifiers, and read one back.
 * Pure: the time (`now`) and, optionally, a random UUID source are passed in.
 *
 * Mapping (docs/sharing.md has the table). STIX 2.1 has Cyber-observable Objects for emails
 * (`email-addr`), URLs (`url`), domains (`domain-name`) and accounts (`user-account`, with
 * `account_type` = the platform and `account_login` = the handle). It has none for phone numbers,
 * cryptocurrency wallets or perceptual image hashes, so Vigil uses custom observable types and a
 * custom hash key, prefixed as STIX asks for custom content:
 * - phone: `[x-vigil-phone-number:value = '+12125550123']` (E.164);
 * - wallet: `[x-vigil-crypto-wallet:chain = 'bitcoin' AND x-vigil-crypto-wallet:value = '…']`;
 * - image PDQ hash: `[file:hashes.x_pdq = '<64 hex>']` (an exact match of the hash; recipients
 *   that compare PDQ hashes by Hamming distance read the value from the pattern).
 * Recipients that do not know these types ignore them, as STIX allows.
 *
 * Ids. STIX ids are `type--UUID`. Domain objects (identity, indicator, observed-data,
 * infrastructure, relationship, bundle) take the caller's `uuid()` (random UUIDv4) when given.
 * Without it, they are UUIDv5 (RFC 9562 §5.5: SHA-1 of a namespace and a name; @noble/hashes) of
 * the sharing organisation's name and the object's content: re-exporting the same signal keeps
 * its id and only changes `modified`, which is how STIX versions an object, so recipients update
 * rather than duplicate. Note that such an id is derived from the value: someone who sees only
 * the id can confirm a guessed value; pass `uuid` when ids may travel without their objects.
 * Cyber-observable ids are always UUIDv5 in the STIX namespace
 * 00abedb4-aa42-466c-9c01-fed23315a9b7 over the canonical JSON of their id-contributing
 * properties, as STIX 2.1 §2.9 specifies, so the same email has the same id everywhere.
 *
 * Markings. Every object carries `object_marking_refs`: the official OASIS TLP 2.0 marking
 * (markings.ts, copied verbatim into the bundle), a PAP statement marking and, when given, the
 * agreement's statement (retention, onward sharing).
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { hex } from '@scure/base';
import { VigilError } from '../shared/errors.js';
import { instantMs, isoOf } from '../workflow/notices.js';
import type { IdentifierKind, SharedIdentifier } from './agreement.js';
import { sharedIdentifierSchema } from './agreement.js';
import {
  type Pap,
  papName,
  papOfStatement,
  strictestPap,
  strictestTlp,
  TLP2_MARKING_IDS,
  type Tlp,
  tlp2MarkingDefinition,
  tlpOfMarkingId,
} from './markings.js';

// ---------------------------------------------------------------------------------------------
// UUIDs

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const isStixUuid = (s: string): boolean => UUID.test(s);

/** UUIDv5 (RFC 9562 §5.5): SHA-1 of the namespace's 16 bytes and the UTF-8 name. */
export function uuidV5(namespace: string, name: string): string {
  const ns = hex.decode(namespace.replace(/-/g, '').toLowerCase());
  if (ns.length !== 16) throw new TypeError('namespace must be a UUID');
  const nameBytes = new TextEncoder().encode(name);
  const input = new Uint8Array(16 + nameBytes.length);
  input.set(ns, 0);
  input.set(nameBytes, 16);
  const b = sha1(input).slice(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x50;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = hex.encode(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** STIX 2.1 §2.9: the namespace of deterministic Cyber-observable Object ids. */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
/** RFC 9562 URL namespace; Vigil's own namespace is derived from it. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
export const VIGIL_STIX_NAMESPACE = uuidV5(URL_NAMESPACE, 'urn:vigil:share:stix');

/** Canonical JSON (RFC 8785) of a flat object of strings: sorted keys, JSON string escapes. */
function canonicalFlat(obj: Record<string, string>): string {
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(obj[k])}`).join(',')}}`;
}

// ---------------------------------------------------------------------------------------------
// Mapping identifiers to observables and patterns

export const PHONE_SCO = 'x-vigil-phone-number';
export const WALLET_SCO = 'x-vigil-crypto-wallet';
export const PDQ_HASH_KEY = 'x_pdq';

/** A STIX pattern string literal: quotes and backslashes escaped. */
export const stixString = (s: string): string =>
  `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

interface Observable {
  /** The SCO, without id/spec_version/markings. */
  sco: Record<string, unknown> & { type: string };
  /** Id-contributing properties (STIX 2.1 §2.9 and each SCO's section). */
  idContrib: Record<string, string>;
  pattern: string;
  label: string;
}

function observableOf(i: SharedIdentifier): Observable {
  switch (i.kind) {
    case 'phone':
      return {
        sco: { type: PHONE_SCO, value: i.value },
        idContrib: { value: i.value },
        pattern: `[${PHONE_SCO}:value = ${stixString(i.value)}]`,
        label: 'Phone number',
      };
    case 'email':
      return {
        sco: { type: 'email-addr', value: i.value },
        idContrib: { value: i.value },
        pattern: `[email-addr:value = ${stixString(i.value)}]`,
        label: 'Email address',
      };
    case 'url':
      return {
        sco: { type: 'url', value: i.value },
        idContrib: { value: i.value },
        pattern: `[url:value = ${stixString(i.value)}]`,
        label: 'URL',
      };
    case 'domain':
    case 'onion':
      return {
        sco: { type: 'domain-name', value: i.value },
        idContrib: { value: i.value },
        pattern: `[domain-name:value = ${stixString(i.value)}]`,
        label: i.kind === 'onion' ? 'Onion service' : 'Domain',
      };
    case 'handle': {
      const platform = i.platform ?? 'unknown';
      return {
        sco: { type: 'user-account', account_type: platform, account_login: i.value },
        idContrib: { account_type: platform, account_login: i.value },
        pattern: `[user-account:account_type = ${stixString(platform)} AND user-account:account_login = ${stixString(i.value)}]`,
        label: `${platform} account`,
      };
    }
    case 'wallet': {
      const chain = i.chain ?? 'unknown';
      return {
        sco: { type: WALLET_SCO, chain, value: i.value },
        idContrib: { chain, value: i.value },
        pattern: `[${WALLET_SCO}:chain = ${stixString(chain)} AND ${WALLET_SCO}:value = ${stixString(i.value)}]`,
        label: `${chain} wallet`,
      };
    }
    case 'image-pdq':
      return {
        sco: { type: 'file', hashes: { [PDQ_HASH_KEY]: i.value } },
        idContrib: {},
        pattern: `[file:hashes.${PDQ_HASH_KEY} = ${stixString(i.value)}]`,
        label: 'Image (PDQ hash)',
      };
  }
}

function scoId(o: Observable): string {
  // file ids are contributed by `hashes` (a nested object): name it by the hash directly.
  const name =
    o.sco.type === 'file'
      ? `{"hashes":${canonicalFlat(o.sco.hashes as Record<string, string>)}}`
      : canonicalFlat(o.idContrib);
  return `${o.sco.type}--${uuidV5(STIX_SCO_NAMESPACE, name)}`;
}

// ---------------------------------------------------------------------------------------------
// Export

export type StixObject = Record<string, unknown> & { type: string; id: string };

export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

export interface StixExportOptions {
  /** The sharing organisation, written as the `identity` every object is created by. */
  organisation: { name: string; description?: string };
  identifiers: readonly SharedIdentifier[];
  /** From the export decision (agreement.ts): TLP, PAP and the agreement's statement. */
  markings: { tlp: Tlp; pap: Pap; statement?: string };
  /** ISO 8601 UTC time of the export: `created`, `modified` and `valid_from`. */
  now: string;
  /** A source of random UUIDv4s; without it ids are name-based UUIDv5 (see the module notes). */
  uuid?: () => string;
  /** When the indicators stop being useful. */
  validUntil?: string;
  /** Display names of identifier groups (networks), by group id. */
  groupNames?: Readonly<Record<string, string>>;
}

export const MAX_EXPORT_IDENTIFIERS = 50_000;

function invalidStix(path: string, message: string): never {
  throw new VigilError('STIX_INVALID', `STIX invalid at ${path}: ${message}.`, {
    details: { path },
  });
}

/** Build a STIX 2.1 bundle of the identifiers with their markings. */
export function buildStixBundle(options: StixExportOptions): StixBundle {
  const nowMs = instantMs(options.now);
  if (Number.isNaN(nowMs)) {
    throw new VigilError('REQUEST_INVALID', 'now must be an ISO 8601 UTC time.', {
      details: { issues: [{ path: 'now', message: 'not an ISO 8601 UTC time' }] },
    });
  }
  if (options.identifiers.length > MAX_EXPORT_IDENTIFIERS) {
    throw new VigilError(
      'REQUEST_INVALID',
      `A STIX export holds at most ${MAX_EXPORT_IDENTIFIERS} identifiers; split it.`,
    );
  }
  const validUntilMs = options.validUntil === undefined ? null : instantMs(options.validUntil);
  if (validUntilMs !== null && (Number.isNaN(validUntilMs) || validUntilMs <= nowMs)) {
    throw new VigilError('REQUEST_INVALID', 'validUntil must be an ISO 8601 UTC time after now.');
  }
  const identifiers = options.identifiers.map((i) => sharedIdentifierSchema.parse(i));
  const now = isoOf(nowMs);
  const org = options.organisation.name;
  const idFor = (type: string, name: string): string => {
    if (options.uuid === undefined)
      return `${type}--${uuidV5(VIGIL_STIX_NAMESPACE, `${org}\n${type}\n${name}`)}`;
    const u = options.uuid().toLowerCase();
    if (!isStixUuid(u)) throw new TypeError(`uuid() returned ${JSON.stringify(u)}, not a UUID`);
    return `${type}--${u}`;
  };

  // Markings.
  const tlpMarking = tlp2MarkingDefinition(options.markings.tlp);
  const papText = papName(options.markings.pap);
  const statement = (text: string): StixObject => ({
    type: 'marking-definition',
    spec_version: '2.1',
    id: `marking-definition--${uuidV5(VIGIL_STIX_NAMESPACE, `statement\n${text}`)}`,
    created: now,
    name: text.length <= 60 ? text : `${text.slice(0, 57)}...`,
    definition_type: 'statement',
    definition: { statement: text },
    object_marking_refs: [tlpMarking.id],
  });
  const papMarking = statement(papText);
  const statements = [papMarking];
  if (options.markings.statement !== undefined && options.markings.statement.trim() !== '') {
    statements.push(statement(options.markings.statement.trim()));
  }
  const markingRefs = [tlpMarking.id, ...statements.map((s) => s.id)];
  const common = { spec_version: '2.1', object_marking_refs: markingRefs };

  const identity: StixObject = {
    type: 'identity',
    ...common,
    id: idFor('identity', org),
    created: now,
    modified: now,
    name: org,
    identity_class: 'organization',
    ...(options.organisation.description ? { description: options.organisation.description } : {}),
  };
  const sdo = (type: string, name: string, rest: Record<string, unknown>): StixObject => ({
    type,
    ...common,
    id: idFor(type, name),
    created_by_ref: identity.id,
    created: now,
    modified: now,
    ...rest,
  });

  const objects: StixObject[] = [identity];
  const groups = new Map<string, StixObject>();
  const scos = new Map<string, StixObject>();
  const seen = new Set<string>();
  for (const i of identifiers) {
    const o = observableOf(i);
    const key = `${o.pattern}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const indicator = sdo('indicator', `indicator\n${o.pattern}`, {
      name: `${o.label} ${i.kind === 'image-pdq' ? i.value.slice(0, 16) : i.value}`.slice(0, 250),
      description: `${i.note ? `${i.note} ` : ''}A Vigil signal: grounds for review under the recipient's own policies, not proof.`,
      indicator_types: ['anomalous-activity'],
      pattern: o.pattern,
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: now,
      ...(validUntilMs === null ? {} : { valid_until: isoOf(validUntilMs) }),
    });
    objects.push(indicator);
    if (i.firstSeen !== undefined) {
      const id = scoId(o);
      if (!scos.has(id)) {
        const sco: StixObject = { ...o.sco, ...common, id };
        scos.set(id, sco);
        objects.push(sco);
      }
      const first = instantMs(i.firstSeen);
      const lastRaw = i.lastSeen === undefined ? first : instantMs(i.lastSeen);
      const last = Math.max(first, lastRaw);
      const observed = sdo('observed-data', `observed-data\n${o.pattern}\n${first}\n${last}`, {
        first_observed: isoOf(first),
        last_observed: isoOf(last),
        number_observed: i.count ?? 1,
        object_refs: [id],
      });
      objects.push(observed);
      objects.push(
        sdo('relationship', `based-on\n${indicator.id}\n${observed.id}`, {
          relationship_type: 'based-on',
          source_ref: indicator.id,
          target_ref: observed.id,
        }),
      );
    }
    if (i.group !== undefined) {
      let infra = groups.get(i.group);
      if (infra === undefined) {
        infra = sdo('infrastructure', `infrastructure\n${i.group}`, {
          name: options.groupNames?.[i.group] ?? `Vigil network ${i.group}`,
          description:
            'Contact points and accounts that Vigil linked into one network through shared identifiers and near-duplicate content.',
        });
        groups.set(i.group, infra);
        objects.push(infra);
      }
      objects.push(
        sdo('relationship', `indicates\n${indicator.id}\n${infra.id}`, {
          relationship_type: 'indicates',
          source_ref: indicator.id,
          target_ref: infra.id,
        }),
      );
    }
  }
  const all: StixObject[] = [tlpMarking as unknown as StixObject, ...statements, ...objects];
  const bundleId =
    options.uuid === undefined
      ? `bundle--${uuidV5(VIGIL_STIX_NAMESPACE, `${org}\nbundle\n${now}\n${all.map((o) => o.id).join('\n')}`)}`
      : idFor('bundle', '');
  return { type: 'bundle', id: bundleId, objects: all };
}

// ---------------------------------------------------------------------------------------------
// Patterns (the subset Vigil writes)

type Token = { t: 'punct'; v: string } | { t: 'str'; v: string } | { t: 'word'; v: string };

class PatternSyntaxError extends Error {}

function lex(pattern: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= pattern.length) throw new PatternSyntaxError('an unterminated string literal');
        const d = pattern[i] as string;
        if (d === '\\') {
          const e = pattern[i + 1];
          if (e !== '\\' && e !== "'") throw new PatternSyntaxError('an invalid escape');
          v += e;
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      out.push({ t: 'str', v });
    } else if ('[]():.,*'.includes(c)) {
      out.push({ t: 'punct', v: c });
      i++;
    } else if ('=!<>'.includes(c)) {
      const two = pattern.slice(i, i + 2);
      const op = ['!=', '<=', '>='].includes(two) ? two : c;
      out.push({ t: 'punct', v: op });
      i += op.length;
    } else if (/[A-Za-z0-9_\-+]/.test(c)) {
      const m = /^[A-Za-z0-9_\-+]+/.exec(pattern.slice(i));
      const v = m?.[0] ?? c;
      out.push({ t: 'word', v });
      i += v.length;
    } else {
      throw new PatternSyntaxError(`an unexpected character ${JSON.stringify(c)}`);
    }
  }
  let depth = 0;
  for (const tok of out) {
    if (tok.t !== 'punct') continue;
    if (tok.v === '[' || tok.v === '(') depth++;
    if (tok.v === ']' || tok.v === ')') depth--;
    if (depth < 0) throw new PatternSyntaxError('unbalanced brackets');
  }
  if (depth !== 0) throw new PatternSyntaxError('unbalanced brackets');
  if (out[0]?.v !== '[') throw new PatternSyntaxError('no observation expression "[…]"');
  return out;
}

/**
 * The equality comparisons of a simple pattern `[type:path = 'v' AND type:path2 = 'w']`, as
 * `{type, path, value}`; null when the pattern is valid-looking but uses anything else (OR,
 * other operators, qualifiers, several observations). Throws PatternSyntaxError when malformed.
 */
function simpleComparisons(
  pattern: string,
): { type: string; path: string; value: string }[] | null {
  const toks = lex(pattern);
  if (toks[toks.length - 1]?.v !== ']') return null;
  const body = toks.slice(1, -1);
  const out: { type: string; path: string; value: string }[] = [];
  let k = 0;
  for (;;) {
    const type = body[k];
    if (type?.t !== 'word' || body[k + 1]?.v !== ':') return null;
    k += 2;
    const path: string[] = [];
    for (;;) {
      const seg = body[k];
      if (seg === undefined || (seg.t !== 'word' && seg.t !== 'str')) return null;
      path.push(seg.v);
      k++;
      if (body[k]?.v === '.') {
        k++;
        continue;
      }
      break;
    }
    if (body[k]?.v !== '=') return null;
    const value = body[k + 1];
    if (value?.t !== 'str') return null;
    out.push({ type: type.v, path: path.join('.'), value: value.v });
    k += 2;
    if (k === body.length) return out;
    if (body[k]?.t === 'word' && body[k]?.v === 'AND') {
      k++;
      continue;
    }
    return null;
  }
}

type Parsed = Omit<SharedIdentifier, 'linkedToVictim'>;

/** An identifier from the comparisons of one observation, or null if Vigil does not map it. */
function identifierOfComparisons(
  cs: { type: string; path: string; value: string }[],
): Parsed | null {
  const types = new Set(cs.map((c) => c.type));
  if (types.size !== 1) return null;
  const type = cs[0]?.type ?? '';
  const get = (path: string) => cs.find((c) => c.path === path)?.value;
  if (cs.length === 1) {
    const value = cs[0]?.value ?? '';
    const path = cs[0]?.path ?? '';
    if (type === PHONE_SCO && path === 'value') return { kind: 'phone', value };
    if (type === 'email-addr' && path === 'value') return { kind: 'email', value };
    if (type === 'url' && path === 'value') return { kind: 'url', value };
    if (type === 'domain-name' && path === 'value')
      return { kind: value.toLowerCase().endsWith('.onion') ? 'onion' : 'domain', value };
    if (type === 'file' && path === `hashes.${PDQ_HASH_KEY}` && /^[0-9a-fA-F]{64}$/.test(value))
      return { kind: 'image-pdq', value: value.toLowerCase() };
    return null;
  }
  if (cs.length === 2 && type === 'user-account') {
    const platform = get('account_type');
    const login = get('account_login') ?? get('user_id');
    if (platform !== undefined && login !== undefined)
      return { kind: 'handle', platform: platform.toLowerCase(), value: login };
  }
  if (cs.length === 2 && type === WALLET_SCO) {
    const chain = get('chain');
    const value = get('value');
    if (chain !== undefined && value !== undefined)
      return { kind: 'wallet', chain: chain.toLowerCase(), value };
  }
  return null;
}

/** An identifier from a Cyber-observable Object Vigil maps, or null. */
function identifierOfSco(o: Record<string, unknown>): Parsed | null {
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const value = str('value');
  switch (o.type) {
    case PHONE_SCO:
      return value === undefined ? null : { kind: 'phone', value };
    case 'email-addr':
      return value === undefined ? null : { kind: 'email', value };
    case 'url':
      return value === undefined ? null : { kind: 'url', value };
    case 'domain-name':
      return value === undefined
        ? null
        : { kind: value.toLowerCase().endsWith('.onion') ? 'onion' : 'domain', value };
    case 'user-account': {
      const platform = str('account_type');
      const login = str('account_login') ?? str('user_id');
      return platform === undefined || login === undefined
        ? null
        : { kind: 'handle', platform: platform.toLowerCase(), value: login };
    }
    case WALLET_SCO: {
      const chain = str('chain');
      return chain === undefined || value === undefined
        ? null
        : { kind: 'wallet', chain: chain.toLowerCase(), value };
    }
    case 'file': {
      const hashes = o.hashes;
      const pdq =
        hashes !== null && typeof hashes === 'object'
          ? (hashes as Record<string, unknown>)[PDQ_HASH_KEY]
          : undefined;
      return typeof pdq === 'string' && /^[0-9a-fA-F]{64}$/.test(pdq)
        ? { kind: 'image-pdq', value: pdq.toLowerCase() }
        : null;
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Import

export interface StixImportLimits {
  /** Largest JSON text accepted when a string is passed (bytes of UTF-16 code units). */
  maxChars: number;
  maxObjects: number;
  maxDepth: number;
  maxPatternChars: number;
}

export const STIX_IMPORT_LIMITS: StixImportLimits = Object.freeze({
  maxChars: 16 * 1024 * 1024,
  maxObjects: 10_000,
  maxDepth: 16,
  maxPatternChars: 4096,
});

export interface ImportedIdentifier extends Parsed {
  /** The strictest TLP among the object's markings; null when unmarked. */
  tlp: Tlp | null;
  pap: Pap | null;
  /** The STIX object it was read from. */
  sourceId: string;
  /** The identity that created it, when the bundle names it. */
  createdBy?: { id: string; name?: string };
}

export interface StixImportResult {
  bundleId: string;
  identifiers: ImportedIdentifier[];
  /** Objects Vigil does not read (by type); never an error. */
  skipped: { total: number; byType: Record<string, number> };
  /** Indicators whose pattern is valid but not one Vigil maps (OR, other observables, …). */
  unsupportedPatterns: number;
}

const TYPE = /^[a-z][a-z0-9-]+[a-z0-9]$/;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit) return depth;
  if (Array.isArray(value)) {
    let max = depth;
    for (const v of value) max = Math.max(max, depthOf(v, limit, depth + 1));
    return max;
  }
  if (isPlainObject(value)) {
    let max = depth;
    for (const v of Object.values(value)) max = Math.max(max, depthOf(v, limit, depth + 1));
    return max;
  }
  return depth;
}

/**
 * Read a STIX 2.1 bundle (a parsed object or JSON text) into Vigil identifiers with their
 * markings. Defensive: sizes, object counts and nesting are bounded; unknown object types are
 * skipped and counted; anything malformed is refused with STIX_INVALID naming its path.
 */
export function parseStixBundle(
  input: unknown,
  limits: Partial<StixImportLimits> = {},
): StixImportResult {
  const lim = { ...STIX_IMPORT_LIMITS, ...limits };
  let bundle: unknown = input;
  if (typeof input === 'string') {
    if (input.length > lim.maxChars)
      invalidStix('(bundle)', `the text is longer than ${lim.maxChars} characters`);
    try {
      bundle = JSON.parse(input);
    } catch {
      invalidStix('(bundle)', 'not JSON');
    }
  }
  if (!isPlainObject(bundle)) invalidStix('(bundle)', 'not a JSON object');
  if (depthOf(bundle, lim.maxDepth) > lim.maxDepth)
    invalidStix('(bundle)', `nested deeper than ${lim.maxDepth} levels`);
  if (bundle.type !== 'bundle') invalidStix('type', 'must be "bundle"');
  if (
    typeof bundle.id !== 'string' ||
    !/^bundle--/.test(bundle.id) ||
    !isStixUuid(bundle.id.slice(8).toLowerCase())
  )
    invalidStix('id', 'must be "bundle--" followed by a UUID');
  const objects = bundle.objects ?? [];
  if (!Array.isArray(objects)) invalidStix('objects', 'must be an array');
  if (objects.length > lim.maxObjects)
    invalidStix('objects', `holds ${objects.length} objects; at most ${lim.maxObjects} are read`);

  // First pass: shape of every object; markings and identities by id.
  const byId = new Map<string, Record<string, unknown>>();
  objects.forEach((o, n) => {
    const path = `objects[${n}]`;
    if (!isPlainObject(o)) invalidStix(path, 'not a JSON object');
    if (typeof o.type !== 'string' || !TYPE.test(o.type) || o.type.length > 250)
      invalidStix(`${path}.type`, 'not a STIX type name');
    const id = o.id;
    if (
      typeof id !== 'string' ||
      !id.startsWith(`${o.type}--`) ||
      !isStixUuid(id.slice(o.type.length + 2).toLowerCase())
    )
      invalidStix(`${path}.id`, `must be "${o.type}--" followed by a UUID`);
    const refs = o.object_marking_refs;
    if (refs !== undefined) {
      if (!Array.isArray(refs) || refs.length > 100)
        invalidStix(`${path}.object_marking_refs`, 'must be an array of at most 100 ids');
      refs.forEach((r, k) => {
        if (typeof r !== 'string' || !/^marking-definition--/.test(r))
          invalidStix(`${path}.object_marking_refs[${k}]`, 'not a marking-definition id');
      });
    }
    if (o.created_by_ref !== undefined && typeof o.created_by_ref !== 'string')
      invalidStix(`${path}.created_by_ref`, 'not an identifier');
    byId.set(id, o);
  });

  const papOfMarking = (id: string): Pap | undefined => {
    const m = byId.get(id);
    if (m?.type !== 'marking-definition' || m.definition_type !== 'statement') return undefined;
    const def = m.definition;
    return isPlainObject(def) && typeof def.statement === 'string'
      ? papOfStatement(def.statement)
      : undefined;
  };
  const markingsOf = (o: Record<string, unknown>) => {
    const refs = (o.object_marking_refs as string[] | undefined) ?? [];
    const tlps = refs.map(tlpOfMarkingId).filter((t): t is Tlp => t !== undefined);
    const paps = refs.map(papOfMarking).filter((p): p is Pap => p !== undefined);
    return { tlp: strictestTlp(tlps) ?? null, pap: strictestPap(paps) ?? null };
  };
  const creatorOf = (o: Record<string, unknown>) => {
    if (typeof o.created_by_ref !== 'string') return {};
    const who = byId.get(o.created_by_ref);
    return {
      createdBy: {
        id: o.created_by_ref,
        ...(typeof who?.name === 'string' ? { name: who.name } : {}),
      },
    };
  };

  // Observed times of observables, from observed-data.
  const seenOf = new Map<string, { first: string; last: string; count: number }>();
  const out: ImportedIdentifier[] = [];
  const keys = new Map<string, ImportedIdentifier>();
  const skipped: Record<string, number> = {};
  let unsupported = 0;
  const KNOWN_SKIPPED = new Set([
    'identity',
    'marking-definition',
    'relationship',
    'infrastructure',
  ]);

  const add = (p: Parsed, o: Record<string, unknown>, path: string) => {
    const checked = sharedIdentifierSchema.safeParse(p);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      invalidStix(
        path,
        `the ${p.kind} ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is invalid'}`,
      );
    }
    const key = `${p.kind}|${p.platform ?? ''}|${p.chain ?? ''}|${p.value}`;
    if (keys.has(key)) return;
    const item: ImportedIdentifier = {
      ...checked.data,
      ...markingsOf(o),
      sourceId: o.id as string,
      ...creatorOf(o),
    };
    keys.set(key, item);
    out.push(item);
  };

  objects.forEach((raw, n) => {
    const o = raw as Record<string, unknown>;
    if (o.type !== 'observed-data') return;
    const path = `objects[${n}]`;
    const first = o.first_observed;
    const last = o.last_observed;
    const count = o.number_observed;
    if (
      typeof first !== 'string' ||
      Number.isNaN(instantMs(first.replace(/(\.\d{3})\d+Z$/, '$1Z')))
    )
      invalidStix(`${path}.first_observed`, 'not a STIX timestamp');
    if (typeof last !== 'string' || Number.isNaN(instantMs(last.replace(/(\.\d{3})\d+Z$/, '$1Z'))))
      invalidStix(`${path}.last_observed`, 'not a STIX timestamp');
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 999_999_999)
      invalidStix(`${path}.number_observed`, 'must be a whole number from 1 to 999999999');
    const refs = o.object_refs ?? [];
    if (!Array.isArray(refs)) invalidStix(`${path}.object_refs`, 'must be an array');
    for (const r of refs) {
      if (typeof r === 'string')
        seenOf.set(r, {
          first: isoOf(instantMs(first.replace(/(\.\d{3})\d+Z$/, '$1Z'))),
          last: isoOf(instantMs(last.replace(/(\.\d{3})\d+Z$/, '$1Z'))),
          count,
        });
    }
  });

  objects.forEach((raw, n) => {
    const o = raw as Record<string, unknown>;
    const path = `objects[${n}]`;
    const type = o.type as string;
    if (type === 'indicator') {
      const pattern = o.pattern;
      if (typeof pattern !== 'string') invalidStix(`${path}.pattern`, 'missing');
      if (pattern.length > lim.maxPatternChars)
        invalidStix(`${path}.pattern`, `longer than ${lim.maxPatternChars} characters`);
      if (o.pattern_type !== 'stix') {
        unsupported++;
        return;
      }
      let cs: ReturnType<typeof simpleComparisons>;
      try {
        cs = simpleComparisons(pattern);
      } catch (e) {
        invalidStix(`${path}.pattern`, e instanceof PatternSyntaxError ? e.message : 'malformed');
      }
      const p = cs === null ? null : identifierOfComparisons(cs);
      if (p === null) unsupported++;
      else add(p, o, `${path}.pattern`);
      return;
    }
    if (type === 'observed-data') return;
    const fromSco = identifierOfSco(o);
    if (fromSco !== null) {
      const seen = seenOf.get(o.id as string);
      add(
        seen === undefined
          ? fromSco
          : { ...fromSco, firstSeen: seen.first, lastSeen: seen.last, count: seen.count },
        o,
        path,
      );
      return;
    }
    if (KNOWN_SKIPPED.has(type)) return;
    skipped[type] = (skipped[type] ?? 0) + 1;
  });

  // Observed times reach the identifiers read from indicators too.
  for (const [scoIdValue, seen] of seenOf) {
    const sco = byId.get(scoIdValue);
    if (sco === undefined) continue;
    const p = identifierOfSco(sco);
    if (p === null) continue;
    const item = keys.get(`${p.kind}|${p.platform ?? ''}|${p.chain ?? ''}|${p.value}`);
    if (item !== undefined && item.firstSeen === undefined) {
      item.firstSeen = seen.first;
      item.lastSeen = seen.last;
      item.count = seen.count;
    }
  }

  return {
    bundleId: bundle.id as string,
    identifiers: out,
    skipped: { total: Object.values(skipped).reduce((a, b) => a + b, 0), byType: skipped },
    unsupportedPatterns: unsupported,
  };
}

/** The kinds of identifier the STIX mapping carries. */
export const STIX_IDENTIFIER_KINDS: readonly IdentifierKind[] = [
  'phone',
  'email',
  'url',
  'domain',
  'onion',
  'handle',
  'wallet',
  'image-pdq',
];

/** The TLP 2.0 marking id of each level (re-exported for callers building their own objects). */
export { TLP2_MARKING_IDS };
