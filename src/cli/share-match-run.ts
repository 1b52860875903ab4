/**
 * The work of `vigil share match` (registered in share-match.ts): opens the configured store,
 * checks the acting account (`share:use`), the partner (registered, confirmed, with an http(s)
 * URL) and runs store/share-match.ts runMatch over HTTP to the partner's POST /v1/share/psi.
 */
import { randomBytes } from 'node:crypto';
import type { Purpose } from '../share/agreement.js';
import { VigilError } from '../shared/errors.js';
import { requireOrgKeys } from '../store/org-keys.js';
import { partnerPost } from '../store/share-delivery.js';
import { runMatch } from '../store/share-match.js';
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
