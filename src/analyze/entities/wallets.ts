/**
 * Cryptocurrency wallet addresses: Bitcoin (base58check P2PKH/P2SH, bech32 and bech32m segwit),
 * Ethereum and TRON. A wallet that recurs across ads links them, and payment in crypto is a
 * documented marker of scam-compound recruitment (reference/detection.md §3.3, §6.5; the Memex
 * ETK bitcoin extractor in §2.1 matched a bare regex, this one also verifies every checksum).
 *
 * Addresses are read from the folded text WITH case (`folded.cased`): base58 and EIP-55 are
 * case-sensitive. A look-alike (one character changed, wrong length, bad checksum, "0"/"O"/"I"/
 * "l" in base58) is rejected, and an address glued to other letters or digits is not one.
 *
 * Linear time: one regular expression whose alternatives begin with different characters,
 * each a single class with a bounded repetition, between look-arounds of one character. It is
 * also the fast path: one pass over an ordinary ad takes well under a microsecond, less than any
 * pre-check that would have to look for three different prefixes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bech32, bech32m, createBase58check } from '@scure/base';
import type { Doc } from '../doc.js';
import type { Chain, Wallet } from '../types.js';

const base58check = createBase58check(sha256);

/**
 * - `0x` and 40 hex digits: Ethereum (and EVM chains, which share the format);
 * - `bc1` and 11-87 bech32 characters: Bitcoin segwit (BIP-173: at most 90 characters in all;
 *   the shortest valid mainnet address, BIP-350's "BC1SW50QGDZ25J", has 14);
 * - `1`, `3` or `T` and 24-33 base58 characters: Bitcoin P2PKH/P2SH (25-34 characters in all)
 *   and TRON (34). The base58 alphabet leaves out 0, O, I and l.
 */
const WALLET =
  /(?<![A-Za-z0-9])(?:0x[0-9a-fA-F]{40}|[bB][cC]1[02-9ac-hj-np-zAC-HJ-NP-Z]{11,87}|[13T][1-9A-HJ-NP-Za-km-z]{24,33})(?![A-Za-z0-9])/g;

interface Verified {
  readonly chain: Chain;
  readonly address: string;
  readonly checksummed: boolean;
}

/**
 * EIP-55: hash the lower-case hex (ASCII) with Keccak-256; the i-th hex letter is upper case
 * exactly when the i-th nibble of the hash is 8 or more.
 */
export function eip55Checksum(hex40: string): string {
  const lower = hex40.toLowerCase();
  const hash = keccak_256(utf8ToBytes(lower));
  let out = '';
  for (let i = 0; i < 40; i++) {
    const c = lower.charAt(i);
    const byte = hash[i >> 1] ?? 0;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    out += c >= 'a' && nibble >= 8 ? c.toUpperCase() : c;
  }
  return out;
}

function verifyEthereum(raw: string): Verified | undefined {
  const hex = raw.slice(2);
  const lower = hex.toLowerCase();
  const address = `0x${lower}`;
  // All one case carries no checksum (EIP-55 "backwards compatible"): accepted, unverified.
  if (hex === lower || hex === hex.toUpperCase()) {
    return { chain: 'ethereum', address, checksummed: false };
  }
  return hasEip55Case(hex, lower) ? { chain: 'ethereum', address, checksummed: true } : undefined;
}

/**
 * `eip55Checksum(hex) === hex`, without building the checksummed string: each hex letter must
 * be upper case exactly where the hash nibble is 8 or more.
 */
function hasEip55Case(hex: string, lower: string): boolean {
  const hash = keccak_256(utf8ToBytes(lower));
  for (let i = 0; i < 40; i++) {
    const c = hex.charCodeAt(i);
    if (c <= 0x39) continue; // a digit has no case
    const byte = hash[i >> 1] ?? 0;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    if (c <= 0x46 !== nibble >= 8) return false; // "A"-"F" upper case, "a"-"f" lower
  }
  return true;
}

