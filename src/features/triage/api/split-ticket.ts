import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

/** Splits a separate question into a new ticket; returns the new one. */
export async function splitTicket(input: { ticketId: string; subject: string; body: string }) {
  const { data } = await supabase
    .rpc('split_ticket', { p_ticket_id: input.ticketId, p_subject: input.subject.trim(), p_body: input.body })
    .throwOnError();
  return data;
}

export function useSplitTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: splitTicket,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: triageKeys.all }),
  });
}
