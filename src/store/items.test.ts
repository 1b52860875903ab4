/**
 * The item repository on every database of test/support/databases.ts: idempotent ingest under
 * derived ids, pages that stay stable while items arrive, analyses with their identifiers, and
 * links.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { rejection } from '../../test/support/errors.js';
import { everyPage } from '../../test/support/pages.js';
import type { Analysis, Band, Item } from '../analyze/types.js';
import { canonicalBytes } from '../ledger/canonical-json.js';
import { isVigilError } from '../shared/errors.js';
import type { Db } from './database.js';
import type { ItemFilter, ItemRepository, ServiceStore } from './repositories.js';
import { itemId } from './service-common.js';
import { openServiceStore } from './service-store.js';

const DATABASES = testDatabases();

const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  const error = await rejection(promise);
  return isVigilError(error) ? error.code : error;
}

function itemsOf(ids: readonly string[]): Item[] {
  return ids.map((id) => ({ id, title: `Ad ${id}`, body: `Text of ${id}.` }));
}

function analysisOf(id: string, risk: number, band: Band): Analysis {
  return {
    id,
    risk,
    band,
    language: 'en',
    indicators: [],
    entities: {
      phones: [],
      emails: [],
      urls: [],
      handles: [],
      wallets: [],
      prices: [],
      ages: [],
      onions: [],
    },
    explanation: { bias: -2, logit: -2, contributions: [], summary: 'No indicators fired.' },
  };
}

/** Every item a listing gives, page by page. */

