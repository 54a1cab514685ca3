import { useNavigate, useParams } from 'react-router-dom';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Link } from '../../../components/ui/link';
import { PageSpinner } from '../../../components/ui/spinner';
import { paths } from '../../../config/paths';
import { useCompleteTestPayment } from '../../../features/checkout/api/complete-test-payment';
import { useOrderUntilSettled } from '../../../features/checkout/api/get-order';
import { apiErrorMessage } from '../../../lib/api-errors';
import { useDocumentTitle } from '../../../lib/use-document-title';

const money = (cents: number, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);

/** The test provider's payment page: no card, no money — Pay or Cancel decides the order. */
export default function TestPaymentRoute() {
  useDocumentTitle('Test payment');
  const { orderId = '' } = useParams();
  const navigate = useNavigate();
  const order = useOrderUntilSettled(orderId);
  const complete = useCompleteTestPayment();
  const [payPending, cancelPending] = [
    complete.isPending && complete.variables.outcome === 'paid',
    complete.isPending && complete.variables.outcome === 'canceled',
  ];

  const decide = (outcome: 'paid' | 'canceled') =>
    complete.mutate(
      { orderId, outcome },
      {
        onSuccess: () =>
          void navigate(outcome === 'paid' ? paths.checkout.success.getHref(orderId) : paths.checkout.cancel.getHref(orderId), {
            replace: true,
          }),
      },
    );

  if (order.isPending) return <PageSpinner label="Loading your order…" />;
  const found = order.data;

  return (
    <section aria-labelledby="pay-title" className="mx-auto max-w-lg">
      <p className="rounded-md border-2 border-dashed border-amber-600 bg-amber-50 px-4 py-2 text-center text-sm font-semibold text-amber-950">
        Test mode — no real payment
      </p>
      <h1 id="pay-title" className="mt-6 text-2xl font-bold">
        Pay for your credits
      </h1>
      {order.isError && (
        <div className="mt-4">
          <Alert tone="error">{apiErrorMessage(order.error)}</Alert>
        </div>
      )}
      {!order.isError && !found && (
        <div className="mt-4">
          <Alert tone="error" title="We could not find this order">
            It may belong to another account. <Link to={paths.home.getHref()}>Start a new purchase</Link>.
          </Alert>
        </div>
      )}
      {found && (
        <>
          <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-4">
            <dt className="text-slate-700">Credits</dt>
            <dd className="font-semibold">{found.order.credits}</dd>
            <dt className="text-slate-700">Amount</dt>
            <dd className="font-semibold">{money(found.order.amount_cents, found.order.currency)}</dd>
            <dt className="text-slate-700">Order</dt>
            <dd className="break-all font-mono text-sm">{found.order.id}</dd>
          </dl>
          <p className="mt-4 text-sm text-slate-700">
            This page stands in for a real payment provider while the shop runs in test mode. Paying adds the credits to your
            balance; nothing is charged to any card.
          </p>
          {complete.isError && (
            <div className="mt-4">
              <Alert tone="error">{apiErrorMessage(complete.error)}</Alert>
            </div>
          )}
          {found.order.status === 'pending' ? (
            <div className="mt-6 flex flex-wrap gap-3">
              <Button onClick={() => decide('paid')} pending={payPending} disabled={complete.isPending}>
                Pay {money(found.order.amount_cents, found.order.currency)}
              </Button>
              <Button variant="secondary" onClick={() => decide('canceled')} pending={cancelPending} disabled={complete.isPending}>
                Cancel
              </Button>
            </div>
          ) : (
            <div className="mt-6">
              <Alert tone="info">
                This order is {found.order.status === 'paid' ? 'already paid' : 'canceled'}.{' '}
                <Link to={found.order.status === 'paid' ? paths.checkout.success.getHref(orderId) : paths.home.getHref()}>
                  {found.order.status === 'paid' ? 'See your balance' : 'Start a new purchase'}
                </Link>
              </Alert>
            </div>
          )}
        </>
      )}
    </section>
  );
}
