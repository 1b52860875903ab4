/**
 * Indicator rule files: the schema experts write them in (docs/rules.md), loading and
 * validation, and compilation into the frozen RuleSet that match.ts evaluates.
 *
 * Everything that can be done once is done here, at load time: phrases are expanded, folded
 * with the same function as ad text (normalize.ts) and built into a trie of words; regular
 * expressions are proved linear-safe (see `checkRegexSafety`) and compiled once; entity
 * conditions become small predicates. A rule file that is wrong is refused with a message that
 * names the file, the rule and what to fix, never loaded half-way.
 */
import regjsparser from 'regjsparser';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { VigilError } from '../shared/errors.js';
import { FEATURE_NAMES, type FeatureName } from './features.js';
import {
  hashToken,
  isApostrophe,
  isLightUnit,
  isSubstringUnit,
  isWordUnit,
  unitBits,
  wordTokens,
} from './language.js';
import { foldText } from './normalize.js';
import {
  type Entities,
  MESSAGING_PLATFORMS,
  PAYMENT_PLATFORMS,
  type RateUnit,
  type Span,
} from './types.js';

// ---------------------------------------------------------------------------------------------
// Compiled phrase index (read by match.ts)

/** Units a prefix token ("recruit*") must have: prefixes are looked up by their first three. */
export const PREFIX_KEY_LENGTH = 3;

/** Bits `PhraseIndex.units` adds to language.ts `unitBits()`: the unit starts a substring phrase. */
export const UNIT_SUBSTRING = 8;
/** The unit starts a phrase whose first word is a prefix ("recruit*"). */
export const UNIT_PREFIX = 16;

/** One folded phrase matched as a substring (scripts without spaces, emoji). */
export interface SubstringPhrase {
  readonly text: string;
  /** Second UTF-16 unit of `text`, or -1: checked before comparing the whole phrase. */
  readonly second: number;
  readonly slots: readonly number[];
}

/** A "word*" edge of the trie: matches any token that starts with `word`. */
export interface PrefixEdge {
  readonly word: string;
  readonly node: number;
}

/**
 * All phrases of a rule set, laid out for the matcher (match.ts), which reads this for every
 * token of every ad: flat typed arrays rather than objects and Maps, so a lookup is a few array
 * reads with no hashing of strings and no pointer chasing, and what is read together is stored
 * together (one cache line per lookup).
 *
 * - Vocabulary: every distinct word of the word phrases gets an id. The matcher hashes each text
 *   token as it reads it (FNV-1a, `hashToken`) and looks the hash up here once (open
 *   addressing), so later steps compare small integers.
 * - Trie: phrases are paths of word ids from node 0, so the cost per token is the length of the
 *   longest phrase, not the number of phrases (brace expansion makes hundreds of phrases share a
 *   first word). The root's children are a direct array by word id (every token is looked up
 *   there); other nodes keep their edges sorted by word id, and most have one or two.
 */
export interface PhraseIndex {
  /**
   * Per UTF-16 unit: language.ts `unitBits()` (word, light, apostrophe) and UNIT_SUBSTRING,
   * UNIT_PREFIX, so the matcher classifies a unit with one array read.
   */
  readonly units: Uint8Array;
  /** Node reached from the root by word id, or -1. */
  readonly rootChild: Int32Array;
  /** Vocabulary hash table, [hash, 1 + word id] per slot (0: empty); `vocabMask` = slots - 1. */
  readonly vocab: Int32Array;
  readonly vocabMask: number;
  /**
   * No two vocabulary words have the same hash, so a token's hash names at most one word and
   * the matcher may compare the units only when a phrase would hit (true for any real rule set;
   * otherwise the matcher compares every token it looks up).
   */
  readonly vocabHashesUnique: boolean;
  /** Units of word id w: `wordUnits[wordStart[w]]` up to `wordUnits[wordStart[w + 1]]`. */
  readonly wordStart: Int32Array;
  readonly wordUnits: Uint16Array;
  /**
   * Per node k, at 3k: where its edges, slots and prefix edges start in `edges`, `nodeSlots`
   * and `prefixList` (they end where node k + 1's start; a last record closes the lists).
   */
  readonly nodes: Int32Array;
  /** [word id, child] per edge, sorted by word id within a node. */
  readonly edges: Int32Array;
  /** Phrase-pattern slots of the phrases that end at each node. */
  readonly nodeSlots: Int32Array;
  /** "word*" edges below the root (few; checked one by one). */
  readonly prefixList: readonly PrefixEdge[];
  /**
   * Phrases whose first word is a prefix ("recruit*"), by the hash of its first
   * PREFIX_KEY_LENGTH units, with a bit filter (hash & 0xffff) in front of the Map. Only tokens
   * whose first unit has UNIT_PREFIX are looked up.
   */
  readonly firstPrefixes: ReadonlyMap<number, readonly PrefixEdge[]>;
  readonly prefixBits: Uint32Array;
  /** Substring phrases grouped by their first UTF-16 unit. */
  readonly substringLists: readonly (readonly SubstringPhrase[])[];
  /** For each UTF-16 unit, 1 + the index in `substringLists` of the phrases starting with it, or 0. */
  readonly firstUnits: Uint16Array;
  readonly slotCount: number;
}

/** Sets the filter bit of a hash. */
function setHashBit(bits: Uint32Array, hash: number): void {
  const k = hash & 0xffff;
  bits[k >>> 5] = (bits[k >>> 5] ?? 0) | (1 << (k & 31));
}

