import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

/** Who asked, their account's balance and its latest tickets: the context for assessing. */
export async function getCustomerSummary(accountId: string, userId: string | null) {
  const [profile, account, recent] = await Promise.all([
    userId
      ? supabase.from('profiles').select('id, email, full_name').eq('id', userId).maybeSingle().throwOnError()
      : Promise.resolve({ data: null }),
    supabase.from('accounts').select('id, name, balance, low_balance_threshold').eq('id', accountId).single().throwOnError(),
    supabase
      .from('tickets')
      .select('id, number, subject, status, charged_credits, created_at')
      .eq('account_id', accountId)
      .order('created_at', { ascending: false })
      .limit(6)
      .throwOnError(),
  ]);
  return { profile: profile.data, account: account.data, recent: recent.data };
}

export const customerSummaryQueryOptions = (accountId: string, userId: string | null) =>
  queryOptions({
    queryKey: triageKeys.customer(accountId, userId),
    queryFn: () => getCustomerSummary(accountId, userId),
    staleTime: 10_000,
  });

export const useCustomerSummary = (accountId: string, userId: string | null) =>
  useSuspenseQuery(customerSummaryQueryOptions(accountId, userId));
