import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import * as z from 'zod/mini';
import { publicSelect } from '../../../lib/public-api';
import { categorySchema } from '../schemas';
import { catalogueKeys } from './keys';

/** The price list: ticket categories by level, then price. */
export async function getCategories(signal?: AbortSignal) {
  const rows = await publicSelect(
    'ticket_categories?select=code,level,name,description,credits,min_credits,per_step_credits,included_steps&order=level.asc,credits.asc,code.asc',
    signal,
  );
  return z.array(categorySchema).parse(rows);
}

export const categoriesQueryOptions = () =>
  queryOptions({ queryKey: catalogueKeys.categories(), queryFn: ({ signal }) => getCategories(signal), staleTime: 5 * 60_000 });

export const useCategories = () => useSuspenseQuery(categoriesQueryOptions());
