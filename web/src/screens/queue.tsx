/**
 * The review queue (GET /v1/queue): jobs in priority order with the reasons for each place,
 * the job the reviewer holds, and "Claim next" (shortcut c) which opens the claimed job.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, must, type paths } from '../api/client.js';
import { useAction, useQuery } from '../api/hooks.js';
import { href, navigate, useShortcut } from '../router.js';
import { useSession } from '../session.js';
import { ActionError, Badge, Deadline, Empty, Key, Page, Time, View } from '../ui/kit.js';
import './queue.css';

type QueueEntry =
  paths['/v1/queue']['get']['responses'][200]['content']['application/json']['items'][number];
export type ReviewJob = QueueEntry['job'];

const REFRESH_MS = 30_000;

// A message for the queue after leaving a job (a decision sent, a job closed or released).
// Read when the queue mounts and cleared after it rendered, so StrictMode's double render
// shows it too.
let flash: string | undefined;

/** Shows `message` on the queue the next time it opens. */
export function flashQueue(message: string): void {
  flash = message;
}

export const SUBJECT_LABEL: Record<ReviewJob['subject'], string> = {
  notice: 'Notice',
  order: 'Order',
  detection: 'Detection',
  appeal: 'Appeal',
};

const SOURCE_LABEL: Record<string, string> = {
  'trusted-flagger': 'Trusted flagger',
  authority: 'Authority',
  individual: 'Individual',
  ngo: 'NGO',
  'internal-detection': 'Internal detection',
  order: 'Authority order',
  appeal: 'Appeal',
};

export function sourceLabel(source: string): string {
  return SOURCE_LABEL[source] ?? source.replace(/-/g, ' ');
}

/** The source of a job, as a badge when it is a trusted flagger (Art. 22 priority). */
export function SourceBadge(props: { readonly source: string }) {
  if (props.source === 'trusted-flagger') return <Badge tone="high">Trusted flagger</Badge>;
  if (props.source === 'authority' || props.source === 'order') {
    return <Badge tone="medium">{sourceLabel(props.source)}</Badge>;
  }
  return <span>{sourceLabel(props.source)}</span>;
}

export function riskBand(risk: number): 'high' | 'medium' | 'low' {
  return risk >= 0.7 ? 'high' : risk >= 0.4 ? 'medium' : 'low';
}

export function RiskBadge(props: { readonly risk: number }) {
  const band = riskBand(props.risk);
  return (
    <Badge tone={band}>
      {props.risk.toFixed(2)} <span className="visually-hidden">risk, </span>
      {band}
    </Badge>
  );
}

/** Where a job's subject lives in the console, when it has a page. */
export function subjectHref(job: Pick<ReviewJob, 'subject' | 'subjectId'>): string | undefined {
  if (job.subject === 'notice') return href('notices', job.subjectId);
  if (job.subject === 'appeal') return href('appeals', job.subjectId);
  return undefined;
}

