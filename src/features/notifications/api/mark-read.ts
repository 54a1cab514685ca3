import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { notificationKeys } from './keys';

/** Marks the given notices read, or all unread ones when no ids are given. */
export async function markNotificationsRead(client: AppSupabaseClient, ids?: string[]) {
  const { data } = await client.rpc('mark_notifications_read', ids ? { p_ids: ids } : {}).throwOnError();
  return data;
}

export function useMarkNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (ids?: string[]) => markNotificationsRead(await loadSupabase(), ids),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}
