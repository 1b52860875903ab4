/**
 * Data-sharing agreements as policy. An agreement says who may receive what, for which purpose,
 * on which legal basis, under which markings, for how long and whether it may travel further.
 * `decideExport` applies it: sharing is denied by default, and every denial names the numbered
 * clause(s) that forbid it. `redactForExport` then removes what the decision does not cover.
 *
 * Pure: no IO, no clock (`now` is passed in), no randomness.
 *
 * DESIGN.md, "Security and victim protection": every export redacts victim data by default; an
 * agreement must allow anything more. So `victim-data` is never implied: it must be listed in
 * clause 4, and a request that carries victim data must say so (`containsVictimData`).
 *
 * Sources: ../shared/reference/evidence-and-sharing.md (MISP sharing groups, TLP 2.0 and PAP,
 * Lantern's signal sharing, e-Evidence data categories, keyed pseudonymisation).
 */
import { z } from 'zod';
import { type ErrorCode, VigilError } from '../shared/errors.js';
import { DAY_MS, instantMs, instantSchema, isoOf } from '../workflow/notices.js';
import {
  PAP_LEVELS,
  type Pap,
  papName,
  papWithin,
  TLP_LEVELS,
  type Tlp,
  tlpName,
  tlpWithin,
} from './markings.js';

// ---------------------------------------------------------------------------------------------
// Vocabulary

/** Why data is shared. The request's purpose must be one the agreement lists (clause 2). */
export const PURPOSES = [
  'investigation',
  'prosecution',
  'victim-identification',
  'victim-support',
  'content-moderation',
  'threat-intelligence',
  'research',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const LEGAL_BASIS_KINDS = [
  'treaty',
  'mla-request',
  'e-evidence-order',
  'bilateral-agreement',
  'other',
] as const;
export type LegalBasisKind = (typeof LEGAL_BASIS_KINDS)[number];

/**
 * What may be shared. `subscriber-data`, `traffic-data` and `content` follow the categories of
 * Regulation (EU) 2023/1543 Art. 3; `indicators` are signals (phones, emails, handles, wallets,
 * URLs, image hashes); `case-summaries` the narrative of a case without victims' data;
 * `victim-data` anything that identifies or concerns a victim — never implied by another category.
 */
export const DATA_CATEGORIES = [
  'indicators',
  'subscriber-data',
  'traffic-data',
  'content',
  'case-summaries',
  'victim-data',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

export const ONWARD_SHARING = ['none', 'parties-only', 'allowed-with-notice'] as const;
export type OnwardSharing = (typeof ONWARD_SHARING)[number];

/** The numbered clauses of every agreement; a denial names them ("clause 4 (data categories)"). */
export const CLAUSES = {
  parties: { number: 1, title: 'parties' },
  purposes: { number: 2, title: 'purposes' },
  legalBasis: { number: 3, title: 'legal basis' },
  dataCategories: { number: 4, title: 'data categories' },
  maxTlp: { number: 5, title: 'TLP maximum' },
  papCeiling: { number: 6, title: 'PAP ceiling' },
  retention: { number: 7, title: 'retention' },
  onwardSharing: { number: 8, title: 'onward sharing' },
  validity: { number: 9, title: 'validity' },
} as const;
export type ClauseKey = keyof typeof CLAUSES;

/** "clause 4 (data categories)" */
export const clauseLabel = (key: ClauseKey): string =>
  `clause ${CLAUSES[key].number} (${CLAUSES[key].title})`;

// ---------------------------------------------------------------------------------------------
// Schema

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .refine((s) => [...s].length <= max, `must be at most ${max} characters`);
export const orgIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-zA-Z0-9_.:-]+$/, 'may hold only letters, digits, ".", ":", "-" and "_"');
/** SHA-256 of a public key, 64 lowercase hex digits. */
const fingerprint = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 key fingerprint: 64 lowercase hex digits');

