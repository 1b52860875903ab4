/**
 * The service commands' work (registered in service.ts, loaded only when one runs): the
 * composition root of the service. It reads the configuration (flags, VIGIL_* variables, a
 * config file), opens the database (SQLite in the data folder, or PostgreSQL when
 * VIGIL_DATABASE_URL is set) and wires the store, the analysis engine, the job runtime and the
 * HTTP server together.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createEngine, type Engine } from '../analyze/analyze.js';
import type { Item } from '../analyze/types.js';
import { type CorpusRecord, generateCorpus } from '../corpus/index.js';
import { runWorker, scheduleRetention, serviceHandlers } from '../jobs/index.js';
import { buildServer } from '../server/app.js';
import { generateApiKey, hashPassword } from '../server/auth.js';
import {
  deliveryTargets,
  loadConfig,
  retentionSettings,
  type ServiceConfig,
  workflowSettings,
} from '../server/config.js';
import { VigilError } from '../shared/errors.js';
import { VIGIL_VERSION } from '../shared/version.js';
import { createFsBlobStore } from '../store/blobs.js';
import { openDatabase } from '../store/database.js';
import { type IngestResult, ROLES, type Role, type ServiceStore } from '../store/repositories.js';
import { type RetentionPlan, runRetention } from '../store/retention.js';
import { ingestBatch, openServiceStore } from '../store/service-store.js';
import { receiveNotice } from '../store/workflow-service.js';
import {
  csvBatches,
  DEFAULT_INPUT_OPTIONS,
  detectFormat,
  jsonlBatches,
  openInput,
} from './input.js';
import { readLawData } from './law-files.js';
import { compileRuleSources, readRuleSources } from './rules-files.js';
import { forEachItem } from './scan-batch.js';

export interface ServiceIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
}

export interface ServiceFlags {
  readonly config?: string;
  readonly dataDir?: string;
  readonly port?: string;
  readonly host?: string;
  readonly logLevel?: string;
}

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
/** Items per ingest transaction from a file: the API's batch limit. */
const FILE_BATCH = 1000;
const DEMO_ADMIN = 'admin@vigil.local';
/** With --until-idle, how far ahead a ready job is still waited for. */
const UNTIL_IDLE_WAIT_MS = 10_000;

/** Only settings go to loadConfig: it refuses unknown names. */
export function configOf(flags: ServiceFlags, io: ServiceIo): ServiceConfig {
  return loadConfig({
    flags: { dataDir: flags.dataDir, port: flags.port, host: flags.host, logLevel: flags.logLevel },
    env: io.env,
    ...(flags.config !== undefined && { file: flags.config }),
  });
}

/** The database the configuration names: PostgreSQL by URL, else SQLite in the data folder. */
export async function openStore(config: ServiceConfig): Promise<ServiceStore> {
  if (config.databaseUrl !== undefined) {
    return openServiceStore(await openDatabase({ url: config.databaseUrl }));
  }
  await mkdir(config.dataDir, { recursive: true });
  return openServiceStore(await openDatabase({ path: join(config.dataDir, 'vigil.db') }));
}

async function builtinEngine(): Promise<Engine> {
  return createEngine({ rules: compileRuleSources(await readRuleSources(undefined)) });
}

export async function start(
  flags: ServiceFlags & { workers: string; demoItems: string },
  io: ServiceIo,
): Promise<void> {
  const config = configOf(flags, io);
  const store = await openStore(config);
  const login = await firstStart(store, Number(flags.demoItems), io);
  await serve(store, config, Number(flags.workers), flags, io, login);
}

export async function serveCommand(
  flags: ServiceFlags & { workers: string },
  io: ServiceIo,
): Promise<void> {
  const config = configOf(flags, io);
  await serve(await openStore(config), config, Number(flags.workers), flags, io);
}

