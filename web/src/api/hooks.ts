/**
 * Loading data for a view: every view shows one of loading, error (with retry), empty or the
 * data, so none is ever blank or stuck.
 */
import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly error: unknown }
  | { readonly state: 'ready'; readonly data: T };

export interface Query<T> {
  readonly result: Loaded<T>;
  /** Loads again (after an action changed the data); the current data stays shown meanwhile. */
  readonly reload: () => void;
}

export function useQuery<T>(load: () => Promise<T>, deps: DependencyList): Query<T> {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names the dependencies.
  useEffect(() => {
    const ticket = ++latest.current;
    load().then(
      (data) => {
        if (ticket === latest.current) setResult({ state: 'ready', data });
      },
      (error: unknown) => {
        if (ticket === latest.current) setResult({ state: 'error', error });
      },
    );
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { result, reload };
}

/** Runs an action with its own pending and error state (buttons disable while it runs). */
export function useAction<A extends unknown[], R>(run: (...args: A) => Promise<R>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const act = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setPending(true);
      setError(undefined);
      try {
        return await run(...args);
      } catch (caught) {
        setError(caught);
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [run],
  );
  return { act, pending, error, clearError: () => setError(undefined) };
}
