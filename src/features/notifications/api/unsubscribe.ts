import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { unsubscribeLinkSchema, unsubscribeResultSchema, type UnsubscribeLink } from '../schemas';
import { notificationKeys } from './keys';

/**
 * Stops one kind of mail for the person the link's token belongs to, without signing in.
 *
 * The page calls the SQL function directly rather than the `unsubscribe` edge function: both end in
 * the same `unsubscribe_by_token`, which the anon key may call, so the rule lives in one place either
 * way; going direct spares a hop through the functions runtime and brings the database's error code
 * (`invalid_unsubscribe_token`, …) as the rest of the app receives it. The edge function is for mail
 * clients' one-click POST (RFC 8058), which cannot run this page.
 */
export async function unsubscribeByToken(client: AppSupabaseClient, link: UnsubscribeLink) {
  const { token, kind } = unsubscribeLinkSchema.parse(link);
  const { data } = await client.rpc('unsubscribe_by_token', { p_token: token, p_kind: kind }).throwOnError();
  return unsubscribeResultSchema.parse(data);
}

export function useUnsubscribe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (link: UnsubscribeLink) => unsubscribeByToken(await loadSupabase(), link),
    // A signed-in visitor's preferences page must not show the old choice from its cache.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}
