/**
 * Cases as units of work: each function below checks the caller's access to the case, changes
 * the case records and writes the audit record (target `case:<id>`) in ONE transaction, so no
 * step is half done and nothing changes unaudited. The clock is the caller's (`now`).
 *
 * Access is need-to-know, decided in one place, requireCaseAccess: a case exists, as far as a
 * caller can tell, only for its members (and admins). Everyone else gets the NOT_FOUND a missing
 * case gets, so that not even the existence of an investigation leaks.
 */
import { VigilError } from '../shared/errors.js';
import type {
  Account,
  AuditRecord,
  CaseFile,
  CaseLink,
  CaseLinkKind,
  CaseMember,
  CaseNote,
  CaseRole,
  CaseStatus,
  CaseTask,
  CaseTaskState,
  Executor,
  Page,
  PageRequest,
  ServiceStore,
  Tlp,
} from './repositories.js';
import { newId, recordAudit, storedTime } from './service-common.js';
import type { Actor } from './workflow-service.js';

/** Who acts on a case: the audit actor, and the account's roles (admins manage every case). */
export interface CaseActor extends Actor {
  readonly roles: Account['roles'];
}

/** What a case needs of its caller: to see it, to add to it, or to run it. */
export type CaseNeed = 'read' | 'write' | 'manage';

/** A case as a member sees it: the file, the caller's own role and everything in it. */
export interface CaseDetail {
  readonly case: CaseFile;
  /** The caller's role; absent for an admin who is no member. */
  readonly role?: CaseRole;
  readonly members: readonly CaseMember[];
  readonly links: readonly CaseLink[];
  readonly notes: readonly CaseNote[];
  readonly tasks: readonly CaseTask[];
}

/** A new case's marking when none is given: shared only with those who need it. */
export const DEFAULT_TLP: Tlp = 'amber';

const MAX_TITLE = 200;
const MAX_NOTE = 20_000;

const caseNotFound = (id: string) =>
  new VigilError('NOT_FOUND', `No case has the id ${id}.`, { details: { kind: 'case', id } });

const notFound = (kind: string, id: string) =>
  new VigilError('NOT_FOUND', `No ${kind} has the id ${id}.`, { details: { kind, id } });

const invalid = (message: string, field: string) =>
  new VigilError('REQUEST_INVALID', message, { details: { field } });

/**
 * THE access rule for cases; every unit below calls it before anything else. Non-members get
 * NOT_FOUND, exactly as for a case that does not exist (never FORBIDDEN, which would confirm
 * it exists). Members read; members other than observers write; leads manage; admins manage
 * every case, member or not. Returns the case and the caller's membership, if any.
 */
export async function requireCaseAccess(
  store: ServiceStore,
  caseId: string,
  account: { readonly id: string; readonly roles: Account['roles'] },
  need: CaseNeed,
  executor?: Executor,
): Promise<{ readonly file: CaseFile; readonly member?: CaseMember }> {
  // Both reads always: the answer for a non-member takes the time it takes for a missing case.
  const [file, member] = await Promise.all([
    store.cases.getCase(caseId, executor),
    store.cases.getMember(caseId, account.id, executor),
  ]);
  if (file === undefined) throw caseNotFound(caseId);
  const withMember = member === undefined ? { file } : { file, member };
  if (account.roles.includes('admin')) return withMember;
  if (member === undefined) throw caseNotFound(caseId);
  if (need === 'write' && member.role === 'observer') {
    throw new VigilError('FORBIDDEN', 'Observers of a case can read it but not change it.', {
      details: { caseId, role: member.role },
    });
  }
  if (need === 'manage' && member.role !== 'lead') {
    throw new VigilError('FORBIDDEN', 'Only a lead of the case (or an admin) can do this.', {
      details: { caseId, role: member.role },
    });
  }
  return withMember;
}

/** The account `requireCaseAccess` checks, of a case actor. */
export const accountOf = (who: CaseActor) => ({ id: who.accountId, roles: who.roles });

/** The audit record of a change to a case: its target is the case, for the timeline. */
export function caseAudit(
  store: ServiceStore,
  who: CaseActor,
  now: string,
  action: string,
  caseId: string,
  details: Record<string, unknown>,
  trx: Executor,
): Promise<void> {
  return recordAudit(store, who, now, action, `case:${caseId}`, details, trx);
}

const audit = caseAudit;

/**
 * The common frame of a unit that changes a case: one transaction, the case's row lock first
 * (so that concurrent changes to one case take turns and see each other), the access check,
 * the change, the case's updatedAt moved to now, and the audit record.
 */
