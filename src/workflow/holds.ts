/**
 * Preservation holds: a legal obligation to keep data, with its basis, scope and expiry. Pure:
 * every time is passed in. Data under an active hold must not be deleted (`isHeld`).
 *
 * Durations and their sources (../shared/reference/compliance.md, evidence-and-sharing.md):
 * - `cybertipline-report`: 18 U.S.C. 2258A(h)(1) as amended by the REPORT Act (Pub. L. 118-59
 *   §3(1), 2024): a completed CyberTipline submission "shall be treated as a request to preserve
 *   the contents provided in the report for 1 year" (compliance.md §4.1). Not renewable; longer
 *   voluntary preservation under (h)(5) is a separate decision (a `litigation`-style hold).
 * - `2703f`: 18 U.S.C. 2703(f)(2): "90 days, which shall be extended for an additional 90-day
 *   period upon a renewed request by the governmental entity" (compliance.md §4.4): one renewal.
 * - `e-evidence-preservation`: Regulation (EU) 2023/1543 Art. 11: the obligation ceases after
 *   60 days unless a subsequent production request is confirmed (Annex V); it can be extended
 *   once by 30 days (Annex VI) (evidence-and-sharing.md, "EU e-Evidence Regulation"). A
 *   confirmed production request is not modelled here: record it as a new hold.
 * - `litigation`: no statutory period; it lasts until released.
 */
import { z } from 'zod';
import {
  DAY_MS,
  type Issue,
  instantMs,
  instantSchema,
  invalid,
  isoOf,
  parseOrThrow,
  requireInstant,
} from './notices.js';

export const HOLD_BASES = [
  'cybertipline-report',
  '2703f',
  'e-evidence-preservation',
  'litigation',
] as const;
export type HoldBasis = (typeof HOLD_BASES)[number];

interface Rule {
  /** How long the hold lasts from its start, or null for "until released". */
  period: { days: number } | { years: number } | null;
  /** Renewals allowed and how long each adds; null when it cannot be renewed. */
  renewal: { max: number; days: number } | null;
  citation: string;
}

export const HOLD_RULES: Record<HoldBasis, Rule> = {
  'cybertipline-report': {
    period: { years: 1 },
    renewal: null,
    citation: '18 U.S.C. 2258A(h)(1) as amended by the REPORT Act 2024 (1 year from the report)',
  },
  '2703f': {
    period: { days: 90 },
    renewal: { max: 1, days: 90 },
    citation: '18 U.S.C. 2703(f)(2) (90 days, extended once by 90 days upon a renewed request)',
  },
  'e-evidence-preservation': {
    period: { days: 60 },
    renewal: { max: 1, days: 30 },
    citation: 'Regulation (EU) 2023/1543 Art. 11 (60 days, extendable once by 30 days)',
  },
  litigation: {
    period: null,
    renewal: null,
    citation: 'litigation hold (lasts until released by counsel)',
  },
};

const id = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-zA-Z0-9_.:-]+$/, 'may hold only letters, digits, ".", ":", "-" and "_"');
const ids = z.array(id).max(10_000).default([]);

export const holdSchema = z
  .strictObject({
    id,
    basis: z.enum(HOLD_BASES),
    /** What is preserved. At least one id. */
    scope: z.strictObject({ itemIds: ids, evidenceIds: ids, accountIds: ids, caseIds: ids }),
    /** The report time (CyberTipline), the request's receipt (2703(f), EPOC-PR) or the hold notice. */
    start: instantSchema,
    /** Who asked and their reference (agency, file number, CyberTip report id, matter). */
    reference: z.string().trim().min(1).max(500).optional(),
    /** When each renewal was received. */
    renewals: z.array(instantSchema).max(10).default([]),
    releasedAt: instantSchema.optional(),
    releaseReason: z.string().trim().min(1).max(1000).optional(),
  })
  .superRefine((h, ctx) => {
    const add = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    const s = h.scope;
    if (s.itemIds.length + s.evidenceIds.length + s.accountIds.length + s.caseIds.length === 0) {
      add(
        'scope',
        'name what is held: at least one of itemIds, evidenceIds, accountIds or caseIds',
      );
    }
    const max = HOLD_RULES[h.basis].renewal?.max ?? 0;
    if (h.renewals.length > max) {
      add(
        'renewals',
        `${HOLD_RULES[h.basis].citation} allows ${max} renewal(s); found ${h.renewals.length}`,
      );
    }
    if (h.releasedAt !== undefined && instantMs(h.releasedAt) < instantMs(h.start)) {
      add('releasedAt', `the release ${h.releasedAt} is before the start ${h.start}`);
    }
    if ((h.releasedAt === undefined) !== (h.releaseReason === undefined)) {
      add('releaseReason', 'a released hold needs both releasedAt and releaseReason');
    }
  });
