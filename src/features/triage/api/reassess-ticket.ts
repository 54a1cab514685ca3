import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';
import { quoteArgs, type QuoteInput } from './preview-quote';

/** Changes an assessed ticket's category or price, with a reason the customer sees. */
export async function reassessTicket(input: QuoteInput & { reason: string }) {
  const { data } = await supabase
    .rpc('reassess_ticket', { ...quoteArgs(input), p_reason: input.reason.trim() })
    .throwOnError();
  return data;
}

export function useReassessTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: reassessTicket,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: triageKeys.all }),
  });
}
