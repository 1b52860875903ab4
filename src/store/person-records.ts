/**
 * The person records of cases (repositories.ts PersonRepository): suspects and victims, with
 * what every member may see as JSON and a victim's personal data only as a sealed record, and
 * the grants that let a member open it. Nothing here checks access: person-service.ts does.
 */
import type { Selectable } from 'kysely';
import type { Db, PersonTable, VictimGrantTable } from './database.js';
import type { PersonPublic, PersonRepository, StoredPerson, VictimGrant } from './repositories.js';
import { current, fromJson, storedTime, toJson } from './service-common.js';

const toPerson = (row: Selectable<PersonTable>): StoredPerson => ({
  id: row.id,
  caseId: row.case_id,
  kind: row.kind as StoredPerson['kind'],
  createdAt: row.created_at,
  createdBy: row.created_by,
  public: fromJson<PersonPublic>(row.public_json),
  ...(row.sealed !== null && { sealed: row.sealed }),
  ...(row.shredded_at !== null && { shreddedAt: row.shredded_at }),
});

const toGrant = (row: Selectable<VictimGrantTable>): VictimGrant => ({
  caseId: row.case_id,
  accountId: row.account_id,
  grantedBy: row.granted_by,
  grantedAt: row.granted_at,
});

export function createPersonRepository(db: Db): PersonRepository {
  return {
    async savePerson(person, executor = current(db)) {
      await executor
        .insertInto('person')
        .values({
          id: person.id,
          case_id: person.caseId,
          kind: person.kind,
          created_at: storedTime(person.createdAt, 'person creation'),
          created_by: person.createdBy,
          public_json: toJson(person.public),
          sealed: person.sealed ?? null,
          shredded_at:
            person.shreddedAt === undefined ? null : storedTime(person.shreddedAt, 'shredding'),
        })
        .execute();
    },
    async getPerson(caseId, id, executor = current(db)) {
      const row = await executor
        .selectFrom('person')
        .selectAll()
        .where('case_id', '=', caseId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : toPerson(row);
    },
    async persons(caseId, executor = current(db)) {
      const rows = await executor
        .selectFrom('person')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toPerson);
    },
    async shred(id, sealed, at, executor = current(db)) {
      await executor
        .updateTable('person')
        .set({ sealed, shredded_at: storedTime(at, 'shredding') })
        .where('id', '=', id)
        .execute();
    },
    async saveGrant(grant, executor = current(db)) {
      const row = {
        case_id: grant.caseId,
        account_id: grant.accountId,
        granted_by: grant.grantedBy,
        granted_at: storedTime(grant.grantedAt, 'grant time'),
      };
      await executor
        .insertInto('victim_grant')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['case_id', 'account_id'])
            .doUpdateSet({ granted_by: row.granted_by, granted_at: row.granted_at }),
        )
        .execute();
    },
    async getGrant(caseId, accountId, executor = current(db)) {
      const row = await executor
        .selectFrom('victim_grant')
        .selectAll()
        .where('case_id', '=', caseId)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return row === undefined ? undefined : toGrant(row);
    },
    async removeGrant(caseId, accountId, executor = current(db)) {
      const result = await executor
        .deleteFrom('victim_grant')
        .where('case_id', '=', caseId)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async grants(caseId, executor = current(db)) {
      const rows = await executor
        .selectFrom('victim_grant')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('granted_at')
        .orderBy('account_id')
        .execute();
      return rows.map(toGrant);
    },

    // Master key rotation (victim-keys.ts)
    async sealedPage(afterId, limit, executor = current(db)) {
      let query = executor
        .selectFrom('person')
        .select(['id', 'case_id', 'sealed', 'shredded_at'])
        .where('sealed', 'is not', null);
      if (afterId !== undefined) query = query.where('id', '>', afterId);
      const rows = await query.orderBy('id').limit(limit).execute();
      return rows.map((row) => ({
        id: row.id,
        caseId: row.case_id,
        sealed: row.sealed as string,
        ...(row.shredded_at !== null && { shreddedAt: row.shredded_at }),
      }));
    },
    async replaceSealed(id, expectedSealed, newSealed, executor = current(db)) {
      const result = await executor
        .updateTable('person')
        .set({ sealed: newSealed })
        .where('id', '=', id)
        .where('sealed', '=', expectedSealed)
        .where('shredded_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
