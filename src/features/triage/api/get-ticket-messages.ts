import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

export async function getTicketMessages(ticketId: string) {
  const { data } = await supabase
    .from('ticket_messages')
    .select('id, author_name, from_staff, body, internal, created_at')
    .eq('ticket_id', ticketId)
    .order('created_at')
    .throwOnError();
  return data;
}

export type TicketMessage = Awaited<ReturnType<typeof getTicketMessages>>[number];

export const ticketMessagesQueryOptions = (ticketId: string) =>
  queryOptions({ queryKey: triageKeys.messages(ticketId), queryFn: () => getTicketMessages(ticketId), staleTime: 10_000 });

export const useTicketMessages = (ticketId: string) => useSuspenseQuery(ticketMessagesQueryOptions(ticketId));
