import { queryOptions, useQuery } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { orderSchema } from '../schemas';
import { checkoutKeys } from './keys';

/** One of the customer's orders, with its account's balance (null when it is not theirs). */
export async function getOrder(client: AppSupabaseClient, orderId: string) {
  const { data } = await client
    .from('orders')
    .select('id, status, credits, amount_cents, currency, provider, paid_at, failure_reason, created_at, account_id, account:accounts(balance)')
    .eq('id', orderId)
    .maybeSingle()
    .throwOnError();
  if (!data) return null;
  const { account, ...order } = data;
  return { order: orderSchema.parse(order), balance: account?.balance ?? null };
}

export const orderQueryOptions = (orderId: string) =>
  queryOptions({ queryKey: checkoutKeys.order(orderId), queryFn: () => getOrder(supabase, orderId), staleTime: 0 });

/** Polls until the order is paid or failed: the credits arrive when the payment provider says so. */
export const useOrderUntilSettled = (orderId: string) =>
  useQuery({
    ...orderQueryOptions(orderId),
    refetchInterval: (query) => (query.state.data?.order.status === 'pending' ? 1000 : false),
  });
