import { sha3_256 } from '@noble/hashes/sha3.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base32 } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectLinearRuns } from '../../../test/support/linear-time.js';
import { type Doc, makeDoc } from '../doc.js';
import type { Span } from '../types.js';
import { extractEmails, extractOnions, extractUrls, isValidOnionV3 } from './contacts.js';

const doc = (body: string, title?: string): Doc =>
  makeDoc({ title, body }, { country: 'US', language: 'en' });
const emails = (body: string): string[] => extractEmails(doc(body)).map((e) => e.value);
const hosts = (body: string): string[] => extractUrls(doc(body)).map((u) => u.host);

/** A v3 onion address built per rend-spec-v3 §6 from a fixed public key. */
function onionFor(seed: number, version = 3): string {
  const pubkey = new Uint8Array(32).map((_, i) => (i * 7 + seed) & 0xff);
  const input = new Uint8Array([...utf8ToBytes('.onion checksum'), ...pubkey, version]);
  const check = sha3_256(input);
  const bytes = new Uint8Array([...pubkey, check[0] ?? 0, check[1] ?? 0, version]);
  return base32.encode(bytes).toLowerCase();
}

/** Each run gets a fresh document so the per-document e-mail cache does not hide the work. */
function expectLinear(make: (n: number) => string, run: (d: Doc) => unknown, n = 25_000): void {
  const smallText = make(n);
  const largeText = make(4 * n);
  expectLinearRuns(
    () => run(doc(smallText)),
    () => run(doc(largeText)),
  );
}

const repeat = (unit: string) => (n: number) => unit.repeat(Math.ceil(n / unit.length));

