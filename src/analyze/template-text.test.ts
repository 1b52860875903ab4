import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../shared/errors.js';
import type { TemplatePart, TemplateSlot } from './link-types.js';
import {
  nameSlotValues,
  SPACED_WORD,
  type TemplateMember,
  type TemplateTextResult,
  templateText,
} from './template-text.js';

// All texts are synthetic.

/** Parts as one string, slots as {kind}: what an analyst reads. */
function show(parts: readonly TemplatePart[]): string {
  return parts.map((p) => ('text' in p ? p.text : `{${p.slot.kind}}`)).join('');
}

function slotsOf(result: TemplateTextResult): TemplateSlot[] {
  return result.parts.flatMap((p) => ('slot' in p ? [p.slot] : []));
}

function defined(result: TemplateTextResult | undefined): TemplateTextResult {
  if (result === undefined) throw new Error('expected a template');
  return result;
}

const id = (i: number): string => `ad-${String(i).padStart(3, '0')}`;

const NAMES = [
  'Anna',
  'Bella',
  'Chloe',
  'Daria',
  'Elena',
  'Fiona',
  'Gina',
  'Hanna',
  'Irina',
  'Julia',
];
const CITIES = ['Boston', 'Denver', 'Austin'];

function escortAd(i: number, extra = ''): TemplateMember {
  const city = CITIES[i % 3] ?? '';
  return {
    id: id(i),
    city,
    text:
      `New in ${city}\n\nHi gentlemen, I am ${NAMES[i]}, ${21 + (i % 5)} years young, ${extra}` +
      `new in ${city}. Call 212-555-01${10 + i}. ${150 + 50 * (i % 3)} roses/hour.`,
  };
}

/** Ten members of one escort-style template. */
const escortAds = (): TemplateMember[] => NAMES.map((_, i) => escortAd(i));

const ESCORT_TEMPLATE =
  'New in {city}\n\nHi gentlemen, I am {name}, {age} years young, new in {city}. ' +
  'Call {contact}. {price} roses/hour.';

describe('templateText: an escort-style template', () => {
  const result = defined(templateText(escortAds()));

  it('keeps the shared words as fixed text, with slots where the ads differ', () => {
    expect(show(result.parts)).toBe(ESCORT_TEMPLATE);
  });

  it('finds exactly the expected slots, with their kinds and commonest values', () => {
    expect(slotsOf(result)).toEqual([
      { kind: 'city', examples: ['Boston', 'Denver', 'Austin'] },
      { kind: 'name', examples: ['Anna', 'Bella', 'Chloe', 'Daria', 'Elena'] },
      { kind: 'age', examples: ['21', '22', '23', '24', '25'] },
      { kind: 'city', examples: ['Boston', 'Denver', 'Austin'] },
      {
        kind: 'contact',
        examples: ['212-555-0110', '212-555-0111', '212-555-0112', '212-555-0113', '212-555-0114'],
      },
      { kind: 'price', examples: ['150', '200', '250'] },
    ]);
  });

  it("gives each member's values in slot order", () => {
    expect(result.values.size).toBe(10);
    expect(result.values.get(id(0))).toEqual([
      'Boston',
      'Anna',
      '21',
      'Boston',
      '212-555-0110',
      '150',
    ]);
    expect(result.values.get(id(7))).toEqual([
      'Denver',
      'Hanna',
      '23',
      'Denver',
      '212-555-0117',
      '200',
    ]);
  });

  it("gives each member's name-slot values, for the personas networks count", () => {
    const names = nameSlotValues(result);
    expect(names.size).toBe(10);
    expect(names.get(id(0))).toEqual(['Anna']);
    expect(names.get(id(7))).toEqual(['Hanna']);
  });

  it('is kept because it shortens the description', () => {
    expect(result.bits.withTemplate).toBeLessThan(result.bits.without);
    expect(result.bits.withTemplate).toBeGreaterThan(0);
  });

  it('does not depend on the order of the members', () => {
    const ads = escortAds();
    const reordered = [...ads.slice(6), ...ads.slice(0, 6).reverse()];
    const again = defined(templateText(reordered));
    expect(again.parts).toEqual(result.parts);
    expect([...again.values].sort()).toEqual([...result.values].sort());
    expect(again.bits).toEqual(result.bits);
  });

  it('is not broken by a word that one member inserts', () => {
    const ads = escortAds();
    ads[4] = escortAd(4, 'really ');
    const withInsertion = defined(templateText(ads));
    expect(show(withInsertion.parts)).toBe(ESCORT_TEMPLATE);
    expect(withInsertion.values.get(id(4))).toEqual(result.values.get(id(4)));
  });

  it('compares words folded: disguised spellings still match', () => {
    const ads = escortAds();
    const plain = escortAd(3);
    // A Cyrillic "і" in "Hi", fullwidth "ｙｅａｒｓ", and upper case.
    ads[3] = {
      ...plain,
      text: plain.text
        .replace('Hi', 'H\u0456')
        .replace('years', 'ｙｅａｒｓ')
        .replace('Call', 'CALL'),
    };
    const result = defined(templateText(ads));
    expect(show(result.parts)).toBe(ESCORT_TEMPLATE);
    expect(result.values.get(id(3))).toEqual(defined(templateText(escortAds())).values.get(id(3)));
  });

  it('is not broken when the medoid is the member that inserts a word', () => {
    // Every member but one inserts "very": the odd one out must not decide the template.
    const ads = NAMES.map((_, i) => escortAd(i, i === 0 ? '' : 'very '));
    expect(show(defined(templateText(ads)).parts)).toBe(
      ESCORT_TEMPLATE.replace('young, new', 'young, very new'),
    );
  });
});

