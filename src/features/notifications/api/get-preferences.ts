import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { notificationKeys } from './keys';

/**
 * The kinds of mail the person can get (their role decides which: staff see the queue's kinds) with
 * their choice for each; kinds they never chose come back as `immediately`.
 */
export async function getNotificationPreferences(client: AppSupabaseClient) {
  const { data } = await client.rpc('my_notification_preferences').select('kind, label, description, optional, delivery').throwOnError();
  return data;
}

export type NotificationPreference = Awaited<ReturnType<typeof getNotificationPreferences>>[number];

export const notificationPreferencesQueryOptions = (userId: string) =>
  queryOptions({
    queryKey: notificationKeys.preferences(userId),
    queryFn: async () => getNotificationPreferences(await loadSupabase()),
  });

export const useNotificationPreferences = (userId: string) => useSuspenseQuery(notificationPreferencesQueryOptions(userId));
