/**
 * Casework: notices (DSA Art. 16), appeals (Art. 20), referrals to authorities (Art. 18,
 * CyberTipline) and legal holds. Each listing pages with "More"; each record shows what the law
 * asks of it and only the actions the account may take. The forms are in casework-forms.tsx.
 */
import './casework.css';
import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import { api, must, type paths } from '../api/client.js';
import { useAction, useQuery } from '../api/hooks.js';
import { href } from '../router.js';
import { useSession } from '../session.js';
import {
  Badge,
  Deadline,
  Empty,
  ErrorState,
  Field,
  Loading,
  MoreButton,
  Page,
  Time,
  View,
} from '../ui/kit.js';
import {
  type AppealView,
  basisLabel,
  codeLabel,
  destinationLabel,
  ELEMENT_FULL,
  ELEMENT_SHORT,
  HOLD_RULES,
  type HoldView,
  holdOf,
  KIND_LABEL,
  NewHoldForm,
  NewNoticeForm,
  NewReferralForm,
  type NoticeView,
  noticeOf,
  notifierLabel,
  type ReferralStatus,
  type ReferralView,
  Refusal,
  referralOf,
  type StoredHoldView,
  type StoredNotice,
  useFocusOnMount,
  useNow,
  usePages,
} from './casework-forms.js';

const PAGE_SIZE = 50;

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** The "New …" button of a page: it opens the form, and gets focus back when the form closes. */
function useCreator() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    window.setTimeout(() => button.current?.focus(), 0);
  };
  const toggle = (label: string, controls: string) => (
    <button
      type="button"
      className="primary"
      ref={button}
      aria-expanded={open}
      aria-controls={controls}
      onClick={() => setOpen((was) => !was)}
    >
      {label}
    </button>
  );
  return { open, close, toggle, setOpen };
}

