/**
 * Internal complaint handling (DSA Art. 20): filing an appeal against a moderation decision and
 * deciding it. Pure: no IO, no clock; every time is an ISO 8601 UTC instant passed in.
 *
 * Sources (../shared/reference/compliance.md §3.1.3, Art. 20 read from secondary sources there):
 * - 20(1): access to the complaint system "for a period of at least six months following the
 *   decision", for the affected recipients and for notifiers; decisions "whether or not" to act
 *   are appealable, so a decision with no restriction (a refused notice) can be appealed too.
 * - 20(4): reverse "without undue delay" where the complaint shows the decision was unfounded:
 *   the decided appeal lists the restrictions to undo, for the action webhooks.
 * - 20(6): decided "under the supervision of appropriately qualified staff, and not solely on the
 *   basis of automated means". The project's rule: the appeal is decided by a different person
 *   than the one who took the decision.
 *
 * State machine: `filed` -> `decided`. A decided appeal cannot be decided again.
 */
import { z } from 'zod';
import {
  type Issue,
  instantMs,
  instantSchema,
  invalid,
  isoOf,
  parseOrThrow,
  requireInstant,
} from './notices.js';
import { ACCOUNT, MONETARY, PROVISION, VISIBILITY } from './statement-of-reasons.js';

/** Every restriction a decision can impose (the Transparency Database's decision enums). */
export const RESTRICTIONS = [...VISIBILITY, ...MONETARY, ...PROVISION, ...ACCOUNT] as const;
export type Restriction = (typeof RESTRICTIONS)[number];

export const APPEAL_OUTCOMES = ['upheld', 'reversed', 'partially-reversed'] as const;
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];

/** Who complains (Art. 20(1): the recipients affected and the notifier). */
export const COMPLAINANT_ROLES = ['affected-recipient', 'notifier'] as const;
export type ComplainantRole = (typeof COMPLAINANT_ROLES)[number];

/** Months the complaint window lasts (Art. 20(1): "at least six months following the decision"). */
export const APPEAL_WINDOW_MONTHS = 6;

const id = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-zA-Z0-9_.:-]+$/, 'may hold only letters, digits, ".", ":", "-" and "_"');
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .refine((s) => [...s].length <= max, `must be at most ${max} characters`);
const restrictions = z
  .array(z.enum(RESTRICTIONS))
  .max(RESTRICTIONS.length)
  .refine((r) => new Set(r).size === r.length, 'must not list a restriction twice');

/** The decision appealed against, as much of it as the appeal needs. */
export const decisionSummarySchema = z.strictObject({
  id,
  decidedAt: instantSchema,
  /** The person who took (or confirmed) the decision. */
  reviewerId: id,
  /** What it imposed; empty when the decision was not to act (e.g. a notice refused). */
  restrictions,
});
export type DecisionSummary = z.infer<typeof decisionSummarySchema>;

export const appealInputSchema = z.strictObject({
  /** The appeal id, assigned by the receiving adapter. */
  id,
  complainant: z.strictObject({ id, role: z.enum(COMPLAINANT_ROLES) }),
  /** Why the complainant thinks the decision is wrong. */
  reason: text(5000).optional(),
});
export type AppealInput = z.input<typeof appealInputSchema>;

const appealDecisionSchema = z.strictObject({
  outcome: z.enum(APPEAL_OUTCOMES),
  /** The restrictions lifted by this outcome: none (upheld), all (reversed) or some. */
  lifted: restrictions,
  reviewerId: id,
  decidedAt: instantSchema,
  /** The reasoned decision sent to the complainant (Art. 20(5)). */
  reasons: text(5000),
});

export const appealSchema = z
  .strictObject({
    id,
    state: z.enum(['filed', 'decided']),
    decision: decisionSummarySchema,
    complainant: z.strictObject({ id, role: z.enum(COMPLAINANT_ROLES) }),
    reason: text(5000).optional(),
    filedAt: instantSchema,
    /** The last moment a complaint against the decision could be filed. */
    deadline: instantSchema,
    outcome: appealDecisionSchema.optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.state === 'decided') !== (a.outcome !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['outcome'],
        message: 'a decided appeal has an outcome and a filed one has none',
      });
    }
  });
export type Appeal = z.infer<typeof appealSchema>;

/**
 * The deadline for complaints against a decision taken at `decidedAtMs`: the same time of day six
 * calendar months later. When that month has no such day (31 August -> 31 February), the date
 * rolls over into the next month (3 March): the later instant, so the window is never shorter than
 * six months, as Art. 20(1) requires "at least six months".
 */
export function appealDeadline(decidedAt: string): string {
  const d = new Date(requireInstant(decidedAt, 'decidedAt'));
  d.setUTCMonth(d.getUTCMonth() + APPEAL_WINDOW_MONTHS);
  return isoOf(d.getTime());
}

/**
 * File an appeal at `now` against `decision`. Accepted from the decision until its deadline
 * inclusive: a complaint filed exactly six months after the decision is accepted, because
 * Art. 20(1) grants access "for a period of at least six months following the decision" and that
 * period includes its last moment. One millisecond later it is refused.
 */
