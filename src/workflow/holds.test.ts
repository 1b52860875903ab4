import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import {
  type HoldInput,
  holdExpiry,
  holdsOn,
  isHeld,
  releaseHold,
  remindersDue,
  renewHold,
} from './holds.js';

const START = '2025-03-10T12:00:00Z';
const hold = (over: Partial<HoldInput> = {}): HoldInput => ({
  id: 'h-1',
  basis: '2703f',
  scope: { itemIds: ['item-1'], accountIds: ['acct-1'] },
  start: START,
  reference: 'Agency X, request 2025-17',
  ...over,
});

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

describe('holdExpiry', () => {
  it('cybertipline-report: 1 year from the report (18 U.S.C. 2258A(h)(1), REPORT Act)', () => {
    expect(holdExpiry(hold({ basis: 'cybertipline-report' }))).toBe('2026-03-10T12:00:00.000Z');
    // 29 February rolls over to 1 March (the later day keeps the data longer).
    expect(holdExpiry(hold({ basis: 'cybertipline-report', start: '2024-02-29T00:00:00Z' }))).toBe(
      '2025-03-01T00:00:00.000Z',
    );
  });
  it('2703f: 90 days, +90 after the renewal (18 U.S.C. 2703(f)(2))', () => {
    expect(holdExpiry(hold())).toBe('2025-06-08T12:00:00.000Z');
    expect(holdExpiry(hold({ renewals: ['2025-05-01T00:00:00Z'] }))).toBe(
      '2025-09-06T12:00:00.000Z',
    );
  });
  it('e-evidence-preservation: 60 days, +30 on request (Reg. (EU) 2023/1543 Art. 11)', () => {
    expect(holdExpiry(hold({ basis: 'e-evidence-preservation' }))).toBe('2025-05-09T12:00:00.000Z');
    expect(
      holdExpiry(hold({ basis: 'e-evidence-preservation', renewals: ['2025-05-01T00:00:00Z'] })),
    ).toBe('2025-06-08T12:00:00.000Z');
  });
  it('litigation: until released', () => {
    expect(holdExpiry(hold({ basis: 'litigation' }))).toBeNull();
    expect(
      holdExpiry(
        hold({ basis: 'litigation', releasedAt: '2027-01-01T00:00:00Z', releaseReason: 'settled' }),
      ),
    ).toBe('2027-01-01T00:00:00.000Z');
  });
  it('a release before the statutory expiry ends the hold then', () => {
    const released = releaseHold(hold(), '2025-04-01T00:00:00Z', 'request withdrawn by agency');
    expect(holdExpiry(released)).toBe('2025-04-01T00:00:00.000Z');
  });
  it('rejects invalid holds with the field and the fix', () => {
    expect(fails(() => holdExpiry(hold({ scope: {} }))).message).toContain(
      'at least one of itemIds, evidenceIds, accountIds or caseIds',
    );
    expect(fails(() => holdExpiry(hold({ basis: 'gdpr' as never }))).paths).toEqual(['basis']);
    expect(fails(() => holdExpiry(hold({ start: '10/03/2025' }))).paths).toEqual(['start']);
    expect(
      fails(() => holdExpiry(hold({ renewals: ['2025-04-01T00:00:00Z', '2025-05-01T00:00:00Z'] })))
        .message,
    ).toContain('2703(f)(2)');
    expect(fails(() => holdExpiry(hold({ releasedAt: '2025-04-01T00:00:00Z' }))).paths).toEqual([
      'releaseReason',
    ]);
  });
});

describe('renewHold', () => {
  it('renews a 2703(f) hold once and refuses a second renewal, naming the rule', () => {
    const once = renewHold(hold(), '2025-06-01T00:00:00Z');
    expect(once.renewals).toEqual(['2025-06-01T00:00:00.000Z']);
    const second = fails(() => renewHold(once, '2025-09-01T00:00:00Z'));
    expect(second.message).toContain('18 U.S.C. 2703(f)(2)');
    expect(second.message).toContain('allows 1 renewal(s)');
    expect(second.paths).toEqual(['renewals']);
  });
  it('refuses a renewal after the expiry, for a released hold and for non-renewable bases', () => {
    expect(fails(() => renewHold(hold(), '2025-06-09T00:00:00Z')).message).toContain('expired on');
    const released = releaseHold(hold(), '2025-04-01T00:00:00Z', 'withdrawn');
    expect(fails(() => renewHold(released, '2025-04-02T00:00:00Z')).message).toContain(
      'was released',
    );
    expect(
      fails(() => renewHold(hold({ basis: 'cybertipline-report' }), '2025-06-01T00:00:00Z'))
        .message,
    ).toContain('2258A(h)(1)');
    expect(
      fails(() => renewHold(hold({ basis: 'litigation' }), '2025-06-01T00:00:00Z')).message,
    ).toContain('until released');
  });
  it('extends an e-Evidence preservation once by 30 days', () => {
    const h = renewHold(hold({ basis: 'e-evidence-preservation' }), '2025-05-01T00:00:00Z');
    expect(holdExpiry(h)).toBe('2025-06-08T12:00:00.000Z');
    expect(fails(() => renewHold(h, '2025-05-02T00:00:00Z')).message).toContain('2023/1543');
  });
});

