/**
 * Requests between instances are signed by the sending organisation's Ed25519 key (keys.ts) and
 * checked against the partner registry: an instance answers only partners it registered and
 * confirmed. Two headers carry it:
 *
 *   vigil-org: <sender org id>
 *   vigil-signature: t=<unix seconds>,sig=<base64 Ed25519 signature>
 *
 * The signature covers `vigil.share.request/v1\n<METHOD>\n<path>\n<t>\n<hex SHA-256 of the body>`,
 * so neither the body, the route nor the time can be changed, and a request older or newer than
 * the allowed skew (5 minutes) is refused: a captured request cannot be replayed later.
 * (Within the window a replay is possible; packages and matching sessions carry their own ids,
 * which the receiver records, so a replayed request repeats nothing.)
 *
 * Pure: the time is passed in.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64, hex } from '@scure/base';
import { VigilError } from '../shared/errors.js';
import { ORG_ID_PATTERN, type OrgKeys, type OrgPublicKeys } from './keys.js';

export const ORG_HEADER = 'vigil-org';
export const SIGNATURE_HEADER = 'vigil-signature';
/** How far a request's time may be from the receiver's clock. */
export const MAX_SKEW_SECONDS = 300;

const CONTEXT = 'vigil.share.request/v1';
const utf8 = new TextEncoder();

function signedText(method: string, path: string, time: number, body: Uint8Array): Uint8Array {
  return utf8.encode(
    `${CONTEXT}\n${method.toUpperCase()}\n${path}\n${time}\n${hex.encode(sha256(body))}`,
  );
}

/** The headers that sign a request from `keys`' organisation. */
export function signRequest(
  keys: OrgKeys,
  request: {
    readonly method: string;
    readonly path: string;
    readonly body: Uint8Array;
    /** Unix seconds. */
    readonly time: number;
  },
): Record<typeof ORG_HEADER | typeof SIGNATURE_HEADER, string> {
  const time = Math.floor(request.time);
  const signature = ed25519.sign(
    signedText(request.method, request.path, time, request.body),
    keys.signingSecret,
  );
  return {
    [ORG_HEADER]: keys.org,
    [SIGNATURE_HEADER]: `t=${time},sig=${base64.encode(signature)}`,
  };
}

const refused = (message: string, details: Record<string, unknown> = {}) =>
  new VigilError('REQUEST_SIGNATURE_INVALID', message, { details });

/**
 * Checks a request's signature against the registry; returns the sender. Throws
 * REQUEST_SIGNATURE_INVALID for a missing, malformed, stale or wrong signature, or a sender
 * the registry does not hold (the message never says which, to an unknown caller).
 */
export function verifyRequest(
  headers: { readonly org: string | undefined; readonly signature: string | undefined },
  request: {
    readonly method: string;
    readonly path: string;
    readonly body: Uint8Array;
    /** The receiver's clock, unix seconds. */
    readonly now: number;
  },
  partner: (org: string) => OrgPublicKeys | undefined,
): { readonly org: string } {
  const { org, signature } = headers;
  if (org === undefined || signature === undefined || !ORG_ID_PATTERN.test(org)) {
    throw refused(`Sign the request: send the ${ORG_HEADER} and ${SIGNATURE_HEADER} headers.`);
  }
  const parts = /^t=(\d{1,12}),sig=([A-Za-z0-9+/]{86}==)$/.exec(signature);
  if (parts === null) {
    throw refused(`The ${SIGNATURE_HEADER} header must read t=<unix seconds>,sig=<base64>.`);
  }
  const time = Number(parts[1]);
  if (Math.abs(request.now - time) > MAX_SKEW_SECONDS) {
    throw refused(
      `The request was signed at ${time}, more than ${MAX_SKEW_SECONDS} s from this server's clock; check both clocks.`,
      { time },
    );
  }
  const keys = partner(org);
  let valid = false;
  if (keys !== undefined && keys.org === org) {
    try {
      valid = ed25519.verify(
        base64.decode(parts[2] as string),
        signedText(request.method, request.path, time, request.body),
        keys.signing,
      );
    } catch {
      valid = false;
    }
  }
  if (!valid) {
    throw refused('The request is not signed by a confirmed partner of this instance.');
  }
  return { org };
}
