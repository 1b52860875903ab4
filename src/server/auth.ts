/**
 * Credentials: API keys, passwords and sessions.
 *
 * - API keys are `vgl_` + 32 random bytes in base64url, shown once when made and stored by their
 *   SHA-256 (hex): a stolen database does not hold usable keys. Clients send
 *   `Authorization: Bearer vgl_…`.
 * - Passwords are hashed with scrypt (N = 2^15, r = 8, p = 1, 16-byte salt, 32-byte hash) in PHC
 *   string form `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64 without padding), compared in
 *   constant time. Passwords longer than MAX_PASSWORD_LENGTH are refused before hashing, so a
 *   huge password cannot tie up the CPU.
 * - Sessions are 32 random bytes in an HttpOnly, SameSite=Strict cookie, stored by SHA-256.
 */
import { createHash, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import type { Account, ApiKeyRecord, ServiceStore } from '../store/repositories.js';

export const API_KEY_PREFIX = 'vgl_';
/** `vgl_` and 43 base64url characters (32 bytes). */
export const API_KEY_PATTERN = /^vgl_[A-Za-z0-9_-]{43}$/;
/** How many characters of a key are kept to tell keys apart: `vgl_` and 6 more (36 bits). */
const KEY_PREFIX_LENGTH = 10;

export const SESSION_COOKIE = 'vigil_session';
const SESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

export const sha256Hex = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('hex');

/** A new API key: the key (show it once), its SHA-256 to store, and a prefix to show later. */
export function generateApiKey(): { key: string; sha256: string; prefix: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, sha256: sha256Hex(key), prefix: key.slice(0, KEY_PREFIX_LENGTH) };
}

/** A new session token (for the cookie) and its SHA-256 (for the store). */
export function generateSessionToken(): { token: string; sha256: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, sha256: sha256Hex(token) };
}

// ---------------------------------------------------------------------------------------------
// Passwords

const SCRYPT = { ln: 15, r: 8, p: 1, saltBytes: 16, hashBytes: 32 } as const;
/** Bounds on the parameters a stored hash may name, so that a bad row cannot stall the server. */
const SCRYPT_BOUNDS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;
const PHC =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,64})\$([A-Za-z0-9+/]{16,128})$/;