describe('extractEmails', () => {
  it('finds plain addresses, lower-cased, with their original spans', () => {
    const d = doc('Write to Bob.Smith+ads@GMail.com today.');
    const [e] = extractEmails(d);
    expect(e?.value).toBe('bob.smith+ads@gmail.com');
    expect(e?.raw).toBe('Bob.Smith+ads@GMail.com');
    expect(e?.obfuscated).toBe(false);
    expect(e?.span).toEqual({ field: 'body', start: 9, end: 32, text: 'Bob.Smith+ads@GMail.com' });
  });

  it('reads addresses in the title and with multi-label public suffixes', () => {
    const d = doc('nothing here', 'mail anna_k@post.co.uk');
    expect(extractEmails(d).map((e) => [e.value, e.span.field])).toEqual([
      ['anna_k@post.co.uk', 'title'],
    ]);
  });

  it.each([
    ['name at gmail dot com', 'name@gmail.com'],
    ['name (at) mail (dot) com', 'name@mail.com'],
    ['name[at]mail[.]com', 'name@mail.com'],
    ['name {at} mail {dot} com', 'name@mail.com'],
    ['name @ gmail . com', 'name@gmail.com'],
    ['name@gmail dot com', 'name@gmail.com'],
    ['juan arroba gmail punto com', 'juan@gmail.com'],
    ['marie chez orange point fr', 'marie@orange.fr'],
    ['ana arroba gmail ponto com', 'ana@gmail.com'],
    ['Lucy AT Yahoo DOT co DOT uk', 'lucy@yahoo.co.uk'],
  ])('reads the obfuscated form %j', (text, value) => {
    const found = extractEmails(doc(`contact: ${text} thanks`));
    expect(found.map((e) => [e.value, e.obfuscated, e.raw])).toEqual([[value, true, text]]);
  });

  it.each([
    ['bob at mail.co.uk', 'bob@mail.co.uk'],
    ['bob (at) mail.com', 'bob@mail.com'],
    ['bob [ at ]  mail.com', 'bob@mail.com'],
    ['juan arroba gmail.com', 'juan@gmail.com'],
    ['marie chez orange.fr', 'marie@orange.fr'],
    ['ana arobase free.fr', 'ana@free.fr'],
  ])('reads %j written with plain dots, with or without a dot word elsewhere', (text, value) => {
    // Without "dot", "point"… or a loose "." anywhere, only the at-words right before a
    // "label.label" pair are read; with one, every at-word is. Both must agree.
    expect(emails(`write ${text} today`)).toEqual([value]);
    expect(emails(`write ${text} today, that is the point`)).toEqual([value]);
    expect(emails(`write ${text} today . thanks`)).toEqual([value]);
  });

  it('reads "@" and at-words in text order', () => {
    expect(emails('a@mail.com, b at mail.org and c@post.net')).toEqual([
      'a@mail.com',
      'b@mail.org',
      'c@post.net',
    ]);
  });

  it('marks look-alike and fullwidth characters as obfuscated and keeps original spans', () => {
    const fullwidth = 'ｂｏｂ＠ｇｍａｉｌ．ｃｏｍ';
    const [a] = extractEmails(doc(`mail ${fullwidth}`));
    expect(a?.value).toBe('bob@gmail.com');
    expect(a?.obfuscated).toBe(true);
    expect(a?.raw).toBe(fullwidth);
    // Cyrillic "а" and a zero-width space inside the address
    const sneaky = 'k\u0430te@ma\u200bil.com';
    const [b] = extractEmails(doc(`write ${sneaky}!`));
    expect(b?.value).toBe('kate@mail.com');
    expect(b?.obfuscated).toBe(true);
    expect(b?.raw).toBe(sneaky);
  });

  it.each([
    'meet me at noon dot',
    'at home dot ok',
    'I am at home dot ok',
    'see my photos at mysite.com',
    'email me at 5pm',
    'call me at the hotel',
    'price is 20 @ 5 dollars',
    'user@localhost',
    'bob@photo.jpg',
    'bob@@gmail.com',
    'name at gmail dot',
  ])('rejects %j', (text) => {
    expect(emails(text)).toEqual([]);
  });

  it('ends an address before trailing sentence punctuation', () => {
    expect(emails('mail bob@gmail.com. Or anna@mail.ru, or x@y')).toEqual([
      'bob@gmail.com',
      'anna@mail.ru',
    ]);
  });

  it('ends an address at a sentence dot, but keeps title-case and capitals', () => {
    // ".call" is a real gTLD; "com.Call" is the end of one sentence and the start of the next.
    expect(emails('Mail me anna@gmail.com.Call me later')).toEqual(['anna@gmail.com']);
    expect(emails('Anna@Gmail.Com or BOB@YAHOO.CO.UK')).toEqual([
      'anna@gmail.com',
      'bob@yahoo.co.uk',
    ]);
  });

  it.each<[string, (n: number) => string]>([
    ["'a@' repeated", repeat('a@')],
    ["'a.' repeated", repeat('a.')],
    ["'a at ' repeated", repeat('a at ')],
    ["'x at ' and 'a dot ' repeated", (n) => `x at ${'a dot '.repeat(n / 6)}`],
    ["'aaa…@bbb…' with no TLD", (n) => `${'a'.repeat(n / 2)}@${'b'.repeat(n / 2)}`],
    ["'a@b.' repeated", repeat('a@b.')],
    ["'(at)' repeated", repeat('(at)')],
    ['blanks', repeat(' ')],
  ])('runs in linear time on %s', (_name, make) => {
    expectLinear(make, extractEmails);
  });
});

