/**
 * Health (for load balancers and operators), the OpenAPI document and the error catalogue that
 * problem `type` links point to.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VigilError } from '../../shared/errors.js';
import { type Deps, route } from '../route.js';
import { JobCountsShape } from '../shapes.js';

const HealthShape = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['reachable', 'unreachable']),
  jobs: JobCountsShape.optional().describe('Jobs per state, when the database answers.'),
});

export function healthRoutes(app: FastifyInstance, deps: Deps): void {
  route(app, deps, {
    method: 'GET',
    url: '/health',
    access: 'public',
    tags: ['service'],
    summary: 'Health',
    description: 'Whether the database answers, and the job queue. 503 when it does not.',
    responses: { 200: HealthShape, 503: HealthShape },
    handler: async ({ request, reply }) => {
      try {
        const jobs = await deps.store.jobs.counts();
        return { status: 'ok', database: 'reachable', jobs };
      } catch (error) {
        request.log.error({ err: error }, 'health check: the database does not answer');
        reply.code(503);
        return { status: 'unavailable', database: 'unreachable' };
      }
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/openapi.json',
    access: 'public',
    tags: ['service'],
    summary: 'OpenAPI document',
    description: 'This API as an OpenAPI 3.1 document; browse it at /docs.',
    responses: { 200: z.record(z.string(), z.unknown()) },
    handler: async () => app.swagger(),
  });

  const catalogue = readCatalogue();
  route(app, deps, {
    method: 'GET',
    url: '/docs/errors',
    access: 'public',
    tags: ['service'],
    summary: 'Error codes',
    description:
      'docs/errors.md: what each error code means and what to do. The `type` of every problem ' +
      'links here (`/docs/errors#<code in lower case>`).',
    responses: { 200: { contentType: 'text/markdown', schema: z.string() } },
    handler: async ({ reply }) => {
      if (catalogue === undefined) {
        throw new VigilError('NOT_FOUND', 'The error catalogue is not installed with this copy.');
      }
      return reply.type('text/markdown; charset=utf-8').send(catalogue);
    },
  });
}

/** docs/errors.md, shipped in the package beside src/ and dist/. */
function readCatalogue(): string | undefined {
  try {
    return readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  } catch {
    return undefined;
  }
}
