import { rememberLoaderSession } from './auth-session';
import { currentSession } from './read-client';

/**
 * The signed-in user's id, or null. Loaders run before any component, while the session provider may
 * still be loading; this reads the session without waiting for supabase-js while the stored one is
 * fresh (lib/read-client.ts). The session is handed to the provider too, so the app's first render
 * already shows the signed-in page.
 */
export async function sessionUserId(): Promise<string | null> {
  const session = await currentSession();
  rememberLoaderSession(session);
  return session?.user.id ?? null;
}
