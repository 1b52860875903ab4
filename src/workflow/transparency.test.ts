import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import { APPEAL_OUTCOMES, RESTRICTIONS } from './appeals.js';
import { NOTIFIER_TYPES } from './notices.js';
import { csvField, median, transparencyCsv, transparencyReport } from './transparency.js';

const VIOLENCE = 'STATEMENT_CATEGORY_VIOLENCE';
const JOBS = 'Jobs, "too good" offers';
const REMOVED = 'DECISION_VISIBILITY_CONTENT_REMOVED';
const SUSPENDED = 'DECISION_ACCOUNT_SUSPENDED';
const H = 3_600_000;
const D = 24 * H;

const decision = (over: Record<string, unknown>) => ({
  automatedDetection: false,
  automatedDecision: false,
  restrictions: [REMOVED],
  category: VIOLENCE,
  ...over,
});

const FIXTURE = {
  period: { from: '2025-01-01T00:00:00Z', to: '2025-07-01T00:00:00Z' },
  notices: [
    {
      id: 'n1',
      notifierType: 'individual',
      receivedAt: '2025-02-01T00:00:00Z',
      category: VIOLENCE,
    },
    {
      id: 'n2',
      notifierType: 'trusted-flagger',
      receivedAt: '2025-02-01T00:00:00Z',
      category: VIOLENCE,
    },
    {
      id: 'n3',
      notifierType: 'trusted-flagger',
      receivedAt: '2025-03-01T00:00:00Z',
      category: JOBS,
    },
    // Before the period: not counted, but its decision in the period is timed from it.
    { id: 'n4', notifierType: 'ngo', receivedAt: '2024-12-31T23:00:00Z', category: VIOLENCE },
    // "to" is exclusive.
    { id: 'n5', notifierType: 'authority', receivedAt: '2025-07-01T00:00:00Z', category: VIOLENCE },
  ],
  decisions: [
    decision({ id: 'd1', decidedAt: '2025-02-01T10:00:00Z', source: 'notice', noticeId: 'n1' }), // 10 h
    decision({
      id: 'd2',
      decidedAt: '2025-02-01T02:00:00Z',
      source: 'notice',
      noticeId: 'n2',
      automatedDecision: true,
    }), // 2 h
    decision({
      id: 'd3',
      decidedAt: '2025-03-01T04:00:00Z',
      source: 'notice',
      noticeId: 'n3',
      category: JOBS,
    }), // 4 h
    decision({ id: 'd4', decidedAt: '2025-01-01T06:00:00Z', source: 'notice', noticeId: 'n4' }), // 7 h
    decision({
      id: 'd5',
      decidedAt: '2025-04-01T00:00:00Z',
      source: 'own-initiative',
      automatedDetection: true,
      automatedDecision: true,
      restrictions: [REMOVED, SUSPENDED],
    }),
    decision({
      id: 'd6',
      decidedAt: '2025-05-01T00:00:00Z',
      source: 'own-initiative',
      restrictions: [],
      category: JOBS,
    }),
    decision({ id: 'd7', decidedAt: '2025-07-01T00:00:00Z', source: 'own-initiative' }), // outside
    decision({
      id: 'd8',
      decidedAt: '2025-06-01T00:00:00Z',
      source: 'notice',
      noticeId: 'n-missing',
    }),
  ],
  appeals: [
    {
      id: 'a1',
      filedAt: '2025-02-02T00:00:00Z',
      decidedAt: '2025-02-04T00:00:00Z',
      outcome: 'upheld',
    }, // 2 d
    {
      id: 'a2',
      filedAt: '2025-02-10T00:00:00Z',
      decidedAt: '2025-02-11T00:00:00Z',
      outcome: 'reversed',
    }, // 1 d
    {
      id: 'a3',
      filedAt: '2024-12-20T00:00:00Z',
      decidedAt: '2025-01-05T00:00:00Z',
      outcome: 'partially-reversed',
    }, // 16 d
    { id: 'a4', filedAt: '2025-06-30T00:00:00Z' }, // pending
    {
      id: 'a5',
      filedAt: '2025-06-25T00:00:00Z',
      decidedAt: '2025-07-02T00:00:00Z',
      outcome: 'reversed',
    }, // decided after
  ],
};

function fails(f: () => unknown): { message: string; paths: string[] } {
  try {
    f();
  } catch (e) {
    if (isVigilError(e, 'REQUEST_INVALID')) {
      const issues = (e.details?.issues ?? []) as { path: string }[];
      return { message: e.message, paths: issues.map((i) => i.path) };
    }
    throw e;
  }
  throw new Error('expected REQUEST_INVALID');
}

const zero = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 0]));

