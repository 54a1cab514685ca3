import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

/** Gives credits back; the idempotency key (one per refund the engineer means) makes a repeated request harmless. */
export async function refundTicket(input: { ticketId: string; credits: number; reason: string; idempotencyKey: string }) {
  const { data } = await supabase
    .rpc('refund_ticket', { p_ticket_id: input.ticketId, p_credits: input.credits, p_reason: input.reason.trim(), p_idempotency_key: input.idempotencyKey })
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
