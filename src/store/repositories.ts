/**
 * The service's aggregates as repository interfaces: what the server, the workers and the CLI
 * may ask of the store, whatever the database. Implementations live beside this file and take
 * a `Db` (database.ts); every method that changes state can join a caller's transaction, so that
 * an item, its job and its audit record are written together or not at all.
 *
 * Times are ISO 8601 UTC strings (`2026-11-28T13:03:23.000Z`), passed in by the caller from its
 * clock: repositories never read the wall clock, so tests control time.
 */
import type { Network, Template } from '../analyze/link-types.js';
import type { Analysis, Band, Item } from '../analyze/types.js';
import type {
  Appeal,
  Decision,
  Hold,
  JobSource,
  Notice,
  Order,
  Referral,
  Restriction,
  StatementOfReasons,
} from '../workflow/index.js';
import type { Db } from './database.js';
import type { LedgerStore } from './ledger-store.js';

/** A Kysely transaction or the database itself: repositories accept either. */
export type Executor = Db;

// ---------------------------------------------------------------------------------------------
// Items

/** Where an item came from; with the external id, what makes an ingest idempotent. */
export const DEFAULT_SOURCE = 'default';

export interface StoredItem {
  /** Vigil's own id: `itm_` and 26 base32 characters, stable for (source, external id). */
  readonly id: string;
  readonly source: string;
  /** The id the item had at its source (`Item.id` as ingested). */
  readonly externalId: string;
  /** The item as received, exactly. */
  readonly item: Item;
  /** SHA-256 (hex) of the item's canonical JSON (RFC 8785), as sealed in the ledger. */
  readonly sha256: string;
  readonly receivedAt: string;
  /** Set once a worker has analysed the item. */
  readonly analysis?: Analysis;
  readonly analyzedAt?: string;
  readonly risk?: number;
  readonly band?: Band;
  readonly template?: string;
  readonly network?: string;
}

export interface IngestResult {
  readonly id: string;
  readonly externalId: string;
  /** False when (source, external id) was already stored: the item is not stored again. */
  readonly created: boolean;
}

export interface ItemFilter {
  readonly source?: string;
  readonly band?: Band;
  readonly minRisk?: number;
  readonly template?: string;
  readonly network?: string;
  /** Only analysed (true) or only not yet analysed (false) items. */
  readonly analyzed?: boolean;
}

/** A page of results and the opaque cursor of the next page (absent on the last page). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: string;
}

export interface PageRequest {
  /** 1 to 500; default 50. */
  readonly limit?: number;
  /** The `next` of the previous page. */
  readonly cursor?: string;
}

