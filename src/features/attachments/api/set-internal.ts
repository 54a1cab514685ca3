import { useMutation, useMutationState, useQueryClient } from '@tanstack/react-query';
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
    mutationKey: attachmentKeys.setInternal(ticketId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: attachmentKeys.ticket(ticketId) }),
  });
}

/**
 * The visibility a pending change will give an attachment, or undefined when none is pending. Read from the
 * mutation cache, so a toggle that remounts mid-change (a live refetch re-rendering the thread) still shows
 * the person's click instead of springing back.
 */
export function usePendingInternal(ticketId: string, attachmentId: string): boolean | undefined {
  const pending = useMutationState({
    filters: {
      mutationKey: attachmentKeys.setInternal(ticketId),
      status: 'pending',
      predicate: (mutation) => (mutation.state.variables as { id?: string } | undefined)?.id === attachmentId,
    },
    select: (mutation) => (mutation.state.variables as { internal: boolean }).internal,
  });
  return pending.at(-1);
}
