/**
 * Private matching between two instances (docs/psi.md, docs/sharing.md "Private matching"): the
 * asking instance (initiator) learns which of its phones, emails, handles and wallets the
 * answering instance (responder) holds too, and both learn the other's set size; nothing else.
 *
 *   runMatch (A)                                     answerMatch (B, POST /v1/share/psi)
 *   checks partner + agreement, builds the request
 *   signs it (share/transport.ts) and POSTs it   ->  checks partner (registered, confirmed),
 *                                                    agreement (parties, category `indicators`,
 *                                                    purpose, validity), rate limit; answers
 *   finishes, records the session, audits        <-  records the session, audits
 *
 * Both sides refuse partners that nobody confirmed out of band (PARTNER_NOT_CONFIRMED), sessions
 * an agreement does not allow (SHARE_DENIED naming the clause), sets under the minimum size
 * (PSI_REFUSED) and, on the answering side, partners that ask too often or too much
 * (RATE_LIMITED). Audit records hold counts, never identifiers.
 *
 * Pure of IO beyond the store and the `post` function passed in: the clock (`now`) and the
 * randomness (`randomBytes`) are parameters.
 */
import { hex } from '@scure/base';
import { decideExport, type Purpose } from '../share/agreement.js';
import type { OrgKeys, RandomBytes } from '../share/keys.js';
import {
  createPsiSession,
  type PsiItemKind,
  type PsiLimits,
  type PsiRatePolicy,
  type PsiRequest,
  type PsiResponse,
  psiFinish,
  psiItem,
  psiRateLimit,
  psiRequest,
  psiRespondInSlices,
} from '../share/psi.js';
import { signRequest } from '../share/transport.js';
import { ERROR_CODES, type ErrorCode, VigilError } from '../shared/errors.js';
import type { ServiceStore } from './repositories.js';
import type { Partner, PsiRecord } from './share-records.js';
import { agreementById } from './share-service.js';

/** The route partners POST matching requests to. */
export const PSI_PATH = '/v1/share/psi';

/** The identifier kinds matched: the contact and payment selectors. */
export const MATCH_KINDS = [
  'phone',
  'email',
  'handle',
  'wallet',
] as const satisfies readonly PsiItemKind[];

/** How often and how much one partner may ask this instance (responder side). */
export const DEFAULT_PSI_RATE: PsiRatePolicy = {
  windowMs: 24 * 60 * 60 * 1000,
  maxSessions: 10,
  minIntervalMs: 60 * 1000,
  maxItems: 5_000_000,
};

/** What purpose a matching session serves when the caller names none. */
export const DEFAULT_MATCH_PURPOSE: Purpose = 'investigation';

// ---------------------------------------------------------------------------------------------
// This instance's set

export interface OwnMatchItems {
  /** Distinct PSI items (`phone:+1…`, `email:…`, `handle:platform:name`, `wallet:chain:addr`). */
  readonly items: string[];
  /** True when the store holds more than `limit` of them and the rest were left out. */
  readonly truncated: boolean;
  /** Stored identifiers of these kinds that are not in normalised form (never matched). */
  readonly skipped: number;
}

/**
 * This instance's distinct phones, emails, handles and wallets (the identifiers the analysis
 * indexed), as PSI items, at most `limit` of them (in identifier order). An identifier as the
 * store keeps it is already the PSI item (`phone:+12125550147`); psiItem checks its form and
 * identifiers that are not normalised are skipped (they could never match).
 */
