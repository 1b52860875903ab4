import { sha256 } from '@noble/hashes/sha2.js';
import { bech32, bech32m, createBase58check } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectLinearRuns } from '../../../test/support/linear-time.js';
import { type Doc, makeDoc } from '../doc.js';
import type { Chain } from '../types.js';
import { eip55Checksum, extractWallets } from './wallets.js';

const doc = (body: string, title?: string): Doc =>
  makeDoc({ title, body }, { country: 'US', language: 'en' });
const wallets = (body: string): [Chain, string, boolean][] =>
  extractWallets(doc(body)).map((w) => [w.chain, w.address, w.checksummed]);

const base58check = createBase58check(sha256);
/** Fixed, made-up 20-byte hashes: the tests never use a real person's wallet. */
const hash20 = (seed: number) => new Uint8Array(20).map((_, i) => (i * 13 + seed * 31) & 0xff);
const hash32 = (seed: number) => new Uint8Array(32).map((_, i) => (i * 17 + seed * 7) & 0xff);
const b58 = (version: number, seed: number) =>
  base58check.encode(new Uint8Array([version, ...hash20(seed)]));

const P2PKH = b58(0x00, 1);
const P2SH = b58(0x05, 2);
const TRON = b58(0x41, 3);
const P2WPKH = bech32.encode('bc', [0, ...bech32.toWords(hash20(4))]);
const P2WSH = bech32.encode('bc', [0, ...bech32.toWords(hash32(5))]);
const P2TR = bech32m.encode('bc', [1, ...bech32m.toWords(hash32(6))]);
const ETH_LOWER = `0x${Array.from(hash20(7), (b) => b.toString(16).padStart(2, '0')).join('')}`;
const ETH_CHECKSUMMED = `0x${eip55Checksum(ETH_LOWER.slice(2))}`;

/** Change the character at `index` to another one of the same alphabet. */
function flip(address: string, index: number, alphabet: string): string {
  const c = address.charAt(index);
  const i = alphabet.indexOf(c);
  const other = alphabet.charAt((i + 1) % alphabet.length);
  return address.slice(0, index) + other + address.slice(index + 1);
}
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function expectLinear(make: (n: number) => string, n = 25_000): void {
  const small = doc(make(n));
  const large = doc(make(4 * n));
  expectLinearRuns(
    () => extractWallets(small),
    () => extractWallets(large),
  );
}

describe('extractWallets: bitcoin', () => {
  it('accepts base58check P2PKH and P2SH addresses (version 0x00 / 0x05)', () => {
    expect(wallets(`send BTC to ${P2PKH} or ${P2SH}.`)).toEqual([
      ['bitcoin', P2PKH, true],
      ['bitcoin', P2SH, true],
    ]);
    // The genesis block address and the BIP-13 example P2SH address, as published.
    expect(
      wallets('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'),
    ).toHaveLength(2);
  });

  it('accepts bech32 (v0, BIP-173) and bech32m (v1+, BIP-350) addresses, lower-cased', () => {
    expect(wallets(`${P2WPKH} ${P2WSH} ${P2TR.toUpperCase()}`)).toEqual([
      ['bitcoin', P2WPKH, true],
      ['bitcoin', P2WSH, true],
      ['bitcoin', P2TR, true],
    ]);
  });

  it.each([
    // BIP-350 "Test vectors for v0-v16 native segregated witness addresses", mainnet ones.
    'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4',
    'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y',
    'BC1SW50QGDZ25J',
    'bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs',
    'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
  ])('accepts the BIP-350 valid address %s', (address) => {
    expect(wallets(address)).toEqual([['bitcoin', address.toLowerCase(), true]]);
  });

  it.each([
    // BIP-350 invalid segwit addresses, with the reasons the BIP gives.
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', 'bech32 instead of bech32m'],
    ['BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL', 'bech32 instead of bech32m'],
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', 'bech32m instead of bech32'],
    ['bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4', 'invalid character'],
    ['BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R', 'witness version 17'],
    ['bc1pw5dgrnzv', 'program length 1'],
    [
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav',
      'program length 41',
    ],
    ['BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', 'v0 program length 16'],
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf', 'zero padding > 4 bits'],
    ['bc1gmk9yu', 'empty data'],
  ])('rejects the BIP-350 invalid address %s (%s)', (address) => {
    expect(wallets(address)).toEqual([]);
  });

  it('rejects mixed case, testnet and look-alikes', () => {
    const mixed = `${P2WPKH.slice(0, 10).toUpperCase()}${P2WPKH.slice(10)}`;
    expect(wallets(mixed)).toEqual([]);
    expect(wallets(bech32.encode('tb', [0, ...bech32.toWords(hash20(4))]))).toEqual([]);
    for (const i of [5, 12, P2WPKH.length - 1])
      expect(wallets(flip(P2WPKH, i, BECH32))).toEqual([]);
    for (const i of [3, 15, P2TR.length - 2]) expect(wallets(flip(P2TR, i, BECH32))).toEqual([]);
  });

  it('rejects base58 look-alikes: a changed character, wrong length, 0/O/I/l, wrong version', () => {
    for (const i of [1, 10, 20, P2PKH.length - 1]) {
      expect(wallets(flip(P2PKH, i, BASE58))).toEqual([]);
      expect(wallets(flip(P2SH, i, BASE58))).toEqual([]);
    }
    expect(wallets(P2PKH.slice(0, -1))).toEqual([]);
    expect(wallets(`${P2PKH}2`)).toEqual([]);
    for (const bad of ['0', 'O', 'I', 'l']) {
      expect(wallets(`${P2PKH.slice(0, 8)}${bad}${P2PKH.slice(9)}`)).toEqual([]);
    }
    // A valid base58check string with the wrong version byte for its first character.
    expect(wallets(b58(0x6f, 8))).toEqual([]); // testnet P2PKH, "m…" or "n…"
  });

  it('rejects an address glued to other letters or digits', () => {
    expect(wallets(`x${P2PKH}`)).toEqual([]);
    expect(wallets(`${P2PKH}x`)).toEqual([]);
    expect(wallets(`9${P2WPKH}`)).toEqual([]);
    expect(wallets(`(${P2PKH})`)).toEqual([['bitcoin', P2PKH, true]]);
  });
});

