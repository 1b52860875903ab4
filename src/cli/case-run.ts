/**
 * The case commands' work (registered in case.ts, loaded only when one runs). Each command
 * checks its arguments first (so that a bad one never opens the database), opens the configured
 * store, resolves `--as` to an enabled account whose roles grant `cases:use` (the permission of
 * every case route), runs the same unit of work as the API (store/case-service.ts), which
 * decides what the account may do in the case, and always closes the database, whatever
 * happens. `--json` prints what the API returns; otherwise the output is for people, with
 * accounts named by their email.
 */
import { VigilError } from '../shared/errors.js';
import {
  addLink,
  addMember,
  addNote,
  addTask,
  type CaseActor,
  type CaseDetail,
  createCase,
  getCase,
  listCases,
  MAX_OPENING_LINKS,
  removeLink,
  removeMember,
  timeline,
  updateCase,
  updateTask,
} from '../store/case-service.js';
import type {
  Account,
  CaseFile,
  CaseLinkKind,
  CaseRole,
  CaseStatus,
  ServiceStore,
  Tlp,
} from '../store/repositories.js';
import { itemId } from '../store/service-common.js';
import { actingAccount, actorOf, emailsOf, json, table } from './acting.js';
import { configOf, openStore, type ServiceFlags, type ServiceIo } from './service-run.js';

/** The flags of every case command: who acts, and whether to print JSON. */
export type CaseFlags = ServiceFlags & { readonly as: string; readonly json?: boolean };

/** The API's limits (server/routes/cases.ts), checked before the database opens. */
const MAX_ID = 256;
const MAX_LINK_NOTE = 2000;
const MAX_NOTE = 20_000;

export interface Context {
  readonly store: ServiceStore;
  readonly who: CaseActor;
  /** The command's one instant: every record it writes carries the same time. */
  readonly now: string;
}

/**
 * Opens the configured store, resolves `--as`, runs `work`, and closes the database even when
 * `work` throws.
 */
export async function withCase<T>(
  flags: CaseFlags,
  io: ServiceIo,
  work: (context: Context) => Promise<T>,
): Promise<T> {
  const config = configOf(flags, io);
  const store = await openStore(config);
  try {
    const who = await actorFor(store, flags.as);
    return await work({ store, who, now: io.now().toISOString() });
  } finally {
    await store.db.destroy();
  }
}

/** The CaseActor for `--as`: an account whose roles grant `cases:use` (see actingAccount). */
async function actorFor(store: ServiceStore, email: string): Promise<CaseActor> {
  const account = await actingAccount(store, email, 'cases:use');
  return { accountId: account.id, actor: actorOf(account), roles: account.roles };
}

/** The enabled account with this email (a member, an assignee), or NOT_FOUND. */
async function accountByEmail(store: ServiceStore, email: string): Promise<Account> {
  const found = await store.accounts.findByEmail(email.trim().toLowerCase());
  if (found === undefined || found.account.disabledAt !== undefined) {
    throw new VigilError('NOT_FOUND', `No enabled account has the email ${email}.`, {
      details: { kind: 'account', email },
    });
  }
  return found.account;
}

/** Indents every line of a block of text (notes may span lines). */
const indent = (text: string, by = '    '): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');

const marking = (tlp: Tlp): string => `TLP:${tlp.toUpperCase()}`;

/** A one-line summary of a case. */
const summary = (file: CaseFile): string =>
  `"${file.title}" (${file.status}, ${marking(file.tlp)})`;

export function checkId(value: string, what: string): string {
  if (value.length === 0 || value.length > MAX_ID) {
    throw new VigilError('CLI_USAGE', `The ${what} must be 1 to ${MAX_ID} characters.`);
  }
  return value;
}

/** An ISO 8601 date or date-time, normalised as the API does; a clear refusal otherwise. */
function instant(value: string, option: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(value)
    ? Date.parse(value)
    : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new VigilError(
      'CLI_USAGE',
      `${option} ${JSON.stringify(value)} is not an ISO 8601 date or date-time, e.g. 2026-01-01 or 2026-01-01T00:00:00Z.`,
    );
  }
  return new Date(ms).toISOString();
}

