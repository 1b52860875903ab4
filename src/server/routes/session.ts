/**
 * Signing in and out with a password, and who the caller is. A session is a random token in an
 * HttpOnly, SameSite=Strict cookie (Secure per config), stored by its SHA-256.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VigilError } from '../../shared/errors.js';
import {
  generateSessionToken,
  MAX_PASSWORD_LENGTH,
  SESSION_COOKIE,
  sessionSha256,
  verifyPassword,
} from '../auth.js';
import { PERMISSION_NAMES, permissionsOf } from '../permissions.js';
import { type Deps, route } from '../route.js';
import { Time } from '../schema.js';
import { AccountShape } from '../shapes.js';

/** Sign-in attempts per address per rate-limit window, whatever the service's general limit. */
export const SIGN_IN_LIMIT = 30;

export const Email = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());

const SignIn = z.strictObject({
  email: Email,
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

const SessionShape = z.object({ account: AccountShape, expiresAt: Time });

const MeShape = z.object({
  account: AccountShape,
  via: z.enum(['session', 'apikey']),
  apiKey: z.object({ id: z.string(), name: z.string(), prefix: z.string() }).optional(),
  permissions: z.array(z.enum(PERMISSION_NAMES as [string, ...string[]])),
});

export function sessionRoutes(app: FastifyInstance, deps: Deps): void {
  const { store, config } = deps;
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.secureCookies,
    path: '/',
  } as const;

  route(app, deps, {
    method: 'POST',
    url: '/v1/session',
    access: 'public',
    tags: ['session'],
    summary: 'Sign in',
    description: `Checks the email address and password and sets the \`${SESSION_COOKIE}\` cookie.`,
    body: SignIn,
    responses: { 200: SessionShape },
    rateLimit: {
      max: Math.min(SIGN_IN_LIMIT, config.rateLimitMax),
      timeWindow: config.rateLimitWindowMs,
    },
    handler: async ({ body, reply, now, request }) => {
      const found = await store.accounts.findByEmail(body.email);
      // Always hash, so that the time taken does not tell whether the address has an account.
      const matches = await verifyPassword(body.password, found?.passwordHash);
      if (found === undefined || !matches || found.account.disabledAt !== undefined) {
        throw new VigilError('SIGN_IN_FAILED', 'The email address or the password is wrong.');
      }
      const account = found.account;
      const { token, sha256 } = generateSessionToken();
      const expiresAt = new Date(Date.parse(now) + config.sessionTtlSeconds * 1000).toISOString();
      await store.transaction(async (trx) => {
        await store.accounts.createSession({ accountId: account.id, sha256, expiresAt }, now, trx);
        await store.audit.record(
          {
            at: now,
            actor: `account:${account.id}`,
            action: 'session.create',
            target: `account:${account.id}`,
            requestId: request.id,
          },
          trx,
        );
      });
      reply.setCookie(SESSION_COOKIE, token, {
        ...cookieOptions,
        maxAge: config.sessionTtlSeconds,
      });
      return { account, expiresAt };
    },
  });

  route(app, deps, {
    method: 'DELETE',
    url: '/v1/session',
    access: 'public',
    tags: ['session'],
    summary: 'Sign out',
    description: 'Ends the session named by the cookie, if any, and clears the cookie.',
    responses: { 204: null },
    handler: async ({ request, reply, now }) => {
      const sha256 = sessionSha256(request.cookies[SESSION_COOKIE]);
      if (sha256 !== undefined) {
        const session = await store.accounts.findSession(sha256, now);
        await store.transaction(async (trx) => {
          await store.accounts.deleteSession(sha256, trx);
          if (session !== undefined) {
            await store.audit.record(
              {
                at: now,
                actor: `account:${session.account.id}`,
                action: 'session.delete',
                target: `account:${session.account.id}`,
                requestId: request.id,
              },
              trx,
            );
          }
        });
      }
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.code(204).send();
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/me',
    access: 'authenticated',
    tags: ['session'],
    summary: 'Who am I',
    description: 'The account behind the credentials, how it signed in and what it may do.',
    responses: { 200: MeShape },
    handler: async ({ principal }) => ({
      account: principal.account,
      via: principal.via,
      ...(principal.apiKey !== undefined && {
        apiKey: {
          id: principal.apiKey.id,
          name: principal.apiKey.name,
          prefix: principal.apiKey.prefix,
        },
      }),
      permissions: permissionsOf(principal.account.roles),
    }),
  });
}
