/**
 * End-to-end tests of `vigil scan --link` and `vigil networks` through the built binary: the
 * output folder, quality against the synthetic corpus's ground truth, the giant-component trap
 * (a shared support number must not merge unrelated networks), and input errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterQuality } from '../src/analyze/cluster-quality.js';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'vigil-link-'));

function vigil(args: string[], input?: string) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    ...(input !== undefined && { input }),
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const jsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);

interface Truth {
  id: string;
  network?: string;
  template?: string;
}
interface Result {
  id: string;
  template?: string;
  network?: string;
  risk: number;
}

describe('vigil scan --link on the synthetic corpus', () => {
  const corpus = join(dir, 'corpus');
  const out = join(dir, 'linked');

  it('writes results with template and network ids, templates and networks', () => {
    expect(vigil(['corpus', '--n', '4000', '--seed', '3', '--out', corpus]).status).toBe(0);
    const run = vigil([
      'scan',
      join(corpus, 'items.jsonl'),
      '--link',
      '--out',
      out,
      '--workers',
      '2',
    ]);
    expect(run.stderr).toContain('Linked:');
    expect(run.status).toBe(0);
    const results = jsonl<Result>(join(out, 'results.jsonl'));
    expect(results).toHaveLength(4000);
    expect(results.some((r) => r.template !== undefined)).toBe(true);
    expect(results.some((r) => r.network !== undefined)).toBe(true);
    const networks = jsonl<{ id: string; risk: number; members: string[] }>(
      join(out, 'networks.jsonl'),
    );
    expect(networks.length).toBeGreaterThan(5);
    for (let i = 1; i < networks.length; i++) {
      expect(networks[i - 1]?.risk ?? 0).toBeGreaterThanOrEqual(networks[i]?.risk ?? 0);
    }
    const templates = jsonl<{ id: string; members: string[]; parts?: unknown[] }>(
      join(out, 'templates.jsonl'),
    );
    expect(templates.some((t) => t.parts !== undefined)).toBe(true);
    // Titles of described members are read back from the input: each is the item's own.
    const titles = new Map(
      jsonl<{ id: string; title?: string }>(join(corpus, 'items.jsonl')).map((i) => [
        i.id,
        i.title,
      ]),
    );
    const described = jsonl<{ items: { id: string; title?: string }[] }>(
      join(out, 'networks.jsonl'),
    ).flatMap((n) => n.items);
    expect(described.length).toBeGreaterThan(20);
    for (const item of described) expect(item.title).toBe(titles.get(item.id)?.slice(0, 160));
  });

  it('gives the same output with worker threads as without', () => {
    const single = join(dir, 'linked-single');
    expect(
      vigil(['scan', join(corpus, 'items.jsonl'), '--link', '--out', single, '--workers', '0'])
        .status,
    ).toBe(0);
    for (const name of ['templates.jsonl', 'networks.jsonl', 'hubs.jsonl', 'results.jsonl']) {
      expect(readFileSync(join(single, name), 'utf8')).toBe(readFileSync(join(out, name), 'utf8'));
    }
  });

  it('finds the planted templates and networks (pairwise F1 >= 0.9)', () => {
    const truth = new Map(jsonl<Truth>(join(corpus, 'truth.jsonl')).map((t) => [t.id, t]));
    const results = new Map(jsonl<Result>(join(out, 'results.jsonl')).map((r) => [r.id, r]));
    // Planted templates: those of trafficking networks and recruiters. A staffing hub's
    // templates differ only in their titles (one body, one switchboard), so finding them as
    // one template is right; bench/link.mjs reports all items too.
    const planted = [...truth.values()]
      .filter((t) => /^(net|scam)-/.test(t.network ?? ''))
      .map((t) => t.id);
    const templates = clusterQuality(
      planted,
      (id) => results.get(id)?.template,
      (id) => truth.get(id)?.template,
    );
    expect(templates.f1).toBeGreaterThanOrEqual(0.9);
    // Networks of the same planted groups; staffing agencies are the hub trap (their
    // switchboard is meant not to link), so they are left out here.
    const networks = clusterQuality(
      planted,
      (id) => results.get(id)?.network,
      (id) => truth.get(id)?.network,
    );
    expect(networks.f1).toBeGreaterThanOrEqual(0.9);
  });

  it('ranks trafficking networks above benign organised posters', () => {
    const truth = new Map(jsonl<Truth>(join(corpus, 'truth.jsonl')).map((t) => [t.id, t]));
    const networks = jsonl<{ members: string[]; risk: number }>(join(out, 'networks.jsonl'));
    const kind = (n: { members: string[] }) => truth.get(n.members[0] ?? '')?.network ?? '';
    const risks = (prefix: string) =>
      networks.filter((n) => kind(n).startsWith(prefix)).map((n) => n.risk);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    expect(median(risks('net-'))).toBeGreaterThan(median(risks('hub-')));
    expect(Math.max(...risks('hub-'))).toBeLessThan(0.5);
  });

  it('renders the network report', () => {
    const report = join(dir, 'networks.html');
    const run = vigil(['networks', out, '--report', report, '--top', '5']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(5);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toContain('<script');
  });
});

/** Eleven words of its own for each operator, so that no two operators share a template. */
const VOCABULARY = (
  'amber basil cedar delta ember fable glade harbor island jasper kettle lantern meadow nectar ' +
  'orchard pebble quartz river saffron timber umber valley willow yarrow zephyr acorn bramble ' +
  'canyon dune elm fern granite heather iris juniper kelp lilac maple nutmeg olive pine quince ' +
  'reed sage thyme tulip violet walnut birch clover daisy fennel ginger hazel ivy jade laurel ' +
  'mint oak poppy rose spruce teak aspen bay cherry dahlia eucalyptus fig grove holly indigo ' +
  'jasmine kiwi lemon mango nettle orchid peony rowan sorrel tansy vine wisteria alder beech ' +
  'cypress daffodil elder flax gorse hemlock iris2 juniper2 kale lotus myrtle nasturtium oregano ' +
  'parsley quinoa rhubarb sesame tarragon ulmus verbena wheat yucca zinnia anise borage caraway ' +
  'dill endive frond garlic hops ixia'
).split(' ');
const ownWords = (g: number): string => VOCABULARY.slice(g * 11, g * 11 + 11).join(' ');

