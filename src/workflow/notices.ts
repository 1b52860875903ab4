/**
 * Notices (DSA Art. 16) and orders from authorities (DSA Arts 9 and 10). Pure: no IO, no clock;
 * every time is an ISO 8601 UTC instant passed in by the caller.
 *
 * Sources: ../shared/reference/compliance.md §3.1.1 (Art. 16), §3.1.5 (Art. 22), §3.1.7 (Art. 15
 * counts orders under Arts 9/10). The Regulation's text was read from secondary sources there.
 */
import { z } from 'zod';
import { VigilError } from '../shared/errors.js';
import { isUrl } from './sor-rules.js';
import { CATEGORIES, COUNTRIES, KEYWORDS } from './statement-of-reasons.js';

// ---------------------------------------------------------------------------------------------
// Instants (shared by notices, queue priority and holds)

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Milliseconds since the epoch of an ISO 8601 UTC instant ("2025-03-10T12:00:00Z"), or NaN. */
export function instantMs(s: string): number {
  if (!INSTANT.test(s)) return Number.NaN;
  const ms = Date.parse(s);
  // Reject dates that Date.parse rolls over (2025-02-30 -> March 2).
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== s.slice(0, 19)) {
    return Number.NaN;
  }
  return ms;
}

export const instantSchema = z
  .string()
  .refine(
    (s) => !Number.isNaN(instantMs(s)),
    'must be an ISO 8601 UTC time such as 2025-03-10T12:00:00Z',
  );

/** Normalised form of an instant (milliseconds shown, "Z"). */
export const isoOf = (ms: number): string => new Date(ms).toISOString();

/** Parse a time argument of a workflow function, naming it in the error. */
export function requireInstant(value: unknown, name: string): number {
  const ms = typeof value === 'string' ? instantMs(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new VigilError(
      'REQUEST_INVALID',
      `${name} must be an ISO 8601 UTC time such as 2025-03-10T12:00:00Z; got ${JSON.stringify(value)?.slice(0, 60) ?? String(value)}.`,
      { details: { issues: [{ path: name, message: 'not an ISO 8601 UTC time' }] } },
    );
  }
  return ms;
}

export interface Issue {
  path: string;
  message: string;
}

