import { sha256 } from '@noble/hashes/sha2.js';
import { base64 } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf, errorOf } from '../../test/support/errors.js';
import {
  type Checkpoint,
  formatCheckpoint,
  formatTlogProof,
  openCheckpoint,
  parseCheckpoint,
  parseTlogProof,
  signCheckpoint,
  type TlogProof,
} from './checkpoint.js';
import {
  cosignCheckpoint,
  formatVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  signerKeyFromSeed,
  signNote,
} from './note.js';

const encoder = new TextEncoder();
const seedFor = (label: string) => sha256(encoder.encode(`checkpoint.test seed ${label}`));
const MAX_UINT64 = (1n << 64n) - 1n;
const ROOT = sha256(encoder.encode('root'));
const ROOT_B64 = base64.encode(ROOT);
const ORIGIN = 'example.com/log';
const log = signerKeyFromSeed(ORIGIN, seedFor('log'));

const line = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });
const checkpoint: fc.Arbitrary<Checkpoint> = fc.record({
  origin: line,
  size: fc.bigInt({ min: 0n, max: MAX_UINT64 }),
  root: hash,
  extensions: fc.array(line, { maxLength: 3 }),
});

const body = (size: string, root = ROOT_B64) => `${ORIGIN}\n${size}\n${root}\n`;

