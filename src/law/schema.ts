/**
 * The legal knowledge base's data, as a schema: one file per jurisdiction and one per
 * international instrument (law/*.yaml). EVERY fact carries the keys of its sources (listed in
 * the file's `sources`) and a verification tag (P: primary text read; S: secondary source only;
 * UNVERIFIED: not confirmed), as the research notes do (../shared/reference/law.md). A fact
 * without a source, or citing a key the file does not list, fails validation, and
 * test/law-data.test.ts runs the validation on every file in `npm test`.
 *
 * Facts may carry effective dates so that the law can be asked "as of" a date.
 */
import { z } from 'zod';
import { VigilError } from '../shared/errors.js';

// ---------------------------------------------------------------------------------------------
// Vocabulary shared by the data and the reasoning

/** What the offender does (Palermo Art. 3(a) acts, and national additions such as advertising). */
export const ACTS = [
  'recruitment',
  'transportation',
  'transfer',
  'harbouring',
  'receipt',
  'exchange-or-transfer-of-control',
  'advertising',
  'enticement',
  'obtaining',
  'providing',
  'maintaining',
  'patronizing',
  'soliciting',
  'exercising-control',
  'benefiting',
] as const;

/** How (Palermo Art. 3(a) means, and national variants). */
export const MEANS = [
  'threat',
  'force',
  'coercion',
  'abduction',
  'fraud',
  'deception',
  'abuse-of-power',
  'abuse-of-vulnerability',
  'payment-to-person-in-control',
  'debt-bondage',
  'confiscation-of-documents',
  'fear-for-safety',
] as const;

/** For what (Palermo Art. 3(a) exploitation, and additions such as Directive 2024/1712's). */
export const PURPOSES = [
  'sexual-exploitation',
  'commercial-sex',
  'forced-labour',
  'slavery',
  'servitude',
  'organ-removal',
  'begging',
  'criminal-activities',
  'forced-marriage',
  'illegal-adoption',
  'surrogacy',
  'pornography',
] as const;

/** Circumstances that raise penalties. */
export const AGGRAVATORS = [
  'minor',
  'coercion',
  'multiple-victims',
  'organised-group',
  'ict',
  'public-official',
  'death-or-serious-harm',
  'vulnerable-victim',
] as const;

/** Grounds on which a state claims jurisdiction. */
export const JURISDICTION_BASES = [
  'territory',
  'victim-territory',
  'platform-establishment',
  'server-territory',
  'offender-nationality',
  'offender-residence',
  'victim-nationality',
  'universal',
] as const;

export const DATA_KINDS = ['subscriber', 'traffic', 'content'] as const;
export const DUTY_KINDS = ['report', 'remove', 'preserve', 'notify', 'risk-assess'] as const;
/** What content a provider duty is about. */
export const CONTENT_KINDS = [
  'csam',
  'child-sex-trafficking',
  'trafficking',
  'threat-to-life',
  'illegal-content',
  'adult-sexual-services',
] as const;
export const TREATY_STATUSES = ['party', 'signatory', 'not-party'] as const;

export type Act = (typeof ACTS)[number];
export type Means = (typeof MEANS)[number];
export type Purpose = (typeof PURPOSES)[number];
export type Aggravator = (typeof AGGRAVATORS)[number];
export type JurisdictionBasis = (typeof JURISDICTION_BASES)[number];
export type DataKind = (typeof DATA_KINDS)[number];
export type DutyKind = (typeof DUTY_KINDS)[number];
export type ContentKind = (typeof CONTENT_KINDS)[number];

// ---------------------------------------------------------------------------------------------
// Sources and the fields every fact carries

export const VERIFICATIONS = ['P', 'S', 'UNVERIFIED'] as const;
export type Verification = (typeof VERIFICATIONS)[number];

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'must be a real date');
const text = (max: number) => z.string().trim().min(1).max(max);
const sourceKey = z
  .string()
  .regex(/^[A-Z]{2,4}-\d{1,3}$|^NOTES$/, 'must be a source key such as DE-1 (or NOTES)');