export async function worker(
  flags: ServiceFlags & { batch: string; id?: string; untilIdle?: boolean },
  io: ServiceIo,
): Promise<void> {
  const config = configOf(flags, io);
  const store = await openStore(config);
  const engine = await builtinEngine();
  const stop = new AbortController();
  const quit = (): void => stop.abort();
  process.once('SIGTERM', quit);
  process.once('SIGINT', quit);
  // Retention: a run now (unless one waits), then one per interval (jobs/retention-job.ts).
  const retention = retentionSettings(config);
  try {
    if (retention !== undefined) await scheduleRetention(store, io.now().toISOString());
    const run = () =>
      runWorker({
        store,
        handlers: serviceHandlers({
          store,
          engine,
          workflow: { settings: workflowSettings(config), targets: deliveryTargets(config) },
          ...(retention !== undefined && {
            retention: { ...retention, blobs: createFsBlobStore(join(config.dataDir, 'evidence')) },
          }),
          capture: {
            dataDir: config.dataDir,
            chromium: config.chromium,
            version: VIGIL_VERSION,
            allowPrivateNetworks: config.captureAllowPrivateNetworks,
          },
        }),
        worker: flags.id ?? `${hostname()}:${process.pid}`,
        batch: Number(flags.batch),
        ...(flags.untilIdle === true && { untilIdle: true }),
        clock: io.now,
        signal: stop.signal,
      });
    await run();
    // --until-idle: jobs put off for a moment (a link run gathers analyses for 2 s) still count
    // as work to finish; jobs scheduled for later (the next retention run) do not.
    while (flags.untilIdle === true && !stop.signal.aborted) {
      const waiting = await store.jobs.list({ state: 'ready' }, { limit: 500 });
      const soon = waiting.items
        .map((job) => Date.parse(job.runAt) - io.now().getTime())
        .filter((ms) => ms <= UNTIL_IDLE_WAIT_MS);
      if (soon.length === 0) break;
      await sleep(Math.max(50, Math.min(...soon)));
      await run();
    }
  } finally {
    await store.db.destroy();
  }
}

export async function ingest(
  file: string,
  flags: ServiceFlags & { source: string },
  io: ServiceIo,
): Promise<void> {
  const store = await openStore(configOf(flags, io));
  try {
    const totals = await ingestFile(store, file, flags.source, io);
    const count = (n: number): string => n.toLocaleString('en-US');
    io.stdout.write(
      `Ingested ${count(totals.items)} items from ${file}: ${count(totals.created)} new, ${count(totals.items - totals.created)} already stored${totals.skipped > 0 ? `, ${count(totals.skipped)} invalid records skipped` : ''}. Run \`vigil worker\` (or \`vigil serve\`) to analyse them.\n`,
    );
  } finally {
    await store.db.destroy();
  }
}

export async function userAdd(
  flags: ServiceFlags & { email: string; name: string; role: string[] },
  io: ServiceIo,
): Promise<void> {
  const roles = checkRoles(flags.role);
  const store = await openStore(configOf(flags, io));
  try {
    const password = newPassword();
    const account = await createUser(store, { ...flags, roles, password }, io);
    io.stdout.write(
      `Created ${account.email} (${roles.join(', ')}), id ${account.id}.\nPassword (shown once): ${password}\n`,
    );
  } finally {
    await store.db.destroy();
  }
}

export async function apikeyCreate(
  flags: ServiceFlags & { email: string; name: string },
  io: ServiceIo,
): Promise<void> {
  const store = await openStore(configOf(flags, io));
  try {
    const found = await store.accounts.findByEmail(flags.email.toLowerCase());
    if (found === undefined || found.account.disabledAt !== undefined) {
      throw new VigilError(
        'NOT_FOUND',
        `No enabled account has the email ${flags.email}. Create it with \`vigil user add\`.`,
      );
    }
    const key = generateApiKey();
    const now = io.now().toISOString();
    const record = await store.transaction(async (trx) => {
      const created = await store.accounts.createApiKey(
        { accountId: found.account.id, name: flags.name, prefix: key.prefix, sha256: key.sha256 },
        now,
        trx,
      );
      await store.audit.record(
        { at: now, actor: 'system:cli', action: 'apikey.create', target: `apikey:${created.id}` },
        trx,
      );
      return created;
    });
    io.stdout.write(`API key ${record.id} for ${flags.email} (shown once):\n${key.key}\n`);
  } finally {
    await store.db.destroy();
  }
}

function checkRoles(values: readonly string[]): Role[] {
  const roles = values.length === 0 ? ['reviewer'] : values;
  for (const role of roles) {
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new VigilError('CLI_USAGE', `Unknown role "${role}": use one of ${ROLES.join(', ')}.`);
    }
  }
  return [...new Set(roles)] as Role[];
}

