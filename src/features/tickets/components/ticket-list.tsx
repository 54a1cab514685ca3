import { EmptyState } from '../../../components/ui/empty-state';
import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { formatDate, formatCredits } from '../../../lib/format';
import type { TicketSummary } from '../api/get-tickets';
import { StatusBadge } from '../../../components/ui/status-badge';


export function TicketList({ tickets, empty }: { tickets: readonly TicketSummary[]; empty: { title: string; text?: string } }) {
  if (tickets.length === 0) return <EmptyState title={empty.title}>{empty.text}</EmptyState>;
  return (
    <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      {tickets.map((ticket) => (
        <li key={ticket.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-3">
          <div className="min-w-0">
            <Link to={paths.portal.ticket.getHref(ticket.number)} className="break-words">
              #{ticket.number} {ticket.subject}
            </Link>
            <p className="text-sm text-slate-600">
              Opened {formatDate(ticket.created_at)}
              {ticket.quoted_credits !== null && ` · ${formatCredits(ticket.quoted_credits)}`}
              {ticket.charged_credits > 0 && ` (${ticket.charged_credits} charged)`}
            </p>
          </div>
          <StatusBadge status={ticket.status} audience="customer" />
        </li>
      ))}
    </ul>
  );
}