function scryptAsync(
  password: string,
  salt: Buffer,
  length: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** 128 · N · r bytes, with room to spare (Node's default limit of 32 MiB is exactly N = 2^15). */
const maxmem = (ln: number, r: number): number => 256 * 2 ** ln * r;

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

/** Hashes a password for storage. Throws a RangeError for a password over the length cap. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new RangeError(`passwords are at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  const { ln, r, p } = SCRYPT;
  const salt = randomBytes(SCRYPT.saltBytes);
  const hash = await scryptAsync(password, salt, SCRYPT.hashBytes, {
    N: 2 ** ln,
    r,
    p,
    maxmem: maxmem(ln, r),
  });
  return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(hash)}`;
}

/**
 * Whether `password` matches a stored PHC hash. A missing, malformed or out-of-bounds hash
 * does not match; a password over the length cap does not match and is not hashed.
 */
export async function verifyPassword(
  password: string,
  stored: string | undefined,
): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const match = stored === undefined ? null : PHC.exec(stored);
  if (match === null) {
    // Spend the time a real comparison takes, so that timing does not tell whether the
    // account exists.
    await scryptAsync(password, DUMMY_SALT, SCRYPT.hashBytes, {
      N: 2 ** SCRYPT.ln,
      r: SCRYPT.r,
      p: SCRYPT.p,
      maxmem: maxmem(SCRYPT.ln, SCRYPT.r),
    });
    return false;
  }
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (
    ln < SCRYPT_BOUNDS.ln[0] ||
    ln > SCRYPT_BOUNDS.ln[1] ||
    r < SCRYPT_BOUNDS.r[0] ||
    r > SCRYPT_BOUNDS.r[1] ||
    p < SCRYPT_BOUNDS.p[0] ||
    p > SCRYPT_BOUNDS.p[1]
  ) {
    return false;
  }
  const salt = Buffer.from(match[4] ?? '', 'base64');
  const expected = Buffer.from(match[5] ?? '', 'base64');
  // A shorter hash would be a prefix of the real one (scrypt ends in PBKDF2): refuse it.
  if (salt.length < SCRYPT.saltBytes || expected.length !== SCRYPT.hashBytes) return false;
  const actual = await scryptAsync(password, salt, expected.length, {
    N: 2 ** ln,
    r,
    p,
    maxmem: maxmem(ln, r),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const DUMMY_SALT = Buffer.alloc(SCRYPT.saltBytes, 0x5a);

// ---------------------------------------------------------------------------------------------
// Who is asking

/** The authenticated caller of a request. */
export interface Principal {
  readonly account: Account;
  /** For the audit log: "account:<id>" (session) or "apikey:<id>" (API key). */
  readonly actor: string;
  readonly via: 'session' | 'apikey';
  readonly apiKey?: ApiKeyRecord;
  /** The SHA-256 of the session token, to end the session. */
  readonly sessionSha256?: string;
}

/** What the request's credentials amount to: none, valid (a principal), or not valid. */
export type Credentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'valid'; readonly principal: Principal };

/** How often a key's last use is written (a write per request would be wasteful). */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Reads the credentials of a request: an `Authorization: Bearer` API key first, else the session
 * cookie. Unknown, revoked or malformed keys, expired sessions and disabled accounts are
 * `invalid`.
 */
export async function authenticate(
  headers: { readonly authorization?: string | undefined },
  sessionCookie: string | undefined,
  store: ServiceStore,
  now: Date,
): Promise<Credentials> {
  const authorization = headers.authorization;
  if (authorization !== undefined && authorization !== '') {
    const match = /^Bearer[ \t]+(\S{1,200})[ \t]*$/i.exec(authorization);
    const key = match?.[1];
    if (key === undefined || !API_KEY_PATTERN.test(key)) return { kind: 'invalid' };
    const found = await store.accounts.findApiKey(sha256Hex(key));
    if (found === undefined || found.key.revokedAt !== undefined) return { kind: 'invalid' };
    if (found.account.disabledAt !== undefined) return { kind: 'invalid' };
    const lastUsed = found.key.lastUsedAt === undefined ? 0 : Date.parse(found.key.lastUsedAt);
    if (!(now.getTime() - lastUsed < TOUCH_INTERVAL_MS)) {
      await store.accounts.touchApiKey(found.key.id, now.toISOString());
    }
    return {
      kind: 'valid',
      principal: {
        account: found.account,
        actor: `apikey:${found.key.id}`,
        via: 'apikey',
        apiKey: found.key,
      },
    };
  }
  if (sessionCookie !== undefined && sessionCookie !== '') {
    if (!SESSION_TOKEN_PATTERN.test(sessionCookie)) return { kind: 'invalid' };
    const sha256 = sha256Hex(sessionCookie);
    const found = await store.accounts.findSession(sha256, now.toISOString());
    if (found === undefined || found.account.disabledAt !== undefined) return { kind: 'invalid' };
    if (Date.parse(found.expiresAt) <= now.getTime()) return { kind: 'invalid' };
    return {
      kind: 'valid',
      principal: {
        account: found.account,
        actor: `account:${found.account.id}`,
        via: 'session',
        sessionSha256: sha256,
      },
    };
  }
  return { kind: 'none' };
}

/** The SHA-256 of a well-formed session token, or undefined. */
export function sessionSha256(cookie: string | undefined): string | undefined {
  return cookie !== undefined && SESSION_TOKEN_PATTERN.test(cookie) ? sha256Hex(cookie) : undefined;
}
