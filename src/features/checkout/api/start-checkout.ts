import { useMutation } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { functionError } from '../function-errors';
import { checkoutResponseSchema } from '../schemas';

/** Creates (or reuses) a pending order for a package; answers where to pay it. */
export async function startCheckout(client: AppSupabaseClient, packageId: string) {
  const result = await client.functions.invoke<unknown>('checkout', { body: { package_id: packageId } });
  if (result.error) throw await functionError(result.error);
  return checkoutResponseSchema.parse(result.data);
}

export const useStartCheckout = () => useMutation({ mutationFn: (packageId: string) => startCheckout(supabase, packageId) });