export const sourceSchema = z.strictObject({
  title: text(300),
  /** Where it was read (omitted for the research notes). */
  url: z.string().max(500).optional(),
  kind: z.enum([
    'statute',
    'treaty-depositary',
    'official-journal',
    'gov',
    'court',
    'commentary',
    'news',
    'research-notes',
  ]),
  /** The version or date of what was read. */
  asOf: text(100).optional(),
});
export type Source = z.infer<typeof sourceSchema>;

/** What every fact carries: where it comes from, how sure it is, and when it applies. */
const fact = {
  sources: z.array(sourceKey).min(1, 'every fact needs at least one source key'),
  verification: z.enum(VERIFICATIONS),
  /** Why the tag is what it is, or what is unverified about it. */
  note: text(1000).optional(),
  /** When the fact applies (inclusive); absent = always, as far as the data knows. */
  effective: z.strictObject({ from: day.optional(), to: day.optional() }).optional(),
};

/** A penalty range in years ("life" for life imprisonment); fines as text. */
export const penaltySchema = z.strictObject({
  minYears: z.number().min(0).max(100).optional(),
  maxYears: z.union([z.number().min(0).max(100), z.literal('life')]).optional(),
  fine: text(300).optional(),
  text: text(500).optional(),
});
export type Penalty = z.infer<typeof penaltySchema>;

// ---------------------------------------------------------------------------------------------
// A jurisdiction's file

/** The definition of trafficking a state uses: what the definition test checks. */
export const definitionSchema = z.strictObject({
  provision: text(200),
  acts: z.array(z.enum(ACTS)).min(1),
  means: z.array(z.enum(MEANS)),
  purposes: z.array(z.enum(PURPOSES)).min(1),
  /**
   * Whether the means must be shown for adult victims, and below which age they need not be
   * (Palermo: 18; Germany: 21). `null` childAge = means are needed for every victim (Brazil,
   * India per their texts); meansRequired false = no means element at all (Canada's
   * fear-for-safety test is in `exploitationTest`).
   */
  meansRequired: z.boolean(),
  noMeansBelowAge: z.number().int().min(1).max(30).nullable(),
  /** A test of exploitation the definition uses instead of means (Canada s. 279.04). */
  exploitationTest: z.enum(['fear-for-safety']).optional(),
  ...fact,
});
export type Definition = z.infer<typeof definitionSchema>;

export const offenceSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,80}$/),
  title: text(200),
  /** e.g. "§232(1) StGB", "18 U.S.C. §1591(a)(1)". */
  provision: text(200),
  category: z.enum([
    'trafficking',
    'sex-trafficking',
    'forced-labour',
    'forced-prostitution',
    'exploitation',
    'advertising',
    'facilitation',
    'csam',
    'platform-liability',
    'child-sexual-exploitation',
  ]),
  elements: z.strictObject({
    acts: z.array(z.enum(ACTS)),
    means: z.array(z.enum(MEANS)),
    purposes: z.array(z.enum(PURPOSES)),
    /** As in `definitionSchema`: whether means must be shown, and the age below which not. */
    meansRequired: z.boolean(),
    noMeansBelowAge: z.number().int().min(1).max(30).nullable(),
    /** The offence only applies to victims under this age (child-specific offences). */
    victimUnderAge: z.number().int().min(1).max(30).optional(),
    /** The offence needs online or ICT conduct (e.g. operating an interactive computer service). */
    requiresIct: z.boolean().optional(),
  }),
  penalty: penaltySchema,
  aggravators: z
    .array(
      z.strictObject({
        factor: z.enum(AGGRAVATORS),
        /** For `minor`: the age below which it applies (default 18). */
        belowAge: z.number().int().min(1).max(30).optional(),
        penalty: penaltySchema,
        provision: text(200).optional(),
        ...fact,
      }),
    )
    .default([]),
  ...fact,
});
export type Offence = z.infer<typeof offenceSchema>;

