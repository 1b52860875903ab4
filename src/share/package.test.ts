import { Aes128Gcm, CipherSuite, HkdfSha256 } from '@hpke/core';
import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64, hex } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalBytes } from '../ledger/canonical-json.js';
import { isVigilError, type VigilError } from '../shared/errors.js';
import { generateOrgKeys, type OrgKeys, type OrgPublicKeys, toPublicKeys } from './keys.js';
import { openPackage, type PackageInput, sealPackage, verifyPackage } from './package.js';

const encoder = new TextEncoder();

/** Deterministic "randomness" for tests: SHA-256 in counter mode over a label. */
function testRandom(label: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let offset = 0; offset < n; offset += 32) {
      const block = sha256(encoder.encode(`${label}/${counter++}`));
      out.set(block.subarray(0, Math.min(32, n - offset)), offset);
    }
    return out;
  };
}

const hotline = generateOrgKeys('hotline-nl', testRandom('hotline'));
const police = generateOrgKeys('police-be', testRandom('police'));
const platform = generateOrgKeys('platform-x', testRandom('platform'));
const outsider = generateOrgKeys('outsider', testRandom('outsider'));
const registry = new Map<string, OrgPublicKeys>(
  [hotline, police, platform, outsider].map((keys) => [keys.org, toPublicKeys(keys)]),
);
const senderKeys = (org: string) => registry.get(org);

const input: PackageInput = {
  id: 'pkg-0f3a9c',
  from: 'hotline-nl',
  to: ['police-be', 'platform-x'],
  agreement: 'dsa-2026-004',
  created: '2026-03-01T12:00:00Z',
  markings: { tlp: 'amber', pap: 'green' },
  purpose: 'Referral of a suspected recruitment network for investigation',
  files: [
    { name: 'items.jsonl', mediaType: 'application/jsonl', bytes: encoder.encode('{"id":"a1"}\n') },
    { name: 'capture 1.png', mediaType: 'image/png', bytes: testRandom('png')(3000) },
    { name: 'empty.txt', mediaType: 'text/plain', bytes: new Uint8Array(0) },
  ],
  ledger: { checkpoint: 'log.example\n12\nabc=\n', proofs: [{ index: '3', hashes: ['x'] }] },
};

const seal = (overrides: Partial<PackageInput> = {}, sender: OrgKeys = hotline) =>
  sealPackage(
    { ...input, ...overrides },
    { sender, recipients: [...registry.values()], randomBytes: testRandom('seal') },
  );

async function failure(promise: Promise<unknown>): Promise<VigilError> {
  try {
    await promise;
  } catch (error) {
    if (isVigilError(error)) return error;
    throw error;
  }
  throw new Error('expected a VigilError');
}

