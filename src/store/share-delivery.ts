/**
 * Delivery of a package to a partner's inbox (`POST /v1/share/inbox` on its instance): signed
 * with this organisation's key (share/transport.ts), no redirects, a timeout. The package was
 * recorded when it was made; a delivered one is marked `sent`.
 */

import type { OrgKeys } from '../share/keys.js';
import { PACKAGE_MEDIA_TYPE } from '../share/package.js';
import { signRequest } from '../share/transport.js';
import { VigilError } from '../shared/errors.js';
import type { ServiceStore } from './repositories.js';
import type { SharePackageRecord } from './share-records.js';

export const INBOX_PATH = '/v1/share/inbox';
const TIMEOUT_MS = 120_000;

export async function deliverPackage(
  store: ServiceStore,
  keys: OrgKeys,
  record: SharePackageRecord,
  bytes: Uint8Array,
  now: Date,
): Promise<SharePackageRecord> {
  const partner = await store.share.getPartner(record.partner);
  if (partner?.url === undefined) {
    throw new VigilError(
      'REQUEST_INVALID',
      `No URL is registered for ${record.partner}: hand over the package file instead.`,
      { details: { field: 'to' } },
    );
  }
  const headers = signRequest(keys, {
    method: 'POST',
    path: INBOX_PATH,
    body: bytes,
    time: Math.floor(now.getTime() / 1000),
  });
  let response: Response;
  try {
    response = await fetch(`${partner.url}${INBOX_PATH}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': PACKAGE_MEDIA_TYPE },
      body: bytes,
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new VigilError(
      'DELIVERY_FAILED',
      `The inbox of ${record.partner} at ${partner.url} did not answer; the package ${record.id} is kept: try again, or hand over the file.`,
      { cause: error },
    );
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
    throw new VigilError(
      'DELIVERY_FAILED',
      `${record.partner} refused package ${record.id}: HTTP ${response.status}${problem.code === undefined ? '' : ` ${problem.code}`}${problem.detail === undefined ? '' : `: ${problem.detail.slice(0, 500)}`}.`,
      {
        details: {
          status: response.status,
          ...(problem.code !== undefined && { code: problem.code }),
        },
      },
    );
  }
  const sent: SharePackageRecord = { ...record, status: 'sent' };
  await store.share.savePackage(sent);
  return sent;
}
