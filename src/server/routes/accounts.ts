/**
 * Accounts (admins only) and API keys (everyone's own; admins anyone's). Every change is written
 * to the audit log in the transaction that makes it. An API key is shown once, when it is made.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VigilError } from '../../shared/errors.js';
import { type Account, ROLES, type Role } from '../../store/repositories.js';
import {
  generateApiKey,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  type Principal,
} from '../auth.js';
import { can } from '../permissions.js';
import { type Deps, route } from '../route.js';
import { Id, IdParams, PageQuery, pageOf, text } from '../schema.js';
import { AccountShape, ApiKeyShape } from '../shapes.js';
import { Email } from './session.js';

const Roles = z
  .array(z.enum(ROLES))
  .max(ROLES.length)
  .refine((roles) => new Set(roles).size === roles.length, 'must not repeat a role')
  .describe(`Any of: ${ROLES.join(', ')}.`);

const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH)
  .max(MAX_PASSWORD_LENGTH)
  .describe(`${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`);

const NewAccount = z
  .strictObject({
    name: text(200).min(1),
    email: Email.optional().describe('Sign-in address; none for a service account (keys only).'),
    roles: Roles,
    password: Password.optional(),
  })
  .refine((account) => account.password === undefined || account.email !== undefined, {
    message: 'a password needs an email address to sign in with',
    path: ['password'],
  });

const AccountChange = z
  .strictObject({
    roles: Roles.optional(),
    disabled: z
      .literal(true)
      .optional()
      .describe('true disables the account: its sessions and keys stop working at once.'),
    password: Password.optional(),
  })
  .refine((change) => Object.values(change).some((value) => value !== undefined), {
    message: 'give roles, disabled or password',
  });

const sameRoles = (a: readonly Role[], b: readonly Role[]): boolean =>
  a.length === b.length && a.every((role) => b.includes(role));

export function accountRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  route(app, deps, {
    method: 'GET',
    url: '/v1/accounts',
    access: 'accounts:manage',
    tags: ['accounts'],
    summary: 'List accounts',
    querystring: z.strictObject({ ...PageQuery }),
    responses: { 200: pageOf(AccountShape) },
    handler: async ({ query }) =>
      store.accounts.listAccounts({
        limit: query.limit,
        ...(query.cursor !== undefined && { cursor: query.cursor }),
      }),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/accounts',
    access: 'accounts:manage',
    tags: ['accounts'],
    summary: 'Create an account',
    description:
      'A person (email and password, to sign in) or a service account (no email: it uses API ' +
      'keys that an admin makes for it).',
    body: NewAccount,
    responses: { 201: AccountShape },
    handler: async ({ body, reply, now, audit }) => {
      if (body.email !== undefined && (await store.accounts.findByEmail(body.email))) {
        throw new VigilError('CONFLICT', 'An account with this email address exists already.');
      }
      const passwordHash =
        body.password === undefined ? undefined : await hashPassword(body.password);
      const account = await store.transaction(async (trx) => {
        const created = await store.accounts.createAccount(
          {
            name: body.name,
            roles: body.roles,
            ...(body.email !== undefined && { email: body.email }),
            ...(passwordHash !== undefined && { passwordHash }),
          },
          now,
          trx,
        );
        await store.audit.record(
          audit('account.create', `account:${created.id}`, {
            roles: [...created.roles],
            service: body.email === undefined,
          }),
          trx,
        );
        return created;
      });
      reply.code(201);
      return account;
    },
  });

  route(app, deps, {
    method: 'PATCH',
    url: '/v1/accounts/:id',
    access: 'accounts:manage',
    tags: ['accounts'],
    summary: 'Change an account',
    description:
      'Sets its roles, disables it or sets a new password. Admins cannot disable themselves or ' +
      'drop their own admin role, so that an instance always keeps an admin.',
    params: IdParams,
    body: AccountChange,
    responses: { 200: AccountShape },
    handler: async ({ params, body, principal, now, audit }) => {
      const account = await store.accounts.getAccount(params.id);
      if (account === undefined) {
        throw new VigilError('NOT_FOUND', `No account has the id ${params.id}.`);
      }
      if (account.id === principal.account.id) {
        if (body.disabled === true || (body.roles !== undefined && !body.roles.includes('admin'))) {
          throw new VigilError(
            'CONFLICT',
            'You cannot disable your own account or drop your own admin role; ask another admin.',
          );
        }
      }
      if (body.password !== undefined && account.email === undefined) {
        throw new VigilError(
          'REQUEST_INVALID',
          'Invalid body field "password": a service account has no email address to sign in with.',
          { details: { location: 'body', field: 'password' } },
        );
      }
      const passwordHash =
        body.password === undefined ? undefined : await hashPassword(body.password);
      const target = `account:${account.id}`;
      return store.transaction(async (trx) => {
        if (body.roles !== undefined && !sameRoles(body.roles, account.roles)) {
          await store.accounts.setRoles(account.id, body.roles, trx);
          await store.audit.record(
            audit('account.roles', target, { from: [...account.roles], to: body.roles }),
            trx,
          );
        }
        if (body.disabled === true && account.disabledAt === undefined) {
          await store.accounts.disable(account.id, now, trx);
          await store.audit.record(audit('account.disable', target), trx);
        }
        if (passwordHash !== undefined) {
          await store.accounts.setPasswordHash(account.id, passwordHash, trx);
          await store.audit.record(audit('account.password', target), trx);
        }
        const changed = await store.accounts.getAccount(account.id, trx);
        if (changed === undefined) throw new Error(`account ${account.id} vanished`);
        return changed;
      });
    },
  });
}

/** The account whose keys a request concerns: the caller's own, or (admins) any. */
async function keyOwner(
  deps: Deps,
  principal: Principal,
  accountId: string | undefined,
): Promise<Account> {
  if (accountId === undefined || accountId === principal.account.id) return principal.account;
  if (!can(principal.account.roles, 'accounts:manage')) {
    throw new VigilError('FORBIDDEN', "Only an admin may manage another account's API keys.");
  }
  const account = await deps.store.accounts.getAccount(accountId);
  if (account === undefined)
    throw new VigilError('NOT_FOUND', `No account has the id ${accountId}.`);
  return account;
}

