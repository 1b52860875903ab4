import { describe, expect, it } from 'vitest';
import type { Network, NetworkFeatures, Template } from '../analyze/link-types.js';
import { esc } from '../shared/html.js';
import {
  type NetworkReportData,
  type NetworkReportItem,
  renderNetworksHtml,
} from './networks-html.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const HUB = 'phone:+18005550100';
const PHONE = 'phone:+33612345678';
const EMAIL = 'email:contact@example.org';
const HOSTILE_ID = `handle:telegram:${HOSTILE}`;
const LONG_ID = `wallet:btc:bc1q${'0123456789'.repeat(6)}`;

function item(
  id: string,
  city: string,
  postedAt: string,
  identifiers: string[],
  template?: string,
  title = `Ad ${id}`,
): NetworkReportItem {
  const risk = 0.5;
  return {
    id,
    risk,
    band: 'medium',
    title,
    city,
    postedAt,
    identifiers: [...identifiers, HUB],
    ...(template !== undefined && { template }),
  };
}

function features(over: Partial<NetworkFeatures> = {}): NetworkFeatures {
  return {
    items: 6,
    phones: 1,
    cities: 3,
    firstPosted: '2025-03-01T10:00:00Z',
    lastPosted: '2025-03-12T10:00:00Z',
    spanDays: 11,
    cadenceDays: 2.2,
    circuit: [
      { city: 'Lyon', from: '2025-03-01T10:00:00Z', to: '2025-03-03T10:00:00Z' },
      { city: 'Paris', from: '2025-03-05T10:00:00Z', to: '2025-03-06T10:00:00Z' },
      { city: 'Marseille', from: '2025-03-08T10:00:00Z', to: '2025-03-09T10:00:00Z' },
      { city: 'Lyon', from: '2025-03-12T10:00:00Z', to: '2025-03-12T10:00:00Z' },
    ],
    phoneLocationMismatch: 0.5,
    personasPerPhone: 3,
    thirdPersonShare: 0.25,
    priceVariation: 0.1,
    ...over,
  };
}

function network(id: string, members: string[], over: Partial<Network> = {}): Network {
  return {
    id,
    members,
    templates: [],
    identifiers: [],
    hubs: [],
    features: features({ items: members.length }),
    risk: 0.8,
    explanation: ['Moves between 3 cities in 11 days.'],
    ...over,
  };
}

function fixture(): NetworkReportData {
  const items = new Map<string, NetworkReportItem>();
  const add = (i: NetworkReportItem) => items.set(i.id, i);
  // Network A: six items, one template, three linking identifiers, one hub.
  add(item('a1', 'Lyon', '2025-03-01T10:00:00Z', [PHONE, EMAIL], 'tpl-1', `Title ${HOSTILE}`));
  add(item('a2', 'Lyon', '2025-03-03T10:00:00Z', [PHONE], 'tpl-1'));
  add(item('a3', 'Paris', '2025-03-05T10:00:00Z', [PHONE, HOSTILE_ID], 'tpl-1'));
  add(item('a4', 'Marseille', '2025-03-08T10:00:00Z', [HOSTILE_ID, LONG_ID], 'tpl-1'));
  add(item('a5', 'Marseille', '2025-03-09T10:00:00Z', [EMAIL, LONG_ID]));
  add(item('a6', 'Lyon', '2025-03-12T10:00:00Z', [PHONE], 'tpl-1'));
  // Networks B and C: two items each, linked by a phone.
  add(item('b1', 'Nice', '2025-04-01T10:00:00Z', ['phone:+33700000001']));
  add(item('b2', 'Nice', '2025-04-02T10:00:00Z', ['phone:+33700000001']));
  add(item('c1', 'Lille', '2025-05-01T10:00:00Z', ['phone:+33700000002']));
  add(item('c2', 'Lille', '2025-05-02T10:00:00Z', ['phone:+33700000002']));

  const template: Template = {
    id: 'tpl-1',
    members: ['a1', 'a2', 'a3', 'a4', 'a6'],
    similarity: 0.82,
    parts: [
      { text: 'New in town, my name is ' },
      { slot: { kind: 'name', examples: ['Alice', `Bea ${HOSTILE}`] } },
      { text: ', I am ' },
      { slot: { kind: 'age', examples: ['23', '24'] } },
      { text: ' and in ' },
      { slot: { kind: 'city', examples: ['Lyon', 'Paris'] } },
      { text: ' this week.' },
    ],
  };
  const networks: Network[] = [
    network('net-A', ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'], {
      templates: ['tpl-1'],
      identifiers: [PHONE, EMAIL, HOSTILE_ID, LONG_ID],
      hubs: [HUB],
      risk: 0.81,
    }),
    network('net-B', ['b1', 'b2'], {
      identifiers: ['phone:+33700000001'],
      hubs: [HUB],
      risk: 0.5,
      features: features({ items: 2, circuit: [] }),
    }),
    network('net-C', ['c1', 'c2'], {
      identifiers: ['phone:+33700000002'],
      risk: 0.2,
      features: features({ items: 2, circuit: [] }),
    }),
  ];
  return {
    networks,
    templates: new Map([[template.id, template]]),
    items,
    hubs: [{ identifier: HUB, items: 812, templates: 40 }],
    meta: {
      generatedAt: '2025-06-01T00:00:00Z',
      input: `ads-${HOSTILE}.jsonl`,
      totalItems: 1000,
      options: { threshold: 0.5, hubTemplates: 5 },
    },
  };
}