async function changeCase<T>(
  store: ServiceStore,
  caseId: string,
  who: CaseActor,
  need: CaseNeed,
  now: string,
  work: (
    access: { readonly file: CaseFile; readonly member?: CaseMember },
    trx: Executor,
  ) => Promise<{
    readonly result: T;
    readonly action: string;
    readonly details: Record<string, unknown>;
    readonly file?: CaseFile;
  }>,
): Promise<T> {
  return store.transaction(async (trx) => {
    await store.cases.lock(caseId, trx);
    const access = await requireCaseAccess(store, caseId, accountOf(who), need, trx);
    const { result, action, details, file } = await work(access, trx);
    await store.cases.saveCase({ ...(file ?? access.file), updatedAt: now }, trx);
    await audit(store, who, now, action, caseId, details, trx);
    return result;
  });
}

function checkTitle(title: string, field = 'title'): string {
  const trimmed = title.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_TITLE) {
    throw invalid(`The ${field} must be 1 to ${MAX_TITLE} characters.`, field);
  }
  return trimmed;
}

function checkTime(value: string, field: string): string {
  if (!Number.isFinite(Date.parse(value))) {
    throw invalid(`The ${field} must be an ISO 8601 time.`, field);
  }
  return storedTime(value, field);
}

async function detail(
  store: ServiceStore,
  file: CaseFile,
  member: CaseMember | undefined,
  executor?: Executor,
): Promise<CaseDetail> {
  const [members, links, notes, tasks] = await Promise.all([
    store.cases.members(file.id, executor),
    store.cases.links(file.id, executor),
    store.cases.notes(file.id, executor),
    store.cases.tasks(file.id, executor),
  ]);
  return {
    case: file,
    ...(member !== undefined && { role: member.role }),
    members,
    links,
    notes,
    tasks,
  };
}

// ---------------------------------------------------------------------------------------------
// The case itself

/** Most records a case may be opened from (e.g. a network and its templates). */
export const MAX_OPENING_LINKS = 50;

/**
 * Opens a case; its creator becomes its first lead. `links` opens it from what prompted it
 * (a network, an item): each must exist, and is linked in the same transaction.
 */
export async function createCase(
  store: ServiceStore,
  input: {
    readonly title: string;
    readonly tlp?: Tlp;
    readonly links?: readonly { readonly kind: CaseLinkKind; readonly targetId: string }[];
  },
  now: string,
  who: CaseActor,
): Promise<CaseDetail> {
  const links = input.links ?? [];
  if (links.length > MAX_OPENING_LINKS) {
    throw invalid(`A case opens with at most ${MAX_OPENING_LINKS} links.`, 'links');
  }
  const file: CaseFile = {
    id: newId('case'),
    title: checkTitle(input.title),
    status: 'open',
    tlp: input.tlp ?? DEFAULT_TLP,
    createdAt: now,
    createdBy: who.accountId,
    updatedAt: now,
  };
  const lead: CaseMember = {
    caseId: file.id,
    accountId: who.accountId,
    role: 'lead',
    addedAt: now,
    addedBy: who.accountId,
  };
  return store.transaction(async (trx) => {
    await store.cases.saveCase(file, trx);
    await store.cases.saveMember(lead, trx);
    for (const { kind, targetId } of links) {
      await requireTarget(store, kind, targetId, trx);
      await store.cases.addLink(
        { caseId: file.id, kind, targetId, addedAt: now, addedBy: who.accountId },
        trx,
      );
    }
    // The title stays out of the audit log: it may name a person; the log is read by auditors,
    // who see no case content.
    await audit(
      store,
      who,
      now,
      'case.create',
      file.id,
      { tlp: file.tlp, links: links.length },
      trx,
    );
    return detail(store, file, lead, trx);
  });
}

export async function getCase(
  store: ServiceStore,
  caseId: string,
  who: CaseActor,
): Promise<CaseDetail> {
  const { file, member } = await requireCaseAccess(store, caseId, accountOf(who), 'read');
  return detail(store, file, member);
}

/** The caller's cases, newest first; an admin's are all of them. */
export async function listCases(
  store: ServiceStore,
  filter: { readonly status?: CaseStatus },
  page: PageRequest,
  who: CaseActor,
): Promise<Page<CaseFile>> {
  const admin = who.roles.includes('admin');
  return store.cases.listCases(admin ? filter : { ...filter, memberId: who.accountId }, page);
}

/** Changes the title, status or marking: leads and admins. */
export async function updateCase(
  store: ServiceStore,
  caseId: string,
  change: { readonly title?: string; readonly status?: CaseStatus; readonly tlp?: Tlp },
  now: string,
  who: CaseActor,
): Promise<CaseDetail> {
  const file = await changeCase(store, caseId, who, 'manage', now, async ({ file }) => {
    const changed = {
      ...file,
      ...(change.title !== undefined && { title: checkTitle(change.title) }),
      ...(change.status !== undefined && { status: change.status }),
      ...(change.tlp !== undefined && { tlp: change.tlp }),
      updatedAt: now,
    };
    const fields = (['title', 'status', 'tlp'] as const).filter(
      (key) => changed[key] !== file[key],
    );
    return {
      result: changed,
      file: changed,
      action: 'case.update',
      details: { changed: fields, status: changed.status, tlp: changed.tlp },
    };
  });
  return getCase(store, file.id, who);
}