export const dutySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,80}$/),
  duty: z.enum(DUTY_KINDS),
  /** The content that triggers it. */
  content: z.array(z.enum(CONTENT_KINDS)).min(1),
  /** Whether it binds providers established in the jurisdiction, or any serving it. */
  appliesTo: z.enum(['established', 'serving']),
  /** Who receives the report or notification, or who orders the removal. */
  recipient: text(200).optional(),
  /** A fixed deadline, if the law sets one. */
  deadlineHours: z
    .number()
    .positive()
    .max(24 * 3660)
    .optional(),
  /** The deadline as the law words it ("as soon as reasonably possible", "promptly"). */
  deadlineText: text(300),
  /** How long data must be kept, for preservation duties. */
  retainDays: z.number().int().positive().max(3660).optional(),
  citation: text(200),
  penalty: text(500).optional(),
  ...fact,
});
export type Duty = z.infer<typeof dutySchema>;

export const claimSchema = z.strictObject({
  basis: z.enum(JURISDICTION_BASES),
  provision: text(200),
  /** For which offences (ids); absent = the trafficking offences generally. */
  offences: z.array(z.string()).optional(),
  ...fact,
});

export const membershipSchema = z.strictObject({
  /** An instrument file's id. */
  instrument: z.string().regex(/^[a-z0-9-]{2,40}$/),
  status: z.enum(TREATY_STATUSES),
  signed: day.optional(),
  ratified: day.optional(),
  inForce: day.optional(),
  ...fact,
});
export type Membership = z.infer<typeof membershipSchema>;

export const jurisdictionSchema = z.strictObject({
  /** ISO 3166-1 alpha-2, or EU. */
  id: z.string().regex(/^[A-Z]{2}$/),
  name: text(100),
  /** Organisations the state belongs to, for the instruments that follow from membership. */
  memberOf: z.array(z.enum(['EU', 'CoE', 'EEA'])).default([]),
  /** The date the data was last checked against its sources. */
  lastVerified: day,
  sources: z.record(sourceKey, sourceSchema),
  definition: definitionSchema.optional(),
  offences: z.array(offenceSchema).default([]),
  duties: z.array(dutySchema).default([]),
  jurisdiction: z.array(claimSchema).default([]),
  memberships: z.array(membershipSchema).default([]),
});
export type Jurisdiction = z.infer<typeof jurisdictionSchema>;

// ---------------------------------------------------------------------------------------------
// An international instrument's file

/** A route an instrument opens for getting data from another state or its providers. */
export const routeSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,80}$/),
  title: text(200),
  kind: z.enum([
    'production-order',
    'preservation-order',
    'preservation-request',
    'direct-request',
    'mla',
  ]),
  provision: text(200),
  /** Which data it reaches. */
  data: z.array(z.enum(DATA_KINDS)).min(1),
  /** Who answers: the service provider directly, or the other state's authority. */
  addressee: z.enum(['provider', 'state']),
  /** The deadline to answer, normal and emergency, in hours. */
  deadlineHours: z.number().positive().optional(),
  emergencyDeadlineHours: z.number().positive().optional(),
  /** For preservation: days kept, and a renewal. */
  preserveDays: z.number().int().positive().optional(),
  renewalDays: z.number().int().positive().optional(),
  /** Whether the conduct must be an offence in both states. */
  dualCriminality: z.enum(['required', 'not-required', 'may-be-required']),
  /** Both states must be bound: EU members (not DK/IE unless opted in), or parties in force. */
  between: z.enum(['eu-members', 'parties']),
  /** EU members not bound by it. */
  excluded: z.array(z.string().regex(/^[A-Z]{2}$/)).default([]),
  ...fact,
});
export type Route = z.infer<typeof routeSchema>;

