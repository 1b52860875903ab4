/**
 * Cases over HTTP (docs/api.md "Cases"). Every route needs `cases:use`; what the caller may do in
 * a given case is decided by the units of work of store/case-service.ts (requireCaseAccess): a
 * non-member gets 404 as for a case that does not exist, an observer 403 on changes, and only
 * leads and admins change the case and its members. The routes validate the envelope only.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  addLink,
  addMember,
  addNote,
  addTask,
  type CaseActor,
  createCase,
  getCase,
  listCases,
  MAX_OPENING_LINKS,
  removeLink,
  removeMember,
  timeline,
  updateCase,
  updateTask,
} from '../../store/case-service.js';
import {
  CASE_LINK_KINDS,
  CASE_ROLES,
  CASE_STATUSES,
  CASE_TASK_STATES,
  TLP_LEVELS,
} from '../../store/repositories.js';
import type { Principal } from '../auth.js';
import { type Deps, route } from '../route.js';
import { Id, IdParams, PageQuery, pageOf, Time, text } from '../schema.js';
import { AuditRecordShape } from '../shapes.js';

const TAGS = ['cases'];

const Title = text(200)
  .refine((value) => value.trim().length > 0, 'must not be blank')
  .describe('1 to 200 characters.');
const Status = z.enum(CASE_STATUSES);
const Tlp = z.enum(TLP_LEVELS).describe('Traffic Light Protocol 2.0 marking.');
const CaseRole = z.enum(CASE_ROLES);
const LinkKind = z.enum(CASE_LINK_KINDS);
const DueTime = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 time, e.g. 2026-11-28T13:03:23Z');

const CaseShape = z.object({
  id: z.string(),
  title: z.string(),
  status: Status,
  tlp: Tlp,
  createdAt: Time,
  createdBy: z.string().describe('The account id of who opened it.'),
  updatedAt: Time,
});

const MemberShape = z.object({
  caseId: z.string(),
  accountId: z.string(),
  role: CaseRole,
  addedAt: Time,
  addedBy: z.string(),
});

const LinkShape = z.object({
  caseId: z.string(),
  kind: LinkKind,
  targetId: z.string(),
  addedAt: Time,
  addedBy: z.string(),
  note: z.string().optional(),
});

const NoteShape = z.object({
  id: z.string(),
  caseId: z.string(),
  at: Time,
  author: z.string().describe('The account id of who wrote it.'),
  text: z.string(),
});

const TaskShape = z.object({
  id: z.string(),
  caseId: z.string(),
  title: z.string(),
  state: z.enum(CASE_TASK_STATES),
  assignee: z.string().optional().describe('An account id, a member of the case.'),
  due: Time.optional(),
  createdAt: Time,
  updatedAt: Time,
});

const CaseDetailShape = z.object({
  case: CaseShape,
  role: CaseRole.optional().describe(
    "The caller's role in the case; absent for an admin who is no member.",
  ),
  members: z.array(MemberShape),
  links: z.array(LinkShape),
  notes: z.array(NoteShape).describe('Oldest first.'),
  tasks: z.array(TaskShape).describe('Oldest first.'),
});

const CaseChange = z
  .strictObject({ title: Title.optional(), status: Status.optional(), tlp: Tlp.optional() })
  .refine((change) => Object.values(change).some((value) => value !== undefined), {
    message: 'give title, status or tlp',
  });

const TaskChange = z
  .strictObject({
    title: Title.optional(),
    state: z.enum(CASE_TASK_STATES).optional(),
    assignee: Id.nullable().optional().describe('An account id; null clears it.'),
    due: DueTime.nullable().optional().describe('null clears it.'),
  })
  .refine((change) => Object.values(change).some((value) => value !== undefined), {
    message: 'give title, state, assignee or due',
  });

const MemberParams = z.strictObject({ id: Id, accountId: Id });
const LinkParams = z.strictObject({ id: Id, kind: LinkKind, targetId: Id });
const TaskParams = z.strictObject({ id: Id, taskId: Id });

const actorOf = (principal: Principal, requestId: string): CaseActor => ({
  accountId: principal.account.id,
  actor: principal.actor,
  roles: principal.account.roles,
  requestId,
});

const page = (query: { limit: number; cursor?: string | undefined }) => ({
  limit: query.limit,
  ...(query.cursor !== undefined && { cursor: query.cursor }),
});

export function caseRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  route(app, deps, {
    method: 'POST',
    url: '/v1/cases',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Open a case',
    description:
      'The caller becomes its lead. The marking defaults to TLP:AMBER. `links` opens it from ' +
      'what prompted it, e.g. a network: each must exist and is linked at once.',
    body: z.strictObject({
      title: Title,
      tlp: Tlp.optional(),
      links: z
        .array(z.strictObject({ kind: LinkKind, targetId: Id }))
        .max(MAX_OPENING_LINKS)
        .optional(),
    }),
    responses: { 201: CaseDetailShape },
    handler: async ({ body, now, principal, request, reply }) => {
      const opened = await createCase(
        store,
        {
          title: body.title,
          ...(body.tlp !== undefined && { tlp: body.tlp }),
          ...(body.links !== undefined && { links: body.links }),
        },
        now,
        actorOf(principal, request.id),
      );
      reply.code(201);
      return opened;
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/cases',
    access: 'cases:use',
    tags: TAGS,
    summary: 'List your cases',
    description: 'The cases the caller is a member of (admins: every case), newest first.',
    querystring: z.strictObject({ status: Status.optional(), ...PageQuery }),
    responses: { 200: pageOf(CaseShape) },
    handler: async ({ query, principal, request }) =>
      listCases(
        store,
        query.status === undefined ? {} : { status: query.status },
        page(query),
        actorOf(principal, request.id),
      ),
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/cases/:id',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Get a case',
    description: 'With its members, links, notes and tasks. Members only: others get 404.',
    params: IdParams,
    responses: { 200: CaseDetailShape },
    handler: async ({ params, principal, request }) =>
      getCase(store, params.id, actorOf(principal, request.id)),
  });

  route(app, deps, {
    method: 'PATCH',
    url: '/v1/cases/:id',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Change a case',
    description: 'Its title, status or marking. Leads of the case only.',
    params: IdParams,
    body: CaseChange,
    responses: { 200: CaseDetailShape },
    handler: async ({ params, body, now, principal, request }) =>
      updateCase(
        store,
        params.id,
        {
          ...(body.title !== undefined && { title: body.title }),
          ...(body.status !== undefined && { status: body.status }),
          ...(body.tlp !== undefined && { tlp: body.tlp }),
        },
        now,
        actorOf(principal, request.id),
      ),
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/cases/:id/members',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Add a member to a case, or change a member’s role',
    description: 'Leads of the case only. A case keeps at least one lead (409 otherwise).',
    params: IdParams,
    body: z.strictObject({ accountId: Id, role: CaseRole }),
    responses: { 201: MemberShape },
    handler: async ({ params, body, now, principal, request, reply }) => {
      const member = await addMember(store, params.id, body, now, actorOf(principal, request.id));
      reply.code(201);
      return member;
    },
  });

  route(app, deps, {
    method: 'DELETE',
    url: '/v1/cases/:id/members/:accountId',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Remove a member from a case',
    description: 'Leads of the case only; never its last lead (409).',
    params: MemberParams,
    responses: { 204: null },
    handler: async ({ params, now, principal, request, reply }) => {
      await removeMember(store, params.id, params.accountId, now, actorOf(principal, request.id));
      return reply.code(204).send();
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/cases/:id/links',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Link an item, network, template or evidence to a case',
    description:
      'Members other than observers. Items, networks and templates must exist; evidence ids ' +
      'are taken as given.',
    params: IdParams,
    body: z.strictObject({ kind: LinkKind, targetId: Id, note: text(2000).optional() }),
    responses: { 201: LinkShape },
    handler: async ({ params, body, now, principal, request, reply }) => {
      const link = await addLink(
        store,
        params.id,
        {
          kind: body.kind,
          targetId: body.targetId,
          ...(body.note !== undefined && { note: body.note }),
        },
        now,
        actorOf(principal, request.id),
      );
      reply.code(201);
      return link;
    },
  });

  route(app, deps, {
    method: 'DELETE',
    url: '/v1/cases/:id/links/:kind/:targetId',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Remove a link from a case',
    description: 'Members other than observers.',
    params: LinkParams,
    responses: { 204: null },
    handler: async ({ params, now, principal, request, reply }) => {
      await removeLink(
        store,
        params.id,
        params.kind,
        params.targetId,
        now,
        actorOf(principal, request.id),
      );
      return reply.code(204).send();
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/cases/:id/notes',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Add a note to a case',
    description: 'Members other than observers. Notes are kept as written, never changed.',
    params: IdParams,
    // Notes may span lines, unlike the one-line fields; NUL only is refused (PostgreSQL text
    // cannot hold it).
    body: z.strictObject({
      text: z
        .string()
        .min(1)
        .max(20_000)
        .refine((value) => !value.includes('\u0000'), 'must not contain NUL'),
    }),
    responses: { 201: NoteShape },
    handler: async ({ params, body, now, principal, request, reply }) => {
      const note = await addNote(store, params.id, body, now, actorOf(principal, request.id));
      reply.code(201);
      return note;
    },
  });

  route(app, deps, {
    method: 'POST',
    url: '/v1/cases/:id/tasks',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Add a task to a case',
    description: 'Members other than observers. The assignee must be a member of the case.',
    params: IdParams,
    body: z.strictObject({ title: Title, assignee: Id.optional(), due: DueTime.optional() }),
    responses: { 201: TaskShape },
    handler: async ({ params, body, now, principal, request, reply }) => {
      const task = await addTask(
        store,
        params.id,
        {
          title: body.title,
          ...(body.assignee !== undefined && { assignee: body.assignee }),
          ...(body.due !== undefined && { due: body.due }),
        },
        now,
        actorOf(principal, request.id),
      );
      reply.code(201);
      return task;
    },
  });

  route(app, deps, {
    method: 'PATCH',
    url: '/v1/cases/:id/tasks/:taskId',
    access: 'cases:use',
    tags: TAGS,
    summary: 'Change a task of a case',
    description: 'Members other than observers; null clears the assignee or the due time.',
    params: TaskParams,
    body: TaskChange,
    responses: { 200: TaskShape },
    handler: async ({ params, body, now, principal, request }) =>
      updateTask(
        store,
        params.id,
        params.taskId,
        {
          ...(body.title !== undefined && { title: body.title }),
          ...(body.state !== undefined && { state: body.state }),
          ...(body.assignee !== undefined && { assignee: body.assignee }),
          ...(body.due !== undefined && { due: body.due }),
        },
        now,
        actorOf(principal, request.id),
      ),
  });

  route(app, deps, {
    method: 'GET',
    url: '/v1/cases/:id/timeline',
    access: 'cases:use',
    tags: TAGS,
    summary: 'What happened in a case',
    description: 'The audit records of the case, newest first. Members only.',
    params: IdParams,
    querystring: z.strictObject(PageQuery),
    responses: { 200: pageOf(AuditRecordShape) },
    handler: async ({ params, query, principal, request }) =>
      timeline(store, params.id, page(query), actorOf(principal, request.id)),
  });
}
