import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from './calibrate.js';
import { HISTOGRAM_BUCKETS, ScanSummary, SpaceSaving, type SummaryData } from './summary.js';
import type { Analysis, Band, Entities, Indicator, Span } from './types.js';

const NO_ENTITIES: Entities = {
  phones: [],
  emails: [],
  urls: [],
  handles: [],
  wallets: [],
  prices: [],
  ages: [],
  onions: [],
};

function span(field: 'title' | 'body', start: number, end: number, text = ''): Span {
  return { field, start, end, text };
}

function indicator(rule: string, spans: Span[] = []): Indicator {
  return {
    rule,
    name: `name of ${rule}`,
    family: 'family',
    category: `category of ${rule}`,
    weight: 1,
    spans,
    citation: `https://example.org/${rule}`,
  };
}

function phones(...e164s: string[]): Entities['phones'] {
  return e164s.map((e164) => ({ e164, raw: e164, span: span('body', 0, 1), obfuscated: false }));
}

function analysis(
  id: string,
  risk: number,
  opts: { indicators?: Indicator[]; entities?: Partial<Entities>; language?: string } = {},
): Analysis {
  const band: Band = risk >= 0.7 ? 'high' : risk >= 0.4 ? 'medium' : 'low';
  return {
    id,
    risk,
    band,
    language: opts.language ?? 'en',
    indicators: opts.indicators ?? [],
    entities: { ...NO_ENTITIES, ...opts.entities },
    explanation: {
      bias: -3,
      logit: 0,
      contributions: (opts.indicators ?? []).map((i) => ({ rule: i.rule, weight: 0.5 })),
      summary: `summary of ${id}`,
    },
  };
}

