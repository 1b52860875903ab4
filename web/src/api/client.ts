/**
 * The console's one way to the API: a client typed by the server's own OpenAPI document
 * (schema.d.ts, generated; see scripts/openapi-types.mjs), on this origin, with the session
 * cookie. Every failure becomes an ApiError carrying the RFC 9457 problem the server sent.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths };

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly details?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail);
    this.problem = problem;
  }
}

function toProblem(error: unknown, response: Response): Problem {
  const body = (error ?? {}) as Partial<Problem>;
  return {
    status: response.status,
    code: typeof body.code === 'string' ? body.code : 'INTERNAL_ERROR',
    title: typeof body.title === 'string' ? body.title : response.statusText,
    detail:
      typeof body.detail === 'string'
        ? body.detail
        : `The server answered ${response.status} ${response.statusText}.`,
    ...(body.details !== undefined && { details: body.details }),
  };
}

/**
 * The data of an openapi-fetch result, or an ApiError. Use as
 * `must(await api.GET('/v1/queue', { params: { query: { limit: 50 } } }))`.
 */
export function must<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok) throw new ApiError(toProblem(result.error, result.response));
  return result.data as T;
}

/** A network failure or a refusal, as one readable sentence. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail;
  if (error instanceof TypeError)
    return 'The server cannot be reached. Check the connection and try again.';
  return 'Something went wrong. Try again.';
}