export async function ownMatchItems(store: ServiceStore, limit: number): Promise<OwnMatchItems> {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new VigilError('REQUEST_INVALID', 'The limit of matching items must be at least 1.');
  }
  const items: string[] = [];
  let skipped = 0;
  let after: string | undefined;
  // Pages in identifier order, so that identifiers skipped do not shorten the set.
  for (;;) {
    let query = store.db
      .selectFrom('item_identifier')
      .select('identifier')
      .distinct()
      .where((eb) => eb.or(MATCH_KINDS.map((kind) => eb('identifier', 'like', `${kind}:%`))));
    if (after !== undefined) query = query.where('identifier', '>', after);
    const rows = await query.orderBy('identifier').limit(PAGE).execute();
    for (const { identifier } of rows) {
      const colon = identifier.indexOf(':');
      const kind = identifier.slice(0, colon) as PsiItemKind;
      // SQLite's LIKE ignores case; only the exact prefixes count.
      if (!(MATCH_KINDS as readonly string[]).includes(kind)) continue;
      let item: string;
      try {
        item = psiItem(kind, identifier.slice(colon + 1));
      } catch {
        skipped++;
        continue;
      }
      if (items.length === limit) return { items, truncated: true, skipped };
      items.push(item);
    }
    if (rows.length < PAGE) return { items, truncated: false, skipped };
    after = rows[rows.length - 1]?.identifier;
  }
}

/** Identifiers read per query. */
const PAGE = 10_000;

// ---------------------------------------------------------------------------------------------
// Checks both sides make

function requireConfirmed(partner: Partner | undefined, org: string): Partner {
  if (partner === undefined) {
    throw new VigilError(
      'REQUEST_SIGNATURE_INVALID',
      `${org} is not a registered partner of this instance.`,
      { details: { partner: org } },
    );
  }
  if (partner.confirmedAt === undefined) {
    throw new VigilError(
      'PARTNER_NOT_CONFIRMED',
      `The key of partner ${partner.org} has not been confirmed out of band; compare its fingerprint and run \`vigil share partner confirm ${partner.org}\` first.`,
      { details: { partner: partner.org } },
    );
  }
  return partner;
}

/**
 * The agreement must be registered here, name both organisations as parties, be in force and
 * allow `indicators` for the purpose: decideExport throws SHARE_DENIED naming each clause. The
 * markings are the agreement's own ceilings: a matching result is handled under the agreement.
 */
async function requireAgreement(
  store: ServiceStore,
  agreementId: string,
  own: string,
  other: string,
  purpose: string,
  now: string,
): Promise<void> {
  const agreement = await agreementById(store, agreementId);
  decideExport(
    agreement,
    {
      to: other,
      from: own,
      purpose,
      categories: ['indicators'],
      tlp: agreement.maxTlp,
      pap: agreement.papCeiling,
      containsVictimData: false,
    },
    now,
  );
}

const utf8 = new TextEncoder();
const nowMs = (now: string): number => {
  const ms = Date.parse(now);
  if (Number.isNaN(ms)) throw new VigilError('REQUEST_INVALID', `Not a time: ${now}.`);
  return ms;
};

// ---------------------------------------------------------------------------------------------
// Responder

/** What a partner POSTs: the session id, the agreement it runs under, and the PSI request. */
export interface MatchRequestBody {
  readonly session: string;
  readonly agreementId: string;
  /** Why the partner asks; must be one of the agreement's purposes (clause 2). */
  readonly purpose?: string;
  readonly request: PsiRequest;
}

export interface AnswerMatchOptions {
  /** This instance's organisation keys. */
  readonly orgKeys: OrgKeys;
  /** The asking organisation, as the request signature proved it. */
  readonly sender: string;
  readonly agreementId: string;
  /** The partner's purpose; DEFAULT_MATCH_PURPOSE when absent. */
  readonly purpose?: string;
  readonly request: PsiRequest;
  /** ISO 8601. */
  readonly now: string;
  readonly randomBytes: RandomBytes;
  readonly limits?: Partial<PsiLimits>;
  readonly rate?: Partial<PsiRatePolicy>;
}

/** A responder's record also keeps how many items the partner sent (its rate limit counts them). */
type ResponderRecord = PsiRecord & { readonly partnerItems: number };

/**
 * Answers a partner's matching request (responder, B): checks the partner (registered and
 * confirmed), the agreement and the rate limit, then blinds the partner's points and this
 * instance's own items. Records the session and an audit record `share.match.answer` (counts).
 */
