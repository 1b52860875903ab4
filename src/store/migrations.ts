/**
 * The schema as versioned code. Each migration is frozen once released: a later change adds a
 * new migration instead of editing an old one, so every database reaches the same schema
 * whichever version created it. Migrations take `Kysely<any>` (Kysely's convention) because they
 * must not follow today's table types.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { VigilError } from '../shared/errors.js';

/** The database engines the store runs on; the only place where their SQL differs. */
export type SqlDialectName = 'sqlite' | 'postgres';

export const MIGRATION_TABLE = 'vigil_migration';
const MIGRATION_LOCK_TABLE = 'vigil_migration_lock';

/**
 * Column types and table options that differ between engines. On SQLite an `integer primary key`
 * is the row id itself (no second index), and `without rowid` stores the small node rows once,
 * in their primary key order.
 */
function dialectTypes(dialect: SqlDialectName) {
  return dialect === 'sqlite'
    ? ({ int64: 'integer', bytes: 'blob', withoutRowid: sql`without rowid` } as const)
    : ({ int64: 'bigint', bytes: 'bytea', withoutRowid: sql`` } as const);
}

function ledgerMigration(dialect: SqlDialectName): Migration {
  const t = dialectTypes(dialect);
  return {
    async up(db) {
      await db.schema
        .createTable('ledger_leaf')
        .addColumn('idx', t.int64, (c) => c.primaryKey().notNull())
        .addColumn('data', t.bytes, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('ledger_node')
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('idx', t.int64, (c) => c.notNull())
        .addColumn('hash', t.bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint('ledger_node_pk', ['level', 'idx'])
        .modifyEnd(t.withoutRowid)
        .execute();
      await db.schema
        .createTable('ledger_head')
        .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
        .addColumn('size', t.int64, (c) => c.notNull())
        .addCheckConstraint('ledger_head_one_row', sql`id = 1`)
        .execute();
      await db.insertInto('ledger_head').values({ id: 1, size: 0 }).execute();
      await db.schema
        .createTable('ledger_checkpoint')
        .addColumn('size', t.int64, (c) => c.primaryKey().notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('signed_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('ledger_key')
        .addColumn('key_id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('verifier_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('retired_at', 'text')
        .execute();
      await db.schema
        .createTable('evidence')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', t.int64, (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('collected_idx', t.int64, (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('evidence_case').on('evidence').column('case_id').execute();
      await db.schema.createIndex('evidence_sha256').on('evidence').column('sha256').execute();
      await db.schema
        .createTable('custody_link')
        .addColumn('leaf_idx', t.int64, (c) => c.notNull())
        .addColumn('evidence_id', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('custody_link_evidence')
        .on('custody_link')
        .column('evidence_id')
        .execute();
      await db.schema
        .createIndex('custody_link_case')
        .on('custody_link')
        .columns(['case_id', 'leaf_idx'])
        .execute();
    },
  };
}

/**
 * Column types the service's tables add: `float` is a double on both engines (PostgreSQL's
 * `real` is single precision, which would change risks on the way back).
 */
function serviceTypes(dialect: SqlDialectName) {
  return { ...dialectTypes(dialect), float: 'double precision' } as const;
}

/**
 * The service's tables: items and their analyses, the identifiers they carry, templates and
 * networks, the job queue, accounts with their API keys and sessions, and the audit log. JSON
 * columns are text on both engines: the store reads and writes them whole. Times are ISO 8601
 * UTC strings of one fixed width, so they compare as text. Unique constraints are indexes of
 * their own name, so both engines list the same indexes.
 */
function serviceMigration(dialect: SqlDialectName): Migration {
  const t = serviceTypes(dialect);
  return {
    async up(db) {
      await db.schema
        .createTable('item')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('analysis', 'text')
        .addColumn('analyzed_at', 'text')
        // How many analyses were saved: 1 for an item analysed exactly once.
        .addColumn('analysis_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('risk', t.float)
        .addColumn('band', 'text')
        .addColumn('template', 'text')
        .addColumn('network', 'text')
        .execute();
      await db.schema
        .createIndex('item_source_external')
        .on('item')
        .columns(['source', 'external_id'])
        .unique()
        .execute();
      await db.schema
        .createIndex('item_received')
        .on('item')
        .columns(['received_at', 'id'])
        .execute();
      await db.schema
        .createIndex('item_source_received')
        .on('item')
        .columns(['source', 'received_at', 'id'])
        .execute();
      await db.schema
        .createIndex('item_band')
        .on('item')
        .columns(['band', 'received_at', 'id'])
        .execute();
      await db.schema.createIndex('item_risk').on('item').column('risk').execute();
      await db.schema.createIndex('item_template').on('item').column('template').execute();
      await db.schema.createIndex('item_network').on('item').column('network').execute();
      await db.schema
        .createIndex('item_analyzed')
        .on('item')
        .columns(['analyzed_at', 'received_at'])
        .execute();

      // Which analysed items carry an identifier; received_at repeats the item's (it never
      // changes) so that one index serves "newest first".
      await db.schema
        .createTable('item_identifier')
        .addColumn('identifier', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('item_identifier_pk', ['identifier', 'item_id'])
        .modifyEnd(t.withoutRowid)
        .execute();
      await db.schema
        .createIndex('item_identifier_received')
        .on('item_identifier')
        .columns(['identifier', 'received_at', 'item_id'])
        .execute();
      await db.schema
        .createIndex('item_identifier_item')
        .on('item_identifier')
        .column('item_id')
        .execute();

      // The template index's bytes: exactly one row, present from the start (null data), so
      // that a link run can lock it.
      await db.schema
        .createTable('link_index')
        .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
        .addColumn('data', t.bytes)
        .addCheckConstraint('link_index_one_row', sql`id = 1`)
        .execute();
      await db.insertInto('link_index').values({ id: 1, data: null }).execute();
      await db.schema
        .createTable('template')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('template_size').on('template').columns(['size', 'id']).execute();
      await db.schema
        .createTable('network')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('risk', t.float, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('network_risk').on('network').columns(['risk', 'id']).execute();

      await db.schema
        .createTable('job')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('dedupe_key', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('run_at', 'text', (c) => c.notNull())
        .addColumn('lease_until', 'text')
        .addColumn('locked_by', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addCheckConstraint('job_state', sql`state in ('ready', 'running', 'done', 'dead')`)
        .execute();
      await db.schema
        .createIndex('job_claim')
        .on('job')
        .columns(['state', 'kind', 'run_at'])
        .execute();
      await db.schema
        .createIndex('job_lease')
        .on('job')
        .columns(['state', 'lease_until'])
        .execute();
      await db.schema.createIndex('job_created').on('job').columns(['created_at', 'id']).execute();
      // At most one ready job per kind and key: enqueueing with a key is idempotent while the
      // first such job waits.
      await db.schema
        .createIndex('job_ready_key')
        .on('job')
        .columns(['kind', 'dedupe_key'])
        .unique()
        .where(sql<boolean>`state = 'ready'`)
        .execute();

      await db.schema
        .createTable('account')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('disabled_at', 'text')
        .execute();
      await db.schema.createIndex('account_email').on('account').column('email').unique().execute();
      await db.schema
        .createIndex('account_created')
        .on('account')
        .columns(['created_at', 'id'])
        .execute();
      await db.schema
        .createTable('api_key')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createIndex('api_key_sha256')
        .on('api_key')
        .column('sha256')
        .unique()
        .execute();
      await db.schema.createIndex('api_key_account').on('api_key').column('account_id').execute();
      await db.schema
        .createTable('session')
        .addColumn('sha256', 'text', (c) => c.primaryKey().notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('session_account').on('session').column('account_id').execute();
      await db.schema.createIndex('session_expires').on('session').column('expires_at').execute();

      await db.schema
        .createTable('audit')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('request_id', 'text')
        .addColumn('details', 'text')
        .execute();
      await db.schema.createIndex('audit_at').on('audit').columns(['at', 'id']).execute();
      await db.schema
        .createIndex('audit_actor')
        .on('audit')
        .columns(['actor', 'at', 'id'])
        .execute();
      await db.schema
        .createIndex('audit_action')
        .on('audit')
        .columns(['action', 'at', 'id'])
        .execute();
      await db.schema
        .createIndex('audit_target')
        .on('audit')
        .columns(['target', 'at', 'id'])
        .execute();
    },
  };
}

/**
 * Notice and action (the workflow module's records): notices, authority orders, the review
 * queue, decisions with their Transparency Database state, appeals, referrals, legal holds with
 * what they cover, and reviewers' settings. Each record is kept whole as JSON (the workflow
 * schemas validate it on the way in); the columns beside it are the ones queries filter and
 * sort by.
 */
function workflowMigration(dialect: SqlDialectName): Migration {
  const t = serviceTypes(dialect);
  return {
    async up(db) {
      await db.schema
        .createTable('notice')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('notifier_type', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('notice_received')
        .on('notice')
        .columns(['received_at', 'id'])
        .execute();
      await db.schema
        .createTable('authority_order')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('deadline', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('authority_order_received')
        .on('authority_order')
        .columns(['received_at', 'id'])
        .execute();
      await db.schema
        .createTable('review_job')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('item_ids', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('risk', t.float, (c) => c.notNull())
        .addColumn('deadline', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_at', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('excluded_reviewer', 'text')
        .addColumn('skipped_by', 'text', (c) => c.notNull())
        .addColumn('done_at', 'text')
        .addColumn('outcome', 'text')
        .addCheckConstraint('review_job_state', sql`state in ('open', 'claimed', 'done')`)
        .execute();
      await db.schema
        .createIndex('review_job_state')
        .on('review_job')
        .columns(['state', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('review_job_subject')
        .on('review_job')
        .columns(['subject', 'subject_id'])
        .execute();
      await db.schema
        .createTable('decision')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('decided_at', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('notice_id', 'text')
        .addColumn('job_id', 'text')
        .addColumn('reviewer_id', 'text', (c) => c.notNull())
        .addColumn('tdb_state', 'text', (c) => c.notNull())
        .addColumn('tdb_error', 'text')
        .addColumn('tdb_at', 'text')
        .addColumn('json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('decision_decided')
        .on('decision')
        .columns(['decided_at', 'id'])
        .execute();
      await db.schema
        .createIndex('decision_tdb')
        .on('decision')
        .columns(['tdb_state', 'decided_at', 'id'])
        .execute();
      await db.schema.createIndex('decision_notice').on('decision').column('notice_id').execute();
      await db.schema
        .createTable('appeal')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('decision_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('filed_at', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .addColumn('json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('appeal_filed')
        .on('appeal')
        .columns(['filed_at', 'id'])
        .execute();
      await db.schema.createIndex('appeal_decided').on('appeal').column('decided_at').execute();
      await db.schema.createIndex('appeal_decision').on('appeal').column('decision_id').execute();
      await db.schema
        .createTable('referral')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('referral_created')
        .on('referral')
        .columns(['created_at', 'id'])
        .execute();
      await db.schema
        .createTable('legal_hold')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('basis', 'text', (c) => c.notNull())
        .addColumn('start', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('released_at', 'text')
        .addColumn('json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('legal_hold_start')
        .on('legal_hold')
        .columns(['start', 'id'])
        .execute();
      await db.schema
        .createIndex('legal_hold_expires')
        .on('legal_hold')
        .column('expires_at')
        .execute();
      await db.schema
        .createTable('hold_target')
        .addColumn('hold_id', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('hold_target_pk', ['target', 'hold_id'])
        .modifyEnd(t.withoutRowid)
        .execute();
      await db.schema.createIndex('hold_target_hold').on('hold_target').column('hold_id').execute();
      await db.schema
        .createTable('reviewer_settings')
        .addColumn('account_id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * Cases (0004_cases): what investigators turn networks into. A case file is kept whole as JSON
 * beside the columns queries filter and sort by; members (who may see the case, and in which
 * role), links (to items, networks, templates and evidence), notes and tasks are rows of their
 * own, so that access checks and listings never parse the case. The allowed values are checked
 * by the database too: a row another program writes cannot widen the access rules.
 */
function casesMigration(dialect: SqlDialectName): Migration {
  const t = serviceTypes(dialect);
  return {
    async up(db) {
      await db.schema
        .createTable('case_file')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('tlp', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addCheckConstraint('case_file_status', sql`status in ('open', 'closed', 'archived')`)
        .addCheckConstraint(
          'case_file_tlp',
          sql`tlp in ('clear', 'green', 'amber', 'amber+strict', 'red')`,
        )
        .execute();
      await db.schema
        .createIndex('case_file_created')
        .on('case_file')
        .columns(['created_at', 'id'])
        .execute();
      await db.schema
        .createTable('case_member')
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_member_pk', ['case_id', 'account_id'])
        .addCheckConstraint(
          'case_member_role',
          sql`role in ('lead', 'investigator', 'analyst', 'advocate', 'observer')`,
        )
        .modifyEnd(t.withoutRowid)
        .execute();
      // "My cases": the cases an account is a member of.
      await db.schema
        .createIndex('case_member_account')
        .on('case_member')
        .columns(['account_id', 'case_id'])
        .execute();
      await db.schema
        .createTable('case_link')
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addPrimaryKeyConstraint('case_link_pk', ['case_id', 'kind', 'target_id'])
        .addCheckConstraint(
          'case_link_kind',
          sql`kind in ('item', 'network', 'template', 'evidence')`,
        )
        .modifyEnd(t.withoutRowid)
        .execute();
      // Which cases name this item, network, template or evidence.
      await db.schema
        .createIndex('case_link_target')
        .on('case_link')
        .columns(['kind', 'target_id'])
        .execute();
      await db.schema
        .createTable('case_note')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('case_note_case')
        .on('case_note')
        .columns(['case_id', 'at', 'id'])
        .execute();
      await db.schema
        .createTable('case_task')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('assignee', 'text')
        .addColumn('due', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addCheckConstraint('case_task_state', sql`state in ('open', 'done')`)
        .execute();
      await db.schema
        .createIndex('case_task_case')
        .on('case_task')
        .columns(['case_id', 'created_at', 'id'])
        .execute();
    },
  };
}

/**
 * Persons (0005_persons): the suspects and victims of a case. What every member may see (a label,
 * linked items and identifiers) is plain JSON; a victim's personal data is only ever stored sealed
 * (sealed-records.ts), and `shredded_at` says when its key was destroyed. Who may open victim
 * data is an explicit grant per case and account, on top of membership.
 */
function personsMigration(dialect: SqlDialectName): Migration {
  const t = serviceTypes(dialect);
  return {
    async up(db) {
      await db.schema
        .createTable('person')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('public_json', 'text', (c) => c.notNull())
        .addColumn('sealed', 'text')
        .addColumn('shredded_at', 'text')
        .addCheckConstraint('person_kind', sql`kind in ('suspect', 'victim')`)
        .execute();
      await db.schema
        .createIndex('person_case')
        .on('person')
        .columns(['case_id', 'created_at', 'id'])
        .execute();
      await db.schema
        .createTable('victim_grant')
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addColumn('granted_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('victim_grant_pk', ['case_id', 'account_id'])
        .modifyEnd(t.withoutRowid)
        .execute();
    },
  };
}

/**
 * Hash banks (0006_banks): named lists of PDQ hashes of known images (victim photos from an
 * investigator, abuse material hashes from a hotline), never the images themselves. A bank's
 * `version` rises with every import that adds hashes, so that workers know to rebuild their
 * in-memory index (jobs/bank-matcher.ts).
 */
function banksMigration(dialect: SqlDialectName): Migration {
  const t = serviceTypes(dialect);
  return {
    async up(db) {
      await db.schema
        .createTable('pdq_bank')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('version', t.int64, (c) => c.notNull())
        .addColumn('size', t.int64, (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'pdq_bank_kind',
          sql`kind in ('victim-photos', 'abuse-material', 'other')`,
        )
        .execute();
      await db.schema.createIndex('pdq_bank_name').on('pdq_bank').column('name').unique().execute();
      await db.schema
        .createTable('pdq_bank_hash')
        .addColumn('bank_id', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('label', 'text')
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('pdq_bank_hash_pk', ['bank_id', 'hash'])
        .modifyEnd(t.withoutRowid)
        .execute();
    },
  };
}

/**
 * Sharing between instances (0007_share): partner organisations and their public keys, data
 * sharing agreements, the packages sent and received, and private-matching sessions (for rate
 * limits). Each record is kept whole as JSON beside the columns that are queried.
 */
function shareMigration(dialect: SqlDialectName): Migration {
  const t = serviceTypes(dialect);
  return {
    async up(db) {
      await db.schema
        .createTable('share_partner')
        .addColumn('org', 'text', (c) => c.primaryKey().notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('share_agreement')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('share_package')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('partner', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addCheckConstraint('share_package_direction', sql`direction in ('out', 'in')`)
        .execute();
      await db.schema
        .createIndex('share_package_time')
        .on('share_package')
        .columns(['created_at', 'id'])
        .execute();
      await db.schema
        .createTable('share_psi')
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('partner', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('items', t.int64, (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('share_psi_partner')
        .on('share_psi')
        .columns(['partner', 'role', 'at'])
        .execute();
    },
  };
}

/** Every migration by name; names sort in the order they run. */
const MIGRATIONS: Readonly<Record<string, (dialect: SqlDialectName) => Migration>> = {
  '0001_ledger': ledgerMigration,
  '0002_service': serviceMigration,
  '0003_workflow': workflowMigration,
  '0004_cases': casesMigration,
  '0005_persons': personsMigration,
  '0006_banks': banksMigration,
  '0007_share': shareMigration,
};

/** The migration names this code knows, oldest first; the last is the schema version. */
export const KNOWN_MIGRATIONS: readonly string[] = Object.keys(MIGRATIONS).sort();

function migrationsFor(dialect: SqlDialectName): Record<string, Migration> {
  return Object.fromEntries(
    Object.entries(MIGRATIONS).map(([name, make]) => [name, make(dialect)]),
  );
}

/**
 * Names of the migrations applied to the database, oldest first; empty for a database Vigil
 * has never migrated. (On PostgreSQL the introspector looks at the current schema only: see
 * database.ts.)
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely's do.
export async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === MIGRATION_TABLE)) return [];
  const rows = await db.selectFrom(MIGRATION_TABLE).select('name').orderBy('name').execute();
  return rows.map((row) => String(row.name));
}

/**
 * Refuses a schema this code cannot know. Kysely would report it as "corrupted migrations";
 * the actual cause is a newer Vigil, and the fix is to run that version.
 */
export function refuseNewerSchema(applied: readonly string[]): void {
  const unknown = applied.filter((name) => !KNOWN_MIGRATIONS.includes(name));
  if (unknown.length > 0) {
    throw new VigilError(
      'STORE_UNAVAILABLE',
      'The database was written by a newer version of Vigil. Upgrade Vigil to open it; do not write to it with this version.',
      { details: { unknownMigrations: unknown, knownSchema: KNOWN_MIGRATIONS.at(-1) } },
    );
  }
}

/**
 * Brings the database to the latest schema. Callers make this atomic where the engine's
 * migrator does not (SQLite: see database.ts). On PostgreSQL `schema` holds the tables: the
 * migrator creates it if missing (tolerating a concurrent creator) and keeps its bookkeeping
 * tables there; the caller's search path puts the migrations' tables there too.
 */
export async function migrateToLatest(
  // biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema, as Kysely's do.
  db: Kysely<any>,
  dialect: SqlDialectName,
  schema?: string,
): Promise<void> {
  refuseNewerSchema(await appliedMigrations(db));
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(dialect) };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
}
