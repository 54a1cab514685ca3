import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import type { PackageForm } from '../schemas';
import { adminKeys } from './keys';

/** An RLS-protected update (admins only). Orders already created keep the price they were created with. */
export async function updatePackage(input: { id: string; values: PackageForm }) {
  const { name, price, credits, sort_order, active } = input.values;
  const { data } = await supabase
    .from('credit_packages')
    .update({ name, credits, sort_order, active, price_cents: Math.round(Number(price) * 100) })
    .eq('id', input.id)
    .select('id')
    .single()
    .throwOnError();
  return data;
}

export function useUpdatePackage() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: updatePackage, onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.packages() }) });
}
