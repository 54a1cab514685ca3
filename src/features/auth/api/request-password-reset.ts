import { useMutation } from '@tanstack/react-query';
import { paths } from '../../../config/paths';
import type { MutationConfig } from '../../../lib/query-client';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { passwordResetRequestSchema, type PasswordResetRequestInput } from '../schemas';

/**
 * Asks Supabase Auth to email a recovery link that opens the reset page signed in. It succeeds for
 * unknown addresses too, so the page must not reveal whether an account exists.
 */
export async function requestPasswordReset(client: AppSupabaseClient, input: PasswordResetRequestInput) {
  const { email } = passwordResetRequestSchema.parse(input);
  const { error } = await client.auth.resetPasswordForEmail(email, {
    redirectTo: `${window.location.origin}${paths.auth.resetPassword.getHref()}`,
  });
  if (error) throw error;
}

export function useRequestPasswordReset({
  mutationConfig,
}: { mutationConfig?: MutationConfig<typeof requestWithLoadedClient> } = {}) {
  return useMutation({ ...mutationConfig, mutationFn: requestWithLoadedClient });
}

async function requestWithLoadedClient(input: PasswordResetRequestInput) {
  return requestPasswordReset(await loadSupabase(), input);
}
