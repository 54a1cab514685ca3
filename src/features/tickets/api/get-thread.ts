import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { ticketKeys } from './keys';

/**
 * The conversation and the audit trail of a ticket, oldest first, without internal notes and events:
 * RLS hides them from customers, and a staff member reading their own ticket here sees the same.
 */
export async function getThread(client: AppSupabaseClient, ticketId: string) {
  const [messages, events] = await Promise.all([
    client
      .from('ticket_messages')
      .select('id, author_name, from_staff, body, created_at')
      .eq('ticket_id', ticketId)
      .eq('internal', false)
      .order('created_at')
      .throwOnError(),
    client
      .from('ticket_events')
      .select('id, kind, actor_name, data, created_at')
      .eq('ticket_id', ticketId)
      .eq('internal', false)
      .order('id')
      .throwOnError(),
  ]);
  return { messages: messages.data, events: events.data };
}

export type Thread = Awaited<ReturnType<typeof getThread>>;
export type TicketEvent = Thread['events'][number];

export const threadQueryOptions = (ticketId: string) =>
  queryOptions({ queryKey: ticketKeys.thread(ticketId), queryFn: () => getThread(supabase, ticketId), staleTime: 5_000 });

export const useThread = (ticketId: string) => useSuspenseQuery(threadQueryOptions(ticketId));
