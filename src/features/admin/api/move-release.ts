import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { priceListKeys } from '../../../lib/catalogue/keys';

/**
 * Moves a release one place earlier ('up') or later ('down'). One call to `move_release`, which swaps
 * it with its neighbour in one transaction, so the order is never left half-written.
 */
export async function moveRelease(input: { version: string; direction: 'up' | 'down' }) {
  const { data } = await supabase.rpc('move_release', { p_version: input.version, p_direction: input.direction }).throwOnError();
  return data;
}

export function useMoveRelease() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: moveRelease, onSettled: () => queryClient.invalidateQueries({ queryKey: priceListKeys.all }) });
}
