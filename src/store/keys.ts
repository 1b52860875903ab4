/**
 * The log's signing keys. Private keys live in files under `<data dir>/keys/` (mode 0600, in
 * the signed-note key format that golang.org/x/mod/sumdb/note reads too); the database holds
 * only public keys and which one is active, so a database copy never carries a signing key.
 *
 * Rotation adds a new key under the same name (the log's origin) and retires the old one;
 * checkpoints signed before stay verifiable with the old public key, and the checkpoint signed
 * at the rotation carries both signatures so that anyone who trusted the old key can move on.
 */
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hex } from '@scure/base';
import {
  formatSignerKey,
  formatVerifierKey,
  parseSignerKey,
  parseVerifierKey,
  type SignerKey,
  signerKeyFromSeed,
  type VerifierKey,
} from '../ledger/note.js';
import { isVigilError, VigilError } from '../shared/errors.js';
import type { Db } from './database.js';

export interface LogKey {
  readonly key: VerifierKey;
  readonly createdAt: string;
  readonly retiredAt: string | null;
}

export interface KeyRing {
  /** The log's name: the origin line of its checkpoints and the name of its keys. */
  readonly origin: string;
  /** Every key the log ever used, oldest first; the last one is active. */
  all(): Promise<readonly LogKey[]>;
  /** The active signing key (its private half read from its file). */
  signer(): Promise<SignerKey>;
  /** Adds a new active key and retires the previous one; returns both signing keys. */
  rotate(): Promise<{ readonly previous: SignerKey; readonly next: SignerKey }>;
}

export interface KeyRingOptions {
  readonly db: Db;
  readonly keysDir: string;
  readonly now: () => Date;
  readonly randomBytes: (size: number) => Uint8Array;
  /** Used when the log has no key yet; see `defaultOrigin`. */
  readonly origin?: string;
}

/** A log name unique to this installation, in the schemeless-URL style C2SP recommends. */
export function defaultOrigin(randomBytes: (size: number) => Uint8Array): string {
  return `vigil.local/ledger/${hex.encode(randomBytes(6))}`;
}

const keyFile = (dir: string, key: VerifierKey) => join(dir, `${hex.encode(key.keyId)}.key`);

/** Opens the key ring, creating the log's first key when it has none. */
export async function openKeyRing(options: KeyRingOptions): Promise<KeyRing> {
  const { db, keysDir, now, randomBytes } = options;

  const rows = async () =>
    db.selectFrom('ledger_key').selectAll().orderBy('created_at').orderBy('key_id').execute();

  async function createKey(name: string): Promise<SignerKey> {
    const key = signerKeyFromSeed(name, randomBytes(32));
    await mkdir(keysDir, { recursive: true, mode: 0o700 });
    const path = keyFile(keysDir, key);
    // 'wx' refuses to overwrite: a key file, once written, is never replaced.
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(`${formatSignerKey(key)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(path, 0o600);
    return key;
  }

  async function insertKey(key: VerifierKey): Promise<void> {
    await db
      .insertInto('ledger_key')
      .values({
        key_id: hex.encode(key.keyId),
        name: key.name,
        verifier_key: formatVerifierKey(key),
        created_at: now().toISOString(),
        retired_at: null,
      })
      .execute();
  }

  let existing = await rows();
  if (existing.length === 0) {
    const origin = options.origin ?? defaultOrigin(randomBytes);
    await insertKey(await createKey(origin));
    existing = await rows();
  }
  const origin = existing[0]?.name ?? '';
  if (options.origin !== undefined && options.origin !== origin) {
    throw new VigilError(
      'STORE_UNAVAILABLE',
      `This data folder already holds the log "${origin}"; a log's origin cannot change. ` +
        'Use another --data-dir for a new log.',
    );
  }

  async function readSigner(row: { verifier_key: string }): Promise<SignerKey> {
    const publicKey = parseVerifierKey(row.verifier_key);
    let text: string;
    try {
      text = await readFile(keyFile(keysDir, publicKey), 'utf8');
    } catch (error) {
      throw new VigilError(
        'LEDGER_KEY_MISSING',
        `The signing key ${hex.encode(publicKey.keyId)} of the log is missing from the keys ` +
          'folder. Restore it, or run `vigil ledger rotate-key`.',
        { details: { keyId: hex.encode(publicKey.keyId) }, cause: error },
      );
    }
    try {
      const signer = parseSignerKey(text.trim());
      if (formatVerifierKey(signer) !== row.verifier_key) throw new Error('key mismatch');
      return signer;
    } catch (error) {
      throw new VigilError(
        'LEDGER_KEY_MISSING',
        `The key file for ${hex.encode(publicKey.keyId)} does not hold that key. Restore it ` +
          'from a backup, or run `vigil ledger rotate-key`.',
        {
          details: { keyId: hex.encode(publicKey.keyId) },
          cause: isVigilError(error) ? error : undefined,
        },
      );
    }
  }

  const active = async () => {
    const all = await rows();
    const current = all.filter((row) => row.retired_at === null);
    const row = current[current.length - 1];
    if (row === undefined) {
      throw new VigilError('LEDGER_KEY_MISSING', 'The log has no active key.');
    }
    return row;
  };

  return {
    origin,
    async all() {
      return (await rows()).map((row) => ({
        key: parseVerifierKey(row.verifier_key),
        createdAt: row.created_at,
        retiredAt: row.retired_at,
      }));
    },
    async signer() {
      return readSigner(await active());
    },
    async rotate() {
      const row = await active();
      const previous = await readSigner(row);
      const next = await createKey(origin);
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('ledger_key')
          .set({ retired_at: now().toISOString() })
          .where('key_id', '=', row.key_id)
          .execute();
        await trx
          .insertInto('ledger_key')
          .values({
            key_id: hex.encode(next.keyId),
            name: next.name,
            verifier_key: formatVerifierKey(next),
            created_at: now().toISOString(),
            retired_at: null,
          })
          .execute();
      });
      return { previous, next };
    },
  };
}