export const instrumentSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{2,40}$/),
  name: text(300),
  kind: z.enum(['un-treaty', 'coe-treaty', 'eu-regulation', 'eu-directive']),
  adopted: day.optional(),
  inForce: day.optional(),
  /** A date by which it applies, where later than entry into force (e.g. e-Evidence 2026-08-18). */
  applies: day.optional(),
  lastVerified: day,
  sources: z.record(sourceKey, sourceSchema),
  /** The definition it sets (Palermo Art. 3), if any. */
  definition: definitionSchema.optional(),
  /** Penalty floors or provisions the instrument sets for its members, as offences. */
  offences: z.array(offenceSchema).default([]),
  duties: z.array(dutySchema).default([]),
  routes: z.array(routeSchema).default([]),
  /** Key provisions worth citing, summarised in our own words. */
  provisions: z
    .array(z.strictObject({ article: text(100), summary: text(1000), ...fact }))
    .default([]),
  ...{ note: fact.note },
});
export type Instrument = z.infer<typeof instrumentSchema>;

// ---------------------------------------------------------------------------------------------
// Validation

export interface LawData {
  readonly jurisdictions: readonly Jurisdiction[];
  readonly instruments: readonly Instrument[];
}

export interface DataProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

/** Source keys used anywhere in `value` (every `sources` array below it). */
function citedKeys(value: unknown, path: string, out: { path: string; key: string }[]): void {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) citedKeys(v, `${path}[${i}]`, out);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'sources' && Array.isArray(v)) {
      for (const key of v) if (typeof key === 'string') out.push({ path: `${path}.sources`, key });
    } else citedKeys(v, path === '' ? k : `${path}.${k}`, out);
  }
}

function check<T extends { sources: Record<string, unknown> }>(
  schema: z.ZodType<T>,
  file: string,
  data: unknown,
  problems: DataProblem[],
): T | undefined {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 20)) {
      problems.push({ file, path: issue.path.join('.') || '(file)', message: issue.message });
    }
    return undefined;
  }
  const { sources, ...facts } = parsed.data;
  const cited: { path: string; key: string }[] = [];
  citedKeys(facts, '', cited);
  for (const { path, key } of cited) {
    if (!Object.hasOwn(sources, key)) {
      problems.push({
        file,
        path,
        message: `cites source ${key}, which the file's sources do not list`,
      });
    }
  }
  return parsed.data;
}

/**
 * Validates the files (name → parsed YAML) and returns the knowledge base; throws
 * LAW_DATA_INVALID listing every problem (a fact without a source, an unknown source key, a value
 * outside the vocabulary, a duplicate id, a membership of an unknown instrument).
 */
export function loadLawData(files: {
  readonly jurisdictions: Readonly<Record<string, unknown>>;
  readonly instruments: Readonly<Record<string, unknown>>;
}): LawData {
  const problems: DataProblem[] = [];
  const instruments: Instrument[] = [];
  const jurisdictions: Jurisdiction[] = [];
  for (const [file, data] of Object.entries(files.instruments)) {
    const parsed = check(instrumentSchema, file, data, problems);
    if (parsed) instruments.push(parsed);
  }
  for (const [file, data] of Object.entries(files.jurisdictions)) {
    const parsed = check(jurisdictionSchema, file, data, problems);
    if (parsed) jurisdictions.push(parsed);
  }
  const seen = new Set<string>();
  for (const j of jurisdictions) {
    if (seen.has(j.id))
      problems.push({ file: j.id, path: 'id', message: `jurisdiction ${j.id} appears twice` });
    seen.add(j.id);
    const known = new Set(instruments.map((i) => i.id));
    j.memberships.forEach((m, i) => {
      if (!known.has(m.instrument)) {
        problems.push({
          file: j.id,
          path: `memberships[${i}].instrument`,
          message: `no instrument file has the id ${m.instrument}`,
        });
      }
    });
    const ids = new Set<string>();
    for (const o of [...j.offences, ...j.duties]) {
      if (ids.has(o.id))
        problems.push({ file: j.id, path: 'id', message: `id ${o.id} appears twice` });
      ids.add(o.id);
    }
  }
  if (problems.length > 0) {
    const first = problems[0] as DataProblem;
    throw new VigilError(
      'LAW_DATA_INVALID',
      `The legal data is invalid: ${first.file} at ${first.path}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}.`,
      { details: { problems: problems.slice(0, 100) } },
    );
  }
  return { jurisdictions, instruments };
}
