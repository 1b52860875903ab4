/**
 * Reasoning over the legal knowledge base (schema.ts): pure functions that answer legal
 * questions from the data, each answer explained (`explanation`) and cited (`citations`, one per
 * source key of every fact it rests on, with that fact's verification tag). An answer resting on
 * an UNVERIFIED fact says so (`unverified: true` and a line in the explanation): the research
 * notes (../shared/reference/law.md) mark what they could not confirm, and a reader must see it.
 *
 * Time: every fact may carry an `effective` range; a fact whose range excludes the as-of date is
 * ignored. The date is always the caller's (the facts' `asOf`, or the `asOf` parameter): this
 * module never reads the clock. Without a date the effective ranges are not checked, and the
 * explanation says so.
 *
 * Nothing here is legal advice, and every answer says so in `disclaimer`.
 */
import { z } from 'zod';
import { EU_MEMBER_STATES } from '../shared/countries.js';
import { VigilError } from '../shared/errors.js';
import { type CaseFacts, countrySchema, daySchema, toCaseFacts } from './facts.js';
import {
  type Aggravator,
  CONTENT_KINDS,
  type ContentKind,
  DATA_KINDS,
  type DataKind,
  type Definition,
  DUTY_KINDS,
  type Duty,
  type DutyKind,
  type Instrument,
  type Jurisdiction,
  type JurisdictionBasis,
  type LawData,
  type Means,
  type Offence,
  type Penalty,
  type Route,
  type Source,
  type Verification,
} from './schema.js';

export const DISCLAIMER = 'Legal information, not legal advice.' as const;

/**
 * The EU's member states, used ONLY for a code that has no jurisdiction file of its own (e.g.
 * IE, where many platforms are established): a state with a file is an EU member exactly when
 * its file's `memberOf` says so.
 */
export const EU_MEMBERS: readonly string[] = EU_MEMBER_STATES;

// ---------------------------------------------------------------------------------------------
// Citations and the fields every answer carries

/** One source of one fact an answer rests on. */
export interface Citation {
  /** The source key in its file (e.g. DE-1). */
  readonly key: string;
  readonly title: string;
  readonly url?: string;
  /** The verification of the fact cited (not of the source). */
  readonly verification: Verification;
  /** The data file the fact is in (law/jurisdictions/de.yaml, law/instruments/palermo.yaml). */
  readonly file: string;
  /** The provision the fact is about, where it names one (e.g. "§232(1) StGB"). */
  readonly provision?: string;
}

/** What every part of an answer carries. */
export interface Explained {
  readonly citations: readonly Citation[];
  /** True when any fact cited is UNVERIFIED: show it. */
  readonly unverified: boolean;
  readonly explanation: readonly string[];
}

/** What every answer carries at its top level. */
export interface Answer extends Explained {
  readonly disclaimer: typeof DISCLAIMER;
  /** The date the law was asked about; absent when the caller gave none. */
  readonly asOf?: string;
}

interface FactFields {
  readonly sources: readonly string[];
  readonly verification: Verification;
  readonly note?: string;
  readonly effective?: { readonly from?: string; readonly to?: string };
}

/** A data file: a jurisdiction or an instrument. */
type Holder =
  | { readonly kind: 'jurisdiction'; readonly file: Jurisdiction }
  | { readonly kind: 'instrument'; readonly file: Instrument };

const holderOfJurisdiction = (file: Jurisdiction): Holder => ({ kind: 'jurisdiction', file });
const holderOfInstrument = (file: Instrument): Holder => ({ kind: 'instrument', file });

/** The file a fact comes from, as the repository names it (law/<kind>s/<id in lower case>.yaml). */
function fileName(h: Holder): string {
  return `law/${h.kind === 'jurisdiction' ? 'jurisdictions' : 'instruments'}/${h.file.id.toLowerCase()}.yaml`;
}

function cite(h: Holder, fact: FactFields, provision?: string): Citation[] {
  const sources: Readonly<Record<string, Source>> = h.file.sources;
  return fact.sources.map((key) => {
    const s = sources[key];
    return {
      key,
      title: s?.title ?? key,
      ...(s?.url === undefined ? {} : { url: s.url }),
      verification: fact.verification,
      file: fileName(h),
      ...(provision === undefined ? {} : { provision }),
    };
  });
}

/** Citations without duplicates, in first-seen order. */
function dedupe(citations: readonly Citation[]): Citation[] {
  const seen = new Set<string>();
  const out: Citation[] = [];
  for (const c of citations) {
    const k = `${c.file}|${c.key}|${c.provision ?? ''}|${c.verification}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(c);
    }
  }
  return out;
}

const anyUnverified = (citations: readonly Citation[]): boolean =>
  citations.some((c) => c.verification === 'UNVERIFIED');

/** The explanation line that makes UNVERIFIED facts visible. */
function unverifiedLine(citations: readonly Citation[]): string[] {
  const which = [
    ...new Set(
      citations
        .filter((c) => c.verification === 'UNVERIFIED')
        .map((c) => `${c.provision ?? c.key} (${c.file})`),
    ),
  ];
  return which.length === 0
    ? []
    : [`UNVERIFIED: this rests on facts the research could not confirm: ${which.join('; ')}.`];
}

function explained(citations: readonly Citation[], explanation: readonly string[]): Explained {
  const cs = dedupe(citations);
  return {
    citations: cs,
    unverified: anyUnverified(cs),
    explanation: [...explanation, ...unverifiedLine(cs)],
  };
}

function answer<T extends object>(
  asOf: string | undefined,
  citations: readonly Citation[],
  explanation: readonly string[],
  body: T,
): Answer & T {
  return {
    disclaimer: DISCLAIMER,
    ...(asOf === undefined ? {} : { asOf }),
    ...body,
    ...explained(citations, explanation),
  };
}

/** Whether a fact applies on `asOf` (inclusive range); without a date, every fact applies. */
function inEffect(fact: { readonly effective?: FactFields['effective'] }, asOf?: string): boolean {
  if (asOf === undefined || fact.effective === undefined) return true;
  const { from, to } = fact.effective;
  return (from === undefined || from <= asOf) && (to === undefined || asOf <= to);
}

function noDateLine(asOf: string | undefined): string[] {
  return asOf === undefined
    ? ['No as-of date was given: the facts\u2019 effective dates were not checked.']
    : [];
}

const list = (xs: readonly string[]): string => (xs.length === 0 ? 'none' : xs.join(', '));
const overlap = <T extends string>(a: readonly T[], b: readonly T[]): T[] =>
  a.filter((x) => b.includes(x));

function jurisdictionOf(law: LawData, id: string): Jurisdiction | undefined {
  return law.jurisdictions.find((j) => j.id === id);
}

function invalidRequest(what: string, error: z.ZodError): never {
  const issues = error.issues.map((i) => ({
    path: i.path.join('.') || `(${what})`,
    message: i.message,
  }));
  const first = issues[0] ?? { path: `(${what})`, message: 'invalid' };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem(s), see details)` : '';
  throw new VigilError(
    'REQUEST_INVALID',
    `${what} invalid at ${first.path}: ${first.message}${more}.`,
    { details: { issues: issues.slice(0, 50) } },
  );
}

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) invalidRequest(what, parsed.error);
  return parsed.data;
}

const day = daySchema;

// ---------------------------------------------------------------------------------------------
// Elements: the means rule, shared by the definition test and the offences

