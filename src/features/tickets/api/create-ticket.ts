import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { newTicketSchema, type NewTicketInput } from '../schemas';
import { ticketKeys } from './keys';

/** Opens a ticket on the customer's own account. */
export async function createTicket(client: AppSupabaseClient, input: NewTicketInput) {
  const { subject, body, consent, upgrade_from, upgrade_to, pre_approval_ceiling } = newTicketSchema.parse(input);
  const ceiling = consent === 'pre_approved' && pre_approval_ceiling?.trim() ? Number(pre_approval_ceiling) : null;
  const { data } = await client
    .rpc('create_ticket', {
      p_subject: subject.trim(),
      p_body: body,
      p_pre_approved: consent === 'pre_approved',
      ...(upgrade_from && upgrade_to && { p_upgrade_from: upgrade_from, p_upgrade_to: upgrade_to }),
      ...(ceiling !== null && { p_pre_approval_ceiling: ceiling }),
    })
    .throwOnError();
  return data;
}

/** The pre-approval ceiling a ticket gets when the customer leaves it as it is (the dearest fixed category). */
export function useDefaultPreApprovalCeiling() {
  return useQuery({
    queryKey: [...ticketKeys.all, 'default-pre-approval-ceiling'],
    queryFn: async () => (await supabase.rpc('default_pre_approval_ceiling').throwOnError()).data,
    staleTime: 5 * 60_000,
  });
}

export function useCreateTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: NewTicketInput) => createTicket(supabase, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ticketKeys.all }),
  });
}
