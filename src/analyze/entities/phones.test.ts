import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDoc } from '../doc.js';
import {
  clearPhoneCache,
  extractPhones,
  type PhoneRejection,
  phoneCacheStats,
  REJECTIONS,
  tracePhoneCandidates,
} from './phones.js';

// Synthetic numbers only: 555-01XX is reserved for fiction in the NANP, 020 7946 0XXX in the UK.
const US = { country: 'US', language: 'en' } as const;
const doc = (body: string, context: { country?: string; language: string } = US) =>
  makeDoc({ body }, context);
const phones = (body: string, context?: { country?: string; language: string }) =>
  extractPhones(doc(body, context));
const e164s = (body: string, context?: { country?: string; language: string }) =>
  phones(body, context).map((p) => p.e164);
const reasons = (body: string, context?: { country?: string; language: string }) =>
  tracePhoneCandidates(doc(body, context))
    .map((c) => c.rejected)
    .filter((r): r is PhoneRejection => r !== undefined);

describe('formats', () => {
  it('reads the usual North American formats', () => {
    for (const body of [
      'call 212-555-0123 now',
      'call (212) 555-0123',
      'call 212.555.0123',
      'call 212 555 0123',
      'call 2125550123',
      'call 1-212-555-0123',
      'call +1 (212) 555-0123',
      'call +1 212 555 0123',
      'call 001 212 555 0123',
    ]) {
      expect(e164s(body), body).toEqual(['+12125550123']);
    }
  });

  it('returns the original text of the span, field and offsets', () => {
    const d = makeDoc({ title: 'New in town', body: 'Text me: (212) 555-0123 anytime' }, US);
    const [p] = extractPhones(d);
    expect(p?.raw).toBe('(212) 555-0123');
    expect(p?.span).toEqual({ field: 'body', start: 9, end: 23, text: '(212) 555-0123' });
    expect(p?.country).toBe('US');
    expect(p?.area).toBe('US-NY');
    expect(p?.obfuscated).toBe(false);
    const [t] = extractPhones(makeDoc({ title: 'Call +1 416 555 0199', body: 'hi' }, US));
    expect(t?.span).toEqual({ field: 'title', start: 5, end: 20, text: '+1 416 555 0199' });
    expect(t?.country).toBe('CA');
    expect(t?.area).toBe('CA-ON');
  });

  it('reads international numbers in any region', () => {
    expect(e164s('London +44 20 7946 0958')).toEqual(['+442079460958']);
    expect(e164s('London 0044 20 7946 0958', { language: 'en' })).toEqual(['+442079460958']);
    expect(e164s('from the US: 011 44 20 7946 0958')).toEqual(['+442079460958']);
    const [uk] = phones('+44 20 7946 0958');
    expect(uk?.country).toBe('GB');
    expect(uk?.area).toBeUndefined();
  });

  it('reads national numbers of the posting country', () => {
    expect(e164s('appelle 06 12 34 56 78', { country: 'FR', language: 'fr' })).toEqual([
      '+33612345678',
    ]);
    expect(e164s('llama 612 345 678', { country: 'ES', language: 'es' })).toEqual(['+34612345678']);
    // Without a country only international and North American numbers are taken.
    expect(e164s('appelle 06 12 34 56 78', { language: 'fr' })).toEqual([]);
    expect(e164s('call 212-555-0123', { language: 'en' })).toEqual(['+12125550123']);
    expect(e164s('call 1 212 555 0123', { language: 'en' })).toEqual(['+12125550123']);
  });

  it('rejects invalid numbers', () => {
    expect(e164s('call 555-123-4567')).toEqual([]); // area code 555 does not exist
    expect(e164s('call 212-055-0123')).toEqual([]);
    expect(e164s('12345678901234567890')).toEqual([]);
  });

  it('keeps each mention of a number, and separates numbers written together', () => {
    const found = phones('call 2125550123 or 212-555-0199, again 2125550123');
    expect(found.map((p) => p.e164)).toEqual(['+12125550123', '+12125550199', '+12125550123']);
    expect(found[0]?.span.start).not.toBe(found[2]?.span.start);
    expect(e164s('212-555-0123 / 212-555-0199')).toEqual(['+12125550123', '+12125550199']);
    expect(e164s('2026-01-05 212-555-0123')).toEqual(['+12125550123']);
    expect(e164s('room 12 2125550123')).toEqual(['+12125550123']);
  });
});