export interface ItemRepository {
  /**
   * Stores new items (idempotent on (source, external id)); returns one result per input, in
   * order. Identifiers for "every item with this phone" are indexed once the item is analysed.
   */
  ingest(
    items: readonly Item[],
    options: { readonly source: string; readonly receivedAt: string },
    executor?: Executor,
  ): Promise<IngestResult[]>;
  get(id: string, executor?: Executor): Promise<StoredItem | undefined>;
  /**
   * Deletes an item and its identifier index entries; false when there was none. Callers check
   * legal holds first (store/workflow-service.ts deleteItem).
   */
  delete(id: string, executor?: Executor): Promise<boolean>;
  getMany(ids: readonly string[], executor?: Executor): Promise<StoredItem[]>;
  /** Newest first (by received time, then id). */
  list(filter: ItemFilter, page: PageRequest, executor?: Executor): Promise<Page<StoredItem>>;
  /** Items whose analysis found this normalized identifier (e.g. "phone:+12125550147"). */
  withIdentifier(
    identifier: string,
    page: PageRequest,
    executor?: Executor,
  ): Promise<Page<StoredItem>>;
  /** Records an analysis and indexes its identifiers (replacing an earlier analysis). */
  saveAnalysis(
    id: string,
    analysis: Analysis,
    identifiers: readonly string[],
    analyzedAt: string,
    executor?: Executor,
  ): Promise<void>;
  /**
   * saveAnalysis for many items in a few statements (a worker's batch): the same result, without
   * a round trip per item and table.
   */
  saveAnalyses(
    analyses: readonly {
      readonly id: string;
      readonly analysis: Analysis;
      readonly identifiers: readonly string[];
    }[],
    analyzedAt: string,
    executor?: Executor,
  ): Promise<void>;
  /** Records template and network ids (undefined clears them). */
  saveLinks(
    links: readonly {
      readonly id: string;
      readonly template?: string;
      readonly network?: string;
    }[],
    executor?: Executor,
  ): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Templates and networks

export interface LinkRepository {
  /** The template index's saved bytes (template-index.ts save()), undefined before any link. */
  loadIndex(executor?: Executor): Promise<Uint8Array | undefined>;
  saveIndex(bytes: Uint8Array, executor?: Executor): Promise<void>;
  /** Replaces every template and network with these (a link run recomputes them all). */
  replaceAll(
    templates: readonly Template[],
    networks: readonly Network[],
    executor?: Executor,
  ): Promise<void>;
  getTemplate(id: string): Promise<Template | undefined>;
  /** Largest first. */
  listTemplates(page: PageRequest): Promise<Page<Template>>;
  getNetwork(id: string): Promise<Network | undefined>;
  /** Riskiest first. */
  listNetworks(filter: { readonly minRisk?: number }, page: PageRequest): Promise<Page<Network>>;
}

// ---------------------------------------------------------------------------------------------
// Jobs: a queue in the database

export type JobState = 'ready' | 'running' | 'done' | 'dead';

export interface Job {
  readonly id: string;
  /** What to do, e.g. "analyze" (payload: item ids) or "link". */
  readonly kind: string;
  readonly payload: unknown;
  readonly state: JobState;
  /** Attempts started so far (a claim counts as one). */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** Not claimed before this time (backoff after a failure). */
  readonly runAt: string;
  /** While running: the claim expires at this time, after which another worker may claim it. */
  readonly leaseUntil?: string;
  readonly lockedBy?: string;
  /** The last failure's message (dead-lettered jobs keep it). */
  readonly lastError?: string;
  readonly createdAt: string;
  readonly finishedAt?: string;
}

export interface JobQueue {
  enqueue(
    job: {
      readonly kind: string;
      readonly payload: unknown;
      readonly maxAttempts?: number;
      /**
       * At most one job of this kind and key waits (is ready) at a time: while one does, it is
       * returned instead of adding another. A claimed job no longer counts, so work that
       * arrives while it runs gets a new job. E.g. one "link" job for many "analyze" jobs.
       */
      readonly key?: string;
      /**
       * Not claimable before now + delayMs (default 0). With a key, a burst of requests for
       * one run (each analysis asking for a link run) is gathered into the one waiting job.
       */
      readonly delayMs?: number;
    },
    now: string,
    executor?: Executor,
  ): Promise<Job>;
  /**
   * Claims up to `limit` ready jobs of these kinds whose run time has come, or running jobs
   * whose lease expired (their worker died), for `worker` until now + leaseMs. Two workers
   * never hold the same job: FOR UPDATE SKIP LOCKED on PostgreSQL; on SQLite, one writer.
   */
  claim(
    options: {
      readonly worker: string;
      readonly kinds: readonly string[];
      readonly limit: number;
      readonly leaseMs: number;
    },
    now: string,
  ): Promise<Job[]>;
  /**
   * Marks a claimed job done, in the transaction that commits its effects. Returns false, and
   * changes nothing, when `worker` does not hold the job (its lease passed and another worker
   * claimed it, or it is no longer running): the caller must then roll its effects back.
   */
  complete(id: string, worker: string, now: string, executor?: Executor): Promise<boolean>;
  /**
   * Gives a claimed job back unstarted (a worker stopping): ready at once, the attempt not
   * counted. False when `worker` does not hold it.
   */
  release(id: string, worker: string, now: string, executor?: Executor): Promise<boolean>;
  /**
   * Records a failure: the job is ready again after a backoff, or dead after maxAttempts,
   * keeping `error` (a message without internals). Returns the job's state: unchanged when
   * `worker` does not hold the job.
   */
  fail(id: string, worker: string, error: string, now: string): Promise<JobState>;
  get(id: string, executor?: Executor): Promise<Job | undefined>;
  list(
    filter: { readonly state?: JobState; readonly kind?: string },
    page: PageRequest,
  ): Promise<Page<Job>>;
  /** Jobs per state, for health and progress. */
  counts(): Promise<Readonly<Record<JobState, number>>>;
}

// ---------------------------------------------------------------------------------------------
// Accounts, API keys, sessions

export const ROLES = ['admin', 'reviewer', 'investigator', 'advocate', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface Account {
  readonly id: string;
  readonly name: string;
  /** Lower case; unique. Service accounts (API keys only) have none. */
  readonly email?: string;
  readonly roles: readonly Role[];
  readonly createdAt: string;
  readonly disabledAt?: string;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  /** The key's first characters, shown to tell keys apart; never enough to use it. */
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
  readonly revokedAt?: string;
}

export interface AccountRepository {
  createAccount(
    account: {
      readonly name: string;
      readonly email?: string;
      readonly roles: readonly Role[];
      /** scrypt hash in PHC form, made by the caller. */
      readonly passwordHash?: string;
    },
    now: string,
    executor?: Executor,
  ): Promise<Account>;
  getAccount(id: string, executor?: Executor): Promise<Account | undefined>;
  /** With the password hash, for signing in. */
  findByEmail(
    email: string,
  ): Promise<{ readonly account: Account; readonly passwordHash?: string } | undefined>;
  listAccounts(page: PageRequest): Promise<Page<Account>>;
  setPasswordHash(id: string, passwordHash: string, executor?: Executor): Promise<void>;
  setRoles(id: string, roles: readonly Role[], executor?: Executor): Promise<void>;
  disable(id: string, now: string, executor?: Executor): Promise<void>;

  /** Stores a key by its SHA-256 (the key itself is random and shown once, by the caller). */
  createApiKey(
    key: {
      readonly accountId: string;
      readonly name: string;
      readonly prefix: string;
      readonly sha256: string;
    },
    now: string,
    executor?: Executor,
  ): Promise<ApiKeyRecord>;
  /** The key and its account when the key exists, is not revoked and its account is enabled. */
  findApiKey(
    sha256: string,
  ): Promise<{ readonly key: ApiKeyRecord; readonly account: Account } | undefined>;
  listApiKeys(accountId: string): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string, now: string, executor?: Executor): Promise<void>;
  touchApiKey(id: string, now: string): Promise<void>;

  /** Sessions are stored by the SHA-256 of their random token. */
  createSession(
    session: { readonly accountId: string; readonly sha256: string; readonly expiresAt: string },
    now: string,
    executor?: Executor,
  ): Promise<void>;
  findSession(
    sha256: string,
    now: string,
  ): Promise<{ readonly account: Account; readonly expiresAt: string } | undefined>;
  deleteSession(sha256: string, executor?: Executor): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Audit

export interface AuditRecord {
  readonly id: string;
  readonly at: string;
  /** "account:<id>", "apikey:<id>", or "system". */
  readonly actor: string;
  /** Dotted verb, e.g. "items.ingest", "apikey.create", "account.disable". */
  readonly action: string;
  /** What was acted on, e.g. "item:itm_…", "account:acc_…"; absent for a batch. */
  readonly target?: string;
  readonly requestId?: string;
  /** A small JSON object without secrets or victim data. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditLog {
  record(entry: Omit<AuditRecord, 'id'>, executor?: Executor): Promise<AuditRecord>;
  /** Newest first. */
  list(
    filter: { readonly actor?: string; readonly action?: string; readonly target?: string },
    page: PageRequest,
  ): Promise<Page<AuditRecord>>;
}

// ---------------------------------------------------------------------------------------------
// Notice and action: the records of the workflow module, kept whole

/** What a review job asks a reviewer to look at. */
export const REVIEW_SUBJECTS = ['notice', 'order', 'detection', 'appeal'] as const;
export type ReviewSubject = (typeof REVIEW_SUBJECTS)[number];
export type ReviewState = 'open' | 'claimed' | 'done';

export interface ReviewJob {
  readonly id: string;
  readonly subject: ReviewSubject;
  readonly subjectId: string;
  /** The stored items concerned (Vigil ids), if any. */
  readonly itemIds: readonly string[];
  /** The queue-priority source (workflow JOB_SOURCES). */
  readonly source: JobSource;
  /** The highest risk among the items, 0 when none is analysed. */
  readonly risk: number;
  readonly deadline?: string;
  readonly createdAt: string;
  readonly state: ReviewState;
  readonly claimedBy?: string;
  readonly claimedAt?: string;
  readonly leaseUntil?: string;
  /** The one reviewer who may not take it: who took the decision an appeal is against. */
  readonly excludedReviewer?: string;
  /** Reviewers who skipped it; it is offered to them again only when nothing else waits. */
  readonly skippedBy: readonly string[];
  readonly doneAt?: string;
  /** What closed it, e.g. "decision:dec_…" or "appeal:apl_…". */
  readonly outcome?: string;
}

export interface StoredNotice {
  readonly notice: Notice;
  readonly state: 'open' | 'decided';
  /** The review job it created. */
  readonly jobId: string;
  /** Locations that name items not (yet) stored: recorded for the platform to supply. */
  readonly unresolvedItemIds: readonly string[];
}

export interface StoredOrder {
  readonly order: Order;
  readonly deadline: string;
  /** Where the deadline comes from when the order stated none: the law that sets it. */
  readonly deadlineBasis?: {
    readonly citation: string;
    readonly source: string;
    readonly unverified: boolean;
    readonly explanation: string;
  };
  readonly state: 'open' | 'done';
  readonly jobId: string;
}

export type SubmissionState = 'pending' | 'submitted' | 'rejected';

export interface StoredDecision {
  readonly id: string;
  /** The instant of the decision (the statement's application date is its day). */
  readonly decidedAt: string;
  readonly reviewerId: string;
  readonly jobId?: string;
  readonly noticeId?: string;
  readonly orderId?: string;
  readonly itemIds: readonly string[];
  readonly source: 'notice' | 'own-initiative';
  readonly decision: Decision;
  readonly restrictions: readonly Restriction[];
  readonly statement: StatementOfReasons;
  /** The Transparency Database payload (rules-valid when it was made). */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly submission: {
    readonly state: SubmissionState;
    readonly at?: string;
    readonly error?: string;
  };
  /** Restrictions lifted since by appeals. */
  readonly lifted: readonly Restriction[];
}

export interface StoredHold {
  readonly hold: Hold;
  /** The hold's end (statutory or release); absent while a litigation hold lasts. */
  readonly expiresAt?: string;
}

export interface ReviewerSettings {
  /** Blur of images, 0 (none) to 100 (unrecognisable); 60 by default. */
  readonly blur: number;
  readonly grayscale: boolean;
}

export interface Period {
  readonly from: string;
  readonly to: string;
}

export interface WorkflowRepository {
  saveNotice(notice: StoredNotice, executor?: Executor): Promise<void>;
  getNotice(id: string, executor?: Executor): Promise<StoredNotice | undefined>;
  getNotices(ids: readonly string[], executor?: Executor): Promise<StoredNotice[]>;
  /** Newest first. */
  listNotices(
    filter: { readonly state?: StoredNotice['state'] },
    page: PageRequest,
  ): Promise<Page<StoredNotice>>;

  saveOrder(order: StoredOrder, executor?: Executor): Promise<void>;
  getOrder(id: string, executor?: Executor): Promise<StoredOrder | undefined>;
  listOrders(page: PageRequest): Promise<Page<StoredOrder>>;

  saveReviewJob(job: ReviewJob, executor?: Executor): Promise<void>;
  getReviewJob(id: string, executor?: Executor): Promise<ReviewJob | undefined>;
  /** The job not done (open or claimed) that reviews this subject, if any. */
  pendingReviewJobFor(
    subject: ReviewSubject,
    subjectId: string,
    executor?: Executor,
  ): Promise<ReviewJob | undefined>;
  /** Every job not done (open or claimed), at most `limit`, oldest first: the queue to rank. */
  pendingReviewJobs(limit: number, executor?: Executor): Promise<ReviewJob[]>;
  /**
   * Gives the job to `reviewer` until `leaseUntil` if, at this moment, it is open, or claimed
   * with a lease that passed, or already held by `reviewer`: one conditional update, so two
   * reviewers never both get it. False when someone else holds it or it is done.
   */
  claimReviewJob(
    id: string,
    reviewer: string,
    now: string,
    leaseUntil: string,
    executor?: Executor,
  ): Promise<boolean>;
  listReviewJobs(
    filter: { readonly state?: ReviewState; readonly claimedBy?: string },
    page: PageRequest,
  ): Promise<Page<ReviewJob>>;

  saveDecision(decision: StoredDecision, executor?: Executor): Promise<void>;
  getDecision(id: string, executor?: Executor): Promise<StoredDecision | undefined>;
  /** Newest first. */
  listDecisions(page: PageRequest): Promise<Page<StoredDecision>>;
  /** Decisions whose statement waits for the Transparency Database, oldest first. */
  pendingSubmissions(limit: number, executor?: Executor): Promise<StoredDecision[]>;

  saveAppeal(appeal: Appeal, executor?: Executor): Promise<void>;
  getAppeal(id: string, executor?: Executor): Promise<Appeal | undefined>;
  appealsOf(decisionId: string, executor?: Executor): Promise<Appeal[]>;
  listAppeals(
    filter: { readonly state?: Appeal['state'] },
    page: PageRequest,
  ): Promise<Page<Appeal>>;

  saveReferral(referral: Referral, executor?: Executor): Promise<void>;
  getReferral(id: string, executor?: Executor): Promise<Referral | undefined>;
  listReferrals(page: PageRequest): Promise<Page<Referral>>;

  saveHold(hold: StoredHold, executor?: Executor): Promise<void>;
  getHold(id: string, executor?: Executor): Promise<StoredHold | undefined>;
  listHolds(page: PageRequest): Promise<Page<StoredHold>>;
  /** Holds naming any of these targets ("item:itm_…", "account:…", "evidence:…"), active or not. */
  holdsCovering(targets: readonly string[], executor?: Executor): Promise<StoredHold[]>;

  getSettings(accountId: string): Promise<ReviewerSettings | undefined>;
  saveSettings(accountId: string, settings: ReviewerSettings, now: string): Promise<void>;

  /**
   * What a transparency report over the period counts: the notices received, the decisions
   * taken and the appeals filed or decided in it, and the notices those decisions answered.
   */
  periodRecords(
    period: Period,
  ): Promise<{ notices: StoredNotice[]; decisions: StoredDecision[]; appeals: Appeal[] }>;
}

// ---------------------------------------------------------------------------------------------
// Cases: what investigators turn networks into, seen only by their members

export const CASE_STATUSES = ['open', 'closed', 'archived'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** Traffic Light Protocol 2.0 markings: how far what the case holds may be shared. */
export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];
/** A member's part in a case; leads manage it, observers only read (case-service.ts). */
export const CASE_ROLES = ['lead', 'investigator', 'analyst', 'advocate', 'observer'] as const;
export type CaseRole = (typeof CASE_ROLES)[number];
export const CASE_LINK_KINDS = ['item', 'network', 'template', 'evidence'] as const;
export type CaseLinkKind = (typeof CASE_LINK_KINDS)[number];
export const CASE_TASK_STATES = ['open', 'done'] as const;
export type CaseTaskState = (typeof CASE_TASK_STATES)[number];

export interface CaseFile {
  readonly id: string;
  readonly title: string;
  readonly status: CaseStatus;
  readonly tlp: Tlp;
  readonly createdAt: string;
  /** The account id of who opened it (its first lead). */
  readonly createdBy: string;
  readonly updatedAt: string;
}

export interface CaseMember {
  readonly caseId: string;
  readonly accountId: string;
  readonly role: CaseRole;
  readonly addedAt: string;
  /** The account id of who added the member. */
  readonly addedBy: string;
}

export interface CaseLink {
  readonly caseId: string;
  readonly kind: CaseLinkKind;
  readonly targetId: string;
  readonly addedAt: string;
  readonly addedBy: string;
  readonly note?: string;
}

export interface CaseNote {
  readonly id: string;
  readonly caseId: string;
  readonly at: string;
  /** The account id of who wrote it. */
  readonly author: string;
  readonly text: string;
}

export interface CaseTask {
  readonly id: string;
  readonly caseId: string;
  readonly title: string;
  readonly state: CaseTaskState;
  /** An account id. */
  readonly assignee?: string;
  /** ISO 8601. */
  readonly due?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * The case records. The repository knows nothing of who may see what: every caller goes through
 * the units of work of case-service.ts, which check access first.
 */
export interface CaseRepository {
  /** Stores a case, replacing it if it exists. */
  saveCase(file: CaseFile, executor?: Executor): Promise<void>;
  getCase(id: string, executor?: Executor): Promise<CaseFile | undefined>;
  /**
   * Holds the case's row lock until the transaction ends (PostgreSQL; an SQLite transaction
   * holds the whole database's), so that two changes to one case's members take turns and
   * cannot together remove its last lead.
   */
  lock(id: string, executor: Executor): Promise<void>;
  /** Newest first (by opening time, then id); `memberId` keeps the cases that account is in. */
  listCases(
    filter: { readonly memberId?: string; readonly status?: CaseStatus },
    page: PageRequest,
  ): Promise<Page<CaseFile>>;

  /** Adds a member or changes its role. */
  saveMember(member: CaseMember, executor?: Executor): Promise<void>;
  getMember(
    caseId: string,
    accountId: string,
    executor?: Executor,
  ): Promise<CaseMember | undefined>;
  /** In the order they were added. */
  members(caseId: string, executor?: Executor): Promise<CaseMember[]>;
  /** False when the account was no member. */
  removeMember(caseId: string, accountId: string, executor?: Executor): Promise<boolean>;

  /** False, and nothing changes, when the case links to this target already. */
  addLink(link: CaseLink, executor?: Executor): Promise<boolean>;
  /** In the order they were added. */
  links(caseId: string, executor?: Executor): Promise<CaseLink[]>;
  /** False when there was no such link. */
  removeLink(
    caseId: string,
    kind: CaseLinkKind,
    targetId: string,
    executor?: Executor,
  ): Promise<boolean>;

  addNote(note: CaseNote, executor?: Executor): Promise<void>;
  /** Oldest first. */
  notes(caseId: string, executor?: Executor): Promise<CaseNote[]>;

  /** Stores a task, replacing it if it exists. */
  saveTask(task: CaseTask, executor?: Executor): Promise<void>;
  getTask(caseId: string, taskId: string, executor?: Executor): Promise<CaseTask | undefined>;
  /** Oldest first. */
  tasks(caseId: string, executor?: Executor): Promise<CaseTask[]>;
}

// ---------------------------------------------------------------------------------------------
// Persons of a case: suspects and victims (person-service.ts checks access)

export const PERSON_KINDS = ['suspect', 'victim'] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

/** What every member of the case may see of a person: never personal data. */
export interface PersonPublic {
  /** An alias or label, e.g. "Victim A" or a suspect's handle. */
  readonly label: string;
  readonly itemIds: readonly string[];
  /** Identifiers seen online (phone numbers, handles, e-mail addresses) linked to the person. */
  readonly identifiers: readonly string[];
}

export interface StoredPerson {
  readonly id: string;
  readonly caseId: string;
  readonly kind: PersonKind;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly public: PersonPublic;
  /** The SealedRecord JSON of a victim's personal data, if any was given. */
  readonly sealed?: string;
  readonly shreddedAt?: string;
}

export interface VictimGrant {
  readonly caseId: string;
  readonly accountId: string;
  readonly grantedBy: string;
  readonly grantedAt: string;
}

/** The person records; like CaseRepository it knows nothing of access. */
export interface PersonRepository {
  savePerson(person: StoredPerson, executor?: Executor): Promise<void>;
  getPerson(caseId: string, id: string, executor?: Executor): Promise<StoredPerson | undefined>;
  /** Oldest first. */
  persons(caseId: string, executor?: Executor): Promise<StoredPerson[]>;
  /** Replaces the sealed record (shredding) and sets shredded_at. */
  shred(id: string, sealed: string, at: string, executor?: Executor): Promise<void>;
  saveGrant(grant: VictimGrant, executor?: Executor): Promise<void>;
  getGrant(
    caseId: string,
    accountId: string,
    executor?: Executor,
  ): Promise<VictimGrant | undefined>;
  /** False when there was no such grant. */
  removeGrant(caseId: string, accountId: string, executor?: Executor): Promise<boolean>;
  /** The case's grants, oldest first. */
  grants(caseId: string, executor?: Executor): Promise<VictimGrant[]>;

  // Master key rotation (victim-keys.ts)
  /**
   * Persons with a sealed record (shredded ones included), across all cases, by id ascending,
   * the first `limit` with an id after `afterId` (keyset paging: rows added meanwhile are
   * neither skipped twice nor met twice).
   */
  sealedPage(
    afterId: string | undefined,
    limit: number,
    executor?: Executor,
  ): Promise<SealedPersonRow[]>;
  /**
   * Replaces the sealed record of a person that is not shredded, only if it is still exactly
   * `expectedSealed`; false (nothing written) when it changed meanwhile or was shredded.
   */
  replaceSealed(
    id: string,
    expectedSealed: string,
    newSealed: string,
    executor?: Executor,
  ): Promise<boolean>;
}

/** One person's sealed record as the key rotation pages through them. */
export interface SealedPersonRow {
  readonly id: string;
  readonly caseId: string;
  /** The JSON of a SealedRecord. */
  readonly sealed: string;
  readonly shreddedAt?: string;
}

// ---------------------------------------------------------------------------------------------
// Hash banks: PDQ hashes of known images (banks.ts; units of work in bank-service.ts)

export const BANK_KINDS = ['victim-photos', 'abuse-material', 'other'] as const;
export type BankKind = (typeof BANK_KINDS)[number];

export interface HashBank {
  /** `bnk_` and 26 base32 characters. */
  readonly id: string;
  /** Unique among banks. */
  readonly name: string;
  readonly description?: string;
  readonly kind: BankKind;
  readonly createdAt: string;
  /** The audit actor of who made it ("account:acc_…"). */
  readonly createdBy: string;
  /** Rises with every import that adds hashes. */
  readonly version: number;
  /** How many hashes it holds. */
  readonly size: number;
  readonly updatedAt: string;
}

export interface BankHash {
  /** The PDQ hash as 64 lowercase hex characters. */
  readonly hash: string;
  /** ≤ 200 characters: the supplier's reference, or a Vigil item id (`itm_…`). */
  readonly label?: string;
  readonly addedAt: string;
}

export interface BankRepository {
  /** Undefined, and nothing stored, when a bank has this name already. */
  create(
    bank: {
      readonly name: string;
      readonly description?: string;
      readonly kind: BankKind;
      readonly createdBy: string;
    },
    now: string,
    executor?: Executor,
  ): Promise<HashBank | undefined>;
  get(id: string, executor?: Executor): Promise<HashBank | undefined>;
  getByName(name: string, executor?: Executor): Promise<HashBank | undefined>;
  /** Every bank, by name (banks are few). */
  list(executor?: Executor): Promise<HashBank[]>;
  /** Deletes a bank and its hashes; false when there was none. */
  delete(id: string, executor?: Executor): Promise<boolean>;
  /**
   * Adds hashes (64 lowercase hex each) to a bank; a hash the bank holds already keeps its
   * label. Raises the bank's version when any was added.
   */
  addHashes(
    bankId: string,
    hashes: readonly { readonly hash: string; readonly label?: string }[],
    now: string,
    executor?: Executor,
  ): Promise<{ readonly added: number; readonly existing: number }>;
  /** Every bank's id and version: what a worker compares to know its index is current. */
  versions(executor?: Executor): Promise<{ readonly id: string; readonly version: number }[]>;
  /** A bank's hashes by hash, the first `limit` after `after` (keyset paging). */
  hashes(bankId: string, after: string | undefined, limit: number): Promise<BankHash[]>;
}

// ---------------------------------------------------------------------------------------------

/** Everything the service stores, over one database. */
export interface ServiceStore {
  readonly db: Db;
  readonly items: ItemRepository;
  readonly links: LinkRepository;
  readonly jobs: JobQueue;
  readonly accounts: AccountRepository;
  readonly audit: AuditLog;
  readonly workflow: WorkflowRepository;
  readonly cases: CaseRepository;
  readonly persons: PersonRepository;
  readonly banks: BankRepository;
  /** Partners, agreements, packages and matching sessions (store/share-records.ts). */
  readonly share: ShareRepository;
  /** The evidence ledger over the same database, where ingest seals raw captures (test doubles
   *  may leave it out). */
  readonly ledger?: LedgerStore;
  /**
   * Runs `work` in one transaction; repositories given `trx` join it, and so do repositories
   * (and nested `transaction` calls) made inside `work` without it. On SQLite the transaction
   * holds the database's write lock from its start.
   */
  transaction<T>(work: (trx: Executor) => Promise<T>): Promise<T>;
}

// ---------------------------------------------------------------------------------------------
// Sharing (store/share-records.ts)

/** A partner organisation, registered by its public keys and confirmed out of band. */
export interface Partner {
  /** The organisation id its keys carry (share/keys.ts ORG_ID_PATTERN). */
  readonly org: string;
  readonly name: string;
  /** Its public keys as one line of text (share/keys.ts formatOrgPublicKey). */
  readonly publicKey: string;
  readonly fingerprint: string;
  /** Where its instance receives packages and matching requests (http or https base URL). */
  readonly url?: string;
  /** Its evidence log's verifier keys (ledger note format), to check the bundles it sends. */
  readonly logKeys: readonly string[];
  readonly addedAt: string;
  readonly addedBy: string;
  /** Set when someone compared the fingerprint with the partner out of band. */
  readonly confirmedAt?: string;
  readonly confirmedBy?: string;
}

export interface StoredAgreement {
  readonly id: string;
  /** The agreement as given (validated by share/agreement.ts parseAgreement when used). */
  readonly agreement: unknown;
  readonly addedAt: string;
  readonly addedBy: string;
}

export type PackageStatus = 'sent' | 'written' | 'received' | 'accepted' | 'rejected';

export interface SharePackageRecord {
  readonly id: string;
  readonly direction: 'out' | 'in';
  readonly partner: string;
  readonly agreementId: string;
  readonly status: PackageStatus;
  readonly createdAt: string;
  /** The package's manifest (share/package.ts PackageManifest), once it is known. */
  readonly manifest?: unknown;
  /** SHA-256 of the package bytes; received packages keep their bytes in the blob store. */
  readonly sha256: string;
  readonly size: number;
  /** The case a received package was accepted into, or an outgoing one was made from. */
  readonly caseId?: string;
  /** Evidence ids sealed from a received package. */
  readonly evidence?: readonly string[];
  readonly note?: string;
}

export interface PsiRecord {
  readonly id: string;
  readonly partner: string;
  readonly role: 'initiator' | 'responder';
  readonly at: string;
  /** How many identifiers this side put in. */
  readonly items: number;
  readonly agreementId: string;
  /** For the initiator: how many were in common. */
  readonly matched?: number;
  /** For the responder: how many identifiers the partner sent (its daily limit counts these). */
  readonly partnerItems?: number;
}

export interface ShareRepository {
  savePartner(partner: Partner, executor?: Executor): Promise<void>;
  getPartner(org: string, executor?: Executor): Promise<Partner | undefined>;
  partners(executor?: Executor): Promise<Partner[]>;
  saveAgreement(agreement: StoredAgreement, executor?: Executor): Promise<void>;
  getAgreement(id: string, executor?: Executor): Promise<StoredAgreement | undefined>;
  agreements(executor?: Executor): Promise<StoredAgreement[]>;
  savePackage(record: SharePackageRecord, executor?: Executor): Promise<void>;
  getPackage(id: string, executor?: Executor): Promise<SharePackageRecord | undefined>;
  /** Newest first, at most `limit`. */
  packages(
    filter: { readonly direction?: 'out' | 'in'; readonly limit: number },
    executor?: Executor,
  ): Promise<SharePackageRecord[]>;
  savePsi(record: PsiRecord, executor?: Executor): Promise<void>;
  /** The partner's sessions in this role since `since`, oldest first (rate limits). */
  psiSince(
    partner: string,
    role: PsiRecord['role'],
    since: string,
    executor?: Executor,
  ): Promise<PsiRecord[]>;
}
