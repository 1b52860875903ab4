import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDoc } from '../doc.js';
import type { RateUnit } from '../types.js';
import { extractAges, extractPrices } from './amounts.js';

const context = (country = 'US', language = 'en') => ({ country, language });
const prices = (body: string, country?: string) =>
  extractPrices(makeDoc({ body }, context(country))).map((p) => ({
    amount: p.amount,
    currency: p.currency,
    per: p.per,
    raw: p.raw,
  }));
const one = (body: string, country?: string) => {
  const found = prices(body, country);
  expect(found, body).toHaveLength(1);
  return found[0];
};
const ages = (body: string, language = 'en') =>
  extractAges(makeDoc({ body }, context('US', language))).map((a) => [a.value, a.raw]);

describe('prices: currencies', () => {
  it('reads currency signs', () => {
    expect(one('only $150')).toMatchObject({ amount: 150, currency: 'USD', raw: '$150' });
    expect(one('€80 per hour')).toMatchObject({ amount: 80, currency: 'EUR', per: 'hour' });
    expect(one('£120')).toMatchObject({ amount: 120, currency: 'GBP' });
    expect(one('¥10000')).toMatchObject({ amount: 10000, currency: 'JPY' });
    expect(one('₹2000')).toMatchObject({ amount: 2000, currency: 'INR' });
    expect(one('₱1500')).toMatchObject({ amount: 1500, currency: 'PHP' });
    expect(one('฿3000')).toMatchObject({ amount: 3000, currency: 'THB' });
    expect(one('₫500000')).toMatchObject({ amount: 500000, currency: 'VND' });
    expect(one('100€')).toMatchObject({ amount: 100, currency: 'EUR', raw: '100€' });
    expect(one('100 €')).toMatchObject({ amount: 100, currency: 'EUR', raw: '100 €' });
  });

  it('reads prefixed dollar signs and the local dollar', () => {
    expect(one('R$ 300')).toMatchObject({ amount: 300, currency: 'BRL', raw: 'R$ 300' });
    expect(one('MX$500')).toMatchObject({ amount: 500, currency: 'MXN' });
    expect(one('CA$200')).toMatchObject({ amount: 200, currency: 'CAD' });
    expect(one('A$ 300')).toMatchObject({ amount: 300, currency: 'AUD' });
    expect(one('US$ 300', 'MX')).toMatchObject({ currency: 'USD' });
    expect(one('$200', 'CA')).toMatchObject({ currency: 'CAD' });
    expect(one('$200', 'MX')).toMatchObject({ currency: 'MXN' });
    expect(one('$200', 'DE')).toMatchObject({ currency: 'USD' });
  });

  it('reads ISO codes before and after', () => {
    expect(one('USD 150')).toMatchObject({ amount: 150, currency: 'USD', raw: 'USD 150' });
    expect(one('150 eur')).toMatchObject({ amount: 150, currency: 'EUR' });
    expect(one('150usd')).toMatchObject({ amount: 150, currency: 'USD' });
    expect(one('200 COP')).toMatchObject({ currency: 'COP' });
    expect(prices('try 100 times')).toEqual([]);
  });

  it('reads currency words, roses included', () => {
    expect(one('150 roses')).toMatchObject({ amount: 150, currency: 'USD', raw: '150 roses' });
    expect(one('200 dollars')).toMatchObject({ currency: 'USD' });
    expect(one('200 dollars', 'CA')).toMatchObject({ currency: 'CAD' });
    expect(one('80 bucks')).toMatchObject({ currency: 'USD' });
    expect(one('100 euros')).toMatchObject({ currency: 'EUR' });
    expect(one('1.500 pesos', 'MX')).toMatchObject({ amount: 1500, currency: 'MXN' });
    expect(one('50000 pesos', 'CO')).toMatchObject({ currency: 'COP' });
    expect(one('2000 baht')).toMatchObject({ currency: 'THB' });
    expect(one('300 reais')).toMatchObject({ currency: 'BRL' });
    expect(one('50 pounds', 'GB')).toMatchObject({ currency: 'GBP' });
    // In North America "pounds" after a number is a weight.
    expect(prices('120 pounds', 'US')).toEqual([]);
  });
});