describe('obfuscated forms', () => {
  const cases: Array<[string, string]> = [
    ['two one two five five five zero one two three', 'English words'],
    ['dos uno dos cinco cinco cinco cero uno dos tres', 'Spanish words'],
    ['deux un deux cinq cinq cinq zéro un deux trois', 'French words'],
    ['dois um dois cinco cinco cinco zero um dois três', 'Portuguese words'],
    ['2one2 five55 0 one 2 three', 'mixed words and digits'],
    ['twoOne2-555-0123', 'glued words'],
    ['Two-1-two, Five 55 zero one two three', 'DIG style'],
    ['212 double five 5 0123', 'double'],
    ['212-555-O1l3', 'O and l for 0 and 1'],
    ['2\uFE0F\u20E31\uFE0F\u20E32\uFE0F\u20E3 555 0123', 'keycap emoji'],
    ['２１２-５５５-０１２３', 'fullwidth'],
    ['②①② ⑤⑤⑤ ⓪①②③', 'circled'],
    ['𝟐𝟏𝟐 𝟓𝟓𝟓 𝟎𝟏𝟐𝟑', 'mathematical bold'],
    ['212\u200B555\u200B0123', 'zero-width spaces'],
    ['2\u200C1\u200D2-5\u20605\u20605-0123', 'zero-width joiners'],
    ['212 / 555 / 0123', 'slashes'],
    ['212*555*0123', 'stars'],
    ['2 1 2 5 5 5 0 1 2 3', 'every digit apart'],
    ['212-555 0123', 'mixed separators'],
  ];
  for (const [body, name] of cases) {
    it(`reads ${name}`, () => {
      const found = phones(`call ${body} tonight`);
      expect(found.map((p) => p.e164)).toEqual([
        name === 'O and l for 0 and 1' ? '+12125550113' : '+12125550123',
      ]);
      expect(found[0]?.obfuscated).toBe(true);
      expect(found[0]?.raw).toBe(body);
    });
  }

  it('does not call ordinary formats obfuscated', () => {
    for (const body of [
      '212-555-0123',
      '(212) 555-0123',
      '212.555.0123',
      '212 555-0123',
      '+1 212-555-0123',
      '+1 (212) 555-0123',
      '+44 20 7946 0958',
    ]) {
      expect(phones(body)[0]?.obfuscated, body).toBe(false);
    }
  });

  it('rejects look-alikes that are not numbers', () => {
    expect(e164s('someone tone dose phone oil lol')).toEqual([]);
    expect(e164s('seven ate nine, two of us, one for all')).toEqual([]);
  });
});

describe('rejections (TellFinder bad phones)', () => {
  it('documents every reason', () => {
    expect(Object.keys(REJECTIONS).sort()).toEqual(
      ['date', 'glued', 'id', 'license', 'measurement', 'price', 'range', 'time', 'url'].sort(),
    );
  });

  const rejected: Array<[PhoneRejection, string, { country?: string; language: string }?]> = [
    ['url', 'see https://example.com/ads/2125550123'],
    ['url', 'see example.com/listing/212-555-0123'],
    ['url', 'www.example.com/?id=2125550123'],
    ['glued', 'token a2125550123b'],
    ['glued', 'hash 9f2125550123e'],
    ['license', 'license 2125550123'],
    ['license', 'Lic# 212-555-0123'],
    ['license', 'Lic. No. 2125550123'],
    ['license', 'reg: 2125550123'],
    ['license', 'permit 212 555 0123'],
    ['license', 'see #2125550123'],
    ['id', 'order 2125550123'],
    ['id', 'ID: 212-555-0123'],
    ['id', 'ref 2125550123'],
    ['id', 'ISBN 212-555-0123'],
    ['price', '$2125550123'],
    ['price', 'USD 212 555 0123'],
    ['price', '212 555 0123 roses'],
    ['price', '212 555 0123 usd'],
    ['price', '212-555-0123/hr'],
    ['price', '212 555 0123 per hour'],
    ['measurement', '34-24-36 120 lbs'],
    ['measurement', "34-24-36, 5'6"],
    ['measurement', '212 555 01 23 cm'],
    ['range', 'rates 6000-9000', { country: 'SG', language: 'en' }],
    ['range', 'rates 1000 - 5000'],
    ['date', 'on 2026-01-05', { country: 'SG', language: 'en' }],
    ['date', 'on 05/01/2026'],
    ['date', 'on 20260105'],
    ['time', 'at 10:30 212 555 0123'],
    ['time', 'at 212 555 01 23:30'],
    ['time', 'open 2125 5501 23 pm'],
  ];
  for (const [reason, body, context] of rejected) {
    it(`rejects ${reason}: ${JSON.stringify(body)}`, () => {
      expect(reasons(body, context)).toContain(reason);
    });
  }

  it('rejects the look-alikes entirely, and finds the same digits without the context', () => {
    const pairs: Array<[string, string, { country?: string; language: string }?]> = [
      ['see https://example.com/ads/2125550123', 'see 2125550123'],
      ['token a2125550123b', 'token 2125550123'],
      ['license 2125550123', 'call 2125550123'],
      ['order 2125550123', 'call 2125550123'],
      ['$2125550123', 'call 2125550123'],
      ['212 555 0123 roses', '212 555 0123 kisses'],
      ['212-555-0123/hr', '212-555-0123 hrly'],
      ['rates 6000-9000', 'call 6123-4567', { country: 'SG', language: 'en' }],
    ];
    for (const [bad, good, context] of pairs) {
      expect(e164s(bad, context), bad).toEqual([]);
      expect(e164s(good, context).length, good).toBe(1);
    }
  });

  it('keeps numbers in phone links', () => {
    expect(e164s('tel:+12125550123')).toEqual(['+12125550123']);
    expect(e164s('https://wa.me/12125550123')).toEqual(['+12125550123']);
  });

  it('takes a phone next to a price, a time or a date', () => {
    expect(e164s('$150/hr call 212-555-0123')).toEqual(['+12125550123']);
    expect(e164s('10:30 212 555 0123')).toEqual(['+12125550123']);
    expect(e164s('2026-01-05 212-555-0123 34-24-36')).toEqual(['+12125550123']);
  });

  it('does not mistake ordinary words after a phone for a rate or a time', () => {
    expect(e164s('llama al 212 555 0123 a cualquier hora')).toEqual(['+12125550123']);
    expect(e164s('212 555 0123 h24')).toEqual(['+12125550123']);
    expect(e164s('212 555 0123 per favore')).toEqual(['+12125550123']);
    expect(e164s('tel #212-555-0123')).toEqual(['+12125550123']);
    const fr = { country: 'FR', language: 'fr' } as const;
    expect(e164s('dispo 24h/24 au 06 12 34 56 78', fr)).toEqual(['+33612345678']);
  });
});

