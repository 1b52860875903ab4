/**
 * Transparency report aggregates (DSA Arts 15(1) and 24(1); the templates of Implementing
 * Regulation (EU) 2024/2835, Annex I). Pure: no IO, no clock; the period is passed in.
 *
 * Sources (../shared/reference/compliance.md §3.1.7 and §3.4, the Annex I CSV parts):
 * - Part 4 (notices): number of notices, from trusted flaggers, "median time to take action"
 *   (total and trusted flaggers).
 * - Part 5 (own-initiative measures): number of measures, those after detection by solely
 *   automated means, and the measures by restriction (visibility, monetary, provision, account).
 * - Part 7 (complaints): upheld / partially reversed / reversed and the median time.
 * - Part 8 (automated means): measures taken by solely automated means vs not.
 * This is not the Annex I template itself: it gives the numbers from which its cells are filled.
 *
 * Counting rules (an item outside the period [from, to) is left out):
 * - a notice counts in the period of its `receivedAt`, a decision of its `decidedAt`;
 * - an appeal counts as received in the period of its `filedAt` and as decided in the period of
 *   its `decidedAt` (so an appeal filed in one period and decided in the next counts in both);
 * - time to action runs from the notice's receipt to the decision on it, for decisions in the
 *   period; the notice itself may have been received earlier (pass it in `notices`);
 * - a measure with several restrictions counts once under each: the `byRestriction` counts can
 *   sum to more than the number of measures (`none` counts measures with no restriction).
 */
import { z } from 'zod';
import { APPEAL_OUTCOMES, RESTRICTIONS } from './appeals.js';
import {
  instantMs,
  instantSchema,
  invalid,
  NOTIFIER_TYPES,
  parseOrThrow,
  requireInstant,
} from './notices.js';

/** Upper bound on the items of one report run. */
export const MAX_REPORT_ITEMS = 1_000_000;

const id = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-zA-Z0-9_.:-]+$/, 'may hold only letters, digits, ".", ":", "-" and "_"');
/** A category: a DSA category or keyword, or the platform's own wording (free text). */
const category = z.string().trim().min(1, 'must not be empty').max(200);

export const reportNoticeSchema = z.strictObject({
  id,
  notifierType: z.enum(NOTIFIER_TYPES),
  receivedAt: instantSchema,
  category,
});
export type ReportNotice = z.infer<typeof reportNoticeSchema>;

export const DECISION_SOURCES = ['notice', 'own-initiative'] as const;

export const reportDecisionSchema = z
  .strictObject({
    id,
    decidedAt: instantSchema,
    source: z.enum(DECISION_SOURCES),
    /** The notice decided upon (source `notice`). */
    noticeId: id.optional(),
    /** The content was detected by automated means. */
    automatedDetection: z.boolean(),
    /** The decision was taken solely by automated means. */
    automatedDecision: z.boolean(),
    restrictions: z
      .array(z.enum(RESTRICTIONS))
      .max(RESTRICTIONS.length)
      .refine((r) => new Set(r).size === r.length, 'must not list a restriction twice'),
    category,
  })
  .superRefine((d, ctx) => {
    if ((d.source === 'notice') !== (d.noticeId !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['noticeId'],
        message: 'give the noticeId for a decision on a notice, and none for an own-initiative one',
      });
    }
  });
export type ReportDecision = z.infer<typeof reportDecisionSchema>;

export const reportAppealSchema = z
  .strictObject({
    id,
    filedAt: instantSchema,
    decidedAt: instantSchema.optional(),
    outcome: z.enum(APPEAL_OUTCOMES).optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.decidedAt === undefined) !== (a.outcome === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['outcome'],
        message: 'a decided appeal has both decidedAt and outcome; a pending one has neither',
      });
    } else if (a.decidedAt !== undefined && instantMs(a.decidedAt) < instantMs(a.filedAt)) {
      ctx.addIssue({
        code: 'custom',
        path: ['decidedAt'],
        message: `the decision ${a.decidedAt} is before the filing ${a.filedAt}`,
      });
    }
  });
export type ReportAppeal = z.infer<typeof reportAppealSchema>;