export async function answerMatch(
  store: ServiceStore,
  options: AnswerMatchOptions,
): Promise<PsiResponse> {
  const { orgKeys, sender, agreementId, request, now } = options;
  const purpose = options.purpose ?? DEFAULT_MATCH_PURPOSE;
  requireConfirmed(await store.share.getPartner(sender), sender);
  await requireAgreement(store, agreementId, orgKeys.org, sender, purpose, now);

  const at = nowMs(now);
  const policy: PsiRatePolicy = { ...DEFAULT_PSI_RATE, ...options.rate };
  const since = new Date(at - policy.windowMs).toISOString();
  const history = await store.share.psiSince(sender, 'responder', since);
  const session = typeof request?.session === 'string' ? request.session : '';
  const recordId = `psi-in:${sender}:${session}`;
  if (history.some((record) => record.id === recordId)) {
    throw new VigilError('PSI_REFUSED', 'This matching session was answered already.', {
      details: { reason: 'session-replayed' },
    });
  }
  const requested = Array.isArray(request?.points) ? request.points.length : 0;
  const decision = psiRateLimit(
    history.map((record) => ({
      at: Date.parse(record.at),
      items: (record as Partial<ResponderRecord>).partnerItems ?? record.items,
    })),
    at,
    requested,
    policy,
  );
  if (!decision.allowed) {
    throw new VigilError(
      'RATE_LIMITED',
      `Partner ${sender} has asked for matching too ${decision.reason === 'interval' ? 'recently' : 'often or with too many identifiers'}; retry later.`,
      {
        details: {
          reason: decision.reason,
          ...(decision.retryAt !== undefined && {
            retryAt: new Date(decision.retryAt).toISOString(),
            retryAfterSeconds: Math.max(1, Math.ceil((decision.retryAt - at) / 1000)),
          }),
        },
      },
    );
  }

  const psi = createPsiSession(session, options.randomBytes, options.limits);
  const own = await ownMatchItems(store, psi.limits.maxSetSize);
  // In slices with pauses: a large set takes minutes of scalar multiplications, and the server
  // answers other requests meanwhile.
  const response = await psiRespondInSlices(
    psi,
    request,
    own.items,
    options.randomBytes,
    () => new Promise<void>((resolve) => setImmediate(resolve)),
  );

  const record: ResponderRecord = {
    id: recordId,
    partner: sender,
    role: 'responder',
    at: now,
    items: response.points.length,
    agreementId,
    partnerItems: requested,
  };
  await store.transaction(async (trx) => {
    await store.share.savePsi(record, trx);
    await store.audit.record(
      {
        at: now,
        actor: `partner:${sender}`,
        action: 'share.match.answer',
        target: `partner:${sender}`,
        details: {
          session,
          agreementId,
          purpose,
          partnerItems: requested,
          ownItems: response.points.length,
        },
      },
      trx,
    );
  });
  return response;
}

// ---------------------------------------------------------------------------------------------
// Initiator

/** What `post` answers: the HTTP status and the body bytes. */
export interface PostResult {
  readonly status: number;
  readonly body: Uint8Array;
}

export type PostFunction = (
  path: string,
  body: Uint8Array,
  headers: Readonly<Record<string, string>>,
) => Promise<PostResult>;

export interface RunMatchOptions {
  readonly orgKeys: OrgKeys;
  readonly partner: Partner;
  readonly agreementId: string;
  readonly purpose?: Purpose;
  /** Sends the signed request to the partner's PSI_PATH (HTTP, or a test double). */
  readonly post: PostFunction;
  /** ISO 8601. */
  readonly now: string;
  readonly randomBytes: RandomBytes;
  readonly limits?: Partial<PsiLimits>;
  /** Who runs it, for the audit record ("account:<id>"); "system" when absent. */
  readonly actor?: string;
}

export interface MatchResult {
  readonly session: string;
  readonly partner: string;
  readonly agreementId: string;
  /** This instance's identifiers the partner holds too, in identifier order. */
  readonly intersection: readonly string[];
  /** How many identifiers this instance put in. */
  readonly ownSize: number;
  /** How many the partner put in. */
  readonly partnerSize: number;
  /** True when this instance holds more identifiers than one session takes (maxSetSize). */
  readonly truncated: boolean;
}