describe('parse cache', () => {
  it('caches per digits and region and gives the same results', () => {
    clearPhoneCache();
    const first = phones('call 212-555-0142');
    const after1 = phoneCacheStats();
    const second = phones('again 212 555 0142!');
    const after2 = phoneCacheStats();
    expect(second.map((p) => p.e164)).toEqual(first.map((p) => p.e164));
    expect(second[0]?.area).toBe(first[0]?.area);
    expect(after2.misses).toBe(after1.misses);
    expect(after2.hits).toBeGreaterThan(after1.hits);
  });

  it('keeps regions apart', () => {
    clearPhoneCache();
    const fr = { country: 'FR', language: 'fr' } as const;
    expect(e164s('06 12 34 56 78', fr)).toEqual(['+33612345678']);
    expect(e164s('06 12 34 56 78', US)).toEqual([]);
    expect(e164s('06 12 34 56 78', fr)).toEqual(['+33612345678']);
  });

  it('stays bounded', () => {
    clearPhoneCache();
    // 81 documents of 128 distinct numbers: more than the 10,000 entries the cache holds.
    for (let d = 0; d < 81; d++) {
      const numbers: string[] = [];
      for (let k = 0; k < 128; k++) {
        const n = d * 128 + k;
        numbers.push(
          `212-${String(200 + Math.floor(n / 100)).padStart(3, '0')}-01${String(n % 100).padStart(2, '0')}`,
        );
      }
      extractPhones(doc(numbers.join(' ; ')));
      expect(phoneCacheStats().size).toBeLessThanOrEqual(10_000);
    }
    // Results after a clear are the same as before.
    expect(e164s('212-555-0123')).toEqual(['+12125550123']);
  });
});

