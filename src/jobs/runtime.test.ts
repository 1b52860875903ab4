/**
 * The worker loop on every database of test/support/databases.ts: effects committed exactly
 * with their job's completion, failures retried without internals, jobs taken over by another
 * worker leaving nothing behind, and a clean stop.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { rejection } from '../../test/support/errors.js';
import { isVigilError, VigilError } from '../shared/errors.js';
import type { Db } from '../store/database.js';
import type { Job, ServiceStore } from '../store/repositories.js';
import { openServiceStore } from '../store/service-store.js';
import { type JobFunction, runWorker, type WorkerEvent, type WorkerOptions } from './runtime.js';

const DATABASES = testDatabases();

const T0 = Date.parse('2026-03-01T08:00:00.000Z');

/** A clock the test moves. */
function fakeClock() {
  let ms = T0;
  return {
    clock: () => new Date(ms),
    advance: (by: number) => {
      ms += by;
    },
    at: (by = 0) => new Date(ms + by).toISOString(),
  };
}

/** A handler whose effect is one audit record naming its job. */
function recording(store: ServiceStore): JobFunction {
  return async (job, trx, { now, worker }) => {
    await store.audit.record(
      { at: now, actor: `worker:${worker}`, action: 'test.effect', target: job.id },
      trx,
    );
  };
}

async function effects(store: ServiceStore): Promise<string[]> {
  const page = await store.audit.list({ action: 'test.effect' }, { limit: 500 });
  return page.items.map((record) => record.target as string).sort();
}

