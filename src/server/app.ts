/**
 * The HTTP API: builds the Fastify application from a store, a frozen configuration and a clock.
 * It does not listen; the composition root (the CLI) does, and tests use `app.inject()`.
 *
 * A request goes through, in order:
 *   onRequest   request id, security headers; credentials read (routes that are not public)
 *   onRequest   rate limit, keyed by API key, account (session) or client address
 *   preParsing  authorization: 401 without valid credentials, 403 without the permission
 *   parsing     JSON only, up to the body limit (413)
 *   validation  zod schemas of body, query and params (400 REQUEST_INVALID naming the field)
 *   handler
 * and every error becomes an RFC 9457 problem (problems.ts).
 */
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { LawData } from '../law/schema.js';
import { VigilError } from '../shared/errors.js';
import type { ServiceStore } from '../store/repositories.js';
import { authenticate, SESSION_COOKIE } from './auth.js';
import type { ServiceConfig } from './config.js';
import { can, isAccess } from './permissions.js';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problems.js';
import type { Deps, RouteEntry } from './route.js';
import { accountRoutes, apiKeyRoutes } from './routes/accounts.js';
import { bankRoutes } from './routes/banks.js';
import { caseRoutes } from './routes/cases.js';
import { evidenceRoutes } from './routes/evidence.js';
import { healthRoutes } from './routes/health.js';
import { itemRoutes } from './routes/items.js';
import { lawRoutes } from './routes/law.js';
import { personRoutes } from './routes/persons.js';
import { auditRoutes, jobRoutes, linkRoutes } from './routes/read.js';
import { sessionRoutes } from './routes/session.js';
import { shareRoutes } from './routes/share.js';
import { sharePsiRoutes } from './routes/share-psi.js';
import { workflowRoutes } from './routes/workflow.js';
import { zodValidatorCompiler } from './schema.js';

export interface BuildServerOptions {
  readonly store: ServiceStore;
  readonly config: ServiceConfig;
  /** The wall clock; tests pass a fixed one. */
  readonly clock?: () => Date;
  /**
   * Structured (pino) logs at `config.logLevel`: true for standard output, false for none, or a
   * stream to write the JSON lines to. Authorization and Cookie headers are redacted.
   */
  readonly logger?: boolean | { readonly stream: { write(line: string): unknown } };
  /** The version shown in the OpenAPI document. */
  readonly version?: string;
  /**
   * The built web console (dist/web), served at /console/ with `/` redirecting there. Absent:
   * no console (the API alone, as in most tests).
   */
  readonly consoleDir?: string;
  /** The legal knowledge base (src/cli/law-files.ts readLawData); /v1/law/* need it. */
  readonly law?: LawData;
}

/** A request id a client may choose: short, and safe to put in logs and headers. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Marks a plugin scope whose routes are all public (the documentation viewer's files). */
const PUBLIC_SCOPE = Symbol('vigil.publicScope');

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** The documentation viewer loads its own scripts and styles (shipped with the package). */
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The console's own scripts, styles and images only; it talks to this origin alone. Images of
 * items are never loaded from their sources (no img-src beyond self, data: and blob:).
 */
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

const clip = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

const pathOf = (request: FastifyRequest): string => clip(request.url.split('?')[0] ?? '/', 512);