export const partySchema = z.strictObject({
  organisationId: orgIdSchema,
  name: text(300),
  /** Fingerprints of the keys the party signs and receives packages with. */
  keyFingerprints: z.array(fingerprint).min(1).max(20),
});
export type Party = z.infer<typeof partySchema>;

export const legalBasisSchema = z.strictObject({
  kind: z.enum(LEGAL_BASIS_KINDS),
  /** The instrument's reference: treaty name and article, MLA file number, EPOC number… */
  reference: text(500),
  /** Where the rule is written, e.g. "Regulation (EU) 2023/1543 Art. 5". */
  citation: text(1000),
});
export type LegalBasis = z.infer<typeof legalBasisSchema>;

export const agreementSchema = z
  .strictObject({
    id: orgIdSchema,
    title: text(500),
    /** Clause 1. */
    parties: z.array(partySchema).min(2).max(100),
    /** Clause 2. */
    purposes: z.strictObject({
      allowed: z.array(z.enum(PURPOSES)).min(1).max(PURPOSES.length),
      description: text(5000),
    }),
    /** Clause 3. */
    legalBasis: legalBasisSchema,
    /** Clause 4. `victim-data` only if named here. */
    dataCategories: z.array(z.enum(DATA_CATEGORIES)).min(1).max(DATA_CATEGORIES.length),
    /** Clause 5: the most restrictive TLP of data this agreement may carry. */
    maxTlp: z.enum(TLP_LEVELS),
    /** Clause 6: the most restrictive PAP of data this agreement may carry. */
    papCeiling: z.enum(PAP_LEVELS),
    /** Clause 7: the recipient deletes shared data this many days after receipt. */
    retentionDays: z.number().int().min(1).max(3650),
    /** Clause 8. */
    onwardSharing: z.enum(ONWARD_SHARING),
    /** Clause 9: in force from `from` (inclusive) until `until` (exclusive). */
    validity: z.strictObject({ from: instantSchema, until: instantSchema }),
  })
  .superRefine((a, ctx) => {
    const add = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if (instantMs(a.validity.until) <= instantMs(a.validity.from)) {
      add(
        ['validity', 'until'],
        `ends (${a.validity.until}) before it begins (${a.validity.from})`,
      );
    }
    const seen = new Set<string>();
    a.parties.forEach((p, i) => {
      if (seen.has(p.organisationId))
        add(['parties', i, 'organisationId'], `${p.organisationId} is listed twice`);
      seen.add(p.organisationId);
    });
    if (new Set(a.dataCategories).size !== a.dataCategories.length)
      add(['dataCategories'], 'lists a category twice');
    if (new Set(a.purposes.allowed).size !== a.purposes.allowed.length)
      add(['purposes', 'allowed'], 'lists a purpose twice');
  });
export type AgreementInput = z.input<typeof agreementSchema>;
export type Agreement = z.infer<typeof agreementSchema>;

function zodIssues(error: z.ZodError, what: string) {
  return error.issues.map((i) => ({ path: i.path.join('.') || `(${what})`, message: i.message }));
}

