/**
 * The analyze and link jobs on every database of test/support/databases.ts, over synthetic
 * corpus items: analyses equal the scan engine's, one link run follows many analyze jobs, and
 * templates and networks grown run by run equal those found over all items at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { everyPage } from '../../test/support/pages.js';
import { analyzeItem, createEngine } from '../analyze/analyze.js';
import { identifiersOf } from '../analyze/link-item.js';
import { compileRules, parseRuleFile } from '../analyze/rules.js';
import type { Item } from '../analyze/types.js';
import { generateCorpus } from '../corpus/index.js';
import type { Db } from '../store/database.js';
import type { ServiceStore } from '../store/repositories.js';
import { openServiceStore } from '../store/service-store.js';
import { ANALYZE_JOB, LINK_DELAY_MS, LINK_JOB, runWorker, serviceHandlers } from './index.js';

const DATABASES = testDatabases();

/** Built as the CLI builds it (cli/rules-files.ts): every rule file shipped in rules/. */
const RULES_DIR = new URL('../../rules/', import.meta.url);
const engine = createEngine({
  rules: compileRules(
    readdirSync(RULES_DIR)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => parseRuleFile(name, readFileSync(new URL(name, RULES_DIR), 'utf8'))),
  ),
});

const CORPUS = [...generateCorpus({ n: 240, seed: 7 })].map((record) => record.item);
const T0 = Date.parse('2026-03-01T08:00:00.000Z');

/** Ingests items in jobs of `perJob` items, as the HTTP API does. */
async function ingest(
  store: ServiceStore,
  items: readonly Item[],
  receivedAt: string,
  perJob = 25,
) {
  for (let i = 0; i < items.length; i += perJob) {
    await store.transaction(async (trx) => {
      const results = await store.items.ingest(
        items.slice(i, i + perJob),
        { source: 'corpus', receivedAt },
        trx,
      );
      await store.jobs.enqueue(
        { kind: ANALYZE_JOB, payload: { items: results.map((r) => r.id) } },
        receivedAt,
        trx,
      );
    });
  }
}

/** Runs the jobs due at `at`, then (LINK_DELAY_MS later) the link run they asked for. */
async function work(store: ServiceStore, at: number) {
  const run = (time: number) =>
    runWorker({
      store,
      handlers: serviceHandlers({ store, engine }),
      worker: 'test',
      batch: 20,
      clock: () => new Date(time),
      untilIdle: true,
    });
  const first = await run(at);
  const second = await run(at + LINK_DELAY_MS);
  return {
    claimed: first.claimed + second.claimed,
    completed: first.completed + second.completed,
    failed: first.failed + second.failed,
    lost: first.lost + second.lost,
    released: first.released + second.released,
  };
}

/** What linking stored, comparable between databases. */
async function linked(store: ServiceStore) {
  const templates = await everyPage((cursor) =>
    store.links.listTemplates({ limit: 500, ...(cursor !== undefined && { cursor }) }),
  );
  const networks = await everyPage((cursor) =>
    store.links.listNetworks({}, { limit: 500, ...(cursor !== undefined && { cursor }) }),
  );
  const items = await everyPage((cursor) =>
    store.items.list({}, { limit: 500, ...(cursor !== undefined && { cursor }) }),
  );
  return {
    templates,
    networks,
    links: Object.fromEntries(items.map((item) => [item.id, [item.template, item.network]])),
  };
}