/** Throw REQUEST_INVALID naming the first problem and listing all of them in details. */
export function invalid(what: string, issues: Issue[]): never {
  const first = issues[0] ?? { path: `(${what})`, message: 'invalid' };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem(s), see details)` : '';
  throw new VigilError(
    'REQUEST_INVALID',
    `${what[0]?.toUpperCase()}${what.slice(1)} invalid at ${first.path}: ${first.message}${more}.`,
    { details: { issues: issues.slice(0, 50) } },
  );
}

/** Parse with a zod schema; schema problems become REQUEST_INVALID naming each field. */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  input: unknown,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  invalid(
    what,
    parsed.error.issues.map((i) => ({
      path: i.path.join('.') || `(${what})`,
      message: i.message,
    })),
  );
}

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .refine((s) => [...s].length <= max, `must be at most ${max} characters`);
const id = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-zA-Z0-9_.:-]+$/, 'may hold only letters, digits, ".", ":", "-" and "_"');
const url = z.string().max(2000).refine(isUrl, 'must be an absolute URL such as https://…');

// ---------------------------------------------------------------------------------------------
// Notices (Art. 16)

/**
 * Who sent the notice. `trusted-flagger` is an entity with the status of Art. 22 in its area of
 * expertise; `authority` a public authority sending a notice (not an order; see below); `ngo` a
 * civil-society entity without that status; `internal-detection` the provider's own tools or
 * staff (not an Art. 16 notice; kept here so every queue entry has one shape).
 */
export const NOTIFIER_TYPES = [
  'individual',
  'trusted-flagger',
  'authority',
  'ngo',
  'internal-detection',
] as const;
export type NotifierType = (typeof NOTIFIER_TYPES)[number];

/** Limits on a notice's electronic locations (Art. 16(2)(b)). */
export const MAX_LOCATIONS = 100;

export const noticeSchema = z.strictObject({
  /** The notice id, assigned by the receiving adapter. */
  id,
  notifier: z.strictObject({
    type: z.enum(NOTIFIER_TYPES),
    /** Art. 16(2)(c). Optional only where the law exempts it (see `identityExempt`). */
    name: text(200).optional(),
    email: z.email('must be an e-mail address such as name@example.org').max(254).optional(),
    /** For trusted flaggers: the Digital Services Coordinator that awarded the status and the area. */
    trustedFlagger: z.strictObject({ awardedBy: text(200), area: text(500).optional() }).optional(),
  }),
  /** Art. 16(2)(a): a sufficiently substantiated explanation of why the content is illegal. */
  explanation: text(5000).optional(),
  /** Art. 16(2)(b): the exact electronic location(s): URLs and/or item ids, plus what else helps. */
  locations: z
    .strictObject({
      urls: z.array(url).max(MAX_LOCATIONS).default([]),
      itemIds: z.array(id).max(MAX_LOCATIONS).default([]),
      additionalInformation: text(2000).optional(),
    })
    .optional(),
  /** Art. 16(2)(d): the notifier confirms its bona fide belief that the notice is accurate and complete. */
  goodFaith: z.boolean().optional(),
  /**
   * The notice concerns information considered to involve one of the offences of Arts 3–7 of
   * Directive 2011/93/EU (child sexual abuse and exploitation). Art. 16(2)(c) exempts such
   * notices from the notifier's name and e-mail address (compliance.md §3.1.1). Trafficking as
   * such is NOT in the exemption: a trafficking notice about adults needs name and e-mail.
   */
  childSexualAbuse: z.boolean().default(false),
  /** The DSA category and keywords the notifier chose, if any. */
  category: z.enum(CATEGORIES).optional(),
  keywords: z.array(z.enum(KEYWORDS)).max(KEYWORDS.length).optional(),
  /** When the channel received it, if earlier than the `receivedAt` passed to parseNotice. */
  receivedAt: instantSchema.optional(),
});
export type NoticeInput = z.input<typeof noticeSchema>;

/** The elements of Art. 16(2). */
export const NOTICE_ELEMENTS = {
  explanation: 'Art. 16(2)(a): a substantiated explanation of why the content is illegal',
  locations: 'Art. 16(2)(b): the exact electronic location (URL or item id) of the content',
  identity: 'Art. 16(2)(c): the name and e-mail address of the notifier',
  goodFaith:
    'Art. 16(2)(d): a statement confirming the bona fide belief that the notice is accurate',
} as const;
export type NoticeElement = keyof typeof NOTICE_ELEMENTS;

export interface Completeness {
  /** All elements of Art. 16(2) that apply are present: the notice gives actual knowledge (Art. 16(3)). */
  actualKnowledge: boolean;
  /** The elements that apply and are missing, in Art. 16(2) order. */
  missing: NoticeElement[];
  /** Elements that do not apply to this notice, with the reason. */
  notApplicable: { element: NoticeElement; reason: string }[];
}

/** Art. 16(4): the confirmation of receipt to send to the notifier. */
export interface NoticeReceipt {
  /** The receipt id (a placeholder the caller passes in; the notice id when absent). */
  id: string;
  noticeId: string;
  receivedAt: string;
  /** Where to send it; null when the notifier gave no e-mail (Art. 16(4) applies only with contact details). */
  to: string | null;
  send: boolean;
  received: {
    urls: string[];
    itemIds: string[];
    category: string | null;
    elements: NoticeElement[];
  };
  text: string;
}

export interface Notice {
  id: string;
  notifier: {
    type: NotifierType;
    name: string | null;
    email: string | null;
    trustedFlagger: { awardedBy: string; area: string | null } | null;
  };
  explanation: string | null;
  locations: { urls: string[]; itemIds: string[]; additionalInformation: string | null };
  goodFaith: boolean;
  childSexualAbuse: boolean;
  category: string | null;
  keywords: string[];
  receivedAt: string;
  completeness: Completeness;
  receipt: NoticeReceipt;
}

export interface ParseNoticeOptions {
  /** The receipt id to put on the confirmation (Art. 16(4)); defaults to the notice id. */
  receiptId?: string;
  /**
   * Accept a notice that lacks Art. 16(2) elements (it is recorded and queued, but does not by
   * itself give actual knowledge). By default a missing element is an error naming it.
   */
  allowIncomplete?: boolean;
}

function completenessOf(n: z.infer<typeof noticeSchema>): Completeness {
  const missing: NoticeElement[] = [];
  const notApplicable: Completeness['notApplicable'] = [];
  const internal = n.notifier.type === 'internal-detection';
  if (n.explanation === undefined) missing.push('explanation');
  const locations = n.locations;
  if (!locations || locations.urls.length + locations.itemIds.length === 0)
    missing.push('locations');
  if (internal) {
    notApplicable.push({
      element: 'identity',
      reason: 'internal detection is the provider itself, not a notifier under Art. 16(1)',
    });
    notApplicable.push({
      element: 'goodFaith',
      reason: 'internal detection is the provider itself, not a notifier under Art. 16(1)',
    });
  } else {
    if (n.childSexualAbuse) {
      // Art. 16(2)(c): name and e-mail are not required "in the case of information considered
      // to involve one of the offences referred to in Articles 3 to 7 of Directive 2011/93/EU"
      // (compliance.md §3.1.1). Only child sexual abuse; trafficking alone is not exempt.
      notApplicable.push({
        element: 'identity',
        reason:
          'Art. 16(2)(c) exempts notices about offences of Arts 3–7 of Directive 2011/93/EU (child sexual abuse)',
      });
    } else if (n.notifier.name === undefined || n.notifier.email === undefined) {
      missing.push('identity');
    }
    if (n.goodFaith !== true) missing.push('goodFaith');
  }
  return { actualKnowledge: missing.length === 0, missing, notApplicable };
}

function fixFor(element: NoticeElement): { path: string; message: string } {
  switch (element) {
    case 'explanation':
      return {
        path: 'explanation',
        message: `missing ${NOTICE_ELEMENTS.explanation}; ask the notifier why the content is illegal`,
      };
    case 'locations':
      return {
        path: 'locations',
        message: `missing ${NOTICE_ELEMENTS.locations}; give at least one of locations.urls or locations.itemIds`,
      };
    case 'identity':
      return {
        path: 'notifier',
        message: `missing ${NOTICE_ELEMENTS.identity}; give notifier.name and notifier.email, or set childSexualAbuse: true if the notice concerns an offence of Arts 3–7 of Directive 2011/93/EU (the only exemption)`,
      };
    case 'goodFaith':
      return {
        path: 'goodFaith',
        message: `missing ${NOTICE_ELEMENTS.goodFaith}; the notifier must confirm it (goodFaith: true)`,
      };
  }
}

/**
 * Validate a notice received at `receivedAt` and return it with its completeness (Art. 16(3))
 * and the receipt to confirm (Art. 16(4)). Throws REQUEST_INVALID naming every missing element
 * unless `allowIncomplete`; malformed fields and a notice with no location at all always throw.
 */
export function parseNotice(
  input: unknown,
  receivedAt: string,
  options: ParseNoticeOptions = {},
): Notice {
  const nowMs = requireInstant(receivedAt, 'receivedAt');
  const n = parseOrThrow(noticeSchema, input, 'notice');
  const issues: Issue[] = [];
  if (n.notifier.trustedFlagger !== undefined && n.notifier.type !== 'trusted-flagger') {
    issues.push({
      path: 'notifier.trustedFlagger',
      message: 'only a notifier of type "trusted-flagger" has trusted-flagger status; drop it',
    });
  }
  if (n.notifier.type === 'trusted-flagger' && n.notifier.trustedFlagger === undefined) {
    issues.push({
      path: 'notifier.trustedFlagger',
      message:
        'a trusted flagger (Art. 22) must name the Digital Services Coordinator that awarded the status (trustedFlagger.awardedBy)',
    });
  }
  const channelMs = n.receivedAt === undefined ? nowMs : instantMs(n.receivedAt);
  if (channelMs > nowMs) {
    issues.push({
      path: 'receivedAt',
      message: `the notice's receivedAt ${n.receivedAt} is after the processing time ${receivedAt}`,
    });
  }
  const completeness = completenessOf(n);
  for (const element of completeness.missing) {
    if (element === 'locations' || !options.allowIncomplete) issues.push(fixFor(element));
  }
  if (issues.length > 0) invalid('notice', issues);

  const locations = {
    urls: [...new Set(n.locations?.urls ?? [])],
    itemIds: [...new Set(n.locations?.itemIds ?? [])],
    additionalInformation: n.locations?.additionalInformation ?? null,
  };
  const at = isoOf(channelMs);
  const email = n.notifier.email ?? null;
  const present = (Object.keys(NOTICE_ELEMENTS) as NoticeElement[]).filter(
    (e) =>
      !completeness.missing.includes(e) && !completeness.notApplicable.some((x) => x.element === e),
  );
  const count = locations.urls.length + locations.itemIds.length;
  const receipt: NoticeReceipt = {
    id: options.receiptId ?? n.id,
    noticeId: n.id,
    receivedAt: at,
    to: email,
    send: email !== null && n.notifier.type !== 'internal-detection',
    received: {
      urls: locations.urls,
      itemIds: locations.itemIds,
      category: n.category ?? null,
      elements: present,
    },
    text: `We received your notice ${n.id} on ${at} about ${count} location(s)${n.category ? ` (${n.category})` : ''}. ${
      completeness.actualKnowledge
        ? 'It contains all the elements of Article 16(2) DSA; we will decide on it and inform you of our decision.'
        : `It lacks: ${completeness.missing.map((e) => NOTICE_ELEMENTS[e]).join('; ')}. We will still examine it; adding them helps us act.`
    }`,
  };
  return {
    id: n.id,
    notifier: {
      type: n.notifier.type,
      name: n.notifier.name ?? null,
      email,
      trustedFlagger: n.notifier.trustedFlagger
        ? {
            awardedBy: n.notifier.trustedFlagger.awardedBy,
            area: n.notifier.trustedFlagger.area ?? null,
          }
        : null,
    },
    explanation: n.explanation ?? null,
    locations,
    goodFaith: n.goodFaith === true,
    childSexualAbuse: n.childSexualAbuse,
    category: n.category ?? null,
    keywords: [...new Set(n.keywords ?? [])].sort(),
    receivedAt: at,
    completeness,
    receipt,
  };
}

