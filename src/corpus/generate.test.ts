import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { createBase58check } from '@scure/base';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import type { Item } from '../analyze/types.js';
import { isVigilError } from '../shared/errors.js';
import {
  type CorpusRecord,
  DEFAULT_CORPUS_START,
  type GroundTruth,
  generateCorpus,
  validateCorpusOptions,
} from './index.js';

const N = 8000;
// CORPUS_TEST_SEED runs the same checks on another corpus.
const SEED = Number(process.env.CORPUS_TEST_SEED ?? 42);
const corpus: readonly CorpusRecord[] = [...generateCorpus({ n: N, seed: SEED })];
const text = (item: Item) => `${item.title ?? ''}\n\n${item.body ?? ''}`;
const DAY = 86_400_000;

function groupBy<T>(records: readonly T[], key: (r: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of records) {
    const k = key(r);
    if (k === undefined) continue;
    const list = out.get(k) ?? [];
    list.push(r);
    out.set(k, list);
  }
  return out;
}

function share(label: GroundTruth['label'] | string, by: 'label' | 'kind' = 'label'): number {
  return corpus.filter((r) => r.truth[by] === label).length / corpus.length;
}

const base58check = createBase58check(sha256);

function isEip55(address: string): boolean {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return false;
  const hex = address.slice(2);
  const hash = keccak_256(new TextEncoder().encode(hex.toLowerCase()));
  for (let i = 0; i < 40; i++) {
    const c = hex[i] as string;
    if (!/[a-f]/i.test(c)) continue;
    const byte = hash[i >> 1] as number;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    if (nibble >= 8 !== (c === c.toUpperCase())) return false;
  }
  return true;
}

