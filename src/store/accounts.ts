/**
 * Accounts, API keys and sessions in the database (repositories.ts AccountRepository). Keys and
 * session tokens are random secrets the caller makes and shows once; only their SHA-256 is
 * stored, so a copy of the database lets no one sign in.
 */
import type { Selectable } from 'kysely';
import { VigilError } from '../shared/errors.js';
import type { AccountTable, ApiKeyTable, Db } from './database.js';
import type { SqlDialectName } from './migrations.js';
import {
  type Account,
  type AccountRepository,
  type ApiKeyRecord,
  type Executor,
  ROLES,
  type Role,
} from './repositories.js';
import {
  current,
  decodeCursor,
  fromJson,
  inTransaction,
  newId,
  notFound,
  pageLimit,
  pageOf,
  storedTime,
  toJson,
} from './service-common.js';

/** Accounts are listed oldest first (creation time, then id). */
const LIST_KEY = ['string', 'string'] as const;

type AccountRow = Selectable<AccountTable>;
type ApiKeyRow = Selectable<ApiKeyTable>;

export function createAccountRepository(db: Db, dialect: SqlDialectName): AccountRepository {
  async function enabledAccount(id: string): Promise<Account | undefined> {
    const account = await readAccount(db, id);
    return account === undefined || account.disabledAt !== undefined ? undefined : account;
  }

  return {
    async createAccount(account, now, executor = current(db)) {
      const row: AccountRow = {
        id: newId('acc'),
        name: account.name,
        email: account.email === undefined ? null : normalEmail(account.email),
        roles: toJson(checkRoles(account.roles)),
        password_hash: account.passwordHash ?? null,
        created_at: storedTime(now, 'now'),
        disabled_at: null,
      };
      await inTransaction(db, executor, dialect, async (trx) => {
        // Checked first for a clear error; the unique index settles a race.
        if (row.email !== null && (await emailTaken(trx, row.email))) throw emailConflict();
        try {
          await trx.insertInto('account').values(row).execute();
        } catch (error) {
          if (row.email !== null && isUniqueViolation(error)) throw emailConflict();
          throw error;
        }
      });
      return toAccount(row);
    },

    getAccount: (id, executor = current(db)) => readAccount(executor, id),

    async findByEmail(email) {
      const row = await current(db)
        .selectFrom('account')
        .selectAll()
        .where('email', '=', normalEmail(email))
        .executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        account: toAccount(row),
        ...(row.password_hash !== null && { passwordHash: row.password_hash }),
      };
    },

    async listAccounts(page) {
      const limit = pageLimit(page);
      let query = current(db).selectFrom('account').selectAll();
      if (page.cursor !== undefined) {
        const [createdAt, id] = decodeCursor(page.cursor, LIST_KEY);
        query = query.where((eb) =>
          eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(createdAt, id)),
        );
      }
      const rows = await query
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      return pageOf(rows, limit, (row) => [row.created_at, row.id], toAccount);
    },

    async setPasswordHash(id, passwordHash, executor = current(db)) {
      await updateAccount(executor, id, { password_hash: passwordHash });
    },

    async setRoles(id, roles, executor = current(db)) {
      await updateAccount(executor, id, { roles: toJson(checkRoles(roles)) });
    },

    async disable(id, now, executor = current(db)) {
      const at = storedTime(now, 'now');
      await inTransaction(db, executor, dialect, async (trx) => {
        const account = await readAccount(trx, id);
        if (account === undefined) throw notFound('account', id);
        if (account.disabledAt === undefined) {
          await updateAccount(trx, id, { disabled_at: at });
        }
        // A disabled account signs nobody in: its sessions end now.
        await trx.deleteFrom('session').where('account_id', '=', id).execute();
      });
    },

    async createApiKey(key, now, executor = current(db)) {
      const row: ApiKeyRow = {
        id: newId('key'),
        account_id: key.accountId,
        name: key.name,
        prefix: key.prefix,
        sha256: key.sha256,
        created_at: storedTime(now, 'now'),
        last_used_at: null,
        revoked_at: null,
      };
      await inTransaction(db, executor, dialect, async (trx) => {
        if ((await readAccount(trx, key.accountId)) === undefined) {
          throw notFound('account', key.accountId);
        }
        await trx.insertInto('api_key').values(row).execute();
      });
      return toApiKey(row);
    },

    async findApiKey(sha256) {
      const row = await current(db)
        .selectFrom('api_key')
        .selectAll()
        .where('sha256', '=', sha256)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const account = await enabledAccount(row.account_id);
      return account === undefined ? undefined : { key: toApiKey(row), account };
    },

    async listApiKeys(accountId) {
      const rows = await current(db)
        .selectFrom('api_key')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toApiKey);
    },

    async revokeApiKey(id, now, executor = current(db)) {
      const at = storedTime(now, 'now');
      const row = await executor
        .updateTable('api_key')
        .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(at)) }))
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      if (row === undefined) throw notFound('API key', id);
    },

    async touchApiKey(id, now) {
      await current(db)
        .updateTable('api_key')
        .set({ last_used_at: storedTime(now, 'now') })
        .where('id', '=', id)
        .execute();
    },

    async createSession(session, now, executor = current(db)) {
      await inTransaction(db, executor, dialect, async (trx) => {
        if ((await readAccount(trx, session.accountId)) === undefined) {
          throw notFound('account', session.accountId);
        }
        await trx
          .insertInto('session')
          .values({
            sha256: session.sha256,
            account_id: session.accountId,
            created_at: storedTime(now, 'now'),
            expires_at: storedTime(session.expiresAt, 'expiresAt'),
          })
          .execute();
      });
    },

    async findSession(sha256, now) {
      const row = await current(db)
        .selectFrom('session')
        .selectAll()
        .where('sha256', '=', sha256)
        .where('expires_at', '>', storedTime(now, 'now'))
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const account = await enabledAccount(row.account_id);
      return account === undefined ? undefined : { account, expiresAt: row.expires_at };
    },

    async deleteSession(sha256, executor = current(db)) {
      await executor.deleteFrom('session').where('sha256', '=', sha256).execute();
    },
  };
}

