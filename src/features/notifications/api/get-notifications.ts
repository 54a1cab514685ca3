import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { notificationKeys } from './keys';

/** The person's notices, newest first, with the ticket number each is about. */
export async function getNotifications(client: AppSupabaseClient, userId: string) {
  const { data } = await client
    .from('notifications')
    .select('id, kind, title, body, read_at, created_at, ticket:tickets(number)')
    .eq('user_id', userId)
    .order('created_at', { ascending: false })
    .limit(100)
    .throwOnError();
  return data;
}

export type Notification = Awaited<ReturnType<typeof getNotifications>>[number];

export const notificationsQueryOptions = (userId: string) =>
  queryOptions({
    queryKey: notificationKeys.list(userId),
    queryFn: async () => getNotifications(await loadSupabase(), userId),
    staleTime: 5_000,
  });

export const useNotifications = (userId: string) => useSuspenseQuery(notificationsQueryOptions(userId));
