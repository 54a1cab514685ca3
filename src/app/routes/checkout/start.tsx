import { useEffect, useRef } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Link } from '../../../components/ui/link';
import { PageSpinner } from '../../../components/ui/spinner';
import { paths } from '../../../config/paths';
import { useStartCheckout } from '../../../features/checkout/api/start-checkout';
import { rememberReturnPath } from '../../../features/checkout/return-path';
import { apiErrorMessage } from '../../../lib/api-errors';
import { useDocumentTitle } from '../../../lib/use-document-title';

/** Creates the order and hands over to the payment page (Stripe, or the test provider's page). */
export default function CheckoutStartRoute() {
  useDocumentTitle('Starting checkout');
  const { packageId = '' } = useParams();
  const [search] = useSearchParams();
  const returnTo = search.get('return');
  const navigate = useNavigate();
  const checkout = useStartCheckout();
  const started = useRef(false);

  const start = () =>
    checkout.mutate(packageId, {
      onSuccess: ({ order_id, url }) => {
        rememberReturnPath(order_id, returnTo);
        const target = new URL(url, window.location.origin);
        // The test provider's page is part of this app; Stripe Checkout is not.
        if (target.origin === window.location.origin) void navigate(`${target.pathname}${target.search}`, { replace: true });
        else window.location.assign(target.href);
      },
    });

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    start();
    // Runs once per visit: a second order must never be started by a re-render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (checkout.isError) {
    return (
      <section aria-labelledby="checkout-title" className="mx-auto max-w-xl">
        <h1 id="checkout-title" className="text-2xl font-bold">
          We could not start the checkout
        </h1>
        <div className="mt-4">
          <Alert tone="error">{apiErrorMessage(checkout.error)}</Alert>
        </div>
        <div className="mt-6 flex flex-wrap items-center gap-4">
          <Button onClick={start} pending={checkout.isPending}>
            Try again
          </Button>
          <Link to={paths.home.getHref()}>Choose another package</Link>
        </div>
      </section>
    );
  }
  return (
    <section aria-labelledby="checkout-title">
      <h1 id="checkout-title" className="sr-only">
        Starting checkout
      </h1>
      <PageSpinner label="Taking you to the payment page…" />
    </section>
  );
}
