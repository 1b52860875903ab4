import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScanSummary } from '../analyze/summary.js';
import type { Analysis, Entities, Indicator, Span } from '../analyze/types.js';
import { esc } from '../shared/html.js';
import { highlightText, renderReportHtml } from './report-html.js';

const META = {
  generatedAt: '2025-01-02T03:04:05Z',
  input: 'ads.jsonl',
  rulesVersion: '2025.1',
  model: 'rules' as const,
  durationMs: 1234,
};

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

function indicator(rule: string, name: string, spans: Span[]): Indicator {
  return {
    rule,
    name,
    family: 'f',
    category: 'cat',
    weight: 1,
    spans,
    citation: 'https://example.org/study',
  };
}

function analysis(
  id: string,
  risk: number,
  indicators: Indicator[],
  phones: string[] = [],
): Analysis {
  return {
    id,
    risk,
    band: risk >= 0.7 ? 'high' : risk >= 0.4 ? 'medium' : 'low',
    language: 'en',
    indicators,
    entities: {
      ...NO_ENTITIES,
      phones: phones.map((e164) => ({
        e164,
        raw: e164,
        span: { field: 'body', start: 0, end: 1, text: 'x' },
        obfuscated: false,
      })),
    },
    explanation: {
      bias: -3,
      logit: 1,
      contributions: indicators.map((i) => ({ rule: i.rule, weight: 1.1 })),
      summary: `High risk (${risk.toFixed(2)}): ${indicators.map((i) => i.name).join(', ')}.`,
    },
  };
}

const hl = (start: number, end: number, label: string) => ({ start, end, label });

describe('highlightText', () => {
  it('wraps a span in a mark with the rule name as title', () => {
    expect(highlightText('call me now', [hl(5, 7, 'contact')])).toBe(
      'call <mark title="contact">me</mark> now',
    );
  });

  it('merges overlapping spans into one mark naming every rule', () => {
    expect(highlightText('abcdefghij', [hl(1, 5, 'A'), hl(3, 8, 'B'), hl(4, 6, 'A')])).toBe(
      'a<mark title="A, B">bcdefgh</mark>ij',
    );
  });

  it('keeps adjacent spans as separate marks', () => {
    expect(highlightText('abcdef', [hl(0, 2, 'A'), hl(2, 4, 'B')])).toBe(
      '<mark title="A">ab</mark><mark title="B">cd</mark>ef',
    );
  });

  it('uses UTF-16 offsets: an emoji before the span counts two units', () => {
    const text = '😀 new in town 🌹🌹 ask';
    const start = text.indexOf('new');
    expect(start).toBe(3);
    const rose = text.indexOf('🌹');
    expect(highlightText(text, [hl(start, start + 11, 'M'), hl(rose, rose + 4, 'R')])).toBe(
      '😀 <mark title="M">new in town</mark> <mark title="R">🌹🌹</mark> ask',
    );
  });

  it('never splits a surrogate pair when a span boundary falls inside one', () => {
    const out = highlightText('a😀b', [hl(2, 4, 'X')]);
    expect(out).toBe('a<mark title="X">😀b</mark>');
  });

  it('escapes text inside and outside marks and in titles', () => {
    expect(highlightText('<b>"x"</b>', [hl(3, 6, `"><script>`)])).toBe(
      '&lt;b&gt;<mark title="&quot;&gt;&lt;script&gt;">&quot;x&quot;</mark>&lt;/b&gt;',
    );
  });

  it('ignores empty and out-of-range spans', () => {
    expect(highlightText('abc', [hl(2, 2, 'E'), hl(5, 9, 'F'), hl(-3, 1, 'G')])).toBe(
      '<mark title="G">a</mark>bc',
    );
  });

  it('cuts long text around the first highlight without cutting a highlight', () => {
    const text = `${'word '.repeat(600)}TARGET${' more'.repeat(600)}`;
    const at = text.indexOf('TARGET');
    const out = highlightText(text, [hl(at, at + 6, 'T')], { maxChars: 1200 });
    expect(out).toContain('<mark title="T">TARGET</mark>');
    expect(out.startsWith('<span class="gap">…</span>')).toBe(true);
    expect(out.endsWith('<span class="gap">…</span>')).toBe(true);
    const visible = out.replace(/<[^>]+>/g, '');
    expect(visible.length).toBeLessThanOrEqual(1200 + 2);
  });

  it('extends the window to the end of a highlight straddling the cut', () => {
    const text = `${'x'.repeat(10)}FIRST${'x'.repeat(1175)}HIGHLIGHTED${'y'.repeat(500)}`;
    const out = highlightText(text, [hl(10, 15, 'F'), hl(1190, 1201, 'H')], { maxChars: 1200 });
    expect(out.startsWith('xxxxxxxxxx<mark title="F">FIRST</mark>')).toBe(true);
    expect(out.endsWith('<mark title="H">HIGHLIGHTED</mark><span class="gap">…</span>')).toBe(true);
  });

  it('property: visible text is the escaped original, marks balanced', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(80), fc.nat(80)), { maxLength: 6 }),
        (text, pairs) => {
          const spans = pairs.map(([a, b]) => hl(Math.min(a, b), Math.max(a, b), 'r'));
          const out = highlightText(text, spans);
          expect(out.replace(/<\/?mark[^>]*>/g, '')).toBe(esc(text));
          expect(out.split('<mark').length).toBe(out.split('</mark>').length);
          expect(out).not.toMatch(/<mark[^>]*><\/mark>/);
        },
      ),
    );
  });
});

