/**
 * Sharing over HTTP (docs/api.md "Sharing", docs/sharing.md): partners and agreements
 * (`share:manage`), packages of cases (`share:use`), and the inbox where partner instances
 * deliver packages. The inbox is public to user credentials: the caller is an organisation,
 * authenticated by its Ed25519 request signature against the partner registry, and the package
 * itself is signed, encrypted to this organisation and checked against a local agreement
 * before anything is kept (store/share-service.ts receivePackage).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PURPOSES } from '../../share/agreement.js';
import { PAP_LEVELS, TLP_LEVELS } from '../../share/markings.js';
import { PACKAGE_MEDIA_TYPE } from '../../share/package.js';
import { ORG_HEADER, SIGNATURE_HEADER } from '../../share/transport.js';
import { VigilError } from '../../shared/errors.js';
import { VIGIL_VERSION } from '../../shared/version.js';
import type { CaseActor } from '../../store/case-service.js';
import { requireOrgKeys } from '../../store/org-keys.js';
import {
  acceptPackage,
  addAgreement,
  addPartner,
  confirmPartner,
  exportPackage,
  PACKAGE_PARTS,
  receivePackage,
} from '../../store/share-service.js';
import { lazyStoreVault } from '../../store/vault.js';
import type { Principal } from '../auth.js';
import { verifyPartnerRequest } from '../partner-request.js';
import { type Deps, route } from '../route.js';
import { Id, text } from '../schema.js';

const TAGS = ['share'];

import { deliverPackage, INBOX_PATH } from '../../store/share-delivery.js';

/** A package may be up to 256 MiB (share/package.ts). */
const INBOX_BODY_LIMIT = 256 * 1024 * 1024;

const PartnerShape = z.object({
  org: z.string(),
  name: z.string(),
  publicKey: z.string(),
  fingerprint: z.string(),
  url: z.string().optional(),
  logKeys: z.array(z.string()),
  addedAt: z.string(),
  addedBy: z.string(),
  confirmedAt: z.string().optional(),
  confirmedBy: z.string().optional(),
});

const PackageShape = z.object({
  id: z.string(),
  direction: z.enum(['out', 'in']),
  partner: z.string(),
  agreementId: z.string(),
  status: z.string(),
  createdAt: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  caseId: z.string().optional(),
  evidence: z.array(z.string()).optional(),
  manifest: z.unknown().optional(),
});

const actorOf = (principal: Principal, requestId: string): CaseActor => ({
  accountId: principal.account.id,
  actor: principal.actor,
  roles: principal.account.roles,
  requestId,
});

