/**
 * Referrals to law enforcement: a DSA Art. 18 notification of a suspected criminal offence
 * involving a threat to the life or safety of persons, or a CyberTipline report to NCMEC under
 * 18 U.S.C. 2258A. Pure: no IO, no clock; every time is an ISO 8601 UTC instant passed in.
 *
 * Sources (../shared/reference/compliance.md):
 * - §3.1.4 Art. 18(1)/(2) and recital 56 (read from secondary sources: BKA FAQ, streamlex): the
 *   notification carries the content in question, the time it was published with the time zone,
 *   an explanation of the suspicion and the information necessary to locate and identify the
 *   recipient of the service; where the Member State concerned cannot be identified with
 *   reasonable certainty, Europol (or the Member State of establishment) is informed.
 * - §4.1 2258A(b) contents (discretionary) and (h)(1): a completed submission is a request to
 *   preserve the contents for 1 year (REPORT Act 2024) -> `preservationHoldFor`.
 * - §4.2 the CyberTipline report XML. Element order: `CYBERTIPLINE_ELEMENT_ORDER` below.
 *
 * UNVERIFIED (the reference says so or does not say): the live NCMEC XSD (only the 2014 XSD and
 * Coop's TypeScript type were read; "always pull the live XSD via /xsd"); the order of the
 * children of a person element (firstName, lastName, email is assumed); the DSA text itself
 * (secondary sources only). No format for Art. 18 notifications to a Member State or Europol
 * is published (§7), so `art18Notification` is a structured object and plain text.
 */
import { z } from 'zod';
import { type HoldInput, parseHold } from './holds.js';
import {
  instantMs,
  instantSchema,
  invalid,
  isoOf,
  parseOrThrow,
  requireInstant,
} from './notices.js';
import { isUrl } from './sor-rules.js';

export const REFERRAL_KINDS = ['dsa-art18', 'cybertipline'] as const;
export type ReferralKind = (typeof REFERRAL_KINDS)[number];

