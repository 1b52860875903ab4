/**
 * The job queue on every database of test/support/databases.ts: its state machine step by step,
 * against a model under random command sequences (fast-check), and under concurrent claimers
 * (several connection pools on PostgreSQL; on SQLite, whose writers take turns, claims from one
 * pool queued together).
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { rejection } from '../../test/support/errors.js';
import { isVigilError } from '../shared/errors.js';
import { type Db, openDatabase } from './database.js';
import { backoffMs, DEFAULT_MAX_ATTEMPTS, LEASE_EXPIRED_ERROR, MAX_BACKOFF_MS } from './queue.js';
import type { Job, JobQueue, JobState } from './repositories.js';
import { openServiceStore } from './service-store.js';

const DATABASES = testDatabases();

const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

async function codeOf(promise: Promise<unknown>): Promise<string | unknown> {
  const error = await rejection(promise);
  return isVigilError(error) ? error.code : error;
}

/** Every job, oldest first. */
async function allJobs(queue: JobQueue): Promise<Job[]> {
  const jobs: Job[] = [];
  let cursor: string | undefined;
  do {
    const page = await queue.list({}, { limit: 500, ...(cursor !== undefined && { cursor }) });
    jobs.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined);
  return jobs.reverse();
}

describe('backoff', () => {
  it('doubles from 2 s and stops at an hour', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([2000, 4000, 8000, 16000]);
    expect(backoffMs(12)).toBe(MAX_BACKOFF_MS);
    expect(backoffMs(1000)).toBe(MAX_BACKOFF_MS);
  });
});

