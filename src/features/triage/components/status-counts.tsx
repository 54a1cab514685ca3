import { Link } from 'react-router-dom';
import { useStatusCounts } from '../api/get-status-counts';
import { statusLabel } from '../../../lib/labels';
import { QUEUE_STATUS_ORDER } from '../../../lib/ticket-status';
import type { QueueFilters } from '../schemas';

/** Tickets per status; each one filters the queue to that status. */
export function StatusCounts({ filters, hrefFor }: { filters: QueueFilters; hrefFor: (f: QueueFilters) => string }) {
  const { data: counts } = useStatusCounts();
  return (
    <nav aria-label="Tickets by status">
      <ul className="flex flex-wrap gap-2">
        {QUEUE_STATUS_ORDER.map((status) => {
          const current = filters.status === status;
          return (
            <li key={status}>
              <Link
                to={hrefFor({ ...filters, status })}
                aria-current={current ? 'page' : undefined}
                className={`inline-flex items-center gap-2 rounded-md border px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-blue-800 ${
                  current ? 'border-blue-800 bg-blue-50 font-semibold text-blue-950' : 'border-slate-300 text-slate-800 hover:bg-slate-50'
                }`}
              >
                {statusLabel(status, 'staff')}
                <span className="rounded-full bg-slate-200 px-2 text-xs font-semibold text-slate-900">{counts[status]}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
