import { rememberLoaderSession } from './auth-session';
import type { AppSupabaseClient } from './supabase';

/**
 * The signed-in user's id, or null. Loaders run before any component, while the session provider may
 * still be loading: supabase-js's `getSession()` waits for the stored session to be read. The session
 * is handed to the provider too, so the app's first render already shows the signed-in page.
 */
export async function sessionUserId(client: AppSupabaseClient): Promise<string | null> {
  const { data } = await client.auth.getSession();
  rememberLoaderSession(data.session);
  return data.session?.user.id ?? null;
}
