import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { attachmentKeys } from './keys';

/** Staff only (the function refuses anyone else): hides an attachment from the customer, or shows it again. */
export async function setAttachmentInternal(client: AppSupabaseClient, input: { id: string; internal: boolean }) {
  await client.rpc('set_attachment_internal', { p_id: input.id, p_internal: input.internal }).throwOnError();
}

export function useSetAttachmentInternal(ticketId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; internal: boolean }) => setAttachmentInternal(supabase, input),
    onSettled: () => queryClient.invalidateQueries({ queryKey: attachmentKeys.ticket(ticketId) }),
  });
}
