/**
 * Route schemas are written once, in zod 4. Each is converted with `z.toJSONSchema` for Fastify
 * (response serialization) and @fastify/swagger (the OpenAPI document), and the request parts
 * are validated by the zod schema itself: the validator compiler finds it from the JSON schema
 * it was made from. So the documented schema, the validation and the handler's types cannot
 * drift apart, and the body is never type-coerced (Ajv's default would turn 1 into "1").
 */
import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { VigilError } from '../shared/errors.js';

export type JsonSchema = Record<string, unknown>;

const ZOD_OF = new WeakMap<object, z.ZodType>();

function convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io,
    target: 'draft-7',
    unrepresentable: 'any',
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The JSON schema of a request part (body, querystring, params), validated by `schema`. */
export function requestSchema(schema: z.ZodType): JsonSchema {
  const json = convert(schema, 'input');
  ZOD_OF.set(json, schema);
  return json;
}

/** The JSON schema of a response body, for serialization and documentation. */
export const responseSchema = (schema: z.ZodType): JsonSchema => convert(schema, 'output');

const MAX_ISSUES = 10;
const MAX_MESSAGE = 200;

/** `["items", 3, "title"]` → `items[3].title`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

const clip = (text: string): string =>
  text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;

/** A REQUEST_INVALID error naming the first invalid field (and listing a few more). */
export function requestInvalid(part: string, error: z.ZodError): VigilError {
  const issues = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path =
      issue.code === 'unrecognized_keys'
        ? [...issue.path, String(issue.keys[0] ?? '')]
        : [...issue.path];
    const field = clip(fieldPath(path));
    const message =
      issue.code === 'unrecognized_keys' ? 'is not a known field' : clip(issue.message);
    return { field, message };
  });
  const first = issues[0];
  const where = first?.field ? `${part} field "${first.field}"` : part;
  return new VigilError('REQUEST_INVALID', `Invalid ${where}: ${first?.message ?? 'invalid'}.`, {
    details: { location: part, ...(first?.field && { field: first.field }), issues },
  });
}

/** Fastify validator compiler: validates with the zod schema behind a route's JSON schema. */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart, url }) => {
  const zodSchema = typeof schema === 'object' && schema !== null ? ZOD_OF.get(schema) : undefined;
  if (zodSchema === undefined) {
    throw new Error(`${url}: the ${httpPart} schema was not made by requestSchema()`);
  }
  const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'request');
  return (data: unknown) => {
    const result = zodSchema.safeParse(data);
    return result.success ? { value: result.data } : { error: requestInvalid(part, result.error) };
  };
};

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** A bounded string without control characters. */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

/** An id of ours or a source's: 1 to 256 characters, no control characters. */
export const Id = text(256).min(1);

export const Time = z.string().describe('ISO 8601 UTC time, e.g. 2026-11-28T13:03:23.000Z');

export const PageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(50)
    .describe('Results per page, 1 to 500.'),
  cursor: z
    .string()
    .min(1)
    .max(2048)
    .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor')
    .optional()
    .describe('The `next` of the previous page.'),
};

/** A page of results in a response. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    next: z.string().optional().describe('Cursor of the next page; absent on the last page.'),
  });

export const IdParams = z.strictObject({ id: Id });
