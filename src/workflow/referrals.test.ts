import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import { HOLD_RULES, holdExpiry } from './holds.js';
import {
  art18Notification,
  CYBERTIPLINE_ELEMENT_ORDER,
  cyberTiplineXml,
  escapeXml,
  preservationHoldFor as hold,
  preservationHoldFor,
  REFERRAL_STATUSES,
  REFERRAL_TRANSITIONS,
  type Referral,
  type ReferralEvent,
  type ReferralInput,
  type ReferralStatus,
  transition,
} from './referrals.js';

const T0 = '2025-03-10T12:00:00Z';
const T1 = '2025-03-10T13:00:00.000Z';

const art18 = (over: Partial<ReferralInput> = {}): ReferralInput => ({
  id: 'ref-1',
  kind: 'dsa-art18',
  destination: { authority: 'member-state', memberState: 'DE', agencyName: 'Bundeskriminalamt' },
  source: { decisionId: 'dec-9' },
  facts: {
    itemIds: ['item-1', 'item-2'],
    contentUrls: ['https://example.org/p/1'],
    contentDescription: 'Ad offering "work abroad" with passport retention',
    suspicion:
      'Indicators of trafficking in human beings (Directive 2011/36/EU): debt bondage, confiscated papers',
    incidentAt: '2025-03-09T08:00:00Z',
    publishedAt: '2025-03-08T20:00:00Z',
    timeZone: 'Europe/Berlin',
    location: { countryCode: 'DE', city: 'Berlin' },
    user: {
      accountId: 'acct-7',
      screenName: 'jobs4u',
      ips: [{ address: '203.0.113.5', event: 'Login' }],
    },
  },
  createdAt: T0,
  ...over,
});

const tip = (over: Partial<ReferralInput> = {}): ReferralInput =>
  art18({
    id: 'ref-2',
    kind: 'cybertipline',
    destination: { authority: 'ncmec' },
    incidentType: 'Child Sex Trafficking',
    ...over,
  });

const platform = { name: 'Example Social', establishment: 'IE', contactEmail: 'le@example.org' };
const reporter = { firstName: 'Ann', lastName: 'Lee', email: 'ncmec@example.org' };

function fails(f: () => unknown): { message: string; paths: string[] } {
  try {
    f();
  } catch (e) {
    if (isVigilError(e, 'REQUEST_INVALID')) {
      const issues = (e.details?.issues ?? []) as { path: string }[];
      return { message: e.message, paths: issues.map((i) => i.path) };
    }
    throw e;
  }
  throw new Error('expected REQUEST_INVALID');
}

/**
 * A tiny XML well-formedness checker (no regex for structure): a declaration, then one root
 * element; tags balance; text has no "<" and only the five predefined entity references; no
 * DOCTYPE, comments, CDATA or processing instructions; no attributes (this writer uses none).
 * Returns the element paths in document order with their parent's path.
 */
function parseXml(xml: string): { path: string; parent: string }[] {
  const decl = '<?xml version="1.0" encoding="UTF-8"?>';
  if (!xml.startsWith(decl)) throw new Error('missing declaration');
  const stack: string[] = [];
  const out: { path: string; parent: string }[] = [];
  let i = decl.length;
  let rootDone = false;
  const nameChar = (c: string) =>
    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  while (i < xml.length) {
    const c = xml[i] as string;
    if (c === '<') {
      const end = xml.indexOf('>', i);
      if (end < 0) throw new Error('unterminated tag');
      const inner = xml.slice(i + 1, end);
      const closing = inner.startsWith('/');
      const name = closing ? inner.slice(1) : inner;
      if (name.length === 0 || ![...name].every(nameChar)) throw new Error(`bad tag <${inner}>`);
      if (closing) {
        if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
        if (stack.length === 0) rootDone = true;
      } else {
        if (rootDone) throw new Error('content after the root element');
        const parent = stack.join('/');
        stack.push(name);
        out.push({ path: stack.join('/'), parent });
      }
      i = end + 1;
    } else if (c === '&') {
      const end = xml.indexOf(';', i);
      const ref = xml.slice(i, end + 1);
      if (!['&amp;', '&lt;', '&gt;', '&quot;', '&apos;'].includes(ref))
        throw new Error(`bad entity ${ref}`);
      i = end + 1;
    } else {
      if (c === '>') throw new Error('raw ">" in text');
      const code = c.codePointAt(0) ?? 0;
      if (code < 0x20 && c !== '\n' && c !== '\t' && c !== '\r')
        throw new Error('control character');
      if (stack.length === 0 && c.trim() !== '') throw new Error('text outside the root');
      i += 1;
    }
  }
  if (stack.length > 0 || !rootDone) throw new Error('unclosed elements');
  return out;
}

