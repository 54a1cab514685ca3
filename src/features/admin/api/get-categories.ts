import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { adminKeys } from './keys';

export async function getCategories() {
  const { data } = await supabase
    .from('ticket_categories')
    .select('code, level, name, credits, min_credits, per_step_credits, included_steps')
    .order('level')
    .order('credits')
    .throwOnError();
  return data;
}
export type AdminCategory = Awaited<ReturnType<typeof getCategories>>[number];

export const categoriesQueryOptions = () => queryOptions({ queryKey: adminKeys.categories(), queryFn: getCategories });
export const useCategories = () => useSuspenseQuery(categoriesQueryOptions());