async function readAccount(executor: Executor, id: string): Promise<Account | undefined> {
  const row = await executor
    .selectFrom('account')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : toAccount(row);
}

async function updateAccount(
  executor: Executor,
  id: string,
  values: Partial<Omit<AccountRow, 'id'>>,
): Promise<void> {
  const row = await executor
    .updateTable('account')
    .set(values)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (row === undefined) throw notFound('account', id);
}

async function emailTaken(executor: Executor, email: string): Promise<boolean> {
  const row = await executor
    .selectFrom('account')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirst();
  return row !== undefined;
}

function emailConflict(): VigilError {
  return new VigilError('CONFLICT', 'An account with this email address exists already.');
}

/** SQLite's SQLITE_CONSTRAINT_UNIQUE, PostgreSQL's unique_violation (23505). */
function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === '23505';
}

function normalEmail(email: string): string {
  return email.trim().toLowerCase();
}

function checkRoles(roles: readonly Role[]): Role[] {
  const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
  if (unknown.length > 0) {
    throw new VigilError('REQUEST_INVALID', `Unknown roles: ${unknown.join(', ')}.`, {
      details: { roles: unknown, known: [...ROLES] },
    });
  }
  // Stored in the catalogue's order, once each.
  return ROLES.filter((role) => roles.includes(role));
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    ...(row.email !== null && { email: row.email }),
    roles: fromJson<Role[]>(row.roles),
    createdAt: row.created_at,
    ...(row.disabled_at !== null && { disabledAt: row.disabled_at }),
  };
}

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    ...(row.last_used_at !== null && { lastUsedAt: row.last_used_at }),
    ...(row.revoked_at !== null && { revokedAt: row.revoked_at }),
  };
}