const AccountIdQuery = z.strictObject({
  accountId: Id.optional().describe("Another account's keys (admins only); default: your own."),
});

export function apiKeyRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  route(app, deps, {
    method: 'POST',
    url: '/v1/apikeys',
    access: 'apikeys:own',
    tags: ['API keys'],
    summary: 'Create an API key',
    description:
      'Returns the key once: only its SHA-256 is stored, so it cannot be shown again. The key ' +
      'acts with the roles of its account.',
    body: z.strictObject({
      name: text(100).min(1).describe('What the key is for, e.g. "moderation pipeline".'),
      accountId: Id.optional().describe('Make it for another account (admins only).'),
    }),
    responses: {
      201: z.object({
        key: z.string().describe('The key: send it as Authorization: Bearer <key>.'),
        apiKey: ApiKeyShape,
      }),
    },
    handler: async ({ body, principal, reply, now, audit }) => {
      const owner = await keyOwner(deps, principal, body.accountId);
      if (owner.disabledAt !== undefined) {
        throw new VigilError('CONFLICT', 'The account is disabled; its keys would not work.');
      }
      const { key, sha256, prefix } = generateApiKey();
      const apiKey = await store.transaction(async (trx) => {
        const record = await store.accounts.createApiKey(
          { accountId: owner.id, name: body.name, prefix, sha256 },
          now,
          trx,
        );
        await store.audit.record(
          audit('apikey.create', `apikey:${record.id}`, { accountId: owner.id }),
          trx,
        );
        return record;
      });
      reply.code(201);
      return { key, apiKey };
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/apikeys',
    access: 'apikeys:own',
    tags: ['API keys'],
    summary: 'List API keys',
    description:
      "Your keys (admins: any account's), revoked ones included; never the keys themselves.",
    querystring: AccountIdQuery,
    responses: { 200: z.object({ items: z.array(ApiKeyShape) }) },
    handler: async ({ query, principal }) => {
      const owner = await keyOwner(deps, principal, query.accountId);
      return { items: await store.accounts.listApiKeys(owner.id) };
    },
  });

  route(app, deps, {
    method: 'DELETE',
    url: '/v1/apikeys/:id',
    access: 'apikeys:own',
    tags: ['API keys'],
    summary: 'Revoke an API key',
    description:
      "The key stops working at once. Admins revoking another account's key name the account " +
      'with `accountId`.',
    params: IdParams,
    querystring: AccountIdQuery,
    responses: { 204: null },
    handler: async ({ params, query, principal, reply, now, audit }) => {
      const owner = await keyOwner(deps, principal, query.accountId);
      const keys = await store.accounts.listApiKeys(owner.id);
      const key = keys.find((candidate) => candidate.id === params.id);
      if (key === undefined) {
        throw new VigilError('NOT_FOUND', `No API key of this account has the id ${params.id}.`);
      }
      if (key.revokedAt === undefined) {
        await store.transaction(async (trx) => {
          await store.accounts.revokeApiKey(key.id, now, trx);
          await store.audit.record(
            audit('apikey.revoke', `apikey:${key.id}`, { accountId: owner.id }),
            trx,
          );
        });
      }
      return reply.code(204).send();
    },
  });
}
