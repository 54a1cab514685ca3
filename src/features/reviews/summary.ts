import type { Review } from './schemas';

/** The number of reviews and their average rating, to one decimal. */
export function summarise(reviews: readonly Pick<Review, 'rating'>[]) {
  const count = reviews.length;
  const average = count === 0 ? 0 : reviews.reduce((sum, review) => sum + review.rating, 0) / count;
  return { count, average: Math.round(average * 10) / 10 };
}
