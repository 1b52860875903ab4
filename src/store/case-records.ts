/**
 * The case records in the database (repositories.ts CaseRepository). The case file is stored
 * whole as JSON, with the columns listings filter and sort by beside it; members, links, notes
 * and tasks are rows of their own, since access checks read members on every request and must
 * not parse the case to do it. Nothing here checks access: case-service.ts does, before any of
 * these is called.
 */
import type { Selectable } from 'kysely';
import type {
  CaseLinkTable,
  CaseMemberTable,
  CaseNoteTable,
  CaseTaskTable,
  Db,
} from './database.js';
import type {
  CaseFile,
  CaseLink,
  CaseMember,
  CaseNote,
  CaseRepository,
  CaseTask,
} from './repositories.js';
import {
  current,
  decodeCursor,
  fromJson,
  pageLimit,
  pageOf,
  recordById,
  storedTime,
  toJson,
} from './service-common.js';

const TIME_ID = ['string', 'string'] as const;

const toMember = (row: Selectable<CaseMemberTable>): CaseMember => ({
  caseId: row.case_id,
  accountId: row.account_id,
  role: row.role as CaseMember['role'],
  addedAt: row.added_at,
  addedBy: row.added_by,
});

const toLink = (row: Selectable<CaseLinkTable>): CaseLink => ({
  caseId: row.case_id,
  kind: row.kind as CaseLink['kind'],
  targetId: row.target_id,
  addedAt: row.added_at,
  addedBy: row.added_by,
  ...(row.note !== null && { note: row.note }),
});

const toNote = (row: Selectable<CaseNoteTable>): CaseNote => ({
  id: row.id,
  caseId: row.case_id,
  at: row.at,
  author: row.author,
  text: row.text,
});

const toTask = (row: Selectable<CaseTaskTable>): CaseTask => ({
  id: row.id,
  caseId: row.case_id,
  title: row.title,
  state: row.state as CaseTask['state'],
  ...(row.assignee !== null && { assignee: row.assignee }),
  ...(row.due !== null && { due: row.due }),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export function createCaseRepository(db: Db): CaseRepository {
  return {
    async saveCase(file, executor = current(db)) {
      const row = {
        id: file.id,
        title: file.title,
        status: file.status,
        tlp: file.tlp,
        created_at: storedTime(file.createdAt, 'case creation'),
        created_by: file.createdBy,
        updated_at: storedTime(file.updatedAt, 'case update'),
        json: toJson(file),
      };
      await executor
        .insertInto('case_file')
        .values(row)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            title: row.title,
            status: row.status,
            tlp: row.tlp,
            updated_at: row.updated_at,
            json: row.json,
          }),
        )
        .execute();
    },
    async getCase(id, executor = current(db)) {
      return recordById<CaseFile>(executor, 'case_file', id);
    },
    async lock(id, executor) {
      // An update that changes nothing still takes the row lock, and needs no FOR UPDATE
      // (which SQLite lacks).
      await executor
        .updateTable('case_file')
        .set((eb) => ({ id: eb.ref('id') }))
        .where('id', '=', id)
        .execute();
    },
    async listCases(filter, page) {
      const limit = pageLimit(page);
      let query = current(db)
        .selectFrom('case_file')
        .select(['case_file.created_at as at', 'case_file.id as id', 'case_file.json as json']);
      if (filter.memberId !== undefined) {
        // A join, not a list of ids first: an account may be in many cases, and the page is cut
        // by the database.
        query = query
          .innerJoin('case_member', 'case_member.case_id', 'case_file.id')
          .where('case_member.account_id', '=', filter.memberId);
      }
      if (filter.status !== undefined) query = query.where('case_file.status', '=', filter.status);
      if (page.cursor !== undefined) {
        const [at, id] = decodeCursor(page.cursor, TIME_ID);
        query = query.where((eb) =>
          eb(eb.refTuple('case_file.created_at', 'case_file.id'), '<', eb.tuple(at, id)),
        );
      }
      const rows = await query
        .orderBy('case_file.created_at', 'desc')
        .orderBy('case_file.id', 'desc')
        .limit(limit + 1)
        .execute();
      return pageOf(
        rows,
        limit,
        (row) => [row.at, row.id],
        (row) => fromJson<CaseFile>(row.json),
      );
    },

    async saveMember(member, executor = current(db)) {
      const row = {
        case_id: member.caseId,
        account_id: member.accountId,
        role: member.role,
        added_at: storedTime(member.addedAt, 'member addition'),
        added_by: member.addedBy,
      };
      await executor
        .insertInto('case_member')
        .values(row)
        .onConflict((oc) => oc.columns(['case_id', 'account_id']).doUpdateSet({ role: row.role }))
        .execute();
    },
    async getMember(caseId, accountId, executor = current(db)) {
      const row = await executor
        .selectFrom('case_member')
        .selectAll()
        .where('case_id', '=', caseId)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return row === undefined ? undefined : toMember(row);
    },
    async members(caseId, executor = current(db)) {
      const rows = await executor
        .selectFrom('case_member')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('added_at')
        .orderBy('account_id')
        .execute();
      return rows.map(toMember);
    },
    async removeMember(caseId, accountId, executor = current(db)) {
      const result = await executor
        .deleteFrom('case_member')
        .where('case_id', '=', caseId)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async addLink(link, executor = current(db)) {
      const result = await executor
        .insertInto('case_link')
        .values({
          case_id: link.caseId,
          kind: link.kind,
          target_id: link.targetId,
          added_at: storedTime(link.addedAt, 'link addition'),
          added_by: link.addedBy,
          note: link.note ?? null,
        })
        .onConflict((oc) => oc.columns(['case_id', 'kind', 'target_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async links(caseId, executor = current(db)) {
      const rows = await executor
        .selectFrom('case_link')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('added_at')
        .orderBy('kind')
        .orderBy('target_id')
        .execute();
      return rows.map(toLink);
    },
    async removeLink(caseId, kind, targetId, executor = current(db)) {
      const result = await executor
        .deleteFrom('case_link')
        .where('case_id', '=', caseId)
        .where('kind', '=', kind)
        .where('target_id', '=', targetId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async addNote(note, executor = current(db)) {
      await executor
        .insertInto('case_note')
        .values({
          id: note.id,
          case_id: note.caseId,
          at: storedTime(note.at, 'note time'),
          author: note.author,
          text: note.text,
        })
        .execute();
    },
    async notes(caseId, executor = current(db)) {
      const rows = await executor
        .selectFrom('case_note')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map(toNote);
    },

    async saveTask(task, executor = current(db)) {
      const row = {
        id: task.id,
        case_id: task.caseId,
        title: task.title,
        state: task.state,
        assignee: task.assignee ?? null,
        due: task.due === undefined ? null : storedTime(task.due, 'task due time'),
        created_at: storedTime(task.createdAt, 'task creation'),
        updated_at: storedTime(task.updatedAt, 'task update'),
      };
      await executor
        .insertInto('case_task')
        .values(row)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            title: row.title,
            state: row.state,
            assignee: row.assignee,
            due: row.due,
            updated_at: row.updated_at,
          }),
        )
        .execute();
    },
    async getTask(caseId, taskId, executor = current(db)) {
      const row = await executor
        .selectFrom('case_task')
        .selectAll()
        .where('case_id', '=', caseId)
        .where('id', '=', taskId)
        .executeTakeFirst();
      return row === undefined ? undefined : toTask(row);
    },
    async tasks(caseId, executor = current(db)) {
      const rows = await executor
        .selectFrom('case_task')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toTask);
    },
  };
}
