import { describe, expect, it } from 'vitest';
import { foldText } from '../normalize.js';
import { mayHoldDigits, scanDigitRuns, segmentNumberWords } from './digits.js';

const runs = (text: string, minDigits = 1) => scanDigitRuns(foldText(text), minDigits);
const digitsOf = (text: string, minDigits = 1) => runs(text, minDigits).map((r) => r.digits);

describe('ASCII digits and separators', () => {
  it('joins digit groups across ordinary separators', () => {
    for (const text of [
      '212-555-0123',
      '212.555.0123',
      '212 555 0123',
      '(212) 555-0123',
      '212/555/0123',
      '212*555*0123',
      '212_555_0123',
      '212|555|0123',
      '212\\555\\0123',
      '212,555,0123',
      '212 - 555 - 0123',
      '212--555--0123',
      '212\n555\n0123',
    ]) {
      expect(digitsOf(text), text).toEqual(['2125550123']);
    }
  });

  it('keeps the groups and the separators used', () => {
    const [run] = runs('call (212) 555-0123 now');
    expect(run?.groups.map((g) => g.digits)).toEqual(['212', '555', '0123']);
    expect(run?.groups.map((g) => g.gap)).toEqual(['', ') ', '-']);
    expect(run?.separators).toBe(') -');
    expect(run?.start).toBe(6);
    expect(run?.end).toBe(19);
  });

  it('splits numbers far apart or across blank lines', () => {
    // A stretch of whitespace counts as one separator, up to eight characters in all.
    expect(digitsOf('212 555    0123')).toEqual(['2125550123']);
    expect(digitsOf('212 555          0123')).toEqual(['212555', '0123']);
    expect(digitsOf('212 -- -- 555')).toEqual(['212', '555']);
    expect(digitsOf('title 555\n\n212 body')).toEqual(['555', '212']);
    expect(digitsOf('10:30')).toEqual(['10', '30']);
    expect(digitsOf('$100 and 200')).toEqual(['100', '200']);
  });

  it('notes a leading plus and letters glued to the run', () => {
    expect(runs('+44 20 7946 0958')[0]?.plus).toBe(true);
    expect(runs('(+44) 20 7946 0958')[0]?.plus).toBe(true);
    expect(runs('44 20 7946 0958')[0]?.plus).toBe(false);
    const [hex] = runs('0x3fa9b', 3);
    expect(hex).toBeUndefined();
    const glued = runs('ab12345678cd')[0];
    expect(glued?.gluedBefore).toBe(true);
    expect(glued?.gluedAfter).toBe(true);
    expect(runs('call 12345678')[0]?.gluedBefore).toBe(false);
  });

  it('drops runs shorter than minDigits', () => {
    expect(digitsOf('a 12 b 1234567 c', 7)).toEqual(['1234567']);
  });

  it('reads digits of other scripts', () => {
    expect(digitsOf('٢١٢٥٥٥٠١٢٣')).toEqual(['2125550123']);
    expect(digitsOf('२१२ ५५५')).toEqual(['212555']);
  });
});

describe('number words', () => {
  it('reads English, Spanish, French and Portuguese digits', () => {
    expect(digitsOf('zero one two three four five six seven eight nine')).toEqual(['0123456789']);
    expect(digitsOf('cero uno dos tres cuatro cinco seis siete ocho nueve')).toEqual([
      '0123456789',
    ]);
    expect(digitsOf('zéro un deux trois quatre cinq six sept huit neuf')).toEqual(['0123456789']);
    expect(digitsOf('zero um dois três quatro cinco seis sete oito nove')).toEqual(['0123456789']);
    expect(digitsOf('ZERO One TWO')).toEqual(['012']);
  });

  it('mixes words and digits, glued or separated', () => {
    expect(digitsOf('2one2')).toEqual(['212']);
    expect(digitsOf('twoOne2')).toEqual(['212']);
    expect(digitsOf('Eight-1-eight, Five 55')).toEqual(['818555']);
    expect(digitsOf('fivefivefive')).toEqual(['555']);
    expect(digitsOf('onetwothreefourfivesixseveneightnine')).toEqual(['123456789']);
    const [run] = runs('2one2 five');
    expect(run?.hasWords).toBe(true);
    expect(run?.groups.map((g) => [g.digits, g.words])).toEqual([
      ['212', true],
      ['5', true],
    ]);
  });

  it('takes a letter run only when number words cover all of it', () => {
    // "seven" is a digit; the others only contain number words.
    expect(digitsOf('someone tone dose done phone union unit seventeen sixty nineteen')).toEqual(
      [],
    );
    expect(digitsOf('seven')).toEqual(['7']);
    expect(digitsOf('une onze ocean')).toEqual([]);
  });

  it('segments with the fewest words', () => {
    const segments = segmentNumberWords('unotwo', 0, 6);
    expect(segments?.map((s) => s.digit)).toEqual([1, 2]);
    expect(segmentNumberWords('someone', 0, 7)).toBeUndefined();
  });

  it('reads weak words only next to other number words or glued to digits', () => {
    // "oh", "un", "um", "dos", "sept", "tres" and a lone "o" are also ordinary words.
    expect(digitsOf('five oh five')).toEqual(['505']);
    expect(digitsOf('five o five')).toEqual(['505']);
    expect(digitsOf('100 o 150')).toEqual(['100', '150']);
    expect(digitsOf('sept 15 2025')).toEqual(['152025']);
    expect(digitsOf('oh 5 stars')).toEqual(['5']);
    expect(digitsOf('un deux trois')).toEqual(['123']);
    expect(digitsOf('c’est un rendez-vous')).toEqual([]);
    expect(digitsOf('dos tres')).toEqual(['23']);
  });

  it('expands double and triple', () => {
    expect(digitsOf('double five triple 5 one')).toEqual(['555551']);
    expect(digitsOf('doble cinco')).toEqual(['55']);
    expect(digitsOf('a double room')).toEqual([]);
    expect(digitsOf('five double')).toEqual(['5']);
  });
});