describe('transparencyReport', () => {
  it('aggregates a small fixture (hand-computed)', () => {
    const r = transparencyReport(FIXTURE);
    expect(r.notices).toEqual({
      total: 3,
      byNotifierType: { ...zero(NOTIFIER_TYPES), individual: 1, 'trusted-flagger': 2 },
      byCategory: { [JOBS]: 1, [VIOLENCE]: 2 },
    });
    expect(r.decisions).toEqual({
      total: 7,
      bySource: { notice: 5, 'own-initiative': 2 },
      automated: 2,
      automatedShare: 2 / 7,
      noticeNotFound: 1,
    });
    expect(r.ownInitiative).toEqual({
      total: 2,
      byRestriction: { ...zero(RESTRICTIONS), none: 1, [REMOVED]: 1, [SUSPENDED]: 1 },
      byDetection: { automated: 1, manual: 1 },
      byCategory: { [JOBS]: 1, [VIOLENCE]: 1 },
    });
    // All: 2, 4, 7, 10 h -> (4 + 7) / 2 = 5.5 h. Trusted flaggers: 2, 4 h -> 3 h.
    expect(r.medianTimeToActionMs).toEqual({ all: 5.5 * H, trustedFlagger: 3 * H });
    // Received: a1, a2, a4, a5 (filed in the period). Decided: a1, a2, a3 -> 1, 2, 16 d -> 2 d.
    expect(r.appeals).toEqual({
      received: 4,
      decided: 3,
      byOutcome: { upheld: 1, reversed: 1, 'partially-reversed': 1 },
      medianHandlingTimeMs: 2 * D,
    });
  });

  it('gives zeros and null medians for a period with no data (never NaN)', () => {
    const r = transparencyReport({
      ...FIXTURE,
      period: { from: '2030-01-01T00:00:00Z', to: '2030-02-01T00:00:00Z' },
    });
    expect(r.notices.total).toBe(0);
    expect(r.decisions.total).toBe(0);
    expect(r.decisions.automatedShare).toBeNull();
    expect(r.medianTimeToActionMs).toEqual({ all: null, trustedFlagger: null });
    expect(r.appeals.medianHandlingTimeMs).toBeNull();
    expect(r.appeals.byOutcome).toEqual(zero(APPEAL_OUTCOMES));
    expect(JSON.stringify(r)).not.toContain('NaN');
    const csv = transparencyCsv(r);
    expect(csv).not.toContain('NaN');
    expect(csv).toContain('median_time_to_action_ms,all notices,\r\n');
    expect(transparencyReport({ period: r.period }).notices.byCategory).toEqual({});
  });

  it('refuses an empty or reversed period, a decision before its notice, bad input', () => {
    expect(
      fails(() =>
        transparencyReport({
          period: { from: '2025-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' },
        }),
      ).paths,
    ).toEqual(['period.to']);
    const early = {
      ...FIXTURE,
      decisions: [
        decision({ id: 'x', decidedAt: '2025-01-31T00:00:00Z', source: 'notice', noticeId: 'n1' }),
      ],
    };
    expect(fails(() => transparencyReport(early)).message).toContain('decision x');
    expect(
      fails(() =>
        transparencyReport({
          ...FIXTURE,
          decisions: [
            decision({
              id: 'y',
              decidedAt: '2025-02-01T00:00:00Z',
              source: 'own-initiative',
              noticeId: 'n1',
            }),
          ],
        }),
      ).paths,
    ).toEqual(['decisions.0.noticeId']);
    expect(
      fails(() =>
        transparencyReport({
          ...FIXTURE,
          appeals: [{ id: 'a', filedAt: '2025-02-01T00:00:00Z', outcome: 'upheld' }],
        }),
      ).paths,
    ).toEqual(['appeals.0.outcome']);
    expect(
      fails(() =>
        transparencyReport({ ...FIXTURE, notices: [FIXTURE.notices[0], FIXTURE.notices[0]] }),
      ).message,
    ).toContain('n1 appears twice');
  });
});

describe('transparencyCsv', () => {
  it('writes metric,breakdown,value rows with RFC 4180 quoting', () => {
    const csv = transparencyCsv(transparencyReport(FIXTURE));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('metric,breakdown,value');
    expect(lines.at(-1)).toBe('');
    expect(lines).toContain('notices,total,3');
    expect(lines).toContain('notices_by_category,"Jobs, ""too good"" offers",1');
    expect(lines).toContain(`notices_by_category,${VIOLENCE},2`);
    expect(lines).toContain('notices_by_notifier_type,trusted-flagger,2');
    expect(lines).toContain(`own_initiative_by_restriction,${SUSPENDED},1`);
    expect(lines).toContain(`median_time_to_action_ms,trusted flaggers,${3 * H}`);
    expect(lines).toContain(`median_appeal_handling_time_ms,decided appeals,${2 * D}`);
    expect(lines).toContain('appeals_by_outcome,partially-reversed,1');
  });

  it('quotes fields and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(null)).toBe('');
    expect(csvField(0.5)).toBe('0.5');
  });
});

