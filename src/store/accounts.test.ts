/**
 * The account repository on every database of test/support/databases.ts: accounts, API keys
 * and sessions, stored by hash, and what disabling and revoking take away.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { rejection } from '../../test/support/errors.js';
import { isVigilError } from '../shared/errors.js';
import type { Db } from './database.js';
import type { AccountRepository, Role, ServiceStore } from './repositories.js';
import { openServiceStore } from './service-store.js';

const DATABASES = testDatabases();

const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  const error = await rejection(promise);
  return isVigilError(error) ? error.code : error;
}

describe.each(DATABASES)('account repository on $name', (database) => {
  let db: Db;
  let store: ServiceStore;
  let accounts: AccountRepository;

  beforeEach(async () => {
    db = await database.open();
    store = openServiceStore(db);
    accounts = store.accounts;
  });
  afterEach(() => db.destroy());

  it('creates accounts, finds them by email in any case, and refuses a second one', async () => {
    const account = await accounts.createAccount(
      {
        name: 'Ada',
        email: 'Ada@Example.org',
        roles: ['reviewer', 'admin'],
        passwordHash: '$scrypt$x',
      },
      at(0),
    );
    expect(account).toEqual({
      id: expect.stringMatching(/^acc_[0-9a-z]{26}$/),
      name: 'Ada',
      email: 'ada@example.org',
      roles: ['admin', 'reviewer'],
      createdAt: at(0),
    });
    expect(await accounts.getAccount(account.id)).toEqual(account);
    expect(await accounts.findByEmail('ADA@example.org')).toEqual({
      account,
      passwordHash: '$scrypt$x',
    });
    expect(await accounts.findByEmail('nobody@example.org')).toBeUndefined();
    expect(
      await codeOf(
        accounts.createAccount({ name: 'Other', email: 'ada@EXAMPLE.org', roles: [] }, at(1)),
      ),
    ).toBe('CONFLICT');
    // Service accounts have no email; any number of them.
    const service = await accounts.createAccount({ name: 'Feed', roles: ['reviewer'] }, at(2));
    await accounts.createAccount({ name: 'Feed 2', roles: [] }, at(2));
    expect(service.email).toBeUndefined();
    expect(
      await codeOf(accounts.createAccount({ name: 'x', roles: ['root' as Role] }, at(3))),
    ).toBe('REQUEST_INVALID');
  });

  it('lists accounts oldest first in pages', async () => {
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push((await accounts.createAccount({ name: `a${i}`, roles: [] }, at(i))).id);
    }
    const first = await accounts.listAccounts({ limit: 2 });
    const second = await accounts.listAccounts({ limit: 2, cursor: first.next });
    const third = await accounts.listAccounts({ limit: 2, cursor: second.next });
    expect([...first.items, ...second.items, ...third.items].map((a) => a.id)).toEqual(created);
    expect(third.next).toBeUndefined();
  });

  it('changes passwords and roles, and disables accounts, ending their sessions', async () => {
    const account = await accounts.createAccount(
      { name: 'Ada', email: 'a@x.org', roles: [] },
      at(0),
    );
    await accounts.setPasswordHash(account.id, '$scrypt$new');
    expect((await accounts.findByEmail('a@x.org'))?.passwordHash).toBe('$scrypt$new');
    await accounts.setRoles(account.id, ['auditor', 'investigator', 'auditor']);
    expect((await accounts.getAccount(account.id))?.roles).toEqual(['investigator', 'auditor']);
    await accounts.createSession(
      { accountId: account.id, sha256: sha('s1'), expiresAt: at(60_000) },
      at(0),
    );
    await accounts.disable(account.id, at(10));
    await accounts.disable(account.id, at(20));
    expect((await accounts.getAccount(account.id))?.disabledAt).toBe(at(10));
    expect(await accounts.findSession(sha('s1'), at(11))).toBeUndefined();
    // Started one at a time: a rejection created before it is awaited would go unhandled.
    for (const change of [
      () => accounts.setPasswordHash('acc_missing', 'x'),
      () => accounts.setRoles('acc_missing', []),
      () => accounts.disable('acc_missing', at(0)),
    ]) {
      expect(await codeOf(change())).toBe('NOT_FOUND');
    }
  });

  it('finds API keys by hash while the key and its account are valid', async () => {
    const account = await accounts.createAccount({ name: 'Feed', roles: ['reviewer'] }, at(0));
    const key = await accounts.createApiKey(
      { accountId: account.id, name: 'ingest', prefix: 'vgl_abcd', sha256: sha('secret') },
      at(1),
    );
    expect(key).toEqual({
      id: expect.stringMatching(/^key_[0-9a-z]{26}$/),
      accountId: account.id,
      name: 'ingest',
      prefix: 'vgl_abcd',
      createdAt: at(1),
    });
    expect(await accounts.findApiKey(sha('secret'))).toEqual({ key, account });
    expect(await accounts.findApiKey(sha('other'))).toBeUndefined();
    await accounts.touchApiKey(key.id, at(5));
    expect((await accounts.listApiKeys(account.id))[0]?.lastUsedAt).toBe(at(5));
    const second = await accounts.createApiKey(
      { accountId: account.id, name: 'b', prefix: 'vgl_b', sha256: sha('b') },
      at(2),
    );
    await accounts.revokeApiKey(key.id, at(6));
    await accounts.revokeApiKey(key.id, at(7));
    expect(await accounts.findApiKey(sha('secret'))).toBeUndefined();
    expect((await accounts.listApiKeys(account.id)).map((k) => [k.id, k.revokedAt])).toEqual([
      [key.id, at(6)],
      [second.id, undefined],
    ]);
    await accounts.disable(account.id, at(8));
    expect(await accounts.findApiKey(sha('b'))).toBeUndefined();
    expect(await codeOf(accounts.revokeApiKey('key_missing', at(0)))).toBe('NOT_FOUND');
    expect(
      await codeOf(
        accounts.createApiKey(
          { accountId: 'acc_missing', name: 'x', prefix: 'x', sha256: sha('x') },
          at(0),
        ),
      ),
    ).toBe('NOT_FOUND');
  });

  it('finds sessions until they expire, and deletes them', async () => {
    const account = await accounts.createAccount({ name: 'Ada', roles: ['admin'] }, at(0));
    await accounts.createSession(
      { accountId: account.id, sha256: sha('t'), expiresAt: at(1000) },
      at(0),
    );
    expect(await accounts.findSession(sha('t'), at(999))).toEqual({ account, expiresAt: at(1000) });
    expect(await accounts.findSession(sha('t'), at(1000))).toBeUndefined();
    await accounts.createSession(
      { accountId: account.id, sha256: sha('u'), expiresAt: at(5000) },
      at(0),
    );
    await accounts.deleteSession(sha('u'));
    expect(await accounts.findSession(sha('u'), at(1))).toBeUndefined();
  });

  it('joins a transaction', async () => {
    const failure = new Error('roll back');
    expect(
      await rejection(
        store.transaction(async (trx) => {
          const account = await accounts.createAccount(
            { name: 'x', email: 'x@y.org', roles: [] },
            at(0),
            trx,
          );
          await accounts.createApiKey(
            { accountId: account.id, name: 'k', prefix: 'p', sha256: sha('k') },
            at(0),
            trx,
          );
          throw failure;
        }),
      ),
    ).toBe(failure);
    expect(await accounts.findByEmail('x@y.org')).toBeUndefined();
    expect(await accounts.findApiKey(sha('k'))).toBeUndefined();
  });
});
