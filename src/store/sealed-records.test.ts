import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf, errorOf } from '../../test/support/errors.js';
import {
  generateMasterKey,
  type MasterKey,
  openRecord,
  parseMasterKey,
  readSealedRecord,
  rewrapRecord,
  type SealedRecord,
  sealRecord,
  shredRecord,
} from './sealed-records.js';

// Synthetic people only.
const victim = {
  name: 'Ana Example-Person',
  contact: { phone: '+00 555 0100 123', email: 'ana.example@example.invalid' },
  identityDocument: { kind: 'passport', number: 'ZZ0000001X' },
  nationality: 'Examplestan',
  health: 'ongoing treatment, details withheld in test',
  immigrationStatus: 'temporary residence permit pending',
  children: 2,
  consentToShare: false,
  notes: null,
};

const HEX_KEY = 'a3f1c2d4e5b6978812345678deadbeef00112233445566778899aabbccddeeff';
const master = parseMasterKey(HEX_KEY);
const other = parseMasterKey(generateMasterKey());
const here = { recordId: 'rec-1', caseId: 'case-7' };

/** Every string in a JSON value, member names included. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([name, member]) => [name, ...stringsIn(member)]);
  }
  return [];
}

const decode = (text: string) => Buffer.from(text, 'base64url');
const encode = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** The record with one bit of one byte of a binary field flipped. */
function flipped(
  sealed: SealedRecord,
  field: 'wrappedKey' | 'keyNonce' | 'nonce' | 'ciphertext',
  index: number,
  mask = 0x01,
): SealedRecord {
  const bytes = decode(sealed[field] ?? '');
  bytes[index] = (bytes[index] ?? 0) ^ mask;
  return { ...sealed, [field]: encode(bytes) };
}

describe('parseMasterKey', () => {
  it('reads 64 hex characters and names the key by the start of its SHA-256', () => {
    const key = parseMasterKey(HEX_KEY);
    const expected = createHash('sha256').update(Buffer.from(HEX_KEY, 'hex')).digest('hex');
    expect(key.kid).toBe(expected.slice(0, 8));
    expect(parseMasterKey(HEX_KEY.toUpperCase()).kid).toBe(key.kid);
    expect(parseMasterKey(`  ${HEX_KEY}\n`).kid).toBe(key.kid);
  });

  it('reads the base64url form of the same 32 bytes as the same key', () => {
    const base64url = Buffer.from(HEX_KEY, 'hex').toString('base64url');
    expect(base64url).toHaveLength(43);
    const key = parseMasterKey(base64url);
    expect(key.kid).toBe(master.kid);
    const sealed = sealRecord(key, victim, here);
    expect(openRecord(master, sealed, here)).toEqual(victim);
  });

  it.each([
    ['empty', ''],
    ['too short', HEX_KEY.slice(0, 62)],
    ['too long', `${HEX_KEY}00`],
    ['not hex', `${HEX_KEY.slice(0, 63)}g`],
    ['padded base64', `${Buffer.from(HEX_KEY, 'hex').toString('base64')}`],
    ['base64url of 31 bytes', Buffer.alloc(31, 7).toString('base64url')],
    [
      'non-canonical base64url',
      `${Buffer.from(HEX_KEY, 'hex').toString('base64url').slice(0, 42)}B`,
    ],
    ['a placeholder of zeros', '0'.repeat(64)],
    ['a passphrase', 'correct horse battery staple'],
  ])('refuses %s with CONFIG_INVALID and says how to make a key, without echoing it', (_, text) => {
    const error = errorOf(() => parseMasterKey(text));
    expect(error?.code).toBe('CONFIG_INVALID');
    expect(error?.message).toContain('openssl rand -hex 32');
    if (text.length > 0) expect(error?.message).not.toContain(text.trim());
    expect(JSON.stringify(error)).not.toContain(HEX_KEY.slice(0, 16));
  });

  it('never shows the key bytes when the key is logged or serialized', () => {
    const shown = `${inspect(master, { depth: 10 })}${JSON.stringify(master)}${String(master.key)}`;
    const base64url = Buffer.from(HEX_KEY, 'hex').toString('base64url');
    for (const form of [HEX_KEY, base64url, Buffer.from(HEX_KEY, 'hex').toString('base64')]) {
      expect(shown).not.toContain(form.slice(0, 12));
    }
  });
});

