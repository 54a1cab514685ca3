import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { readClient, type ReadClient } from '../../../lib/read-client';
import { CLOSED_STATUSES, OPEN_STATUSES, WAITING_ON_CUSTOMER_STATUSES, type TicketStatus } from '../../../lib/ticket-status';
import type { TicketFilters } from '../schemas';
import { ticketKeys } from './keys';
import { OWN_ACCOUNT_EMBED, OWN_ACCOUNT_MEMBER } from '../../../lib/own-account';

export const TICKET_COLUMNS =
  'id, number, subject, status, category, quoted_credits, charged_credits, pre_approved, created_at, updated_at, parent_id';

/** Characters that would change the meaning of a PostgREST `or=(…)` filter are dropped from a search. */
export const searchTerm = (q: string) => q.replace(/[,()*%\\":]/g, ' ').trim();

/** The signed-in person's tickets (their accounts' only), newest first, filtered by status and a search of subject (or a number). */
export async function getTickets(client: ReadClient, userId: string, filters: TicketFilters) {
  let query = client
    .from('tickets')
    .select(`${TICKET_COLUMNS}, ${OWN_ACCOUNT_EMBED}`)
    .eq(OWN_ACCOUNT_MEMBER, userId)
    .order('created_at', { ascending: false })
    .limit(200);
  if (filters.status === 'open') query = query.in('status', OPEN_STATUSES);
  else if (filters.status === 'closed') query = query.in('status', CLOSED_STATUSES);
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

export const ticketsQueryOptions = (userId: string, filters: TicketFilters) =>
  queryOptions({
    queryKey: ticketKeys.list(userId, filters),
    queryFn: async () => getTickets(await readClient(), userId, filters),
    staleTime: 5_000,
  });

export const useTickets = (userId: string, filters: TicketFilters) => useSuspenseQuery(ticketsQueryOptions(userId, filters));

/** The signed-in person's tickets waiting for them: quotes to confirm and charges waiting for credits. */
export async function getTicketsNeedingAction(client: ReadClient, userId: string) {
  const { data } = await client
    .from('tickets')
    .select(`${TICKET_COLUMNS}, ${OWN_ACCOUNT_EMBED}`)
    .eq(OWN_ACCOUNT_MEMBER, userId)
    .in('status', WAITING_ON_CUSTOMER_STATUSES)
    .order('created_at', { ascending: true })
    .throwOnError();
  return data;
}

export const ticketsNeedingActionQueryOptions = (userId: string) =>
  queryOptions({
    queryKey: ticketKeys.needingAction(userId),
    queryFn: async () => getTicketsNeedingAction(await readClient(), userId),
    staleTime: 5_000,
  });

export const useTicketsNeedingAction = (userId: string) => useSuspenseQuery(ticketsNeedingActionQueryOptions(userId));
