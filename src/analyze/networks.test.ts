import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../corpus/index.js';
import { isVigilError } from '../shared/errors.js';
import { clusterQuality } from './cluster-quality.js';
import type { LinkItem } from './link-types.js';
import {
  buildNetworks,
  DEFAULT_HUB_TEMPLATES,
  type NetworkInput,
  type NetworkOptions,
  networkFeatures,
  networkRisk,
} from './networks.js';

// Fiction numbers (NANP 555-01xx), reserved domains; every id is synthetic.
const phone = (n: number) => `phone:+1212555${String(100 + n).padStart(4, '0')}`;
const usd = (amount: number) => ({ amount, currency: 'USD' });
const TX = { region: 'US-TX', country: 'US' } as const;
const NY_PHONE = { phoneCountries: ['US'], phoneAreas: ['US-NY'] } as const;

function item(id: string, fields: Partial<LinkItem> = {}): LinkItem {
  return {
    id,
    signature: new Uint32Array(0),
    phoneCountries: [],
    phoneAreas: [],
    thirdPerson: false,
    prices: [],
    risk: 0.1,
    ...fields,
    identifiers: [...new Set(fields.identifiers ?? [])].sort(),
  };
}

/** Items with a template each, from `[id, template, ...identifiers]` rows. */
function input(rows: readonly (readonly string[])[]): NetworkInput {
  const templates = new Map<string, string>();
  const items = rows.map(([id, template, ...identifiers]) => {
    if (template !== '') templates.set(id as string, template as string);
    return item(id as string, { identifiers });
  });
  return { items, templateOf: (id) => templates.get(id) };
}

function partition(input: NetworkInput, options?: NetworkOptions): string[][] {
  return buildNetworks(input, options).networks.map((n) => [...n.members]);
}

function expectLinkError(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(isVigilError(thrown, 'LINK_OPTIONS_INVALID')).toBe(true);
}

/** `count` unrelated two-template networks (own phone across both), each with `perTemplate`
 * items per template; `extra` adds identifiers to the first item of each network's template. */
function unrelatedNetworks(count: number, extra: (k: number) => string[] = () => []): string[][] {
  const rows: string[][] = [];
  for (let k = 0; k < count; k++) {
    rows.push([`k${k}-a1`, `k${k}-tA`, phone(k), ...extra(k)]);
    rows.push([`k${k}-a2`, `k${k}-tA`]);
    rows.push([`k${k}-b1`, `k${k}-tB`, phone(k)]);
  }
  return rows;
}