describe('prices: numbers', () => {
  it('reads thousands and decimal marks', () => {
    expect(one('$1,200')?.amount).toBe(1200);
    expect(one('$1,200,000')?.amount).toBe(1200000);
    expect(one('$1,200.50')?.amount).toBe(1200.5);
    expect(one('€1.200,50', 'ES')?.amount).toBe(1200.5);
    expect(one('€1.200', 'ES')?.amount).toBe(1200);
    expect(one('$12.50')?.amount).toBe(12.5);
    expect(one('€12,50')?.amount).toBe(12.5);
    expect(prices('$1,2,3')).toEqual([]);
  });

  it('reads amounts exactly as written', () => {
    for (const [body, amount] of [
      ['$0.10', 0.1],
      ['$0.07', 0.07],
      ['$19.99', 19.99],
      ['$1,299.95', 1299.95],
      ['$999,999,999.99', 999999999.99],
      ['$123456789.5', 123456789.5],
    ] as const) {
      expect(one(body)?.amount, body).toBe(amount);
    }
    expect(one('€1.299,95', 'ES')?.amount).toBe(1299.95);
    expect(one('€0,1', 'ES')?.amount).toBe(0.1);
  });

  it('reads the k multiplier', () => {
    expect(one('3k per month')).toMatchObject({ amount: 3000, currency: 'XXX', per: 'month' });
    expect(one('$3k')).toMatchObject({ amount: 3000, currency: 'USD', raw: '$3k' });
    expect(one('3.5k usd')).toMatchObject({ amount: 3500, currency: 'USD' });
  });

  it('returns both ends of a range', () => {
    expect(prices('3000-5000 USD')).toEqual([
      { amount: 3000, currency: 'USD', per: undefined, raw: '3000' },
      { amount: 5000, currency: 'USD', per: undefined, raw: '5000 USD' },
    ]);
    expect(prices('$100-$150').map((p) => [p.amount, p.raw])).toEqual([
      [100, '$100'],
      [150, '$150'],
    ]);
    expect(prices('$100 - 150 per hour').map((p) => [p.amount, p.currency, p.per])).toEqual([
      [100, 'USD', 'hour'],
      [150, 'USD', 'hour'],
    ]);
    expect(prices('100 to 150 euros').map((p) => p.amount)).toEqual([100, 150]);
    expect(prices('$3-5k').map((p) => p.amount)).toEqual([3000, 5000]);
  });
});

describe('prices: rates', () => {
  const rates: Array<[string, RateUnit, string?]> = [
    ['$150/hr', 'hour'],
    ['150 roses/hr', 'hour'],
    ['$150 per hour', 'hour'],
    ['$150 an hour', 'hour'],
    ['$150 hr', 'hour'],
    ['$120 hh', 'half-hour'],
    ['$120 half hour', 'half-hour'],
    ['$120 half-hour', 'half-hour'],
    ['$100 30 min', 'half-hour'],
    ['$100/30min', 'half-hour'],
    ['$60 15 min', 'quarter-hour'],
    ['$80 qv', 'visit'],
    ['$80 quick visit', 'visit'],
    ['$900 overnight', 'night'],
    ['$500 per night', 'night'],
    ['$3000 per month', 'month'],
    ['$3000 monthly', 'month'],
    ['$3000/mo', 'month'],
    ['$200 per day', 'day'],
    ['$800 per week', 'week'],
    ['$50,000 per year', 'year'],
    ['$50,000 annual', 'year'],
    ['100 euros la hora', 'hour', 'ES'],
    ['100 euros par heure', 'hour', 'FR'],
    ['3000 reais por mes', 'month', 'BR'],
  ];
  for (const [body, per, country] of rates) {
    it(`reads ${JSON.stringify(body)} as per ${per}`, () => {
      expect(one(body, country)).toMatchObject({ per, raw: body });
    });
  }

  it('reads rates written before the amount', () => {
    expect(prices('QV 80 / HH 120 / H 200').map((p) => [p.amount, p.per, p.raw])).toEqual([
      [80, 'visit', 'QV 80'],
      [120, 'half-hour', 'HH 120'],
      [200, 'hour', 'H 200'],
    ]);
    expect(one('30 min 100')).toMatchObject({ amount: 100, per: 'half-hour', raw: '30 min 100' });
    expect(one('15 min: $60')).toMatchObject({ amount: 60, per: 'quarter-hour' });
    expect(one('1hr 200')).toMatchObject({ amount: 200, per: 'hour' });
    expect(one('overnight 900')).toMatchObject({ amount: 900, per: 'night' });
    expect(one('quick visit 80')).toMatchObject({ amount: 80, per: 'visit' });
  });

  it("uses 'XXX' when a rate has no currency", () => {
    expect(one('150/hr')).toMatchObject({ amount: 150, currency: 'XXX', per: 'hour' });
    expect(one('2000/mo')).toMatchObject({ currency: 'XXX', per: 'month' });
  });
});

describe('prices: not prices', () => {
  for (const body of [
    'open 24/7',
    '100% real',
    'call 212-555-0123',
    'stay 2 hrs max',
    'since 2019',
    '34-24-36',
    'age 25',
    'room 12',
    'ask for #150',
    'I am 5 min away',
    'apt 4b',
  ]) {
    it(`finds no price in ${JSON.stringify(body)}`, () => {
      expect(prices(body)).toEqual([]);
    });
  }
});