describe('templateText: other templates', () => {
  it('a job ad', () => {
    const jobs = [
      ['Lena', 'Warsaw', '$800', '+44 7700 900123'],
      ['Olga', 'Kyiv', '$900', '+44 7700 900456'],
      ['Maya', 'Riga', '$800', '+44 7700 900789'],
      ['Sara', 'Vilnius', '$1,000', '+44 7700 900321'],
      ['Nina', 'Tallinn', '$900', '+44 7700 900654'],
    ].map(([name, city, pay, phone], i) => ({
      id: id(i),
      city,
      text:
        `Hostesses wanted abroad\n\nNew restaurant in ${city} is hiring girls 18-25. ` +
        `Salary ${pay} per week, free housing and travel paid. No experience needed. ` +
        `Contact ${name} on WhatsApp ${phone}.`,
    }));
    const result = defined(templateText(jobs));
    expect(show(result.parts)).toBe(
      'Hostesses wanted abroad\n\nNew restaurant in {city} is hiring girls 18-25. ' +
        'Salary {price} per week, free housing and travel paid. No experience needed. ' +
        'Contact {name} on WhatsApp {contact}.',
    );
    expect(slotsOf(result).map((s) => s.examples[0])).toEqual([
      'Warsaw',
      '$800',
      'Lena',
      '+44 7700 900123',
    ]);
  });

  it('a Spanish template', () => {
    const ads = ['Lucía', 'Sofía', 'Valentina', 'Camila', 'Martina'].map((name, i) => ({
      id: id(i),
      city: ['Madrid', 'Valencia'][i % 2] ?? '',
      text:
        `Hola caballeros, soy ${name}, tengo ${20 + i} años, recién llegada a ` +
        `${['Madrid', 'Valencia'][i % 2]}. Llámame al 612 345 6${i}8. ${100 + 20 * i} € la hora.`,
    }));
    const result = defined(templateText(ads));
    expect(show(result.parts)).toBe(
      'Hola caballeros, soy {name}, tengo {age} años, recién llegada a {city}. ' +
        'Llámame al {contact}. {price} la hora.',
    );
    expect(result.values.get(id(1))).toEqual(['Sofía', '21', 'Valencia', '612 345 618', '120 €']);
  });

  it('a Portuguese template', () => {
    const ads = ['Bruna', 'Larissa', 'Juliana', 'Fernanda'].map((name, i) => ({
      id: id(i),
      city: ['São Paulo', 'Rio de Janeiro'][i % 2] ?? '',
      text:
        `Olá amores, sou a ${name}, tenho ${22 + i} anos e estou em ` +
        `${['São Paulo', 'Rio de Janeiro'][i % 2]}. Chama no WhatsApp (11) 9876${i}-432${i}. ` +
        `Cachê R$ ${200 + 50 * i}.`,
    }));
    const result = defined(templateText(ads));
    expect(show(result.parts)).toBe(
      'Olá amores, sou a {name}, tenho {age} anos e estou em {city}. ' +
        'Chama no WhatsApp {contact}. Cachê {price}.',
    );
    expect(result.values.get(id(1))).toEqual([
      'Larissa',
      '23',
      'Rio de Janeiro',
      '(11) 98761-4321',
      'R$ 250',
    ]);
  });

  it('a Chinese template, cut into words by Intl.Segmenter', () => {
    const people = [
      ['小美', '上海'],
      ['丽丽', '北京'],
      ['婷婷', '广州'],
      ['芳芳', '上海'],
      ['静静', '北京'],
    ];
    const ads = people.map(([name, city], i) => ({
      id: id(i),
      city,
      text: `你好，我叫${name}，今年${21 + i}岁，刚到${city}。电话1381234567${i}。每小时${500 + 100 * i}元。`,
    }));
    const result = defined(templateText(ads));
    expect(show(result.parts)).toBe(
      '你好，我叫{name}，今年{age}岁，刚到{city}。电话{contact}。每小时{price}元。',
    );
    expect(result.values.get(id(2))).toEqual(['婷婷', '23', '广州', '13812345672', '700']);
  });

  it('a Thai template', () => {
    const people = [
      ['มะลิ', 'กรุงเทพ'],
      ['ดาว', 'พัทยา'],
      ['น้ำฝน', 'ภูเก็ต'],
      ['แพรว', 'กรุงเทพ'],
    ];
    const ads = people.map(([name, city], i) => ({
      id: id(i),
      city,
      text: `สวัสดีค่ะ ชื่อ ${name} อายุ ${20 + i} ปี อยู่ที่ ${city} โทร 081-234-56${i}${i} ราคา ${1500 + 500 * i} บาท`,
    }));
    const result = defined(templateText(ads));
    expect(show(result.parts)).toBe(
      'สวัสดีค่ะ ชื่อ {name} อายุ {age} ปี อยู่ที่ {city} โทร {contact} ราคา {price} บาท',
    );
    expect(result.values.get(id(2))).toEqual(['น้ำฝน', '22', 'ภูเก็ต', '081-234-5622', '2500']);
  });
});

