import { useMutation } from '@tanstack/react-query';
import type { MutationConfig } from '../../../lib/query-client';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { signInSchema, type SignInInput } from '../schemas';

export async function signIn(client: AppSupabaseClient, input: SignInInput) {
  const { data, error } = await client.auth.signInWithPassword(signInSchema.parse(input));
  if (error) throw error;
  return data.session;
}

export function useSignIn({ mutationConfig }: { mutationConfig?: MutationConfig<typeof signInWithLoadedClient> } = {}) {
  return useMutation({ ...mutationConfig, mutationFn: signInWithLoadedClient });
}

async function signInWithLoadedClient(input: SignInInput) {
  return signIn(await loadSupabase(), input);
}
