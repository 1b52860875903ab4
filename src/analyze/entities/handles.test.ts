import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectLinearRuns } from '../../../test/support/linear-time.js';
import { type Doc, makeDoc } from '../doc.js';
import type { Handle, Platform } from '../types.js';
import { extractHandles, HANDLE_STOP_WORDS, mentionsPlatforms } from './handles.js';

const doc = (body: string, title?: string, country = 'US'): Doc =>
  makeDoc({ title, body }, { country, language: 'en' });
const handles = (body: string): [Platform, string][] =>
  extractHandles(doc(body)).map((h) => [h.platform, h.handle]);
const one = (body: string): Handle => {
  const found = extractHandles(doc(body));
  expect(found).toHaveLength(1);
  return found[0] as Handle;
};

/** Each run gets a fresh document so the per-document scan cache does not hide the work. */
function expectLinear(make: (n: number) => string, run: (d: Doc) => unknown, n = 25_000): void {
  const smallText = make(n);
  const largeText = make(4 * n);
  expectLinearRuns(
    () => run(doc(smallText)),
    () => run(doc(largeText)),
  );
}

const repeat = (unit: string) => (n: number) => unit.repeat(Math.ceil(n / unit.length));

describe('extractHandles: links', () => {
  it.each<[string, Platform, string]>([
    ['t.me/Bob_Smith', 'telegram', 'bob_smith'],
    ['https://t.me/s/bob_smith', 'telegram', 'bob_smith'],
    ['telegram.me/bob_smith', 'telegram', 'bob_smith'],
    ['wa.me/12125550123', 'whatsapp', '+12125550123'],
    ['https://api.whatsapp.com/send?phone=447700900123', 'whatsapp', '+447700900123'],
    ['signal.me/#p/+12125550123', 'signal', '+12125550123'],
    ['snapchat.com/add/bobby22', 'snapchat', 'bobby22'],
    ['https://www.instagram.com/bob.smith/', 'instagram', 'bob.smith'],
    ['line.me/ti/p/~bobline', 'line', 'bobline'],
    ['kik.me/bobkik', 'kik', 'bobkik'],
    ['onlyfans.com/bobby', 'onlyfans', 'bobby'],
    ['cash.app/$BobCash', 'cashapp', 'bobcash'],
    ['venmo.com/u/bob-smith', 'venmo', 'bob-smith'],
    ['paypal.me/bobsmith', 'paypal', 'bobsmith'],
  ])('reads %j', (link, platform, handle) => {
    const h = one(`find me: ${link} !`);
    expect([h.platform, h.handle, h.raw, h.obfuscated]).toEqual([
      platform,
      handle,
      link.replace(/\/$/, ''),
      false,
    ]);
    expect(h.kind).toBe(
      ['cashapp', 'venmo', 'paypal'].includes(platform) ? 'payment' : 'messaging',
    );
  });

  it('keeps the case of an encrypted Signal username link', () => {
    expect(handles('signal.me/#eu/AbCdEfGhIjKlMnOpQr_-12')).toEqual([
      ['signal', 'AbCdEfGhIjKlMnOpQr_-12'],
    ]);
  });

  it.each([
    't.me/joinchat/AAAAAE',
    'instagram.com/p/abc123',
    'bat.me/bobsmith',
    't.me/bob',
    'wa.me/123',
  ])('rejects the non-profile link %j', (link) => {
    expect(handles(link)).toEqual([]);
  });
});