describe('renderReportHtml', () => {
  function sample(): ScanSummary {
    const s = new ScanSummary();
    const evilTitle = '<script>alert(1)</script> "><img src=x onerror=alert(2)>';
    const body = "😀 Trust me, I'm new in town & <b>sweet</b>. Call 555 0100.";
    const trust = body.indexOf('Trust me');
    const town = body.indexOf('new in town');
    s.add(
      analysis(
        'id-<script>',
        0.91,
        [
          indicator('trust.language', 'trust <language>', [
            { field: 'body', start: trust, end: trust + 8, text: 'Trust me' },
            { field: 'title', start: 0, end: 8, text: '<script>' },
          ]),
          indicator('movement.language', 'movement language', [
            { field: 'body', start: town - 4, end: town + 11, text: "I'm new in town" },
          ]),
        ],
        ['+15550100'],
      ),
      {
        title: evilTitle,
        body,
        url: 'javascript:alert(3)//"><script>',
        source: '<script>src',
        location: { city: '<script>city' },
      },
    );
    s.add(analysis('b', 0.2, [], ['+15550100']), { body: 'plain' });
    s.addMalformed(3);
    return s;
  }

  it('is one self-contained HTML5 document with a strict CSP and no scripts', () => {
    const html = renderReportHtml(sample().result(), META);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<link/i);
    // No element carries an event handler (escaped item text may spell one out harmlessly).
    expect(html).not.toMatch(/<[^>]*\son\w+=/i);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).not.toMatch(/src=["']?https?:/i);
  });

  it('shows item content as escaped text', () => {
    const html = renderReportHtml(sample().result(), META);
    expect(html).toContain('</mark>alert(1)&lt;/script&gt; &quot;&gt;&lt;img');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('&lt;b&gt;sweet&lt;/b&gt;');
    expect(html).toContain('id-&lt;script&gt;');
    expect(html).toContain('&lt;script&gt;city');
    expect(html).toContain('javascript:alert(3)//&quot;&gt;&lt;script&gt;');
  });

  it('highlights the spans of the highest-risk items', () => {
    const html = renderReportHtml(sample().result(), META);
    expect(html).toContain(
      '😀 <mark title="trust &lt;language&gt;">Trust me</mark>, <mark title="movement language">I&#39;m new in town</mark> &amp;',
    );
    expect(html).toContain('<mark title="trust &lt;language&gt;">&lt;script&gt;</mark>alert(1)');
  });

  it('shows totals, bands, indicators and recurring identifiers', () => {
    const html = renderReportHtml(sample().result(), META);
    expect(html).toMatch(/<div class="num">2<\/div><div class="label">items scanned/);
    expect(html).toMatch(/<div class="num">3<\/div><div class="label">malformed records/);
    expect(html).toMatch(/<div class="num">1<\/div><div class="label">high risk/);
    expect(html).toContain('<code>trust.language</code>');
    expect(html).toContain('<a href="https://example.org/study" rel="noreferrer noopener">');
    expect(html).toContain('<code>+15550100</code>');
    expect(html).toContain('ads.jsonl');
    expect(html).toContain('1.2 s');
    expect(html).toContain('<svg class="histogram"');
  });

  it('shows estimated identifier counts as a range', () => {
    const data = new ScanSummary().result();
    data.totals.items = 10;
    data.identifiers.phone = { itemsWith: 10, top: [{ value: '+15550100', items: 5, error: 2 }] };
    const html = renderReportHtml(data, META);
    expect(html).toContain('<td class="n">3–5</td><td class="n">≥ 30.0%</td>');
    expect(html).toContain('a range marks a count estimated in bounded memory');
  });

  it('renders an empty summary', () => {
    const html = renderReportHtml(new ScanSummary().result(), { ...META, durationMs: undefined });
    expect(html).toContain('No indicator fired.');
    expect(html).toContain('No identifier appeared in more than one item.');
    expect(html).toContain('<h2>Highest-risk items</h2><p class="empty">No items.</p>');
    expect(html).toMatch(/<div class="num">0<\/div><div class="label">items scanned/);
    expect(html).not.toContain('NaN');
    expect(html).not.toContain('Infinity');
    expect(html).not.toContain('Duration');
  });

  it('escapes the meta it is given', () => {
    const html = renderReportHtml(new ScanSummary().result(), {
      ...META,
      input: '<script>x</script>.jsonl',
    });
    expect(html).not.toMatch(/<script/i);
  });
});
