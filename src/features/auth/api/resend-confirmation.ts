import { useMutation } from '@tanstack/react-query';
import { paths } from '../../../config/paths';
import type { MutationConfig } from '../../../lib/query-client';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';

/**
 * Sends the sign-up confirmation link again. Auth answers the same whether or not the address waits for
 * confirmation; it refuses (429) when the last link went out less than `max_frequency` ago.
 */
export async function resendConfirmation(client: AppSupabaseClient, email: string, next?: string) {
  const { error } = await client.auth.resend({
    type: 'signup',
    email,
    options: { emailRedirectTo: `${window.location.origin}${paths.auth.login.getHref(next)}` },
  });
  if (error) throw error;
}

export function useResendConfirmation({
  next,
  mutationConfig,
}: { next?: string; mutationConfig?: MutationConfig<typeof resendWithLoadedClient> } = {}) {
  return useMutation({ ...mutationConfig, mutationFn: (email: string) => resendWithLoadedClient(email, next) });
}

async function resendWithLoadedClient(email: string, next?: string) {
  return resendConfirmation(await loadSupabase(), email, next);
}
