import { useSearchParams } from 'react-router-dom';
import { Alert } from '../../../components/ui/alert';
import { Link } from '../../../components/ui/link';
import { Spinner } from '../../../components/ui/spinner';
import { paths } from '../../../config/paths';
import { useOrderUntilSettled } from '../../../features/checkout/api/get-order';
import { readReturnPath } from '../../../features/checkout/return-path';
import { apiErrorMessage } from '../../../lib/api-errors';
import { formatCredits } from '../../../lib/format';
import { useDocumentTitle } from '../../../lib/use-document-title';

/** Back from paying: waits until the provider has confirmed the payment and the credits are in. */
export default function CheckoutSuccessRoute() {
  const [search] = useSearchParams();
  const orderId = search.get('order_id') ?? '';
  const order = useOrderUntilSettled(orderId);
  const status = order.data?.order.status;
  useDocumentTitle(status === 'paid' ? 'Payment received' : 'Confirming your payment');
  const returnTo = readReturnPath(orderId);

  return (
    <section aria-labelledby="success-title" className="mx-auto max-w-lg">
      <h1 id="success-title" className="text-2xl font-bold">
        {status === 'paid' ? 'Thank you — your credits are in' : 'Confirming your payment'}
      </h1>
      <div className="mt-4" aria-live="polite">
        {!orderId && <Alert tone="error">This page needs an order. See your orders on the credits page.</Alert>}
        {order.isError && <Alert tone="error">{apiErrorMessage(order.error)}</Alert>}
        {orderId && !order.isError && (order.isPending || status === 'pending') && (
          <p className="flex items-center gap-3 text-slate-700" role="status">
            <Spinner className="size-5" /> Waiting for the payment provider to confirm your payment. This usually takes a few
            seconds.
          </p>
        )}
        {order.data === null && <Alert tone="error">We could not find this order among yours.</Alert>}
        {status === 'failed' && (
          <Alert tone="error" title="The payment did not go through">
            {order.data?.order.failure_reason ?? 'No credits were added.'} <Link to={paths.home.getHref()}>Try again</Link>
          </Alert>
        )}
        {status === 'paid' && order.data && (
          <div className="space-y-3">
            <Alert tone="success">{formatCredits(order.data.order.credits)} {order.data.order.credits === 1 ? 'was' : 'were'} added to your balance.</Alert>
            <p className="text-lg">
              Your balance is now <strong data-testid="new-balance">{order.data.balance === null ? '—' : formatCredits(order.data.balance)}</strong>.
            </p>
          </div>
        )}
      </div>
      <p className="mt-6 flex flex-wrap gap-4">
        {returnTo && status === 'paid' && <Link to={returnTo}>Continue where you left off</Link>}
        <Link to={paths.portal.root.getHref()}>Go to your portal</Link>
        <Link to={paths.portal.credits.getHref()}>See your statement</Link>
      </p>
    </section>
  );
}