/** Every element is in the list, and siblings appear in the list's order (repeats allowed). */
function orderViolations(elements: { path: string; parent: string }[]): string[] {
  const order: readonly string[] = CYBERTIPLINE_ELEMENT_ORDER;
  const lastByParent = new Map<string, number>();
  const problems: string[] = [];
  for (const e of elements) {
    const idx = order.indexOf(e.path);
    if (idx < 0) {
      problems.push(`${e.path} is not in the documented list`);
      continue;
    }
    // A new parent element starts a fresh sequence of children.
    for (const k of [...lastByParent.keys()]) if (k.startsWith(`${e.path}`)) lastByParent.delete(k);
    const last = lastByParent.get(e.parent) ?? -1;
    if (idx < last) problems.push(`${e.path} comes after a later sibling`);
    lastByParent.set(e.parent, idx);
  }
  return problems;
}

describe('referral record and status machine', () => {
  const events: Record<ReferralEvent['type'], ReferralEvent> = {
    submit: { type: 'submit' },
    acknowledge: { type: 'acknowledge', externalId: 'CT-123' },
    fail: { type: 'fail', reason: 'HTTP 503 from the endpoint' },
  };
  const legal: [ReferralStatus, ReferralEvent['type'], ReferralStatus][] = [
    ['draft', 'submit', 'submitted'],
    ['submitted', 'acknowledge', 'acknowledged'],
    ['submitted', 'fail', 'failed'],
    ['failed', 'submit', 'submitted'],
  ];

  it('the transition table is exactly the documented machine', () => {
    const table = Object.entries(REFERRAL_TRANSITIONS).flatMap(([ev, m]) =>
      Object.entries(m).map(([from, to]) => `${from}-${ev}-${to}`),
    );
    expect(table.sort()).toEqual(legal.map((l) => l.join('-')).sort());
  });

  for (const status of REFERRAL_STATUSES) {
    for (const type of ['submit', 'acknowledge', 'fail'] as const) {
      const move = legal.find(([f, e]) => f === status && e === type);
      it(`${status} --${type}--> ${move ? move[2] : 'refused'}`, () => {
        const r = art18({ status });
        if (move) {
          const next = transition(r, events[type], T1);
          expect(next.status).toBe(move[2]);
          expect(next.history.at(-1)).toMatchObject({ from: status, to: move[2], at: T1 });
          if (type === 'fail') expect(next.lastError).toBe('HTTP 503 from the endpoint');
          if (type === 'acknowledge') expect(next.externalId).toBe('CT-123');
        } else {
          const f = fails(() => transition(r, events[type], T1));
          expect(f.paths).toEqual(['status']);
          expect(f.message).toContain(`cannot "${type}" referral ref-1 in status "${status}"`);
        }
      });
    }
  }

  it('runs draft -> submitted -> failed -> submitted -> acknowledged, clearing the error on retry', () => {
    let r: Referral = transition(art18(), { type: 'submit' }, T1);
    r = transition(r, { type: 'fail', reason: 'timeout' }, '2025-03-10T13:01:00Z');
    r = transition(r, { type: 'submit' }, '2025-03-10T13:05:00Z');
    expect(r.lastError).toBeUndefined();
    r = transition(r, { type: 'acknowledge' }, '2025-03-10T14:00:00Z');
    expect(r.history.map((h) => h.to)).toEqual([
      'submitted',
      'failed',
      'submitted',
      'acknowledged',
    ]);
  });

  it('refuses a time before the last change, a fail without reason, and an unknown event', () => {
    expect(
      fails(() => transition(art18(), { type: 'submit' }, '2025-03-10T11:00:00Z')).paths,
    ).toEqual(['now']);
    const sub = transition(art18(), { type: 'submit' }, T1);
    expect(fails(() => transition(sub, { type: 'fail', reason: '  ' }, T1)).paths).toEqual([
      'event.reason',
    ]);
    expect(fails(() => transition(sub, { type: 'retract' } as never, T1)).paths).toEqual([
      'event.type',
    ]);
    expect(fails(() => transition(sub, { type: 'submit' }, 'yesterday')).message).toContain(
      'now must be',
    );
  });

  it('validates the record: kind vs destination, incident type, source, bounds', () => {
    expect(
      fails(() =>
        transition(art18({ destination: { authority: 'ncmec' } }), { type: 'submit' }, T1),
      ).paths,
    ).toEqual(['destination.authority']);
    expect(
      fails(() => transition(tip({ incidentType: undefined }), { type: 'submit' }, T1)).paths,
    ).toEqual(['incidentType']);
    expect(fails(() => transition(art18({ source: {} }), { type: 'submit' }, T1)).paths).toEqual([
      'source',
    ]);
    const noItems = art18();
    noItems.facts = { ...noItems.facts, itemIds: [] };
    expect(fails(() => transition(noItems, { type: 'submit' }, T1)).paths).toEqual([
      'facts.itemIds',
    ]);
  });
});

