/**
 * The DSA Transparency Database's validation rules (`schemas/dsa-sor/rules.json`), loaded as data
 * and enforced generically. Pure: the caller reads and parses the JSON and passes it in.
 *
 * Rule kinds enforced (all taken from the data, none hard-coded per field):
 * - per field: `required`, `nullable`, `type` (string, array<string>, object, date, URL),
 *   `enum` (key into `enums`; every element for array fields; the literal string "null" where the
 *   field's `in:` rule lists it), `max_length` (code points for strings, elements for arrays),
 *   `pattern`, `format` (`date_format:Y-m-d`, `url`), `min_date` / `max_date` (inclusive); dotted
 *   names (`content_id.EAN-13`) address a key inside an object field;
 * - cross-field (`conditional_requirements`): `at_least_one_of`, and `if {field, equals|contains}`
 *   with `then_required`, `then_optional`, `then_excluded`, `otherwise_excluded` (an excluded field
 *   is dropped by the server and so not validated, as Laravel's `exclude_*` rules do);
 * - the batch endpoint (`multiple_statements_endpoint`): `between:min,max` statements, unique puids.
 *
 * The loader rejects (RULES_INVALID) any field attribute, condition shape or Laravel rule token
 * it does not know, and cross-checks every verbatim `laravel_rules` token against the structured
 * attributes, so a new rule kind in the file fails loudly instead of being silently ignored.
 */
import { z } from 'zod';
import { type ErrorCode, VigilError } from '../shared/errors.js';

/** rules.json is a rule file that breaks its schema: RULES_INVALID (see docs/errors.md). */
export const SOR_RULES_ERROR: ErrorCode = 'RULES_INVALID';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const names = z.array(z.string().min(1)).min(1);

const fieldSchema = z.strictObject({
  name: z.string().min(1),
  type: z.enum(['string', 'array<string>', 'object', 'string (date)', 'string (URL)']),
  required: z.boolean(),
  required_condition: z.string().optional(),
  nullable: z.boolean().optional(),
  max_length: z.number().int().positive().optional(),
  enum: z.string().min(1).optional(),
  pattern: z.string().min(1).optional(),
  pattern_flags: z.string().optional(),
  format: z.enum(['date_format:Y-m-d', 'url']).optional(),
  min_date: isoDate.optional(),
  max_date: isoDate.optional(),
  laravel_rules: z.array(z.string().min(1)),
  note: z.string().optional(),
});

const conditionSchema = z.union([
  z.strictObject({ field: z.string().min(1), equals: z.string() }),
  z.strictObject({ field: z.string().min(1), contains: z.string() }),
]);

const conditionalSchema = z.union([
  z.strictObject({
    rule: z.literal('at_least_one_of'),
    fields: names,
    source_rule: z.string().optional(),
  }),
  z.strictObject({
    if: conditionSchema,
    then_required: names.optional(),
    then_optional: names.optional(),
    then_excluded: names.optional(),
    otherwise_excluded: names.optional(),
  }),
]);

const enumSchema = z.looseObject({
  values: z.array(z.looseObject({ value: z.string().min(1), label: z.string().optional() })).min(1),
  groups: z.record(z.string(), z.array(z.string())).optional(),
});

const rulesSchema = z.looseObject({
  fields: z.array(fieldSchema).min(1),
  conditional_requirements: z.array(conditionalSchema),
  enums: z.record(z.string(), enumSchema),
  multiple_statements_endpoint: z
    .looseObject({ laravel_rules: z.record(z.string(), z.string()).optional() })
    .optional(),
});

export type SorField = z.infer<typeof fieldSchema>;
export type SorConditional = z.infer<typeof conditionalSchema>;
type Condition = z.infer<typeof conditionSchema>;

export interface SorRules {
  readonly fields: readonly SorField[];
  readonly conditionals: readonly SorConditional[];
  /** enum key -> accepted values */
  readonly enums: Readonly<Record<string, readonly string[]>>;
  /** enum key -> group name -> values (e.g. territorial_scope EU / EEA) */
  readonly groups: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Fields whose `in:` rule also accepts the literal string "null". */
  readonly nullString: ReadonlySet<string>;
  readonly patterns: ReadonlyMap<string, RegExp>;
  readonly batch: { readonly min: number; readonly max: number } | undefined;
}

