import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { priceListKeys } from '../../../lib/catalogue/keys';

/**
 * A category's credits. For price-agreed categories the minimum moves with it, so "from N credits"
 * stays true; tickets already assessed keep their quoted price.
 */
export async function updateCategoryCredits(input: { code: string; credits: number; agreed: boolean }) {
  const { data } = await supabase
    .from('ticket_categories')
    .update({ credits: input.credits, ...(input.agreed && { min_credits: input.credits }) })
    .eq('code', input.code)
    .select('code')
    .single()
    .throwOnError();
  return data;
}

export function useUpdateCategoryCredits() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateCategoryCredits,
    // The whole price list (upgrade prices follow the upgrade category): every page of this tab shows the new prices, not only the editor.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: priceListKeys.all }),
  });
}
