/**
 * The way into supabase-js for code that is part of the first load (the session provider, the header).
 * `import('./supabase')` keeps the ~50 KB client in its own chunk; lazy route modules may import
 * `supabase` from './supabase' directly, since their chunk is loaded on demand anyway.
 */
import type { AppSupabaseClient } from './supabase';

let loaded: AppSupabaseClient | undefined;
const waiting = new Set<(client: AppSupabaseClient) => void>();

/** Called once by ./supabase when the client module is evaluated, however it was reached. */
export function announceClient(client: AppSupabaseClient): void {
  loaded = client;
  for (const notify of waiting) notify(client);
  waiting.clear();
}

/**
 * Runs `onLoad` as soon as the client exists (now, if it already does). The session provider uses it to
 * subscribe to auth events before any sign-in can happen, even when a lazy route loaded the client.
 */
export function whenClientLoaded(onLoad: (client: AppSupabaseClient) => void): () => void {
  if (loaded) {
    onLoad(loaded);
    return () => {};
  }
  waiting.add(onLoad);
  return () => waiting.delete(onLoad);
}

/** The client, if its module has been evaluated already (no loading). */
export function loadedClient(): AppSupabaseClient | undefined {
  return loaded;
}

export function loadSupabase(): Promise<AppSupabaseClient> {
  return import('./supabase').then((module) => module.supabase);
}

/**
 * Starts downloading the client ahead of need (on pages whose next step calls Supabase), so a submit
 * does not wait for the chunk. A failure here is not reported: the call that needs the client will
 * fail the same way and say so where the person is looking.
 */
export function preloadSupabase(): void {
  loadSupabase().catch(() => undefined);
}