describe('generateCorpus', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = [...generateCorpus({ n: 600, seed: 7 })].map((r) => JSON.stringify(r));
    const b = [...generateCorpus({ n: 600, seed: 7 })].map((r) => JSON.stringify(r));
    const c = [...generateCorpus({ n: 600, seed: 8 })].map((r) => JSON.stringify(r));
    expect(a).toEqual(b);
    expect(a.join('\n')).not.toEqual(c.join('\n'));
    expect(a.filter((line, i) => line === c[i]).length).toBeLessThan(10);
  });

  it('numbers items from the seed and keeps dates within six months of the start', () => {
    const records = [...generateCorpus({ n: 300, seed: 35, start: '2025-03-01' })];
    expect(records[0]?.item.id).toBe('cz-000001');
    expect(records[299]?.item.id).toBe('cz-000300');
    const start = Date.parse('2025-03-01T00:00:00Z');
    for (const { item, truth } of records) {
      expect(truth.id).toBe(item.id);
      expect(item.posted_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      const t = Date.parse(item.posted_at as string);
      expect(t).toBeGreaterThanOrEqual(start);
      expect(t).toBeLessThan(start + 183 * DAY);
    }
    expect(new Set(corpus.map((r) => r.item.id)).size).toBe(N);
    expect(Date.parse(corpus[0]?.item.posted_at as string)).toBeGreaterThanOrEqual(
      Date.parse(`${DEFAULT_CORPUS_START}T00:00:00Z`),
    );
  });

  it('streams lazily: the first item of a ten-million-item corpus comes at once', () => {
    const started = performance.now();
    const first = generateCorpus({ n: 10_000_000, seed: 3 }).next();
    expect(first.done).toBe(false);
    expect(first.value?.item.id).toBe('c3-00000001');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('has the planned label and kind proportions', () => {
    expect(share('trafficking')).toBeGreaterThan(0.13);
    expect(share('trafficking')).toBeLessThan(0.17);
    expect(share('scam')).toBeGreaterThan(0.065);
    expect(share('scam')).toBeLessThan(0.095);
    expect(share('independent-ad', 'kind')).toBeGreaterThan(0.1);
    expect(share('independent-ad', 'kind')).toBeLessThan(0.14);
    for (const kind of ['staffing-agency', 'massage-clinic', 'rental', 'dating-profile', 'job']) {
      expect(share(kind, 'kind')).toBeGreaterThan(0.08);
    }
    expect(share('tutoring', 'kind') + share('crypto-post', 'kind')).toBeGreaterThan(0.025);
    expect(share('network-ad', 'kind')).toBe(share('trafficking'));
  });

  it('writes well-formed items of bounded length in several languages', () => {
    const languages = new Set<string>();
    for (const { item } of corpus) {
      languages.add(item.language as string);
      expect(item.title?.length).toBeGreaterThanOrEqual(20);
      expect(item.title?.length).toBeLessThanOrEqual(90);
      expect(item.body?.length).toBeGreaterThanOrEqual(150);
      expect(item.body?.length).toBeLessThanOrEqual(900);
      expect(item.location?.country).toMatch(/^[A-Z]{2}$/);
      expect(item.location?.region).toMatch(/^[A-Z]{2}-[A-Z0-9]{1,3}$/);
      expect(item.url).toMatch(/^https:\/\/[a-z0-9.-]+\.(test|example)\//);
      expect(item.source).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(text(item)).not.toMatch(/undefined|NaN|\{[a-z0-9]+\}/);
      for (const image of item.images ?? []) expect(image).toMatch(/^img:[0-9a-f]{16}$/);
    }
    expect([...languages].sort()).toEqual(['en', 'es', 'fr', 'pt', 'tl']);
  });

  it('plants networks that share templates, rotate phones and move across cities', () => {
    const networks = groupBy(
      corpus.filter((r) => r.truth.label === 'trafficking'),
      (r) => r.truth.network,
    );
    expect(networks.size).toBeGreaterThanOrEqual(5);
    let checked = 0;
    for (const ads of networks.values()) {
      if (ads.length < 40) continue;
      checked++;
      const templates = groupBy(ads, (r) => r.truth.template);
      expect(templates.size).toBeGreaterThanOrEqual(2);
      expect(templates.size).toBeLessThanOrEqual(4);
      // An author writes for several personas from the same template, in several cities.
      const shared = [...templates.values()].some(
        (list) => new Set(list.map((r) => r.item.location?.city)).size >= 2,
      );
      expect(shared).toBe(true);
      expect(new Set(ads.map((r) => r.item.location?.city)).size).toBeGreaterThanOrEqual(3);
      const times = ads.map((r) => Date.parse(r.item.posted_at as string));
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(28 * DAY);
      const phones = groupBy(
        ads.filter((r) => r.truth.phones.length > 0),
        (r) => r.truth.phones[0],
      );
      expect(phones.size).toBeGreaterThanOrEqual(2);
      for (const uses of phones.values()) {
        const when = uses.map((r) => Date.parse(r.item.posted_at as string));
        // Each number is used for at most five weeks and then replaced.
        expect(Math.max(...when) - Math.min(...when)).toBeLessThan(36 * DAY);
      }
      const images = groupBy(
        ads.flatMap((r) => (r.item.images ?? []).map((image) => ({ image, id: r.item.id }))),
        (x) => x.image,
      );
      expect([...images.values()].some((list) => list.length >= 2)).toBe(true);
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  it('never hands a network phone to anyone outside the network', () => {
    const owner = new Map<string, string>();
    for (const { truth } of corpus) {
      if (truth.label !== 'trafficking') continue;
      for (const phone of truth.phones) owner.set(phone, truth.network as string);
    }
    for (const { truth } of corpus) {
      for (const phone of truth.phones) {
        const net = owner.get(phone);
        if (net !== undefined) expect(truth.network).toBe(net);
      }
    }
  });

  it('links items through contacts only within one planted group or poster', () => {
    // At this size the fiction ranges are far from exhausted, so even benign numbers are unique;
    // at millions of items benign posters start to share numbers (never network ones).
    const owners = new Map<string, Set<string>>();
    for (const { truth } of corpus) {
      const owner = truth.network ?? truth.template ?? truth.id;
      for (const contact of [
        ...truth.phones,
        ...truth.emails,
        ...truth.handles,
        ...truth.wallets,
      ]) {
        const set = owners.get(contact) ?? new Set<string>();
        set.add(owner);
        owners.set(contact, set);
      }
    }
    const shared = [...owners].filter(([, set]) => set.size > 1).map(([contact]) => contact);
    expect(shared).toEqual([]);
  });

  it('uses more indicator language and obfuscation in network ads than elsewhere', () => {
    const rate = (records: readonly CorpusRecord[], test: (r: CorpusRecord) => boolean) =>
      records.filter(test).length / records.length;
    const network = corpus.filter((r) => r.truth.kind === 'network-ad');
    const independent = corpus.filter((r) => r.truth.kind === 'independent-ad');
    const others = corpus.filter((r) => r.truth.label === 'benign');
    const obfuscated = (r: CorpusRecord) => r.truth.obfuscated;
    expect(rate(network, obfuscated)).toBeGreaterThan(0.15);
    expect(rate(network, obfuscated)).toBeLessThan(0.45);
    expect(rate(others, obfuscated)).toBeLessThan(0.08);
    const trust = (r: CorpusRecord) => /100% real|real (pics|photos)|no fakes/i.test(text(r.item));
    expect(rate(network, trust)).toBeGreaterThan(2 * rate(independent, trust));
    // Movement language is common in independent ads and not a trafficking signal (§3.1).
    const movement = (r: CorpusRecord) =>
      /in town|leaving soon|this week only|until sunday|limited time|visiting|touring|esta semana|cette semaine|por unos días|quelques jours|poucos dias/i.test(
        text(r.item),
      );
    expect(rate(independent, movement)).toBeGreaterThan(0.4);
    expect(rate(independent, movement)).toBeGreaterThan(rate(network, movement));
    const manager =
      /my girls|she is available|through me|text me and I|ask for|mis chicas|ella|elle|ela /i;
    expect(rate(network, (r) => manager.test(text(r.item)))).toBeGreaterThan(0.3);
    const kinds = new Set(
      others.filter((r) => /new in town/i.test(text(r.item))).map((r) => r.truth.kind),
    );
    expect(kinds.size).toBeGreaterThanOrEqual(3);
  });

  it('plants staffing hubs: one switchboard number on many ads across cities', () => {
    const staffing = corpus.filter((r) => r.truth.kind === 'staffing-agency');
    const byPhone = groupBy(staffing, (r) => r.truth.phones[0]);
    const [phone, ads] = [...byPhone.entries()].sort((a, b) => b[1].length - a[1].length)[0] as [
      string,
      CorpusRecord[],
    ];
    expect(ads.length).toBeGreaterThanOrEqual(100);
    expect(new Set(ads.map((r) => r.item.location?.city)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(ads.map((r) => r.truth.network)).size).toBe(1);
    for (const { truth } of corpus) {
      if (truth.phones.includes(phone)) expect(truth.kind).toBe('staffing-agency');
    }
  });

  it('plants recruitment scams with their cues and rotating Telegram handles', () => {
    const scams = corpus.filter((r) => r.truth.label === 'scam');
    expect(scams.length).toBeGreaterThan(0);
    const cues =
      /free flight|plane ticket|visa|passport|compound|pick you up|susunduin|no experience|walang experience/i;
    for (const { item } of scams) expect(text(item)).toMatch(cues);
    expect(scams.some((r) => /passport/i.test(text(r.item)))).toBe(true);
    expect(scams.some((r) => r.item.language === 'tl')).toBe(true);
    const groups = groupBy(scams, (r) => r.truth.network);
    const shared = [...groups.values()].some(
      (list) => new Set(list.flatMap((r) => r.truth.handles)).size < list.length,
    );
    expect(shared).toBe(true);
  });

  it('writes valid checksummed wallets into the text', () => {
    const wallets = corpus.flatMap((r) => r.truth.wallets.map((w) => ({ w, item: r.item })));
    expect(wallets.length).toBeGreaterThan(50);
    const chains = new Set<string>();
    for (const { w, item } of wallets) {
      expect(text(item)).toContain(w);
      if (w.startsWith('0x')) {
        chains.add('ethereum');
        expect(isEip55(w)).toBe(true);
      } else {
        const payload = base58check.decode(w);
        expect(payload.length).toBe(21);
        expect([0x00, 0x41]).toContain(payload[0]);
        chains.add(payload[0] === 0 ? 'bitcoin' : 'tron');
        expect(w[0]).toBe(payload[0] === 0 ? '1' : 'T');
      }
    }
    expect([...chains].sort()).toEqual(['bitcoin', 'ethereum', 'tron']);
  });

  it('shows every planted contact of a non-obfuscated item in its text', () => {
    let phones = 0;
    for (const { item, truth } of corpus) {
      const t = text(item);
      const digits = t.replace(/\D/g, '');
      for (const handle of truth.handles) {
        const [platform, name] = handle.split(':') as [string, string];
        if (platform === 'whatsapp') continue;
        expect(t.toLowerCase()).toContain(name);
      }
      if (truth.obfuscated) continue;
      for (const email of truth.emails) expect(t).toContain(email);
      for (const phone of truth.phones) {
        const parsed = parsePhoneNumberFromString(phone);
        expect(parsed?.number).toBe(phone);
        expect(digits).toContain(parsed?.nationalNumber as string);
        phones++;
      }
    }
    expect(phones).toBeGreaterThan(N / 3);
  });

  it('writes obfuscated contacts that hide the plain digits', () => {
    const obfuscated = corpus.filter((r) => r.truth.obfuscated && r.truth.phones.length > 0);
    expect(obfuscated.length).toBeGreaterThan(50);
    const forms = {
      words:
        /\b(zero|one|two|three|four|five|six|seven|eight|nine|cero|uno|dos|deux|trois|dois|três)\b/i,
      keycap: /\d\uFE0F\u20E3/,
      fullwidth: /[\uFF10-\uFF19]/,
      zeroWidth: /\d\u200B\d/,
      lookalike: /\d[OlI]|[OlI]\d/,
    };
    for (const [name, pattern] of Object.entries(forms)) {
      expect(
        obfuscated.some((r) => pattern.test(text(r.item))),
        name,
      ).toBe(true);
    }
    expect(corpus.some((r) => /\u0435|\u043E/.test(text(r.item)))).toBe(true);
    expect(corpus.some((r) => /\b(at|\(at\)|\[at\])\b.*\bdot\b/.test(text(r.item)))).toBe(true);
  });

  it('states only adult ages', () => {
    const patterns = [
      /(?:^|[\s(;,])(?:age|aged|edad|idade|âge)\s*:?\s*(\d{1,3})/giu,
      /\b(\d{1,3})\s*(?:yo|y\/o|yrs?(?: old)?|years? old|años|ans|anos)\b/giu,
      /(?:^|[\s•|-])[A-ZÀ-Ý][\p{L}]+,? (\d{2}) (?:[-•|]|years)/gu,
    ];
    let ages = 0;
    for (const { item } of corpus) {
      for (const pattern of patterns) {
        for (const m of text(item).matchAll(pattern)) {
          const age = Number(m[1]);
          ages++;
          expect(age, text(item)).toBeGreaterThanOrEqual(21);
          expect(age, text(item)).toBeLessThanOrEqual(45);
        }
      }
    }
    expect(ages).toBeGreaterThan(N / 10);
  });

  it('contains no explicit or minor-related words', () => {
    const blocklist = [
      'teen',
      'minor',
      'underage',
      'child',
      'school',
      'virgin',
      'barely',
      'schoolgirl',
    ];
    for (const { item } of corpus) {
      const lower = text(item).toLowerCase();
      for (const word of blocklist) expect(lower.includes(word), `${word}: ${item.id}`).toBe(false);
    }
  });
});

describe('validateCorpusOptions', () => {
  it('accepts numbers and numeric strings and fills defaults', () => {
    expect(validateCorpusOptions({ n: 10 })).toEqual({
      n: 10,
      seed: 1,
      start: DEFAULT_CORPUS_START,
    });
    expect(validateCorpusOptions({ n: '1_000', seed: '7', start: '2026-02-01' })).toEqual({
      n: 1000,
      seed: 7,
      start: '2026-02-01',
    });
    expect(validateCorpusOptions({ n: 10_000_000, seed: 0xffffffff }).n).toBe(10_000_000);
    expect(validateCorpusOptions({ n: 1, start: '2026-01-05T12:00:00Z' }).start).toBe(
      '2026-01-05T12:00:00Z',
    );
  });

  it.each([
    [{}, 'n'],
    [{ n: 0 }, 'n'],
    [{ n: 10_000_001 }, 'n'],
    [{ n: 2.5 }, 'n'],
    [{ n: 'many' }, 'n'],
    [{ n: -3 }, 'n'],
    [{ n: 10, seed: -1 }, 'seed'],
    [{ n: 10, seed: 2 ** 32 }, 'seed'],
    [{ n: 10, seed: 'abc' }, 'seed'],
    [{ n: 10, start: '2026-02-30' }, 'start'],
    [{ n: 10, start: 'yesterday' }, 'start'],
    [{ n: 10, start: 20260105 }, 'start'],
  ])('rejects %j with CORPUS_OPTIONS_INVALID', (raw, field) => {
    let error: unknown;
    try {
      validateCorpusOptions(raw);
    } catch (e) {
      error = e;
    }
    expect(isVigilError(error, 'CORPUS_OPTIONS_INVALID')).toBe(true);
    if (isVigilError(error)) {
      expect(error.details?.field).toBe(field);
      expect(error.message).toMatch(/must|missing/);
    }
  });

  it('is applied by generateCorpus too', () => {
    expect(() => generateCorpus({ n: 0, seed: 1 }).next()).toThrow(/whole number/);
  });
});