// ---------------------------------------------------------------------------------------------
// Limits

/** Expansions of one phrase: `{a|b} {c|d}` is 4. Beyond this a rule is better split up. */
export const MAX_PHRASE_EXPANSIONS = 512;
/** Largest repeat count a regex may use: bounded repeats keep matching linear. */
export const MAX_REGEX_REPEAT = 64;
const MAX_REGEX_LENGTH = 1000;
const MAX_PHRASE_TOKENS = 12;
const MAX_RULE_FILE_CHARS = 2_000_000;

// ---------------------------------------------------------------------------------------------
// Schema

export const EVIDENCE_LEVELS = ['predictive', 'weak', 'not-predictive', 'practitioner'] as const;
export type Evidence = (typeof EVIDENCE_LEVELS)[number];

export const ENTITY_KINDS = [
  'phones',
  'emails',
  'urls',
  'handles',
  'wallets',
  'prices',
  'ages',
  'onions',
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

const RATE_UNITS = [
  'visit',
  'quarter-hour',
  'half-hour',
  'hour',
  'night',
  'day',
  'week',
  'month',
  'year',
] as const satisfies readonly RateUnit[];

const PLATFORMS = [...MESSAGING_PLATFORMS, ...PAYMENT_PLATFORMS] as const;
const CHAINS = ['bitcoin', 'ethereum', 'tron'] as const;

/** Which options each entity kind understands; anything else is a mistake worth reporting. */
const ENTITY_OPTIONS: Readonly<Record<EntityKind, readonly string[]>> = {
  phones: ['obfuscated', 'country'],
  emails: ['obfuscated'],
  urls: ['obfuscated'],
  handles: ['obfuscated', 'platform'],
  wallets: ['obfuscated', 'chain'],
  prices: ['per', 'min', 'max', 'currency'],
  ages: ['below', 'min'],
  onions: [],
};

const entitySchema = z
  .strictObject({
    kind: z.enum(ENTITY_KINDS),
    obfuscated: z.boolean().optional(),
    country: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code like "US"'))
      .min(1)
      .optional(),
    platform: z.array(z.enum(PLATFORMS)).min(1).optional(),
    chain: z.array(z.enum(CHAINS)).min(1).optional(),
    per: z.union([z.enum(RATE_UNITS), z.array(z.enum(RATE_UNITS)).min(1)]).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    below: z.number().optional(),
    currency: z
      .array(z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code like "USD"'))
      .min(1)
      .optional(),
  })
  .superRefine((spec, ctx) => {
    const allowed = ENTITY_OPTIONS[spec.kind];
    for (const key of Object.keys(spec)) {
      if (key === 'kind' || allowed.includes(key)) continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `"${key}" does not apply to ${spec.kind}${allowed.length > 0 ? ` (it takes: ${allowed.join(', ')})` : ' (it takes no options)'}`,
      });
    }
  });
export type EntitySpec = z.infer<typeof entitySchema>;

const patternSchema = z
  .strictObject({
    phrases: z.array(z.string().min(1)).min(1).optional(),
    regex: z.string().min(1).max(MAX_REGEX_LENGTH).optional(),
    entity: entitySchema.optional(),
    feature: z.enum(FEATURE_NAMES).optional(),
  })
  .refine(
    (p) => [p.phrases, p.regex, p.entity, p.feature].filter((v) => v !== undefined).length === 1,
    { message: 'a pattern has exactly one of: phrases, regex, entity, feature' },
  );
export type Pattern = z.infer<typeof patternSchema>;

const exampleSchema = z.union([
  z.string().min(1),
  z.strictObject({
    text: z.string().min(1),
    title: z.string().optional(),
    language: z.string().optional(),
    country: z.string().optional(),
    region: z.string().optional(),
    city: z.string().optional(),
  }),
]);
/** An example ad: its body text, or the text with title and posting context. */
export type Example = z.infer<typeof exampleSchema>;

const ruleSchema = z.strictObject({
  id: z
    .string()
    .regex(
      /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$/,
      'an id like "ST-TRUST-01" (capitals, digits, dashes)',
    ),
  name: z.string().min(3).max(120),
  category: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case word like "trust"'),
  languages: z
    .array(z.string().regex(/^(?:\*|[a-z]{2,3})$/, 'a language subtag like "en", or "*"'))
    .min(1)
    .refine((l) => !l.includes('*') || l.length === 1, { message: '"*" stands alone' }),
  weight: z.number().min(-5).max(5),
  evidence: z.enum(EVIDENCE_LEVELS),
  rationale: z.string().min(20),
  citation: z.string().regex(/https?:\/\//, 'a source with its URL'),
  when: z
    .strictObject({
      any: z.array(patternSchema).min(1).optional(),
      all: z.array(patternSchema).min(1).optional(),
      unless: z.array(patternSchema).min(1).optional(),
    })
    .refine((w) => w.any !== undefined || w.all !== undefined, {
      message: 'a rule needs "any" or "all"',
    }),
  examples: z.strictObject({
    positive: z.array(exampleSchema).min(2, 'give at least 2 positive examples'),
    negative: z.array(exampleSchema).min(2, 'give at least 2 negative examples'),
  }),
});

const ruleFileSchema = z.strictObject({
  family: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case name like "sex-trafficking"'),
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, 'a semantic version like "1.2.0"'),
  title: z.string().min(3),
  description: z.string().min(3),
  /** Shared phrase lists, referenced from rules with YAML anchors; not read otherwise. */
  lexicons: z.record(z.string(), z.array(z.string())).optional(),
  rules: z.array(ruleSchema).min(1),
});