describe('extractHandles: keywords', () => {
  it.each<[string, Platform, string]>([
    ['telegram: @Bob_Smith', 'telegram', 'bob_smith'],
    ['tg @bob_smith', 'telegram', 'bob_smith'],
    ['telegram id bobsmith', 'telegram', 'bobsmith'],
    ['Telegram - bob_smith', 'telegram', 'bob_smith'],
    ['telegram bob_smith', 'telegram', 'bob_smith'],
    ['whatsapp +1 212 555 0123', 'whatsapp', '+12125550123'],
    ['WhatsApp: (212) 555-0123', 'whatsapp', '+12125550123'],
    ['whatsapp no. 0044 7700 900123', 'whatsapp', '+447700900123'],
    ['signal: bob.01', 'signal', 'bob.01'],
    ['signal +44 7700 900123', 'signal', '+447700900123'],
    ['snap: bobby', 'snapchat', 'bobby'],
    ['sc: bobby', 'snapchat', 'bobby'],
    ['snapchat @bobby', 'snapchat', 'bobby'],
    ['ig: bob.smith', 'instagram', 'bob.smith'],
    ['insta @bob', 'instagram', 'bob'],
    ['instagram = b0b', 'instagram', 'b0b'],
    ['wechat: abc123', 'wechat', 'abc123'],
    ['wechat id: abc123', 'wechat', 'abc123'],
    ['wx: abc123', 'wechat', 'abc123'],
    ['line id: bobline', 'line', 'bobline'],
    ['Line: bobline', 'line', 'bobline'],
    ['kik: bobkik', 'kik', 'bobkik'],
    ['onlyfans: bobby', 'onlyfans', 'bobby'],
    ['OF: bobby', 'onlyfans', 'bobby'],
    ['cash app: $BobCash', 'cashapp', 'bobcash'],
    ['venmo @bob-smith', 'venmo', 'bob-smith'],
    ['venmo: bob_smith', 'venmo', 'bob_smith'],
  ])('reads %j', (text, platform, handle) => {
    const h = one(`hi! ${text} thanks`);
    expect([h.platform, h.handle, h.raw, h.obfuscated]).toEqual([platform, handle, text, false]);
  });

  it('reads a LINE id after "ID" (Thai ads)', () => {
    const h = one('ID Line: bobline');
    expect([h.platform, h.handle, h.raw]).toEqual(['line', 'bobline', 'Line: bobline']);
  });

  it('reads a WeChat id written in Chinese', () => {
    const h = one('加我微信：abc123 谢谢');
    expect([h.platform, h.handle, h.raw]).toEqual(['wechat', 'abc123', '微信：abc123']);
  });

  it('reads "@name on <platform>"', () => {
    const h = one('add @bob_smith on telegram for pics');
    expect([h.platform, h.handle, h.raw]).toEqual([
      'telegram',
      'bob_smith',
      '@bob_smith on telegram',
    ]);
  });

  it.each<[string, Platform, string]>([
    ['tele gram: bob_smith', 'telegram', 'bob_smith'],
    ['tele-gram @bob_smith', 'telegram', 'bob_smith'],
    ["what's app +1 212 555 0123", 'whatsapp', '+12125550123'],
    ['whats app: +1 212 555 0123', 'whatsapp', '+12125550123'],
    ['watsapp +44 7700 900123', 'whatsapp', '+447700900123'],
    ['insta gram: bob.smith', 'instagram', 'bob.smith'],
    ['snap chat: bobby', 'snapchat', 'bobby'],
    ['only fans: bobby', 'onlyfans', 'bobby'],
    ['ca$h app $BobCash', 'cashapp', 'bobcash'],
  ])('reads the spelled-out keyword %j and marks it obfuscated', (text, platform, handle) => {
    const h = one(`msg ${text} ok`);
    expect([h.platform, h.handle, h.raw, h.obfuscated]).toEqual([platform, handle, text, true]);
  });

  it('marks disguised characters as obfuscated, with original spans', () => {
    const text = 'ｔｅｌｅｇｒａｍ: @bob_smith';
    const h = one(`pics ${text}`);
    expect([h.handle, h.raw, h.obfuscated]).toEqual(['bob_smith', text, true]);
    const cyr = 'tеlеgram: @bob_smith'; // Cyrillic е
    const g = one(cyr);
    expect([g.handle, g.raw, g.obfuscated]).toEqual(['bob_smith', cyr, true]);
    const zw = 'snapchat: bo\u200bbby';
    const z = one(zw);
    expect([z.handle, z.raw, z.obfuscated]).toEqual(['bobby', zw, true]);
  });

  it.each([
    'text me on WhatsApp only',
    'telegram only please',
    'telegram: only',
    'whatsapp me for details',
    'snapchat: available now',
    'Telegram-friendly',
    'telegram works best',
    'kik me',
    'telegram is best',
    'my snap is private',
    'OF: bobby'.toLowerCase(),
    'list of: bobby',
    'SC-based agency',
    'the line is long',
    'bottom line: bobby is great',
    'signal: bob',
    'whatsapp 24/7',
    'whatsapp 07700 900123',
    'snapchat: bob@gmail.com',
    'ig: mysite.com/page',
  ])('finds no handle in %j', (text) => {
    expect(handles(text)).toEqual([]);
  });

  it('keeps a stop-list of words that follow keywords in sentences', () => {
    for (const word of ['on', 'me', 'or', 'for', 'only', 'please', 'available']) {
      expect(HANDLE_STOP_WORDS.has(word)).toBe(true);
      expect(handles(`telegram: ${word}`)).toEqual([]);
      expect(handles(`instagram: ${word}`)).toEqual([]);
    }
  });

  it('does not take a bare @name without a platform keyword', () => {
    expect(handles('follow @bob_smith for more')).toEqual([]);
    expect(handles('email bob@kik.com')).toEqual([]);
  });

  it('applies platform name rules', () => {
    expect(handles('telegram: @bob')).toEqual([]); // Telegram: at least 5 characters
    expect(handles('telegram: @1bobsmith')).toEqual([]); // starts with a letter
    expect(handles(`telegram: @b${'o'.repeat(32)}`)).toEqual([]); // at most 32
    expect(handles('snapchat: ab')).toEqual([]); // Snapchat: 3-15
    expect(handles('wechat: abc12')).toEqual([]); // WeChat: 6-20
    expect(handles('venmo: bob')).toEqual([]); // Venmo: 5-30
  });

  it('normalises whatsapp numbers by digits alone', () => {
    expect(handles('whatsapp 212-555-0123')).toEqual([['whatsapp', '+12125550123']]);
    // Outside North America a number without "+" is taken as international.
    expect(
      extractHandles(doc('whatsapp 447700900123', undefined, 'GB')).map((h) => h.handle),
    ).toEqual(['+447700900123']);
    expect(handles('whatsapp +1 212 555 0123 4567 8901 23')).toEqual([]); // over 15 digits
    // The number ends before the figures that follow it in the sentence.
    expect(handles('whatsapp +1 212 555 0123 24/7')).toEqual([['whatsapp', '+12125550123']]);
    expect(handles('whatsapp +1 212 555 0123 2 girls')).toEqual([['whatsapp', '+12125550123']]);
    expect(handles('whatsapp +44 7700 900123 10:30pm')).toEqual([['whatsapp', '+447700900123']]);
  });
});

