import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64, hex } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf, errorOf } from '../../test/support/errors.js';
import type { ErrorCode } from '../shared/errors.js';
import {
  addSignatures,
  computeKeyId,
  cosignCheckpoint,
  decodeNote,
  formatNote,
  formatSignerKey,
  formatVerifierKey,
  keyFingerprint,
  MAX_NOTE_BYTES,
  MAX_NOTE_SIGNATURES,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
  type SignerKey,
  signerKeyFromSeed,
  signNote,
  type VerifierKey,
  verifyNote,
} from './note.js';

const encoder = new TextEncoder();
const seedFor = (label: string) => sha256(encoder.encode(`note.test seed ${label}`));
const logKey = (name: string) => signerKeyFromSeed(name, seedFor(name));
const witnessKey = (name: string) =>
  signerKeyFromSeed(name, seedFor(name), SIGNATURE_TYPE_COSIGNATURE_V1);
const label = (key: { name: string; keyId: Uint8Array }) => `${key.name}+${hex.encode(key.keyId)}`;

/** Key names as signed-note allows them: printable, no Unicode spaces, no '+'. */
const keyName = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 16 })
  .filter((name) => !/[\p{White_Space}+]/u.test(name));
/** Note texts: lines of printable text, empty lines and signature-like lines, each ending in "\n". */
const noteText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.constantFrom('', '\u2014 name AAAAAAAA', '\u2014 ', 'a+b c'),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((lines) => lines.map((line) => `${line}\n`).join(''));
const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });

const TEXT = 'example.com/log\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';