/** The victims' ages as words: "the victim (19)", "no victim ... (ages 19, 20)". */
function victimsNotUnder(facts: CaseFacts, age: number): string {
  const ages = facts.victims.map((v) => (v.age === undefined ? 'age unknown' : String(v.age)));
  const unknown = facts.victims.some((v) => v.age === undefined);
  if (facts.victims.length === 1) {
    return unknown
      ? `the victim's age is unknown (no means are needed under ${age})`
      : `the victim (${ages[0]}) is not under ${age}`;
  }
  return `no victim is ${unknown ? 'known to be ' : ''}under ${age} (ages ${ages.join(', ')})`;
}

const youngest = (facts: CaseFacts, below: number): number | undefined =>
  facts.victims
    .map((v) => v.age)
    .filter((a): a is number => a !== undefined && a < below)
    .sort((a, b) => a - b)[0];

/** Means that satisfy Canada's s. 279.04 reading (see `FEAR_READING`). */
const FEAR_MEANS: readonly Means[] = ['fear-for-safety', 'threat', 'force', 'coercion'];
const FEAR_READING =
  'Reading applied (s. 279.04): "exploits" means causing a person to provide labour or services by conduct that could reasonably be expected to make them fear for their safety or that of someone known to them; taken as met when the means include fear for safety, threat, force or coercion. Deception or abuse of trust or power alone are factors a court may weigh, not taken here as enough.';

interface MeansCheck {
  readonly ok: boolean;
  readonly missing?: string;
  readonly line: string;
  readonly reading?: string;
}

interface MeansElements {
  readonly means: readonly Means[];
  readonly meansRequired: boolean;
  readonly noMeansBelowAge: number | null;
}

/**
 * The means rule. Palermo Art. 3: means, or a victim under 18 (Art. 3(c)). A state's data says
 * whether means are needed at all (`meansRequired`) and below which age they are not
 * (`noMeansBelowAge`: Germany 21; null = needed for every victim, Brazil and India). Canada
 * has no means element but a test of exploitation (`exploitationTest`).
 */
function checkMeans(
  el: MeansElements,
  facts: CaseFacts,
  exploitationTest?: 'fear-for-safety',
): MeansCheck {
  if (exploitationTest === 'fear-for-safety') {
    const found = overlap(facts.means, FEAR_MEANS);
    return found.length > 0
      ? {
          ok: true,
          line: `Exploitation test (fear for safety) met: the means include ${list(found)}.`,
          reading: FEAR_READING,
        }
      : {
          ok: false,
          missing: `no conduct that could make the victim fear for their safety (the means include none of ${list(FEAR_MEANS)})`,
          line: 'Exploitation test (fear for safety) not met.',
          reading: FEAR_READING,
        };
  }
  if (!el.meansRequired) return { ok: true, line: 'No means element: none need be shown.' };
  // An empty means list with meansRequired = any means counts (the data names none).
  const found = el.means.length === 0 ? [...facts.means] : overlap(facts.means, el.means);
  if (found.length > 0) return { ok: true, line: `Means shown: ${list(found)}.` };
  const noMeans =
    facts.means.length === 0
      ? 'no means'
      : `no means it names (facts: ${list(facts.means)}; it names ${list(el.means)})`;
  if (el.noMeansBelowAge === null) {
    const child = youngest(facts, 18);
    return {
      ok: false,
      missing: `${noMeans}, which are needed for every victim whatever the age`,
      line:
        child === undefined
          ? 'Means are needed for every victim, and none is shown.'
          : `Means are needed for every victim: a victim under 18 (${child}) does not replace them.`,
    };
  }
  const below = el.noMeansBelowAge;
  const young = youngest(facts, below);
  if (young !== undefined) {
    return {
      ok: true,
      line: `No means needed: ${facts.victims.length === 1 ? 'the victim' : 'a victim'} (${young}) is under ${below}.`,
    };
  }
  return {
    ok: false,
    missing: `${noMeans}, and ${victimsNotUnder(facts, below)}`,
    line: `Means are needed unless a victim is under ${below}.`,
  };
}

interface ElementsCheck {
  readonly met: boolean;
  readonly missing: string[];
  readonly lines: string[];
  readonly reading?: string;
}

function checkActsPurposes(
  el: { readonly acts: readonly string[]; readonly purposes: readonly string[] },
  facts: CaseFacts,
  requireBoth: boolean,
): { missing: string[]; lines: string[] } {
  const missing: string[] = [];
  const lines: string[] = [];
  const part = (name: string, needed: readonly string[], given: readonly string[]) => {
    if (needed.length === 0) {
      if (requireBoth) missing.push(`the data lists no ${name} for it`);
      return;
    }
    const found = overlap(given, needed);
    if (found.length > 0) lines.push(`${name[0]?.toUpperCase()}${name.slice(1)}: ${list(found)}.`);
    else
      missing.push(
        given.length === 0
          ? `no ${name} (it needs one of ${list(needed)})`
          : `no ${name} it names (facts: ${list(given)}; it names ${list(needed)})`,
      );
  };
  part('act', el.acts, facts.acts);
  part('purpose', el.purposes, facts.purposes);
  return { missing, lines };
}

function checkDefinition(def: Definition, facts: CaseFacts): ElementsCheck {
  const { missing, lines } = checkActsPurposes(def, facts, true);
  const means = checkMeans(def, facts, def.exploitationTest);
  if (!means.ok && means.missing !== undefined) missing.push(means.missing);
  return {
    met: missing.length === 0,
    missing,
    lines: [...lines, means.line],
    ...(means.reading === undefined ? {} : { reading: means.reading }),
  };
}

// ---------------------------------------------------------------------------------------------
// The definition test

export type DefinitionStatus = 'met' | 'not-met' | 'unverified';

export interface DefinitionOutcome extends Explained {
  readonly kind: 'instrument' | 'jurisdiction';
  readonly id: string;
  readonly name: string;
  readonly provision: string;
  /** What the data gives: met or not. */
  readonly met: boolean;
  /** `met`/`not-met`, or `unverified` when the answer rests on an UNVERIFIED fact. */
  readonly status: DefinitionStatus;
  /** The elements missing, in words ("no means, and the victim (19) is not under 18"). */
  readonly missing: readonly string[];
  /** The reading of a test the data leaves to interpretation (Canada s. 279.04). */
  readonly reading?: string;
}

export interface DefinitionAnswer extends Answer {
  readonly results: readonly DefinitionOutcome[];
}

function definitionOutcome(
  h: Holder,
  def: Definition,
  facts: CaseFacts,
  extra: { citations: Citation[]; lines: string[] },
): DefinitionOutcome {
  const check = checkDefinition(def, facts);
  const citations = [...cite(h, def, def.provision), ...extra.citations];
  const status: DefinitionStatus = anyUnverified(citations)
    ? 'unverified'
    : check.met
      ? 'met'
      : 'not-met';
  const head = check.met
    ? `${def.provision}: met.`
    : `${def.provision}: not met: ${check.missing.join('; ')}.`;
  return {
    kind: h.kind,
    id: h.file.id,
    name: h.file.name,
    provision: def.provision,
    met: check.met,
    status,
    missing: check.missing,
    ...(check.reading === undefined ? {} : { reading: check.reading }),
    ...explained(citations, [
      head,
      ...check.lines,
      ...(check.reading === undefined ? [] : [check.reading]),
      ...(def.note === undefined ? [] : [`Note: ${def.note}`]),
      ...extra.lines,
    ]),
  };
}

/** Palermo's own provisions on consent (Art. 3(b)) and children (Art. 3(c)), when they apply. */
function palermoExtras(inst: Instrument, facts: CaseFacts, asOf?: string) {
  const citations: Citation[] = [];
  const lines: string[] = [];
  const h = holderOfInstrument(inst);
  for (const p of inst.provisions.filter((p) => inEffect(p, asOf))) {
    const consent = p.article.includes('3(b)') && facts.means.length > 0;
    const child = p.article.includes('3(c)') && youngest(facts, 18) !== undefined;
    if (consent || child) {
      lines.push(`${p.article}: ${p.summary}`);
      citations.push(...cite(h, p, p.article));
    }
  }
  return { citations, lines };
}

