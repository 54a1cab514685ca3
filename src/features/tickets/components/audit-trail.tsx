import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { formatDateTime } from '../../../lib/format';
import { describeTicketEvent } from '../../../lib/labels';
import { toTypedTicketEvent } from '../../../lib/ticket-events';
import type { TicketEvent } from '../api/get-thread';

const childNumber = (data: unknown) => {
  const event = toTypedTicketEvent('split', data);
  return event?.kind === 'split' && typeof event.data.child_number === 'number' ? event.data.child_number : null;
};

export function AuditTrail({ events, categoryName }: { events: readonly TicketEvent[]; categoryName: (code: string) => string }) {
  return (
    <ol className="space-y-2 border-l-2 border-slate-200 pl-4 text-sm">
      {events.map((event) => {
        const child = event.kind === 'split' ? childNumber(event.data) : null;
        return (
          <li key={event.id}>
            <p className="text-slate-900">
              {describeTicketEvent(event.kind, event.data, { categoryName, audience: 'customer' })}
              {child !== null && (
                <>
                  {' '}
                  <Link to={paths.portal.ticket.getHref(child)}>Open ticket #{child}</Link>
                </>
              )}
            </p>
            <p className="text-slate-600">
              {formatDateTime(event.created_at)}
              {event.actor_name ? ` · ${event.actor_name}` : ' · Pro Portal'}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