export function shareRoutes(app: FastifyInstance, deps: Deps): void {
  const { store, config } = deps;
  const openVault = lazyStoreVault(store, {
    dataDir: config.dataDir,
    tool: { name: 'vigil', version: VIGIL_VERSION },
    now: deps.clock,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/share/partners',
    access: 'share:use',
    tags: TAGS,
    summary: 'Partner organisations',
    description: 'Registered partners with their key fingerprints and whether they are confirmed.',
    responses: { 200: z.object({ items: z.array(PartnerShape) }) },
    handler: async () => ({ items: await store.share.partners() }),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/share/partners',
    access: 'share:manage',
    tags: TAGS,
    summary: 'Register a partner',
    description:
      'By its public key line (`vigil share key` on its side). Nothing is exchanged until its ' +
      'fingerprint is confirmed out of band.',
    body: z.strictObject({
      publicKey: text(512).min(1),
      name: text(300).min(1),
      url: text(500).min(1).optional(),
      logKeys: z.array(text(512).min(1)).max(10).optional(),
    }),
    responses: { 201: PartnerShape },
    handler: async ({ body, now, principal, request, reply }) => {
      const partner = await addPartner(
        store,
        {
          publicKey: body.publicKey,
          name: body.name,
          ...(body.url !== undefined && { url: body.url }),
          ...(body.logKeys !== undefined && { logKeys: body.logKeys }),
        },
        now,
        actorOf(principal, request.id),
      );
      reply.code(201);
      return partner;
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/share/partners/:org/confirm',
    access: 'share:manage',
    tags: TAGS,
    summary: 'Confirm a partner’s key',
    description: 'Give the fingerprint the partner read to you; it must match the registered key.',
    params: z.strictObject({ org: Id }),
    body: z.strictObject({ fingerprint: text(200).min(1) }),
    responses: { 200: PartnerShape },
    handler: async ({ params, body, now, principal, request }) =>
      confirmPartner(store, params.org, body.fingerprint, now, actorOf(principal, request.id)),
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/share/agreements',
    access: 'share:use',
    tags: TAGS,
    summary: 'Data-sharing agreements',
    description: 'The agreements recorded here, as given.',
    responses: {
      200: z.object({
        items: z.array(
          z.object({
            id: z.string(),
            agreement: z.unknown(),
            addedAt: z.string(),
            addedBy: z.string(),
          }),
        ),
      }),
    },
    handler: async () => ({ items: await store.share.agreements() }),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/share/agreements',
    access: 'share:manage',
    tags: TAGS,
    summary: 'Record an agreement',
    description: 'Validated (docs/sharing.md); it must list this organisation among its parties.',
    body: z.looseObject({}).describe('The agreement (docs/sharing.md).'),
    responses: {
      201: z.object({
        id: z.string(),
        agreement: z.unknown(),
        addedAt: z.string(),
        addedBy: z.string(),
      }),
    },
    handler: async ({ body, now, principal, request, reply }) => {
      const keys = await requireOrgKeys(config.dataDir);
      const stored = await addAgreement(store, body, keys.org, now, actorOf(principal, request.id));
      reply.code(201);
      return stored;
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/share/packages',
    access: 'share:use',
    tags: TAGS,
    summary: 'Packages sent and received',
    description: 'Newest first.',
    querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    responses: { 200: z.object({ items: z.array(PackageShape) }) },
    handler: async ({ query }) => ({ items: await store.share.packages({ limit: query.limit }) }),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/share/exports',
    access: 'share:use',
    tags: TAGS,
    summary: 'Package a case for a partner',
    description:
      'Leads of the case. Refused with 403 SHARE_DENIED naming the clause when the agreement ' +
      'does not allow it. Answers the package (application/vnd.vigil.share.v1), or with ' +
      '`send` delivers it to the partner’s inbox and answers the record.',
    body: z.strictObject({
      caseId: Id,
      to: Id,
      agreementId: Id,
      purpose: z.enum(PURPOSES),
      include: z.array(z.enum(PACKAGE_PARTS)).min(1).max(PACKAGE_PARTS.length),
      tlp: z.enum(TLP_LEVELS).optional(),
      pap: z.enum(PAP_LEVELS).optional(),
      send: z.boolean().optional(),
    }),
    responses: { 200: PackageShape.describe('The record (with send), else the package bytes.') },
    handler: async ({ body, now, principal, request, reply }) => {
      const keys = await requireOrgKeys(config.dataDir);
      const { bytes, record } = await exportPackage(
        store,
        await openVault(),
        keys,
        {
          caseId: body.caseId,
          to: body.to,
          agreementId: body.agreementId,
          purpose: body.purpose,
          parts: body.include,
          ...(body.tlp !== undefined && { tlp: body.tlp }),
          ...(body.pap !== undefined && { pap: body.pap }),
        },
        now,
        actorOf(principal, request.id),
      );
      if (body.send === true) return deliverPackage(store, keys, record, bytes, deps.clock());
      return reply
        .type(PACKAGE_MEDIA_TYPE)
        .header('content-disposition', `attachment; filename="${record.id}.vshare"`)
        .send(Buffer.from(bytes));
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/share/packages/:id/accept',
    access: 'share:use',
    tags: TAGS,
    summary: 'Accept a received package into a case',
    description:
      'Members of the case other than observers. Seals its files as evidence, each logged as ' +
      'received from the partner.',
    params: z.strictObject({ id: Id }),
    body: z.strictObject({ caseId: Id }),
    responses: { 200: PackageShape },
    handler: async ({ params, body, now, principal, request }) =>
      acceptPackage(
        store,
        await openVault(),
        config.dataDir,
        await requireOrgKeys(config.dataDir),
        params.id,
        body.caseId,
        now,
        actorOf(principal, request.id),
      ),
  });

  // The inbox reads the package's exact bytes: a content-type parser of its own, in a scope.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      PACKAGE_MEDIA_TYPE,
      { parseAs: 'buffer', bodyLimit: INBOX_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    route(scope, deps, {
      method: 'POST',
      url: INBOX_PATH,
      access: 'public',
      tags: TAGS,
      summary: 'Receive a package from a partner instance',
      description:
        `The body is a package (${PACKAGE_MEDIA_TYPE}); the request is signed by the partner’s ` +
        `organisation key (headers \`${ORG_HEADER}\` and \`${SIGNATURE_HEADER}\`). The package ` +
        'is checked (signature, addressee, hashes, agreement, the evidence bundle against the ' +
        'partner’s log key) and kept for acceptance into a case.',
      responses: { 202: PackageShape },
      handler: async ({ request, now, reply }) => {
        const body = request.body;
        if (!Buffer.isBuffer(body)) {
          throw new VigilError('REQUEST_INVALID', `Send the package as ${PACKAGE_MEDIA_TYPE}.`, {
            details: { field: 'content-type' },
          });
        }
        // Only confirmed partners deliver: the package itself is checked against them too.
        const sender = await verifyPartnerRequest(
          store,
          request,
          { path: INBOX_PATH, body, now },
          { confirmedOnly: true },
        );
        const record = await receivePackage(
          store,
          config.dataDir,
          await requireOrgKeys(config.dataDir),
          body,
          now,
          { accountId: `partner:${sender.org}`, actor: `partner:${sender.org}` },
          sender.org,
        );
        reply.code(202);
        return record;
      },
    });
  });
}
