/**
 * STIX export and import. The output is validated against the OASIS STIX 2.1 JSON Schemas
 * (../shared/schemas/stix2.1, read in place): every schema file is registered under its `$id`,
 * so the relative `$ref`s ("../common/core.json") resolve against it; the bundle is validated
 * against bundle.json and each object against its own schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../shared/errors.js';
import type { SharedIdentifier } from './agreement.js';
import { TLP_LEVELS, TLP2_MARKING_IDS, tlp2MarkingDefinition } from './markings.js';
import {
  buildStixBundle,
  parseStixBundle,
  type StixBundle,
  type StixObject,
  uuidV5,
} from './stix.js';

const SHARED = new URL('../../../shared/', import.meta.url).pathname;
const SCHEMAS = join(SHARED, 'schemas/stix2.1');
const EXAMPLES = join(SHARED, 'test-vectors/stix2.1-examples');
const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas';

// ajv and ajv-formats are CommonJS: under NodeNext the default import is module.exports, which
// carries the class / plugin as `.default` too.
const AjvClass = Ajv2020.default;
const formats = addFormats.default;
// unicodeRegExp off: the schemas' patterns use escapes such as "\\-" that the u flag rejects.
const ajv = new AjvClass({ strict: false, allErrors: true, unicodeRegExp: false });
formats(ajv);
// ajv-formats has no idn-hostname (domain-name.json uses it): accept hostnames without spaces or slashes.
ajv.addFormat('idn-hostname', (s: string) => s.length > 0 && s.length <= 253 && !/[\s/@]/.test(s));
for (const folder of ['common', 'sdos', 'sros', 'observables']) {
  for (const file of readdirSync(join(SCHEMAS, folder))) {
    if (!file.endsWith('.json')) continue;
    const schema = JSON.parse(readFileSync(join(SCHEMAS, folder, file), 'utf8'));
    expect(schema.$id).toBe(`${BASE}/${folder}/${file}`);
    ajv.addSchema(schema);
  }
}

function schemaFor(type: string): string {
  if (type === 'bundle') return `${BASE}/common/bundle.json`;
  if (type === 'marking-definition') return `${BASE}/common/marking-definition.json`;
  if (type === 'relationship' || type === 'sighting') return `${BASE}/sros/${type}.json`;
  if (type.startsWith('x-')) return `${BASE}/common/cyber-observable-core.json`;
  for (const folder of ['sdos', 'observables']) {
    if (readdirSync(join(SCHEMAS, folder)).includes(`${type}.json`))
      return `${BASE}/${folder}/${type}.json`;
  }
  throw new Error(`no schema for ${type}`);
}

function validate(value: unknown, type: string): string[] {
  const check = ajv.getSchema(schemaFor(type));
  if (check === undefined) throw new Error(`schema not loaded for ${type}`);
  return check(value)
    ? []
    : (check.errors ?? []).map((e) => `${type} ${e.instancePath} ${e.message ?? ''}`);
}

const NOW = '2025-06-01T12:00:00Z';
const IDENTIFIERS: SharedIdentifier[] = [
  {
    kind: 'phone',
    value: '+12125550123',
    firstSeen: '2025-05-01T00:00:00Z',
    lastSeen: '2025-05-20T00:00:00Z',
    count: 14,
    group: 'net-7',
  },
  {
    kind: 'email',
    value: 'bookings@example.test',
    group: 'net-7',
    firstSeen: '2025-05-02T00:00:00Z',
  },
  { kind: 'url', value: 'https://ads.example.test/p/123?x=1', note: 'Ad page' },
  { kind: 'domain', value: 'example.test' },
  { kind: 'onion', value: 'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion' },
  {
    kind: 'handle',
    platform: 'telegram',
    value: "o'brien\\x",
    group: 'net-7',
    firstSeen: '2025-05-03T00:00:00Z',
  },
  {
    kind: 'wallet',
    chain: 'bitcoin',
    value: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
    firstSeen: '2025-05-04T00:00:00Z',
  },
  { kind: 'image-pdq', value: '0123456789abcdef'.repeat(4), firstSeen: '2025-05-05T00:00:00Z' },
];
const markings = {
  tlp: 'amber' as const,
  pap: 'green' as const,
  statement: 'Shared under agreement ag-1; no onward sharing.',
};

function build(extra: Partial<Parameters<typeof buildStixBundle>[0]> = {}): StixBundle {
  return buildStixBundle({
    organisation: { name: 'Example Classifieds' },
    identifiers: IDENTIFIERS,
    markings,
    now: NOW,
    ...extra,
  });
}

function stixError(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('expected STIX_INVALID');
}

describe('markings', () => {
  it('uses the OASIS TLP 2.0 ids recorded in the reference', () => {
    const reference = readFileSync(join(SHARED, 'reference/evidence-and-sharing.md'), 'utf8');
    for (const level of TLP_LEVELS) {
      expect(reference).toContain(TLP2_MARKING_IDS[level]);
      expect(validate(tlp2MarkingDefinition(level), 'marking-definition')).toEqual([]);
    }
  });
});

describe('uuidV5', () => {
  it('matches the RFC 4122 / Python uuid5 vector', () => {
    // uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });
});

describe('buildStixBundle', () => {
  const bundle = build();

  it('validates against the OASIS bundle schema and each object against its own schema', () => {
    expect(validate(bundle, 'bundle')).toEqual([]);
    const errors = bundle.objects.flatMap((o) => validate(o, o.type));
    expect(errors).toEqual([]);
    const types = new Set(bundle.objects.map((o) => o.type));
    // The validator does reject what breaks the schemas.
    const indicator = bundle.objects.find((o) => o.type === 'indicator') as StixObject;
    expect(validate({ ...indicator, pattern: undefined }, 'indicator')).not.toEqual([]);
    expect(validate({ ...indicator, id: 'indicator--1' }, 'indicator')).not.toEqual([]);
    for (const t of [
      'identity',
      'indicator',
      'observed-data',
      'relationship',
      'infrastructure',
      'marking-definition',
    ])
      expect(types).toContain(t);
  });

  it('marks every object with the TLP 2.0 marking and a PAP statement', () => {
    const tlp = TLP2_MARKING_IDS.amber;
    expect(bundle.objects.find((o) => o.id === tlp)).toEqual(tlp2MarkingDefinition('amber'));
    const pap = bundle.objects.find(
      (o) =>
        o.type === 'marking-definition' &&
        (o.definition as { statement?: string })?.statement === 'PAP:GREEN',
    );
    expect(pap).toBeDefined();
    for (const o of bundle.objects) {
      if (o.id === tlp) continue;
      expect(o.object_marking_refs, o.id).toContain(tlp);
      if (o.type !== 'marking-definition') expect(o.object_marking_refs, o.id).toContain(pap?.id);
    }
  });

  it('writes the patterns of the mapping, escaping quotes and backslashes', () => {
    const patterns = bundle.objects.filter((o) => o.type === 'indicator').map((o) => o.pattern);
    expect(patterns).toContain("[x-vigil-phone-number:value = '+12125550123']");
    expect(patterns).toContain("[email-addr:value = 'bookings@example.test']");
    expect(patterns).toContain("[url:value = 'https://ads.example.test/p/123?x=1']");
    expect(patterns).toContain("[domain-name:value = 'example.test']");
    expect(patterns).toContain(
      "[user-account:account_type = 'telegram' AND user-account:account_login = 'o\\'brien\\\\x']",
    );
    expect(patterns).toContain(`[file:hashes.x_pdq = '${'0123456789abcdef'.repeat(4)}']`);
  });

  it('links indicators to what they are based on and to their network', () => {
    const rels = bundle.objects.filter((o) => o.type === 'relationship');
    expect(rels.filter((r) => r.relationship_type === 'indicates')).toHaveLength(3);
    expect(rels.filter((r) => r.relationship_type === 'based-on')).toHaveLength(5);
    const ids = new Set(bundle.objects.map((o) => o.id));
    for (const r of rels) {
      expect(ids).toContain(r.source_ref);
      expect(ids).toContain(r.target_ref);
    }
    for (const o of bundle.objects.filter((x) => x.type === 'observed-data'))
      for (const ref of o.object_refs as string[]) expect(ids).toContain(ref);
  });

  it('is deterministic without a UUID source and uses the source when given', () => {
    expect(build()).toEqual(bundle);
    let n = 0;
    const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    const random = build({ uuid });
    expect(validate(random, 'bundle')).toEqual([]);
    expect(random.id).toMatch(/^bundle--00000000-0000-4000-8000-/);
    expect(random.objects.find((o) => o.type === 'indicator')?.id).toMatch(
      /^indicator--00000000-0000-4000-8000-/,
    );
    // Observable ids follow STIX 2.1 §2.9 either way.
    const sco = (b: StixBundle) =>
      b.objects.filter((o) => o.type === 'email-addr').map((o) => o.id);
    expect(sco(random)).toEqual(sco(bundle));
  });
});

describe('parseStixBundle', () => {
  it('reads back what buildStixBundle writes, with markings', () => {
    const result = parseStixBundle(JSON.stringify(build()));
    expect(result.skipped.total).toBe(0);
    expect(result.unsupportedPatterns).toBe(0);
    const byValue = new Map(result.identifiers.map((i) => [i.value, i]));
    for (const i of IDENTIFIERS) {
      const got = byValue.get(i.value);
      expect(got, i.value).toBeDefined();
      expect(got?.kind).toBe(i.kind);
      expect(got?.tlp).toBe('amber');
      expect(got?.pap).toBe('green');
      expect(got?.createdBy?.name).toBe('Example Classifieds');
      if (i.platform) expect(got?.platform).toBe(i.platform);
      if (i.chain) expect(got?.chain).toBe(i.chain);
    }
    const phone = byValue.get('+12125550123');
    expect(phone?.firstSeen).toBe('2025-05-01T00:00:00.000Z');
    expect(phone?.count).toBe(14);
  });

  it('round-trips arbitrary values (property)', () => {
    const value = fc
      .string({ minLength: 1, maxLength: 60 })
      .filter((s) => s.trim() === s && s !== '');
    const ident = fc.oneof(
      value.map((v): SharedIdentifier => ({ kind: 'email', value: v })),
      value.map((v): SharedIdentifier => ({ kind: 'phone', value: v })),
      value.map((v): SharedIdentifier => ({ kind: 'url', value: v })),
      value.map((v): SharedIdentifier => ({ kind: 'handle', platform: 'kik', value: v })),
      value.map((v): SharedIdentifier => ({ kind: 'wallet', chain: 'tron', value: v })),
    );
    fc.assert(
      fc.property(
        fc.array(ident, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...TLP_LEVELS),
        (ids, tlp) => {
          const b = buildStixBundle({
            organisation: { name: 'Org' },
            identifiers: ids,
            markings: { tlp, pap: 'red' },
            now: NOW,
          });
          const back = parseStixBundle(JSON.parse(JSON.stringify(b)));
          const key = (i: { kind: string; value: string; platform?: string; chain?: string }) =>
            `${i.kind}|${i.platform ?? ''}|${i.chain ?? ''}|${i.value}`;
          expect(new Set(back.identifiers.map(key))).toEqual(new Set(ids.map(key)));
          expect(back.identifiers.every((i) => i.tlp === tlp && i.pap === 'red')).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads the OASIS example bundles, skipping and counting what it does not map', () => {
    for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))) {
      const text = readFileSync(join(EXAMPLES, file), 'utf8');
      const doc = JSON.parse(text);
      if (doc.type !== 'bundle') continue;
      const result = parseStixBundle(text);
      expect(result.bundleId).toBe(doc.id);
    }
    const c2 = parseStixBundle(
      readFileSync(join(EXAMPLES, 'indicator-for-c2-ip-address.json'), 'utf8'),
    );
    expect(c2.unsupportedPatterns).toBe(1);
    const coa = parseStixBundle(
      readFileSync(join(EXAMPLES, 'indicators-for-C2-with-COA.json'), 'utf8'),
    );
    expect(coa.skipped.byType).toMatchObject({ 'course-of-action': 1, malware: 1 });
    const infra = parseStixBundle(readFileSync(join(EXAMPLES, 'infrastructure.json'), 'utf8'));
    expect(infra.identifiers.map((i) => i.kind)).toEqual(['domain']);
    expect(infra.identifiers[0]?.tlp).toBeNull();
  });

  it('reads TLP 1.0 markings (WHITE as CLEAR) and takes the strictest', () => {
    const b = build({ identifiers: [{ kind: 'email', value: 'a@example.test' }] });
    const ind = b.objects.find((o) => o.type === 'indicator') as StixObject;
    ind.object_marking_refs = [
      'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
      'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
    ];
    expect(parseStixBundle(b).identifiers[0]?.tlp).toBe('red');
  });

  it('refuses malformed bundles naming the path', () => {
    const b = build();
    const cases: [unknown, string][] = [
      ['not json', '(bundle)'],
      [{ ...b, type: 'report' }, 'type'],
      [{ ...b, id: 'bundle--nope' }, 'id'],
      [{ ...b, objects: {} }, 'objects'],
      [{ ...b, objects: [...b.objects, 42] }, `objects[${b.objects.length}]`],
      [{ ...b, objects: [{ type: 'indicator', id: 'indicator--1234' }] }, 'objects[0].id'],
      [{ ...b, objects: [{ type: 'Bad Type', id: 'x' }] }, 'objects[0].type'],
      [
        {
          ...b,
          objects: [
            {
              type: 'indicator',
              id: 'indicator--33fe3b22-0201-47cf-85d0-97c02164528d',
              pattern_type: 'stix',
              pattern: "[email-addr:value = 'unterminated]",
            },
          ],
        },
        'objects[0].pattern',
      ],
      [
        {
          ...b,
          objects: [
            {
              type: 'indicator',
              id: 'indicator--33fe3b22-0201-47cf-85d0-97c02164528d',
              object_marking_refs: ['tlp-red'],
            },
          ],
        },
        'objects[0].object_marking_refs[0]',
      ],
    ];
    for (const [input, path] of cases) {
      const e = stixError(() => parseStixBundle(input));
      expect(e.code).toBe('STIX_INVALID');
      expect(e.details?.path).toBe(path);
      expect(e.message).toContain(path);
    }
  });

  it('bounds sizes, counts and nesting', () => {
    const b = build();
    expect(stixError(() => parseStixBundle(b, { maxObjects: 3 })).details?.path).toBe('objects');
    expect(stixError(() => parseStixBundle(JSON.stringify(b), { maxChars: 100 })).code).toBe(
      'STIX_INVALID',
    );
    let deep: unknown = 'x';
    for (let k = 0; k < 40; k++) deep = [deep];
    expect(stixError(() => parseStixBundle({ ...b, x_deep: deep })).message).toContain(
      'nested deeper',
    );
  });

  it('skips unknown and custom types but counts them', () => {
    const b = build({ identifiers: [{ kind: 'email', value: 'a@example.test' }] });
    b.objects.push(
      { type: 'x-acme-widget', id: 'x-acme-widget--33fe3b22-0201-47cf-85d0-97c02164528d' },
      { type: 'campaign', id: 'campaign--33fe3b22-0201-47cf-85d0-97c02164528d', name: 'c' },
      { type: 'campaign', id: 'campaign--44fe3b22-0201-47cf-85d0-97c02164528d', name: 'd' },
    );
    const result = parseStixBundle(b);
    expect(result.skipped).toEqual({ total: 3, byType: { 'x-acme-widget': 1, campaign: 2 } });
    expect(result.identifiers).toHaveLength(1);
  });
});