describe('extractUrls', () => {
  it('normalises explicit URLs: scheme kept, host lower-cased, path kept', () => {
    const [u] = extractUrls(doc('see https://www.Example.com/Path?q=1. now'));
    expect(u).toMatchObject({
      url: 'https://www.example.com/Path?q=1',
      host: 'www.example.com',
      domain: 'example.com',
      raw: 'https://www.Example.com/Path?q=1',
      obfuscated: false,
    });
  });

  it('reads www hosts and bare domains, adding a scheme', () => {
    const found = extractUrls(doc('www.MySite.co.uk or visit cheap-rooms.net/book today'));
    expect(found.map((u) => [u.url, u.host, u.domain])).toEqual([
      ['http://www.mysite.co.uk', 'www.mysite.co.uk', 'mysite.co.uk'],
      ['http://cheap-rooms.net/book', 'cheap-rooms.net', 'cheap-rooms.net'],
    ]);
  });

  it('accepts an explicit http://IP, with a port', () => {
    const [u] = extractUrls(doc('go to http://192.168.1.10:8080/x'));
    expect(u).toMatchObject({ url: 'http://192.168.1.10:8080/x', host: '192.168.1.10' });
  });

  it.each([
    ['site dot com', 'site.com'],
    ['mysite (dot) net', 'mysite.net'],
    ['mysite[.]org', 'mysite.org'],
    ['www.mysite dot com', 'www.mysite.com'],
    ['mysite punto es', 'mysite.es'],
  ])('reads the obfuscated domain %j', (text, host) => {
    const found = extractUrls(doc(`visit ${text} now`));
    expect(found.map((u) => [u.host, u.obfuscated, u.raw])).toEqual([[host, true, text]]);
  });

  it.each([
    'photo.jpg',
    'notes.md',
    'setup.py',
    'only 1.50 now',
    '192.168.1.10',
    'call at 5.pm',
    'version 2.0.1',
    'hi.my name is',
    'now.in town',
    'I am new here.Call me now',
    'I am Anna.Call me now',
    'e.g. this',
    'the dot com era',
    'at home dot ok',
    '$12.50 each',
    'file.exe',
  ])('rejects %j', (text) => {
    expect(hosts(text)).toEqual([]);
  });

  it('reads an explicit scheme only when it is not glued to a longer one', () => {
    const found = extractUrls(doc('xhttp://a.com, git+https://b.org/x or (https://c.net/y)'));
    expect(found.map((u) => u.url)).toEqual(['https://c.net/y']);
  });

  it('takes prices and version numbers for no host', () => {
    expect(hosts('rent 12.50 per night, v1.5.2, $3.99 or site.com')).toEqual(['site.com']);
  });

  it('does not report the domain of an extracted e-mail', () => {
    expect(hosts('mail bob@gmail.com or anna at yahoo dot com')).toEqual([]);
    expect(hosts('mail bob@gmail.com, gmail.com is fine, site: mysite.com')).toEqual([
      'mysite.com',
    ]);
  });

  it('keeps parentheses that belong to the path and drops sentence punctuation', () => {
    const urls = (text: string) => extractUrls(doc(text)).map((u) => u.url);
    expect(urls('(see mysite.com/page)')).toEqual(['http://mysite.com/page']);
    expect(urls('read https://en.wikipedia.org/wiki/Foo_(bar).')).toEqual([
      'https://en.wikipedia.org/wiki/Foo_(bar)',
    ]);
    expect(urls('go to [https://x.org/a]!')).toEqual(['https://x.org/a']);
  });

  it('prefers a plainly written host over a following word separator', () => {
    expect(hosts('mysite.com point de vue')).toEqual(['mysite.com']);
  });

  it('leaves onion addresses to extractOnions', () => {
    expect(hosts(`http://${onionFor(1)}.onion/`)).toEqual([]);
  });

  it.each<[string, (n: number) => string]>([
    ["'a.' repeated", repeat('a.')],
    ["'aaa…' with no TLD", repeat('a')],
    ["'a dot ' repeated", repeat('a dot ')],
    ["'1.' repeated", repeat('1.')],
    ["'a-' repeated", repeat('a-')],
    ["'.' repeated", repeat('.')],
    ["'a.a.a…' after http://", (n) => `http://${'a.'.repeat(n / 2)}`],
    ["'(((…' in a path", (n) => `http://x.com/${'('.repeat(n)}`],
    ["URLs ending in ')))…'", repeat(`http://x.com/${')'.repeat(2000)} `)],
    ["'ab.com ' repeated", repeat('ab.com ')],
    ['e-mails and hosts interleaved', repeat('a@b.com c.com ')],
  ])('runs in linear time on %s', (_name, make) => {
    expectLinear(make, (d) => extractUrls(d));
  });
});