export type Rule = z.infer<typeof ruleSchema>;
/** A parsed, validated rule file; `name` is the file name used in messages. */
export type RuleFile = z.infer<typeof ruleFileSchema> & { readonly name: string };

// ---------------------------------------------------------------------------------------------
// Compiled forms

export type CompiledPattern =
  | { readonly kind: 'phrases'; readonly slot: number; readonly phrases: readonly string[] }
  | { readonly kind: 'regex'; readonly slot: number; readonly source: string; readonly re: RegExp }
  | {
      readonly kind: 'entity';
      readonly spec: EntitySpec;
      /** Spans of the entities the condition selects. */
      readonly select: (entities: Entities) => readonly Span[];
    }
  | { readonly kind: 'feature'; readonly feature: FeatureName };

export interface CompiledCondition {
  readonly any: readonly CompiledPattern[];
  readonly all: readonly CompiledPattern[];
  readonly unless: readonly CompiledPattern[];
}

export interface CompiledRule {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly category: string;
  readonly languages: readonly string[];
  /** True for languages ["*"]. */
  readonly anyLanguage: boolean;
  readonly weight: number;
  readonly evidence: Evidence;
  readonly rationale: string;
  readonly citation: string;
  readonly examples: {
    readonly positive: readonly Example[];
    readonly negative: readonly Example[];
  };
  readonly when: CompiledCondition;
  /** The rule file it came from. */
  readonly source: string;
}

export interface RuleSet {
  readonly rules: readonly CompiledRule[];
  readonly families: readonly {
    readonly family: string;
    readonly version: string;
    readonly title: string;
    readonly source: string;
  }[];
  readonly phrases: PhraseIndex;
  readonly regexCount: number;
}

// ---------------------------------------------------------------------------------------------
// Parsing

const where = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (acc, key) =>
      typeof key === 'number'
        ? `${acc}[${key}]`
        : acc === ''
          ? String(key)
          : `${acc}.${String(key)}`,
    '',
  );

/** Reads one rule file. Errors name the file, the rule and the field. */
export function parseRuleFile(name: string, yamlText: string): RuleFile {
  if (yamlText.length > MAX_RULE_FILE_CHARS) {
    throw new VigilError(
      'RULES_INVALID',
      `Rule file "${name}" is larger than ${MAX_RULE_FILE_CHARS} characters; split it into several files.`,
      { details: { file: name } },
    );
  }
  const doc = parseDocument(yamlText, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first?.linePos?.[0]?.line;
    throw new VigilError(
      'RULES_INVALID',
      `Rule file "${name}" is not valid YAML${line === undefined ? '' : ` (line ${line})`}: ${first?.message.split('\n')[0] ?? 'parse error'}. Fix the YAML syntax.`,
      { details: { file: name, ...(line !== undefined && { line }) } },
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 10_000 });
  } catch (cause) {
    throw new VigilError(
      'RULES_INVALID',
      `Rule file "${name}" could not be read: ${(cause as Error).message}. Simplify its YAML aliases.`,
      { details: { file: name }, cause },
    );
  }
  const parsed = ruleFileSchema.safeParse(raw);
  if (!parsed.success) {
    const rawRules = (raw as { rules?: unknown } | null)?.rules;
    const problems = parsed.error.issues.slice(0, 10).map((issue) => {
      const [head, index, ...rest] = issue.path;
      if (head === 'rules' && typeof index === 'number') {
        const id = Array.isArray(rawRules)
          ? (rawRules[index] as { id?: unknown } | undefined)?.id
          : undefined;
        const rule = typeof id === 'string' ? `rule "${id}" (rules[${index}])` : `rules[${index}]`;
        return `${rule}${rest.length > 0 ? ` ${where(rest)}` : ''}: ${issue.message}`;
      }
      return `${issue.path.length > 0 ? where(issue.path) : '(top level)'}: ${issue.message}`;
    });
    throw new VigilError(
      'RULES_INVALID',
      `Rule file "${name}" is not valid: ${problems.join('; ')}. Fix these fields (docs/rules.md describes the format).`,
      { details: { file: name, issues: problems } },
    );
  }
  return { ...parsed.data, name };
}

// ---------------------------------------------------------------------------------------------
// Phrases

/**
 * `{real|genuine} {pics|photos}` → the four phrases. Braces do not nest; an empty alternative
 * (`{very |}nice`) makes a part optional. Throws a plain Error with the reason.
 */