// ---------------------------------------------------------------------------------------------
// Members

/** Adds a member, or changes a member's role: leads and admins. A case keeps at least one lead. */
export async function addMember(
  store: ServiceStore,
  caseId: string,
  input: { readonly accountId: string; readonly role: CaseRole },
  now: string,
  who: CaseActor,
): Promise<CaseMember> {
  return changeCase(store, caseId, who, 'manage', now, async (_access, trx) => {
    const account = await store.accounts.getAccount(input.accountId, trx);
    if (account === undefined || account.disabledAt !== undefined) {
      throw notFound('account', input.accountId);
    }
    const existing = await store.cases.getMember(caseId, input.accountId, trx);
    if (existing?.role === 'lead' && input.role !== 'lead') {
      await requireAnotherLead(store, caseId, input.accountId, trx);
    }
    const member: CaseMember = existing
      ? { ...existing, role: input.role }
      : {
          caseId,
          accountId: input.accountId,
          role: input.role,
          addedAt: now,
          addedBy: who.accountId,
        };
    await store.cases.saveMember(member, trx);
    return {
      result: member,
      action: existing ? 'case.member.role' : 'case.member.add',
      details: {
        accountId: member.accountId,
        role: member.role,
        ...(existing !== undefined && { from: existing.role }),
      },
    };
  });
}

/** Removes a member: leads and admins; never the last lead. */
export async function removeMember(
  store: ServiceStore,
  caseId: string,
  accountId: string,
  now: string,
  who: CaseActor,
): Promise<void> {
  await changeCase(store, caseId, who, 'manage', now, async (_access, trx) => {
    const member = await store.cases.getMember(caseId, accountId, trx);
    if (member === undefined) throw notFound('member of this case', accountId);
    if (member.role === 'lead') await requireAnotherLead(store, caseId, accountId, trx);
    await store.cases.removeMember(caseId, accountId, trx);
    // A grant to victim data ends with membership: re-adding someone does not revive it.
    const grantEnded = await store.persons.removeGrant(caseId, accountId, trx);
    return {
      result: undefined,
      action: 'case.member.remove',
      details: { accountId, role: member.role, ...(grantEnded && { victimGrantEnded: true }) },
    };
  });
}