export type HoldInput = z.input<typeof holdSchema>;
export type Hold = z.infer<typeof holdSchema>;

export function parseHold(input: unknown): Hold {
  return parseOrThrow(holdSchema, input, 'hold');
}

function addYearsMs(ms: number, years: number): number {
  const d = new Date(ms);
  // 29 February + 1 year rolls over to 1 March: the later day, so the data is kept longer.
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
}

/** The statutory expiry, ignoring a release; null for holds that last until released. */
function statutoryExpiryMs(h: Hold): number | null {
  const rule = HOLD_RULES[h.basis];
  if (rule.period === null) return null;
  const start = instantMs(h.start);
  const base =
    'years' in rule.period
      ? addYearsMs(start, rule.period.years)
      : start + rule.period.days * DAY_MS;
  return base + h.renewals.length * (rule.renewal?.days ?? 0) * DAY_MS;
}

function endMs(h: Hold): number | null {
  const statutory = statutoryExpiryMs(h);
  const released = h.releasedAt === undefined ? null : instantMs(h.releasedAt);
  if (released === null) return statutory;
  return statutory === null ? released : Math.min(statutory, released);
}

/**
 * When the hold ends (ISO 8601 UTC): the statutory expiry including renewals, or the release if
 * earlier; null for a litigation hold that has not been released.
 */
export function holdExpiry(input: unknown): string | null {
  const end = endMs(parseHold(input));
  return end === null ? null : isoOf(end);
}

function isActive(h: Hold, nowMs: number): boolean {
  const end = endMs(h);
  return end === null || nowMs < end;
}

/** Renew (extend) a hold upon a renewed request received at `now`. Refuses what the law does not allow. */
export function renewHold(input: unknown, now: string): Hold {
  const nowMs = requireInstant(now, 'now');
  const h = parseHold(input);
  const rule = HOLD_RULES[h.basis];
  const fail = (message: string): never => invalid('renewal', [{ path: 'renewals', message }]);
  if (h.releasedAt !== undefined) {
    fail(`hold ${h.id} was released on ${h.releasedAt}; create a new hold instead`);
  }
  if (rule.renewal === null) {
    fail(
      h.basis === 'litigation'
        ? `a litigation hold has no expiry to extend; it lasts until released`
        : `${rule.citation} provides no renewal; to keep the data longer, record a separate hold on its own legal basis`,
    );
  }
  const max = rule.renewal?.max ?? 0;
  if (h.renewals.length >= max) {
    fail(
      `${rule.citation} allows ${max} renewal(s) and hold ${h.id} was already renewed on ${h.renewals.join(', ')}; a further request needs new legal process (e.g. a court order or warrant)`,
    );
  }
  const expiry = statutoryExpiryMs(h);
  if (expiry !== null && nowMs >= expiry) {
    fail(
      `hold ${h.id} expired on ${isoOf(expiry)}; a renewal must be received before the expiry — record a new request as a new hold`,
    );
  }
  if (nowMs < instantMs(h.start)) {
    fail(`the renewal time ${now} is before the hold's start ${h.start}`);
  }
  return { ...h, renewals: [...h.renewals, isoOf(nowMs)] };
}

