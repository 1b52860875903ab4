import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText } from './normalize.js';

describe('foldText', () => {
  it.each([
    ['fullwidth digits', '２１２－５５５', '212-555'],
    ['circled digits', '①②③⓪', '1230'],
    ['dingbat circled digits', '❶➁➌⓵', '1231'],
    ['keycap emoji digits', '2\uFE0F\u20E31\uFE0F\u20E3', '21'],
    ['styled math digits and letters', '𝟓𝟓𝟓 𝐀𝐁𝐂', '555 abc'],
    ['zero-width characters', 'wh\u200Bats\u200Dapp', 'whatsapp'],
    ['bidi controls', 'a\u202Eb\u2066c', 'abc'],
    ['diacritics', 'Teléfono Ação Zürich', 'telefono acao zurich'],
    ['Cyrillic look-alike inside a Latin word', 'rеal', 'real'],
    ['Greek look-alike inside a Latin word', 'nο fakes', 'no fakes'],
    ['whole look-alike word in a Latin text', 'real ѕеху pics', 'real sexy pics'],
    ['NUL and control characters', 'a\u0000b\u0007c', 'a b c'],
    ['no-break spaces', 'a\u00A0b', 'a b'],
  ])('%s', (_name, input, expected) => {
    expect(foldText(input).text).toBe(expected);
  });

  it('leaves genuine Cyrillic and Greek text alone', () => {
    expect(foldText('Привет, как дела').text).toBe('привет, как дела');
    expect(foldText('Καλημέρα κόσμε').text).toBe('καλημερα κοσμε');
  });

  it('lower-cases each character on its own: a final "Σ" reads "σ", as anywhere else', () => {
    expect(foldText('ΟΔΟΣ και ΣΟΣ').text).toBe('οδοσ και σοσ');
    expect(foldText('Ｂ ΟΔΟΣ').cased).toBe('B ΟΔΟΣ');
  });

  it('answers range queries as the union of its units (property)', () => {
    const unit = fc.constantFrom(
      'a',
      'B',
      ' ',
      '.',
      '😀',
      '\u200B',
      'é',
      '５',
      'ﬁ',
      'е',
      'Σ',
      '\u0000',
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 24 }), (parts) => {
        const folded = foldText(parts.join(''));
        const n = folded.text.length;
        for (let a = 0; a < n; a++) {
          for (let b = a + 1; b <= n; b++) {
            const range = folded.toOriginal(a, b);
            expect(range.start).toBe(folded.toOriginal(a, a + 1).start);
            expect(range.end).toBe(folded.toOriginal(b - 1, b).end);
            let any = false;
            for (let k = a; k < b; k++) any ||= folded.isDisguised(k, k + 1);
            expect(folded.isDisguised(a, b)).toBe(any);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps case in the cased view', () => {
    const folded = foldText('Ｂｃ1ＱＸ ＡＢ');
    expect(folded.cased).toBe('Bc1QX AB');
    expect(folded.text).toBe('bc1qx ab');
  });

  it('maps folded ranges back to the original text', () => {
    const original = 'Call 😀 ２１２\u200B５５５ now';
    const folded = foldText(original);
    const at = folded.text.indexOf('212555');
    const range = folded.toOriginal(at, at + 6);
    expect(original.slice(range.start, range.end)).toBe('２１２\u200B５５５');
    expect(folded.isDisguised(at, at + 6)).toBe(true);
    const now = folded.text.indexOf('now');
    expect(folded.isDisguised(now, now + 3)).toBe(false);
  });

  it('marks plain ASCII as undisguised and maps it one to one', () => {
    const folded = foldText('Call 212 555 0147');
    expect(folded.text).toBe('call 212 555 0147');
    expect(folded.toOriginal(5, 8)).toEqual({ start: 5, end: 8 });
    expect(folded.isDisguised(0, 17)).toBe(false);
  });

  it('keeps text and cased the same length, and every range inside the original (property)', () => {
    const unit = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom(
        '\u200B',
        '\uFE0F\u20E3',
        'е',
        'ο',
        '①',
        '５',
        '😀',
        'é',
        'ﬁ',
        '⑽',
        '\u0000',
        'ǅ',
        'İ',
      ),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 30 }), (parts) => {
        const original = parts.join('');
        const folded = foldText(original);
        expect(folded.cased.length).toBe(folded.text.length);
        let previousEnd = 0;
        for (let i = 0; i < folded.text.length; i++) {
          const r = folded.toOriginal(i, i + 1);
          expect(r.start).toBeGreaterThanOrEqual(0);
          expect(r.end).toBeGreaterThan(r.start);
          expect(r.end).toBeLessThanOrEqual(original.length);
          // Folded characters appear in the order of the original.
          expect(r.start).toBeGreaterThanOrEqual(previousEnd - 2);
          previousEnd = r.end;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds ASCII text of the original at the mapped place (property)', () => {
    const filler = fc.constantFrom('😀', '\u200B', 'é', 'ж', '５', ' ', 'ﬁ', '\u202E');
    fc.assert(
      fc.property(
        fc.array(filler, { maxLength: 8 }),
        fc.array(filler, { maxLength: 8 }),
        (before, after) => {
          const original = `${before.join('')}needle42${after.join('')}`;
          const folded = foldText(original);
          const at = folded.text.indexOf('needle42');
          expect(at).toBeGreaterThanOrEqual(0);
          const r = folded.toOriginal(at, at + 8);
          expect(original.slice(r.start, r.end)).toBe('needle42');
        },
      ),
    );
  });
});