/** The current time (ms), updated every `intervalMs`, for countdowns. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function HeldBy(props: { readonly entry: QueueEntry; readonly me: string }) {
  const { job } = props.entry;
  if (!props.entry.held || job.claimedBy === undefined) return <span className="muted">—</span>;
  return (
    <span>
      {job.claimedBy === props.me ? <strong>You</strong> : <code>{job.claimedBy}</code>}
      {job.leaseUntil !== undefined && (
        <span className="muted queue-sub">
          until <Time at={job.leaseUntil} />
        </span>
      )}
    </span>
  );
}

function QueueTable(props: {
  readonly entries: readonly QueueEntry[];
  readonly me: string;
  readonly now: number;
}) {
  return (
    <div className="queue-table-wrap">
      <table className="queue-table">
        <caption className="visually-hidden">Review jobs in priority order</caption>
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">What</th>
            <th scope="col">Source</th>
            <th scope="col">Risk</th>
            <th scope="col">Deadline</th>
            <th scope="col">Waiting since</th>
            <th scope="col">Held by</th>
            <th scope="col">Why this place</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((entry) => {
            const { job } = entry;
            const subject = subjectHref(job);
            const mine = entry.held && job.claimedBy === props.me;
            return (
              <tr key={job.id} className={mine ? 'selected' : undefined}>
                <td className="queue-rank">{entry.rank}</td>
                <td>
                  <a href={href('review', job.id)}>{SUBJECT_LABEL[job.subject]}</a>
                  {subject !== undefined && (
                    <span className="queue-sub">
                      <a href={subject}>
                        <code>{job.subjectId}</code>
                      </a>
                    </span>
                  )}
                  {job.itemIds.length > 0 && (
                    <ul className="queue-items" aria-label="Items">
                      {job.itemIds.slice(0, 3).map((id) => (
                        <li key={id}>
                          <a href={href('items', id)}>
                            <code>{id}</code>
                          </a>
                        </li>
                      ))}
                      {job.itemIds.length > 3 && (
                        <li className="muted">and {job.itemIds.length - 3} more</li>
                      )}
                    </ul>
                  )}
                </td>
                <td>
                  <SourceBadge source={job.source} />
                </td>
                <td>
                  <RiskBadge risk={job.risk} />
                </td>
                <td>
                  <Deadline at={job.deadline} now={props.now} />
                </td>
                <td>
                  <Time at={job.createdAt} />
                </td>
                <td>
                  <HeldBy entry={entry} me={props.me} />
                </td>
                <td>
                  <ul className="queue-reasons">
                    {entry.reasons.map((reason) => (
                      <li key={reason}>{reason}</li>
                    ))}
                  </ul>
                  <span className="muted queue-sub">score {entry.score.toFixed(1)}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function QueueScreen() {
  const session = useSession();
  const me = session.account.id;
  const canReview = session.can('queue:review');
  const [message, setMessage] = useState<string | undefined>(() => flash);
  useEffect(() => {
    flash = undefined;
  }, []);
  const queue = useQuery(
    async () => must(await api.GET('/v1/queue', { params: { query: { limit: 200 } } })),
    [],
  );
  const { reload } = queue;
  const now = useNow(REFRESH_MS);
  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  const claim = useAction(async () => {
    const result = await api.POST('/v1/queue/claim');
    if (result.response.status === 204) return null;
    return must(result);
  });
  const { act: claimAct, pending: claiming } = claim;
  const claimNext = useCallback(async () => {
    if (claiming) return;
    setMessage(undefined);
    const claimed = await claimAct();
    if (claimed === undefined) return;
    if (claimed === null) {
      setMessage('Nothing waits for you.');
      reload();
      return;
    }
    navigate('review', claimed.job.id);
  }, [claimAct, claiming, reload]);
  useShortcut('c', () => void claimNext(), canReview);

  const actions = (
    <>
      {canReview && (
        <span className="rv-with-key">
          <button
            type="button"
            className="primary"
            onClick={() => void claimNext()}
            disabled={claiming}
            aria-keyshortcuts="c"
          >
            Claim next
          </button>
          <Key>c</Key>
        </span>
      )}
      <button type="button" onClick={reload}>
        Refresh
      </button>
    </>
  );

  return (
    <Page title="Review queue" actions={actions}>
      <div aria-live="polite" className="queue-messages">
        {message !== undefined && (
          <p className="rv-notice-bar" role="status">
            {message}
          </p>
        )}
      </div>
      <ActionError error={claim.error} />
      <View result={queue.result} retry={reload} rows={8}>
        {(data) => {
          const held = data.items.filter((e) => e.held && e.job.claimedBy === me);
          return (
            <>
              {held.map((entry) => (
                <div key={entry.job.id} className="rv-notice-bar ok held-job">
                  You hold the {SUBJECT_LABEL[entry.job.subject].toLowerCase()} job{' '}
                  <code>{entry.job.id}</code>
                  {entry.job.leaseUntil !== undefined && (
                    <>
                      {' '}
                      until <Time at={entry.job.leaseUntil} />
                    </>
                  )}
                  . <a href={href('review', entry.job.id)}>Continue the review</a>
                </div>
              ))}
              {data.items.length === 0 ? (
                <Empty>
                  <p>The queue is empty: no notice, order, detection or appeal waits.</p>
                </Empty>
              ) : (
                <>
                  <p className="muted queue-count">
                    {data.items.length === data.total
                      ? `${data.total} ${data.total === 1 ? 'job' : 'jobs'}`
                      : `The first ${data.items.length} of ${data.total} jobs`}
                    , refreshed every 30 seconds.
                  </p>
                  <QueueTable entries={data.items} me={me} now={now} />
                </>
              )}
            </>
          );
        }}
      </View>
    </Page>
  );
}