/**
 * Whether the facts meet each definition of trafficking in the data: the instruments' (Palermo
 * Art. 3: act, purpose, and means or a victim under 18; consent irrelevant) and every
 * jurisdiction's, with its divergences (Germany: no means under 21; Brazil and India: means for
 * every victim; Canada: the fear-for-safety test of s. 279.04 instead of means).
 */
export function definitionTest(law: LawData, input: unknown): DefinitionAnswer {
  const facts = toCaseFacts(input);
  const asOf = facts.asOf;
  const results: DefinitionOutcome[] = [];
  for (const inst of law.instruments) {
    if (inst.definition === undefined || !inEffect(inst.definition, asOf)) continue;
    const extra =
      inst.id === 'palermo' ? palermoExtras(inst, facts, asOf) : { citations: [], lines: [] };
    results.push(definitionOutcome(holderOfInstrument(inst), inst.definition, facts, extra));
  }
  for (const j of law.jurisdictions) {
    if (j.definition === undefined || !inEffect(j.definition, asOf)) continue;
    results.push(
      definitionOutcome(holderOfJurisdiction(j), j.definition, facts, {
        citations: [],
        lines: [],
      }),
    );
  }
  const met = results.filter((r) => r.met).map((r) => r.id);
  const notMet = results.filter((r) => !r.met).map((r) => r.id);
  return answer(
    asOf,
    results.flatMap((r) => r.citations),
    [
      ...noDateLine(asOf),
      ...facts.derived.map((d) => `From the facts: ${d}.`),
      `Definition met under: ${list(met)}; not met under: ${list(notMet)}.`,
    ],
    { results },
  );
}

// ---------------------------------------------------------------------------------------------
// Offences

export interface AppliedAggravator extends Explained {
  readonly factor: Aggravator;
  readonly provision?: string;
  readonly penalty: Penalty;
  readonly penaltyText: string;
  /** Why it applies on these facts. */
  readonly why: string;
}

export interface CandidateOffence extends Explained {
  readonly jurisdiction: string;
  readonly id: string;
  readonly title: string;
  readonly provision: string;
  readonly category: Offence['category'];
  readonly basePenalty: Penalty;
  readonly basePenaltyText: string;
  /** The penalty after aggravators: the highest applicable range (the base if none is higher). */
  readonly penalty: Penalty;
  readonly penaltyText: string;
  /** The aggravators whose conditions the facts meet. */
  readonly aggravators: readonly AppliedAggravator[];
  /** The aggravator whose range `penalty` is, if any. */
  readonly penaltyFrom?: Aggravator;
}

export interface OffenceNotMet {
  readonly id: string;
  readonly provision: string;
  readonly missing: readonly string[];
}

export interface JurisdictionOffences extends Explained {
  readonly jurisdiction: string;
  readonly name?: string;
  /** Whether the data has a file for it; without one nothing can be said. */
  readonly hasData: boolean;
  /** Why it was looked at (acts on its territory, a claim, or the caller asked). */
  readonly why: readonly string[];
  readonly offences: readonly CandidateOffence[];
  readonly notMet: readonly OffenceNotMet[];
  /**
   * Offences whose acts and purposes the data does not record (e.g. Australia s. 271.4, whose
   * notes give only the title and penalty) but whose other conditions (victim age, ICT) the facts
   * meet: they may apply, and cannot be checked. Never counted as met.
   */
  readonly unchecked: readonly (OffenceNotMet & Explained)[];
}

export interface OffencesAnswer extends Answer {
  readonly jurisdictions: readonly JurisdictionOffences[];
}

const MAX_RANK = 1000;
function penaltyRank(p: Penalty): [number, number] {
  const max = p.maxYears === 'life' ? MAX_RANK : (p.maxYears ?? -1);
  return [max, p.minYears ?? -1];
}
/** Whether `a` is a higher range than `b`: a higher maximum, then a higher minimum. */
function higher(a: Penalty, b: Penalty): boolean {
  const [amax, amin] = penaltyRank(a);
  const [bmax, bmin] = penaltyRank(b);
  return amax > bmax || (amax === bmax && amin > bmin);
}

function years(n: number): string {
  if (n < 1 && n > 0) return `${Math.round(n * 12)} months`;
  return `${n} year${n === 1 ? '' : 's'}`;
}

/** A penalty in words: "6 months to 5 years", "up to 14 years", "life", plus fine and text. */
export function penaltyText(p: Penalty): string {
  const parts: string[] = [];
  const max =
    p.maxYears === 'life' ? 'life' : p.maxYears === undefined ? undefined : years(p.maxYears);
  if (p.minYears !== undefined && max !== undefined) parts.push(`${years(p.minYears)} to ${max}`);
  else if (max !== undefined) parts.push(max === 'life' ? 'up to life' : `up to ${max}`);
  else if (p.minYears !== undefined) parts.push(`at least ${years(p.minYears)}`);
  if (p.fine !== undefined) parts.push(`fine: ${p.fine}`);
  // The data often restates the range in `text` ("6 months to 5 years."): say it once.
  const range = parts[0]?.toLowerCase();
  const text = p.text?.replace(/\.$/, '');
  if (text !== undefined && (range === undefined || !text.toLowerCase().includes(range)))
    parts.push(text);
  return parts.length === 0 ? 'penalty not in the data' : parts.join('; ');
}

/** Whether an aggravator's condition is met by the facts, and why. */
function aggravatorApplies(
  a: Offence['aggravators'][number],
  facts: CaseFacts,
): string | undefined {
  const c = facts.circumstances;
  switch (a.factor) {
    case 'minor': {
      const below = a.belowAge ?? 18;
      const y = youngest(facts, below);
      return y === undefined ? undefined : `a victim (${y}) is under ${below}`;
    }
    case 'coercion': {
      const m = overlap(facts.means, ['force', 'threat', 'coercion'] as const);
      return m.length === 0 ? undefined : `the means include ${list(m)}`;
    }
    case 'multiple-victims':
      return c.multipleVictims ? `${facts.victims.length} victims` : undefined;
    case 'organised-group':
      return c.organisedGroup ? 'committed by an organised group' : undefined;
    case 'ict':
      return c.ict ? 'committed by means of ICT' : undefined;
    case 'public-official':
      return c.publicOfficial ? 'committed by a public official' : undefined;
    case 'death-or-serious-harm':
      return c.seriousHarm ? 'death or serious harm' : undefined;
    case 'vulnerable-victim':
      // Only what the facts say: the laws' vulnerable victims are disabled, ill, pregnant or old
      // people (Thailand, Brazil, Mexico, France); a child victim is the `minor` aggravator
      // (Directive 2011/36 Art. 4(2)(a) names both, and its data carries both).
      return c.vulnerableVictim ? 'the victim was particularly vulnerable' : undefined;
  }
}

/**
 * The categories whose offences take the jurisdiction's exploitation test (Canada s. 279.04
 * defines "exploits" for the trafficking offences ss. 279.01-279.03).
 */
const EXPLOITATION_TEST_CATEGORIES: readonly Offence['category'][] = ['trafficking'];

interface OffenceMatch {
  readonly met: boolean;
  readonly missing: string[];
  readonly lines: string[];
  /** The data records neither acts nor purposes: the elements cannot be checked. */
  readonly unrecorded: boolean;
}

const UNRECORDED = 'the data records neither acts nor purposes for it';

