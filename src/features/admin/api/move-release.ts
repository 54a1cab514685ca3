import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import type { Release } from './get-releases';
import { adminKeys } from './keys';

/**
 * Swaps two neighbouring releases. Positions are unique, so one goes to a free position first. Three
 * writes, not one transaction: if one fails the order shown after the refresh says where it stopped.
 */
export async function swapReleases(input: { a: Release; b: Release; free: number }) {
  const move = async (version: string, position: number) => {
    await supabase.from('product_releases').update({ position }).eq('version', version).throwOnError();
  };
  await move(input.a.version, input.free);
  await move(input.b.version, input.a.position);
  await move(input.a.version, input.b.position);
}

export function useSwapReleases() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: swapReleases, onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.releases() }) });
}
