/**
 * The facts of a case, as the legal reasoning (reason.ts) reads them: who the victims and
 * offenders are, what was done, how and for what, where, and through which platform. Pure and
 * zod-validated: bad input is REQUEST_INVALID naming the field.
 *
 * Two circumstances follow from the other facts rather than from the caller (so that a caller
 * who forgets to tick a box does not lose an aggravator the facts plainly show):
 * - several victims → `multipleVictims` (e.g. India BNS s.143(3) "more than one person",
 *   France art. 225-4-2 "several persons", US §2421A "5 or more persons" is left to the data);
 * - an act of advertising, or a platform in the facts → `ict` (the trafficking was committed or
 *   facilitated by information and communication technology, cf. Directive 2024/1712's ICT
 *   aggravator and France art. 225-4-2's telecommunications-network circumstance).
 */
import { z } from 'zod';
import { VigilError } from '../shared/errors.js';
import { ACTS, type Act, MEANS, type Means, PURPOSES, type Purpose } from './schema.js';

/** Victims and offenders per case: enough for a network case, small enough to reason about. */
export const MAX_PERSONS = 100;

/** A calendar date, checked by a round trip (Date.parse alone accepts 2026-02-30). */
export const daySchema = z.string().refine((s) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const ms = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
}, 'must be a real date YYYY-MM-DD');
const day = daySchema;

/** ISO 3166-1 alpha-2, upper case: the ids of the jurisdiction files. */
export const countrySchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as DE');
const countries = z.array(countrySchema).max(250);

const unique = <T extends string>(values: readonly T[]): T[] => [...new Set(values)];

export const caseFactsSchema = z.strictObject({
  /** The date the law is asked about; facts whose `effective` range excludes it are ignored. */
  asOf: day.optional(),
  victims: z
    .array(
      z.strictObject({
        /** Age at the time of the acts, in whole years. */
        age: z.number().int().min(0).max(130).optional(),
        nationality: countrySchema.optional(),
        /** Where the victim was when the acts took place. */
        location: countrySchema.optional(),
      }),
    )
    .min(1, 'name at least one victim (an empty object if nothing is known)')
    .max(MAX_PERSONS),
  offenders: z
    .array(
      z.strictObject({
        nationality: countrySchema.optional(),
        residence: countrySchema.optional(),
        location: countrySchema.optional(),
      }),
    )
    .max(MAX_PERSONS)
    .default([]),
  acts: z.array(z.enum(ACTS)).max(ACTS.length).default([]),
  means: z.array(z.enum(MEANS)).max(MEANS.length).default([]),
  purposes: z.array(z.enum(PURPOSES)).max(PURPOSES.length).default([]),
  /** The countries where (part of) the acts took place. */
  actsIn: countries.default([]),
  circumstances: z
    .strictObject({
      organisedGroup: z.boolean().optional(),
      ict: z.boolean().optional(),
      publicOfficial: z.boolean().optional(),
      seriousHarm: z.boolean().optional(),
      /**
       * The victim was particularly vulnerable (disability, illness, pregnancy, old age, …): the
       * laws that raise the penalty for it name these; a child victim is the `minor` aggravator.
       */
      vulnerableVictim: z.boolean().optional(),
    })
    .default({}),
  platform: z
    .strictObject({
      establishment: countrySchema.optional(),
      servers: countries.default([]),
      servesIn: countries.default([]),
    })
    .optional(),
});
export type CaseFactsInput = z.input<typeof caseFactsSchema>;

/** The circumstances after the derivations above; every flag is a plain boolean. */
export interface Circumstances {
  readonly organisedGroup: boolean;
  readonly ict: boolean;
  readonly publicOfficial: boolean;
  readonly seriousHarm: boolean;
  readonly vulnerableVictim: boolean;
  readonly multipleVictims: boolean;
}

export interface CaseFacts {
  readonly asOf?: string;
  readonly victims: readonly {
    readonly age?: number;
    readonly nationality?: string;
    readonly location?: string;
  }[];
  readonly offenders: readonly {
    readonly nationality?: string;
    readonly residence?: string;
    readonly location?: string;
  }[];
  readonly acts: readonly Act[];
  readonly means: readonly Means[];
  readonly purposes: readonly Purpose[];
  readonly actsIn: readonly string[];
  readonly circumstances: Circumstances;
  readonly platform?: {
    readonly establishment?: string;
    readonly servers: readonly string[];
    readonly servesIn: readonly string[];
  };
  /** Why a derived circumstance is set (shown in the explanations). */
  readonly derived: readonly string[];
}

/**
 * Validates and normalises the facts (duplicates removed, derived circumstances set). Throws
 * REQUEST_INVALID naming the first bad field and listing every problem in `details.issues`.
 */
export function parseCaseFacts(input: unknown): CaseFacts {
  const parsed = caseFactsSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.join('.') || '(facts)',
      message: i.message,
    }));
    const first = issues[0] ?? { path: '(facts)', message: 'invalid' };
    const more =
      issues.length > 1 ? ` (and ${issues.length - 1} more problem(s), see details)` : '';
    throw new VigilError(
      'REQUEST_INVALID',
      `Case facts invalid at ${first.path}: ${first.message}${more}.`,
      { details: { issues: issues.slice(0, 50) } },
    );
  }
  const f = parsed.data;
  const c = f.circumstances;
  const derived: string[] = [];
  const multipleVictims = f.victims.length > 1;
  if (multipleVictims) derived.push(`${f.victims.length} victims: the multiple-victims aggravator`);
  let ict = c.ict === true;
  if (!ict && f.acts.includes('advertising')) {
    ict = true;
    derived.push('an act of advertising: committed by means of ICT');
  }
  if (!ict && f.platform !== undefined) {
    ict = true;
    derived.push('an online platform is involved: committed by means of ICT');
  }
  const facts: CaseFacts = {
    ...(f.asOf === undefined ? {} : { asOf: f.asOf }),
    victims: f.victims,
    offenders: f.offenders,
    acts: unique(f.acts),
    means: unique(f.means),
    purposes: unique(f.purposes),
    actsIn: unique(f.actsIn),
    circumstances: {
      organisedGroup: c.organisedGroup === true,
      ict,
      publicOfficial: c.publicOfficial === true,
      seriousHarm: c.seriousHarm === true,
      vulnerableVictim: c.vulnerableVictim === true,
      multipleVictims,
    },
    ...(f.platform === undefined
      ? {}
      : {
          platform: {
            ...(f.platform.establishment === undefined
              ? {}
              : { establishment: f.platform.establishment }),
            servers: unique(f.platform.servers),
            servesIn: unique(f.platform.servesIn),
          },
        }),
    derived,
  };
  PARSED.add(facts);
  return facts;
}

/**
 * The facts parsed by parseCaseFacts, so that the reasoning accepts either raw input or facts
 * already parsed (whose derived fields the strict schema would refuse) without parsing twice.
 */
const PARSED = new WeakSet<object>();

/** `input` as CaseFacts: returned as is when parseCaseFacts made it, parsed otherwise. */
export function toCaseFacts(input: unknown): CaseFacts {
  if (typeof input === 'object' && input !== null && PARSED.has(input)) return input as CaseFacts;
  return parseCaseFacts(input);
}
