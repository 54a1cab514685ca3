import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { adminKeys } from './keys';

/**
 * Mail that did not go out and will not be tried again by itself: `dead` (failed for good, or too
 * many times) and `unknown` (the worker stopped while sending: it may have been delivered, so it is not
 * re-sent without an admin deciding).
 */
export async function getMailFailures(client: AppSupabaseClient) {
  const { data } = await client
    .rpc('admin_mail_failures')
    .select('id, kind, to_email, status, attempts, last_error, created_at, updated_at')
    .order('updated_at', { ascending: false })
    .throwOnError();
  return data;
}

export type MailFailure = Awaited<ReturnType<typeof getMailFailures>>[number];

export const mailFailuresQueryOptions = () => queryOptions({ queryKey: adminKeys.mailFailures(), queryFn: () => getMailFailures(supabase) });

export const useMailFailures = () => useQuery(mailFailuresQueryOptions());

/** Puts one mail back in the queue (attempts kept); an address blocked after a bounce is unblocked. */
export async function retryMail(client: AppSupabaseClient, id: number) {
  await client.rpc('admin_retry_mail', { p_id: id }).throwOnError();
}

export function useRetryMail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => retryMail(supabase, id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.mailFailures() }),
  });
}