describe('releaseHold', () => {
  it('refuses a second release, a release before the start and a missing reason', () => {
    const released = releaseHold(hold(), '2025-04-01T00:00:00Z', ' withdrawn ');
    expect(released.releaseReason).toBe('withdrawn');
    expect(fails(() => releaseHold(released, '2025-04-02T00:00:00Z', 'again')).paths).toEqual([
      'releasedAt',
    ]);
    expect(fails(() => releaseHold(hold(), '2025-03-01T00:00:00Z', 'x')).paths).toEqual(['now']);
    expect(fails(() => releaseHold(hold(), '2025-04-01T00:00:00Z', '')).paths).toEqual([
      'releaseReason',
    ]);
  });
});

describe('isHeld', () => {
  const holds = [
    hold(),
    hold({ id: 'h-2', basis: 'litigation', scope: { evidenceIds: ['ev-1'] } }),
    hold({ id: 'h-3', basis: 'litigation', scope: { caseIds: ['case_1'] } }),
  ];
  it('holds a whole case when its scope names it', () => {
    expect(isHeld({ kind: 'case', id: 'case_1' }, holds, '2030-01-01T00:00:00Z')).toBe(true);
    expect(isHeld({ kind: 'case', id: 'case_2' }, holds, '2030-01-01T00:00:00Z')).toBe(false);
    expect(isHeld({ kind: 'item', id: 'case_1' }, holds, '2030-01-01T00:00:00Z')).toBe(false);
  });
  it('holds data in scope until expiry or release', () => {
    expect(isHeld({ kind: 'item', id: 'item-1' }, holds, '2025-04-01T00:00:00Z')).toBe(true);
    expect(isHeld({ kind: 'account', id: 'acct-1' }, holds, '2025-04-01T00:00:00Z')).toBe(true);
    expect(isHeld({ kind: 'item', id: 'item-2' }, holds, '2025-04-01T00:00:00Z')).toBe(false);
    // Ids are per kind: an evidence id does not hold an item of the same name.
    expect(isHeld({ kind: 'item', id: 'ev-1' }, holds, '2025-04-01T00:00:00Z')).toBe(false);
    expect(isHeld({ kind: 'item', id: 'item-1' }, holds, '2025-06-08T12:00:00Z')).toBe(false);
    expect(isHeld({ kind: 'evidence', id: 'ev-1' }, holds, '2035-01-01T00:00:00Z')).toBe(true);
    const released = [releaseHold(holds[1], '2026-01-01T00:00:00Z', 'matter closed')];
    expect(isHeld({ kind: 'evidence', id: 'ev-1' }, released, '2025-12-31T00:00:00Z')).toBe(true);
    expect(isHeld({ kind: 'evidence', id: 'ev-1' }, released, '2026-01-01T00:00:00Z')).toBe(false);
    expect(holdsOn({ kind: 'item', id: 'item-1' }, holds, '2025-04-01T00:00:00Z')[0]?.id).toBe(
      'h-1',
    );
  });
  it('property: a 2703(f) hold holds its scope for 90 days, or 180 once renewed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 * 24 }), fc.boolean(), (hours, renewed) => {
        const h = renewed ? renewHold(hold(), '2025-04-01T00:00:00Z') : hold();
        const now = new Date(Date.parse(START) + hours * 3_600_000).toISOString();
        expect(isHeld({ kind: 'item', id: 'item-1' }, [h], now)).toBe(
          hours < (renewed ? 180 : 90) * 24,
        );
      }),
    );
  });
});

describe('remindersDue', () => {
  const holds = [
    hold(), // expires 2025-06-08T12:00Z
    hold({ id: 'h-2', basis: 'e-evidence-preservation' }), // 2025-05-09T12:00Z
    hold({ id: 'h-3', basis: 'cybertipline-report' }), // 2026-03-10
    hold({ id: 'h-4', basis: 'litigation' }),
    hold({ id: 'h-5', basis: 'e-evidence-preservation', renewals: ['2025-04-01T00:00:00Z'] }), // 2025-06-08T12:00Z
  ];
  it('lists active holds expiring within the lead time, soonest first, with what to do', () => {
    const r = remindersDue(holds, '2025-05-01T12:00:00Z', 40);
    expect(r.map((x) => x.holdId)).toEqual(['h-2', 'h-1', 'h-5']);
    expect(r[0]).toMatchObject({ basis: 'e-evidence-preservation', daysLeft: 8 });
    expect(r[0]?.action).toContain('renew it 1 more time(s) by 30 days');
    expect(r[2]?.action).toContain('no renewal is left');
    expect(remindersDue(holds, '2025-05-01T12:00:00Z', 7)).toEqual([]);
    // Expired holds are not reminded.
    expect(remindersDue(holds, '2025-06-09T00:00:00Z', 30)).toEqual([]);
  });
  it('rejects a bad lead time', () => {
    expect(fails(() => remindersDue(holds, START, -1)).message).toContain('leadDays');
    expect(fails(() => remindersDue(holds, START, 1.5)).paths).toEqual(['leadDays']);
  });
});
