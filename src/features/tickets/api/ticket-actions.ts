import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { rootKeys } from '../../../lib/query-keys';
import { ticketKeys } from './keys';

/** Money may move with these, so the credits feature's queries are refreshed as well. */
function useTicketMutation<Input, Output>(mutationFn: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ticketKeys.all }),
        queryClient.invalidateQueries({ queryKey: rootKeys.credits }),
        queryClient.invalidateQueries({ queryKey: rootKeys.notifications }),
      ]);
    },
  });
}

export async function confirmQuote(client: AppSupabaseClient, ticketId: string) {
  const { data } = await client.rpc('confirm_quote', { p_ticket_id: ticketId }).throwOnError();
  return data;
}

export async function declineQuote(client: AppSupabaseClient, input: { ticketId: string; reason: string }) {
  const reason = input.reason.trim();
  const { data } = await client.rpc('decline_quote', { p_ticket_id: input.ticketId, ...(reason && { p_reason: reason }) }).throwOnError();
  return data;
}

export async function cancelTicket(client: AppSupabaseClient, ticketId: string) {
  const { data } = await client.rpc('cancel_ticket', { p_ticket_id: ticketId }).throwOnError();
  return data;
}

export const useConfirmQuote = () => useTicketMutation((ticketId: string) => confirmQuote(supabase, ticketId));
export const useDeclineQuote = () => useTicketMutation((input: { ticketId: string; reason: string }) => declineQuote(supabase, input));
export const useCancelTicket = () => useTicketMutation((ticketId: string) => cancelTicket(supabase, ticketId));