export interface Violation {
  /** Field name as in rules.json ('' for the payload itself, `statements[i].x` in a batch). */
  readonly field: string;
  /** The rule kind that failed. */
  readonly rule:
    | 'object'
    | 'required'
    | 'required_if'
    | 'at_least_one_of'
    | 'nullable'
    | 'type'
    | 'enum'
    | 'max_length'
    | 'pattern'
    | 'format'
    | 'min_date'
    | 'max_date'
    | 'between'
    | 'distinct';
  readonly message: string;
}

function invalid(message: string, details?: Record<string, unknown>): VigilError {
  return new VigilError(SOR_RULES_ERROR, message, details ? { details } : {});
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((x) => sa.has(x));
}

/** Check each verbatim Laravel rule token against the structured attributes of its field. */
function crossCheck(
  field: SorField,
  enums: Record<string, string[]>,
  conditionals: readonly SorConditional[],
  nullString: Set<string>,
): void {
  const where = `rules.json field "${field.name}"`;
  const mismatch = (token: string) =>
    invalid(`${where}: the rule "${token}" disagrees with the structured attributes.`, {
      field: field.name,
      rule: token,
    });
  const conditionalFor = (pred: (c: SorConditional) => boolean) => conditionals.some(pred);
  for (const token of field.laravel_rules) {
    const [kind = '', arg = ''] = token.startsWith('Rule::')
      ? [token.slice(0, token.indexOf('('))]
      : token.split(/:(.*)/s);
    switch (kind) {
      case 'required':
        if (!field.required) throw mismatch(token);
        break;
      case 'nullable':
        if (!field.nullable) throw mismatch(token);
        break;
      case 'array':
        if (field.type !== 'array<string>' && field.type !== 'object') throw mismatch(token);
        break;
      case 'string':
        if (!field.type.startsWith('string')) throw mismatch(token);
        break;
      case 'in': {
        const listed = arg.split(',');
        const values = field.enum ? enums[field.enum] : undefined;
        if (!values) throw mismatch(token);
        const withoutNull = values.includes('null') ? listed : listed.filter((v) => v !== 'null');
        if (withoutNull.length !== listed.length) nullString.add(field.name);
        if (!sameSet(withoutNull, values)) throw mismatch(token);
        break;
      }
      case 'max':
        if (field.max_length !== Number(arg)) throw mismatch(token);
        break;
      case 'regex': {
        const m = /^\/(.*)\/([a-zA-Z]*)$/s.exec(arg);
        if (!m || m[1] !== field.pattern) throw mismatch(token);
        break;
      }
      case 'date_format':
        if (field.format !== token) throw mismatch(token);
        break;
      case 'url':
        if (field.format !== 'url') throw mismatch(token);
        break;
      case 'after_or_equal':
        if (field.min_date !== arg) throw mismatch(token);
        break;
      case 'before_or_equal':
        if (field.max_date !== arg) throw mismatch(token);
        break;
      case 'required_without_all':
        if (
          !conditionalFor(
            (c) =>
              'rule' in c &&
              c.fields.includes(field.name) &&
              arg.split(',').every((f) => c.fields.includes(f)),
          )
        )
          throw mismatch(token);
        break;
      case 'required_if':
      case 'exclude_unless': {
        const [on, value] = arg.split(',');
        const ok = conditionalFor(
          (c) =>
            'if' in c &&
            c.if.field === on &&
            'equals' in c.if &&
            c.if.equals === value &&
            (kind === 'required_if'
              ? (c.then_required ?? []).includes(field.name)
              : (c.otherwise_excluded ?? []).includes(field.name)),
        );
        if (!ok) throw mismatch(token);
        break;
      }
      case 'Rule::requiredIf':
      case 'Rule::excludeIf': {
        const list = (c: SorConditional) =>
          'if' in c
            ? kind === 'Rule::requiredIf'
              ? (c.then_required ?? [])
              : [...(c.then_excluded ?? []), ...(c.otherwise_excluded ?? [])]
            : [];
        if (!conditionalFor((c) => list(c).includes(field.name))) throw mismatch(token);
        break;
      }
      default:
        throw invalid(`${where}: unknown rule kind "${token}"; the validator cannot enforce it.`, {
          field: field.name,
          rule: token,
        });
    }
  }
}

