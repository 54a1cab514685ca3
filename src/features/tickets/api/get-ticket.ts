import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { ticketKeys } from './keys';

const columns =
  'id, number, account_id, subject, body, pre_approved, pre_approval_ceiling, status, category, quoted_credits, charged_credits, upgrade_from, upgrade_to, parent_id, created_at, updated_at, resolved_at, closed_at';

/** A ticket by number with its account's balance and its split relatives; null when not the customer's. */
export async function getTicket(client: AppSupabaseClient, number: number) {
  const { data: ticket } = await client.from('tickets').select(columns).eq('number', number).maybeSingle().throwOnError();
  if (!ticket) return null;
  const [account, parent, children] = await Promise.all([
    client.from('accounts').select('id, balance').eq('id', ticket.account_id).single().throwOnError(),
    ticket.parent_id
      ? client.from('tickets').select('number, subject').eq('id', ticket.parent_id).maybeSingle().throwOnError()
      : Promise.resolve({ data: null }),
    client.from('tickets').select('number, subject').eq('parent_id', ticket.id).order('number').throwOnError(),
  ]);
  return { ticket, balance: account.data.balance, parent: parent.data, children: children.data };
}

export type TicketDetail = NonNullable<Awaited<ReturnType<typeof getTicket>>>;

export const ticketQueryOptions = (number: number) =>
  queryOptions({ queryKey: ticketKeys.detail(number), queryFn: () => getTicket(supabase, number), staleTime: 5_000 });

export const useTicket = (number: number) => useSuspenseQuery(ticketQueryOptions(number));
