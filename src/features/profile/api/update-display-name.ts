import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { displayNameInputSchema, type DisplayNameInput } from '../schemas';
import { profileKeys } from './keys';

/**
 * Sets the signed-in person's display name (the one column of their profile they may change). The
 * database refuses an e-mail address and renames their review with it.
 */
export async function updateDisplayName(client: AppSupabaseClient, userId: string, input: DisplayNameInput) {
  const { full_name } = displayNameInputSchema.parse(input);
  const { data } = await client.from('profiles').update({ full_name }).eq('id', userId).select('id, email, full_name').single().throwOnError();
  return data;
}

export function useUpdateDisplayName(userId: string, { onSuccess }: { onSuccess?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: DisplayNameInput) => updateDisplayName(await loadSupabase(), userId, input),
    onSuccess: (profile) => {
      queryClient.setQueryData(profileKeys.detail(userId), profile);
      onSuccess?.();
    },
  });
}