function matchOffence(j: Jurisdiction, o: Offence, facts: CaseFacts): OffenceMatch {
  const el = o.elements;
  const { missing, lines } = checkActsPurposes(el, facts, false);
  const unrecorded = el.acts.length === 0 && el.purposes.length === 0;
  if (unrecorded) missing.push(UNRECORDED);
  const test =
    j.definition?.exploitationTest !== undefined &&
    !el.meansRequired &&
    EXPLOITATION_TEST_CATEGORIES.includes(o.category)
      ? j.definition.exploitationTest
      : undefined;
  const means = checkMeans(el, facts, test);
  lines.push(means.line);
  if (means.reading !== undefined) lines.push(means.reading);
  if (!means.ok && means.missing !== undefined) missing.push(means.missing);
  if (el.victimUnderAge !== undefined) {
    const y = youngest(facts, el.victimUnderAge);
    if (y === undefined)
      missing.push(
        `it is for victims under ${el.victimUnderAge}, and ${victimsNotUnder(facts, el.victimUnderAge)}`,
      );
    else lines.push(`Victim under ${el.victimUnderAge}: ${y}.`);
  }
  if (el.requiresIct === true) {
    if (facts.circumstances.ict) lines.push('Online (ICT) conduct: yes.');
    else missing.push('it needs online (ICT) conduct, and the facts show none');
  }
  return { met: missing.length === 0, missing, lines, unrecorded };
}

function candidate(j: Jurisdiction, o: Offence, facts: CaseFacts, m: OffenceMatch, asOf?: string) {
  const h = holderOfJurisdiction(j);
  const applied: AppliedAggravator[] = [];
  for (const a of o.aggravators) {
    if (!inEffect(a, asOf)) continue;
    const why = aggravatorApplies(a, facts);
    if (why === undefined) continue;
    const provision = a.provision ?? o.provision;
    applied.push({
      factor: a.factor,
      ...(a.provision === undefined ? {} : { provision: a.provision }),
      penalty: a.penalty,
      penaltyText: penaltyText(a.penalty),
      why,
      ...explained(cite(h, a, provision), [
        `${a.factor} (${provision}): ${why}; ${penaltyText(a.penalty)}.`,
        ...(a.note === undefined ? [] : [`Note: ${a.note}`]),
      ]),
    });
  }
  // The highest applicable range wins; ranges the data gives only as text cannot be ranked.
  let penalty: Penalty = o.penalty;
  let from: AppliedAggravator | undefined;
  for (const a of applied) {
    if (higher(a.penalty, penalty)) {
      penalty = a.penalty;
      from = a;
    }
  }
  const unranked = applied.filter((a) => penaltyRank(a.penalty)[0] < 0);
  const citations = [...cite(h, o, o.provision), ...applied.flatMap((a) => a.citations)];
  const lines = [
    `${o.provision} (${o.title}): the facts meet its elements.`,
    ...m.lines,
    `Base penalty: ${penaltyText(o.penalty)}.`,
    applied.length === 0
      ? 'No aggravator applies on these facts.'
      : `Aggravators that apply: ${applied.map((a) => `${a.factor} (${a.provision ?? o.provision}: ${a.why})`).join('; ')}.`,
    ...(from === undefined
      ? []
      : [
          `Penalty after aggravators: ${penaltyText(penalty)} (${from.factor}, ${from.provision ?? o.provision}).`,
        ]),
    ...unranked.map(
      (a) =>
        `${a.factor}: its penalty is given only as text ("${a.penaltyText}"), so it is shown but not ranked.`,
    ),
    ...(o.note === undefined ? [] : [`Note: ${o.note}`]),
  ];
  return {
    jurisdiction: j.id,
    id: o.id,
    title: o.title,
    provision: o.provision,
    category: o.category,
    basePenalty: o.penalty,
    basePenaltyText: penaltyText(o.penalty),
    penalty,
    penaltyText: penaltyText(penalty),
    aggravators: applied,
    ...(from === undefined ? {} : { penaltyFrom: from.factor }),
    ...explained(citations, lines),
  } satisfies CandidateOffence;
}

function offencesIn(
  law: LawData,
  id: string,
  facts: CaseFacts,
  why: string[],
): JurisdictionOffences {
  const asOf = facts.asOf;
  const j = jurisdictionOf(law, id);
  if (j === undefined) {
    return {
      jurisdiction: id,
      hasData: false,
      why,
      offences: [],
      notMet: [],
      unchecked: [],
      ...explained([], [`No data for ${id}: its offences cannot be checked.`]),
    };
  }
  const offences: CandidateOffence[] = [];
  const notMet: OffenceNotMet[] = [];
  const unchecked: (OffenceNotMet & Explained)[] = [];
  for (const o of j.offences) {
    if (!inEffect(o, asOf)) continue;
    const m = matchOffence(j, o, facts);
    if (m.met) offences.push(candidate(j, o, facts, m, asOf));
    else if (m.unrecorded && m.missing.length === 1)
      unchecked.push({
        id: o.id,
        provision: o.provision,
        missing: m.missing,
        ...explained(cite(holderOfJurisdiction(j), o, o.provision), [
          `${o.provision} (${o.title}) may apply: ${UNRECORDED}, so its elements cannot be checked; its other conditions are met. Penalty: ${penaltyText(o.penalty)}.`,
          ...(o.note === undefined ? [] : [`Note: ${o.note}`]),
        ]),
      });
    else notMet.push({ id: o.id, provision: o.provision, missing: m.missing });
  }
  return {
    jurisdiction: id,
    name: j.name,
    hasData: true,
    why,
    offences,
    notMet,
    unchecked,
    ...explained(
      [...offences.flatMap((o) => o.citations), ...unchecked.flatMap((u) => u.citations)],
      [
        `${j.name}: looked at because ${why.join('; ')}.`,
        offences.length === 0
          ? 'No offence in the data has its elements met.'
          : `Offences whose elements are met: ${offences.map((o) => o.provision).join('; ')}.`,
        ...notMet.map((n) => `${n.provision}: not met: ${n.missing.join('; ')}.`),
        ...unchecked.flatMap((u) => u.explanation),
      ],
    ),
  };
}

/**
 * The offences whose elements the facts meet, per jurisdiction: the given ones, or by default
 * every state where acts took place and every state with a claim on a connecting factor (see
 * jurisdictionClaims; a claim on universal jurisdiction alone does not add a state, or every
 * case would list every such state). Each with its base penalty and the penalty after the
 * aggravators that apply.
 */
export function candidateOffences(
  law: LawData,
  input: unknown,
  jurisdictions?: readonly string[],
): OffencesAnswer {
  const facts = toCaseFacts(input);
  const asOf = facts.asOf;
  const reasons = new Map<string, string[]>();
  const add = (id: string, why: string) => reasons.set(id, [...(reasons.get(id) ?? []), why]);
  if (jurisdictions !== undefined) {
    const ids = parse(
      z.array(countrySchema.or(z.literal('EU'))).max(300),
      jurisdictions,
      'Jurisdictions',
    );
    for (const id of ids) add(id, 'it was asked about');
  } else {
    for (const id of facts.actsIn) add(id, 'acts took place there');
    for (const s of claimsOf(law, facts)) {
      if (s.linked) add(s.jurisdiction, `it claims jurisdiction (${s.bases.join(', ')})`);
    }
  }
  const out = [...reasons].map(([id, why]) => offencesIn(law, id, facts, why));
  return answer(
    asOf,
    out.flatMap((j) => j.citations),
    [
      ...noDateLine(asOf),
      ...facts.derived.map((d) => `From the facts: ${d}.`),
      out.length === 0
        ? 'No jurisdiction to look at: the facts name no place of the acts and no state claims the case.'
        : `Jurisdictions looked at: ${out.map((j) => j.jurisdiction).join(', ')}.`,
      ...out
        .filter((j) => j.offences.length > 0)
        .map(
          (j) =>
            `${j.jurisdiction}: ${j.offences.map((o) => `${o.provision} (${o.penaltyText})`).join('; ')}.`,
        ),
    ],
    { jurisdictions: out },
  );
}

