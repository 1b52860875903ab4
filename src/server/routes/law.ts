/**
 * The legal knowledge base over HTTP: the definition test, candidate offences and jurisdiction
 * for a case's facts; cooperation routes between two states; a platform's duties; and the data
 * itself with its sources. Every answer carries the reasoning's citations, whether any fact it
 * rests on is unverified, and the line that it is legal information, not legal advice.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CONTENT_KINDS,
  candidateOffences,
  cooperationRoutes,
  DATA_KINDS,
  DISCLAIMER,
  definitionTest,
  jurisdictionClaims,
  type LawData,
  providerDuties,
} from '../../law/index.js';
import { VigilError } from '../../shared/errors.js';
import { type Deps, route } from '../route.js';

const Answer = z.looseObject({}).describe('The answer, with explanations and citations.');
const Country = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as DE')
  .describe('ISO 3166-1 alpha-2, or EU.');
const Countries = z
  .string()
  .max(1000)
  .regex(/^([A-Z]{2})(,[A-Z]{2})*$/, 'must be country codes separated by commas, e.g. US,AU')
  .transform((value) => value.split(','));
const Day = z.iso.date().describe('YYYY-MM-DD');

/** "As of" defaults to the request's day: the law as it stands today. */
const asOfOr = (asOf: string | undefined, now: string) => asOf ?? now.slice(0, 10);

export function lawRoutes(app: FastifyInstance, deps: Deps, law: LawData | undefined): void {
  const data = (): LawData => {
    if (law === undefined) {
      throw new VigilError(
        'LAW_DATA_INVALID',
        'This server was started without the legal knowledge base; start it with `vigil serve`.',
      );
    }
    return law;
  };

  route(app, deps, {
    method: 'POST',
    url: '/v1/law/check',
    access: 'law:read',
    tags: ['law'],
    summary: 'Check case facts against the law',
    description:
      'Whether the facts meet the Palermo Protocol definition and each national definition, ' +
      'the candidate offences per jurisdiction with penalty ranges after aggravators, and ' +
      'which states can claim jurisdiction (and where claims conflict). Legal information, ' +
      'not legal advice.',
    body: z.looseObject({}).describe('The case facts (docs/law.md).'),
    responses: {
      200: z.object({
        disclaimer: z.string(),
        definition: Answer,
        offences: Answer,
        jurisdiction: Answer,
      }),
    },
    handler: async ({ body, now }) => {
      const facts = { asOf: now.slice(0, 10), ...body };
      return {
        disclaimer: DISCLAIMER,
        definition: definitionTest(data(), facts),
        offences: candidateOffences(data(), facts),
        jurisdiction: jurisdictionClaims(data(), facts),
      };
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/law/duties',
    access: 'law:read',
    tags: ['law'],
    summary: 'What a platform must do',
    description:
      'For a platform established in some countries and serving others, and a kind of ' +
      'content: every duty (report, remove, preserve, notify), for whom, by when, and its ' +
      'citation. Fixed deadlines first.',
    querystring: z.strictObject({
      established: Countries.optional(),
      serving: Countries.optional(),
      content: z
        .string()
        .max(500)
        .transform((value) => value.split(','))
        .pipe(z.array(z.enum(CONTENT_KINDS)).min(1))
        .describe(`Content kinds separated by commas: ${CONTENT_KINDS.join(', ')}.`),
      asOf: Day.optional(),
    }),
    responses: { 200: Answer },
    handler: async ({ query, now }) =>
      providerDuties(data(), {
        established: query.established ?? [],
        serving: query.serving ?? [],
        content: query.content,
        asOf: asOfOr(query.asOf, now),
      }),
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/law/routes',
    access: 'law:read',
    tags: ['law'],
    summary: 'How one state obtains data from another',
    description:
      'e-Evidence orders between EU members, Budapest Convention preservation, direct requests ' +
      'under the Second Protocol where in force, otherwise mutual legal assistance with the ' +
      'dual-criminality check on the offences named.',
    querystring: z.strictObject({
      from: Country,
      to: Country,
      data: z.enum(DATA_KINDS),
      asOf: Day.optional(),
      emergency: z
        .enum(['true', 'false'])
        .transform((value) => value === 'true')
        .optional(),
      offences: z
        .string()
        .max(2000)
        .transform((value) => value.split(','))
        .optional()
        .describe('Offence ids of the requesting state, separated by commas.'),
    }),
    responses: { 200: Answer },
    handler: async ({ query, now }) =>
      cooperationRoutes(data(), {
        from: query.from,
        to: query.to,
        data: query.data,
        asOf: asOfOr(query.asOf, now),
        ...(query.emergency !== undefined && { emergency: query.emergency }),
        ...(query.offences !== undefined && { offences: query.offences }),
      }),
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/law/jurisdictions',
    access: 'law:read',
    tags: ['law'],
    summary: 'The jurisdictions and instruments the knowledge base covers',
    responses: {
      200: z.object({
        disclaimer: z.string(),
        jurisdictions: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            lastVerified: z.string(),
            offences: z.number(),
            duties: z.number(),
          }),
        ),
        instruments: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            kind: z.string(),
            lastVerified: z.string(),
          }),
        ),
      }),
    },
    handler: async () => ({
      disclaimer: DISCLAIMER,
      jurisdictions: data().jurisdictions.map((j) => ({
        id: j.id,
        name: j.name,
        lastVerified: j.lastVerified,
        offences: j.offences.length,
        duties: j.duties.length,
      })),
      instruments: data().instruments.map((i) => ({
        id: i.id,
        name: i.name,
        kind: i.kind,
        lastVerified: i.lastVerified,
      })),
    }),
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/law/jurisdictions/:id',
    access: 'law:read',
    tags: ['law'],
    summary: 'A jurisdiction’s data, with every fact’s sources and verification',
    params: z.strictObject({ id: Country }),
    responses: { 200: Answer },
    handler: async ({ params }) => {
      const found = data().jurisdictions.find((j) => j.id === params.id);
      if (found === undefined) {
        throw new VigilError('NOT_FOUND', `The knowledge base has no data for ${params.id}.`);
      }
      return { disclaimer: DISCLAIMER, ...found };
    },
  });
}
