import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

export async function getCategories() {
  const { data } = await supabase
    .from('ticket_categories')
    .select('code, level, name, description, credits, min_credits, per_step_credits, included_steps, created_at, updated_at')
    .order('level')
    .order('credits')
    .throwOnError();
  return data;
}

export const categoriesQueryOptions = () =>
  queryOptions({ queryKey: triageKeys.categories(), queryFn: getCategories, staleTime: 5 * 60_000 });

export const useCategories = () => useSuspenseQuery(categoriesQueryOptions());