describe('item ids', () => {
  it('follow from source and external id, in base32', () => {
    const id = itemId('default', 'ad-1');
    expect(id).toMatch(/^itm_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(itemId('default', 'ad-1')).toBe(id);
    expect(itemId('other', 'ad-1')).not.toBe(id);
    // The separator keeps ("a", "bc") and ("ab", "c") apart.
    expect(itemId('a', 'bc')).not.toBe(itemId('ab', 'c'));
  });
});

describe.each(DATABASES)('item repository on $name', (database) => {
  let db: Db;
  let store: ServiceStore;
  let items: ItemRepository;

  beforeEach(async () => {
    db = await database.open();
    store = openServiceStore(db);
    items = store.items;
  });
  afterEach(() => db.destroy());

  it('stores items once per (source, external id) and reads them back exactly', async () => {
    const item: Item = {
      id: 'ad-1',
      title: 'New in town',
      body: 'Call 212 555 0147',
      location: { city: 'Albany', country: 'US' },
      images: ['abc'],
      posted_at: '2026-02-27',
    };
    const first = await items.ingest([item, { id: 'ad-2', body: 'x' }], {
      source: 'feed',
      receivedAt: at(0),
    });
    expect(first).toEqual([
      { id: itemId('feed', 'ad-1'), externalId: 'ad-1', created: true },
      { id: itemId('feed', 'ad-2'), externalId: 'ad-2', created: true },
    ]);
    // Again, with a repeat inside the batch and another source: only what is new is stored.
    const second = await items.ingest(
      [item, { id: 'ad-3', body: 'y' }, { id: 'ad-3', body: 'z' }],
      { source: 'feed', receivedAt: at(5) },
    );
    expect(second.map((r) => [r.externalId, r.created])).toEqual([
      ['ad-1', false],
      ['ad-3', true],
      ['ad-3', false],
    ]);
    expect((await items.ingest([item], { source: 'other', receivedAt: at(6) }))[0]?.created).toBe(
      true,
    );
    const stored = await items.get(itemId('feed', 'ad-1'));
    expect(stored).toEqual({
      id: itemId('feed', 'ad-1'),
      source: 'feed',
      externalId: 'ad-1',
      item,
      sha256: createHash('sha256').update(canonicalBytes(item)).digest('hex'),
      receivedAt: at(0),
    });
    expect((await items.get(itemId('feed', 'ad-3')))?.item.body).toBe('y');
    expect(await items.get('itm_missing')).toBeUndefined();
    const many = await items.getMany([
      itemId('feed', 'ad-3'),
      'itm_missing',
      itemId('feed', 'ad-1'),
      itemId('feed', 'ad-3'),
    ]);
    expect(many.map((i) => i.externalId)).toEqual(['ad-3', 'ad-1']);
  });

  it('refuses an external id or source it cannot key', async () => {
    const options = { source: 'feed', receivedAt: at(0) };
    expect(await codeOf(items.ingest([{ id: 'a\u0000b', body: 'x' }], options))).toBe(
      'REQUEST_INVALID',
    );
    expect(await codeOf(items.ingest([{ id: 'a', body: 'x' }], { ...options, source: '' }))).toBe(
      'REQUEST_INVALID',
    );
  });

  it('lists newest first in pages that stay stable while items arrive', async () => {
    // Ten items at five times (two per time), so that ids break ties.
    for (let t = 0; t < 5; t++) {
      await items.ingest(itemsOf([`a${t}`, `b${t}`]), { source: 's', receivedAt: at(t * 1000) });
    }
    const expected = (
      await everyPage((cursor) => items.list({}, { limit: 500, ...(cursor && { cursor }) }))
    ).map((i) => i.id);
    expect(expected).toHaveLength(10);
    const keys = (await items.getMany(expected)).map((i) => `${i.receivedAt} ${i.id}`);
    expect(keys).toEqual([...keys].sort().reverse());

    const seen: string[] = [];
    let page = await items.list({}, { limit: 3 });
    for (let round = 0; ; round++) {
      seen.push(...page.items.map((i) => i.id));
      if (page.next === undefined) break;
      // Newer items (and one as old as the oldest) arrive between pages: the pages go on
      // where they stopped, neither repeating nor skipping an item.
      await items.ingest(itemsOf([`late${round}`]), { source: 's', receivedAt: at(9000 + round) });
      page = await items.list({}, { limit: 3, cursor: page.next });
    }
    expect(seen).toEqual(expected);
  });

  it('filters by source, band, risk, template, network and analysis', async () => {
    await items.ingest(itemsOf(['1', '2', '3', '4']), { source: 's', receivedAt: at(0) });
    await items.ingest(itemsOf(['5']), { source: 't', receivedAt: at(1) });
    const id = (external: string, source = 's') => itemId(source, external);
    await items.saveAnalysis(id('1'), analysisOf('1', 0.9, 'high'), [], at(10));
    await items.saveAnalysis(id('2'), analysisOf('2', 0.5, 'medium'), [], at(10));
    await items.saveAnalysis(id('3'), analysisOf('3', 0.1, 'low'), [], at(10));
    await items.saveLinks([
      { id: id('1'), template: 'T', network: 'N' },
      { id: id('2'), template: 'T' },
    ]);
    const ids = async (filter: ItemFilter) =>
      (await items.list(filter, {})).items.map((i) => i.externalId).sort();
    expect(await ids({})).toEqual(['1', '2', '3', '4', '5']);
    expect(await ids({ source: 't' })).toEqual(['5']);
    expect(await ids({ band: 'high' })).toEqual(['1']);
    expect(await ids({ minRisk: 0.5 })).toEqual(['1', '2']);
    expect(await ids({ template: 'T' })).toEqual(['1', '2']);
    expect(await ids({ network: 'N' })).toEqual(['1']);
    expect(await ids({ analyzed: true })).toEqual(['1', '2', '3']);
    expect(await ids({ analyzed: false })).toEqual(['4', '5']);
    expect(await ids({ source: 's', analyzed: false })).toEqual(['4']);
  });

  it('refuses a cursor it did not make and a limit out of range', async () => {
    const bad = [
      'not base64!',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[1,"x"]').toString('base64url'),
      Buffer.from('["x"]').toString('base64url'),
      Buffer.from('["x","y","z"]').toString('base64url'),
      'x'.repeat(5000),
    ];
    for (const cursor of bad) {
      expect(await codeOf(items.list({}, { cursor }))).toBe('CURSOR_INVALID');
      expect(await codeOf(items.withIdentifier('phone:+1', { cursor }))).toBe('CURSOR_INVALID');
    }
    for (const limit of [0, 501, 1.5, Number.NaN]) {
      expect(await codeOf(items.list({}, { limit }))).toBe('REQUEST_INVALID');
    }
    // Any string at all gives a clear error, never an engine error.
    await fc.assert(
      fc.asyncProperty(fc.string(), async (cursor) => {
        const result = await items.list({}, { cursor }).then(
          () => 'ok',
          (error: unknown) => (isVigilError(error) ? error.code : error),
        );
        expect(['ok', 'CURSOR_INVALID']).toContain(result);
      }),
      { numRuns: 50 },
    );
  });

  it('saves analyses, replacing the earlier one and its identifiers, and counts them', async () => {
    await items.ingest(itemsOf(['1', '2', '3']), { source: 's', receivedAt: at(0) });
    await items.ingest(itemsOf(['4']), { source: 's', receivedAt: at(1) });
    const id = (external: string) => itemId('s', external);
    const phone = 'phone:+12125550147';
    await items.saveAnalysis(
      id('1'),
      analysisOf('1', 0.7, 'high'),
      [phone, 'email:a@b.example'],
      at(10),
    );
    await items.saveAnalysis(id('2'), analysisOf('2', 0.2, 'low'), [phone, phone], at(10));
    await items.saveAnalysis(id('4'), analysisOf('4', 0.2, 'low'), [phone], at(10));
    const first = await items.withIdentifier(phone, { limit: 2 });
    expect(first.items.map((i) => i.externalId)).toEqual(['4', expect.any(String)]);
    const rest = await items.withIdentifier(phone, { limit: 2, cursor: first.next });
    expect([...first.items, ...rest.items].map((i) => i.externalId).sort()).toEqual([
      '1',
      '2',
      '4',
    ]);
    expect(rest.next).toBeUndefined();

    await items.saveAnalysis(
      id('1'),
      analysisOf('1', 0.3, 'medium'),
      ['email:c@d.example'],
      at(20),
    );
    expect((await items.withIdentifier(phone, {})).items.map((i) => i.externalId).sort()).toEqual([
      '2',
      '4',
    ]);
    expect((await items.withIdentifier('email:a@b.example', {})).items).toEqual([]);
    expect((await items.withIdentifier('email:c@d.example', {})).items).toHaveLength(1);
    const stored = await items.get(id('1'));
    expect(stored).toMatchObject({
      analysis: analysisOf('1', 0.3, 'medium'),
      analyzedAt: at(20),
      risk: 0.3,
      band: 'medium',
    });
    const counts = await db
      .selectFrom('item')
      .select(['id', 'analysis_count'])
      .orderBy('id')
      .execute();
    expect(Object.fromEntries(counts.map((row) => [row.id, row.analysis_count]))).toEqual({
      [id('1')]: 2,
      [id('2')]: 1,
      [id('3')]: 0,
      [id('4')]: 1,
    });
    expect(
      await codeOf(items.saveAnalysis('itm_missing', analysisOf('x', 0, 'low'), [], at(0))),
    ).toBe('NOT_FOUND');
  });

  it('saves many analyses at once as one by one', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => String(i));
    await items.ingest(itemsOf(ids), { source: 'one', receivedAt: at(0) });
    await items.ingest(itemsOf(ids), { source: 'many', receivedAt: at(0) });
    const entry = (source: string, external: string, n: number) => ({
      id: itemId(source, external),
      analysis: analysisOf(external, 0.123456789012345 + n / 1000, n % 2 ? 'high' : 'low'),
      identifiers: [`phone:+1212555${String(1000 + (n % 7))}`, 'email:x@y.example'],
    });
    for (const [n, external] of ids.entries()) {
      const { id, analysis, identifiers } = entry('one', external, n);
      await items.saveAnalysis(id, analysis, identifiers, at(5));
    }
    await items.saveAnalyses(
      ids.map((external, n) => entry('many', external, n)),
      at(5),
    );
    const view = (source: string) =>
      Promise.all(
        ids.map(async (external) => {
          const stored = await items.get(itemId(source, external));
          return [stored?.analysis, stored?.risk, stored?.band, stored?.analyzedAt];
        }),
      );
    expect(await view('many')).toEqual(await view('one'));
    const phone = 'phone:+12125551003';
    const sharing = await items.withIdentifier(phone, { limit: 500 });
    expect(sharing.items.filter((i) => i.source === 'many')).toHaveLength(64);
    expect(sharing.items.filter((i) => i.source === 'one')).toHaveLength(64);
    expect(
      await codeOf(
        items.saveAnalyses(
          [{ id: 'itm_missing', analysis: analysisOf('x', 0, 'low'), identifiers: [] }],
          at(0),
        ),
      ),
    ).toBe('NOT_FOUND');
  });

  it('keeps risks exactly', async () => {
    await items.ingest(itemsOf(['1']), { source: 's', receivedAt: at(0) });
    const risk = 0.123456789012345;
    await items.saveAnalysis(itemId('s', '1'), analysisOf('1', risk, 'low'), [], at(0));
    expect((await items.get(itemId('s', '1')))?.risk).toBe(risk);
    expect((await items.list({ minRisk: risk }, {})).items).toHaveLength(1);
  });

  it('records and clears links, many at once', async () => {
    const externals = Array.from({ length: 1200 }, (_, i) => `ad-${i}`);
    await items.ingest(itemsOf(externals), { source: 's', receivedAt: at(0) });
    const ids = externals.map((e) => itemId('s', e));
    await items.saveLinks(
      ids.map((id, i) => ({ id, template: `t${i % 7}`, ...(i % 2 === 0 && { network: 'n' }) })),
    );
    expect((await items.list({ network: 'n' }, { limit: 500 })).items).toHaveLength(500);
    expect((await items.get(ids[3] as string))?.template).toBe('t3');
    await items.saveLinks([{ id: ids[0] as string }, { id: ids[3] as string, network: 'm' }]);
    const cleared = await items.get(ids[0] as string);
    expect(cleared?.template).toBeUndefined();
    expect(cleared?.network).toBeUndefined();
    expect(await items.get(ids[3] as string)).toMatchObject({ network: 'm' });
    expect((await items.get(ids[3] as string))?.template).toBeUndefined();
    expect(await codeOf(items.saveLinks([{ id: ids[1] as string }, { id: 'itm_missing' }]))).toBe(
      'NOT_FOUND',
    );
    // The failed call changed nothing.
    expect((await items.get(ids[1] as string))?.template).toBe('t1');
  });

  it('joins a transaction: ingest and analysis roll back together', async () => {
    const failure = new Error('roll back');
    const error = await rejection(
      store.transaction(async (trx) => {
        const [result] = await items.ingest(
          itemsOf(['1']),
          { source: 's', receivedAt: at(0) },
          trx,
        );
        await items.saveAnalysis(
          result?.id as string,
          analysisOf('1', 0.5, 'medium'),
          ['x:y'],
          at(1),
          trx,
        );
        expect((await items.get(result?.id as string, trx))?.risk).toBe(0.5);
        throw failure;
      }),
    );
    expect(error).toBe(failure);
    expect((await items.list({}, {})).items).toEqual([]);
    expect((await items.withIdentifier('x:y', {})).items).toEqual([]);
  });
});