describe('properties', () => {
  const BASE = Date.parse('2025-01-01T00:00:00Z');
  const iso = (ms: number) => new Date(BASE + ms).toISOString();
  const CATS = [VIOLENCE, JOBS, 'other'];

  const world = fc
    .record({
      notices: fc.array(
        fc.record({
          type: fc.constantFrom(...NOTIFIER_TYPES),
          at: fc.integer({ min: 0, max: 100 * D }),
          cat: fc.constantFrom(...CATS),
        }),
        { maxLength: 30 },
      ),
      decisions: fc.array(
        fc.record({
          notice: fc.option(fc.nat(), { nil: undefined }),
          delay: fc.integer({ min: 0, max: 10 * D }),
          at: fc.integer({ min: 0, max: 100 * D }),
          detection: fc.boolean(),
          automated: fc.boolean(),
          restrictions: fc.subarray([...RESTRICTIONS], { maxLength: 3 }),
          cat: fc.constantFrom(...CATS),
        }),
        { maxLength: 30 },
      ),
      appeals: fc.array(
        fc.record({
          at: fc.integer({ min: 0, max: 100 * D }),
          took: fc.option(fc.integer({ min: 0, max: 30 * D }), { nil: undefined }),
          outcome: fc.constantFrom(...APPEAL_OUTCOMES),
        }),
        { maxLength: 30 },
      ),
      from: fc.integer({ min: 0, max: 60 * D }),
      length: fc.integer({ min: 1, max: 80 * D }),
    })
    .map((w) => {
      const notices = w.notices.map((n, i) => ({
        id: `n${i}`,
        notifierType: n.type,
        receivedAt: iso(n.at),
        category: n.cat,
      }));
      const decisions = w.decisions.map((d, i) => {
        const n =
          d.notice === undefined || w.notices.length === 0
            ? undefined
            : d.notice % w.notices.length;
        const common = {
          id: `d${i}`,
          automatedDetection: d.detection,
          automatedDecision: d.automated,
          restrictions: d.restrictions,
          category: d.cat,
        };
        return n === undefined
          ? { ...common, source: 'own-initiative' as const, decidedAt: iso(d.at) }
          : {
              ...common,
              source: 'notice' as const,
              noticeId: `n${n}`,
              decidedAt: iso((w.notices[n]?.at ?? 0) + d.delay),
            };
      });
      const appeals = w.appeals.map((a, i) => ({
        id: `a${i}`,
        filedAt: iso(a.at),
        ...(a.took === undefined ? {} : { decidedAt: iso(a.at + a.took), outcome: a.outcome }),
      }));
      return {
        period: { from: iso(w.from), to: iso(w.from + w.length) },
        notices,
        decisions,
        appeals,
      };
    });

  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  const within = (m: number | null, xs: number[]) =>
    xs.length === 0 ? m === null : m !== null && m >= Math.min(...xs) && m <= Math.max(...xs);

  it('counts add up and medians lie within [min, max] of the durations', () => {
    fc.assert(
      fc.property(world, (input) => {
        const r = transparencyReport(input);
        expect(sum(r.notices.byNotifierType)).toBe(r.notices.total);
        expect(sum(r.notices.byCategory)).toBe(r.notices.total);
        expect(sum(r.decisions.bySource)).toBe(r.decisions.total);
        expect(sum(r.ownInitiative.byDetection)).toBe(r.ownInitiative.total);
        expect(sum(r.ownInitiative.byCategory)).toBe(r.ownInitiative.total);
        // Each measure counts once per restriction, or once under "none".
        expect(sum(r.ownInitiative.byRestriction)).toBeGreaterThanOrEqual(r.ownInitiative.total);
        expect(sum(r.appeals.byOutcome)).toBe(r.appeals.decided);
        if (r.decisions.automatedShare !== null) {
          expect(r.decisions.automatedShare).toBeGreaterThanOrEqual(0);
          expect(r.decisions.automatedShare).toBeLessThanOrEqual(1);
        }

        const from = Date.parse(input.period.from);
        const to = Date.parse(input.period.to);
        const inP = (t: string) => Date.parse(t) >= from && Date.parse(t) < to;
        const byId = new Map(input.notices.map((n) => [n.id, n]));
        const all: number[] = [];
        const tf: number[] = [];
        for (const d of input.decisions) {
          if (!inP(d.decidedAt) || d.source !== 'notice') continue;
          const n = byId.get(d.noticeId);
          if (n === undefined) continue;
          const ms = Date.parse(d.decidedAt) - Date.parse(n.receivedAt);
          all.push(ms);
          if (n.notifierType === 'trusted-flagger') tf.push(ms);
        }
        const handling = input.appeals.flatMap((a) =>
          a.decidedAt !== undefined && inP(a.decidedAt)
            ? [Date.parse(a.decidedAt) - Date.parse(a.filedAt)]
            : [],
        );
        expect(within(r.medianTimeToActionMs.all, all)).toBe(true);
        expect(within(r.medianTimeToActionMs.trustedFlagger, tf)).toBe(true);
        expect(within(r.appeals.medianHandlingTimeMs, handling)).toBe(true);
        expect(transparencyCsv(r)).not.toContain('NaN');
      }),
      { numRuns: 200 },
    );
  });

  it('median lies within [min, max] for any finite numbers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 }),
        (xs) => {
          const m = median(xs) as number;
          return m >= Math.min(...xs) && m <= Math.max(...xs);
        },
      ),
    );
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
