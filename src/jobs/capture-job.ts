/**
 * The `capture` job: an online capture a case member asked for from the console or the API
 * (store/evidence-service.ts requestCapture). The page is loaded and its files sealed BEFORE
 * the job's transaction (prepare): a page may take half a minute, and sealing appends custody
 * events in the ledger's own transactions, which on SQLite could not run inside the job's.
 * The commit records which evidence the capture produced in the case's audit trail.
 *
 * The requester must still be able to change the case when the job runs: a member removed
 * meanwhile gets nothing captured in their name. By default the browser may reach public
 * addresses only (no loopback, private or link-local networks: the service must not become a
 * way into the network it runs in); `allowPrivateNetworks` lifts that for tests and for
 * deployments that capture intranet pages on purpose.
 */
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { VigilError } from '../shared/errors.js';
import { caseAudit, requireCaseAccess } from '../store/case-service.js';
import { CAPTURE_JOB, capturePayload } from '../store/evidence-service.js';
import type { Executor, Job, ServiceStore } from '../store/repositories.js';
import { lazyStoreVault } from '../store/vault.js';
import { type CaptureResult, capturePage } from './page-capture.js';
import type { JobContext, TwoPhaseHandler } from './runtime.js';

export { CAPTURE_JOB };

export interface CaptureJobOptions {
  readonly store: ServiceStore;
  /** The data folder holding the evidence files and the log's signing key. */
  readonly dataDir: string;
  /** The Chromium executable. */
  readonly chromium: string;
  readonly version: string;
  readonly allowPrivateNetworks?: boolean;
  readonly timeoutMs?: number;
}

/** IPv4 ranges that are not the public internet (RFC 6890 special-purpose registry). */
const PRIVATE_V4: readonly [number, number][] = [
  [0x00000000, 8], // "this" network
  [0x0a000000, 8], // private
  [0x64400000, 10], // shared address space (carrier NAT)
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local, cloud metadata services
  [0xac100000, 12], // private
  [0xc0000000, 24], // IETF protocol assignments
  [0xc0a80000, 16], // private
  [0xc6120000, 15], // benchmarking
  [0xe0000000, 3], // multicast and reserved
];

function v4Number(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Whether an IP address is on the public internet. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) {
    const n = v4Number(address);
    return !PRIVATE_V4.some(
      ([base, bits]) => Math.floor(n / 2 ** (32 - bits)) === base / 2 ** (32 - bits),
    );
  }
  if (family !== 6) return false;
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1] !== undefined) return isPublicAddress(mapped[1]);
  if (lower === '::' || lower === '::1') return false;
  // fc00::/7 unique local, fe80::/10 link-local, ff00::/8 multicast.
  return !/^(f[cd]|fe[89ab]|ff)/.test(lower);
}

/** Allows a request when every address its host resolves to is public. */
export async function publicOnly(url: URL): Promise<boolean> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return isPublicAddress(host);
  try {
    const addresses = await lookup(host, { all: true, verbatim: true });
    return addresses.length > 0 && addresses.every(({ address }) => isPublicAddress(address));
  } catch {
    return false;
  }
}

interface Captured {
  readonly caseId: string;
  readonly requestedBy: string;
  readonly result: Pick<CaptureResult, 'status' | 'blocked' | 'images'> & {
    readonly evidence: readonly string[];
  };
}

export function createCaptureHandler(options: CaptureJobOptions): TwoPhaseHandler {
  const { store } = options;
  const openVault = lazyStoreVault(store, {
    dataDir: options.dataDir,
    tool: { name: 'vigil', version: options.version },
    randomBytes: (size) => new Uint8Array(randomBytes(size)),
  });

  return {
    async prepare(job: Job, context: JobContext): Promise<Captured> {
      const payload = capturePayload(job.payload);
      if (payload === undefined) {
        throw new VigilError('REQUEST_INVALID', 'The capture job carries no valid request.');
      }
      const account = await store.accounts.getAccount(payload.requestedBy);
      if (account === undefined || account.disabledAt !== undefined) {
        throw new VigilError(
          'FORBIDDEN',
          'The account that asked for this capture no longer exists or is disabled.',
        );
      }
      await requireCaseAccess(
        store,
        payload.caseId,
        { id: account.id, roles: account.roles },
        'write',
      );
      const result = await capturePage({
        url: payload.url,
        caseId: payload.caseId,
        purpose: payload.purpose,
        ...(payload.legalBasis !== undefined && { legalBasis: payload.legalBasis }),
        actor: { id: payload.actor },
        vault: await openVault(),
        version: options.version,
        chromium: options.chromium,
        ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
        now: () => new Date(context.now),
        ...(options.allowPrivateNetworks !== true && { allowRequest: publicOnly }),
      });
      return {
        caseId: payload.caseId,
        requestedBy: payload.requestedBy,
        result: {
          status: result.status,
          blocked: result.blocked,
          images: result.images,
          evidence: result.files.map((file) => file.id),
        },
      };
    },

    async commit(job: Job, prepared: unknown, trx: Executor, context: JobContext) {
      const { caseId, requestedBy, result } = prepared as Captured;
      await caseAudit(
        store,
        { accountId: requestedBy, actor: `account:${requestedBy}`, roles: [], requestId: job.id },
        context.now,
        'case.capture.done',
        caseId,
        {
          jobId: job.id,
          evidence: result.evidence,
          httpStatus: result.status,
          blockedRequests: result.blocked.length,
        },
        trx,
      );
    },
  };
}