// ---------------------------------------------------------------------------------------------
// Jurisdiction claims

export interface MetClaim extends Explained {
  readonly basis: JurisdictionBasis;
  readonly provision: string;
  /** Why the facts meet the basis. */
  readonly why: string;
  readonly offences?: readonly string[];
}

export interface StateClaim extends Explained {
  readonly jurisdiction: string;
  readonly name: string;
  readonly bases: readonly JurisdictionBasis[];
  readonly claims: readonly MetClaim[];
  /** False when the only basis is universal jurisdiction (no connecting factor). */
  readonly linked: boolean;
}

export interface Conflict extends Explained {
  readonly states: readonly {
    readonly jurisdiction: string;
    readonly bases: readonly JurisdictionBasis[];
  }[];
}

export interface ClaimsAnswer extends Answer {
  readonly claims: readonly StateClaim[];
  /** States with concurrent claims on a connecting factor; null when fewer than two. */
  readonly conflicts: Conflict | null;
  /** Countries the facts connect to the case that have no file: their claims are unknown. */
  readonly noData: readonly string[];
}

/** Whether the facts meet a basis for state `id`, and why. */
function basisMet(basis: JurisdictionBasis, id: string, facts: CaseFacts): string | undefined {
  const victims = facts.victims;
  const offenders = facts.offenders;
  switch (basis) {
    case 'territory':
      return facts.actsIn.includes(id) ? `acts took place in ${id}` : undefined;
    case 'victim-territory':
      return victims.some((v) => v.location === id) ? `a victim was in ${id}` : undefined;
    case 'platform-establishment':
      return facts.platform?.establishment === id
        ? `the platform is established in ${id}`
        : undefined;
    case 'server-territory':
      return facts.platform?.servers.includes(id) === true
        ? `the platform has servers in ${id}`
        : undefined;
    case 'offender-nationality':
      return offenders.some((o) => o.nationality === id)
        ? `an offender is a national of ${id}`
        : undefined;
    case 'offender-residence':
      return offenders.some((o) => o.residence === id) ? `an offender resides in ${id}` : undefined;
    case 'victim-nationality':
      return victims.some((v) => v.nationality === id)
        ? `a victim is a national of ${id}`
        : undefined;
    case 'universal':
      return 'universal jurisdiction (no connecting factor needed)';
  }
}

function claimsOf(law: LawData, facts: CaseFacts): StateClaim[] {
  const asOf = facts.asOf;
  const out: StateClaim[] = [];
  for (const j of law.jurisdictions) {
    const h = holderOfJurisdiction(j);
    const met: MetClaim[] = [];
    const lines: string[] = [];
    for (const c of j.jurisdiction) {
      if (!inEffect(c, asOf)) continue;
      const why = basisMet(c.basis, j.id, facts);
      if (why === undefined) continue;
      if (c.offences !== undefined && c.offences.length > 0) {
        // A claim limited to some offences holds only if the facts meet one of them.
        const held = j.offences.filter(
          (o) => c.offences?.includes(o.id) && inEffect(o, asOf) && matchOffence(j, o, facts).met,
        );
        if (held.length === 0) {
          lines.push(
            `${c.provision} (${c.basis}) is limited to ${list(c.offences)}, whose elements the facts do not meet.`,
          );
          continue;
        }
      }
      met.push({
        basis: c.basis,
        provision: c.provision,
        why,
        ...(c.offences === undefined ? {} : { offences: c.offences }),
        ...explained(cite(h, c, c.provision), [
          `${c.provision}: ${c.basis}: ${why}.`,
          ...(c.note === undefined ? [] : [`Note: ${c.note}`]),
        ]),
      });
    }
    if (met.length === 0) continue;
    const bases = [...new Set(met.map((m) => m.basis))];
    const linked = bases.some((b) => b !== 'universal');
    out.push({
      jurisdiction: j.id,
      name: j.name,
      bases,
      claims: met,
      linked,
      ...explained(
        met.flatMap((m) => m.citations),
        [
          `${j.name} can claim the case on: ${met.map((m) => `${m.basis} (${m.provision}: ${m.why})`).join('; ')}.`,
          ...(linked ? [] : ['Universal jurisdiction only: no connecting factor in the facts.']),
          ...lines,
        ],
      ),
    });
  }
  return out;
}

/** Countries the facts connect to the case. */
function connectedCountries(facts: CaseFacts): string[] {
  const all = [
    ...facts.actsIn,
    ...facts.victims.flatMap((v) => [v.location, v.nationality]),
    ...facts.offenders.flatMap((o) => [o.nationality, o.residence, o.location]),
    facts.platform?.establishment,
    ...(facts.platform?.servers ?? []),
  ];
  return [...new Set(all.filter((c): c is string => c !== undefined))].sort();
}

/** Whether the data holds the EU rule on consultations in conflicts of jurisdiction. */
function consultationRule(law: LawData): { citations: Citation[]; line: string } | undefined {
  for (const inst of law.instruments) {
    const h = holderOfInstrument(inst);
    if (/2009[-/]948/.test(inst.id) || /2009\/948/.test(inst.name)) {
      return {
        citations: inst.provisions.flatMap((p) => cite(h, p, p.article)),
        line: `${inst.name} applies between the EU members claiming the case.`,
      };
    }
    for (const p of inst.provisions) {
      if (/2009\/948/.test(p.summary) || /2009\/948/.test(p.article)) {
        return {
          citations: cite(h, p, p.article),
          line: `${p.article} (${inst.name}): ${p.summary}`,
        };
      }
    }
  }
  return undefined;
}

/**
 * Which states can claim the case and on which basis, from each jurisdiction's `jurisdiction`
 * claims; and the concurrent claims between states with a connecting factor.
 */
export function jurisdictionClaims(law: LawData, input: unknown): ClaimsAnswer {
  const facts = toCaseFacts(input);
  const asOf = facts.asOf;
  const claims = claimsOf(law, facts);
  const known = new Set(law.jurisdictions.map((j) => j.id));
  const noData = connectedCountries(facts).filter((c) => !known.has(c));
  const linked = claims.filter((c) => c.linked);
  let conflicts: Conflict | null = null;
  if (linked.length > 1) {
    const eu = linked.filter((c) => isEuMember(law, c.jurisdiction).member);
    const rule = eu.length > 1 ? consultationRule(law) : undefined;
    conflicts = {
      states: linked.map((c) => ({ jurisdiction: c.jurisdiction, bases: c.bases })),
      ...explained(
        [...linked.flatMap((c) => c.citations), ...(rule?.citations ?? [])],
        [
          `Concurrent claims: ${linked.map((c) => `${c.jurisdiction} (${c.bases.join(', ')})`).join('; ')}.`,
          ...(eu.length > 1
            ? [
                rule?.line ??
                  `${eu.map((c) => c.jurisdiction).join(', ')} are EU members; the data holds no rule on consultations between them, so none is applied.`,
              ]
            : []),
        ],
      ),
    };
  }
  return answer(
    asOf,
    [...claims.flatMap((c) => c.citations), ...(conflicts?.citations ?? [])],
    [
      ...noDateLine(asOf),
      claims.length === 0
        ? 'No state in the data claims the case on these facts.'
        : `States that can claim it: ${claims.map((c) => `${c.jurisdiction} (${c.bases.join(', ')})`).join('; ')}.`,
      ...(noData.length === 0
        ? []
        : [`No data for ${noData.join(', ')}: whether they claim the case cannot be checked.`]),
    ],
    { claims, conflicts, noData },
  );
}

