import { queryOptions, useQuery } from '@tanstack/react-query';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { notificationKeys } from './keys';

/** How many notices the person has not read (a HEAD request: only the count comes back). */
export async function getUnreadCount(client: AppSupabaseClient, userId: string) {
  const { count } = await client
    .from('notifications')
    .select('id', { count: 'exact', head: true })
    .eq('user_id', userId)
    .is('read_at', null)
    .throwOnError();
  return count ?? 0;
}

export const unreadCountQueryOptions = (userId: string) =>
  queryOptions({
    queryKey: notificationKeys.unread(userId),
    queryFn: async () => getUnreadCount(await loadSupabase(), userId),
    staleTime: 15_000,
    // Quotes and charges happen while the person is elsewhere in the portal: look again now and then.
    refetchInterval: 60_000,
  });

export const useUnreadCount = (userId: string | undefined) => useQuery({ ...unreadCountQueryOptions(userId ?? ''), enabled: !!userId });