export function expandPhrase(phrase: string): string[] {
  const parts: string[][] = [];
  let total = 1;
  let i = 0;
  let literal = '';
  while (i < phrase.length) {
    const ch = phrase[i];
    if (ch === '}') throw new Error(`"}" without "{" in phrase "${phrase}"`);
    if (ch !== '{') {
      literal += ch;
      i++;
      continue;
    }
    const close = phrase.indexOf('}', i + 1);
    if (close < 0) throw new Error(`"{" without "}" in phrase "${phrase}"`);
    const inner = phrase.slice(i + 1, close);
    if (inner.includes('{')) throw new Error(`braces do not nest, in phrase "${phrase}"`);
    if (inner.trim() === '') throw new Error(`empty braces "{}" in phrase "${phrase}"`);
    parts.push([literal]);
    literal = '';
    const options = inner.split('|');
    total *= options.length;
    if (total > MAX_PHRASE_EXPANSIONS) {
      throw new Error(
        `phrase "${phrase}" expands to more than ${MAX_PHRASE_EXPANSIONS} phrases; split it into several phrases`,
      );
    }
    parts.push(options);
    i = close + 1;
  }
  parts.push([literal]);
  let out = [''];
  for (const options of parts) {
    const next: string[] = [];
    for (const head of out) for (const option of options) next.push(head + option);
    out = next;
  }
  return [...new Set(out.map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p.length > 0))];
}

type CompiledPhrase =
  | { kind: 'tokens'; tokens: string[]; prefix: boolean[] }
  | { kind: 'substring'; text: string };

