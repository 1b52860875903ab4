/**
 * Exactly-once job effects under SIGKILL. Items are ingested with analyze jobs; a worker process
 * (support/worker-child.mjs, built code from dist/) that holds each job's transaction open a
 * while is killed once it has completed a job, in the middle of its batch and, most likely, of a
 * transaction with writes made but not committed. A second worker process then takes over the
 * jobs whose leases passed. In the end every item was analysed exactly once (the analysis count
 * the store keeps is 1), no job is lost, left running or dead, and the link run followed.
 *
 * Runs on every database whose data outlives a process: an SQLite file, and PostgreSQL when
 * VIGIL_TEST_DATABASE_URL is set.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { generateCorpus } from '../src/corpus/index.js';
import { ANALYZE_JOB, LINK_JOB } from '../src/jobs/index.js';
import { type Db, openDatabase } from '../src/store/database.js';
import type { ServiceStore } from '../src/store/repositories.js';
import { openServiceStore } from '../src/store/service-store.js';
import { testDatabases } from './support/databases.js';

const CHILD = new URL('./support/worker-child.mjs', import.meta.url).pathname;
const BUILT_JOBS = new URL('../dist/jobs/index.js', import.meta.url).pathname;
const DATABASES = testDatabases().filter((database) => database.persistent);

const ITEMS = 60;
const ITEMS_PER_JOB = 3;
const LEASE_MS = 1500;
/** How long the first worker holds each analyze job's transaction open after its writes. */
const DELAY_MS = 150;

interface Worker {
  readonly child: ChildProcess;
  readonly events: { type: string; job?: string; message?: string }[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

function startWorker(location: object, worker: string, delayMs: number): Worker {
  const child = spawn(
    process.execPath,
    [CHILD, JSON.stringify(location), worker, String(LEASE_MS), String(delayMs)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const events: Worker['events'] = [];
  let pending = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) events.push(JSON.parse(line));
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, events, exited, stderr: () => stderr };
}

async function waitFor(condition: () => Promise<boolean>, failure: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(failure());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

describe.each(DATABASES)('jobs under SIGKILL on $name', (database) => {
  it('analyses every item exactly once and loses no job', async () => {
    expect(existsSync(BUILT_JOBS), 'build dist first: npm run build').toBe(true);
    const location = await database.location();
    const db: Db = await openDatabase(location);
    try {
      const store: ServiceStore = openServiceStore(db);
      const now = new Date().toISOString();
      const items = [...generateCorpus({ n: ITEMS, seed: 11 })].map((record) => record.item);
      for (let i = 0; i < items.length; i += ITEMS_PER_JOB) {
        await store.transaction(async (trx) => {
          const results = await store.items.ingest(
            items.slice(i, i + ITEMS_PER_JOB),
            { source: 'crash', receivedAt: now },
            trx,
          );
          await store.jobs.enqueue(
            { kind: ANALYZE_JOB, payload: { items: results.map((r) => r.id) } },
            now,
            trx,
          );
        });
      }
      const analyzeJobs = ITEMS / ITEMS_PER_JOB;

      const first = startWorker(location, 'first', DELAY_MS);
      running.push(first.child);
      await waitFor(
        async () => (await store.jobs.counts()).done >= 1,
        () => `the first worker completed no job; stderr: ${first.stderr()}`,
      );
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      // Killed mid-batch: jobs it had claimed are still running, under its expiring leases.
      const afterKill = await store.jobs.counts();
      expect(afterKill.running).toBeGreaterThan(0);
      expect(afterKill.done).toBeLessThan(analyzeJobs);

      const second = startWorker(location, 'second', 0);
      running.push(second.child);
      await waitFor(
        async () => {
          const counts = await store.jobs.counts();
          return counts.ready === 0 && counts.running === 0;
        },
        () => `the second worker did not finish; stderr: ${second.stderr()}`,
      );
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
      expect(second.events.filter((event) => event.type === 'failed')).toEqual([]);

      const counts = await store.jobs.counts();
      expect(counts).toMatchObject({ ready: 0, running: 0, dead: 0 });
      const analyses = await db
        .selectFrom('item')
        .select(['external_id', 'analysis_count', 'analyzed_at'])
        .execute();
      expect(analyses).toHaveLength(ITEMS);
      expect(analyses.filter((row) => row.analysis_count !== 1)).toEqual([]);
      // The jobs the dead worker held ran again, from nothing.
      const jobs = await store.jobs.list({ kind: ANALYZE_JOB }, { limit: 500 });
      expect(jobs.items).toHaveLength(analyzeJobs);
      expect(jobs.items.every((job) => job.state === 'done')).toBe(true);
      expect(jobs.items.filter((job) => job.attempts === 2).length).toBeGreaterThan(0);
      expect(
        jobs.items.filter((job) => job.attempts === 2).every((job) => job.lockedBy === 'second'),
      ).toBe(true);
      // And linking followed the last analyses.
      const links = await store.jobs.list({ kind: LINK_JOB }, { limit: 500 });
      expect(links.items.length).toBeGreaterThan(0);
      expect(links.items.every((job) => job.state === 'done')).toBe(true);
      const linked = await store.items.list({ analyzed: true }, { limit: 500 });
      expect(linked.items).toHaveLength(ITEMS);
      expect((await store.links.listTemplates({ limit: 500 })).items.length).toBeGreaterThan(0);
    } finally {
      await db.destroy();
    }
  });
});
