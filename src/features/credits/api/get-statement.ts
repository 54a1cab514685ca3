import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import type { StatementLine } from '../schemas';
import { creditKeys } from './keys';

/** Every ledger entry of the account, newest first, with the transfer (and ticket) behind it. */
export async function getStatement(client: AppSupabaseClient, accountId: string): Promise<StatementLine[]> {
  const { data } = await client
    .from('credit_entries')
    .select('id, amount, balance_after, created_at, transfer:credit_transfers(kind, note, order_id, ticket:tickets(number, subject))')
    .eq('account_id', accountId)
    .order('id', { ascending: false })
    .limit(1000)
    .throwOnError();
  return data.map((entry) => ({
    id: entry.id,
    createdAt: entry.created_at,
    kind: entry.transfer?.kind ?? 'adjustment',
    amount: entry.amount,
    balanceAfter: entry.balance_after ?? 0,
    note: entry.transfer?.note ?? null,
    orderId: entry.transfer?.order_id ?? null,
    ticketNumber: entry.transfer?.ticket?.number ?? null,
    ticketSubject: entry.transfer?.ticket?.subject ?? null,
  }));
}

export const statementQueryOptions = (accountId: string) =>
  queryOptions({ queryKey: creditKeys.statement(accountId), queryFn: () => getStatement(supabase, accountId), staleTime: 5_000 });

export const useStatement = (accountId: string) => useSuspenseQuery(statementQueryOptions(accountId));
