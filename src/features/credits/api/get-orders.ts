import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { creditKeys } from './keys';

const columns = 'id, credits, amount_cents, currency, status, provider, paid_at, created_at, failure_reason, package:credit_packages(name)';

/** The account's purchases, newest first. */
export async function getOrders(client: AppSupabaseClient, accountId: string) {
  const { data } = await client
    .from('orders')
    .select(columns)
    .eq('account_id', accountId)
    .order('created_at', { ascending: false })
    .limit(200)
    .throwOnError();
  return data;
}

/** One order, for its receipt. */
export async function getOrder(client: AppSupabaseClient, orderId: string) {
  const { data } = await client.from('orders').select(`${columns}, account:accounts(name)`).eq('id', orderId).maybeSingle().throwOnError();
  return data;
}

export type Order = Awaited<ReturnType<typeof getOrders>>[number];

export const ordersQueryOptions = (accountId: string) =>
  queryOptions({ queryKey: creditKeys.orders(accountId), queryFn: () => getOrders(supabase, accountId), staleTime: 5_000 });

export const orderReceiptQueryOptions = (orderId: string) =>
  queryOptions({ queryKey: creditKeys.order(orderId), queryFn: () => getOrder(supabase, orderId) });

export const useOrders = (accountId: string) => useSuspenseQuery(ordersQueryOptions(accountId));
export const useOrderReceipt = (orderId: string) => useSuspenseQuery(orderReceiptQueryOptions(orderId));
