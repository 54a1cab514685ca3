import { useMutation, useQueryClient, type QueryClient, type UseMutationOptions } from '@tanstack/react-query';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { preferenceInputSchema, type PreferenceInput } from '../schemas';
import type { NotificationPreference } from './get-preferences';
import { notificationKeys } from './keys';

/** Saves one kind's choice; the database refuses receipts and security notices, and kinds not the person's. */
export async function setNotificationPreference(client: AppSupabaseClient, input: PreferenceInput) {
  const { kind, delivery } = preferenceInputSchema.parse(input);
  await client.rpc('set_notification_preference', { p_kind: kind, p_delivery: delivery }).throwOnError();
}

const withDelivery = (rows: NotificationPreference[] | undefined, kind: string, delivery: string) =>
  rows?.map((row) => (row.kind === kind ? { ...row, delivery } : row));

/**
 * Shows the new choice at once and puts the row back if the save fails. Only the changed row is rolled
 * back, so a failure on one row does not undo another row saved meanwhile. `save` is a parameter so
 * the cache handling can be tested without a server.
 */
export function preferenceMutationOptions(
  queryClient: QueryClient,
  userId: string,
  save: (input: PreferenceInput) => Promise<void>,
): UseMutationOptions<void, Error, PreferenceInput, { previous: string | undefined }> {
  const key = notificationKeys.preferences(userId);
  return {
    mutationFn: save,
    onMutate: async (input) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<NotificationPreference[]>(key)?.find((row) => row.kind === input.kind)?.delivery;
      queryClient.setQueryData<NotificationPreference[]>(key, (rows) => withDelivery(rows, input.kind, input.delivery));
      return { previous };
    },
    onError: (_error, input, context) => {
      const previous = context?.previous;
      if (previous !== undefined) queryClient.setQueryData<NotificationPreference[]>(key, (rows) => withDelivery(rows, input.kind, previous));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  };
}

export function useSetNotificationPreference(userId: string) {
  const queryClient = useQueryClient();
  return useMutation(preferenceMutationOptions(queryClient, userId, async (input) => setNotificationPreference(await loadSupabase(), input)));
}