describe('extractWallets: ethereum', () => {
  it.each([
    // EIP-55 "Test Cases": all caps, all lower, normal.
    ['0x52908400098527886E0F7030069857D2E4169EE7', false],
    ['0x8617E340B3D01FA5F11F306F4090FD50E238070D', false],
    ['0xde709f2102306220921060314715629080e2fb77', false],
    ['0x27b1fdb04752bbc536007a920d24acb045561c26', false],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', true],
    ['0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359', true],
    ['0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB', true],
    ['0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb', true],
  ])('accepts the EIP-55 example %s (checksummed: %s)', (address, checksummed) => {
    expect(wallets(`pay ${address} now`)).toEqual([
      ['ethereum', address.toLowerCase(), checksummed],
    ]);
  });

  it('verifies EIP-55 on generated addresses and rejects a wrong case', () => {
    expect(wallets(ETH_CHECKSUMMED)).toEqual([['ethereum', ETH_LOWER, true]]);
    expect(wallets(ETH_LOWER)).toEqual([['ethereum', ETH_LOWER, false]]);
    // Swap the case of one letter of a checksummed address: the checksum fails.
    const hex = ETH_CHECKSUMMED.slice(2);
    const i = hex.search(/[a-fA-F]/);
    const c = hex.charAt(i);
    const swapped = `0x${hex.slice(0, i)}${c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()}${hex.slice(i + 1)}`;
    expect(wallets(swapped)).toEqual([]);
    expect(wallets('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD')).toEqual([]);
  });

  it('gives the same verdict every time an address recurs (verdicts are remembered)', () => {
    const hex = ETH_CHECKSUMMED.slice(2);
    const i = hex.search(/[a-fA-F]/);
    const c = hex.charAt(i);
    const swapped = `0x${hex.slice(0, i)}${c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()}${hex.slice(i + 1)}`;
    for (let round = 0; round < 2; round++) {
      expect(wallets(`${ETH_CHECKSUMMED} ${swapped} ${ETH_CHECKSUMMED}`)).toEqual([
        ['ethereum', ETH_LOWER, true],
        ['ethereum', ETH_LOWER, true],
      ]);
      expect(wallets(`${P2PKH} or ${flip(P2PKH, 5, BASE58)}`)).toEqual([['bitcoin', P2PKH, true]]);
    }
  });

  it('rejects wrong lengths and glued addresses', () => {
    expect(wallets(ETH_LOWER.slice(0, -1))).toEqual([]);
    expect(wallets(`${ETH_LOWER}0`)).toEqual([]);
    expect(wallets(`a${ETH_LOWER}`)).toEqual([]);
    expect(wallets(`${ETH_LOWER.slice(0, 10)}g${ETH_LOWER.slice(11)}`)).toEqual([]);
  });
});

