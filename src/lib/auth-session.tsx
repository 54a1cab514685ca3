/**
 * The signed-in session, for every component. Follows supabase-js's `onAuthStateChange`, but does not
 * load supabase-js for a visitor with no stored session: such a visitor is signed out, and the first
 * load of the public pages stays light. The client is loaded when a session is stored, when the URL
 * carries an auth redirect, when another tab signs in, or when a route that needs it is opened.
 */
import type { Session, User } from '@supabase/supabase-js';
import { createContext, use, useEffect, useMemo, useState, type ReactNode } from 'react';
import { authStorageKey, hasStoredSession, urlCarriesAuthResult } from './auth-storage';
import { clearSignedInCaches } from './signed-in-caches';
import { loadSupabase, whenClientLoaded } from './supabase-loader';

export type AuthState =
  | { status: 'loading'; session: null; user: null }
  | { status: 'signed-out'; session: null; user: null }
  | { status: 'signed-in'; session: Session; user: User };

type AuthSessionValue = AuthState & {
  /** Set while the visitor arrived through a password-recovery link and has not chosen a new password. */
  passwordRecovery: boolean;
  endPasswordRecovery: () => void;
};

const loading: AuthState = { status: 'loading', session: null, user: null };
const signedOut: AuthState = { status: 'signed-out', session: null, user: null };

const AuthSessionContext = createContext<AuthSessionValue | null>(null);

/**
 * The session a route loader has already read from supabase-js (lib/session-user.ts). The app renders
 * only once the first page's loaders are done, so with it the first render shows the signed-in page at
 * once instead of a "checking your sign-in" spinner; supabase-js's INITIAL_SESSION event follows and
 * confirms (or corrects) it.
 */
let loaderSession: Session | null = null;

export function rememberLoaderSession(session: Session | null): void {
  loaderSession = session;
}

const initialState = (): AuthState => {
  if (loaderSession) return { status: 'signed-in', session: loaderSession, user: loaderSession.user };
  return hasStoredSession() || urlCarriesAuthResult(window.location) ? loading : signedOut;
};

export function AuthSessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>(initialState);
  const [passwordRecovery, setPasswordRecovery] = useState(false);

  useEffect(() => {
    let unsubscribe = () => {};
    let userId: string | undefined;
    let firstEvent = true;

    const stopWaiting = whenClientLoaded((client) => {
      const { data } = client.auth.onAuthStateChange((event, session) => {
        // Cached data belongs to one user: drop it when the user changes (sign-out, or another account).
        // Not on the first event (INITIAL_SESSION): the cache then holds only what this page load's
        // loaders fetched for this same stored session, and clearing it would cancel their in-flight
        // queries — the loader then fails and the page shows its error screen.
        if (!firstEvent && session?.user.id !== userId) clearSignedInCaches();
        firstEvent = false;
        userId = session?.user.id;
        // INITIAL_SESSION usually confirms the session a loader primed the first render with: keeping the
        // state then spares the whole app a second render right after its first paint.
        setState((previous) =>
          event === 'INITIAL_SESSION' && previous.status === 'signed-in' && previous.session.access_token === session?.access_token
            ? previous
            : session
              ? { status: 'signed-in', session, user: session.user }
              : signedOut,
        );
        if (event === 'PASSWORD_RECOVERY') setPasswordRecovery(true);
        if (event === 'SIGNED_OUT') setPasswordRecovery(false);
      });
      unsubscribe = () => data.subscription.unsubscribe();
    });

    const connect = () => {
      // If the chunk cannot be fetched (offline, or a deploy replaced it) nobody can be shown as signed
      // in; the sign-in page will say what failed when it is opened.
      loadSupabase().catch(() => setState(signedOut));
    };
    if (hasStoredSession() || urlCarriesAuthResult(window.location)) connect();

    // A sign-in in another tab writes the session to storage; supabase-js syncs tabs once it is loaded.
    const onStorage = (event: StorageEvent) => {
      if (event.key === authStorageKey() && event.newValue !== null) connect();
    };
    window.addEventListener('storage', onStorage);

    return () => {
      stopWaiting();
      unsubscribe();
      window.removeEventListener('storage', onStorage);
    };
  }, []);

  const value = useMemo<AuthSessionValue>(
    () => ({ ...state, passwordRecovery, endPasswordRecovery: () => setPasswordRecovery(false) }),
    [state, passwordRecovery],
  );

  return <AuthSessionContext value={value}>{children}</AuthSessionContext>;
}

export function useAuthSession(): AuthSessionValue {
  const value = use(AuthSessionContext);
  if (!value) throw new Error('useAuthSession must be used inside <AuthSessionProvider>.');
  return value;
}
