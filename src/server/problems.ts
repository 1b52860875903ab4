/**
 * Errors as RFC 9457 problem details (`application/problem+json`). One catalogue maps every
 * VigilError code to its HTTP status (the `satisfies` below makes a new code without a status a
 * type error; a test checks the same at run time). Anything that is not a VigilError becomes a
 * 500 `INTERNAL_ERROR` with a generic detail: its message may hold SQL, paths or secrets, so it
 * goes to the log only, under the request id the problem carries.
 */
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { type ErrorCode, isVigilError, VigilError } from '../shared/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** HTTP status of each error code. Codes the API never raises itself answer 500 or 400. */
export const HTTP_STATUS = {
  // Input reading: the CLI's; an API client never sends files.
  INPUT_NOT_FOUND: 400,
  INPUT_UNREADABLE: 400,
  INPUT_FORMAT_UNKNOWN: 400,
  INPUT_CSV_MAPPING: 400,
  INPUT_CSV_RECORD_TOO_LONG: 400,
  INPUT_MALFORMED_RECORD: 400,
  INPUT_STRICT_ABORT: 400,
  // Rules and scoring: configuration of the service, not the client's fault.
  RULES_INVALID: 500,
  LAW_DATA_INVALID: 500,
  RULES_UNSAFE_REGEX: 500,
  RULES_DUPLICATE_ID: 500,
  RULE_EXAMPLE_FAILED: 500,
  WEIGHTS_INVALID: 500,
  CALIBRATE_NOT_ENOUGH_LABELS: 400,
  CORPUS_OPTIONS_INVALID: 400,
  CLI_USAGE: 400,
  OUTPUT_UNWRITABLE: 500,
  WORKER_FAILED: 500,
  TEMPLATE_INDEX_INVALID: 500,
  LINK_OPTIONS_INVALID: 400,
  LINK_RESULTS_INVALID: 500,
  // Ledger: bad input from the client, or a verification that failed.
  CANONICAL_JSON_INVALID: 400,
  CUSTODY_EVENT_INVALID: 400,
  PROOF_MALFORMED: 400,
  INCLUSION_PROOF_FAILED: 422,
  CONSISTENCY_PROOF_FAILED: 422,
  KEY_INVALID: 400,
  NOTE_MALFORMED: 400,
  NOTE_SIGNATURE_INVALID: 422,
  NOTE_NOT_VERIFIED: 422,
  CHECKPOINT_MALFORMED: 400,
  CHECKPOINT_ORIGIN_MISMATCH: 422,
  BUNDLE_UNREADABLE: 400,
  BUNDLE_FILE_MISSING: 422,
  BUNDLE_FILE_UNEXPECTED: 422,
  BUNDLE_FILE_MODIFIED: 422,
  BUNDLE_MANIFEST_INVALID: 422,
  BUNDLE_CUSTODY_MISMATCH: 422,
  BUNDLE_KEY_UNTRUSTED: 422,
  // Sharing: the agreement forbids (403); a bad agreement or a bad import (400).
  SHARE_DENIED: 403,
  SHARE_AGREEMENT_INVALID: 400,
  STIX_INVALID: 400,
  MISP_INVALID: 400,
  // Private set intersection refused (probing guards) and packages that fail to open.
  PSI_REFUSED: 422,
  PACKAGE_INVALID: 422,
  PACKAGE_SIGNATURE_INVALID: 422,
  PACKAGE_NOT_FOR_US: 422,
  REQUEST_SIGNATURE_INVALID: 401,
  PARTNER_NOT_CONFIRMED: 409,
  ORG_KEYS_MISSING: 409,
  // Storage
  STORE_UNAVAILABLE: 503,
  LEDGER_CORRUPT: 500,
  LEDGER_KEY_MISSING: 500,
  EVIDENCE_NOT_FOUND: 404,
  EVIDENCE_UNREADABLE: 500,
  VICTIM_DATA_UNREADABLE: 500,
  VICTIM_DATA_DESTROYED: 410,
  // HTTP API
  CONFIG_INVALID: 500,
  REQUEST_INVALID: 400,
  CURSOR_INVALID: 400,
  AUTH_REQUIRED: 401,
  SIGN_IN_FAILED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  HOLD_ACTIVE: 409,
  DELIVERY_FAILED: 502,
  PAYLOAD_TOO_LARGE: 413,
  MEDIA_TYPE_UNSUPPORTED: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
} as const satisfies Record<ErrorCode, number>;

