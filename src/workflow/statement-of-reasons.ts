/**
 * Decisions -> statements of reasons (DSA Art. 17) and Transparency Database submissions
 * (Art. 24(5)). Pure: no IO, no clock; dates come in the decision.
 *
 * The enum values below are copied verbatim from `schemas/dsa-sor/rules.json` (`enums`); the
 * tests compare every list with the file, so they cannot drift.
 */
import { z } from 'zod';
import { EU_MEMBER_STATES } from '../shared/countries.js';
import { type ErrorCode, VigilError } from '../shared/errors.js';
import { isCalendarDate, isUrl } from './sor-rules.js';

export const VISIBILITY = [
  'DECISION_VISIBILITY_CONTENT_REMOVED',
  'DECISION_VISIBILITY_CONTENT_DISABLED',
  'DECISION_VISIBILITY_CONTENT_DEMOTED',
  'DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED',
  'DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED',
  'DECISION_VISIBILITY_CONTENT_LABELLED',
  'DECISION_VISIBILITY_OTHER',
] as const;
export const MONETARY = [
  'DECISION_MONETARY_SUSPENSION',
  'DECISION_MONETARY_TERMINATION',
  'DECISION_MONETARY_OTHER',
] as const;
export const PROVISION = [
  'DECISION_PROVISION_PARTIAL_SUSPENSION',
  'DECISION_PROVISION_TOTAL_SUSPENSION',
  'DECISION_PROVISION_PARTIAL_TERMINATION',
  'DECISION_PROVISION_TOTAL_TERMINATION',
] as const;
export const ACCOUNT = ['DECISION_ACCOUNT_SUSPENDED', 'DECISION_ACCOUNT_TERMINATED'] as const;
export const ACCOUNT_TYPES = ['ACCOUNT_TYPE_BUSINESS', 'ACCOUNT_TYPE_PRIVATE'] as const;
export const DECISION_GROUNDS = [
  'DECISION_GROUND_ILLEGAL_CONTENT',
  'DECISION_GROUND_INCOMPATIBLE_CONTENT',
] as const;
export const CONTENT_TYPES = [
  'CONTENT_TYPE_APP',
  'CONTENT_TYPE_AUDIO',
  'CONTENT_TYPE_IMAGE',
  'CONTENT_TYPE_PRODUCT',
  'CONTENT_TYPE_SYNTHETIC_MEDIA',
  'CONTENT_TYPE_TEXT',
  'CONTENT_TYPE_VIDEO',
  'CONTENT_TYPE_OTHER',
] as const;
export const CATEGORIES = [
  'STATEMENT_CATEGORY_ANIMAL_WELFARE',
  'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN',
  'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
  'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS',
  'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE',
  'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  'STATEMENT_CATEGORY_SELF_HARM',
  'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  'STATEMENT_CATEGORY_VIOLENCE',
] as const;
export const KEYWORDS = [
  'KEYWORD_ADULT_SEXUAL_MATERIAL',
  'KEYWORD_AGE_SPECIFIC_RESTRICTIONS',
  'KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS',
  'KEYWORD_ANIMAL_HARM',
  'KEYWORD_BIOMETRIC_DATA_BREACH',
  'KEYWORD_BULLYING_AGAINST_GIRLS',
  'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL',
  'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE',
  'KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS',
  'KEYWORD_COORDINATED_HARM',
  'KEYWORD_COPYRIGHT_INFRINGEMENT',
  'KEYWORD_CYBER_BULLYING_INTIMIDATION',
  'KEYWORD_CYBER_HARASSMENT',
  'KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN',
  'KEYWORD_CYBER_INCITEMENT',
  'KEYWORD_CYBER_STALKING',
  'KEYWORD_CYBER_STALKING_AGAINST_WOMEN',
  'KEYWORD_DATA_FALSIFICATION',
  'KEYWORD_DEFAMATION',
  'KEYWORD_DESIGN_INFRINGEMENT',
  'KEYWORD_DISCRIMINATION',
  'KEYWORD_FEMALE_GENDERED_DISINFORMATION',
  'KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT',
  'KEYWORD_GEOGRAPHICAL_REQUIREMENTS',
  'KEYWORD_GOODS_SERVICES_NOT_PERMITTED',
  'KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS',
  'KEYWORD_HATE_SPEECH',
  'KEYWORD_HIDDEN_ADVERTISEMENT',
  'KEYWORD_HUMAN_EXPLOITATION',
  'KEYWORD_HUMAN_TRAFFICKING',
  'KEYWORD_ILLEGAL_ORGANIZATIONS',
  'KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING',
  'KEYWORD_INAUTHENTIC_ACCOUNTS',
  'KEYWORD_INAUTHENTIC_LISTINGS',
  'KEYWORD_INAUTHENTIC_USER_REVIEWS',
  'KEYWORD_INCITEMENT_AGAINST_WOMEN',
  'KEYWORD_INCITEMENT_VIOLENCE_HATRED',
  'KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS',
  'KEYWORD_LANGUAGE_REQUIREMENTS',
  'KEYWORD_MISINFORMATION_DISINFORMATION',
  'KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS',
  'KEYWORD_MISLEADING_INFO_GOODS_SERVICES',
  'KEYWORD_MISSING_PROCESSING_GROUND',
  'KEYWORD_NON_CONSENSUAL_IMAGE_SHARING',
  'KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN',
  'KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE',
  'KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN',
  'KEYWORD_NONCOMPLIANCE_PRICING',
  'KEYWORD_NUDITY',
  'KEYWORD_PATENT_INFRINGEMENT',
  'KEYWORD_PHISHING',
  'KEYWORD_PROHIBITED_PRODUCTS',
  'KEYWORD_PYRAMID_SCHEMES',
  'KEYWORD_RIGHT_TO_BE_FORGOTTEN',
  'KEYWORD_RISK_ENVIRONMENTAL_DAMAGE',
  'KEYWORD_RISK_PUBLIC_HEALTH',
  'KEYWORD_SELF_MUTILATION',
  'KEYWORD_STALKING',
  'KEYWORD_SUICIDE',
  'KEYWORD_TERRORIST_CONTENT',
  'KEYWORD_TRADE_SECRET_INFRINGEMENT',
  'KEYWORD_TRADEMARK_INFRINGEMENT',
  'KEYWORD_TRAFFICKING_WOMEN_GIRLS',
  'KEYWORD_UNLAWFUL_SALE_ANIMALS',
  'KEYWORD_UNSAFE_CHALLENGES',
  'KEYWORD_UNSAFE_PRODUCTS',
  'KEYWORD_VIOLATION_EU_LAW',
  'KEYWORD_VIOLATION_NATIONAL_LAW',
  'KEYWORD_OTHER',
] as const;
export const SOURCE_TYPES = [
  'SOURCE_ARTICLE_16',
  'SOURCE_TRUSTED_FLAGGER',
  'SOURCE_TYPE_OTHER_NOTIFICATION',
  'SOURCE_VOLUNTARY',
] as const;
export const AUTOMATED_DECISIONS = [
  'AUTOMATED_DECISION_FULLY',
  'AUTOMATED_DECISION_PARTIALLY',
  'AUTOMATED_DECISION_NOT_AUTOMATED',
] as const;
export const COUNTRIES = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IS',
  'IT',
  'LI',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
] as const;
export const LANGUAGES = [
  'AB',
  'AA',
  'AF',
  'AK',
  'SQ',
  'AM',
  'AR',
  'AN',
  'HY',
  'AS',
  'AV',
  'AE',
  'AY',
  'AZ',
  'BM',
  'BA',
  'EU',
  'BE',
  'BN',
  'BH',
  'BI',
  'BS',
  'BR',
  'BG',
  'MY',
  'CA',
  'KM',
  'CH',
  'CE',
  'NY',
  'ZH',
  'CU',
  'CV',
  'KW',
  'CO',
  'CR',
  'HR',
  'CS',
  'DA',
  'DV',
  'NL',
  'DZ',
  'EN',
  'EO',
  'ET',
  'EE',
  'FO',
  'FJ',
  'FI',
  'FR',
  'FF',
  'GD',
  'GL',
  'LG',
  'KA',
  'DE',
  'KI',
  'EL',
  'KL',
  'GN',
  'GU',
  'HT',
  'HA',
  'HE',
  'HZ',
  'HI',
  'HO',
  'HU',
  'IS',
  'IO',
  'IG',
  'ID',
  'IA',
  'IE',
  'IU',
  'IK',
  'GA',
  'IT',
  'JA',
  'JV',
  'KN',
  'KR',
  'KS',
  'KK',
  'RW',
  'KV',
  'KG',
  'KO',
  'KJ',
  'KU',
  'KY',
  'LO',
  'LA',
  'LV',
  'LB',
  'LI',
  'LN',
  'LT',
  'LU',
  'MK',
  'MG',
  'MS',
  'ML',
  'MT',
  'GV',
  'MI',
  'MR',
  'MH',
  'RO',
  'MN',
  'NA',
  'NV',
  'ND',
  'NG',
  'NE',
  'SE',
  'NO',
  'NB',
  'NN',
  'II',
  'OC',
  'OJ',
  'OR',
  'OM',
  'OS',
  'PI',
  'PA',
  'PS',
  'FA',
  'PL',
  'PT',
  'QU',
  'RM',
  'RN',
  'RU',
  'SM',
  'SG',
  'SA',
  'SC',
  'SR',
  'SN',
  'SD',
  'SI',
  'SK',
  'SL',
  'SO',
  'ST',
  'NR',
  'ES',
  'SU',
  'SW',
  'SS',
  'SV',
  'TL',
  'TY',
  'TG',
  'TA',
  'TT',
  'TE',
  'TH',
  'BO',
  'TI',
  'TO',
  'TS',
  'TN',
  'TR',
  'TK',
  'TW',
  'UG',
  'UK',
  'UR',
  'UZ',
  'VE',
  'VI',
  'VO',
  'WA',
  'CY',
  'FY',
  'WO',
  'XH',
  'YI',
  'YO',
  'ZA',
  'ZU',
] as const;
/** The Transparency Database's EU group: the member states. */
export const EU_COUNTRIES = EU_MEMBER_STATES;
/** The EEA: every country the Transparency Database accepts in a territorial scope. */
export const EEA_COUNTRIES = COUNTRIES;

