/**
 * Where supabase-js keeps the session (localStorage), readable without loading supabase-js. The session
 * provider uses it to know, on the first paint, whether a visitor may be signed in: only then does it
 * download the client.
 */
import type { Session } from '@supabase/supabase-js';
import { getEnv } from '../config/env';

/** supabase-js's own default key for this URL (`sb-<first host label>-auth-token`), set explicitly. */
export function authStorageKeyFor(supabaseUrl: string): string {
  return `sb-${new URL(supabaseUrl).hostname.split('.')[0] ?? 'local'}-auth-token`;
}

export function authStorageKey(): string {
  return authStorageKeyFor(getEnv().supabaseUrl);
}

export function hasStoredSession(): boolean {
  try {
    return window.localStorage.getItem(authStorageKey()) !== null;
  } catch {
    // Storage can be blocked (privacy settings); supabase-js then keeps the session in memory only.
    return false;
  }
}

/** supabase-js refreshes a session whose access token expires within 90 s (auth-js EXPIRY_MARGIN_MS). */
const REFRESH_MARGIN_MS = 90_000;

/**
 * The stored session, if it can be used as it is — an access token valid beyond the margin at which
 * supabase-js would refresh it — read straight from storage. Otherwise null: then only supabase-js can
 * tell (and refresh) the session. The server checks the token on every request either way.
 */
export function freshStoredSession(now: number = Date.now()): Session | null {
  try {
    const raw = window.localStorage.getItem(authStorageKey());
    if (raw === null) return null;
    const session = JSON.parse(raw) as Partial<Session> | null;
    if (typeof session?.access_token !== 'string' || typeof session.expires_at !== 'number' || typeof session.user?.id !== 'string') {
      return null;
    }
    return session.expires_at * 1000 - now > REFRESH_MARGIN_MS ? (session as Session) : null;
  } catch {
    // Blocked storage or a value that is not JSON: leave it to supabase-js.
    return null;
  }
}

/** True when the URL carries the result of an auth redirect (recovery link, or a PKCE code). */
export function urlCarriesAuthResult(location: Pick<Location, 'hash' | 'search'>): boolean {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const search = new URLSearchParams(location.search);
  return hash.has('access_token') || hash.has('error_description') || search.has('code');
}
