import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { readClient, type ReadClient } from '../../../lib/read-client';
import { creditKeys } from './keys';

/** The customer's own credit wallet (the one made for them at sign-up). */
export async function getAccount(client: ReadClient, userId: string) {
  const { data } = await client
    .from('account_members')
    .select('account:accounts(id, name, balance, low_balance_threshold)')
    .eq('user_id', userId)
    .eq('role', 'owner')
    .order('created_at')
    .limit(1)
    .maybeSingle()
    .throwOnError();
  return data?.account ?? null;
}

export type Account = NonNullable<Awaited<ReturnType<typeof getAccount>>>;

export const accountQueryOptions = (userId: string) =>
  queryOptions({ queryKey: creditKeys.account(userId), queryFn: async () => getAccount(await readClient(), userId), staleTime: 5_000 });

export const useAccount = (userId: string) => useSuspenseQuery(accountQueryOptions(userId));
