/**
 * Cases: the caller's cases (GET /v1/cases) and one case with its members, links, notes, tasks
 * and timeline. What the caller may do follows their role in the case (docs/api.md "Cases"):
 * leads (and admins) change the case and its members; other members, observers apart, add links,
 * notes and tasks. The server decides; the screen only hides what would be refused, and shows
 * any refusal where the action was.
 */
import './cases.css';
import { type DependencyList, type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, api, must, type paths } from '../api/client.js';
import { type Loaded, useAction, useQuery } from '../api/hooks.js';
import { href, navigate } from '../router.js';
import { useSession } from '../session.js';
import {
  ActionError,
  Badge,
  Empty,
  ErrorState,
  Field,
  Loading,
  MoreButton,
  Page,
  Time,
  View,
} from '../ui/kit.js';
import { EvidencePanel } from './case-evidence.js';
import { CourtPackage } from './case-export.js';
import {
  type CaseDetail,
  type Json,
  type Member,
  type Powers,
  powersOf,
  ROLE_LABEL,
  type Role,
  Section,
} from './case-kit.js';
import { Persons, VictimAccess } from './case-persons.js';
import { CaseShare } from './case-share.js';

const PAGE_SIZE = 25;
const TIMELINE_PAGE = 30;

type CaseFile = CaseDetail['case'];
type CaseLink = CaseDetail['links'][number];
type Task = CaseDetail['tasks'][number];
type Status = CaseFile['status'];
export type Tlp = CaseFile['tlp'];
type LinkKind = CaseLink['kind'];
type AuditRecord = Json<paths['/v1/cases/{id}/timeline']['get']['responses'][200]>['items'][number];

interface PageOf<T> {
  readonly items: readonly T[];
  readonly next?: string | undefined;
}

const STATUSES: readonly Status[] = ['open', 'closed', 'archived'];
const TLPS: readonly Tlp[] = ['red', 'amber+strict', 'amber', 'green', 'clear'];
const ROLES: readonly Role[] = ['lead', 'investigator', 'analyst', 'advocate', 'observer'];
const KINDS: readonly LinkKind[] = ['item', 'network', 'template', 'evidence'];

const STATUS_LABEL: Record<Status, string> = {
  open: 'Open',
  closed: 'Closed',
  archived: 'Archived',
};
const KIND_LABEL: Record<LinkKind, string> = {
  item: 'Items',
  network: 'Networks',
  template: 'Templates',
  evidence: 'Evidence',
};
const KIND_ONE: Record<LinkKind, string> = {
  item: 'Item',
  network: 'Network',
  template: 'Template',
  evidence: 'Evidence',
};

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** A TLP 2.0 marking: the FIRST colours on black, each at AA contrast or better. */
export function TlpBadge(props: { readonly tlp: Tlp }) {
  return (
    <span className={`tlp tlp-${props.tlp.replace('+', '-')}`}>TLP:{props.tlp.toUpperCase()}</span>
  );
}

function statusTone(status: Status): 'ok' | 'info' | 'medium' {
  return status === 'open' ? 'ok' : status === 'closed' ? 'info' : 'medium';
}

function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.problem.status === 404;
}

/** A paged listing: the first page as a query, "More" appends the next ones. */
function usePages<T>(
  fetchPage: (cursor: string | undefined) => Promise<PageOf<T>>,
  deps: DependencyList,
) {
  const first = useQuery(() => fetchPage(undefined), deps);
  const [extra, setExtra] = useState<
    { readonly after: PageOf<T>; readonly items: readonly T[]; readonly next?: string } | undefined
  >(undefined);
  const more = useAction(async (cursor: string, after: PageOf<T>) => {
    const page = await fetchPage(cursor);
    setExtra((previous) => ({
      after,
      items: [...(previous?.after === after ? previous.items : []), ...page.items],
      ...(page.next !== undefined && { next: page.next }),
    }));
  });
  let result: Loaded<PageOf<T>> = first.result;
  const base = first.result.state === 'ready' ? first.result.data : undefined;
  if (base !== undefined && extra !== undefined && extra.after === base) {
    result = { state: 'ready', data: { items: [...base.items, ...extra.items], next: extra.next } };
  }
  return {
    result,
    reload: first.reload,
    loadMore: (cursor: string) => {
      if (base !== undefined) void more.act(cursor, base);
    },
    morePending: more.pending,
    moreError: more.error,
  };
}