describe('templateText: when there is no template', () => {
  it('is undefined for members that share nothing', () => {
    const unrelated = [
      'Vintage bicycle for sale, barely used, pick up only on weekends.',
      'Looking for a roommate near the university; quiet, non-smoker preferred.',
      'Lost cat: grey tabby answers to Miso, reward offered for any information.',
      'Piano lessons for beginners and intermediate students, first lesson free.',
    ].map((text, i) => ({ id: id(i), text }));
    expect(templateText(unrelated)).toBeUndefined();
  });

  it('is undefined for fewer than two members', () => {
    expect(templateText([])).toBeUndefined();
    expect(templateText([escortAd(0)])).toBeUndefined();
  });

  it('is undefined when one shared word is all two members have in common', () => {
    const ads = [
      'Call me tonight, sweet Anna from the north side, new pictures, fresh and friendly',
      'Call about apartment viewings downtown, two bedrooms with a large balcony',
    ].map((text, i) => ({ id: id(i), text }));
    expect(templateText(ads)).toBeUndefined();
  });
});

describe('templateText: reposts', () => {
  it('takes identical reposts as one text whose template is the whole text', () => {
    const text = 'Hi gentlemen, I am Anna, new in Boston. Call 212-555-0110.';
    const result = defined(templateText([0, 1, 2].map((i) => ({ id: id(i), text }))));
    expect(result.parts).toEqual([{ text }]);
    expect(result.values.get(id(2))).toEqual([]);
  });

  it('counts reposts once, so a repeated name stays a slot', () => {
    const anna = escortAd(0);
    const reposts = Array.from({ length: 8 }, (_, i) => ({ ...anna, id: `repost-${i}` }));
    const result = defined(templateText([...reposts, anna, escortAd(1), escortAd(2), escortAd(3)]));
    const name = slotsOf(result).find((s) => s.kind === 'name');
    expect(name?.examples).toEqual(['Anna', 'Bella', 'Chloe', 'Daria']);
    expect(result.values.get('repost-5')).toEqual(result.values.get(anna.id));
  });
});

