import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { newTicketSchema, type NewTicketInput } from '../schemas';
import { ticketKeys } from './keys';

/** Opens a ticket on the customer's own account. */
export async function createTicket(client: AppSupabaseClient, input: NewTicketInput) {
  const { subject, body, consent, upgrade_from, upgrade_to } = newTicketSchema.parse(input);
  const { data } = await client
    .rpc('create_ticket', {
      p_subject: subject.trim(),
      p_body: body,
      p_pre_approved: consent === 'pre_approved',
      ...(upgrade_from && upgrade_to && { p_upgrade_from: upgrade_from, p_upgrade_to: upgrade_to }),
    })
    .throwOnError();
  return data;
}

export function useCreateTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: NewTicketInput) => createTicket(supabase, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ticketKeys.all }),
  });
}
