/**
 * The link repository on every database of test/support/databases.ts: the template index's
 * bytes, templates largest first and networks riskiest first in pages, and link runs taking
 * turns on the index.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { rejection } from '../../test/support/errors.js';
import { everyPage } from '../../test/support/pages.js';
import type { Network, Template } from '../analyze/link-types.js';
import { createTemplateIndex, loadTemplateIndex } from '../analyze/template-index.js';
import { isVigilError } from '../shared/errors.js';
import type { Db } from './database.js';
import type { LinkRepository, ServiceStore } from './repositories.js';
import { openServiceStore } from './service-store.js';

const DATABASES = testDatabases();

function template(id: string, size: number): Template {
  return {
    id,
    members: Array.from({ length: size }, (_, i) => `${id}-m${i}`),
    similarity: 0.8,
    parts: [{ text: 'Hello ' }, { slot: { kind: 'name', examples: ['Anna'] } }],
  };
}

function network(id: string, risk: number): Network {
  return {
    id,
    members: ['a', 'b'],
    templates: [],
    identifiers: ['phone:+12125550147'],
    hubs: [],
    features: {
      items: 2,
      phones: 1,
      cities: 1,
      spanDays: 0,
      circuit: [],
      phoneLocationMismatch: 0,
      personasPerPhone: 1,
      thirdPersonShare: 0,
    },
    risk,
    explanation: ['Two items share a phone.'],
  };
}

describe.each(DATABASES)('link repository on $name', (database) => {
  let db: Db;
  let store: ServiceStore;
  let links: LinkRepository;

  beforeEach(async () => {
    db = await database.open();
    store = openServiceStore(db);
    links = store.links;
  });
  afterEach(() => db.destroy());

  it('keeps the template index bytes', async () => {
    expect(await links.loadIndex()).toBeUndefined();
    const index = createTemplateIndex();
    index.add('a', new Uint32Array(128).fill(7));
    index.add('b', new Uint32Array(128).fill(7));
    await links.saveIndex(index.save());
    const bytes = await links.loadIndex();
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    expect(bytes).toEqual(index.save());
    expect(loadTemplateIndex(bytes as Uint8Array).templateOf('b')).toBe('a');
  });

  it('replaces templates and networks, and lists them in order, in pages', async () => {
    await links.replaceAll([template('old', 9)], [network('n-old', 0.99)]);
    const templates = [template('t1', 2), template('t2', 5), template('t3', 2), template('t4', 3)];
    const networks = [
      network('n-a', 0.5),
      network('n-b', 0.9),
      network('n-c', 0.5),
      network('n-d', 0.1),
    ];
    await links.replaceAll(templates, networks);
    expect(await links.getTemplate('old')).toBeUndefined();
    expect(await links.getNetwork('n-old')).toBeUndefined();
    expect(await links.getTemplate('t2')).toEqual(template('t2', 5));
    expect(await links.getNetwork('n-b')).toEqual(network('n-b', 0.9));

    const listed = await everyPage((cursor) =>
      links.listTemplates({ limit: 1, ...(cursor !== undefined && { cursor }) }),
    );
    expect(listed.map((t) => t.id)).toEqual(['t2', 't4', 't1', 't3']);
    const riskiest = await everyPage((cursor) =>
      links.listNetworks({}, { limit: 2, ...(cursor !== undefined && { cursor }) }),
    );
    expect(riskiest.map((n) => n.id)).toEqual(['n-b', 'n-a', 'n-c', 'n-d']);
    expect((await links.listNetworks({ minRisk: 0.5 }, {})).items.map((n) => n.id)).toEqual([
      'n-b',
      'n-a',
      'n-c',
    ]);
    const error = await rejection(links.listNetworks({}, { cursor: 'eyJ4IjoxfQ' }));
    expect(isVigilError(error, 'CURSOR_INVALID')).toBe(true);
  });

  it('replaces many at once, and rolls back with its transaction', async () => {
    const many = Array.from({ length: 1100 }, (_, i) => template(`t${i}`, 2 + (i % 5)));
    await links.replaceAll(many, []);
    expect((await links.listTemplates({ limit: 500 })).items).toHaveLength(500);
    const failure = new Error('roll back');
    expect(
      await rejection(
        store.transaction(async (trx) => {
          await links.replaceAll([], [], trx);
          throw failure;
        }),
      ),
    ).toBe(failure);
    expect(await links.getTemplate('t1099')).toEqual(template('t1099', 6));
  });

  it('makes link runs take turns on the index', async () => {
    const run = (tag: number, hold: Promise<void>) =>
      store.transaction(async (trx) => {
        const before = await links.loadIndex(trx);
        await hold;
        const seen = before === undefined ? [] : [...before];
        await links.saveIndex(new Uint8Array([...seen, tag]), trx);
      });
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = run(1, held);
    // The second run starts while the first holds the index: it must see the first's bytes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = run(2, Promise.resolve());
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await Promise.all([first, second]);
    expect(await links.loadIndex()).toEqual(new Uint8Array([1, 2]));
  });
});