describe('packages (vigil.share/v1)', () => {
  it('round-trips to two recipients with manifest, files and opaque ledger proofs', async () => {
    const bytes = await seal();
    for (const recipient of [police, platform]) {
      const opened = await openPackage(bytes, { ourKeys: recipient, senderKeys });
      expect(opened.manifest).toMatchObject({
        format: 'vigil.share/v1',
        id: 'pkg-0f3a9c',
        from: 'hotline-nl',
        to: ['police-be', 'platform-x'],
        agreement: 'dsa-2026-004',
        markings: { tlp: 'amber', pap: 'green' },
        ledger: input.ledger,
      });
      expect(opened.files.map((f) => [f.name, f.mediaType, hex.encode(f.bytes)])).toEqual(
        input.files.map((f) => [f.name, f.mediaType, hex.encode(f.bytes)]),
      );
      expect(opened.manifest.files[1]).toEqual({
        name: 'capture 1.png',
        mediaType: 'image/png',
        size: 3000,
        sha256: hex.encode(sha256(input.files[1]?.bytes ?? new Uint8Array())),
      });
    }
    expect(verifyPackage(bytes, { senderKeys })).toMatchObject({
      id: 'pkg-0f3a9c',
      from: 'hotline-nl',
      recipients: ['police-be', 'platform-x'],
    });
  });

  it('keeps the manifest and files confidential: only the header is in the clear', async () => {
    const text = new TextDecoder('latin1').decode(await seal());
    expect(text).not.toContain('recruitment');
    expect(text).not.toContain('items.jsonl');
    expect(text).not.toContain('dsa-2026-004');
    expect(text).toContain('pkg-0f3a9c');
  });

  it('turns any flipped byte into a precise VigilError, never an uncaught exception', async () => {
    const bytes = await seal();
    const headerEnd = 15 + 1 + 'hotline-nl'.length + 4;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(bytes.length - 1),
        fc.integer({ min: 1, max: 255 }),
        async (position, mask) => {
          const altered = bytes.slice();
          altered[position] = (altered[position] as number) ^ mask;
          const error = await failure(openPackage(altered, { ourKeys: police, senderKeys }));
          expect(['PACKAGE_INVALID', 'PACKAGE_SIGNATURE_INVALID']).toContain(error.code);
          // The header, the signature and the ciphertext are all covered by the signature.
          if (position >= headerEnd) expect(error.code).toBe('PACKAGE_SIGNATURE_INVALID');
        },
      ),
      { numRuns: 300 },
    );
    // Every region at least once: magic, sender, lengths, header, signature, payload's end.
    for (const position of [0, 15, 16, 26, 29, 40, bytes.length - 70, bytes.length - 1]) {
      const altered = bytes.slice();
      altered[position] = (altered[position] as number) ^ 1;
      await failure(openPackage(altered, { ourKeys: police, senderKeys }));
    }
  });

  it('refuses truncated and extended packages', async () => {
    const bytes = await seal();
    for (const length of [0, 10, 15, 30, 200, bytes.length - 65, bytes.length - 1]) {
      const error = await failure(
        openPackage(bytes.subarray(0, length), { ourKeys: police, senderKeys }),
      );
      expect(['PACKAGE_INVALID', 'PACKAGE_SIGNATURE_INVALID']).toContain(error.code);
    }
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect((await failure(openPackage(longer, { ourKeys: police, senderKeys }))).code).toBe(
      'PACKAGE_SIGNATURE_INVALID',
    );
  });

  it('refuses a wrong or unknown sender key', async () => {
    const bytes = await seal();
    const impostor = (org: string) =>
      org === 'hotline-nl' ? { ...toPublicKeys(outsider), org: 'hotline-nl' } : senderKeys(org);
    expect(
      (await failure(openPackage(bytes, { ourKeys: police, senderKeys: impostor }))).code,
    ).toBe('PACKAGE_SIGNATURE_INVALID');
    expect(
      (await failure(openPackage(bytes, { ourKeys: police, senderKeys: () => undefined }))).code,
    ).toBe('PACKAGE_SIGNATURE_INVALID');
    // A package signed by someone else in the sender's name.
    const forged = await sealPackage(input, {
      sender: { ...outsider, org: 'hotline-nl' },
      recipients: [...registry.values()],
      randomBytes: testRandom('forged'),
    });
    expect((await failure(openPackage(forged, { ourKeys: police, senderKeys }))).code).toBe(
      'PACKAGE_SIGNATURE_INVALID',
    );
  });

  it('refuses a recipient that is not listed, and a third party cannot decrypt', async () => {
    const bytes = await seal();
    const error = await failure(openPackage(bytes, { ourKeys: outsider, senderKeys }));
    expect(error.code).toBe('PACKAGE_NOT_FOR_US');
    expect(error.details).toEqual({ recipients: ['police-be', 'platform-x'] });
    // Under a recipient's name but with other keys: not the key the package was sealed to.
    const pretender = { ...outsider, org: 'police-be' };
    expect((await failure(openPackage(bytes, { ourKeys: pretender, senderKeys }))).code).toBe(
      'PACKAGE_NOT_FOR_US',
    );
    // Even knowing the recipient's public key, another secret opens nothing.
    const withPublicKey = { ...outsider, org: 'police-be', encryption: police.encryption };
    expect((await failure(openPackage(bytes, { ourKeys: withPublicKey, senderKeys }))).code).toBe(
      'PACKAGE_INVALID',
    );
  });

  it('names the file whose hash does not match the manifest (a faulty sender)', async () => {
    const bytes = await seal();
    const tampered = await resealWith(bytes, police, (plaintext, manifestLength) => {
      // The last byte of the first file ('items.jsonl').
      const at = 4 + manifestLength + 11;
      plaintext[at] = (plaintext[at] as number) ^ 0x20;
    });
    const error = await failure(openPackage(tampered, { ourKeys: police, senderKeys }));
    expect(error.code).toBe('PACKAGE_INVALID');
    expect(error.details).toEqual({ file: 'items.jsonl' });
    expect(error.message).toContain('items.jsonl');
  });

  it('enforces its limits when sealing and opening', async () => {
    const small = { packageBytes: 1000 };
    await expect(
      sealPackage(input, {
        sender: hotline,
        recipients: [...registry.values()],
        randomBytes: testRandom('l'),
        limits: small,
      }),
    ).rejects.toMatchObject({ code: 'PACKAGE_INVALID' });
    const bytes = await seal();
    expect(
      (await failure(openPackage(bytes, { ourKeys: police, senderKeys, limits: small }))).code,
    ).toBe('PACKAGE_INVALID');
    expect(
      (await failure(openPackage(bytes, { ourKeys: police, senderKeys, limits: { files: 2 } })))
        .code,
    ).toBe('PACKAGE_INVALID');
    await expect(
      sealPackage(input, {
        sender: hotline,
        recipients: [...registry.values()],
        randomBytes: testRandom('l'),
        limits: { recipients: 1 },
      }),
    ).rejects.toMatchObject({ code: 'PACKAGE_INVALID' });
    await expect(seal({ to: ['police-be', 'unknown-org'] })).rejects.toMatchObject({
      code: 'PACKAGE_INVALID',
    });
    await expect(
      seal({ files: [input.files[0], input.files[0]] as PackageInput['files'] }),
    ).rejects.toMatchObject({
      code: 'PACKAGE_INVALID',
    });
    await expect(
      seal({ files: [{ name: '../etc', mediaType: 'text/plain', bytes: new Uint8Array(1) }] }),
    ).rejects.toMatchObject({
      code: 'PACKAGE_INVALID',
    });
    await expect(seal({ created: 'yesterday' })).rejects.toMatchObject({ code: 'PACKAGE_INVALID' });
    await expect(seal({}, police)).rejects.toMatchObject({ code: 'PACKAGE_INVALID' });
  });
});