/** The HTML of one network's section, by its position in the report (1-based). */
function section(html: string, index: number): string {
  const start = html.indexOf(`id="net-${index}"`);
  expect(start).toBeGreaterThan(0);
  return html.slice(start, html.indexOf('</section>', start));
}

function graphOf(html: string): string {
  const m = /<svg class="graph"[\s\S]*?<\/svg>/.exec(html);
  expect(m).not.toBeNull();
  return m?.[0] ?? '';
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('renderNetworksHtml', () => {
  const data = fixture();
  const html = renderNetworksHtml(data);

  it('is a self-contained page: a CSP forbidding external requests and no scripts', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
  });

  it('escapes hostile text in titles, slot examples, identifiers, explanations and the input name', () => {
    expect(html).not.toContain(HOSTILE);
    const escaped = esc(HOSTILE);
    // Member title, slot example (chip title and value list), identifier (table and graph), input.
    expect(html).toContain(`<td class="title">Title ${escaped}</td>`);
    expect(html).toContain(`Bea ${escaped}`);
    expect(html).toContain(`<code>${esc(HOSTILE_ID)}</code>`);
    expect(html).toContain(`<title>Vigil networks report — ads-${escaped}.jsonl</title>`);
    const hostileInput = renderNetworksHtml({
      ...data,
      networks: [
        network(HOSTILE, ['a1', 'a2'], {
          explanation: [HOSTILE],
          features: features({
            circuit: [{ city: HOSTILE, from: HOSTILE, to: HOSTILE }],
          }),
          templates: [HOSTILE],
        }),
      ],
      meta: { ...data.meta, options: { [HOSTILE]: HOSTILE } },
    });
    expect(hostileInput).not.toContain(HOSTILE);
    expect(hostileInput).not.toMatch(/<img/i);
  });

  it('renders template slots as chips with their kind and examples in the tooltip', () => {
    const s = section(html, 1);
    expect(s).toContain('New in town, my name is <span class="slot name" title="name, e.g. Alice');
    expect(s).toMatch(/<span class="slot age" title="age, e.g. 23 · 24">age<\/span>/);
    expect(s).toMatch(/<span class="slot city" title="city, e.g. Lyon · Paris">city<\/span>/);
    expect(s).toContain(' this week.');
    // An unknown kind (bad input) is shown as "other", not as a class name from the data.
    const odd = renderNetworksHtml({
      ...data,
      templates: new Map([
        [
          'tpl-1',
          {
            id: 'tpl-1',
            members: ['a1'],
            similarity: 0.5,
            parts: [{ slot: { kind: 'x" onmouseover="y' as 'other', examples: [] } }],
          },
        ],
      ]),
    });
    expect(odd).toContain(
      '<span class="slot other" title="other: varies between members">other</span>',
    );
    expect(odd).not.toContain('onmouseover="y');
  });

  it('shows the circuit in posting order, revisits included', () => {
    const s = section(html, 1);
    const text = /<p class="circuit-text">(.*?)<\/p>/.exec(s)?.[1]?.replace(/<[^>]+>/g, '');
    expect(text).toBe('Lyon → Paris → Marseille → Lyon');
    const svg = /<svg class="circuit"[\s\S]*?<\/svg>/.exec(s)?.[0] ?? '';
    const cities = [...svg.matchAll(/<text class="city"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(cities).toEqual(['Lyon', 'Paris', 'Marseille', 'Lyon']);
    expect(svg).toContain('from 2025-03-05');
    expect(svg).toContain('to 2025-03-09');
    // A revisited city keeps its colour.
    const fills = [
      ...svg.matchAll(/<rect x="[^"]+" y="0\.5" width="5" height="62" fill="(#[0-9a-f]+)"/g),
    ].map((m) => m[1]);
    expect(fills).toHaveLength(4);
    expect(fills[3]).toBe(fills[0]);
    expect(fills[1]).not.toBe(fills[0]);
    expect(section(html, 2)).toContain('No posting places recorded.');
  });

  it('draws one graph node per item and linking identifier, inside the canvas', () => {
    const g = graphOf(section(html, 1));
    expect(count(g, '<circle class="gi')).toBe(6);
    expect(count(g, '<rect class="gid"')).toBe(4);
    // Edges: a1–2, a2–1, a3–2, a4–2, a5–2, a6–1 identifiers among the linking ones; hubs excluded.
    expect(count(g, '<line ')).toBe(10);
    expect(g).not.toContain(HUB);
    const [, w, h] = /viewBox="0 0 (\d+) (\d+)"/.exec(g) ?? [];
    for (const m of g.matchAll(/c[xy]="([-\d.]+)"/g)) {
      const v = Number(m[1]);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(Math.max(Number(w), Number(h)));
    }
    expect(section(html, 1)).not.toContain('left out');
  });

  it('keeps the busiest graph nodes over the cap and says how many were left out', () => {
    const capped = renderNetworksHtml(data, { maxGraphNodes: 5 });
    const s = section(capped, 1);
    const g = graphOf(s);
    expect(count(g, '<circle class="gi') + count(g, '<rect class="gid"')).toBe(5);
    // The phone links four items, the busiest node: it is kept.
    expect(g).toContain(`<title>${esc(PHONE)} · 4 members</title>`);
    expect(s).toContain('Showing the 5 busiest of 10 nodes; 5 left out');
  });

  it('lays out a large network readably and deterministically', () => {
    const items = new Map<string, NetworkReportItem>();
    const ids: string[] = [];
    const phones = Array.from(
      { length: 12 },
      (_, i) => `phone:+3360000${String(i).padStart(4, '0')}`,
    );
    for (let i = 0; i < 150; i++) {
      const id = `x${i}`;
      ids.push(id);
      items.set(id, item(id, 'Lyon', '2025-03-01T10:00:00Z', [phones[i % 12] as string]));
    }
    const big: NetworkReportData = {
      ...data,
      items,
      networks: [network('big', ids, { identifiers: phones })],
    };
    const one = renderNetworksHtml(big);
    expect(renderNetworksHtml(big)).toBe(one);
    const g = graphOf(one);
    expect(count(g, '<circle class="gi') + count(g, '<rect class="gid"')).toBe(120);
    expect(count(g, '<rect class="gid"')).toBe(12);
    expect(one).toContain(
      'Showing the 120 busiest of 162 nodes; 42 left out (42 items, 0 identifiers)',
    );
    // No two nodes on top of each other.
    const points = [...g.matchAll(/(?:cx|x)="([-\d.]+)" (?:cy|y)="([-\d.]+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    const keys = new Set(points.map(([x, y]) => `${x},${y}`));
    expect(keys.size).toBe(points.length);
  });

  it('lists hubs at the end and strikes them through in the networks that share them', () => {
    const hubs = html.slice(html.indexOf('<section id="hubs">'));
    expect(hubs).toContain(
      `<tr><td><code>${HUB}</code></td><td>phone</td><td class="n">812</td><td class="n">40</td></tr>`,
    );
    for (const i of [1, 2]) {
      const s = section(html, i);
      expect(s).toContain(`<del><code>${HUB}</code></del>`);
      expect(s).toContain('hub: does not link');
    }
    expect(section(html, 3)).not.toContain(HUB);
    // Header: what a hub is.
    expect(html).toMatch(/<b>Hub<\/b>: an identifier shared by many unrelated templates/);
  });

  it('shows linking identifiers in full', () => {
    const s = section(html, 1);
    expect(s).toContain(`<code>${LONG_ID}</code>`);
    expect(s).toContain(`<code>${PHONE}</code></td><td>phone</td><td class="n">4</td>`);
  });

  it('has a header with totals and options, and an index linking to each network', () => {
    expect(html).toMatch(/<div class="num">1,000<\/div><div class="label">items scanned/);
    expect(html).toMatch(/<div class="num">3<\/div><div class="label">networks/);
    expect(html).toMatch(/<div class="num">10<\/div><div class="label">items in networks/);
    expect(html).toMatch(/<div class="num">1<\/div><div class="label">hubs/);
    expect(html).toContain('<code>threshold</code> = <code>0.5</code>');
    expect(html).toContain('<code>hubTemplates</code> = <code>5</code>');
    const index = html.slice(html.indexOf('<section id="index">'), html.indexOf('id="net-1"'));
    expect(index).toContain('<a href="#net-1"><code>net-A</code></a>');
    expect(index).toContain('<span class="badge high">High 0.81</span>');
    expect(index).toContain('<span class="badge medium">Medium 0.50</span>');
    expect(index).toContain('<a href="#net-3"><code>net-C</code></a>');
  });

  it('shows features and the risk explanation of each network', () => {
    const s = section(html, 1);
    expect(s).toContain('<li>Moves between 3 cities in 11 days.</li>');
    expect(s).toContain('<dt>Cadence</dt><dd>every 2.2 days (median)</dd>');
    expect(s).toContain('<dt>Phone/location mismatch</dt><dd>50.0%</dd>');
    expect(s).toContain('<dt>Personas per phone</dt><dd>3 at most</dd>');
  });

  it('honours maxNetworks and maxMembersShown with "and N more"', () => {
    const capped = renderNetworksHtml(data, { maxNetworks: 1, maxMembersShown: 2 });
    expect(count(capped, '<section class="network')).toBe(1);
    expect(capped).not.toContain('id="net-2"');
    expect(capped).toContain('and 2 more networks not shown');
    const s = section(capped, 1);
    expect(count(s.slice(s.indexOf('<table class="members">')), '<tr><td><code>')).toBe(2);
    expect(s).toContain('and 4 more members not shown');
    // In posting order: the first two posted.
    expect(s).toMatch(/<code>a1<\/code>[\s\S]*<code>a2<\/code>/);
    expect(renderNetworksHtml(data)).not.toContain('more members');
  });

  it('is deterministic', () => {
    expect(renderNetworksHtml(fixture())).toBe(html);
  });

  it('renders an empty result and members missing from the items', () => {
    const empty = renderNetworksHtml({ ...data, networks: [], hubs: [] });
    expect(empty).toContain('No networks found');
    expect(empty).toContain('No identifier was treated as a hub.');
    const missing = renderNetworksHtml({
      ...data,
      networks: [network('m', ['a1', 'ghost'], { templates: ['nope'] })],
    });
    expect(missing).toContain('<code>ghost</code></td><td colspan="5"');
    expect(missing).toContain('not in the templates file');
  });
});