describe.each(DATABASES)('job queue on $name', (database) => {
  let db: Db;
  let queue: JobQueue;

  beforeEach(async () => {
    db = await database.open();
    queue = openServiceStore(db).jobs;
  });
  afterEach(() => db.destroy());

  it('enqueues, claims, completes', async () => {
    const job = await queue.enqueue({ kind: 'analyze', payload: { items: ['a', 'b'] } }, at(0));
    expect(job).toEqual({
      id: expect.stringMatching(/^job_[0-9a-hjkmnp-tv-z]{26}$/),
      kind: 'analyze',
      payload: { items: ['a', 'b'] },
      state: 'ready',
      attempts: 0,
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
      runAt: at(0),
      createdAt: at(0),
    });
    expect(await queue.get(job.id)).toEqual(job);
    expect(
      await queue.claim({ worker: 'w1', kinds: ['link'], limit: 5, leaseMs: 1000 }, at(1)),
    ).toEqual([]);
    const [claimed] = await queue.claim(
      { worker: 'w1', kinds: ['analyze', 'link'], limit: 5, leaseMs: 1000 },
      at(10),
    );
    expect(claimed).toEqual({
      ...job,
      state: 'running',
      attempts: 1,
      leaseUntil: at(1010),
      lockedBy: 'w1',
    });
    // Held: nobody else gets it while the lease lasts.
    expect(
      await queue.claim({ worker: 'w2', kinds: ['analyze'], limit: 5, leaseMs: 1000 }, at(500)),
    ).toEqual([]);
    expect(await queue.complete(job.id, 'w2', at(20))).toBe(false);
    expect(await queue.complete(job.id, 'w1', at(20))).toBe(true);
    expect(await queue.get(job.id)).toEqual({
      ...job,
      state: 'done',
      attempts: 1,
      lockedBy: 'w1',
      finishedAt: at(20),
    });
    // A second completion (a late duplicate) changes nothing.
    expect(await queue.complete(job.id, 'w1', at(30))).toBe(false);
    expect(await queue.counts()).toEqual({ ready: 0, running: 0, done: 1, dead: 0 });
  });

  it('claims in run-time order, up to the limit, only when the run time has come', async () => {
    const first = await queue.enqueue({ kind: 'k', payload: 1 }, at(0));
    const second = await queue.enqueue({ kind: 'k', payload: 2 }, at(5));
    const third = await queue.enqueue({ kind: 'k', payload: 3 }, at(10));
    expect(
      (await queue.claim({ worker: 'w', kinds: ['k'], limit: 5, leaseMs: 100 }, at(6))).map(
        (j) => j.id,
      ),
    ).toEqual([first.id, second.id]);
    expect(
      (await queue.claim({ worker: 'w', kinds: ['k'], limit: 1, leaseMs: 100 }, at(10))).map(
        (j) => j.id,
      ),
    ).toEqual([third.id]);
  });

  it('retries a failure after a growing backoff, then dead-letters it with its error', async () => {
    const job = await queue.enqueue({ kind: 'k', payload: null, maxAttempts: 3 }, at(0));
    const claim = (now: number) =>
      queue.claim({ worker: 'w', kinds: ['k'], limit: 1, leaseMs: 60_000 }, at(now));
    expect(await claim(0)).toHaveLength(1);
    expect(await queue.fail(job.id, 'other', 'nope', at(1))).toBe('running');
    expect(await queue.fail(job.id, 'w', 'first failure', at(1))).toBe('ready');
    expect(await queue.get(job.id)).toMatchObject({
      state: 'ready',
      attempts: 1,
      runAt: at(2001),
      lastError: 'first failure',
    });
    expect(await claim(2000)).toEqual([]);
    expect(await claim(2001)).toHaveLength(1);
    expect(await queue.fail(job.id, 'w', 'second failure', at(3000))).toBe('ready');
    expect((await queue.get(job.id))?.runAt).toBe(at(7000));
    expect(await claim(7000)).toHaveLength(1);
    expect(await queue.fail(job.id, 'w', 'third failure', at(8000))).toBe('dead');
    const dead = await queue.get(job.id);
    expect(dead).toMatchObject({
      state: 'dead',
      attempts: 3,
      lastError: 'third failure',
      finishedAt: at(8000),
    });
    expect(dead?.leaseUntil).toBeUndefined();
    expect(await claim(999_999)).toEqual([]);
    expect(await queue.fail(job.id, 'w', 'again', at(9000))).toBe('dead');
    expect(await codeOf(queue.fail('job_missing', 'w', 'x', at(0)))).toBe('NOT_FOUND');
  });

  it('gives a job whose lease passed to another worker, and the late worker completes nothing', async () => {
    const job = await queue.enqueue({ kind: 'k', payload: null }, at(0));
    await queue.claim({ worker: 'dies', kinds: ['k'], limit: 1, leaseMs: 1000 }, at(0));
    expect(
      await queue.claim({ worker: 'next', kinds: ['k'], limit: 1, leaseMs: 1000 }, at(999)),
    ).toEqual([]);
    const [again] = await queue.claim(
      { worker: 'next', kinds: ['k'], limit: 1, leaseMs: 1000 },
      at(1000),
    );
    expect(again).toMatchObject({
      id: job.id,
      attempts: 2,
      lockedBy: 'next',
      leaseUntil: at(2000),
    });
    expect(await queue.complete(job.id, 'dies', at(1500))).toBe(false);
    expect(await queue.fail(job.id, 'dies', 'late', at(1500))).toBe('running');
    expect(await queue.complete(job.id, 'next', at(1500))).toBe(true);
  });

  it('dead-letters a job whose worker died during its last attempt', async () => {
    const job = await queue.enqueue({ kind: 'k', payload: null, maxAttempts: 1 }, at(0));
    await queue.claim({ worker: 'dies', kinds: ['k'], limit: 1, leaseMs: 1000 }, at(0));
    expect(
      await queue.claim({ worker: 'next', kinds: ['k'], limit: 1, leaseMs: 1000 }, at(5000)),
    ).toEqual([]);
    expect(await queue.get(job.id)).toMatchObject({
      state: 'dead',
      attempts: 1,
      lastError: LEASE_EXPIRED_ERROR,
      finishedAt: at(5000),
    });
  });

  it('releases an unstarted job without counting the attempt', async () => {
    const job = await queue.enqueue({ kind: 'k', payload: null }, at(0));
    await queue.claim({ worker: 'w', kinds: ['k'], limit: 1, leaseMs: 1000 }, at(0));
    expect(await queue.release(job.id, 'other', at(1))).toBe(false);
    expect(await queue.release(job.id, 'w', at(1))).toBe(true);
    expect(await queue.get(job.id)).toEqual(job);
    expect(await queue.release(job.id, 'w', at(2))).toBe(false);
  });

  it('keeps one waiting job per kind and key', async () => {
    const first = await queue.enqueue({ kind: 'link', payload: {}, key: 'all' }, at(0));
    const again = await queue.enqueue({ kind: 'link', payload: {}, key: 'all' }, at(1));
    expect(again).toEqual(first);
    const otherKey = await queue.enqueue({ kind: 'link', payload: {}, key: 'other' }, at(1));
    const otherKind = await queue.enqueue({ kind: 'other', payload: {}, key: 'all' }, at(1));
    expect(new Set([first.id, otherKey.id, otherKind.id]).size).toBe(3);
    // Once claimed, new work gets a new waiting job; a second one while that waits is the same.
    await queue.claim({ worker: 'w', kinds: ['link'], limit: 5, leaseMs: 1000 }, at(2));
    const next = await queue.enqueue({ kind: 'link', payload: {}, key: 'all' }, at(3));
    expect(next.id).not.toBe(first.id);
    expect(await queue.enqueue({ kind: 'link', payload: {}, key: 'all' }, at(4))).toEqual(next);
    // A failed job comes back as ready beside the waiting one: the key no longer binds it.
    expect(await queue.fail(first.id, 'w', 'x', at(5))).toBe('ready');
    expect((await queue.counts()).ready).toBe(3);
  });

  it('joins a caller transaction: a rolled-back enqueue leaves nothing', async () => {
    const store = openServiceStore(db);
    const failure = new Error('roll back');
    const error = await rejection(
      store.transaction(async (trx) => {
        await queue.enqueue({ kind: 'k', payload: null }, at(0), trx);
        await queue.enqueue({ kind: 'k', payload: null, key: 'x' }, at(0), trx);
        throw failure;
      }),
    );
    expect(error).toBe(failure);
    expect(await queue.counts()).toEqual({ ready: 0, running: 0, done: 0, dead: 0 });
  });

  it('lists newest first in pages, filtered by state and kind', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await queue.enqueue({ kind: i % 2 ? 'odd' : 'even', payload: i }, at(i))).id);
    }
    const first = await queue.list({}, { limit: 3 });
    expect(first.items.map((job) => job.id)).toEqual([ids[6], ids[5], ids[4]]);
    const second = await queue.list({}, { limit: 3, cursor: first.next });
    expect(second.items.map((job) => job.id)).toEqual([ids[3], ids[2], ids[1]]);
    const last = await queue.list({}, { limit: 3, cursor: second.next });
    expect(last).toEqual({ items: [expect.objectContaining({ id: ids[0] })] });
    expect((await queue.list({ kind: 'odd' }, {})).items.map((job) => job.id)).toEqual([
      ids[5],
      ids[3],
      ids[1],
    ]);
    expect((await queue.list({ state: 'done' }, {})).items).toEqual([]);
    expect(await codeOf(queue.list({}, { cursor: 'bad cursor' }))).toBe('CURSOR_INVALID');
    expect(await codeOf(queue.list({}, { limit: 501 }))).toBe('REQUEST_INVALID');
  });

  it('refuses a bad kind or maxAttempts', async () => {
    expect(await codeOf(queue.enqueue({ kind: '', payload: null }, at(0)))).toBe('REQUEST_INVALID');
    expect(await codeOf(queue.enqueue({ kind: 'k', payload: null, maxAttempts: 0 }, at(0)))).toBe(
      'REQUEST_INVALID',
    );
  });

  it('follows its model under random commands', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(COMMAND, { minLength: 5, maxLength: 40, size: 'max' }),
        async (commands) => {
          await db.deleteFrom('job').execute();
          const model = new QueueModel();
          for (const command of commands) {
            await runCommand(command, queue, model);
            expect(await allJobs(queue)).toEqual(model.jobs());
          }
          expect(await queue.counts()).toEqual(model.counts());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never gives one job to two claimers at once', async () => {
    const JOBS = 120;
    const stores =
      database.dialect === 'postgres'
        ? await openPools(await database.location(), 4)
        : Array.from({ length: 4 }, () => openServiceStore(db));
    const queues = stores.map((store) => store.jobs);
    const first = queues[0] as JobQueue;
    try {
      for (let i = 0; i < JOBS; i++) await first.enqueue({ kind: 'k', payload: i }, at(0));
      const round = async (now: number, complete: boolean) => {
        const claims = await Promise.all(
          queues.map(async (queue, w) => {
            const got: string[] = [];
            for (;;) {
              const jobs = await queue.claim(
                { worker: `w${w}`, kinds: ['k'], limit: 3, leaseMs: 10_000 },
                at(now),
              );
              if (jobs.length === 0) return got;
              for (const job of jobs) {
                got.push(job.id);
                if (complete && job.attempts === 2 && job.payload !== 0) {
                  expect(await queue.complete(job.id, `w${w}`, at(now))).toBe(true);
                }
              }
            }
          }),
        );
        const all = claims.flat();
        expect(new Set(all).size).toBe(all.length);
        return all;
      };
      // Every job once; then, their leases passed, every job once more.
      expect(await round(0, false)).toHaveLength(JOBS);
      expect(await round(10_000, true)).toHaveLength(JOBS);
      const counts = await first.counts();
      expect(counts).toEqual({ ready: 0, running: 1, done: JOBS - 1, dead: 0 });
    } finally {
      if (database.dialect === 'postgres') {
        await Promise.all(stores.map((store) => store.db.destroy()));
      }
    }
  });
});

