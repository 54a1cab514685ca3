import { queryOptions, useQuery } from '@tanstack/react-query';
import { useAuthSession } from '../../../lib/auth-session';
import { OWN_ACCOUNT_EMBED, OWN_ACCOUNT_MEMBER } from '../../../lib/own-account';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { orderSchema } from '../schemas';
import { checkoutKeys } from './keys';

/** One of the signed-in person's orders, with its account's balance (null when it is not theirs). */
export async function getOrder(client: AppSupabaseClient, userId: string, orderId: string) {
  const { data } = await client
    .from('orders')
    .select(
      `id, status, credits, amount_cents, currency, provider, paid_at, failure_reason, created_at, account_id, account:accounts(balance), ${OWN_ACCOUNT_EMBED}`,
    )
    .eq('id', orderId)
    .eq(OWN_ACCOUNT_MEMBER, userId)
    .maybeSingle()
    .throwOnError();
  if (!data) return null;
  const { account, own_account: _membership, ...order } = data;
  return { order: orderSchema.parse(order), balance: account?.balance ?? null };
}

export const orderQueryOptions = (userId: string, orderId: string) =>
  queryOptions({ queryKey: checkoutKeys.order(userId, orderId), queryFn: () => getOrder(supabase, userId, orderId), staleTime: 0 });

/** Polls until the order is paid or failed: the credits arrive when the payment provider says so. */
export function useOrderUntilSettled(orderId: string) {
  const userId = useAuthSession().user?.id ?? '';
  return useQuery({
    ...orderQueryOptions(userId, orderId),
    enabled: userId !== '',
    refetchInterval: (query) => (query.state.data?.order.status === 'pending' ? 1000 : false),
  });
}
