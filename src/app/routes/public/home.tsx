import { lazy, Suspense, type ReactNode } from 'react';
import { Link } from '../../../components/ui/link';
import { SectionErrorBoundary } from '../../../components/ui/section-error-boundary';
import { Skeleton } from '../../../components/ui/skeleton';
import { paths } from '../../../config/paths';
import { categoriesRead } from '../../../lib/catalogue/categories';
import { packagesRead } from '../../../features/catalogue/api/get-packages';
import { releasesRead } from '../../../lib/catalogue/releases';
import { CategoryTable } from '../../../features/catalogue/components/category-table';
import { HowItWorks } from '../../../features/catalogue/components/how-it-works';
import { PackagePicker } from '../../../features/catalogue/components/package-picker';
import { priceRange } from '../../../features/catalogue/pricing';
import { reviewsRead } from '../../../features/reviews/api/get-reviews';
import { ReviewsSection } from '../../../features/reviews/components/reviews-section';
import { apiErrorMessage } from '../../../lib/api-errors';
import { useAuthSession } from '../../../lib/auth-session';
import { forgetFailedPublicReads, usePublicRead, warmPublicRead } from '../../../lib/public-cache';
import { useDocumentTitle } from '../../../lib/use-document-title';

// The calculator asks the server for each price (TanStack Query): its code comes in with the data.
const loadCalculator = () => import('./home-calculator');
const HomeCalculator = lazy(loadCalculator);

/**
 * Starts every read of the page at once, without waiting for them: the heading and the policy paint
 * immediately and each section fills in as its data arrives. All reads are plain `fetch` calls cached
 * in lib/public-cache.ts, so the page needs neither supabase-js nor TanStack Query to paint.
 */
export const clientLoader = () => {
  warmPublicRead(packagesRead);
  warmPublicRead(categoriesRead);
  warmPublicRead(releasesRead);
  warmPublicRead(reviewsRead);
  // A failure shows where the calculator would be (the lazy component fails the same way).
  loadCalculator().catch(() => undefined);
  return null;
};

function PriceRange() {
  const packages = usePublicRead(packagesRead);
  const range = priceRange(packages);
  return (
    <p className="mt-3 text-2xl font-semibold text-slate-900" data-testid="price-range">
      {range ?? 'No packages are on sale right now.'}
    </p>
  );
}

function Packages() {
  const packages = usePublicRead(packagesRead);
  if (packages.length === 0) return <p className="text-slate-700">No packages are on sale right now. Please check back soon.</p>;
  return <PackagePicker packages={packages} />;
}

function Categories() {
  const categories = usePublicRead(categoriesRead);
  return <CategoryTable categories={categories} />;
}

function Calculator() {
  const releases = usePublicRead(releasesRead);
  return <HomeCalculator releases={releases} />;
}

/** One part of the page that reads data: a skeleton while it loads, words and "Try again" if it fails. */
function Loading({ what, lines, children }: { what: string; lines: number; children: ReactNode }) {
  return (
    <SectionErrorBoundary what={what} describe={apiErrorMessage} onReset={forgetFailedPublicReads}>
      <Suspense fallback={<Skeleton lines={lines} label={`Loading ${what}…`} />}>{children}</Suspense>
    </SectionErrorBoundary>
  );
}

function Section({ id, title, intro, children }: { id: string; title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="mt-12">
      <h2 id={id} className="text-xl font-bold text-slate-900">
        {title}
      </h2>
      {intro && <p className="mt-1 text-slate-700">{intro}</p>}
      <div className="mt-4">{children}</div>
    </section>
  );
}

export default function HomeRoute() {
  useDocumentTitle('Pro Support Credits');
  const auth = useAuthSession();

  return (
    <article aria-labelledby="home-title">
      <header className="max-w-3xl">
        <h1 id="home-title" className="text-3xl font-bold tracking-tight sm:text-4xl">
          Pro Support Credits
        </h1>
        <SectionErrorBoundary what="the prices" describe={apiErrorMessage} onReset={() => undefined} quiet>
          <Suspense fallback={<div className="mt-3 h-8 w-56 animate-pulse rounded bg-slate-200" aria-hidden="true" />}>
            <PriceRange />
          </Suspense>
        </SectionErrorBoundary>
        <p className="mt-4 text-lg text-slate-700">
          Prepaid, credit-based technical support. Buy a package of credits and open a ticket whenever you need help: an
          engineer assesses each ticket into a priced category, and credits are only spent the way you agreed. Credits never
          expire.
        </p>
        <p className="mt-4 flex flex-wrap gap-4">
          {auth.status === 'signed-in' ? (
            <Link to={paths.portal.root.getHref()}>Go to your portal</Link>
          ) : (
            <>
              <Link to={paths.auth.signup.getHref()}>Create an account</Link>
              <Link to={paths.auth.login.getHref()}>Sign in</Link>
            </>
          )}
        </p>
      </header>

      <Section id="buy-title" title="Buy support credits" intro="Larger packages cost less per credit.">
        <div className="rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
          <Loading what="the packages" lines={3}>
            <Packages />
          </Loading>
        </div>
      </Section>

      <Section id="how-title" title="How credit-based support works">
        <HowItWorks />
      </Section>

      <Section id="prices-title" title="What a ticket costs" intro="Every ticket is assessed into one of these categories.">
        <Loading what="the price list" lines={5}>
          <Categories />
        </Loading>
      </Section>

      <Section id="upgrade-title" title="Upgrade cost calculator" intro="See what an upgrade between two versions costs.">
        <div className="rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
          <Loading what="the versions" lines={2}>
            <Calculator />
          </Loading>
        </div>
      </Section>

      <Section id="reviews-title" title="Reviews">
        <Loading what="the reviews" lines={4}>
          <ReviewsSection />
        </Loading>
      </Section>
    </article>
  );
}