describe('property: planted phones are found and spans point at the original text', () => {
  const AREAS = ['212', '415', '312', '617', '305', '416', '604', '514', '713'];
  const WORDS: ReadonlyArray<readonly string[]> = [
    ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
    ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'],
    ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf'],
    ['zero', 'um', 'dois', 'três', 'quatro', 'cinco', 'seis', 'sete', 'oito', 'nove'],
  ];
  const WEAK = new Set(['un', 'um', 'dos', 'tres', 'três', 'sept']);
  const CIRCLED = ['⓪', '①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨'];

  const digitForm = fc.record({
    form: fc.integer({ min: 0, max: 8 }),
    language: fc.integer({ min: 0, max: 3 }),
    upper: fc.boolean(),
    zeroWidth: fc.boolean(),
  });
  const filler = fc.array(
    fc.constantFrom(
      'hello',
      'Sweet',
      'amor',
      'café',
      'cafe\u0301',
      'naïve',
      'x\u0308y',
      'ñandú',
      'привет',
      '漂亮',
      '💋',
      '🌹🌹',
      '🔥',
      '\u200B',
      '👩🏽‍🦰',
      'ok!',
      '(new)',
      '—',
      'bisous',
      'beijos',
    ),
    { maxLength: 12 },
  );

  const PLAIN = { form: 0, language: 0, upper: false, zeroWidth: false };
  const render = (
    d: number,
    f: { form: number; language: number; upper: boolean; zeroWidth: boolean },
  ) => {
    let s: string;
    switch (f.form) {
      case 0:
      case 1:
        s = String(d);
        break;
      case 2:
        s = String.fromCharCode(0xff10 + d);
        break;
      case 3:
        s = `${d}\uFE0F\u20E3`;
        break;
      case 4:
        s = String.fromCodePoint(0x1d7ce + d);
        break;
      case 5:
        s = CIRCLED[d] ?? String(d);
        break;
      default: {
        const w = WORDS[f.language]?.[d] ?? String(d);
        s = f.upper ? w.toUpperCase() : w;
        if (f.zeroWidth && s.length > 2) s = `${s.slice(0, 2)}\u200B${s.slice(2)}`;
      }
    }
    return s;
  };

  it('holds for random texts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...AREAS),
        fc.integer({ min: 0, max: 99 }),
        fc.array(digitForm, { minLength: 10, maxLength: 10 }),
        fc.array(fc.constantFrom('', ' ', '-', '.', ' - ', '/', '\u200B', ', '), {
          minLength: 10,
          maxLength: 10,
        }),
        fc.boolean(),
        filler,
        filler,
        fc.boolean(),
        (area, line, forms, seps, plus, before, after, inTitle) => {
          const digits = `${area}55501${String(line).padStart(2, '0')}`;
          const parts = digits.split('').map((c, k) => render(Number(c), forms[k] ?? PLAIN));
          let phone = '';
          for (let k = 0; k < parts.length; k++) {
            const part = parts[k] ?? '';
            let sep = k === 0 ? '' : (seps[k] ?? '');
            const prev = parts[k - 1] ?? '';
            const isWord = (s: string) => /^[\p{L}\u200B]+$/u.test(s);
            // Weak words ("un", "dos") count only glued or next to another number word.
            const weak = (s: string) => WEAK.has(s.toLowerCase().replace('\u200b', ''));
            if (k > 0 && (weak(part) || weak(prev)) && !(isWord(part) && isWord(prev))) sep = '';
            // Two words glued need no separator; a word glued to a digit is fine too.
            phone += sep + part;
          }
          if (plus) phone = `+1 ${phone}`;
          const text = [...before, phone, ...after].join(' ');
          const d = makeDoc(
            inTitle ? { title: text, body: 'hello' } : { title: 'hi', body: text },
            US,
          );
          const found = extractPhones(d);
          for (const p of found) {
            const field = p.span.field === 'title' ? d.title : d.body;
            expect(p.span.text).toBe(field.slice(p.span.start, p.span.end));
            expect(p.raw).toBe(p.span.text);
          }
          expect(found.map((p) => p.e164)).toContain(`+1${digits}`);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('speed', () => {
  /**
   * Best of several interleaved timings in CPU time (the machine may be shared: wall time would
   * count the time other processes run), large over small.
   */
  const cpu = (fn: () => void): number => {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  const ratio = (small: () => void, large: () => void): number => {
    small();
    large();
    let bestSmall = Number.POSITIVE_INFINITY;
    let bestLarge = Number.POSITIVE_INFINITY;
    for (let r = 0; r < 5; r++) {
      bestSmall = Math.min(bestSmall, cpu(small));
      bestLarge = Math.min(bestLarge, cpu(large));
    }
    return bestLarge / Math.max(bestSmall, 0.5);
  };
  const build = (unit: string, size: number): string =>
    unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

  for (const [name, unit] of [
    ['digits and separators', '2-1 2.5/5 50(1)2 3 '],
    ['digits without spaces', '2125550123-'],
    ['number words', 'one one one two '],
  ] as const) {
    it(`extracts from ${name} in time linear in the length`, () => {
      const small = doc(build(unit, 50_000));
      const large = doc(build(unit, 200_000));
      expect(
        ratio(
          () => extractPhones(small),
          () => extractPhones(large),
        ),
      ).toBeLessThan(8);
    });
  }

  it('returns nothing quickly for an ad without numbers', () => {
    expect(phones('Sweet and friendly, new in town. Outcall only, no texts please.')).toEqual([]);
    expect(phones('')).toEqual([]);
  });
});
