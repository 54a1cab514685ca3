import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { attachmentKeys } from './keys';

/** Puts the person's ready files on the message they have just sent. */
export async function attachToMessage(client: AppSupabaseClient, input: { messageId: string; attachmentIds: string[] }) {
  await client.rpc('attach_to_message', { p_message_id: input.messageId, p_attachment_ids: input.attachmentIds }).throwOnError();
}

export function useAttachToMessage(ticketId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { messageId: string; attachmentIds: string[] }) => attachToMessage(supabase, input),
    onSettled: () => queryClient.invalidateQueries({ queryKey: attachmentKeys.ticket(ticketId) }),
  });
}