describe('buildNetworks: linking', () => {
  it('joins items written from one template; a single item is no network', () => {
    const result = buildNetworks(
      input([
        ['a1', 't1'],
        ['a2', 't1'],
        ['a3', 't1'],
        ['b1', 't2'],
        ['c1', ''],
      ]),
    );
    expect(result.networks.map((n) => [n.id, n.members, n.templates])).toEqual([
      ['n-a1', ['a1', 'a2', 'a3'], ['t1']],
    ]);
    expect([...result.networkOf]).toEqual([
      ['a1', 'n-a1'],
      ['a2', 'n-a1'],
      ['a3', 'n-a1'],
    ]);
    expect(result.hubs).toEqual([]);
  });

  it('joins two templates through a phone rotated across them, and lists what linked them', () => {
    const result = buildNetworks(
      input([
        ['x1', 'tA', phone(1)],
        ['x2', 'tA', phone(2)],
        ['y1', 'tB', phone(2), 'image:abc'],
        ['y2', 'tB', phone(3), 'image:abc'],
        ['z1', '', phone(3)],
      ]),
    );
    expect(result.networks).toHaveLength(1);
    const [network] = result.networks;
    expect(network?.members).toEqual(['x1', 'x2', 'y1', 'y2', 'z1']);
    expect(network?.templates).toEqual(['tA', 'tB']);
    // Identifiers that link two or more members; phone 1 is on one member only.
    expect(network?.identifiers).toEqual(['image:abc', phone(2), phone(3)]);
  });

  it('does not let a support number in ten unrelated networks merge them (giant component)', () => {
    const support = phone(99);
    const rows = unrelatedNetworks(10, () => [support]);
    const result = buildNetworks(input(rows));
    expect(result.networks).toHaveLength(10);
    for (const network of result.networks) {
      expect(network.members).toHaveLength(3);
      expect(network.hubs).toEqual([support]);
      expect(network.identifiers).not.toContain(support);
    }
    expect(result.hubs).toEqual([{ identifier: support, items: 10, templates: 10, groups: 10 }]);
  });

  it('takes the hub threshold from the options and reports it', () => {
    const support = phone(99);
    const rows = unrelatedNetworks(10, () => [support]);
    expect(partition(input(rows), { hubTemplates: 11 })).toHaveLength(1);
    expect(partition(input(rows), { hubTemplates: 10 })).toHaveLength(10);
    // Four networks: below the default threshold the shared number links them all.
    expect(DEFAULT_HUB_TEMPLATES).toBe(6);
    expect(partition(input(unrelatedNetworks(4, () => [support])))).toHaveLength(1);
    const three = buildNetworks(input(unrelatedNetworks(4, () => [support])), { hubTemplates: 3 });
    expect(three.networks).toHaveLength(4);
    expect(three.hubs.map((h) => [h.identifier, h.templates])).toEqual([[support, 4]]);
  });

  it('counts the groups a hub would join after everything else linked (fixed point)', () => {
    // One network writes from eight templates, chained by its rotating phones; one number is on
    // all eight. Eight templates, but one group once the chain links them: not a hub.
    const rows: string[][] = [];
    for (let t = 0; t < 8; t++) {
      rows.push([`m${t}-1`, `t${t}`, phone(50), phone(t)]);
      rows.push([`m${t}-2`, `t${t}`, phone(t + 1)]);
    }
    const chained = buildNetworks(input(rows));
    expect(chained.hubs).toEqual([]);
    expect(chained.networks).toHaveLength(1);
    expect(chained.networks[0]?.identifiers).toContain(phone(50));
    // Without the chain the same number is the only link between eight groups: a hub.
    const alone = rows.map((row) => row.slice(0, 3));
    const split = buildNetworks(input(alone));
    expect(split.hubs).toEqual([{ identifier: phone(50), items: 8, templates: 8, groups: 8 }]);
    expect(split.networks).toHaveLength(8);
  });

  it('links only the identifier kinds asked for, and never a shared platform domain', () => {
    const rows = [
      ['a1', 'tA', 'image:stock'],
      ['b1', 'tB', 'image:stock'],
      ['c1', 'tC', 'url:onlyfans.com'],
      ['d1', 'tD', 'url:onlyfans.com'],
      ['e1', 'tE', 'url:anna-companion.example'],
      ['f1', 'tF', 'url:anna-companion.example'],
      ['g1', 'tG', 'url:classifieds.example'],
      ['h1', 'tH', 'url:classifieds.example'],
    ];
    expect(partition(input(rows))).toEqual([
      ['a1', 'b1'],
      ['e1', 'f1'],
      ['g1', 'h1'],
    ]);
    expect(partition(input(rows), { sharedDomains: ['Classifieds.example'] })).toEqual([
      ['a1', 'b1'],
      ['e1', 'f1'],
    ]);
    expect(partition(input(rows), { kinds: ['phone', 'url'] })).toEqual([
      ['e1', 'f1'],
      ['g1', 'h1'],
    ]);
  });

  it('refuses options out of range and duplicate item ids', () => {
    const rows = input([
      ['a1', 't1'],
      ['a2', 't1'],
    ]);
    for (const hubTemplates of [1, 0, 2.5, Number.NaN, -3]) {
      expectLinkError(() => buildNetworks(rows, { hubTemplates }));
    }
    expectLinkError(() => buildNetworks(rows, { kinds: ['fax' as 'phone'] }));
    expectLinkError(() => buildNetworks(rows, { sharedDomains: [' '] }));
    expectLinkError(() =>
      buildNetworks(
        input([
          ['a1', 't1'],
          ['a1', 't1'],
        ]),
      ),
    );
  });
});

/**
 * The same rule written the slow, obvious way: label propagation, hub candidates recounted
 * until none changes.
 */
