/**
 * Items in and out. Ingest validates every item with the scanner's own parser (parseItem,
 * docs/items.md) and refuses the whole batch if one is invalid, naming its index; then, in one
 * transaction, stores the items (idempotent on (source, id)), queues one `analyze` job for the
 * items that are new, and writes the audit record.
 */

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ITEM_LIMITS, parseItem } from '../../analyze/item.js';
import { PDQ_MATCH_DISTANCE } from '../../analyze/pdq.js';
import type { Item } from '../../analyze/types.js';
import { VigilError } from '../../shared/errors.js';
import { MAX_MATCHES, similarImages } from '../../store/image-matches.js';
import { DEFAULT_SOURCE, type ItemFilter } from '../../store/repositories.js';
import { ingestBatch } from '../../store/service-store.js';
import { type Deps, route } from '../route.js';
import { Id, PageQuery, pageOf, text } from '../schema.js';
import { BANDS, IngestResultShape, StoredItemShape } from '../shapes.js';

/** How an item looks, for the OpenAPI document; parseItem does the checking. */
const ITEM_DOCUMENTATION = {
  description:
    'An item (docs/items.md). Needs "id" and a "title" or "body"; other fields are optional, ' +
    'unknown fields are ignored.',
  properties: {
    id: { type: ['string', 'integer'], maxLength: ITEM_LIMITS.idLength },
    title: { type: 'string', maxLength: ITEM_LIMITS.titleLength },
    body: { type: 'string', maxLength: ITEM_LIMITS.bodyLength },
    url: { type: 'string', maxLength: ITEM_LIMITS.urlLength },
    posted_at: { type: 'string', description: 'ISO 8601 date or date-time' },
    location: {
      type: 'object',
      properties: {
        city: { type: 'string', maxLength: ITEM_LIMITS.shortField },
        region: { type: 'string', maxLength: ITEM_LIMITS.shortField },
        country: { type: 'string', description: 'ISO 3166-1 alpha-2' },
      },
    },
    language: { type: 'string', description: 'a language tag such as "en" or "pt-BR"' },
    images: {
      type: 'array',
      maxItems: ITEM_LIMITS.images,
      items: { type: 'string', maxLength: ITEM_LIMITS.urlLength },
    },
    source: { type: 'string', maxLength: ITEM_LIMITS.shortField },
  },
  required: ['id'],
};

/** How many invalid items a refusal lists (it names the first in its detail). */
const MAX_REPORTED = 10;

const Source = text(200)
  .min(1)
  .describe("Where the items come from; with each item's id, what makes ingest idempotent.");

/** "phone:+12125550147", "email:…", "handle:telegram:…", "wallet:btc:…", "url:…", "image:…". */
const Identifier = text(512)
  .regex(/^[a-z]{2,16}:\S/, 'must be kind:value, e.g. phone:+12125550147')
  .describe('A normalized identifier, e.g. phone:+12125550147 (URL-encoded in the path).');