/**
 * The code of an invalid decision or platform setting. A dedicated `DECISION_INVALID` needs an
 * entry in src/shared/errors.ts, docs/errors.md and src/server/problems.ts (HTTP status); until
 * then decisions, which arrive as requests, fail as REQUEST_INVALID.
 */
export const DECISION_ERROR: ErrorCode = 'REQUEST_INVALID';

export type Visibility = (typeof VISIBILITY)[number];
export type Monetary = (typeof MONETARY)[number];
export type Provision = (typeof PROVISION)[number];
export type AccountRestriction = (typeof ACCOUNT)[number];
export type ContentType = (typeof CONTENT_TYPES)[number];
export type Category = (typeof CATEGORIES)[number];
export type Keyword = (typeof KEYWORDS)[number];
export type SourceType = (typeof SOURCE_TYPES)[number];
export type AutomatedDecision = (typeof AUTOMATED_DECISIONS)[number];
export type Country = (typeof COUNTRIES)[number];

/** The DSA taxonomy entry for trafficking content (rules.json `category`, `category_specification`). */
export const TRAFFICKING_CATEGORY: Category = 'STATEMENT_CATEGORY_VIOLENCE';
export const TRAFFICKING_KEYWORDS: readonly Keyword[] = [
  'KEYWORD_HUMAN_TRAFFICKING',
  'KEYWORD_TRAFFICKING_WOMEN_GIRLS',
  'KEYWORD_HUMAN_EXPLOITATION',
];