function referencePartition(source: NetworkInput, threshold: number): string[][] {
  const { items } = source;
  const owners = new Map<string, number[]>();
  items.forEach((it, i) => {
    for (const id of it.identifiers) owners.set(id, [...(owners.get(id) ?? []), i]);
  });
  const labelsWith = (linkers: readonly string[]) => {
    const label = items.map((_, i) => i);
    const merge = (a: number, b: number) => {
      const [from, to] = [label[a], label[b]];
      for (let i = 0; i < label.length; i++) if (label[i] === from) label[i] = to as number;
    };
    items.forEach((it, i) => {
      const t = source.templateOf(it.id);
      const j = items.findIndex((other) => t !== undefined && source.templateOf(other.id) === t);
      merge(i, j < 0 ? i : j);
    });
    for (const id of linkers) {
      const [first, ...rest] = owners.get(id) ?? [];
      for (const i of rest) merge(first as number, i);
    }
    return label;
  };
  const groups = (id: string, label: readonly number[]) =>
    new Set((owners.get(id) ?? []).map((i) => label[i])).size;
  const base = labelsWith([]);
  let hubs = [...owners.keys()].filter((id) => groups(id, base) >= threshold);
  let label = labelsWith([...owners.keys()].filter((id) => !hubs.includes(id)));
  for (;;) {
    const still = hubs.filter((id) => groups(id, label) >= threshold);
    if (still.length === hubs.length) break;
    hubs = still;
    label = labelsWith([...owners.keys()].filter((id) => !hubs.includes(id)));
  }
  const byLabel = new Map<number, string[]>();
  items.forEach((it, i) => {
    byLabel.set(label[i] as number, [...(byLabel.get(label[i] as number) ?? []), it.id]);
  });
  return [...byLabel.values()]
    .filter((members) => members.length >= 2)
    .map((members) => members.sort())
    .sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
}

const CITIES = ['Houston', 'Dallas', 'Austin'];

/** Random items: templates and identifiers from small pools, so that they collide, and the
 * fields features read (times with ties, cities, prices, risks) so that order could matter. */