describe.each(DATABASES)('worker on $name', (database) => {
  let db: Db;
  let store: ServiceStore;

  beforeEach(async () => {
    db = await database.open();
    store = openServiceStore(db);
  });
  afterEach(() => db.destroy());

  it('runs every job once, committing its effect with its completion', async () => {
    const time = fakeClock();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++)
      ids.push((await store.jobs.enqueue({ kind: 'k', payload: i }, time.at())).id);
    const events: WorkerEvent[] = [];
    const stats = await runWorker({
      store,
      handlers: { k: recording(store) },
      worker: 'w1',
      batch: 4,
      clock: time.clock,
      untilIdle: true,
      onProgress: (event) => events.push(event),
    });
    expect(stats).toEqual({ claimed: 25, completed: 25, failed: 0, lost: 0, released: 0 });
    expect(await effects(store)).toEqual([...ids].sort());
    expect(await store.jobs.counts()).toEqual({ ready: 0, running: 0, done: 25, dead: 0 });
    expect(events.filter((e) => e.type === 'claimed')).toHaveLength(7);
    expect(events.at(-1)).toEqual({ type: 'idle' });
  });

  it('prepares a two-phase job outside its transaction and commits the result in it', async () => {
    const time = fakeClock();
    const good = await store.jobs.enqueue({ kind: 'two', payload: 'ok' }, time.at());
    const bad = await store.jobs.enqueue(
      { kind: 'two', payload: 'bad', maxAttempts: 1 },
      time.at(),
    );
    const phases: string[] = [];
    const stats = await runWorker({
      store,
      handlers: {
        two: {
          async prepare(job) {
            phases.push(`prepare ${job.payload}`);
            if (job.payload === 'bad') throw new VigilError('REQUEST_INVALID', 'Bad payload.');
            // Nothing is held yet: another writer gets in at once.
            await store.audit.record({ at: time.at(), actor: 'other', action: 'other.write' });
            return `computed ${job.payload}`;
          },
          async commit(job, prepared, trx, { now }) {
            phases.push(`commit ${prepared}`);
            await store.audit.record(
              { at: now, actor: 'w', action: 'test.effect', target: job.id },
              trx,
            );
          },
        },
      },
      worker: 'w1',
      clock: time.clock,
      untilIdle: true,
    });
    expect(stats).toMatchObject({ completed: 1, failed: 1 });
    expect(phases.sort()).toEqual(['commit computed ok', 'prepare bad', 'prepare ok']);
    expect(await effects(store)).toEqual([good.id]);
    expect(await store.jobs.get(bad.id)).toMatchObject({
      state: 'dead',
      lastError: 'Bad payload. [REQUEST_INVALID]',
    });
  });

  it('rolls back a failed job, retries it after a backoff, and keeps no internals', async () => {
    const time = fakeClock();
    const job = await store.jobs.enqueue({ kind: 'k', payload: null, maxAttempts: 2 }, time.at());
    const other = await store.jobs.enqueue({ kind: 'k', payload: null, maxAttempts: 2 }, time.at());
    let calls = 0;
    const handler: JobFunction = async (j, trx, context) => {
      await recording(store)(j, trx, context);
      calls++;
      if (j.id === job.id) throw new Error('connect ECONNREFUSED 10.0.0.7:5432 /srv/secret');
      throw new VigilError('REQUEST_INVALID', 'The payload is wrong.');
    };
    const failures: WorkerEvent[] = [];
    const run = () =>
      runWorker({
        store,
        handlers: { k: handler },
        worker: 'w1',
        clock: time.clock,
        untilIdle: true,
        onProgress: (event) => {
          if (event.type === 'failed') failures.push(event);
        },
      });
    expect(await run()).toMatchObject({ completed: 0, failed: 2 });
    const failed = await store.jobs.get(job.id);
    expect(failed).toMatchObject({ state: 'ready', attempts: 1, runAt: time.at(2000) });
    expect(failed?.lastError).toBe(
      "The k job failed with an unexpected error (Error); the worker's log has the details.",
    );
    expect((await store.jobs.get(other.id))?.lastError).toBe(
      'The payload is wrong. [REQUEST_INVALID]',
    );
    // The error itself goes to the composition root's log.
    expect(failures[0]).toMatchObject({ type: 'failed', state: 'ready', error: expect.any(Error) });
    expect(await effects(store)).toEqual([]);
    // Not before its run time; then its last attempt, then dead.
    expect(await run()).toMatchObject({ claimed: 0 });
    time.advance(2000);
    expect(await run()).toMatchObject({ claimed: 2, failed: 2 });
    expect(await store.jobs.counts()).toEqual({ ready: 0, running: 0, done: 0, dead: 2 });
    expect(calls).toBe(4);
    expect(await effects(store)).toEqual([]);
  });

  it('writes nothing for a job another worker took over', async () => {
    const time = fakeClock();
    const first = await store.jobs.enqueue({ kind: 'k', payload: 'first' }, time.at(-1));
    const second = await store.jobs.enqueue({ kind: 'k', payload: 'second' }, time.at());
    const handler: JobFunction = async (job, trx, context) => {
      await recording(store)(job, trx, context);
      if (job.id === first.id) {
        // This worker stalls past its leases, and another worker claims the second job (in
        // this transaction: on SQLite nothing else can write while it runs).
        time.advance(2000);
        const taken = await store.jobs.claim(
          { worker: 'w2', kinds: ['k'], limit: 5, leaseMs: 60_000 },
          time.at(),
        );
        expect(taken.map((j: Job) => j.id)).toEqual([second.id]);
      }
    };
    const stats = await runWorker({
      store,
      handlers: { k: handler },
      worker: 'w1',
      batch: 2,
      leaseMs: 1000,
      clock: time.clock,
      untilIdle: true,
    });
    expect(stats).toMatchObject({ claimed: 2, completed: 1, lost: 1 });
    expect(await effects(store)).toEqual([first.id]);
    expect(await store.jobs.get(second.id)).toMatchObject({ state: 'running', lockedBy: 'w2' });
  });

  it('stops after the current job when aborted, giving the rest of its batch back', async () => {
    const time = fakeClock();
    for (let i = 0; i < 5; i++) await store.jobs.enqueue({ kind: 'k', payload: i }, time.at());
    const controller = new AbortController();
    const handler: JobFunction = async (job, trx, context) => {
      await recording(store)(job, trx, context);
      controller.abort();
    };
    const stats = await runWorker({
      store,
      handlers: { k: handler },
      worker: 'w1',
      batch: 5,
      clock: time.clock,
      signal: controller.signal,
    });
    expect(stats).toEqual({ claimed: 5, completed: 1, failed: 0, lost: 0, released: 4 });
    expect(await store.jobs.counts()).toEqual({ ready: 4, running: 0, done: 1, dead: 0 });
    const ready = await store.jobs.list({ state: 'ready' }, {});
    expect(ready.items.map((job) => job.attempts)).toEqual([0, 0, 0, 0]);
  });

  it('polls while idle until aborted', async () => {
    const controller = new AbortController();
    let idle = 0;
    const running = runWorker({
      store,
      handlers: { k: recording(store) },
      worker: 'w1',
      pollMs: 10,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === 'idle' && ++idle === 2) {
          void store.jobs.enqueue({ kind: 'k', payload: null }, new Date().toISOString());
        }
        if (event.type === 'completed') controller.abort();
      },
    });
    expect(await running).toMatchObject({ completed: 1 });
    expect(idle).toBeGreaterThanOrEqual(2);
  });

  it('refuses settings it cannot run with', async () => {
    const bad: Partial<WorkerOptions>[] = [
      { handlers: {} },
      { handlers: { k: recording(store) }, kinds: ['other'] },
      { handlers: { k: recording(store) }, batch: 0 },
      { handlers: { k: recording(store) }, pollMs: 1 },
      { handlers: { k: recording(store) }, leaseMs: 0.5 },
      { handlers: { k: recording(store) }, worker: '' },
    ];
    for (const options of bad) {
      const error = await rejection(
        runWorker({ store, worker: 'w', handlers: {}, untilIdle: true, ...options }),
      );
      expect(isVigilError(error, 'CONFIG_INVALID'), JSON.stringify(Object.keys(options))).toBe(
        true,
      );
    }
  });
});
