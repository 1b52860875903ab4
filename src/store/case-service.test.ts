/**
 * Cases on every test database: the need-to-know access rule (a non-member meets NOT_FOUND in
 * every unit, as for a case that does not exist; observers read but do not write; only leads
 * and admins manage; a case keeps a lead), what listings show to whom, links to what exists,
 * and the timeline: every action, newest first, page by page.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.js';
import { rejection } from '../../test/support/errors.js';
import type { Network, Template } from '../analyze/link-types.js';
import { isVigilError, type VigilError } from '../shared/errors.js';
import {
  addLink,
  addMember,
  addNote,
  addTask,
  type CaseActor,
  createCase,
  getCase,
  listCases,
  removeLink,
  removeMember,
  timeline,
  updateCase,
  updateTask,
} from './case-service.js';
import type { Db } from './database.js';
import type { AuditRecord, Role, ServiceStore } from './repositories.js';
import { openServiceStore } from './service-store.js';

const DATABASES = testDatabases();
const T0 = Date.parse('2026-05-01T09:00:00.000Z');
let tick = 0;
/** A later time on every call, so that the timeline's order is the order of the calls. */
const next = () => new Date(T0 + 1000 * ++tick).toISOString();

async function person(store: ServiceStore, roles: readonly Role[]): Promise<CaseActor> {
  const account = await store.accounts.createAccount(
    { name: `test ${roles.join('+')}`, roles },
    next(),
  );
  return { accountId: account.id, actor: `account:${account.id}`, roles };
}

async function failure(promise: Promise<unknown>): Promise<VigilError> {
  const error = await rejection(promise);
  if (!isVigilError(error)) throw error;
  return error;
}

const NETWORK = {
  id: 'net-1',
  members: [],
  templates: [],
  identifiers: [],
  hubs: [],
  features: {} as Network['features'],
  risk: 0.5,
  explanation: [],
} satisfies Network;
const TEMPLATE: Template = { id: 'tpl-1', members: [], similarity: 1 };

/** Every audit record, oldest first: to see that a refused call wrote nothing. */
async function allAudit(store: ServiceStore): Promise<AuditRecord[]> {
  return [...(await store.audit.list({}, { limit: 500 })).items].reverse();
}