describe('extractHandles: cashtags', () => {
  it('reads $cashtags, lower-cased, without "$"', () => {
    const h = one('pay $BobCash22 first');
    expect(h).toMatchObject({ platform: 'cashapp', kind: 'payment', handle: 'bobcash22' });
    expect(h.raw).toBe('$BobCash22');
  });

  it.each([
    '$200',
    '$20/hr',
    '$200 per hour',
    'US$abc',
    '$USD 200',
    '$ea',
    '$a',
    `$a${'b'.repeat(21)}`,
    '$$abc',
    '$abc.com',
    '$abc@mail',
  ])('does not take %j as a cashtag', (text) => {
    expect(handles(text)).toEqual([]);
  });

  it('takes a cashtag of the longest length, and each of several', () => {
    expect(handles(`$a${'b'.repeat(20)} or $cc, $dd22`)).toEqual([
      ['cashapp', `a${'b'.repeat(20)}`],
      ['cashapp', 'cc'],
      ['cashapp', 'dd22'],
    ]);
  });
});

describe('extractHandles: "OF:" in capitals', () => {
  it('reads it at the start of the text and after punctuation, not glued to a word', () => {
    expect(handles('OF: bella_x')).toEqual([['onlyfans', 'bella_x']]);
    expect(handles('(OF: bella_x)')).toEqual([['onlyfans', 'bella_x']]);
    expect(handles('xOF: bella_x')).toEqual([]);
    expect(handles('2OF: bella_x')).toEqual([]);
    expect(handles('_OF: bella_x')).toEqual([]);
  });
});

