import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { adminKeys } from './keys';

/** Every package, active or not (admins read all through RLS). */
export async function getPackages() {
  const { data } = await supabase
    .from('credit_packages')
    .select('id, name, credits, price_cents, currency, active, sort_order')
    .order('sort_order')
    .order('credits')
    .throwOnError();
  return data;
}
export type AdminPackage = Awaited<ReturnType<typeof getPackages>>[number];

export const packagesQueryOptions = () => queryOptions({ queryKey: adminKeys.packages(), queryFn: getPackages });
export const usePackages = () => useSuspenseQuery(packagesQueryOptions());
