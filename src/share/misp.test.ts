import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../shared/errors.js';
import type { SharedIdentifier } from './agreement.js';
import { TLP_LEVELS } from './markings.js';
import { buildMispEvent, mispDistributionFor, parseMispEvent } from './misp.js';

const NOW = '2025-06-01T12:00:00Z';
const IDENTIFIERS: SharedIdentifier[] = [
  {
    kind: 'phone',
    value: '+12125550123',
    firstSeen: '2025-05-01T00:00:00Z',
    lastSeen: '2025-05-20T00:00:00Z',
  },
  { kind: 'email', value: 'bookings@example.test' },
  { kind: 'url', value: 'https://ads.example.test/p/123' },
  { kind: 'domain', value: 'example.test' },
  { kind: 'onion', value: 'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion' },
  { kind: 'handle', platform: 'telegram', value: 'roses_24', note: 'contact in ads' },
  { kind: 'wallet', chain: 'bitcoin', value: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' },
  { kind: 'wallet', chain: 'tron', value: 'TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf' },
  { kind: 'image-pdq', value: '0123456789abcdef'.repeat(4) },
];

const build = (extra: Partial<Parameters<typeof buildMispEvent>[0]> = {}) =>
  buildMispEvent({
    organisation: { name: 'Example Classifieds' },
    info: 'Signals of network net-7',
    identifiers: IDENTIFIERS,
    markings: { tlp: 'amber+strict', pap: 'amber' },
    agreement: { id: 'ag-1', onwardSharing: 'none', retentionDays: 90 },
    distribution: 0,
    now: NOW,
    ...extra,
  });

function error(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('buildMispEvent', () => {
  const event = build().Event;

  it('writes the MISP core format with taxonomy tags', () => {
    expect(event.info).toBe('Signals of network net-7');
    expect(event.date).toBe('2025-06-01');
    expect(event.timestamp).toBe(String(Date.parse(NOW) / 1000));
    expect(event.distribution).toBe('0');
    expect(event.sharing_group_id).toBe('0');
    expect(event.threat_level_id).toBe('4');
    expect(event.analysis).toBe('0');
    expect(event.published).toBe(false);
    expect(event.uuid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(event.Tag.map((t) => t.name)).toEqual([
      'tlp:amber+strict',
      'PAP:AMBER',
      'vigil:agreement="ag-1"',
      'vigil:onward-sharing="none"',
      'vigil:retention-days="90"',
    ]);
  });

  it('maps identifiers to MISP attribute types and categories', () => {
    const rows = event.Attribute.map((a) => [
      a.type,
      a.category,
      a.to_ids,
      a.comment.split(' ')[0],
    ]);
    expect(rows).toEqual([
      ['phone-number', 'Person', false, ''],
      ['email', 'Social network', true, ''],
      ['url', 'Network activity', true, ''],
      ['domain', 'Network activity', true, ''],
      ['onion-address', 'Network activity', true, ''],
      ['text', 'Social network', false, 'vigil:handle:telegram'],
      ['btc', 'Financial fraud', true, ''],
      ['text', 'Financial fraud', false, 'vigil:wallet:tron'],
      ['text', 'Other', false, 'vigil:pdq'],
    ]);
    expect(event.Attribute.every((a) => a.distribution === '5')).toBe(true);
    expect(event.Attribute[0]?.first_seen).toBe('2025-05-01T00:00:00.000000+00:00');
    expect(event.Attribute[0]?.last_seen).toBe('2025-05-20T00:00:00.000000+00:00');
  });

  it('requires a sharing group exactly for distribution 4', () => {
    expect(error(() => build({ distribution: 4 })).code).toBe('REQUEST_INVALID');
    const sg = { uuid: '5f1c3a52-6b3e-4d7a-9c2e-1f0a2b3c4d5e', name: 'Agreement ag-1 parties' };
    expect(error(() => build({ distribution: 1, sharingGroup: sg })).code).toBe('REQUEST_INVALID');
    const e = build({ distribution: 4, sharingGroup: sg }).Event;
    expect(e.distribution).toBe('4');
    expect(e.SharingGroup).toEqual(sg);
  });

  it('derives the distribution from the onward-sharing rule', () => {
    expect(mispDistributionFor('none', true)).toBe(0);
    expect(mispDistributionFor('parties-only', true)).toBe(4);
    expect(mispDistributionFor('parties-only', false)).toBe(0);
    expect(mispDistributionFor('allowed-with-notice', false)).toBe(1);
  });

  it('is deterministic without a UUID source and uses it when given', () => {
    expect(build()).toEqual(build());
    let n = 0;
    const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    const e = build({ uuid }).Event;
    expect(e.Attribute[0]?.uuid).toBe('00000000-0000-4000-8000-000000000001');
  });
});

describe('parseMispEvent', () => {
  it('reads back what buildMispEvent writes, with markings', () => {
    const result = parseMispEvent(JSON.stringify(build()));
    expect(result.skipped.total).toBe(0);
    expect(result.tlp).toBe('amber+strict');
    expect(result.pap).toBe('amber');
    expect(result.vigilTags).toEqual({
      agreement: 'ag-1',
      'onward-sharing': 'none',
      'retention-days': '90',
    });
    const key = (i: { kind: string; value: string; platform?: string; chain?: string }) =>
      `${i.kind}|${i.platform ?? ''}|${i.chain ?? ''}|${i.value}`;
    expect(result.identifiers.map(key)).toEqual(IDENTIFIERS.map(key));
    expect(result.identifiers.every((i) => i.tlp === 'amber+strict' && i.pap === 'amber')).toBe(
      true,
    );
    expect(result.identifiers[0]?.firstSeen).toBe('2025-05-01T00:00:00.000Z');
    expect(result.identifiers[5]?.note).toBe('contact in ads');
  });

  it('round-trips arbitrary values (property)', () => {
    const value = fc.string({ minLength: 1, maxLength: 80 });
    const ident = fc.oneof(
      value.map((v): SharedIdentifier => ({ kind: 'email', value: v })),
      value.map((v): SharedIdentifier => ({ kind: 'phone', value: v })),
      value.map((v): SharedIdentifier => ({ kind: 'handle', platform: 'kik', value: v })),
      value.map((v): SharedIdentifier => ({ kind: 'wallet', chain: 'ethereum', value: v })),
    );
    fc.assert(
      fc.property(
        fc.array(ident, { minLength: 1, maxLength: 10 }),
        fc.constantFrom(...TLP_LEVELS),
        (ids, tlp) => {
          const e = build({
            identifiers: ids,
            markings: { tlp, pap: 'clear' },
            agreement: undefined,
          });
          const back = parseMispEvent(JSON.parse(JSON.stringify(e)));
          const key = (i: { kind: string; value: string; platform?: string; chain?: string }) =>
            `${i.kind}|${i.platform ?? ''}|${i.chain ?? ''}|${i.value}`;
          expect(new Set(back.identifiers.map(key))).toEqual(new Set(ids.map(key)));
          expect(back.tlp).toBe(tlp);
          expect(back.pap).toBe('clear');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads older tags, the bare event form and attributes inside objects; takes the strictest tag', () => {
    const result = parseMispEvent({
      info: 'legacy',
      distribution: 4,
      SharingGroup: { uuid: '5f1c3a52-6b3e-4d7a-9c2e-1f0a2b3c4d5e', name: 'SG' },
      Tag: [{ name: 'tlp:white' }, { name: 'PAP:WHITE' }],
      Attribute: [
        { type: 'email-src', value: 'x@example.test', Tag: [{ name: 'tlp:red' }] },
        { type: 'ip-dst', value: '10.0.0.1' },
        { type: 'ip-dst', value: '10.0.0.2' },
        { type: 'text', value: 'free text without a vigil comment' },
        { type: 'btc', value: '1BoatSLRHtKNngkdXEeobR76b53LETtpyT', deleted: true },
      ],
      Object: [
        {
          name: 'coin-address',
          Attribute: [{ type: 'xmr', value: '4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx' }],
        },
      ],
    });
    expect(result.distribution).toBe(4);
    expect(result.sharingGroup?.name).toBe('SG');
    expect(result.tlp).toBe('clear');
    expect(result.pap).toBe('clear');
    expect(result.identifiers.map((i) => [i.kind, i.chain, i.tlp])).toEqual([
      ['email', undefined, 'red'],
      ['wallet', 'monero', 'clear'],
    ]);
    expect(result.skipped).toEqual({ total: 3, byType: { 'ip-dst': 2, text: 1 } });
  });

  it('refuses malformed events naming the path', () => {
    const ok = build();
    const cases: [unknown, string][] = [
      ['{', '(event)'],
      [{ Event: 'x' }, 'Event'],
      [{ Event: { ...ok.Event, info: 5 } }, 'Event.info'],
      [{ Event: { ...ok.Event, uuid: 'nope' } }, 'Event.uuid'],
      [{ Event: { ...ok.Event, distribution: '9' } }, 'Event.distribution'],
      [{ Event: { ...ok.Event, Attribute: {} } }, 'Event.Attribute'],
      [{ Event: { ...ok.Event, Attribute: [{ type: 'url' }] } }, 'Event.Attribute[0].value'],
      [{ Event: { ...ok.Event, Attribute: [{ value: 'x' }] } }, 'Event.Attribute[0].type'],
      [
        { Event: { ...ok.Event, Attribute: [{ type: 'url', value: 'x', distribution: 7 }] } },
        'Event.Attribute[0].distribution',
      ],
      [{ Event: { ...ok.Event, Tag: [{ name: '' }] } }, 'Event.Tag[0].name'],
      [
        { Event: { ...ok.Event, Attribute: [{ type: 'url', value: 'x'.repeat(5000) }] } },
        'Event.Attribute[0].value',
      ],
      [
        { Event: { ...ok.Event, Attribute: [{ type: 'url', value: 'x', first_seen: 'soon' }] } },
        'Event.Attribute[0].first_seen',
      ],
    ];
    for (const [input, path] of cases) {
      const e = error(() => parseMispEvent(input));
      expect(e.code, path).toBe('MISP_INVALID');
      expect(e.details?.path).toBe(path);
    }
  });

  it('bounds sizes and counts', () => {
    const e = build();
    expect(error(() => parseMispEvent(e, { maxAttributes: 3 })).message).toContain(
      'more than 3 attributes',
    );
    expect(error(() => parseMispEvent(JSON.stringify(e), { maxChars: 50 })).code).toBe(
      'MISP_INVALID',
    );
    expect(error(() => parseMispEvent(e, { maxTags: 2 })).details?.path).toBe('Event.Tag');
  });
});
