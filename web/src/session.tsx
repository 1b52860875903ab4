/**
 * Who is signed in: the account and its permissions (GET /v1/me), and the reviewer's wellness
 * settings (blur strength and grayscale for images), which every screen showing images reads.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { api, must } from './api/client.js';

export interface Wellness {
  readonly blur: number;
  readonly grayscale: boolean;
}

export interface Session {
  readonly account: {
    readonly id: string;
    readonly name: string;
    readonly email?: string;
    readonly roles: readonly string[];
  };
  readonly permissions: readonly string[];
  readonly wellness: Wellness;
  can(permission: string): boolean;
  setWellness(next: Partial<Wellness>): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession outside a signed-in console');
  return session;
}

type Me = NonNullable<Awaited<ReturnType<typeof loadMe>>>;

async function loadMe() {
  const me = await api.GET('/v1/me');
  if (me.response.status === 401) return undefined;
  return must(me);
}

/** Loads the session, shows `signIn` while there is none, and `children` once there is. */
export function SessionProvider(props: {
  readonly signIn: (done: () => void) => ReactNode;
  readonly loading: ReactNode;
  readonly failed: (retry: () => void, error: unknown) => ReactNode;
  readonly children: ReactNode;
}) {
  const [me, setMe] = useState<Me | undefined | 'loading' | { failed: unknown }>('loading');
  const [wellness, setWellnessState] = useState<Wellness>({ blur: 60, grayscale: false });
  const refresh = useCallback(() => {
    setMe('loading');
    loadMe().then(
      async (loaded) => {
        if (loaded !== undefined) {
          const settings = await api.GET('/v1/me/settings');
          if (settings.data !== undefined) setWellnessState(settings.data);
        }
        setMe(loaded);
      },
      (error: unknown) => setMe({ failed: error }),
    );
  }, []);
  useEffect(refresh, [refresh]);

  if (me === 'loading') return <>{props.loading}</>;
  if (me !== undefined && 'failed' in me) return <>{props.failed(refresh, me.failed)}</>;
  if (me === undefined) return <>{props.signIn(refresh)}</>;

  const session: Session = {
    account: me.account,
    permissions: me.permissions,
    wellness,
    can: (permission) => me.permissions.includes(permission as never),
    async setWellness(next) {
      const saved = must(await api.PATCH('/v1/me/settings', { body: next }));
      setWellnessState(saved);
    },
    async signOut() {
      await api.DELETE('/v1/session');
      setMe(undefined);
    },
  };
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}
