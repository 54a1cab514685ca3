import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { priceListKeys } from '../../../lib/catalogue/keys';

/** Adds a release after the newest one (the database gives it the next position). */
export async function addRelease(input: { version: string; released_on: string }) {
  const { data } = await supabase
    .from('product_releases')
    .insert({ version: input.version, released_on: input.released_on || null })
    .select('version')
    .single()
    .throwOnError();
  return data;
}

export function useAddRelease() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: addRelease, onSuccess: () => queryClient.invalidateQueries({ queryKey: priceListKeys.all }) });
}
