import { useMutation } from '@tanstack/react-query';
import { paths } from '../../../config/paths';
import type { MutationConfig } from '../../../lib/query-client';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { signUpSchema, type SignUpInput } from '../schemas';

/**
 * Creates the account. Where email confirmation is on (this project) there is no session yet and
 * `needsConfirmation` is true: the mailed link opens the sign-in page signed in, which sends the person
 * on to `next` (the page that asked them to sign in). Where it is off, the user is signed in at once.
 */
export async function signUp(client: AppSupabaseClient, input: SignUpInput, next?: string) {
  const { data, error } = await client.auth.signUp({
    ...signUpSchema.parse(input),
    options: { emailRedirectTo: `${window.location.origin}${paths.auth.login.getHref(next)}` },
  });
  if (error) throw error;
  return { needsConfirmation: data.session === null };
}

export function useSignUp({ next, mutationConfig }: { next?: string; mutationConfig?: MutationConfig<typeof signUpWithLoadedClient> } = {}) {
  return useMutation({ ...mutationConfig, mutationFn: (input: SignUpInput) => signUpWithLoadedClient(input, next) });
}

async function signUpWithLoadedClient(input: SignUpInput, next?: string) {
  return signUp(await loadSupabase(), input, next);
}
