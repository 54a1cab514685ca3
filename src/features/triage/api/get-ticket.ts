import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

const columns =
  'id, number, account_id, created_by, subject, body, pre_approved, pre_approval_ceiling, status, category, quoted_credits, charged_credits, upgrade_from, upgrade_to, parent_id, assignee_id, created_at, updated_at, assessed_at, resolved_at, closed_at';

/** A ticket by its number, or null when there is none. */
export async function getTicket(number: number) {
  const { data } = await supabase.from('tickets').select(columns).eq('number', number).maybeSingle().throwOnError();
  return data;
}

export type StaffTicket = NonNullable<Awaited<ReturnType<typeof getTicket>>>;

export const ticketQueryOptions = (number: number) =>
  queryOptions({ queryKey: triageKeys.ticket(number), queryFn: () => getTicket(number), staleTime: 10_000 });

export const useTicket = (number: number) => useSuspenseQuery(ticketQueryOptions(number));