export const statusOf = (code: ErrorCode): number => HTTP_STATUS[code];

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ErrorCode;
  readonly instance?: string;
  readonly requestId: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

const CODE_VALUES = Object.keys(HTTP_STATUS) as [ErrorCode, ...ErrorCode[]];

export const ProblemSchema = z
  .object({
    type: z.string().describe('A link to the documentation of the code: /docs/errors#code.'),
    title: z.string().describe('The HTTP status text.'),
    status: z.int(),
    detail: z.string().describe('What went wrong and what to do, without internals.'),
    code: z.enum(CODE_VALUES),
    instance: z.string().optional().describe('The request path.'),
    requestId: z.string().describe('Quote it to find the request in the service log.'),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Structured facts about the failure, such as the invalid field.'),
  })
  .meta({ description: 'An RFC 9457 problem.' });

const GENERIC_DETAIL =
  'The service met an unexpected error. Report the request id if it happens again.';

/** Where the documentation of a code lives: docs/errors.md, anchor = lower-case code. */
export const problemType = (code: ErrorCode): string => `/docs/errors#${code.toLowerCase()}`;

/** A problem for this error; `internal` is true when the error must be logged in full. */
export function toProblem(
  error: unknown,
  context: { readonly requestId: string; readonly instance?: string },
): { problem: Problem; internal: boolean } {
  const known = toVigilError(error);
  const code = known?.code ?? 'INTERNAL_ERROR';
  const status = statusOf(code);
  const details = known?.details;
  const problem: Problem = {
    type: problemType(code),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: known?.message ?? GENERIC_DETAIL,
    code,
    ...(context.instance !== undefined && { instance: context.instance }),
    requestId: context.requestId,
    ...(details !== undefined && Object.keys(details).length > 0 && { details }),
  };
  return { problem, internal: known === undefined || status >= 500 };
}

/** Fastify's own errors that have a meaning for the client, as VigilErrors. */
const FASTIFY_ERRORS: Readonly<Record<string, () => VigilError>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () =>
    new VigilError('PAYLOAD_TOO_LARGE', 'The request body is larger than the service accepts.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new VigilError('MEDIA_TYPE_UNSUPPORTED', 'Send the body as Content-Type: application/json.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new VigilError('REQUEST_INVALID', 'The body is empty; send a JSON object.'),
  FST_ERR_CTP_INVALID_JSON_BODY: () =>
    new VigilError('REQUEST_INVALID', 'The body is not valid JSON.'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new VigilError('REQUEST_INVALID', 'The Content-Length does not match the body.'),
  FST_ERR_CTP_INVALID_TYPE: () =>
    new VigilError('REQUEST_INVALID', 'The Content-Type header is malformed.'),
  FST_ERR_NOT_FOUND: () => new VigilError('NOT_FOUND', 'No such route.'),
};

/**
 * The VigilError an error stands for, or undefined for an unexpected one. Fastify's client
 * errors (4xx with an FST_ code, the JSON parser's SyntaxError) become VigilErrors with our own
 * words, never their messages, which can quote the body.
 */
function toVigilError(error: unknown): VigilError | undefined {
  if (isVigilError(error)) return error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'string' && FASTIFY_ERRORS[code] !== undefined) {
    return FASTIFY_ERRORS[code]();
  }
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  if (error instanceof SyntaxError) {
    return new VigilError('REQUEST_INVALID', 'The body is not valid JSON.');
  }
  if (statusCode === 404) return new VigilError('NOT_FOUND', 'No such route.');
  if (statusCode === 413) return FASTIFY_ERRORS.FST_ERR_CTP_BODY_TOO_LARGE?.();
  if (statusCode === 415) return FASTIFY_ERRORS.FST_ERR_CTP_INVALID_MEDIA_TYPE?.();
  if (statusCode === 429) {
    return new VigilError('RATE_LIMITED', 'Too many requests; retry after the given delay.');
  }
  return new VigilError('REQUEST_INVALID', 'The request is malformed.');
}