// ---------------------------------------------------------------------------------------------
// The list

interface CaseRow {
  readonly file: CaseFile;
  /** The caller's role; undefined for an admin who is no member, null when it could not be read. */
  readonly role: Role | undefined | null;
}

async function fetchCases(
  status: Status | 'all',
  cursor: string | undefined,
): Promise<PageOf<CaseRow>> {
  const page = must(
    await api.GET('/v1/cases', {
      params: {
        query: {
          limit: PAGE_SIZE,
          ...(status !== 'all' && { status }),
          ...(cursor !== undefined && { cursor }),
        },
      },
    }),
  );
  // The listing does not carry the caller's role; each case's detail does.
  const roles = await Promise.allSettled(
    page.items.map(async (file) =>
      must(await api.GET('/v1/cases/{id}', { params: { path: { id: file.id } } })),
    ),
  );
  return {
    items: page.items.map((file, i) => {
      const got = roles[i];
      return { file, role: got?.status === 'fulfilled' ? got.value.role : null };
    }),
    next: page.next,
  };
}

export function CasesScreen() {
  const [status, setStatus] = useState<Status | 'all'>('open');
  const [creating, setCreating] = useState(false);
  const pages = usePages((cursor) => fetchCases(status, cursor), [status]);
  return (
    <Page
      title="Cases"
      actions={
        <button
          type="button"
          className="primary"
          aria-expanded={creating}
          aria-controls="cs-new"
          onClick={() => setCreating((was) => !was)}
        >
          New case
        </button>
      }
    >
      {creating && <NewCaseForm onCancel={() => setCreating(false)} />}
      <div className="cs-filter">
        <Field label="Status" id="cs-status">
          <select
            id="cs-status"
            value={status}
            onChange={(event) => setStatus(event.target.value as Status | 'all')}
          >
            <option value="all">All</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {STATUS_LABEL[value]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <View result={pages.result} retry={pages.reload}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty>
              <p>
                {status === 'all'
                  ? 'You are not a member of any case yet. Open one with “New case”.'
                  : `None of your cases is ${status}.`}
              </p>
            </Empty>
          ) : (
            <>
              <div className="cs-table">
                <table>
                  <caption className="visually-hidden">Your cases, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Title</th>
                      <th scope="col">Status</th>
                      <th scope="col">Marking</th>
                      <th scope="col">Your role</th>
                      <th scope="col">Opened</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((row) => (
                      <tr key={row.file.id}>
                        <td className="cs-wrap">
                          <a href={href('cases', row.file.id)}>{row.file.title}</a>
                        </td>
                        <td>
                          <Badge tone={statusTone(row.file.status)}>
                            {STATUS_LABEL[row.file.status]}
                          </Badge>
                        </td>
                        <td>
                          <TlpBadge tlp={row.file.tlp} />
                        </td>
                        <td>
                          {row.role === null ? (
                            <span className="muted">—</span>
                          ) : row.role === undefined ? (
                            <span className="muted">admin</span>
                          ) : (
                            ROLE_LABEL[row.role]
                          )}
                        </td>
                        <td>
                          <Time at={row.file.createdAt} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <ActionError error={pages.moreError} />
              <MoreButton next={data.next} onMore={pages.loadMore} pending={pages.morePending} />
            </>
          )
        }
      </View>
    </Page>
  );
}

function NewCaseForm(props: { readonly onCancel: () => void }) {
  const [title, setTitle] = useState('');
  const [tlp, setTlp] = useState<Tlp>('amber');
  const create = useAction(async () => {
    const opened = must(await api.POST('/v1/cases', { body: { title: title.trim(), tlp } }));
    navigate('cases', opened.case.id);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.act();
  };
  return (
    <form id="cs-new" className="panel cs-form cs-new" onSubmit={submit} aria-labelledby="cs-new-h">
      <h2 id="cs-new-h">New case</h2>
      <div className="cs-row">
        <Field label="Title" id="cs-new-title">
          <input
            id="cs-new-title"
            required
            maxLength={200}
            value={title}
            // biome-ignore lint/a11y/noAutofocus: the form opens on request; its first field takes focus.
            autoFocus
            onChange={(event) => setTitle(event.target.value)}
          />
        </Field>
        <Field label="Marking (TLP)" id="cs-new-tlp">
          <TlpSelect id="cs-new-tlp" value={tlp} onChange={setTlp} />
        </Field>
      </div>
      <ActionError error={create.error} />
      <div className="cs-buttons">
        <button type="submit" className="primary" disabled={create.pending || title.trim() === ''}>
          Open case
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function TlpSelect(props: {
  readonly id: string;
  readonly value: Tlp;
  readonly onChange: (value: Tlp) => void;
  readonly disabled?: boolean;
}) {
  return (
    <select
      id={props.id}
      value={props.value}
      disabled={props.disabled}
      onChange={(event) => props.onChange(event.target.value as Tlp)}
    >
      {TLPS.map((value) => (
        <option key={value} value={value}>
          TLP:{value.toUpperCase()}
        </option>
      ))}
    </select>
  );
}

// ---------------------------------------------------------------------------------------------
// One case

export function CaseScreen(props: { readonly caseId: string }) {
  const session = useSession();
  const { caseId } = props;
  const detail = useQuery(
    async () => must(await api.GET('/v1/cases/{id}', { params: { path: { id: caseId } } })),
    [caseId],
  );
  const [round, setRound] = useState(0);
  /** After a change: the case again, and its timeline. */
  const changed = () => {
    detail.reload();
    setRound((n) => n + 1);
  };
  const result = detail.result;
  let body: ReactNode;
  if (result.state === 'loading') body = <Loading rows={6} />;
  else if (result.state === 'error')
    body = isNotFound(result.error) ? (
      <Empty>
        <p>No such case, or you are not a member of it.</p>
        <p>
          <a href={href('cases')}>Back to your cases</a>
        </p>
      </Empty>
    ) : (
      <ErrorState error={result.error} retry={detail.reload} />
    );
  else {
    const data = result.data;
    const role =
      data.role ?? data.members.find((member) => member.accountId === session.account.id)?.role;
    const powers = powersOf(role, session.account.roles.includes('admin'));
    body = (
      <>
        <CaseHeader data={data} role={role} powers={powers} onChanged={changed} />
        <div className="cs-grid">
          <div className="cs-stack">
            <EvidencePanel caseId={caseId} powers={powers} onChanged={changed} />
            <Persons data={data} powers={powers} onChanged={changed} />
            <Links data={data} powers={powers} onChanged={changed} />
            <Notes data={data} powers={powers} onChanged={changed} />
            <Tasks data={data} powers={powers} onChanged={changed} />
          </div>
          <div className="cs-stack">
            <Members data={data} powers={powers} onChanged={changed} />
            {powers.manage && <VictimAccess data={data} round={round} onChanged={changed} />}
            <CourtPackage caseId={caseId} powers={powers} onChanged={changed} />
            {powers.manage && session.can('share:use') && (
              <CaseShare caseId={caseId} tlp={data.case.tlp} />
            )}
            <Timeline caseId={caseId} round={round} />
          </div>
        </div>
      </>
    );
  }
  return (
    <Page title="Case" actions={<a href={href('cases')}>All cases</a>}>
      {body}
    </Page>
  );
}

function CaseHeader(props: {
  readonly data: CaseDetail;
  readonly role: Role | undefined;
  readonly powers: Powers;
  readonly onChanged: () => void;
}) {
  const file = props.data.case;
  const update = useAction(async (change: { status?: Status; tlp?: Tlp }) => {
    must(await api.PATCH('/v1/cases/{id}', { params: { path: { id: file.id } }, body: change }));
    props.onChanged();
  });
  return (
    <section className="panel cs-head" aria-labelledby="cs-title">
      <h2 id="cs-title" className="cs-title">
        {file.title}
      </h2>
      <div className="cs-head-row">
        {props.powers.manage ? (
          <>
            <Field label="Status" id="cs-edit-status">
              <select
                id="cs-edit-status"
                value={file.status}
                disabled={update.pending}
                onChange={(event) => void update.act({ status: event.target.value as Status })}
              >
                {STATUSES.map((value) => (
                  <option key={value} value={value}>
                    {STATUS_LABEL[value]}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Marking (TLP)" id="cs-edit-tlp">
              <TlpSelect
                id="cs-edit-tlp"
                value={file.tlp}
                disabled={update.pending}
                onChange={(tlp) => void update.act({ tlp })}
              />
            </Field>
          </>
        ) : null}
        <dl className="cs-facts">
          <div>
            <dt>Status</dt>
            <dd>
              <Badge tone={statusTone(file.status)}>{STATUS_LABEL[file.status]}</Badge>
            </dd>
          </div>
          <div>
            <dt>Marking</dt>
            <dd>
              <TlpBadge tlp={file.tlp} />
            </dd>
          </div>
          <div>
            <dt>Your role</dt>
            <dd>{props.role === undefined ? 'admin (not a member)' : ROLE_LABEL[props.role]}</dd>
          </div>
          <div>
            <dt>Opened</dt>
            <dd>
              <Time at={file.createdAt} /> by <code>{file.createdBy}</code>
            </dd>
          </div>
          <div>
            <dt>Changed</dt>
            <dd>
              <Time at={file.updatedAt} />
            </dd>
          </div>
        </dl>
      </div>
      <ActionError error={update.error} />
    </section>
  );
}

// Members ------------------------------------------------------------------------------------

function Members(props: {
  readonly data: CaseDetail;
  readonly powers: Powers;
  readonly onChanged: () => void;
}) {
  const session = useSession();
  const caseId = props.data.case.id;
  const [accountId, setAccountId] = useState('');
  const [role, setRole] = useState<Role>('investigator');
  const add = useAction(async () => {
    must(
      await api.POST('/v1/cases/{id}/members', {
        params: { path: { id: caseId } },
        body: { accountId: accountId.trim(), role },
      }),
    );
    setAccountId('');
    props.onChanged();
  });
  const remove = useAction(async (member: Member) => {
    must(
      await api.DELETE('/v1/cases/{id}/members/{accountId}', {
        params: { path: { id: caseId, accountId: member.accountId } },
      }),
    );
    props.onChanged();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.act();
  };
  return (
    <Section title="Members" id="cs-members">
      {props.data.members.length === 0 ? (
        <Empty>
          <p>No members.</p>
        </Empty>
      ) : (
        <ul className="cs-list">
          {props.data.members.map((member) => (
            <li key={member.accountId} className="cs-member">
              <span>
                <code>{member.accountId}</code>
                {member.accountId === session.account.id && <span className="muted"> (you)</span>}
              </span>
              <Badge tone={member.role === 'lead' ? 'medium' : 'info'}>
                {ROLE_LABEL[member.role]}
              </Badge>
              {props.powers.manage && (
                <button
                  type="button"
                  className="link"
                  disabled={remove.pending}
                  aria-label={`Remove ${member.accountId} from the case`}
                  onClick={() => void remove.act(member)}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ActionError error={remove.error} />
      {props.powers.manage && (
        <form className="cs-form" onSubmit={submit} aria-label="Add a member">
          <h4 className="cs-h4">Add a member or change a role</h4>
          <div className="cs-row">
            <Field label="Account id" id="cs-member-id">
              <input
                id="cs-member-id"
                required
                value={accountId}
                autoComplete="off"
                onChange={(event) => setAccountId(event.target.value)}
              />
            </Field>
            <Field label="Role" id="cs-member-role">
              <select
                id="cs-member-role"
                value={role}
                onChange={(event) => setRole(event.target.value as Role)}
              >
                {ROLES.map((value) => (
                  <option key={value} value={value}>
                    {ROLE_LABEL[value]}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <ActionError error={add.error} />
          <button type="submit" disabled={add.pending || accountId.trim() === ''}>
            Add member
          </button>
        </form>
      )}
    </Section>
  );
}

// Links --------------------------------------------------------------------------------------

function linkTarget(link: CaseLink): string | undefined {
  switch (link.kind) {
    case 'item':
      return href('items', link.targetId);
    case 'network':
      return href('networks', link.targetId);
    case 'template':
      return href('templates', link.targetId);
    default:
      return undefined;
  }
}

function Links(props: {
  readonly data: CaseDetail;
  readonly powers: Powers;
  readonly onChanged: () => void;
}) {
  const caseId = props.data.case.id;
  const [kind, setKind] = useState<LinkKind>('network');
  const [targetId, setTargetId] = useState('');
  const [note, setNote] = useState('');
  const add = useAction(async () => {
    const trimmed = note.trim();
    must(
      await api.POST('/v1/cases/{id}/links', {
        params: { path: { id: caseId } },
        body: { kind, targetId: targetId.trim(), ...(trimmed !== '' && { note: trimmed }) },
      }),
    );
    setTargetId('');
    setNote('');
    props.onChanged();
  });
  const remove = useAction(async (link: CaseLink) => {
    must(
      await api.DELETE('/v1/cases/{id}/links/{kind}/{targetId}', {
        params: { path: { id: caseId, kind: link.kind, targetId: link.targetId } },
      }),
    );
    props.onChanged();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.act();
  };
  const links = props.data.links;
  return (
    <Section title="Links" id="cs-links">
      {links.length === 0 ? (
        <Empty>
          <p>Nothing is linked to this case yet.</p>
        </Empty>
      ) : (
        KINDS.filter((k) => links.some((link) => link.kind === k)).map((k) => (
          <div key={k} className="cs-group">
            <h4 className="cs-h4">{KIND_LABEL[k]}</h4>
            <ul className="cs-list">
              {links
                .filter((link) => link.kind === k)
                .map((link) => {
                  const to = linkTarget(link);
                  return (
                    <li key={`${link.kind}:${link.targetId}`} className="cs-link">
                      <div className="cs-link-main">
                        {to === undefined ? (
                          <code>{link.targetId}</code>
                        ) : (
                          <a href={to}>{link.targetId}</a>
                        )}
                        {link.note !== undefined && <p className="cs-text">{link.note}</p>}
                        <span className="cs-small muted">
                          added <Time at={link.addedAt} /> by <code>{link.addedBy}</code>
                        </span>
                      </div>
                      {props.powers.write && (
                        <button
                          type="button"
                          className="link"
                          disabled={remove.pending}
                          aria-label={`Remove the link to ${KIND_ONE[link.kind].toLowerCase()} ${link.targetId}`}
                          onClick={() => void remove.act(link)}
                        >
                          Remove
                        </button>
                      )}
                    </li>
                  );
                })}
            </ul>
          </div>
        ))
      )}
      <ActionError error={remove.error} />
      {props.powers.write && (
        <form className="cs-form" onSubmit={submit} aria-label="Add link">
          <h4 className="cs-h4">Add link</h4>
          <div className="cs-row cs-row-narrow-first">
            <Field label="Kind" id="cs-link-kind">
              <select
                id="cs-link-kind"
                value={kind}
                onChange={(event) => setKind(event.target.value as LinkKind)}
              >
                {KINDS.map((value) => (
                  <option key={value} value={value}>
                    {KIND_ONE[value]}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Id" id="cs-link-id">
              <input
                id="cs-link-id"
                required
                autoComplete="off"
                value={targetId}
                onChange={(event) => setTargetId(event.target.value)}
              />
            </Field>
          </div>
          <Field label="Note (optional)" id="cs-link-note">
            <input
              id="cs-link-note"
              maxLength={2000}
              value={note}
              onChange={(event) => setNote(event.target.value)}
            />
          </Field>
          <ActionError error={add.error} />
          <button type="submit" disabled={add.pending || targetId.trim() === ''}>
            Add link
          </button>
        </form>
      )}
    </Section>
  );
}

// Notes --------------------------------------------------------------------------------------

function Notes(props: {
  readonly data: CaseDetail;
  readonly powers: Powers;
  readonly onChanged: () => void;
}) {
  const caseId = props.data.case.id;
  const [text, setText] = useState('');
  const add = useAction(async () => {
    must(
      await api.POST('/v1/cases/{id}/notes', {
        params: { path: { id: caseId } },
        body: { text },
      }),
    );
    setText('');
    props.onChanged();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.act();
  };
  return (
    <Section title="Notes" id="cs-notes">
      {props.data.notes.length === 0 ? (
        <Empty>
          <p>No notes yet.</p>
        </Empty>
      ) : (
        <ol className="cs-list">
          {props.data.notes.map((note) => (
            <li key={note.id} className="cs-note">
              <p className="cs-small muted">
                <Time at={note.at} /> · <code>{note.author}</code>
              </p>
              <p className="cs-text">{note.text}</p>
            </li>
          ))}
        </ol>
      )}
      {props.powers.write && (
        <form className="cs-form" onSubmit={submit} aria-label="Add a note">
          <Field label="New note" id="cs-note-text" hint="Notes are kept as written.">
            <textarea
              id="cs-note-text"
              required
              maxLength={20_000}
              value={text}
              onChange={(event) => setText(event.target.value)}
            />
          </Field>
          <ActionError error={add.error} />
          <button type="submit" disabled={add.pending || text.trim() === ''}>
            Add note
          </button>
        </form>
      )}
    </Section>
  );
}

// Tasks --------------------------------------------------------------------------------------

function Tasks(props: {
  readonly data: CaseDetail;
  readonly powers: Powers;
  readonly onChanged: () => void;
}) {
  const caseId = props.data.case.id;
  const [title, setTitle] = useState('');
  const [assignee, setAssignee] = useState('');
  const [due, setDue] = useState('');
  const add = useAction(async () => {
    must(
      await api.POST('/v1/cases/{id}/tasks', {
        params: { path: { id: caseId } },
        body: {
          title: title.trim(),
          ...(assignee !== '' && { assignee }),
          // A date picked is due at the end of that day, UTC.
          ...(due !== '' && { due: `${due}T23:59:59Z` }),
        },
      }),
    );
    setTitle('');
    setAssignee('');
    setDue('');
    props.onChanged();
  });
  const toggle = useAction(async (task: Task) => {
    must(
      await api.PATCH('/v1/cases/{id}/tasks/{taskId}', {
        params: { path: { id: caseId, taskId: task.id } },
        body: { state: task.state === 'done' ? 'open' : 'done' },
      }),
    );
    props.onChanged();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.act();
  };
  return (
    <Section title="Tasks" id="cs-tasks">
      {props.data.tasks.length === 0 ? (
        <Empty>
          <p>No tasks yet.</p>
        </Empty>
      ) : (
        <ul className="cs-list">
          {props.data.tasks.map((task) => (
            <li key={task.id} className={task.state === 'done' ? 'cs-task cs-done' : 'cs-task'}>
              <div className="cs-link-main">
                <span className="cs-task-title">{task.title}</span>
                <span className="cs-small muted">
                  {task.assignee === undefined ? 'unassigned' : <code>{task.assignee}</code>}
                  {' · '}
                  {task.due === undefined ? (
                    'no due date'
                  ) : (
                    <>
                      due <Time at={task.due} />
                    </>
                  )}
                </span>
              </div>
              <Badge tone={task.state === 'done' ? 'ok' : 'info'}>
                {task.state === 'done' ? 'Done' : 'Open'}
              </Badge>
              {props.powers.write && (
                <button
                  type="button"
                  disabled={toggle.pending}
                  aria-label={
                    task.state === 'done'
                      ? `Reopen task: ${task.title}`
                      : `Mark task done: ${task.title}`
                  }
                  onClick={() => void toggle.act(task)}
                >
                  {task.state === 'done' ? 'Reopen' : 'Mark done'}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ActionError error={toggle.error} />
      {props.powers.write && (
        <form className="cs-form" onSubmit={submit} aria-label="Add a task">
          <h4 className="cs-h4">Add a task</h4>
          <Field label="Task" id="cs-task-title">
            <input
              id="cs-task-title"
              required
              maxLength={200}
              value={title}
              onChange={(event) => setTitle(event.target.value)}
            />
          </Field>
          <div className="cs-row">
            <Field label="Assignee" id="cs-task-assignee">
              <select
                id="cs-task-assignee"
                value={assignee}
                onChange={(event) => setAssignee(event.target.value)}
              >
                <option value="">Nobody</option>
                {props.data.members.map((member) => (
                  <option key={member.accountId} value={member.accountId}>
                    {member.accountId} ({ROLE_LABEL[member.role]})
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Due date (UTC)" id="cs-task-due">
              <input
                id="cs-task-due"
                type="date"
                value={due}
                onChange={(event) => setDue(event.target.value)}
              />
            </Field>
          </div>
          <ActionError error={add.error} />
          <button type="submit" disabled={add.pending || title.trim() === ''}>
            Add task
          </button>
        </form>
      )}
    </Section>
  );
}

// Timeline -----------------------------------------------------------------------------------

function detail(record: AuditRecord, key: string): string | undefined {
  const value = record.details?.[key];
  return typeof value === 'string' ? value : undefined;
}

function changedList(record: AuditRecord): string[] {
  const value = record.details?.changed;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** An audit record of the case, in words. Records hold ids and markings, never text. */
export function actionText(record: AuditRecord): string {
  const roleOf = (key: string) => {
    const role = detail(record, key);
    return role !== undefined && role in ROLE_LABEL ? ROLE_LABEL[role as Role].toLowerCase() : role;
  };
  switch (record.action) {
    case 'case.create': {
      const tlp = detail(record, 'tlp');
      return tlp === undefined
        ? 'Opened the case'
        : `Opened the case, marked TLP:${tlp.toUpperCase()}`;
    }
    case 'case.update': {
      const parts: string[] = [];
      for (const field of changedList(record)) {
        if (field === 'status') parts.push(`status to ${detail(record, 'status') ?? '?'}`);
        else if (field === 'tlp')
          parts.push(`marking to TLP:${(detail(record, 'tlp') ?? '?').toUpperCase()}`);
        else if (field === 'title') parts.push('the title');
        else parts.push(field);
      }
      return parts.length === 0 ? 'Changed the case' : `Changed ${parts.join(', ')}`;
    }
    case 'case.member.add':
      return `Added ${detail(record, 'accountId') ?? 'a member'} as ${roleOf('role') ?? 'member'}`;
    case 'case.member.role':
      return `Made ${detail(record, 'accountId') ?? 'a member'} ${roleOf('role') ?? 'member'}${
        detail(record, 'from') !== undefined ? ` (was ${roleOf('from')})` : ''
      }`;
    case 'case.member.remove':
      return `Removed ${detail(record, 'accountId') ?? 'a member'}${
        detail(record, 'role') !== undefined ? ` (${roleOf('role')})` : ''
      }`;
    case 'case.link.add':
      return `Linked ${detail(record, 'kind') ?? 'something'} ${detail(record, 'targetId') ?? ''}`.trim();
    case 'case.link.remove':
      return `Unlinked ${detail(record, 'kind') ?? 'something'} ${detail(record, 'targetId') ?? ''}`.trim();
    case 'case.note.add':
      return 'Added a note';
    case 'case.task.add': {
      const assignee = detail(record, 'assignee');
      return assignee === undefined ? 'Added a task' : `Added a task for ${assignee}`;
    }
    case 'case.task.update': {
      const state = detail(record, 'state');
      if (state === 'done') return 'Marked a task done';
      if (state === 'open') return 'Reopened a task';
      const fields = changedList(record);
      return fields.length === 0 ? 'Changed a task' : `Changed a task’s ${fields.join(', ')}`;
    }
    case 'case.person.add':
      return detail(record, 'kind') === 'victim'
        ? record.details?.victimData === true
          ? 'Added a victim, with sealed personal data'
          : 'Added a victim'
        : 'Added a suspect';
    case 'case.victim.grant':
      return `Let ${detail(record, 'accountId') ?? 'a member'} open victim data`;
    case 'case.victim.revoke':
      return `Withdrew ${detail(record, 'accountId') ?? 'a member'}’s access to victim data`;
    case 'case.victim.read':
      return 'Opened a victim’s personal data';
    case 'case.victim.shred':
      return 'Destroyed a victim’s personal data';
    case 'case.capture.request':
      return 'Asked for a page capture';
    case 'case.capture.done': {
      const sealed = record.details?.evidence;
      const count = Array.isArray(sealed) ? sealed.length : undefined;
      return count === undefined
        ? 'Sealed a page capture'
        : `Sealed a page capture (${count} ${count === 1 ? 'file' : 'files'})`;
    }
    case 'case.export':
      return record.details?.victimData === true
        ? 'Exported the court package, with victim data'
        : 'Exported the court package';
    default:
      return record.action;
  }
}

function actorText(actor: string): string {
  if (actor === 'system') return 'the system';
  return actor.replace(/^account:/, '').replace(/^apikey:/, 'API key ');
}

function Timeline(props: { readonly caseId: string; readonly round: number }) {
  const { caseId } = props;
  const pages = usePages(
    async (cursor: string | undefined) =>
      must(
        await api.GET('/v1/cases/{id}/timeline', {
          params: {
            path: { id: caseId },
            query: { limit: TIMELINE_PAGE, ...(cursor !== undefined && { cursor }) },
          },
        }),
      ),
    [caseId, props.round],
  );
  return (
    <Section title="Timeline" id="cs-timeline">
      <View result={pages.result} retry={pages.reload} rows={4}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty>
              <p>Nothing has happened in this case yet.</p>
            </Empty>
          ) : (
            <>
              <ol className="cs-list cs-timeline">
                {data.items.map((record) => (
                  <li key={record.id}>
                    <span className="cs-action">{actionText(record)}</span>
                    <span className="cs-small muted">
                      <Time at={record.at} /> · {actorText(record.actor)}
                    </span>
                  </li>
                ))}
              </ol>
              <ActionError error={pages.moreError} />
              <MoreButton next={data.next} onMore={pages.loadMore} pending={pages.morePending} />
            </>
          )
        }
      </View>
    </Section>
  );
}