describe('art18Notification', () => {
  it('carries the recital 56 content as an object and as text', () => {
    const n = art18Notification(art18(), { ...platform, contactPhone: '+353 1 234 5678' });
    expect(n.legalBasis).toContain('Art. 18(1)');
    expect(n.recipient).toEqual({
      authority: 'member-state',
      memberState: 'DE',
      agencyName: 'Bundeskriminalamt',
    });
    expect(n.content).toEqual({
      itemIds: ['item-1', 'item-2'],
      urls: ['https://example.org/p/1'],
      description: 'Ad offering "work abroad" with passport retention',
    });
    expect(n.time).toEqual({
      incidentAt: '2025-03-09T08:00:00Z',
      publishedAt: '2025-03-08T20:00:00Z',
      timeZone: 'Europe/Berlin',
    });
    expect(n.location).toEqual({ countryCode: 'DE', region: null, city: 'Berlin' });
    expect(n.user?.screenName).toBe('jobs4u');
    expect(n.platform.email).toBe('le@example.org');
    for (const s of [
      'Bundeskriminalamt (DE)',
      'debt bondage',
      'Europe/Berlin',
      'Berlin, DE',
      'jobs4u',
      'IP 203.0.113.5 (Login)',
      '+353 1 234 5678',
    ]) {
      expect(n.text).toContain(s);
    }
  });

  it('to Europol under Art. 18(2), with unknown location and user', () => {
    const r = art18({ destination: { authority: 'europol' } });
    r.facts = { ...r.facts, location: undefined, user: undefined, publishedAt: undefined };
    const n = art18Notification(r, platform);
    expect(n.legalBasis).toContain('Art. 18(2)');
    expect(n.user).toBeNull();
    expect(n.text).toContain('To: Europol');
    expect(n.text).toContain('Location: not known');
    expect(n.text).toContain('Time of publication: not known');
  });

  it('refuses a CyberTipline referral and a bad platform', () => {
    expect(fails(() => art18Notification(tip(), platform)).paths).toEqual(['kind']);
    expect(
      fails(() => art18Notification(art18(), { ...platform, contactEmail: 'nope' })).paths,
    ).toEqual(['contactEmail']);
  });
});

