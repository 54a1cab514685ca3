/**
 * Reads of a signed-in page that do not wait for supabase-js.
 *
 * supabase-js is ~130 KB of JavaScript (its auth client most of it). A signed-in page opened directly —
 * the portal's dashboard, the page the customer lands on — used to download and evaluate all of it, let
 * it read the stored session, and only then send its reads. Its reads need much less: PostgREST's query
 * builder (postgrest-js, the same one supabase-js wraps, with the same types and errors) and the
 * access token. So until supabase-js has loaded, reads go through a PostgrestClient holding the stored
 * token, as long as that token is fresh (below); the session provider loads supabase-js after the
 * first paint. Once it is loaded — or when the stored token is stale and must be refreshed —
 * reads go through supabase-js, which keeps the session from then on.
 */
import { PostgrestClient } from '@supabase/postgrest-js';
import type { Session } from '@supabase/supabase-js';
import { getEnv } from '../config/env';
import { authStorageKey } from './auth-storage';
import type { Database } from './database.types';
import type { AppSupabaseClient } from './supabase';
import { loadedClient, loadSupabase } from './supabase-loader';

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

/** What a read needs of a client: `from(table)`, typed like supabase-js's own. */
export type ReadClient = Pick<AppSupabaseClient, 'from'>;

let tokenClient: { token: string; client: ReadClient } | undefined;

function clientWithToken(token: string): ReadClient {
  if (tokenClient?.token !== token) {
    const { supabaseUrl, supabaseAnonKey } = getEnv();
    const client = new PostgrestClient<Database>(`${supabaseUrl}/rest/v1`, {
      headers: { apikey: supabaseAnonKey, Authorization: `Bearer ${token}` },
    });
    tokenClient = { token, client };
  }
  return tokenClient.client;
}

/** The client for a read now: supabase-js if it is loaded, else one with the fresh stored token. */
export async function readClient(): Promise<ReadClient> {
  const loaded = loadedClient();
  if (loaded) return loaded;
  const stored = freshStoredSession();
  return stored ? clientWithToken(stored.access_token) : loadSupabase();
}

/** The current session, without loading supabase-js while the stored one is fresh. */
export async function currentSession(): Promise<Session | null> {
  const loaded = loadedClient();
  if (!loaded) {
    const stored = freshStoredSession();
    if (stored) return stored;
  }
  const client = loaded ?? (await loadSupabase());
  const { data } = await client.auth.getSession();
  return data.session;
}
