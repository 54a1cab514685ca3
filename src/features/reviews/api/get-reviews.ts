import { publicSelect } from '../../../lib/public-api';
import type { PublicRead } from '../../../lib/public-cache';
import type { Review } from '../schemas';
import { reviewKeys } from './keys';

/** Every review, newest first (there is one per customer, so the list stays short). */
export async function getReviews(signal?: AbortSignal): Promise<Review[]> {
  const [rows, { reviewListSchema }] = await Promise.all([
    publicSelect('reviews?select=id,author_id,author_name,rating,title,body,created_at&order=created_at.desc&limit=500', signal),
    import('../schemas'),
  ]);
  return reviewListSchema.parse(rows);
}

/** The product page's read (see lib/public-cache.ts): reviews are only shown there. */
export const reviewsRead: PublicRead<Review[]> = { key: reviewKeys.list(), read: () => getReviews(), staleTime: 60_000 };
