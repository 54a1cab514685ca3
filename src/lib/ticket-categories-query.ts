/** The ticket categories (lib/ticket-categories.ts) as TanStack Query options, for the signed-in pages. */
import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { CATEGORIES_STALE_TIME, categoryKeys, getCategories } from './ticket-categories';

export const categoriesQueryOptions = () =>
  queryOptions({ queryKey: categoryKeys.list(), queryFn: ({ signal }) => getCategories(signal), staleTime: CATEGORIES_STALE_TIME });

export const useCategories = () => useSuspenseQuery(categoriesQueryOptions());
