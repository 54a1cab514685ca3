import type { QueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { useParams } from 'react-router-dom';
import { Button } from '../../../components/ui/button';
import { Link } from '../../../components/ui/link';
import { Skeleton } from '../../../components/ui/skeleton';
import { paths } from '../../../config/paths';
import { orderReceiptQueryOptions, useOrderReceipt } from '../../../features/credits/api/get-orders';
import { formatMoney } from '../../../lib/money';
import { useAuthSession } from '../../../lib/auth-session';
import { formatCredits, formatLongDateTime } from '../../../lib/format';
import { useDocumentTitle } from '../../../lib/use-document-title';
import { portalLoader } from './portal-loader';

export const clientLoader = (queryClient: QueryClient) =>
  portalLoader((userId, params) => queryClient.ensureQueryData(orderReceiptQueryOptions(userId, params.orderId ?? '')));

function Receipt({ userId, orderId }: { userId: string; orderId: string }) {
  const { data: order } = useOrderReceipt(userId, orderId);
  useDocumentTitle(order ? 'Receipt' : 'Receipt not found');
  if (!order || order.status !== 'paid') {
    return (
      <section>
        <h1 className="text-2xl font-bold">Receipt not found</h1>
        <p className="mt-4 text-slate-700">
          There is no paid order with this number on your account. <Link to={paths.portal.credits.getHref()}>See your orders</Link>
        </p>
      </section>
    );
  }
  const date = (iso: string | null) => (iso ? formatLongDateTime(iso) : '—');
  return (
    <article aria-labelledby="receipt-title" className="mx-auto max-w-xl rounded-lg border border-slate-200 bg-white p-6 print:border-0 print:p-0">
      <h1 id="receipt-title" className="text-2xl font-bold">
        Receipt
      </h1>
      <p className="mt-1 text-slate-700">Pro Portal · Prepaid support credits</p>
      <dl className="mt-6 grid grid-cols-[auto_1fr] gap-x-6 gap-y-2">
        <dt className="text-slate-700">Receipt number</dt>
        <dd className="break-all font-mono text-sm">{order.id}</dd>
        <dt className="text-slate-700">Billed to</dt>
        <dd>{order.account?.name ?? '—'}</dd>
        <dt className="text-slate-700">Ordered</dt>
        <dd>{date(order.created_at)}</dd>
        <dt className="text-slate-700">Paid</dt>
        <dd>{date(order.paid_at)}</dd>
        <dt className="text-slate-700">Item</dt>
        <dd>{order.package?.name ?? formatCredits(order.credits)} — {order.credits} support {order.credits === 1 ? 'credit' : 'credits'} (never expire)</dd>
        <dt className="text-slate-700">Payment</dt>
        <dd>{order.provider === 'test' ? 'Test mode (no real payment)' : 'Card via Stripe'}</dd>
        <dt className="font-semibold">Total paid</dt>
        <dd className="text-lg font-bold">{formatMoney(order.amount_cents, order.currency)}</dd>
      </dl>
      <div className="mt-8 flex flex-wrap items-center gap-4 print:hidden">
        <Button onClick={() => window.print()}>Print receipt</Button>
        <Link to={paths.portal.credits.getHref()}>Back to credits</Link>
      </div>
    </article>
  );
}

export default function ReceiptRoute() {
  const auth = useAuthSession();
  const { orderId = '' } = useParams();
  return (
    <Suspense fallback={<Skeleton lines={6} label="Loading the receipt…" />}>
      {auth.user && <Receipt userId={auth.user.id} orderId={orderId} />}
    </Suspense>
  );
}
