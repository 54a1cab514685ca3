import { lazy, Suspense } from 'react';
import { Skeleton } from '../../../components/ui/skeleton';
import { useAuthSession } from '../../../lib/auth-session';
import { formatDate } from '../../../lib/format';
import { usePublicRead } from '../../../lib/public-cache';
import { reviewsRead } from '../api/get-reviews';
import type { Review } from '../schemas';
import { summarise } from '../summary';
import { ReviewNotice } from './review-notice';

// Signed-in people only: whether they may review is a query (TanStack Query, supabase-js), which a
// visitor's first load of `/` does without.
const PurchaserReview = lazy(() => import('./purchaser-review'));

function Stars({ rating }: { rating: number }) {
  return (
    <span aria-hidden="true" className="tracking-tight text-amber-700">
      {'★'.repeat(Math.round(rating))}
      <span className="text-slate-400">{'★'.repeat(5 - Math.round(rating))}</span>
    </span>
  );
}

export function ReviewsSection() {
  const reviews = usePublicRead(reviewsRead);
  const { count, average } = summarise(reviews);
  return (
    <div className="space-y-6">
      {count === 0 ? (
        <p className="text-slate-700">There are no reviews yet.</p>
      ) : (
        <>
          <p className="flex items-center gap-2 text-lg">
            <Stars rating={average} />
            <span>
              <strong>{average.toFixed(1)}</strong> out of 5 · {count} review{count === 1 ? '' : 's'}
            </span>
          </p>
          <ul className="space-y-4">
            {reviews.map((review) => (
              <li key={review.id} className="rounded-lg border border-slate-200 bg-white p-4">
                <p className="flex flex-wrap items-center gap-2">
                  <Stars rating={review.rating} />
                  <span className="sr-only">{review.rating} out of 5 stars.</span>
                  <strong>{review.title}</strong>
                </p>
                <p className="mt-2 whitespace-pre-line text-slate-800">{review.body}</p>
                <p className="mt-2 text-sm text-slate-600">
                  {review.author_name || 'A customer'} · {formatDate(review.created_at)}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
      <ReviewFormOrNotice reviews={reviews} />
    </div>
  );
}

function ReviewFormOrNotice({ reviews }: { reviews: readonly Review[] }) {
  const auth = useAuthSession();
  if (auth.status === 'loading') return null;
  if (auth.status === 'signed-out') return <ReviewNotice signedIn={false} />;
  return (
    <Suspense fallback={<Skeleton lines={4} label="Loading the review form…" />}>
      <PurchaserReview userId={auth.user.id} reviews={reviews} />
    </Suspense>
  );
}
