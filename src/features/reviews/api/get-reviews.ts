import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import * as z from 'zod/mini';
import { publicSelect } from '../../../lib/public-api';
import { reviewSchema } from '../schemas';
import { reviewKeys } from './keys';

/** Every review, newest first (there is one per customer, so the list stays short). */
export async function getReviews(signal?: AbortSignal) {
  const rows = await publicSelect('reviews?select=id,author_id,author_name,rating,title,body,created_at&order=created_at.desc&limit=500', signal);
  return z.array(reviewSchema).parse(rows);
}

export const reviewsQueryOptions = () =>
  queryOptions({ queryKey: reviewKeys.list(), queryFn: ({ signal }) => getReviews(signal), staleTime: 60_000 });

export const useReviews = () => useSuspenseQuery(reviewsQueryOptions());
