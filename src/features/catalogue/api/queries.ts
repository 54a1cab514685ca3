/**
 * The catalogue reads as TanStack Query options, for the signed-in pages (buying more credits, a new
 * ticket's upgrade price). A file of their own because the fetchers are also part of `/`'s first load,
 * which must not import TanStack Query (the product page reads them through lib/public-cache.ts).
 */
import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { CATEGORIES_STALE_TIME, getCategories } from './get-categories';
import { getPackages, PACKAGES_STALE_TIME } from './get-packages';
import { getReleases, RELEASES_STALE_TIME } from './get-releases';
import { catalogueKeys } from './keys';

export const packagesQueryOptions = () =>
  queryOptions({ queryKey: catalogueKeys.packages(), queryFn: ({ signal }) => getPackages(signal), staleTime: PACKAGES_STALE_TIME });

export const usePackages = () => useSuspenseQuery(packagesQueryOptions());

export const categoriesQueryOptions = () =>
  queryOptions({ queryKey: catalogueKeys.categories(), queryFn: ({ signal }) => getCategories(signal), staleTime: CATEGORIES_STALE_TIME });

export const useCategories = () => useSuspenseQuery(categoriesQueryOptions());

export const releasesQueryOptions = () =>
  queryOptions({ queryKey: catalogueKeys.releases(), queryFn: ({ signal }) => getReleases(signal), staleTime: RELEASES_STALE_TIME });

export const useReleases = () => useSuspenseQuery(releasesQueryOptions());
