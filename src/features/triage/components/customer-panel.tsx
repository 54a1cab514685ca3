import { Link } from 'react-router-dom';
import { paths } from '../../../config/paths';
import { formatCredits } from '../../../lib/format';
import { useCustomerSummary } from '../api/get-customer-summary';
import type { StaffTicket } from '../api/get-ticket';
import { StatusBadge } from '../../../components/ui/status-badge';

export function CustomerPanel({ ticket }: { ticket: StaffTicket }) {
  const { data } = useCustomerSummary(ticket.account_id, ticket.created_by);
  const others = data.recent.filter((t) => t.id !== ticket.id).slice(0, 5);
  return (
    <section aria-labelledby="customer-title" className="space-y-3 rounded-md border border-slate-200 p-4">
      <h2 id="customer-title" className="text-lg font-bold">
        Customer
      </h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-slate-700">Email</dt>
        <dd className="break-all">{data.profile?.email ?? '(deleted user)'}</dd>
        {data.profile?.full_name && (
          <>
            <dt className="text-slate-700">Name</dt>
            <dd>{data.profile.full_name}</dd>
          </>
        )}
        <dt className="text-slate-700">Balance</dt>
        <dd aria-live="polite" className="font-semibold" data-testid="customer-balance">
          {formatCredits(data.account.balance)}
        </dd>
      </dl>
      <div>
        <h3 className="text-sm font-semibold">Recent tickets</h3>
        {others.length === 0 ? (
          <p className="text-sm text-slate-700">No other tickets.</p>
        ) : (
          <ul className="mt-1 space-y-1 text-sm">
            {others.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center gap-2">
                <Link to={paths.staff.ticket.getHref(t.number)} className="text-blue-800 underline">
                  #{t.number}
                </Link>
                <span className="min-w-0 flex-1 truncate">{t.subject}</span>
                <StatusBadge status={t.status} audience="staff" />
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