describe('extractOnions', () => {
  // Published v3 addresses: DuckDuckGo and the Tor Project (both list them on their sites).
  const DUCKDUCKGO = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad';
  const TORPROJECT = '2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid';

  it('accepts v3 addresses whose checksum verifies (rend-spec-v3 §6)', () => {
    const made = onionFor(5);
    const found = extractOnions(
      doc(
        `mirror: http://${DUCKDUCKGO}.onion/ and ${TORPROJECT.toUpperCase()}.ONION or ${made}.onion`,
      ),
    );
    expect(found.map((o) => o.address)).toEqual([
      `${DUCKDUCKGO}.onion`,
      `${TORPROJECT}.onion`,
      `${made}.onion`,
    ]);
    expect(found[1]?.raw).toBe(`${TORPROJECT.toUpperCase()}.ONION`);
  });

  it('accepts a disguised dot before "onion"', () => {
    const made = onionFor(9);
    expect(extractOnions(doc(`${made} dot onion`)).map((o) => o.address)).toEqual([
      `${made}.onion`,
    ]);
    expect(extractOnions(doc(`${made}[.]onion`))).toHaveLength(1);
    expect(extractOnions(doc(`${made} ( . ) onion`))).toHaveLength(1);
    expect(extractOnions(doc(`${made}(dot)onion`))).toHaveLength(1);
    expect(extractOnions(doc(`see x.y and ${made}.onion`))).toHaveLength(1);
  });

  it('rejects a look-alike with one character changed, a wrong version or length', () => {
    const flipped = `${DUCKDUCKGO.slice(0, 10)}${DUCKDUCKGO[10] === 'a' ? 'b' : 'a'}${DUCKDUCKGO.slice(11)}`;
    expect(isValidOnionV3(DUCKDUCKGO)).toBe(true);
    expect(isValidOnionV3(flipped)).toBe(false);
    expect(extractOnions(doc(`${flipped}.onion`))).toEqual([]);
    expect(extractOnions(doc(`${onionFor(3, 2)}.onion`))).toEqual([]);
    expect(extractOnions(doc(`${DUCKDUCKGO.slice(1)}.onion`))).toEqual([]);
    expect(extractOnions(doc(`x${DUCKDUCKGO}.onion`))).toEqual([]);
  });

  it.each<[string, (n: number) => string]>([
    ["'aaa…' then '.onion'", (n) => `${'a'.repeat(n)}.onion`],
    ['56-character look-alikes repeated', repeat(`${'a'.repeat(56)}.onion `)],
  ])('runs in linear time on %s', (_name, make) => {
    expectLinear(make, extractOnions);
  });
});

describe('spans (property)', () => {
  const FILLER = [
    '😀',
    '👍🏽',
    '🇺🇸',
    '\u200b',
    '\u200d',
    '\u0301',
    '\ufe0f',
    ' ',
    '\n',
    'hello',
    'nice',
    ',',
    '!',
    'é',
    'ｘ',
    '日本',
    'ок',
  ];
  const filler = fc.array(fc.constantFrom(...FILLER), { maxLength: 12 }).map((a) => a.join(''));
  const onion = onionFor(11);
  const PLANTS: readonly { text: string; kind: 'email' | 'url' | 'onion'; value: string }[] = [
    { text: 'bob.smith@gmail.com', kind: 'email', value: 'bob.smith@gmail.com' },
    { text: 'anna at yahoo dot com', kind: 'email', value: 'anna@yahoo.com' },
    { text: 'kate(at)outlook(dot)com', kind: 'email', value: 'kate@outlook.com' },
    { text: 'mysite.com', kind: 'url', value: 'mysite.com' },
    { text: 'https://www.example.org/path', kind: 'url', value: 'www.example.org' },
    { text: 'bestrooms dot net', kind: 'url', value: 'bestrooms.net' },
    { text: `${onion}.onion`, kind: 'onion', value: `${onion}.onion` },
  ];

  it('returns spans equal to the original text and finds planted contacts', () => {
    fc.assert(
      fc.property(
        filler,
        filler,
        filler,
        fc.constantFrom(...PLANTS),
        fc.boolean(),
        (a, b, other, plant, inTitle) => {
          const planted = `${a} ${plant.text} ${b}`;
          const title = inTitle ? planted : other;
          const body = inTitle ? other : planted;
          const d = makeDoc({ title, body }, { country: 'US', language: 'en' });
          const es = extractEmails(d);
          const us = extractUrls(d, es);
          const os = extractOnions(d);
          const spans: { span: Span; raw: string }[] = [...es, ...us, ...os];
          for (const { span, raw } of spans) {
            const field = span.field === 'title' ? title : body;
            expect(field.slice(span.start, span.end)).toBe(span.text);
            expect(raw).toBe(span.text);
          }
          const values =
            plant.kind === 'email'
              ? es.map((e) => e.value)
              : plant.kind === 'url'
                ? us.map((u) => u.host)
                : os.map((o) => o.address);
          expect(values).toContain(plant.value);
          const hit = [...es, ...us, ...os].find((e) =>
            [
              'value' in e ? e.value : '',
              'host' in e ? e.host : '',
              'address' in e ? e.address : '',
            ].includes(plant.value),
          );
          expect(hit?.span.field).toBe(inTitle ? 'title' : 'body');
          expect(hit?.span.text).toBe(plant.text);
        },
      ),
      { numRuns: 300 },
    );
  });
});
