import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { readClient, type ReadClient } from '../../../lib/read-client';
import { ticketKeys } from './keys';
import { OWN_ACCOUNT_EMBED, OWN_ACCOUNT_MEMBER } from '../../../lib/own-account';

/**
 * The latest audit events across the signed-in person's tickets, for the dashboard. Internal events are
 * staff notes: a staff member looking at their own tickets here sees what a customer would.
 */
export async function getRecentActivity(client: ReadClient, userId: string) {
  const { data } = await client
    .from('ticket_events')
    .select(`id, kind, actor_name, data, created_at, ticket:tickets!inner(number, subject, ${OWN_ACCOUNT_EMBED})`)
    .eq(`ticket.${OWN_ACCOUNT_MEMBER}`, userId)
    .eq('internal', false)
    .order('id', { ascending: false })
    .limit(8)
    .throwOnError();
  return data;
}

export const recentActivityQueryOptions = (userId: string) =>
  queryOptions({
    queryKey: ticketKeys.activity(userId),
    queryFn: async () => getRecentActivity(await readClient(), userId),
    staleTime: 5_000,
  });

export const useRecentActivity = (userId: string) => useSuspenseQuery(recentActivityQueryOptions(userId));