export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const { store, config } = options;
  const clock = options.clock ?? (() => new Date());
  const deps: Deps = {
    store,
    config,
    clock,
    ...(options.law !== undefined && { law: options.law }),
  };

  const logger =
    options.logger === false || options.logger === undefined
      ? false
      : {
          level: config.logLevel,
          redact: { paths: REDACT, censor: '[redacted]' },
          ...(typeof options.logger === 'object' && { stream: options.logger.stream }),
        };

  const app = Fastify({
    logger,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    exposeHeadRoutes: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 600 },
  });

  app.setValidatorCompiler(zodValidatorCompiler);
  // JSON only: a text/plain body is what a cross-site form could send.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('credentials', null);

  // Every route declares its access; a route without one is refused at start-up.
  const routes: RouteEntry[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', function guard(routeOptions) {
    const scopeIsPublic = (this as unknown as Record<symbol, unknown>)[PUBLIC_SCOPE] === true;
    if (routeOptions.config?.access === undefined && scopeIsPublic) {
      routeOptions.config = { ...routeOptions.config, access: 'public' };
    }
    const access = routeOptions.config?.access;
    const methods = [routeOptions.method].flat().map(String);
    if (!isAccess(access)) {
      throw new Error(
        `Route ${methods.join(',')} ${routeOptions.url} declares no access: set config.access ` +
          "to a permission of permissions.ts, 'authenticated' or 'public'.",
      );
    }
    const hidden = (routeOptions.schema as { hide?: boolean } | undefined)?.hide === true;
    for (const method of methods) routes.push({ method, url: routeOptions.url, access, hidden });
  });

  await app.register(cookie);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const docs = request.routeOptions.url?.startsWith('/docs') === true;
    const consolePage = request.routeOptions.url?.startsWith('/console') === true;
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('content-security-policy', docs ? DOCS_CSP : consolePage ? CONSOLE_CSP : API_CSP);
    if (!docs && !consolePage) reply.header('cache-control', 'no-store');
    if (config.secureCookies) {
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    }
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    request.credentials = await authenticate(
      request.headers,
      request.cookies[SESSION_COOKIE],
      store,
      clock(),
    );
  });

  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitMax,
    timeWindow: config.rateLimitWindowMs,
    keyGenerator: (request) => {
      const credentials = request.credentials;
      if (credentials?.kind === 'valid') {
        const { principal } = credentials;
        return principal.apiKey !== undefined
          ? `apikey:${principal.apiKey.id}`
          : `account:${principal.account.id}`;
      }
      return `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) =>
      new VigilError('RATE_LIMITED', `Too many requests; retry in ${context.after}.`, {
        details: { limit: context.max, retryAfterSeconds: Math.ceil(context.ttl / 1000) },
      }),
  });

  app.addHook('preParsing', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    const credentials = request.credentials;
    if (credentials === null || credentials.kind === 'none') {
      throw new VigilError(
        'AUTH_REQUIRED',
        'This request needs credentials: send Authorization: Bearer vgl_… or sign in with POST /v1/session.',
      );
    }
    if (credentials.kind === 'invalid') {
      throw new VigilError(
        'AUTH_REQUIRED',
        'The API key or session is not valid: unknown, revoked or expired, or its account is disabled.',
      );
    }
    if (access === 'authenticated') return;
    if (!can(credentials.principal.account.roles, access)) {
      throw new VigilError(
        'FORBIDDEN',
        `This request needs the permission ${access}, which your roles do not grant.`,
        { details: { permission: access } },
      );
    }
  });

  app.setErrorHandler((error, request, reply) => {
    const { problem, internal } = toProblem(error, {
      requestId: request.id,
      instance: pathOf(request),
    });
    if (internal) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: problem.code, status: problem.status }, 'request refused');
    if (problem.code === 'AUTH_REQUIRED') {
      reply.header('www-authenticate', 'Bearer realm="vigil"');
    }
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });

  app.setNotFoundHandler({ preHandler: app.rateLimit() }, async (request) => {
    throw new VigilError('NOT_FOUND', `No route answers ${request.method} ${pathOf(request)}.`);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil API',
        version: options.version ?? '0.1.0',
        description:
          'Ingest online content, read what analysis found (items, identifiers, templates, ' +
          'networks), and manage accounts and API keys. Errors are RFC 9457 problems; see ' +
          'docs/api.md and docs/errors.md.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key: Authorization: Bearer vgl_…',
          },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
    },
  });

  await app.register(async (scope) => {
    (scope as unknown as Record<symbol, unknown>)[PUBLIC_SCOPE] = true;
    await scope.register(swaggerUi, {
      routePrefix: '/docs',
      // No call to the public validator service: the viewer works offline.
      uiConfig: { validatorUrl: null },
    });
  });

  if (options.consoleDir !== undefined) {
    const root = options.consoleDir;
    await app.register(async (scope) => {
      (scope as unknown as Record<symbol, unknown>)[PUBLIC_SCOPE] = true;
      await scope.register(fastifyStatic, {
        root,
        prefix: '/console/',
        schemaHide: true,
        cacheControl: false,
        // Bundled files carry a content hash in their names; index.html must always be fresh.
        setHeaders: (res, path) => {
          res.setHeader(
            'cache-control',
            path.endsWith('.html') ? 'no-store' : 'public, max-age=31536000, immutable',
          );
        },
      });
      scope.get('/', { schema: { hide: true } }, async (_request, reply) =>
        reply.redirect('/console/'),
      );
    });
  }

  healthRoutes(app, deps);
  sessionRoutes(app, deps);
  itemRoutes(app, deps);
  linkRoutes(app, deps);
  jobRoutes(app, deps);
  accountRoutes(app, deps);
  apiKeyRoutes(app, deps);
  auditRoutes(app, deps);
  workflowRoutes(app, deps);
  caseRoutes(app, deps);
  personRoutes(app, deps);
  evidenceRoutes(app, deps);
  lawRoutes(app, deps, options.law);
  bankRoutes(app, deps);
  sharePsiRoutes(app, deps);
  shareRoutes(app, deps);

  return app;
}
