/**
 * Read-only listings: templates, networks, the job queue and the audit log.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VigilError } from '../../shared/errors.js';
import type { PageRequest } from '../../store/repositories.js';
import { type Deps, route } from '../route.js';
import { IdParams, PageQuery, pageOf, text } from '../schema.js';
import {
  AuditRecordShape,
  JOB_STATES,
  JobCountsShape,
  JobShape,
  NetworkShape,
  TemplateShape,
} from '../shapes.js';

const pageRequest = (query: { limit: number; cursor?: string | undefined }): PageRequest => ({
  limit: query.limit,
  ...(query.cursor !== undefined && { cursor: query.cursor }),
});

/** Drops the undefined values of a filter. */
const defined = <T extends Record<string, unknown>>(filter: T): T =>
  Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as T;

export function linkRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  route(app, deps, {
    method: 'GET',
    url: '/v1/templates',
    access: 'items:read',
    tags: ['templates and networks'],
    summary: 'List templates',
    description: 'Groups of near-duplicate items, largest first.',
    querystring: z.strictObject({ ...PageQuery }),
    responses: { 200: pageOf(TemplateShape) },
    handler: async ({ query }) => store.links.listTemplates(pageRequest(query)),
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/templates/:id',
    access: 'items:read',
    tags: ['templates and networks'],
    summary: 'Get a template',
    params: IdParams,
    responses: { 200: TemplateShape },
    handler: async ({ params }) => {
      const template = await store.links.getTemplate(params.id);
      if (template === undefined) {
        throw new VigilError('NOT_FOUND', `No template has the id ${params.id}.`);
      }
      return template;
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/networks',
    access: 'items:read',
    tags: ['templates and networks'],
    summary: 'List networks',
    description: 'Items linked through shared identifiers and templates, riskiest first.',
    querystring: z.strictObject({
      minRisk: z.coerce.number().min(0).max(1).optional().describe('Risk at least this, 0..1.'),
      ...PageQuery,
    }),
    responses: { 200: pageOf(NetworkShape) },
    handler: async ({ query }) =>
      store.links.listNetworks(defined({ minRisk: query.minRisk }), pageRequest(query)),
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/networks/:id',
    access: 'items:read',
    tags: ['templates and networks'],
    summary: 'Get a network',
    params: IdParams,
    responses: { 200: NetworkShape },
    handler: async ({ params }) => {
      const network = await store.links.getNetwork(params.id);
      if (network === undefined) {
        throw new VigilError('NOT_FOUND', `No network has the id ${params.id}.`);
      }
      return network;
    },
  });
}

export function jobRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  route(app, deps, {
    method: 'GET',
    url: '/v1/jobs',
    access: 'jobs:read',
    tags: ['jobs'],
    summary: 'List jobs',
    description: 'The background job queue (analysis, linking).',
    querystring: z.strictObject({
      state: z.enum(JOB_STATES).optional(),
      kind: text(64).min(1).optional(),
      ...PageQuery,
    }),
    responses: { 200: pageOf(JobShape) },
    handler: async ({ query }) =>
      store.jobs.list(defined({ state: query.state, kind: query.kind }), pageRequest(query)),
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/jobs/counts',
    access: 'jobs:read',
    tags: ['jobs'],
    summary: 'Count jobs by state',
    responses: { 200: JobCountsShape },
    handler: async () => store.jobs.counts(),
  });
}

export function auditRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  route(app, deps, {
    method: 'GET',
    url: '/v1/audit',
    access: 'audit:read',
    tags: ['audit'],
    summary: 'Read the audit log',
    description: 'Every change made through the API, newest first.',
    querystring: z.strictObject({
      actor: text(300).min(1).optional().describe('e.g. account:acc_… or apikey:key_…'),
      action: text(100).min(1).optional().describe('e.g. items.ingest'),
      target: text(300).min(1).optional(),
      ...PageQuery,
    }),
    responses: { 200: pageOf(AuditRecordShape) },
    handler: async ({ query }) =>
      store.audit.list(
        defined({ actor: query.actor, action: query.action, target: query.target }),
        pageRequest(query),
      ),
  });
}