/** The detail of a case as text: the file, then its members, links, notes and tasks. */
async function showDetail(store: ServiceStore, detail: CaseDetail): Promise<string> {
  const { case: file } = detail;
  const emails = await emailsOf(store, [
    file.createdBy,
    ...detail.members.map((m) => m.accountId),
    ...detail.links.map((l) => l.addedBy),
    ...detail.notes.map((n) => n.author),
    ...detail.tasks.flatMap((t) => (t.assignee === undefined ? [] : [t.assignee])),
  ]);
  const who = (id: string) => emails.get(id) ?? id;
  const out: string[] = [
    `Case ${file.id}: ${summary(file)}`,
    `Opened ${file.createdAt} by ${who(file.createdBy)}; updated ${file.updatedAt}.`,
    `Your role: ${detail.role ?? 'none (admin)'}`,
    '',
    `Members (${detail.members.length}):`,
    ...detail.members.map((m) => `  ${who(m.accountId)}  ${m.role}  since ${m.addedAt}`),
    '',
    `Links (${detail.links.length}):`,
    ...(detail.links.length === 0 ? ['  none'] : []),
    ...detail.links.map(
      (l) =>
        `  ${l.kind} ${l.targetId}  added ${l.addedAt} by ${who(l.addedBy)}${l.note === undefined ? '' : `: ${l.note}`}`,
    ),
    '',
    `Notes (${detail.notes.length}):`,
    ...(detail.notes.length === 0 ? ['  none'] : []),
    ...detail.notes.flatMap((n) => [`  ${n.id}  ${n.at}  ${who(n.author)}`, indent(n.text)]),
    '',
    `Tasks (${detail.tasks.length}):`,
    ...(detail.tasks.length === 0 ? ['  none'] : []),
    ...detail.tasks.map(
      (t) =>
        `  ${t.id}  [${t.state === 'done' ? 'x' : ' '}] ${t.title}${t.assignee === undefined ? '' : `  → ${who(t.assignee)}`}${t.due === undefined ? '' : `  due ${t.due}`}`,
    ),
  ];
  return `${out.join('\n')}\n`;
}

// ---- The case itself ----------------------------------------------------------------------

export async function caseCreate(
  flags: CaseFlags & { title: string; tlp: Tlp; network?: string[]; item?: string[] },
  io: ServiceIo,
): Promise<void> {
  const links = [
    ...(flags.network ?? []).map((id) => ({
      kind: 'network' as const,
      targetId: checkId(id, 'network id'),
    })),
    ...(flags.item ?? []).map((id) => ({
      kind: 'item' as const,
      targetId: checkId(id, 'item id'),
    })),
  ];
  if (links.length > MAX_OPENING_LINKS) {
    throw new VigilError('CLI_USAGE', `A case opens with at most ${MAX_OPENING_LINKS} links.`);
  }
  await withCase(flags, io, async ({ store, who, now }) => {
    const opened = await createCase(store, { title: flags.title, tlp: flags.tlp, links }, now, who);
    if (flags.json === true) {
      io.stdout.write(json(opened));
      return;
    }
    io.stdout.write(
      `Opened case ${opened.case.id}: ${summary(opened.case)}; you are its lead.${links.length > 0 ? ` Linked: ${links.map((l) => `${l.kind} ${l.targetId}`).join(', ')}.` : ''}\n`,
    );
  });
}

export async function caseList(
  flags: CaseFlags & { status?: CaseStatus; limit: number },
  io: ServiceIo,
): Promise<void> {
  await withCase(flags, io, async ({ store, who }) => {
    const page = await listCases(
      store,
      flags.status === undefined ? {} : { status: flags.status },
      { limit: flags.limit },
      who,
    );
    if (flags.json === true) {
      io.stdout.write(json(page));
      return;
    }
    if (page.items.length === 0) {
      io.stdout.write(`No ${flags.status === undefined ? '' : `${flags.status} `}cases.\n`);
      return;
    }
    io.stdout.write(
      table(
        ['case', 'status', 'tlp', 'updated', 'title'],
        page.items.map((file) => [
          file.id,
          file.status,
          marking(file.tlp),
          file.updatedAt,
          file.title,
        ]),
      ),
    );
    if (page.next !== undefined) {
      io.stdout.write(`(the first ${page.items.length}; --limit shows more)\n`);
    }
  });
}