describe('templateText: bounded work', () => {
  /** A long template: 390 shared words around two slots. */
  function longAd(i: number): TemplateMember {
    const shared = Array.from({ length: 195 }, (_, w) => `word${w}`).join(' ');
    return {
      id: id(i),
      text: `${shared} I am ${NAMES[i % 10]}${i} and ${shared} call ${1000 + i}`,
    };
  }

  it('aligns at most maxMembers distinct texts', () => {
    const members = Array.from({ length: 200 }, (_, i) => longAd(i));
    const result = defined(templateText(members));
    expect(result.values.size).toBe(50);
    expect([...result.values.keys()]).toEqual(members.slice(0, 50).map((m) => m.id));
    expect(defined(templateText(members, { maxMembers: 7 })).values.size).toBe(7);
  });

  it('cuts texts at maxTokens', () => {
    const members = Array.from({ length: 5 }, (_, i) => longAd(i));
    const result = defined(templateText(members, { maxTokens: 20 }));
    expect(show(result.parts)).toBe(Array.from({ length: 20 }, (_, w) => `word${w}`).join(' '));
  });

  it('rejects options out of range', () => {
    for (const options of [{ maxMembers: 1 }, { maxMembers: 2.5 }, { maxTokens: 0 }]) {
      expect(() => templateText(escortAds(), options)).toThrow(VigilError);
      try {
        templateText(escortAds(), options);
      } catch (error) {
        expect((error as VigilError).code).toBe('LINK_OPTIONS_INVALID');
      }
    }
  });
});

describe('templateText: properties', () => {
  /** Fixed words and slot fillers come from disjoint vocabularies; fillers differ per slot. */
  const fixedWord = fc.constantFrom(
    ...'hello sweet gentle visit call today please kind lovely city night friendly the a'.split(
      ' ',
    ),
  );
  const generated = fc.record({
    segments: fc.array(fc.array(fixedWord, { minLength: 2, maxLength: 6 }), {
      minLength: 3,
      maxLength: 6,
    }),
    members: fc.integer({ min: 3, max: 10 }),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
  });

  /** Members filling the generated template: slot k of member m holds zero to two words. */
  function fill(segments: readonly (readonly string[])[], members: number, seed: number) {
    const filler = (k: number, m: number): string => {
      const n = (seed + 7 * m + 13 * k) % 97;
      if (n % 11 === 0) return '';
      return n % 3 === 0 ? ` s${k}v${n} s${k}w${n % 5}` : ` s${k}v${n}`;
    };
    return Array.from({ length: members }, (_, m) => ({
      id: id(m),
      text: segments.map((words, k) => `${words.join(' ')}${filler(k, m)}`).join(' '),
    }));
  }

  it('keeps every fixed word of the generating template, in order', () => {
    fc.assert(
      fc.property(generated, ({ segments, members, seed }) => {
        const result = defined(templateText(fill(segments, members, seed)));
        const output = result.parts
          .flatMap((p) => ('text' in p ? p.text.split(/\s+/) : []))
          .filter((w) => w !== '');
        let at = 0;
        for (const word of segments.flat()) {
          while (at < output.length && output[at] !== word) at++;
          expect(at).toBeLessThan(output.length);
          at++;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same result for the members in any order', () => {
    fc.assert(
      fc.property(
        generated.chain(({ segments, members, seed }) => {
          const ads = fill(segments, members, seed);
          return fc.tuple(fc.constant(ads), fc.shuffledSubarray(ads, { minLength: ads.length }));
        }),
        ([ads, shuffled]) => {
          expect(templateText(shuffled)).toEqual(templateText(ads));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('word splitting for scripts with spaces', () => {
  it('finds the same words as Intl.Segmenter (UAX #29)', () => {
    const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
    const text = fc.string({
      unit: fc.constantFrom(..."aBc12 .,:;'!-é_\u2019".split('')),
      maxLength: 16,
    });
    fc.assert(
      fc.property(text, (s) => {
        const ours = [...s.matchAll(SPACED_WORD)].map((m) => m[0]);
        const icu = [...segmenter.segment(s)].map((x) => x.segment).filter((x) => !/^\s+$/.test(x));
        expect(ours).toEqual(icu);
      }),
      { numRuns: 2000 },
    );
  });
});
