import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';
import { quoteArgs, type QuoteInput } from './preview-quote';

/** Puts a new ticket in a category; the database charges, waits for credits or sends the quote. */
export async function assessTicket(input: QuoteInput & { note: string }) {
  const { data } = await supabase
    .rpc('assess_ticket', { ...quoteArgs(input), ...(input.note.trim() && { p_note: input.note.trim() }) })
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
