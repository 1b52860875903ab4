import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ITEM_LIMITS, parseItem } from './item.js';

describe('parseItem', () => {
  it('accepts a minimal item and normalises id, language and country', () => {
    expect(
      parseItem({ id: 42, body: 'x', language: 'pt-BR', location: { country: 'br' } }),
    ).toEqual({
      ok: true,
      item: { id: '42', body: 'x', language: 'pt', location: { country: 'BR' } },
    });
  });

  it.each([
    [null, 'must be a JSON object'],
    [[1, 2], 'must be a JSON object'],
    ['text', 'must be a JSON object'],
    [{ body: 'x' }, 'missing "id"'],
    [{ id: {}, body: 'x' }, '"id" must be a string or an integer'],
    [{ id: 1.5, body: 'x' }, '"id" must be a string or an integer'],
    [{ id: '  ', body: 'x' }, '"id" is empty'],
    [{ id: 'a' }, 'needs a non-empty "title" or "body"'],
    [{ id: 'a', title: '  ', body: '' }, 'needs a non-empty "title" or "body"'],
    [{ id: 'a', body: 7 }, '"body" must be a string'],
    [{ id: 'a', body: 'x'.repeat(ITEM_LIMITS.bodyLength + 1) }, '"body" is longer than'],
    [{ id: 'a', body: 'x', posted_at: 'yesterday' }, '"posted_at" must be an ISO 8601'],
    [{ id: 'a', body: 'x', language: 'english!' }, '"language" must be a language tag'],
    [{ id: 'a', body: 'x', location: 'Miami' }, '"location" must be an object'],
    [{ id: 'a', body: 'x', location: { country: 'USA' } }, 'ISO 3166-1 alpha-2'],
    [{ id: 'a', body: 'x', images: 'a.jpg' }, '"images" must be an array'],
    [{ id: 'a', body: 'x', images: [1] }, '"images" entries must be strings'],
  ])('rejects %j with a reason', (record, reason) => {
    const parsed = parseItem(record);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it('never throws, whatever the JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = parseItem(value);
        expect(typeof parsed.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
