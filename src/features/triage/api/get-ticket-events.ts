import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

export async function getTicketEvents(ticketId: string) {
  const { data } = await supabase
    .from('ticket_events')
    .select('id, actor_name, kind, data, internal, created_at')
    .eq('ticket_id', ticketId)
    .order('id')
    .throwOnError();
  return data;
}

export type TicketEvent = Awaited<ReturnType<typeof getTicketEvents>>[number];

export const ticketEventsQueryOptions = (ticketId: string) =>
  queryOptions({ queryKey: triageKeys.events(ticketId), queryFn: () => getTicketEvents(ticketId), staleTime: 10_000 });

export const useTicketEvents = (ticketId: string) => useSuspenseQuery(ticketEventsQueryOptions(ticketId));
