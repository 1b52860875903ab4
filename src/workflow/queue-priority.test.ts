import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import { compareRanked, JOB_SOURCES, type Job, priorityOf, rankQueue } from './queue-priority.js';

const NOW = '2025-03-10T12:00:00Z';
const NOW_MS = Date.parse(NOW);
const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

const base: Job = {
  id: 'job-1',
  risk: 0.5,
  source: 'individual',
  createdAt: '2025-03-09T12:00:00Z',
};

// Times within ±60 days of NOW, whole seconds.
const instant = fc
  .integer({ min: -60 * 24 * 3600, max: 60 * 24 * 3600 })
  .map((s) => iso(NOW_MS + s * 1000));
const jobArb = (idArb: fc.Arbitrary<string>) =>
  fc
    .record(
      {
        id: idArb,
        risk: fc.double({ min: 0, max: 1, noNaN: true }),
        source: fc.constantFrom(...JOB_SOURCES),
        createdAt: instant,
        deadline: instant,
      },
      { requiredKeys: ['id', 'risk', 'source', 'createdAt'] },
    )
    .map((j) =>
      j.source === 'authority-order' && j.deadline === undefined ? { ...j, deadline: NOW } : j,
    ) as fc.Arbitrary<Job>;
const uniqueJobs = fc.uniqueArray(jobArb(fc.stringMatching(/^[a-z0-9]{1,6}$/)), {
  selector: (j) => j.id,
  maxLength: 30,
});

const ranked = (jobs: Job[]) => rankQueue(jobs, NOW).map((r) => r.id);

describe('priorityOf', () => {
  it('explains every part of the score', () => {
    const p = priorityOf(
      { ...base, source: 'trusted-flagger', deadline: '2025-03-10T18:00:00Z' },
      NOW,
    );
    expect(p.reasons).toHaveLength(4);
    expect(p.reasons[0]).toBe('risk 0.50: +20.0');
    expect(p.reasons[1]).toContain('Art. 22');
    expect(p.reasons[2]).toContain('in 6.0 h');
    expect(p.reasons[3]).toBe('waiting 24.0 h: +2.5');
    // 20 + 30 + 35 * 2^(-6/12) + 2.5
    expect(p.score).toBeCloseTo(20 + 30 + 35 / Math.SQRT2 + 2.5, 10);
  });

  it('gives overdue deadlines the most, growing with the time overdue', () => {
    const overdue = priorityOf({ ...base, deadline: '2025-03-09T12:00:00Z' }, NOW);
    expect(overdue.reasons[2]).toContain('overdue by 24.0 h');
    expect(overdue.score).toBeCloseTo(20 + 41 + 2.5, 10);
    const due = priorityOf({ ...base, deadline: NOW }, NOW);
    expect(due.score).toBeCloseTo(20 + 40 + 2.5, 10);
  });

  it('ranks sources: trusted flagger, authority order, internal detection, individual', () => {
    const score = (source: Job['source']) =>
      priorityOf({ ...base, source, deadline: '2025-04-10T12:00:00Z' }, NOW).score;
    expect(score('trusted-flagger')).toBeGreaterThan(score('authority-order'));
    expect(score('authority-order')).toBeGreaterThan(score('internal-detection'));
    expect(score('internal-detection')).toBeGreaterThan(score('individual'));
    expect(score('ngo')).toBe(score('individual'));
  });

  it('rejects bad jobs with actionable messages', () => {
    const fail = (job: unknown, now = NOW) => {
      try {
        priorityOf(job, now);
      } catch (e) {
        if (isVigilError(e, 'REQUEST_INVALID')) return e.message;
      }
      throw new Error('expected REQUEST_INVALID');
    };
    expect(fail({ ...base, risk: 1.5 })).toContain('risk: must be between 0 and 1');
    expect(fail({ ...base, source: 'authority-order' })).toContain('orderDeadline');
    expect(fail({ ...base, createdAt: 'yesterday' })).toContain('createdAt');
    expect(fail(base, 'now')).toContain('now must be an ISO 8601 UTC time');
  });
});

describe('rankQueue', () => {
  it('orders by score, then age, then id, and numbers the ranks', () => {
    const jobs: Job[] = [
      { ...base, id: 'b' },
      { ...base, id: 'a' },
      { ...base, id: 'old', createdAt: '2025-03-01T12:00:00Z' },
      { ...base, id: 'tf', source: 'trusted-flagger' },
      { ...base, id: 'order', source: 'authority-order', deadline: '2025-03-10T11:00:00Z' },
    ];
    const r = rankQueue(jobs, NOW);
    expect(r.map((x) => x.id)).toEqual(['order', 'tf', 'old', 'a', 'b']);
    expect(r.map((x) => x.rank)).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses duplicate ids and names the bad job', () => {
    expect(() => rankQueue([base, base], NOW)).toThrow(/duplicate job id "job-1"/);
    expect(() => rankQueue([base, { ...base, id: 'x', risk: -1 }], NOW)).toThrow(/jobs\[1\]/);
  });

  it('property: a trusted-flagger notice outranks an otherwise identical individual one', () => {
    fc.assert(
      fc.property(jobArb(fc.constant('x')), (job) => {
        const individual = { ...job, id: 'i', source: 'individual' as const };
        const tf = { ...job, id: 't', source: 'trusted-flagger' as const };
        expect(priorityOf(tf, NOW).score).toBeGreaterThan(priorityOf(individual, NOW).score);
        expect(ranked([individual, tf])).toEqual(['t', 'i']);
      }),
    );
  });

  it('property: an overdue deadline outranks a far one', () => {
    fc.assert(
      fc.property(
        jobArb(fc.constant('x')),
        fc.integer({ min: 0, max: 365 * 24 }),
        fc.integer({ min: 1, max: 365 * 24 }),
        (job, overdueH, farH) => {
          const overdue = { ...job, id: 'z-overdue', deadline: iso(NOW_MS - overdueH * H) };
          const far = { ...job, id: 'a-far', deadline: iso(NOW_MS + farH * H) };
          expect(ranked([far, overdue])).toEqual(['z-overdue', 'a-far']);
        },
      ),
    );
  });

  it('property: ranking is a total order (antisymmetric, transitive, total)', () => {
    fc.assert(
      fc.property(uniqueJobs, (jobs) => {
        const rs = jobs.map((job) => ({ ...priorityOf(job, NOW), job }));
        for (const a of rs) {
          expect(compareRanked(a, a)).toBe(0);
          for (const b of rs) {
            const ab = Math.sign(compareRanked(a, b));
            expect(ab + Math.sign(compareRanked(b, a))).toBe(0);
            if (a !== b) expect(ab).not.toBe(0);
            for (const c of rs) {
              if (ab < 0 && compareRanked(b, c) < 0) expect(compareRanked(a, c)).toBeLessThan(0);
            }
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it('property: the ranking does not depend on input order', () => {
    fc.assert(
      fc.property(
        uniqueJobs.chain((jobs) =>
          fc.tuple(fc.constant(jobs), fc.shuffledSubarray(jobs, { minLength: jobs.length })),
        ),
        ([jobs, shuffled]) => {
          expect(ranked(shuffled)).toEqual(ranked(jobs));
          expect(ranked([...jobs].reverse())).toEqual(ranked(jobs));
        },
      ),
    );
  });
});
