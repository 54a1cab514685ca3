/** What conformance tests share: the running stack's coordinates and supabase-js clients for it. */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { inject } from 'vitest';

export const stack = inject('stack');

const noPersistence = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };

export function anonClient(): SupabaseClient {
  return createClient(stack.apiUrl, stack.anonKey, noPersistence);
}

export function serviceClient(): SupabaseClient {
  return createClient(stack.apiUrl, stack.serviceRoleKey, noPersistence);
}

let counter = 0;
/** A unique e-mail per call, so tests never collide across files or reruns. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${counter}@example.test`;
}

/** Signs up a fresh user and returns a client holding that user's session. */
export async function signedInClient(
  password = 'correct-horse-battery',
): Promise<{ client: SupabaseClient; userId: string; email: string }> {
  const client = anonClient();
  const email = uniqueEmail();
  const { data, error } = await client.auth.signUp({ email, password });
  if (error || !data.user || !data.session) throw new Error(`sign-up failed: ${error?.message}`);
  return { client, userId: data.user.id, email };
}

/** Plain SQL as `postgres` (the console's role), for arranging and checking state around API calls. */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
