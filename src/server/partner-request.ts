/**
 * Requests from partner instances (the inbox, private matching) carry no user credentials: the
 * caller is an organisation, authenticated by its Ed25519 request signature over the exact body
 * (share/transport.ts) against the keys registered for it here. REQUEST_SIGNATURE_INVALID when
 * the headers are missing, the sender is unknown (or, with `confirmedOnly`, not confirmed) or
 * the signature does not verify.
 */
import type { FastifyRequest } from 'fastify';
import { type OrgPublicKeys, parseOrgPublicKey } from '../share/keys.js';
import { ORG_HEADER, SIGNATURE_HEADER, verifyRequest } from '../share/transport.js';
import type { ServiceStore } from '../store/repositories.js';

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

export async function verifyPartnerRequest(
  store: ServiceStore,
  request: FastifyRequest,
  signed: { readonly path: string; readonly body: Uint8Array; readonly now: string },
  options: { readonly confirmedOnly?: boolean } = {},
): Promise<{ readonly org: string }> {
  const org = header(request, ORG_HEADER);
  let keys: OrgPublicKeys | undefined;
  if (org !== undefined && org.length <= 128) {
    const partner = await store.share.getPartner(org);
    const usable =
      partner !== undefined &&
      (options.confirmedOnly !== true || partner.confirmedAt !== undefined);
    try {
      keys = usable ? parseOrgPublicKey(partner.publicKey) : undefined;
    } catch {
      keys = undefined;
    }
  }
  return verifyRequest(
    { org, signature: header(request, SIGNATURE_HEADER) },
    {
      method: 'POST',
      path: signed.path,
      body: signed.body,
      now: Math.floor(Date.parse(signed.now) / 1000),
    },
    () => keys,
  );
}
