import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { readClient, type ReadClient } from '../../../lib/read-client';
import type { TicketFilters, TicketStatus } from '../schemas';
import { ticketKeys } from './keys';

export const TICKET_COLUMNS =
  'id, number, subject, status, category, quoted_credits, charged_credits, pre_approved, created_at, updated_at, parent_id';

const OPEN: TicketStatus[] = ['new', 'awaiting_confirmation', 'awaiting_credits', 'in_progress'];
const CLOSED: TicketStatus[] = ['resolved', 'declined', 'canceled'];

/** Characters that would change the meaning of a PostgREST `or=(…)` filter are dropped from a search. */
export const searchTerm = (q: string) => q.replace(/[,()*%\\":]/g, ' ').trim();

/** The customer's tickets, newest first, filtered by status and a search of subject (or a number). */
export async function getTickets(client: ReadClient, filters: TicketFilters) {
  let query = client.from('tickets').select(TICKET_COLUMNS).order('created_at', { ascending: false }).limit(200);
  if (filters.status === 'open') query = query.in('status', OPEN);
  else if (filters.status === 'closed') query = query.in('status', CLOSED);
  else if (filters.status !== 'all') query = query.eq('status', filters.status as TicketStatus);
  const term = searchTerm(filters.q);
  if (term) {
    const number = /^#?(\d{1,9})$/.exec(term)?.[1];
    query = number ? query.or(`number.eq.${number},subject.ilike.*${term}*`) : query.or(`subject.ilike.*${term}*,body.ilike.*${term}*`);
  }
  const { data } = await query.throwOnError();
  return data;
}

export type TicketSummary = Awaited<ReturnType<typeof getTickets>>[number];

export const ticketsQueryOptions = (filters: TicketFilters) =>
  queryOptions({ queryKey: ticketKeys.list(filters), queryFn: async () => getTickets(await readClient(), filters), staleTime: 5_000 });

export const useTickets = (filters: TicketFilters) => useSuspenseQuery(ticketsQueryOptions(filters));

/** Tickets waiting for the customer: quotes to confirm and charges waiting for credits. */
export async function getTicketsNeedingAction(client: ReadClient) {
  const { data } = await client
    .from('tickets')
    .select(TICKET_COLUMNS)
    .in('status', ['awaiting_confirmation', 'awaiting_credits'])
    .order('created_at', { ascending: true })
    .throwOnError();
  return data;
}

export const ticketsNeedingActionQueryOptions = () =>
  queryOptions({ queryKey: ticketKeys.needingAction(), queryFn: async () => getTicketsNeedingAction(await readClient()), staleTime: 5_000 });

export const useTicketsNeedingAction = () => useSuspenseQuery(ticketsNeedingActionQueryOptions());
