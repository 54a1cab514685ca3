import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { OWN_ACCOUNT_EMBED, OWN_ACCOUNT_MEMBER } from '../../../lib/own-account';
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

/** One order of the signed-in person's accounts, for its receipt; null for anyone else's. */
export async function getOrder(client: AppSupabaseClient, userId: string, orderId: string) {
  const { data } = await client
    .from('orders')
    .select(`${columns}, account:accounts(name), ${OWN_ACCOUNT_EMBED}`)
    .eq('id', orderId)
    .eq(OWN_ACCOUNT_MEMBER, userId)
    .maybeSingle()
    .throwOnError();
  return data;
}

export type Order = Awaited<ReturnType<typeof getOrders>>[number];

export const ordersQueryOptions = (accountId: string) =>
  queryOptions({ queryKey: creditKeys.orders(accountId), queryFn: () => getOrders(supabase, accountId), staleTime: 5_000 });

export const orderReceiptQueryOptions = (userId: string, orderId: string) =>
  queryOptions({ queryKey: creditKeys.order(userId, orderId), queryFn: () => getOrder(supabase, userId, orderId) });

export const useOrders = (accountId: string) => useSuspenseQuery(ordersQueryOptions(accountId));
export const useOrderReceipt = (userId: string, orderId: string) => useSuspenseQuery(orderReceiptQueryOptions(userId, orderId));
