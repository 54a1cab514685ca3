import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { ticketKeys } from './keys';
import { OWN_ACCOUNT_EMBED, OWN_ACCOUNT_MEMBER } from '../../../lib/own-account';

const columns =
  'id, number, account_id, subject, body, pre_approved, pre_approval_ceiling, status, category, quoted_credits, charged_credits, upgrade_from, upgrade_to, parent_id, created_at, updated_at, resolved_at, closed_at';

/** A ticket by number with its account's balance and its split relatives; null when not on the signed-in person's accounts. */
export async function getTicket(client: AppSupabaseClient, userId: string, number: number) {
  const { data: ticket } = await client
    .from('tickets')
    .select(`${columns}, ${OWN_ACCOUNT_EMBED}`)
    .eq('number', number)
    .eq(OWN_ACCOUNT_MEMBER, userId)
    .maybeSingle()
    .throwOnError();
  if (!ticket) return null;
  const [account, parent, children] = await Promise.all([
    client.from('accounts').select('id, balance').eq('id', ticket.account_id).single().throwOnError(),
    ticket.parent_id
      ? client
          .from('tickets')
          .select('number, subject')
          .eq('id', ticket.parent_id)
          .eq('account_id', ticket.account_id)
          .maybeSingle()
          .throwOnError()
      : Promise.resolve({ data: null }),
    client
      .from('tickets')
      .select('number, subject')
      .eq('parent_id', ticket.id)
      .eq('account_id', ticket.account_id)
      .order('number')
      .throwOnError(),
  ]);
  return { ticket, balance: account.data.balance, parent: parent.data, children: children.data };
}

export type TicketDetail = NonNullable<Awaited<ReturnType<typeof getTicket>>>;

export const ticketQueryOptions = (userId: string, number: number) =>
  queryOptions({ queryKey: ticketKeys.detail(userId, number), queryFn: () => getTicket(supabase, userId, number), staleTime: 5_000 });

export const useTicket = (userId: string, number: number) => useSuspenseQuery(ticketQueryOptions(userId, number));