/** Release a hold at `now` (the requester withdrew it, counsel lifted it). */
export function releaseHold(input: unknown, now: string, reason: string): Hold {
  const nowMs = requireInstant(now, 'now');
  const h = parseHold(input);
  const issues: Issue[] = [];
  if (h.releasedAt !== undefined)
    issues.push({
      path: 'releasedAt',
      message: `hold ${h.id} was already released on ${h.releasedAt}`,
    });
  if (nowMs < instantMs(h.start))
    issues.push({
      path: 'now',
      message: `the release time ${now} is before the hold's start ${h.start}`,
    });
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 1000)
    issues.push({
      path: 'releaseReason',
      message:
        'give the reason for the release (1 to 1000 characters), e.g. "request withdrawn by agency"',
    });
  if (issues.length > 0) invalid('release', issues);
  return { ...h, releasedAt: isoOf(nowMs), releaseReason: reason.trim() };
}

export type HoldTarget =
  | { kind: 'item'; id: string }
  | { kind: 'evidence'; id: string }
  | { kind: 'account'; id: string }
  /** A whole case: its evidence and its victims' records are kept (retention). */
  | { kind: 'case'; id: string };

/**
 * The active holds on `target` at `now`. A hold counts from the moment it is recorded (its
 * start is not checked, to err on the side of keeping data) until it expires or is released.
 */
export function holdsOn(target: HoldTarget, holds: readonly unknown[], now: string): Hold[] {
  const nowMs = requireInstant(now, 'now');
  const key = {
    item: 'itemIds',
    evidence: 'evidenceIds',
    account: 'accountIds',
    case: 'caseIds',
  } as const;
  const field = key[target.kind];
  if (field === undefined)
    invalid('target', [
      { path: 'kind', message: 'must be "item", "evidence", "account" or "case"' },
    ]);
  return holds
    .map(parseHold)
    .filter((h) => isActive(h, nowMs) && h.scope[field].includes(target.id));
}

/** Whether `target` is under an active hold at `now`: if so it must not be deleted. */
export function isHeld(target: HoldTarget, holds: readonly unknown[], now: string): boolean {
  return holdsOn(target, holds, now).length > 0;
}

export interface Reminder {
  holdId: string;
  basis: HoldBasis;
  expiresAt: string;
  daysLeft: number;
  /** What can be done before the expiry, citing the rule. */
  action: string;
}

/** Active holds that expire within `leadDays` days of `now`, soonest first. */
export function remindersDue(holds: readonly unknown[], now: string, leadDays: number): Reminder[] {
  const nowMs = requireInstant(now, 'now');
  if (!Number.isInteger(leadDays) || leadDays < 0 || leadDays > 366) {
    invalid('reminder request', [
      {
        path: 'leadDays',
        message: `must be a whole number of days from 0 to 366; got ${leadDays}`,
      },
    ]);
  }
  const out: Reminder[] = [];
  for (const h of holds.map(parseHold)) {
    const end = endMs(h);
    if (end === null || h.releasedAt !== undefined || end <= nowMs) continue;
    if (end - nowMs > leadDays * DAY_MS) continue;
    const rule = HOLD_RULES[h.basis];
    const left = rule.renewal ? rule.renewal.max - h.renewals.length : 0;
    const action =
      rule.renewal && left > 0
        ? `${rule.citation}: the requester may renew it ${left} more time(s) by ${rule.renewal.days} days before it expires; otherwise the data may then be deleted unless another hold applies`
        : `${rule.citation}: no renewal is left; the data may be deleted after expiry unless another hold applies`;
    out.push({
      holdId: h.id,
      basis: h.basis,
      expiresAt: isoOf(end),
      daysLeft: Math.floor(((end - nowMs) / DAY_MS) * 10) / 10,
      action,
    });
  }
  return out.sort((a, b) =>
    a.expiresAt === b.expiresAt
      ? a.holdId < b.holdId
        ? -1
        : 1
      : a.expiresAt < b.expiresAt
        ? -1
        : 1,
  );
}
