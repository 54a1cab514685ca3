import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import * as z from 'zod/mini';
import { publicRpc } from '../../../lib/public-api';
import { catalogueKeys } from './keys';

/** The server's price of an upgrade (`upgrade_cost`, callable by anyone). */
export async function getUpgradeCost(from: string, to: string, signal?: AbortSignal) {
  return z.number().parse(await publicRpc('upgrade_cost', { p_from: from, p_to: to }, signal));
}

export const upgradeCostQueryOptions = (from: string, to: string) =>
  queryOptions({
    queryKey: catalogueKeys.upgradeCost(from, to),
    queryFn: ({ signal }) => getUpgradeCost(from, to, signal),
    staleTime: 5 * 60_000,
  });

export const useUpgradeCost = (from: string, to: string, enabled: boolean) =>
  useQuery({ ...upgradeCostQueryOptions(from, to), enabled, placeholderData: keepPreviousData });