describe.each(DATABASES)('service jobs on $name', (database) => {
  let db: Db;
  let store: ServiceStore;

  beforeEach(async () => {
    db = await database.open();
    store = openServiceStore(db);
  });
  afterEach(() => db.destroy());

  it('analyses every item as the scan does, then links them in one run', async () => {
    const items = CORPUS.slice(0, 150);
    await ingest(store, items, new Date(T0).toISOString());
    const stats = await work(store, T0 + 1000);
    // Six analyze jobs and one link job: the first analyze job enqueued it, the rest found it.
    expect(stats).toMatchObject({ completed: 7, failed: 0 });
    expect(await store.jobs.counts()).toEqual({ ready: 0, running: 0, done: 7, dead: 0 });
    expect((await store.jobs.list({ kind: LINK_JOB }, {})).items).toHaveLength(1);

    const stored = await everyPage((cursor) =>
      store.items.list({}, { limit: 200, ...(cursor !== undefined && { cursor }) }),
    );
    expect(stored).toHaveLength(items.length);
    const phones = new Map<string, number>();
    for (const item of stored) {
      const expected = analyzeItem(item.item, engine);
      expect(item.analysis).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(item).toMatchObject({
        risk: expected.risk,
        band: expected.band,
        analyzedAt: new Date(T0 + 1000).toISOString(),
      });
      for (const id of identifiersOf(item.item, expected)) {
        if (id.startsWith('phone:')) phones.set(id, (phones.get(id) ?? 0) + 1);
      }
    }
    // The identifiers are indexed: every item with the most shared phone.
    const [phone, count] = [...phones].sort((a, b) => b[1] - a[1])[0] as [string, number];
    expect(count).toBeGreaterThan(1);
    const carriers = await store.items.withIdentifier(phone, { limit: 500 });
    expect(carriers.items).toHaveLength(count);

    const { templates, networks, links } = await linked(store);
    expect(templates.length).toBeGreaterThan(3);
    expect(networks.length).toBeGreaterThan(1);
    for (const template of templates) {
      for (const member of template.members) expect(links[member]?.[0]).toBe(template.id);
    }
    for (const network of networks) {
      for (const member of network.members) expect(links[member]?.[1]).toBe(network.id);
    }
    const inTemplates = new Set(templates.flatMap((t) => t.members));
    const inNetworks = new Set(networks.flatMap((n) => n.members));
    for (const [id, [template, network]] of Object.entries(links)) {
      expect(template !== undefined, id).toBe(inTemplates.has(id));
      expect(network !== undefined, id).toBe(inNetworks.has(id));
    }
    expect(templates.some((t) => t.parts !== undefined)).toBe(true);
    // Nothing changes when linking again with nothing new.
    await store.jobs.enqueue({ kind: LINK_JOB, payload: {} }, new Date(T0 + 2000).toISOString());
    await work(store, T0 + 3000);
    expect(await linked(store)).toEqual({ templates, networks, links });
  });

  it('grows templates and networks run by run as they would be found at once', async () => {
    const batches = [CORPUS.slice(0, 80), CORPUS.slice(80, 170), CORPUS.slice(170)];
    for (const [i, batch] of batches.entries()) {
      await ingest(store, batch, new Date(T0 + i * 10_000).toISOString());
      await work(store, T0 + i * 10_000 + 5000);
    }
    const grown = await linked(store);

    const other = await database.open();
    try {
      const once = openServiceStore(other);
      for (const [i, batch] of batches.entries()) {
        await ingest(once, batch, new Date(T0 + i * 10_000).toISOString());
      }
      await work(once, T0 + 30_000);
      expect((await once.jobs.list({ kind: LINK_JOB }, {})).items).toHaveLength(1);
      expect(await linked(once)).toEqual(grown);
    } finally {
      await other.destroy();
    }
    expect((await store.jobs.list({ kind: LINK_JOB }, {})).items).toHaveLength(3);
  });

  it('puts a link run off while analyses wait, and retries a run that another overtook', async () => {
    await ingest(store, CORPUS.slice(0, 50), new Date(T0).toISOString());
    const handlers = serviceHandlers({ store, engine });
    const link = handlers[LINK_JOB];
    if (link === undefined || typeof link === 'function') throw new Error('two-phase expected');
    const context = { now: new Date(T0).toISOString(), worker: 'w' };
    // Analyses wait: nothing is computed, and the commit asks for a later run.
    const job = await store.jobs.enqueue({ kind: LINK_JOB, payload: {} }, context.now);
    expect(await link.prepare(job, context)).toBeUndefined();
    await work(store, T0);
    // Two runs computed side by side: the first to commit wins, the second is refused.
    const first = await link.prepare(job, context);
    const second = await link.prepare(job, context);
    expect(first).toBeDefined();
    await store.transaction(async (trx) => {
      await store.links.saveIndex(new Uint8Array([1, 2, 3, 4]), trx);
    });
    await expect(
      store.transaction((trx) => link.commit(job, second, trx, context)),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('fails an analyze job whose payload is not a list of item ids', async () => {
    const job = await store.jobs.enqueue(
      { kind: ANALYZE_JOB, payload: { items: 'x' } },
      new Date(T0).toISOString(),
    );
    // Failed, and failed again when its backoff (2 s) had passed at the second run.
    expect(await work(store, T0)).toMatchObject({ completed: 0, failed: 2 });
    expect((await store.jobs.get(job.id))?.lastError).toMatch(/payload must be .*REQUEST_INVALID/);
    // Unknown ids are skipped; with nothing analysed, no link run is asked for.
    await store.jobs.enqueue(
      { kind: ANALYZE_JOB, payload: { items: ['itm_unknown'] } },
      new Date(T0).toISOString(),
    );
    expect(await work(store, T0)).toMatchObject({ completed: 1 });
    expect((await store.jobs.list({ kind: LINK_JOB }, {})).items).toEqual([]);
  });
});
