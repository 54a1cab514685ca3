import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

/** Gives the ticket to a staff member; null takes it off everyone. */
export async function assignTicket(input: { ticketId: string; assigneeId: string | null }) {
  const { data } = await supabase
    .rpc('assign_ticket', { p_ticket_id: input.ticketId, p_assignee_id: input.assigneeId as string })
    .throwOnError();
  return data;
}

export function useAssignTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: assignTicket,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: triageKeys.all }),
  });
}