describe('extractWallets: tron', () => {
  it('accepts base58check addresses with the 0x41 prefix', () => {
    expect(TRON.startsWith('T')).toBe(true);
    expect(TRON).toHaveLength(34);
    expect(wallets(`USDT (TRC20): ${TRON}`)).toEqual([['tron', TRON, true]]);
  });

  it('rejects TRON look-alikes', () => {
    for (const i of [2, 17, 33]) expect(wallets(flip(TRON, i, BASE58))).toEqual([]);
    expect(wallets(`T${P2PKH.slice(1)}`)).toEqual([]);
  });
});

describe('disguises and spans', () => {
  it('reads fullwidth and zero-width-split addresses, marked obfuscated, with original spans', () => {
    const fullwidth = Array.from(P2PKH, (ch) =>
      String.fromCodePoint((ch.codePointAt(0) ?? 0) + 0xfee0),
    ).join('');
    const [w] = extractWallets(doc(`btc: ${fullwidth}`));
    expect(w).toMatchObject({ chain: 'bitcoin', address: P2PKH, obfuscated: true, raw: fullwidth });
    const split = `${ETH_CHECKSUMMED.slice(0, 12)}\u200b${ETH_CHECKSUMMED.slice(12)}`;
    const [e] = extractWallets(doc(`eth ${split} ok`));
    expect(e).toMatchObject({ chain: 'ethereum', checksummed: true, obfuscated: true, raw: split });
    const [plain] = extractWallets(doc(P2TR, 'title'));
    expect(plain?.obfuscated).toBe(false);
    expect(plain?.span).toEqual({ field: 'body', start: 0, end: P2TR.length, text: P2TR });
  });

  const FILLER = [
    '😀',
    '👍🏽',
    '\u200b',
    '\u200d',
    '\u0301',
    ' ',
    '\n',
    'hello',
    ',',
    '!',
    'é',
    '日本',
  ];
  const filler = fc.array(fc.constantFrom(...FILLER), { maxLength: 12 }).map((a) => a.join(''));
  const PLANTS: readonly [string, Chain, string][] = [
    [P2PKH, 'bitcoin', P2PKH],
    [P2SH, 'bitcoin', P2SH],
    [P2WPKH, 'bitcoin', P2WPKH],
    [P2TR.toUpperCase(), 'bitcoin', P2TR],
    [ETH_CHECKSUMMED, 'ethereum', ETH_LOWER],
    [TRON, 'tron', TRON],
  ];

  it('returns spans equal to the original text and finds planted wallets (property)', () => {
    fc.assert(
      fc.property(
        filler,
        filler,
        filler,
        fc.constantFrom(...PLANTS),
        fc.boolean(),
        (a, b, other, [text, chain, address], inTitle) => {
          const planted = `${a} ${text} ${b}`;
          const title = inTitle ? planted : other;
          const body = inTitle ? other : planted;
          const found = extractWallets(makeDoc({ title, body }, { language: 'en' }));
          for (const w of found) {
            const field = w.span.field === 'title' ? title : body;
            expect(field.slice(w.span.start, w.span.end)).toBe(w.span.text);
            expect(w.raw).toBe(w.span.text);
          }
          const hit = found.find((w) => w.chain === chain && w.address === address);
          expect(hit?.raw).toBe(text);
          expect(hit?.span.field).toBe(inTitle ? 'title' : 'body');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('linear time', () => {
  it.each<[string, (n: number) => string]>([
    ['1111… (base58 run)', (n) => '1'.repeat(n)],
    ['3a3a… base58', (n) => '3a'.repeat(n / 2)],
    ['T + base58 run', (n) => `T${'z'.repeat(n)}`],
    ['0x + hex run', (n) => `0x${'a'.repeat(n)}`],
    ['0x0x0x…', (n) => '0x'.repeat(n / 2)],
    ['bc1 + bech32 run', (n) => `bc1${'q'.repeat(n)}`],
    ['bc1bc1…', (n) => 'bc1'.repeat(n / 3)],
    ['address-length tokens', (n) => `${P2PKH.slice(0, -1)}x `.repeat(n / 35)],
  ])('on %s', (_name, make) => {
    expectLinear(make);
  });
});