// ---------------------------------------------------------------------------------------------
// Memberships

interface Bound {
  readonly ok: boolean;
  readonly why: string;
  readonly citations: Citation[];
}

/** EU membership: the file's `memberOf`, or EU_MEMBERS for a code without a file. */
function isEuMember(law: LawData, id: string): { member: boolean; why: string } {
  const j = jurisdictionOf(law, id);
  if (j !== undefined) {
    const member = j.memberOf.includes('EU');
    return { member, why: `${id} is ${member ? '' : 'not '}an EU member (its file's memberOf)` };
  }
  const member = EU_MEMBERS.includes(id);
  return {
    member,
    why: `${id} is ${member ? '' : 'not '}an EU member (Vigil's EU member list; no file for ${id})`,
  };
}

/** Whether `id` is a party to `inst` in force on `asOf`. */
function partyInForce(law: LawData, id: string, inst: Instrument, asOf: string): Bound {
  const j = jurisdictionOf(law, id);
  if (j === undefined) return { ok: false, why: `no data for ${id}`, citations: [] };
  const m = j.memberships.find((x) => x.instrument === inst.id && inEffect(x, asOf));
  if (m === undefined)
    return { ok: false, why: `${id}'s file records no membership of ${inst.id}`, citations: [] };
  const citations = cite(holderOfJurisdiction(j), m, `${inst.id} membership`);
  if (m.status !== 'party')
    return { ok: false, why: `${id} is a ${m.status} of ${inst.id}, not a party`, citations };
  if (m.inForce !== undefined && m.inForce > asOf)
    return { ok: false, why: `${inst.id} enters into force for ${id} on ${m.inForce}`, citations };
  return {
    ok: true,
    why:
      m.inForce === undefined
        ? `${id} is a party to ${inst.id} (the data gives no date of entry into force for it)`
        : `${id} is a party to ${inst.id}, in force for it since ${m.inForce}`,
    citations,
  };
}

/**
 * Whether the instrument itself applies on `asOf`. Without a date in the data it is not refused
 * here (the Budapest file leaves its date out although the Convention is in force): the parties'
 * memberships decide, and the instrument's note (e.g. CETS 224 "Not in force: ...") is shown.
 */
function instrumentApplies(
  inst: Instrument,
  asOf: string,
): { ok: boolean; why: string; note?: string } {
  const start = inst.applies ?? inst.inForce;
  if (start === undefined)
    return {
      ok: true,
      why: `the data gives no date from which ${inst.name} applies`,
      ...(inst.note === undefined ? {} : { note: inst.note }),
    };
  if (start > asOf)
    return {
      ok: false,
      why: `${inst.name} ${inst.applies === undefined ? 'enters into force' : 'applies from'} ${start}, after ${asOf}: not yet applicable`,
    };
  return { ok: true, why: `${inst.name} applies since ${start}` };
}

// ---------------------------------------------------------------------------------------------
// Cooperation routes

export const cooperationRequestSchema = z
  .strictObject({
    /** The requesting state. */
    from: countrySchema,
    /** The state where the data, or the provider holding it, is. */
    to: countrySchema,
    data: z.enum(DATA_KINDS),
    asOf: day,
    emergency: z.boolean().default(false),
    /** Offence ids (in `from`'s file) under investigation, for the dual-criminality check. */
    offences: z.array(z.string().min(1).max(100)).max(100).default([]),
  })
  .refine((r) => r.from !== r.to, { path: ['to'], message: 'must differ from `from`' });
export type CooperationRequest = z.input<typeof cooperationRequestSchema>;

export interface DualCriminalityCheck extends Explained {
  readonly status: 'found' | 'not-found' | 'cannot-check';
  /** The categories of the offences found in `from`. */
  readonly categories: readonly string[];
  /** `to`'s offences in the same categories. */
  readonly matches: readonly {
    readonly id: string;
    readonly provision: string;
    readonly category: string;
  }[];
}

export interface CooperationRoute extends Explained {
  /** The route's id in its instrument, or "mla" for assistance outside the data's instruments. */
  readonly id: string;
  readonly instrument?: string;
  readonly title: string;
  readonly kind: Route['kind'];
  readonly provision?: string;
  readonly addressee: Route['addressee'];
  /** The deadline to answer that applies (the emergency one if asked and set). */
  readonly deadlineHours?: number;
  readonly deadlineText?: string;
  readonly preserveDays?: number;
  readonly renewalDays?: number;
  readonly dualCriminality: Route['dualCriminality'];
  readonly dualCriminalityCheck?: DualCriminalityCheck;
}

export interface CooperationAnswer extends Answer {
  readonly from: string;
  readonly to: string;
  readonly data: DataKind;
  /** Best first: orders to providers, direct requests, preservation, then assistance. */
  readonly routes: readonly CooperationRoute[];
  /** Routes in the data that do not apply, and why. */
  readonly skipped: readonly {
    readonly instrument: string;
    readonly route: string;
    readonly why: string;
  }[];
}

const KIND_ORDER: readonly Route['kind'][] = [
  'production-order',
  'direct-request',
  'preservation-order',
  'preservation-request',
  'mla',
];

function hoursText(h: number): string {
  return h >= 48 && h % 24 === 0 ? `${h / 24} days` : `${h} hours`;
}

/** Fixed deadlines first, shortest first; the others keep their order (the sort is stable). */
function byDeadline(a: { deadlineHours?: number }, b: { deadlineHours?: number }): number {
  if (a.deadlineHours === undefined || b.deadlineHours === undefined)
    return (a.deadlineHours === undefined ? 1 : 0) - (b.deadlineHours === undefined ? 1 : 0);
  return a.deadlineHours - b.deadlineHours;
}

const capitalised = (line: string): string => `${line[0]?.toUpperCase() ?? ''}${line.slice(1)}`;

function dualCriminality(
  law: LawData,
  from: string,
  to: string,
  offenceIds: readonly string[],
  asOf: string,
): DualCriminalityCheck {
  const cannot = (why: string): DualCriminalityCheck => ({
    status: 'cannot-check',
    categories: [],
    matches: [],
    ...explained([], [`Dual criminality: cannot check: ${why}.`]),
  });
  if (offenceIds.length === 0) return cannot(`no offences found in ${from} were given`);
  const f = jurisdictionOf(law, from);
  if (f === undefined) return cannot(`no data for ${from}`);
  const found = f.offences.filter((o) => offenceIds.includes(o.id) && inEffect(o, asOf));
  const unknown = offenceIds.filter((id) => !f.offences.some((o) => o.id === id));
  if (found.length === 0) return cannot(`no data for ${list(unknown)} in ${from}`);
  const t = jurisdictionOf(law, to);
  if (t === undefined) return cannot(`no data for ${to}`);
  const categories = [...new Set(found.map((o) => o.category))];
  const matches = t.offences.filter((o) => categories.includes(o.category) && inEffect(o, asOf));
  const citations = [
    ...found.flatMap((o) => cite(holderOfJurisdiction(f), o, o.provision)),
    ...matches.flatMap((o) => cite(holderOfJurisdiction(t), o, o.provision)),
  ];
  return {
    status: matches.length > 0 ? 'found' : 'not-found',
    categories,
    matches: matches.map((o) => ({ id: o.id, provision: o.provision, category: o.category })),
    ...explained(citations, [
      matches.length > 0
        ? `Dual criminality: ${to} has offences in the same categories (${list(categories)}): ${matches.map((o) => o.provision).join('; ')}.`
        : `Dual criminality: ${to}'s data has no offence in the categories ${list(categories)}; the conduct may still be an offence there (the data is not exhaustive).`,
      ...(unknown.length > 0 ? [`Not in ${from}'s data: ${list(unknown)}.`] : []),
      'A category match is a first check: Budapest Art. 25(5) deems dual criminality met when the underlying conduct is an offence in both, whatever its name or category.',
    ]),
  };
}