/**
 * An independent reading of the container format as package.ts documents it: decrypts the
 * payload as `recipient`, lets `change` alter it, then re-encrypts and re-signs it with the
 * sender's key, keeping the manifest hash. This is what a faulty or malicious sender could send.
 */
async function resealWith(
  bytes: Uint8Array,
  recipient: OrgKeys,
  change: (plaintext: Uint8Array, manifestLength: number) => void,
): Promise<Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const fromLength = bytes[15] as number;
  const headerAt = 16 + fromLength + 4;
  const headerLength = view.getUint32(16 + fromLength);
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(headerAt, headerAt + headerLength)),
  );
  const ciphertext = bytes.subarray(headerAt + headerLength + 64);
  const entry = header.recipients.find((r: { org: string }) => r.org === recipient.org);
  const suite = new CipherSuite({
    kem: new DhkemX25519HkdfSha256(),
    kdf: new HkdfSha256(),
    aead: new Aes128Gcm(),
  });
  const cek = new Uint8Array(
    await suite.open(
      {
        recipientKey: await suite.kem.deserializePrivateKey(recipient.encryptionSecret),
        enc: base64.decode(entry.enc),
        info: encoder.encode(`vigil.share/v1 ${header.id}`),
      },
      base64.decode(entry.wrappedKey),
      hex.decode(header.manifestSha256),
    ),
  );
  const aad = encoder.encode(`vigil.share/v1\n${header.id}\n${header.manifestSha256}`);
  const key = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt', 'decrypt']);
  const iv = base64.decode(header.payload.nonce);
  const plaintext = new Uint8Array(
    await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: aad },
      key,
      new Uint8Array(ciphertext),
    ),
  );
  change(plaintext, new DataView(plaintext.buffer).getUint32(0));
  const newCiphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, plaintext),
  );
  header.payload = {
    ...header.payload,
    size: newCiphertext.length,
    sha256: hex.encode(sha256(newCiphertext)),
  };
  const newHeader = canonicalBytes(header);
  const signed = new Uint8Array(headerAt + newHeader.length);
  signed.set(bytes.subarray(0, 16 + fromLength));
  new DataView(signed.buffer).setUint32(16 + fromLength, newHeader.length);
  signed.set(newHeader, headerAt);
  const context = encoder.encode('vigil.share/v1 signature\n');
  const message = new Uint8Array(context.length + signed.length);
  message.set(context);
  message.set(signed, context.length);
  const signature = ed25519.sign(message, hotline.signingSecret);
  const out = new Uint8Array(signed.length + 64 + newCiphertext.length);
  out.set(signed);
  out.set(signature, signed.length);
  out.set(newCiphertext, signed.length + 64);
  return out;
}
