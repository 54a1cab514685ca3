import { useMutation, useQueryClient } from '@tanstack/react-query';
import { refreshPublicRead } from '../../../lib/public-cache';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { reviewInputSchema, type ReviewInput } from '../schemas';
import { reviewKeys } from './keys';

/** Writes or rewrites the caller's review (purchase_required for people without a paid order). */
export async function submitReview(client: AppSupabaseClient, input: ReviewInput) {
  const { rating, title, body } = reviewInputSchema.parse(input);
  const { data } = await client.rpc('submit_review', { p_rating: rating, p_title: title, p_body: body }).throwOnError();
  return data;
}

export function useSubmitReview({ onSuccess }: { onSuccess?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: ReviewInput) => submitReview(await loadSupabase(), input),
    onSuccess: async () => {
      // The list is the product page's public read (lib/public-cache.ts); eligibility is a query.
      await Promise.all([refreshPublicRead(reviewKeys.list()), queryClient.invalidateQueries({ queryKey: reviewKeys.all })]);
      onSuccess?.();
    },
  });
}