/**
 * The ways `from`'s authorities can get `data` held in `to` (or by a provider there) on `asOf`,
 * best first: an e-Evidence production order (both EU members bound, applying by asOf) with its
 * 10-day / 8-hour deadline and a preservation order (60 + 30 days); Budapest Art. 29
 * preservation (both parties); a Second Protocol direct request (only when in force for both);
 * and mutual legal assistance, with the dual-criminality check on the offences found.
 * `input` is a CooperationRequest, validated here (REQUEST_INVALID naming the field).
 */
export function cooperationRoutes(law: LawData, input: unknown): CooperationAnswer {
  const req = parse(cooperationRequestSchema, input, 'Cooperation request');
  const { from, to, data, asOf, emergency } = req;
  const routes: CooperationRoute[] = [];
  const skipped: { instrument: string; route: string; why: string }[] = [];
  for (const inst of law.instruments) {
    const hi = holderOfInstrument(inst);
    for (const r of inst.routes) {
      const skip = (why: string) => skipped.push({ instrument: inst.id, route: r.id, why });
      const applies = instrumentApplies(inst, asOf);
      if (!applies.ok) {
        skip(applies.why);
        continue;
      }
      if (!inEffect(r, asOf)) {
        const { from: start, to: end } = r.effective ?? {};
        skip(
          `${r.provision} is not in effect on ${asOf}${start !== undefined && start > asOf ? `: it applies from ${start}, not yet applicable` : end !== undefined ? `: it ended on ${end}` : ''}`,
        );
        continue;
      }
      if (!r.data.includes(data)) {
        skip(`${r.provision} does not reach ${data} data (only ${list(r.data)})`);
        continue;
      }
      const bound: Bound[] = [];
      if (r.between === 'eu-members') {
        let ok = true;
        for (const id of [from, to]) {
          const eu = isEuMember(law, id);
          const excluded = r.excluded.includes(id);
          ok = ok && eu.member && !excluded;
          bound.push({
            ok: eu.member && !excluded,
            why: excluded ? `${id} is not bound by ${inst.name} (excluded)` : eu.why,
            citations: [],
          });
        }
        if (!ok) {
          skip(
            `${r.provision} binds EU members only: ${bound
              .filter((b) => !b.ok)
              .map((b) => b.why)
              .join('; ')}`,
          );
          continue;
        }
      } else {
        bound.push(partyInForce(law, from, inst, asOf), partyInForce(law, to, inst, asOf));
        if (bound.some((b) => !b.ok)) {
          skip(
            `${r.provision} needs both to be parties in force: ${bound
              .filter((b) => !b.ok)
              .map((b) => b.why)
              .join(
                '; ',
              )}${applies.note === undefined ? '' : `; ${applies.why} (${applies.note})`}`,
          );
          continue;
        }
      }
      const hours =
        emergency && r.emergencyDeadlineHours !== undefined
          ? r.emergencyDeadlineHours
          : r.deadlineHours;
      const deadlineText =
        hours === undefined
          ? undefined
          : `${hoursText(hours)}${emergency && r.emergencyDeadlineHours !== undefined ? ' (emergency)' : ''}${!emergency && r.emergencyDeadlineHours !== undefined ? `; ${hoursText(r.emergencyDeadlineHours)} in an emergency` : ''}`;
      const dc =
        r.dualCriminality === 'not-required'
          ? undefined
          : dualCriminality(law, from, to, req.offences, asOf);
      const citations = [
        ...cite(hi, r, r.provision),
        ...bound.flatMap((b) => b.citations),
        ...(dc?.citations ?? []),
      ];
      routes.push({
        id: r.id,
        instrument: inst.id,
        title: r.title,
        kind: r.kind,
        provision: r.provision,
        addressee: r.addressee,
        ...(hours === undefined ? {} : { deadlineHours: hours }),
        ...(deadlineText === undefined ? {} : { deadlineText }),
        ...(r.preserveDays === undefined ? {} : { preserveDays: r.preserveDays }),
        ...(r.renewalDays === undefined ? {} : { renewalDays: r.renewalDays }),
        dualCriminality: r.dualCriminality,
        ...(dc === undefined ? {} : { dualCriminalityCheck: dc }),
        ...explained(citations, [
          `${r.title} (${inst.name}, ${r.provision}), addressed to the ${r.addressee === 'provider' ? 'service provider' : `authorities of ${to}`}.`,
          capitalised(`${applies.why}; ${bound.map((b) => b.why).join('; ')}.`),
          ...(deadlineText === undefined ? [] : [`Deadline to answer: ${deadlineText}.`]),
          ...(r.preserveDays === undefined
            ? []
            : [
                `Data kept for ${r.preserveDays} days${r.renewalDays === undefined ? '' : `, extendable by ${r.renewalDays} days`}.`,
              ]),
          r.dualCriminality === 'not-required'
            ? 'Dual criminality is not required.'
            : `Dual criminality: ${r.dualCriminality}.`,
          ...(dc?.explanation ?? []),
          ...(r.note === undefined ? [] : [`Note: ${r.note}`]),
        ]),
      });
    }
  }
  if (!routes.some((r) => r.kind === 'mla')) {
    // Assistance between central authorities is always possible in principle (a bilateral
    // treaty, a multilateral one not in the data, or letters rogatory); the data cannot say which.
    const dc = dualCriminality(law, from, to, req.offences, asOf);
    routes.push({
      id: 'mla',
      title: 'Mutual legal assistance',
      kind: 'mla',
      addressee: 'state',
      dualCriminality: 'may-be-required',
      dualCriminalityCheck: dc,
      ...explained(dc.citations, [
        `Mutual legal assistance from ${to}'s central authority: no instrument in the data gives a route binding both, so it depends on a bilateral treaty or letters rogatory (not in the data).`,
        ...dc.explanation,
      ]),
    });
  }
  routes.sort((a, b) => {
    const k = KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
    return k !== 0 ? k : byDeadline(a, b);
  });
  return answer(
    asOf,
    routes.flatMap((r) => r.citations),
    [
      `Routes for ${from} to obtain ${data} data from ${to}${emergency ? ' (emergency)' : ''}, best first: ${routes.map((r) => r.title).join('; ')}.`,
      ...skipped.map((s) => `Not available: ${s.route} (${s.instrument}): ${s.why}.`),
    ],
    { from, to, data, routes, skipped },
  );
}

// ---------------------------------------------------------------------------------------------
// Provider duties

export const dutiesRequestSchema = z.strictObject({
  /** Where the platform is established (main establishment, or any establishment). */
  established: z.array(countrySchema).max(250).default([]),
  /** Where it offers its service. A state it is established in counts as served. */
  serving: z.array(countrySchema).max(250).default([]),
  content: z
    .array(z.enum(CONTENT_KINDS))
    .min(1, 'name at least one kind of content')
    .max(CONTENT_KINDS.length),
  asOf: day,
});
export type DutiesRequest = z.input<typeof dutiesRequestSchema>;

