import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { messageSchema } from '../schemas';
import { ticketKeys } from './keys';

/** Adds the customer's reply to an open ticket. */
export async function postMessage(client: AppSupabaseClient, input: { ticketId: string; body: string }) {
  const { body } = messageSchema.parse({ body: input.body });
  const { data } = await client.rpc('post_message', { p_ticket_id: input.ticketId, p_body: body }).throwOnError();
  return data;
}

export function usePostMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { ticketId: string; body: string }) => postMessage(supabase, input),
    onSuccess: (_data, input) => queryClient.invalidateQueries({ queryKey: ticketKeys.thread(input.ticketId) }),
  });
}