export async function caseShow(id: string, flags: CaseFlags, io: ServiceIo): Promise<void> {
  checkId(id, 'case id');
  await withCase(flags, io, async ({ store, who }) => {
    const detail = await getCase(store, id, who);
    io.stdout.write(flags.json === true ? json(detail) : await showDetail(store, detail));
  });
}

export async function caseUpdate(
  id: string,
  flags: CaseFlags & { title?: string; status?: CaseStatus; tlp?: Tlp },
  io: ServiceIo,
): Promise<void> {
  checkId(id, 'case id');
  if (flags.title === undefined && flags.status === undefined && flags.tlp === undefined) {
    throw new VigilError('CLI_USAGE', 'Nothing to change: give --title, --status or --tlp.');
  }
  await withCase(flags, io, async ({ store, who, now }) => {
    const before = await getCase(store, id, who);
    const changed = await updateCase(
      store,
      id,
      {
        ...(flags.title !== undefined && { title: flags.title }),
        ...(flags.status !== undefined && { status: flags.status }),
        ...(flags.tlp !== undefined && { tlp: flags.tlp }),
      },
      now,
      who,
    );
    if (flags.json === true) {
      io.stdout.write(json(changed));
      return;
    }
    const fields = (['title', 'status', 'tlp'] as const).filter(
      (key) => changed.case[key] !== before.case[key],
    );
    io.stdout.write(
      `${fields.length === 0 ? 'Nothing changed in' : `Changed the ${fields.join(', ')} of`} case ${id}: ${summary(changed.case)}.\n`,
    );
  });
}

// ---- Members ------------------------------------------------------------------------------

export async function caseMemberAdd(
  id: string,
  email: string,
  flags: CaseFlags & { role: CaseRole },
  io: ServiceIo,
): Promise<void> {
  checkId(id, 'case id');
  await withCase(flags, io, async ({ store, who, now }) => {
    const account = await accountByEmail(store, email);
    const member = await addMember(
      store,
      id,
      { accountId: account.id, role: flags.role },
      now,
      who,
    );
    io.stdout.write(
      flags.json === true
        ? json(member)
        : `${account.email ?? email} is now ${member.role} of case ${id}.\n`,
    );
  });
}

export async function caseMemberRemove(
  id: string,
  email: string,
  flags: CaseFlags,
  io: ServiceIo,
): Promise<void> {
  checkId(id, 'case id');
  await withCase(flags, io, async ({ store, who, now }) => {
    const account = await accountByEmail(store, email);
    await removeMember(store, id, account.id, now, who);
    // The API answers 204, with no body: --json prints nothing.
    if (flags.json !== true) {
      io.stdout.write(`Removed ${account.email ?? email} from case ${id}.\n`);
    }
  });
}

// ---- Links, notes, tasks ------------------------------------------------------------------

/** The target of a link: an item's Vigil id, or the platform's id in `source`. */
function targetOf(kind: CaseLinkKind, targetId: string, source: string | undefined): string {
  if (source === undefined) return checkId(targetId, 'target id');
  if (kind !== 'item') {
    throw new VigilError('CLI_USAGE', `--source goes with items only, not a ${kind}.`);
  }
  return itemId(source, checkId(targetId, 'target id'));
}

export async function caseLink(
  id: string,
  kind: CaseLinkKind,
  targetId: string,
  flags: CaseFlags & { note?: string; source?: string },
  io: ServiceIo,
): Promise<void> {
  checkId(id, 'case id');
  const target = targetOf(kind, targetId, flags.source);
  if (flags.note !== undefined && flags.note.length > MAX_LINK_NOTE) {
    throw new VigilError('CLI_USAGE', `--note may hold at most ${MAX_LINK_NOTE} characters.`);
  }
  await withCase(flags, io, async ({ store, who, now }) => {
    const link = await addLink(
      store,
      id,
      { kind, targetId: target, ...(flags.note !== undefined && { note: flags.note }) },
      now,
      who,
    );
    io.stdout.write(flags.json === true ? json(link) : `Linked ${kind} ${target} to case ${id}.\n`);
  });
}

