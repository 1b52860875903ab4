/**
 * `POST /v1/share/psi`: a partner instance asks which of its identifiers this instance holds too
 * (private set intersection, docs/psi.md). Public to user credentials: the caller is an
 * organisation, authenticated by the Ed25519 signature over the raw body (share/transport.ts)
 * against the partner registry. store/share-match.ts answerMatch checks the partner's
 * confirmation, the agreement and the rate limit, and answers.
 *
 * The signature covers the body's exact bytes, so this route's JSON parser (in a scope of its
 * own, nothing else changes) keeps them. Its body limit is larger than the service's: a set of
 * a million identifiers is about 45 MB of points.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PURPOSES } from '../../share/agreement.js';
import { PSI_FORMAT } from '../../share/psi.js';
import { ORG_HEADER, SIGNATURE_HEADER } from '../../share/transport.js';
import { VigilError } from '../../shared/errors.js';
import { requireOrgKeys } from '../../store/org-keys.js';
import { answerMatch, PSI_PATH } from '../../store/share-match.js';
import { verifyPartnerRequest } from '../partner-request.js';
import { type Deps, route } from '../route.js';

/** The largest matching request accepted: 1,000,000 points of 44 characters, with room. */
export const PSI_BODY_LIMIT = 64 * 1024 * 1024;
const MAX_POINTS = 1_000_000;

const Point = z.string().max(64);
const SessionId = z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/);

const Body = z.strictObject({
  session: SessionId.describe('The session id, as in the request.'),
  agreementId: z.string().min(1).max(200).describe('The agreement both instances registered.'),
  purpose: z.enum(PURPOSES).optional().describe('Why the partner asks (default investigation).'),
  request: z
    .strictObject({
      format: z.literal(PSI_FORMAT),
      session: SessionId,
      round: z.literal('request'),
      points: z.array(Point).max(MAX_POINTS),
    })
    .describe('Round 1 of docs/psi.md: the partner’s blinded identifiers, shuffled.'),
});

const Response = z
  .object({
    format: z.literal(PSI_FORMAT),
    session: z.string(),
    round: z.literal('response'),
    doubled: z.array(z.string()),
    points: z.array(z.string()),
  })
  .meta({ description: 'Round 2 of docs/psi.md.' });

export function sharePsiRoutes(app: FastifyInstance, deps: Deps): void {
  /** The raw bodies of this scope's requests, for the signature. */
  const raw = new WeakMap<FastifyRequest, Buffer>();

  app.register(async (scope) => {
    const json = scope.getDefaultJsonParser('error', 'error');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: PSI_BODY_LIMIT },
      (request, body, done) => {
        raw.set(request, body as Buffer);
        // The default JSON parser (prototype poisoning refused) reads a Buffer as well.
        json(request, body as unknown as string, done);
      },
    );

    route(scope, deps, {
      method: 'POST',
      url: PSI_PATH,
      access: 'public',
      tags: ['share'],
      summary: 'Answer a partner’s private matching request',
      description:
        'Private set intersection (docs/psi.md) with a partner instance: the partner learns ' +
        'which of its phones, emails, handles and wallets this instance holds too, and this ' +
        'instance learns only how many it sent. Signed by the partner’s organisation key ' +
        `(headers \`${ORG_HEADER}\` and \`${SIGNATURE_HEADER}\`, docs/sharing.md); the partner ` +
        'must be registered and confirmed, and the agreement must allow indicators. Limited ' +
        'per partner (sessions per day, interval, identifiers per day).',
      body: Body,
      responses: { 200: Response },
      handler: async ({ body, request, now }) => {
        const sender = await verifyPartnerRequest(deps.store, request, {
          path: PSI_PATH,
          body: raw.get(request) ?? new Uint8Array(0),
          now,
        });
        if (body.request.session !== body.session) {
          throw new VigilError('PSI_REFUSED', 'The request belongs to another session.', {
            details: { reason: 'session-mismatch' },
          });
        }
        return answerMatch(deps.store, {
          orgKeys: await requireOrgKeys(deps.config.dataDir),
          sender: sender.org,
          agreementId: body.agreementId,
          ...(body.purpose !== undefined && { purpose: body.purpose }),
          request: body.request,
          now,
          randomBytes: (n) => new Uint8Array(randomBytes(n)),
        });
      },
    });
  });
}