export function fileAppeal(decision: unknown, input: unknown, now: string): Appeal {
  const nowMs = requireInstant(now, 'now');
  const d = parseOrThrow(decisionSummarySchema, decision, 'decision');
  const a = parseOrThrow(appealInputSchema, input, 'appeal');
  const deadline = appealDeadline(d.decidedAt);
  if (nowMs < instantMs(d.decidedAt)) {
    invalid('appeal', [
      {
        path: 'now',
        message: `the filing time ${now} is before the decision ${d.id} (${d.decidedAt}); check the clock passed in`,
      },
    ]);
  }
  if (nowMs > instantMs(deadline)) {
    invalid('appeal', [
      {
        path: 'now',
        message: `the complaint period for decision ${d.id} ended on ${deadline} (six months after ${d.decidedAt}, DSA Art. 20(1)); filed ${now}. Point the complainant to out-of-court dispute settlement (Art. 21) or the courts`,
      },
    ]);
  }
  return {
    id: a.id,
    state: 'filed',
    decision: d,
    complainant: a.complainant,
    ...(a.reason === undefined ? {} : { reason: a.reason }),
    filedAt: isoOf(nowMs),
    deadline,
  };
}

export const outcomeInputSchema = z.strictObject({
  outcome: z.enum(APPEAL_OUTCOMES),
  /** For `partially-reversed` only: the restrictions lifted (some, not all, of the decision's). */
  lift: restrictions.optional(),
  /** The reasoned decision sent to the complainant (Art. 20(5)). */
  reasons: text(5000),
});
export type OutcomeInput = z.input<typeof outcomeInputSchema>;

export interface AppealResult {
  /** The appeal, now `decided`. */
  appeal: Appeal;
  /**
   * What the action webhooks must reverse: the restrictions of the decision lifted by the
   * outcome (empty when upheld).
   */
  undo: { decisionId: string; restrictions: Restriction[] };
  /**
   * A reversed decision that imposed nothing (a refused notice, appealed by the notifier): there
   * is nothing to undo, but the notice must be reviewed again so that action can be taken.
   */
  reconsider: boolean;
}

/**
 * Decide a filed appeal at `now`. Refused when the appeal was already decided, when `reviewerId`
 * is the person who took the decision, or when the outcome does not fit the decision's
 * restrictions. `reviewerId` must name a person (Art. 20(6): not solely automated means).
 */
export function decideAppeal(
  appealInput: unknown,
  outcomeInput: unknown,
  reviewerId: string,
  now: string,
): AppealResult {
  const nowMs = requireInstant(now, 'now');
  const appeal = parseOrThrow(appealSchema, appealInput, 'appeal');
  const o = parseOrThrow(outcomeInputSchema, outcomeInput, 'appeal outcome');
  const reviewer = parseOrThrow(id, reviewerId, 'reviewerId');
  const issues: Issue[] = [];
  if (appeal.state === 'decided') {
    issues.push({
      path: 'state',
      message: `appeal ${appeal.id} was already decided (${appeal.outcome?.outcome}) on ${appeal.outcome?.decidedAt} by ${appeal.outcome?.reviewerId}; a complainant who disagrees can turn to out-of-court dispute settlement (Art. 21)`,
    });
  }
  if (reviewer === appeal.decision.reviewerId) {
    issues.push({
      path: 'reviewerId',
      message: `${reviewer} took decision ${appeal.decision.id}; assign the appeal to a different, qualified reviewer (DSA Art. 20(6) and the rule that decisions are reviewed by someone else)`,
    });
  }
  if (nowMs < instantMs(appeal.filedAt)) {
    issues.push({
      path: 'now',
      message: `the decision time ${now} is before the appeal was filed (${appeal.filedAt})`,
    });
  }
  const imposed = appeal.decision.restrictions;
  let lifted: Restriction[] = [];
  if (o.outcome === 'reversed') lifted = [...imposed];
  if (o.outcome !== 'partially-reversed' && o.lift !== undefined) {
    issues.push({
      path: 'lift',
      message: `give "lift" only with outcome "partially-reversed"; "${o.outcome}" lifts ${o.outcome === 'upheld' ? 'nothing' : 'every restriction'}`,
    });
  }
  if (o.outcome === 'partially-reversed') {
    const lift = o.lift ?? [];
    const foreign = lift.filter((r) => !imposed.includes(r));
    if (imposed.length < 2) {
      issues.push({
        path: 'outcome',
        message: `decision ${appeal.decision.id} imposed ${imposed.length === 0 ? 'no restriction' : `only ${imposed[0]}`}; it can be upheld or reversed, not partially reversed`,
      });
    } else if (foreign.length > 0) {
      issues.push({
        path: 'lift',
        message: `${foreign.join(', ')} was not imposed by decision ${appeal.decision.id}; lift some of: ${imposed.join(', ')}`,
      });
    } else if (lift.length === 0 || lift.length === imposed.length) {
      issues.push({
        path: 'lift',
        message: `a partial reversal lifts some but not all of ${imposed.join(', ')}; use "upheld" to lift none or "reversed" to lift all`,
      });
    }
    // Keep the decision's order so the webhook payload is stable.
    lifted = imposed.filter((r) => lift.includes(r));
  }
  if (issues.length > 0) invalid('appeal decision', issues);
  return {
    appeal: {
      ...appeal,
      state: 'decided',
      outcome: {
        outcome: o.outcome,
        lifted,
        reviewerId: reviewer,
        decidedAt: isoOf(nowMs),
        reasons: o.reasons,
      },
    },
    undo: { decisionId: appeal.decision.id, restrictions: lifted },
    reconsider: o.outcome === 'reversed' && imposed.length === 0,
  };
}
