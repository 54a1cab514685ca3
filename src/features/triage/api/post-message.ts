import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

/** A reply the customer sees, or an internal note only staff see. */
export async function postMessage(input: { ticketId: string; body: string; internal: boolean }) {
  const { data } = await supabase
    .rpc('post_message', { p_ticket_id: input.ticketId, p_body: input.body, p_internal: input.internal })
    .throwOnError();
  return data;
}

export function usePostMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: postMessage,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: triageKeys.all }),
  });
}