describe('look-alike letters', () => {
  it('reads o, l and i as digits inside numbers', () => {
    expect(digitsOf('55O-O1l2')).toEqual(['5500112']);
    expect(digitsOf('2oo')).toEqual(['200']);
    expect(digitsOf('1i1')).toEqual(['111']);
    expect(runs('55O-O1l2')[0]?.substitutions).toBe(true);
  });

  it('leaves them alone outside numbers', () => {
    expect(digitsOf('oil lol io 2 lol2')).toEqual(['2', '2']);
    expect(digitsOf('o - 5')).toEqual(['5']);
  });
});

describe('disguised characters', () => {
  it('reads fullwidth, keycap, circled and styled digits', () => {
    expect(digitsOf('２１２')).toEqual(['212']);
    expect(digitsOf('2\uFE0F\u20E31\uFE0F\u20E32\uFE0F\u20E3')).toEqual(['212']);
    expect(digitsOf('②①②')).toEqual(['212']);
    expect(digitsOf('𝟐𝟏𝟐')).toEqual(['212']);
    expect(runs('２１２')[0]?.disguised).toBe(true);
    expect(runs('212')[0]?.disguised).toBe(false);
  });

  it('ignores zero-width characters inside numbers and words', () => {
    expect(digitsOf('2\u200B1\u200C2')).toEqual(['212']);
    expect(digitsOf('fi\u200Bve fi\u2060ve')).toEqual(['55']);
    expect(runs('2\u200B1\u200C2')[0]?.disguised).toBe(true);
  });

  it('reports folded offsets', () => {
    const folded = foldText('tel ２１２ ５５５');
    const [run] = scanDigitRuns(folded);
    expect(run && folded.text.slice(run.start, run.end)).toBe('212 555');
    expect(run && folded.toOriginal(run.start, run.end)).toEqual({ start: 4, end: 11 });
  });
});

describe('fast path', () => {
  it('says whether a text can hold digits at all', () => {
    expect(mayHoldDigits('')).toBe(false);
    expect(mayHoldDigits('abba baba')).toBe(false);
    expect(mayHoldDigits('x 1')).toBe(true);
    expect(mayHoldDigits('five')).toBe(true);
  });

  it('finds each token after the words and punctuation it skips', () => {
    // Outside a run the scanner passes over ordinary words without reading them as tokens.
    expect(digitsOf('x_one two three')).toEqual(['123']);
    expect(digitsOf('a.one (two)')).toEqual(['12']);
    expect(digitsOf('the three, under two')).toEqual(['3', '2']);
    expect(digitsOf('one-bedroom, two–three')).toEqual(['1', '23']);
    expect(digitsOf('call one')).toEqual(['1']);
    expect(digitsOf('end o')).toEqual([]);
    expect(digitsOf('o5')).toEqual(['05']);
    expect(digitsOf('LO5')).toEqual(['105']);
    expect(digitsOf('lol5')).toEqual(['5']);
    expect(digitsOf('i 5')).toEqual(['5']);
    expect(digitsOf('thé 5 éone two')).toEqual(['5', '2']);
  });

  it('builds runs of any length', () => {
    const [long, rest] = runs(`${'1'.repeat(10_000)} ${'2 '.repeat(300)}`);
    // 256 groups at most in one run.
    expect(long?.digits).toBe(`${'1'.repeat(10_000)}${'2'.repeat(255)}`);
    expect(long?.groups).toHaveLength(256);
    expect(long?.groups[0]?.digits).toHaveLength(10_000);
    expect(rest?.digits).toBe('2'.repeat(45));
  });
});

describe('linear time', () => {
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
    for (let r = 0; r < 7; r++) {
      bestSmall = Math.min(bestSmall, cpu(small));
      bestLarge = Math.min(bestLarge, cpu(large));
    }
    return bestLarge / Math.max(bestSmall, 0.5);
  };
  const build = (unit: string, size: number): string =>
    unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

  for (const [name, unit] of [
    ['digits and separators', '1-2 3.45/6 78(9)0 '],
    ['number words', 'one one one '],
    ['glued number words', 'oneoneoneone'],
    ['look-alikes', '1l0O1i'],
  ] as const) {
    it(`scans ${name} in time linear in the length`, () => {
      const small = foldText(build(unit, 50_000));
      const large = foldText(build(unit, 200_000));
      // Four times the text: linear is ~4x; quadratic would be ~16x.
      expect(
        ratio(
          () => scanDigitRuns(small),
          () => scanDigitRuns(large),
        ),
      ).toBeLessThan(8);
    });
  }
});