describe('cyberTiplineXml', () => {
  it('writes a well-formed report with elements in the documented order', () => {
    const xml = cyberTiplineXml(tip(), { ...reporter, legalUrl: 'https://example.org/legal' });
    const elements = parseXml(xml);
    expect(orderViolations(elements)).toEqual([]);
    expect(elements.filter((e) => e.parent === 'report').map((e) => e.path)).toEqual([
      'report/incidentSummary',
      'report/internetDetails',
      'report/reporter',
      'report/personOrUserReported',
      'report/additionalInfo',
    ]);
    expect(xml).toContain('<incidentType>Child Sex Trafficking</incidentType>');
    expect(xml).toContain('<incidentDateTime>2025-03-09T08:00:00Z</incidentDateTime>');
    expect(xml).toContain('<espIdentifier>acct-7</espIdentifier>');
    expect(xml).toContain('&quot;work abroad&quot;');
    expect(xml).not.toContain('DOCTYPE');
  });

  it('escapes hostile text and refuses control characters', () => {
    expect(escapeXml(`<a href="x">&'\u0000\u0007\u001b</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;',
    );
    const r = tip();
    r.facts = {
      ...r.facts,
      suspicion: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]> &e; ]]> \'q\'',
    };
    const xml = cyberTiplineXml(r, reporter);
    expect(() => parseXml(xml)).not.toThrow();
    expect(xml).not.toContain('<!DOCTYPE');
    expect(xml).toContain(
      '&lt;!DOCTYPE x [&lt;!ENTITY e SYSTEM &quot;file:///etc/passwd&quot;&gt;]&gt; &amp;e; ]]&gt; &apos;q&apos;',
    );
    const bad = tip();
    bad.facts = { ...bad.facts, contentDescription: 'bell\u0007' };
    expect(fails(() => cyberTiplineXml(bad, reporter)).paths).toEqual(['facts.contentDescription']);
    expect(fails(() => cyberTiplineXml(tip(), { ...reporter, lastName: 'x\u0000' })).paths).toEqual(
      ['lastName'],
    );
  });

  it('refuses an Art. 18 referral and a report without a URL', () => {
    expect(fails(() => cyberTiplineXml(art18(), reporter)).paths).toEqual(['kind']);
    const r = tip();
    r.facts = { ...r.facts, contentUrls: [] };
    expect(fails(() => cyberTiplineXml(r, reporter)).paths).toEqual(['facts.contentUrls']);
  });

  it('property: any valid referral gives well-formed XML in the documented order', () => {
    const str = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }).filter(
      (s) =>
        s.trim() !== '' &&
        [...s].every((c) => {
          const n = c.codePointAt(0) ?? 0;
          return (n >= 0x20 || n === 9 || n === 10 || n === 13) && n !== 0xfffe && n !== 0xffff;
        }),
    );
    const ident = fc.stringMatching(/^[a-z0-9_.:-]{1,20}$/);
    const at = fc
      .integer({ min: 0, max: 4_000_000_000_000 })
      .map((ms) => new Date(ms).toISOString());
    const arb = fc.record({
      itemIds: fc.array(ident, { minLength: 1, maxLength: 4 }),
      urls: fc.array(
        ident.map((s) => `https://example.org/${encodeURIComponent(s)}`),
        { minLength: 1, maxLength: 3 },
      ),
      description: str,
      suspicion: str,
      incidentAt: at,
      user: fc.option(
        fc.record({
          accountId: fc.option(ident, { nil: undefined }),
          screenName: fc.option(str, { nil: undefined }),
          email: fc.option(fc.constant('a@b.example'), { nil: undefined }),
          ips: fc.array(fc.record({ address: fc.ipV4(), at: fc.option(at, { nil: undefined }) }), {
            maxLength: 3,
          }),
        }),
        { nil: undefined },
      ),
      city: fc.option(str, { nil: undefined }),
    });
    fc.assert(
      fc.property(arb, (a) => {
        const r = tip({ createdAt: '2099-01-01T00:00:00Z' });
        r.facts = {
          itemIds: a.itemIds,
          contentUrls: a.urls,
          contentDescription: a.description,
          suspicion: a.suspicion,
          incidentAt: a.incidentAt,
          location: a.city === undefined ? undefined : { city: a.city },
          user: a.user,
        };
        const elements = parseXml(cyberTiplineXml(r, reporter));
        expect(orderViolations(elements)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('preservationHoldFor', () => {
  it('gives the 1-year 2258A(h)(1) hold on the items and the account', () => {
    const r = transition(tip(), { type: 'submit' }, T1);
    const h = preservationHoldFor(r, T1);
    expect(h).toMatchObject({
      basis: 'cybertipline-report',
      start: T1,
      scope: { itemIds: ['item-1', 'item-2'], accountIds: ['acct-7'] },
    });
    expect(HOLD_RULES[h.basis].period).toEqual({ years: 1 });
    expect(holdExpiry(h)).toBe('2026-03-10T13:00:00.000Z');
  });

  it('refuses a draft, an Art. 18 referral and a bad time', () => {
    expect(fails(() => hold(tip(), T1)).paths).toEqual(['status']);
    expect(fails(() => hold(transition(art18(), { type: 'submit' }, T1), T1)).paths).toEqual([
      'kind',
    ]);
    expect(fails(() => hold(transition(tip(), { type: 'submit' }, T1), 'soon')).message).toContain(
      'submittedAt',
    );
  });
});
