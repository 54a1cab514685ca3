import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

export async function resolveTicket(input: { ticketId: string }) {
  const { data } = await supabase.rpc('resolve_ticket', { p_ticket_id: input.ticketId }).throwOnError();
  return data;
}

export function useResolveTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: resolveTicket,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: triageKeys.all }),
  });
}
