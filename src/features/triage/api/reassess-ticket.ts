import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

/** Changes an assessed ticket's category or price, with a reason the customer sees. */
export async function reassessTicket(input: { ticketId: string; category: string; credits: number | null; versions?: { from: string; to: string } | null; reason: string }) {
  const { data } = await supabase
    .rpc('reassess_ticket', {
      p_ticket_id: input.ticketId,
      p_category: input.category,
      ...(input.credits !== null && { p_credits: input.credits }),
      ...(input.versions && { p_upgrade_from: input.versions.from, p_upgrade_to: input.versions.to }),
      p_reason: input.reason.trim(),
    })
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