/** 24 random characters of base64url: about 144 bits, typed once from the terminal. */
const newPassword = (): string => randomBytes(18).toString('base64url');

async function createUser(
  store: ServiceStore,
  user: { email: string; name: string; roles: readonly Role[]; password: string },
  io: ServiceIo,
) {
  const email = user.email.toLowerCase();
  if ((await store.accounts.findByEmail(email)) !== undefined) {
    throw new VigilError('CONFLICT', `An account with the email ${email} exists already.`);
  }
  const passwordHash = await hashPassword(user.password);
  const now = io.now().toISOString();
  return store.transaction(async (trx) => {
    const account = await store.accounts.createAccount(
      { name: user.name, email, roles: user.roles, passwordHash },
      now,
      trx,
    );
    await store.audit.record(
      { at: now, actor: 'system:cli', action: 'account.create', target: `account:${account.id}` },
      trx,
    );
    return account;
  });
}

/**
 * Ingests items in batches of FILE_BATCH, each in its own transaction (as POST /v1/items does);
 * counts what was received and what was new.
 */
async function ingestInBatches(
  store: ServiceStore,
  items: AsyncIterable<Item> | Iterable<Item>,
  options: { readonly source: string; readonly actor: string },
  io: ServiceIo,
): Promise<{ items: number; created: number }> {
  const totals = { items: 0, created: 0 };
  let batch: Item[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const { results } = await ingestBatch(store, batch, {
      ...options,
      now: io.now().toISOString(),
    });
    totals.items += results.length;
    totals.created += results.filter((r: IngestResult) => r.created).length;
    batch = [];
  };
  for await (const item of items) {
    batch.push(item);
    if (batch.length === FILE_BATCH) await flush();
  }
  await flush();
  return totals;
}

/** Ingests a JSONL or CSV file; invalid records are skipped, counted and the first reported. */
async function ingestFile(
  store: ServiceStore,
  file: string,
  source: string,
  io: ServiceIo,
): Promise<{ items: number; created: number; skipped: number }> {
  const format = detectFormat(file, undefined);
  const input = await openInput(file, process.stdin);
  const batches =
    format === 'jsonl'
      ? jsonlBatches(input, DEFAULT_INPUT_OPTIONS)
      : csvBatches(input, format, DEFAULT_INPUT_OPTIONS);
  let skipped = 0;
  async function* valid(): AsyncGenerator<Item> {
    for await (const { batch, issues } of batches) {
      skipped += issues.length;
      if (batch === undefined) continue;
      const items: Item[] = [];
      const invalid: { line: number; reason: string }[] = [];
      forEachItem(batch, (item) => items.push(item), invalid);
      skipped += invalid.length;
      for (const issue of invalid.slice(0, 5)) {
        io.stderr.write(`${file}:${issue.line}: skipped: ${issue.reason}\n`);
      }
      yield* items;
    }
  }
  const totals = await ingestInBatches(store, valid(), { source, actor: 'system:cli' }, io);
  return { ...totals, skipped };
}

/**
 * On a database without accounts: an admin with a generated password, and the demo corpus
 * ingested (queued for the workers). Returns the login to print, once.
 */
async function firstStart(
  store: ServiceStore,
  demoItems: number,
  io: ServiceIo,
): Promise<{ email: string; password: string } | undefined> {
  const accounts = await store.accounts.listAccounts({ limit: 1 });
  if (accounts.items.length > 0) return undefined;
  const password = newPassword();
  await createUser(
    store,
    { email: DEMO_ADMIN, name: 'Administrator', roles: ['admin'], password },
    io,
  );
  if (demoItems > 0) {
    io.stderr.write(`Loading the demo corpus (${demoItems.toLocaleString('en-US')} items)…\n`);
    const flagged: CorpusRecord[] = [];
    const demo = (function* () {
      for (const record of generateCorpus({ n: demoItems, seed: 1 })) {
        if (flagged.length < DEMO_NOTICES.length && wantsNotice(record, flagged)) {
          flagged.push(record);
        }
        yield record.item;
      }
    })();
    await ingestInBatches(store, demo, { source: 'demo', actor: 'system:start' }, io);
    await demoNotices(store, flagged, io);
  }
  return { email: DEMO_ADMIN, password };
}