/**
 * BIP-173 / BIP-350 segwit address on mainnet ("bc"): witness version 0 uses bech32 with a
 * 20- or 32-byte program; versions 1-16 use bech32m with a 2-40 byte program. Mixed case is
 * invalid (BIP-173 "Decoders MUST NOT accept strings where some characters are uppercase and
 * some are lowercase").
 */
function verifySegwit(raw: string): Verified | undefined {
  if (raw !== raw.toLowerCase() && raw !== raw.toUpperCase()) return undefined;
  const address = raw.toLowerCase();
  if (address.length > 90) return undefined;
  const v0 = bech32.decodeUnsafe(address, 90);
  const decoded = v0 !== undefined && v0.words[0] === 0 ? v0 : bech32m.decodeUnsafe(address, 90);
  if (decoded === undefined || decoded.prefix !== 'bc') return undefined;
  const version = decoded.words[0];
  if (version === undefined || version > 16) return undefined;
  const usedBech32m = decoded !== v0;
  if ((version === 0) === usedBech32m) return undefined; // v0 needs bech32, v1+ bech32m
  const program = bech32.fromWordsUnsafe(decoded.words.slice(1));
  if (program === undefined) return undefined; // bad padding
  if (program.length < 2 || program.length > 40) return undefined;
  if (version === 0 && program.length !== 20 && program.length !== 32) return undefined;
  return { chain: 'bitcoin', address, checksummed: true };
}

/**
 * Base58check (double SHA-256 checksum): Bitcoin P2PKH (version byte 0x00, "1…"), P2SH (0x05,
 * "3…") and TRON (0x41, "T…", 34 characters); the payload is the version byte and a 20-byte hash.
 */
function verifyBase58(raw: string): Verified | undefined {
  let payload: Uint8Array;
  try {
    payload = base58check.decode(raw);
  } catch {
    return undefined;
  }
  if (payload.length !== 21) return undefined;
  const version = payload[0];
  const first = raw.charAt(0);
  if (first === 'T') {
    return version === 0x41 && raw.length === 34
      ? { chain: 'tron', address: raw, checksummed: true }
      : undefined;
  }
  if ((first === '1' && version === 0x00) || (first === '3' && version === 0x05)) {
    return { chain: 'bitcoin', address: raw, checksummed: true };
  }
  return undefined;
}

function verify(raw: string): Verified | undefined {
  const first = raw.charAt(0);
  if (first === '0') return verifyEthereum(raw);
  if (first === 'b' || first === 'B') return verifySegwit(raw);
  return verifyBase58(raw);
}

/**
 * Recent verdicts by address as written. A wallet that links ads recurs across them, and a
 * verdict (hashing, base58 or bech32 decoding) costs far more than a lookup. Bounded: cleared
 * when full. `null` records a rejected candidate.
 */
const verdicts = new Map<string, Verified | null>();
const MAX_VERDICTS = 1024;

function verifyCached(raw: string): Verified | undefined {
  let verdict = verdicts.get(raw);
  if (verdict === undefined) {
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
    verdict = verify(raw) ?? null;
    verdicts.set(raw, verdict);
  }
  return verdict ?? undefined;
}

/**
 * Wallet addresses whose checksum verifies (or, for all-lower/all-upper Ethereum addresses,
 * which have none, whose format does), in text order. `address` is the canonical form: bech32
 * in lower case, Ethereum `0x` and lower-case hex, base58 as written.
 */
export function extractWallets(doc: Doc): Wallet[] {
  const { cased } = doc.folded;
  const wallets: Wallet[] = [];
  WALLET.lastIndex = 0;
  for (let m = WALLET.exec(cased); m !== null; m = WALLET.exec(cased)) {
    const found = verifyCached(m[0]);
    if (found === undefined) continue;
    const start = m.index;
    const end = start + m[0].length;
    const span = doc.spanOfFolded(start, end);
    wallets.push({
      chain: found.chain,
      address: found.address,
      checksummed: found.checksummed,
      raw: span.text,
      span,
      obfuscated: doc.folded.isDisguised(start, end),
    });
  }
  return wallets;
}