/** Date bounds of the Transparency Database (rules.json content_date / application_date / end_date_*). */
const CONTENT_DATE_MIN = '2000-01-01';
const DECISION_DATE_MIN = '2020-01-01';
const DATE_MAX = '2038-01-01';

/** Non-blank text of at most `max` characters, counted as the database counts them (code points). */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .refine((s) => [...s].length <= max, `must be at most ${max} characters`);
const date = z.string().refine(isCalendarDate, 'must be a real date in the format YYYY-MM-DD');
const url = z.string().max(500).refine(isUrl, 'must be an absolute URL such as https://…');

export const decisionSchema = z.strictObject({
  /** Decision id; submitted as the Transparency Database `puid` (no personal data in it). */
  id: z
    .string()
    .min(1)
    .max(500)
    .regex(/^[a-zA-Z0-9_-]+$/, 'may hold only letters, digits, "-" and "_"'),
  /** The day the restriction applies (YYYY-MM-DD); the `application_date`. */
  decidedAt: date,
  restrictions: z.strictObject({
    visibility: z
      .strictObject({
        kinds: z.array(z.enum(VISIBILITY)).min(1).max(VISIBILITY.length),
        other: text(500).optional(),
        endDate: date.optional(),
      })
      .optional(),
    monetary: z
      .strictObject({
        kind: z.enum(MONETARY),
        other: text(500).optional(),
        endDate: date.optional(),
      })
      .optional(),
    provision: z.strictObject({ kind: z.enum(PROVISION), endDate: date.optional() }).optional(),
    account: z.strictObject({ kind: z.enum(ACCOUNT), endDate: date.optional() }).optional(),
  }),
  ground: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('illegal'),
      /** The law relied on, e.g. "Section 232 StGB (human trafficking)". */
      legalGround: text(500),
      /** Why the content is illegal on that ground. */
      explanation: text(2000),
      referenceUrl: url.optional(),
    }),
    z.strictObject({
      kind: z.literal('incompatible'),
      /** The terms-and-conditions clause relied on. */
      clause: text(500),
      explanation: text(2000),
      /** Whether the content is also considered illegal. */
      alsoIllegal: z.boolean().optional(),
      referenceUrl: url.optional(),
    }),
  ]),
  facts: text(5000),
  automatedDetection: z.boolean(),
  automatedDecision: z.enum(AUTOMATED_DECISIONS),
  /** 'EU', 'EEA' or a list of country codes (rules.json territorial_scope). Absent = not stated. */
  territorialScope: z
    .union([
      z.literal('EU'),
      z.literal('EEA'),
      z.array(z.enum(COUNTRIES)).min(1).max(COUNTRIES.length),
    ])
    .optional(),
  content: z.strictObject({
    types: z.array(z.enum(CONTENT_TYPES)).min(1).max(CONTENT_TYPES.length),
    other: text(500).optional(),
    /** The day the content was posted or created (YYYY-MM-DD). */
    date,
    language: z.enum(LANGUAGES).optional(),
  }),
  category: z.enum(CATEGORIES),
  additionalCategories: z.array(z.enum(CATEGORIES)).max(CATEGORIES.length).optional(),
  keywords: z.array(z.enum(KEYWORDS)).max(KEYWORDS.length).optional(),
  keywordOther: text(500).optional(),
  source: z.strictObject({
    type: z.enum(SOURCE_TYPES),
    /** The notifier, only where strictly necessary (Art. 17(3)(b)); never for own initiative. */
    identity: text(500).optional(),
  }),
  accountType: z.enum(ACCOUNT_TYPES).optional(),
});