/**
 * Runs a matching session with a partner (initiator, A): checks the partner and the agreement,
 * sends this instance's blinded identifiers signed with its organisation key, finishes with the
 * answer, and records the session and an audit record `share.match.run` (counts only). Returns
 * the identifiers in common. A refusal by the partner is thrown with the partner's error code
 * when it is one of Vigil's (e.g. RATE_LIMITED, PSI_REFUSED, SHARE_DENIED), else DELIVERY_FAILED.
 */
export async function runMatch(
  store: ServiceStore,
  options: RunMatchOptions,
): Promise<MatchResult> {
  const { orgKeys, agreementId, now } = options;
  const purpose = options.purpose ?? DEFAULT_MATCH_PURPOSE;
  const partner = requireConfirmed(options.partner, options.partner.org);
  await requireAgreement(store, agreementId, orgKeys.org, partner.org, purpose, now);

  const sessionId = `psi_${hex.encode(options.randomBytes(16))}`;
  const psi = createPsiSession(sessionId, options.randomBytes, options.limits);
  const own = await ownMatchItems(store, psi.limits.maxSetSize);
  const { request, pending } = psiRequest(psi, own.items, options.randomBytes);
  const body: MatchRequestBody = { session: sessionId, agreementId, purpose, request };
  const bytes = utf8.encode(JSON.stringify(body));
  const headers = {
    ...signRequest(orgKeys, {
      method: 'POST',
      path: PSI_PATH,
      body: bytes,
      time: Math.floor(nowMs(now) / 1000),
    }),
    'content-type': 'application/json',
  };
  const answer = await options.post(PSI_PATH, bytes, headers);
  const parsed = parseJson(answer.body);
  if (answer.status !== 200) throw partnerRefusal(partner.org, answer.status, parsed);
  const result = psiFinish(psi, pending, parsed as PsiResponse);

  const record: PsiRecord = {
    id: `psi-out:${partner.org}:${sessionId}`,
    partner: partner.org,
    role: 'initiator',
    at: now,
    items: result.ownSize,
    agreementId,
    matched: result.intersection.length,
  };
  await store.transaction(async (trx) => {
    await store.share.savePsi(record, trx);
    await store.audit.record(
      {
        at: now,
        actor: options.actor ?? 'system',
        action: 'share.match.run',
        target: `partner:${partner.org}`,
        details: {
          session: sessionId,
          agreementId,
          purpose,
          ownItems: result.ownSize,
          partnerItems: result.partnerSize,
          matched: result.intersection.length,
          ...(own.truncated && { truncated: true }),
        },
      },
      trx,
    );
  });
  return {
    session: sessionId,
    partner: partner.org,
    agreementId,
    intersection: [...result.intersection],
    ownSize: result.ownSize,
    partnerSize: result.partnerSize,
    truncated: own.truncated,
  };
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

/** The partner's problem (RFC 9457) as a VigilError of the same code, when it is one of ours. */
function partnerRefusal(org: string, status: number, problem: unknown): VigilError {
  const fields = (problem ?? {}) as { code?: unknown; detail?: unknown; details?: unknown };
  const known =
    typeof fields.code === 'string' && (ERROR_CODES as readonly string[]).includes(fields.code);
  // A partner's own failure (5xx) is not ours to report as such: the delivery failed.
  const code: ErrorCode = known && status < 500 ? (fields.code as ErrorCode) : 'DELIVERY_FAILED';
  const detail = typeof fields.detail === 'string' ? fields.detail.slice(0, 500) : undefined;
  const details =
    fields.details !== null && typeof fields.details === 'object'
      ? (fields.details as Record<string, unknown>)
      : {};
  return new VigilError(
    code,
    `Partner ${org} refused the matching request (HTTP ${status})${detail === undefined ? '.' : `: ${detail}`}`,
    { details: { ...details, partner: org, status } },
  );
}