/**
 * The demo's notices, so that the review queue has work on first start: fictional notifiers
 * (a trusted flagger, an NGO, individuals) about planted trafficking and scam ads, and two about
 * benign ads that a reviewer should close without action.
 */
const DEMO_NOTICES = [
  { kind: 'network', notifier: 'trusted-flagger' },
  { kind: 'scam', notifier: 'trusted-flagger' },
  { kind: 'network', notifier: 'ngo' },
  { kind: 'network', notifier: 'individual' },
  { kind: 'scam', notifier: 'individual' },
  { kind: 'benign', notifier: 'individual' },
  { kind: 'benign', notifier: 'individual' },
] as const;

const kindOf = (record: CorpusRecord): 'network' | 'scam' | 'benign' | 'other' =>
  record.truth.network?.startsWith('net-')
    ? 'network'
    : record.truth.network?.startsWith('scam-')
      ? 'scam'
      : record.truth.label === 'benign'
        ? 'benign'
        : 'other';

/** Whether the next demo notice wants this record (one record per notice, in order). */
function wantsNotice(record: CorpusRecord, flagged: readonly CorpusRecord[]): boolean {
  const next = DEMO_NOTICES[flagged.length];
  return next !== undefined && kindOf(record) === next.kind;
}

async function demoNotices(
  store: ServiceStore,
  records: readonly CorpusRecord[],
  io: ServiceIo,
): Promise<void> {
  const who = { accountId: 'system', actor: 'system:start' };
  for (const [i, record] of records.entries()) {
    const spec = DEMO_NOTICES[i];
    if (spec === undefined) break;
    const notifier =
      spec.notifier === 'trusted-flagger'
        ? {
            type: spec.notifier,
            name: 'Safe Passage (fictional demo flagger)',
            email: 'reports@safe-passage.example',
            trustedFlagger: { awardedBy: 'Demo Digital Services Coordinator', area: 'trafficking' },
          }
        : spec.notifier === 'ngo'
          ? {
              type: spec.notifier,
              name: 'Open Roads (fictional NGO)',
              email: 'tips@open-roads.example',
            }
          : { type: spec.notifier, name: `Demo user ${i + 1}`, email: `user${i + 1}@example.org` };
    await receiveNotice(
      store,
      {
        notifier,
        explanation:
          spec.kind === 'benign'
            ? 'This ad looks suspicious to me.'
            : 'The ad shows signs of trafficking or exploitative recruitment: fees, control of documents or movement between cities.',
        locations: { itemIds: [record.item.id] },
        goodFaith: true,
        category: 'STATEMENT_CATEGORY_VIOLENCE',
        keywords: ['KEYWORD_HUMAN_TRAFFICKING'],
      },
      { now: io.now().toISOString(), source: 'demo' },
      who,
    );
  }
  io.stderr.write(`Added ${records.length} demo notices to the review queue.\n`);
}

