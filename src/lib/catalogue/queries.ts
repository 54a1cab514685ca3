/** The price list (categories.ts) as TanStack Query options, for the signed-in pages. */
import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import * as z from 'zod/mini';
import { publicRpc } from '../public-api';
import { getCategories, PRICE_LIST_STALE_TIME } from './categories';
import { priceListKeys } from './keys';
import { getReleases } from './releases';

export const categoriesQueryOptions = () =>
  queryOptions({ queryKey: priceListKeys.categories(), queryFn: ({ signal }) => getCategories(signal), staleTime: PRICE_LIST_STALE_TIME });

export const useCategories = () => useSuspenseQuery(categoriesQueryOptions());

export const releasesQueryOptions = () =>
  queryOptions({ queryKey: priceListKeys.releases(), queryFn: ({ signal }) => getReleases(signal), staleTime: PRICE_LIST_STALE_TIME });

export const useReleases = () => useSuspenseQuery(releasesQueryOptions());

/** The server's price of an upgrade (`upgrade_cost`, callable by anyone): what the database will charge. */
export async function getUpgradeCost(from: string, to: string, signal?: AbortSignal): Promise<number> {
  return z.number().parse(await publicRpc('upgrade_cost', { p_from: from, p_to: to }, signal));
}

export const upgradeCostQueryOptions = (from: string, to: string) =>
  queryOptions({
    queryKey: priceListKeys.upgradeCost(from, to),
    queryFn: ({ signal }) => getUpgradeCost(from, to, signal),
    staleTime: PRICE_LIST_STALE_TIME,
  });
