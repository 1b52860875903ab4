import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import { type Appeal, appealDeadline, decideAppeal, fileAppeal } from './appeals.js';

const DECISION = {
  id: 'dec-1',
  decidedAt: '2025-03-10T12:00:00Z',
  reviewerId: 'rev-alice',
  restrictions: ['DECISION_VISIBILITY_CONTENT_REMOVED', 'DECISION_ACCOUNT_SUSPENDED'],
};
const INPUT = {
  id: 'app-1',
  complainant: { id: 'user-9', role: 'affected-recipient' },
  reason: 'The ad was for a legitimate job.',
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

const filed = (): Appeal => fileAppeal(DECISION, INPUT, '2025-04-01T09:00:00Z');

describe('fileAppeal (DSA Art. 20(1))', () => {
  it('files an appeal with its deadline', () => {
    const a = filed();
    expect(a).toMatchObject({
      id: 'app-1',
      state: 'filed',
      filedAt: '2025-04-01T09:00:00.000Z',
      deadline: '2025-09-10T12:00:00.000Z',
      decision: DECISION,
    });
    expect(a.outcome).toBeUndefined();
  });

  // Art. 20(1): "for a period of at least six months following the decision" (compliance.md
  // §3.1.3): the six-month period includes its last moment, so exactly six months is accepted.
  it('accepts a complaint filed exactly six months after the decision', () => {
    expect(fileAppeal(DECISION, INPUT, '2025-09-10T12:00:00Z').state).toBe('filed');
  });

  it('refuses one a millisecond later, naming the deadline', () => {
    const f = fails(() => fileAppeal(DECISION, INPUT, '2025-09-10T12:00:00.001Z'));
    expect(f.paths).toEqual(['now']);
    expect(f.message).toContain('ended on 2025-09-10T12:00:00.000Z');
    expect(f.message).toContain('Art. 20(1)');
  });

  it('never gives less than six months at the end of a month', () => {
    // 31 August + 6 months: no 31 February, so it rolls over to 3 March (the later day).
    expect(appealDeadline('2025-08-31T10:00:00Z')).toBe('2026-03-03T10:00:00.000Z');
  });

  it('refuses an appeal before the decision and bad input', () => {
    expect(fails(() => fileAppeal(DECISION, INPUT, '2025-03-10T11:59:59Z')).paths).toEqual(['now']);
    expect(
      fails(() =>
        fileAppeal({ ...DECISION, decidedAt: '2025-03-10' }, INPUT, '2025-04-01T00:00:00Z'),
      ).paths,
    ).toEqual(['decidedAt']);
    expect(
      fails(() =>
        fileAppeal(
          DECISION,
          { ...INPUT, complainant: { id: 'u', role: 'x' } },
          '2025-04-01T00:00:00Z',
        ),
      ).paths,
    ).toEqual(['complainant.role']);
    expect(fails(() => fileAppeal(DECISION, INPUT, 'yesterday')).paths).toEqual(['now']);
  });

  it('accepts appeals against decisions not to act (Art. 20(1)(a) "whether or not")', () => {
    const a = fileAppeal(
      { ...DECISION, restrictions: [] },
      { ...INPUT, complainant: { id: 'ngo-1', role: 'notifier' } },
      '2025-04-01T00:00:00Z',
    );
    expect(a.decision.restrictions).toEqual([]);
  });
});

describe('decideAppeal (DSA Art. 20(4), 20(6))', () => {
  const NOW = '2025-04-02T10:00:00Z';

  it('upheld: nothing to undo', () => {
    const r = decideAppeal(
      filed(),
      { outcome: 'upheld', reasons: 'The ad matches trafficking indicators.' },
      'rev-bob',
      NOW,
    );
    expect(r.undo).toEqual({ decisionId: 'dec-1', restrictions: [] });
    expect(r.reconsider).toBe(false);
    expect(r.appeal.state).toBe('decided');
    expect(r.appeal.outcome).toEqual({
      outcome: 'upheld',
      lifted: [],
      reviewerId: 'rev-bob',
      decidedAt: '2025-04-02T10:00:00.000Z',
      reasons: 'The ad matches trafficking indicators.',
    });
  });

  it('reversed: every restriction is undone', () => {
    const r = decideAppeal(
      filed(),
      { outcome: 'reversed', reasons: 'Legitimate job ad.' },
      'rev-bob',
      NOW,
    );
    expect(r.undo.restrictions).toEqual(DECISION.restrictions);
  });

  it('partially reversed: only the lifted restrictions are undone', () => {
    const r = decideAppeal(
      filed(),
      {
        outcome: 'partially-reversed',
        lift: ['DECISION_ACCOUNT_SUSPENDED'],
        reasons: 'Ad removal stands; the account suspension was disproportionate.',
      },
      'rev-bob',
      NOW,
    );
    expect(r.undo.restrictions).toEqual(['DECISION_ACCOUNT_SUSPENDED']);
    expect(r.appeal.outcome?.lifted).toEqual(['DECISION_ACCOUNT_SUSPENDED']);
  });

  it('refuses a partial reversal that lifts all, none or something not imposed', () => {
    const d = (lift: string[] | undefined) =>
      fails(() =>
        decideAppeal(
          filed(),
          { outcome: 'partially-reversed', lift, reasons: 'r' },
          'rev-bob',
          NOW,
        ),
      );
    expect(d([]).paths).toEqual(['lift']);
    expect(d(undefined).paths).toEqual(['lift']);
    expect(d(DECISION.restrictions).message).toContain('use "upheld" to lift none or "reversed"');
    expect(d(['DECISION_MONETARY_SUSPENSION']).message).toContain('was not imposed');
    expect(
      fails(() =>
        decideAppeal(
          filed(),
          { outcome: 'upheld', lift: ['DECISION_ACCOUNT_SUSPENDED'], reasons: 'r' },
          'rev-bob',
          NOW,
        ),
      ).paths,
    ).toEqual(['lift']);
  });

  it('a reversed decision not to act has nothing to undo but must be reconsidered', () => {
    const a = fileAppeal({ ...DECISION, restrictions: [] }, INPUT, '2025-04-01T00:00:00Z');
    const r = decideAppeal(
      a,
      { outcome: 'reversed', reasons: 'The notice was well founded.' },
      'rev-bob',
      NOW,
    );
    expect(r.undo.restrictions).toEqual([]);
    expect(r.reconsider).toBe(true);
    expect(
      fails(() =>
        decideAppeal(a, { outcome: 'partially-reversed', lift: [], reasons: 'r' }, 'rev-bob', NOW),
      ).paths,
    ).toEqual(['outcome']);
  });

  it('refuses the reviewer who took the decision', () => {
    const f = fails(() =>
      decideAppeal(filed(), { outcome: 'reversed', reasons: 'r' }, 'rev-alice', NOW),
    );
    expect(f.paths).toEqual(['reviewerId']);
    expect(f.message).toContain('different');
  });

  it('refuses a second decision (filed -> decided only once)', () => {
    const once = decideAppeal(filed(), { outcome: 'upheld', reasons: 'r' }, 'rev-bob', NOW).appeal;
    const f = fails(() =>
      decideAppeal(
        once,
        { outcome: 'reversed', reasons: 'r' },
        'rev-carol',
        '2025-04-03T00:00:00Z',
      ),
    );
    expect(f.paths).toEqual(['state']);
    expect(f.message).toContain('already decided (upheld)');
  });

  it('refuses a decision before the filing, and an inconsistent appeal record', () => {
    expect(
      fails(() =>
        decideAppeal(
          filed(),
          { outcome: 'upheld', reasons: 'r' },
          'rev-bob',
          '2025-04-01T08:00:00Z',
        ),
      ).paths,
    ).toEqual(['now']);
    expect(
      fails(() =>
        decideAppeal(
          { ...filed(), state: 'decided' },
          { outcome: 'upheld', reasons: 'r' },
          'rev-bob',
          NOW,
        ),
      ).paths,
    ).toEqual(['outcome']);
    expect(
      fails(() => decideAppeal(filed(), { outcome: 'upheld', reasons: ' ' }, 'rev-bob', NOW)).paths,
    ).toEqual(['reasons']);
  });
});