export function itemRoutes(app: FastifyInstance, deps: Deps): void {
  const { store, config } = deps;

  const IngestBody = z.strictObject({
    source: Source.optional(),
    items: z
      .array(z.looseObject({}).meta(ITEM_DOCUMENTATION))
      .min(1)
      .max(config.maxBatch)
      .describe(`1 to ${config.maxBatch} items.`),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/items',
    access: 'items:ingest',
    tags: ['items'],
    summary: 'Ingest items',
    description:
      'Stores new items and queues their analysis. Idempotent: an item whose (source, id) is ' +
      'stored already is reported with `created: false` and not stored again. If one item is ' +
      'invalid, nothing is stored and the problem names its index.',
    body: IngestBody,
    responses: {
      202: z.object({
        results: z.array(IngestResultShape).describe('One per item, in order.'),
        jobs: z
          .array(z.string())
          .describe('The analysis jobs of the new items (none when no item was new).'),
      }),
    },
    handler: async ({ body, reply, now, principal, request }) => {
      const items: Item[] = [];
      const invalid: { index: number; reason: string }[] = [];
      body.items.forEach((record, index) => {
        const parsed = parseItem(record);
        if (parsed.ok) items.push(parsed.item);
        else if (invalid.length < MAX_REPORTED) invalid.push({ index, reason: parsed.reason });
      });
      const first = invalid[0];
      if (first !== undefined) {
        throw new VigilError(
          'REQUEST_INVALID',
          `Invalid body field "items[${first.index}]": ${first.reason}. Nothing was stored.`,
          {
            details: {
              location: 'body',
              field: `items[${first.index}]`,
              index: first.index,
              reason: first.reason,
              issues: invalid.map(({ index, reason }) => ({
                field: `items[${index}]`,
                message: reason,
              })),
            },
          },
        );
      }
      const source = body.source ?? DEFAULT_SOURCE;
      // The same unit of work as `vigil ingest`: items, their analysis job and the audit record
      // in one transaction.
      const outcome = await ingestBatch(store, items, {
        source,
        now,
        actor: principal.actor,
        requestId: request.id,
      });
      reply.code(202);
      return outcome;
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/items',
    access: 'items:read',
    tags: ['items'],
    summary: 'List items',
    description: 'Newest first. Filters combine (all must hold).',
    querystring: z.strictObject({
      source: Source.optional(),
      band: z.enum(BANDS).optional(),
      minRisk: z.coerce.number().min(0).max(1).optional().describe('Risk at least this, 0..1.'),
      template: Id.optional(),
      network: Id.optional(),
      analyzed: z
        .enum(['true', 'false'])
        .transform((value) => value === 'true')
        .optional()
        .describe('Only analysed (true) or only not yet analysed (false) items.'),
      ...PageQuery,
    }),
    responses: { 200: pageOf(StoredItemShape) },
    handler: async ({ query }) => {
      const { limit, cursor, ...rest } = query;
      const filter: ItemFilter = Object.fromEntries(
        Object.entries(rest).filter(([, value]) => value !== undefined),
      );
      return store.items.list(filter, { limit, ...(cursor !== undefined && { cursor }) });
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/items/:id',
    access: 'items:read',
    tags: ['items'],
    summary: 'Get an item',
    params: z.strictObject({ id: Id }),
    responses: { 200: StoredItemShape },
    handler: async ({ params }) => {
      const item = await store.items.get(params.id);
      if (item === undefined) throw new VigilError('NOT_FOUND', `No item has the id ${params.id}.`);
      return item;
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/items/:id/similar-images',
    access: 'items:read',
    tags: ['items'],
    summary: 'Items with near-identical photos',
    description:
      'For each of the item’s images given as a PDQ hash (`pdq:<hex>`), the other analysed ' +
      `items whose image hashes lie within \`maxDistance\` bits (default ${PDQ_MATCH_DISTANCE}), nearest first, ` +
      `at most ${MAX_MATCHES} per image.`,
    params: z.strictObject({ id: Id }),
    querystring: z.strictObject({
      maxDistance: z.coerce.number().int().min(0).max(64).default(PDQ_MATCH_DISTANCE),
    }),
    responses: {
      200: z.object({
        items: z.array(
          z.object({
            image: z.string(),
            matches: z.array(
              z.object({ itemId: z.string(), image: z.string(), distance: z.number().int() }),
            ),
          }),
        ),
      }),
    },
    handler: async ({ params, query }) => ({
      items: await similarImages(store, params.id, query.maxDistance),
    }),
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/identifiers/:identifier/items',
    access: 'items:read',
    tags: ['items'],
    summary: 'Items with an identifier',
    description:
      'Analysed items in which this normalized identifier was found (a phone number in E.164, ' +
      'an email address, a handle, a wallet, a domain, an image hash).',
    params: z.strictObject({ identifier: Identifier }),
    querystring: z.strictObject({ ...PageQuery }),
    responses: { 200: pageOf(StoredItemShape) },
    handler: async ({ params, query }) =>
      store.items.withIdentifier(params.identifier, {
        limit: query.limit,
        ...(query.cursor !== undefined && { cursor: query.cursor }),
      }),
  });
}