async function openPools(
  location: Awaited<ReturnType<(typeof DATABASES)[number]['location']>>,
  n: number,
) {
  const stores = [];
  for (let i = 0; i < n; i++) stores.push(openServiceStore(await openDatabase(location)));
  return stores;
}

// ---------------------------------------------------------------------------------------------
// The model

type Command =
  | { type: 'enqueue'; kind: string; maxAttempts: number; key: string | undefined }
  | { type: 'claim'; worker: string; kinds: readonly string[]; limit: number; leaseMs: number }
  | { type: 'complete' | 'fail' | 'release'; pick: number; worker: string; holder: boolean }
  | { type: 'advance'; ms: number };

const WORKER = fc.constantFrom('w1', 'w2', 'w3');
const COMMAND: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('enqueue' as const),
      kind: fc.constantFrom('a', 'b'),
      maxAttempts: fc.constantFrom(1, 1, 2, 3),
      key: fc.constantFrom(undefined, 'k'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('claim' as const),
      worker: WORKER,
      kinds: fc.constantFrom(['a'], ['b'], ['a', 'b']),
      limit: fc.integer({ min: 1, max: 3 }),
      leaseMs: fc.constantFrom(1000, 5000),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constantFrom('complete' as const, 'fail' as const, 'release' as const),
      pick: fc.nat(),
      worker: WORKER,
      // Mostly the worker that holds the job, so that transitions happen.
      holder: fc.constantFrom(true, true, true, false),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('advance' as const),
      // Around the leases (1 s, 5 s) and the first backoffs (2 s, 4 s).
      ms: fc.oneof(fc.constantFrom(0, 1000, 2000, 4000, 5000), fc.integer({ min: 0, max: 9000 })),
    }),
  },
);