export interface ApplicableDuty extends Explained {
  /** The file it comes from: a jurisdiction id or an instrument id. */
  readonly source: string;
  readonly sourceName: string;
  readonly id: string;
  readonly duty: DutyKind;
  /** What to do, in words ("report csam to NCMEC"). */
  readonly what: string;
  readonly content: readonly ContentKind[];
  readonly recipient?: string;
  /** Why it binds this platform. */
  readonly appliesBecause: string;
  readonly deadlineHours?: number;
  readonly deadlineText: string;
  readonly retainDays?: number;
  readonly citation: string;
  readonly penalty?: string;
}

export interface DutiesAnswer extends Answer {
  /** Fixed deadlines first, shortest first; then the duties the law words without a number. */
  readonly duties: readonly ApplicableDuty[];
  /** Countries named with no file: their duties cannot be checked. */
  readonly noData: readonly string[];
}

/**
 * Content that falls under a wider kind. Trafficking and child sexual abuse material are
 * illegal content; child sex trafficking is trafficking; and DSA Recital 56 names the offences of
 * Directives 2011/36 (trafficking) and 2011/93 (child sexual abuse) as examples of criminal
 * offences involving a threat to the life or safety of persons (the Art. 18 trigger).
 */
const CONTENT_IMPLIES: Partial<Record<ContentKind, readonly ContentKind[]>> = {
  'child-sex-trafficking': ['trafficking', 'illegal-content', 'threat-to-life'],
  trafficking: ['illegal-content', 'threat-to-life'],
  csam: ['illegal-content', 'threat-to-life'],
};

function withImplied(content: readonly ContentKind[]): Map<ContentKind, string> {
  const out = new Map<ContentKind, string>();
  for (const c of content) out.set(c, 'given');
  for (const c of content)
    for (const i of CONTENT_IMPLIES[c] ?? []) if (!out.has(i)) out.set(i, `implied by ${c}`);
  return out;
}

const EU_KINDS: readonly Instrument['kind'][] = ['eu-regulation', 'eu-directive'];

function applicableDuties(law: LawData, req: z.infer<typeof dutiesRequestSchema>) {
  const { established, asOf } = req;
  const serving = [...new Set([...req.serving, ...established])];
  const content = withImplied(req.content);
  const out: ApplicableDuty[] = [];
  const euEst = established.filter((c) => isEuMember(law, c).member);
  const euServ = serving.filter((c) => isEuMember(law, c).member);

  const consider = (
    h: Holder,
    d: Duty,
    binds: { established: readonly string[]; serving: readonly string[] },
    extra: string[],
  ) => {
    if (!inEffect(d, asOf)) return;
    const where = d.appliesTo === 'established' ? binds.established : binds.serving;
    if (where.length === 0) return;
    const matched = d.content.filter((c) => content.has(c));
    if (matched.length === 0) return;
    const implied = matched.filter((c) => content.get(c) !== 'given');
    const because = `${d.appliesTo === 'established' ? 'established in' : 'serving'} ${where.join(', ')}`;
    const what = `${d.duty} (${matched.join(', ')})${d.recipient === undefined ? '' : ` to ${d.recipient}`}`;
    out.push({
      source: h.file.id,
      sourceName: h.file.name,
      id: d.id,
      duty: d.duty,
      what,
      content: matched,
      ...(d.recipient === undefined ? {} : { recipient: d.recipient }),
      appliesBecause: because,
      ...(d.deadlineHours === undefined ? {} : { deadlineHours: d.deadlineHours }),
      deadlineText: d.deadlineText,
      ...(d.retainDays === undefined ? {} : { retainDays: d.retainDays }),
      citation: d.citation,
      ...(d.penalty === undefined ? {} : { penalty: d.penalty }),
      ...explained(cite(h, d, d.citation), [
        `${d.citation} (${h.file.name}): ${what}; binds the platform as ${because}.`,
        `By when: ${d.deadlineText}${d.deadlineHours === undefined ? '' : ` (${hoursText(d.deadlineHours)})`}.`,
        ...(d.retainDays === undefined ? [] : [`Keep the data ${d.retainDays} days.`]),
        ...(d.penalty === undefined ? [] : [`Penalty: ${d.penalty}.`]),
        ...implied.map((c) => `Content ${c}: ${content.get(c)}.`),
        ...extra,
        ...(d.note === undefined ? [] : [`Note: ${d.note}`]),
      ]),
    });
  };

  for (const j of law.jurisdictions) {
    const h = holderOfJurisdiction(j);
    // The EU's own file: its duties bind platforms established in or serving its members.
    const binds =
      j.id === 'EU'
        ? { established: euEst, serving: euServ }
        : {
            established: established.filter((c) => c === j.id),
            serving: serving.filter((c) => c === j.id),
          };
    for (const d of j.duties) consider(h, d, binds, []);
  }
  for (const inst of law.instruments) {
    // Treaties bind states, not providers: only EU law puts duties on platforms directly.
    if (!EU_KINDS.includes(inst.kind)) continue;
    const applies = instrumentApplies(inst, asOf);
    const inForce = inst.inForce === undefined || inst.inForce <= asOf;
    for (const d of inst.duties) {
      // A duty's own start date is more precise than the instrument's (DSA Art. 18 bound very
      // large platforms from 25 August 2023, before the DSA applied to all on 17 February 2024).
      const ok = d.effective?.from !== undefined ? inForce : applies.ok;
      if (!ok) continue;
      consider(holderOfInstrument(inst), d, { established: euEst, serving: euServ }, [
        `${d.effective?.from !== undefined ? `${inst.name} binds it from ${d.effective.from}` : applies.why}; it binds platforms established in or serving EU members.`,
      ]);
    }
  }
  out.sort(byDeadline);
  const known = new Set(law.jurisdictions.map((j) => j.id));
  const noData = serving.filter((c) => !known.has(c)).sort();
  return { duties: out, noData, serving };
}

/**
 * Every duty that binds a platform established in `established` and serving `serving` for the
 * given content on `asOf`: national duties by where it is established or serves (a state it is
 * established in counts as served), EU duties when established in or serving an EU member. Fixed
 * deadlines first, shortest first. `input` is a DutiesRequest, validated here.
 */
export function providerDuties(law: LawData, input: unknown): DutiesAnswer {
  const req = parse(dutiesRequestSchema, input, 'Duties request');
  const { duties, noData, serving } = applicableDuties(law, req);
  return answer(
    req.asOf,
    duties.flatMap((d) => d.citations),
    [
      `Platform established in ${list(req.established)}, serving ${list(serving)}; content: ${list(req.content)}.`,
      duties.length === 0
        ? 'No duty in the data applies.'
        : `Duties: ${duties.map((d) => `${d.citation} (${d.deadlineHours === undefined ? d.deadlineText : hoursText(d.deadlineHours)})`).join('; ')}.`,
      ...(noData.length === 0
        ? []
        : [`No data for ${noData.join(', ')}: their duties cannot be checked.`]),
    ],
    { duties, noData },
  );
}

export const deadlineRequestSchema = dutiesRequestSchema.extend({ kind: z.enum(DUTY_KINDS) });
export type DeadlineRequest = z.input<typeof deadlineRequestSchema>;

/**
 * The shortest fixed deadline, in hours, among the duties of `kind` that bind the platform (for
 * the service's queue priority and holds); null when none of them sets a number. `input` is a
 * DeadlineRequest (a DutiesRequest with the duty `kind`), validated here.
 */
export function dutyDeadlineHours(law: LawData, input: unknown): number | null {
  const req = parse(deadlineRequestSchema, input, 'Deadline request');
  const hours = applicableDuties(law, req).duties.flatMap((d) =>
    d.duty === req.kind && d.deadlineHours !== undefined ? [d.deadlineHours] : [],
  );
  return hours.length === 0 ? null : Math.min(...hours);
}