/** A case without a lead could not be managed by anyone but an admin. */
async function requireAnotherLead(
  store: ServiceStore,
  caseId: string,
  accountId: string,
  trx: Executor,
): Promise<void> {
  const members = await store.cases.members(caseId, trx);
  if (!members.some((member) => member.role === 'lead' && member.accountId !== accountId)) {
    throw new VigilError(
      'CONFLICT',
      'This is the last lead of the case. Make another member a lead first.',
      { details: { caseId, accountId } },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Links, notes, tasks: members other than observers

/**
 * Links the case to an item, network or template (which must exist) or to evidence (its id is
 * taken as given until evidence records are tied to cases).
 */
export async function addLink(
  store: ServiceStore,
  caseId: string,
  input: { readonly kind: CaseLinkKind; readonly targetId: string; readonly note?: string },
  now: string,
  who: CaseActor,
): Promise<CaseLink> {
  return changeCase(store, caseId, who, 'write', now, async (_access, trx) => {
    await requireTarget(store, input.kind, input.targetId, trx);
    const link: CaseLink = {
      caseId,
      kind: input.kind,
      targetId: input.targetId,
      addedAt: now,
      addedBy: who.accountId,
      ...(input.note !== undefined && { note: input.note }),
    };
    if (!(await store.cases.addLink(link, trx))) {
      throw new VigilError('CONFLICT', `The case already links to this ${input.kind}.`, {
        details: { caseId, kind: input.kind, targetId: input.targetId },
      });
    }
    return {
      result: link,
      action: 'case.link.add',
      details: { kind: link.kind, targetId: link.targetId },
    };
  });
}

async function requireTarget(
  store: ServiceStore,
  kind: CaseLinkKind,
  id: string,
  trx: Executor,
): Promise<void> {
  let exists: boolean;
  if (kind === 'item') exists = (await store.items.get(id, trx)) !== undefined;
  // The link repository reads through the ambient transaction (service-common.ts executorFor).
  else if (kind === 'network') exists = (await store.links.getNetwork(id)) !== undefined;
  else if (kind === 'template') exists = (await store.links.getTemplate(id)) !== undefined;
  else exists = true;
  if (!exists) throw notFound(kind, id);
}

export async function removeLink(
  store: ServiceStore,
  caseId: string,
  kind: CaseLinkKind,
  targetId: string,
  now: string,
  who: CaseActor,
): Promise<void> {
  await changeCase(store, caseId, who, 'write', now, async (_access, trx) => {
    if (!(await store.cases.removeLink(caseId, kind, targetId, trx))) {
      throw notFound(`${kind} linked to this case`, targetId);
    }
    return { result: undefined, action: 'case.link.remove', details: { kind, targetId } };
  });
}

export async function addNote(
  store: ServiceStore,
  caseId: string,
  input: { readonly text: string },
  now: string,
  who: CaseActor,
): Promise<CaseNote> {
  if (input.text.trim().length === 0 || input.text.length > MAX_NOTE) {
    throw invalid(`A note must be 1 to ${MAX_NOTE} characters.`, 'text');
  }
  return changeCase(store, caseId, who, 'write', now, async (_access, trx) => {
    const note: CaseNote = {
      id: newId('note'),
      caseId,
      at: now,
      author: who.accountId,
      text: input.text,
    };
    await store.cases.addNote(note, trx);
    // The note's id only: its text is case content, which the audit log never holds.
    return { result: note, action: 'case.note.add', details: { noteId: note.id } };
  });
}

/** Assignees must be members: a task for someone who cannot see the case helps nobody. */
async function requireAssignee(
  store: ServiceStore,
  caseId: string,
  assignee: string,
  trx: Executor,
): Promise<void> {
  if ((await store.cases.getMember(caseId, assignee, trx)) === undefined) {
    throw invalid('The assignee must be a member of the case.', 'assignee');
  }
}

export async function addTask(
  store: ServiceStore,
  caseId: string,
  input: { readonly title: string; readonly assignee?: string; readonly due?: string },
  now: string,
  who: CaseActor,
): Promise<CaseTask> {
  const title = checkTitle(input.title);
  const due = input.due === undefined ? undefined : checkTime(input.due, 'due');
  return changeCase(store, caseId, who, 'write', now, async (_access, trx) => {
    if (input.assignee !== undefined) await requireAssignee(store, caseId, input.assignee, trx);
    const task: CaseTask = {
      id: newId('task'),
      caseId,
      title,
      state: 'open',
      ...(input.assignee !== undefined && { assignee: input.assignee }),
      ...(due !== undefined && { due }),
      createdAt: now,
      updatedAt: now,
    };
    await store.cases.saveTask(task, trx);
    return {
      result: task,
      action: 'case.task.add',
      details: {
        taskId: task.id,
        ...(task.assignee !== undefined && { assignee: task.assignee }),
        ...(task.due !== undefined && { due: task.due }),
      },
    };
  });
}

/** Changes a task; `null` clears the assignee or the due time. */
export async function updateTask(
  store: ServiceStore,
  caseId: string,
  taskId: string,
  change: {
    readonly title?: string;
    readonly state?: CaseTaskState;
    readonly assignee?: string | null;
    readonly due?: string | null;
  },
  now: string,
  who: CaseActor,
): Promise<CaseTask> {
  const title = change.title === undefined ? undefined : checkTitle(change.title);
  const due = typeof change.due === 'string' ? checkTime(change.due, 'due') : change.due;
  return changeCase(store, caseId, who, 'write', now, async (_access, trx) => {
    const task = await store.cases.getTask(caseId, taskId, trx);
    if (task === undefined) throw notFound('task of this case', taskId);
    if (typeof change.assignee === 'string') {
      await requireAssignee(store, caseId, change.assignee, trx);
    }
    const { assignee: _assignee, due: _due, ...rest } = task;
    const assignee = change.assignee === undefined ? task.assignee : change.assignee;
    const dueAt = due === undefined ? task.due : due;
    const changed: CaseTask = {
      ...rest,
      ...(title !== undefined && { title }),
      ...(change.state !== undefined && { state: change.state }),
      ...(assignee !== null && assignee !== undefined && { assignee }),
      ...(dueAt !== null && dueAt !== undefined && { due: dueAt }),
      updatedAt: now,
    };
    await store.cases.saveTask(changed, trx);
    const fields = (['title', 'state', 'assignee', 'due'] as const).filter(
      (key) => changed[key] !== task[key],
    );
    return {
      result: changed,
      action: 'case.task.update',
      details: { taskId, changed: fields, state: changed.state },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Timeline

/**
 * Everything that happened to the case, newest first, one page at a time: the audit records
 * whose target is the case (every unit above writes one).
 */
export async function timeline(
  store: ServiceStore,
  caseId: string,
  page: PageRequest,
  who: CaseActor,
): Promise<Page<AuditRecord>> {
  await requireCaseAccess(store, caseId, accountOf(who), 'read');
  return store.audit.list({ target: `case:${caseId}` }, page);
}
