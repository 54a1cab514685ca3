import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

export async function refundTicket(input: { ticketId: string; credits: number; reason: string }) {
  const { data } = await supabase
    .rpc('refund_ticket', { p_ticket_id: input.ticketId, p_credits: input.credits, p_reason: input.reason.trim() })
    .throwOnError();
  return data;
}

export function useRefundTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: refundTicket,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: triageKeys.all }),
  });
}