describe('generateMasterKey', () => {
  it('makes 64 hex characters that parse, different every time', () => {
    const first = generateMasterKey();
    const second = generateMasterKey();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(first).not.toBe(second);
    expect(parseMasterKey(first).kid).not.toBe(parseMasterKey(second).kid);
  });
});

describe('sealRecord and openRecord', () => {
  it('round-trips a record', () => {
    const sealed = sealRecord(master, victim, here);
    expect(sealed).toMatchObject({ v: 1, alg: 'A256GCM', kid: master.kid });
    expect(openRecord(master, sealed, here)).toEqual(victim);
  });

  it('is plain JSON that survives a text column', () => {
    const sealed = sealRecord(master, victim, here);
    const stored = JSON.stringify(sealed);
    const read = readSealedRecord(JSON.parse(stored));
    expect(read).toEqual(sealed);
    expect(openRecord(master, read, here)).toEqual(victim);
    for (const field of ['wrappedKey', 'keyNonce', 'nonce', 'ciphertext'] as const) {
      expect(sealed[field]).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    expect(decode(sealed.nonce)).toHaveLength(12);
    expect(decode(sealed.keyNonce)).toHaveLength(12);
    expect(decode(sealed.wrappedKey ?? '')).toHaveLength(48);
  });

  it('encrypts the canonical JSON, whatever the member order', () => {
    const reordered = Object.fromEntries(Object.entries(victim).reverse());
    const a = sealRecord(master, victim, here);
    const b = sealRecord(master, reordered, here);
    expect(decode(a.ciphertext).length).toBe(decode(b.ciphertext).length);
    expect(Object.keys(openRecord(master, b, here))).toEqual(Object.keys(victim).sort());
  });

  it('gives unrelated bytes each time the same data is sealed (fresh data key and nonces)', () => {
    const a = sealRecord(master, victim, here);
    const b = sealRecord(master, victim, here);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.keyNonce).not.toBe(b.keyNonce);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('never holds a plaintext string in the sealed JSON', () => {
    const serialized = JSON.stringify(sealRecord(master, victim, here));
    const values = stringsIn(victim).filter((text) => text.length >= 6);
    expect(values.length).toBeGreaterThan(8);
    for (const text of values) {
      expect(serialized).not.toContain(text);
      expect(serialized).not.toContain(Buffer.from(text).toString('base64url'));
    }
  });

  it.each([
    ['another record', { recordId: 'rec-2', caseId: 'case-7' }],
    ['another case', { recordId: 'rec-1', caseId: 'case-8' }],
  ])('refuses a record moved to %s', (_, moved) => {
    const sealed = sealRecord(master, victim, here);
    const error = errorOf(() => openRecord(master, sealed, moved));
    expect(error?.code).toBe('VICTIM_DATA_UNREADABLE');
    expect(error?.message).toContain('cannot be opened');
  });

  it('refuses a ciphertext moved under another record’s wrapped key', () => {
    const first = sealRecord(master, victim, here);
    const second = sealRecord(master, { name: 'Someone Else' }, here);
    expect(
      codeOf(() => openRecord(master, { ...second, ciphertext: first.ciphertext }, here)),
    ).toBe('VICTIM_DATA_UNREADABLE');
  });

  it('refuses a wrapped key moved to another record id even with its own ciphertext', () => {
    const sealed = sealRecord(master, victim, here);
    // Same case, other record id: the key's additional authenticated data already fails.
    expect(
      codeOf(() => openRecord(master, sealed, { recordId: 'rec-9', caseId: here.caseId })),
    ).toBe('VICTIM_DATA_UNREADABLE');
  });

  it.each(['wrappedKey', 'keyNonce', 'nonce', 'ciphertext'] as const)(
    'refuses a change to any byte of %s',
    (field) => {
      const sealed = sealRecord(master, victim, here);
      const size = decode(sealed[field] ?? '').length;
      for (let index = 0; index < size; index++) {
        const error = errorOf(() => openRecord(master, flipped(sealed, field, index), here));
        expect(error?.code).toBe('VICTIM_DATA_UNREADABLE');
        expect(error?.message).not.toContain(victim.name);
      }
    },
  );

  it('refuses changes to the header, truncation and extension', () => {
    const sealed = sealRecord(master, victim, here);
    const ciphertext = decode(sealed.ciphertext);
    const variants: unknown[] = [
      { ...sealed, v: 2 },
      { ...sealed, alg: 'A128GCM' },
      { ...sealed, kid: 'zzzzzzzz' },
      { ...sealed, ciphertext: encode(ciphertext.subarray(0, ciphertext.length - 1)) },
      { ...sealed, ciphertext: encode(Buffer.concat([ciphertext, Buffer.of(0)])) },
      { ...sealed, ciphertext: encode(ciphertext.subarray(0, 15)) },
      { ...sealed, wrappedKey: encode(decode(sealed.wrappedKey ?? '').subarray(1)) },
      { ...sealed, nonce: `${sealed.nonce}=` },
      { ...sealed, nonce: sealed.nonce.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A')) },
      { ...sealed, extra: 'x' },
      { ...sealed, ciphertext: undefined },
      null,
      [],
      'sealed',
    ];
    for (const variant of variants) {
      expect(codeOf(() => openRecord(master, variant as SealedRecord, here))).toBe(
        'VICTIM_DATA_UNREADABLE',
      );
    }
  });

  it('refuses a changed key id as the wrong master key, naming both ids', () => {
    const sealed = sealRecord(master, victim, here);
    const error = errorOf(() => openRecord(master, { ...sealed, kid: '00000000' }, here));
    expect(error?.code).toBe('CONFIG_INVALID');
    expect(error?.details).toMatchObject({ recordKid: '00000000', configuredKid: master.kid });
  });

  it('refuses the wrong master key, and the right kid on the wrong key', () => {
    const sealed = sealRecord(master, victim, here);
    const error = errorOf(() => openRecord(other, sealed, here));
    expect(error?.code).toBe('CONFIG_INVALID');
    expect(error?.message).toContain(master.kid);
    // A key id collision (or a forged kid) still cannot unwrap the data key.
    const impostor: MasterKey = { kid: master.kid, key: other.key };
    expect(codeOf(() => openRecord(impostor, sealed, here))).toBe('VICTIM_DATA_UNREADABLE');
  });

  it('refuses records that are not plain JSON objects, without showing their values', () => {
    const refuse = (value: unknown) =>
      errorOf(() => sealRecord(master, value as Record<string, unknown>, here));
    expect(refuse([victim.name])?.code).toBe('REQUEST_INVALID');
    expect(refuse(null)?.code).toBe('REQUEST_INVALID');
    const error = refuse({ name: victim.name, born: new Date(0), weight: Number.NaN });
    expect(error?.code).toBe('REQUEST_INVALID');
    expect(JSON.stringify(error)).not.toContain(victim.name);
    expect(refuse({ notes: 'x'.repeat(300 * 1024) })?.code).toBe('REQUEST_INVALID');
  });

  it.each([
    ['an empty record id', { recordId: '', caseId: 'case-7' }],
    ['an empty case id', { recordId: 'rec-1', caseId: '' }],
    ['an overlong id', { recordId: 'r'.repeat(257), caseId: 'case-7' }],
    ['a broken surrogate', { recordId: 'rec-\uD800', caseId: 'case-7' }],
  ])('refuses %s', (_, context) => {
    expect(codeOf(() => sealRecord(master, victim, context))).toBe('REQUEST_INVALID');
  });
});

describe('shredRecord', () => {
  it('makes the record unreadable forever, even with the right master key', () => {
    const sealed = sealRecord(master, victim, here);
    const shredded = shredRecord(sealed);
    expect(shredded).toEqual({ ...sealed, wrappedKey: null });
    // The ciphertext stays, so hashes of it in custody events still match.
    expect(shredded.ciphertext).toBe(sealed.ciphertext);

    for (const key of [master, other]) {
      const error = errorOf(() => openRecord(key, shredded, here));
      expect(error?.code).toBe('VICTIM_DATA_DESTROYED');
      expect(error?.message).toContain('destroyed');
    }
    const stored = readSealedRecord(JSON.parse(JSON.stringify(shredded)));
    expect(codeOf(() => openRecord(master, stored, here))).toBe('VICTIM_DATA_DESTROYED');
    expect(shredRecord(shredded)).toEqual(shredded);
    // Rotation cannot bring it back either.
    const rotated = rewrapRecord(master, other, shredded, here);
    expect(rotated.wrappedKey).toBeNull();
    expect(errorOf(() => openRecord(other, rotated, here))?.message).toContain('destroyed');
  });

  it('leaves another record with the same master key readable', () => {
    const a = sealRecord(master, victim, here);
    const b = sealRecord(
      master,
      { name: 'Second Example' },
      { recordId: 'rec-2', caseId: 'case-7' },
    );
    shredRecord(a);
    expect(openRecord(master, b, { recordId: 'rec-2', caseId: 'case-7' })).toEqual({
      name: 'Second Example',
    });
  });
});

describe('rewrapRecord', () => {
  it('moves the record to the new master key without touching the ciphertext', () => {
    const sealed = sealRecord(master, victim, here);
    const rotated = rewrapRecord(master, other, sealed, here);
    expect(rotated.kid).toBe(other.kid);
    expect(rotated.ciphertext).toBe(sealed.ciphertext);
    expect(rotated.nonce).toBe(sealed.nonce);
    expect(rotated.wrappedKey).not.toBe(sealed.wrappedKey);
    expect(rotated.keyNonce).not.toBe(sealed.keyNonce);

    expect(openRecord(other, rotated, here)).toEqual(victim);
    expect(codeOf(() => openRecord(master, rotated, here))).toBe('CONFIG_INVALID');
    const impostor: MasterKey = { kid: other.kid, key: master.key };
    expect(codeOf(() => openRecord(impostor, rotated, here))).toBe('VICTIM_DATA_UNREADABLE');
  });

  it('refuses when the old key is not the one the record names', () => {
    const sealed = sealRecord(master, victim, here);
    expect(codeOf(() => rewrapRecord(other, master, sealed, here))).toBe('CONFIG_INVALID');
  });

  it('refuses a damaged record instead of rotating it', () => {
    const sealed = sealRecord(master, victim, here);
    expect(codeOf(() => rewrapRecord(master, other, flipped(sealed, 'ciphertext', 0), here))).toBe(
      'VICTIM_DATA_UNREADABLE',
    );
    expect(
      codeOf(() => rewrapRecord(master, other, sealed, { recordId: 'rec-1', caseId: 'case-8' })),
    ).toBe('VICTIM_DATA_UNREADABLE');
  });
});

describe('properties', () => {
  // Full Unicode in names and values; nesting well under the canonical JSON depth limit.
  const record = fc.dictionary(
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 }),
    { maxKeys: 8 },
  );
  const id = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
  const context = fc.record({ recordId: id, caseId: id });

  it('round-trips any JSON object', () => {
    fc.assert(
      fc.property(record, context, (value, where) => {
        const sealed = sealRecord(master, value, where);
        // JSON has no -0; the record comes back as JSON would carry it.
        expect(openRecord(master, sealed, where)).toStrictEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('detects any single-byte change in the ciphertext', () => {
    fc.assert(
      fc.property(
        record,
        context,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (value, where, position, mask) => {
          const sealed = sealRecord(master, value, where);
          const index = position % decode(sealed.ciphertext).length;
          expect(
            codeOf(() => openRecord(master, flipped(sealed, 'ciphertext', index, mask), where)),
          ).toBe('VICTIM_DATA_UNREADABLE');
        },
      ),
      { numRuns: 200 },
    );
  });
});