export type Decision = z.infer<typeof decisionSchema>;
export type DecisionInput = z.input<typeof decisionSchema>;

interface Issue {
  path: string;
  message: string;
}

function consistency(d: Decision): Issue[] {
  const issues: Issue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const r = d.restrictions;
  if (!r.visibility && !r.monetary && !r.provision && !r.account) {
    add(
      'restrictions',
      'name at least one restriction: visibility, monetary, provision or account',
    );
  }
  const pairs: [string, boolean, unknown][] = [
    [
      'restrictions.visibility.other',
      r.visibility?.kinds.includes('DECISION_VISIBILITY_OTHER') ?? false,
      r.visibility?.other,
    ],
    [
      'restrictions.monetary.other',
      r.monetary?.kind === 'DECISION_MONETARY_OTHER',
      r.monetary?.other,
    ],
    ['content.other', d.content.types.includes('CONTENT_TYPE_OTHER'), d.content.other],
    ['keywordOther', d.keywords?.includes('KEYWORD_OTHER') ?? false, d.keywordOther],
  ];
  for (const [path, isOther, described] of pairs) {
    if (isOther && described === undefined) add(path, 'describe the "other" value chosen');
    if (!isOther && described !== undefined)
      add(path, 'give a description only with the "other" value');
  }
  const ends: [string, { endDate?: string | undefined } | undefined, boolean][] = [
    ['restrictions.visibility.endDate', r.visibility, false],
    [
      'restrictions.monetary.endDate',
      r.monetary,
      r.monetary?.kind === 'DECISION_MONETARY_TERMINATION',
    ],
    [
      'restrictions.provision.endDate',
      r.provision,
      r.provision?.kind.endsWith('_TERMINATION') ?? false,
    ],
    ['restrictions.account.endDate', r.account, r.account?.kind === 'DECISION_ACCOUNT_TERMINATED'],
  ];
  for (const [path, restriction, termination] of ends) {
    const end = restriction?.endDate;
    if (end === undefined) continue;
    if (termination)
      add(path, 'a termination has no end date; use a suspension or drop the end date');
    if (end < d.decidedAt)
      add(path, `the end date ${end} is before the decision date ${d.decidedAt}`);
    if (end > DATE_MAX) add(path, `the end date must be on or before ${DATE_MAX}`);
  }
  if (d.decidedAt < DECISION_DATE_MIN || d.decidedAt > DATE_MAX) {
    add('decidedAt', `the decision date must be between ${DECISION_DATE_MIN} and ${DATE_MAX}`);
  }
  if (d.content.date < CONTENT_DATE_MIN)
    add('content.date', `must be on or after ${CONTENT_DATE_MIN}`);
  if (d.content.date > d.decidedAt) {
    add(
      'content.date',
      `the content date ${d.content.date} is after the decision date ${d.decidedAt}`,
    );
  }
  if (d.source.type === 'SOURCE_VOLUNTARY' && d.source.identity !== undefined) {
    add('source.identity', 'an own-initiative decision has no notifier; drop the identity');
  }
  return issues;
}