export async function caseUnlink(
  id: string,
  kind: CaseLinkKind,
  targetId: string,
  flags: CaseFlags & { source?: string },
  io: ServiceIo,
): Promise<void> {
  checkId(id, 'case id');
  const target = targetOf(kind, targetId, flags.source);
  await withCase(flags, io, async ({ store, who, now }) => {
    await removeLink(store, id, kind, target, now, who);
    // The API answers 204, with no body: --json prints nothing.
    if (flags.json !== true) io.stdout.write(`Unlinked ${kind} ${target} from case ${id}.\n`);
  });
}

export async function caseNote(
  id: string,
  text: string,
  flags: CaseFlags,
  io: ServiceIo,
): Promise<void> {
  checkId(id, 'case id');
  // As the API: notes may span lines; NUL only is refused (PostgreSQL text cannot hold it).
  if (text.length === 0 || text.length > MAX_NOTE || text.includes('\u0000')) {
    throw new VigilError(
      'CLI_USAGE',
      `A note must be 1 to ${MAX_NOTE.toLocaleString('en-US')} characters, without NUL.`,
    );
  }
  await withCase(flags, io, async ({ store, who, now }) => {
    const note = await addNote(store, id, { text }, now, who);
    io.stdout.write(flags.json === true ? json(note) : `Added note ${note.id} to case ${id}.\n`);
  });
}

export async function caseTaskAdd(
  id: string,
  title: string,
  flags: CaseFlags & { assignee?: string; due?: string },
  io: ServiceIo,
): Promise<void> {
  checkId(id, 'case id');
  const due = flags.due === undefined ? undefined : instant(flags.due, '--due');
  await withCase(flags, io, async ({ store, who, now }) => {
    const assignee =
      flags.assignee === undefined ? undefined : (await accountByEmail(store, flags.assignee)).id;
    const task = await addTask(
      store,
      id,
      {
        title,
        ...(assignee !== undefined && { assignee }),
        ...(due !== undefined && { due }),
      },
      now,
      who,
    );
    io.stdout.write(
      flags.json === true
        ? json(task)
        : `Added task ${task.id} to case ${id}: ${task.title}${flags.assignee === undefined ? '' : ` (for ${flags.assignee})`}${task.due === undefined ? '' : `, due ${task.due}`}.\n`,
    );
  });
}

export async function caseTaskDone(
  id: string,
  taskId: string,
  flags: CaseFlags,
  io: ServiceIo,
): Promise<void> {
  checkId(id, 'case id');
  checkId(taskId, 'task id');
  await withCase(flags, io, async ({ store, who, now }) => {
    const task = await updateTask(store, id, taskId, { state: 'done' }, now, who);
    io.stdout.write(
      flags.json === true ? json(task) : `Task ${task.id} of case ${id} is done: ${task.title}.\n`,
    );
  });
}

// ---- Timeline -----------------------------------------------------------------------------

export async function caseTimeline(
  id: string,
  flags: CaseFlags & { limit: number },
  io: ServiceIo,
): Promise<void> {
  checkId(id, 'case id');
  await withCase(flags, io, async ({ store, who }) => {
    const page = await timeline(store, id, { limit: flags.limit }, who);
    if (flags.json === true) {
      io.stdout.write(json(page));
      return;
    }
    const accountIds = page.items.flatMap((record) =>
      record.actor.startsWith('account:') ? [record.actor.slice('account:'.length)] : [],
    );
    const emails = await emailsOf(store, accountIds);
    const actorName = (actor: string) =>
      actor.startsWith('account:') ? (emails.get(actor.slice('account:'.length)) ?? actor) : actor;
    io.stdout.write(
      table(
        ['at', 'who', 'action', 'details'],
        page.items.map((record) => [
          record.at,
          actorName(record.actor),
          record.action,
          record.details === undefined ? '' : JSON.stringify(record.details),
        ]),
      ),
    );
    if (page.next !== undefined) {
      io.stdout.write(`(the latest ${page.items.length}; --limit shows more)\n`);
    }
  });
}
