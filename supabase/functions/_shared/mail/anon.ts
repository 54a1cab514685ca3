/**
 * A client with the anon key: the one-click unsubscribe has no session, and the database grants
 * `unsubscribe_by_token` to anon (the token is the proof), not to the service role.
 */
import { createClient, type SupabaseClient } from 'npm:@supabase/supabase-js@2.119.1';
import { platformEnv } from '../env.ts';

let anon: SupabaseClient | undefined;

export function anonClient(): SupabaseClient {
  anon ??= createClient(platformEnv('SUPABASE_URL'), platformEnv('SUPABASE_ANON_KEY'), {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  return anon;
}
