/**
 * The catalogue reads as TanStack Query options (the price list, which other features read too, is in lib/catalogue/queries.ts), for the signed-in pages (buying more credits, a new
 * ticket's upgrade price). A file of their own because the fetchers are also part of `/`'s first load,
 * which must not import TanStack Query (the product page reads them through lib/public-cache.ts).
 */
import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { getPackages, PACKAGES_STALE_TIME } from './get-packages';
import { catalogueKeys } from './keys';

export const packagesQueryOptions = () =>
  queryOptions({ queryKey: catalogueKeys.packages(), queryFn: ({ signal }) => getPackages(signal), staleTime: PACKAGES_STALE_TIME });

export const usePackages = () => useSuspenseQuery(packagesQueryOptions());
