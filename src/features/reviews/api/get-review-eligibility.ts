import { queryOptions, useQuery } from '@tanstack/react-query';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { loadSupabase } from '../../../lib/supabase-loader';
import { reviewKeys } from './keys';

/** Whether the signed-in person has a paid order (only purchasers may review). */
export async function getReviewEligibility(client: AppSupabaseClient, userId: string) {
  const { count } = await client
    .from('orders')
    .select('id', { count: 'exact', head: true })
    .eq('user_id', userId)
    .eq('status', 'paid')
    .throwOnError();
  return { hasPurchased: (count ?? 0) > 0 };
}

export const reviewEligibilityQueryOptions = (userId: string) =>
  queryOptions({
    queryKey: reviewKeys.eligibility(userId),
    queryFn: async () => getReviewEligibility(await loadSupabase(), userId),
  });

export const useReviewEligibility = (userId: string | undefined) =>
  useQuery({ ...reviewEligibilityQueryOptions(userId ?? ''), enabled: !!userId });