describe('ScanSummary', () => {
  it('counts totals, bands, languages and the risk histogram', () => {
    const s = new ScanSummary();
    s.add(analysis('a', 0, { language: 'en' }), { title: 'a' });
    s.add(analysis('b', 0.35, { language: 'es', indicators: [indicator('r1')] }), { body: 'b' });
    s.add(analysis('c', 0.7, { language: 'en', indicators: [indicator('r1')] }), {});
    s.add(analysis('d', 1, { language: 'en' }), {});
    s.addMalformed();
    s.addMalformed(2);
    const r = s.result();
    expect(r.totals).toEqual({
      items: 4,
      malformed: 3,
      withIndicators: 2,
      bands: { low: 2, medium: 0, high: 2 },
      languages: [
        { language: 'en', items: 3 },
        { language: 'es', items: 1 },
      ],
    });
    expect(r.histogram).toHaveLength(HISTOGRAM_BUCKETS);
    expect(r.histogram[0]).toBe(1);
    expect(r.histogram[7]).toBe(1);
    expect(r.histogram[14]).toBe(1);
    expect(r.histogram[19]).toBe(1);
    expect(r.histogram.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('counts each rule once per item, with its metadata', () => {
    const s = new ScanSummary();
    s.add(
      analysis('a', 0.5, { indicators: [indicator('r1'), indicator('r1'), indicator('r2')] }),
      {},
    );
    s.add(analysis('b', 0.5, { indicators: [indicator('r2')] }), {});
    const r = s.result();
    expect(r.indicators).toEqual([
      {
        rule: 'r2',
        name: 'name of r2',
        category: 'category of r2',
        family: 'family',
        citation: 'https://example.org/r2',
        items: 2,
      },
      expect.objectContaining({ rule: 'r1', items: 1 }),
    ]);
  });

  it('lists recurring identifiers per kind, each counted once per item', () => {
    const s = new ScanSummary();
    const entities: Partial<Entities> = {
      phones: phones('+12125550100', '+12125550100', '+12125550199'),
      emails: [{ value: 'x@example.org', raw: 'x', span: span('body', 0, 1), obfuscated: false }],
      handles: [
        {
          platform: 'telegram',
          kind: 'messaging',
          handle: 'abc',
          raw: '@abc',
          span: span('body', 0, 1),
          obfuscated: false,
        },
      ],
      wallets: [
        {
          chain: 'bitcoin',
          address: 'bc1qxyz',
          checksummed: true,
          raw: 'bc1qxyz',
          span: span('body', 0, 1),
          obfuscated: false,
        },
      ],
      urls: [
        {
          url: 'https://a.example.co.uk/x',
          host: 'a.example.co.uk',
          domain: 'example.co.uk',
          raw: 'a.example.co.uk/x',
          span: span('body', 0, 1),
          obfuscated: false,
        },
      ],
    };
    s.add(analysis('a', 0.5, { entities }), {});
    s.add(analysis('b', 0.5, { entities }), {});
    s.add(analysis('c', 0.5, { entities: { phones: phones('+12125550100') } }), {});
    const r = s.result();
    expect(r.identifiers.phone).toEqual({
      itemsWith: 3,
      top: [
        { value: '+12125550100', items: 3, error: 0 },
        { value: '+12125550199', items: 2, error: 0 },
      ],
    });
    expect(r.identifiers.email.top).toEqual([{ value: 'x@example.org', items: 2, error: 0 }]);
    expect(r.identifiers.handle.top[0]?.value).toBe('telegram:abc');
    expect(r.identifiers.wallet.top[0]?.value).toBe('bitcoin:bc1qxyz');
    expect(r.identifiers.domain.top[0]?.value).toBe('example.co.uk');
    expect(r.identifiers.domain.itemsWith).toBe(2);
  });

  it('lists approximate identifiers only when they surely recur', () => {
    const s = new ScanSummary({ identifierCapacity: 2 });
    const stream = ['A', 'B', 'C', 'A', 'D', 'A', 'E', 'A', 'A'];
    stream.forEach((p, i) => {
      s.add(analysis(`i${i}`, 0.1, { entities: { phones: phones(p) } }), {});
    });
    const top = s.result().identifiers.phone.top;
    expect(top[0]?.value).toBe('A');
    for (const t of top) expect(t.items - t.error).toBeGreaterThanOrEqual(2);
    expect(top.every((t) => t.value === 'A')).toBe(true);
  });

  it('does not list identifiers seen in a single item', () => {
    const s = new ScanSummary();
    s.add(analysis('a', 0.5, { entities: { phones: phones('+12125550100') } }), {});
    expect(s.result().identifiers.phone).toEqual({ itemsWith: 1, top: [] });
  });

  it('keeps the top N items by risk, ties by id, with what the report needs', () => {
    const s = new ScanSummary({ topItems: 3 });
    const ids = ['e', 'b', 'd', 'a', 'c', 'f'];
    const risks = [0.9, 0.9, 0.2, 0.9, 0.95, 0.1];
    ids.forEach((id, i) => {
      s.add(
        analysis(id, risks[i] ?? 0, {
          indicators: [indicator('r1', [span('body', 0, 4, 'body')])],
        }),
        {
          title: `title ${id}`,
          body: `body of ${id}`,
          url: `https://example.org/${id}`,
          source: 's',
        },
      );
    });
    const top = s.result().topItems;
    expect(top.map((t) => t.id)).toEqual(['c', 'a', 'b']);
    expect(top[0]).toEqual({
      id: 'c',
      risk: 0.95,
      band: 'high',
      language: 'en',
      summary: 'summary of c',
      title: 'title c',
      body: 'body of c',
      url: 'https://example.org/c',
      source: 's',
      indicators: [
        {
          rule: 'r1',
          name: 'name of r1',
          category: 'category of r1',
          weight: 0.5,
          spans: [span('body', 0, 4, 'body')],
        },
      ],
    });
  });

  it('bounds stored text and drops spans past the cut', () => {
    const s = new ScanSummary({ topItems: 1 });
    const body = `${'x'.repeat(19_999)}😀${'y'.repeat(50_000)}`;
    s.add(
      analysis('a', 0.9, {
        indicators: [
          indicator('r1', [span('body', 0, 3, 'xxx'), span('body', 30_000, 30_003, 'yyy')]),
        ],
      }),
      { body },
    );
    const [item] = s.result().topItems;
    expect(item?.body?.length).toBe(19_999); // the surrogate pair is not split
    expect(item?.truncated).toEqual({ body: body.length });
    expect(item?.indicators[0]?.spans).toEqual([span('body', 0, 3, 'xxx')]);
  });

  it('merges to the same result as one summary over all items', () => {
    const random = mulberry32(3);
    const all = new ScanSummary({ topItems: 5 });
    const parts = [new ScanSummary({ topItems: 5 }), new ScanSummary({ topItems: 5 })];
    for (let i = 0; i < 500; i++) {
      const risk = Math.round(random() * 1e4) / 1e4;
      const a = analysis(`item-${i}`, risk, {
        language: random() < 0.5 ? 'en' : 'fr',
        indicators: random() < 0.5 ? [indicator(`r${i % 4}`)] : [],
        entities: { phones: phones(`+1212555${String(i % 37).padStart(4, '0')}`) },
      });
      all.add(a, { title: `t${i}` });
      (parts[i % 2] as ScanSummary).add(a, { title: `t${i}` });
    }
    all.addMalformed(4);
    (parts[1] as ScanSummary).addMalformed(4);
    const merged = new ScanSummary({ topItems: 5 });
    for (const p of parts) merged.merge(ScanSummary.fromJSON(structuredClone(p.toJSON())));
    expect(merged.result()).toEqual(all.result());
  });

  it('round-trips through toJSON / fromJSON and JSON text', () => {
    const s = new ScanSummary({ topItems: 2, identifierCapacity: 10, topIdentifiers: 3 });
    s.add(
      analysis('a', 0.8, {
        indicators: [indicator('r1')],
        entities: { phones: phones('+1') },
      }),
      { title: '<b>', location: { city: 'X' } },
    );
    s.add(analysis('b', 0.1, { entities: { phones: phones('+1') } }), {});
    const data: SummaryData = JSON.parse(JSON.stringify(s.toJSON()));
    const back = ScanSummary.fromJSON(data);
    expect(back.result()).toEqual(s.result());
    expect(back.toJSON()).toEqual(s.toJSON());
  });

  it('keeps memory bounded: counters and top items never exceed their capacities', () => {
    const s = new ScanSummary({ topItems: 10, identifierCapacity: 100 });
    for (let i = 0; i < 50_000; i++) {
      s.add(analysis(`i${i}`, (i % 1000) / 1000, { entities: { phones: phones(`+${i}`) } }), {
        body: 'x',
      });
    }
    const data = s.toJSON();
    expect(data.identifiers.phone.counters.length).toBe(100);
    expect(data.top.items.length).toBe(10);
    expect(data.items).toBe(50_000);
  });

  it('pools languages beyond a fixed number', () => {
    const s = new ScanSummary();
    for (let i = 0; i < 500; i++) s.add(analysis(`i${i}`, 0, { language: `x${i}` }), {});
    const langs = s.result().totals.languages;
    expect(langs.length).toBeLessThanOrEqual(201);
    expect(langs.reduce((a, l) => a + l.items, 0)).toBe(500);
    expect(langs.find((l) => l.language === '(other)')?.items).toBe(300);
  });
});

describe('SpaceSaving', () => {
  const stream = fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 400 });

  function exact(values: readonly number[]): Map<string, number> {
    const m = new Map<string, number>();
    for (const v of values) m.set(String(v), (m.get(String(v)) ?? 0) + 1);
    return m;
  }

  function checkBounds(ss: SpaceSaving, truth: Map<string, number>, n: number): void {
    const seen = new Set<string>();
    for (const c of ss.entries()) {
      const t = truth.get(c.value) ?? 0;
      expect(c.count).toBeGreaterThanOrEqual(t);
      expect(c.count - c.error).toBeLessThanOrEqual(t);
      seen.add(c.value);
    }
    // Every value more frequent than n / capacity is kept.
    for (const [v, t] of truth) if (t > n / ss.capacity) expect(seen.has(v)).toBe(true);
    expect(ss.size).toBeLessThanOrEqual(ss.capacity);
  }

  it('property: counts bound the truth and heavy hitters are kept', () => {
    fc.assert(
      fc.property(stream, fc.integer({ min: 1, max: 12 }), (values, capacity) => {
        const ss = new SpaceSaving(capacity);
        for (const v of values) ss.offer(String(v));
        checkBounds(ss, exact(values), values.length);
      }),
    );
  });

  it('property: merged summaries keep the same guarantees', () => {
    fc.assert(
      fc.property(stream, stream, fc.integer({ min: 1, max: 12 }), (a, b, capacity) => {
        const sa = new SpaceSaving(capacity);
        const sb = new SpaceSaving(capacity);
        for (const v of a) sa.offer(String(v));
        for (const v of b) sb.offer(String(v));
        sa.merge(sb.entries(), sb.capacity);
        checkBounds(sa, exact([...a, ...b]), a.length + b.length);
        // The table is still a valid heap: further offers keep the guarantees.
        for (const v of a) sa.offer(String(v));
        const truth = exact([...a, ...b, ...a]);
        for (const c of sa.entries())
          expect(c.count).toBeGreaterThanOrEqual(truth.get(c.value) ?? 0);
      }),
    );
  });

  it('is exact while the number of distinct values fits', () => {
    const ss = new SpaceSaving(5);
    for (const v of ['a', 'b', 'a', 'c', 'a', 'b']) ss.offer(v);
    expect(ss.entries().sort((x, y) => y.count - x.count)).toEqual([
      { value: 'a', count: 3, error: 0 },
      { value: 'b', count: 2, error: 0 },
      { value: 'c', count: 1, error: 0 },
    ]);
  });
});