interface ModelJob {
  id: string;
  kind: string;
  payload: unknown;
  key: string | undefined;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  runAt: number;
  leaseUntil: number | undefined;
  lockedBy: string | undefined;
  lastError: string | undefined;
  createdAt: number;
  finishedAt: number | undefined;
}

class QueueModel {
  now = 0;
  private readonly list: ModelJob[] = [];
  private serial = 0;

  nextPayload(): number {
    return this.serial++;
  }

  add(job: Job, key: string | undefined): void {
    this.list.push({
      id: job.id,
      kind: job.kind,
      payload: job.payload,
      key,
      state: 'ready',
      attempts: 0,
      maxAttempts: job.maxAttempts,
      runAt: this.now,
      leaseUntil: undefined,
      lockedBy: undefined,
      lastError: undefined,
      createdAt: this.now,
      finishedAt: undefined,
    });
  }

  waiting(kind: string, key: string): ModelJob | undefined {
    return this.list.find((job) => job.state === 'ready' && job.kind === kind && job.key === key);
  }

  pick(index: number): ModelJob | undefined {
    return this.list.length === 0 ? undefined : this.list[index % this.list.length];
  }

  claim(worker: string, kinds: readonly string[], limit: number, leaseMs: number): string[] {
    const now = this.now;
    for (const job of this.list) {
      if (
        kinds.includes(job.kind) &&
        job.state === 'running' &&
        (job.leaseUntil as number) <= now &&
        job.attempts >= job.maxAttempts
      ) {
        Object.assign(job, {
          state: 'dead',
          lastError: LEASE_EXPIRED_ERROR,
          finishedAt: now,
          leaseUntil: undefined,
        });
      }
    }
    const eligible = this.list
      .filter(
        (job) =>
          kinds.includes(job.kind) &&
          ((job.state === 'ready' && job.runAt <= now) ||
            (job.state === 'running' &&
              (job.leaseUntil as number) <= now &&
              job.attempts < job.maxAttempts)),
      )
      .sort(
        (a, b) =>
          a.runAt - b.runAt ||
          a.createdAt - b.createdAt ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      )
      .slice(0, limit);
    for (const job of eligible) {
      Object.assign(job, {
        state: 'running',
        attempts: job.attempts + 1,
        leaseUntil: now + leaseMs,
        lockedBy: worker,
        key: undefined,
      });
    }
    return eligible.map((job) => job.id);
  }