describe('mentionsPlatforms', () => {
  it.each<[string, Platform[]]>([
    ['text me on WhatsApp only', ['whatsapp']],
    ['telegram only please', ['telegram']],
    ["what's app or tele gram", ['whatsapp', 'telegram']],
    ['add me on snapchat and kik', ['snapchat', 'kik']],
    ['wechat or line app', ['wechat', 'line']],
    ['pay by cash app, venmo or pay pal', ['cashapp', 'venmo', 'paypal']],
    ['message me on signal', ['signal']],
    ['signal app preferred', ['signal']],
    ['t.me/bob_smith', ['telegram']],
    ['deposit to $BobCash', ['cashapp']],
    ['insta gram and only fans', ['instagram', 'onlyfans']],
  ])('finds the platforms named in %j', (text, platforms) => {
    expect([...mentionsPlatforms(doc(text))].sort()).toEqual([...platforms].sort());
  });

  it.each([
    'no signal here, bad line',
    'the line is busy',
    'a telegraph',
    'instant reply',
    'we chat later',
  ])('finds none in %j', (text) => {
    expect([...mentionsPlatforms(doc(text))]).toEqual([]);
  });
});

describe('linear time', () => {
  const both = (d: Doc) => {
    extractHandles(d);
    mentionsPlatforms(d);
  };
  it.each<[string, (n: number) => string]>([
    ["'@' repeated", repeat('@')],
    ["'a@' repeated", repeat('a@')],
    ["'telegram: ' repeated", repeat('telegram: ')],
    ["'tg @' repeated", repeat('tg @')],
    ["'whatsapp 1 ' repeated", repeat('whatsapp 1 ')],
    ["'whatsapp' then '1 ' repeated", (n) => `whatsapp ${'1 '.repeat(n / 2)}`],
    ["'$a' repeated", repeat('$a')],
    ["'$abc ' repeated", repeat('$abc ')],
    ["'t.me/bobsmith ' repeated", repeat('t.me/bobsmith ')],
    ["'@aaa…' then a keyword", (n) => `@${'a'.repeat(n)} on telegram`],
    ["'aaa…'", repeat('a')],
    ["'signal ' repeated", repeat('signal ')],
    ["'snapchat: @bobby ' repeated", repeat('snapchat: @bobby ')],
  ])('runs in linear time on %s', (_name, make) => {
    expectLinear(make, both);
  });
});

describe('spans (property)', () => {
  const FILLER = [
    '😀',
    '👍🏽',
    '\u200b',
    '\u200d',
    '\u0301',
    ' ',
    '\n',
    'hello',
    'nice',
    ',',
    '!',
    'é',
    'ｘ',
    '日本',
  ];
  const filler = fc.array(fc.constantFrom(...FILLER), { maxLength: 12 }).map((a) => a.join(''));
  const PLANTS: readonly { text: string; platform: Platform; handle: string }[] = [
    { text: 't.me/bob_smith', platform: 'telegram', handle: 'bob_smith' },
    { text: 'telegram: @Bob_Smith', platform: 'telegram', handle: 'bob_smith' },
    { text: 'snapchat: bobby22', platform: 'snapchat', handle: 'bobby22' },
    { text: "what's app +1 212 555 0123", platform: 'whatsapp', handle: '+12125550123' },
    { text: '$CashBob', platform: 'cashapp', handle: 'cashbob' },
    { text: 'venmo @bob-smith', platform: 'venmo', handle: 'bob-smith' },
  ];

  it('returns spans equal to the original text and finds planted handles', () => {
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
          const found = extractHandles(d);
          for (const h of found) {
            const field = h.span.field === 'title' ? title : body;
            expect(field.slice(h.span.start, h.span.end)).toBe(h.span.text);
            expect(h.raw).toBe(h.span.text);
          }
          const hit = found.find((h) => h.platform === plant.platform && h.handle === plant.handle);
          expect(hit?.raw).toBe(plant.text);
          expect(hit?.span.field).toBe(inTitle ? 'title' : 'body');
          expect(mentionsPlatforms(d).has(plant.platform)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