/** Validate a decision; throws VigilError(DECISION_ERROR) naming every problem. */
export function parseDecision(input: unknown): Decision {
  const parsed = decisionSchema.safeParse(input);
  const issues: Issue[] = parsed.success
    ? consistency(parsed.data)
    : parsed.error.issues.map((i) => ({
        path: i.path.join('.') || '(decision)',
        message: i.message,
      }));
  if (!parsed.success || issues.length > 0) {
    const first = issues[0] ?? { path: '(decision)', message: 'invalid' };
    const more =
      issues.length > 1 ? ` (and ${issues.length - 1} more problem(s), see details)` : '';
    throw new VigilError(
      DECISION_ERROR,
      `Decision invalid at ${first.path}: ${first.message}${more}.`,
      {
        details: { issues: issues.slice(0, 50) },
      },
    );
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// The user-facing statement of reasons (Art. 17(3))

export const platformSchema = z.strictObject({
  name: text(200),
  /** Where the recipient reaches the provider (e-mail address or URL). */
  contact: text(500),
  /** How to lodge an internal complaint (Art. 20): a URL or instructions. */
  complaint: text(1000),
  /** At least six months (Art. 20(1)). */
  complaintWindowMonths: z.number().int().min(6).max(120).default(6),
  /** Certified out-of-court dispute settlement bodies (Art. 21). */
  outOfCourtBodies: z
    .array(z.strictObject({ name: text(200), url: url.optional() }))
    .max(20)
    .default([]),
  termsUrl: url.optional(),
});
export type PlatformInput = z.input<typeof platformSchema>;

const VISIBILITY_TEXT: Record<Visibility, string> = {
  DECISION_VISIBILITY_CONTENT_REMOVED: 'we removed the content',
  DECISION_VISIBILITY_CONTENT_DISABLED: 'we disabled access to the content',
  DECISION_VISIBILITY_CONTENT_DEMOTED: 'we reduced how prominently the content is shown (demotion)',
  DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED: 'we restricted the content to adults',
  DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED: 'we restricted interaction with the content',
  DECISION_VISIBILITY_CONTENT_LABELLED: 'we added a label to the content',
  DECISION_VISIBILITY_OTHER: 'we restricted the visibility of the content',
};
const MONETARY_TEXT: Record<Monetary, string> = {
  DECISION_MONETARY_SUSPENSION: 'we suspended monetary payments to you',
  DECISION_MONETARY_TERMINATION: 'we terminated monetary payments to you',
  DECISION_MONETARY_OTHER: 'we restricted monetary payments to you',
};
const PROVISION_TEXT: Record<Provision, string> = {
  DECISION_PROVISION_PARTIAL_SUSPENSION: 'we suspended part of our service to you',
  DECISION_PROVISION_TOTAL_SUSPENSION: 'we suspended our service to you',
  DECISION_PROVISION_PARTIAL_TERMINATION: 'we ended part of our service to you',
  DECISION_PROVISION_TOTAL_TERMINATION: 'we ended our service to you',
};
const ACCOUNT_TEXT: Record<AccountRestriction, string> = {
  DECISION_ACCOUNT_SUSPENDED: 'we suspended your account',
  DECISION_ACCOUNT_TERMINATED: 'we closed your account',
};
const SOURCE_TEXT: Record<SourceType, string> = {
  SOURCE_ARTICLE_16: 'after a notice about the content (Article 16 DSA)',
  SOURCE_TRUSTED_FLAGGER: 'after a notice from a trusted flagger (Article 22 DSA)',
  SOURCE_TYPE_OTHER_NOTIFICATION: 'after a notification we received',
  SOURCE_VOLUNTARY: 'on our own initiative',
};
const AUTOMATION_TEXT: Record<AutomatedDecision, string> = {
  AUTOMATED_DECISION_FULLY: 'The decision was taken by automated means.',
  AUTOMATED_DECISION_PARTIALLY:
    'The decision was taken partly by automated means and partly by a person.',
  AUTOMATED_DECISION_NOT_AUTOMATED: 'The decision was taken by a person, not by automated means.',
};

export interface RestrictionSummary {
  kind: 'visibility' | 'monetary' | 'provision' | 'account';
  value: string;
  description: string;
  endDate: string | null;
}

export interface StatementOfReasons {
  decisionId: string;
  sections: {
    id: 'action' | 'facts' | 'automation' | 'ground' | 'redress';
    heading: string;
    body: string;
  }[];
  text: string;
  structured: {
    platform: { name: string; contact: string };
    decidedAt: string;
    restrictions: RestrictionSummary[];
    territorialScope: string[] | null;
    ground:
      | { kind: 'illegal'; legalGround: string; explanation: string; referenceUrl: string | null }
      | {
          kind: 'incompatible';
          clause: string;
          explanation: string;
          alsoIllegal: boolean | null;
          referenceUrl: string | null;
        };
    facts: string;
    source: SourceType;
    automatedDetection: boolean;
    automatedDecision: AutomatedDecision;
    category: Category;
    keywords: Keyword[];
    redress: {
      internalComplaint: { how: string; until: string };
      outOfCourt: { name: string; url: string | null }[];
      judicial: true;
    };
  };
}

/** YYYY-MM-DD plus whole months, clamped to the last day of a shorter month. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(year, 4)}-${pad(month + 1)}-${pad(Math.min(d, last))}`;
}

function scopeCodes(scope: Decision['territorialScope']): string[] | null {
  if (scope === undefined) return null;
  if (scope === 'EU') return [...EU_COUNTRIES];
  if (scope === 'EEA') return [...EEA_COUNTRIES];
  return [...new Set(scope)].sort();
}

function restrictionsOf(d: Decision): RestrictionSummary[] {
  const r = d.restrictions;
  const out: RestrictionSummary[] = [];
  const end = (e: string | undefined) => e ?? null;
  for (const kind of r.visibility?.kinds ?? []) {
    const description =
      kind === 'DECISION_VISIBILITY_OTHER' && r.visibility?.other
        ? `${VISIBILITY_TEXT[kind]}: ${r.visibility.other}`
        : VISIBILITY_TEXT[kind];
    out.push({ kind: 'visibility', value: kind, description, endDate: end(r.visibility?.endDate) });
  }
  if (r.monetary) {
    const description = r.monetary.other
      ? `${MONETARY_TEXT[r.monetary.kind]}: ${r.monetary.other}`
      : MONETARY_TEXT[r.monetary.kind];
    out.push({
      kind: 'monetary',
      value: r.monetary.kind,
      description,
      endDate: end(r.monetary.endDate),
    });
  }
  if (r.provision) {
    out.push({
      kind: 'provision',
      value: r.provision.kind,
      description: PROVISION_TEXT[r.provision.kind],
      endDate: end(r.provision.endDate),
    });
  }
  if (r.account) {
    out.push({
      kind: 'account',
      value: r.account.kind,
      description: ACCOUNT_TEXT[r.account.kind],
      endDate: end(r.account.endDate),
    });
  }
  return out;
}

/** The statement of reasons for the affected recipient (Art. 17(3)(a)–(f)). Pure. */
export function statementOfReasons(
  decisionInput: unknown,
  platformInput: PlatformInput,
): StatementOfReasons {
  const d = parseDecision(decisionInput);
  const parsedPlatform = platformSchema.safeParse(platformInput);
  if (!parsedPlatform.success) {
    const i = parsedPlatform.error.issues[0];
    throw new VigilError(
      DECISION_ERROR,
      `Platform settings for the statement of reasons are invalid at ${i?.path.join('.') || '(platform)'}: ${i?.message ?? 'invalid'}.`,
    );
  }
  const p = parsedPlatform.data;
  const restrictions = restrictionsOf(d);
  const scope = scopeCodes(d.territorialScope);
  const until = addMonths(d.decidedAt, p.complaintWindowMonths);

  const actionLines = restrictions.map(
    (r) =>
      `- ${r.description[0]?.toUpperCase()}${r.description.slice(1)}${r.endDate ? `, until ${r.endDate}` : ', with no end date'}.`,
  );
  const scopeLine =
    scope === null
      ? ''
      : d.territorialScope === 'EU'
        ? '\nThis applies in all countries of the European Union.'
        : d.territorialScope === 'EEA'
          ? '\nThis applies in all countries of the European Economic Area.'
          : `\nThis applies in: ${scope.join(', ')}.`;
  const action = `On ${d.decidedAt} ${p.name} took this decision about your content posted on ${d.content.date}:\n${actionLines.join('\n')}${scopeLine}`;

  const facts = `We acted ${SOURCE_TEXT[d.source.type]}.${d.source.identity ? ` The notice came from: ${d.source.identity}.` : ''}\nThe facts and circumstances we relied on: ${d.facts}`;

  const automation = `${d.automatedDetection ? 'The content was detected or identified by automated means.' : 'The content was not detected by automated means.'} ${AUTOMATION_TEXT[d.automatedDecision]}`;

  const g = d.ground;
  const ground =
    g.kind === 'illegal'
      ? `We consider the content illegal under: ${g.legalGround}.\nWhy: ${g.explanation}${g.referenceUrl ? `\nThe law: ${g.referenceUrl}` : ''}`
      : `The content is incompatible with our terms and conditions, clause: ${g.clause}.\nWhy: ${g.explanation}${(g.referenceUrl ?? p.termsUrl) ? `\nOur terms: ${g.referenceUrl ?? p.termsUrl}` : ''}${g.alsoIllegal ? '\nWe also consider the content illegal.' : ''}`;

  const bodies =
    p.outOfCourtBodies.length > 0
      ? ` Certified bodies you can turn to: ${p.outOfCourtBodies.map((b) => (b.url ? `${b.name} (${b.url})` : b.name)).join('; ')}.`
      : '';
  const redress = [
    `If you disagree, you can challenge this decision:`,
    `- Internal complaint (Article 20 DSA): free of charge, until ${until} (${p.complaintWindowMonths} months after the decision). How: ${p.complaint}`,
    `- Out-of-court dispute settlement (Article 21 DSA): you can ask a certified dispute settlement body to review the decision.${bodies}`,
    '- Judicial redress: you can also take the matter to a court under the law of your country; this does not depend on using the routes above.',
    `Contact: ${p.contact}`,
  ].join('\n');

  const sections: StatementOfReasons['sections'] = [
    { id: 'action', heading: 'What we did', body: action },
    { id: 'facts', heading: 'The facts we relied on', body: facts },
    { id: 'automation', heading: 'Use of automated means', body: automation },
    {
      id: 'ground',
      heading: g.kind === 'illegal' ? 'Why: legal ground' : 'Why: our terms and conditions',
      body: ground,
    },
    { id: 'redress', heading: 'How to challenge this decision', body: redress },
  ];
  return {
    decisionId: d.id,
    sections,
    text: `Statement of reasons from ${p.name} (decision ${d.id})\n\n${sections.map((s) => `${s.heading}\n${s.body}`).join('\n\n')}\n`,
    structured: {
      platform: { name: p.name, contact: p.contact },
      decidedAt: d.decidedAt,
      restrictions,
      territorialScope: scope,
      ground:
        g.kind === 'illegal'
          ? {
              kind: 'illegal',
              legalGround: g.legalGround,
              explanation: g.explanation,
              referenceUrl: g.referenceUrl ?? null,
            }
          : {
              kind: 'incompatible',
              clause: g.clause,
              explanation: g.explanation,
              alsoIllegal: g.alsoIllegal ?? null,
              referenceUrl: g.referenceUrl ?? null,
            },
      facts: d.facts,
      source: d.source.type,
      automatedDetection: d.automatedDetection,
      automatedDecision: d.automatedDecision,
      category: d.category,
      keywords: [...new Set(d.keywords ?? [])].sort(),
      redress: {
        internalComplaint: { how: p.complaint, until },
        outOfCourt: p.outOfCourtBodies.map((b) => ({ name: b.name, url: b.url ?? null })),
        judicial: true,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The Transparency Database submission (Art. 24(5))

export interface TransparencyOptions {
  /**
   * Include the notifier's identity as `source_identity`. Off by default: the database must not
   * receive personal data (Art. 24(5)); turn it on only for notifiers that are organisations.
   */
  includeSourceIdentity?: boolean;
}

/** The body of `POST /api/v1/statement`: rules.json field names and enum values, already normalised. */
export function transparencyPayload(
  decisionInput: unknown,
  options: TransparencyOptions = {},
): Record<string, unknown> {
  const d = parseDecision(decisionInput);
  const r = d.restrictions;
  const sorted = <T extends string>(xs: readonly T[]) => [...new Set(xs)].sort();
  const out: Record<string, unknown> = {};
  if (r.visibility) {
    out.decision_visibility = sorted(r.visibility.kinds);
    if (r.visibility.other !== undefined) out.decision_visibility_other = r.visibility.other;
    if (r.visibility.endDate !== undefined)
      out.end_date_visibility_restriction = r.visibility.endDate;
  }
  if (r.monetary) {
    out.decision_monetary = r.monetary.kind;
    if (r.monetary.other !== undefined) out.decision_monetary_other = r.monetary.other;
    if (r.monetary.endDate !== undefined) out.end_date_monetary_restriction = r.monetary.endDate;
  }
  if (r.provision) {
    out.decision_provision = r.provision.kind;
    if (r.provision.endDate !== undefined) out.end_date_service_restriction = r.provision.endDate;
  }
  if (r.account) {
    out.decision_account = r.account.kind;
    if (r.account.endDate !== undefined) out.end_date_account_restriction = r.account.endDate;
  }
  if (d.accountType !== undefined) out.account_type = d.accountType;
  const g = d.ground;
  if (g.kind === 'illegal') {
    out.decision_ground = 'DECISION_GROUND_ILLEGAL_CONTENT';
    out.illegal_content_legal_ground = g.legalGround;
    out.illegal_content_explanation = g.explanation;
  } else {
    out.decision_ground = 'DECISION_GROUND_INCOMPATIBLE_CONTENT';
    out.incompatible_content_ground = g.clause;
    out.incompatible_content_explanation = g.explanation;
    if (g.alsoIllegal !== undefined)
      out.incompatible_content_illegal = g.alsoIllegal ? 'Yes' : 'No';
  }
  if (g.referenceUrl !== undefined) out.decision_ground_reference_url = g.referenceUrl;
  out.content_type = sorted(d.content.types);
  if (d.content.other !== undefined) out.content_type_other = d.content.other;
  out.category = d.category;
  const addition = sorted((d.additionalCategories ?? []).filter((c) => c !== d.category));
  if (addition.length > 0) out.category_addition = addition;
  const keywords = sorted(d.keywords ?? []);
  if (keywords.length > 0) out.category_specification = keywords;
  if (d.keywordOther !== undefined) out.category_specification_other = d.keywordOther;
  const scope = scopeCodes(d.territorialScope);
  if (scope !== null) out.territorial_scope = scope;
  if (d.content.language !== undefined) out.content_language = d.content.language;
  out.content_date = d.content.date;
  out.application_date = d.decidedAt;
  out.decision_facts = d.facts;
  out.source_type = d.source.type;
  if (
    options.includeSourceIdentity &&
    d.source.identity !== undefined &&
    d.source.type !== 'SOURCE_VOLUNTARY'
  ) {
    out.source_identity = d.source.identity;
  }
  out.automated_detection = d.automatedDetection ? 'Yes' : 'No';
  out.automated_decision = d.automatedDecision;
  out.puid = d.id;
  return out;
}