describe('keys', () => {
  it('derives the public key and key id from the seed, deterministically', () => {
    const key = logKey('example.com/log');
    expect(key.publicKey).toEqual(ed25519.getPublicKey(seedFor('example.com/log')));
    expect(key.keyId).toEqual(computeKeyId(key.name, SIGNATURE_TYPE_ED25519, key.publicKey));
    expect(logKey('example.com/log')).toEqual(key);
  });

  it('computes key ids as SHA-256(name || 0x0A || type || public key)[:4]', () => {
    const publicKey = new Uint8Array(32).fill(9);
    const expected = sha256(new Uint8Array([...encoder.encode('a/b'), 0x0a, 0x04, ...publicKey]));
    expect(computeKeyId('a/b', 0x04, publicKey)).toEqual(expected.slice(0, 4));
    expect(codeOf(() => computeKeyId('a/b', 256, publicKey))).toBe('KEY_INVALID');
  });

  it('round-trips signer and verifier key texts of both types', () => {
    fc.assert(
      fc.property(keyName, seed, fc.constantFrom(0x01, 0x04), (name, bytes, type) => {
        const key = signerKeyFromSeed(name, bytes, type);
        expect(parseSignerKey(formatSignerKey(key))).toEqual(key);
        const { seed: _secret, ...publicPart } = key;
        expect(parseVerifierKey(formatVerifierKey(key))).toEqual(publicPart);
      }),
      { numRuns: 40 },
    );
  });

  it('gives a witness key (0x04) another key id than a log key with the same name and seed', () => {
    expect(witnessKey('w.example').keyId).not.toEqual(logKey('w.example').keyId);
  });

  it('accepts upper-case hex key ids, as Go does', () => {
    const text = formatVerifierKey(logKey('example.com/log'));
    const [name, id, data] = text.split('+');
    expect(parseVerifierKey(`${name}+${id?.toUpperCase()}+${data}`).name).toBe(name);
  });

  it('rejects verifier keys with a bad name, type, length, id or point', () => {
    const withName = (name: string) => {
      const publicKey = logKey('x').publicKey;
      const id = hex.encode(computeKeyId(name, 1, publicKey));
      return `${name}+${id}+${base64.encode(new Uint8Array([1, ...publicKey]))}`;
    };
    const withKey = (type: number, publicKey: Uint8Array) =>
      `n+${hex.encode(computeKeyId('n', type, publicKey))}+${base64.encode(new Uint8Array([type, ...publicKey]))}`;
    const publicKey = logKey('n').publicKey;
    const identityPoint = new Uint8Array(32);
    identityPoint[0] = 1;
    const bad = [
      withName('two words'),
      withName('a+b'),
      withName('no\u00a0break'),
      withName('ideographic\u3000space'),
      withName('tab\there'),
      withName('bell\u0007'),
      withKey(0x02, publicKey),
      withKey(0x01, publicKey.subarray(1)),
      withKey(0x01, new Uint8Array([...publicKey, 0])),
      withKey(0x01, identityPoint),
      `n+00000000+${base64.encode(new Uint8Array([1, ...publicKey]))}`,
      `${withKey(0x01, publicKey)}\n`,
      `+${hex.encode(computeKeyId('', 1, publicKey))}+${base64.encode(new Uint8Array([1, ...publicKey]))}`,
      'n+0000000+AQ==',
      'n',
      '',
      'x'.repeat(5000),
    ];
    for (const text of bad)
      expect(
        codeOf(() => parseVerifierKey(text)),
        text,
      ).toBe('KEY_INVALID');
    expect(parseVerifierKey(withKey(0x01, publicKey)).name).toBe('n');
  });

  it('rejects bad signer keys without repeating the secret in the error', () => {
    const good = formatSignerKey(logKey('example.com/log'));
    const secret = good.slice(good.lastIndexOf('+') + 1);
    const other = formatSignerKey(logKey('example.com/other'));
    const bad = [
      good.slice('PRIVATE+'.length),
      good.replace('PRIVATE+KEY', 'private+key'),
      `${good.slice(0, good.lastIndexOf('+'))}+${other.slice(other.lastIndexOf('+') + 1)}`,
      `${good.slice(0, -4)}AAA=`,
      formatVerifierKey(logKey('example.com/log')),
    ];
    for (const text of bad) {
      const error = errorOf(() => parseSignerKey(text));
      expect(error?.code).toBe('KEY_INVALID');
      expect(JSON.stringify(error)).not.toContain(secret);
    }
  });

  it('refuses seeds of the wrong length, bad names and unsupported types', () => {
    expect(codeOf(() => signerKeyFromSeed('n', new Uint8Array(31)))).toBe('KEY_INVALID');
    expect(codeOf(() => signerKeyFromSeed('a b', new Uint8Array(32)))).toBe('KEY_INVALID');
    expect(codeOf(() => signerKeyFromSeed('n', new Uint8Array(32), 0x02))).toBe('KEY_INVALID');
  });

  it('copies the seed, so later changes to the caller buffer do not change the key', () => {
    const bytes = seedFor('copied');
    const key = signerKeyFromSeed('n', bytes);
    bytes.fill(0);
    expect(verifyNote(signNote('x\n', [key]), [key]).verified).toEqual([key]);
  });

  it('fingerprints are the grouped SHA-256 of the key text', () => {
    const key = logKey('example.com/log');
    const digest = hex.encode(sha256(encoder.encode(formatVerifierKey(key))));
    const fingerprint = keyFingerprint(key);
    expect(fingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    expect(fingerprint.replaceAll(' ', '')).toBe(digest);
    expect(keyFingerprint(witnessKey('example.com/log'))).not.toBe(fingerprint);
  });

  it('refuses key objects whose key id does not match, and invalid quorums', () => {
    const key = logKey('example.com/log');
    const note = signNote(TEXT, [key]);
    const forged: VerifierKey = { ...key, keyId: new Uint8Array(4) };
    expect(codeOf(() => verifyNote(note, [forged]))).toBe('KEY_INVALID');
    for (const quorum of [0, -1, 1.5, Number.NaN]) {
      expect(codeOf(() => verifyNote(note, [key], { quorum }))).toBe('KEY_INVALID');
    }
    const mismatched: SignerKey = { ...key, seed: seedFor('other') };
    expect(codeOf(() => signNote(TEXT, [mismatched]))).toBe('KEY_INVALID');
  });
});

describe('signing and verifying', () => {
  it('verifies what it signs, for any text and key name', () => {
    fc.assert(
      fc.property(noteText, keyName, seed, (text, name, bytes) => {
        const key = signerKeyFromSeed(name, bytes);
        const note = signNote(text, [key]);
        expect(formatNote(parseNote(note))).toBe(note);
        const result = verifyNote(note, [key]);
        expect(result.text).toBe(text);
        expect(result.verified).toEqual([key]);
        expect(result.unverified).toEqual([]);
        expect(result.timestamps.size).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  const key = logKey('example.com/log');
  const signedNotes = [TEXT, 'one line\n', 'para one\n\npara two with — dash\n'].map((text) =>
    signNote(text, [key]),
  );

  it('fails with a note error for any single-byte change', () => {
    const acceptable: ErrorCode[] = [
      'NOTE_MALFORMED',
      'NOTE_SIGNATURE_INVALID',
      'NOTE_NOT_VERIFIED',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...signedNotes),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (note, position, delta) => {
          const bytes = encoder.encode(note);
          const index = position % bytes.length;
          bytes[index] = ((bytes[index] ?? 0) + delta) % 256;
          const code = codeOf(() => verifyNote(decodeNote(bytes), [key]));
          expect(acceptable).toContain(code);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('only ever throws VigilError on garbage', () => {
    const signatureLine = signedNotes[1]?.split('\n\n')[1] ?? '';
    const pieces = fc.constantFrom(
      '\n',
      '\n\n',
      '\u2014 ',
      '\u2014',
      ' ',
      '+',
      '=',
      'AAAA',
      'example.com/log',
      'PRIVATE+KEY+',
      signatureLine,
      '\ud800',
      '\r',
    );
    const structured = fc
      .array(fc.oneof(pieces, fc.string()), { maxLength: 12 })
      .map((parts) => parts.join(''));
    const garbage = fc.oneof(structured, fc.string({ unit: 'binary' }));
    fc.assert(
      fc.property(garbage, (text) => {
        for (const run of [
          () => verifyNote(text, [key]),
          () => parseNote(text),
          () => signNote(text, [key]),
          () => parseVerifierKey(text),
          () => parseSignerKey(text),
        ]) {
          errorOf(run);
        }
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        errorOf(() => verifyNote(decodeNote(bytes), [key]));
      }),
    );
  });

  it('refuses texts that cannot be a note text', () => {
    expect(codeOf(() => signNote('no newline', [key]))).toBe('NOTE_MALFORMED');
    expect(codeOf(() => signNote('', [key]))).toBe('NOTE_MALFORMED');
    expect(codeOf(() => signNote('tab\there\n', [key]))).toBe('NOTE_MALFORMED');
    expect(codeOf(() => signNote('lone \ud800 surrogate\n', [key]))).toBe('NOTE_MALFORMED');
    expect(codeOf(() => signNote('ok\n', []))).toBe('NOTE_MALFORMED');
    const crlf = errorOf(() => signNote('windows\r\n', [key]));
    expect(crlf?.code).toBe('NOTE_MALFORMED');
    expect(crlf?.message).toMatch(/carriage return/);
  });

  it('keeps a leading byte order mark as part of the signed text', () => {
    const note = signNote('\ufeffwith BOM\n', [key]);
    const decoded = decodeNote(encoder.encode(note));
    expect(verifyNote(decoded, [key]).text).toBe('\ufeffwith BOM\n');
  });

  it('rejects invalid UTF-8 and oversized input when decoding bytes', () => {
    expect(codeOf(() => decodeNote(new Uint8Array([0x61, 0xff, 0x0a])))).toBe('NOTE_MALFORMED');
    expect(codeOf(() => decodeNote(new Uint8Array([0xed, 0xa0, 0x80])))).toBe('NOTE_MALFORMED');
    expect(codeOf(() => decodeNote(new Uint8Array(MAX_NOTE_BYTES + 1)))).toBe('NOTE_MALFORMED');
  });

  it('bounds the note size, the signature count and signature lines', () => {
    const line = (signedNotes[0] ?? '').slice((signedNotes[0] ?? '').lastIndexOf('\n\n') + 2);
    const note = (count: number) => `${TEXT}\n${line.repeat(count)}`;
    expect(verifyNote(note(16), [key]).verified).toEqual([key]);
    expect(verifyNote(note(MAX_NOTE_SIGNATURES), [key]).verified).toEqual([key]);
    expect(codeOf(() => parseNote(note(MAX_NOTE_SIGNATURES + 1)))).toBe('NOTE_MALFORMED');
    const big = `${'a'.repeat(MAX_NOTE_BYTES)}\n\n${line}`;
    expect(codeOf(() => parseNote(big))).toBe('NOTE_MALFORMED');
    // Multi-byte characters count in UTF-8 bytes, not UTF-16 units.
    const wide = `${'é'.repeat(MAX_NOTE_BYTES / 2)}\n\n${line}`;
    expect(codeOf(() => parseNote(wide))).toBe('NOTE_MALFORMED');
    const longLine = `\u2014 example.com/log ${'A'.repeat(20_000)}\n`;
    expect(codeOf(() => parseNote(`${TEXT}\n${longLine}`))).toBe('NOTE_MALFORMED');
  });

  it('rejects signature lines without a key id and signature', () => {
    for (const sig of ['', 'AAAAAA==', 'not base64!', 'AAAAAAA', 'AAAAAAA= ']) {
      expect(
        codeOf(() => parseNote(`${TEXT}\n\u2014 example.com/log ${sig}\n`)),
        sig,
      ).toBe('NOTE_MALFORMED');
    }
    expect(
      parseNote(`${TEXT}\n\u2014 example.com/log AAAAAAA=\n`).signatures[0]?.signature,
    ).toEqual(new Uint8Array(1));
  });
});

describe('verification policy', () => {
  const log = logKey('example.com/log');
  const other = logKey('example.com/other');

  it('rejects a note when any trusted signature fails, even if another verifies', () => {
    const note = signNote(TEXT, [log]);
    const forged = signNote('another text\n', [other]);
    const forgedLine = forged.slice(forged.lastIndexOf('\n\n') + 2);
    const tampered = `${note}${forgedLine}`;
    expect(verifyNote(tampered, [log]).unverified.map(label)).toEqual([label(other)]);
    const error = errorOf(() => verifyNote(tampered, [log, other]));
    expect(error?.code).toBe('NOTE_SIGNATURE_INVALID');
    expect(error?.details).toEqual({ key: label(other) });
  });

  it('lists unknown signers once and explains a note no trusted key signed', () => {
    const line = signNote(TEXT, [other]).split('\n\n')[1] ?? '';
    const note = `${TEXT}\n${line}${line}`;
    const error = errorOf(() => verifyNote(note, [log]));
    expect(error?.code).toBe('NOTE_NOT_VERIFIED');
    expect(error?.details).toEqual({ quorum: 1, verified: [], unverified: [label(other)] });
    expect(error?.message).toContain(label(other));
  });

  it('counts a key once, however often it signed', () => {
    const line = signNote(TEXT, [log]).split('\n\n')[1] ?? '';
    const note = `${TEXT}\n${line}${line}`;
    expect(verifyNote(note, [log]).verified).toEqual([log]);
    expect(codeOf(() => verifyNote(note, [log], { quorum: 2 }))).toBe('NOTE_NOT_VERIFIED');
  });

  it('reports ambiguous trusted keys only when a signature names them', () => {
    const note = signNote(TEXT, [log]);
    expect(verifyNote(note, [log, other, other]).verified).toEqual([log]);
    const error = errorOf(() => verifyNote(note, [log, { ...log }]));
    expect(error?.code).toBe('KEY_INVALID');
    expect(error?.details).toEqual({ key: label(log) });
  });

  it('key rotation: old and new keys sign one note; either key alone verifies it', () => {
    const oldKey = logKey('example.com/log');
    const newKey = signerKeyFromSeed('example.com/log', seedFor('rotated'));
    const note = addSignatures(signNote(TEXT, [oldKey]), [newKey]);
    expect(parseNote(note).signatures.map(label)).toEqual([label(oldKey), label(newKey)]);
    const byOld = verifyNote(note, [oldKey]);
    expect(byOld.verified).toEqual([oldKey]);
    expect(byOld.unverified.map(label)).toEqual([label(newKey)]);
    expect(verifyNote(note, [newKey]).verified).toEqual([newKey]);
    expect(verifyNote(note, [oldKey, newKey], { quorum: 2 }).verified).toEqual([oldKey, newKey]);
    // Signing again with a key that already signed replaces its line rather than repeating it.
    expect(addSignatures(note, [oldKey])).toBe(
      formatNote({ text: TEXT, signatures: [...parseNote(note).signatures].reverse() }),
    );
    expect(signNote(TEXT, [oldKey, oldKey])).toBe(signNote(TEXT, [oldKey]));
  });
});

describe('witness cosignatures', () => {
  const log = logKey('example.com/log');
  const witnesses = ['w1.example', 'w2.example', 'w3.example'].map(witnessKey);
  const [w1, w2, w3] = witnesses as [SignerKey, SignerKey, SignerKey];
  const signed = signNote(TEXT, [log]);

  it('accepts a 2-of-3 witness quorum and reports the cosignature times', () => {
    const note = cosignCheckpoint(cosignCheckpoint(signed, w1, 1_700_000_000n), w2, 1_700_000_005n);
    const result = verifyNote(note, witnesses, { quorum: 2 });
    expect(result.verified).toEqual([w1, w2]);
    expect(result.unverified.map(label)).toEqual([label(log)]);
    expect(result.timestamps).toEqual(
      new Map([
        [formatVerifierKey(w1), 1_700_000_000n],
        [formatVerifierKey(w2), 1_700_000_005n],
      ]),
    );
    expect(verifyNote(note, [log, ...witnesses], { quorum: 3 }).verified).toEqual([log, w1, w2]);
    const short = errorOf(() => verifyNote(note, witnesses, { quorum: 3 }));
    expect(short?.code).toBe('NOTE_NOT_VERIFIED');
    expect(short?.details).toMatchObject({ quorum: 3, verified: [label(w1), label(w2)] });
    const one = cosignCheckpoint(signed, w3, 1n);
    expect(codeOf(() => verifyNote(one, witnesses, { quorum: 2 }))).toBe('NOTE_NOT_VERIFIED');
  });

  it('signs the timestamp: changing it breaks the cosignature', () => {
    const note = cosignCheckpoint(signed, w1, 1_700_000_000n);
    const { text, signatures } = parseNote(note);
    const changed = signatures.map((sig) => {
      if (sig.name !== w1.name) return sig;
      const bytes = sig.signature.slice();
      bytes[7] = (bytes[7] ?? 0) ^ 1;
      return { ...sig, signature: bytes };
    });
    expect(codeOf(() => verifyNote(formatNote({ text, signatures: changed }), [w1]))).toBe(
      'NOTE_SIGNATURE_INVALID',
    );
  });

  it('a log signature cannot pass as a cosignature, nor a cosignature of another text', () => {
    const logSignature = parseNote(signed).signatures[0];
    const asCosignature = {
      name: w1.name,
      keyId: w1.keyId,
      signature: logSignature?.signature ?? new Uint8Array(1),
    };
    const fake = formatNote({ text: TEXT, signatures: [asCosignature] });
    expect(codeOf(() => verifyNote(fake, [w1]))).toBe('NOTE_SIGNATURE_INVALID');
    const elsewhere = parseNote(cosignCheckpoint(signNote('other\n', [log]), w1, 5n)).signatures[1];
    const moved = formatNote({ text: TEXT, signatures: [elsewhere ?? asCosignature] });
    expect(codeOf(() => verifyNote(moved, [w1]))).toBe('NOTE_SIGNATURE_INVALID');
  });

  it('a witness cosigning again replaces its earlier cosignature', () => {
    const again = cosignCheckpoint(cosignCheckpoint(signed, w1, 10n), w1, 20n);
    expect(parseNote(again).signatures.map(label)).toEqual([label(log), label(w1)]);
    expect(verifyNote(again, [w1]).timestamps.get(formatVerifierKey(w1))).toBe(20n);
  });

  it('accepts timestamps from 0 to 2^64-1 and refuses others and the wrong key types', () => {
    const max = (1n << 64n) - 1n;
    expect(
      verifyNote(cosignCheckpoint(signed, w1, max), [w1]).timestamps.get(formatVerifierKey(w1)),
    ).toBe(max);
    expect(verifyNote(cosignCheckpoint(signed, w1, 0n), [w1]).verified).toEqual([w1]);
    expect(codeOf(() => cosignCheckpoint(signed, w1, -1n))).toBe('NOTE_MALFORMED');
    expect(codeOf(() => cosignCheckpoint(signed, w1, max + 1n))).toBe('NOTE_MALFORMED');
    expect(codeOf(() => cosignCheckpoint(signed, log, 1n))).toBe('KEY_INVALID');
    expect(codeOf(() => signNote(TEXT, [w1]))).toBe('KEY_INVALID');
  });
});
