/**
 * TEST DOUBLE: an in-memory ServiceStore for the HTTP tests, written against the interfaces of
 * src/store/repositories.ts while the real store is being built. It implements what the routes
 * need, honestly (idempotent ingest, keyset cursor pages, a simple job queue, transactions that
 * roll back), and nothing more: the methods only workers use throw. It is not a reference
 * implementation; the store's own suites test the real thing on SQLite and PostgreSQL.
 */
import { createHash } from 'node:crypto';
import {
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { Network, Template } from '../../src/analyze/link-types.js';
import type { Analysis } from '../../src/analyze/types.js';
import { generateApiKey } from '../../src/server/auth.js';
import { VigilError } from '../../src/shared/errors.js';
import type { Db, VigilDatabase } from '../../src/store/database.js';
import type {
  Account,
  AccountRepository,
  ApiKeyRecord,
  AuditLog,
  AuditRecord,
  BankRepository,
  CaseRepository,
  Executor,
  IngestResult,
  ItemFilter,
  ItemRepository,
  Job,
  JobQueue,
  JobState,
  LinkRepository,
  Page,
  PageRequest,
  PersonRepository,
  Role,
  ServiceStore,
  StoredItem,
  WorkflowRepository,
} from '../../src/store/repositories.js';
import type { ShareRepository } from '../../src/store/share-records.js';

interface State {
  items: Map<string, StoredItem>;
  identifiers: Map<string, Set<string>>;
  templates: Template[];
  networks: Network[];
  index: Uint8Array | undefined;
  jobs: Map<string, Job>;
  accounts: Map<string, Account & { passwordHash?: string }>;
  apiKeys: Map<string, ApiKeyRecord & { sha256: string }>;
  sessions: Map<string, { accountId: string; expiresAt: string }>;
  audit: AuditRecord[];
  sequence: number;
}

const emptyState = (): State => ({
  items: new Map(),
  identifiers: new Map(),
  templates: [],
  networks: [],
  index: undefined,
  jobs: new Map(),
  accounts: new Map(),
  apiKeys: new Map(),
  sessions: new Map(),
  audit: [],
  sequence: 0,
});

function cloneState(state: State): State {
  return {
    ...structuredClone({ ...state, index: undefined }),
    index: state.index,
  };
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += BASE32[(bytes[i] ?? 0) % 32];
  return out;
}

/**
 * A keyset page over `sorted`: the cursor is the base64url of the last returned element's key,
 * so pages stay right when elements are added before it.
 */
function paginate<T>(sorted: readonly T[], key: (value: T) => string, page: PageRequest): Page<T> {
  const limit = page.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new VigilError('CURSOR_INVALID', 'limit must be 1 to 500');
  }
  let start = 0;
  if (page.cursor !== undefined) {
    const after = Buffer.from(page.cursor, 'base64url').toString('utf8');
    if (!after.startsWith('k:'))
      throw new VigilError('CURSOR_INVALID', 'Not a cursor of this list.');
    const at = sorted.findIndex((value) => key(value) === after.slice(2));
    if (at < 0) throw new VigilError('CURSOR_INVALID', 'Not a cursor of this list.');
    start = at + 1;
  }
  const items = sorted.slice(start, start + limit);
  const last = items.at(-1);
  const next =
    start + limit < sorted.length && last !== undefined
      ? Buffer.from(`k:${key(last)}`, 'utf8').toString('base64url')
      : undefined;
  return next === undefined ? { items } : { items, next };
}

const notInDouble = (what: string): never => {
  throw new Error(`MemoryStore (test double) does not implement ${what}`);
};

