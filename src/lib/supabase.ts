/** The one typed Supabase client. Code in the first load reaches it through `loadSupabase()`. */
import { createClient } from '@supabase/supabase-js';
import { getEnv } from '../config/env';
import { authStorageKey } from './auth-storage';
import type { Database } from './database.types';
import { announceClient } from './supabase-loader';

const { supabaseUrl, supabaseAnonKey } = getEnv();

export const supabase = createClient<Database>(supabaseUrl, supabaseAnonKey, {
  auth: {
    // Sessions survive reloads in localStorage under a key the session provider can check cheaply.
    storageKey: authStorageKey(),
    persistSession: true,
    autoRefreshToken: true,
    detectSessionInUrl: true,
  },
});

export type AppSupabaseClient = typeof supabase;

// supabase-js hands Realtime a new access token on sign-in and refresh but not after a second factor is
// verified, so a socket opened at aal1 would keep asking with that token and staff channels (the queue,
// presence) would refuse it until the next refresh. The aal2 token goes to Realtime here.
supabase.auth.onAuthStateChange((event, session) => {
  if (event === 'MFA_CHALLENGE_VERIFIED' && session) void supabase.realtime.setAuth(session.access_token);
});

announceClient(supabase);
