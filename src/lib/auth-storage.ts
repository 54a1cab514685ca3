/**
 * Where supabase-js keeps the session (localStorage), readable without loading supabase-js. The session
 * provider uses it to know, on the first paint, whether a visitor may be signed in: only then does it
 * download the client.
 */
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

/** True when the URL carries the result of an auth redirect (recovery link, or a PKCE code). */
export function urlCarriesAuthResult(location: Pick<Location, 'hash' | 'search'>): boolean {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const search = new URLSearchParams(location.search);
  return hash.has('access_token') || hash.has('error_description') || search.has('code');
}
