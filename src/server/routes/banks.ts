/**
 * Hash banks over HTTP: named lists of PDQ hashes of known images (victim photos supplied by an
 * investigator, abuse material hashes supplied by a hotline). Vigil stores the hashes only; an
 * analysed item whose `pdq:` image lies within the match distance of one carries an indicator
 * naming the bank (jobs/bank-matcher.ts). Admins manage banks (`banks:manage`); reviewers and
 * investigators may see which exist (`banks:read`); nobody reads a bank's hashes back.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  createBank,
  deleteBank,
  importHashes,
  MAX_BANK_DESCRIPTION,
  MAX_BANK_LABEL,
  MAX_BANK_NAME,
  MAX_REQUEST_HASHES,
} from '../../store/bank-service.js';
import { BANK_KINDS } from '../../store/repositories.js';
import { notFound } from '../../store/service-common.js';
import { type Deps, route } from '../route.js';
import { IdParams, Time, text } from '../schema.js';

const BankShape = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  kind: z.enum(BANK_KINDS),
  createdAt: Time,
  createdBy: z.string(),
  version: z.number().describe('Rises with every import that adds hashes.'),
  size: z.number().describe('How many hashes the bank holds.'),
  updatedAt: Time,
});

/** A PDQ hash as PDQ tools print it: 64 hex characters, optionally written `pdq:<hex>`. */
const Pdq = z
  .string()
  .regex(/^(pdq:)?[0-9a-fA-F]{64}$/i, 'must be a PDQ hash: 64 hexadecimal characters')
  .transform((value) => value.slice(-64).toLowerCase());

export function bankRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  route(app, deps, {
    method: 'POST',
    url: '/v1/banks',
    access: 'banks:manage',
    tags: ['banks'],
    summary: 'Create a hash bank',
    body: z.strictObject({
      name: text(MAX_BANK_NAME).trim().min(1).describe('Unique, e.g. "Hotline list 2026-11".'),
      kind: z.enum(BANK_KINDS),
      description: text(MAX_BANK_DESCRIPTION).optional(),
    }),
    responses: { 201: BankShape },
    handler: async ({ body, now, principal, request, reply }) => {
      const bank = await createBank(
        store,
        {
          name: body.name,
          kind: body.kind,
          ...(body.description !== undefined && { description: body.description }),
        },
        now,
        { actor: principal.actor, requestId: request.id },
      );
      reply.code(201);
      return bank;
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/banks',
    access: 'banks:read',
    tags: ['banks'],
    summary: 'The hash banks, by name (without their hashes)',
    responses: { 200: z.object({ items: z.array(BankShape) }) },
    handler: async () => ({ items: await store.banks.list() }),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/banks/:id/hashes',
    access: 'banks:manage',
    tags: ['banks'],
    summary: 'Add PDQ hashes to a bank',
    description:
      `Up to ${MAX_REQUEST_HASHES} hashes per request, each with an optional label ` +
      `(≤ ${MAX_BANK_LABEL} characters; a Vigil item id there names the item the hash was ` +
      'taken from). Hashes the bank holds already are counted as existing and keep their ' +
      'label. An invalid entry refuses the whole request, naming it (`hashes[i]`).',
    params: IdParams,
    body: z.strictObject({
      hashes: z
        .array(
          z.strictObject({
            pdq: Pdq,
            label: text(MAX_BANK_LABEL).optional(),
          }),
        )
        .min(1)
        .max(MAX_REQUEST_HASHES),
    }),
    responses: {
      200: z.object({
        bank: BankShape,
        received: z.number(),
        added: z.number(),
        existing: z.number(),
      }),
    },
    handler: async ({ body, params, now, principal, request }) => {
      const bank = await store.banks.get(params.id);
      if (bank === undefined) throw notFound('hash bank', params.id);
      const result = await importHashes(
        store,
        bank.id,
        body.hashes.map((entry) => ({
          hash: entry.pdq,
          ...(entry.label !== undefined && entry.label !== '' && { label: entry.label }),
        })),
        now,
        { actor: principal.actor, requestId: request.id },
      );
      return { ...result, received: body.hashes.length };
    },
  });

  route(app, deps, {
    method: 'DELETE',
    url: '/v1/banks/:id',
    access: 'banks:manage',
    tags: ['banks'],
    summary: 'Delete a hash bank and its hashes',
    description:
      'Analyses made while it existed keep their indicators; items are matched again only when analysed again.',
    params: IdParams,
    responses: { 200: BankShape },
    handler: async ({ params, now, principal, request }) =>
      deleteBank(store, params.id, now, { actor: principal.actor, requestId: request.id }),
  });
}
