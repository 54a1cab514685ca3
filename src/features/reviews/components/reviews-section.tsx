import { lazy, Suspense } from 'react';
import { Link } from '../../../components/ui/link';
import { Skeleton } from '../../../components/ui/skeleton';
import { paths } from '../../../config/paths';
import { useAuthSession } from '../../../lib/auth-session';
import { useReviewEligibility } from '../api/get-review-eligibility';
import { useReviews } from '../api/get-reviews';
import { summarise, type Review } from '../schemas';

const ReviewForm = lazy(() => import('./review-form'));

const NOTICE = 'Only logged in customers who have purchased this product may leave a review.';

function Stars({ rating }: { rating: number }) {
  return (
    <span aria-hidden="true" className="tracking-tight text-amber-700">
      {'★'.repeat(Math.round(rating))}
      <span className="text-slate-400">{'★'.repeat(5 - Math.round(rating))}</span>
    </span>
  );
}

export function ReviewsSection() {
  const { data: reviews } = useReviews();
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
                  {review.author_name || 'A customer'} · {new Date(review.created_at).toLocaleDateString('en-US', { dateStyle: 'medium' })}
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
  const userId = auth.status === 'signed-in' ? auth.user.id : undefined;
  const eligibility = useReviewEligibility(userId);
  if (auth.status === 'loading' || (userId && eligibility.isPending)) return null;
  if (!userId || !eligibility.data?.hasPurchased) {
    return (
      <p className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-800">
        {NOTICE}{' '}
        {!userId && (
          <Link to={paths.auth.login.getHref(paths.home.getHref())}>Sign in</Link>
        )}
      </p>
    );
  }
  return (
    <Suspense fallback={<Skeleton lines={4} label="Loading the review form…" />}>
      <ReviewForm existing={reviews.find((review) => review.author_id === userId)} />
    </Suspense>
  );
}
