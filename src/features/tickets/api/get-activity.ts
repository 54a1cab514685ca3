import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { readClient, type ReadClient } from '../../../lib/read-client';
import { ticketKeys } from './keys';

/** The latest audit events across the customer's tickets, for the dashboard. */
export async function getRecentActivity(client: ReadClient) {
  const { data } = await client
    .from('ticket_events')
    .select('id, kind, actor_name, data, created_at, ticket:tickets(number, subject)')
    .order('id', { ascending: false })
    .limit(8)
    .throwOnError();
  return data;
}

export const recentActivityQueryOptions = () =>
  queryOptions({ queryKey: ticketKeys.activity(), queryFn: async () => getRecentActivity(await readClient()), staleTime: 5_000 });

export const useRecentActivity = () => useSuspenseQuery(recentActivityQueryOptions());
