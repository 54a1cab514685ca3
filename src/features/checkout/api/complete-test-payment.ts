import { useMutation, useQueryClient } from '@tanstack/react-query';
import type * as z from 'zod/mini';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { functionError } from '../function-errors';
import { testOutcomeSchema } from '../schemas';

/** The test provider's Pay / Cancel (only for the order's buyer, only while no real provider is set up). */
export async function completeTestPayment(client: AppSupabaseClient, input: { orderId: string; outcome: z.infer<typeof testOutcomeSchema> }) {
  const result = await client.functions.invoke<unknown>('test-payment', {
    body: { order_id: input.orderId, outcome: testOutcomeSchema.parse(input.outcome) },
  });
  if (result.error) throw await functionError(result.error);
  return result.data;
}

export function useCompleteTestPayment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { orderId: string; outcome: 'paid' | 'canceled' }) => completeTestPayment(supabase, input),
    // Balance, statement and tickets all change when credits arrive.
    onSuccess: () => queryClient.invalidateQueries(),
  });
}
