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

announceClient(supabase);
