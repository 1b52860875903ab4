/**
 * Persons of cases over HTTP (docs/api.md "Cases"): suspects and victims, a victim's sealed
 * personal data, the grants that let a member open it, and its destruction. Every route needs
 * `cases:use`; store/person-service.ts decides the rest (membership, grants, lead-only actions).
 * The master key is read from the configuration once, when the routes are registered.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CaseActor } from '../../store/case-service.js';
import {
  addPerson,
  grantVictimAccess,
  listPersons,
  listVictimGrants,
  type PersonSettings,
  readVictimData,
  revokeVictimAccess,
  shredVictimData,
  VictimDataSchema,
} from '../../store/person-service.js';
import { PERSON_KINDS } from '../../store/repositories.js';
import { parseMasterKey } from '../../store/sealed-records.js';
import type { Principal } from '../auth.js';
import { type Deps, route } from '../route.js';
import { Id, IdParams, Time, text } from '../schema.js';

const TAGS = ['cases'];

const PersonShape = z.object({
  id: z.string(),
  caseId: z.string(),
  kind: z.enum(PERSON_KINDS),
  label: z.string(),
  itemIds: z.array(z.string()),
  identifiers: z.array(z.string()),
  createdAt: Time,
  createdBy: z.string(),
  victimData: z
    .enum(['none', 'sealed', 'destroyed'])
    .describe('Whether sealed victim personal data exists, and whether it was destroyed.'),
  shreddedAt: Time.optional(),
});

const GrantShape = z.object({
  caseId: z.string(),
  accountId: z.string(),
  grantedBy: z.string(),
  grantedAt: Time,
});

const PersonParams = z.strictObject({ id: Id, personId: Id });
const GrantParams = z.strictObject({ id: Id, accountId: Id });

const actorOf = (principal: Principal, requestId: string): CaseActor => ({
  accountId: principal.account.id,
  actor: principal.actor,
  roles: principal.account.roles,
  requestId,
});

export function personRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;
  const settings: PersonSettings =
    deps.config.victimMasterKey === undefined
      ? {}
      : { masterKey: parseMasterKey(deps.config.victimMasterKey) };

  route(app, deps, {
    method: 'POST',
    url: '/v1/cases/:id/persons',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Add a suspect or victim to a case',
    description:
      'Members other than observers. A victim’s personal data (victimData) is sealed; every ' +
      'referral and protective measure needs the victim’s consent. Without a configured ' +
      'master key, victim data is refused (CONFIG_INVALID).',
    params: IdParams,
    body: z.strictObject({
      kind: z.enum(PERSON_KINDS),
      label: text(200).min(1).describe('An alias or label, never a real name.'),
      itemIds: z.array(Id).max(500).optional(),
      identifiers: z.array(text(500).min(1)).max(500).optional(),
      victimData: VictimDataSchema.optional(),
    }),
    responses: { 201: PersonShape },
    handler: async ({ params, body, now, principal, request, reply }) => {
      const person = await addPerson(
        store,
        settings,
        params.id,
        {
          kind: body.kind,
          label: body.label,
          ...(body.itemIds !== undefined && { itemIds: body.itemIds }),
          ...(body.identifiers !== undefined && { identifiers: body.identifiers }),
          ...(body.victimData !== undefined && { victimData: body.victimData }),
        },
        now,
        actorOf(principal, request.id),
      );
      reply.code(201);
      return person;
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/cases/:id/persons',
    access: 'cases:use',
    tags: TAGS,
    summary: 'The persons of a case',
    description: 'Members; public fields only, oldest first.',
    params: IdParams,
    responses: { 200: z.object({ items: z.array(PersonShape) }) },
    handler: async ({ params, principal, request }) => ({
      items: await listPersons(store, params.id, actorOf(principal, request.id)),
    }),
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/cases/:id/persons/:personId/victim-data',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Open a victim’s personal data',
    description:
      'Members a lead granted it to (admins too need a grant). Every opening is a custody ' +
      'event `accessed` in the evidence ledger. 410 once the data was destroyed.',
    params: PersonParams,
    responses: {
      200: z.object({ person: PersonShape, data: z.record(z.string(), z.unknown()) }),
    },
    handler: async ({ params, now, principal, request }) =>
      readVictimData(
        store,
        settings,
        params.id,
        params.personId,
        now,
        actorOf(principal, request.id),
      ),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/cases/:id/grants',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Let a member open the victim data of a case',
    description: 'Leads of the case only; the account must be a member (typically an advocate).',
    params: IdParams,
    body: z.strictObject({ accountId: Id }),
    responses: { 201: GrantShape },
    handler: async ({ params, body, now, principal, request, reply }) => {
      const grant = await grantVictimAccess(
        store,
        params.id,
        body.accountId,
        now,
        actorOf(principal, request.id),
      );
      reply.code(201);
      return grant;
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/cases/:id/grants',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Who may open the victim data of a case',
    description: 'Members. The grants, oldest first; a grant ends with membership.',
    params: IdParams,
    responses: { 200: z.object({ items: z.array(GrantShape) }) },
    handler: async ({ params, principal, request }) => ({
      items: await listVictimGrants(store, params.id, actorOf(principal, request.id)),
    }),
  });

  route(app, deps, {
    method: 'DELETE',
    url: '/v1/cases/:id/grants/:accountId',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Withdraw a grant to open victim data',
    description: 'Leads of the case only.',
    params: GrantParams,
    responses: { 204: null },
    handler: async ({ params, now, principal, request, reply }) => {
      await revokeVictimAccess(
        store,
        params.id,
        params.accountId,
        now,
        actorOf(principal, request.id),
      );
      return reply.code(204).send();
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/cases/:id/persons/:personId/shred',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Destroy a victim’s personal data',
    description:
      'Leads of the case only. Its key is shredded: nothing can open it again. Writes a ' +
      'custody event `disposed`.',
    params: PersonParams,
    responses: { 200: PersonShape },
    handler: async ({ params, now, principal, request }) =>
      shredVictimData(store, params.id, params.personId, now, actorOf(principal, request.id)),
  });
}
