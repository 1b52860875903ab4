/**
 * A case's evidence over HTTP (docs/api.md "Evidence of a case"): the sealed files, online
 * captures (queued as `capture` jobs, run by the workers in headless Chromium) and the court
 * package, a verifiable evidence bundle with a printable case report, downloaded as a zip.
 * Every route needs `cases:use`; store/evidence-service.ts decides the rest.
 *
 * The vault (evidence files and the log's signing key in the data folder, the log in the
 * service's database) is opened on first use, once.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VIGIL_VERSION } from '../../shared/version.js';
import type { CaseActor } from '../../store/case-service.js';
import { caseEvidence, exportCourtPackage, requestCapture } from '../../store/evidence-service.js';
import type { PersonSettings } from '../../store/person-service.js';
import { parseMasterKey } from '../../store/sealed-records.js';
import { lazyStoreVault } from '../../store/vault.js';
import type { Principal } from '../auth.js';
import { type Deps, route } from '../route.js';
import { IdParams, Time, text } from '../schema.js';

const TAGS = ['cases'];

const EvidenceShape = z.object({
  id: z.string(),
  caseId: z.string(),
  sha256: z.string().describe('SHA-256 of the file, lowercase hex.'),
  size: z.number().int(),
  name: z.string(),
  mediaType: z.string(),
  collectedIndex: z.string().describe('Log index of the event that sealed it (decimal).'),
  createdAt: Time,
});

const CaptureShape = z.object({
  jobId: z.string(),
  url: z.string(),
  state: z.enum(['waiting', 'running', 'done', 'failed']),
  requestedAt: Time,
  requestedBy: z.string().describe('The account id of who asked for it.'),
  finishedAt: Time.optional(),
  error: z.string().optional().describe('Why the last attempt failed.'),
});

const CaptureUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((value) => {
    const url = new URL(value);
    return url.username === '' && url.password === '';
  }, 'must not hold a user name or password: they would be written into the evidence')
  .describe('The http(s) address of the page to capture.');

const actorOf = (principal: Principal, requestId: string): CaseActor => ({
  accountId: principal.account.id,
  actor: principal.actor,
  roles: principal.account.roles,
  requestId,
});

export function evidenceRoutes(app: FastifyInstance, deps: Deps): void {
  const { store, config } = deps;
  const settings: PersonSettings =
    config.victimMasterKey === undefined
      ? {}
      : { masterKey: parseMasterKey(config.victimMasterKey) };
  const openVault = lazyStoreVault(store, {
    dataDir: config.dataDir,
    tool: { name: 'vigil', version: VIGIL_VERSION },
    now: deps.clock,
    randomBytes: (size) => new Uint8Array(randomBytes(size)),
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/cases/:id/evidence',
    access: 'cases:use',
    tags: TAGS,
    summary: 'The evidence of a case',
    description:
      'Members. The sealed files, oldest first, and the recent online capture requests, newest ' +
      'first (a capture that is done shows its files among the evidence).',
    params: IdParams,
    responses: {
      200: z.object({ items: z.array(EvidenceShape), captures: z.array(CaptureShape) }),
    },
    handler: async ({ params, principal, request }) => {
      const { evidence, captures } = await caseEvidence(
        store,
        await openVault(),
        params.id,
        actorOf(principal, request.id),
      );
      return {
        items: evidence.map((record) => ({
          id: record.id,
          caseId: record.caseId,
          sha256: record.sha256,
          size: record.size,
          name: record.name,
          mediaType: record.mediaType,
          collectedIndex: record.collectedIndex.toString(),
          createdAt: record.createdAt,
        })),
        captures,
      };
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/cases/:id/captures',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Capture a web page into a case',
    description:
      'Members other than observers. Queues the capture; a worker loads the page in headless ' +
      'Chromium and seals a WARC record, the full-page screenshot, the HTML, the response ' +
      'headers and the images’ metadata, with the time, tool and resolved IP address in the ' +
      'custody record. Only public addresses are reached unless captureAllowPrivateNetworks.',
    params: IdParams,
    body: z.strictObject({
      url: CaptureUrl,
      purpose: text(500).min(1).optional(),
      legalBasis: text(500).min(1).optional(),
    }),
    responses: { 202: CaptureShape },
    handler: async ({ params, body, now, principal, request, reply }) => {
      const capture = await requestCapture(
        store,
        params.id,
        {
          url: body.url,
          ...(body.purpose !== undefined && { purpose: body.purpose }),
          ...(body.legalBasis !== undefined && { legalBasis: body.legalBasis }),
        },
        now,
        actorOf(principal, request.id),
      );
      reply.code(202);
      return capture;
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/cases/:id/exports',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Export the court package of a case',
    description:
      'Members other than observers. Answers a zip: the evidence bundle (`vigil verify` checks ' +
      'it offline) with `case-report.html`, a printable report of every exhibit, its hashes and ' +
      'its custody. Victims appear by number only. With victimData.authorization, a lead with ' +
      'a victim-data grant includes their personal data; each record opened is a custody event.',
    params: IdParams,
    body: z.strictObject({
      purpose: text(500).min(1).optional(),
      legalBasis: text(500).min(1).optional(),
      recipient: text(500).min(1).optional(),
      victimData: z
        .strictObject({
          authorization: text(500)
            .min(1)
            .describe('What authorizes disclosing victim data: a court order, the consent.'),
        })
        .optional(),
    }),
    responses: {
      200: z.string().describe('application/zip: the court package.'),
    },
    handler: async ({ params, body, now, principal, request, reply }) => {
      const work = await mkdtemp(join(tmpdir(), 'vigil-export-'));
      const out = join(work, 'package.zip');
      try {
        await exportCourtPackage(
          store,
          await openVault(),
          settings,
          params.id,
          {
            out,
            zip: true,
            ...(body.purpose !== undefined && { purpose: body.purpose }),
            ...(body.legalBasis !== undefined && { legalBasis: body.legalBasis }),
            ...(body.recipient !== undefined && { recipient: body.recipient }),
            ...(body.victimData !== undefined && { victimData: body.victimData }),
          },
          now,
          actorOf(principal, request.id),
        );
      } catch (error) {
        await rm(work, { recursive: true, force: true });
        throw error;
      }
      const stream = createReadStream(out);
      // The temporary copy goes once it is sent (or the client leaves).
      stream.on('close', () => void rm(work, { recursive: true, force: true }));
      const safeId = params.id.replace(/[^A-Za-z0-9_-]/g, '_');
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="court-package-${safeId}.zip"`)
        .send(stream);
    },
  });
}
