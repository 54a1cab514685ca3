import { EmptyState } from '../../../components/ui/empty-state';
import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { formatCredits, formatDate } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import type { Order } from '../api/get-orders';

const STATUS: Record<Order['status'], string> = { pending: 'Waiting for payment', paid: 'Paid', failed: 'Canceled or failed' };

export function OrdersTable({ orders }: { orders: readonly Order[] }) {
  if (orders.length === 0) return <EmptyState title="No orders yet">Credit packages you buy will be listed here.</EmptyState>;
  return (
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full min-w-[32rem] text-left text-sm">
        <caption className="sr-only">Your orders, newest first</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className="px-3 py-2">Date</th>
            <th scope="col" className="px-3 py-2">Package</th>
            <th scope="col" className="px-3 py-2">Amount</th>
            <th scope="col" className="px-3 py-2">Status</th>
            <th scope="col" className="px-3 py-2">
              <span className="sr-only">Receipt</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {orders.map((order) => (
            <tr key={order.id} className="border-t border-slate-200">
              <td className="px-3 py-2 whitespace-nowrap">{formatDate(order.created_at)}</td>
              <td className="px-3 py-2">{formatCredits(order.credits)}</td>
              <td className="px-3 py-2">{formatMoney(order.amount_cents, order.currency)}</td>
              <td className="px-3 py-2">{STATUS[order.status]}</td>
              <td className="px-3 py-2">
                {order.status === 'paid' && (
                  <Link to={paths.portal.receipt.getHref(order.id)} aria-label={`Receipt for the ${order.credits}-credit order`}>
                    Receipt
                  </Link>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
