import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { adminKeys } from './keys';

/** Adds (+) or removes (−) credits with a note, as a ledger transfer; waiting tickets are charged if covered. */
export async function adjustCredits(input: { accountId: string; amount: number; note: string; idempotencyKey: string }) {
  const { data } = await supabase
    .rpc('adjust_credits', { p_account_id: input.accountId, p_amount: input.amount, p_note: input.note, p_idempotency_key: input.idempotencyKey })
    .throwOnError();
  return data;
}

export function useAdjustCredits() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: adjustCredits, onSuccess: () => queryClient.invalidateQueries({ queryKey: [...adminKeys.all, 'account'] }) });
}