export const reportInputSchema = z.strictObject({
  period: z.strictObject({ from: instantSchema, to: instantSchema }),
  notices: z.array(reportNoticeSchema).max(MAX_REPORT_ITEMS).default([]),
  decisions: z.array(reportDecisionSchema).max(MAX_REPORT_ITEMS).default([]),
  appeals: z.array(reportAppealSchema).max(MAX_REPORT_ITEMS).default([]),
});
export type ReportInput = z.input<typeof reportInputSchema>;

type Counts<K extends string> = Record<K, number>;

export interface TransparencyReport {
  period: { from: string; to: string };
  notices: {
    total: number;
    byNotifierType: Counts<(typeof NOTIFIER_TYPES)[number]>;
    /** Categories in code-point order. */
    byCategory: Record<string, number>;
  };
  decisions: {
    total: number;
    bySource: Counts<(typeof DECISION_SOURCES)[number]>;
    /** Decisions taken solely by automated means, and their share of all decisions (null if none). */
    automated: number;
    automatedShare: number | null;
    /** Decisions on a notice not passed in `notices`: left out of the median times. */
    noticeNotFound: number;
  };
  ownInitiative: {
    total: number;
    byRestriction: Counts<(typeof RESTRICTIONS)[number] | 'none'>;
    byDetection: { automated: number; manual: number };
    byCategory: Record<string, number>;
  };
  /** Milliseconds from the notice's receipt to the decision; null when there is none. */
  medianTimeToActionMs: { all: number | null; trustedFlagger: number | null };
  appeals: {
    received: number;
    decided: number;
    byOutcome: Counts<(typeof APPEAL_OUTCOMES)[number]>;
    /** Milliseconds from filing to decision, over the appeals decided in the period. */
    medianHandlingTimeMs: number | null;
  };
}

/** The median of `values` (the mean of the two middle ones for an even count); null if empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  if (s.length % 2 === 1) return s[mid] as number;
  const lo = s[mid - 1] as number;
  const hi = s[mid] as number;
  const m = lo + (hi - lo) / 2;
  // Clamped so rounding (or an overflow of hi - lo) never takes it out of [lo, hi].
  return Math.min(Math.max(Number.isFinite(m) ? m : lo / 2 + hi / 2, lo), hi);
}

const zeros = <K extends string>(keys: readonly K[]): Counts<K> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Counts<K>;

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** Aggregate notices, decisions and appeals over the period [from, to). */
export function transparencyReport(input: unknown): TransparencyReport {
  const r = parseOrThrow(reportInputSchema, input, 'transparency report input');
  const from = requireInstant(r.period.from, 'period.from');
  const to = requireInstant(r.period.to, 'period.to');
  if (to <= from) {
    invalid('transparency report input', [
      {
        path: 'period.to',
        message: `the period ends (${r.period.to}) at or before it starts (${r.period.from}); "to" is exclusive and must be later than "from"`,
      },
    ]);
  }
  const inPeriod = (t: string): boolean => {
    const ms = instantMs(t);
    return ms >= from && ms < to;
  };

  const noticeById = new Map<string, ReportNotice>();
  for (const n of r.notices) {
    if (noticeById.has(n.id)) {
      invalid('transparency report input', [
        { path: 'notices', message: `notice id ${n.id} appears twice; pass each notice once` },
      ]);
    }
    noticeById.set(n.id, n);
  }

  const notices = {
    total: 0,
    byNotifierType: zeros(NOTIFIER_TYPES),
    byCategory: {} as Record<string, number>,
  };
  for (const n of r.notices) {
    if (!inPeriod(n.receivedAt)) continue;
    notices.total += 1;
    bump(notices.byNotifierType, n.notifierType);
    bump(notices.byCategory, n.category);
  }

  const decisions = {
    total: 0,
    bySource: zeros(DECISION_SOURCES),
    automated: 0,
    automatedShare: null as number | null,
    noticeNotFound: 0,
  };
  const own = {
    total: 0,
    byRestriction: zeros([...RESTRICTIONS, 'none'] as const),
    byDetection: { automated: 0, manual: 0 },
    byCategory: {} as Record<string, number>,
  };
  const toAction: number[] = [];
  const toActionTf: number[] = [];
  for (const d of r.decisions) {
    if (!inPeriod(d.decidedAt)) continue;
    decisions.total += 1;
    bump(decisions.bySource, d.source);
    if (d.automatedDecision) decisions.automated += 1;
    if (d.source === 'own-initiative') {
      own.total += 1;
      for (const k of d.restrictions) bump(own.byRestriction, k);
      if (d.restrictions.length === 0) bump(own.byRestriction, 'none');
      bump(own.byDetection, d.automatedDetection ? 'automated' : 'manual');
      bump(own.byCategory, d.category);
      continue;
    }
    const notice = noticeById.get(d.noticeId ?? '');
    if (notice === undefined) {
      decisions.noticeNotFound += 1;
      continue;
    }
    const ms = instantMs(d.decidedAt) - instantMs(notice.receivedAt);
    if (ms < 0) {
      invalid('transparency report input', [
        {
          path: 'decisions',
          message: `decision ${d.id} (${d.decidedAt}) is before its notice ${notice.id} was received (${notice.receivedAt}); correct one of the times`,
        },
      ]);
    }
    toAction.push(ms);
    if (notice.notifierType === 'trusted-flagger') toActionTf.push(ms);
  }
  decisions.automatedShare = decisions.total === 0 ? null : decisions.automated / decisions.total;

  const appeals = {
    received: 0,
    decided: 0,
    byOutcome: zeros(APPEAL_OUTCOMES),
    medianHandlingTimeMs: null as number | null,
  };
  const handling: number[] = [];
  for (const a of r.appeals) {
    if (inPeriod(a.filedAt)) appeals.received += 1;
    if (a.decidedAt === undefined || a.outcome === undefined || !inPeriod(a.decidedAt)) continue;
    appeals.decided += 1;
    bump(appeals.byOutcome, a.outcome);
    handling.push(instantMs(a.decidedAt) - instantMs(a.filedAt));
  }
  appeals.medianHandlingTimeMs = median(handling);

  return {
    period: { from: r.period.from, to: r.period.to },
    notices: { ...notices, byCategory: sorted(notices.byCategory) },
    decisions,
    ownInitiative: { ...own, byCategory: sorted(own.byCategory) },
    medianTimeToActionMs: { all: median(toAction), trustedFlagger: median(toActionTf) },
    appeals,
  };
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, with quotes
 * doubled. A text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
 * carriage return) gets a leading apostrophe first (OWASP "CSV injection"), since categories can
 * come from notifiers.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The report as CSV rows `metric,breakdown,value` (header first, CRLF line ends, RFC 4180). */