function fail(code: ErrorCode, what: string, issues: { path: string; message: string }[]): never {
  const first = issues[0] ?? { path: `(${what})`, message: 'invalid' };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem(s), see details)` : '';
  throw new VigilError(code, `${what} invalid at ${first.path}: ${first.message}${more}.`, {
    details: { issues: issues.slice(0, 50) },
  });
}

/** Validate an agreement; problems become SHARE_AGREEMENT_INVALID naming each field. */
export function parseAgreement(input: unknown): Agreement {
  const parsed = agreementSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  fail('SHARE_AGREEMENT_INVALID', 'Agreement', zodIssues(parsed.error, 'agreement'));
}

// ---------------------------------------------------------------------------------------------
// Export requests and decisions

export const exportRequestSchema = z.strictObject({
  /** The recipient's organisation id: must be a party. */
  to: orgIdSchema,
  /** The sender's organisation id, when known: must be a party too. */
  from: orgIdSchema.optional(),
  purpose: z.enum(PURPOSES),
  categories: z.array(z.enum(DATA_CATEGORIES)).min(1).max(DATA_CATEGORIES.length),
  tlp: z.enum(TLP_LEVELS),
  pap: z.enum(PAP_LEVELS),
  /** True if anything in the export identifies or concerns a victim. */
  containsVictimData: z.boolean(),
  /** The instrument this export answers (an MLA request, an EPOC), when there is one. */
  legalBasis: z.strictObject({ kind: z.enum(LEGAL_BASIS_KINDS), reference: text(500) }).optional(),
});
export type ExportRequestInput = z.input<typeof exportRequestSchema>;
export type ExportRequest = z.infer<typeof exportRequestSchema>;

export interface Denial {
  clause: number;
  title: string;
  message: string;
}

export interface ExportDecision {
  allowed: true;
  agreementId: string;
  to: Party;
  purpose: Purpose;
  /** The categories that may be sent; `victim-data` only when the agreement names it. */
  categories: DataCategory[];
  /** Whether victim data may be included (`victim-data` requested and allowed). */
  victimData: boolean;
  /** Markings that travel with the data (STIX object markings, MISP tags). */
  markings: { tlp: Tlp; pap: Pap; statement: string };
  retention: { days: number; deleteBy: string };
  onwardSharing: OnwardSharing;
  /** The clauses checked, in order. */
  clauses: number[];
}

export type ExportEvaluation =
  | ExportDecision
  | { allowed: false; agreementId: string; denials: Denial[] };

const ONWARD_TEXT: Record<OnwardSharing, string> = {
  none: 'no onward sharing',
  'parties-only': 'onward sharing only among the parties',
  'allowed-with-notice': 'onward sharing allowed with notice to the sender',
};

/** The statement that travels with shared data (a STIX statement marking, a MISP tag). */
export function agreementStatement(a: Agreement): string {
  return `Shared under agreement ${a.id} (${a.legalBasis.kind}: ${a.legalBasis.reference}); ${ONWARD_TEXT[a.onwardSharing]} (${clauseLabel('onwardSharing')}); delete ${a.retentionDays} days after receipt (${clauseLabel('retention')}).`;
}

/**
 * Apply the agreement to a request at `now` without throwing: every clause is checked and each
 * that forbids the request is listed. Deny by default: a request is allowed only if no clause
 * forbids it. Invalid agreements and requests throw (SHARE_AGREEMENT_INVALID, REQUEST_INVALID).
 */
export function evaluateExport(
  agreementInput: unknown,
  requestInput: unknown,
  now: string,
): ExportEvaluation {
  const a = parseAgreement(agreementInput);
  const parsed = exportRequestSchema.safeParse(requestInput);
  if (!parsed.success)
    fail('REQUEST_INVALID', 'Export request', zodIssues(parsed.error, 'request'));
  const r = parsed.data;
  const nowMs = instantMs(now);
  if (Number.isNaN(nowMs)) {
    fail('REQUEST_INVALID', 'Export request', [
      { path: 'now', message: 'must be an ISO 8601 UTC time such as 2025-03-10T12:00:00Z' },
    ]);
  }
  const denials: Denial[] = [];
  const deny = (key: ClauseKey, message: string) =>
    denials.push({ clause: CLAUSES[key].number, title: CLAUSES[key].title, message });

  // Clause 1: both ends must be parties.
  const to = a.parties.find((p) => p.organisationId === r.to);
  if (to === undefined) deny('parties', `the recipient ${r.to} is not a party`);
  if (r.from !== undefined && !a.parties.some((p) => p.organisationId === r.from)) {
    deny('parties', `the sender ${r.from} is not a party`);
  }
  // Clause 2.
  if (!a.purposes.allowed.includes(r.purpose)) {
    deny('purposes', `the purpose ${r.purpose} is not listed (${a.purposes.allowed.join(', ')})`);
  }
  // Clause 3: an export answering a specific instrument must answer this agreement's.
  if (r.legalBasis !== undefined) {
    if (r.legalBasis.kind !== a.legalBasis.kind) {
      deny(
        'legalBasis',
        `the request relies on a ${r.legalBasis.kind}, the agreement on a ${a.legalBasis.kind}`,
      );
    } else if (
      (a.legalBasis.kind === 'mla-request' || a.legalBasis.kind === 'e-evidence-order') &&
      r.legalBasis.reference !== a.legalBasis.reference
    ) {
      deny(
        'legalBasis',
        `the request answers ${r.legalBasis.reference}, the agreement covers ${a.legalBasis.reference} only`,
      );
    }
  }
  // Clause 4: every category, and victim data only when named.
  const categories = new Set(r.categories);
  if (r.containsVictimData) categories.add('victim-data');
  const refused = [...categories].filter((c) => !a.dataCategories.includes(c));
  if (refused.length > 0) {
    deny(
      'dataCategories',
      `${refused.join(', ')} ${refused.length === 1 ? 'is' : 'are'} not allowed (allowed: ${a.dataCategories.join(', ')})${refused.includes('victim-data') ? '; victim data is never shared unless the agreement names victim-data' : ''}`,
    );
  }
  // Clauses 5 and 6.
  if (!tlpWithin(r.tlp, a.maxTlp)) {
    deny('maxTlp', `${tlpName(r.tlp)} data exceeds the maximum ${tlpName(a.maxTlp)}`);
  }
  if (!papWithin(r.pap, a.papCeiling)) {
    deny('papCeiling', `${papName(r.pap)} data exceeds the ceiling ${papName(a.papCeiling)}`);
  }
  // Clause 9.
  if (!Number.isNaN(nowMs)) {
    if (nowMs < instantMs(a.validity.from)) {
      deny('validity', `the agreement is not in force before ${a.validity.from}`);
    } else if (nowMs >= instantMs(a.validity.until)) {
      deny('validity', `the agreement expired on ${a.validity.until}`);
    }
  }

  if (denials.length > 0 || to === undefined) {
    return { allowed: false, agreementId: a.id, denials };
  }
  const ordered = DATA_CATEGORIES.filter((c) => categories.has(c));
  return {
    allowed: true,
    agreementId: a.id,
    to,
    purpose: r.purpose,
    categories: ordered,
    victimData: categories.has('victim-data'),
    markings: { tlp: r.tlp, pap: r.pap, statement: agreementStatement(a) },
    retention: { days: a.retentionDays, deleteBy: isoOf(nowMs + a.retentionDays * DAY_MS) },
    onwardSharing: a.onwardSharing,
    clauses: Object.values(CLAUSES).map((c) => c.number),
  };
}

/**
 * Decide an export under an agreement at `now`. Returns what may be sent and the rules that
 * travel with it; throws SHARE_DENIED naming every clause that forbids it
 * (`details.clauses` = their numbers, `details.denials` = each reason).
 */
export function decideExport(agreement: unknown, request: unknown, now: string): ExportDecision {
  const result = evaluateExport(agreement, request, now);
  if (result.allowed) return result;
  const clauses = [...new Set(result.denials.map((d) => d.clause))].sort((x, y) => x - y);
  const reasons = result.denials.map((d) => `clause ${d.clause} (${d.title}): ${d.message}`);
  throw new VigilError(
    'SHARE_DENIED',
    `Agreement ${result.agreementId} does not allow this export: ${reasons.join('; ')}.`,
    { details: { agreementId: result.agreementId, clauses, denials: result.denials } },
  );
}

// ---------------------------------------------------------------------------------------------
// What is shared: identifiers (signals) and case summaries

export const IDENTIFIER_KINDS = [
  'phone',
  'email',
  'url',
  'domain',
  'handle',
  'wallet',
  'onion',
  'image-pdq',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/**
 * A selector shared as a signal. Values are normalised as `analyze` writes them: E.164 phones,
 * lower-case emails and domains, normalised URLs, handles without "@", PDQ hashes as 64 hex.
 */
export const sharedIdentifierSchema = z.strictObject({
  kind: z.enum(IDENTIFIER_KINDS),
  value: z.string().min(1).max(2048),
  /** For handles: the platform ("telegram"). */
  platform: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/)
    .optional(),
  /** For wallets: the chain ("bitcoin", "ethereum", "tron"). */
  chain: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/)
    .optional(),
  /** True when the identifier belongs to or points at a victim (their phone, their photo). */
  linkedToVictim: z.boolean().optional(),
  firstSeen: instantSchema.optional(),
  lastSeen: instantSchema.optional(),
  /** How many items it was seen in. */
  count: z.number().int().min(1).max(999_999_999).optional(),
  /** A network or case grouping identifiers that belong together. */
  group: orgIdSchema.optional(),
  /** A short explanation for the recipient (never victim data). */
  note: z.string().max(1000).optional(),
});
export type SharedIdentifier = z.infer<typeof sharedIdentifierSchema>;

export const victimRecordSchema = z.strictObject({
  id: orgIdSchema,
  name: z.string().max(300).optional(),
  aliases: z.array(z.string().min(1).max(300)).max(50).optional(),
  dateOfBirth: z.string().max(40).optional(),
  nationality: z.string().max(100).optional(),
  notes: z.string().max(10_000).optional(),
  identifiers: z.array(sharedIdentifierSchema).max(1000).optional(),
});
export type VictimRecord = z.infer<typeof victimRecordSchema>;

export const suspectRecordSchema = z.strictObject({
  id: orgIdSchema,
  name: z.string().max(300).optional(),
  aliases: z.array(z.string().min(1).max(300)).max(50).optional(),
  role: z.string().max(200).optional(),
});

export const caseSummarySchema = z.strictObject({
  caseId: orgIdSchema,
  title: z.string().max(500),
  summary: z.string().max(100_000),
  victims: z.array(victimRecordSchema).max(1000).optional(),
  suspects: z.array(suspectRecordSchema).max(1000).optional(),
  identifiers: z.array(sharedIdentifierSchema).max(100_000).optional(),
});
export type CaseSummary = z.infer<typeof caseSummarySchema>;

/** What `redactForExport` takes: a case summary and/or a set of indicators. */
export interface ShareableData {
  caseSummary?: CaseSummary;
  identifiers?: readonly SharedIdentifier[];
}

export interface RedactedData {
  caseSummary?: CaseSummary & { victimCount?: number };
  identifiers: SharedIdentifier[];
  /** What was removed or replaced, and under which clause; never the removed values. */
  report: { path: string; action: 'removed' | 'pseudonymised'; reason: string }[];
}

const identifierKey = (i: SharedIdentifier): string =>
  `${i.kind}|${i.platform ?? ''}|${i.chain ?? ''}|${i.value.toLowerCase()}`;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replace every occurrence (case-insensitive) of `needles` in `text`. Longest needles first. */
function scrub(text: string, needles: readonly { value: string; label: string }[]): string {
  const sorted = [...needles].filter((n) => n.value.trim().length >= 2);
  sorted.sort((x, y) => y.value.length - x.value.length);
  let out = text;
  for (const { value, label } of sorted) {
    out = out.replace(new RegExp(escapeRegExp(value.trim()), 'gi'), label);
  }
  return out;
}

/**
 * Remove or pseudonymise what the decision does not allow. Without `victim-data` in the decision:
 * victim records are dropped (their number is kept as `victimCount`), victims' names and aliases
 * in the summary text become "[victim 1]", "[victim 2]"…, and every identifier linked to a victim
 * (flagged `linkedToVictim`, or listed in a victim record) is removed from the indicators and
 * scrubbed from the text. Without `indicators`, no identifier is sent; without `case-summaries`,
 * no summary. Returns a report of what was done (paths and reasons, never the values).
 */
export function redactForExport(data: ShareableData, decision: ExportDecision): RedactedData {
  const report: RedactedData['report'] = [];
  const allowed = new Set(decision.categories);
  const victimsAllowed = decision.victimData && allowed.has('victim-data');
  const victimClause = `${clauseLabel('dataCategories')}: victim-data not allowed`;

  const summary =
    data.caseSummary === undefined ? undefined : caseSummarySchema.parse(data.caseSummary);
  const identifiers = (data.identifiers ?? []).map((i) => sharedIdentifierSchema.parse(i));

  // Identifiers that point at victims, wherever they are listed.
  const victimIdentifiers = new Set<string>();
  for (const v of summary?.victims ?? []) {
    for (const i of v.identifiers ?? []) victimIdentifiers.add(identifierKey(i));
  }
  for (const i of [...identifiers, ...(summary?.identifiers ?? [])]) {
    if (i.linkedToVictim === true) victimIdentifiers.add(identifierKey(i));
  }
  const isVictims = (i: SharedIdentifier) =>
    i.linkedToVictim === true || victimIdentifiers.has(identifierKey(i));

  const filterIdentifiers = (list: readonly SharedIdentifier[], path: string) => {
    if (!allowed.has('indicators')) {
      if (list.length > 0)
        report.push({
          path,
          action: 'removed',
          reason: `${clauseLabel('dataCategories')}: indicators not allowed`,
        });
      return [];
    }
    const out: SharedIdentifier[] = [];
    list.forEach((i, n) => {
      if (!victimsAllowed && isVictims(i)) {
        report.push({ path: `${path}[${n}]`, action: 'removed', reason: victimClause });
      } else {
        out.push(i);
      }
    });
    return out;
  };

  const result: RedactedData = {
    identifiers: filterIdentifiers(identifiers, 'identifiers'),
    report,
  };

  if (summary !== undefined) {
    if (!allowed.has('case-summaries')) {
      report.push({
        path: 'caseSummary',
        action: 'removed',
        reason: `${clauseLabel('dataCategories')}: case-summaries not allowed`,
      });
    } else if (victimsAllowed) {
      result.caseSummary = {
        ...summary,
        ...(summary.identifiers === undefined
          ? {}
          : { identifiers: filterIdentifiers(summary.identifiers, 'caseSummary.identifiers') }),
      };
    } else {
      const victims = summary.victims ?? [];
      const needles: { value: string; label: string }[] = [];
      victims.forEach((v, n) => {
        const label = `[victim ${n + 1}]`;
        for (const name of [v.name, ...(v.aliases ?? [])]) {
          if (name !== undefined) needles.push({ value: name, label });
        }
        for (const i of v.identifiers ?? []) needles.push({ value: i.value, label: '[redacted]' });
      });
      for (const i of [...identifiers, ...(summary.identifiers ?? [])]) {
        if (isVictims(i)) needles.push({ value: i.value, label: '[redacted]' });
      }
      const scrubbedSummary = scrub(summary.summary, needles);
      const scrubbedTitle = scrub(summary.title, needles);
      if (scrubbedSummary !== summary.summary)
        report.push({ path: 'caseSummary.summary', action: 'pseudonymised', reason: victimClause });
      if (scrubbedTitle !== summary.title)
        report.push({ path: 'caseSummary.title', action: 'pseudonymised', reason: victimClause });
      if (victims.length > 0)
        report.push({ path: 'caseSummary.victims', action: 'removed', reason: victimClause });
      const { victims: _dropped, identifiers: caseIdentifiers, ...rest } = summary;
      result.caseSummary = {
        ...rest,
        title: scrubbedTitle,
        summary: scrubbedSummary,
        ...(victims.length > 0 ? { victimCount: victims.length } : {}),
        ...(caseIdentifiers === undefined
          ? {}
          : { identifiers: filterIdentifiers(caseIdentifiers, 'caseSummary.identifiers') }),
      };
    }
  }
  return result;
}