// ---------------------------------------------------------------------------------------------
// Orders (Arts 9 and 10)

/**
 * `act` = an order to act against illegal content (Art. 9); `provide-information` = an order to
 * provide information about specific recipients of the service (Art. 10). The DSA sets no fixed
 * time limit: the order states it, so the deadline is an input (an instant, or hours from receipt).
 */
export const ORDER_KINDS = ['act', 'provide-information'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

export const orderSchema = z
  .strictObject({
    id,
    kind: z.enum(ORDER_KINDS),
    issuingAuthority: z.strictObject({
      name: text(300),
      /** The Member State of the issuing authority (ISO 3166 alpha-2, EEA). */
      country: z.enum(COUNTRIES).optional(),
    }),
    /** The legal basis stated in the order, e.g. "Art. 9 DSA; § 100j StPO". */
    legalBasis: text(1000),
    receivedAt: instantSchema,
    /** The deadline stated in the order, as an instant… */
    deadline: instantSchema.optional(),
    /** …or as a number of hours from receipt. Give exactly one. */
    deadlineHours: z
      .number()
      .int('must be a whole number of hours')
      .min(1)
      .max(24 * 366)
      .optional(),
    /** Art. 9: the content concerned. */
    locations: z
      .strictObject({
        urls: z.array(url).max(MAX_LOCATIONS).default([]),
        itemIds: z.array(id).max(MAX_LOCATIONS).default([]),
      })
      .optional(),
    /** Art. 10: the recipients (accounts) the information is about. */
    accountIds: z.array(id).max(MAX_LOCATIONS).optional(),
  })
  .superRefine((o, ctx) => {
    const add = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if ((o.deadline === undefined) === (o.deadlineHours === undefined)) {
      add('deadline', 'give exactly one of deadline (an instant) or deadlineHours');
    }
    if (o.deadline !== undefined && instantMs(o.deadline) <= instantMs(o.receivedAt)) {
      add('deadline', `the deadline ${o.deadline} must be after receivedAt ${o.receivedAt}`);
    }
    const count = (o.locations?.urls.length ?? 0) + (o.locations?.itemIds.length ?? 0);
    if (o.kind === 'act' && count === 0) {
      add(
        'locations',
        'an order to act (Art. 9) must name the content: locations.urls or locations.itemIds',
      );
    }
    if (o.kind === 'provide-information' && (o.accountIds?.length ?? 0) === 0) {
      add(
        'accountIds',
        'an order to provide information (Art. 10) must name the recipients: accountIds',
      );
    }
  });
export type OrderInput = z.input<typeof orderSchema>;
export type Order = z.infer<typeof orderSchema>;

/** Validate an order; throws REQUEST_INVALID naming each problem. */
export function parseOrder(input: unknown): Order {
  return parseOrThrow(orderSchema, input, 'order');
}

/** The instant by which the order must be given effect (ISO 8601 UTC). */
export function orderDeadline(input: unknown): string {
  const o = parseOrder(input);
  if (o.deadline !== undefined) return isoOf(instantMs(o.deadline));
  return isoOf(instantMs(o.receivedAt) + (o.deadlineHours ?? 0) * HOUR_MS);
}

// ---------------------------------------------------------------------------------------------
// The decision, told to the notifier (Art. 16(5))

export interface NoticeDecisionMessage {
  /** The notifier's e-mail address (null: the notice gave none, nothing can be sent). */
  to: string | null;
  noticeId: string;
  text: string;
}

/**
 * What Art. 16(5) requires the provider to tell the notifier "without undue delay": its
 * decision on the notice, and the possibilities for redress. `outcome` is the decision taken
 * (the restrictions, in words) or null when no action was taken; `redress` says how to
 * contest it (the internal complaint system of Art. 20 is open to notifiers too).
 */
export function noticeDecisionMessage(
  notice: Pick<Notice, 'id' | 'receivedAt' | 'notifier'>,
  outcome: { readonly actions: readonly string[]; readonly decidedAt: string } | null,
  redress: string,
): NoticeDecisionMessage {
  const decision =
    outcome === null || outcome.actions.length === 0
      ? 'we examined the content and decided not to act on it'
      : `we decided on ${outcome.decidedAt.slice(0, 10)} to act on it: ${outcome.actions.join('; ')}`;
  return {
    to: notice.notifier.email,
    noticeId: notice.id,
    text: `About your notice ${notice.id} of ${notice.receivedAt.slice(0, 10)}: ${decision}. If you disagree, you can contest this decision: ${redress}`,
  };
}
