/**
 * Sharing records (migration 0007_share): partner organisations with their public keys, data
 * sharing agreements, the packages sent and received, and private-matching sessions. Like the
 * case records it knows nothing of access; store/share-service.ts decides who may do what.
 */
import type { Db } from './database.js';
import type {
  Executor,
  Partner,
  PsiRecord,
  SharePackageRecord,
  ShareRepository,
  StoredAgreement,
} from './repositories.js';
import { current, fromJson } from './service-common.js';

export type { Partner, PsiRecord, SharePackageRecord, ShareRepository, StoredAgreement };

export function createShareRepository(db: Db): ShareRepository {
  const exec = (executor: Executor | undefined) => executor ?? current(db);
  return {
    async savePartner(partner, executor) {
      await exec(executor)
        .insertInto('share_partner')
        .values({ org: partner.org, added_at: partner.addedAt, json: JSON.stringify(partner) })
        .onConflict((oc) => oc.column('org').doUpdateSet({ json: JSON.stringify(partner) }))
        .execute();
    },
    async getPartner(org, executor) {
      const row = await exec(executor)
        .selectFrom('share_partner')
        .select('json')
        .where('org', '=', org)
        .executeTakeFirst();
      return row === undefined ? undefined : fromJson<Partner>(row.json);
    },
    async partners(executor) {
      const rows = await exec(executor)
        .selectFrom('share_partner')
        .select('json')
        .orderBy('org')
        .execute();
      return rows.map((row) => fromJson<Partner>(row.json));
    },
    async saveAgreement(agreement, executor) {
      await exec(executor)
        .insertInto('share_agreement')
        .values({ id: agreement.id, added_at: agreement.addedAt, json: JSON.stringify(agreement) })
        .onConflict((oc) => oc.column('id').doUpdateSet({ json: JSON.stringify(agreement) }))
        .execute();
    },
    async getAgreement(id, executor) {
      const row = await exec(executor)
        .selectFrom('share_agreement')
        .select('json')
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : fromJson<StoredAgreement>(row.json);
    },
    async agreements(executor) {
      const rows = await exec(executor)
        .selectFrom('share_agreement')
        .select('json')
        .orderBy('id')
        .execute();
      return rows.map((row) => fromJson<StoredAgreement>(row.json));
    },
    async savePackage(record, executor) {
      const json = JSON.stringify(record);
      await exec(executor)
        .insertInto('share_package')
        .values({
          id: record.id,
          direction: record.direction,
          partner: record.partner,
          status: record.status,
          created_at: record.createdAt,
          json,
        })
        .onConflict((oc) => oc.column('id').doUpdateSet({ status: record.status, json }))
        .execute();
    },
    async getPackage(id, executor) {
      const row = await exec(executor)
        .selectFrom('share_package')
        .select('json')
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : fromJson<SharePackageRecord>(row.json);
    },
    async packages(filter, executor) {
      let query = exec(executor).selectFrom('share_package').select('json');
      if (filter.direction !== undefined) query = query.where('direction', '=', filter.direction);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit)
        .execute();
      return rows.map((row) => fromJson<SharePackageRecord>(row.json));
    },
    async savePsi(record, executor) {
      await exec(executor)
        .insertInto('share_psi')
        .values({
          id: record.id,
          partner: record.partner,
          role: record.role,
          at: record.at,
          items: record.items,
          json: JSON.stringify(record),
        })
        .execute();
    },
    async psiSince(partner, role, since, executor) {
      const rows = await exec(executor)
        .selectFrom('share_psi')
        .select('json')
        .where('partner', '=', partner)
        .where('role', '=', role)
        .where('at', '>=', since)
        .orderBy('at')
        .execute();
      return rows.map((row) => fromJson<PsiRecord>(row.json));
    },
  };
}
