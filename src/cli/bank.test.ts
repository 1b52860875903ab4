/**
 * The reader of hash bank import files: JSON and CSV, with or without a header, PDQ tools'
 * `hash,quality` lines (low quality skipped), and invalid lines refused by line number.
 */
import { describe, expect, it } from 'vitest';
import { parseBankFile } from './bank-file.js';

const H1 = 'a'.repeat(64);
const H2 = `${'0'.repeat(63)}1`;
const H3 = 'F'.repeat(64);

describe('parseBankFile', () => {
  it('reads JSON lists and {hashes}', () => {
    expect(parseBankFile(JSON.stringify([{ pdq: H1, label: 'ref 1' }, H2])).hashes).toEqual([
      { hash: H1, label: 'ref 1' },
      { hash: H2 },
    ]);
    expect(parseBankFile(JSON.stringify({ hashes: [{ pdq: `pdq:${H3}` }] })).hashes).toEqual([
      { hash: 'f'.repeat(64) },
    ]);
  });

  it('reads CSV with and without a header, and PDQ tool lines', () => {
    expect(parseBankFile(`pdq,label\n${H1},itm_X\n\n# note\n${H2},"a, b"\n`).hashes).toEqual([
      { hash: H1, label: 'itm_X' },
      { hash: H2, label: 'a, b' },
    ]);
    expect(parseBankFile(`${H1}\n${H2},case 7\n`).hashes).toEqual([
      { hash: H1 },
      { hash: H2, label: 'case 7' },
    ]);
    const tool = parseBankFile(`${H1},100,photo.jpg\n${H2},30,blurry.jpg\n${H1},90\n`);
    expect(tool).toEqual({
      hashes: [{ hash: H1, label: 'photo.jpg' }],
      lowQuality: 1,
      repeated: 1,
    });
    expect(parseBankFile(`hash,quality\n${H3},49\n${H2},50\n`).hashes).toEqual([{ hash: H2 }]);
    expect(parseBankFile(`pdq,${H1}\n`).hashes).toEqual([{ hash: H1 }]);
  });

  it('refuses invalid lines by line number, and nothing else', () => {
    expect(() => parseBankFile(`${H1}\nnot-a-hash\n${H2}\n${'a'.repeat(63)}\n`, 'f.csv')).toThrow(
      /f\.csv has 2 invalid entries; nothing was imported\. line 2: not a PDQ hash.*; line 4/,
    );
    expect(() => parseBankFile(`${H1},${'x'.repeat(201)}\n`)).toThrow(/line 1: the label/);
    expect(() => parseBankFile(JSON.stringify([{ pdq: H1 }, { pdq: 'x' }]))).toThrow(/entry 2/);
    expect(() => parseBankFile('{"nope": 1}')).toThrow(/JSON array/);
  });
});
