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

/**
 * Confirms the price the customer was shown: the database refuses (invalid_state) when the engineer has
 * changed it since. The idempotency key is one per confirmation, so a retried request charges once.
 */
export async function confirmQuote(client: AppSupabaseClient, input: { ticketId: string; credits: number; idempotencyKey: string }) {
  const { data } = await client
    .rpc('confirm_quote', { p_ticket_id: input.ticketId, p_credits: input.credits, p_idempotency_key: input.idempotencyKey })
    .throwOnError();
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

/** A refused confirmation (the price changed) reloads the ticket, so the panel shows the new quote to confirm. */
export function useConfirmQuote() {
  const queryClient = useQueryClient();
  const mutation = useTicketMutation((input: { ticketId: string; credits: number; idempotencyKey: string }) => confirmQuote(supabase, input));
  return {
    ...mutation,
    mutateAsync: (input: { ticketId: string; credits: number; idempotencyKey: string }) =>
      mutation.mutateAsync(input).catch(async (error: unknown) => {
        await queryClient.invalidateQueries({ queryKey: ticketKeys.all });
        throw error;
      }),
  };
}
export const useDeclineQuote = () => useTicketMutation((input: { ticketId: string; reason: string }) => declineQuote(supabase, input));
export const useCancelTicket = () => useTicketMutation((ticketId: string) => cancelTicket(supabase, ticketId));