function Filter<T extends string>(props: {
  readonly id: string;
  readonly label: string;
  readonly value: T;
  readonly options: readonly (readonly [T, string])[];
  readonly onChange: (value: T) => void;
}) {
  return (
    <div className="cw-filter">
      <Field label={props.label} id={props.id}>
        <select
          id={props.id}
          value={props.value}
          onChange={(event) => props.onChange(event.target.value as T)}
        >
          {props.options.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}

/** A term and its value, in a description list. */
function Fact(props: { readonly term: string; readonly children: ReactNode }) {
  return (
    <div className="cw-fact">
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

function IdList(props: {
  readonly ids: readonly string[];
  readonly link?: (id: string) => string | undefined;
  readonly empty?: string;
  readonly mark?: (id: string) => ReactNode;
}) {
  const limit = 200;
  if (props.ids.length === 0) return <span className="muted">{props.empty ?? 'none'}</span>;
  return (
    <>
      <ul className="cw-ids">
        {props.ids.slice(0, limit).map((id) => (
          <li key={id}>
            <IdEntry id={id} to={props.link?.(id)} />
            {props.mark?.(id)}
          </li>
        ))}
      </ul>
      {props.ids.length > limit && <p className="muted">and {props.ids.length - limit} more</p>}
    </>
  );
}

function IdEntry(props: { readonly id: string; readonly to: string | undefined }) {
  return props.to === undefined ? <code>{props.id}</code> : <a href={props.to}>{props.id}</a>;
}

/** URLs of reported content, shown as text: never a link a reviewer could open by mistake. */
function UrlList(props: { readonly urls: readonly string[] }) {
  if (props.urls.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="cw-ids">
      {props.urls.map((url) => (
        <li key={url}>
          <code className="cw-url">{url}</code>
        </li>
      ))}
    </ul>
  );
}

function Section(props: {
  readonly title: string;
  readonly id: string;
  readonly children: ReactNode;
}) {
  return (
    <section className="panel cw-section" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** A table that scrolls sideways by itself, rather than the page, when it is too wide. */
function Table(props: { readonly caption: string; readonly children: ReactNode }) {
  return (
    <div className="cw-table">
      <table>
        <caption className="visually-hidden">{props.caption}</caption>
        {props.children}
      </table>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Notices

type NoticeFilter = 'all' | 'open' | 'decided';

function CompletenessCell(props: { readonly notice: NoticeView }) {
  const c = props.notice.completeness;
  if (c.actualKnowledge) return <Badge tone="ok">Actual knowledge</Badge>;
  return (
    <>
      <Badge tone="medium">Incomplete</Badge>
      <div className="cw-small">
        missing {c.missing.map((element) => ELEMENT_SHORT[element]).join(', ')}
      </div>
    </>
  );
}

function NotifierCell(props: { readonly notice: NoticeView }) {
  const n = props.notice.notifier;
  return (
    <>
      {n.type === 'trusted-flagger' ? (
        <Badge tone="info">Trusted flagger</Badge>
      ) : (
        <span>{notifierLabel(n.type)}</span>
      )}
      {n.name !== null && <div className="cw-small muted">{n.name}</div>}
    </>
  );
}

function noticeState(state: 'open' | 'decided') {
  return state === 'open' ? <Badge tone="medium">Open</Badge> : <Badge tone="ok">Decided</Badge>;
}

function Receipt(props: { readonly stored: StoredNotice; readonly onDismiss: () => void }) {
  const ref = useFocusOnMount<HTMLDivElement>();
  const notice = noticeOf(props.stored);
  return (
    <div
      className="panel cw-receipt"
      role="status"
      tabIndex={-1}
      ref={ref}
      aria-labelledby="receipt-title"
    >
      <h2 id="receipt-title">Notice recorded: confirmation of receipt</h2>
      <p className="cw-receipt-text">{notice.receipt.text}</p>
      <p className="muted">
        {notice.receipt.send && notice.receipt.to !== null
          ? `Send it to ${notice.receipt.to} (Art. 16(4)).`
          : 'The notifier gave no e-mail address: there is no one to send it to.'}
      </p>
      {props.stored.unresolvedItemIds.length > 0 && (
        <p>
          Not stored (ingest them to review them):{' '}
          {props.stored.unresolvedItemIds.map((id) => (
            <code key={id} className="cw-chip">
              {id}
            </code>
          ))}
        </p>
      )}
      <div className="cw-buttons">
        <a href={href('notices', notice.id)}>Open notice {notice.id}</a>
        <button type="button" onClick={props.onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}

export function NoticesScreen() {
  const session = useSession();
  const [filter, setFilter] = useState<NoticeFilter>('all');
  const [created, setCreated] = useState<StoredNotice | undefined>(undefined);
  const creator = useCreator();
  const list = usePages(
    async (cursor) =>
      must(
        await api.GET('/v1/notices', {
          params: {
            query: {
              limit: PAGE_SIZE,
              ...(filter !== 'all' && { state: filter }),
              ...(cursor !== undefined && { cursor }),
            },
          },
        }),
      ),
    [filter],
  );
  return (
    <Page
      title="Notices"
      {...(session.can('notices:submit') && {
        actions: creator.toggle('New notice', 'new-notice'),
      })}
    >
      {created !== undefined && (
        <Receipt stored={created} onDismiss={() => setCreated(undefined)} />
      )}
      {creator.open && (
        <div id="new-notice">
          <NewNoticeForm
            onCancel={creator.close}
            onCreated={(stored) => {
              creator.setOpen(false);
              setCreated(stored);
              list.reload();
            }}
          />
        </div>
      )}
      <Filter
        id="notices-state"
        label="State"
        value={filter}
        options={[
          ['all', 'All'],
          ['open', 'Open'],
          ['decided', 'Decided'],
        ]}
        onChange={setFilter}
      />
      <View result={list.result} retry={list.reload}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>
              <p>{filter === 'all' ? 'No notices yet.' : `No ${filter} notices.`}</p>
            </Empty>
          ) : (
            <>
              <Table caption="Notices, newest first">
                <thead>
                  <tr>
                    <th scope="col">Received</th>
                    <th scope="col">Notifier</th>
                    <th scope="col">Category</th>
                    <th scope="col">Locations</th>
                    <th scope="col">Completeness</th>
                    <th scope="col">State</th>
                    <th scope="col">Notice</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((stored) => {
                    const notice = noticeOf(stored);
                    return (
                      <tr key={notice.id}>
                        <td>
                          <Time at={notice.receivedAt} />
                        </td>
                        <td>
                          <NotifierCell notice={notice} />
                        </td>
                        <td>{codeLabel(notice.category)}</td>
                        <td>
                          {notice.locations.itemIds.length + notice.locations.urls.length}
                          {stored.unresolvedItemIds.length > 0 && (
                            <div className="cw-small muted">
                              {stored.unresolvedItemIds.length} not stored
                            </div>
                          )}
                        </td>
                        <td>
                          <CompletenessCell notice={notice} />
                        </td>
                        <td>{noticeState(stored.state)}</td>
                        <td>
                          <a href={href('notices', notice.id)}>{notice.id}</a>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </Table>
              <MoreButton next={page.next} onMore={list.loadMore} pending={list.morePending} />
              <Refusal error={list.moreError} />
            </>
          )
        }
      </View>
    </Page>
  );
}

export function NoticeScreen(props: { readonly noticeId: string }) {
  const query = useQuery(
    async () =>
      must(await api.GET('/v1/notices/{id}', { params: { path: { id: props.noticeId } } })),
    [props.noticeId],
  );
  return (
    <Page title="Notice">
      <View result={query.result} retry={query.reload} rows={8}>
        {(stored) => {
          const notice = noticeOf(stored);
          const unresolved = new Set(stored.unresolvedItemIds);
          const c = notice.completeness;
          return (
            <div className="grid-2">
              <div className="cw-stack">
                <Section title="Content reported" id="notice-content">
                  <dl className="cw-facts">
                    <Fact term="Explanation">
                      {notice.explanation === null ? (
                        <span className="muted">not given</span>
                      ) : (
                        <p className="cw-text">{notice.explanation}</p>
                      )}
                    </Fact>
                    <Fact term="Items">
                      <IdList
                        ids={notice.locations.itemIds}
                        link={(id) => (unresolved.has(id) ? undefined : href('items', id))}
                        mark={(id) =>
                          unresolved.has(id) ? (
                            <>
                              {' '}
                              <Badge tone="medium">not stored</Badge>
                            </>
                          ) : null
                        }
                      />
                    </Fact>
                    <Fact term="URLs">
                      <UrlList urls={notice.locations.urls} />
                    </Fact>
                    {notice.locations.additionalInformation !== null && (
                      <Fact term="Additional information">
                        <p className="cw-text">{notice.locations.additionalInformation}</p>
                      </Fact>
                    )}
                    <Fact term="Category">{codeLabel(notice.category)}</Fact>
                    <Fact term="Keywords">
                      {notice.keywords.length === 0
                        ? '—'
                        : notice.keywords.map((k) => codeLabel(k)).join(', ')}
                    </Fact>
                    <Fact term="Child sexual abuse">
                      {notice.childSexualAbuse ? 'Yes (identity exemption applies)' : 'No'}
                    </Fact>
                  </dl>
                </Section>
                <Section title="Confirmation of receipt" id="notice-receipt">
                  <p className="cw-receipt-text">{notice.receipt.text}</p>
                  <dl className="cw-facts">
                    <Fact term="Receipt id">
                      <code>{notice.receipt.id}</code>
                    </Fact>
                    <Fact term="To">
                      {notice.receipt.send && notice.receipt.to !== null
                        ? notice.receipt.to
                        : 'not sent: no e-mail address'}
                    </Fact>
                  </dl>
                </Section>
              </div>
              <div className="cw-stack">
                <Section title="Status" id="notice-status">
                  <dl className="cw-facts">
                    <Fact term="Id">
                      <code>{notice.id}</code>
                    </Fact>
                    <Fact term="State">{noticeState(stored.state)}</Fact>
                    <Fact term="Received">
                      <Time at={notice.receivedAt} />
                    </Fact>
                    <Fact term="Review job">
                      <a href={href('review', stored.jobId)}>{stored.jobId}</a>
                    </Fact>
                    <Fact term="Unresolved item ids">
                      <IdList ids={stored.unresolvedItemIds} empty="none: every item is stored" />
                    </Fact>
                  </dl>
                </Section>
                <Section title="Notifier" id="notice-notifier">
                  <dl className="cw-facts">
                    <Fact term="Type">{notifierLabel(notice.notifier.type)}</Fact>
                    <Fact term="Name">{notice.notifier.name ?? '—'}</Fact>
                    <Fact term="E-mail">{notice.notifier.email ?? '—'}</Fact>
                    {notice.notifier.trustedFlagger !== null && (
                      <>
                        <Fact term="Status awarded by">
                          {notice.notifier.trustedFlagger.awardedBy}
                        </Fact>
                        <Fact term="Area">{notice.notifier.trustedFlagger.area ?? '—'}</Fact>
                      </>
                    )}
                    <Fact term="Good-faith statement">
                      {notice.goodFaith ? 'Given' : 'Not given'}
                    </Fact>
                  </dl>
                </Section>
                <Section title="Completeness (Art. 16(2))" id="notice-completeness">
                  <p>
                    {c.actualKnowledge ? (
                      <Badge tone="ok">Gives actual knowledge (Art. 16(3))</Badge>
                    ) : (
                      <Badge tone="medium">Incomplete: no actual knowledge by itself</Badge>
                    )}
                  </p>
                  {c.missing.length > 0 && (
                    <>
                      <h3 className="cw-h3">Missing</h3>
                      <ul>
                        {c.missing.map((element) => (
                          <li key={element}>{ELEMENT_FULL[element]}</li>
                        ))}
                      </ul>
                    </>
                  )}
                  {c.notApplicable.length > 0 && (
                    <>
                      <h3 className="cw-h3">Not applicable</h3>
                      <ul>
                        {c.notApplicable.map((entry) => (
                          <li key={entry.element}>
                            {ELEMENT_FULL[entry.element]}: {entry.reason}
                          </li>
                        ))}
                      </ul>
                    </>
                  )}
                </Section>
              </div>
            </div>
          );
        }}
      </View>
    </Page>
  );
}

// ---------------------------------------------------------------------------------------------
// Appeals

type AppealFilter = 'all' | 'filed' | 'decided';

const OUTCOME_LABEL = {
  upheld: 'Upheld',
  reversed: 'Reversed',
  'partially-reversed': 'Partially reversed',
} as const;

const ROLE_LABEL = { 'affected-recipient': 'Affected recipient', notifier: 'Notifier' } as const;

function appealState(appeal: AppealView) {
  return appeal.state === 'filed' ? (
    <Badge tone="medium">Filed</Badge>
  ) : (
    <Badge tone="ok">Decided</Badge>
  );
}

function outcomeBadge(appeal: AppealView) {
  if (appeal.outcome === undefined) return <span className="muted">pending</span>;
  const o = appeal.outcome.outcome;
  return <Badge tone={o === 'upheld' ? 'info' : 'high'}>{OUTCOME_LABEL[o]}</Badge>;
}

export function AppealsScreen() {
  const now = useNow();
  const [filter, setFilter] = useState<AppealFilter>('all');
  const list = usePages(
    async (cursor) =>
      must(
        await api.GET('/v1/appeals', {
          params: {
            query: {
              limit: PAGE_SIZE,
              ...(filter !== 'all' && { state: filter }),
              ...(cursor !== undefined && { cursor }),
            },
          },
        }),
      ),
    [filter],
  );
  return (
    <Page title="Appeals">
      <Filter
        id="appeals-state"
        label="State"
        value={filter}
        options={[
          ['all', 'All'],
          ['filed', 'Filed'],
          ['decided', 'Decided'],
        ]}
        onChange={setFilter}
      />
      <View result={list.result} retry={list.reload}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>
              <p>{filter === 'all' ? 'No appeals yet.' : `No ${filter} appeals.`}</p>
            </Empty>
          ) : (
            <>
              <Table caption="Appeals, newest first">
                <thead>
                  <tr>
                    <th scope="col">Filed</th>
                    <th scope="col">Complaint window ends</th>
                    <th scope="col">Decision appealed</th>
                    <th scope="col">Complainant</th>
                    <th scope="col">State</th>
                    <th scope="col">Outcome</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((record) => {
                    const appeal = record as unknown as AppealView;
                    return (
                      <tr key={appeal.id}>
                        <td>
                          <Time at={appeal.filedAt} />
                        </td>
                        <td>
                          <Deadline at={appeal.deadline} now={now} />
                        </td>
                        <td>
                          <a href={href('appeals', appeal.id)}>
                            <span className="visually-hidden">Appeal against decision </span>
                            {appeal.decision.id}
                          </a>
                        </td>
                        <td>{ROLE_LABEL[appeal.complainant.role]}</td>
                        <td>{appealState(appeal)}</td>
                        <td>{outcomeBadge(appeal)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </Table>
              <MoreButton next={page.next} onMore={list.loadMore} pending={list.morePending} />
              <Refusal error={list.moreError} />
            </>
          )
        }
      </View>
    </Page>
  );
}

/** Where the appealed decision came from: its notice, review job and items. */
function DecisionLinks(props: { readonly decisionId: string }) {
  const query = useQuery(
    async () =>
      must(await api.GET('/v1/decisions/{id}', { params: { path: { id: props.decisionId } } })),
    [props.decisionId],
  );
  if (query.result.state === 'loading') return <Loading rows={2} />;
  if (query.result.state === 'error')
    return <ErrorState error={query.result.error} retry={query.reload} />;
  const d = query.result.data;
  return (
    <dl className="cw-facts">
      {d.noticeId !== undefined && (
        <Fact term="Notice">
          <a href={href('notices', d.noticeId)}>{d.noticeId}</a>
        </Fact>
      )}
      {d.jobId !== undefined && (
        <Fact term="Review job">
          <a href={href('review', d.jobId)}>{d.jobId}</a>
        </Fact>
      )}
      <Fact term="Items">
        <IdList ids={d.itemIds} link={(id) => href('items', id)} />
      </Fact>
      {d.lifted.length > 0 && (
        <Fact term="Lifted since">{d.lifted.map((r) => codeLabel(r)).join(', ')}</Fact>
      )}
    </dl>
  );
}

export function AppealScreen(props: { readonly appealId: string }) {
  const session = useSession();
  const now = useNow();
  const query = useQuery(
    async () =>
      must(await api.GET('/v1/appeals/{id}', { params: { path: { id: props.appealId } } })),
    [props.appealId],
  );
  return (
    <Page title="Appeal">
      <View result={query.result} retry={query.reload} rows={8}>
        {(record) => {
          const appeal = record as unknown as AppealView;
          return (
            <div className="grid-2">
              <div className="cw-stack">
                <Section title="Complaint" id="appeal-complaint">
                  <dl className="cw-facts">
                    <Fact term="Complainant">
                      {ROLE_LABEL[appeal.complainant.role]} <code>{appeal.complainant.id}</code>
                    </Fact>
                    <Fact term="Reason">
                      {appeal.reason === undefined ? (
                        <span className="muted">not given</span>
                      ) : (
                        <p className="cw-text">{appeal.reason}</p>
                      )}
                    </Fact>
                    <Fact term="Filed">
                      <Time at={appeal.filedAt} />
                    </Fact>
                    <Fact term="Complaint window ends">
                      <Time at={appeal.deadline} /> (<Deadline at={appeal.deadline} now={now} />)
                    </Fact>
                  </dl>
                </Section>
                <Section title="Decision appealed" id="appeal-decision">
                  <dl className="cw-facts">
                    <Fact term="Decision">
                      <code>{appeal.decision.id}</code>
                    </Fact>
                    <Fact term="Decided">
                      <Time at={appeal.decision.decidedAt} />
                    </Fact>
                    <Fact term="Reviewer">
                      <code>{appeal.decision.reviewerId}</code>
                    </Fact>
                    <Fact term="Restrictions">
                      {appeal.decision.restrictions.length === 0
                        ? 'none (the decision was not to act)'
                        : appeal.decision.restrictions.map((r) => codeLabel(r)).join(', ')}
                    </Fact>
                  </dl>
                  <DecisionLinks decisionId={appeal.decision.id} />
                </Section>
              </div>
              <div className="cw-stack">
                <Section title="Outcome" id="appeal-outcome">
                  <p>
                    {appealState(appeal)} {outcomeBadge(appeal)}
                  </p>
                  {appeal.outcome === undefined ? (
                    <>
                      <p>
                        A reviewer other than the one who took the decision decides the appeal from
                        the review queue (Art. 20).
                      </p>
                      {session.can('queue:review') && (
                        <p>
                          <a href={href('queue')}>Go to the review queue</a>
                        </p>
                      )}
                    </>
                  ) : (
                    <dl className="cw-facts">
                      <Fact term="Decided">
                        <Time at={appeal.outcome.decidedAt} />
                      </Fact>
                      <Fact term="Reviewer">
                        <code>{appeal.outcome.reviewerId}</code>
                      </Fact>
                      <Fact term="Restrictions lifted">
                        {appeal.outcome.lifted.length === 0
                          ? 'none'
                          : appeal.outcome.lifted.map((r) => codeLabel(r)).join(', ')}
                      </Fact>
                      <Fact term="Reasons sent to the complainant">
                        <p className="cw-text">{appeal.outcome.reasons}</p>
                      </Fact>
                    </dl>
                  )}
                </Section>
              </div>
            </div>
          );
        }}
      </View>
    </Page>
  );
}

// ---------------------------------------------------------------------------------------------
// Referrals

const STATUS_TONE: Record<ReferralStatus, 'info' | 'medium' | 'ok' | 'high'> = {
  draft: 'info',
  submitted: 'medium',
  acknowledged: 'ok',
  failed: 'high',
};

const STATUS_LABEL: Record<ReferralStatus, string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  acknowledged: 'Acknowledged',
  failed: 'Failed',
};

function StatusBadge(props: { readonly status: ReferralStatus }) {
  return <Badge tone={STATUS_TONE[props.status]}>{STATUS_LABEL[props.status]}</Badge>;
}

export function ReferralsScreen() {
  const session = useSession();
  const creator = useCreator();
  const [created, setCreated] = useState<ReferralView | undefined>(undefined);
  const list = usePages(
    async (cursor) =>
      must(
        await api.GET('/v1/referrals', {
          params: { query: { limit: PAGE_SIZE, ...(cursor !== undefined && { cursor }) } },
        }),
      ),
    [],
  );
  return (
    <Page
      title="Referrals"
      {...(session.can('referrals:manage') && {
        actions: creator.toggle('New referral', 'new-referral'),
      })}
    >
      {created !== undefined && (
        <CreatedNote onDismiss={() => setCreated(undefined)}>
          Referral drafted. <a href={href('referrals', created.id)}>Open referral {created.id}</a>{' '}
          to check its payload and submit it.
        </CreatedNote>
      )}
      {creator.open && (
        <div id="new-referral">
          <NewReferralForm
            onCancel={creator.close}
            onCreated={(referral) => {
              creator.setOpen(false);
              setCreated(referral);
              list.reload();
            }}
          />
        </div>
      )}
      <View result={list.result} retry={list.reload}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>
              <p>No referrals yet.</p>
            </Empty>
          ) : (
            <>
              <Table caption="Referrals, newest first">
                <thead>
                  <tr>
                    <th scope="col">Created</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Destination</th>
                    <th scope="col">Status</th>
                    <th scope="col">External id</th>
                    <th scope="col">Referral</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((record) => {
                    const referral = referralOf(record);
                    return (
                      <tr key={referral.id}>
                        <td>
                          <Time at={referral.createdAt} />
                        </td>
                        <td>{KIND_LABEL[referral.kind]}</td>
                        <td>{destinationLabel(referral.destination)}</td>
                        <td>
                          <StatusBadge status={referral.status} />
                        </td>
                        <td>
                          {referral.externalId === undefined ? (
                            <span className="muted">—</span>
                          ) : (
                            <code>{referral.externalId}</code>
                          )}
                        </td>
                        <td>
                          <a href={href('referrals', referral.id)}>{referral.id}</a>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </Table>
              <MoreButton next={page.next} onMore={list.loadMore} pending={list.morePending} />
              <Refusal error={list.moreError} />
            </>
          )
        }
      </View>
    </Page>
  );
}

/** What an action did, focused so that keyboard users are not left on a removed button. */
function DoneNote(props: { readonly children: ReactNode }) {
  const ref = useFocusOnMount<HTMLParagraphElement>();
  return (
    <p className="cw-note" role="status" tabIndex={-1} ref={ref}>
      {props.children}
    </p>
  );
}

function CreatedNote(props: { readonly children: ReactNode; readonly onDismiss: () => void }) {
  const ref = useFocusOnMount<HTMLDivElement>();
  return (
    <div className="panel cw-receipt" role="status" tabIndex={-1} ref={ref}>
      <p>{props.children}</p>
      <button type="button" onClick={props.onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

function Payload(props: { readonly referralId: string }) {
  const query = useQuery(
    async () =>
      must(
        await api.GET('/v1/referrals/{id}/payload', {
          params: { path: { id: props.referralId } },
        }),
      ),
    [props.referralId],
  );
  return (
    <View result={query.result} retry={query.reload} rows={6}>
      {(payload) => (
        <>
          <p className="muted">
            {payload.xml !== undefined
              ? 'The CyberTipline report (XML), elements in the schema’s order.'
              : 'The Art. 18 notification (JSON).'}
          </p>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard. */}
          <section className="cw-pre" tabIndex={0} aria-label="Payload">
            <pre>{payload.xml ?? JSON.stringify(payload.body, null, 2)}</pre>
          </section>
        </>
      )}
    </View>
  );
}

function ReferralActions(props: {
  readonly referral: ReferralView;
  readonly onChanged: () => void;
}) {
  const { referral } = props;
  const id = referral.id;
  const [note, setNoteState] = useState<{ readonly n: number; readonly text: ReactNode }>();
  const setNote = (text: ReactNode) => setNoteState((was) => ({ n: (was?.n ?? 0) + 1, text }));
  const [externalId, setExternalId] = useState('');
  const [reason, setReason] = useState('');
  const send = useAction(async () => {
    const queued = must(await api.POST('/v1/referrals/{id}/submit', { params: { path: { id } } }));
    setNote(
      `Queued for delivery (job ${queued.job}). The status becomes submitted once it is delivered.`,
    );
    props.onChanged();
  });
  const onEvent = (done: string) => (result: EventResult) => {
    setNote(
      <>
        {done}
        {result.hold !== undefined && (
          <>
            {' '}
            Its preservation hold:{' '}
            <a href={href('holds', holdOf(result.hold).hold.id)}>{holdOf(result.hold).hold.id}</a>.
          </>
        )}
      </>,
    );
    props.onChanged();
  };
  const recordSubmit = useReferralEvent(id, onEvent('Submission recorded.'));
  const acknowledge = useReferralEvent(id, onEvent('Acknowledgement recorded.'));
  const fail = useReferralEvent(id, onEvent('Failure recorded.'));
  const [reasonMissing, setReasonMissing] = useState(false);

  const canSubmit = referral.status === 'draft' || referral.status === 'failed';
  const onAcknowledge = (e: FormEvent) => {
    e.preventDefault();
    void acknowledge.act({
      type: 'acknowledge',
      ...(externalId.trim() !== '' && { externalId: externalId.trim() }),
    });
  };
  const onFail = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim() === '') {
      setReasonMissing(true);
      return;
    }
    setReasonMissing(false);
    void fail.act({ type: 'fail', reason: reason.trim() });
  };

  return (
    <div className="cw-actions">
      {note !== undefined && <DoneNote key={note.n}>{note.text}</DoneNote>}
      {canSubmit && (
        <>
          <div className="cw-action">
            <button
              type="button"
              className="primary"
              disabled={send.pending}
              onClick={() => void send.act()}
            >
              Submit to the configured endpoint
            </button>
            <Refusal error={send.error} />
          </div>
          <div className="cw-action">
            <p className="hint">Sent through your own channel? Record it here.</p>
            <button
              type="button"
              disabled={recordSubmit.pending}
              onClick={() => void recordSubmit.act({ type: 'submit' })}
            >
              Record submission
            </button>
            <Refusal error={recordSubmit.error} />
          </div>
        </>
      )}
      {referral.status === 'submitted' && (
        <>
          <form className="cw-action" onSubmit={onAcknowledge} aria-label="Record acknowledgement">
            <Field
              label="Recipient's reference"
              id="ref-external-id"
              hint="The CyberTip report id or police file number, if given."
            >
              <input
                id="ref-external-id"
                value={externalId}
                maxLength={100}
                onChange={(e) => setExternalId(e.target.value)}
              />
            </Field>
            <button type="submit" className="primary" disabled={acknowledge.pending}>
              Record acknowledgement
            </button>
            <Refusal error={acknowledge.error} />
          </form>
          <form className="cw-action" onSubmit={onFail} aria-label="Record failure" noValidate>
            <Field label="Why it failed" id="ref-fail-reason" hint='e.g. "HTTP 503", "refused".'>
              <textarea
                id="ref-fail-reason"
                value={reason}
                maxLength={1000}
                required
                aria-invalid={reasonMissing}
                onChange={(e) => setReason(e.target.value)}
              />
            </Field>
            {reasonMissing && (
              <p className="action-error" role="alert">
                Give the reason for the failure.
              </p>
            )}
            <button type="submit" className="danger" disabled={fail.pending}>
              Record failure
            </button>
            <Refusal error={fail.error} />
          </form>
        </>
      )}
      {referral.status === 'acknowledged' && (
        <p className="muted">Acknowledged: final. Record new facts in a new referral.</p>
      )}
    </div>
  );
}

type EventBody = NonNullable<
  paths['/v1/referrals/{id}/events']['post']['requestBody']
>['content']['application/json'];
type EventResult =
  paths['/v1/referrals/{id}/events']['post']['responses'][200]['content']['application/json'];

/** Records a referral's progress made through another channel (submit, acknowledge, fail). */
function useReferralEvent(id: string, done: (result: EventResult) => void) {
  return useAction(async (body: EventBody) => {
    done(must(await api.POST('/v1/referrals/{id}/events', { params: { path: { id } }, body })));
  });
}

export function ReferralScreen(props: { readonly referralId: string }) {
  const session = useSession();
  const manage = session.can('referrals:manage');
  const query = useQuery(
    async () =>
      must(await api.GET('/v1/referrals/{id}', { params: { path: { id: props.referralId } } })),
    [props.referralId],
  );
  return (
    <Page title="Referral">
      <View result={query.result} retry={query.reload} rows={8}>
        {(record) => {
          const referral = referralOf(record);
          const f = referral.facts;
          const location = [f.location?.city, f.location?.region, f.location?.countryCode]
            .filter((part) => part !== undefined)
            .join(', ');
          return (
            <div className="grid-2">
              <div className="cw-stack">
                <Section title="Facts" id="referral-facts">
                  <dl className="cw-facts">
                    <Fact term="Items">
                      <IdList ids={f.itemIds} link={(id) => href('items', id)} />
                    </Fact>
                    <Fact term="Content URLs">
                      <UrlList urls={f.contentUrls} />
                    </Fact>
                    <Fact term="Description">
                      <p className="cw-text">{f.contentDescription}</p>
                    </Fact>
                    <Fact term="Suspicion">
                      <p className="cw-text">{f.suspicion}</p>
                    </Fact>
                    <Fact term="Incident">
                      <Time at={f.incidentAt} />
                    </Fact>
                    <Fact term="Published">
                      <Time at={f.publishedAt} />
                    </Fact>
                    <Fact term="Time zone">{f.timeZone}</Fact>
                    <Fact term="Location">{location === '' ? '—' : location}</Fact>
                    {f.user?.accountId !== undefined && (
                      <Fact term="Account">
                        <code>{f.user.accountId}</code>
                      </Fact>
                    )}
                  </dl>
                </Section>
                <Section title="Payload" id="referral-payload">
                  {manage ? (
                    <Payload referralId={referral.id} />
                  ) : (
                    <p className="muted">
                      Seeing the payload needs the referrals:manage permission.
                    </p>
                  )}
                </Section>
              </div>
              <div className="cw-stack">
                <Section title="Status" id="referral-status">
                  <dl className="cw-facts">
                    <Fact term="Id">
                      <code>{referral.id}</code>
                    </Fact>
                    <Fact term="Kind">{KIND_LABEL[referral.kind]}</Fact>
                    <Fact term="Destination">{destinationLabel(referral.destination)}</Fact>
                    {referral.incidentType !== undefined && (
                      <Fact term="Incident type">{referral.incidentType}</Fact>
                    )}
                    <Fact term="Source">
                      {referral.source.decisionId !== undefined && (
                        <div>
                          Decision <code>{referral.source.decisionId}</code>
                        </div>
                      )}
                      {referral.source.caseId !== undefined && (
                        <div>
                          Case <code>{referral.source.caseId}</code>
                        </div>
                      )}
                    </Fact>
                    <Fact term="Status">
                      <StatusBadge status={referral.status} />
                    </Fact>
                    <Fact term="External id">
                      {referral.externalId === undefined ? '—' : <code>{referral.externalId}</code>}
                    </Fact>
                    {referral.lastError !== undefined && (
                      <Fact term="Last error">{referral.lastError}</Fact>
                    )}
                  </dl>
                  {manage && <ReferralActions referral={referral} onChanged={query.reload} />}
                </Section>
                <Section title="History" id="referral-history">
                  <ol className="cw-timeline">
                    <li>
                      <Time at={referral.createdAt} /> <StatusBadge status="draft" /> created
                    </li>
                    {referral.history.map((entry) => (
                      <li key={`${entry.at}-${entry.from}-${entry.to}`}>
                        <Time at={entry.at} /> <StatusBadge status={entry.from} />
                        <span aria-hidden="true"> → </span>
                        <span className="visually-hidden"> to </span>
                        <StatusBadge status={entry.to} />
                        {entry.note !== undefined && <div className="cw-small">{entry.note}</div>}
                      </li>
                    ))}
                  </ol>
                </Section>
              </div>
            </div>
          );
        }}
      </View>
    </Page>
  );
}

// ---------------------------------------------------------------------------------------------
// Holds

function scopeText(hold: HoldView): string {
  const s = hold.scope;
  const parts = [
    s.itemIds.length > 0 && `${s.itemIds.length} item${s.itemIds.length === 1 ? '' : 's'}`,
    s.accountIds.length > 0 &&
      `${s.accountIds.length} account${s.accountIds.length === 1 ? '' : 's'}`,
    s.evidenceIds.length > 0 && `${s.evidenceIds.length} evidence`,
    (s.caseIds?.length ?? 0) > 0 &&
      `${s.caseIds?.length} case${s.caseIds?.length === 1 ? '' : 's'}`,
  ].filter((part): part is string => typeof part === 'string');
  return parts.length === 0 ? '—' : parts.join(', ');
}

function Expiry(props: { readonly stored: StoredHoldView; readonly now: number }) {
  const { stored, now } = props;
  if (stored.expiresAt === undefined) return <span className="muted">until released</span>;
  if (stored.hold.releasedAt !== undefined) return <Time at={stored.expiresAt} />;
  return (
    <>
      <Time at={stored.expiresAt} />
      <div className="cw-small">
        <Deadline at={stored.expiresAt} now={now} />
      </div>
    </>
  );
}

interface Reminder {
  readonly holdId: string;
  readonly basis: string;
  readonly expiresAt: string;
  readonly daysLeft: number;
  readonly action: string;
}

function EndingSoon(props: { readonly now: number }) {
  const query = useQuery(
    async () =>
      must(await api.GET('/v1/holds/reminders', { params: { query: { days: 14 } } }))
        .items as unknown as Reminder[],
    [],
  );
  return (
    <section className="panel cw-section cw-soon" aria-labelledby="holds-soon">
      <h2 id="holds-soon">Ending soon (14 days)</h2>
      <View result={query.result} retry={query.reload} rows={2}>
        {(reminders) =>
          reminders.length === 0 ? (
            <p className="muted">No hold ends in the next 14 days.</p>
          ) : (
            <ul className="cw-reminders">
              {reminders.map((r) => (
                <li key={r.holdId}>
                  <a href={href('holds', r.holdId)}>{r.holdId}</a> · {basisLabel(r.basis)} · ends{' '}
                  <Time at={r.expiresAt} /> (<Deadline at={r.expiresAt} now={props.now} />)
                  <div className="cw-small muted">{r.action}</div>
                </li>
              ))}
            </ul>
          )
        }
      </View>
    </section>
  );
}

export function HoldsScreen() {
  const session = useSession();
  const now = useNow();
  const creator = useCreator();
  const [created, setCreated] = useState<StoredHoldView | undefined>(undefined);
  const [round, setRound] = useState(0);
  const list = usePages(
    async (cursor) =>
      must(
        await api.GET('/v1/holds', {
          params: { query: { limit: PAGE_SIZE, ...(cursor !== undefined && { cursor }) } },
        }),
      ),
    [],
  );
  return (
    <Page
      title="Holds"
      {...(session.can('holds:manage') && { actions: creator.toggle('New hold', 'new-hold') })}
    >
      <EndingSoon key={round} now={now} />
      {created !== undefined && (
        <CreatedNote onDismiss={() => setCreated(undefined)}>
          Hold recorded: <a href={href('holds', created.hold.id)}>{created.hold.id}</a>
          {created.expiresAt === undefined ? ', until released.' : ', until '}
          {created.expiresAt !== undefined && <Time at={created.expiresAt} />}
        </CreatedNote>
      )}
      {creator.open && (
        <div id="new-hold">
          <NewHoldForm
            onCancel={creator.close}
            onCreated={(stored) => {
              creator.setOpen(false);
              setCreated(stored);
              list.reload();
              setRound((n) => n + 1);
            }}
          />
        </div>
      )}
      <View result={list.result} retry={list.reload}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>
              <p>No holds yet.</p>
            </Empty>
          ) : (
            <>
              <Table caption="Holds, newest first">
                <thead>
                  <tr>
                    <th scope="col">Start</th>
                    <th scope="col">Basis</th>
                    <th scope="col">Scope</th>
                    <th scope="col">Reference</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Released</th>
                    <th scope="col">Hold</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((record) => {
                    const stored = holdOf(record);
                    const hold = stored.hold;
                    return (
                      <tr key={hold.id}>
                        <td>
                          <Time at={hold.start} />
                        </td>
                        <td>{basisLabel(hold.basis)}</td>
                        <td>{scopeText(hold)}</td>
                        <td className="cw-wrap">{hold.reference ?? '—'}</td>
                        <td>
                          <Expiry stored={stored} now={now} />
                        </td>
                        <td>
                          {hold.releasedAt === undefined ? (
                            <span className="muted">no</span>
                          ) : (
                            <Time at={hold.releasedAt} />
                          )}
                        </td>
                        <td>
                          <a href={href('holds', hold.id)}>{hold.id}</a>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </Table>
              <MoreButton next={page.next} onMore={list.loadMore} pending={list.morePending} />
              <Refusal error={list.moreError} />
            </>
          )
        }
      </View>
    </Page>
  );
}

function HoldActions(props: {
  readonly stored: StoredHoldView;
  readonly now: number;
  readonly onChanged: () => void;
}) {
  const { hold, expiresAt } = props.stored;
  const id = hold.id;
  const rule = HOLD_RULES[hold.basis];
  const [reason, setReason] = useState('');
  const [reasonMissing, setReasonMissing] = useState(false);
  const [done, setDone] = useState<{ readonly n: number; readonly text: string }>();
  const renew = useAction(async () => {
    const renewed = holdOf(
      must(await api.POST('/v1/holds/{id}/renew', { params: { path: { id } } })),
    );
    setDone((was) => ({
      n: (was?.n ?? 0) + 1,
      text: `Renewed${renewed.expiresAt === undefined ? '' : `: it now ends ${renewed.expiresAt.slice(0, 10)}`}.`,
    }));
    props.onChanged();
  });
  const release = useAction(async () => {
    must(
      await api.POST('/v1/holds/{id}/release', {
        params: { path: { id } },
        body: { reason: reason.trim() },
      }),
    );
    setDone((was) => ({ n: (was?.n ?? 0) + 1, text: 'Hold released.' }));
    props.onChanged();
  });
  const note = done !== undefined && <DoneNote key={done.n}>{done.text}</DoneNote>;
  if (hold.releasedAt !== undefined)
    return note === false ? null : <div className="cw-actions">{note}</div>;
  const expired = expiresAt !== undefined && Date.parse(expiresAt) <= props.now;
  const renewalsLeft = rule.renewal === null ? 0 : rule.renewal.max - hold.renewals.length;
  const onRelease = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() === '') {
      setReasonMissing(true);
      return;
    }
    setReasonMissing(false);
    void release.act();
  };
  return (
    <div className="cw-actions">
      {note}
      <div className="cw-action">
        <h3 className="cw-h3">Renew</h3>
        {rule.renewal === null ? (
          <p className="muted">
            {hold.basis === 'litigation'
              ? 'A litigation hold has no expiry to extend; it lasts until released.'
              : `${rule.citation}: no renewal. To keep the data longer, record a separate hold on its own legal basis.`}
          </p>
        ) : renewalsLeft <= 0 ? (
          <p className="muted">
            Renewed already ({rule.renewal.max} allowed). A further request needs new legal process.
          </p>
        ) : expired ? (
          <p className="muted">
            Expired: a renewal must come before the expiry. Record a new hold.
          </p>
        ) : (
          <>
            <p className="hint">
              When the requester renews its request: adds {rule.renewal.days} days ({renewalsLeft}{' '}
              renewal left).
            </p>
            <button type="button" disabled={renew.pending} onClick={() => void renew.act()}>
              Renew by {rule.renewal.days} days
            </button>
          </>
        )}
        <Refusal error={renew.error} />
      </div>
      <form className="cw-action" onSubmit={onRelease} aria-labelledby="hold-release" noValidate>
        <h3 className="cw-h3" id="hold-release">
          Release
        </h3>
        <Field
          label="Reason for the release"
          id="hold-release-reason"
          hint='Required, e.g. "request withdrawn by agency".'
        >
          <textarea
            id="hold-release-reason"
            value={reason}
            maxLength={1000}
            required
            aria-invalid={reasonMissing}
            onChange={(event) => setReason(event.target.value)}
          />
        </Field>
        {reasonMissing && (
          <p className="action-error" role="alert">
            Give the reason for the release.
          </p>
        )}
        <button type="submit" className="danger" disabled={release.pending}>
          Release hold
        </button>
        <Refusal error={release.error} />
      </form>
    </div>
  );
}

export function HoldScreen(props: { readonly holdId: string }) {
  const session = useSession();
  const now = useNow();
  const query = useQuery(
    async () =>
      holdOf(must(await api.GET('/v1/holds/{id}', { params: { path: { id: props.holdId } } }))),
    [props.holdId],
  );
  return (
    <Page title="Hold">
      <View result={query.result} retry={query.reload} rows={8}>
        {(stored) => {
          const hold = stored.hold;
          const rule = HOLD_RULES[hold.basis];
          return (
            <div className="grid-2">
              <div className="cw-stack">
                <Section title="Legal basis" id="hold-basis">
                  <dl className="cw-facts">
                    <Fact term="Id">
                      <code>{hold.id}</code>
                    </Fact>
                    <Fact term="Basis">{rule.label}</Fact>
                    <Fact term="Citation">{rule.citation}</Fact>
                    <Fact term="Period">{rule.period}</Fact>
                    <Fact term="Reference">{hold.reference ?? '—'}</Fact>
                  </dl>
                </Section>
                <Section title="Scope" id="hold-scope">
                  <dl className="cw-facts">
                    <Fact term="Items">
                      <IdList ids={hold.scope.itemIds} link={(id) => href('items', id)} />
                    </Fact>
                    <Fact term="Accounts">
                      <IdList ids={hold.scope.accountIds} />
                    </Fact>
                    <Fact term="Evidence">
                      <IdList ids={hold.scope.evidenceIds} />
                    </Fact>
                    <Fact term="Cases">
                      <IdList ids={hold.scope.caseIds ?? []} link={(id) => href('cases', id)} />
                    </Fact>
                  </dl>
                </Section>
              </div>
              <div className="cw-stack">
                <Section title="Period" id="hold-period">
                  <dl className="cw-facts">
                    <Fact term="Start">
                      <Time at={hold.start} />
                    </Fact>
                    <Fact term="Expires">
                      <Expiry stored={stored} now={now} />
                    </Fact>
                    <Fact term="Renewals">
                      {hold.renewals.length === 0 ? (
                        'none'
                      ) : (
                        <ol className="cw-ids">
                          {hold.renewals.map((at) => (
                            <li key={at}>
                              <Time at={at} />
                            </li>
                          ))}
                        </ol>
                      )}
                    </Fact>
                    <Fact term="Released">
                      {hold.releasedAt === undefined ? (
                        'no'
                      ) : (
                        <>
                          <Time at={hold.releasedAt} />
                          <p className="cw-text">{hold.releaseReason}</p>
                        </>
                      )}
                    </Fact>
                  </dl>
                  {session.can('holds:manage') && (
                    <HoldActions stored={stored} now={now} onChanged={query.reload} />
                  )}
                </Section>
              </div>
            </div>
          );
        }}
      </View>
    </Page>
  );
}