/** Validate and compile the parsed rules.json. Throws RULES_INVALID (SOR_RULES_ERROR). */
export function loadSorRules(data: unknown): SorRules {
  const parsed = rulesSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(
      `rules.json does not have the expected shape at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}.`,
      {
        issues: parsed.error.issues
          .slice(0, 20)
          .map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
    );
  }
  const { fields, conditional_requirements: conditionals } = parsed.data;
  const enums: Record<string, string[]> = {};
  const groups: Record<string, Record<string, string[]>> = {};
  for (const [key, e] of Object.entries(parsed.data.enums)) {
    enums[key] = e.values.map((v) => v.value);
    if (e.groups) groups[key] = e.groups;
  }
  const known = new Set(fields.map((f) => f.name));
  const nullString = new Set<string>();
  const patterns = new Map<string, RegExp>();
  for (const field of fields) {
    if (field.enum !== undefined && !enums[field.enum]) {
      throw invalid(`rules.json field "${field.name}" names the unknown enum "${field.enum}".`);
    }
    if (field.pattern !== undefined) {
      try {
        patterns.set(field.name, new RegExp(field.pattern));
      } catch {
        throw invalid(`rules.json field "${field.name}" has a pattern that is not a valid regex.`);
      }
    }
    crossCheck(field, enums, conditionals, nullString);
  }
  for (const c of conditionals) {
    const mentioned =
      'rule' in c
        ? c.fields
        : [
            c.if.field,
            ...(c.then_required ?? []),
            ...(c.then_optional ?? []),
            ...(c.then_excluded ?? []),
            ...(c.otherwise_excluded ?? []),
          ];
    const unknown = mentioned.filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw invalid(
        `rules.json conditional requirement names unknown fields: ${unknown.join(', ')}.`,
      );
    }
  }
  let batch: SorRules['batch'];
  const batchRule = parsed.data.multiple_statements_endpoint?.laravel_rules?.statements;
  if (batchRule !== undefined) {
    const m = /(?:^|\|)between:(\d+),(\d+)(?:\||$)/.exec(batchRule);
    if (!m) throw invalid(`rules.json multiple_statements_endpoint: cannot read "${batchRule}".`);
    batch = { min: Number(m[1]), max: Number(m[2]) };
  }
  return { fields, conditionals, enums, groups, nullString, patterns, batch };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function valueAt(payload: Record<string, unknown>, name: string): unknown {
  let current: unknown = payload;
  for (const part of name.split('.')) {
    if (!isPlainObject(current) || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}

/** Laravel `required`: present, not null, not a blank string, not an empty array or object. */
function filled(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.trim() !== '';
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

function holds(cond: Condition, payload: Record<string, unknown>): boolean {
  const v = valueAt(payload, cond.field);
  if ('equals' in cond) return v === cond.equals;
  return Array.isArray(v) && v.includes(cond.contains);
}

/** A real calendar date in YYYY-MM-DD (PHP's date_format rejects 2023-02-30). */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

export function isUrl(s: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^\s/?#]+/i.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

function typeOk(type: SorField['type'], v: unknown): boolean {
  switch (type) {
    case 'array<string>':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'object':
      return isPlainObject(v);
    default:
      return typeof v === 'string';
  }
}

/** Every violation of `rules` by one statement payload, in field order. Empty means accepted. */
export function validatePayload(payload: unknown, rules: SorRules): Violation[] {
  if (!isPlainObject(payload)) {
    return [{ field: '', rule: 'object', message: 'The statement must be a JSON object.' }];
  }
  const out: Violation[] = [];
  const excluded = new Set<string>();
  const requiredIf = new Map<string, Condition>();
  for (const c of rules.conditionals) {
    if ('rule' in c) {
      if (!c.fields.some((f) => filled(valueAt(payload, f)))) {
        for (const f of c.fields) {
          out.push({
            field: f,
            rule: 'at_least_one_of',
            message: `At least one of ${c.fields.join(', ')} must be given.`,
          });
        }
      }
      continue;
    }
    if (holds(c.if, payload)) {
      for (const f of c.then_excluded ?? []) excluded.add(f);
      for (const f of c.then_required ?? []) requiredIf.set(f, c.if);
    } else {
      for (const f of c.otherwise_excluded ?? []) excluded.add(f);
    }
  }
  for (const field of rules.fields) {
    const name = field.name;
    const parent = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : undefined;
    if (excluded.has(name) || (parent !== undefined && excluded.has(parent))) continue;
    const v = valueAt(payload, name);
    const push = (rule: Violation['rule'], message: string) =>
      out.push({ field: name, rule, message: `${name}: ${message}` });
    if (field.required && !filled(v)) {
      push('required', 'is required.');
      continue;
    }
    const cond = requiredIf.get(name);
    if (cond && !filled(v)) {
      const how = 'equals' in cond ? `is ${cond.equals}` : `contains ${cond.contains}`;
      push('required_if', `is required when ${cond.field} ${how}.`);
      continue;
    }
    if (v === undefined) continue;
    if (v === null) {
      if (!field.nullable) push('nullable', 'must not be null; leave the field out instead.');
      continue;
    }
    if (!typeOk(field.type, v)) {
      push(
        'type',
        `must be ${field.type === 'array<string>' ? 'an array of strings' : field.type === 'object' ? 'an object' : 'a string'}.`,
      );
      continue;
    }
    if (field.enum !== undefined) {
      const allowed = new Set(rules.enums[field.enum]);
      if (rules.nullString.has(name)) allowed.add('null');
      const bad = (Array.isArray(v) ? v : [v]).filter((x) => !allowed.has(x as string));
      if (bad.length > 0)
        push(
          'enum',
          `${bad.map((b) => JSON.stringify(b)).join(', ')} is not an accepted ${field.enum} value.`,
        );
    }
    const size = Array.isArray(v) ? v.length : typeof v === 'string' ? [...v].length : 0;
    if (field.max_length !== undefined && size > field.max_length) {
      push(
        'max_length',
        `is ${size} ${Array.isArray(v) ? 'elements' : 'characters'} long; the maximum is ${field.max_length}.`,
      );
    }
    const pattern = rules.patterns.get(name);
    if (pattern && typeof v === 'string' && !pattern.test(v)) {
      push('pattern', `does not match ${field.pattern}.`);
    }
    if (field.format === 'url' && typeof v === 'string' && !isUrl(v)) {
      push('format', 'must be a valid URL.');
    }
    if (field.format === 'date_format:Y-m-d' && typeof v === 'string') {
      if (!isCalendarDate(v)) {
        push('format', `must be a date in the format YYYY-MM-DD, not ${JSON.stringify(v)}.`);
        continue;
      }
      if (field.min_date !== undefined && v < field.min_date) {
        push('min_date', `must be on or after ${field.min_date}.`);
      }
      if (field.max_date !== undefined && v > field.max_date) {
        push('max_date', `must be on or before ${field.max_date}.`);
      }
    }
  }
  return out;
}

/** Violations of a `POST /api/v1/statements` body: count bounds, distinct puids, each statement. */
export function validateBatch(statements: unknown, rules: SorRules): Violation[] {
  if (!Array.isArray(statements)) {
    return [{ field: 'statements', rule: 'type', message: 'statements must be an array.' }];
  }
  const out: Violation[] = [];
  const bounds = rules.batch;
  if (bounds && (statements.length < bounds.min || statements.length > bounds.max)) {
    out.push({
      field: 'statements',
      rule: 'between',
      message: `statements holds ${statements.length}; send between ${bounds.min} and ${bounds.max} per request.`,
    });
  }
  const seen = new Set<unknown>();
  statements.forEach((s, i) => {
    for (const v of validatePayload(s, rules)) {
      out.push({ ...v, field: `statements[${i}]${v.field ? `.${v.field}` : ''}` });
    }
    const puid = isPlainObject(s) ? s.puid : undefined;
    if (puid !== undefined) {
      if (seen.has(puid)) {
        out.push({
          field: `statements[${i}].puid`,
          rule: 'distinct',
          message: `puid ${String(puid)} repeats within the request.`,
        });
      }
      seen.add(puid);
    }
  });
  return out;
}