/** Runs the API in this process and `workers` worker processes beside it, until a signal. */
async function serve(
  store: ServiceStore,
  config: ServiceConfig,
  workers: number,
  flags: ServiceFlags,
  io: ServiceIo,
  login?: { email: string; password: string },
): Promise<void> {
  // The web console, built by `npm run build` into dist/web beside this file's dist/cli.
  const consoleDir = fileURLToPath(new URL('../web/', import.meta.url));
  const hasConsole = existsSync(join(consoleDir, 'index.html'));
  const app = await buildServer({
    store,
    config,
    clock: io.now,
    logger: false,
    ...(hasConsole && { consoleDir }),
    law: readLawData(),
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  const children: ChildProcess[] = [];
  const workerArgs = [MAIN, 'worker'];
  if (flags.config !== undefined) workerArgs.push('--config', flags.config);
  workerArgs.push('--data-dir', config.dataDir);
  for (let i = 0; i < workers; i++) {
    children.push(spawn(process.execPath, workerArgs, { stdio: ['ignore', 'inherit', 'inherit'] }));
  }

  io.stdout.write(
    `Vigil is running at ${url}/ (${hasConsole ? `console: ${url}/console/, ` : ''}API documentation: ${url}/docs)\n`,
  );
  if (login !== undefined) {
    io.stdout.write(
      `Sign in with ${login.email} and the password ${login.password} (shown once${hasConsole ? `; sign in at ${url}/console/` : `: POST ${url}/v1/session`}).\n`,
    );
  }

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  for (const child of children) child.kill('SIGTERM');
  await app.close();
  await store.db.destroy();
}

// ---------------------------------------------------------------------------------------------
// vigil retention run

/** How many ids of each kind a dry run lists (the counts cover everything). */
const RETENTION_LISTED = 200;

export async function retentionRun(
  flags: ServiceFlags & {
    dryRun?: boolean;
    itemsDays?: string;
    victimDataDays?: string;
    evidenceDays?: string;
  },
  io: ServiceIo,
): Promise<void> {
  const config = loadConfig({
    flags: {
      dataDir: flags.dataDir,
      logLevel: flags.logLevel,
      retentionItemsDays: flags.itemsDays,
      retentionVictimDataDays: flags.victimDataDays,
      retentionEvidenceDays: flags.evidenceDays,
    },
    env: io.env,
    ...(flags.config !== undefined && { file: flags.config }),
  });
  const retention = retentionSettings(config);
  if (retention === undefined) {
    throw new VigilError(
      'CLI_USAGE',
      'No retention period is configured: set retentionItemsDays, retentionVictimDataDays or retentionEvidenceDays (VIGIL_RETENTION_ITEMS_DAYS, …), or pass --items-days, --victim-data-days or --evidence-days.',
    );
  }
  const { policy } = retention;
  const dryRun = flags.dryRun === true;
  const now = io.now().toISOString();
  const lines: string[] = [];
  const listed = { items: 0, victims: 0, evidence: 0 };
  const list = (kind: keyof typeof listed, line: string) => {
    if (listed[kind]++ < RETENTION_LISTED) lines.push(line);
  };
  const onPlan = (plan: RetentionPlan) => {
    if (!dryRun) return;
    for (const id of plan.items.delete) list('items', `  delete item ${id}`);
    for (const kept of plan.items.held) list('items', `  keep   item ${heldBy(kept)}`);
    for (const id of plan.items.inCase) list('items', `  keep   item ${id} (linked to a case)`);
    for (const victim of plan.victimData.shred) {
      list('victims', `  shred  victim data ${victim.personId} (case ${victim.caseId})`);
    }
    for (const kept of plan.victimData.held) {
      list('victims', `  keep   victim data ${heldBy(kept)} (case ${kept.caseId})`);
    }
    for (const id of plan.evidence.dispose) list('evidence', `  dispose evidence ${id}`);
    for (const kept of plan.evidence.held) list('evidence', `  keep    evidence ${heldBy(kept)}`);
  };
  const heldBy = (kept: { id: string; holds: readonly string[] }) =>
    `${kept.id} (held by ${kept.holds.join(', ')})`;
  const store = await openStore(config);
  try {
    const summary = await runRetention(store, {
      policy,
      now,
      dryRun,
      onPlan,
      ...(!dryRun && { blobs: createFsBlobStore(join(config.dataDir, 'evidence')) }),
    });
    const days = (value: number | undefined) => (value === undefined ? 'kept' : `${value} days`);
    io.stdout.write(
      `${dryRun ? 'Retention dry run (nothing deleted)' : 'Retention run'} at ${now}: items ${days(policy.items)} after receipt, victim data ${days(policy.victimData)} and evidence ${days(policy.evidence)} after their case closed.\n`,
    );
    for (const line of lines) io.stdout.write(`${line}\n`);
    const more = Object.values(listed).some((count) => count > RETENTION_LISTED);
    if (more) io.stdout.write(`  … (the first ${RETENTION_LISTED} of each kind are listed)\n`);
    const verb = dryRun ? 'would be ' : '';
    io.stdout.write(
      `Items: ${summary.items.deleted} ${verb}deleted, ${summary.items.held} kept by holds.\n` +
        `Victim data: ${summary.victimData.shredded} ${verb}shredded, ${summary.victimData.held} kept by holds.\n` +
        `Evidence: ${summary.evidence.disposed} ${verb}disposed${dryRun ? '' : ` (${summary.evidence.blobsDeleted} files removed)`}, ${summary.evidence.held} kept by holds.\n`,
    );
  } finally {
    await store.db.destroy();
  }
}
