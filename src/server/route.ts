/**
 * How a route is declared: method, path, the access it needs, zod schemas for every request
 * part and response, and a handler that receives the validated, typed parts. `route()` converts
 * the schemas, documents the access in the OpenAPI document and registers the route. app.ts
 * refuses any route (ours or a plugin's) that does not declare its access.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { LawData } from '../law/schema.js';
import { VigilError } from '../shared/errors.js';
import type { AuditRecord, ServiceStore } from '../store/repositories.js';
import type { Credentials, Principal } from './auth.js';
import type { ServiceConfig } from './config.js';
import { type Access, PERMISSIONS } from './permissions.js';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from './problems.js';
import { requestSchema, responseSchema } from './schema.js';

/** A route as registered, for the route-walking tests and the documentation. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
  /** Left out of the OpenAPI document (the documentation viewer's own files). */
  readonly hidden: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs; see permissions.ts. */
    access?: Access;
  }
  interface FastifyRequest {
    /** The request's credentials, read in onRequest for routes that are not public. */
    credentials: Credentials | null;
  }
  interface FastifyInstance {
    /** Every route registered, with its access. */
    readonly routeTable: readonly RouteEntry[];
  }
}

/** What handlers are given: the store, the frozen configuration and the clock. */
export interface Deps {
  readonly store: ServiceStore;
  readonly config: ServiceConfig;
  readonly clock: () => Date;
  /** The legal knowledge base, when the composition root loaded it. */
  readonly law?: LawData;
}

export interface RouteContext<B, Q, P> {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  /** The caller. Only routes that are not public have one; others throw AUTH_REQUIRED. */
  readonly principal: Principal;
  /** The caller, if any. */
  readonly maybePrincipal: Principal | undefined;
  /** The request's time, from the injected clock, as an ISO 8601 string. */
  readonly now: string;
  /**
   * An audit record of this request's caller, ready to pass to `store.audit.record` (routes
   * without a caller, the public ones, write their own).
   */
  audit(
    action: string,
    target?: string,
    details?: Record<string, unknown>,
  ): Omit<AuditRecord, 'id'>;
}

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

export interface RouteSpec<
  B extends Schema | undefined,
  Q extends Schema | undefined,
  P extends Schema | undefined,
> {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly access: Access;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly body?: B;
  readonly querystring?: Q;
  readonly params?: P;
  /**
   * Response body schemas by status: JSON by default, or of another content type (`text`
   * responses are sent as they are); `null` for a response without a body (204).
   */
  readonly responses: Readonly<
    Record<number, Schema | null | { readonly contentType: string; readonly schema: Schema }>
  >;
  /** A stricter rate limit than the service's (e.g. for signing in). */
  readonly rateLimit?: { readonly max: number; readonly timeWindow: number };
  readonly handler: (context: RouteContext<Out<B>, Out<Q>, Out<P>>) => Promise<unknown>;
}

function accessText(access: Access): string {
  if (access === 'public') return 'Public: no credentials needed.';
  if (access === 'authenticated') return 'Needs credentials (an API key or a session), any role.';
  return `Needs the permission \`${access}\` (roles: ${PERMISSIONS[access].join(', ')}).`;
}

export function route<
  B extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
>(app: FastifyInstance, deps: Deps, spec: RouteSpec<B, Q, P>): void {
  const response: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(spec.responses)) {
    const description = STATUS_CODES[status] ?? status;
    if (schema === null) response[status] = { type: 'null', description };
    else if ('contentType' in schema) {
      response[status] = {
        description,
        content: { [schema.contentType]: { schema: responseSchema(schema.schema) } },
      };
    } else response[status] = { ...responseSchema(schema), description };
  }
  const problem = (description: string) => ({
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: responseSchema(ProblemSchema) } },
  });
  response['4xx'] = problem('A client error, as an RFC 9457 problem (docs/errors.md).');
  response['5xx'] = problem('A server error, as an RFC 9457 problem, without internals.');

  app.route({
    method: spec.method,
    url: spec.url,
    config: {
      access: spec.access,
      ...(spec.rateLimit !== undefined && { rateLimit: { ...spec.rateLimit } }),
    },
    schema: {
      summary: spec.summary,
      description: [spec.description, accessText(spec.access)].filter(Boolean).join('\n\n'),
      tags: [...spec.tags],
      security: spec.access === 'public' ? [] : [{ apiKey: [] }, { session: [] }],
      ...(spec.body !== undefined && { body: requestSchema(spec.body) }),
      ...(spec.querystring !== undefined && { querystring: requestSchema(spec.querystring) }),
      ...(spec.params !== undefined && { params: requestSchema(spec.params) }),
      response,
    },
    handler: async (request, reply) => {
      const credentials = request.credentials;
      const maybePrincipal = credentials?.kind === 'valid' ? credentials.principal : undefined;
      const now = deps.clock().toISOString();
      const context: RouteContext<Out<B>, Out<Q>, Out<P>> = {
        body: request.body as Out<B>,
        query: request.query as Out<Q>,
        params: request.params as Out<P>,
        request,
        reply,
        get principal(): Principal {
          if (maybePrincipal === undefined) {
            throw new VigilError('AUTH_REQUIRED', 'Sign in or send an API key.');
          }
          return maybePrincipal;
        },
        maybePrincipal,
        now,
        audit: (action, target, details) => ({
          at: now,
          actor: context.principal.actor,
          action,
          ...(target !== undefined && { target }),
          requestId: request.id,
          ...(details !== undefined && { details }),
        }),
      };
      return spec.handler(context);
    },
  });
}
