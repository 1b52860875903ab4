/**
 * The console's building blocks: page frame, the four states every view has (loading, error,
 * empty, data), tables, badges, times and deadlines. Loading placeholders keep the size of what
 * they stand for, so nothing jumps when data arrives.
 */
import type { ReactNode } from 'react';
import { messageOf } from '../api/client.js';
import type { Loaded } from '../api/hooks.js';

export function Page(props: {
  readonly title: string;
  readonly actions?: ReactNode;
  readonly children: ReactNode;
}) {
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-head">
        <h1 id="page-title">{props.title}</h1>
        {props.actions !== undefined && <div className="page-actions">{props.actions}</div>}
      </header>
      {props.children}
    </section>
  );
}

export function Loading(props: { readonly rows?: number; readonly label?: string }) {
  const rows = props.rows ?? 5;
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="visually-hidden">{props.label ?? 'Loading…'}</span>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity.
        <div key={i} className="skeleton-row" aria-hidden="true" />
      ))}
    </div>
  );
}

export function ErrorState(props: { readonly error: unknown; readonly retry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p>{messageOf(props.error)}</p>
      {props.retry !== undefined && (
        <button type="button" onClick={props.retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty(props: { readonly children: ReactNode }) {
  return <div className="state state-empty">{props.children}</div>;
}

/** Renders the state of a query: loading, error with retry, or `children(data)`. */
export function View<T>(props: {
  readonly result: Loaded<T>;
  readonly retry?: () => void;
  readonly rows?: number;
  readonly children: (data: T) => ReactNode;
}) {
  const { result } = props;
  if (result.state === 'loading') return <Loading rows={props.rows ?? 5} />;
  if (result.state === 'error')
    return <ErrorState error={result.error} {...(props.retry && { retry: props.retry })} />;
  return <>{props.children(result.data)}</>;
}

/** An action's refusal, shown where the action was. */
export function ActionError(props: { readonly error: unknown }) {
  if (props.error === undefined) return null;
  return (
    <p className="action-error" role="alert">
      {messageOf(props.error)}
    </p>
  );
}

export function Badge(props: {
  readonly tone?: 'high' | 'medium' | 'low' | 'info' | 'ok';
  readonly children: ReactNode;
}) {
  return <span className={`badge badge-${props.tone ?? 'info'}`}>{props.children}</span>;
}

export function bandTone(band: string | undefined): 'high' | 'medium' | 'low' | 'info' {
  return band === 'high' || band === 'medium' || band === 'low' ? band : 'info';
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

/** A time as the reader's medium date and time (UTC), with the exact instant on hover. */
export function Time(props: { readonly at: string | undefined }) {
  if (props.at === undefined) return <span>—</span>;
  return (
    <time dateTime={props.at} title={props.at}>
      {dateTime.format(new Date(props.at))} UTC
    </time>
  );
}

/** "in 3 h 20 min" or "overdue by 2 d", for a deadline, from `now` (ms). */
export function untilText(deadline: string, now: number): string {
  const ms = Date.parse(deadline) - now;
  const abs = Math.abs(ms);
  const minutes = Math.round(abs / 60_000);
  const text =
    minutes < 60
      ? `${minutes} min`
      : minutes < 48 * 60
        ? `${Math.floor(minutes / 60)} h ${minutes % 60} min`
        : `${Math.round(minutes / 1440)} d`;
  return ms >= 0 ? `in ${text}` : `overdue by ${text}`;
}

export function Deadline(props: { readonly at: string | undefined; readonly now: number }) {
  if (props.at === undefined) return <span className="muted">no deadline</span>;
  const overdue = Date.parse(props.at) < props.now;
  return (
    <span className={overdue ? 'deadline overdue' : 'deadline'} title={props.at}>
      {untilText(props.at, props.now)}
    </span>
  );
}

/** A key hint shown beside a button, e.g. <Key>c</Key>. */
export function Key(props: { readonly children: ReactNode }) {
  return <kbd>{props.children}</kbd>;
}

export function Field(props: {
  readonly label: string;
  readonly id: string;
  readonly hint?: string;
  readonly children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.hint !== undefined && <p className="hint">{props.hint}</p>}
    </div>
  );
}

/** Pages through a listing: "More" loads the next page after the ones shown. */
export function MoreButton(props: {
  readonly next: string | undefined;
  readonly onMore: (cursor: string) => void;
  readonly pending?: boolean;
}) {
  if (props.next === undefined) return null;
  const next = props.next;
  return (
    <button
      type="button"
      className="more"
      disabled={props.pending}
      onClick={() => props.onMore(next)}
    >
      More
    </button>
  );
}
