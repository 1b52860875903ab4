/**
 * The work of `vigil share match` (registered in share-match.ts): opens the configured store,
 * checks the acting account (`share:use`), the partner (registered, confirmed, with an http(s)
 * URL) and runs store/share-match.ts runMatch over HTTP to the partner's POST /v1/share/psi.
 */
import { randomBytes } from 'node:crypto';
import type { Purpose } from '../share/agreement.js';
import { VigilError } from '../shared/errors.js';
import { requireOrgKeys } from '../store/org-keys.js';
import { type PostFunction, runMatch } from '../store/share-match.js';
import { actingAccount, actorOf, json } from './acting.js';
import { configOf, openStore, type ServiceFlags, type ServiceIo } from './service-run.js';

export type ShareMatchFlags = ServiceFlags & {
  readonly agreement: string;
  readonly as: string;
  readonly purpose: Purpose;
  /** Seconds. */
  readonly timeout: number;
  readonly json: boolean;
};

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

export async function shareMatch(
  org: string,
  flags: ShareMatchFlags,
  io: ServiceIo,
): Promise<void> {
  const config = configOf(flags, io);
  const store = await openStore(config);
  try {
    const account = await actingAccount(store, flags.as, 'share:use');
    const partner = await store.share.getPartner(org);
    if (partner === undefined) {
      throw new VigilError(
        'NOT_FOUND',
        `No partner ${org} is registered; add it with \`vigil share partner add\` and confirm its fingerprint.`,
        { details: { partner: org } },
      );
    }
    if (partner.url === undefined) {
      throw new VigilError(
        'CONFIG_INVALID',
        `No URL is registered for partner ${org}: matching needs its instance’s URL.`,
        { details: { setting: 'partner url' } },
      );
    }
    const result = await runMatch(store, {
      orgKeys: await requireOrgKeys(config.dataDir),
      partner,
      agreementId: flags.agreement,
      purpose: flags.purpose,
      post: partnerPost(partner.url, { timeoutMs: flags.timeout * 1000 }),
      now: io.now().toISOString(),
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      actor: actorOf(account),
    });
    if (flags.json) {
      io.stdout.write(json(result));
      return;
    }
    io.stdout.write(
      `Matched with ${result.partner} under ${result.agreementId} (session ${result.session}): ` +
        `${result.intersection.length} in common; we put in ${result.ownSize}, ` +
        `the partner ${result.partnerSize}.\n`,
    );
    if (result.truncated) {
      io.stdout.write(
        `Only the first ${result.ownSize} identifiers were matched (the most one session takes).\n`,
      );
    }
    for (const identifier of result.intersection) io.stdout.write(`${identifier}\n`);
  } finally {
    await store.db.destroy();
  }
}
