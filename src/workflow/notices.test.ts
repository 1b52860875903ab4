import { describe, expect, it } from 'vitest';
import { isVigilError, type VigilError } from '../shared/errors.js';
import {
  type NoticeInput,
  noticeDecisionMessage,
  type OrderInput,
  orderDeadline,
  parseNotice,
  parseOrder,
} from './notices.js';

const AT = '2025-03-10T12:00:00Z';

const complete: NoticeInput = {
  id: 'n-1',
  notifier: { type: 'individual', name: 'A. Person', email: 'a.person@example.org' },
  explanation:
    'The ad offers a "job" with housing and debt repayment; typical trafficking pattern.',
  locations: { urls: ['https://classifieds.example/ad/123'], itemIds: ['item-123'] },
  goodFaith: true,
  category: 'STATEMENT_CATEGORY_VIOLENCE',
  keywords: ['KEYWORD_HUMAN_TRAFFICKING'],
};

function error(f: () => unknown): VigilError {
  try {
    f();
  } catch (e) {
    if (isVigilError(e)) return e;
    throw e;
  }
  throw new Error('expected a VigilError');
}
const paths = (e: VigilError) =>
  ((e.details?.issues ?? []) as { path: string; message: string }[]).map((i) => i.path);

describe('parseNotice (DSA Art. 16)', () => {
  it('accepts a complete notice: actual knowledge, receipt to the notifier', () => {
    const n = parseNotice(complete, AT, { receiptId: 'rcpt-9' });
    expect(n.completeness).toEqual({ actualKnowledge: true, missing: [], notApplicable: [] });
    expect(n.receivedAt).toBe('2025-03-10T12:00:00.000Z');
    expect(n.receipt).toMatchObject({
      id: 'rcpt-9',
      noticeId: 'n-1',
      to: 'a.person@example.org',
      send: true,
      receivedAt: '2025-03-10T12:00:00.000Z',
      received: {
        urls: ['https://classifieds.example/ad/123'],
        itemIds: ['item-123'],
        category: 'STATEMENT_CATEGORY_VIOLENCE',
        elements: ['explanation', 'locations', 'identity', 'goodFaith'],
      },
    });
    expect(n.receipt.text).toContain('n-1');
  });

  it('names every missing element, with the fix', () => {
    const e = error(() =>
      parseNotice({ id: 'n-2', notifier: { type: 'individual' }, locations: { urls: [] } }, AT),
    );
    expect(e.code).toBe('REQUEST_INVALID');
    expect(paths(e)).toEqual(['explanation', 'locations', 'notifier', 'goodFaith']);
    expect(e.message).toContain('explanation');
    expect(e.message).toContain('3 more problem');
    const messages = ((e.details?.issues ?? []) as { message: string }[])
      .map((i) => i.message)
      .join('\n');
    expect(messages).toContain('Art. 16(2)(a)');
    expect(messages).toContain('Art. 16(2)(b)');
    expect(messages).toContain('Art. 16(2)(c)');
    expect(messages).toContain('Art. 16(2)(d)');
    expect(messages).toContain('Directive 2011/93/EU');
  });

  it('accepts an incomplete notice on request, without actual knowledge', () => {
    const n = parseNotice({ ...complete, goodFaith: undefined, explanation: undefined }, AT, {
      allowIncomplete: true,
    });
    expect(n.completeness.actualKnowledge).toBe(false);
    expect(n.completeness.missing).toEqual(['explanation', 'goodFaith']);
    expect(n.receipt.text).toContain('It lacks');
  });

  it('still refuses a notice with no location, even when incomplete notices are allowed', () => {
    const e = error(() =>
      parseNotice({ ...complete, locations: undefined }, AT, { allowIncomplete: true }),
    );
    expect(paths(e)).toEqual(['locations']);
  });

  it('exempts child sexual abuse notices from name and e-mail (Art. 16(2)(c)), not trafficking', () => {
    const anonymous = { ...complete, notifier: { type: 'individual' as const } };
    const n = parseNotice({ ...anonymous, childSexualAbuse: true }, AT);
    expect(n.completeness.actualKnowledge).toBe(true);
    expect(n.completeness.notApplicable[0]?.element).toBe('identity');
    expect(n.receipt.send).toBe(false);
    expect(n.receipt.to).toBeNull();
    expect(paths(error(() => parseNotice(anonymous, AT)))).toEqual(['notifier']);
  });

  it('internal detection needs no notifier identity or good-faith statement', () => {
    const n = parseNotice(
      {
        id: 'n-3',
        notifier: { type: 'internal-detection' },
        explanation: 'Indicator rules fired',
        locations: { itemIds: ['item-1'] },
      },
      AT,
    );
    expect(n.completeness.actualKnowledge).toBe(true);
    expect(n.receipt.send).toBe(false);
  });

  it('requires the awarding coordinator for trusted flaggers and only for them', () => {
    const tf = {
      ...complete,
      notifier: { ...complete.notifier, type: 'trusted-flagger' as const },
    };
    expect(paths(error(() => parseNotice(tf, AT)))).toEqual(['notifier.trustedFlagger']);
    const ok = parseNotice(
      { ...tf, notifier: { ...tf.notifier, trustedFlagger: { awardedBy: 'Coimisiún na Meán' } } },
      AT,
    );
    expect(ok.notifier.trustedFlagger).toEqual({ awardedBy: 'Coimisiún na Meán', area: null });
    const notTf = {
      ...complete,
      notifier: { ...complete.notifier, trustedFlagger: { awardedBy: 'X' } },
    };
    expect(paths(error(() => parseNotice(notTf, AT)))).toEqual(['notifier.trustedFlagger']);
  });

  it('keeps an earlier channel time, refuses a later one, rejects bad times and fields', () => {
    expect(parseNotice({ ...complete, receivedAt: '2025-03-10T11:00:00Z' }, AT).receivedAt).toBe(
      '2025-03-10T11:00:00.000Z',
    );
    expect(
      paths(error(() => parseNotice({ ...complete, receivedAt: '2025-03-10T13:00:00Z' }, AT))),
    ).toEqual(['receivedAt']);
    expect(error(() => parseNotice(complete, '2025-03-10')).message).toContain('receivedAt');
    expect(error(() => parseNotice(complete, '2025-02-30T00:00:00Z')).message).toContain(
      'ISO 8601',
    );
    expect(
      paths(error(() => parseNotice({ ...complete, locations: { urls: ['not a url'] } }, AT))),
    ).toEqual(['locations.urls.0']);
    expect(
      paths(
        error(() =>
          parseNotice({ ...complete, notifier: { ...complete.notifier, email: 'x' } }, AT),
        ),
      ),
    ).toEqual(['notifier.email']);
    expect(paths(error(() => parseNotice({ ...complete, extra: 1 }, AT)))).toEqual(['(notice)']);
    const many = Array.from({ length: 101 }, (_, i) => `item-${i}`);
    expect(
      paths(error(() => parseNotice({ ...complete, locations: { itemIds: many } }, AT))),
    ).toEqual(['locations.itemIds']);
  });

  it('deduplicates locations and sorts keywords', () => {
    const n = parseNotice(
      {
        ...complete,
        locations: { itemIds: ['a', 'a', 'b'] },
        keywords: ['KEYWORD_HUMAN_TRAFFICKING', 'KEYWORD_HUMAN_EXPLOITATION'],
      },
      AT,
    );
    expect(n.locations.itemIds).toEqual(['a', 'b']);
    expect(n.keywords).toEqual(['KEYWORD_HUMAN_EXPLOITATION', 'KEYWORD_HUMAN_TRAFFICKING']);
  });
});