export function transparencyCsv(report: TransparencyReport): string {
  const rows: [string, string, number | null][] = [
    ['period', `from ${report.period.from}`, null],
    ['period', `to ${report.period.to} (exclusive)`, null],
    ['notices', 'total', report.notices.total],
  ];
  const each = (metric: string, counts: Record<string, number>) => {
    for (const [k, v] of Object.entries(counts)) rows.push([metric, k, v]);
  };
  each('notices_by_notifier_type', report.notices.byNotifierType);
  each('notices_by_category', report.notices.byCategory);
  rows.push(['decisions', 'total', report.decisions.total]);
  each('decisions_by_source', report.decisions.bySource);
  rows.push(
    ['decisions_automated', 'solely automated', report.decisions.automated],
    ['decisions_automated_share', 'of all decisions', report.decisions.automatedShare],
    ['decisions_notice_not_found', 'left out of median times', report.decisions.noticeNotFound],
    ['own_initiative', 'total', report.ownInitiative.total],
  );
  each('own_initiative_by_restriction', report.ownInitiative.byRestriction);
  each('own_initiative_by_detection', report.ownInitiative.byDetection);
  each('own_initiative_by_category', report.ownInitiative.byCategory);
  rows.push(
    ['median_time_to_action_ms', 'all notices', report.medianTimeToActionMs.all],
    ['median_time_to_action_ms', 'trusted flaggers', report.medianTimeToActionMs.trustedFlagger],
    ['appeals', 'received', report.appeals.received],
    ['appeals', 'decided', report.appeals.decided],
  );
  each('appeals_by_outcome', report.appeals.byOutcome);
  rows.push([
    'median_appeal_handling_time_ms',
    'decided appeals',
    report.appeals.medianHandlingTimeMs,
  ]);
  return [
    'metric,breakdown,value',
    ...rows.map(([m, b, v]) => [csvField(m), csvField(b), csvField(v)].join(',')),
  ]
    .map((line) => `${line}\r\n`)
    .join('');
}