export const REFERRAL_STATUSES = ['draft', 'submitted', 'acknowledged', 'failed'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/**
 * NCMEC incident types as in Coop's `NCMECIncidentType` (compliance.md §4.2). The live XSD's
 * enumeration may differ (UNVERIFIED).
 */
export const NCMEC_INCIDENT_TYPES = [
  'Child Pornography (possession, manufacture, and distribution)',
  'Child Sex Trafficking',
  'Child Sex Tourism',
  'Child Sexual Molestation',
  'Misleading Domain Name',
  'Misleading Words or Digital Images on the Internet',
  'Online Enticement of Children for Sexual Acts',
  'Unsolicited Obscene Material Sent to a Child',
] as const;
export type NcmecIncidentType = (typeof NCMEC_INCIDENT_TYPES)[number];

/** `ipCaptureEvent.eventName` values (Coop `NCMECEvent`, compliance.md §4.2). */
export const IP_EVENTS = [
  'Login',
  'Registration',
  'Purchase',
  'Upload',
  'Other',
  'Unknown',
] as const;

// ---------------------------------------------------------------------------------------------
// Text that is safe to put in XML

/**
 * Characters XML 1.0 does not allow (C0 controls other than tab, newline and carriage return,
 * lone surrogates, U+FFFE/U+FFFF).
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NOT_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine(
      (s) => !NOT_XML_CHAR.test(s),
      'contains a control character (other than tab or newline) or an invalid code point; remove it',
    );

/** Escape text for an XML element or attribute; characters XML cannot carry are removed. */
export function escapeXml(s: string): string {
  return s
    .replace(NOT_XML_CHARS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const id = z
  .string()
  .min(1)
  .max(180)
  .regex(/^[a-zA-Z0-9_.:-]+$/, 'may hold only letters, digits, ".", ":", "-" and "_"');
const url = z.string().max(2000).refine(isUrl, 'must be an absolute URL such as https://…');
const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "DE"');
const email = z
  .string()
  .max(254)
  .regex(/^[^\s@<>"'&]+@[^\s@<>"'&]+\.[^\s@<>"'&]+$/, 'must be an e-mail address');
const ip = z
  .string()
  .max(45)
  .regex(/^[0-9a-fA-F:.]+$/, 'must be an IPv4 or IPv6 address');

// ---------------------------------------------------------------------------------------------
// The referral record

const factsSchema = z.strictObject({
  /** The platform's ids of the content concerned. */
  itemIds: z.array(id).min(1).max(1000),
  /** Where the content is (recital 56 "the content in question"; XML `webPageIncident/url`). */
  contentUrls: z.array(url).max(100).default([]),
  /** What the content is, described for the recipient (no media is embedded). */
  contentDescription: text(5000),
  /** Why the platform suspects an offence involving a threat to life or safety. */
  suspicion: text(5000),
  /** When the incident happened or the content was found (XML `incidentDateTime`). */
  incidentAt: instantSchema,
  /** When the content was published, if known (recital 56). */
  publishedAt: instantSchema.optional(),
  /** The designated time zone for the times (recital 56); the instants themselves are UTC. */
  timeZone: z
    .string()
    .max(64)
    .regex(
      /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/,
      'must be an IANA time zone such as "Europe/Berlin"',
    )
    .default('UTC'),
  /** Where the offence took/takes place or the persons are, if known. */
  location: z
    .strictObject({
      countryCode: countryCode.optional(),
      region: text(200).optional(),
      city: text(200).optional(),
    })
    .optional(),
  /** The user suspected, where available (recital 56 "locate and identify"; 2258A(b)(1)). */
  user: z
    .strictObject({
      accountId: id.optional(),
      service: text(200).optional(),
      screenName: text(200).optional(),
      displayName: text(200).optional(),
      email: email.optional(),
      profileUrl: url.optional(),
      ips: z
        .array(
          z.strictObject({
            address: ip,
            event: z.enum(IP_EVENTS).optional(),
            at: instantSchema.optional(),
          }),
        )
        .max(100)
        .default([]),
    })
    .optional(),
});

const historySchema = z.strictObject({
  from: z.enum(REFERRAL_STATUSES),
  to: z.enum(REFERRAL_STATUSES),
  at: instantSchema,
  note: text(1000).optional(),
});

export const referralSchema = z
  .strictObject({
    id,
    kind: z.enum(REFERRAL_KINDS),
    /** Art. 18: a Member State's law enforcement/judicial authority or Europol; CyberTipline: NCMEC. */
    destination: z.discriminatedUnion('authority', [
      z.strictObject({
        authority: z.literal('member-state'),
        memberState: countryCode,
        agencyName: text(200),
      }),
      z.strictObject({ authority: z.literal('europol') }),
      z.strictObject({ authority: z.literal('ncmec') }),
    ]),
    /** The decision or case the facts come from. */
    source: z.strictObject({ decisionId: id.optional(), caseId: id.optional() }),
    facts: factsSchema,
    /** Required for a CyberTipline report. */
    incidentType: z.enum(NCMEC_INCIDENT_TYPES).optional(),
    status: z.enum(REFERRAL_STATUSES).default('draft'),
    createdAt: instantSchema,
    history: z.array(historySchema).max(200).default([]),
    /** The recipient's reference (CyberTip report id, police file number). */
    externalId: z
      .string()
      .max(100)
      .regex(/^[a-zA-Z0-9_.:/-]+$/, 'may hold only letters, digits and ". : / - _"')
      .optional(),
    lastError: text(1000).optional(),
  })
  .superRefine((r, ctx) => {
    const add = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const a = r.destination.authority;
    if (r.kind === 'cybertipline' && a !== 'ncmec') {
      add(
        ['destination', 'authority'],
        'a CyberTipline report goes to NCMEC: use { authority: "ncmec" }',
      );
    }
    if (r.kind === 'dsa-art18' && a === 'ncmec') {
      add(
        ['destination', 'authority'],
        'an Art. 18 notification goes to a Member State authority ("member-state") or to Europol ("europol")',
      );
    }
    if (r.kind === 'cybertipline' && r.incidentType === undefined) {
      add(
        ['incidentType'],
        `a CyberTipline report needs an incidentType, one of: ${NCMEC_INCIDENT_TYPES.join('; ')}`,
      );
    }
    if (r.source.decisionId === undefined && r.source.caseId === undefined) {
      add(['source'], 'name the decisionId or caseId the facts come from');
    }
    if (
      r.facts.publishedAt !== undefined &&
      instantMs(r.facts.publishedAt) > instantMs(r.createdAt)
    ) {
      add(
        ['facts', 'publishedAt'],
        `publishedAt ${r.facts.publishedAt} is after the referral was created (${r.createdAt})`,
      );
    }
  });
export type ReferralInput = z.input<typeof referralSchema>;
export type Referral = z.infer<typeof referralSchema>;

export function parseReferral(input: unknown): Referral {
  return parseOrThrow(referralSchema, input, 'referral');
}

// ---------------------------------------------------------------------------------------------
// Status machine: draft -> submitted -> acknowledged | failed; failed -> submitted (retry)

export type ReferralEvent =
  | { type: 'submit' }
  | { type: 'acknowledge'; externalId?: string }
  | { type: 'fail'; reason: string };

/** The legal moves: event type -> (from status -> to status). */
export const REFERRAL_TRANSITIONS: Readonly<
  Record<ReferralEvent['type'], Partial<Record<ReferralStatus, ReferralStatus>>>
> = {
  submit: { draft: 'submitted', failed: 'submitted' },
  acknowledge: { submitted: 'acknowledged' },
  fail: { submitted: 'failed' },
};

const HINT: Record<ReferralStatus, string> = {
  draft: 'a draft can only be submitted ("submit")',
  submitted: 'a submitted referral is either acknowledged ("acknowledge") or failed ("fail")',
  acknowledged: 'an acknowledged referral is final; record new facts in a new referral',
  failed: 'a failed referral can only be retried ("submit")',
};

/** Apply `event` at `now`; refuses illegal moves with the moves that are allowed. */
export function transition(input: unknown, event: ReferralEvent, now: string): Referral {
  const nowMs = requireInstant(now, 'now');
  const r = parseReferral(input);
  const type = (event as { type?: unknown } | null)?.type;
  if (type !== 'submit' && type !== 'acknowledge' && type !== 'fail') {
    invalid('referral event', [
      {
        path: 'event.type',
        message: `must be "submit", "acknowledge" or "fail"; got ${JSON.stringify(type)}`,
      },
    ]);
  }
  const to = REFERRAL_TRANSITIONS[type][r.status];
  if (to === undefined) {
    invalid('referral transition', [
      {
        path: 'status',
        message: `cannot "${type}" referral ${r.id} in status "${r.status}": ${HINT[r.status]}`,
      },
    ]);
  }
  const last = r.history.at(-1)?.at ?? r.createdAt;
  if (nowMs < instantMs(last)) {
    invalid('referral transition', [
      {
        path: 'now',
        message: `the time ${now} is before the referral's last change ${last}; pass the current time`,
      },
    ]);
  }
  let note: string | undefined;
  let externalId = r.externalId;
  let lastError = r.lastError;
  if (event.type === 'fail') {
    const reason = typeof event.reason === 'string' ? event.reason.trim() : '';
    if (reason === '' || reason.length > 1000 || NOT_XML_CHAR.test(reason)) {
      invalid('referral transition', [
        {
          path: 'event.reason',
          message:
            'give why the submission failed (1 to 1000 characters, no control characters), e.g. "HTTP 503"',
        },
      ]);
    }
    note = reason;
    lastError = reason;
  }
  if (event.type === 'acknowledge' && event.externalId !== undefined) externalId = event.externalId;
  if (event.type === 'submit') lastError = undefined;
  const next = {
    ...r,
    status: to,
    externalId,
    lastError,
    history: [...r.history, { from: r.status, to, at: isoOf(nowMs), ...(note ? { note } : {}) }],
  };
  if (next.externalId === undefined) delete next.externalId;
  if (next.lastError === undefined) delete next.lastError;
  return parseReferral(next);
}

// ---------------------------------------------------------------------------------------------
// DSA Art. 18 notification

export const platformSchema = z.strictObject({
  name: text(200),
  /** Member State of main establishment or of the legal representative (Art. 18(2)). */
  establishment: countryCode,
  contactEmail: email,
  contactPhone: z
    .string()
    .max(40)
    .regex(/^\+?[0-9 ()-]+$/, 'must be a phone number such as +49 30 1234567')
    .optional(),
  /** The contact point for authorities, e.g. "Law enforcement response team". */
  contactName: text(200).optional(),
});
export type PlatformInput = z.input<typeof platformSchema>;

export interface Art18Notification {
  referralId: string;
  legalBasis: string;
  recipient:
    | { authority: 'member-state'; memberState: string; agencyName: string }
    | { authority: 'europol' };
  /** The information giving rise to the suspicion (Art. 18(1); recital 56 "explanation"). */
  suspicion: string;
  /** The content concerned. */
  content: { itemIds: string[]; urls: string[]; description: string };
  time: { incidentAt: string; publishedAt: string | null; timeZone: string };
  location: { countryCode: string | null; region: string | null; city: string | null } | null;
  /** Information to locate and identify the user, where available; null when none. */
  user: {
    accountId: string | null;
    service: string | null;
    screenName: string | null;
    displayName: string | null;
    email: string | null;
    profileUrl: string | null;
    ips: { address: string; event: string | null; at: string | null }[];
  } | null;
  platform: {
    name: string;
    establishment: string;
    email: string;
    phone: string | null;
    contactName: string | null;
  };
  source: { decisionId: string | null; caseId: string | null };
  text: string;
}

/** The content of an Art. 18 notification (recital 56) as a structured object and plain text. */
export function art18Notification(input: unknown, platformInput: unknown): Art18Notification {
  const r = parseReferral(input);
  const p = parseOrThrow(platformSchema, platformInput, 'platform');
  if (r.kind !== 'dsa-art18') {
    invalid('referral', [
      {
        path: 'kind',
        message: `referral ${r.id} is a "${r.kind}" referral; use cyberTiplineXml for it`,
      },
    ]);
  }
  const d = r.destination;
  if (d.authority === 'ncmec') throw new Error('unreachable: refused by referralSchema');
  const f = r.facts;
  const u = f.user;
  const n: Omit<Art18Notification, 'text'> = {
    referralId: r.id,
    legalBasis:
      d.authority === 'europol'
        ? 'Regulation (EU) 2022/2065 (Digital Services Act) Art. 18(2): the Member State concerned cannot be identified with reasonable certainty'
        : 'Regulation (EU) 2022/2065 (Digital Services Act) Art. 18(1)',
    recipient: d,
    suspicion: f.suspicion,
    content: { itemIds: f.itemIds, urls: f.contentUrls, description: f.contentDescription },
    time: { incidentAt: f.incidentAt, publishedAt: f.publishedAt ?? null, timeZone: f.timeZone },
    location: f.location
      ? {
          countryCode: f.location.countryCode ?? null,
          region: f.location.region ?? null,
          city: f.location.city ?? null,
        }
      : null,
    user: u
      ? {
          accountId: u.accountId ?? null,
          service: u.service ?? null,
          screenName: u.screenName ?? null,
          displayName: u.displayName ?? null,
          email: u.email ?? null,
          profileUrl: u.profileUrl ?? null,
          ips: u.ips.map((i) => ({ address: i.address, event: i.event ?? null, at: i.at ?? null })),
        }
      : null,
    platform: {
      name: p.name,
      establishment: p.establishment,
      email: p.contactEmail,
      phone: p.contactPhone ?? null,
      contactName: p.contactName ?? null,
    },
    source: { decisionId: r.source.decisionId ?? null, caseId: r.source.caseId ?? null },
  };
  const lines = [
    'Notification of suspicion of a criminal offence involving a threat to the life or safety of persons',
    `Legal basis: ${n.legalBasis}`,
    `To: ${d.authority === 'europol' ? 'Europol' : `${d.agencyName} (${d.memberState})`}`,
    `From: ${p.name} (established in ${p.establishment})`,
    `Our reference: ${r.id}`,
    '',
    'Suspicion:',
    f.suspicion,
    '',
    'Content concerned:',
    f.contentDescription,
    `Item ids: ${f.itemIds.join(', ')}`,
    ...(f.contentUrls.length > 0 ? [`URLs: ${f.contentUrls.join(' ')}`] : []),
    '',
    `Time of the incident: ${f.incidentAt} (UTC; designated time zone ${f.timeZone})`,
    `Time of publication: ${f.publishedAt ? `${f.publishedAt} (UTC)` : 'not known'}`,
    `Location: ${
      n.location
        ? [n.location.city, n.location.region, n.location.countryCode].filter(Boolean).join(', ')
        : 'not known'
    }`,
    '',
    'User concerned:',
    ...(n.user
      ? [
          ...(
            [
              ['Account id', n.user.accountId],
              ['Service', n.user.service],
              ['Screen name', n.user.screenName],
              ['Display name', n.user.displayName],
              ['E-mail', n.user.email],
              ['Profile', n.user.profileUrl],
            ] as const
          )
            .filter(([, v]) => v !== null)
            .map(([k, v]) => `${k}: ${v}`),
          ...n.user.ips.map(
            (i) => `IP ${i.address}${i.event ? ` (${i.event})` : ''}${i.at ? ` at ${i.at}` : ''}`,
          ),
        ]
      : ['not available']),
    '',
    `Contact: ${[p.contactName, p.contactEmail, p.contactPhone].filter(Boolean).join(', ')}`,
  ];
  return { ...n, text: lines.join('\n') };
}

// ---------------------------------------------------------------------------------------------
// CyberTipline report XML

/**
 * The element order of the report XML this module writes, depth-first, as paths. Taken from
 * compliance.md §4.2: the 2014 XSD `report` sequence (wikimedia/takedown-tools
 * childprotection/espsubmittal.xsd @ 42fb7376) — incidentSummary, internetDetails+,
 * lawEnforcement?, reporter, personOrUserReported?, victim*, additionalInfo? — with
 * incidentSummary (incidentType, escalateToHighPriority?, incidentDateTime,
 * incidentDateTimeDescription?), webPageIncident (url+, additionalInfo?), and Coop's `Report`
 * type (ordered per "the NCMEC XSD sequence (Appendix B)") for reporter (reportingPerson, …,
 * legalURL?) and personOrUserReported (personOrUserReportedPerson, …, espIdentifier, espService,
 * screenName, displayName, profileUrl, ipCaptureEvent, …, estimatedLocation{city, region,
 * countryCode}, additionalInfo) and ipCaptureEvent (ipAddress, eventName, dateTime).
 * Person children (firstName, lastName, email) order: UNVERIFIED.
 * Only documented elements are written; lawEnforcement and victim are not written.
 */
export const CYBERTIPLINE_ELEMENT_ORDER = [
  'report',
  'report/incidentSummary',
  'report/incidentSummary/incidentType',
  'report/incidentSummary/escalateToHighPriority',
  'report/incidentSummary/incidentDateTime',
  'report/incidentSummary/incidentDateTimeDescription',
  'report/internetDetails',
  'report/internetDetails/webPageIncident',
  'report/internetDetails/webPageIncident/url',
  'report/internetDetails/webPageIncident/additionalInfo',
  'report/reporter',
  'report/reporter/reportingPerson',
  'report/reporter/reportingPerson/firstName',
  'report/reporter/reportingPerson/lastName',
  'report/reporter/reportingPerson/email',
  'report/reporter/legalURL',
  'report/personOrUserReported',
  'report/personOrUserReported/personOrUserReportedPerson',
  'report/personOrUserReported/personOrUserReportedPerson/email',
  'report/personOrUserReported/espIdentifier',
  'report/personOrUserReported/espService',
  'report/personOrUserReported/screenName',
  'report/personOrUserReported/displayName',
  'report/personOrUserReported/profileUrl',
  'report/personOrUserReported/ipCaptureEvent',
  'report/personOrUserReported/ipCaptureEvent/ipAddress',
  'report/personOrUserReported/ipCaptureEvent/eventName',
  'report/personOrUserReported/ipCaptureEvent/dateTime',
  'report/personOrUserReported/estimatedLocation',
  'report/personOrUserReported/estimatedLocation/city',
  'report/personOrUserReported/estimatedLocation/region',
  'report/personOrUserReported/estimatedLocation/countryCode',
  'report/additionalInfo',
] as const;

export const reporterSchema = z.strictObject({
  firstName: text(100),
  lastName: text(100),
  email,
  /** The platform's legal/law-enforcement page. */
  legalUrl: url.optional(),
});
export type ReporterInput = z.input<typeof reporterSchema>;

interface Node {
  name: string;
  text?: string;
  children?: Node[];
}

const leaf = (name: string, value: string | undefined): Node[] =>
  value === undefined ? [] : [{ name, text: value }];

function render(n: Node, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  if (n.children === undefined) {
    out.push(`${pad}<${n.name}>${escapeXml(n.text ?? '')}</${n.name}>`);
    return;
  }
  out.push(`${pad}<${n.name}>`);
  for (const c of n.children) render(c, depth + 1, out);
  out.push(`${pad}</${n.name}>`);
}

/**
 * The CyberTipline report XML (submitted with `POST /submit`). No DOCTYPE, so no entities.
 * The URLs of the content go in `webPageIncident`; without URLs, the items are described in
 * `report/additionalInfo` and a webPageIncident is not written — NCMEC requires at least one
 * internetDetails, so a referral without URLs is refused.
 */
export function cyberTiplineXml(input: unknown, reporterInput: unknown): string {
  const r = parseReferral(input);
  const rep = parseOrThrow(reporterSchema, reporterInput, 'reporter');
  if (r.kind !== 'cybertipline') {
    invalid('referral', [
      {
        path: 'kind',
        message: `referral ${r.id} is a "${r.kind}" referral; use art18Notification for it`,
      },
    ]);
  }
  const f = r.facts;
  if (f.contentUrls.length === 0) {
    invalid('referral', [
      {
        path: 'facts.contentUrls',
        message:
          'a CyberTipline report needs at least one internetDetails; give the URL(s) of the content',
      },
    ]);
  }
  const u = f.user;
  const loc = f.location;
  const person: Node[] = u
    ? [
        {
          name: 'personOrUserReported',
          children: [
            ...(u.email
              ? [{ name: 'personOrUserReportedPerson', children: leaf('email', u.email) }]
              : []),
            ...leaf('espIdentifier', u.accountId),
            ...leaf('espService', u.service),
            ...leaf('screenName', u.screenName),
            ...leaf('displayName', u.displayName),
            ...leaf('profileUrl', u.profileUrl),
            ...u.ips.map((i) => ({
              name: 'ipCaptureEvent',
              children: [
                ...leaf('ipAddress', i.address),
                ...leaf('eventName', i.event),
                ...leaf('dateTime', i.at),
              ],
            })),
            ...(loc && (loc.city || loc.region || loc.countryCode)
              ? [
                  {
                    name: 'estimatedLocation',
                    children: [
                      ...leaf('city', loc.city),
                      ...leaf('region', loc.region),
                      ...leaf('countryCode', loc.countryCode),
                    ],
                  },
                ]
              : []),
          ],
        },
      ]
    : [];
  const root: Node = {
    name: 'report',
    children: [
      {
        name: 'incidentSummary',
        children: [
          ...leaf('incidentType', r.incidentType),
          ...leaf('incidentDateTime', f.incidentAt),
          ...leaf(
            'incidentDateTimeDescription',
            f.publishedAt
              ? `Published ${f.publishedAt}; designated time zone ${f.timeZone}`
              : undefined,
          ),
        ],
      },
      {
        name: 'internetDetails',
        children: [
          {
            name: 'webPageIncident',
            children: [
              ...f.contentUrls.map((x) => ({ name: 'url', text: x })),
              ...leaf('additionalInfo', f.contentDescription),
            ],
          },
        ],
      },
      {
        name: 'reporter',
        children: [
          {
            name: 'reportingPerson',
            children: [
              ...leaf('firstName', rep.firstName),
              ...leaf('lastName', rep.lastName),
              ...leaf('email', rep.email),
            ],
          },
          ...leaf('legalURL', rep.legalUrl),
        ],
      },
      ...person,
      ...leaf(
        'additionalInfo',
        `${f.suspicion}\n\nPlatform reference: ${r.id}; item ids: ${f.itemIds.join(', ')}`,
      ),
    ],
  };
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  render(root, 0, out);
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Preservation

/**
 * The 1-year preservation hold that a completed CyberTipline submission triggers
 * (2258A(h)(1), `HOLD_RULES['cybertipline-report']`). The hold covers the items and the
 * reported account. Art. 18 has no statutory preservation period: refused.
 */
export function preservationHoldFor(input: unknown, submittedAt: string): HoldInput {
  const at = requireInstant(submittedAt, 'submittedAt');
  const r = parseReferral(input);
  if (r.kind !== 'cybertipline') {
    invalid('referral', [
      {
        path: 'kind',
        message: `only a CyberTipline report triggers the 2258A(h) preservation; for referral ${r.id} record a hold on its own basis (e.g. a 2703(f) request)`,
      },
    ]);
  }
  if (r.status !== 'submitted' && r.status !== 'acknowledged') {
    invalid('referral', [
      {
        path: 'status',
        message: `referral ${r.id} is "${r.status}"; the preservation starts with a completed submission — submit it first`,
      },
    ]);
  }
  const hold: HoldInput = {
    id: `${r.id}:2258A-h`,
    basis: 'cybertipline-report',
    scope: {
      itemIds: [...new Set(r.facts.itemIds)],
      evidenceIds: [],
      accountIds: r.facts.user?.accountId ? [r.facts.user.accountId] : [],
    },
    start: isoOf(at),
    reference: `CyberTipline report ${r.externalId ?? '(report id pending)'}; referral ${r.id}`,
  };
  parseHold(hold);
  return hold;
}