describe('orders (DSA Arts 9 and 10)', () => {
  const act: OrderInput = {
    id: 'o-1',
    kind: 'act',
    issuingAuthority: { name: 'Example Prosecutor', country: 'DE' },
    legalBasis: 'Art. 9 DSA; national law',
    receivedAt: '2025-03-10T08:00:00Z',
    deadlineHours: 24,
    locations: { itemIds: ['item-1'] },
  };

  it('computes the deadline from hours or takes the stated instant', () => {
    expect(orderDeadline(act)).toBe('2025-03-11T08:00:00.000Z');
    expect(
      orderDeadline({ ...act, deadlineHours: undefined, deadline: '2025-03-12T17:00:00Z' }),
    ).toBe('2025-03-12T17:00:00.000Z');
  });

  it('refuses orders without exactly one deadline, with a deadline in the past, or without targets', () => {
    expect(paths(error(() => orderDeadline({ ...act, deadlineHours: undefined })))).toEqual([
      'deadline',
    ]);
    expect(paths(error(() => parseOrder({ ...act, deadline: '2025-03-12T00:00:00Z' })))).toEqual([
      'deadline',
    ]);
    expect(
      paths(
        error(() =>
          parseOrder({ ...act, deadlineHours: undefined, deadline: '2025-03-10T07:00:00Z' }),
        ),
      ),
    ).toEqual(['deadline']);
    expect(paths(error(() => parseOrder({ ...act, locations: undefined })))).toEqual(['locations']);
    const info = { ...act, kind: 'provide-information' as const, locations: undefined };
    expect(paths(error(() => parseOrder(info)))).toEqual(['accountIds']);
    expect(parseOrder({ ...info, accountIds: ['acct-1'] }).kind).toBe('provide-information');
    expect(paths(error(() => parseOrder({ ...act, legalBasis: ' ' })))).toEqual(['legalBasis']);
  });
});

describe('noticeDecisionMessage (Art. 16(5))', () => {
  const notice = {
    id: 'n-1',
    receivedAt: '2026-03-02T09:00:00.000Z',
    notifier: {
      type: 'individual' as const,
      name: 'Jo',
      email: 'jo@example.org',
      trustedFlagger: null,
    },
  };
  it('tells the notifier what was decided and how to contest it', () => {
    const acted = noticeDecisionMessage(
      notice,
      { actions: ['we removed the content'], decidedAt: '2026-03-03T10:00:00.000Z' },
      'reply to this message',
    );
    expect(acted.to).toBe('jo@example.org');
    expect(acted.text).toContain('n-1 of 2026-03-02');
    expect(acted.text).toContain('we decided on 2026-03-03 to act on it: we removed the content');
    expect(acted.text).toContain('reply to this message');
    expect(noticeDecisionMessage(notice, null, 'x').text).toContain('decided not to act');
  });
  it('has no one to tell when the notifier gave no e-mail', () => {
    const anonymous = { ...notice, notifier: { ...notice.notifier, email: null } };
    expect(noticeDecisionMessage(anonymous, null, 'x').to).toBeNull();
  });
});
