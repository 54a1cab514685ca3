import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { adminKeys } from './keys';

const problemsKey = () => [...adminKeys.all, 'payment-problems'] as const;

/**
 * What needs an admin about payments: webhook events that did not match their order (nothing was
 * credited), and paid orders that could not be credited (the maximum balance) whose payment must go back.
 */
export async function getPaymentProblems() {
  const [events, orders] = await Promise.all([
    supabase
      .from('payment_events')
      .select('id, type, order_id, problem, created_at')
      .not('problem', 'is', null)
      .is('resolved_at', null)
      .order('created_at')
      .limit(100)
      .throwOnError(),
    supabase
      .from('orders')
      .select('id, account_id, credits, amount_cents, currency, provider, provider_payment_id, failure_reason, created_at')
      .eq('refund_due', true)
      .is('refunded_at', null)
      .order('created_at')
      .limit(100)
      .throwOnError(),
  ]);
  return { events: events.data, orders: orders.data };
}

export const usePaymentProblems = () => useQuery({ queryKey: problemsKey(), queryFn: getPaymentProblems });

function useProblemMutation<Input>(mutationFn: (input: Input) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => queryClient.invalidateQueries({ queryKey: problemsKey() }) });
}

export const useResolvePaymentEvent = () =>
  useProblemMutation(async (input: { eventId: string; note: string }) =>
    (await supabase.rpc('admin_resolve_payment_event', { p_event_id: input.eventId, p_note: input.note.trim() }).throwOnError()).data,
  );

export const useMarkOrderRefunded = () =>
  useProblemMutation(async (input: { orderId: string; note: string }) =>
    (await supabase.rpc('admin_mark_order_refunded', { p_order_id: input.orderId, p_note: input.note.trim() }).throwOnError()).data,
  );
