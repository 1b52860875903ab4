/**
 * This instance's organisation keys for sharing (share/keys.ts): an Ed25519 key that signs its
 * packages and requests, and an X25519 key that partners encrypt to. The secret line lives in
 * `<data dir>/keys/org.secret` (mode 0600, like the log's signing key); back it up. Partners
 * register the public line (`vigil share key`) and confirm its fingerprint out of band.
 */
import { constants } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  formatOrgSecretKey,
  generateOrgKeys,
  type OrgKeys,
  parseOrgSecretKey,
  type RandomBytes,
} from '../share/keys.js';
import { VigilError } from '../shared/errors.js';

const FILE = 'org.secret';

const path = (dataDir: string) => join(dataDir, 'keys', FILE);

/** The instance's organisation keys, or undefined when `vigil share init` has not run. */
export async function readOrgKeys(dataDir: string): Promise<OrgKeys | undefined> {
  let text: string;
  try {
    text = await readFile(path(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new VigilError(
      'STORE_UNAVAILABLE',
      'Cannot read the organisation key (keys/org.secret in the data folder). Check its permissions.',
      { cause: error },
    );
  }
  return parseOrgSecretKey(text.trim());
}

/** The organisation keys, or a clear refusal naming the command that creates them. */
export async function requireOrgKeys(dataDir: string): Promise<OrgKeys> {
  const keys = await readOrgKeys(dataDir);
  if (keys === undefined) {
    throw new VigilError(
      'ORG_KEYS_MISSING',
      'This instance has no organisation keys for sharing yet. Create them with `vigil share init --org <your organisation id>`.',
    );
  }
  return keys;
}

/** Creates the organisation keys; refuses to replace existing ones (partners trust them). */
export async function createOrgKeys(
  dataDir: string,
  org: string,
  randomBytes: RandomBytes,
): Promise<OrgKeys> {
  const keys = generateOrgKeys(org, randomBytes);
  await mkdir(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  let file: Awaited<ReturnType<typeof open>>;
  try {
    // O_EXCL: two instances started at once on one folder cannot both write a key.
    file = await open(
      path(dataDir),
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      0o600,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new VigilError(
        'CONFLICT',
        'This instance already has organisation keys; partners trust them. Keep them (`vigil share key` prints the public line).',
      );
    }
    throw new VigilError('STORE_UNAVAILABLE', 'Cannot write the organisation key.', {
      cause: error,
    });
  }
  try {
    await file.writeFile(`${formatOrgSecretKey(keys)}\n`, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  return keys;
}
