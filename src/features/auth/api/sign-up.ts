import { useMutation } from '@tanstack/react-query';
import { paths } from '../../../config/paths';
import type { MutationConfig } from '../../../lib/query-client';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { signUpSchema, type SignUpInput } from '../schemas';

/**
 * Creates the account. Where email confirmation is off (local stack, CLI default) the user is signed in
 * at once; where it is on, there is no session yet and `needsConfirmation` is true.
 */
export async function signUp(client: AppSupabaseClient, input: SignUpInput) {
  const { data, error } = await client.auth.signUp({
    ...signUpSchema.parse(input),
    options: { emailRedirectTo: `${window.location.origin}${paths.auth.login.getHref()}` },
  });
  if (error) throw error;
  return { needsConfirmation: data.session === null };
}

export function useSignUp({ mutationConfig }: { mutationConfig?: MutationConfig<typeof signUpWithLoadedClient> } = {}) {
  return useMutation({ ...mutationConfig, mutationFn: signUpWithLoadedClient });
}

async function signUpWithLoadedClient(input: SignUpInput) {
  return signUp(await loadSupabase(), input);
}