describe('the giant-component trap', () => {
  it('does not merge unrelated networks through a shared support number', () => {
    // Ten unrelated operators, each posting three copies of its own ad with its own phone; every
    // ad carries the site's support line. Synthetic, non-explicit text.
    const subjects = [
      'garden design',
      'bicycle repair',
      'piano lessons',
      'moving help',
      'dog walking',
      'house painting',
      'computer repair',
      'math tutoring',
      'window cleaning',
      'photo editing',
    ];
    const lines: string[] = [];
    subjects.forEach((subject, g) => {
      for (let copy = 0; copy < 3; copy++) {
        lines.push(
          JSON.stringify({
            id: `g${g}-${copy}`,
            title: `Affordable ${subject} in ${['Leeds', 'York', 'Hull'][copy]}`,
            body:
              `${ownWords(g)} Text 212-555-01${String(10 + g)} to book. ` +
              'Site support: 212-555-0199.',
          }),
        );
      }
    });
    const items = join(dir, 'hub-items.jsonl');
    writeFileSync(items, `${lines.join('\n')}\n`);
    const out = join(dir, 'hub-linked');
    const run = vigil([
      'scan',
      items,
      '--link',
      '--out',
      out,
      '--workers',
      '0',
      '--hub-templates',
      '4',
    ]);
    expect(run.status).toBe(0);
    const networks = jsonl<{ members: string[]; hubs: string[] }>(join(out, 'networks.jsonl'));
    expect(networks).toHaveLength(10);
    for (const network of networks) {
      expect(new Set(network.members.map((id) => id.split('-')[0])).size).toBe(1);
      expect(network.hubs).toContain('phone:+12125550199');
    }
    const hubs = jsonl<{ identifier: string }>(join(out, 'hubs.jsonl'));
    expect(hubs.map((h) => h.identifier)).toContain('phone:+12125550199');
  });
});

describe('linking CSV input', () => {
  it('links CSV records and reads their titles back by line', () => {
    const rows = ['id,title,body'];
    for (let copy = 0; copy < 4; copy++) {
      rows.push(
        `c${copy},"Garden design, ${['Leeds', 'York', 'Hull', 'Bath'][copy]}","${ownWords(copy % 2)} amber design work done with care, text 212-555-0142 to book a visit."`,
      );
    }
    const items = join(dir, 'rows.csv');
    writeFileSync(items, `${rows.join('\n')}\n`);
    const out = join(dir, 'csv-linked');
    expect(vigil(['scan', items, '--link', '--out', out, '--workers', '0']).status).toBe(0);
    const networks = jsonl<{ members: string[]; items: { id: string; title?: string }[] }>(
      join(out, 'networks.jsonl'),
    );
    expect(networks).toHaveLength(1);
    expect(networks[0]?.members).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(networks[0]?.items.map((i) => i.title)).toEqual([
      'Garden design, Leeds',
      'Garden design, York',
      'Garden design, Hull',
      'Garden design, Bath',
    ]);
  });
});

describe('linking input errors', () => {
  it('needs an input file and an output folder', () => {
    const items = join(dir, 'one.jsonl');
    mkdirSync(join(dir, 'empty'), { recursive: true });
    writeFileSync(items, '{"id":"a","body":"hello"}\n');
    expect(vigil(['scan', items, '--link']).stderr).toContain('[LINK_OPTIONS_INVALID]');
    expect(vigil(['scan', '-', '--link', '--out', join(dir, 'x')], '').stderr).toContain(
      '[LINK_OPTIONS_INVALID]',
    );
    expect(
      vigil(['scan', items, '--link', '--out', join(dir, 'y'), '--template-threshold', '3']).stderr,
    ).toContain('[LINK_OPTIONS_INVALID]');
    expect(vigil(['networks', join(dir, 'empty')]).stderr).toContain('[LINK_RESULTS_INVALID]');
  });
});