/** Folds one expanded phrase and cuts it into the words the matcher compares. */
export function compilePhrase(expanded: string): CompiledPhrase {
  const folded = foldText(expanded)
    .text.replace(/[\u2019\u02bc]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  let substring = false;
  for (let i = 0; i < folded.length; i++)
    if (isSubstringUnit(folded.charCodeAt(i))) substring = true;
  if (substring) {
    if (folded.includes('*')) {
      throw new Error(`"*" (prefix match) works on words only, not in phrase "${expanded}"`);
    }
    return { kind: 'substring', text: folded };
  }
  const spans = wordTokens(folded);
  if (spans.length === 0)
    throw new Error(`phrase "${expanded}" has no words; use a regex for symbols`);
  if (spans.length > MAX_PHRASE_TOKENS) {
    throw new Error(`phrase "${expanded}" has more than ${MAX_PHRASE_TOKENS} words`);
  }
  // Between words only blanks, light punctuation and "*" after a word are allowed: anything
  // else ("%", "$", "@") would be silently ignored by word matching.
  let at = 0;
  const prefix: boolean[] = [];
  for (const [start, end] of spans) {
    checkBetween(folded, at, start, expanded);
    const star = folded[end] === '*';
    if (star) {
      if (end - start < PREFIX_KEY_LENGTH) {
        throw new Error(
          `"*" needs at least ${PREFIX_KEY_LENGTH} letters before it, in phrase "${expanded}"`,
        );
      }
      const after = folded.charCodeAt(end + 1);
      if (end + 1 < folded.length && !isLightUnit(after)) {
        throw new Error(`"*" goes at the end of a word, in phrase "${expanded}"`);
      }
    }
    prefix.push(star);
    at = star ? end + 1 : end;
  }
  checkBetween(folded, at, folded.length, expanded);
  return { kind: 'tokens', tokens: spans.map(([s, e]) => folded.slice(s, e)), prefix };
}

function checkBetween(text: string, from: number, to: number, phrase: string): void {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2a) throw new Error(`"*" goes at the end of a word, in phrase "${phrase}"`);
    if (!isLightUnit(c) && !isApostrophe(c) && !isWordUnit(c)) {
      throw new Error(
        `phrase "${phrase}" holds "${text[i]}", which word matching ignores; remove it or use a regex`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Regex safety

type CharRanges = readonly (readonly [number, number])[];
const NONE: CharRanges = [];
const ALL: CharRanges = [[0, 0x10ffff]];
const DIGITS: CharRanges = [[0x30, 0x39]];
const WORDS: CharRanges = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const SPACES: CharRanges = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
const LINE_ENDS: CharRanges = [
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
];

function union(a: CharRanges, b: CharRanges): CharRanges {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of all) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function complement(a: CharRanges): CharRanges {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of union(a, NONE)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

function intersects(a: CharRanges, b: CharRanges): boolean {
  for (const [alo, ahi] of a) for (const [blo, bhi] of b) if (alo <= bhi && blo <= ahi) return true;
  return false;
}

// biome-ignore lint/suspicious/noExplicitAny: regjsparser's node union is generic over its features
type Node = any;

function escapeSet(value: string): CharRanges {
  switch (value) {
    case 'd':
      return DIGITS;
    case 'D':
      return complement(DIGITS);
    case 'w':
      return WORDS;
    case 'W':
      return complement(WORDS);
    case 's':
      return SPACES;
    default:
      return complement(SPACES);
  }
}

/** Characters a single-character node matches; undefined when the node is not one. */
function charSet(node: Node): CharRanges | undefined {
  switch (node.type) {
    case 'value':
      return [[node.codePoint, node.codePoint]];
    case 'dot':
      return complement(LINE_ENDS);
    case 'characterClassEscape':
      return escapeSet(node.value);
    case 'unicodePropertyEscape':
      return ALL; // conservative: any character
    case 'characterClass': {
      let set: CharRanges = NONE;
      for (const item of node.body as Node[]) {
        if (item.type === 'characterClassRange') {
          set = union(set, [[item.min.codePoint, item.max.codePoint]]);
        } else {
          set = union(set, charSet(item) ?? ALL);
        }
      }
      return node.negative ? complement(set) : set;
    }
    default:
      return undefined;
  }
}

class UnsafeRegex extends Error {}

// regjsparser is CommonJS: Node's ESM loader exposes it as a default export only.
const parseRegex = regjsparser.parse;

/**
 * What the safety check needs to know of a node: can it match empty text, which characters
 * can start a match, which can it consume at all, and which characters a repeat at its start
 * (head) or end (tail) consumes.
 */
interface Shape {
  readonly nullable: boolean;
  readonly first: CharRanges;
  readonly chars: CharRanges;
  readonly head: CharRanges;
  readonly tail: CharRanges;
}
const EMPTY_SHAPE: Shape = { nullable: true, first: NONE, chars: NONE, head: NONE, tail: NONE };

function shapeOf(node: Node): Shape {
  const set = charSet(node);
  if (set !== undefined) return { nullable: false, first: set, chars: set, head: NONE, tail: NONE };
  switch (node.type) {
    case 'anchor':
      return EMPTY_SHAPE;
    case 'reference':
      throw new UnsafeRegex(
        'it uses a backreference (\\1, \\k<name>), which can take exponential time; match the text explicitly instead',
      );
    case 'group':
      if (node.behavior !== 'normal' && node.behavior !== 'ignore') {
        throw new UnsafeRegex(
          'it uses a lookahead or lookbehind; write the condition as a separate pattern (all: or unless:) instead',
        );
      }
      return sequenceShape(node.body);
    case 'alternative':
      return sequenceShape(node.body);
    case 'disjunction': {
      let shape = { ...EMPTY_SHAPE, nullable: false };
      for (const alt of node.body as Node[]) {
        const s = shapeOf(alt);
        shape = {
          nullable: shape.nullable || s.nullable,
          first: union(shape.first, s.first),
          chars: union(shape.chars, s.chars),
          head: union(shape.head, s.head),
          tail: union(shape.tail, s.tail),
        };
      }
      return shape;
    }
    case 'quantifier':
      return quantifierShape(node);
    default:
      throw new UnsafeRegex(`it uses an unsupported construct "${node.raw}"`);
  }
}

function quantifierShape(node: Node): Shape {
  const max: number | undefined = node.max;
  if (max === undefined) {
    throw new UnsafeRegex(
      `"${node.raw}" repeats without bound; applied to a whole ad that makes matching quadratic on long runs, so write a bounded repeat such as {1,${MAX_REGEX_REPEAT}}`,
    );
  }
  if (max > MAX_REGEX_REPEAT) {
    throw new UnsafeRegex(
      `"${node.raw}" repeats more than ${MAX_REGEX_REPEAT} times; lower the bound`,
    );
  }
  const body = node.body[0];
  const inner = shapeOf(body);
  if (max <= 1) {
    // "x?" chooses once: no repetition, so its body may hold anything safe.
    return { ...inner, nullable: node.min === 0 || inner.nullable };
  }
  if (containsQuantifier(body)) {
    throw new UnsafeRegex(
      `"${node.raw}" repeats a group that itself repeats (nested quantifiers), which can take exponential time; repeat single characters or fixed groups only`,
    );
  }
  checkAlternativesDisjoint(body, node.raw);
  return {
    nullable: node.min === 0 || inner.nullable,
    first: inner.first,
    chars: inner.chars,
    head: inner.chars,
    tail: inner.chars,
  };
}

function containsQuantifier(node: Node): boolean {
  if (node.type === 'quantifier') return true;
  const body = node.body;
  return Array.isArray(body) && body.some((child: Node) => containsQuantifier(child));
}

/** Inside a repeat, alternatives that can start with the same character make it ambiguous. */
function checkAlternativesDisjoint(node: Node, raw: string): void {
  if (node.type === 'disjunction') {
    const shapes = (node.body as Node[]).map(shapeOf);
    for (let i = 0; i < shapes.length; i++) {
      for (let j = i + 1; j < shapes.length; j++) {
        const a = shapes[i] as Shape;
        const b = shapes[j] as Shape;
        if ((a.nullable && b.nullable) || intersects(a.first, b.first)) {
          throw new UnsafeRegex(
            `"${raw}" repeats alternatives that can match the same text, which can take exponential time; make the alternatives start with different characters`,
          );
        }
      }
    }
  }
  const body = node.body;
  if (Array.isArray(body)) for (const child of body) checkAlternativesDisjoint(child, raw);
}

function sequenceShape(elements: readonly Node[]): Shape {
  const shapes = elements.map(shapeOf);
  // Two repeats that can trade characters (only optional parts between them) let the engine
  // try every split point: "\d{1,9}\d{1,9}", "\w{1,20}\s{0,3}\w{1,20}".
  for (let i = 0; i < shapes.length; i++) {
    const a = shapes[i] as Shape;
    if (a.tail.length === 0) continue;
    for (let j = i + 1; j < shapes.length; j++) {
      const b = shapes[j] as Shape;
      if (intersects(a.tail, b.head)) {
        throw new UnsafeRegex(
          `"${elements[i].raw}" and "${elements[j].raw}" are repeats that can match the same characters next to each other, so every split between them is tried; make their characters disjoint or put a required separator between them`,
        );
      }
      if (!b.nullable) break;
    }
  }
  let nullable = true;
  let first: CharRanges = NONE;
  let head: CharRanges = NONE;
  let chars: CharRanges = NONE;
  for (const s of shapes) {
    chars = union(chars, s.chars);
    if (nullable) {
      first = union(first, s.first);
      head = union(head, s.head);
      nullable = s.nullable;
    }
  }
  let tail: CharRanges = NONE;
  for (let k = shapes.length - 1; k >= 0; k--) {
    const s = shapes[k] as Shape;
    tail = union(tail, s.tail);
    if (!s.nullable) break;
  }
  return { nullable, first, chars, head, tail };
}

/**
 * Proves a rule regex linear-time on any text, or throws UnsafeRegex with the reason. Rules run
 * with flags "gu" over whole documents, possibly a megabyte of hostile text, so the check is
 * deliberately strict:
 * - no backreferences, no lookahead or lookbehind;
 * - repeats are bounded, at most {m,64} (measured on Node 20: "\d+x" over 200,000 digits takes
 *   46 s, because every start position scans to the end of the run; "\d{1,64}x" takes 60 ms);
 * - a repeated group holds no repeat itself (no nested quantifiers; "(?:ab)?" is fine);
 * - alternatives inside a repeat start with different characters;
 * - two repeats that can match the same characters are not adjacent.
 * Within these limits each start position costs a bounded number of steps.
 */
export function checkRegexSafety(source: string): void {
  let root: Node;
  try {
    root = parseRegex(source, 'u', {
      lookbehind: true,
      namedGroups: true,
      unicodePropertyEscape: true,
    });
  } catch (cause) {
    if (/\\[1-9]|\\k</.test(source)) {
      throw new UnsafeRegex(
        'it uses a backreference (\\1, \\k<name>), which can take exponential time; match the text explicitly instead',
      );
    }
    throw new Error(
      `it is not a valid regular expression (${(cause as Error).message.split('\n')[0]})`,
    );
  }
  const shape = shapeOf(root);
  if (shape.nullable) throw new Error('it can match empty text; require at least one character');
}

// ---------------------------------------------------------------------------------------------
// Entity conditions

const NO_SPANS: readonly Span[] = Object.freeze([]);

/** The fields entity conditions test, across the entity kinds. */
type AnyEntity = {
  span: Span;
  obfuscated?: boolean;
  platform?: string;
  chain?: string;
  country?: string;
  per?: string;
  amount?: number;
  /** An age's value (a number); an email's value is a string, never tested. */
  value?: unknown;
  currency?: string;
};

/** The list of one entity kind: one function per kind, so each read sees a single shape. */
const ENTITY_LISTS: { readonly [K in EntityKind]: (e: Entities) => readonly AnyEntity[] } = {
  phones: (e) => e.phones,
  emails: (e) => e.emails,
  urls: (e) => e.urls,
  handles: (e) => e.handles,
  wallets: (e) => e.wallets,
  prices: (e) => e.prices,
  ages: (e) => e.ages,
  onions: (e) => e.onions,
};

/**
 * The spans of the entities a condition selects. Runs for several conditions on every ad, so
 * everything about the spec is read here, once: the returned function reads one entity list and
 * only the entity fields the spec tests.
 */
function entitySelector(spec: EntitySpec): (entities: Entities) => readonly Span[] {
  const setOf = (values: readonly string[] | undefined): Set<string> | undefined =>
    values === undefined ? undefined : new Set<string>(values);
  const obfuscated = spec.obfuscated;
  const platforms = setOf(spec.platform);
  const chains = setOf(spec.chain);
  const countries = setOf(spec.country);
  const prices = spec.kind === 'prices';
  const per = setOf(spec.per === undefined ? undefined : [spec.per].flat());
  const currencies = setOf(spec.currency);
  const ages = spec.kind === 'ages';
  const { min, max, below } = spec;
  const test = (e: AnyEntity): boolean => {
    if (obfuscated !== undefined && e.obfuscated !== obfuscated) return false;
    if (platforms !== undefined && (e.platform === undefined || !platforms.has(e.platform)))
      return false;
    if (chains !== undefined && (e.chain === undefined || !chains.has(e.chain))) return false;
    if (countries !== undefined && (e.country === undefined || !countries.has(e.country)))
      return false;
    if (prices) {
      if (per !== undefined && (e.per === undefined || !per.has(e.per))) return false;
      if (currencies !== undefined && (e.currency === undefined || !currencies.has(e.currency)))
        return false;
      const amount = e.amount ?? 0;
      if (min !== undefined && amount < min) return false;
      if (max !== undefined && amount > max) return false;
    }
    if (ages) {
      const value = (e.value as number | undefined) ?? 0;
      if (below !== undefined && value >= below) return false;
      if (min !== undefined && value < min) return false;
    }
    return true;
  };
  const read = ENTITY_LISTS[spec.kind];
  return (entities) => {
    const list = read(entities);
    if (list.length === 0) return NO_SPANS;
    let out: Span[] | undefined;
    for (const e of list) {
      if (!test(e)) continue;
      out ??= [];
      out.push(e.span);
    }
    return out ?? NO_SPANS;
  };
}

// ---------------------------------------------------------------------------------------------
// Compilation

interface Builder {
  readonly tokenPhrases: Map<string, { tokens: string[]; prefix: boolean[]; slots: Set<number> }>;
  readonly substrings: Map<string, Set<number>>;
  readonly phraseSlots: Map<string, number>;
  readonly regexSlots: Map<string, { slot: number; re: RegExp }>;
}

function fail(
  code: 'RULES_INVALID' | 'RULES_UNSAFE_REGEX',
  file: string,
  rule: string,
  message: string,
): never {
  throw new VigilError(code, `Rule file "${file}", rule "${rule}": ${message}.`, {
    details: { file, rule },
  });
}

function compilePattern(b: Builder, p: Pattern, file: string, rule: string): CompiledPattern {
  if (p.phrases !== undefined) {
    const key = JSON.stringify([...p.phrases].sort());
    let slot = b.phraseSlots.get(key);
    if (slot === undefined) {
      slot = b.phraseSlots.size;
      b.phraseSlots.set(key, slot);
      for (const phrase of p.phrases) {
        try {
          for (const one of expandPhrase(phrase)) {
            const c = compilePhrase(one);
            if (c.kind === 'substring') {
              const slots = b.substrings.get(c.text) ?? new Set<number>();
              slots.add(slot);
              b.substrings.set(c.text, slots);
            } else {
              const k = c.tokens.map((t, i) => (c.prefix[i] ? `${t}*` : t)).join(' ');
              const entry = b.tokenPhrases.get(k) ?? {
                tokens: c.tokens,
                prefix: c.prefix,
                slots: new Set<number>(),
              };
              entry.slots.add(slot);
              b.tokenPhrases.set(k, entry);
            }
          }
        } catch (error) {
          fail('RULES_INVALID', file, rule, (error as Error).message);
        }
      }
    }
    return Object.freeze({ kind: 'phrases', slot, phrases: Object.freeze([...p.phrases]) });
  }
  if (p.regex !== undefined) {
    const source = p.regex;
    let entry = b.regexSlots.get(source);
    if (entry === undefined) {
      try {
        checkRegexSafety(source);
      } catch (error) {
        const unsafe = error instanceof UnsafeRegex;
        fail(
          unsafe ? 'RULES_UNSAFE_REGEX' : 'RULES_INVALID',
          file,
          rule,
          `regex /${source}/ is ${unsafe ? 'not safe' : 'not usable'}: ${(error as Error).message}`,
        );
      }
      let re: RegExp;
      try {
        re = new RegExp(source, 'gu');
      } catch (error) {
        fail(
          'RULES_INVALID',
          file,
          rule,
          `regex /${source}/ is not valid: ${(error as Error).message}`,
        );
      }
      entry = { slot: b.regexSlots.size, re };
      b.regexSlots.set(source, entry);
    }
    // The RegExp is shared and stays unfrozen: exec() writes its lastIndex.
    return Object.freeze({ kind: 'regex', slot: entry.slot, source, re: entry.re });
  }
  if (p.entity !== undefined) {
    return Object.freeze({
      kind: 'entity',
      spec: Object.freeze({ ...p.entity }),
      select: entitySelector(p.entity),
    });
  }
  return Object.freeze({ kind: 'feature', feature: p.feature as FeatureName });
}

/** Smallest power of two that holds `count` entries at most a quarter full. */
const tableSize = (count: number): number => {
  let size = 16;
  while (size < count * 4) size *= 2;
  return size;
};

function buildIndex(b: Builder): PhraseIndex {
  // Vocabulary: word → id, in order of first use.
  const wordIds = new Map<string, number>();
  const idOf = (word: string): number => {
    let id = wordIds.get(word);
    if (id === undefined) {
      id = wordIds.size;
      wordIds.set(word, id);
    }
    return id;
  };

  // The trie, mutable while it is built: per node, its children by word id, its prefix edges
  // (in order of first use: the matcher follows them in that order) and its slots.
  const children: Map<number, number>[] = [];
  const prefixes: PrefixEdge[][] = [];
  const slots: Set<number>[] = [];
  const newNode = (): number => {
    children.push(new Map());
    prefixes.push([]);
    slots.push(new Set());
    return children.length - 1;
  };
  const root = newNode();
  const firstPrefixes = new Map<number, PrefixEdge[]>();
  const prefixChild = (list: PrefixEdge[], word: string): number => {
    const found = list.find((e) => e.word === word);
    if (found !== undefined) return found.node;
    const node = newNode();
    list.push(Object.freeze({ word, node }));
    return node;
  };

  for (const entry of b.tokenPhrases.values()) {
    let node = root;
    entry.tokens.forEach((word, i) => {
      if (entry.prefix[i]) {
        if (node === root) {
          const key = hashToken(word, PREFIX_KEY_LENGTH);
          const list = firstPrefixes.get(key) ?? [];
          firstPrefixes.set(key, list);
          node = prefixChild(list, word);
        } else {
          node = prefixChild(prefixes[node] as PrefixEdge[], word);
        }
      } else {
        const id = idOf(word);
        const next = children[node] as Map<number, number>;
        let child = next.get(id);
        if (child === undefined) {
          child = newNode();
          next.set(id, child);
        }
        node = child;
      }
    });
    for (const slot of entry.slots) slots[node]?.add(slot);
  }

  const words = [...wordIds.keys()];
  const wordStart = new Int32Array(words.length + 1);
  const wordUnitList: number[] = [];
  words.forEach((word, id) => {
    wordStart[id] = wordUnitList.length;
    for (let i = 0; i < word.length; i++) wordUnitList.push(word.charCodeAt(i));
  });
  wordStart[words.length] = wordUnitList.length;

  const vocabSize = tableSize(words.length);
  const vocab = new Int32Array(2 * vocabSize);
  const hashes = new Set<number>();
  words.forEach((word, id) => {
    const hash = hashToken(word);
    hashes.add(hash);
    let slot = hash & (vocabSize - 1);
    while (vocab[2 * slot + 1] !== 0) slot = (slot + 1) & (vocabSize - 1);
    vocab[2 * slot] = hash;
    vocab[2 * slot + 1] = id + 1;
  });

  const nodeCount = children.length;
  const rootChild = new Int32Array(words.length).fill(-1);
  for (const [id, child] of children[root] ?? []) rootChild[id] = child;
  const nodes = new Int32Array(3 * (nodeCount + 1));
  const edges: number[] = [];
  const nodeSlots: number[] = [];
  const prefixList: PrefixEdge[] = [];
  for (let node = 0; node < nodeCount; node++) {
    nodes[3 * node] = edges.length / 2;
    nodes[3 * node + 1] = nodeSlots.length;
    nodes[3 * node + 2] = prefixList.length;
    if (node !== root) {
      const sorted = [...(children[node] ?? [])].sort((x, y) => x[0] - y[0]);
      for (const [id, child] of sorted) edges.push(id, child);
    }
    nodeSlots.push(...(slots[node] ?? []));
    prefixList.push(...(prefixes[node] ?? []));
  }
  nodes[3 * nodeCount] = edges.length / 2;
  nodes[3 * nodeCount + 1] = nodeSlots.length;
  nodes[3 * nodeCount + 2] = prefixList.length;

  const prefixBits = new Uint32Array(0x10000 / 32);
  for (const key of firstPrefixes.keys()) setHashBit(prefixBits, key);

  const substringLists: SubstringPhrase[][] = [];
  const firstUnits = new Uint16Array(0x10000);
  const units = new Uint8Array(unitBits());
  // A word starts with a letter or digit (never an apostrophe), compared as is.
  for (const list of firstPrefixes.values()) {
    for (const { word } of list) {
      const unit = word.charCodeAt(0);
      units[unit] = (units[unit] ?? 0) | UNIT_PREFIX;
    }
  }
  for (const [text, phraseSlots] of b.substrings) {
    const unit = text.charCodeAt(0);
    if (firstUnits[unit] === 0) {
      substringLists.push([]);
      firstUnits[unit] = substringLists.length;
      units[unit] = (units[unit] ?? 0) | UNIT_SUBSTRING;
    }
    const phrase: SubstringPhrase = Object.freeze({
      text,
      second: text.length > 1 ? text.charCodeAt(1) : -1,
      slots: Object.freeze([...phraseSlots]),
    });
    substringLists[(firstUnits[unit] ?? 1) - 1]?.push(phrase);
  }
  return Object.freeze({
    units,
    vocab,
    vocabMask: vocabSize - 1,
    vocabHashesUnique: hashes.size === words.length,
    wordStart,
    wordUnits: Uint16Array.from(wordUnitList),
    rootChild,
    nodes,
    edges: Int32Array.from(edges),
    nodeSlots: Int32Array.from(nodeSlots),
    prefixList: Object.freeze(prefixList),
    firstPrefixes: new Map(
      [...firstPrefixes].map(([key, list]) => [key, Object.freeze(list)] as const),
    ),
    prefixBits,
    substringLists: Object.freeze(substringLists.map((list) => Object.freeze(list))),
    firstUnits,
    slotCount: b.phraseSlots.size,
  });
}

/**
 * Compiles rule files into one frozen RuleSet. Rule ids are unique across all files; phrases
 * and regexes shared by several rules are matched once.
 */
export function compileRules(files: readonly RuleFile[]): RuleSet {
  const b: Builder = {
    tokenPhrases: new Map(),
    substrings: new Map(),
    phraseSlots: new Map(),
    regexSlots: new Map(),
  };
  const seen = new Map<string, string>();
  const rules: CompiledRule[] = [];
  const families: RuleSet['families'][number][] = [];
  for (const file of files) {
    families.push(
      Object.freeze({
        family: file.family,
        version: file.version,
        title: file.title,
        source: file.name,
      }),
    );
    for (const rule of file.rules) {
      const before = seen.get(rule.id);
      if (before !== undefined) {
        throw new VigilError(
          'RULES_DUPLICATE_ID',
          `Rule id "${rule.id}" is defined twice: in "${before}" and in "${file.name}". Give one of them a new id.`,
          { details: { rule: rule.id, files: [before, file.name] } },
        );
      }
      seen.set(rule.id, file.name);
      const compile = (list: readonly Pattern[] | undefined): readonly CompiledPattern[] =>
        Object.freeze((list ?? []).map((p) => compilePattern(b, p, file.name, rule.id)));
      const freezeExamples = (list: readonly Example[]) =>
        Object.freeze(list.map((e) => (typeof e === 'string' ? e : Object.freeze({ ...e }))));
      rules.push(
        Object.freeze({
          id: rule.id,
          name: rule.name,
          family: file.family,
          category: rule.category,
          languages: Object.freeze([...rule.languages]),
          anyLanguage: rule.languages.includes('*'),
          weight: rule.weight,
          evidence: rule.evidence,
          rationale: rule.rationale,
          citation: rule.citation,
          examples: Object.freeze({
            positive: freezeExamples(rule.examples.positive),
            negative: freezeExamples(rule.examples.negative),
          }),
          when: Object.freeze({
            any: compile(rule.when.any),
            all: compile(rule.when.all),
            unless: compile(rule.when.unless),
          }),
          source: file.name,
        }),
      );
    }
  }
  return Object.freeze({
    rules: Object.freeze(rules),
    families: Object.freeze(families),
    phrases: buildIndex(b),
    regexCount: b.regexSlots.size,
  });
}