const randomInput = fc
  .array(
    fc.record({
      template: fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined }),
      identifiers: fc.uniqueArray(fc.integer({ min: 0, max: 11 }), { maxLength: 3 }),
      day: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
      city: fc.option(fc.constantFrom(...CITIES), { nil: undefined }),
      price: fc.option(fc.integer({ min: 50, max: 500 }), { nil: undefined }),
      risk: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((rows) => {
    const templates = new Map<string, string>();
    const items = rows.map((row, i) => {
      const id = `i${String(i).padStart(2, '0')}`;
      if (row.template !== undefined) templates.set(id, `t${row.template}`);
      return item(id, {
        identifiers: row.identifiers.map((k) => (k < 8 ? phone(k) : `image:${k}`)),
        ...(row.day !== undefined && { postedAt: `2026-03-0${row.day}T12:00:00Z` }),
        ...(row.city !== undefined && { city: row.city, ...TX }),
        prices: row.price === undefined ? [] : [usd(row.price)],
        risk: row.risk,
      });
    });
    return { items, templateOf: (id: string) => templates.get(id) } satisfies NetworkInput;
  });

describe('buildNetworks: determinism', () => {
  it('gives the same networks, ids and hubs whatever the order of the items', () => {
    fc.assert(
      fc.property(
        randomInput,
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (source, hubTemplates, seed) => {
          const shuffled = [...source.items];
          let state = seed;
          for (let i = shuffled.length - 1; i > 0; i--) {
            state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
            const j = state % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j] as LinkItem, shuffled[i] as LinkItem];
          }
          const a = buildNetworks(source, { hubTemplates });
          const b = buildNetworks({ ...source, items: shuffled }, { hubTemplates });
          expect(b.networks).toEqual(a.networks);
          expect(b.hubs).toEqual(a.hubs);
          expect([...b.networkOf].sort()).toEqual([...a.networkOf].sort());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('matches a slow reference implementation of the hub rule', () => {
    fc.assert(
      fc.property(randomInput, fc.integer({ min: 2, max: 5 }), (source, hubTemplates) => {
        // The reference knows the hub rule only: generic-template splitting is switched off.
        expect(partition(source, { hubTemplates, templateGroups: 1e9 })).toEqual(
          referencePartition(source, hubTemplates),
        );
      }),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Features and risk
// ---------------------------------------------------------------------------------------------

/** A network posting in Texas with New York numbers, three names behind one phone. */
function circuitNetwork(risk: (i: number) => number = () => 0.8): {
  items: LinkItem[];
  names: Map<string, string[]>;
} {
  const rows: [string, string, string, number, string, Partial<LinkItem>][] = [
    ['a1', '2026-03-01T10:00:00Z', 'Houston', 1, 'Mia', { prices: [usd(200), usd(120)] }],
    ['a2', '2026-03-02T10:00:00Z', 'Houston', 1, 'Lola', { prices: [usd(200)] }],
    ['a3', '2026-03-04T10:00:00Z', 'Dallas', 1, 'Zoe', { prices: [usd(220)] }],
    ['a4', '2026-03-07T10:00:00Z', 'Dallas', 2, 'Mia', { prices: [usd(180)] }],
    ['a5', '2026-03-11T10:00:00Z', 'Houston', 2, 'Nina', { prices: [usd(200)] }],
    [
      'a6',
      '2026-03-16T10:00:00Z',
      'Austin',
      2,
      'Nina',
      { prices: [{ amount: 150, currency: 'EUR' }], phoneAreas: ['US-TX'] },
    ],
  ];
  const names = new Map<string, string[]>();
  const items = rows.map(([id, postedAt, city, p, name, extra], i) => {
    names.set(id, [name]);
    return item(id, {
      postedAt,
      city,
      ...TX,
      ...NY_PHONE,
      identifiers: [phone(p)],
      thirdPerson: i < 3,
      risk: risk(i),
      ...extra,
    });
  });
  return { items, names };
}

describe('networkFeatures', () => {
  it('reads the circuit, cadence, span, mismatch, personas and prices of a known network', () => {
    const { items, names } = circuitNetwork();
    // Shuffled on purpose: the features follow posting times, not input order.
    const shuffled = [items[4], items[0], items[5], items[2], items[1], items[3]] as LinkItem[];
    const f = networkFeatures(shuffled, { slotValues: (id) => names.get(id) });
    expect(f).toEqual({
      items: 6,
      phones: 2,
      cities: 3,
      firstPosted: '2026-03-01T10:00:00Z',
      lastPosted: '2026-03-16T10:00:00Z',
      spanDays: 15,
      // Gaps of 1, 2, 3, 4 and 5 days.
      cadenceDays: 3,
      circuit: [
        { city: 'Houston', from: '2026-03-01T10:00:00Z', to: '2026-03-02T10:00:00Z' },
        { city: 'Dallas', from: '2026-03-04T10:00:00Z', to: '2026-03-07T10:00:00Z' },
        { city: 'Houston', from: '2026-03-11T10:00:00Z', to: '2026-03-11T10:00:00Z' },
        { city: 'Austin', from: '2026-03-16T10:00:00Z', to: '2026-03-16T10:00:00Z' },
      ],
      // Five of six posted in Texas with a New York number; a6 has a Texas one.
      phoneLocationMismatch: 0.833,
      // Mia, Lola and Zoe behind phone 1.
      personasPerPhone: 3,
      thirdPersonShare: 0.5,
      // Highest USD price per member: 200, 200, 220, 180, 200 (a6 quotes EUR only).
      priceVariation: 0.063,
    });
  });

  it('leaves out what it cannot know', () => {
    const f = networkFeatures([item('u1'), item('u2', { postedAt: 'not a date' })]);
    expect(f).toEqual({
      items: 2,
      phones: 0,
      cities: 0,
      spanDays: 0,
      circuit: [],
      phoneLocationMismatch: 0,
      personasPerPhone: 0,
      thirdPersonShare: 0,
    });
  });

  it('does not count names behind a hub as personas of the network', () => {
    const { items, names } = circuitNetwork();
    const f = networkFeatures(items, {
      slotValues: (id) => names.get(id),
      hubs: new Set([phone(1), phone(2)]),
    });
    expect(f.personasPerPhone).toBe(0);
  });
});

/** A staffing agency: one switchboard (New York) on three templates in twelve cities. */
function staffingAgency(): NetworkInput {
  const cities = ['Albany', 'Boston', 'Chicago', 'Denver', 'Erie', 'Fresno'];
  const templates = new Map<string, string>();
  const items: LinkItem[] = [];
  for (let i = 0; i < 36; i++) {
    const id = `s${String(i).padStart(2, '0')}`;
    templates.set(id, `staff-t${i % 3}`);
    items.push(
      item(id, {
        identifiers: [phone(40), 'email:jobs@agency.example'],
        postedAt: new Date(Date.UTC(2026, 0, 1 + i * 4, 9)).toISOString(),
        city: `${cities[i % 6]}${i % 12 < 6 ? '' : ' Heights'}`,
        region: 'US-XX',
        country: 'US',
        ...NY_PHONE,
        prices: [usd(18 + (i % 5))],
        risk: 0.11,
      }),
    );
  }
  return { items, templateOf: (id) => templates.get(id), slotValues: () => undefined };
}

/** A massage clinic chain: four clinics, own local phone each, one site, fixed prices. */
function clinicChain(): NetworkInput {
  const items: LinkItem[] = [];
  const templates = new Map<string, string>();
  for (let c = 0; c < 4; c++) {
    for (let k = 0; k < 5; k++) {
      const id = `c${c}-${k}`;
      templates.set(id, `clinic-${c}`);
      items.push(
        item(id, {
          identifiers: [phone(60 + c), 'url:relaxwell-clinics.example'],
          postedAt: `2026-02-${String(1 + c * 5 + k).padStart(2, '0')}T08:00:00Z`,
          city: ['Houston', 'Dallas', 'Austin', 'El Paso'][c] as string,
          ...TX,
          phoneCountries: ['US'],
          phoneAreas: ['US-TX'],
          prices: [usd(90), usd(120)],
          risk: 0.08,
        }),
      );
    }
  }
  return { items, templateOf: (id) => templates.get(id) };
}

describe('networkRisk', () => {
  it('rates a trafficking-like network high and explains each factor', () => {
    const { items, names } = circuitNetwork((i) => [0.8, 0.85, 0.9, 0.7, 0.8, 0.75][i] as number);
    const templates = new Map(items.map((it, i) => [it.id, `net-t${i % 2}`]));
    const result = buildNetworks({
      items,
      templateOf: (id) => templates.get(id),
      slotValues: (id) => names.get(id),
    });
    expect(result.networks).toHaveLength(1);
    const network = result.networks[0];
    expect(network?.risk).toBeGreaterThan(0.7);
    expect(network?.explanation).toEqual([
      "Members' own risk: mean 0.80, highest 0.90 (the strongest signal) [+5.35]",
      'Posted in 3 cities over 15 days (a circuit of 4 stops) [+0.50]',
      "83% of members were posted away from their phone's country or area [+0.83]",
      '3 different names advertised behind one phone or contact [+1.20]',
      '50% of members are written about the person in the third person (a weak indicator) [+0.25]',
      'Uniform prices across the personas (variation 6%) [+0.40]',
    ]);
  });

  it('rates a staffing agency with one switchboard across many cities low', () => {
    const result = buildNetworks(staffingAgency());
    expect(result.networks).toHaveLength(1);
    const network = result.networks[0];
    expect(network?.features.cities).toBe(12);
    expect(network?.features.phoneLocationMismatch).toBe(1);
    expect(network?.risk).toBeLessThan(0.3);
    expect(network?.explanation[0]).toMatch(/^Members' own risk: mean 0\.11/);
    expect(network?.explanation[1]).toMatch(/^Posted in 12 cities over /);
  });

  it('rates a massage clinic chain low', () => {
    const result = buildNetworks(clinicChain());
    expect(result.networks).toHaveLength(1);
    expect(result.networks[0]?.members).toHaveLength(20);
    expect(result.networks[0]?.risk).toBeLessThan(0.3);
  });

  it('lets item risk, not structure, decide: the same structure at low item risk stays low', () => {
    const { items, names } = circuitNetwork(() => 0.05);
    const f = networkFeatures(items, { slotValues: (id) => names.get(id) });
    expect(networkRisk(f, items).risk).toBeLessThan(0.5);
    const high = circuitNetwork(() => 0.8).items;
    expect(networkRisk(f, high).risk).toBeGreaterThan(networkRisk(f, items).risk);
  });
});

// ---------------------------------------------------------------------------------------------
// Quality on the synthetic corpus
// ---------------------------------------------------------------------------------------------

/** Link items built from the corpus truth: planted contacts as identifiers, truth templates. */
function corpusInput(n: number, seed: number) {
  const items: LinkItem[] = [];
  const template = new Map<string, string>();
  const planted = new Map<string, string>();
  for (const { item: ad, truth } of generateCorpus({ n, seed })) {
    if (truth.template !== undefined) template.set(truth.id, truth.template);
    if (truth.network !== undefined) planted.set(truth.id, truth.network);
    items.push(
      item(ad.id, {
        identifiers: [
          ...truth.phones.map((p) => `phone:${p}`),
          ...truth.emails.map((e) => `email:${e}`),
          ...truth.handles.map((h) => `handle:${h}`),
          ...truth.wallets.map((w) => `wallet:${w}`),
        ],
        ...(ad.posted_at !== undefined && { postedAt: ad.posted_at }),
        ...ad.location,
      }),
    );
  }
  return { items, templateOf: (id: string) => template.get(id), planted };
}

function expectPlantedGroupsRecovered(
  result: ReturnType<typeof buildNetworks>,
  planted: ReadonlyMap<string, string>,
): void {
  const quality = clusterQuality(
    [...planted.keys()],
    (id) => result.networkOf.get(id),
    (id) => planted.get(id),
  );
  expect(quality.f1).toBeGreaterThanOrEqual(0.9);
  for (const network of result.networks) {
    const groups = new Set(network.members.map((id) => planted.get(id)).filter(Boolean));
    expect(groups.size, `${network.id} mixes planted groups`).toBeLessThanOrEqual(1);
  }
}

describe('buildNetworks on the synthetic corpus', () => {
  const corpus = corpusInput(5000, 11);

  it('recovers the planted groups from template and contact truth (pairwise F1 >= 0.9)', () => {
    expect(new Set(corpus.planted.values()).size).toBeGreaterThanOrEqual(10);
    expectPlantedGroupsRecovered(buildNetworks(corpus), corpus.planted);
  });

  it('still does when a site support number appears on every twentieth ad', () => {
    const support = phone(99);
    const items = corpus.items.map((it, i) =>
      i % 20 === 0 ? item(it.id, { ...it, identifiers: [...it.identifiers, support] }) : it,
    );
    const result = buildNetworks({ ...corpus, items });
    expect(result.hubs.map((h) => h.identifier)).toEqual([support]);
    expectPlantedGroupsRecovered(result, corpus.planted);
  });
});

describe('buildNetworks: generic templates', () => {
  const ad = (id: string, identifiers: string[]): LinkItem => ({
    id,
    signature: new Uint32Array(0),
    identifiers,
    phoneCountries: [],
    phoneAreas: [],
    thirdPerson: false,
    prices: [],
    risk: 0.1,
  });

  it('does not let stock text written by unrelated advertisers join them', () => {
    // One near-duplicate rental text used by four landlords, each with their own email, and a
    // network whose template spans two phones that another ad links.
    const items = [
      ad('r1', ['email:a@example.test']),
      ad('r2', ['email:a@example.test']),
      ad('r3', ['email:b@example.test']),
      ad('r4', ['email:c@example.test']),
      ad('r5', ['email:d@example.test']),
      ad('r6', []),
      ad('n1', ['phone:+12125550101']),
      ad('n2', ['phone:+12125550102']),
      ad('n3', []),
    ];
    const templates = new Map(
      items.map((item) => [item.id, item.id.startsWith('r') ? 'rent' : 'net']),
    );
    const { networks } = buildNetworks({ items, templateOf: (id) => templates.get(id) });
    const members = networks.map((n) => [...n.members].sort());
    expect(members).toContainEqual(['r1', 'r2']);
    expect(members.flat()).not.toContain('r3');
    expect(members.flat()).not.toContain('r6');
    // Two contact groups stay under the default threshold of three: the template links them.
    expect(members).toContainEqual(['n1', 'n2', 'n3']);
    // A lower threshold treats the network's text as generic too.
    const strict = buildNetworks(
      { items, templateOf: (id) => templates.get(id) },
      { templateGroups: 2 },
    );
    expect(strict.networks.map((n) => [...n.members].sort())).not.toContainEqual([
      'n1',
      'n2',
      'n3',
    ]);
  });

  it('refuses a threshold below two', () => {
    expect(() =>
      buildNetworks({ items: [], templateOf: () => undefined }, { templateGroups: 1 }),
    ).toThrow(/template groups/);
  });
});
