/**
 * Requests to partner instances: `partnerPost`, the one HTTP client for them (no redirects, a
 * timeout, a bounded answer), used to deliver packages to a partner's inbox and to run private
 * matching. A delivery is signed with this organisation's key (share/transport.ts); the package
 * was recorded when it was made, and a delivered one is marked `sent`.
 */

import type { OrgKeys } from '../share/keys.js';
import { PACKAGE_MEDIA_TYPE } from '../share/package.js';
import { signRequest } from '../share/transport.js';
import { VigilError } from '../shared/errors.js';
import type { ServiceStore } from './repositories.js';
import type { PostFunction } from './share-match.js';
import type { SharePackageRecord } from './share-records.js';

export const INBOX_PATH = '/v1/share/inbox';
const TIMEOUT_MS = 120_000;
/** The inbox answers with a package record: far below this. */
const MAX_INBOX_ANSWER = 1024 * 1024;

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
  const post = partnerPost(partner.url, { timeoutMs: TIMEOUT_MS, maxBytes: MAX_INBOX_ANSWER });
  const answer = await post(INBOX_PATH, bytes, { ...headers, 'content-type': PACKAGE_MEDIA_TYPE });
  if (answer.status < 200 || answer.status > 299) {
    let problem: { code?: string; detail?: string } = {};
    try {
      problem = JSON.parse(new TextDecoder().decode(answer.body)) as typeof problem;
    } catch {
      problem = {};
    }
    throw new VigilError(
      'DELIVERY_FAILED',
      `${record.partner} refused package ${record.id}: HTTP ${answer.status}${problem.code === undefined ? '' : ` ${problem.code}`}${problem.detail === undefined ? '' : `: ${String(problem.detail).slice(0, 500)}`}.`,
      {
        details: {
          status: answer.status,
          ...(problem.code !== undefined && { code: problem.code }),
        },
      },
    );
  }
  const sent: SharePackageRecord = { ...record, status: 'sent' };
  await store.share.savePackage(sent);
  return sent;
}

/** The largest answer read: a million points each way is about 95 MB of JSON. */
export const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/**
 * A `post` for runMatch over HTTP(S) to a partner's base URL: no redirects (a signed request
 * goes where the registry says, nowhere else), a timeout, and a bounded answer.
 */
export function partnerPost(
  baseUrl: string,
  options: { readonly timeoutMs: number; readonly maxBytes?: number },
): PostFunction {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    base = new URL('invalid:');
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new VigilError(
      'CONFIG_INVALID',
      `The partner URL ${baseUrl} is not an http or https URL; register the partner’s instance URL.`,
      { details: { setting: 'partner url' } },
    );
  }
  const maxBytes = options.maxBytes ?? MAX_ANSWER_BYTES;
  const root = base.href.replace(/\/+$/, '');
  return async (path, body, headers) => {
    const target = `${root}${path}`;
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { ...headers },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      return { status: response.status, body: await readBounded(response, maxBytes) };
    } catch (error) {
      if (error instanceof VigilError) throw error;
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new VigilError(
        'DELIVERY_FAILED',
        timedOut
          ? `The partner at ${root} did not answer within ${Math.round(options.timeoutMs / 1000)} s; try again later or with a longer --timeout.`
          : `The partner at ${root} could not be reached (or redirected the request, which is refused).`,
        { cause: error, details: { url: root } },
      );
    }
  };
}

async function readBounded(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(maxBytes);
  }
  if (response.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

const tooLarge = (maxBytes: number) =>
  new VigilError(
    'DELIVERY_FAILED',
    `The partner’s answer is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB; refused.`,
  );
