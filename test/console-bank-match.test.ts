/**
 * The console's hash-bank match panel (web/src/ui/bank-matches.tsx), rendered to HTML without a
 * browser: an analysis with a bank indicator shows the bank's name, kind, distance and label
 * beside the item's image, and says the reference image is not held by Vigil when the bank's
 * label names no item. (The console's modules are loaded through Vite, not type-checked here:
 * web/tsconfig.json checks them.)
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

// A path in a variable: the root tsconfig does not compile the console's TSX.
const MODULE = '../web/src/ui/bank-matches.tsx';

const ANALYSIS = {
  indicators: [
    { rule: 'r1', name: 'Some rule', spans: [] },
    {
      rule: 'hash-bank:bnk_1',
      name: 'Image matches hash bank "Hotline list"',
      spans: [],
      bankMatch: {
        bankId: 'bnk_1',
        bank: 'Hotline list',
        kind: 'abuse-material',
        image: `pdq:${'5a'.repeat(32)}`,
        distance: 7,
        label: 'HL-2026-0042',
      },
    },
  ],
};

describe('the bank match panel', () => {
  it('reads the matches of an analysis', async () => {
    const { readBankMatches } = await import(/* @vite-ignore */ MODULE);
    expect(readBankMatches(ANALYSIS)).toEqual([ANALYSIS.indicators[1]?.bankMatch]);
    expect(readBankMatches({ indicators: [{ rule: 'x' }] })).toEqual([]);
    expect(readBankMatches(undefined)).toEqual([]);
  });

  it('shows the bank, kind, distance, label and both sides', async () => {
    const { BankMatchCard, NOT_HELD, readBankMatches } = await import(/* @vite-ignore */ MODULE);
    const [match] = readBankMatches(ANALYSIS);
    const html = renderToStaticMarkup(
      createElement(BankMatchCard, {
        match,
        itemImage: createElement('img', { alt: 'the item image' }),
        reference: createElement('p', null, NOT_HELD),
      }),
    );
    expect(html).toContain('aria-label="Match in hash bank Hotline list"');
    expect(html).toContain('known abuse material');
    expect(html).toContain('7 of 256 bits');
    expect(html).toContain('HL-2026-0042');
    expect(html).toContain('alt="the item image"');
    expect(html).toContain('Reference image not held by Vigil');
  });
});