describe('ages', () => {
  const stated: Array<[string, number, string, string?]> = [
    ['age 25', 25, 'age 25'],
    ['Age: 25', 25, 'Age: 25'],
    ['aged 19', 19, 'aged 19'],
    ['25 yrs', 25, '25 yrs'],
    ['25 years old', 25, '25 years old'],
    ['25 year old', 25, '25 year old'],
    ['25yo', 25, '25yo'],
    ['25 y/o', 25, '25 y/o'],
    ['25 y.o.', 25, '25 y.o.'],
    ["I'm 25", 25, "I'm 25"],
    ['I’m 22 and sweet', 22, 'I’m 22'],
    ['i am 31', 31, 'i am 31'],
    ['edad 25', 25, 'edad 25', 'es'],
    ['edad: 25 años', 25, 'edad: 25 años', 'es'],
    ['tengo 23 años', 23, 'tengo 23 años', 'es'],
    ['25 años', 25, '25 años', 'es'],
    ['âge : 25 ans', 25, 'âge : 25 ans', 'fr'],
    ["j'ai 24 ans", 24, "j'ai 24 ans", 'fr'],
    ['25 ans', 25, '25 ans', 'fr'],
    ['idade 25', 25, 'idade 25', 'pt'],
    ['25 anos', 25, '25 anos', 'pt'],
    ['ＡＧＥ ２５', 25, 'ＡＧＥ ２５'],
  ];
  for (const [body, value, raw, language] of stated) {
    it(`reads ${JSON.stringify(body)}`, () => {
      expect(ages(`hi, ${body}. call me`, language)).toEqual([[value, raw]]);
    });
  }

  const notAges: Array<[string, string?]> = [
    ['25 years of experience'],
    ['10 years experience'],
    ['15 years in business'],
    ['married 20 years ago'],
    ['for 10 years'],
    ['15 años de experiencia', 'es'],
    ["12 ans d'expérience", 'fr'],
    ['20 anos de experiência', 'pt'],
    ["I'm 25 minutes away"],
    ["I'm 5'6"],
    ['$25 years'],
    ['age 5'],
    ['age 100'],
    ['age 123'],
    ['2025 years'],
    ['call 212-555-0125 yrs'],
    ['25-30 years old'],
    ['25% years'],
  ];
  for (const [body, language] of notAges) {
    it(`finds no age in ${JSON.stringify(body)}`, () => {
      expect(ages(body, language)).toEqual([]);
    });
  }
});

describe('spans', () => {
  it('point at the original text of the right field', () => {
    const doc = makeDoc(
      { title: 'New ＄１５０/hr', body: 'Sweet 💋 girl, ａｇｅ ２２, 200 roses 🌹 per hour' },
      context(),
    );
    const found = extractPrices(doc);
    expect(found.map((p) => [p.span.field, p.raw])).toEqual([
      ['title', '＄１５０/hr'],
      ['body', '200 roses 🌹 per hour'.slice(0, 9)],
    ]);
    const [age] = extractAges(doc);
    expect(age?.raw).toBe('ａｇｅ ２２');
    for (const e of [...found, age]) {
      if (e === undefined) continue;
      const field = e.span.field === 'title' ? doc.title : doc.body;
      expect(field.slice(e.span.start, e.span.end)).toBe(e.raw);
    }
  });

  it('hold for random texts', () => {
    const piece = fc.constantFrom(
      '$150/hr',
      '150 roses',
      'age 25',
      '25 yrs',
      '€1.200,50',
      '3000-5000 USD',
      'HH 120',
      '２５ years old',
      '＄８０',
      '💋',
      '🌹',
      '\u200B',
      'e\u0301',
      'hello',
      'ñ',
      '212-555-0123',
      '\n\n',
      '漂亮',
      ' ',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 20 }),
        fc.array(piece, { maxLength: 20 }),
        (a, b) => {
          const doc = makeDoc({ title: a.join(' '), body: b.join(' ') }, context());
          for (const e of [...extractPrices(doc), ...extractAges(doc)]) {
            const field = e.span.field === 'title' ? doc.title : doc.body;
            expect(field.slice(e.span.start, e.span.end)).toBe(e.raw);
            expect(e.span.text).toBe(e.raw);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('linear time', () => {
  it('reads long digit strings in time linear in the length', () => {
    const cpu = (fn: () => void): number => {
      const start = process.cpuUsage();
      fn();
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    };
    const build = (size: number) => '1,2.3-4 $5 6k/hr 7 yrs '.repeat(size / 23);
    const small = makeDoc({ body: build(50_000) }, context());
    const large = makeDoc({ body: build(200_000) }, context());
    const run = (d: typeof small) => () => {
      extractPrices(d);
      extractAges(d);
    };
    run(small)();
    run(large)();
    let bestSmall = Number.POSITIVE_INFINITY;
    let bestLarge = Number.POSITIVE_INFINITY;
    for (let r = 0; r < 5; r++) {
      bestSmall = Math.min(bestSmall, cpu(run(small)));
      bestLarge = Math.min(bestLarge, cpu(run(large)));
    }
    expect(bestLarge / Math.max(bestSmall, 0.5)).toBeLessThan(8);
  });
});

describe('words that are also names of Object members', () => {
  it('are not read as currencies or rates', () => {
    const d = makeDoc(
      { body: 'Only 50 constructor, 20 toString and 30 valueOf' },
      { country: 'US', language: 'en' },
    );
    for (const price of extractPrices(d)) {
      expect(typeof price.currency).toBe('string');
      if (price.per !== undefined) expect(typeof price.per).toBe('string');
    }
  });
});
