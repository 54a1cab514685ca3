import { lazy, Suspense } from 'react';
import { Skeleton } from '../../../components/ui/skeleton';
import { QueryProvider } from '../../../lib/query-provider';
import { useReviewEligibility } from '../api/get-review-eligibility';
import type { Review } from '../schemas';
import { ReviewNotice } from './review-notice';

const ReviewForm = lazy(() => import('./review-form'));

/** Loaded for signed-in people only (React.lazy): the form for purchasers, the notice for others. */
export default function PurchaserReview({ userId, reviews }: { userId: string; reviews: readonly Review[] }) {
  return (
    <QueryProvider>
      <FormOrNotice userId={userId} reviews={reviews} />
    </QueryProvider>
  );
}

function FormOrNotice({ userId, reviews }: { userId: string; reviews: readonly Review[] }) {
  const eligibility = useReviewEligibility(userId);
  if (eligibility.isPending) return null;
  if (!eligibility.data?.hasPurchased) return <ReviewNotice signedIn />;
  return (
    <Suspense fallback={<Skeleton lines={4} label="Loading the review form…" />}>
      <ReviewForm existing={reviews.find((review) => review.author_id === userId)} />
    </Suspense>
  );
}
