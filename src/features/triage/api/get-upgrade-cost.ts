import { queryOptions, useQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

/** The upgrade price from the release list (`upgrade_cost`), as the database will charge it. */
export async function getUpgradeCost(from: string, to: string): Promise<number> {
  const { data } = await supabase.rpc('upgrade_cost', { p_from: from, p_to: to }).throwOnError();
  return data;
}

export const upgradeCostQueryOptions = (from: string, to: string) =>
  queryOptions({ queryKey: triageKeys.upgradeCost(from, to), queryFn: () => getUpgradeCost(from, to), staleTime: 0 });

export const useUpgradeCost = (versions: { from: string; to: string } | null) =>
  useQuery({ ...upgradeCostQueryOptions(versions?.from ?? '', versions?.to ?? ''), enabled: versions !== null });
