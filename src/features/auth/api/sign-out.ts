import { useMutation } from '@tanstack/react-query';
import type { MutationConfig } from '../../../lib/query-client';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';

/** Ends this browser's session (scope "local"): other devices stay signed in. */
export async function signOut(client: AppSupabaseClient) {
  const { error } = await client.auth.signOut({ scope: 'local' });
  if (error) throw error;
}

export function useSignOut({ mutationConfig }: { mutationConfig?: MutationConfig<typeof signOutWithLoadedClient> } = {}) {
  return useMutation({ ...mutationConfig, mutationFn: signOutWithLoadedClient });
}

async function signOutWithLoadedClient() {
  return signOut(await loadSupabase());
}