describe('checkpoint text', () => {
  it('round-trips any checkpoint', () => {
    fc.assert(
      fc.property(checkpoint, (value) => {
        const text = formatCheckpoint(value);
        expect(text.endsWith('\n')).toBe(true);
        expect(parseCheckpoint(text)).toEqual(value);
      }),
      { numRuns: 200 },
    );
  });

  it('writes origin, size, base64 root and extension lines', () => {
    const text = formatCheckpoint({
      origin: ORIGIN,
      size: 7n,
      root: ROOT,
      extensions: ['ext one'],
    });
    expect(text).toBe(`${ORIGIN}\n7\n${ROOT_B64}\next one\n`);
  });

  it('accepts tree sizes from 0 to 2^64-1 in canonical decimal only', () => {
    expect(parseCheckpoint(body('0')).size).toBe(0n);
    expect(parseCheckpoint(body('18446744073709551615')).size).toBe(MAX_UINT64);
    const bad = [
      '18446744073709551616',
      '99999999999999999999',
      '100000000000000000000',
      '01',
      '00',
      '-1',
      '+1',
      ' 1',
      '1 ',
      '',
      '1e3',
      '0x1',
      '1.0',
      '\u0663',
    ];
    for (const size of bad) {
      expect(
        codeOf(() => parseCheckpoint(body(size))),
        size,
      ).toBe('CHECKPOINT_MALFORMED');
    }
  });

  it('accepts only a 32-byte root hash in canonical base64', () => {
    const canonical = base64.encode(new Uint8Array(32));
    expect(canonical.endsWith('A=')).toBe(true);
    const bad = [
      base64.encode(new Uint8Array(31)),
      base64.encode(new Uint8Array(33)),
      `${canonical.slice(0, -2)}B=`,
      canonical.slice(0, -1),
      ` ${canonical}`,
      base64.encode(new Uint8Array(32)).replaceAll('A', '-'),
    ];
    for (const root of bad) {
      expect(
        codeOf(() => parseCheckpoint(body('1', root))),
        root,
      ).toBe('CHECKPOINT_MALFORMED');
    }
  });

  it('rejects bodies that break the line structure or the note text rules', () => {
    const bad = [
      `${ORIGIN}\n1\n`,
      `\n1\n${ROOT_B64}\n`,
      `${ORIGIN}\n1\n${ROOT_B64}`,
      `${ORIGIN}\n1\n${ROOT_B64}\n\next\n`,
      `${ORIGIN}\n1\n${ROOT_B64}\next\n\n`,
      `${ORIGIN}\r\n1\r\n${ROOT_B64}\r\n`,
      `${ORIGIN}\t\n1\n${ROOT_B64}\n`,
      `${ORIGIN}\ud800\n1\n${ROOT_B64}\n`,
      `${ORIGIN}\n1\n${ROOT_B64}\n${'x'.repeat(1024 * 1024)}\n`,
      '',
    ];
    for (const text of bad) {
      expect(
        codeOf(() => parseCheckpoint(text)),
        JSON.stringify(text.slice(0, 60)),
      ).toBe('CHECKPOINT_MALFORMED');
    }
  });

  it('allows spaces in the origin (only a recommendation of tlog-checkpoint)', () => {
    expect(parseCheckpoint(`go.sum database tree\n1\n${ROOT_B64}\n`).origin).toBe(
      'go.sum database tree',
    );
  });

  it('refuses to write checkpoints it could not read back', () => {
    const good: Checkpoint = { origin: ORIGIN, size: 1n, root: ROOT, extensions: [] };
    const bad: Checkpoint[] = [
      { ...good, origin: '' },
      { ...good, origin: 'two\nlines' },
      { ...good, origin: 'tab\there' },
      { ...good, size: -1n },
      { ...good, size: MAX_UINT64 + 1n },
      { ...good, root: new Uint8Array(31) },
      { ...good, extensions: [''] },
      { ...good, extensions: ['a\nb'] },
    ];
    for (const value of bad)
      expect(codeOf(() => formatCheckpoint(value))).toBe('CHECKPOINT_MALFORMED');
  });

  it('only ever throws VigilError on garbage', () => {
    const pieces = fc.constantFrom('\n', ORIGIN, '0', '01', ROOT_B64, '=', ' ', '\r');
    const garbage = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.array(fc.oneof(pieces, fc.string()), { maxLength: 8 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(garbage, (text) => {
        errorOf(() => parseCheckpoint(text));
        errorOf(() => parseTlogProof(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('signed checkpoints', () => {
  const value: Checkpoint = { origin: ORIGIN, size: 20n, root: ROOT, extensions: [] };
  const signed = signCheckpoint(value, [log]);

  it('opens a checkpoint signed by a trusted key of the expected log', () => {
    const opened = openCheckpoint(signed, [log], { origin: ORIGIN });
    expect(opened.checkpoint).toEqual(value);
    expect(opened.note).toBe(signed);
    expect(opened.verification.verified).toEqual([log]);
  });

  it('rejects a checkpoint of another log', () => {
    const error = errorOf(() => openCheckpoint(signed, [log], { origin: 'example.com/other' }));
    expect(error?.code).toBe('CHECKPOINT_ORIGIN_MISMATCH');
    expect(error?.details).toEqual({ expected: 'example.com/other', actual: ORIGIN });
  });

  it('verifies the note before it reads the text', () => {
    const stranger = signerKeyFromSeed('example.com/stranger', seedFor('stranger'));
    expect(codeOf(() => openCheckpoint(signed, [stranger]))).toBe('NOTE_NOT_VERIFIED');
    expect(codeOf(() => openCheckpoint(signNote('not a checkpoint\n', [stranger]), [log]))).toBe(
      'NOTE_NOT_VERIFIED',
    );
    expect(codeOf(() => openCheckpoint(signNote('not a checkpoint\n', [log]), [log]))).toBe(
      'CHECKPOINT_MALFORMED',
    );
  });

  it('applies a witness quorum', () => {
    const witnesses = ['w1.example', 'w2.example', 'w3.example'].map((name) =>
      signerKeyFromSeed(name, seedFor(name), SIGNATURE_TYPE_COSIGNATURE_V1),
    );
    const [w1, w2] = witnesses;
    if (w1 === undefined || w2 === undefined) throw new Error('witness keys missing');
    const cosigned = cosignCheckpoint(cosignCheckpoint(signed, w1, 100n), w2, 200n);
    const opened = openCheckpoint(cosigned, witnesses, { origin: ORIGIN, quorum: 2 });
    expect(opened.verification.timestamps.get(formatVerifierKey(w2))).toBe(200n);
    expect(codeOf(() => openCheckpoint(cosigned, witnesses, { quorum: 3 }))).toBe(
      'NOTE_NOT_VERIFIED',
    );
  });
});

describe('tlog-proof files', () => {
  const signed = signCheckpoint({ origin: ORIGIN, size: 5n, root: ROOT, extensions: [] }, [log]);
  const proofHash = (i: number) => sha256(encoder.encode(`proof ${i}`));
  const hashes = [0, 1, 2].map(proofHash);
  const file = (head: string) => `${head}\n\n${signed}`;
  const validHead = `c2sp.org/tlog-proof@v1\nindex 3\n${hashes.map((h) => base64.encode(h)).join('\n')}`;

  it('writes the layout of tlog-proof §Format', () => {
    const extra = encoder.encode('extra data');
    const text = formatTlogProof({ index: 3n, proof: hashes, checkpoint: signed, extra });
    const lines = [
      'c2sp.org/tlog-proof@v1',
      `extra ${base64.encode(extra)}`,
      'index 3',
      ...hashes.map((h) => base64.encode(h)),
    ];
    expect(text).toBe(`${lines.join('\n')}\n\n${signed}`);
    expect(parseTlogProof(file(validHead))).toEqual({
      index: 3n,
      proof: hashes,
      checkpoint: signed,
    });
  });

  it('round-trips any proof', () => {
    const proof: fc.Arbitrary<TlogProof> = fc.record(
      {
        index: fc.bigInt({ min: 0n, max: MAX_UINT64 }),
        proof: fc.array(hash, { maxLength: 64 }),
        checkpoint: fc.constant(signed),
        extra: fc.uint8Array({ maxLength: 64 }),
      },
      { requiredKeys: ['index', 'proof', 'checkpoint'] },
    );
    fc.assert(
      fc.property(proof, (value) => {
        expect(parseTlogProof(formatTlogProof(value))).toEqual(value);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects bad header, index, hash and extra lines', () => {
    const many = Array.from({ length: 65 }, (_, i) => base64.encode(proofHash(i))).join('\n');
    const heads = [
      'c2sp.org/tlog-proof@v2\nindex 3',
      'index 3',
      'c2sp.org/tlog-proof@v1',
      'c2sp.org/tlog-proof@v1\nindex 03',
      'c2sp.org/tlog-proof@v1\nindex -1',
      'c2sp.org/tlog-proof@v1\nindex 18446744073709551616',
      'c2sp.org/tlog-proof@v1\nindex  3',
      'c2sp.org/tlog-proof@v1\nindex 3 ',
      'c2sp.org/tlog-proof@v1\nindex',
      'c2sp.org/tlog-proof@v1\nIndex 3',
      `c2sp.org/tlog-proof@v1\nindex 3\n${base64.encode(new Uint8Array(31))}`,
      `c2sp.org/tlog-proof@v1\nindex 3\n${base64.encode(new Uint8Array(32))} `,
      'c2sp.org/tlog-proof@v1\nindex 3\nnot base64',
      `c2sp.org/tlog-proof@v1\nindex 3\n${many}`,
      'c2sp.org/tlog-proof@v1\nextra !!\nindex 3',
      'c2sp.org/tlog-proof@v1\nindex 3\nextra AAAA',
      'c2sp.org/tlog-proof@v1\nextra AAAA\nextra AAAA\nindex 3',
      'c2sp.org/tlog-proof@v1\r\nindex 3',
    ];
    for (const head of heads) {
      expect(
        codeOf(() => parseTlogProof(file(head))),
        head.slice(0, 60),
      ).toBe('PROOF_MALFORMED');
    }
    expect(parseTlogProof(file('c2sp.org/tlog-proof@v1\nindex 18446744073709551615')).index).toBe(
      MAX_UINT64,
    );
  });

  it('rejects a file without a well-formed signed checkpoint', () => {
    const notNote = errorOf(() =>
      parseTlogProof(`${validHead}\n\n${signed.replace('\n\n', '\n')}`),
    );
    expect(notNote?.code).toBe('PROOF_MALFORMED');
    expect(notNote?.details).toEqual({ reason: 'NOTE_MALFORMED' });
    const notCheckpoint = errorOf(() =>
      parseTlogProof(`${validHead}\n\n${signNote('hi\n', [log])}`),
    );
    expect(notCheckpoint?.details).toEqual({ reason: 'CHECKPOINT_MALFORMED' });
    expect(codeOf(() => parseTlogProof(validHead))).toBe('PROOF_MALFORMED');
    expect(codeOf(() => parseTlogProof(`${file(validHead)}trailing\n`))).toBe('PROOF_MALFORMED');
    expect(codeOf(() => parseTlogProof(`${validHead}\n\n`))).toBe('PROOF_MALFORMED');
    expect(codeOf(() => parseTlogProof('x'.repeat(3 * 1024 * 1024)))).toBe('PROOF_MALFORMED');
  });

  it('refuses to write proofs it could not read back', () => {
    const good: TlogProof = { index: 1n, proof: hashes, checkpoint: signed };
    const bad: TlogProof[] = [
      { ...good, index: -1n },
      { ...good, index: MAX_UINT64 + 1n },
      { ...good, proof: [new Uint8Array(31)] },
      { ...good, proof: Array.from({ length: 65 }, (_, i) => proofHash(i)) },
      { ...good, checkpoint: 'not a note\n' },
      { ...good, extra: new Uint8Array(2 * 1024 * 1024) },
    ];
    for (const value of bad) expect(codeOf(() => formatTlogProof(value))).toBe('PROOF_MALFORMED');
  });
});
