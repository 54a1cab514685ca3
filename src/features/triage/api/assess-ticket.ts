import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

/** Puts a new ticket in a category; the database charges, waits for credits or sends the quote. */
export async function assessTicket(input: { ticketId: string; category: string; credits: number | null; versions?: { from: string; to: string } | null; note: string }) {
  const { data } = await supabase
    .rpc('assess_ticket', {
      p_ticket_id: input.ticketId,
      p_category: input.category,
      ...(input.credits !== null && { p_credits: input.credits }),
      ...(input.versions && { p_upgrade_from: input.versions.from, p_upgrade_to: input.versions.to }),
      ...(input.note.trim() && { p_note: input.note.trim() }),
    })
    .throwOnError();
  return data;
}

export function useAssessTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: assessTicket,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: triageKeys.all }),
  });
}