  complete(job: ModelJob, worker: string): boolean {
    if (job.state !== 'running' || job.lockedBy !== worker) return false;
    Object.assign(job, { state: 'done', finishedAt: this.now, leaseUntil: undefined });
    return true;
  }

  release(job: ModelJob, worker: string): boolean {
    if (job.state !== 'running' || job.lockedBy !== worker) return false;
    Object.assign(job, {
      state: 'ready',
      attempts: job.attempts - 1,
      leaseUntil: undefined,
      lockedBy: undefined,
    });
    return true;
  }

  fail(job: ModelJob, worker: string, error: string): JobState {
    if (job.state !== 'running' || job.lockedBy !== worker) return job.state;
    if (job.attempts >= job.maxAttempts) {
      Object.assign(job, {
        state: 'dead',
        lastError: error,
        finishedAt: this.now,
        leaseUntil: undefined,
      });
    } else {
      Object.assign(job, {
        state: 'ready',
        lastError: error,
        runAt: this.now + backoffMs(job.attempts),
        leaseUntil: undefined,
        lockedBy: undefined,
      });
    }
    return job.state;
  }

  jobs(): Job[] {
    return [...this.list]
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((job) => ({
        id: job.id,
        kind: job.kind,
        payload: job.payload,
        state: job.state,
        attempts: job.attempts,
        maxAttempts: job.maxAttempts,
        runAt: at(job.runAt),
        ...(job.leaseUntil !== undefined && { leaseUntil: at(job.leaseUntil) }),
        ...(job.lockedBy !== undefined && { lockedBy: job.lockedBy }),
        ...(job.lastError !== undefined && { lastError: job.lastError }),
        createdAt: at(job.createdAt),
        ...(job.finishedAt !== undefined && { finishedAt: at(job.finishedAt) }),
      }));
  }

  counts(): Record<JobState, number> {
    const counts: Record<JobState, number> = { ready: 0, running: 0, done: 0, dead: 0 };
    for (const job of this.list) counts[job.state]++;
    return counts;
  }
}

async function runCommand(command: Command, queue: JobQueue, model: QueueModel): Promise<void> {
  const now = at(model.now);
  switch (command.type) {
    case 'enqueue': {
      const payload = model.nextPayload();
      const job = await queue.enqueue(
        {
          kind: command.kind,
          payload,
          maxAttempts: command.maxAttempts,
          ...(command.key !== undefined && { key: command.key }),
        },
        now,
      );
      const waiting =
        command.key === undefined ? undefined : model.waiting(command.kind, command.key);
      if (waiting === undefined) model.add(job, command.key);
      else expect(job.id).toBe(waiting.id);
      return;
    }
    case 'claim': {
      const claimed = await queue.claim(
        {
          worker: command.worker,
          kinds: command.kinds,
          limit: command.limit,
          leaseMs: command.leaseMs,
        },
        now,
      );
      expect(claimed.map((job) => job.id)).toEqual(
        model.claim(command.worker, command.kinds, command.limit, command.leaseMs),
      );
      return;
    }
    case 'advance':
      model.now += command.ms;
      return;
    default: {
      const job = model.pick(command.pick);
      if (job === undefined) return;
      const worker = command.holder && job.lockedBy !== undefined ? job.lockedBy : command.worker;
      if (command.type === 'complete') {
        expect(await queue.complete(job.id, worker, now)).toBe(model.complete(job, worker));
      } else if (command.type === 'release') {
        expect(await queue.release(job.id, worker, now)).toBe(model.release(job, worker));
      } else {
        const error = `failed at ${model.now}`;
        expect(await queue.fail(job.id, worker, error, now)).toBe(model.fail(job, worker, error));
      }
    }
  }
}
