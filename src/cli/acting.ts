/**
 * What the service's operator commands (vigil notice|queue|decide|… and vigil case …) share:
 * the account named by `--as`, checked as the API checks a caller, and the plain output they
 * print.
 */
import { randomBytes } from 'node:crypto';
import { can, type Permission } from '../server/permissions.js';
import { VigilError } from '../shared/errors.js';
import { VIGIL_VERSION } from '../shared/version.js';
import type { Account, ServiceStore } from '../store/repositories.js';
import { type Vault, withStoreVault } from '../store/vault.js';

/**
 * The enabled account named by `--as`, whose roles grant `permission` (the one the API route
 * for the same step requires).
 */
export async function actingAccount(
  store: ServiceStore,
  email: string,
  permission: Permission,
): Promise<Account> {
  const found = await store.accounts.findByEmail(email.trim().toLowerCase());
  if (found === undefined || found.account.disabledAt !== undefined) {
    throw new VigilError(
      'CLI_USAGE',
      `No enabled account has the email ${email}: --as names the account acting. Create it with \`vigil user add --email ${email} --name <name> --role <role>\`.`,
    );
  }
  const { account } = found;
  if (!can(account.roles, permission)) {
    throw new VigilError(
      'FORBIDDEN',
      `The account ${email} (${account.roles.join(', ') || 'no roles'}) lacks the permission ${permission}; act as an account with a role that grants it (docs/api.md lists them).`,
      { details: { permission } },
    );
  }
  return account;
}

/** The audit actor of an account: the form a signed-in account has (server/auth.ts). */
export const actorOf = (account: Account): string => `account:${account.id}`;

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Plain columns, padded to the widest cell, for a terminal. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `${l}\n`).join('');
}

/** The emails (or names) of accounts, by id, for showing who did or holds what. */
export async function emailsOf(
  store: ServiceStore,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const emails = new Map<string, string>();
  for (const id of new Set(ids)) {
    const account = await store.accounts.getAccount(id);
    if (account !== undefined) emails.set(id, account.email ?? account.name);
  }
  return emails;
}

/** Runs `work` with the evidence vault of the command's store and data folder. */
export function withCommandVault<T>(
  store: ServiceStore,
  dataDir: string,
  now: () => Date,
  work: (vault: Vault) => Promise<T>,
): Promise<T> {
  return withStoreVault(
    store,
    {
      dataDir,
      tool: { name: 'vigil', version: VIGIL_VERSION },
      now,
      randomBytes: (size) => new Uint8Array(randomBytes(size)),
    },
    work,
  );
}