for (const database of DATABASES) {
  describe(`cases on ${database.name}`, () => {
    const opened: Db[] = [];
    afterAll(async () => {
      await Promise.all(opened.splice(0).map((db) => db.destroy()));
    });
    const open = async () => {
      const db = await database.open();
      opened.push(db);
      return openServiceStore(db);
    };

    /** A case with a lead, an investigator and an observer in it, and people outside it. */
    async function fixture() {
      const store = await open();
      const lead = await person(store, ['investigator']);
      const investigator = await person(store, ['investigator']);
      const observer = await person(store, ['advocate']);
      const outsider = await person(store, ['investigator']);
      const admin = await person(store, ['admin']);
      const { case: file } = await createCase(store, { title: 'Circuit A' }, next(), lead);
      await addMember(
        store,
        file.id,
        { accountId: investigator.accountId, role: 'investigator' },
        next(),
        lead,
      );
      await addMember(
        store,
        file.id,
        { accountId: observer.accountId, role: 'observer' },
        next(),
        lead,
      );
      return { store, lead, investigator, observer, outsider, admin, caseId: file.id };
    }

    it('makes the creator the lead and shows the case to its members', async () => {
      const { store, lead, observer, caseId } = await fixture();
      const seen = await getCase(store, caseId, lead);
      expect(seen.role).toBe('lead');
      expect(seen.case).toMatchObject({ title: 'Circuit A', status: 'open', tlp: 'amber' });
      expect(seen.case.createdBy).toBe(lead.accountId);
      expect(seen.members.map((member) => member.role)).toEqual([
        'lead',
        'investigator',
        'observer',
      ]);
      expect((await getCase(store, caseId, observer)).role).toBe('observer');
    });

    it('answers a non-member NOT_FOUND in every unit, as for a missing case, writing nothing', async () => {
      const { store, lead, outsider, caseId } = await fixture();
      const task = await addTask(store, caseId, { title: 'Call the platform' }, next(), lead);
      await addLink(store, caseId, { kind: 'evidence', targetId: 'ev-1' }, next(), lead);
      const units: Record<string, (id: string) => Promise<unknown>> = {
        getCase: (id) => getCase(store, id, outsider),
        updateCase: (id) => updateCase(store, id, { status: 'closed' }, next(), outsider),
        addMember: (id) =>
          addMember(store, id, { accountId: outsider.accountId, role: 'lead' }, next(), outsider),
        removeMember: (id) => removeMember(store, id, lead.accountId, next(), outsider),
        addLink: (id) =>
          addLink(store, id, { kind: 'evidence', targetId: 'ev-2' }, next(), outsider),
        removeLink: (id) => removeLink(store, id, 'evidence', 'ev-1', next(), outsider),
        addNote: (id) => addNote(store, id, { text: 'hello' }, next(), outsider),
        addTask: (id) => addTask(store, id, { title: 'x' }, next(), outsider),
        updateTask: (id) => updateTask(store, id, task.id, { state: 'done' }, next(), outsider),
        timeline: (id) => timeline(store, id, { limit: 10 }, outsider),
      };
      const before = await allAudit(store);
      for (const [name, unit] of Object.entries(units)) {
        const refused = await failure(unit(caseId));
        const missing = await failure(unit('case_doesnotexist'));
        expect(refused.code, name).toBe('NOT_FOUND');
        // The same answer, but for the id: nothing tells the two apart.
        expect(JSON.stringify(refused.toJSON()).replaceAll(caseId, 'ID'), name).toBe(
          JSON.stringify(missing.toJSON()).replaceAll('case_doesnotexist', 'ID'),
        );
      }
      expect(await allAudit(store)).toEqual(before);
      expect((await getCase(store, caseId, lead)).members).toHaveLength(3);
    });

    it('lets observers read but not write, and only leads and admins manage', async () => {
      const { store, lead, investigator, observer, admin, caseId } = await fixture();
      const task = await addTask(store, caseId, { title: 'Map the circuit' }, next(), lead);
      await addLink(store, caseId, { kind: 'evidence', targetId: 'ev-1' }, next(), lead);
      const writes = (who: CaseActor) => ({
        addLink: () => addLink(store, caseId, { kind: 'evidence', targetId: 'ev-9' }, next(), who),
        removeLink: () => removeLink(store, caseId, 'evidence', 'ev-1', next(), who),
        addNote: () => addNote(store, caseId, { text: 'seen' }, next(), who),
        addTask: () => addTask(store, caseId, { title: 'y' }, next(), who),
        updateTask: () => updateTask(store, caseId, task.id, { state: 'done' }, next(), who),
      });
      const manages = (who: CaseActor) => ({
        updateCase: () => updateCase(store, caseId, { tlp: 'red' }, next(), who),
        addMember: () =>
          addMember(store, caseId, { accountId: admin.accountId, role: 'analyst' }, next(), who),
        removeMember: () => removeMember(store, caseId, investigator.accountId, next(), who),
      });

      expect((await getCase(store, caseId, observer)).case.id).toBe(caseId);
      expect((await timeline(store, caseId, {}, observer)).items.length).toBeGreaterThan(0);
      for (const [name, write] of Object.entries(writes(observer))) {
        expect((await failure(write())).code, name).toBe('FORBIDDEN');
      }
      for (const [name, manage] of Object.entries({
        ...manages(observer),
        ...manages(investigator),
      })) {
        expect((await failure(manage())).code, name).toBe('FORBIDDEN');
      }
      // An investigator member writes.
      for (const write of Object.values(writes(investigator))) await write();
      // An admin manages a case without being in it.
      await updateCase(store, caseId, { tlp: 'red' }, next(), admin);
      const seen = await getCase(store, caseId, admin);
      expect(seen.role).toBeUndefined();
      expect(seen.case.tlp).toBe('red');
      // And a lead manages: removing the investigator shuts them out at once.
      await removeMember(store, caseId, investigator.accountId, next(), lead);
      expect((await failure(getCase(store, caseId, investigator))).code).toBe('NOT_FOUND');
    });

    it('never removes or demotes the last lead', async () => {
      const { store, lead, investigator, admin, caseId } = await fixture();
      // One at a time: each must fail on its own, not race the others.
      for (const attempt of [
        () => removeMember(store, caseId, lead.accountId, next(), lead),
        () => removeMember(store, caseId, lead.accountId, next(), admin),
        () =>
          addMember(store, caseId, { accountId: lead.accountId, role: 'analyst' }, next(), lead),
      ]) {
        expect((await failure(attempt())).code).toBe('CONFLICT');
      }
      await addMember(
        store,
        caseId,
        { accountId: investigator.accountId, role: 'lead' },
        next(),
        lead,
      );
      await removeMember(store, caseId, lead.accountId, next(), investigator);
      const seen = await getCase(store, caseId, investigator);
      expect(seen.members.map((member) => [member.accountId, member.role])).toEqual([
        [investigator.accountId, 'lead'],
        expect.any(Array),
      ]);
      expect((await failure(getCase(store, caseId, lead))).code).toBe('NOT_FOUND');
    });

    it('lists only the caller’s cases; an admin’s list holds every case', async () => {
      const { store, lead, investigator, outsider, admin, caseId } = await fixture();
      const { case: other } = await createCase(
        store,
        { title: 'Other', tlp: 'red' },
        next(),
        outsider,
      );
      const ids = async (who: CaseActor) =>
        (await listCases(store, {}, { limit: 50 }, who)).items.map((file) => file.id);
      expect(await ids(lead)).toEqual([caseId]);
      expect(await ids(investigator)).toEqual([caseId]);
      expect(await ids(outsider)).toEqual([other.id]);
      expect(await ids(admin)).toEqual([other.id, caseId]);
      expect(await ids(await person(store, ['investigator']))).toEqual([]);
      // Paged, newest first, with a status filter.
      const first = await listCases(store, {}, { limit: 1 }, admin);
      expect(first.items.map((file) => file.id)).toEqual([other.id]);
      const second = await listCases(
        store,
        {},
        { limit: 1, ...(first.next !== undefined && { cursor: first.next }) },
        admin,
      );
      expect(second.items.map((file) => file.id)).toEqual([caseId]);
      expect(second.next).toBeUndefined();
      await updateCase(store, caseId, { status: 'closed' }, next(), lead);
      expect(
        (await listCases(store, { status: 'closed' }, {}, admin)).items.map((file) => file.id),
      ).toEqual([caseId]);
    });

    it('links only items, networks and templates that exist, each once', async () => {
      const { store, lead, caseId } = await fixture();
      const [item] = await store.items.ingest([{ id: 'ad-1', title: 'Hostess wanted' }], {
        source: 'default',
        receivedAt: next(),
      });
      await store.links.replaceAll([TEMPLATE], [NETWORK]);
      const link = (kind: 'item' | 'network' | 'template' | 'evidence', targetId: string) =>
        addLink(store, caseId, { kind, targetId }, next(), lead);
      for (const [kind, id] of [
        ['item', 'itm_missing'],
        ['network', 'net-missing'],
        ['template', 'tpl-missing'],
      ] as const) {
        const error = await failure(link(kind, id));
        expect(error.code).toBe('NOT_FOUND');
        expect(error.details).toEqual({ kind, id });
      }
      await link('item', item?.id ?? '');
      await link('network', NETWORK.id);
      await link('template', TEMPLATE.id);
      await link('evidence', 'ev-anything');
      expect((await failure(link('network', NETWORK.id))).code).toBe('CONFLICT');
      const seen = await getCase(store, caseId, lead);
      expect(seen.links.map((l) => `${l.kind}:${l.targetId}`)).toEqual([
        `item:${item?.id}`,
        'network:net-1',
        'template:tpl-1',
        'evidence:ev-anything',
      ]);
      await removeLink(store, caseId, 'network', NETWORK.id, next(), lead);
      expect(
        (await failure(removeLink(store, caseId, 'network', NETWORK.id, next(), lead))).code,
      ).toBe('NOT_FOUND');
      expect((await getCase(store, caseId, lead)).links).toHaveLength(3);
    });

    it('keeps tasks for members and notes as written', async () => {
      const { store, lead, investigator, outsider, caseId } = await fixture();
      expect(
        (
          await failure(
            addTask(store, caseId, { title: 'x', assignee: outsider.accountId }, next(), lead),
          )
        ).code,
      ).toBe('REQUEST_INVALID');
      const task = await addTask(
        store,
        caseId,
        { title: 'Preserve the ads', assignee: investigator.accountId, due: '2026-06-01T00:00Z' },
        next(),
        lead,
      );
      expect(task).toMatchObject({ state: 'open', due: '2026-06-01T00:00:00.000Z' });
      const done = await updateTask(
        store,
        caseId,
        task.id,
        { state: 'done', assignee: null, due: null },
        next(),
        investigator,
      );
      expect(done.state).toBe('done');
      expect(done.assignee).toBeUndefined();
      expect(done.due).toBeUndefined();
      expect(
        (await failure(updateTask(store, caseId, 'task_missing', { state: 'open' }, next(), lead)))
          .code,
      ).toBe('NOT_FOUND');
      const text = 'Two numbers\nshared across three cities.';
      await addNote(store, caseId, { text }, next(), investigator);
      const seen = await getCase(store, caseId, lead);
      expect(seen.notes.map((note) => [note.author, note.text])).toEqual([
        [investigator.accountId, text],
      ]);
      expect(seen.tasks).toEqual([done]);
    });

    it('tells the timeline of every action, newest first, page by page', async () => {
      const { store, lead, investigator, observer, caseId } = await fixture();
      await updateCase(store, caseId, { title: 'Circuit A and B' }, next(), lead);
      await addLink(store, caseId, { kind: 'evidence', targetId: 'ev-1' }, next(), investigator);
      const note = await addNote(store, caseId, { text: 'A private note' }, next(), investigator);
      const task = await addTask(store, caseId, { title: 'Ask' }, next(), investigator);
      await updateTask(store, caseId, task.id, { state: 'done' }, next(), investigator);
      await removeLink(store, caseId, 'evidence', 'ev-1', next(), investigator);
      await addMember(
        store,
        caseId,
        { accountId: observer.accountId, role: 'analyst' },
        next(),
        lead,
      );
      await removeMember(store, caseId, observer.accountId, next(), lead);
      const expected = [
        'case.create',
        'case.member.add',
        'case.member.add',
        'case.update',
        'case.link.add',
        'case.note.add',
        'case.task.add',
        'case.task.update',
        'case.link.remove',
        'case.member.role',
        'case.member.remove',
      ].reverse();

      const records: AuditRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await timeline(
          store,
          caseId,
          { limit: 4, ...(cursor !== undefined && { cursor }) },
          investigator,
        );
        records.push(...page.items);
        cursor = page.next;
      } while (cursor !== undefined);
      expect(records.map((record) => record.action)).toEqual(expected);
      expect(new Set(records.map((record) => record.target))).toEqual(new Set([`case:${caseId}`]));
      const times = records.map((record) => record.at);
      expect(times).toEqual([...times].sort().reverse());
      // Ids, not content: the audit log is read by auditors, who see no case content.
      const logged = JSON.stringify(records);
      expect(logged).not.toContain('A private note');
      expect(logged).not.toContain('Circuit A');
      expect(logged).toContain(note.id);
      expect(records.at(-1)?.actor).toBe(lead.actor);
    });
  });
}