export class MemoryStore implements ServiceStore {
  state: State = emptyState();
  /** A Kysely that never reaches a database: the routes must not use `db` directly. */
  readonly db: Db = new Kysely<VigilDatabase>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });
  private readonly jobKeys = new Map<string, string>();
  /** How many transactions committed and rolled back, for tests. */
  readonly transactions = { committed: 0, rolledBack: 0 };

  private nextId(prefix: string): string {
    this.state.sequence += 1;
    return `${prefix}_${String(this.state.sequence).padStart(8, '0')}`;
  }

  /** Runs `work` on a copy of the state; keeps the copy only if `work` succeeds. */
  async transaction<T>(work: (trx: Executor) => Promise<T>): Promise<T> {
    const before = this.state;
    this.state = cloneState(before);
    try {
      const result = await work(this.db);
      this.transactions.committed += 1;
      return result;
    } catch (error) {
      this.state = before;
      this.transactions.rolledBack += 1;
      throw error;
    }
  }

  readonly items: ItemRepository = {
    ingest: async (items, options) =>
      items.map((item): IngestResult => {
        const digest = createHash('sha256').update(`${options.source}\0${item.id}`).digest();
        const id = `itm_${base32(digest, 26)}`;
        if (this.state.items.has(id)) return { id, externalId: item.id, created: false };
        this.state.items.set(id, {
          id,
          source: options.source,
          externalId: item.id,
          item,
          sha256: createHash('sha256').update(JSON.stringify(item)).digest('hex'),
          receivedAt: options.receivedAt,
        });
        return { id, externalId: item.id, created: true };
      }),
    get: async (id) => this.state.items.get(id),
    delete: async (id) => this.state.items.delete(id),
    getMany: async (ids) =>
      ids.flatMap((id) => {
        const item = this.state.items.get(id);
        return item === undefined ? [] : [item];
      }),
    list: async (filter: ItemFilter, page) => {
      const matches = [...this.state.items.values()].filter(
        (item) =>
          (filter.source === undefined || item.source === filter.source) &&
          (filter.band === undefined || item.band === filter.band) &&
          (filter.minRisk === undefined || (item.risk ?? -1) >= filter.minRisk) &&
          (filter.template === undefined || item.template === filter.template) &&
          (filter.network === undefined || item.network === filter.network) &&
          (filter.analyzed === undefined || (item.analysis !== undefined) === filter.analyzed),
      );
      return paginate(newestFirst(matches), (item) => item.id, page);
    },
    withIdentifier: async (identifier, page) => {
      const ids = this.state.identifiers.get(identifier) ?? new Set<string>();
      const items = [...ids].flatMap((id) => {
        const item = this.state.items.get(id);
        return item === undefined ? [] : [item];
      });
      return paginate(newestFirst(items), (item) => item.id, page);
    },
    saveAnalyses: async (analyses, analyzedAt) => {
      for (const { id, analysis, identifiers } of analyses) {
        await this.items.saveAnalysis(id, analysis, identifiers, analyzedAt);
      }
    },
    saveAnalysis: async (id, analysis: Analysis, identifiers, analyzedAt) => {
      const item = this.state.items.get(id) ?? notInDouble(`saveAnalysis of unknown ${id}`);
      this.state.items.set(id, {
        ...item,
        analysis,
        analyzedAt,
        risk: analysis.risk,
        band: analysis.band,
      });
      for (const ids of this.state.identifiers.values()) ids.delete(id);
      for (const identifier of identifiers) {
        const ids = this.state.identifiers.get(identifier) ?? new Set<string>();
        ids.add(id);
        this.state.identifiers.set(identifier, ids);
      }
    },
    saveLinks: async (links) => {
      for (const link of links) {
        const item = this.state.items.get(link.id);
        if (item === undefined) continue;
        const { template: _t, network: _n, ...rest } = item;
        this.state.items.set(link.id, {
          ...rest,
          ...(link.template !== undefined && { template: link.template }),
          ...(link.network !== undefined && { network: link.network }),
        });
      }
    },
  };

  readonly links: LinkRepository = {
    loadIndex: async () => this.state.index,
    saveIndex: async (bytes) => {
      this.state.index = bytes;
    },
    replaceAll: async (templates, networks) => {
      this.state.templates = [...templates];
      this.state.networks = [...networks];
    },
    getTemplate: async (id) => this.state.templates.find((template) => template.id === id),
    listTemplates: async (page) =>
      paginate(
        [...this.state.templates].sort(
          (a, b) => b.members.length - a.members.length || a.id.localeCompare(b.id),
        ),
        (template) => template.id,
        page,
      ),
    getNetwork: async (id) => this.state.networks.find((network) => network.id === id),
    listNetworks: async (filter, page) =>
      paginate(
        this.state.networks
          .filter((network) => filter.minRisk === undefined || network.risk >= filter.minRisk)
          .sort((a, b) => b.risk - a.risk || a.id.localeCompare(b.id)),
        (network) => network.id,
        page,
      ),
  };

  readonly jobs: JobQueue = {
    enqueue: async (job, now) => {
      if (job.key !== undefined) {
        const waiting = [...this.state.jobs.values()].find(
          (other) =>
            other.state === 'ready' &&
            other.kind === job.kind &&
            this.jobKeys.get(other.id) === job.key,
        );
        if (waiting !== undefined) return waiting;
      }
      const stored: Job = {
        id: this.nextId('job'),
        kind: job.kind,
        payload: job.payload,
        state: 'ready',
        attempts: 0,
        maxAttempts: job.maxAttempts ?? 5,
        runAt: now,
        createdAt: now,
      };
      this.state.jobs.set(stored.id, stored);
      if (job.key !== undefined) this.jobKeys.set(stored.id, job.key);
      return stored;
    },
    claim: async () => notInDouble('jobs.claim'),
    complete: async () => notInDouble('jobs.complete'),
    release: async () => notInDouble('jobs.release'),
    fail: async () => notInDouble('jobs.fail'),
    get: async (id) => this.state.jobs.get(id),
    list: async (filter, page) =>
      paginate(
        [...this.state.jobs.values()]
          .filter(
            (job) =>
              (filter.state === undefined || job.state === filter.state) &&
              (filter.kind === undefined || job.kind === filter.kind),
          )
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)),
        (job) => job.id,
        page,
      ),
    counts: async () => {
      const counts: Record<JobState, number> = { ready: 0, running: 0, done: 0, dead: 0 };
      for (const job of this.state.jobs.values()) counts[job.state] += 1;
      return counts;
    },
  };

  private publicAccount(id: string): Account | undefined {
    const account = this.state.accounts.get(id);
    if (account === undefined) return undefined;
    const { passwordHash: _hash, ...rest } = account;
    return rest;
  }

  readonly accounts: AccountRepository = {
    createAccount: async (account, now) => {
      const email = account.email?.toLowerCase();
      if (email !== undefined) {
        for (const other of this.state.accounts.values()) {
          if (other.email === email) {
            throw new VigilError('CONFLICT', 'An account with this email address exists already.');
          }
        }
      }
      const stored = {
        id: this.nextId('acc'),
        name: account.name,
        ...(email !== undefined && { email }),
        roles: [...account.roles],
        createdAt: now,
        ...(account.passwordHash !== undefined && { passwordHash: account.passwordHash }),
      };
      this.state.accounts.set(stored.id, stored);
      return this.publicAccount(stored.id) as Account;
    },
    getAccount: async (id) => this.publicAccount(id),
    findByEmail: async (email) => {
      for (const account of this.state.accounts.values()) {
        if (account.email === email.toLowerCase()) {
          const publicAccount = this.publicAccount(account.id) as Account;
          return account.passwordHash === undefined
            ? { account: publicAccount }
            : { account: publicAccount, passwordHash: account.passwordHash };
        }
      }
      return undefined;
    },
    listAccounts: async (page) =>
      paginate(
        [...this.state.accounts.keys()].sort().map((id) => this.publicAccount(id) as Account),
        (account) => account.id,
        page,
      ),
    setPasswordHash: async (id, passwordHash) => {
      const account = this.state.accounts.get(id) ?? notInDouble(`unknown account ${id}`);
      this.state.accounts.set(id, { ...account, passwordHash });
    },
    setRoles: async (id, roles: readonly Role[]) => {
      const account = this.state.accounts.get(id) ?? notInDouble(`unknown account ${id}`);
      this.state.accounts.set(id, { ...account, roles: [...roles] });
    },
    disable: async (id, now) => {
      const account = this.state.accounts.get(id) ?? notInDouble(`unknown account ${id}`);
      this.state.accounts.set(id, { ...account, disabledAt: now });
    },
    createApiKey: async (key, now) => {
      const stored = {
        id: this.nextId('key'),
        accountId: key.accountId,
        name: key.name,
        prefix: key.prefix,
        createdAt: now,
        sha256: key.sha256,
      };
      this.state.apiKeys.set(stored.id, stored);
      const { sha256: _sha, ...record } = stored;
      return record;
    },
    findApiKey: async (sha256) => {
      for (const key of this.state.apiKeys.values()) {
        if (key.sha256 !== sha256 || key.revokedAt !== undefined) continue;
        const account = this.publicAccount(key.accountId);
        if (account === undefined || account.disabledAt !== undefined) return undefined;
        const { sha256: _sha, ...record } = key;
        return { key: record, account };
      }
      return undefined;
    },
    listApiKeys: async (accountId) =>
      [...this.state.apiKeys.values()]
        .filter((key) => key.accountId === accountId)
        .map(({ sha256: _sha, ...record }) => record),
    revokeApiKey: async (id, now) => {
      const key = this.state.apiKeys.get(id) ?? notInDouble(`unknown key ${id}`);
      this.state.apiKeys.set(id, { ...key, revokedAt: now });
    },
    touchApiKey: async (id, now) => {
      const key = this.state.apiKeys.get(id);
      if (key !== undefined) this.state.apiKeys.set(id, { ...key, lastUsedAt: now });
    },
    createSession: async (session) => {
      this.state.sessions.set(session.sha256, {
        accountId: session.accountId,
        expiresAt: session.expiresAt,
      });
    },
    findSession: async (sha256, now) => {
      const session = this.state.sessions.get(sha256);
      if (session === undefined || session.expiresAt <= now) return undefined;
      const account = this.publicAccount(session.accountId);
      return account === undefined ? undefined : { account, expiresAt: session.expiresAt };
    },
    deleteSession: async (sha256) => {
      this.state.sessions.delete(sha256);
    },
  };

  /** The notice-and-action records are tested on the real store only (test/workflow-api.test.ts). */
  readonly workflow = new Proxy({} as WorkflowRepository, {
    get: (_target, name) => () => notInDouble(`workflow.${String(name)}`),
  });

  /** Cases are tested on the real store only (src/store/case-service.test.ts, test/cases-access.test.ts). */
  readonly cases = new Proxy({} as CaseRepository, {
    get: (_target, name) => () => notInDouble(`cases.${String(name)}`),
  });

  /** Persons are tested on the real store only (src/store/person-service.test.ts). */
  readonly persons = new Proxy({} as PersonRepository, {
    get: (_target, name) => () => notInDouble(`persons.${String(name)}`),
  });

  /** Sharing is tested on the real store only (src/store/share-service.test.ts, test/share-*.test.ts). */
  readonly share = new Proxy({} as ShareRepository, {
    get: (_target, name) => () => notInDouble(`share.${String(name)}`),
  });
  /** Hash banks are tested on the real store only (src/store/banks.test.ts, test/banks-api.test.ts). */
  readonly banks = new Proxy({} as BankRepository, {
    get: (_target, name) => () => notInDouble(`banks.${String(name)}`),
  });

  readonly audit: AuditLog = {
    record: async (entry) => {
      const record: AuditRecord = { id: this.nextId('aud'), ...entry };
      this.state.audit.push(record);
      return record;
    },
    list: async (filter, page) =>
      paginate(
        this.state.audit
          .filter(
            (record) =>
              (filter.actor === undefined || record.actor === filter.actor) &&
              (filter.action === undefined || record.action === filter.action) &&
              (filter.target === undefined || record.target === filter.target),
          )
          .reverse(),
        (record) => record.id,
        page,
      ),
  };
}

function newestFirst(items: StoredItem[]): StoredItem[] {
  return items.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.id.localeCompare(a.id));
}

/** An account with these roles in `store`, and a fresh API key for it (test fixture). */
export async function addAccount(
  store: Pick<ServiceStore, 'accounts'>,
  options: {
    readonly roles: readonly Role[];
    readonly email?: string;
    readonly passwordHash?: string;
    readonly name?: string;
  },
  now = '2026-01-01T00:00:00.000Z',
): Promise<{ account: Account; key: string; keyId: string }> {
  const account = await store.accounts.createAccount(
    {
      name: options.name ?? `test ${options.roles.join('+') || 'no roles'}`,
      roles: options.roles,
      ...(options.email !== undefined && { email: options.email }),
      ...(options.passwordHash !== undefined && { passwordHash: options.passwordHash }),
    },
    now,
  );
  const { key, sha256, prefix } = generateApiKey();
  const record = await store.accounts.createApiKey(
    { accountId: account.id, name: 'test key', prefix, sha256 },
    now,
  );
  return { account, key, keyId: record.id };
}
