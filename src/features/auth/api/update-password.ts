import { useMutation } from '@tanstack/react-query';
import type { MutationConfig } from '../../../lib/query-client';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { newPasswordSchema, type NewPasswordInput } from '../schemas';

/** Sets a new password for the signed-in user (after following a recovery link, or from settings). */
export async function updatePassword(client: AppSupabaseClient, input: NewPasswordInput) {
  const { error } = await client.auth.updateUser(newPasswordSchema.parse(input));
  if (error) throw error;
}

export function useUpdatePassword({
  mutationConfig,
}: { mutationConfig?: MutationConfig<typeof updateWithLoadedClient> } = {}) {
  return useMutation({ ...mutationConfig, mutationFn: updateWithLoadedClient });
}

async function updateWithLoadedClient(input: NewPasswordInput) {
  return updatePassword(await loadSupabase(), input);
}
